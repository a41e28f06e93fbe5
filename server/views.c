/* views: live WebRTC views, signalling relayed browser <-> hub <-> gateway. */
#define G_LOG_DOMAIN "ecc-views"

#include "views.h"
#include "api.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "gateways.h"
#include "rooms.h"
#include "streams.h"
#include "units.h"

#include <sodium.h>
#include <string.h>

#define VIEWS_PER_CLIENT 32 /* a 16-tile wall twice over */

struct view {
	char id[24];
	void *client;
	int64_t stream;
	char gw[65], name[24]; /* the gateway and its name for the stream */
	char unit[ECC_UNIT_ID_MAX + 1];
	char user[ECC_NAME_MAX + 1];
	char ip[64];
	enum ecc_view_mode mode;
	int64_t feed_room;   /* allowed only as a feed of this room (rooms.h), else 0 */
	struct ecc_user who; /* the viewer, with feed_room: checked again on its changes */
	gint64 started;      /* monotonic ms */
	uint64_t bytes;      /* fallback media forwarded */
};

struct ecc_views {
	struct ecc_hub *hub;
	ecc_views_send_fn send;
	ecc_views_media_fn media;
	GHashTable *by_id;       /* view id -> struct view*, owned */
	char why[ECC_ROOMS_WHY]; /* the last refusal's reason from rooms.h */
};

ecc_views *ecc_views_new(struct ecc_hub *hub)
{
	ecc_views *v = g_new0(ecc_views, 1);

	v->hub = hub;
	v->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	return v;
}

void ecc_views_free(ecc_views *v)
{
	if (!v)
		return;
	g_hash_table_destroy(v->by_id);
	g_free(v);
}

void ecc_views_set_sender(ecc_views *v, ecc_views_send_fn send, ecc_views_media_fn media)
{
	v->send = send;
	v->media = media;
}

static const char *const mode_names[] = {[ECC_VIEW_WEBRTC] = "webrtc", [ECC_VIEW_FMP4] = "fmp4"};

static const char *mode_name(enum ecc_view_mode m)
{
	return mode_names[m];
}

bool ecc_view_mode_parse(const char *name, enum ecc_view_mode *out)
{
	if (!name) {
		*out = ECC_VIEW_WEBRTC;
		return true;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(mode_names); i++) {
		if (!strcmp(name, mode_names[i])) {
			*out = (enum ecc_view_mode)i;
			return true;
		}
	}
	return false;
}

static void audit(ecc_views *v, const char *actor, const char *ip, const char *action,
                  int64_t stream, cJSON *detail, const char *result)
{
	ecc_audit_json(v->hub->store, actor, action, "stream", stream, detail, ip, result);
}

/* RTCPeerConnection's iceServers from [webrtc]: STUN, and TURN with its
 * credentials. */
cJSON *ecc_views_ice_servers(const struct ecc_config *cfg)
{
	cJSON *list = cJSON_CreateArray(), *o;

	if (cfg->webrtc_stun[0]) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "urls", cfg->webrtc_stun);
		cJSON_AddItemToArray(list, o);
	}
	if (cfg->webrtc_turn[0]) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "urls", cfg->webrtc_turn);
		cJSON_AddStringToObject(o, "username", cfg->webrtc_turn_username);
		cJSON_AddStringToObject(o, "credential", cfg->webrtc_turn_password);
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

static void order(ecc_views *v, const struct view *w, const char *op, cJSON *o)
{
	cJSON_AddStringToObject(o, "op", op);
	cJSON_AddStringToObject(o, "view", w->id);
	ecc_gateways_send(v->hub->gateways, w->gw, o);
}

static void tell(ecc_views *v, const struct view *w, const char *type, cJSON *o)
{
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "view", w->id);
	cJSON_AddNumberToObject(o, "stream", (double)w->stream);
	if (v->send)
		v->send(w->client, o);
	else
		cJSON_Delete(o);
}

/* Ends a view: the audit's end row, the gateway and (unless it is gone or
 * asked for it) the browser told; freed. */
static void end(ecc_views *v, struct view *w, const char *reason, bool tell_gw, bool tell_client)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "view", w->id);
	cJSON_AddStringToObject(d, "unit", w->unit);
	cJSON_AddStringToObject(d, "reason", reason);
	cJSON_AddStringToObject(d, "mode", mode_name(w->mode));
	cJSON_AddNumberToObject(d, "seconds", (double)(ecc_mono_ms() - w->started) / 1000.0);
	if (w->mode == ECC_VIEW_FMP4)
		cJSON_AddNumberToObject(d, "bytes", (double)w->bytes);
	audit(v, w->user, w->ip, "view.end", w->stream, d, NULL);
	g_message("view=%s of stream %" G_GINT64_FORMAT " by %s ended: %s", w->id, w->stream,
	          w->user, reason);
	if (tell_gw)
		order(v, w, "unview", cJSON_CreateObject());
	if (tell_client) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "reason", reason);
		tell(v, w, "view_end", o);
	}
	g_hash_table_remove(v->by_id, w->id);
}

static unsigned client_views(ecc_views *v, void *client)
{
	GHashTableIter it;
	gpointer val;
	unsigned n = 0;

	g_hash_table_iter_init(&it, v->by_id);
	while (g_hash_table_iter_next(&it, NULL, &val))
		n += ((struct view *)val)->client == client;
	return n;
}

int ecc_views_watch(ecc_views *v, void *client, const struct ecc_user *user, const char *ip,
                    int64_t stream, enum ecc_view_mode mode, const char *ref, char view[24],
                    const char **why)
{
	const char *unit = ecc_streams_unit(v->hub->streams, stream);
	struct ecc_unit *u = unit ? ecc_units_get(v->hub->units, unit) : NULL;
	int64_t room = 0, pid = 0, feed_room = 0;
	struct view *w;
	cJSON *d, *o;
	unsigned char raw[8];
	int rc = ECC_OK;

	if (!unit) {
		*why = "no such stream";
		return ECC_ERR_NOTFOUND;
	}
	/* a room participant's stream: the room's rule (rooms.h), not a unit's */
	if (ecc_streams_room_of(v->hub->streams, stream, &room, &pid, NULL))
		rc = ecc_rooms_media_watch(v->hub->rooms, user, stream, v->why);
	else if (!u || !api__unit_visible(user, u))
		/* a unit's stream the user may not see, unless a feed of a room
		 * the user is in (a guest too), for as long as it is one */
		rc = ecc_rooms_feed_watch(v->hub->rooms, user, stream, &feed_room) == ECC_OK
		         ? ECC_OK
		         : ECC_ERR_FORBIDDEN;
	if (rc != ECC_OK) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "unit", unit);
		audit(v, user->username, ip, "view.start", stream, d, "denied");
		*why = room ? v->why : "this role may not watch that unit";
		return rc;
	}
	if (client_views(v, client) >= VIEWS_PER_CLIENT) {
		*why = "too many live views on this connection";
		return ECC_ERR_TOOBIG;
	}
	w = g_new0(struct view, 1);
	if (!ecc_streams_where(v->hub->streams, stream, w->gw, w->name)) {
		g_free(w);
		*why = "no gateway holds that stream now";
		return ECC_ERR_UNAVAIL;
	}
	randombytes_buf(raw, sizeof(raw));
	w->id[0] = 'v';
	sodium_bin2hex(w->id + 1, sizeof(w->id) - 1, raw, sizeof(raw));
	w->client = client;
	w->stream = stream;
	w->mode = mode;
	w->feed_room = feed_room;
	if (feed_room)
		w->who = *user;
	g_strlcpy(w->unit, unit, sizeof(w->unit));
	g_strlcpy(w->user, user->username, sizeof(w->user));
	g_strlcpy(w->ip, ip ? ip : "", sizeof(w->ip));
	w->started = ecc_mono_ms();
	g_hash_table_insert(v->by_id, w->id, w);
	g_strlcpy(view, w->id, 24);

	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "view", w->id);
	cJSON_AddStringToObject(d, "unit", w->unit);
	cJSON_AddStringToObject(d, "gateway", w->gw);
	cJSON_AddStringToObject(d, "mode", mode_name(mode));
	if (feed_room)
		cJSON_AddNumberToObject(d, "room", (double)feed_room);
	audit(v, w->user, w->ip, "view.start", stream, d, NULL);
	g_message("view=%s of stream %" G_GINT64_FORMAT " (unit %s) by %s on gw=%s (%s)", w->id,
	          stream, w->unit, w->user, w->gw, mode_name(mode));

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "unit", w->unit);
	cJSON_AddStringToObject(o, "mode", mode_name(mode));
	if (ref)
		cJSON_AddStringToObject(o, "ref", ref);
	if (mode == ECC_VIEW_WEBRTC)
		cJSON_AddItemToObject(o, "ice_servers", ecc_views_ice_servers(v->hub->cfg));
	tell(v, w, "watching", o);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "stream", w->name);
	cJSON_AddStringToObject(o, "mode", mode_name(mode));
	order(v, w, "view", o);
	return ECC_OK;
}

static struct view *mine(ecc_views *v, void *client, const char *view)
{
	struct view *w = view ? g_hash_table_lookup(v->by_id, view) : NULL;

	return w && w->client == client ? w : NULL;
}

int ecc_views_answer(ecc_views *v, void *client, const char *view, const char *sdp)
{
	struct view *w = mine(v, client, view);
	cJSON *o;

	if (!w)
		return ECC_ERR_NOTFOUND;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "sdp", sdp);
	order(v, w, "answer", o);
	return ECC_OK;
}

int ecc_views_ice(ecc_views *v, void *client, const char *view, unsigned mline,
                  const char *candidate)
{
	struct view *w = mine(v, client, view);
	cJSON *o;

	if (!w)
		return ECC_ERR_NOTFOUND;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "mline", mline);
	cJSON_AddStringToObject(o, "candidate", candidate);
	order(v, w, "ice", o);
	return ECC_OK;
}

int ecc_views_stop(ecc_views *v, void *client, const char *view)
{
	struct view *w = mine(v, client, view);

	if (!w)
		return ECC_ERR_NOTFOUND;
	end(v, w, "closed by the viewer", true, true);
	return ECC_OK;
}

void ecc_views_on_media(ecc_views *v, const char *gw, const char *view, const void *data,
                        size_t len)
{
	struct view *w = g_hash_table_lookup(v->by_id, view);

	if (!w || strcmp(w->gw, gw) != 0 || w->mode != ECC_VIEW_FMP4 || !len)
		return; /* a view that ended meanwhile: the gateway hears unview */
	if (!v->media || !v->media(w->client, w->id, data, len)) {
		end(v, w, "the viewer cannot keep up with live video", true, true);
		return;
	}
	w->bytes += len;
}

/* Ends every view for which match(view, arg) holds. */
static void end_where(ecc_views *v, bool (*match)(const struct view *, const void *),
                      const void *arg, const char *reason, bool tell_gw, bool tell_client)
{
	GPtrArray *gone = g_ptr_array_new();
	GHashTableIter it;
	gpointer val;

	g_hash_table_iter_init(&it, v->by_id);
	while (g_hash_table_iter_next(&it, NULL, &val))
		if (match(val, arg))
			g_ptr_array_add(gone, val);
	for (guint i = 0; i < gone->len; i++)
		end(v, gone->pdata[i], reason, tell_gw, tell_client);
	g_ptr_array_free(gone, TRUE);
}

static bool of_client(const struct view *w, const void *client)
{
	return w->client == client;
}

static bool on_gateway(const struct view *w, const void *gw)
{
	return !strcmp(w->gw, gw);
}

void ecc_views_client_gone(ecc_views *v, void *client)
{
	end_where(v, of_client, client, "the viewer left", true, false);
}

void ecc_views_gateway_down(ecc_views *v, const char *gw)
{
	end_where(v, on_gateway, gw, "the gateway went offline", false, true);
}

struct feed_check {
	ecc_rooms *rooms;
	int64_t room;
};

/* A feed view of the room that the feed rule no longer allows (taken out,
 * the viewer left, the room closed). */
static bool feed_gone(const struct view *w, const void *arg)
{
	const struct feed_check *fc = arg;
	int64_t now = 0;

	return w->feed_room == fc->room &&
	       ecc_rooms_feed_watch(fc->rooms, &w->who, w->stream, &now) != ECC_OK;
}

void ecc_views_feeds_recheck(ecc_views *v, int64_t room)
{
	struct feed_check fc = {v->hub->rooms, room};

	if (room)
		end_where(v, feed_gone, &fc, "the feed left the room", true, true);
}

void ecc_views_on_gateway(ecc_views *v, const char *gw, const cJSON *report)
{
	const char *type = NULL, *view = NULL, *text = NULL;
	struct view *w;
	double mline = 0;
	cJSON *o;

	ecc_json_get_string(report, "type", &type);
	if (ecc_json_get_string(report, "view", &view) != ECC_OK ||
	    !(w = g_hash_table_lookup(v->by_id, view)) || strcmp(w->gw, gw) != 0)
		return; /* a view that ended meanwhile */
	if (!strcmp(type, "offer") && ecc_json_get_string(report, "sdp", &text) == ECC_OK) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "sdp", text);
		tell(v, w, "offer", o);
	} else if (!strcmp(type, "ice") &&
	           ecc_json_get_string(report, "candidate", &text) == ECC_OK &&
	           ecc_json_get_number(report, "mline", &mline) == ECC_OK) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "mline", mline);
		cJSON_AddStringToObject(o, "candidate", text);
		tell(v, w, "ice", o);
	} else if (!strcmp(type, "view_end")) {
		ecc_json_get_string(report, "reason", &text);
		end(v, w, text && text[0] ? text : "ended by the gateway", false, true);
	}
}
