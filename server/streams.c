/* streams: the stream table, gateway assignment, health and stall alerts. */
#define G_LOG_DOMAIN "ecc-streams"

#include "streams.h"
#include "streams_internal.h"
#include "ecc_url.h"
#include "alert.h"
#include "api.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "ecc_topic.h"
#include "gateways.h"

#include <string.h>

/* A stream that has not been reported for this long is "unknown". */
#define REPORT_STALE_MS 5000
#define STALL_ALERT_MS  3000

static void live_free(gpointer p)
{
	struct live *l = p;

	g_free(l->url);
	g_free(l->transport);
	g_free(l->source);
	g_free(l->restream);
	cJSON_Delete(l->health);
	cJSON_Delete(l->mix);
	g_free(l->label);
	g_free(l);
}

struct live *streams__by_id(ecc_streams *s, int64_t id)
{
	return g_hash_table_lookup(s->by_id, &id);
}

/* ---- JSON ------------------------------------------------------------------ */

static cJSON *live_json(const struct live *l)
{
	cJSON *o = cJSON_CreateObject(), *h;
	char *url = ecc_url_masked(l->url); /* a camera's password is not for lists */

	cJSON_AddNumberToObject(o, "id", (double)l->id);
	cJSON_AddStringToObject(o, "unit", l->unit);
	cJSON_AddStringToObject(o, "url", url);
	g_free(url);
	cJSON_AddStringToObject(o, "transport", l->transport);
	cJSON_AddBoolToObject(o, "record", l->record);
	cJSON_AddStringToObject(o, "source", l->source);
	if (l->gateway[0])
		cJSON_AddStringToObject(o, "gateway", l->gateway);
	else
		cJSON_AddNullToObject(o, "gateway");
	cJSON_AddStringToObject(o, "state", l->state);
	h = cJSON_AddObjectToObject(o, "health");
	if (l->health) {
		static const char *const keys[] = {
		    "fps",     "bitrate",        "width",      "height",    "vcodec",
		    "acodec",  "last_frame_age", "reconnects", "recording", "error",
		    "viewers", "restream",       "gop",        NULL};
		for (int i = 0; keys[i]; i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(l->health, keys[i]);
			if (v)
				cJSON_AddItemToObject(h, keys[i], cJSON_Duplicate(v, true));
		}
	}
	cJSON_AddNumberToObject(o, "reported", (double)l->reported);
	return o;
}

static void announce(ecc_streams *s, const struct live *l)
{
	cJSON *o = live_json(l);

	ecc_events_emit(s->hub->events, ECC_EV_STREAM, o);
	cJSON_Delete(o);
}

cJSON *ecc_streams_get_json(ecc_streams *s, int64_t id)
{
	struct live *l = streams__by_id(s, id);

	return l ? live_json(l) : NULL;
}

static gint by_id_cmp(gconstpointer a, gconstpointer b)
{
	const struct live *x = *(const struct live *const *)a;
	const struct live *y = *(const struct live *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

cJSON *ecc_streams_list_json(ecc_streams *s, const struct ecc_user *user)
{
	GPtrArray *all = g_ptr_array_new();
	cJSON *arr = cJSON_CreateArray();
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_add(all, v);
	g_ptr_array_sort(all, by_id_cmp);
	for (guint i = 0; i < all->len; i++) {
		const struct live *l = g_ptr_array_index(all, i);
		const struct ecc_unit *u = ecc_units_get(s->hub->units, l->unit);
		if (l->room)
			continue; /* a room's, listed with its room */
		if (!user || (u && api__unit_visible(user, u)))
			cJSON_AddItemToArray(arr, live_json(l));
	}
	g_ptr_array_free(all, TRUE);
	return arr;
}

const char *ecc_streams_unit(ecc_streams *s, int64_t id)
{
	struct live *l = streams__by_id(s, id);

	return l ? l->unit : NULL;
}

const char *ecc_streams_name(ecc_streams *s, int64_t id)
{
	struct live *l = streams__by_id(s, id);

	return l ? l->name : NULL;
}

bool ecc_streams_where(ecc_streams *s, int64_t id, char *gw, char *name)
{
	struct live *l = streams__by_id(s, id);
	struct ecc_gateway *g =
	    l && l->gateway[0] ? ecc_gateways_get(s->hub->gateways, l->gateway) : NULL;

	if (!g || !g->online)
		return false;
	g_strlcpy(gw, l->gateway, 65);
	g_strlcpy(name, l->name, 24);
	return true;
}

char *ecc_streams_snapshot_path(ecc_streams *s, int64_t id)
{
	struct live *l = streams__by_id(s, id);
	struct ecc_gateway *gw = l ? ecc_gateways_get(s->hub->gateways, l->gateway) : NULL;

	return gw && gw->snapshots ? g_strdup_printf("%s/%s.jpg", gw->snapshots, l->name) : NULL;
}

/* ---- assignment ------------------------------------------------------------- */

int ecc_streams_load(ecc_streams *s, const char *gw)
{
	GHashTableIter it;
	gpointer v;
	int n = 0;

	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v))
		n += !strcmp(((struct live *)v)->gateway, gw);
	return n;
}

cJSON *streams__order_of(const struct live *l)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "stream", l->name);
	cJSON_AddStringToObject(o, "unit", l->unit);
	cJSON_AddStringToObject(o, "url", l->url);
	cJSON_AddStringToObject(o, "transport", l->transport);
	cJSON_AddBoolToObject(o, "record", l->record);
	if (l->room) {
		cJSON_AddBoolToObject(o, "muted", l->muted);
		cJSON_AddBoolToObject(o, "mixed", l->mixed);
		cJSON_AddBoolToObject(o, "talkback", false); /* no push-to-talk in a room */
		if (l->label)
			cJSON_AddStringToObject(o, "label", l->label);
	} else if (l->feed_mix) { /* a unit's stream in a hearing's mix */
		cJSON_AddBoolToObject(o, "mixed", true);
		if (l->label)
			cJSON_AddStringToObject(o, "label", l->label);
	}
	if (l->mix)
		cJSON_AddItemToObject(o, "mix", cJSON_Duplicate(l->mix, true));
	if (l->restream)
		cJSON_AddStringToObject(o, "restream", l->restream);
	return o;
}

static void save_gateway(ecc_streams *s, const struct live *l)
{
	sqlite3_stmt *st;

	if (l->room)
		return; /* in memory only */
	st = ecc_store_stmt(s->hub->store, "UPDATE streams SET gateway = ? WHERE id = ?");
	if (!st)
		return;
	ecc_store_bind_text(st, 1, l->gateway[0] ? l->gateway : NULL);
	sqlite3_bind_int64(st, 2, l->id);
	ecc_store_run(s->hub->store, st);
}

static void set_state(ecc_streams *s, struct live *l, const char *state)
{
	if (!strcmp(l->state, state))
		return;
	g_strlcpy(l->state, state, sizeof(l->state));
	announce(s, l);
	if (l->room) /* the room page shows a participant once its picture flows */
		ecc_events_emit(s->hub->events, ECC_EV_ROOM, &l->room);
}

/* The online gateway of another stream of l's room, or NULL: a room's
 * streams go to one gateway, where its mix can take them all. */
static struct ecc_gateway *room_gateway(ecc_streams *s, const struct live *l)
{
	GHashTableIter it;
	gpointer v;

	if (!l->room)
		return NULL;
	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct live *o = v;
		struct ecc_gateway *gw = o != l && o->room == l->room && o->gateway[0]
		                             ? ecc_gateways_get(s->hub->gateways, o->gateway)
		                             : NULL;
		if (gw && gw->online && ecc_streams_load(s, gw->id) < gw->capacity)
			return gw;
	}
	return NULL;
}

/* Gives every stream without a live gateway to the least-loaded one. */
void streams__assign(ecc_streams *s)
{
	GPtrArray *gws = ecc_gateways_online(s->hub->gateways);
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct live *l = v;
		struct ecc_gateway *cur = ecc_gateways_get(s->hub->gateways, l->gateway);
		struct ecc_gateway *best = NULL;
		double best_load = 0;
		bool placed;
		cJSON *order;
		if (cur && cur->online)
			continue;
		best = room_gateway(s, l);
		placed = best != NULL;
		for (guint i = 0; i < gws->len && !placed; i++) {
			struct ecc_gateway *gw = g_ptr_array_index(gws, i);
			int load = ecc_streams_load(s, gw->id);
			double share = gw->capacity > 0 ? (double)load / gw->capacity : 1e9;
			if (load < gw->capacity && (!best || share < best_load)) {
				best = gw;
				best_load = share;
			}
		}
		if (!best) {
			if (l->gateway[0]) {
				l->gateway[0] = '\0';
				save_gateway(s, l);
			}
			set_state(s, l, "unassigned");
			continue;
		}
		g_message("stream=%s unit=%s: assigned to gw=%s", l->name, l->unit, best->id);
		g_strlcpy(l->gateway, best->id, sizeof(l->gateway));
		save_gateway(s, l);
		l->was_live = false;
		l->down_at = 0;
		set_state(s, l, "assigned");
		order = streams__order_of(l);
		cJSON_AddStringToObject(order, "op", "start");
		ecc_gateways_send(s->hub->gateways, best->id, order);
	}
	g_ptr_array_free(gws, TRUE);
}

void ecc_streams_gateway_up(ecc_streams *s, const char *gw)
{
	cJSON *order = cJSON_CreateObject(), *list;
	GHashTableIter it;
	gpointer v;

	streams__assign(s);
	/* The full list: the gateway starts what it lacks and stops the rest. */
	cJSON_AddStringToObject(order, "op", "sync");
	list = cJSON_AddArrayToObject(order, "streams");
	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (!strcmp(((struct live *)v)->gateway, gw))
			cJSON_AddItemToArray(list, streams__order_of(v));
	ecc_gateways_send(s->hub->gateways, gw, order);
}

void ecc_streams_gateway_down(ecc_streams *s, const char *gw)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct live *l = v;
		if (strcmp(l->gateway, gw) != 0)
			continue;
		g_message("stream=%s: gw=%s went offline; re-homing", l->name, gw);
		l->gateway[0] = '\0';
		save_gateway(s, l);
	}
	streams__assign(s);
}

/* ---- health ---------------------------------------------------------------- */

static void stall_alert(ecc_streams *s, struct live *l, bool bad)
{
	if (l->room)
		return; /* a participant who left is no unit in trouble */
	if (bad && !l->alerted) {
		struct ecc_alert_spec sp = {
		    .kind = "stream_stalled",
		    .severity = ECC_SEV_HIGH,
		    .unit = l->unit,
		    .message = "视频中断",
		    .lat = NAN,
		    .lon = NAN,
		};
		l->alerted = true;
		ecc_alerts_raise(s->hub->alerts, &sp, NULL);
	} else if (!bad && l->alerted) {
		l->alerted = false;
		ecc_alerts_clear(s->hub->alerts, l->unit, "stream_stalled");
	}
}

static void apply_health(ecc_streams *s, const char *gw, const cJSON *h)
{
	const char *name = NULL, *state = NULL;
	struct live *l;

	if (ecc_json_get_string(h, "stream", &name) != ECC_OK ||
	    ecc_json_get_string(h, "state", &state) != ECC_OK)
		return;
	l = g_hash_table_lookup(s->by_name, name);
	if (!l || strcmp(l->gateway, gw) != 0)
		return; /* not (or no longer) this gateway's: the next sync fixes it */
	cJSON_Delete(l->health);
	l->health = cJSON_Duplicate(h, true);
	l->reported = ecc_now_ms();
	if (!strcmp(state, "live")) {
		l->was_live = true;
		l->down_at = 0;
	} else if (l->was_live && !l->down_at) {
		l->down_at = l->reported;
	}
	/* A stream that delivered video and has had none for STALL_ALERT_MS
	 * (stalled, or dropped and being retried) is alerted once; a blip that
	 * recovers sooner is not. Recovery clears the alert. */
	stall_alert(s, l,
	            l->was_live && (!strcmp(state, "stalled") || /* the gateway waited 3 s */
	                            (l->down_at && l->reported - l->down_at >= STALL_ALERT_MS)));
	if (strcmp(l->state, state) != 0)
		set_state(s, l, state);
	else
		announce(s, l); /* fresh figures for the wall */
}

void ecc_streams_on_health(ecc_streams *s, const char *gw, const cJSON *report)
{
	const char *type = NULL;
	const cJSON *h;

	if (ecc_json_get_string(report, "type", &type) != ECC_OK)
		return;
	if (!strcmp(type, "health")) {
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(report, "streams"))
		{
			apply_health(s, gw, h);
		}
	} else if (!strcmp(type, "state")) {
		apply_health(s, gw, report);
	} else if (!strcmp(type, "hello")) {
		ecc_streams_gateway_up(s, gw);
	}
}

static gboolean tick_cb(gpointer data)
{
	ecc_streams *s = data;
	int64_t stale = ecc_now_ms() - REPORT_STALE_MS;
	GHashTableIter it;
	gpointer v;

	streams__assign(s);
	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct live *l = v;
		if (l->gateway[0] && l->reported && l->reported < stale &&
		    strcmp(l->state, "unknown") != 0)
			set_state(s, l, "unknown");
	}
	return G_SOURCE_CONTINUE;
}

/* ---- add, delete, announce ------------------------------------------------------ */

static bool url_ok(const char *url)
{
	return url && strlen(url) < 1024 && g_utf8_validate(url, -1, NULL) &&
	       !strpbrk(url, " \t\r\n") &&
	       (g_str_has_prefix(url, "rtsp://") || g_str_has_prefix(url, "rtsps://") ||
	        g_str_has_prefix(url, "rtmp://") || g_str_has_prefix(url, "srt://"));
}

struct live *streams__index_live(ecc_streams *s, int64_t id, const struct ecc_stream_def *d,
                                 const char *gateway)
{
	struct live *l = g_new0(struct live, 1);
	int64_t *key = g_new(int64_t, 1);

	l->id = id;
	g_snprintf(l->name, sizeof(l->name), "s%" G_GINT64_FORMAT, (gint64)id);
	g_strlcpy(l->unit, d->unit, sizeof(l->unit));
	l->url = g_strdup(d->url);
	l->transport = g_strdup(d->transport ? d->transport : "tcp");
	l->source = g_strdup(d->source ? d->source : "api");
	l->record = d->record;
	g_strlcpy(l->gateway, gateway ? gateway : "", sizeof(l->gateway));
	g_strlcpy(l->state, "unknown", sizeof(l->state));
	*key = id;
	g_hash_table_insert(s->by_id, key, l);
	g_hash_table_insert(s->by_name, l->name, l);
	return l;
}

int ecc_streams_add(ecc_streams *s, const struct ecc_stream_def *d, const char *actor,
                    const char *ip, int64_t *id_out, char *why)
{
	struct ecc_audit_entry e = {.actor = actor, .action = "stream.add", .ip = ip};
	sqlite3_stmt *st;
	char target[32], *detail;
	int64_t id;
	int rc;

	if (!ecc_units_get(s->hub->units, d->unit)) {
		g_strlcpy(why, "no such unit", 128);
		return ECC_ERR_NOTFOUND;
	}
	/* webrtc: is a phone's camera (publish.h), made by the hub alone */
	if (!url_ok(d->url) &&
	    !(!g_strcmp0(d->source, "publish") && !g_strcmp0(d->url, ECC_STREAM_PUBLISHED))) {
		g_strlcpy(why, "url must be rtsp://, rtsps://, rtmp:// or srt://", 128);
		return ECC_ERR_INVAL;
	}
	if (d->transport && strcmp(d->transport, "tcp") && strcmp(d->transport, "udp")) {
		g_strlcpy(why, "transport must be tcp or udp", 128);
		return ECC_ERR_INVAL;
	}
	if (ecc_store_begin(s->hub->store, true) != ECC_OK)
		return ECC_ERR_DB;
	st =
	    ecc_store_stmt(s->hub->store, "INSERT INTO streams(unit_id, url, transport, record,"
	                                  " source, created_at, created_by) VALUES(?,?,?,?,?,?,?)");
	rc = ECC_ERR_DB;
	if (st) {
		ecc_store_bind_text(st, 1, d->unit);
		ecc_store_bind_text(st, 2, d->url);
		ecc_store_bind_text(st, 3, d->transport ? d->transport : "tcp");
		sqlite3_bind_int(st, 4, d->record);
		ecc_store_bind_text(st, 5, d->source ? d->source : "api");
		sqlite3_bind_int64(st, 6, ecc_now_ms());
		ecc_store_bind_text(st, 7, actor);
		rc = ecc_store_run(s->hub->store, st);
	}
	id = sqlite3_last_insert_rowid(ecc_store_db(s->hub->store));
	g_snprintf(target, sizeof(target), "stream:%" G_GINT64_FORMAT, (gint64)id);
	e.target = target;
	detail = g_strdup_printf("{\"unit\":\"%s\"}", d->unit);
	e.detail = detail;
	if (rc == ECC_OK)
		rc = ecc_audit_append(s->hub->store, &e, NULL);
	g_free(detail);
	if (rc != ECC_OK || (rc = ecc_store_commit(s->hub->store)) != ECC_OK) {
		ecc_store_rollback(s->hub->store);
		return rc;
	}
	streams__index_live(s, id, d, NULL);
	if (id_out)
		*id_out = id;
	streams__assign(s);
	return ECC_OK;
}

int ecc_streams_restream(ecc_streams *s, int64_t id, const char *url, const char *actor,
                         const char *ip, const char **why)
{
	struct live *l = streams__by_id(s, id);
	char target[32], *shown, *detail;
	struct ecc_audit_entry e = {.actor = actor, .target = target, .ip = ip};
	cJSON *d;

	if (!l) {
		*why = "no such stream";
		return ECC_ERR_NOTFOUND;
	}
	if (url && !ecc_url_push_ok(url)) {
		*why = "the destination must be an rtmp://, rtmps:// or srt:// URL";
		return ECC_ERR_INVAL;
	}
	if (!url && !l->restream) {
		*why = "this stream is not pushed anywhere";
		return ECC_ERR_NOTFOUND;
	}
	shown = ecc_url_redacted(url ? url : l->restream);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "unit", l->unit);
	cJSON_AddStringToObject(d, "destination", shown);
	detail = cJSON_PrintUnformatted(d);
	cJSON_Delete(d);
	g_snprintf(target, sizeof(target), "stream:%" G_GINT64_FORMAT, (gint64)id);
	e.action = url ? "restream.start" : "restream.stop";
	e.detail = detail;
	if (ecc_audit_append(s->hub->store, &e, NULL) != ECC_OK) {
		g_free(shown);
		cJSON_free(detail);
		*why = "the audit log could not be written";
		return ECC_ERR_DB;
	}
	g_message("stream=%s unit=%s: restream %s %s by %s", l->name, l->unit, url ? "to" : "off",
	          shown, actor);
	g_free(shown);
	cJSON_free(detail);
	g_free(l->restream);
	l->restream = g_strdup(url);
	if (l->gateway[0]) {
		/* the start order again: the gateway turns the push on or off */
		cJSON *order = streams__order_of(l);
		cJSON_AddStringToObject(order, "op", "start");
		ecc_gateways_send(s->hub->gateways, l->gateway, order);
	}
	return ECC_OK;
}

int ecc_streams_set_record(ecc_streams *s, int64_t id, bool record)
{
	struct live *l = streams__by_id(s, id);
	sqlite3_stmt *st;
	cJSON *order;

	if (!l)
		return ECC_ERR_NOTFOUND;
	if (l->record == record)
		return ECC_OK;
	st = ecc_store_stmt(s->hub->store, "UPDATE streams SET record = ? WHERE id = ?");
	if (!st)
		return ECC_ERR_DB;
	sqlite3_bind_int(st, 1, record);
	sqlite3_bind_int64(st, 2, id);
	if (ecc_store_run(s->hub->store, st) != ECC_OK)
		return ECC_ERR_DB;
	l->record = record;
	g_message("stream=%s unit=%s: recording %s", l->name, l->unit, record ? "on" : "off");
	if (l->gateway[0]) {
		/* The order again with the new flag: the gateway starts recording
		 * a running stream from its cached GOP, undisturbed; recording off
		 * closes its open segment whole, the stream going on (gateway
		 * stream_record.c). A gateway that restarted it instead would be no
		 * stall either: as after assignment. */
		if (!record) {
			l->was_live = false;
			l->down_at = 0;
		}
		order = streams__order_of(l);
		cJSON_AddStringToObject(order, "op", "start");
		ecc_gateways_send(s->hub->gateways, l->gateway, order);
	}
	announce(s, l);
	return ECC_OK;
}

int ecc_streams_delete(ecc_streams *s, int64_t id, const char *actor, const char *ip)
{
	struct ecc_audit_entry e = {.actor = actor, .action = "stream.delete", .ip = ip};
	struct live *l = streams__by_id(s, id);
	sqlite3_stmt *st;
	char target[32];
	int rc;

	if (!l)
		return ECC_ERR_NOTFOUND;
	if (ecc_store_begin(s->hub->store, true) != ECC_OK)
		return ECC_ERR_DB;
	st = ecc_store_stmt(s->hub->store, "DELETE FROM streams WHERE id = ?");
	rc = ECC_ERR_DB;
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		rc = ecc_store_run(s->hub->store, st);
	}
	g_snprintf(target, sizeof(target), "stream:%" G_GINT64_FORMAT, (gint64)id);
	e.target = target;
	if (rc == ECC_OK)
		rc = ecc_audit_append(s->hub->store, &e, NULL);
	if (rc != ECC_OK || (rc = ecc_store_commit(s->hub->store)) != ECC_OK) {
		ecc_store_rollback(s->hub->store);
		return rc;
	}
	if (l->gateway[0]) {
		cJSON *order = cJSON_CreateObject();
		cJSON_AddStringToObject(order, "op", "stop");
		cJSON_AddStringToObject(order, "stream", l->name);
		ecc_gateways_send(s->hub->gateways, l->gateway, order);
	}
	stall_alert(s, l, false);
	set_state(s, l, "deleted");
	g_hash_table_remove(s->by_name, l->name);
	g_hash_table_remove(s->by_id, &id);
	return ECC_OK;
}

int ecc_streams_published(ecc_streams *s, const char *unit, const char *actor, const char *ip,
                          int64_t *id, char *why)
{
	struct ecc_stream_def d = {
	    .unit = unit, .url = ECC_STREAM_PUBLISHED, .record = true, .source = "publish"};
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct live *l = v;
		if (!strcmp(l->unit, unit) && !strcmp(l->url, ECC_STREAM_PUBLISHED)) {
			*id = l->id;
			return ECC_OK;
		}
	}
	return ecc_streams_add(s, &d, actor, ip, id, why);
}

void ecc_streams_publish_stopped(ecc_streams *s, int64_t id)
{
	struct live *l = streams__by_id(s, id);

	if (!l)
		return;
	l->was_live = false;
	l->down_at = 0;
	stall_alert(s, l, false);
}

void ecc_streams_on_announce(ecc_streams *s, const char *unit, const char *payload, size_t len)
{
	struct ecc_stream_def d = {.unit = unit, .record = true, .source = "announce"};
	char why[128];
	GHashTableIter it;
	gpointer v;
	cJSON *o;

	if (ecc_json_parse_object(payload, len, 4096, &o) != ECC_OK ||
	    ecc_json_get_string(o, "url", &d.url) != ECC_OK) {
		g_warning("unit=%s: stream announcement without a url", unit);
		cJSON_Delete(o);
		return;
	}
	ecc_json_get_string(o, "transport", &d.transport);
	/* The same URL again is no news; a new one replaces the unit's
	 * announced stream. */
	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct live *l = v;
		if (strcmp(l->unit, unit) || strcmp(l->source, "announce"))
			continue;
		if (!strcmp(l->url, d.url)) {
			cJSON_Delete(o);
			return;
		}
		ecc_streams_delete(s, l->id, unit, NULL);
		break;
	}
	if (ecc_streams_add(s, &d, unit, NULL, NULL, why) != ECC_OK)
		g_warning("unit=%s: announced stream refused: %s", unit, why);
	cJSON_Delete(o);
}

/* ---- lifecycle ------------------------------------------------------------------ */

static int load(ecc_streams *s)
{
	sqlite3_stmt *st =
	    ecc_store_stmt(s->hub->store, "SELECT id, unit_id, url, transport, record,"
	                                  " source, gateway FROM streams");
	int rc;

	if (!st)
		return ECC_ERR_DB;
	while ((rc = ecc_store_step(s->hub->store, st)) == SQLITE_ROW) {
		struct ecc_stream_def d = {
		    .unit = ecc_store_column_text(st, 1),
		    .url = ecc_store_column_text(st, 2),
		    .transport = ecc_store_column_text(st, 3),
		    .record = sqlite3_column_int(st, 4),
		    .source = ecc_store_column_text(st, 5),
		};
		streams__index_live(s, sqlite3_column_int64(st, 0), &d,
		                    ecc_store_column_text(st, 6));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ECC_OK : ECC_ERR_DB;
}

ecc_streams *ecc_streams_new(struct ecc_hub *hub)
{
	ecc_streams *s = g_new0(ecc_streams, 1);

	s->hub = hub;
	s->by_id = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, live_free);
	s->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	if (load(s) != ECC_OK) {
		ecc_streams_free(s);
		return NULL;
	}
	s->tick_id = g_timeout_add_seconds(2, tick_cb, s);
	s->room_next = -1;
	return s;
}

void ecc_streams_free(ecc_streams *s)
{
	if (!s)
		return;
	if (s->tick_id)
		g_source_remove(s->tick_id);
	g_hash_table_destroy(s->by_name);
	g_hash_table_destroy(s->by_id);
	g_free(s);
}
