/* gateways: presence, capacity and disk of the media gateways. */
#define G_LOG_DOMAIN "ecc-gateways"

#include "gateways.h"
#include "alert.h"
#include "bus.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "ecc_topic.h"
#include "views.h"
#include "publish.h"
#include "streams.h"

#include <string.h>

/* A gateway that sends no status for this long is taken for gone. */
#define SILENT_MS 30000

struct ecc_gateways {
	struct ecc_hub *hub;
	GHashTable *by_id; /* id -> struct ecc_gateway* */
	guint check_id;
};

static void gateway_free(gpointer p)
{
	struct ecc_gateway *gw = p;

	g_free(gw->recordings);
	g_free(gw->snapshots);
	g_free(gw);
}

static void set_online(ecc_gateways *g, struct ecc_gateway *gw, bool online)
{
	if (gw->online == online)
		return;
	gw->online = online;
	g_message("gw=%s: %s", gw->id, online ? "online" : "offline");
	if (online)
		ecc_streams_gateway_up(g->hub->streams, gw->id);
	else {
		ecc_views_gateway_down(g->hub->views, gw->id);
		ecc_publish_gateway_down(g->hub->publish, gw->id);
		ecc_streams_gateway_down(g->hub->streams, gw->id);
	}
}

static void check_disk(ecc_gateways *g, struct ecc_gateway *gw, bool low)
{
	if (low == gw->disk_low)
		return;
	gw->disk_low = low;
	if (low) {
		char *msg =
		    g_strdup_printf("网关 %s 磁盘空间不足 (%.0f MB)", gw->id, gw->disk_free_mb);
		struct ecc_alert_spec sp = {
		    .kind = "disk_low",
		    .severity = ECC_SEV_HIGH,
		    .message = msg,
		    .lat = NAN,
		    .lon = NAN,
		};
		ecc_alerts_raise(g->hub->alerts, &sp, NULL);
		g_free(msg);
	} else {
		ecc_alerts_clear(g->hub->alerts, NULL, "disk_low");
	}
}

void ecc_gateways_on_status(ecc_gateways *g, const char *id, const char *payload, size_t len)
{
	struct ecc_gateway *gw = g_hash_table_lookup(g->by_id, id);
	const char *state = NULL, *rec = NULL, *snaps = NULL;
	double d;
	bool low = false;
	cJSON *o;

	if (len == 0) /* a cleared retained message */
		return;
	if (ecc_json_parse_object(payload, len, 65536, &o) != ECC_OK ||
	    ecc_json_get_string(o, "state", &state) != ECC_OK) {
		g_warning("gw=%s: unreadable status", id);
		cJSON_Delete(o);
		return;
	}
	if (!gw) {
		gw = g_new0(struct ecc_gateway, 1);
		g_strlcpy(gw->id, id, sizeof(gw->id));
		g_hash_table_insert(g->by_id, gw->id, gw);
	}
	gw->last_seen = ecc_now_ms();
	if (ecc_json_get_number(o, "capacity", &d) == ECC_OK)
		gw->capacity = (int)d;
	if (ecc_json_get_string(o, "recordings", &rec) == ECC_OK && rec[0] == '/') {
		g_free(gw->recordings);
		gw->recordings = g_strdup(rec);
	}
	if (ecc_json_get_string(o, "snapshots", &snaps) == ECC_OK && snaps[0] == '/') {
		g_free(gw->snapshots);
		gw->snapshots = g_strdup(snaps);
	}
	if (ecc_json_get_number(o, "disk_free_mb", &d) == ECC_OK)
		gw->disk_free_mb = d;
	if (ecc_json_get_number(o, "disk_total_mb", &d) == ECC_OK)
		gw->disk_total_mb = d;
	ecc_json_get_bool(o, "disk_low", &low);
	set_online(g, gw, !strcmp(state, "online"));
	if (gw->online)
		check_disk(g, gw, low);
	cJSON_Delete(o);
}

struct ecc_gateway *ecc_gateways_get(ecc_gateways *g, const char *id)
{
	return id ? g_hash_table_lookup(g->by_id, id) : NULL;
}

static gint by_id(gconstpointer a, gconstpointer b)
{
	const struct ecc_gateway *x = *(const struct ecc_gateway *const *)a;
	const struct ecc_gateway *y = *(const struct ecc_gateway *const *)b;

	return strcmp(x->id, y->id);
}

GPtrArray *ecc_gateways_online(ecc_gateways *g)
{
	GPtrArray *out = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, g->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (((struct ecc_gateway *)v)->online)
			g_ptr_array_add(out, v);
	g_ptr_array_sort(out, by_id);
	return out;
}

int ecc_gateways_send(ecc_gateways *g, const char *gw, cJSON *order)
{
	char *topic = ecc_topic_gw(gw, "cmd"), *text = cJSON_PrintUnformatted(order);
	int rc = topic ? ecc_mqtt_publish(ecc_bus_mqtt(g->hub->bus), topic, text, strlen(text), 1,
	                                  false, NULL)
	               : ECC_ERR_INVAL;

	g_free(topic);
	cJSON_free(text);
	cJSON_Delete(order);
	return rc;
}

cJSON *ecc_gateways_json(ecc_gateways *g)
{
	cJSON *arr = cJSON_CreateArray();
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, g->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct ecc_gateway *gw = v;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", gw->id);
		cJSON_AddBoolToObject(o, "online", gw->online);
		cJSON_AddNumberToObject(o, "capacity", gw->capacity);
		cJSON_AddNumberToObject(o, "load", ecc_streams_load(g->hub->streams, gw->id));
		cJSON_AddNumberToObject(o, "last_seen", (double)gw->last_seen);
		cJSON_AddNumberToObject(o, "disk_free_mb", gw->disk_free_mb);
		cJSON_AddNumberToObject(o, "disk_total_mb", gw->disk_total_mb);
		cJSON_AddBoolToObject(o, "disk_low", gw->disk_low);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* Gateways that went silent without a last will (a network cut). */
static gboolean check_cb(gpointer data)
{
	ecc_gateways *g = data;
	GHashTableIter it;
	gpointer v;
	int64_t limit = ecc_now_ms() - SILENT_MS;

	g_hash_table_iter_init(&it, g->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct ecc_gateway *gw = v;
		if (gw->online && gw->last_seen < limit) {
			g_warning("gw=%s: no status for %d s", gw->id, SILENT_MS / 1000);
			set_online(g, gw, false);
		}
	}
	return G_SOURCE_CONTINUE;
}

ecc_gateways *ecc_gateways_new(struct ecc_hub *hub)
{
	ecc_gateways *g = g_new0(ecc_gateways, 1);

	g->hub = hub;
	g->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, gateway_free);
	g->check_id = g_timeout_add_seconds(5, check_cb, g);
	return g;
}

void ecc_gateways_free(ecc_gateways *g)
{
	if (!g)
		return;
	g_source_remove(g->check_id);
	g_hash_table_destroy(g->by_id);
	g_free(g);
}
