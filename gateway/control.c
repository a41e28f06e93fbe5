/* control: hub orders in, health, states, segments and presence out. */
#define G_LOG_DOMAIN "ecc-gw-control"

#include "control.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "ecc_url.h"
#include "ecc_topic.h"
#include "restream.h"
#include "segment.h"
#include "stream.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/statvfs.h>

struct ecc_control {
	const struct ecc_gwconfig *cfg;
	ecc_mqtt *mqtt;
	char *cmd_topic, *evt_topic, *status_topic;
	char *root;          /* absolute recordings folder */
	GHashTable *streams; /* id -> ecc_stream* */
	GHashTable *views;   /* live view id -> its stream's id */
	GHashTable *pubs;    /* publisher or talk session -> its stream's id */
	GHashTable *unacked; /* mid -> relative path of a segment whose report is in flight */
	guint health_id, status_id;
	bool recovered;
};

/* ---- publishing ------------------------------------------------------------ */

static int publish(ecc_control *c, const char *topic, cJSON *o, int qos, bool retain, int *mid)
{
	char *text = cJSON_PrintUnformatted(o);
	int rc = ecc_mqtt_publish(c->mqtt, topic, text, strlen(text), qos, retain, mid);

	cJSON_free(text);
	cJSON_Delete(o);
	return rc;
}

static cJSON *status_json(ecc_control *c, const char *state)
{
	cJSON *o = cJSON_CreateObject(), *ids;
	struct statvfs vfs;
	GHashTableIter it;
	gpointer k;

	cJSON_AddStringToObject(o, "state", state);
	cJSON_AddNumberToObject(o, "ts", (double)ecc_now_ms());
	cJSON_AddNumberToObject(o, "capacity", c->cfg->capacity);
	cJSON_AddNumberToObject(o, "load", g_hash_table_size(c->streams));
	ids = cJSON_AddArrayToObject(o, "streams");
	g_hash_table_iter_init(&it, c->streams);
	while (g_hash_table_iter_next(&it, &k, NULL))
		cJSON_AddItemToArray(ids, cJSON_CreateString(k));
	cJSON_AddStringToObject(o, "recordings", c->root);
	{
		char *snaps = g_canonicalize_filename(c->cfg->snapshots, NULL);
		cJSON_AddStringToObject(o, "snapshots", snaps);
		g_free(snaps);
	}
	if (statvfs(c->root, &vfs) == 0) {
		double free_mb = (double)vfs.f_bavail * (double)vfs.f_frsize / 1048576.0;
		cJSON_AddNumberToObject(o, "disk_free_mb", (double)(uint64_t)free_mb);
		cJSON_AddNumberToObject(
		    o, "disk_total_mb",
		    (double)(uint64_t)((double)vfs.f_blocks * (double)vfs.f_frsize / 1048576.0));
		cJSON_AddBoolToObject(o, "disk_low", free_mb < c->cfg->disk_low_mb);
	}
	return o;
}

static void publish_status(ecc_control *c)
{
	publish(c, c->status_topic, status_json(c, "online"), 1, true, NULL);
}

static gboolean status_cb(gpointer data)
{
	publish_status(data);
	return G_SOURCE_CONTINUE;
}

static gboolean health_cb(gpointer data)
{
	ecc_control *c = data;
	cJSON *o, *arr;
	GHashTableIter it;
	gpointer v;

	if (!ecc_mqtt_connected(c->mqtt))
		return G_SOURCE_CONTINUE;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "health");
	cJSON_AddNumberToObject(o, "ts", (double)ecc_now_ms());
	arr = cJSON_AddArrayToObject(o, "streams");
	g_hash_table_iter_init(&it, c->streams);
	while (g_hash_table_iter_next(&it, NULL, &v))
		cJSON_AddItemToArray(arr, ecc_stream_health_json(v));
	publish(c, c->evt_topic, o, 0, false, NULL);
	return G_SOURCE_CONTINUE;
}

/* ---- stream callbacks ------------------------------------------------------- */

static void report_segment(void *user, struct ecc_segment *s)
{
	ecc_control *c = user;
	int mid = 0;

	/* QoS 1: the broker keeps it for the hub's session; the marker goes
	 * when the broker has it (on_published). */
	if (publish(c, c->evt_topic, ecc_segment_json(s), 1, false, &mid) == ECC_OK && mid)
		g_hash_table_insert(c->unacked, GINT_TO_POINTER(mid), g_strdup(s->path));
}

static void on_state(void *user, ecc_stream *s, const char *state)
{
	ecc_control *c = user;
	cJSON *o = ecc_stream_health_json(s);

	cJSON_AddStringToObject(o, "type", "state");
	publish(c, c->evt_topic, o, 1, false, NULL);
	(void)state;
}

/* ---- orders ----------------------------------------------------------------- */

static bool url_supported(const char *url)
{
	return g_str_has_prefix(url, "rtsp://") || g_str_has_prefix(url, "rtsps://") ||
	       g_str_has_prefix(url, "rtmp://") || g_str_has_prefix(url, "srt://") ||
	       !strcmp(url, "webrtc:") || !strcmp(url, "mix:");
}

static const struct ecc_publisher_cb publish_cb;

/* Starts the stream described by o, or keeps it when it runs unchanged. */
static void start_stream(ecc_control *c, const cJSON *o)
{
	const char *id = NULL, *unit = NULL, *url = NULL, *transport = NULL, *push = NULL;
	const char *label = NULL;
	struct ecc_stream_callbacks cb = {.segment = report_segment,
	                                  .state = on_state,
	                                  .publish = publish_cb,
	                                  .talk = publish_cb};
	bool record = true, muted = false, mixed = false, talkback = true;
	ecc_stream *old;

	if (ecc_json_get_string(o, "stream", &id) != ECC_OK || !ecc_id_valid(id) ||
	    ecc_json_get_string(o, "unit", &unit) != ECC_OK || !ecc_id_valid(unit) ||
	    ecc_json_get_string(o, "url", &url) != ECC_OK || !url_supported(url)) {
		g_warning("refused a stream order without a valid stream, unit or url");
		return;
	}
	ecc_json_get_string(o, "transport", &transport);
	ecc_json_get_bool(o, "record", &record);
	ecc_json_get_bool(o, "muted", &muted);
	ecc_json_get_bool(o, "mixed", &mixed);
	ecc_json_get_bool(o, "talkback", &talkback);
	ecc_json_get_string(o, "label", &label);
	if (ecc_json_get_string(o, "restream", &push) == ECC_OK && !ecc_url_push_ok(push)) {
		g_warning("stream=%s: restream to an unsupported URL refused", id);
		push = NULL;
	}
	old = g_hash_table_lookup(c->streams, id);
	/* Recording switched on (an operation started; a hearing's recording;
	 * or the order again after the broker came back): the running stream
	 * records from its cached GOP; off: its open segment closes whole.
	 * Live viewers, ingest and a participant's connection go on. */
	if (old && !strcmp(ecc_stream_url(old), url)) {
		if (record)
			ecc_stream_record_on(old);
		else
			ecc_stream_record_off(old);
	}
	if (!old || strcmp(ecc_stream_url(old), url) != 0) {
		if (g_hash_table_size(c->streams) >= (guint)c->cfg->capacity && !old) {
			g_warning("stream=%s: over capacity (%d)", id, c->cfg->capacity);
			return;
		}
		old = ecc_stream_new(c->cfg,
		                     &(struct ecc_stream_spec){.id = id,
		                                               .unit = unit,
		                                               .url = url,
		                                               .transport = transport,
		                                               .record = record,
		                                               .no_talkback = !talkback},
		                     &cb, c);
		g_hash_table_replace(c->streams, g_strdup(id), old);
		publish_status(c);
	}
	/* the same order, again, turns a live push on or off, a room
	 * participant's sound off or on */
	ecc_stream_set_restream(old, push);
	ecc_stream_set_muted(old, muted);
	/* and a stream in or out of its room's mix, a room's mix's inputs */
	ecc_stream_set_mixed(old, mixed, label);
	ecc_stream_set_mix(old, cJSON_GetObjectItemCaseSensitive(o, "mix"));
}

static void sync_streams(ecc_control *c, const cJSON *list)
{
	GHashTable *want = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter it;
	const cJSON *o;
	gpointer k;

	cJSON_ArrayForEach(o, list)
	{
		const char *id = NULL;
		if (ecc_json_get_string(o, "stream", &id) == ECC_OK)
			g_hash_table_add(want, (gpointer)id);
	}
	g_hash_table_iter_init(&it, c->streams);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (!g_hash_table_contains(want, k))
			g_hash_table_iter_remove(&it); /* frees the stream: closes its segment */
	g_hash_table_destroy(want);
	cJSON_ArrayForEach(o, list)
	{
		start_stream(c, o);
	}
	publish_status(c);
}

/* Retention: the hub names a segment and its hash; the file goes only if it
 * is the one the hub filed. */
static void delete_segment(ecc_control *c, const cJSON *o)
{
	const char *path = NULL, *sha = NULL;
	struct ecc_segment s = {0};
	cJSON *r;
	bool ok = false;

	if (ecc_json_get_string(o, "path", &path) != ECC_OK ||
	    ecc_json_get_string(o, "sha256", &sha) != ECC_OK || path[0] == '/' ||
	    strstr(path, "..") || !g_str_has_suffix(path, ".mp4")) {
		g_warning("refused a delete order with a bad path");
		return;
	}
	s.path = g_strdup(path);
	if (ecc_segment_finish(c->root, &s) == ECC_OK && !strcmp(s.sha256, sha)) {
		char *file = g_build_filename(c->root, path, NULL);
		ok = g_unlink(file) == 0;
		g_free(file);
		ecc_segment_drop_marker(c->root, path);
	} else {
		g_warning("segment %s: not deleted (missing, or its hash differs)", path);
	}
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "type", "deleted");
	cJSON_AddStringToObject(r, "path", path);
	cJSON_AddStringToObject(r, "sha256", sha);
	cJSON_AddBoolToObject(r, "ok", ok);
	publish(c, c->evt_topic, r, 1, false, NULL);
	ecc_segment_clear(&s);
}

/* ---- live views (WebRTC signalling relayed by the hub) ------------------------ */

static void view_evt(ecc_control *c, const char *type, const char *view, cJSON *o)
{
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "view", view);
	publish(c, c->evt_topic, o, 1, false, NULL);
}

static void on_view_offer(void *user, const char *view, const char *sdp)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "sdp", sdp);
	view_evt(user, "offer", view, o);
}

static void on_view_ice(void *user, const char *view, unsigned mline, const char *cand)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "mline", mline);
	cJSON_AddStringToObject(o, "candidate", cand);
	view_evt(user, "ice", view, o);
}

static void on_view_ended(void *user, const char *view, const char *why)
{
	ecc_control *c = user;
	cJSON *o = cJSON_CreateObject();
	const char *sid = g_hash_table_lookup(c->views, view);
	ecc_stream *st = sid ? g_hash_table_lookup(c->streams, sid) : NULL;

	if (st)
		ecc_stream_unwatch(st, view); /* ended by itself (no offer) */
	g_hash_table_remove(c->views, view);
	cJSON_AddStringToObject(o, "reason", why ? why : "");
	view_evt(c, "view_end", view, o);
}

/* A fallback view's bytes, straight to the hub (QoS 0: a frame that cannot
 * go now is no use later). */
static void on_view_data(void *user, const char *view, GBytes *chunk)
{
	ecc_control *c = user;
	char *topic = ecc_topic_gw_live(c->cfg->id, view);
	gsize len;
	const void *data = g_bytes_get_data(chunk, &len);
	int rc =
	    topic ? ecc_mqtt_publish(c->mqtt, topic, data, len, 0, false, NULL) : ECC_ERR_INVAL;

	if (rc != ECC_OK && rc != ECC_ERR_UNAVAIL)
		g_warning("view=%s: %zu bytes of live video not sent: %s", view, (size_t)len,
		          ecc_strerror(rc));
	g_free(topic);
}

static const struct ecc_viewer_cb view_cb = {on_view_offer, on_view_ice, on_view_ended,
                                             on_view_data};

static ecc_stream *view_stream(ecc_control *c, const cJSON *o, const char **view)
{
	const char *sid;

	*view = NULL;
	if (ecc_json_get_string(o, "view", view) != ECC_OK || !ecc_id_valid(*view))
		return NULL;
	sid = g_hash_table_lookup(c->views, *view);
	return sid ? g_hash_table_lookup(c->streams, sid) : NULL;
}

static void start_view(ecc_control *c, const cJSON *o)
{
	const char *view = NULL, *sid = NULL, *why = "no such stream on this gateway", *mode = NULL;
	ecc_stream *st = NULL;

	if (ecc_json_get_string(o, "view", &view) != ECC_OK || !ecc_id_valid(view) ||
	    ecc_json_get_string(o, "stream", &sid) != ECC_OK) {
		g_warning("dropped a view order without a valid view and stream");
		return;
	}
	if (g_hash_table_contains(c->views, view))
		return; /* a repeated order (QoS 1) */
	st = g_hash_table_lookup(c->streams, sid);
	ecc_json_get_string(o, "mode", &mode);
	if (st && ecc_stream_watch(
	              st, view, mode && !strcmp(mode, "fmp4") ? ECC_VIEWER_FMP4 : ECC_VIEWER_WEBRTC,
	              &view_cb, c, &why)) {
		g_hash_table_insert(c->views, g_strdup(view), g_strdup(sid));
		return;
	}
	g_message("view=%s of stream %s refused: %s", view, sid, why);
	{
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "reason", why);
		view_evt(c, "view_end", view, r);
	}
}

static void view_signal(ecc_control *c, const cJSON *o, const char *op)
{
	const char *view, *text = NULL;
	ecc_stream *st = view_stream(c, o, &view);
	ecc_viewer *v = st ? ecc_stream_viewer(st, view) : NULL;
	double mline = 0;
	int rc = ECC_ERR_INVAL;

	if (!v) {
		g_message("%s for view %s: no such view", op, view ? view : "?");
		return;
	}
	if (!strcmp(op, "answer") && ecc_json_get_string(o, "sdp", &text) == ECC_OK)
		rc = ecc_viewer_answer(v, text);
	else if (!strcmp(op, "ice") && ecc_json_get_string(o, "candidate", &text) == ECC_OK &&
	         ecc_json_get_number(o, "mline", &mline) != ECC_ERR_INVAL && mline >= 0 &&
	         mline < 16)
		rc = ecc_viewer_ice(v, (unsigned)mline, text);
	if (rc != ECC_OK)
		g_message("view=%s: a bad %s dropped", view, op);
}

static void stop_view(ecc_control *c, const cJSON *o)
{
	const char *view;
	ecc_stream *st = view_stream(c, o, &view);

	if (st)
		ecc_stream_unwatch(st, view);
	if (view)
		g_hash_table_remove(c->views, view);
}

/* ---- a phone publishing (webrtc: streams, relayed by the hub) ------------------ */

/* The hub names a phone's session "p..." and a wall's talk to it "t...":
 * the reports are publish_* and talk_* likewise. */
static bool is_talk(const char *session)
{
	return session[0] == 't';
}

static void pub_evt(ecc_control *c, const char *what, const char *session, cJSON *o)
{
	char type[32];

	g_snprintf(type, sizeof(type), "%s_%s", is_talk(session) ? "talk" : "publish", what);
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "session", session);
	publish(c, c->evt_topic, o, 1, false, NULL);
}

static void on_pub_answer(void *user, const char *session, const char *sdp)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "sdp", sdp);
	pub_evt(user, "answer", session, o);
}

static void on_pub_ice(void *user, const char *session, unsigned mline, const char *cand)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "mline", mline);
	cJSON_AddStringToObject(o, "candidate", cand);
	pub_evt(user, "ice", session, o);
}

/* A session ended on the gateway (ICE failed, the stream restarted): the
 * hub tells the phone, which publishes again. */
static void on_pub_ended(void *user, const char *session, const char *why)
{
	ecc_control *c = user;
	cJSON *o = cJSON_CreateObject();

	if (!g_hash_table_remove(c->pubs, session)) {
		cJSON_Delete(o);
		return; /* ended already (unpublished) */
	}
	cJSON_AddStringToObject(o, "reason", why ? why : "");
	pub_evt(c, "end", session, o);
}

static const struct ecc_publisher_cb publish_cb = {on_pub_answer, on_pub_ice, on_pub_ended};

static void start_publish(ecc_control *c, const cJSON *o)
{
	const char *session = NULL, *sid = NULL, *sdp = NULL;
	ecc_stream *st;
	int rc = ECC_ERR_NOTFOUND;

	if (ecc_json_get_string(o, "session", &session) != ECC_OK || !ecc_id_valid(session) ||
	    ecc_json_get_string(o, "stream", &sid) != ECC_OK ||
	    ecc_json_get_string(o, "sdp", &sdp) != ECC_OK) {
		g_warning("dropped a publish order without a valid session, stream and sdp");
		return;
	}
	if (g_hash_table_contains(c->pubs, session))
		return; /* a repeated order (QoS 1) */
	st = g_hash_table_lookup(c->streams, sid);
	g_hash_table_insert(c->pubs, g_strdup(session), g_strdup(sid));
	if (st)
		rc = is_talk(session) ? ecc_stream_talk(st, session, sdp)
		                      : ecc_stream_publish(st, session, sdp);
	if (rc != ECC_OK)
		on_pub_ended(c, session,
		             rc == ECC_ERR_NOTFOUND  ? "no such stream here"
		             : rc == ECC_ERR_UNAVAIL ? "the phone is not publishing"
		                                     : "not a published stream, or a bad offer");
}

static void publish_signal(ecc_control *c, const cJSON *o, bool ice)
{
	const char *session = NULL, *cand = NULL, *sid;
	ecc_stream *st;
	double mline = 0;

	if (ecc_json_get_string(o, "session", &session) != ECC_OK ||
	    !(sid = g_hash_table_lookup(c->pubs, session)) ||
	    !(st = g_hash_table_lookup(c->streams, sid)))
		return; /* a session that ended meanwhile */
	if (!ice) {
		char *gone = g_strdup(session);
		g_hash_table_remove(c->pubs, gone);
		if (is_talk(gone))
			ecc_stream_untalk(st, gone);
		else
			ecc_stream_unpublish(st, gone, "the phone stopped publishing");
		g_free(gone);
	} else if (ecc_json_get_string(o, "candidate", &cand) != ECC_OK ||
	           ecc_json_get_number(o, "mline", &mline) != ECC_OK || mline < 0 || mline >= 16 ||
	           (is_talk(session) ? ecc_stream_talk_ice(st, session, (unsigned)mline, cand)
	                             : ecc_stream_publish_ice(st, session, (unsigned)mline,
	                                                      cand)) == ECC_ERR_INVAL)
		g_message("publisher %s: a bad candidate dropped", session);
}

static void on_message(void *user, const char *topic, const void *payload, size_t len, int qos,
                       bool retain)
{
	ecc_control *c = user;
	const char *op = NULL;
	cJSON *o;

	(void)qos;
	(void)retain;
	if (strcmp(topic, c->cmd_topic) != 0)
		return;
	if (ecc_json_parse_object(payload, len, 1 << 20, &o) != ECC_OK ||
	    ecc_json_get_string(o, "op", &op) != ECC_OK) {
		g_warning("dropped an order that is not JSON with an op");
		cJSON_Delete(o);
		return;
	}
	if (!strcmp(op, "sync"))
		sync_streams(c, cJSON_GetObjectItemCaseSensitive(o, "streams"));
	else if (!strcmp(op, "start"))
		start_stream(c, o);
	else if (!strcmp(op, "stop")) {
		const char *id = NULL;
		if (ecc_json_get_string(o, "stream", &id) == ECC_OK &&
		    g_hash_table_remove(c->streams, id))
			publish_status(c);
	} else if (!strcmp(op, "delete"))
		delete_segment(c, o);
	else if (!strcmp(op, "view"))
		start_view(c, o);
	else if (!strcmp(op, "answer") || !strcmp(op, "ice"))
		view_signal(c, o, op);
	else if (!strcmp(op, "unview"))
		stop_view(c, o);
	else if (!strcmp(op, "publish") || !strcmp(op, "talk"))
		start_publish(c, o);
	else if (!strcmp(op, "publish_ice") || !strcmp(op, "unpublish") ||
	         !strcmp(op, "talk_ice") || !strcmp(op, "untalk"))
		publish_signal(c, o, g_str_has_suffix(op, "_ice"));
	else
		g_warning("unknown order %s", op);
	cJSON_Delete(o);
}

static void recovered(void *user, struct ecc_segment *s)
{
	g_message("segment %s: report re-sent%s", s->path, s->cut_short ? " (cut short)" : "");
	report_segment(user, s);
}

static void on_connected(void *user, bool session_present)
{
	ecc_control *c = user;
	cJSON *hello;

	(void)session_present;
	publish_status(c);
	if (!c->recovered) {
		/* segments whose report may not have reached the hub before a
		 * crash, and the one that was open */
		c->recovered = true;
		ecc_segment_recover(c->root, recovered, c);
	}
	/* Ask the hub for the streams this gateway should run. */
	hello = cJSON_CreateObject();
	cJSON_AddStringToObject(hello, "type", "hello");
	publish(c, c->evt_topic, hello, 1, false, NULL);
}

static void on_published(void *user, int mid, int reason)
{
	ecc_control *c = user;
	char *path = g_hash_table_lookup(c->unacked, GINT_TO_POINTER(mid));

	if (!path)
		return;
	if (reason < 128)
		ecc_segment_drop_marker(c->root, path);
	else
		g_warning("segment %s: the broker refused the report (%d)", path, reason);
	g_hash_table_remove(c->unacked, GINT_TO_POINTER(mid));
}

/* ---- lifecycle ---------------------------------------------------------------- */

static void stream_free(gpointer p)
{
	ecc_stream_free(p);
}

ecc_control *ecc_control_new(const struct ecc_gwconfig *cfg)
{
	ecc_control *c = g_new0(ecc_control, 1);
	struct ecc_mqtt_callbacks cb = {
	    .connected = on_connected,
	    .message = on_message,
	    .published = on_published,
	};
	char *client_id = g_strdup_printf("ecc-gw-%s", cfg->id);
	cJSON *will;
	char *will_text;

	c->cfg = cfg;
	g_mkdir_with_parents(cfg->recordings, 0750);
	c->root = g_canonicalize_filename(cfg->recordings, NULL);
	c->cmd_topic = ecc_topic_gw(cfg->id, "cmd");
	c->evt_topic = ecc_topic_gw(cfg->id, "evt");
	c->status_topic = ecc_topic_gw(cfg->id, "status");
	c->streams = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, stream_free);
	c->unacked = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	c->views = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	c->pubs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	will = cJSON_CreateObject();
	cJSON_AddStringToObject(will, "state", "offline");
	will_text = cJSON_PrintUnformatted(will);
	cJSON_Delete(will);
	c->mqtt = ecc_mqtt_new(&(struct ecc_mqtt_options){.host = cfg->mqtt_host,
	                                                  .port = cfg->mqtt_port,
	                                                  .client_id = client_id,
	                                                  .username = cfg->mqtt_username
	                                                                  ? cfg->mqtt_username
	                                                                  : cfg->id,
	                                                  .password = cfg->mqtt_password,
	                                                  .clean_start = true,
	                                                  .keepalive_s = 10,
	                                                  .will_topic = c->status_topic,
	                                                  .will_payload = will_text,
	                                                  .will_retain = true},
	                       &cb, c);
	cJSON_free(will_text);
	g_free(client_id);
	if (!c->mqtt) {
		ecc_control_free(c);
		return NULL;
	}
	ecc_mqtt_subscribe(c->mqtt, c->cmd_topic, 1);
	return c;
}

int ecc_control_start(ecc_control *c)
{
	c->health_id = g_timeout_add_seconds(1, health_cb, c);
	c->status_id = g_timeout_add_seconds(10, status_cb, c);
	return ecc_mqtt_start(c->mqtt);
}

void ecc_control_free(ecc_control *c)
{
	if (!c)
		return;
	if (c->health_id)
		g_source_remove(c->health_id);
	if (c->status_id)
		g_source_remove(c->status_id);
	/* Close every open segment and report it before saying goodbye. */
	g_hash_table_remove_all(c->streams);
	if (c->mqtt) {
		publish(c, c->status_topic, status_json(c, "offline"), 1, true, NULL);
		ecc_mqtt_free(c->mqtt);
	}
	g_hash_table_destroy(c->streams);
	g_hash_table_destroy(c->unacked);
	g_hash_table_destroy(c->views);
	g_hash_table_destroy(c->pubs);
	g_free(c->cmd_topic);
	g_free(c->evt_topic);
	g_free(c->status_topic);
	g_free(c->root);
	g_free(c);
}
