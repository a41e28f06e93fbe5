/* api_evidence: evidence packages: a unit's recordings of a time range, or
 * an operation's (its linked segments in chain order, its units' positions,
 * events and instructions, the audit of it and of its segments). */
#define G_LOG_DOMAIN "ecc-api"

#include "api.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "evidence.h"
#include "operations.h"
#include "recordings.h"

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

/* A segment's name in the bag: unit, local start time, recording id. */
static char *segment_name(const char *unit, int64_t t0, int64_t id)
{
	char *safe = safe_name(unit), *stamp = local_stamp(t0, "%Y%m%d-%H%M%S");
	char *name = g_strdup_printf("%s_%s.%03d_r%" G_GINT64_FORMAT ".mp4", safe, stamp,
	                             (int)(t0 % 1000), (gint64)id);

	g_free(safe);
	g_free(stamp);
	return name;
}

/* ---- the data files ---------------------------------------------------------------- */

static bool add_segments(struct ecc_req *req, struct ecc_ev_package *p, const char *unit,
                         int64_t from, int64_t to, GHashTable *targets)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store, "SELECT id, root, path, sha256, t0, t1, bytes FROM recordings"
	                     " WHERE unit_id = ? AND deleted_at IS NULL AND t1 > ? AND t0 < ?"
	                     " ORDER BY t0, id");
	int rc;

	if (!s)
		return false;
	ecc_store_bind_text(s, 1, unit);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while ((rc = ecc_store_step(req->hub->store, s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0), t0 = sqlite3_column_int64(s, 4);
		char *file = g_build_filename(ecc_store_column_text(s, 1),
		                              ecc_store_column_text(s, 2), NULL);
		char *name = segment_name(unit, t0, id);
		ecc_ev_package_segment(p, id, file, name, ecc_store_column_text(s, 3), unit, t0,
		                       sqlite3_column_int64(s, 5),
		                       (uint64_t)sqlite3_column_int64(s, 6));
		g_hash_table_add(targets,
		                 g_strdup_printf("recording:%" G_GINT64_FORMAT, (gint64)id));
		g_free(file);
		g_free(name);
	}
	sqlite3_reset(s);
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

/* data/positions.geojson: every fix of the units in the range, a Point each. */
static bool add_positions(struct ecc_req *req, struct ecc_ev_package *p, const char *const *units,
                          guint n, int64_t from, int64_t to)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store, "SELECT ts, lon, lat, alt, speed, heading, acc, battery, recv_ts"
	                     " FROM positions WHERE unit_id = ? AND ts >= ? AND ts <= ?"
	                     " ORDER BY ts LIMIT ?");
	cJSON *fc = cJSON_CreateObject(), *features;
	int rc = SQLITE_DONE;

	if (!s) {
		cJSON_Delete(fc);
		return false;
	}
	cJSON_AddStringToObject(fc, "type", "FeatureCollection");
	features = cJSON_AddArrayToObject(fc, "features");
	for (guint i = 0; i < n && rc == SQLITE_DONE; i++) {
		const char *unit = units[i];
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
	}
	add_json(p, "positions.geojson", fc);
	return rc == SQLITE_DONE;
}

/* data/events.json: the units' alerts and events raised in the range. */
static bool add_events(struct ecc_req *req, struct ecc_ev_package *p, const char *const *units,
                       guint n, int64_t from, int64_t to)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store,
	    "SELECT id, ts, kind, severity, state, message, device_ts, lat, lon, acked_by,"
	    " acked_at, escalated_at, cleared_at, unit_id FROM alerts"
	    " WHERE unit_id = ? AND ts >= ? AND ts <= ? ORDER BY ts, id");
	cJSON *o = cJSON_CreateObject(), *a;
	int rc = SQLITE_DONE;

	if (!s) {
		cJSON_Delete(o);
		return false;
	}
	if (n == 1)
		cJSON_AddStringToObject(o, "unit", units[0]);
	a = cJSON_AddArrayToObject(o, "alerts");
	for (guint i = 0; i < n && rc == SQLITE_DONE; i++) {
		ecc_store_bind_text(s, 1, units[i]);
		sqlite3_bind_int64(s, 2, from);
		sqlite3_bind_int64(s, 3, to);
		while ((rc = ecc_store_step(req->hub->store, s)) == SQLITE_ROW) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(s, 0));
			cJSON_AddStringToObject(e, "unit", ecc_store_column_text(s, 13));
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
	}
	add_json(p, "events.json", o);
	return rc == SQLITE_DONE;
}

/* data/audit.json: every audit row about these recordings or this unit's
 * recordings and evidence (views, locks, deletions, exports, this one
 * included), with its chain hashes so it can be matched with the hub's log. */
static bool add_audit(struct ecc_req *req, struct ecc_ev_package *p, const char *unit,
                      GHashTable *targets)
{
	/* unit: "unit:U" is the unit's target; "operation:N" an operation's */
	char *mine = strchr(unit, ':') ? g_strdup(unit) : g_strconcat("unit:", unit, NULL);
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store, "SELECT id, ts, actor, action, target, detail, result, ip, prev_hash,"
	                     " hash FROM audit WHERE target = ? OR target = ?"
	                     " OR target LIKE 'recording:%' ORDER BY id");
	cJSON *o = cJSON_CreateObject(), *a;
	int rc;

	if (!s) {
		cJSON_Delete(o);
		g_free(mine);
		return false;
	}
	a = cJSON_AddArrayToObject(o, "audit");
	ecc_store_bind_text(s, 1, unit);
	ecc_store_bind_text(s, 2, mine);
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
	g_free(mine);
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
	const char *one;
	bool ok;

	if (!u) {
		ecc_req_error(req, 404, "not_found", "no such unit");
		return;
	}
	if (!range(req, &from, &to))
		return;
	one = u->id;
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
	ok = ok && add_positions(req, p, &one, 1, from, to) &&
	     add_events(req, p, &one, 1, from, to) && add_audit(req, p, u->id, targets);
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

/* ---- an operation ---------------------------------------------------------------------- */

/* data/instructions.json: the instructions of the range to the operation
 * or one of its units, each with its deliveries (sent, delivered,
 * acknowledged, by whom, the reply). */
static bool add_instructions(struct ecc_req *req, struct ecc_ev_package *p, int64_t op,
                             GHashTable *units, int64_t from, int64_t to)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    req->hub->store,
	    "SELECT i.id, i.target_kind, i.target, i.text, i.lat, i.lon, i.urgency, i.created_by,"
	    " i.created_at, d.recipient_kind, d.recipient, d.sent_at, d.resends, d.delivered_at,"
	    " d.acked_at, coalesce(d.acked_by, ''), coalesce(d.reply, ''), d.escalated_at"
	    " FROM instructions i JOIN instruction_deliveries d ON d.instruction_id = i.id"
	    " WHERE i.created_at >= ? AND i.created_at <= ? ORDER BY i.id, d.id");
	cJSON *o = cJSON_CreateObject(), *a, *cur = NULL, *deliveries = NULL;
	char opid[32];
	int64_t last = 0;
	int rc;

	if (!s) {
		cJSON_Delete(o);
		return false;
	}
	g_snprintf(opid, sizeof(opid), "%" G_GINT64_FORMAT, (gint64)op);
	a = cJSON_AddArrayToObject(o, "instructions");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while ((rc = ecc_store_step(req->hub->store, s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		const char *kind = ecc_store_column_text(s, 1),
		           *target = ecc_store_column_text(s, 2);
		const char *rkind = ecc_store_column_text(s, 9),
		           *rcpt = ecc_store_column_text(s, 10);
		cJSON *d;
		bool ours = (!strcmp(kind, "operation") && !strcmp(target, opid)) ||
		            (!strcmp(rkind, "unit") && g_hash_table_contains(units, rcpt));

		if (!ours && id != last)
			continue;
		if (id != last) {
			cur = cJSON_CreateObject();
			cJSON_AddNumberToObject(cur, "id", (double)id);
			cJSON_AddStringToObject(cur, "target_kind", kind);
			cJSON_AddStringToObject(cur, "target", target);
			cJSON_AddStringToObject(cur, "text", ecc_store_column_text(s, 3));
			add_number_or_null(cur, "lat", s, 4);
			add_number_or_null(cur, "lon", s, 5);
			cJSON_AddStringToObject(cur, "urgency", ecc_store_column_text(s, 6));
			cJSON_AddStringToObject(cur, "created_by", ecc_store_column_text(s, 7));
			cJSON_AddNumberToObject(cur, "created_at",
			                        (double)sqlite3_column_int64(s, 8));
			deliveries = cJSON_AddArrayToObject(cur, "deliveries");
			cJSON_AddItemToArray(a, cur);
			last = id;
		}
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "recipient_kind", rkind);
		cJSON_AddStringToObject(d, "recipient", rcpt);
		add_number_or_null(d, "sent_at", s, 11);
		cJSON_AddNumberToObject(d, "resends", sqlite3_column_int(s, 12));
		add_number_or_null(d, "delivered_at", s, 13);
		add_number_or_null(d, "acked_at", s, 14);
		cJSON_AddStringToObject(d, "acked_by", ecc_store_column_text(s, 15));
		cJSON_AddStringToObject(d, "reply", ecc_store_column_text(s, 16));
		add_number_or_null(d, "escalated_at", s, 17);
		cJSON_AddItemToArray(deliveries, d);
	}
	sqlite3_reset(s);
	add_json(p, "instructions.json", o);
	return rc == SQLITE_DONE;
}

/* The chain's segments, in chain order, where the hub has them on disk. */
static bool add_chain_segments(struct ecc_req *req, struct ecc_ev_package *p, const cJSON *chain,
                               GHashTable *targets)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, cJSON_GetObjectItem(chain, "links"))
	{
		int64_t id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(l, "recording"));
		int64_t t0 = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(l, "t0"));
		const char *unit = cJSON_GetStringValue(cJSON_GetObjectItem(l, "unit"));
		const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(l, "sha256"));
		char *file = NULL, *name, owner[65];

		if (ecc_recordings_file(req->hub->recordings, id, &file, owner, NULL) != ECC_OK ||
		    !unit || !sha) {
			g_free(file);
			return false;
		}
		name = segment_name(unit, t0, id);
		ecc_ev_package_segment(
		    p, id, file, name, sha, unit, t0,
		    (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(l, "t1")),
		    (uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(l, "bytes")));
		g_hash_table_add(targets,
		                 g_strdup_printf("recording:%" G_GINT64_FORMAT, (gint64)id));
		g_free(file);
		g_free(name);
	}
	return true;
}

void api_operations_export(struct ecc_req *req)
{
	cJSON *op = NULL, *chain = NULL;
	struct ecc_ev_package *p;
	struct ecc_audit_entry e;
	GHashTable *targets, *unitset;
	GPtrArray *units;
	const cJSON *x;
	int64_t id, from, to;
	char target[48], *bag, *v, *detail;
	const char *head;
	bool ok;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "operation id must be a positive integer");
		return;
	}
	rc = ecc_operations_get(req->hub->operations, &req->user, id, &op);
	if (rc == ECC_OK)
		rc = ecc_operations_chain(req->hub->operations, &req->user, id, &chain);
	if (rc != ECC_OK) {
		cJSON_Delete(op);
		ecc_router_fail(req, rc, rc == ECC_ERR_NOTFOUND ? "no such operation" : NULL);
		return;
	}
	from = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(op, "started_at"));
	x = cJSON_GetObjectItem(op, "ended_at");
	to = cJSON_IsNumber(x) ? (int64_t)x->valuedouble : ecc_now_ms();
	if (!cJSON_IsNumber(cJSON_GetObjectItem(op, "started_at"))) {
		cJSON_Delete(op);
		cJSON_Delete(chain);
		ecc_req_error(req, 409, "conflict",
		              "the operation has not started: nothing recorded");
		return;
	}
	bag = g_strdup_printf("ecc-operation-%" G_GINT64_FORMAT, (gint64)id);
	p = ecc_ev_package_new(bag);
	g_free(bag);
	targets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	unitset = g_hash_table_new(g_str_hash, g_str_equal);
	units = g_ptr_array_new();
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(op, "units"))
	{
		const char *u = cJSON_GetStringValue(x);
		if (u && g_hash_table_add(unitset, (gpointer)u))
			g_ptr_array_add(units, (gpointer)u);
	}
	ok = add_chain_segments(req, p, chain, targets);
	head = cJSON_GetStringValue(cJSON_GetObjectItem(chain, "head"));
	if (!head)
		head = "";

	g_snprintf(target, sizeof(target), "operation:%" G_GINT64_FORMAT, (gint64)id);
	detail = g_strdup_printf("{\"segments\":%u,\"chain_head\":\"%s\"}", p->segments->len, head);
	e = (struct ecc_audit_entry){.actor = req->user.username,
	                             .action = "evidence.export",
	                             .target = target,
	                             .detail = detail,
	                             .ip = req->ip};
	ok = ok && ecc_audit_append(req->hub->store, &e, NULL) == ECC_OK;
	g_free(detail);
	ok = ok && add_positions(req, p, (const char *const *)units->pdata, units->len, from, to) &&
	     add_events(req, p, (const char *const *)units->pdata, units->len, from, to) &&
	     add_instructions(req, p, id, unitset, from, to) && add_audit(req, p, target, targets);
	if (ok) {
		/* the operation as the hub has it, and its chain as stored */
		add_json(p, "operation.json", op);
		op = NULL;
		ecc_ev_package_info(
		    p, "External-Description",
		    "A field operation's recordings in the order they were linked,"
		    " its units' positions, events and instructions, and the audit");
		ecc_ev_package_info(p, "ECC-Operation", target + strlen("operation:"));
		v = g_strdup_printf("%s (%s)", req->user.username, ecc_role_name(req->user.role));
		ecc_ev_package_info(p, "ECC-Exported-By", v);
		g_free(v);
		v = iso(from);
		ecc_ev_package_info(p, "ECC-From", v);
		g_free(v);
		v = iso(to);
		ecc_ev_package_info(p, "ECC-To", v);
		g_free(v);
		ecc_ev_package_info(p, "ECC-Operation-Chain-Head", head);
	}
	g_ptr_array_unref(units);
	g_hash_table_destroy(unitset);
	g_hash_table_destroy(targets);
	cJSON_Delete(chain);
	if (!ok) {
		cJSON_Delete(op);
		ecc_ev_package_free(p);
		ecc_router_fail(req, ECC_ERR_DB, NULL);
		return;
	}
	p->actor = g_strdup(req->user.username);
	p->ip = g_strdup(req->ip);
	p->target = g_strdup(target);
	ecc_evidence_export(req->hub->evidence, req, p);
}
