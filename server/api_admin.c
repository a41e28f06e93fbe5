/* api_admin: users, the audit log, counters. */
#include "api.h"
#include "audit.h"
#include "bus.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "events.h"
#include "telemetry.h"
#include "useradmin.h"
#include "ws.h"

#include <string.h>

void api_users_list(struct ecc_req *req)
{
	ecc_store *st = req->hub->store;
	sqlite3_stmt *s = ecc_store_stmt(st, "SELECT username, display_name, role, team, unit_id,"
	                                     " failed_logins, locked_until, created_at, disabled"
	                                     " FROM users ORDER BY username");
	cJSON *o, *arr;

	if (!s) {
		ecc_router_fail(req, ECC_ERR_DB, NULL);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "users");
	while (ecc_store_step(st, s) == SQLITE_ROW) {
		cJSON *u = cJSON_CreateObject();
		cJSON_AddStringToObject(u, "username", ecc_store_column_text(s, 0));
		cJSON_AddStringToObject(u, "display_name", ecc_store_column_text(s, 1));
		cJSON_AddStringToObject(u, "role", ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(u, "team", ecc_store_column_text(s, 3));
		cJSON_AddStringToObject(u, "unit", ecc_store_column_text(s, 4));
		cJSON_AddNumberToObject(u, "failed_logins", sqlite3_column_int(s, 5));
		cJSON_AddNumberToObject(u, "locked_until", (double)sqlite3_column_int64(s, 6));
		cJSON_AddNumberToObject(u, "created_at", (double)sqlite3_column_int64(s, 7));
		cJSON_AddBoolToObject(u, "locked", sqlite3_column_int(s, 8) != 0);
		cJSON_AddItemToArray(arr, u);
	}
	sqlite3_reset(s);
	ecc_req_json(req, 200, o);
}

void api_users_add(struct ecc_req *req)
{
	const char *name = NULL, *pw = NULL, *role_s = NULL, *display = NULL, *team = NULL,
	           *unit = NULL;
	char why[ECC_WHY_LEN] = "";
	enum ecc_role role;
	int rc;

	if (ecc_json_get_string(req->json, "username", &name) != ECC_OK ||
	    ecc_json_get_string(req->json, "password", &pw) != ECC_OK ||
	    ecc_json_get_string(req->json, "role", &role_s) != ECC_OK ||
	    ecc_role_parse(role_s, &role) != ECC_OK ||
	    ecc_json_get_string(req->json, "display_name", &display) == ECC_ERR_INVAL ||
	    ecc_json_get_string(req->json, "team", &team) == ECC_ERR_INVAL ||
	    ecc_json_get_string(req->json, "unit", &unit) == ECC_ERR_INVAL) {
		ecc_req_error(req, 400, "bad_request",
		              "username, password and role (admin, commander, duty, officer, judge,"
		              " guest) are required");
		return;
	}
	if (unit && unit[0] && !ecc_units_get(req->hub->units, unit)) {
		ecc_req_error(req, 400, "bad_request", "no such unit");
		return;
	}
	rc = ecc_auth_user_add(req->hub->auth, name, role, pw, display, team, req->user.username,
	                       req->ip, why, NULL);
	/* the unit the user carries (an officer's phone publishes as it) */
	if (rc == ECC_OK && unit && unit[0])
		rc = ecc_useradmin_set_unit(req->hub, name, unit, req->user.username, req->ip, why);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, why[0] ? why : NULL);
		return;
	}
	{
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "username", name);
		cJSON_AddStringToObject(o, "role", ecc_role_name(role));
		ecc_req_json(req, 201, o);
	}
}

void api_users_password(struct ecc_req *req)
{
	const char *pw = NULL;
	char why[ECC_WHY_LEN] = "";
	int rc;

	if (ecc_json_get_string(req->json, "password", &pw) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "password is required");
		return;
	}
	rc = ecc_auth_set_password(req->hub->auth, req->params[0], pw, req->user.username, req->ip,
	                           why);
	if (rc == ECC_OK) /* its sessions ended: close its WebSockets too */
		ecc_events_emit(req->hub->events, ECC_EV_USER, req->params[0]);
	if (rc != ECC_OK)
		ecc_router_fail(req, rc,
		                why[0]                   ? why
		                : rc == ECC_ERR_NOTFOUND ? "no such user"
		                                         : NULL);
	else
		api__ok(req);
}

void api_audit_list(struct ecc_req *req)
{
	ecc_store *st = req->hub->store;
	sqlite3_stmt *s = ecc_store_stmt(st, "SELECT id, ts, actor, action, target, detail, result,"
	                                     " ip, hash FROM audit WHERE (?1 = 0 OR id < ?1)"
	                                     " ORDER BY id DESC LIMIT ?2");
	int64_t before, limit;
	cJSON *o, *arr;

	if (api__query_int64(req, "before", 0, 0, G_MAXINT64, &before) != ECC_OK ||
	    api__query_int64(req, "limit", 100, 1, 1000, &limit) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "limit 1..1000; before an entry id");
		return;
	}
	if (!s) {
		ecc_router_fail(req, ECC_ERR_DB, NULL);
		return;
	}
	sqlite3_bind_int64(s, 1, before);
	sqlite3_bind_int64(s, 2, limit);
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "entries");
	while (ecc_store_step(st, s) == SQLITE_ROW) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(s, 0));
		cJSON_AddNumberToObject(e, "ts", (double)sqlite3_column_int64(s, 1));
		cJSON_AddStringToObject(e, "actor", ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(e, "action", ecc_store_column_text(s, 3));
		cJSON_AddStringToObject(e, "target", ecc_store_column_text(s, 4));
		cJSON_AddStringToObject(e, "detail", ecc_store_column_text(s, 5));
		cJSON_AddStringToObject(e, "result", ecc_store_column_text(s, 6));
		cJSON_AddStringToObject(e, "ip", ecc_store_column_text(s, 7));
		cJSON_AddStringToObject(e, "hash", ecc_store_column_text(s, 8));
		cJSON_AddItemToArray(arr, e);
	}
	sqlite3_reset(s);
	ecc_req_json(req, 200, o);
}

void api_audit_verify(struct ecc_req *req)
{
	int64_t bad = 0, rows = 0;
	int rc = ecc_audit_verify(req->hub->store, &bad, &rows);
	cJSON *o;

	if (rc == ECC_ERR_DB) {
		ecc_router_fail(req, rc, NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "ok", rc == ECC_OK);
	cJSON_AddNumberToObject(o, "rows", (double)rows);
	if (bad)
		cJSON_AddNumberToObject(o, "first_bad", (double)bad);
	else
		cJSON_AddNullToObject(o, "first_bad");
	ecc_req_json(req, 200, o);
}

void api_stats(struct ecc_req *req)
{
	struct ecc_telemetry_stats t;
	struct ecc_bus_stats b;
	const GPtrArray *all = ecc_units_all(req->hub->units);
	unsigned online = 0;
	cJSON *o = cJSON_CreateObject(), *tj, *bj;

	ecc_telemetry_get_stats(req->hub->telemetry, &t);
	ecc_bus_get_stats(req->hub->bus, &b);
	for (guint i = 0; i < all->len; i++)
		online += ((const struct ecc_unit *)g_ptr_array_index(all, i))->online;
	tj = cJSON_AddObjectToObject(o, "telemetry");
	cJSON_AddNumberToObject(tj, "received", (double)t.received);
	cJSON_AddNumberToObject(tj, "stored", (double)t.stored);
	cJSON_AddNumberToObject(tj, "duplicates", (double)t.duplicates);
	cJSON_AddNumberToObject(tj, "rejected", (double)t.rejected);
	cJSON_AddNumberToObject(tj, "batches", (double)t.batches);
	cJSON_AddNumberToObject(tj, "batch_ms_max", (double)t.batch_us_max / 1000.0);
	cJSON_AddNumberToObject(tj, "write_failures", (double)t.write_failures);

	bj = cJSON_AddObjectToObject(o, "mqtt");
	cJSON_AddBoolToObject(bj, "connected", ecc_bus_connected(req->hub->bus));
	cJSON_AddNumberToObject(bj, "messages", (double)b.messages);
	cJSON_AddNumberToObject(bj, "dropped", (double)b.dropped);
	cJSON_AddNumberToObject(bj, "connects", b.connects);
	cJSON_AddNumberToObject(o, "units", all->len);
	cJSON_AddNumberToObject(o, "units_online", online);
	cJSON_AddNumberToObject(o, "ws_clients", ecc_ws_clients(req->hub->ws));
	{
		struct ecc_ws_backlog bl;
		cJSON *w = cJSON_AddObjectToObject(o, "ws_backlog");
		ecc_ws_backlog(req->hub->ws, &bl);
		cJSON_AddNumberToObject(w, "messages", bl.messages);
		cJSON_AddNumberToObject(w, "bytes", (double)bl.bytes);
		cJSON_AddNumberToObject(w, "positions", bl.positions);
		cJSON_AddNumberToObject(w, "sent_messages", (double)bl.sent_messages);
		cJSON_AddNumberToObject(w, "sent_positions", (double)bl.sent_positions);
	}

	ecc_req_json(req, 200, o);
}
