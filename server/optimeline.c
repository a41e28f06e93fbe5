/* optimeline: what happened during an operation, on one time axis. */
#define G_LOG_DOMAIN "ecc-operations"

#include "operations_internal.h"
#include "alert.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "telemetry.h"

#include <string.h>

#define MAX_ROWS 2000

static cJSON *events(ecc_operations *o, int64_t id)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(o->hub->store, "SELECT id, ts, actor, action, detail FROM audit WHERE"
	                                  " target = ? AND action NOT IN ('operation.chain_view',"
	                                  " 'operation.timeline_view') ORDER BY id"
	                                  " LIMIT " G_STRINGIFY(MAX_ROWS));
	char target[40];
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	g_snprintf(target, sizeof(target), "operation:%" G_GINT64_FORMAT, (gint64)id);
	ecc_store_bind_text(s, 1, target);
	while (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
		cJSON *e = cJSON_CreateObject(), *d = NULL;
		const char *detail = ecc_store_column_text(s, 4);
		cJSON_AddNumberToObject(e, "audit_id", (double)sqlite3_column_int64(s, 0));
		cJSON_AddNumberToObject(e, "ts", (double)sqlite3_column_int64(s, 1));
		cJSON_AddStringToObject(e, "actor", ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(e, "action", ecc_store_column_text(s, 3));
		if (detail[0] && ecc_json_parse(detail, strlen(detail), 1 << 20, 16, &d) == ECC_OK)
			cJSON_AddItemToObject(e, "detail", d);
		cJSON_AddItemToArray(arr, e);
	}
	sqlite3_reset(s);
	return arr;
}

static cJSON *alerts(ecc_operations *o, int64_t id)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(o->hub->store, "SELECT id FROM alerts WHERE operation_id = ? ORDER BY id"
	                                  " LIMIT " G_STRINGIFY(MAX_ROWS));
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	cJSON *arr = cJSON_CreateArray();

	if (s) {
		sqlite3_bind_int64(s, 1, id);
		while (ecc_store_step(o->hub->store, s) == SQLITE_ROW) {
			int64_t a = sqlite3_column_int64(s, 0);
			g_array_append_val(ids, a);
		}
		sqlite3_reset(s);
	}
	for (guint i = 0; i < ids->len; i++) {
		cJSON *a = ecc_alerts_get(o->hub->alerts, g_array_index(ids, int64_t, i));
		if (a)
			cJSON_AddItemToArray(arr, a);
	}
	g_array_free(ids, TRUE);
	return arr;
}

int ecc_operations_timeline(ecc_operations *o, const struct ecc_user *u, int64_t id, int max_points,
                            cJSON **out)
{
	int64_t started = 0, ended = 0, to;
	sqlite3_stmt *s;
	cJSON *units, *tracks;
	int rc = operations__scope(o, u, id, NULL, &started, &ended);

	*out = NULL;
	if (rc != ECC_OK)
		return rc;
	if (!started)
		return ECC_ERR_EXISTS;
	to = ended ? ended : ecc_now_ms();
	*out = cJSON_CreateObject();
	cJSON_AddNumberToObject(*out, "operation", (double)id);
	cJSON_AddNumberToObject(*out, "from", (double)started);
	cJSON_AddNumberToObject(*out, "to", (double)to);
	cJSON_AddBoolToObject(*out, "ongoing", !ended);
	units = cJSON_AddArrayToObject(*out, "units");
	tracks = cJSON_AddArrayToObject(*out, "tracks");
	s = ecc_store_stmt(o->hub->store, "SELECT unit_id FROM operation_units WHERE operation = ?"
	                                  " ORDER BY unit_id");
	if (s) {
		GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
		sqlite3_bind_int64(s, 1, id);
		while (ecc_store_step(o->hub->store, s) == SQLITE_ROW)
			g_ptr_array_add(ids, g_strdup(ecc_store_column_text(s, 0)));
		sqlite3_reset(s);
		for (guint i = 0; i < ids->len; i++) {
			const char *unit = g_ptr_array_index(ids, i);
			cJSON *f =
			    ecc_telemetry_track(o->hub->telemetry, unit, started, to, max_points);
			cJSON_AddItemToArray(units, cJSON_CreateString(unit));
			if (f) {
				cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");
				if (props && !cJSON_GetObjectItemCaseSensitive(props, "unit"))
					cJSON_AddStringToObject(props, "unit", unit);
				cJSON_AddItemToArray(tracks, f);
			}
		}
		g_ptr_array_free(ids, TRUE);
	}
	cJSON_AddItemToObject(*out, "events", events(o, id));
	cJSON_AddItemToObject(*out, "alerts", alerts(o, id));
	cJSON_AddItemToObject(*out, "segments", operations__links(o, id));
	return ECC_OK;
}
