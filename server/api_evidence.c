/* api_evidence: a unit's recordings of a time range as an evidence package. */
#define G_LOG_DOMAIN "ecc-api"

#include "api.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "evidence.h"

#include <string.h>

/* The longest range one unit export may cover. */
#define RANGE_MAX_MS (7LL * 86400 * 1000)
/* Positions of one export at most (a day at one fix a second is 86,400). */
#define POSITIONS_MAX 1000000

/* "20261124-130501" in the court's time zone (Asia/Shanghai). */
static char *local_stamp(int64_t ms, const char *fmt)
{
	GTimeZone *tz = g_time_zone_new_identifier("Asia/Shanghai");
	GDateTime *utc = g_date_time_new_from_unix_utc(ms / 1000), *t;
	char *s;

	if (!tz)
		tz = g_time_zone_new_utc();
	t = g_date_time_to_timezone(utc, tz);
	s = g_date_time_format(t, fmt);
	g_date_time_unref(t);
	g_date_time_unref(utc);
	g_time_zone_unref(tz);
	return s;
}

/* A unit id made safe for a file name. */
static char *safe_name(const char *id)
{
	return g_strcanon(g_strdup(id),
	                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-", '_');
}

/* ---- the data files ---------------------------------------------------------------- */

static bool add_segments(struct ecc_req *req, struct ecc_ev_package *p, const char *unit,
                         int64_t from, int64_t to, GHashTable *targets)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store, "SELECT id, root, path, sha256, t0, t1, bytes FROM recordings"
	                     " WHERE unit_id = ? AND deleted_at IS NULL AND t1 > ? AND t0 < ?"
	                     " ORDER BY t0, id");
	char *safe = safe_name(unit);
	int rc;

	if (!s) {
		g_free(safe);
		return false;
	}
	ecc_store_bind_text(s, 1, unit);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while ((rc = ecc_store_step(req->hub->store, s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0), t0 = sqlite3_column_int64(s, 4);
		char *file = g_build_filename(ecc_store_column_text(s, 1),
		                              ecc_store_column_text(s, 2), NULL);
		char *stamp = local_stamp(t0, "%Y%m%d-%H%M%S");
		char *name = g_strdup_printf("%s_%s.%03d_r%" G_GINT64_FORMAT ".mp4", safe, stamp,
		                             (int)(t0 % 1000), (gint64)id);
		ecc_ev_package_segment(p, id, file, name, ecc_store_column_text(s, 3), unit, t0,
		                       sqlite3_column_int64(s, 5),
		                       (uint64_t)sqlite3_column_int64(s, 6));
		g_hash_table_add(targets,
		                 g_strdup_printf("recording:%" G_GINT64_FORMAT, (gint64)id));
		g_free(file);
		g_free(stamp);
		g_free(name);
	}
	sqlite3_reset(s);
	g_free(safe);
	return rc == SQLITE_DONE;
}

static void add_number_or_null(cJSON *o, const char *k, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, sqlite3_column_double(s, i));
}

static void add_json(struct ecc_ev_package *p, const char *name, cJSON *o)
{
	char *text = cJSON_Print(o);

	ecc_ev_package_file(p, name, text, strlen(text));
	cJSON_Delete(o);
}

/* data/positions.geojson: every fix of the range, a Point each. */
static bool add_positions(struct ecc_req *req, struct ecc_ev_package *p, const char *unit,
                          int64_t from, int64_t to)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store, "SELECT ts, lon, lat, alt, speed, heading, acc, battery, recv_ts"
	                     " FROM positions WHERE unit_id = ? AND ts >= ? AND ts <= ?"
	                     " ORDER BY ts LIMIT ?");
	cJSON *fc = cJSON_CreateObject(), *features;
	int rc;

	if (!s) {
		cJSON_Delete(fc);
		return false;
	}
	cJSON_AddStringToObject(fc, "type", "FeatureCollection");
	features = cJSON_AddArrayToObject(fc, "features");
	ecc_store_bind_text(s, 1, unit);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	sqlite3_bind_int(s, 4, POSITIONS_MAX);
	while ((rc = ecc_store_step(req->hub->store, s)) == SQLITE_ROW) {
		cJSON *f = cJSON_CreateObject(), *g, *pr;
		double c[2] = {sqlite3_column_double(s, 1), sqlite3_column_double(s, 2)};
		cJSON_AddStringToObject(f, "type", "Feature");
		g = cJSON_AddObjectToObject(f, "geometry");
		cJSON_AddStringToObject(g, "type", "Point");
		cJSON_AddItemToObject(g, "coordinates", cJSON_CreateDoubleArray(c, 2));
		pr = cJSON_AddObjectToObject(f, "properties");
		cJSON_AddStringToObject(pr, "unit", unit);
		cJSON_AddNumberToObject(pr, "ts", (double)sqlite3_column_int64(s, 0));
		cJSON_AddNumberToObject(pr, "received", (double)sqlite3_column_int64(s, 8));
		add_number_or_null(pr, "alt", s, 3);
		add_number_or_null(pr, "speed", s, 4);
		add_number_or_null(pr, "heading", s, 5);
		add_number_or_null(pr, "acc", s, 6);
		add_number_or_null(pr, "battery", s, 7);
		cJSON_AddItemToArray(features, f);
	}
	sqlite3_reset(s);
	add_json(p, "positions.geojson", fc);
	return rc == SQLITE_DONE;
}

/* data/events.json: the unit's alerts and events raised in the range. */
static bool add_events(struct ecc_req *req, struct ecc_ev_package *p, const char *unit,
                       int64_t from, int64_t to)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store,
	    "SELECT id, ts, kind, severity, state, message, device_ts, lat, lon, acked_by,"
	    " acked_at, escalated_at, cleared_at FROM alerts"
	    " WHERE unit_id = ? AND ts >= ? AND ts <= ? ORDER BY ts, id");
	cJSON *o = cJSON_CreateObject(), *a;
	int rc;

	if (!s) {
		cJSON_Delete(o);
		return false;
	}
	cJSON_AddStringToObject(o, "unit", unit);
	a = cJSON_AddArrayToObject(o, "alerts");
	ecc_store_bind_text(s, 1, unit);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while ((rc = ecc_store_step(req->hub->store, s)) == SQLITE_ROW) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(s, 0));
		cJSON_AddNumberToObject(e, "ts", (double)sqlite3_column_int64(s, 1));
		cJSON_AddStringToObject(e, "kind", ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(e, "severity", ecc_store_column_text(s, 3));
		cJSON_AddStringToObject(e, "state", ecc_store_column_text(s, 4));
		cJSON_AddStringToObject(e, "message", ecc_store_column_text(s, 5));
		add_number_or_null(e, "device_ts", s, 6);
		add_number_or_null(e, "lat", s, 7);
		add_number_or_null(e, "lon", s, 8);
		cJSON_AddStringToObject(e, "acked_by", ecc_store_column_text(s, 9));
		add_number_or_null(e, "acked_at", s, 10);
		add_number_or_null(e, "escalated_at", s, 11);
		add_number_or_null(e, "cleared_at", s, 12);
		cJSON_AddItemToArray(a, e);
	}
	sqlite3_reset(s);
	add_json(p, "events.json", o);
	return rc == SQLITE_DONE;
}

/* data/audit.json: every audit row about these recordings or this unit's
 * recordings and evidence (views, locks, deletions, exports, this one
 * included), with its chain hashes so it can be matched with the hub's log. */
static bool add_audit(struct ecc_req *req, struct ecc_ev_package *p, const char *unit,
                      GHashTable *targets)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store, "SELECT id, ts, actor, action, target, detail, result, ip, prev_hash,"
	                     " hash FROM audit WHERE target = ? OR target = 'unit:' || ?"
	                     " OR target LIKE 'recording:%' ORDER BY id");
	cJSON *o = cJSON_CreateObject(), *a;
	int rc;

	if (!s) {
		cJSON_Delete(o);
		return false;
	}
	a = cJSON_AddArrayToObject(o, "audit");
	ecc_store_bind_text(s, 1, unit);
	ecc_store_bind_text(s, 2, unit);
	while ((rc = ecc_store_step(req->hub->store, s)) == SQLITE_ROW) {
		const char *target = ecc_store_column_text(s, 4);
		cJSON *e;
		if (g_str_has_prefix(target, "recording:") &&
		    !g_hash_table_contains(targets, target))
			continue;
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(s, 0));
		cJSON_AddNumberToObject(e, "ts", (double)sqlite3_column_int64(s, 1));
		cJSON_AddStringToObject(e, "actor", ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(e, "action", ecc_store_column_text(s, 3));
		cJSON_AddStringToObject(e, "target", target);
		cJSON_AddStringToObject(e, "detail", ecc_store_column_text(s, 5));
		cJSON_AddStringToObject(e, "result", ecc_store_column_text(s, 6));
		cJSON_AddStringToObject(e, "ip", ecc_store_column_text(s, 7));
		cJSON_AddStringToObject(e, "prev_hash", ecc_store_column_text(s, 8));
		cJSON_AddStringToObject(e, "hash", ecc_store_column_text(s, 9));
		cJSON_AddItemToArray(a, e);
	}
	sqlite3_reset(s);
	add_json(p, "audit.json", o);
	return rc == SQLITE_DONE;
}

/* ---- the route ------------------------------------------------------------------------ */

static bool range(struct ecc_req *req, int64_t *from, int64_t *to)
{
	if (!ecc_req_query(req, "from") || !ecc_req_query(req, "to") ||
	    api__query_int64(req, "from", 0, 0, G_MAXINT64, from) != ECC_OK ||
	    api__query_int64(req, "to", 0, 0, G_MAXINT64, to) != ECC_OK || *from >= *to ||
	    *to - *from > RANGE_MAX_MS) {
		ecc_req_error(req, 400, "bad_request",
		              "from and to: UTC milliseconds, from < to, at most 7 days apart");
		return false;
	}
	return true;
}

static char *iso(int64_t ms)
{
	char *t = local_stamp(ms, "%Y-%m-%dT%H:%M:%S"), *z = local_stamp(ms, "%:z");
	char *s = g_strdup_printf("%s.%03d%s", t, (int)(ms % 1000), z);

	g_free(t);
	g_free(z);
	return s;
}

void api_units_evidence(struct ecc_req *req)
{
	const struct ecc_unit *u = ecc_units_get(req->hub->units, req->params[0]);
	GHashTable *targets;
	struct ecc_ev_package *p;
	struct ecc_audit_entry e = {0};
	int64_t from, to;
	char *bag, *a, *b, *detail, *safe, *v, target[96];
	bool ok;

	if (!u) {
		ecc_req_error(req, 404, "not_found", "no such unit");
		return;
	}
	if (!range(req, &from, &to))
		return;
	safe = safe_name(u->id);
	a = local_stamp(from, "%Y%m%d-%H%M%S");
	b = local_stamp(to, "%Y%m%d-%H%M%S");
	bag = g_strdup_printf("ecc-evidence_%s_%s_%s", safe, a, b);
	g_free(safe);
	g_free(a);
	g_free(b);
	p = ecc_ev_package_new(bag);
	g_free(bag);
	targets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	ok = add_segments(req, p, u->id, from, to, targets);

	/* the export is audited before the excerpt is taken: the package shows it */
	g_snprintf(target, sizeof(target), "unit:%s", u->id);
	detail = g_strdup_printf("{\"from\":%" G_GINT64_FORMAT ",\"to\":%" G_GINT64_FORMAT
	                         ",\"segments\":%u}",
	                         (gint64)from, (gint64)to, p->segments->len);
	e = (struct ecc_audit_entry){.actor = req->user.username,
	                             .action = "evidence.export",
	                             .target = target,
	                             .detail = detail,
	                             .ip = req->ip};
	ok = ok && ecc_audit_append(req->hub->store, &e, NULL) == ECC_OK;
	g_free(detail);
	ok = ok && add_positions(req, p, u->id, from, to) && add_events(req, p, u->id, from, to) &&
	     add_audit(req, p, u->id, targets);
	g_hash_table_destroy(targets);
	if (!ok) {
		ecc_ev_package_free(p);
		ecc_router_fail(req, ECC_ERR_DB, NULL);
		return;
	}
	ecc_ev_package_info(p, "External-Description",
	                    "Recordings of one unit over a time range, with its positions,"
	                    " events and the audit of these recordings");
	ecc_ev_package_info(p, "ECC-Unit", u->id);
	ecc_ev_package_info(p, "ECC-Unit-Name", u->name);
	v = iso(from);
	ecc_ev_package_info(p, "ECC-From", v);
	g_free(v);
	v = iso(to);
	ecc_ev_package_info(p, "ECC-To", v);
	g_free(v);
	v = g_strdup_printf("%s (%s)", req->user.username, ecc_role_name(req->user.role));
	ecc_ev_package_info(p, "ECC-Exported-By", v);
	g_free(v);
	p->actor = g_strdup(req->user.username);
	p->ip = g_strdup(req->ip);
	p->target = g_strdup(target);
	ecc_evidence_export(req->hub->evidence, req, p);
}
