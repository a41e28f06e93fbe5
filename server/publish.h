/*
 * publish: phones publishing their camera and microphone (the handheld
 * page's "开始执法记录", wallboard/js/media/publisher.js). The hub relays
 * the WebRTC signalling between the browser (WebSocket, ws_publish.c) and
 * the gateway that holds the unit's published stream (MQTT, like views.h);
 * the media flows straight from the phone to the gateway, which records it
 * as the unit's stream and serves it to the wall like any camera.
 *
 * Why here: the hub alone knows whose unit a user carries (auth.h: an
 * officer's unit), which gateway holds which stream, and keeps the audit
 * log (publish.start, publish.end with the user and how long).
 *
 * A browser sends publish; the hub finds or adds the unit's stream
 * (streams.h, URL "webrtc:"), answers publishing {session, stream, unit,
 * ice_servers}, and relays the browser's publish_offer and publish_ice to
 * the gateway, the gateway's publish_answer and publish_ice to the browser,
 * and publish_end either way. One session per unit: a new one (the phone
 * reconnecting) ends the older. A session ends when the browser says
 * unpublish (on purpose: no stall alert) or goes away, when the gateway
 * ends it (ICE failed, the stream restarted) or goes offline: the
 * publisher publishes again, into a new segment.
 *
 * Thread: the main loop. Ownership: ecc_publish_new / ecc_publish_free; a
 * client is an opaque pointer owned by ws.c, valid until
 * ecc_publish_client_gone.
 */
#ifndef ECC_PUBLISH_H
#define ECC_PUBLISH_H

#include "auth.h"
#include "hub.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct ecc_publish ecc_publish;

/* Sends msg (taken) to a client. */
typedef void (*ecc_publish_send_fn)(void *client, cJSON *msg);

ecc_publish *ecc_publish_new(struct ecc_hub *hub);
void ecc_publish_free(ecc_publish *p);
void ecc_publish_set_sender(ecc_publish *p, ecc_publish_send_fn send);

/* A client's publish request: "publishing" goes to it (ECC_OK), or
 * ECC_ERR_FORBIDDEN (the user carries no unit), ECC_ERR_NOTFOUND (no such
 * unit), ECC_ERR_UNAVAIL (no gateway holds its stream now), ECC_ERR_DB,
 * with *why. */
int ecc_publish_start(ecc_publish *p, void *client, const struct ecc_user *user, const char *ip,
                      const char **why);

/* A room participant's camera and microphone (rooms.h: media): as
 * ecc_publish_start, into the participant's room stream; the reply's
 * "unit" is "room<id>". screen: its shared screen instead (a second
 * stream, video only), which ends when the session is stopped (not to
 * publish again) or its connection goes. ECC_ERR_FORBIDDEN (not in the
 * room, or waiting to be admitted), ECC_ERR_NOTFOUND, ECC_ERR_EXISTS
 * (closed), ECC_ERR_UNAVAIL, with *why. */
int ecc_publish_room(ecc_publish *p, void *client, const struct ecc_user *user, const char *ip,
                     int64_t room, bool screen, const char **why);

/* Push-to-talk (对讲): a wall talks to the phone that publishes stream (a
 * webrtc: stream); the phone's own sound comes back as the stream's sound.
 * "talking {session, stream, unit, ice_servers}" goes to the client
 * (ECC_OK); then talk_offer, talk_ice, untalk as for publishing
 * (talk_answer, talk_ice, talk_end back); audited as talk.start and
 * talk.end. ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN (not a center role that
 * sees the unit), ECC_ERR_INVAL (not a phone's stream), ECC_ERR_UNAVAIL,
 * with *why. */
int ecc_publish_talk(ecc_publish *p, void *client, const struct ecc_user *user, const char *ip,
                     int64_t stream, const char **why);

/* The browser's offer, candidate, or end of one of its sessions (a
 * publish or a talk).
 * ECC_ERR_NOTFOUND when the session is not this client's. */
int ecc_publish_offer(ecc_publish *p, void *client, const char *session, const char *sdp);
int ecc_publish_ice(ecc_publish *p, void *client, const char *session, unsigned mline,
                    const char *candidate);
/* reconnect: the phone publishes again at once (a gap, not a stop). */
int ecc_publish_stop(ecc_publish *p, void *client, const char *session, bool reconnect);

/* Every session of a client that went away ends. */
void ecc_publish_client_gone(ecc_publish *p, void *client);

/* A gateway's publish_answer, publish_ice or publish_end report. */
void ecc_publish_on_gateway(ecc_publish *p, const char *gw, const cJSON *report);

/* Every session on a gateway that went offline ends. */
void ecc_publish_gateway_down(ecc_publish *p, const char *gw);

#endif
