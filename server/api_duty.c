/* api_duty: the duty roster, sign-in, duty log and hand-over notes. */
#include "api.h"
#include "duty.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "events.h"

static ecc_duty *duty(struct ecc_req *req)
{
	return req->hub->duty;
}

/* Tells the wallboards on the WebSocket's duty channel: they reload. */
static void changed(struct ecc_req *req, const char *what)
{
	ecc_events_emit(req->hub->events, ECC_EV_DUTY, what);
}

static void created(struct ecc_req *req, int64_t id)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)id);
	ecc_req_json(req, 201, o);
}

/* from..to from the query; default: the day around now. */
static bool range(struct ecc_req *req, int64_t *from, int64_t *to)
{
	int64_t now = ecc_now_ms();

	if (api__query_int64(req, "from", now - 12 * 3600 * 1000LL, 0, G_MAXINT64 / 2, from) !=
	        ECC_OK ||
	    api__query_int64(req, "to", now + 12 * 3600 * 1000LL, 0, G_MAXINT64 / 2, to) !=
	        ECC_OK ||
	    *to <= *from) {
		ecc_req_error(req, 400, "bad_request", "from and to are UTC ms, to after from");
		return false;
	}
	return true;
}

void api_duty_roster(struct ecc_req *req)
{
	int64_t from, to;
	cJSON *o;

	if (!range(req, &from, &to))
		return;
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "shifts", ecc_duty_roster(duty(req), from, to));
	ecc_req_json(req, 200, o);
}

void api_duty_roster_add(struct ecc_req *req)
{
	const char *why = NULL;
	int64_t id = 0;
	int rc = ecc_duty_shift_add(duty(req), req->json, req->user.username, req->ip, &id, &why);

	if (rc == ECC_ERR_INVAL) {
		ecc_req_error(req, 400, "bad_request", why);
		return;
	}
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, NULL);
		return;
	}
	changed(req, "roster");
	created(req, id);
}

void api_duty_roster_import(struct ecc_req *req)
{
	const char *why = NULL;
	int added = 0, bad = 0;
	int rc = ecc_duty_shift_import(duty(req), cJSON_GetObjectItem(req->json, "shifts"),
	                               req->user.username, req->ip, &added, &bad, &why);
	cJSON *o;

	if (rc == ECC_ERR_INVAL) {
		char *msg = bad ? g_strdup_printf("shift %d: %s", bad, why) : g_strdup(why);
		ecc_req_error(req, 400, "bad_request", msg);
		g_free(msg);
		return;
	}
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, NULL);
		return;
	}
	changed(req, "roster");
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "added", added);
	ecc_req_json(req, 201, o);
}

void api_duty_roster_delete(struct ecc_req *req)
{
	int64_t id;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "shift id must be a positive integer");
		return;
	}
	rc = ecc_duty_shift_delete(duty(req), id, req->user.username, req->ip);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, rc == ECC_ERR_NOTFOUND ? "no such shift" : NULL);
		return;
	}
	changed(req, "roster");
	api__ok(req);
}

void api_duty_now(struct ecc_req *req)
{
	ecc_req_json(req, 200, ecc_duty_now(duty(req), req->user.username));
}

void api_duty_signin(struct ecc_req *req)
{
	int rc = ecc_duty_signin(duty(req), req->user.username, req->ip);

	if (rc == ECC_ERR_FORBIDDEN) {
		ecc_req_error(req, 409, "conflict", "not on the duty roster now");
		return;
	}
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, NULL);
		return;
	}
	changed(req, "signin");
	ecc_req_json(req, 200, ecc_duty_now(duty(req), req->user.username));
}

static const char *body_text(struct ecc_req *req)
{
	const char *text = NULL;

	if (ecc_json_get_string(req->json, "text", &text) != ECC_OK || !text[0]) {
		ecc_req_error(req, 400, "bad_request", "text: 1 to 4000 bytes of UTF-8");
		return NULL;
	}
	return text;
}

void api_duty_log(struct ecc_req *req)
{
	int64_t from, to, limit;
	cJSON *o;

	if (!range(req, &from, &to))
		return;
	if (api__query_int64(req, "limit", 100, 1, 500, &limit) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "limit is 1..500");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "entries", ecc_duty_log(duty(req), from, to, (int)limit));
	ecc_req_json(req, 200, o);
}

/* A duty log entry or a hand-over note: {"text"} by the logged-in user. */
static void add_text(struct ecc_req *req, const char *what,
                     int (*add)(ecc_duty *, const char *, const char *, int64_t *))
{
	const char *text = body_text(req);
	int64_t id = 0;
	int rc;

	if (!text)
		return;
	rc = add(duty(req), req->user.username, text, &id);
	if (rc == ECC_ERR_INVAL)
		ecc_req_error(req, 400, "bad_request", "text: 1 to 4000 bytes of UTF-8");
	else if (rc != ECC_OK)
		ecc_router_fail(req, rc, NULL);
	else {
		changed(req, what);
		created(req, id);
	}
}

void api_duty_log_add(struct ecc_req *req)
{
	add_text(req, "log", ecc_duty_log_add);
}

void api_duty_handovers(struct ecc_req *req)
{
	const char *pending = ecc_req_query(req, "pending");
	int64_t limit;
	cJSON *o;

	if (api__query_int64(req, "limit", 20, 1, 200, &limit) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "limit is 1..200");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(
	    o, "handovers",
	    ecc_duty_handovers(duty(req), pending && !g_strcmp0(pending, "1"), (int)limit));
	ecc_req_json(req, 200, o);
}

void api_duty_handover_add(struct ecc_req *req)
{
	add_text(req, "handover", ecc_duty_handover_add);
}

void api_duty_handover_confirm(struct ecc_req *req)
{
	int64_t id;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "hand-over id must be a positive integer");
		return;
	}
	rc = ecc_duty_handover_confirm(duty(req), id, req->user.username, req->ip);
	if (rc == ECC_ERR_EXISTS)
		ecc_req_error(req, 409, "conflict", "confirmed already");
	else if (rc == ECC_ERR_FORBIDDEN)
		ecc_req_error(
		    req, 403, "forbidden",
		    "the next shift confirms: someone on duty now, not the note's author");
	else if (rc != ECC_OK)
		ecc_router_fail(req, rc, rc == ECC_ERR_NOTFOUND ? "no such hand-over" : NULL);
	else {
		changed(req, "confirm");
		api__ok(req);
	}
}
