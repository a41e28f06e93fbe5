/* api_alerts: list and acknowledge alerts. */
#include "api.h"
#include "alert.h"
#include "cases.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <string.h>

static bool center(const struct ecc_req *req)
{
	return ECC_ROLE_BIT(req->user.role) & ECC_ROLES_CENTER;
}

/* The center sees every alert; an officer the alerts of the units it sees;
 * a judge or officer the overdue alerts of their cases (cases.h). */
static bool alert_visible(struct ecc_req *req, const cJSON *a)
{
	const char *unit = NULL;
	const struct ecc_unit *u;

	if (center(req))
		return true;
	if (ecc_cases_alert_for(req->hub->cases, &req->user, a))
		return true;
	if (req->user.role != ECC_ROLE_OFFICER || ecc_json_get_string(a, "unit", &unit) != ECC_OK)
		return false;
	u = ecc_units_get(req->hub->units, unit);
	return u && api__unit_visible(&req->user, u);
}

void api_alerts_list(struct ecc_req *req)
{
	const char *state = ecc_req_query(req, "state"), *unit = ecc_req_query(req, "unit");
	int64_t before, limit;
	cJSON *list, *o, *out, *a, *next;

	if ((state && strcmp(state, "open") && strcmp(state, "acked") &&
	     strcmp(state, "cleared")) ||
	    api__query_int64(req, "before", 0, 0, G_MAXINT64, &before) != ECC_OK ||
	    api__query_int64(req, "limit", 100, 1, 500, &limit) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "state is open, acked or cleared; limit 1..500; before an alert id");
		return;
	}
	list = ecc_alerts_list(req->hub->alerts, state, unit, before, (int)limit);
	o = cJSON_CreateObject();
	out = cJSON_AddArrayToObject(o, "alerts");
	for (a = list->child; a; a = next) {
		next = a->next;
		if (alert_visible(req, a))
			cJSON_AddItemToArray(out, cJSON_DetachItemViaPointer(list, a));
	}
	cJSON_Delete(list);
	ecc_req_json(req, 200, o);
}

void api_alerts_ack(struct ecc_req *req)
{
	int64_t id;
	cJSON *a, *o;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "alert id must be a positive integer");
		return;
	}
	if (!center(req)) {
		/* not the center: only the overdue alert of one's own case */
		a = ecc_alerts_get(req->hub->alerts, id);
		rc = a && ecc_cases_alert_for(req->hub->cases, &req->user, a) ? ECC_OK
		     : a                                                      ? ECC_ERR_FORBIDDEN
		                                                              : ECC_ERR_NOTFOUND;
		cJSON_Delete(a);
		if (rc != ECC_OK) {
			ecc_router_fail(req, rc,
			                rc == ECC_ERR_NOTFOUND ? "no such alert"
			                                       : "not an alert of your cases");
			return;
		}
	}
	rc = ecc_alerts_ack(req->hub->alerts, id, req->user.username, req->ip);
	if (rc == ECC_ERR_EXISTS) {
		ecc_req_error(req, 409, "conflict", "already acknowledged");
		return;
	}
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, rc == ECC_ERR_NOTFOUND ? "no such alert" : NULL);
		return;
	}
	a = ecc_alerts_get(req->hub->alerts, id);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "alert", a ? a : cJSON_CreateNull());
	ecc_req_json(req, 200, o);
}
