/* bus: MQTT in, dispatched by topic kind. */
#define G_LOG_DOMAIN "ecc-bus"

#include "bus.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "ecc_topic.h"
#include "proto_event.h"
#include "proto_owntracks.h"
#include "proto_telemetry.h"
#include "ecc_json.h"
#include "gateways.h"
#include "instructions.h"
#include "recordings.h"
#include "streams.h"
#include "views.h"
#include "publish.h"

#include <glib.h>
#include <string.h>
#include <unistd.h>

struct ecc_bus {
	struct ecc_hub *hub;
	ecc_mqtt *mqtt;
	ecc_bus_control_fn control_fn;
	void *control_user;
	void (*connect_fn)(void *user);
	void *connect_user;
	struct ecc_bus_stats stats;
	/* warning budget: at most WARN_PER_S drop warnings per second */
	gint64 warn_window;
	unsigned warn_count, warn_suppressed;
};

#define WARN_PER_S 10

/* Counts and logs (rate-limited) a message the hub could not use. */
static void drop(ecc_bus *b, const char *topic, const char *why)
{
	gint64 now = ecc_mono_ms();

	b->stats.dropped++;
	if (now - b->warn_window >= 1000) {
		if (b->warn_suppressed)
			g_warning("%u more dropped messages not shown", b->warn_suppressed);
		b->warn_window = now;
		b->warn_count = 0;
		b->warn_suppressed = 0;
	}
	if (b->warn_count++ < WARN_PER_S)
		g_warning("topic=%s: dropped: %s", topic, why);
	else
		b->warn_suppressed++;
}

/* ---- handlers, one per topic kind --------------------------------------- */

typedef void (*topic_fn)(ecc_bus *b, const struct ecc_topic *t, const char *topic,
                         const char *payload, size_t len);

static void submit(ecc_bus *b, const char *topic, const char *unit, const struct ecc_position *p)
{
	int rc = ecc_telemetry_submit(b->hub->telemetry, unit, p);

	/* telemetry counted the rejection itself */
	if (rc == ECC_ERR_NOTFOUND)
		drop(b, topic, "unknown unit");
	else if (rc != ECC_OK)
		drop(b, topic, "device time too far ahead or value out of range");
}

static void refuse(ecc_bus *b, const char *topic, const char *why)
{
	ecc_telemetry_count_rejected(b->hub->telemetry);
	drop(b, topic, why);
}

static void on_telemetry(ecc_bus *b, const struct ecc_topic *t, const char *topic,
                         const char *payload, size_t len)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX] = "";

	if (ecc_proto_telemetry_parse(payload, len, &p, why) != ECC_OK) {
		refuse(b, topic, why);
		return;
	}
	submit(b, topic, t->id, &p);
}

static void on_owntracks(ecc_bus *b, const struct ecc_topic *t, const char *topic,
                         const char *payload, size_t len)
{
	struct ecc_unit *unit = ecc_units_by_owntracks(b->hub->units, t->id, t->device);
	struct ecc_position p;
	char why[ECC_WHY_MAX] = "";
	int rc;

	if (!unit) {
		refuse(b, topic, "no unit is mapped to this OwnTracks user/device");
		return;
	}
	rc = ecc_proto_owntracks_parse(payload, len, &p, why);
	if (rc == ECC_ERR_IGNORED) {
		ecc_telemetry_seen(b->hub->telemetry, unit);
		return;
	}
	if (rc != ECC_OK) {
		refuse(b, topic, why);
		return;
	}
	submit(b, topic, unit->id, &p);
}

static void on_event(ecc_bus *b, const struct ecc_topic *t, const char *topic, const char *payload,
                     size_t len)
{
	struct ecc_unit *unit = ecc_units_lookup(b->hub->units, t->id);

	struct ecc_event e;
	char why[ECC_WHY_MAX] = "";

	if (!unit) {
		drop(b, topic, "unknown unit");
		return;
	}
	if (ecc_proto_event_parse(payload, len, &e, why) != ECC_OK) {
		drop(b, topic, why);
		return;
	}
	g_message("unit=%s: event %s", unit->id, e.kind);
	ecc_telemetry_seen(b->hub->telemetry, unit);
	ecc_alerts_from_event(b->hub->alerts, unit->id, &e);
}

static void on_stream_announce(ecc_bus *b, const struct ecc_topic *t, const char *topic,
                               const char *payload, size_t len)
{
	if (!ecc_units_lookup(b->hub->units, t->id)) {
		drop(b, topic, "unknown unit");
		return;
	}
	ecc_streams_on_announce(b->hub->streams, t->id, payload, len);
}

static void on_gw_status(ecc_bus *b, const struct ecc_topic *t, const char *topic,
                         const char *payload, size_t len)
{
	(void)topic;
	ecc_gateways_on_status(b->hub->gateways, t->id, payload, len);
}

/* A gateway's reports, by "type": health, state, hello -> streams;
 * segment, deleted -> recordings; offer, ice, view_end -> views;
 * publish_ and talk_ answer, ice, end -> publish. */
static void on_gw_evt(ecc_bus *b, const struct ecc_topic *t, const char *topic, const char *payload,
                      size_t len)
{
	const char *type = NULL;
	cJSON *o;

	if (ecc_json_parse_object(payload, len, 1 << 20, &o) != ECC_OK ||
	    ecc_json_get_string(o, "type", &type) != ECC_OK) {
		drop(b, topic, "not a JSON report with a type");
		cJSON_Delete(o);
		return;
	}
	if (!strcmp(type, "segment"))
		ecc_recordings_on_segment(b->hub->recordings, t->id, o);
	else if (!strcmp(type, "deleted"))
		ecc_recordings_on_deleted(b->hub->recordings, t->id, o);
	else if (!strcmp(type, "offer") || !strcmp(type, "ice") || !strcmp(type, "view_end"))
		ecc_views_on_gateway(b->hub->views, t->id, o);
	else if (g_str_has_prefix(type, "publish_") || g_str_has_prefix(type, "talk_"))
		ecc_publish_on_gateway(b->hub->publish, t->id, o);
	else
		ecc_streams_on_health(b->hub->streams, t->id, o);
	cJSON_Delete(o);
}

/* A fallback view's fMP4 bytes (QoS 0: late video is no use). */
static void on_gw_live(ecc_bus *b, const struct ecc_topic *t, const char *topic,
                       const char *payload, size_t len)
{
	(void)topic;
	ecc_views_on_media(b->hub->views, t->id, t->device, payload, len);
}

/* A unit's answer to a command: instructions are the instructions
 * module's; other answers (camera) need nothing from the hub. */
static void on_ack(ecc_bus *b, const struct ecc_topic *t, const char *topic, const char *payload,
                   size_t len)
{
	const char *op = NULL;
	cJSON *o;

	if (!ecc_units_lookup(b->hub->units, t->id)) {
		drop(b, topic, "unknown unit");
		return;
	}
	if (ecc_json_parse_object(payload, len, 16384, &o) != ECC_OK) {
		drop(b, topic, "not a JSON object");
		return;
	}
	if (ecc_json_get_string(o, "op", &op) == ECC_OK && !strcmp(op, "instruction"))
		ecc_instructions_on_unit_ack(b->hub->instructions, t->id, o);
	else
		g_debug("topic=%s: %zu bytes, op %s", topic, len, op ? op : "?");
	cJSON_Delete(o);
}

static const struct topic_route {
	enum ecc_topic_kind kind;
	topic_fn fn;
} topic_routes[] = {
    {ECC_TOPIC_UNIT_TELEMETRY, on_telemetry},
    {ECC_TOPIC_OWNTRACKS, on_owntracks},
    {ECC_TOPIC_UNIT_EVENT, on_event},
    {ECC_TOPIC_UNIT_ACK, on_ack},
    {ECC_TOPIC_UNIT_STREAM, on_stream_announce},
    {ECC_TOPIC_GW_STATUS, on_gw_status},
    {ECC_TOPIC_GW_EVT, on_gw_evt},
    {ECC_TOPIC_GW_LIVE, on_gw_live},
    {ECC_TOPIC_UNKNOWN, NULL},
};

/* What the hub subscribes to, all at QoS 1. */
static const char *const subscriptions[] = {
    "ecc/unit/+/telemetry",
    "ecc/unit/+/event",
    "ecc/unit/+/ack",
    "ecc/unit/+/stream",
    "owntracks/+/+",
    "ecc/gw/+/status",
    "ecc/gw/+/evt",
    "$CONTROL/dynamic-security/v1/response",
    NULL,
};

/* ---- MQTT callbacks ----------------------------------------------------- */

static void on_message(void *user, const char *topic, const void *payload, size_t len, int qos,
                       bool retain)
{
	ecc_bus *b = user;
	struct ecc_topic t;

	(void)qos;
	(void)retain;
	b->stats.messages++;
	if (g_str_has_prefix(topic, "$CONTROL/")) {
		if (b->control_fn)
			b->control_fn(b->control_user, topic, payload, len);
		return;
	}
	if (!ecc_topic_parse(topic, &t)) {
		drop(b, topic, "unknown topic or invalid id");
		return;
	}
	for (const struct topic_route *r = topic_routes; r->fn; r++) {
		if (r->kind == t.kind) {
			r->fn(b, &t, topic, payload, len);
			return;
		}
	}
}

static void on_connected(void *user, bool session_present)
{
	ecc_bus *b = user;

	(void)session_present;
	b->stats.connects++;
	if (b->connect_fn)
		b->connect_fn(b->connect_user);
}

static ecc_bus *bus_new(struct ecc_hub *hub, bool cli)
{
	const struct ecc_config *c = hub->cfg;
	char *client_id = cli ? g_strdup_printf("%s-cli-%d", c->mqtt_client_id, (int)getpid())
	                      : g_strdup(c->mqtt_client_id);
	struct ecc_mqtt_options o = {
	    .host = c->mqtt_host,
	    .port = c->mqtt_port,
	    .client_id = client_id,
	    .username = *c->mqtt_username ? c->mqtt_username : NULL,
	    .password = *c->mqtt_password ? c->mqtt_password : NULL,
	    /* The CLI must not take over (or consume) the daemon's session. */
	    .clean_start = cli,
	    .session_expiry_s = cli ? 0 : (unsigned)c->mqtt_session_expiry,
	    .keepalive_s = 20,
	    .retry_min_ms = 250,
	    .retry_max_ms = 5000,
	    .cafile = *c->mqtt_cafile ? c->mqtt_cafile : NULL,
	    .receive_maximum = 1000,
	};
	struct ecc_mqtt_callbacks cb = {
	    .connected = on_connected,
	    .message = on_message,
	};
	ecc_bus *b = g_new0(ecc_bus, 1);

	b->hub = hub;
	b->mqtt = ecc_mqtt_new(&o, &cb, b);
	g_free(client_id);
	if (!b->mqtt) {
		g_free(b);
		return NULL;
	}
	for (int i = 0; subscriptions[i]; i++)
		if (!cli || g_str_has_prefix(subscriptions[i], "$CONTROL/"))
			ecc_mqtt_subscribe(b->mqtt, subscriptions[i], 1);
	if (!cli)
		ecc_mqtt_subscribe(b->mqtt, "ecc/gw/+/live/+", 0);
	return b;
}

static void pressure(void *user, bool behind)
{
	ecc_bus *b = user;

	ecc_mqtt_pause(b->mqtt, behind);
}

ecc_bus *ecc_bus_new(struct ecc_hub *hub)
{
	ecc_bus *b = bus_new(hub, false);

	if (b && hub->telemetry)
		ecc_telemetry_on_pressure(hub->telemetry, pressure, b);
	return b;
}

ecc_bus *ecc_bus_new_cli(struct ecc_hub *hub)
{
	return bus_new(hub, true);
}

int ecc_bus_start(ecc_bus *b)
{
	return ecc_mqtt_start(b->mqtt);
}

void ecc_bus_free(ecc_bus *b)
{
	if (!b)
		return;
	if (b->hub->telemetry)
		ecc_telemetry_on_pressure(b->hub->telemetry, NULL, NULL);

	ecc_mqtt_free(b->mqtt);
	g_free(b);
}

bool ecc_bus_connected(const ecc_bus *b)
{
	return ecc_mqtt_connected(b->mqtt);
}

ecc_mqtt *ecc_bus_mqtt(ecc_bus *b)
{
	return b->mqtt;
}

void ecc_bus_on_control(ecc_bus *b, ecc_bus_control_fn fn, void *user)
{
	b->control_fn = fn;
	b->control_user = user;
}

void ecc_bus_on_connect(ecc_bus *b, void (*fn)(void *user), void *user)
{
	b->connect_fn = fn;
	b->connect_user = user;
}

void ecc_bus_get_stats(const ecc_bus *b, struct ecc_bus_stats *out)
{
	*out = b->stats;
	out->connects = ecc_mqtt_connect_count(b->mqtt);
}
