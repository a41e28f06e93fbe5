/* ws: WebSocket clients, channels, coalesced fan-out. */
#define G_LOG_DOMAIN "ecc-ws"

#include "ws.h"
#include "ws_internal.h"
#include "cases.h"
#include "api.h"
#include "auth.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "http.h"
#include "streams.h"
#include "views.h"
#include "publish.h"
#include "rooms.h"

#include <math.h>
#include <string.h>

#define CH_UNITS    (1u << 0)
#define CH_ALERTS   (1u << 1)
#define CH_DUTY     (1u << 2)
#define CH_DISPATCH (1u << 3)

#define AUTH_GRACE_MS     10000
#define OUTQ_MAX_MSGS     512
#define OUTQ_MAX_BYTES    (4u << 20)
#define UNITS_PER_MSG     200
#define POSITIONS_PER_MSG 1000
/* Coalesced positions and unit states go out at most this often (ms): the
 * wallboard draws once per animation frame anyway. */
#define TICK_MS 10

const struct ecc_ws_channel ecc_ws_channels[] = {
    {"units", ECC_ROLES_CENTER | ECC_ROLE_BIT(ECC_ROLE_OFFICER)},
    /* a judge: the overdue alerts of its cases */
    {"alerts", ECC_ROLES_CENTER | ECC_ROLE_BIT(ECC_ROLE_OFFICER) | ECC_ROLE_BIT(ECC_ROLE_JUDGE)},
    {"duty", ECC_ROLES_CENTER},
    /* instructions, reports up, incidents: the center all, others theirs */
    {"dispatch", ECC_ROLES_CENTER | ECC_ROLE_BIT(ECC_ROLE_OFFICER) | ECC_ROLE_BIT(ECC_ROLE_JUDGE)},
    {NULL, 0},
};

static const unsigned channel_bits[] = {CH_UNITS, CH_ALERTS, CH_DUTY, CH_DISPATCH};

struct ws_pss {
	struct client *c;
	char token[ECC_TOKEN_CHARS + 1]; /* from the handshake */
};

static ecc_ws *the_ws; /* lws protocol callbacks reach the module through this */

/* ---- sending ------------------------------------------------------------ */

/* One lws writable request per write cycle (lws wakes the GLib loop each
 * time it re-arms a socket). */
void ecc_ws__want_write(struct client *c)
{
	if (!c->write_pending) {
		c->write_pending = true;
		lws_callback_on_writable(c->wsi);
	}
}

static GString *msg_new(void)
{
	GString *s = g_string_sized_new(LWS_PRE + 256);

	g_string_set_size(s, LWS_PRE);
	return s;
}

static void enqueue(struct client *c, GString *m)
{
	if (c->resync) {
		g_string_free(m, TRUE);
		return;
	}
	if (g_queue_get_length(c->outq) >= OUTQ_MAX_MSGS ||
	    c->outq_bytes + m->len > OUTQ_MAX_BYTES) {
		/* Too slow: drop what waits and let the client reload state. */
		GString *old;
		while ((old = g_queue_pop_head(c->outq)))
			g_string_free(old, TRUE);
		c->outq_bytes = 0;
		c->resync = true;
		g_string_free(m, TRUE);
		g_message("client=%s user=%s: too slow, asked to resync", c->ip, c->user.username);
	} else {
		g_queue_push_tail(c->outq, m);
		c->outq_bytes += m->len;
	}
	ecc_ws__want_write(c);
}

void ecc_ws__enqueue_json(struct client *c, cJSON *o)
{
	char *t = cJSON_PrintUnformatted(o);
	GString *m = msg_new();

	g_string_append(m, t);
	cJSON_free(t);
	cJSON_Delete(o);
	enqueue(c, m);
}

void ecc_ws__send_error(struct client *c, const char *code, const char *message)
{
	cJSON *o = cJSON_CreateObject(), *e;

	cJSON_AddStringToObject(o, "type", "error");
	e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	ecc_ws__enqueue_json(c, o);
}

static void close_with(struct client *c, int code, const char *reason)
{
	if (c->close_code)
		return;
	c->close_code = code;
	g_strlcpy(c->close_reason, reason, sizeof(c->close_reason));
	ecc_ws__want_write(c);
}

/* Builds the next message from the coalesced sets, or NULL. */
static GString *next_coalesced(struct client *c)
{
	ecc_units *units = c->ws->hub->units;
	GHashTableIter it;
	gpointer key;
	GString *m;
	int n = 0;

	/* Unit states and positions take turns, so neither starves the other. */
	c->units_turn = !c->units_turn;
	if (g_hash_table_size(c->dirty_unit) &&
	    (c->units_turn || !g_hash_table_size(c->dirty_pos))) {
		cJSON *o = cJSON_CreateObject(), *arr;
		char *t;
		cJSON_AddStringToObject(o, "type", "units");
		arr = cJSON_AddArrayToObject(o, "units");
		g_hash_table_iter_init(&it, c->dirty_unit);
		while (n < UNITS_PER_MSG && g_hash_table_iter_next(&it, &key, NULL)) {
			struct ecc_unit *u = ecc_units_get(units, key);
			if (u) {
				cJSON_AddItemToArray(arr, ecc_unit_to_json(u));
				n++;
			}
			g_hash_table_iter_remove(&it);
		}
		t = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		m = msg_new();
		g_string_append(m, t);
		cJSON_free(t);
		return m;
	}
	if (!g_hash_table_size(c->dirty_pos))
		return NULL;
	m = msg_new();
	g_string_append(m, "{\"type\":\"positions\",\"positions\":[");
	g_hash_table_iter_init(&it, c->dirty_pos);
	while (n < POSITIONS_PER_MSG && g_hash_table_iter_next(&it, &key, NULL)) {
		struct ecc_unit *u = ecc_units_get(units, key);
		g_hash_table_iter_remove(&it);
		if (!u || !u->has_position)
			continue;
		if (n)
			g_string_append_c(m, ',');
		g_string_append(m, ecc_unit_position_text(u));
		n++;
	}
	g_string_append(m, "]}");
	c->ws->sent_positions += (uint64_t)n;
	if (n == 0) {
		g_string_free(m, TRUE);
		return NULL;
	}
	return m;
}

static int write_one(struct client *c)
{
	GString *m;
	bool more, binary = false;
	int rc;

	c->write_pending = false;
	if (c->close_code) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
		                 (unsigned char *)c->close_reason, strlen(c->close_reason));
		return -1;
	}
	if (c->resync && g_queue_is_empty(c->outq)) {
		c->resync = false;
		m = msg_new();
		g_string_append(m, "{\"type\":\"resync\"}");
	} else if ((m = g_queue_pop_head(c->outq))) {
		c->outq_bytes -= m->len;
	} else if (!(m = next_coalesced(c)) && (m = g_queue_pop_head(c->mediaq))) {
		/* live video only when nothing else waits */
		c->mediaq_bytes -= m->len;
		binary = true;
	}
	if (m) {
		size_t n = m->len - LWS_PRE;
		rc = lws_write(c->wsi, (unsigned char *)m->str + LWS_PRE, n,
		               binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
		g_string_free(m, TRUE);
		if (rc < (int)n)
			return -1;
		c->ws->sent_messages++;
	}
	more = !g_queue_is_empty(c->outq) || c->resync || g_hash_table_size(c->dirty_pos) ||
	       g_hash_table_size(c->dirty_unit) || !g_queue_is_empty(c->mediaq);
	if (more)
		ecc_ws__want_write(c);
	return 0;
}

/* ---- sessions ----------------------------------------------------------- */

/* A user's session, or a room guest's (rooms.h: role guest, one room). */
static int session_of(ecc_ws *ws, const char *token, bool touch, struct ecc_user *u)
{
	if (ecc_auth_session(ws->hub->auth, token, touch, u) == ECC_OK)
		return ECC_OK;
	return ecc_rooms_guest_session(ws->hub->rooms, token, u);
}

/* ---- channels and scope ------------------------------------------------- */

static bool sees_unit(const struct client *c, const struct ecc_unit *u)
{
	return api__unit_visible(&c->user, u);
}

static void snapshot_units(struct client *c)
{
	const GPtrArray *all = ecc_units_all(c->ws->hub->units);
	cJSON *o = cJSON_CreateObject(), *arr;

	cJSON_AddStringToObject(o, "type", "units");
	cJSON_AddBoolToObject(o, "snapshot", true);
	arr = cJSON_AddArrayToObject(o, "units");
	for (guint i = 0; i < all->len; i++) {
		const struct ecc_unit *u = g_ptr_array_index(all, i);
		if (sees_unit(c, u))
			cJSON_AddItemToArray(arr, ecc_unit_to_json(u));
	}
	ecc_ws__enqueue_json(c, o);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "streams");
	cJSON_AddItemToObject(o, "streams", ecc_streams_list_json(c->ws->hub->streams, &c->user));
	ecc_ws__enqueue_json(c, o);
}

static int subscribe(struct client *c, const char *name, bool on)
{
	if (g_str_has_prefix(name, "room:"))
		return ecc_ws__room_subscribe(c, name + 5, on);
	for (int i = 0; ecc_ws_channels[i].name; i++) {
		if (strcmp(ecc_ws_channels[i].name, name) != 0)
			continue;
		if (!(ecc_ws_channels[i].roles & ECC_ROLE_BIT(c->user.role)))
			return ECC_ERR_FORBIDDEN;
		if (on) {
			bool was = c->channels & channel_bits[i];
			c->channels |= channel_bits[i];
			if (!was && channel_bits[i] == CH_UNITS)
				snapshot_units(c);
		} else {
			c->channels &= ~channel_bits[i];
		}
		return ECC_OK;
	}
	return ECC_ERR_NOTFOUND;
}

/* ---- messages in -------------------------------------------------------- */

static void hello(struct client *c)
{
	cJSON *o = cJSON_CreateObject(), *u;

	cJSON_AddStringToObject(o, "type", "hello");
	u = cJSON_AddObjectToObject(o, "user");
	cJSON_AddStringToObject(u, "username", c->user.username);
	cJSON_AddStringToObject(u, "role", ecc_role_name(c->user.role));
	cJSON_AddNumberToObject(o, "server_time", (double)ecc_now_ms());
	ecc_ws__enqueue_json(c, o);
}

static void m_auth(struct client *c, const cJSON *msg)
{
	const char *token = NULL;

	if (c->authed) {
		ecc_ws__send_error(c, "already_authenticated", "this connection is logged in");
		return;
	}
	if (ecc_json_get_string(msg, "token", &token) != ECC_OK ||
	    session_of(c->ws, token, true, &c->user) != ECC_OK) {
		close_with(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "unauthorized");
		return;
	}
	g_strlcpy(c->token, token, sizeof(c->token));
	c->authed = true;
	hello(c);
}

static void m_subscribe(struct client *c, const cJSON *msg, bool on)
{
	const cJSON *chans = cJSON_GetObjectItemCaseSensitive(msg, "channels"), *ch;
	cJSON *reply, *ok;

	if (!cJSON_IsArray(chans)) {
		ecc_ws__send_error(c, "bad_request", "channels must be an array of names");
		return;
	}
	reply = cJSON_CreateObject();
	cJSON_AddStringToObject(reply, "type", on ? "subscribed" : "unsubscribed");
	ok = cJSON_AddArrayToObject(reply, "channels");
	cJSON_ArrayForEach(ch, chans)
	{
		int rc;
		if (!cJSON_IsString(ch)) {
			ecc_ws__send_error(c, "bad_request", "a channel name must be a string");
			continue;
		}
		rc = subscribe(c, ch->valuestring, on);
		if (rc == ECC_OK)
			cJSON_AddItemToArray(ok, cJSON_CreateString(ch->valuestring));
		else if (rc == ECC_ERR_FORBIDDEN)
			ecc_ws__send_error(c, "forbidden",
			                   "this role may not subscribe to that channel");
		else
			ecc_ws__send_error(c, "not_found", "no such channel");
	}
	ecc_ws__enqueue_json(c, reply);
}

static void m_ping(struct client *c, const cJSON *msg)
{
	cJSON *o = cJSON_CreateObject();

	(void)msg;
	cJSON_AddStringToObject(o, "type", "pong");
	cJSON_AddNumberToObject(o, "server_time", (double)ecc_now_ms());
	ecc_ws__enqueue_json(c, o);
}

static void m_sub(struct client *c, const cJSON *msg)
{
	m_subscribe(c, msg, true);
}

static void m_unsub(struct client *c, const cJSON *msg)
{
	m_subscribe(c, msg, false);
}

static const struct ws_message {
	const char *type;
	void (*fn)(struct client *c, const cJSON *msg);
	bool needs_auth;
} ws_messages[] = {
    {"auth", m_auth, false},
    {"subscribe", m_sub, true},
    {"unsubscribe", m_unsub, true},
    {"ping", m_ping, true},
    {"watch", ecc_ws__m_watch, true},
    {"unwatch", ecc_ws__m_view_signal, true},
    {"answer", ecc_ws__m_view_signal, true},
    {"ice", ecc_ws__m_view_signal, true},
    {"pos", ecc_ws__m_pos, true},
    {"event", ecc_ws__m_event, true},
    {"delivered", ecc_ws__m_delivered, true},
    {"publish", ecc_ws__m_publish, true},
    {"publish_offer", ecc_ws__m_publish_signal, true},
    {"publish_ice", ecc_ws__m_publish_signal, true},
    {"unpublish", ecc_ws__m_publish_signal, true},
    {"talk", ecc_ws__m_talk, true},
    {"talk_offer", ecc_ws__m_publish_signal, true},
    {"talk_ice", ecc_ws__m_publish_signal, true},
    {"untalk", ecc_ws__m_publish_signal, true},
    {NULL, NULL, false},
};

static bool rate_ok(struct client *c)
{
	const double rate = c->ws->hub->cfg->ws_rate;
	gint64 now = ecc_mono_ms();

	c->tokens = MIN(2 * rate, c->tokens + (double)(now - c->tokens_at) * rate / 1000.0);
	c->tokens_at = now;
	c->tokens -= 1;
	return c->tokens >= 0;
}

static void handle_message(struct client *c)
{
	const struct ws_message *m;
	const char *type = NULL;
	cJSON *msg = NULL;

	if (!rate_ok(c)) {
		if (c->tokens < -5 * c->ws->hub->cfg->ws_rate)
			close_with(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "message rate too high");
		else
			ecc_ws__send_error(c, "too_many_requests", "slow down");
		return;
	}
	if (ecc_json_parse_object(c->rx->str, c->rx->len, (size_t)c->ws->hub->cfg->ws_message_max,
	                          &msg) != ECC_OK ||
	    ecc_json_get_string(msg, "type", &type) != ECC_OK) {
		ecc_ws__send_error(c, "bad_json",
		                   "a message is a JSON object with a string \"type\"");
		cJSON_Delete(msg);
		return;
	}
	for (m = ws_messages; m->type && strcmp(m->type, type); m++)
		;
	if (!m->type) {
		ecc_ws__send_error(c, "unknown_type", "unknown message type");
	} else if (m->needs_auth && !c->authed) {
		close_with(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "unauthorized");
	} else {
		if (c->authed)
			session_of(c->ws, c->token, true, &c->user);
		m->fn(c, msg);
	}
	cJSON_Delete(msg);
}

/* ---- hub events --------------------------------------------------------- */

static void schedule_tick(ecc_ws *ws);

static void on_event(void *user, enum ecc_event_kind kind, const void *obj)
{
	ecc_ws *ws = user;

	for (guint i = 0; i < ws->clients->len; i++) {
		struct client *c = g_ptr_array_index(ws->clients, i);
		if (!c->authed || c->close_code)
			continue;
		switch (kind) {
		case ECC_EV_POSITION:
		case ECC_EV_UNIT: {
			const struct ecc_unit *u = obj;
			if (!(c->channels & CH_UNITS) || !sees_unit(c, u))
				break;
			/* Sent at the next tick: one lws wake-up per client per tick,
			 * not one per position. */
			g_hash_table_add(kind == ECC_EV_POSITION ? c->dirty_pos : c->dirty_unit,
			                 (gpointer)g_intern_string(u->id));
			schedule_tick(ws);
			break;
		}
		case ECC_EV_UNIT_GONE: {
			cJSON *o;
			const char *id = g_intern_string(obj);
			if (!(c->channels & CH_UNITS))
				break;
			g_hash_table_remove(c->dirty_pos, id);
			g_hash_table_remove(c->dirty_unit, id);
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", "unit_gone");
			cJSON_AddStringToObject(o, "unit", id);
			ecc_ws__enqueue_json(c, o);
			break;
		}
		case ECC_EV_STREAM: {
			const cJSON *st = obj;
			const char *unit = NULL;
			const struct ecc_unit *u;
			cJSON *o;
			if (!(c->channels & CH_UNITS) ||
			    ecc_json_get_string(st, "unit", &unit) != ECC_OK ||
			    !(u = ecc_units_get(ws->hub->units, unit)) || !sees_unit(c, u))
				break;
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", "stream");
			cJSON_AddItemToObject(o, "stream", cJSON_Duplicate(st, true));
			ecc_ws__enqueue_json(c, o);
			break;
		}
		case ECC_EV_ALERT: {
			const cJSON *a = obj;
			const char *unit = NULL;
			cJSON *o;
			if (!(c->channels & CH_ALERTS))
				break;
			if (ECC_ROLE_BIT(c->user.role) & ECC_ROLES_CENTER) {
				/* every alert */
			} else if (ecc_cases_alert_for(ws->hub->cases, &c->user, a)) {
				/* the overdue alert of a case of theirs, or escalated
				 * to them (a team's leader) */
			} else if (ecc_json_get_string(a, "unit", &unit) == ECC_OK) {
				const struct ecc_unit *u = ecc_units_get(ws->hub->units, unit);
				if (c->user.role != ECC_ROLE_OFFICER || !u || !sees_unit(c, u))
					break;
			} else {
				break;
			}
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", "alert");
			cJSON_AddItemToObject(o, "alert", cJSON_Duplicate(a, true));
			ecc_ws__enqueue_json(c, o);
			break;
		}
		case ECC_EV_DUTY: {
			cJSON *o;
			if (!(c->channels & CH_DUTY))
				break;
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", "duty");
			cJSON_AddStringToObject(o, "what", obj);
			ecc_ws__enqueue_json(c, o);
			break;
		}
		case ECC_EV_DISPATCH:
			if ((c->channels & CH_DISPATCH) &&
			    api__dispatch_visible(ws->hub, &c->user, obj))
				ecc_ws__enqueue_json(c, cJSON_Duplicate(obj, true));
			break;
		case ECC_EV_ROOM:
			if (c->room && c->room == *(const int64_t *)obj)
				ecc_ws__room_push(c);
			break;
		case ECC_EV_USER:
			/* Locked, another role or a new password: its sessions ended. */
			if (!strcmp(c->user.username, obj)) {
				g_message("user=%s: account changed, closing its WebSocket",
				          c->user.username);
				close_with(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "session ended");
			}
			break;
		default:
			break;
		}
	}
}

/* Asks lws to write to every client that has coalesced changes waiting. */
static gboolean tick_cb(gpointer data)
{
	ecc_ws *ws = data;

	ws->tick_id = 0;
	for (guint i = 0; i < ws->clients->len; i++) {
		struct client *c = g_ptr_array_index(ws->clients, i);
		if (g_hash_table_size(c->dirty_pos) || g_hash_table_size(c->dirty_unit))
			ecc_ws__want_write(c);
	}
	return G_SOURCE_REMOVE;
}

static void schedule_tick(ecc_ws *ws)
{
	if (!ws->tick_id)
		ws->tick_id = g_timeout_add(TICK_MS, tick_cb, ws);
}

/* Closes connections whose session idled out, or that never logged in. */
static gboolean idle_cb(gpointer data)
{
	ecc_ws *ws = data;
	gint64 now = ecc_mono_ms();

	for (guint i = 0; i < ws->clients->len; i++) {
		struct client *c = g_ptr_array_index(ws->clients, i);
		struct ecc_user u;
		if (c->close_code)
			continue;
		if (!c->authed) {
			if (now - c->connected_at > AUTH_GRACE_MS)
				close_with(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "unauthorized");
			continue;
		}
		if (session_of(ws, c->token, false, &u) != ECC_OK) {
			g_message("user=%s: session expired, closing its WebSocket",
			          c->user.username);
			close_with(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "session expired");
		}
	}
	return G_SOURCE_CONTINUE;
}

/* ---- lws protocol ------------------------------------------------------- */

static struct client *client_new(ecc_ws *ws, struct lws *wsi, const char *token)
{
	struct client *c = g_new0(struct client, 1);

	c->wsi = wsi;
	c->ws = ws;
	c->dirty_pos = g_hash_table_new(g_direct_hash, g_direct_equal);
	c->dirty_unit = g_hash_table_new(g_direct_hash, g_direct_equal);
	c->outq = g_queue_new();
	c->mediaq = g_queue_new();
	c->rx = g_string_new(NULL);
	c->tokens = 2.0 * ws->hub->cfg->ws_rate;
	c->tokens_at = c->connected_at = ecc_mono_ms();
	lws_get_peer_simple(wsi, c->ip, sizeof(c->ip));
	if (token[0] && session_of(ws, token, true, &c->user) == ECC_OK) {
		g_strlcpy(c->token, token, sizeof(c->token));
		c->authed = true;
	}
	g_ptr_array_add(ws->clients, c);
	return c;
}

static void client_free(struct client *c)
{
	GString *m;

	ecc_views_client_gone(c->ws->hub->views, c);
	ecc_publish_client_gone(c->ws->hub->publish, c);
	while ((m = g_queue_pop_head(c->outq)))
		g_string_free(m, TRUE);
	g_queue_free(c->outq);
	while ((m = g_queue_pop_head(c->mediaq)))
		g_string_free(m, TRUE);
	g_queue_free(c->mediaq);
	g_hash_table_destroy(c->dirty_pos);
	g_hash_table_destroy(c->dirty_unit);
	g_string_free(c->rx, TRUE);
	g_free(c);
}

static int ws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                 size_t len)
{
	struct ws_pss *pss = user;
	ecc_ws *ws = the_ws;
	char uri[64];

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (!ws || lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) < 0 ||
		    strcmp(uri, "/ws") != 0 || !ecc_http_origin_ok(wsi))
			return 1;
		pss->token[0] = '\0';
		{
			char auth[ECC_TOKEN_CHARS + 16];
			if (lws_hdr_copy(wsi, auth, sizeof(auth), WSI_TOKEN_HTTP_AUTHORIZATION) >
			        0 &&
			    g_str_has_prefix(auth, "Bearer "))
				g_strlcpy(pss->token, auth + 7, sizeof(pss->token));
			else
				ecc_http_cookie_token(wsi, pss->token);
		}
		return 0;

	case LWS_CALLBACK_ESTABLISHED:
		if (!ws)
			return -1;
		pss->c = client_new(ws, wsi, pss->token);
		if (pss->c->authed)
			hello(pss->c);
		return 0;

	case LWS_CALLBACK_RECEIVE: {
		struct client *c = pss->c;
		if (!c || c->close_code)
			return 0;
		if (c->rx->len + len > (size_t)ws->hub->cfg->ws_message_max) {
			g_string_truncate(c->rx, 0);
			close_with(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
			           "message over [limits] ws_message_max");
			return 0;
		}
		g_string_append_len(c->rx, in, (gssize)len);
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			handle_message(c);
			g_string_truncate(c->rx, 0);
		}
		return 0;
	}

	case LWS_CALLBACK_SERVER_WRITEABLE:
		return pss->c ? write_one(pss->c) : 0;

	case LWS_CALLBACK_CLOSED:
		if (pss->c) {
			if (ws)
				g_ptr_array_remove_fast(ws->clients, pss->c);
			client_free(pss->c);
			pss->c = NULL;
		}
		return 0;

	default:
		return 0;
	}
}

struct lws_protocols ecc_ws_protocol(const struct ecc_config *cfg)
{
	return (struct lws_protocols){
	    .name = ECC_WS_SUBPROTOCOL,
	    .callback = ws_cb,
	    .per_session_data_size = sizeof(struct ws_pss),
	    .rx_buffer_size = (size_t)MIN(cfg->ws_message_max, 65536),
	};
}

ecc_ws *ecc_ws_new(struct ecc_hub *hub)
{
	ecc_ws *ws = g_new0(ecc_ws, 1);

	ws->hub = hub;
	ws->clients = g_ptr_array_new();
	for (int k = 0; k < ECC_EV__COUNT; k++)
		ecc_events_listen(hub->events, (enum ecc_event_kind)k, on_event, ws);
	ws->idle_id = g_timeout_add_seconds(5, idle_cb, ws);
	ecc_ws__views_attach(hub->views);
	ecc_ws__publish_attach(hub->publish);
	the_ws = ws;
	return ws;
}

void ecc_ws_free(ecc_ws *ws)
{
	if (!ws)
		return;
	/* lws_context_destroy (http) already closed every client. */
	for (guint i = 0; i < ws->clients->len; i++)
		client_free(g_ptr_array_index(ws->clients, i));
	g_ptr_array_free(ws->clients, TRUE);
	g_source_remove(ws->idle_id);
	if (ws->tick_id)
		g_source_remove(ws->tick_id);
	if (the_ws == ws)
		the_ws = NULL;
	g_free(ws);
}

unsigned ecc_ws_clients(const ecc_ws *ws)
{
	return ws->clients->len;
}

void ecc_ws_backlog(const ecc_ws *ws, struct ecc_ws_backlog *out)
{
	memset(out, 0, sizeof(*out));
	for (guint i = 0; i < ws->clients->len; i++) {
		const struct client *c = g_ptr_array_index(ws->clients, i);
		out->messages += g_queue_get_length(c->outq);
		out->bytes += c->outq_bytes;
		out->positions += g_hash_table_size(c->dirty_pos);
	}
	out->sent_messages = ws->sent_messages;
	out->sent_positions = ws->sent_positions;
}
