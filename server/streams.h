/*
 * streams: the field video streams (one or more per unit), which gateway
 * ingests each, and their live health.
 *
 * Why: a stream belongs to a unit (DESIGN.md); the hub keeps the list
 * (table streams), assigns each stream to the least-loaded live gateway,
 * re-homes the streams of a gateway that goes offline to the others, and
 * turns the gateways' health reports into stream states on the WebSocket
 * (ECC_EV_STREAM) and alerts: a stream that stops delivering video for 3 s
 * raises "stream_stalled", and recovery clears it.
 * A unit may announce its own stream URL on ecc/unit/{id}/stream.
 *
 * The gateway knows a stream as "s<id>".
 * Thread: the main loop. Ownership: ecc_streams_new borrows the hub.
 * Errors: ECC_ERR_INVAL, ECC_ERR_NOTFOUND, ECC_ERR_DB.
 */
#ifndef ECC_STREAMS_H
#define ECC_STREAMS_H

#include "auth.h"
#include "hub.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

ecc_streams *ecc_streams_new(struct ecc_hub *hub);
void ecc_streams_free(ecc_streams *s);

struct ecc_stream_def {
	const char *unit;
	const char *url;       /* rtsp://, rtsps://, rtmp://, srt:// (webrtc: from publish.c) */
	const char *transport; /* "tcp" (default) or "udp", for RTSP */
	bool record;
	const char *source; /* "api" or "announce" */
};

/* Adds a stream and assigns it. why: 128 bytes. */
int ecc_streams_add(ecc_streams *s, const struct ecc_stream_def *d, const char *actor,
                    const char *ip, int64_t *id_out, char *why);
int ecc_streams_delete(ecc_streams *s, int64_t id, const char *actor, const char *ip);

/* Pushes stream id live to url (rtmp://, rtmps://, srt://), or stops (url
 * NULL); audited (restream.start / restream.stop, the destination without
 * its secrets). Kept in memory: a hub restart stops the push. ECC_OK, or
 * ECC_ERR_NOTFOUND, ECC_ERR_INVAL, ECC_ERR_DB with *why. */
int ecc_streams_restream(ecc_streams *s, int64_t id, const char *url, const char *actor,
                         const char *ip, const char **why);

/* Turns recording of stream id on or off (an operation records every
 * assigned unit's streams); stored, and the gateway restarts the stream
 * with the new flag. The caller audits. ECC_OK, ECC_ERR_NOTFOUND, ECC_ERR_DB. */
int ecc_streams_set_record(ecc_streams *s, int64_t id, bool record);

/* The unit of a stream, or NULL. */
const char *ecc_streams_unit(ecc_streams *s, int64_t id);

/* Where stream id runs now: its gateway (gw[65]) and the gateway's name for
 * it (name[24]). false: no such stream, or no gateway holds it. */
bool ecc_streams_where(ecc_streams *s, int64_t id, char *gw, char *name);

/* A stream (or all that user may see) as JSON; caller frees. */
cJSON *ecc_streams_get_json(ecc_streams *s, int64_t id);
cJSON *ecc_streams_list_json(ecc_streams *s, const struct ecc_user *user);

/* The latest thumbnail of a stream (a path on the gateway's box, caller
 * frees), or NULL. */
char *ecc_streams_snapshot_path(ecc_streams *s, int64_t id);

/* Streams assigned to gw. */
int ecc_streams_load(ecc_streams *s, const char *gw);

/* From the gateways: */
void ecc_streams_gateway_up(ecc_streams *s, const char *gw);   /* send its full list */
void ecc_streams_gateway_down(ecc_streams *s, const char *gw); /* re-home its streams */
void ecc_streams_on_health(ecc_streams *s, const char *gw, const cJSON *report);

/* A phone's camera, published over WebRTC (publish.h): the stream's URL. */
#define ECC_STREAM_PUBLISHED "webrtc:"

/* The unit's published stream, added (source "publish", recorded) on its
 * first publish. why: 128 bytes. */
int ecc_streams_published(ecc_streams *s, const char *unit, const char *actor, const char *ip,
                          int64_t *id, char *why);

/* The phone stopped publishing on purpose: its absence is no stall. */
void ecc_streams_publish_stopped(ecc_streams *s, int64_t id);

/* A room participant's camera and microphone (rooms.h: media): a webrtc:
 * stream owned by participant pid of room, not by a unit; and its shared
 * screen (video only), a second stream of the same participant. Kept in
 * memory only (a negative id, the gateway's name "r<room>p<pid>", the
 * screen's "r<room>p<pid>s": keep that shape), not recorded,
 * not listed with the units' streams, no stall alerts; assigned to a
 * gateway like any stream. Who may publish or watch it is the rooms
 * module's rule (ecc_rooms_media_*), not a unit's. */

/* The stream of participant pid of room (screen: its shared screen, else
 * its camera): found, or (add) made and assigned. 0: none (and !add). */
int64_t ecc_streams_room(ecc_streams *s, int64_t room, int64_t pid, bool screen, bool add);
/* Whose room stream id is (screen may be NULL); false: no room stream. */
bool ecc_streams_room_of(ecc_streams *s, int64_t id, int64_t *room, int64_t *pid, bool *screen);
/* The room stream delivers video now (its state "live"); a change of
 * state emits ECC_EV_ROOM for its room. */
bool ecc_streams_room_live(ecc_streams *s, int64_t id);
/* The gateway drops (muted) or passes the stream's sound: the host's mute
 * reaches every other participant whatever the muted one's page does. */
void ecc_streams_room_mute(ecc_streams *s, int64_t id, bool muted);
/* The room's feeds (feeds: [{"stream":ID,"label":TEXT}], NULL: none) in
 * its hearing's mix: each unit's stream on the gateway of the room's
 * streams is tapped there (the mix can take only what its own gateway
 * ingests); one the room no longer lists leaves. Returns the gateway names
 * of those taken, in order, for the mix's inputs. A unit's stream is in
 * one hearing's mix at a time. */
cJSON *ecc_streams_room_feeds(ecc_streams *s, int64_t room, const cJSON *feeds);
/* The stream is in the hearing's recording or not: in its room's mix,
 * with label (its participant's name) on its picture there, and recorded
 * on its own (the participant's own tracks, filed under the room and the
 * participant). */
void ecc_streams_room_recorded(ecc_streams *s, int64_t id, bool on, const char *label);
/* A room's mix: a stream of participant 0 ("r<room>mix", url "mix:",
 * recorded) whose gateway lays the inputs out in a grid with a clock
 * (gateway/roommix.h): [{"channel": a room stream's gateway name}]. Made, or given new inputs; NULL
 * inputs stops it (its open segment closed). Its id, or 0 when stopped. */
int64_t ecc_streams_room_mix(ecc_streams *s, int64_t room, const cJSON *inputs);
/* A room stream's gateway name ("r7p3"), or NULL. */
const char *ecc_streams_name(ecc_streams *s, int64_t id);

/* The participant is gone: the gateway stops the stream. */
void ecc_streams_room_drop(ecc_streams *s, int64_t id);

/* From a unit: {"url":..,"transport"?} on ecc/unit/{id}/stream. */
void ecc_streams_on_announce(ecc_streams *s, const char *unit, const char *payload, size_t len);

#endif
