/* publish: phones' cameras over WebRTC, signalling relayed browser <-> hub <-> gateway. */
#define G_LOG_DOMAIN "ecc-publish"

#include "publish.h"
#include "api.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "gateways.h"
#include "rooms.h"
#include "streams.h"
#include "units.h"
#include "views.h"

#include <sodium.h>
#include <string.h>

struct session {
	char id[24]; /* "p...": a phone publishing; "t...": a wall talking to it */
	bool talk;
	bool screen; /* a room participant's shared screen: ends with its session */
	void *client;
	int64_t stream;
	char gw[65], name[24]; /* the gateway and its name for the stream */
	char unit[ECC_UNIT_ID_MAX + 1];
	char user[ECC_NAME_MAX + 1];
	char ip[64];
	gint64 started; /* monotonic ms */
};

struct ecc_publish {
	struct ecc_hub *hub;
	ecc_publish_send_fn send;
	GHashTable *by_id;       /* session id -> struct session*, owned */
	char why[ECC_ROOMS_WHY]; /* the last refusal's reason from streams.h, rooms.h */
};

ecc_publish *ecc_publish_new(struct ecc_hub *hub)
{
	ecc_publish *p = g_new0(ecc_publish, 1);

	p->hub = hub;
	p->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	return p;
}

void ecc_publish_free(ecc_publish *p)
{
	if (!p)
		return;
	g_hash_table_destroy(p->by_id);
	g_free(p);
}

void ecc_publish_set_sender(ecc_publish *p, ecc_publish_send_fn send)
{
	p->send = send;
}

static void audit(ecc_publish *p, const char *actor, const char *ip, const char *action,
                  int64_t stream, cJSON *detail, const char *result)
{
	ecc_audit_json(p->hub->store, actor, action, "stream", stream, detail, ip, result);
}

/* what: "" (publish, talk), "_ice", "un" (unpublish, untalk) */
static void order(ecc_publish *p, const struct session *w, const char *what, cJSON *o)
{
	const char *kind = w->talk ? "talk" : "publish";
	char op[24];

	if (!strcmp(what, "un"))
		g_snprintf(op, sizeof(op), "un%s", kind);
	else
		g_snprintf(op, sizeof(op), "%s%s", kind, what);
	cJSON_AddStringToObject(o, "op", op);
	cJSON_AddStringToObject(o, "session", w->id);
	ecc_gateways_send(p->hub->gateways, w->gw, o);
}

/* what: "ing" (publishing, talking), "_answer", "_ice", "_end" */
static void tell(ecc_publish *p, const struct session *w, const char *what, cJSON *o)
{
	char type[24];

	if (!strcmp(what, "ing"))
		g_strlcpy(type, w->talk ? "talking" : "publishing", sizeof(type));
	else
		g_snprintf(type, sizeof(type), "%s%s", w->talk ? "talk" : "publish", what);
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "session", w->id);
	cJSON_AddNumberToObject(o, "stream", (double)w->stream);
	if (p->send)
		p->send(w->client, o);
	else
		cJSON_Delete(o);
}

/* Ends a session: the audit's end row, the gateway and (unless it is gone)
 * the browser told; freed. on_purpose: the phone stopped (no stall alert). */
static void end(ecc_publish *p, struct session *w, const char *reason, bool tell_gw,
                bool tell_client, bool on_purpose)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "session", w->id);
	cJSON_AddStringToObject(d, "unit", w->unit);
	cJSON_AddStringToObject(d, "reason", reason);
	cJSON_AddNumberToObject(d, "seconds", (double)(ecc_mono_ms() - w->started) / 1000.0);
	audit(p, w->user, w->ip, w->talk ? "talk.end" : "publish.end", w->stream, d, NULL);
	g_message("%s=%s of unit %s by %s ended: %s", w->talk ? "talk" : "publish", w->id, w->unit,
	          w->user, reason);
	if (tell_gw)
		order(p, w, "un", cJSON_CreateObject());
	if (tell_client) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "reason", reason);
		tell(p, w, "_end", o);
	}
	if (on_purpose)
		ecc_streams_publish_stopped(p->hub->streams, w->stream);
	g_hash_table_remove(p->by_id, w->id);
}

/* Ends every session for which match(session, arg) holds. */
static void end_where(ecc_publish *p, bool (*match)(const struct session *, const void *),
                      const void *arg, const char *reason, bool tell_gw, bool tell_client)
{
	GPtrArray *gone = g_ptr_array_new();
	GHashTableIter it;
	gpointer val;

	g_hash_table_iter_init(&it, p->by_id);
	while (g_hash_table_iter_next(&it, NULL, &val))
		if (match(val, arg))
			g_ptr_array_add(gone, val);
	for (guint i = 0; i < gone->len; i++)
		end(p, gone->pdata[i], reason, tell_gw, tell_client, false);
	g_ptr_array_free(gone, TRUE);
}

static bool of_unit(const struct session *w, const void *unit)
{
	return !w->talk && !strcmp(w->unit, unit);
}

static bool of_stream(const struct session *w, const void *stream)
{
	return !w->talk && w->stream == *(const int64_t *)stream;
}

static bool of_client(const struct session *w, const void *client)
{
	return w->client == client;
}

static bool on_gateway(const struct session *w, const void *gw)
{
	return !strcmp(w->gw, gw);
}

/* A new session of client on stream (unit's): audited, and the client told
 * publishing / talking. */
static int begin(ecc_publish *p, void *client, const struct ecc_user *user, const char *ip,
                 int64_t stream, const char *unit, bool talk, const char **why)
{
	struct session *w = g_new0(struct session, 1);
	unsigned char raw[8];
	cJSON *d, *o;

	if (!ecc_streams_where(p->hub->streams, stream, w->gw, w->name)) {
		g_free(w);
		*why = "no gateway holds the unit's stream now";
		return ECC_ERR_UNAVAIL;
	}
	randombytes_buf(raw, sizeof(raw));
	w->talk = talk;
	w->id[0] = talk ? 't' : 'p';
	sodium_bin2hex(w->id + 1, sizeof(w->id) - 1, raw, sizeof(raw));
	w->client = client;
	w->stream = stream;
	g_strlcpy(w->unit, unit, sizeof(w->unit));
	g_strlcpy(w->user, user->username, sizeof(w->user));
	g_strlcpy(w->ip, ip ? ip : "", sizeof(w->ip));
	w->started = ecc_mono_ms();
	g_hash_table_insert(p->by_id, w->id, w);

	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "session", w->id);
	cJSON_AddStringToObject(d, "unit", w->unit);
	cJSON_AddStringToObject(d, "gateway", w->gw);
	audit(p, w->user, w->ip, talk ? "talk.start" : "publish.start", stream, d, NULL);
	g_message("%s=%s of unit %s (stream %" G_GINT64_FORMAT ") by %s on gw=%s",
	          talk ? "talk" : "publish", w->id, w->unit, stream, w->user, w->gw);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "unit", w->unit);
	cJSON_AddItemToObject(o, "ice_servers", ecc_views_ice_servers(p->hub->cfg));
	tell(p, w, "ing", o);
	return ECC_OK;
}

int ecc_publish_start(ecc_publish *p, void *client, const struct ecc_user *user, const char *ip,
                      const char **why)
{
	int64_t stream = 0;
	int rc;

	if (!user->unit[0]) {
		*why = "only a user who carries a unit publishes a camera";
		return ECC_ERR_FORBIDDEN;
	}
	if (!ecc_units_get(p->hub->units, user->unit)) {
		*why = "the user's unit does not exist";
		return ECC_ERR_NOTFOUND;
	}
	rc =
	    ecc_streams_published(p->hub->streams, user->unit, user->username, ip, &stream, p->why);
	if (rc != ECC_OK) {
		*why = p->why;
		return rc;
	}
	/* one phone camera per unit: the newest connection wins */
	end_where(p, of_unit, user->unit, "a new connection of the unit replaced it", true, true);
	return begin(p, client, user, ip, stream, user->unit, false, why);
}

int ecc_publish_room(ecc_publish *p, void *client, const struct ecc_user *user, const char *ip,
                     int64_t room, bool screen, const char **why)
{
	int64_t stream = 0;
	char owner[32];
	int rc = ecc_rooms_media_publish(p->hub->rooms, user, room, screen, &stream, p->why);

	if (rc != ECC_OK) {
		*why = p->why;
		return rc;
	}
	/* one session per participant (and per screen): the newest connection wins */
	end_where(p, of_stream, &stream, "a new connection of the participant replaced it", true,
	          true);
	g_snprintf(owner, sizeof(owner), "room%" G_GINT64_FORMAT, (gint64)room);
	rc = begin(p, client, user, ip, stream, owner, false, why);
	if (rc == ECC_OK && screen) {
		GHashTableIter it;
		gpointer val;
		g_hash_table_iter_init(&it, p->by_id);
		while (g_hash_table_iter_next(&it, NULL, &val))
			if (of_stream(val, &stream))
				((struct session *)val)->screen = true;
	} else if (rc != ECC_OK && screen) {
		ecc_rooms_media_unshare(p->hub->rooms, stream);
	}
	return rc;
}

int ecc_publish_talk(ecc_publish *p, void *client, const struct ecc_user *user, const char *ip,
                     int64_t stream, const char **why)
{
	const char *unit = ecc_streams_unit(p->hub->streams, stream);
	struct ecc_unit *u = unit ? ecc_units_get(p->hub->units, unit) : NULL;
	cJSON *js = unit ? ecc_streams_get_json(p->hub->streams, stream) : NULL;
	const char *url = NULL;
	bool published;

	ecc_json_get_string(js, "url", &url);
	published = url && !strcmp(url, ECC_STREAM_PUBLISHED);
	cJSON_Delete(js);
	if (!unit) {
		*why = "no such stream";
		return ECC_ERR_NOTFOUND;
	}
	/* the center talks to the field: a role that watches the wall */
	if (!u || !api__unit_visible(user, u) || !(ECC_ROLE_BIT(user->role) & ECC_ROLES_CENTER)) {
		*why = "this role may not talk to that unit";
		return ECC_ERR_FORBIDDEN;
	}
	if (!published) {
		*why = "that stream is no phone's: it has no way back";
		return ECC_ERR_INVAL;
	}
	return begin(p, client, user, ip, stream, unit, true, why);
}

static struct session *mine(ecc_publish *p, void *client, const char *session)
{
	struct session *w = session ? g_hash_table_lookup(p->by_id, session) : NULL;

	return w && w->client == client ? w : NULL;
}

int ecc_publish_offer(ecc_publish *p, void *client, const char *session, const char *sdp)
{
	struct session *w = mine(p, client, session);
	cJSON *o;

	if (!w)
		return ECC_ERR_NOTFOUND;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "stream", w->name);
	cJSON_AddStringToObject(o, "sdp", sdp);
	order(p, w, "", o);
	return ECC_OK;
}

int ecc_publish_ice(ecc_publish *p, void *client, const char *session, unsigned mline,
                    const char *candidate)
{
	struct session *w = mine(p, client, session);
	cJSON *o;

	if (!w)
		return ECC_ERR_NOTFOUND;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "mline", mline);
	cJSON_AddStringToObject(o, "candidate", candidate);
	order(p, w, "_ice", o);
	return ECC_OK;
}

int ecc_publish_stop(ecc_publish *p, void *client, const char *session, bool reconnect)
{
	struct session *w = mine(p, client, session);
	int64_t screen;

	if (!w)
		return ECC_ERR_NOTFOUND;
	screen = w->screen && !reconnect ? w->stream : 0;
	if (w->talk)
		end(p, w, "the wall stopped talking", true, true, false);
	else
		end(p, w, reconnect ? "the phone publishes again" : "stopped by the officer", true,
		    true, !reconnect);
	if (screen) /* stopped sharing: the screen's stream ends */
		ecc_rooms_media_unshare(p->hub->rooms, screen);
	return ECC_OK;
}

void ecc_publish_client_gone(ecc_publish *p, void *client)
{
	GArray *screens = g_array_new(FALSE, FALSE, sizeof(int64_t));
	GHashTableIter it;
	gpointer val;

	g_hash_table_iter_init(&it, p->by_id);
	while (g_hash_table_iter_next(&it, NULL, &val)) {
		const struct session *w = val;
		if (w->client == client && w->screen)
			g_array_append_val(screens, w->stream);
	}
	end_where(p, of_client, client, "the phone's connection dropped", true, false);
	/* a page that shared its screen went away: so does the screen */
	for (guint i = 0; i < screens->len; i++)
		ecc_rooms_media_unshare(p->hub->rooms, g_array_index(screens, int64_t, i));
	g_array_free(screens, TRUE);
}

void ecc_publish_gateway_down(ecc_publish *p, const char *gw)
{
	end_where(p, on_gateway, gw, "the gateway went offline", false, true);
}

void ecc_publish_on_gateway(ecc_publish *p, const char *gw, const cJSON *report)
{
	const char *type = NULL, *session = NULL, *text = NULL;
	struct session *w;
	double mline = 0;
	cJSON *o;

	ecc_json_get_string(report, "type", &type);
	if (ecc_json_get_string(report, "session", &session) != ECC_OK ||
	    !(w = g_hash_table_lookup(p->by_id, session)) || strcmp(w->gw, gw) != 0)
		return; /* a session that ended meanwhile */
	/* publish_answer, talk_answer, ...: what follows the kind */
	type = type ? strchr(type, '_') : NULL;
	if (!type)
		return;
	if (!strcmp(type, "_answer") && ecc_json_get_string(report, "sdp", &text) == ECC_OK) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "sdp", text);
		tell(p, w, "_answer", o);
	} else if (!strcmp(type, "_ice") &&
	           ecc_json_get_string(report, "candidate", &text) == ECC_OK &&
	           ecc_json_get_number(report, "mline", &mline) == ECC_OK) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "mline", mline);
		cJSON_AddStringToObject(o, "candidate", text);
		tell(p, w, "_ice", o);
	} else if (!strcmp(type, "_end")) {
		ecc_json_get_string(report, "reason", &text);
		end(p, w, text && text[0] ? text : "ended by the gateway", false, true, false);
	}
}
