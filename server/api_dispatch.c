/* api_dispatch: instructions (指令), reports up (上报) and incidents (应急调度). */
#include "api.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "incidents.h"
#include "instructions.h"
#include "operations.h"
#include "upreports.h"

#include <math.h>
#include <string.h>

static bool center(const struct ecc_req *req)
{
	return ECC_ROLE_BIT(req->user.role) & ECC_ROLES_CENTER;
}

static void fail(struct ecc_req *req, int rc, const char *why)
{
	ecc_router_fail(req, rc, why && *why ? why : NULL);
}

static bool id_param(struct ecc_req *req, const char *what, int64_t *id)
{
	char msg[96];

	if (api__param_id(req, 0, id))
		return true;
	g_snprintf(msg, sizeof(msg), "%s id must be a positive integer", what);
	ecc_req_error(req, 400, "bad_request", msg);
	return false;
}

/* An optional JSON body on a route that does not demand one ({"reply"}). */
static bool optional_body(struct ecc_req *req, cJSON **out)
{
	*out = NULL;
	if (!req->body || !req->body->len)
		return true;
	if (ecc_json_parse_object(req->body->str, req->body->len, 65536, out) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "the body must be a JSON object");
		return false;
	}
	return true;
}

/* {"point":{"lat","lon"}} or null/absent: NAN. False when malformed. */
static bool read_point(const cJSON *o, double *lat, double *lon)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "point");

	*lat = *lon = NAN;
	if (!p || cJSON_IsNull(p))
		return true;
	return cJSON_IsObject(p) && ecc_json_get_number(p, "lat", lat) == ECC_OK &&
	       ecc_json_get_number(p, "lon", lon) == ECC_OK;
}

static const char *opt_string(const cJSON *o, const char *key, bool *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = true;
		return NULL;
	}
	return v->valuestring;
}

static void answer_object(struct ecc_req *req, int status, const char *key, cJSON *obj)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, key, obj ? obj : cJSON_CreateNull());
	ecc_req_json(req, status, o);
}

/* ---- instructions ------------------------------------------------------- */

void api_instructions_add(struct ecc_req *req)
{
	static const char *const kinds[] = {"unit", "team", "user", "operation"};
	struct ecc_instruction_spec sp = {0};
	char why[128] = "";
	bool bad = false;
	int64_t id = 0;
	int rc;

	sp.target_kind = opt_string(req->json, "target_kind", &bad);
	sp.target = opt_string(req->json, "target", &bad);
	/* shorthand: {"unit":"bc-01"}, {"team":..}, {"user":..}, {"operation":..} */
	for (size_t i = 0; !sp.target_kind && i < G_N_ELEMENTS(kinds); i++) {
		const char *t = opt_string(req->json, kinds[i], &bad);
		if (t) {
			sp.target_kind = kinds[i];
			sp.target = t;
		}
	}
	sp.text = opt_string(req->json, "text", &bad);
	sp.urgency = opt_string(req->json, "urgency", &bad);
	if (bad || !read_point(req->json, &sp.lat, &sp.lon)) {
		ecc_req_error(req, 400, "bad_request",
		              "target_kind, target, text and urgency are strings; point is"
		              " {lat, lon} or null");
		return;
	}
	rc = ecc_instructions_create(req->hub->instructions, &sp, req->user.username, req->ip, &id,
	                             why);
	if (rc != ECC_OK) {
		fail(req, rc, why);
		return;
	}
	answer_object(req, 201, "instruction", ecc_instructions_get(req->hub->instructions, id));
}

void api_instructions_list(struct ecc_req *req)
{
	int64_t before, limit;
	cJSON *o;

	if (api__query_int64(req, "before", 0, 0, G_MAXINT64, &before) != ECC_OK ||
	    api__query_int64(req, "limit", 100, 1, 500, &limit) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "limit 1..500; before an instruction id");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(
	    o, "instructions",
	    ecc_instructions_list(req->hub->instructions, &req->user, before, (int)limit));
	ecc_req_json(req, 200, o);
}

void api_instructions_get(struct ecc_req *req)
{
	int64_t id;
	cJSON *i;

	if (!id_param(req, "instruction", &id))
		return;
	i = ecc_instructions_get(req->hub->instructions, id);
	if (!i) {
		ecc_req_error(req, 404, "not_found", "no such instruction");
		return;
	}
	if (!center(req) && !ecc_instructions_addressed(req->hub->instructions, i, &req->user)) {
		cJSON_Delete(i);
		ecc_req_error(req, 403, "forbidden", "this instruction is not addressed to you");
		return;
	}
	answer_object(req, 200, "instruction", i);
}

void api_instructions_ack(struct ecc_req *req)
{
	const char *reply = NULL;
	bool bad = false;
	cJSON *body;
	int64_t id;
	int rc;

	if (!id_param(req, "instruction", &id) || !optional_body(req, &body))
		return;
	reply = opt_string(body, "reply", &bad);
	if (bad || (reply && strlen(reply) > 2000)) {
		cJSON_Delete(body);
		ecc_req_error(req, 400, "bad_request", "reply is a string of at most 2000 bytes");
		return;
	}
	rc = ecc_instructions_ack_page(req->hub->instructions, id, &req->user, reply, req->ip);
	cJSON_Delete(body);
	if (rc != ECC_OK) {
		fail(req, rc,
		     rc == ECC_ERR_NOTFOUND    ? "no such instruction"
		     : rc == ECC_ERR_FORBIDDEN ? "this instruction is not addressed to you"
		     : rc == ECC_ERR_EXISTS    ? "already acknowledged"
		                               : NULL);
		return;
	}
	answer_object(req, 200, "instruction", ecc_instructions_get(req->hub->instructions, id));
}

/* ---- reports up --------------------------------------------------------- */

void api_reports_add(struct ecc_req *req)
{
	bool bad = false;
	const char *text = opt_string(req->json, "text", &bad),
	           *urgency = opt_string(req->json, "urgency", &bad);
	char why[128] = "";
	int64_t id = 0;
	int rc;

	if (bad) {
		ecc_req_error(req, 400, "bad_request", "text and urgency are strings");
		return;
	}
	rc = ecc_upreports_create(req->hub->upreports, text,
	                          cJSON_GetObjectItemCaseSensitive(req->json, "leaders"), urgency,
	                          req->user.username, req->ip, &id, why);
	if (rc != ECC_OK) {
		fail(req, rc, why);
		return;
	}
	answer_object(req, 201, "report", ecc_upreports_get(req->hub->upreports, id));
}

void api_reports_list(struct ecc_req *req)
{
	int64_t before, limit;
	cJSON *o;

	if (api__query_int64(req, "before", 0, 0, G_MAXINT64, &before) != ECC_OK ||
	    api__query_int64(req, "limit", 100, 1, 500, &limit) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "limit 1..500; before a report id");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(
	    o, "reports", ecc_upreports_list(req->hub->upreports, &req->user, before, (int)limit));
	ecc_req_json(req, 200, o);
}

void api_reports_get(struct ecc_req *req)
{
	int64_t id;
	cJSON *r;

	if (!id_param(req, "report", &id))
		return;
	r = ecc_upreports_get(req->hub->upreports, id);
	if (!r) {
		ecc_req_error(req, 404, "not_found", "no such report");
		return;
	}
	if (!ecc_upreports_visible(r, &req->user)) {
		cJSON_Delete(r);
		ecc_req_error(req, 403, "forbidden", "you are not a leader or the author of it");
		return;
	}
	answer_object(req, 200, "report", r);
}

void api_reports_ack(struct ecc_req *req)
{
	const char *reply;
	bool bad = false;
	cJSON *body;
	int64_t id;
	int rc;

	if (!id_param(req, "report", &id) || !optional_body(req, &body))
		return;
	reply = opt_string(body, "reply", &bad);
	if (bad) {
		cJSON_Delete(body);
		ecc_req_error(req, 400, "bad_request", "reply is a string");
		return;
	}
	rc = ecc_upreports_ack(req->hub->upreports, id, &req->user, reply, req->ip);
	cJSON_Delete(body);
	if (rc != ECC_OK) {
		fail(req, rc,
		     rc == ECC_ERR_NOTFOUND    ? "no such report"
		     : rc == ECC_ERR_FORBIDDEN ? "you are not a leader named in this report"
		     : rc == ECC_ERR_EXISTS    ? "already acknowledged"
		     : rc == ECC_ERR_INVAL     ? "reply is at most 2000 bytes of UTF-8"
		                               : NULL);
		return;
	}
	answer_object(req, 200, "report", ecc_upreports_get(req->hub->upreports, id));
}

/* ---- incidents ---------------------------------------------------------- */

void api_incidents_add(struct ecc_req *req)
{
	struct ecc_incident_spec sp = {.lat = NAN, .lon = NAN, .radius_m = NAN};
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(req->json, "radius_m"),
	            *c = cJSON_GetObjectItemCaseSensitive(req->json, "case");
	char why[128] = "";
	bool bad = false;
	int64_t id = 0;
	int rc;

	sp.source = opt_string(req->json, "source", &bad);
	sp.summary = opt_string(req->json, "summary", &bad);
	sp.urgency = opt_string(req->json, "urgency", &bad);
	if (ecc_json_get_number(req->json, "lat", &sp.lat) != ECC_OK ||
	    ecc_json_get_number(req->json, "lon", &sp.lon) != ECC_OK)
		bad = true;
	if (r && !cJSON_IsNull(r) && ecc_json_get_number(req->json, "radius_m", &sp.radius_m))
		bad = true;
	if (c && !cJSON_IsNull(c) &&
	    (ecc_json_get_int64(req->json, "case", &sp.case_id) != ECC_OK || sp.case_id <= 0))
		bad = true;
	if (bad) {
		ecc_req_error(req, 400, "bad_request",
		              "source, summary and urgency are strings; lat and lon numbers;"
		              " radius_m a number; case a case id");
		return;
	}
	rc = ecc_incidents_create(req->hub->incidents, &sp, req->user.username, req->ip, &id, why);
	if (rc != ECC_OK) {
		fail(req, rc, why);
		return;
	}
	answer_object(req, 201, "incident", ecc_incidents_get(req->hub->incidents, id));
}

void api_incidents_list(struct ecc_req *req)
{
	static const char *const states[] = {"open",         "new",     "dispatched",
	                                     "acknowledged", "arrived", "closed"};
	const char *state = ecc_req_query(req, "state");
	bool ok = !state;
	int64_t limit;
	cJSON *o;

	for (size_t i = 0; state && i < G_N_ELEMENTS(states); i++)
		ok |= !strcmp(state, states[i]);
	if (!ok || api__query_int64(req, "limit", 100, 1, 500, &limit) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "state is open, new, dispatched, acknowledged, arrived or closed;"
		              " limit 1..500");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "incidents",
	                      ecc_incidents_list(req->hub->incidents, state, (int)limit));
	ecc_req_json(req, 200, o);
}

void api_incidents_get(struct ecc_req *req)
{
	int64_t id;
	cJSON *i;

	if (!id_param(req, "incident", &id))
		return;
	i = ecc_incidents_get(req->hub->incidents, id);
	if (!i) {
		ecc_req_error(req, 404, "not_found", "no such incident");
		return;
	}
	answer_object(req, 200, "incident", i);
}

void api_incidents_candidates(struct ecc_req *req)
{
	int64_t id, offline, limit;
	cJSON *c, *o;

	if (!id_param(req, "incident", &id))
		return;
	if (api__query_int64(req, "offline", 1, 0, 1, &offline) != ECC_OK ||
	    api__query_int64(req, "limit", 20, 1, 500, &limit) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "offline is 0 or 1; limit 1..500");
		return;
	}
	c = ecc_incidents_candidates(req->hub->incidents, id, offline, (int)limit);
	if (!c) {
		ecc_req_error(req, 404, "not_found", "no such incident");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "candidates", c);
	ecc_req_json(req, 200, o);
}

/* A planned operation (执行行动, type other) for the incident's case with the
 * units of the request, its site a circle round the incident's point. An
 * operation belongs to a case: an incident without one has none. */
static int incident_operation(struct ecc_req *req, int64_t incident, int64_t *op_id,
                              char why[ECC_OPS_WHY])
{
	cJSON *inc = ecc_incidents_get(req->hub->incidents, incident), *body, *site;
	const cJSON *kase = inc ? cJSON_GetObjectItem(inc, "case") : NULL;
	const char *summary =
	    inc ? cJSON_GetStringValue(cJSON_GetObjectItem(inc, "summary")) : NULL;
	char *title;
	int rc;

	if (!inc) {
		g_strlcpy(why, "no such incident", ECC_OPS_WHY);
		return ECC_ERR_NOTFOUND;
	}
	if (!cJSON_IsNumber(kase) || kase->valuedouble <= 0) {
		cJSON_Delete(inc);
		g_strlcpy(why, "an operation belongs to a case: give the incident its case first",
		          ECC_OPS_WHY);
		return ECC_ERR_INVAL;
	}
	body = cJSON_CreateObject();
	cJSON_AddNumberToObject(body, "case_id", kase->valuedouble);
	cJSON_AddStringToObject(body, "type", "other");
	title = g_strdup_printf("应急调度 #%" G_GINT64_FORMAT "%s%s", (gint64)incident,
	                        summary && *summary ? "：" : "", summary ? summary : "");
	cJSON_AddStringToObject(body, "title", title);
	g_free(title);
	site = cJSON_AddObjectToObject(body, "site");
	cJSON_AddStringToObject(site, "type", "circle");
	cJSON_AddNumberToObject(site, "lat", cJSON_GetNumberValue(cJSON_GetObjectItem(inc, "lat")));
	cJSON_AddNumberToObject(site, "lon", cJSON_GetNumberValue(cJSON_GetObjectItem(inc, "lon")));
	cJSON_AddNumberToObject(site, "radius_m",
	                        cJSON_GetNumberValue(cJSON_GetObjectItem(inc, "radius_m")));
	cJSON_AddItemToObject(
	    body, "units",
	    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(req->json, "units"), 1));
	rc = ecc_operations_create(req->hub->operations, &req->user, body, req->ip, op_id, why);
	cJSON_Delete(body);
	cJSON_Delete(inc);
	return rc;
}

void api_incidents_dispatch(struct ecc_req *req)
{
	bool bad = false, operation = false;
	const char *text = opt_string(req->json, "text", &bad);
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(req->json, "operation");
	char why[ECC_OPS_WHY] = "", why2[ECC_OPS_WHY];
	int64_t id, op_id = 0;
	cJSON *o;
	int rc;

	if (!id_param(req, "incident", &id))
		return;
	if (op && !cJSON_IsBool(op))
		bad = true;
	operation = cJSON_IsTrue(op);
	if (bad) {
		ecc_req_error(req, 400, "bad_request", "text is a string; operation true or false");
		return;
	}
	/* the operation first (planned): whatever it refuses, nobody was sent */
	if (operation && (rc = incident_operation(req, id, &op_id, why)) != ECC_OK) {
		fail(req, rc, why);
		return;
	}
	rc = ecc_incidents_dispatch(req->hub->incidents, id,
	                            cJSON_GetObjectItemCaseSensitive(req->json, "units"), text,
	                            req->user.username, req->ip, why);
	if (rc != ECC_OK) {
		if (op_id)
			ecc_operations_cancel(req->hub->operations, &req->user, op_id, req->ip,
			                      why2);
		fail(req, rc, why);
		return;
	}
	if (op_id &&
	    ecc_operations_start(req->hub->operations, &req->user, op_id, req->ip, why) != ECC_OK)
		g_warning("incident=%" G_GINT64_FORMAT ": operation %" G_GINT64_FORMAT
		          " planned, not started: %s",
		          (gint64)id, (gint64)op_id, why);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "incident", ecc_incidents_get(req->hub->incidents, id));
	if (op_id > 0)
		cJSON_AddNumberToObject(o, "operation", (double)op_id);
	else
		cJSON_AddNullToObject(o, "operation");
	ecc_req_json(req, 200, o);
}

void api_incidents_close(struct ecc_req *req)
{
	bool bad = false;
	const char *outcome = opt_string(req->json, "outcome", &bad);
	char why[128] = "";
	int64_t id;
	int rc;

	if (!id_param(req, "incident", &id))
		return;
	rc = bad ? ECC_ERR_INVAL
	         : ecc_incidents_close(req->hub->incidents, id, outcome, req->user.username,
	                               req->ip, why);
	if (rc != ECC_OK) {
		fail(req, rc, bad ? "outcome is a string" : why);
		return;
	}
	answer_object(req, 200, "incident", ecc_incidents_get(req->hub->incidents, id));
}

/* ---- the WebSocket's dispatch channel ------------------------------------ */

bool api__dispatch_visible(struct ecc_hub *hub, const struct ecc_user *u, const cJSON *msg)
{
	const char *type = NULL;

	if (ECC_ROLE_BIT(u->role) & ECC_ROLES_CENTER)
		return true;
	if (ecc_json_get_string(msg, "type", &type) != ECC_OK)
		return false;
	if (!strcmp(type, "instruction"))
		return ecc_instructions_addressed(hub->instructions,
		                                  cJSON_GetObjectItem(msg, "instruction"), u);
	if (!strcmp(type, "report"))
		return ecc_upreports_visible(cJSON_GetObjectItem(msg, "report"), u);
	if (!strcmp(type, "operation")) {
		const cJSON *id = cJSON_GetObjectItem(cJSON_GetObjectItem(msg, "operation"), "id");
		return cJSON_IsNumber(id) &&
		       ecc_operations_visible(hub->operations, u, (int64_t)id->valuedouble);
	}
	return false; /* incidents: the center */
}
