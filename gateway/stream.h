/*
 * stream: one ingest of one field unit's video: a GStreamer pipeline from
 * its source (RTSP pull over TCP or UDP with digest auth, RTMP pull, SRT
 * listener for units that push), without video transcoding, to a tee that
 * feeds the recording (record.h), the thumbnail (snapshot.h) and, later,
 * live viewers.
 *
 * Health: frames, bytes, resolution and codec are counted on the video tee;
 * once a second ecc_stream_health_json reports fps, bitrate, last frame age,
 * reconnects and state. States: starting, live, stalled (no frame for 3 s),
 * retrying (waiting to reconnect), stopped. A source that fails, ends or
 * stays stalled for 6 s is torn down (closing the open segment first) and
 * restarted with backoff: the first retry within 1 s, then at most every
 * 5 s, forever.
 *
 * Thread: the gateway's main loop; GStreamer calls back from streaming
 * threads into functions that only touch atomics and the bins they build.
 * Ownership: ecc_stream_new returns a stream freed with ecc_stream_free
 * (which closes the open segment as cut short if it cannot finish it).
 */
#ifndef ECC_STREAM_H
#define ECC_STREAM_H

#include "gwconfig.h"
#include "publish.h"
#include "record.h"
#include "viewer.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct ecc_stream ecc_stream;

struct ecc_stream_spec {
	const char *id; /* the hub's stream id */
	const char *unit;
	const char
	    *url; /* rtsp://, rtsps://, rtmp://, srt://, webrtc: (publish.h), mix: (roommix.h) */
	const char *transport; /* RTSP: "tcp" (default) or "udp" */
	bool record;
	/* a webrtc: stream with no talk-back (a room participant's: its
	 * sound reaches the others through their watches, and an always-on
	 * mixer of silence per participant led the gateway's profile) */
	bool no_talkback;
};

struct ecc_stream_callbacks {
	ecc_segment_fn segment;                                      /* a segment closed */
	void (*state)(void *user, ecc_stream *s, const char *state); /* state changed */
	struct ecc_publisher_cb publish; /* a webrtc: stream's publisher sessions */
	struct ecc_publisher_cb talk;    /* walls talking to its phone */
};

ecc_stream *ecc_stream_new(const struct ecc_gwconfig *cfg, const struct ecc_stream_spec *spec,
                           const struct ecc_stream_callbacks *cb, void *user);

/* Stops (ending the open segment) and frees. */
void ecc_stream_free(ecc_stream *s);

const char *ecc_stream_id(const ecc_stream *s);
const char *ecc_stream_url(const ecc_stream *s);
const char *ecc_stream_state(const ecc_stream *s);

/* The stream's health as the hub gets it (caller frees). */
cJSON *ecc_stream_health_json(ecc_stream *s);

/* A new live viewer (viewer.h) of the stream, under the id view. NULL with
 * *why when there is no picture yet or the branch cannot be built. The
 * stream owns its viewers: a restart ends them (cb->ended, "reconnecting"),
 * and the browser watches again. */
ecc_viewer *ecc_stream_watch(ecc_stream *s, const char *view, enum ecc_viewer_mode mode,
                             const struct ecc_viewer_cb *cb, void *user, const char **why);
ecc_viewer *ecc_stream_viewer(ecc_stream *s, const char *view);

/* Pushes the stream live to url (rtmp://, rtmps://, srt://; restream.h),
 * or stops pushing (NULL). ECC_OK or ECC_ERR_INVAL (another scheme). */
int ecc_stream_set_restream(ecc_stream *s, const char *url);
/* Starts recording a running stream without restarting it: the first
 * segment starts from the cached GOP, so the recording begins at the last
 * key frame. Off: the open segment closes whole, on the last frame in, and
 * the recording branch leaves; the source, its viewers (a room
 * participant's connection) go on (stream_record.c). */
bool ecc_stream_record_on(ecc_stream *s);
void ecc_stream_record_off(ecc_stream *s);
bool ecc_stream_records(const ecc_stream *s);
/* In its room's mix or not (mixtap.h): the hub's "mixed" flag, and the
 * name on its picture there. */
void ecc_stream_set_mixed(ecc_stream *s, bool on, const char *label);
/* A "mix:" stream's inputs (roommix.h; others ignore it). */
void ecc_stream_set_mix(ecc_stream *s, const cJSON *inputs);
/* Ends one viewer (no callback). false: no such viewer. */
bool ecc_stream_unwatch(ecc_stream *s, const char *view);

/* A phone's publisher session on a webrtc: stream (publish.h): its offer
 * (SDP), its candidates, its end (why). A new session starts a new
 * pipeline (the open segment closes; the recording resumes in a new one)
 * unless the stream waits with none. ECC_OK, or ECC_ERR_INVAL (not a
 * webrtc: stream, a bad candidate), ECC_ERR_NOTFOUND (not its session).
 * unpublish: false when session is not the stream's. */
int ecc_stream_publish(ecc_stream *s, const char *session, const char *sdp);
int ecc_stream_publish_ice(ecc_stream *s, const char *session, unsigned mline, const char *cand);
bool ecc_stream_unpublish(ecc_stream *s, const char *session, const char *why);

/* A wall talking to the stream's phone (push-to-talk; publish.h): its
 * offer, candidates, end. One talk at a time: a new one ends the older.
 * ECC_OK, ECC_ERR_UNAVAIL (no phone publishes now), ECC_ERR_INVAL,
 * ECC_ERR_NOTFOUND (not its talk). untalk: false when not its talk. */
int ecc_stream_talk(ecc_stream *s, const char *session, const char *sdp);
int ecc_stream_talk_ice(ecc_stream *s, const char *session, unsigned mline, const char *cand);
bool ecc_stream_untalk(ecc_stream *s, const char *session);

/* A room participant's stream (the hub's "muted" in its order): its sound
 * is dropped before the tee, so no viewer gets it; kept across restarts. */
void ecc_stream_set_muted(ecc_stream *s, bool muted);

#endif
