/* sim: simulated units on MQTT (telemetry, events), one connection each. */
#define G_LOG_DOMAIN "ecc-devsim"

#include "sim.h"
#include "camera.h"
#include "mover.h"
#include "proto_telemetry.h"
#include "rng.h"
#include "roads.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "ecc_mqtt.h"
#include "ecc_topic.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define UNITS_MAX_BYTES  (4 * 1024 * 1024)
#define QUEUE_WHILE_DOWN 300 /* QoS 1 messages a unit keeps while offline */
#define WATCH_S          5
#define WARN_AFTER_MS    10000
#define WARN_EVERY_MS    60000
#define SOS_SHARE        0.06

struct unit {
	ecc_sim *sim;
	char *id, *name, *team, *username, *password, *client_id;
	enum ecc_unit_kind kind;
	ecc_mover *mover;
	ecc_mqtt *mqtt; /* NULL for an NMEA-only unit */
	char *topic_tel, *topic_evt, *topic_cmd, *topic_ack;
	gint64 stepped_us; /* monotonic time of the last step */
	guint timer;
	unsigned queued_down; /* QoS 1 publishes queued while offline */
	bool recording;
	gint64 down_since_ms, warned_ms; /* monotonic; 0: connected / never warned */
	int last_refusal;

	/* instructions: "at" holds the unit at a point; an instruction with a
	 * point sends it there at goto_speed m/s in a straight line */
	bool held, heading, goto_on, never_ack;
	double lat, lon, tlat, tlon, goto_speed, ack_after;
	gint64 held_us;  /* monotonic time of the last steering step */
	GSList *pending; /* struct pending_ack*: acknowledgments to send later */
};

struct pending_ack {
	struct unit *u;
	char *id;
	guint timer;
};

struct ecc_sim {
	struct ecc_sim_config cfg; /* strings point into the copies below */
	char *units_file, *host, *nmea_unit;
	ecc_roads *roads;
	GPtrArray *units; /* struct unit* */
	struct ecc_rng rng;
	guint event_timer, watch_timer;
};

/* ---- units --------------------------------------------------------------- */

static void unit_free(gpointer p)
{
	struct unit *u = p;

	if (u->timer)
		g_source_remove(u->timer);
	for (GSList *l = u->pending; l; l = l->next) {
		struct pending_ack *pa = l->data;
		g_source_remove(pa->timer);
		g_free(pa->id);
		g_free(pa);
	}
	g_slist_free(u->pending);
	ecc_mqtt_free(u->mqtt);
	ecc_mover_free(u->mover);
	g_free(u->id);
	g_free(u->name);
	g_free(u->team);
	g_free(u->username);
	if (u->password)
		memset(u->password, 0, strlen(u->password));
	g_free(u->password);
	g_free(u->client_id);
	g_free(u->topic_tel);
	g_free(u->topic_evt);
	g_free(u->topic_cmd);
	g_free(u->topic_ack);
	g_free(u);
}

static char *dup_string(const cJSON *o, const char *key)
{
	const char *v;

	return ecc_json_get_string(o, key, &v) == ECC_OK ? g_strdup(v) : NULL;
}

static struct unit *find_unit(const ecc_sim *s, const char *id)
{
	for (guint i = 0; id && i < s->units->len; i++) {
		struct unit *u = g_ptr_array_index(s->units, i);
		if (strcmp(u->id, id) == 0)
			return u;
	}
	return NULL;
}

/* The instruction options of a units file entry: "at":{lat,lon},
 * "ack_after":S (1), "ack":false (never acknowledges), "goto_speed":M/S (10),
 * "goto":false (ignores target points). ECC_OK or ECC_ERR_INVAL (logged). */
static int unit_orders_from_json(ecc_sim *s, struct unit *u, const cJSON *e)
{
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(e, "at");
	bool b;

	u->goto_on = true;
	u->goto_speed = 10;
	u->ack_after = 1;
	if (at && (ecc_json_get_number(at, "lat", &u->lat) != ECC_OK ||
	           ecc_json_get_number(at, "lon", &u->lon) != ECC_OK || fabs(u->lat) > 90 ||
	           fabs(u->lon) > 180)) {
		g_warning("units file %s: unit=%s: \"at\" must be {\"lat\",\"lon\"}", s->units_file,
		          u->id);
		return ECC_ERR_INVAL;
	}
	u->held = at != NULL;
	if ((cJSON_GetObjectItem(e, "ack_after") &&
	     (ecc_json_get_number(e, "ack_after", &u->ack_after) != ECC_OK ||
	      !(u->ack_after >= 0 && u->ack_after <= 3600))) ||
	    (cJSON_GetObjectItem(e, "goto_speed") &&
	     (ecc_json_get_number(e, "goto_speed", &u->goto_speed) != ECC_OK ||
	      !(u->goto_speed > 0 && u->goto_speed <= 1000)))) {
		g_warning("units file %s: unit=%s: \"ack_after\" is 0..3600 s, \"goto_speed\""
		          " 0..1000 m/s",
		          s->units_file, u->id);
		return ECC_ERR_INVAL;
	}
	if (ecc_json_get_bool(e, "ack", &b) == ECC_OK)
		u->never_ack = !b;
	if (ecc_json_get_bool(e, "goto", &b) == ECC_OK)
		u->goto_on = b;
	return ECC_OK;
}

/* One entry of the units file; NULL (logged) when it is wrong. */
static struct unit *unit_from_json(ecc_sim *s, const cJSON *e, guint idx)
{
	const cJSON *camera = cJSON_GetObjectItemCaseSensitive(e, "camera");
	const char *id = NULL, *kind = NULL;
	enum ecc_unit_kind k;
	struct unit *u;

	if (!cJSON_IsObject(e) || ecc_json_get_string(e, "id", &id) != ECC_OK ||
	    !ecc_id_valid(id)) {
		g_warning("units file %s: entry %u: no valid \"id\" ([A-Za-z0-9_.-], 1-64)",
		          s->units_file, idx);
		return NULL;
	}
	if (ecc_json_get_string(e, "kind", &kind) != ECC_OK ||
	    ecc_unit_kind_parse(kind, &k) != ECC_OK) {
		g_warning("units file %s: unit=%s: \"kind\" must be bodycam, handheld, vehicle "
		          "or drone",
		          s->units_file, id);
		return NULL;
	}
	if (find_unit(s, id)) {
		g_warning("units file %s: unit=%s appears twice", s->units_file, id);
		return NULL;
	}
	if (s->cfg.cameras && !cJSON_IsFalse(camera) &&
	    ecc_cameras_add(s->cfg.cameras, id, k,
	                    cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")),
	                    cJSON_IsObject(camera) ? camera : NULL) != ECC_OK) {
		g_warning("units file %s: unit=%s: bad \"camera\"", s->units_file, id);
		return NULL;
	}
	u = g_new0(struct unit, 1);
	u->sim = s;
	u->id = g_strdup(id);
	u->kind = k;
	u->name = dup_string(e, "name");
	u->team = dup_string(e, "team");
	u->username = dup_string(e, "username");
	u->password = dup_string(e, "password");
	u->client_id = dup_string(e, "client_id");
	if (!u->client_id)
		u->client_id = g_strdup(id);
	u->topic_tel = ecc_topic_unit(id, "telemetry");
	u->topic_evt = ecc_topic_unit(id, "event");
	u->topic_cmd = ecc_topic_unit(id, "cmd");
	u->topic_ack = ecc_topic_unit(id, "ack");
	if (unit_orders_from_json(s, u, e) != ECC_OK) {
		unit_free(u);
		return NULL;
	}
	/* seeded by the id, so adding a unit to the file leaves the others alone */
	u->mover = ecc_mover_new(s->roads, k, ecc_rng_derive(s->cfg.seed, g_str_hash(id)));
	return u;
}

static int load_units(ecc_sim *s)
{
	gchar *text = NULL;
	gsize len = 0;
	GError *err = NULL;
	cJSON *root = NULL, *e;
	guint idx = 0;
	int rc;

	if (!g_file_get_contents(s->units_file, &text, &len, &err)) {
		g_warning("units file: %s", err->message);
		g_error_free(err);
		return ECC_ERR_IO;
	}
	rc = ecc_json_parse(text, len, UNITS_MAX_BYTES, 4, &root);
	g_free(text);
	if (rc != ECC_OK || !cJSON_IsArray(root)) {
		g_warning("units file %s: not a JSON array of units", s->units_file);
		cJSON_Delete(root);
		return ECC_ERR_INVAL;
	}
	cJSON_ArrayForEach(e, root)
	{
		struct unit *u = unit_from_json(s, e, idx++);
		if (!u) {
			cJSON_Delete(root);
			return ECC_ERR_INVAL;
		}
		g_ptr_array_add(s->units, u);
	}
	cJSON_Delete(root);
	if (s->units->len == 0) {
		g_warning("units file %s: no units", s->units_file);
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

/* ---- publishing ---------------------------------------------------------- */

static void advance(struct unit *u)
{
	gint64 now = g_get_monotonic_time();

	ecc_mover_step(u->mover, (double)(now - u->stepped_us) / 1e6);
	u->stepped_us = now;
}

static void unit_publish(struct unit *u, const char *topic, const char *buf, int len, int qos)
{
	int rc;

	if (len < 0)
		return;
	if (!ecc_mqtt_connected(u->mqtt)) {
		/* like a device in a dead zone: keep a bounded backlog of QoS 1 */
		if (qos == 0 || u->queued_down >= QUEUE_WHILE_DOWN)
			return;
		u->queued_down++;
	}
	rc = ecc_mqtt_publish(u->mqtt, topic, buf, (size_t)len, qos, false, NULL);
	if (rc != ECC_OK)
		g_debug("unit=%s: publish on %s: %s", u->id, topic, ecc_strerror(rc));
}

static void send_event(struct unit *u, const char *kind, const struct ecc_position *p)
{
	char buf[192];
	int n =
	    snprintf(buf, sizeof(buf), "{\"ts\":%lld,\"kind\":\"%s\",\"lat\":%.7f,\"lon\":%.7f}",
	             (long long)p->ts, kind, p->lat, p->lon);

	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	unit_publish(u, u->topic_evt, buf, n, 1);
	g_message("unit=%s kind=%s: event %s at %.6f,%.6f%s", u->id, ecc_unit_kind_name(u->kind),
	          kind, p->lat, p->lon, ecc_mqtt_connected(u->mqtt) ? "" : " (queued, offline)");
}

/* A held unit reports its own point instead of the mover's, moving it
 * toward the target of an instruction, if it has one. */
static void steer(struct unit *u, struct ecc_position *p)
{
	gint64 now = g_get_monotonic_time();
	double dt = u->held_us ? (double)(now - u->held_us) / 1e6 : 0;
	double k = cos(u->lat * G_PI / 180.0) * 111320.0;
	double dy = (u->tlat - u->lat) * 111320.0, dx = (u->tlon - u->lon) * k, dist, step;

	u->held_us = now;
	if (!u->held)
		return;
	p->speed = 0;
	if (u->heading) {
		dist = hypot(dx, dy);
		step = u->goto_speed * dt;
		if (step >= dist) {
			u->lat = u->tlat;
			u->lon = u->tlon;
			u->heading = false;
			g_message("unit=%s: at the instruction's point %.6f,%.6f", u->id, u->lat,
			          u->lon);
		} else {
			u->lat += dy * step / dist / 111320.0;
			u->lon += dx * step / dist / k;
			p->speed = u->goto_speed;
			p->heading = fmod(atan2(dx, dy) * 180.0 / G_PI + 360.0, 360.0);
		}
	}
	p->lat = u->lat;
	p->lon = u->lon;
}

static gboolean unit_tick(gpointer data)
{
	struct unit *u = data;
	struct ecc_position p;
	char buf[ECC_TELEMETRY_MAX_BYTES];
	bool low;

	advance(u);
	ecc_mover_position(u->mover, ecc_now_ms(), &p);
	steer(u, &p);
	low = ecc_mover_take_battery_low(u->mover);
	if (!u->mqtt)
		return G_SOURCE_CONTINUE;
	unit_publish(u, u->topic_tel, buf, ecc_proto_telemetry_format(&p, buf, sizeof(buf)),
	             u->sim->cfg.qos);
	if (low)
		send_event(u, "battery_low", &p);
	return G_SOURCE_CONTINUE;
}

static guint period_ms(const ecc_sim *s)
{
	return (guint)MAX(1.0, lround(1000.0 / s->cfg.rate));
}

static gboolean unit_first_tick(gpointer data)
{
	struct unit *u = data;

	u->timer = g_timeout_add(period_ms(u->sim), unit_tick, u);
	unit_tick(u);
	return G_SOURCE_REMOVE;
}

/* ---- commands ------------------------------------------------------------ */

/* Answers a command on ecc/unit/{id}/ack: {"ts","op",("id"),"ok",("error")}. */
static void ack(struct unit *u, const cJSON *cmd, const char *op, const char *error)
{
	cJSON *a = cJSON_CreateObject();
	const cJSON *cid = cJSON_GetObjectItemCaseSensitive(cmd, "id");
	char *text;

	cJSON_AddNumberToObject(a, "ts", (double)ecc_now_ms());
	cJSON_AddStringToObject(a, "op", op ? op : "");
	if (cJSON_IsString(cid))
		cJSON_AddStringToObject(a, "id", cid->valuestring);
	cJSON_AddBoolToObject(a, "ok", error == NULL);
	if (error)
		cJSON_AddStringToObject(a, "error", error);
	text = ecc_json_print(a);
	if (text)
		unit_publish(u, u->topic_ack, text, (int)strlen(text), 1);
	cJSON_free(text);
	cJSON_Delete(a);
}

static gboolean ack_later(gpointer data)
{
	struct pending_ack *pa = data;
	struct unit *u = pa->u;
	cJSON *a = cJSON_CreateObject();
	char *text;

	cJSON_AddNumberToObject(a, "ts", (double)ecc_now_ms());
	cJSON_AddStringToObject(a, "op", "instruction");
	cJSON_AddStringToObject(a, "id", pa->id);
	cJSON_AddBoolToObject(a, "ok", true);
	cJSON_AddBoolToObject(a, "acked", true);
	text = ecc_json_print(a);
	if (text)
		unit_publish(u, u->topic_ack, text, (int)strlen(text), 1);
	g_message("unit=%s: instruction %s acknowledged", u->id, pa->id);
	cJSON_free(text);
	cJSON_Delete(a);
	u->pending = g_slist_remove(u->pending, pa);
	g_free(pa->id);
	g_free(pa);
	return G_SOURCE_REMOVE;
}

/* {"op":"instruction","id":"42","text":..,"point":{lat,lon}|null}: answered
 * at once (delivered), acknowledged after ack_after seconds (unless the
 * unit never acknowledges), and a point, if any, becomes the unit's target. */
static const char *on_instruction(struct unit *u, const cJSON *cmd)
{
	const cJSON *pt = cJSON_GetObjectItemCaseSensitive(cmd, "point");
	const char *id = NULL;
	struct ecc_position p;
	struct pending_ack *pa;
	double lat, lon;

	if (ecc_json_get_string(cmd, "id", &id) != ECC_OK)
		return "an instruction needs an \"id\"";
	if (cJSON_IsObject(pt) && u->goto_on && ecc_json_get_number(pt, "lat", &lat) == ECC_OK &&
	    ecc_json_get_number(pt, "lon", &lon) == ECC_OK) {
		if (!u->held) {
			advance(u);
			ecc_mover_position(u->mover, ecc_now_ms(), &p);
			u->lat = p.lat;
			u->lon = p.lon;
			u->held = true;
		}
		u->tlat = lat;
		u->tlon = lon;
		u->heading = true;
		g_message("unit=%s: heading to %.6f,%.6f at %.1f m/s", u->id, lat, lon,
		          u->goto_speed);
	}
	if (u->never_ack)
		return NULL;
	for (GSList *l = u->pending; l; l = l->next)
		if (!strcmp(((struct pending_ack *)l->data)->id, id))
			return NULL; /* a re-send of one already being acknowledged */
	pa = g_new0(struct pending_ack, 1);
	pa->u = u;
	pa->id = g_strdup(id);
	pa->timer = g_timeout_add((guint)(u->ack_after * 1000), ack_later, pa);
	u->pending = g_slist_prepend(u->pending, pa);
	return NULL;
}

/* ecc/unit/{id}/cmd: {"op":"camera","on":bool} turns the camera off or on;
 * {"op":"instruction",..} (on_instruction). */
static void on_message(void *user, const char *topic, const void *payload, size_t len, int qos,
                       bool retain)
{
	struct unit *u = user;
	cJSON *cmd = NULL;
	const char *op = NULL, *error = NULL;
	bool on;

	(void)qos;
	if (strcmp(topic, u->topic_cmd) != 0 || retain)
		return;
	if (ecc_json_parse_object(payload, len, 4096, &cmd) != ECC_OK ||
	    ecc_json_get_string(cmd, "op", &op) != ECC_OK) {
		error = "not a JSON object with an \"op\"";
	} else if (strcmp(op, "instruction") == 0) {
		error = on_instruction(u, cmd);
	} else if (strcmp(op, "camera") != 0) {
		error = "unknown op";
	} else if (ecc_json_get_bool(cmd, "on", &on) != ECC_OK) {
		error = "\"on\" must be true or false";
	} else if (!u->sim->cfg.cameras ||
	           ecc_cameras_set_on(u->sim->cfg.cameras, u->id, on) != ECC_OK) {
		error = "no camera";
	}
	g_message("unit=%s: command %s%s%s", u->id, op ? op : "?", error ? ": " : "",
	          error ? error : "");
	ack(u, cmd, op, error);
	cJSON_Delete(cmd);
}

/* ---- connection state ---------------------------------------------------- */

/* Retained on ecc/unit/{id}/stream: where the gateway takes this unit's
 * video from ({"url","transport"}), so the hub records it without anyone
 * registering the stream by hand. */
static void announce_stream(struct unit *u)
{
	char url[512], buf[640];
	char *topic;
	int n;

	if (!u->sim->cfg.cameras ||
	    ecc_cameras_url(u->sim->cfg.cameras, u->id, url, sizeof(url)) != ECC_OK)
		return;
	n = snprintf(buf, sizeof(buf), "{\"url\":\"%s\",\"transport\":\"tcp\"}", url);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	topic = ecc_topic_unit(u->id, "stream");
	if (ecc_mqtt_publish(u->mqtt, topic, buf, (size_t)n, 1, true, NULL) != ECC_OK)
		g_warning("unit=%s: could not announce its stream", u->id);
	g_free(topic);
}

static void on_connected(void *user, bool session_present)
{
	struct unit *u = user;

	(void)session_present;
	g_message("unit=%s kind=%s user=%s: online", u->id, ecc_unit_kind_name(u->kind),
	          u->username ? u->username : "(anonymous)");
	u->queued_down = 0;
	u->down_since_ms = 0;
	u->warned_ms = 0;
	announce_stream(u);
}

static void on_disconnected(void *user, int reason)
{
	struct unit *u = user;

	(void)reason;
	u->down_since_ms = ecc_mono_ms();
}

static void on_published(void *user, int mid, int reason)
{
	struct unit *u = user;

	if (reason < 128 || reason == u->last_refusal)
		return;
	u->last_refusal = reason;
	g_warning("unit=%s user=%s: the broker refused a publish (mid %d, reason %d%s); check "
	          "the unit's role",
	          u->id, u->username ? u->username : "(anonymous)", mid, reason,
	          reason == 135 ? ", not authorized" : "");
}

/* Says which units stay offline (refused credentials, broker away); the
 * MQTT glue keeps retrying them. */
static gboolean watch_tick(gpointer data)
{
	ecc_sim *s = data;
	gint64 now = ecc_mono_ms();

	for (guint i = 0; i < s->units->len; i++) {
		struct unit *u = g_ptr_array_index(s->units, i);

		if (!u->mqtt || ecc_mqtt_connected(u->mqtt))
			continue;
		if (!u->down_since_ms)
			u->down_since_ms = now;
		if (now - u->down_since_ms < WARN_AFTER_MS ||
		    (u->warned_ms && now - u->warned_ms < WARN_EVERY_MS))
			continue;
		u->warned_ms = now;
		g_warning("unit=%s user=%s: not connected to %s:%d for %lld s (credentials refused "
		          "or broker unreachable); still retrying",
		          u->id, u->username ? u->username : "(anonymous)", s->cfg.mqtt_host,
		          s->cfg.mqtt_port, (long long)(now - u->down_since_ms) / 1000);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- events -------------------------------------------------------------- */

static gboolean event_tick(gpointer data);

static void schedule_event(ecc_sim *s)
{
	/* a Poisson process: exponential gaps with the configured mean */
	double gap = -log(1.0 - ecc_rng_unit(&s->rng)) * s->cfg.events_every;

	gap = CLAMP(gap, 0.5, 4 * s->cfg.events_every); /* no hour-long lulls in a demo */
	s->event_timer = g_timeout_add((guint)(gap * 1000), event_tick, s);
}

static gboolean event_tick(gpointer data)
{
	ecc_sim *s = data;
	struct unit *u = NULL;
	struct ecc_position p;
	const char *kind;

	for (int tries = 0; tries < 16 && !u; tries++) {
		u = g_ptr_array_index(s->units, ecc_rng_below(&s->rng, s->units->len));
		if (!u->mqtt)
			u = NULL;
	}
	if (u) {
		advance(u);
		ecc_mover_position(u->mover, ecc_now_ms(), &p);
		if (u->kind != ECC_UNIT_DRONE && ecc_rng_unit(&s->rng) < SOS_SHARE) {
			kind = "sos";
		} else {
			kind = u->recording ? "rec_stop" : "rec_start";
			u->recording = !u->recording;
		}
		send_event(u, kind, &p);
	}
	schedule_event(s);
	return G_SOURCE_REMOVE;
}

/* ---- public -------------------------------------------------------------- */

int ecc_sim_new(const struct ecc_sim_config *cfg, ecc_sim **out)
{
	ecc_sim *s;
	int rc;

	*out = NULL;
	if (!cfg || !cfg->units_file || !cfg->mqtt_host || !(cfg->rate > 0 && cfg->rate <= 100) ||
	    !(cfg->events_every >= 0) || cfg->qos < 0 || cfg->qos > 2 ||
	    (cfg->nmea_only && !cfg->nmea_unit)) {
		g_warning("bad options: --rate wants 0 < HZ <= 100, --events-every S >= 0, --qos "
		          "0..2, --nmea-only a --nmea-unit");
		return ECC_ERR_INVAL;
	}
	s = g_new0(ecc_sim, 1);
	s->cfg = *cfg;
	s->cfg.units_file = s->units_file = g_strdup(cfg->units_file);
	s->cfg.mqtt_host = s->host = g_strdup(cfg->mqtt_host);
	s->cfg.nmea_unit = s->nmea_unit = g_strdup(cfg->nmea_unit);
	ecc_rng_seed(&s->rng, ecc_rng_derive(cfg->seed, 0xe7e27));
	s->roads = ecc_roads_new(cfg->lat0, cfg->lon0, cfg->seed);
	s->units = g_ptr_array_new_with_free_func(unit_free);
	rc = load_units(s);
	if (rc == ECC_OK && s->nmea_unit && !find_unit(s, s->nmea_unit)) {
		g_warning("units file %s: no unit=%s for NMEA", s->units_file, s->nmea_unit);
		rc = ECC_ERR_NOTFOUND;
	}
	if (rc != ECC_OK) {
		ecc_sim_free(s);
		return rc;
	}
	*out = s;
	return ECC_OK;
}

int ecc_sim_start(ecc_sim *s)
{
	guint counts[4] = {0};
	gint64 now = g_get_monotonic_time();

	for (guint i = 0; i < s->units->len; i++) {
		struct unit *u = g_ptr_array_index(s->units, i);
		bool nmea = s->nmea_unit && strcmp(u->id, s->nmea_unit) == 0;
		struct ecc_mqtt_options o = {.host = s->cfg.mqtt_host,
		                             .port = s->cfg.mqtt_port,
		                             .client_id = u->client_id,
		                             .username = u->username,
		                             .password = u->password,
		                             .clean_start = true};
		struct ecc_mqtt_callbacks cb = {.connected = on_connected,
		                                .disconnected = on_disconnected,
		                                .published = on_published,
		                                .message = on_message};

		counts[u->kind]++;
		if (nmea && u->kind != ECC_UNIT_VEHICLE)
			g_warning("unit=%s: NMEA from a %s, not a vehicle", u->id,
			          ecc_unit_kind_name(u->kind));
		if (!(nmea && s->cfg.nmea_only)) {
			u->mqtt = ecc_mqtt_new(&o, &cb, u);
			if (!u->mqtt)
				g_warning("unit=%s: cannot create an MQTT client", u->id);
			else if (ecc_mqtt_subscribe(u->mqtt, u->topic_cmd, 1) == ECC_OK)
				ecc_mqtt_start(u->mqtt);
		}
		u->stepped_us = now;
		u->down_since_ms = ecc_mono_ms();
		/* spread the units over the period instead of publishing in bursts */
		u->timer = g_timeout_add(ecc_rng_below(&s->rng, period_ms(s)), unit_first_tick, u);
	}
	s->watch_timer = g_timeout_add_seconds(WATCH_S, watch_tick, s);
	if (s->cfg.events_every > 0)
		schedule_event(s);
	g_message("%u units (%u bodycam, %u handheld, %u vehicle, %u drone) around %.5f,%.5f, "
	          "%.2f Hz, a town of %u crossings (seed %llu)",
	          s->units->len, counts[0], counts[1], counts[2], counts[3], s->cfg.lat0,
	          s->cfg.lon0, s->cfg.rate, ecc_roads_node_count(s->roads),
	          (unsigned long long)s->cfg.seed);
	return ECC_OK;
}

bool ecc_sim_position(ecc_sim *s, const char *id, struct ecc_position *out)
{
	struct unit *u = find_unit(s, id);

	if (!u)
		return false;
	advance(u);
	ecc_mover_position(u->mover, ecc_now_ms(), out);
	return true;
}

void ecc_sim_free(ecc_sim *s)
{
	if (!s)
		return;
	if (s->event_timer)
		g_source_remove(s->event_timer);
	if (s->watch_timer)
		g_source_remove(s->watch_timer);
	g_ptr_array_free(s->units, TRUE);
	ecc_roads_free(s->roads);
	g_free(s->units_file);
	g_free(s->host);
	g_free(s->nmea_unit);
	g_free(s);
}
