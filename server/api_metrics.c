/*
 * api_metrics: GET /metrics in the Prometheus text format (version 0.0.4),
 * so a court's existing monitoring (Prometheus, or anything that scrapes
 * it) watches the hub without a plug-in. Counters only grow (a rate() of
 * ecc_positions_received_total is the positions per second); gauges are
 * read at scrape time from the modules and the store.
 */
#define G_LOG_DOMAIN "ecc-metrics"

#include "api.h"
#include "bus.h"
#include "ecc_log.h"
#include "gateways.h"
#include "streams.h"
#include "ws.h"

#include <string.h>
#include <sys/statvfs.h>

static void metric(GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int64_t scalar(ecc_store *st, const char *sql)
{
	sqlite3_stmt *s = ecc_store_stmt(st, sql);
	int64_t v = 0;

	if (s && ecc_store_step(st, s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);
	return v;
}

/* The stream states the hub knows, so every series exists even at zero. */
static const char *const stream_states[] = {"unknown", "starting", "waiting", "live",
                                            "stalled", "retrying", "stopped"};

static void streams_by_state(struct ecc_hub *hub, GString *out)
{
	struct ecc_user admin = {.role = ECC_ROLE_ADMIN};
	cJSON *list = ecc_streams_list_json(hub->streams, &admin), *s;
	GHashTable *n = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer k, v;

	for (size_t i = 0; i < G_N_ELEMENTS(stream_states); i++)
		g_hash_table_insert(n, g_strdup(stream_states[i]), GINT_TO_POINTER(0));
	cJSON_ArrayForEach(s, list)
	{
		const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(s, "state"));
		if (!st)
			st = "unknown";
		g_hash_table_insert(
		    n, g_strdup(st),
		    GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(n, st)) + 1));
	}
	cJSON_Delete(list);
	metric(out, "ecc_streams", "gauge", "Video streams by state.");
	g_hash_table_iter_init(&it, n);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_string_append_printf(out, "ecc_streams{state=\"%s\"} %d\n", (const char *)k,
		                       GPOINTER_TO_INT(v));
	g_hash_table_destroy(n);
}

static void disks(struct ecc_hub *hub, GString *out)
{
	struct statvfs sv;
	char *dir = g_path_get_dirname(hub->cfg->database);
	cJSON *gws = ecc_gateways_json(hub->gateways), *g;

	metric(out, "ecc_disk_free_bytes", "gauge",
	       "Free disk space: the hub's database folder and each gateway's recordings.");
	if (statvfs(dir, &sv) == 0)
		g_string_append_printf(out, "ecc_disk_free_bytes{host=\"hub\"} %.0f\n",
		                       (double)sv.f_bavail * (double)sv.f_frsize);
	g_free(dir);
	cJSON_ArrayForEach(g, gws)
	{
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(g, "id"));
		cJSON *free_mb = cJSON_GetObjectItem(g, "disk_free_mb");
		if (id && cJSON_IsNumber(free_mb))
			g_string_append_printf(
			    out, "ecc_disk_free_bytes{host=\"gateway\",gateway=\"%s\"} %.0f\n", id,
			    free_mb->valuedouble * 1024 * 1024);
	}
	cJSON_Delete(gws);
}

void api_metrics(struct ecc_req *req)
{
	struct ecc_hub *hub = req->hub;
	struct ecc_telemetry_stats t;
	struct ecc_bus_stats b;
	const GPtrArray *all = ecc_units_all(hub->units);
	unsigned online = 0;
	GString *out = g_string_sized_new(2048);

	ecc_telemetry_get_stats(hub->telemetry, &t);
	ecc_bus_get_stats(hub->bus, &b);
	for (guint i = 0; i < all->len; i++)
		online += ((const struct ecc_unit *)g_ptr_array_index(all, i))->online;

	metric(out, "ecc_positions_received_total", "counter",
	       "Positions received from units (rate() of it: positions per second).");
	g_string_append_printf(out, "ecc_positions_received_total %" G_GUINT64_FORMAT "\n",
	                       (guint64)t.received);
	metric(out, "ecc_positions_stored_total", "counter", "Positions written to the store.");
	g_string_append_printf(out, "ecc_positions_stored_total %" G_GUINT64_FORMAT "\n",
	                       (guint64)t.stored);
	metric(out, "ecc_mqtt_messages_total", "counter", "MQTT messages the hub received.");
	g_string_append_printf(out, "ecc_mqtt_messages_total %" G_GUINT64_FORMAT "\n",
	                       (guint64)b.messages);
	metric(out, "ecc_mqtt_connected", "gauge", "1 when the hub is connected to the broker.");
	g_string_append_printf(out, "ecc_mqtt_connected %d\n", ecc_bus_connected(hub->bus) ? 1 : 0);
	metric(out, "ecc_ws_clients", "gauge", "WebSocket clients connected.");
	g_string_append_printf(out, "ecc_ws_clients %u\n", ecc_ws_clients(hub->ws));
	metric(out, "ecc_units", "gauge", "Units known to the hub.");
	g_string_append_printf(out, "ecc_units %u\n", all->len);
	metric(out, "ecc_units_online", "gauge", "Units online.");
	g_string_append_printf(out, "ecc_units_online %u\n", online);
	metric(out, "ecc_alerts_open", "gauge", "Alerts open (not acknowledged, not cleared).");
	g_string_append_printf(
	    out, "ecc_alerts_open %" G_GINT64_FORMAT "\n",
	    scalar(hub->store, "SELECT count(*) FROM alerts WHERE state = 'open'"));
	metric(out, "ecc_alerts_raised_total", "counter",
	       "Alerts raised since the store was made.");
	g_string_append_printf(out, "ecc_alerts_raised_total %" G_GINT64_FORMAT "\n",
	                       scalar(hub->store, "SELECT coalesce(max(id), 0) FROM alerts"));
	streams_by_state(hub, out);
	metric(out, "ecc_recording_bytes", "gauge", "Bytes of recordings kept on the gateways.");
	g_string_append_printf(out, "ecc_recording_bytes %" G_GINT64_FORMAT "\n",
	                       scalar(hub->store, "SELECT coalesce(sum(bytes), 0) FROM recordings"
	                                          " WHERE deleted_at IS NULL"));
	disks(hub, out);
	metric(out, "ecc_uptime_seconds", "gauge", "Seconds since the hub started.");
	g_string_append_printf(out, "ecc_uptime_seconds %" G_GINT64_FORMAT "\n",
	                       (ecc_now_ms() - hub->started_ms) / 1000);

	g_free(req->resp_body);
	req->status = 200;
	req->resp_len = out->len;
	req->resp_body = g_string_free(out, FALSE);
	req->content_type = "text/plain; version=0.0.4; charset=utf-8";
	req->answered = true;
}
