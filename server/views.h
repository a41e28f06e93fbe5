/*
 * views: live WebRTC views of streams. The hub relays the signalling
 * between a browser (WebSocket, ws.c) and the gateway that holds the stream
 * (MQTT, ecc/gw/{gw}/cmd and .../evt); media flows straight between them.
 *
 * Why here: the hub alone knows who may see which unit, which gateway holds
 * which stream, and keeps the audit log: every view's start and end is
 * written with the user (who watched live), and a refused request too.
 *
 * A browser sends watch {stream}; the hub answers watching {view, stream,
 * ice_servers} or an error, asks the gateway for a view, and relays the
 * gateway's offer and ICE candidates to the browser, the browser's answer
 * and candidates to the gateway, and view_end either way. A fallback view
 * (mode fmp4) has no signalling: the gateway publishes its fragmented MP4
 * on ecc/gw/{gw}/live/{view} and the hub forwards each message to the
 * browser as a binary WebSocket message. A view ends when
 * the browser says unwatch or goes away, when its gateway goes offline, or
 * when the gateway ends it (the stream restarts): the player watches again.
 *
 * Thread: the main loop. Ownership: ecc_views_new / ecc_views_free; a
 * client is an opaque pointer owned by ws.c, valid until
 * ecc_views_client_gone.
 */
#ifndef ECC_VIEWS_H
#define ECC_VIEWS_H

#include "auth.h"
#include "hub.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ecc_views ecc_views;

/* Sends msg (taken) to a client. */
typedef void (*ecc_views_send_fn)(void *client, cJSON *msg);

/* Sends a fallback view's media bytes to a client as one binary message:
 * a byte n, the view id (n bytes), the bytes. false: the client's media
 * queue is full (it cannot keep up), nothing queued. */
typedef bool (*ecc_views_media_fn)(void *client, const char *view, const void *data, size_t len);

ecc_views *ecc_views_new(struct ecc_hub *hub);
void ecc_views_free(ecc_views *v);
void ecc_views_set_sender(ecc_views *v, ecc_views_send_fn send, ecc_views_media_fn media);

/* How a view's media reaches the browser: WebRTC straight from the
 * gateway, or (the fallback where WebRTC cannot connect) fragmented MP4
 * through the hub, over MQTT and this WebSocket, into MSE. */
enum ecc_view_mode { ECC_VIEW_WEBRTC, ECC_VIEW_FMP4 };

/* "webrtc" or "fmp4" (NULL: webrtc) -> *out; false for anything else. */
bool ecc_view_mode_parse(const char *name, enum ecc_view_mode *out);

/* A client's watch request (ref, may be NULL: the client's own tag, echoed
 * in "watching"). ECC_OK (the view's id in view[24]), or
 * ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN, ECC_ERR_UNAVAIL (no gateway holds
 * it now), ECC_ERR_TOOBIG (too many views on this client), with *why. */
int ecc_views_watch(ecc_views *v, void *client, const struct ecc_user *user, const char *ip,
                    int64_t stream, enum ecc_view_mode mode, const char *ref, char view[24],
                    const char **why);

/* The browser's answer, ICE candidate, or end of one of its views.
 * ECC_ERR_NOTFOUND when the view is not this client's. */
int ecc_views_answer(ecc_views *v, void *client, const char *view, const char *sdp);
int ecc_views_ice(ecc_views *v, void *client, const char *view, unsigned mline,
                  const char *candidate);
int ecc_views_stop(ecc_views *v, void *client, const char *view);

/* Every view of a client that went away ends. */
void ecc_views_client_gone(ecc_views *v, void *client);

/* A gateway's offer, ice or view_end report. */
void ecc_views_on_gateway(ecc_views *v, const char *gw, const cJSON *report);

/* A fallback view's media bytes from gateway gw (ecc/gw/{gw}/live/{view}). */
void ecc_views_on_media(ecc_views *v, const char *gw, const char *view, const void *data,
                        size_t len);

/* RTCPeerConnection's iceServers from [webrtc] (caller frees): also for
 * phones publishing (publish.h). */
cJSON *ecc_views_ice_servers(const struct ecc_config *cfg);

/* The feeds of room changed (rooms.h): every view allowed only as a feed
 * of that room that the rule no longer allows ends. */
void ecc_views_feeds_recheck(ecc_views *v, int64_t room);

/* Every view held by a gateway that went offline ends. */
void ecc_views_gateway_down(ecc_views *v, const char *gw);

#endif
