/* ws_internal: what ws.c and ws_views.c share about a WebSocket client.
 * Not for other modules (ws.h is the interface). */
#ifndef ECC_WS_INTERNAL_H
#define ECC_WS_INTERNAL_H

#include "auth.h"
#include "hub.h"
#include "views.h"
#include "publish.h"

#include <cJSON.h>
#include <glib.h>
#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>

/* Fallback live video waiting for a client: past this it is seconds
 * behind, and its views end (the player asks again, from a key frame). */
#define MEDIAQ_MAX_BYTES (6u << 20)

struct client {
	struct lws *wsi;
	ecc_ws *ws;
	bool authed;
	struct ecc_user user;
	char token[ECC_TOKEN_CHARS + 1];
	char ip[64];
	unsigned channels;
	int64_t room;           /* the room:{id} channel it follows, or 0 (ws_rooms.c) */
	GHashTable *dirty_pos;  /* interned unit id -> itself */
	GHashTable *dirty_unit; /* interned unit id -> itself */
	bool units_turn;        /* alternate unit states and positions */
	bool write_pending;     /* lws_callback_on_writable asked, not yet called back */

	GQueue *outq; /* GString* with LWS_PRE bytes of headroom */
	size_t outq_bytes;
	GQueue *mediaq; /* the same, binary: fallback live video (views.h) */
	size_t mediaq_bytes;
	bool resync;
	GString *rx;
	double tokens; /* rate limiter */
	gint64 tokens_at;
	gint64 connected_at;
	int close_code; /* non-zero: close at the next writable */
	char close_reason[96];
};

struct ecc_ws {
	struct ecc_hub *hub;
	GPtrArray *clients;
	guint idle_id;
	guint tick_id; /* the next push of coalesced changes */
	uint64_t sent_messages, sent_positions;
};

/* ws.c: output to a client */
void ecc_ws__want_write(struct client *c);
void ecc_ws__enqueue_json(struct client *c, cJSON *o); /* takes o */
void ecc_ws__send_error(struct client *c, const char *code, const char *message);

/* ws_rooms.c: the room:{id} channel. Subscribing (id: the text after
 * "room:") checks that the user may see the room and sends the room at
 * once; ECC_OK, ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN. One room per
 * connection: a new one replaces the old. */
int ecc_ws__room_subscribe(struct client *c, const char *id, bool on);
/* The room again ({"type":"room","room":..}) as the client may see it;
 * when it may no longer (removed, the room closed for a guest), a
 * room_gone and the channel ends. */
void ecc_ws__room_push(struct client *c);

/* ws_views.c: the live-view messages, and views.c's way back to clients */
void ecc_ws__m_watch(struct client *c, const cJSON *msg);
void ecc_ws__m_view_signal(struct client *c, const cJSON *msg);
void ecc_ws__views_attach(ecc_views *views);

/* ws_handheld.c: the handheld page reporting as its officer's unit */
void ecc_ws__m_pos(struct client *c, const cJSON *msg);
void ecc_ws__m_event(struct client *c, const cJSON *msg);
void ecc_ws__m_delivered(struct client *c, const cJSON *msg);

/* ws_publish.c: phones publishing their camera (publish.h) */
void ecc_ws__m_publish(struct client *c, const cJSON *msg);
void ecc_ws__m_publish_signal(struct client *c, const cJSON *msg);
void ecc_ws__m_talk(struct client *c, const cJSON *msg);
void ecc_ws__publish_attach(ecc_publish *p);

#endif
