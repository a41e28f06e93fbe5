/*
 * ws: the WebSocket event bus at /ws (subprotocol "ecc.v1").
 *
 * Why: browsers get live positions, unit states and alerts pushed. A client
 * authenticates by its session cookie, an Authorization header at the
 * handshake, or a first {"type":"auth","token":...} message; subscribes to
 * channels checked against one table (role, then scope per unit); and is
 * closed with 1008 when its session idles out. Positions are coalesced per
 * unit and client: a slow reader gets the newest position of each unit when
 * it can take it, never a growing queue; other messages queue up to a bound,
 * past which the client is told to resync. Input is limited in size
 * ([limits] ws_message_max, else close 1009) and rate ([limits] ws_rate).
 *
 * Messages in:  auth, subscribe {channels:[..]}, unsubscribe, ping; live
 *               video (views.h): watch {stream}, answer, ice, unwatch; the
 *               handheld page (ws_handheld.c): pos, event, delivered.
 * Messages out: hello, subscribed, units (snapshot or changes), positions,
 *               unit_gone, alert, pong, resync, error; watching, offer, ice,
 *               view_end; pos_ack, event_ack.
 *
 * Thread: the main loop. Ownership: ecc_ws_new returns an object freed with
 * ecc_ws_free; it borrows the hub.
 */
#ifndef ECC_WS_H
#define ECC_WS_H

#include "config.h"
#include "hub.h"

#include <libwebsockets.h>

#define ECC_WS_SUBPROTOCOL "ecc.v1"

struct ecc_ws_channel {
	const char *name;
	unsigned roles;
};

/* The channels a client may subscribe to, terminated by name NULL. */
extern const struct ecc_ws_channel ecc_ws_channels[];

/* The lws protocol entry (http.c puts it in the vhost's list). */
struct lws_protocols ecc_ws_protocol(const struct ecc_config *cfg);

ecc_ws *ecc_ws_new(struct ecc_hub *hub);
void ecc_ws_free(ecc_ws *ws);

unsigned ecc_ws_clients(const ecc_ws *ws);

/* What waits to be sent, over all clients: queued messages and their bytes,
 * and units with a pending coalesced position. */
struct ecc_ws_backlog {
	unsigned messages;                      /* queued now */
	size_t bytes;                           /* queued now */
	unsigned positions;                     /* units with a coalesced position waiting now */
	uint64_t sent_messages, sent_positions; /* since start, all clients */
};
void ecc_ws_backlog(const ecc_ws *ws, struct ecc_ws_backlog *out);

#endif
