/* api_cases: REST handlers of cases, flow nodes, supervision, import, reports. */
#include "api.h"
#include "cases.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <string.h>

static ecc_cases *cases_of(struct ecc_req *req)
{
	return req->hub->cases;
}

/* Answers rc (not ECC_OK) with why when set. */
static void fail(struct ecc_req *req, int rc, const char *why)
{
	ecc_router_fail(req, rc, why && *why ? why : NULL);
}

static bool case_id(struct ecc_req *req, int64_t *id)
{
	if (api__param_id(req, 0, id))
		return true;
	ecc_req_error(req, 404, "not_found", "no such case");
	return false;
}

void api_cases_list(struct ecc_req *req)
{
	struct ecc_case_query q = {
	    .q = ecc_req_query(req, "q"),
	    .team = ecc_req_query(req, "team"),
	    .judge = ecc_req_query(req, "judge"),
	    .status = ecc_req_query(req, "status"),
	};
	int64_t limit, offset;

	if (api__query_int64(req, "limit", 50, 1, 500, &limit) != ECC_OK ||
	    api__query_int64(req, "offset", 0, 0, 1000000000, &offset) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "limit is 1..500, offset >= 0");
		return;
	}
	if (q.status && *q.status && strcmp(q.status, "open") && strcmp(q.status, "closed")) {
		ecc_req_error(req, 400, "bad_request", "status is open or closed");
		return;
	}
	q.limit = (int)limit;
	q.offset = (int)offset;
	ecc_req_json(req, 200, ecc_cases_list(cases_of(req), &req->user, &q));
}

static void answer_case(struct ecc_req *req, int status, int64_t id)
{
	cJSON *o = NULL;
	int rc = ecc_cases_get(cases_of(req), &req->user, id, &o);

	if (rc != ECC_OK) {
		fail(req, rc, rc == ECC_ERR_FORBIDDEN ? "this case is not yours to see" : NULL);
		return;
	}
	{
		cJSON *w = cJSON_CreateObject();
		cJSON_AddItemToObject(w, "case", o);
		ecc_req_json(req, status, w);
	}
}

/* The case after a change, or why the change was refused. */
static void answer_change(struct ecc_req *req, int rc, const char *why, int status, int64_t id)
{
	if (rc != ECC_OK)
		fail(req, rc, why);
	else
		answer_case(req, status, id);
}

void api_cases_add(struct ecc_req *req)
{
	struct ecc_case_fields f;
	char why[ECC_CASES_WHY] = "";
	int64_t id = 0;
	bool created = false;
	int rc = ecc_case_fields_read(req->json, true, &f, why);

	if (rc == ECC_OK) {
		int64_t existing;
		if (ecc_cases_find(cases_of(req), f.number, &existing) == ECC_OK) {
			rc = ECC_ERR_EXISTS;
			g_snprintf(why, sizeof(why), "case %s exists (id %" G_GINT64_FORMAT ")",
			           f.number, existing);
		} else {
			rc = ecc_cases_upsert(cases_of(req), &f, req->user.username, req->ip, false,
			                      &id, &created, why);
		}
		ecc_case_fields_clear(&f);
	}
	answer_change(req, rc, why, 201, id);
}

void api_cases_get(struct ecc_req *req)
{
	int64_t id;

	if (case_id(req, &id))
		answer_case(req, 200, id);
}

void api_cases_update(struct ecc_req *req)
{
	struct ecc_case_fields f;
	char why[ECC_CASES_WHY] = "";
	int64_t id;
	int rc;

	if (!case_id(req, &id))
		return;
	rc = ecc_case_fields_read(req->json, false, &f, why);
	if (rc == ECC_OK) {
		rc = ecc_cases_update(cases_of(req), &req->user, id, &f, req->ip, why);
		ecc_case_fields_clear(&f);
	}
	answer_change(req, rc, why, 200, id);
}

void api_cases_triage(struct ecc_req *req)
{
	char why[ECC_CASES_WHY] = "";
	const char *t = NULL;
	int64_t id;
	int rc;

	if (!case_id(req, &id))
		return;
	ecc_json_get_string(req->json, "triage", &t);
	rc = ecc_cases_triage(cases_of(req), &req->user, id, t, req->ip, why);
	answer_change(req, rc, why, 200, id);
}

void api_cases_close(struct ecc_req *req)
{
	char why[ECC_CASES_WHY] = "";
	const char *kind = NULL, *on = NULL;
	int64_t id;
	int rc;

	if (!case_id(req, &id))
		return;
	ecc_json_get_string(req->json, "kind", &kind);
	ecc_json_get_string(req->json, "on", &on);
	rc = ecc_cases_close(cases_of(req), &req->user, id, kind, on, req->ip, why);
	answer_change(req, rc, why, 200, id);
}

void api_cases_event(struct ecc_req *req)
{
	char why[ECC_CASES_WHY] = "";
	const char *kind = NULL, *on = NULL;
	int64_t id;
	int rc;

	if (!case_id(req, &id))
		return;
	if (ecc_json_get_string(req->json, "kind", &kind) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "\"kind\": the event");
		return;
	}
	ecc_json_get_string(req->json, "on", &on);
	rc = ecc_cases_event(cases_of(req), &req->user, id, kind, on, req->ip, why);
	answer_change(req, rc, why, 201, id);
}

void api_cases_node_done(struct ecc_req *req)
{
	char why[ECC_CASES_WHY] = "";
	const char *on = NULL, *note = NULL;
	int64_t id, node;
	int rc;

	if (!case_id(req, &id))
		return;
	if (!api__param_id(req, 1, &node)) {
		ecc_req_error(req, 404, "not_found", "no such node");
		return;
	}
	ecc_json_get_string(req->json, "on", &on);
	ecc_json_get_string(req->json, "note", &note);
	rc = ecc_cases_node_done(cases_of(req), &req->user, id, node, on, note, req->ip, why);
	answer_change(req, rc, why, 200, id);
}

void api_cases_node_kinds(struct ecc_req *req)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "kinds", ecc_cases_node_kinds());
	ecc_req_json(req, 200, o);
}

void api_cases_import(struct ecc_req *req)
{
	char why[ECC_CASES_WHY] = "";
	cJSON *out = NULL;
	int rc;

	if (!req->body || !req->body->len) {
		ecc_req_error(req, 400, "bad_request", "the body is the CSV or JSON to import");
		return;
	}
	rc = ecc_cases_import(cases_of(req), req->body->str, req->body->len,
	                      ecc_req_query(req, "format"), req->user.username, req->ip, &out, why);
	if (rc != ECC_OK) {
		fail(req, rc, why);
		return;
	}
	ecc_req_json(req, 200, out);
}

void api_cases_supervision(struct ecc_req *req)
{
	struct ecc_supervision_query q = {
	    .team = ecc_req_query(req, "team"),
	    .judge = ecc_req_query(req, "judge"),
	    .state = ecc_req_query(req, "state"),
	};
	int64_t limit, offset;
	cJSON *o;

	if (api__query_int64(req, "limit", 100, 1, 1000, &limit) != ECC_OK ||
	    api__query_int64(req, "offset", 0, 0, 1000000000, &offset) != ECC_OK ||
	    api__query_int64(req, "after", 0, 0, INT64_MAX, &q.after) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "limit is 1..1000, offset >= 0, after a node id");
		return;
	}
	q.limit = (int)limit;
	q.offset = (int)offset;
	o = ecc_cases_supervision(cases_of(req), &req->user, &q);
	if (!o) {
		ecc_req_error(req, 400, "bad_request",
		              "state is due_today, due_3, overdue or absent");
		return;
	}
	ecc_req_json(req, 200, o);
}

void api_cases_board(struct ecc_req *req)
{
	ecc_req_json(req, 200, ecc_cases_board(cases_of(req), &req->user));
}

void api_cases_weekly(struct ecc_req *req)
{
	ecc_req_json(req, 200,
	             ecc_cases_weekly(cases_of(req), &req->user, ecc_req_query(req, "team")));
}

void api_cases_teams(struct ecc_req *req)
{
	ecc_req_json(req, 200, ecc_cases_teams(cases_of(req)));
}

void api_cases_team_set(struct ecc_req *req)
{
	char why[ECC_CASES_WHY] = "";
	const char *leader = NULL;
	int rc;

	ecc_json_get_string(req->json, "leader", &leader);
	rc = ecc_cases_team_set(cases_of(req), req->params[0], leader, req->user.username, req->ip,
	                        why);
	if (rc != ECC_OK) {
		fail(req, rc, why);
		return;
	}
	api_cases_teams(req);
}

void api_cases_calendar(struct ecc_req *req)
{
	cJSON *o = ecc_calendar_json(ecc_cases_calendar(cases_of(req)));
	char today[ECC_DATE_LEN];

	cJSON_AddStringToObject(o, "today", ecc_date_format(ecc_date_today(), today));
	ecc_req_json(req, 200, o);
}

void api_cases_calendar_reload(struct ecc_req *req)
{
	char why[ECC_CASES_WHY] = "";
	int changed = 0;
	int rc = ecc_cases_reload_calendar(cases_of(req), req->user.username, &changed, why);
	cJSON *o;

	if (rc != ECC_OK) {
		fail(req, rc == ECC_ERR_IO ? ECC_ERR_INVAL : rc, why);
		return;
	}
	ecc_cases_scan(cases_of(req));
	o = ecc_calendar_json(ecc_cases_calendar(cases_of(req)));
	cJSON_AddNumberToObject(o, "changed", changed);
	ecc_req_json(req, 200, o);
}

void api_cases_report(struct ecc_req *req)
{
	char why[ECC_CASES_WHY] = "";
	const char *period = req->params[0];
	const char *format = ecc_req_query(req, "format");
	cJSON *o = ecc_cases_report(cases_of(req), &req->user, period, ecc_req_query(req, "from"),
	                            ecc_req_query(req, "to"), why);

	if (!o) {
		ecc_req_error(req, 400, "bad_request", why);
		return;
	}
	if (format && !strcmp(format, "csv")) {
		char *csv = ecc_cases_report_csv(o);
		char disp[96];
		cJSON_Delete(o);
		req->resp_body = csv;
		req->resp_len = strlen(csv);
		req->status = 200;
		req->content_type = "text/csv; charset=utf-8";
		g_snprintf(disp, sizeof(disp), "attachment; filename=\"cases-%s.csv\"", period);
		ecc_req_header(req, "content-disposition:", disp);
		req->answered = true;
		return;
	}
	ecc_req_json(req, 200, o);
}
