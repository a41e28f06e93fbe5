/* api_useradmin: an admin locks, unlocks, changes the role or the unit of a user. */
#include "api.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "events.h"
#include "useradmin.h"

static void answer(struct ecc_req *req, int rc, const char *why)
{
	if (rc == ECC_OK)
		api__ok(req);
	else
		ecc_router_fail(req, rc,
		                why[0]                   ? why
		                : rc == ECC_ERR_NOTFOUND ? "no such user"
		                                         : NULL);
}

static void lock(struct ecc_req *req, bool locked)
{
	char why[ECC_WHY_LEN] = "";

	answer(
	    req,
	    ecc_useradmin_lock(req->hub, req->params[0], locked, req->user.username, req->ip, why),
	    why);
}

void api_users_lock(struct ecc_req *req)
{
	lock(req, true);
}

void api_users_unlock(struct ecc_req *req)
{
	lock(req, false);
}

void api_users_role(struct ecc_req *req)
{
	const char *role_s = NULL;
	char why[ECC_WHY_LEN] = "";
	enum ecc_role role;

	if (ecc_json_get_string(req->json, "role", &role_s) != ECC_OK ||
	    ecc_role_parse(role_s, &role) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "role: admin, commander, duty, officer, judge or guest");
		return;
	}
	answer(req,
	       ecc_useradmin_set_role(req->hub, req->params[0], role, req->user.username, req->ip,
	                              why),
	       why);
}

/* {"unit":"hh-01"} or {"unit":null} */
void api_users_unit(struct ecc_req *req)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(req->json, "unit");
	char why[ECC_WHY_LEN] = "";

	if (!cJSON_IsNull(u) && (!cJSON_IsString(u) || !u->valuestring[0])) {
		ecc_req_error(req, 400, "bad_request", "unit: a unit id, or null to clear it");
		return;
	}
	answer(req,
	       ecc_useradmin_set_unit(req->hub, req->params[0],
	                              cJSON_IsString(u) ? u->valuestring : NULL, req->user.username,
	                              req->ip, why),
	       why);
}
