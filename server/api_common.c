/* api_common: helpers shared by the REST handlers. */
#include "api.h"
#include "ecc_err.h"

#include <stdlib.h>
#include <string.h>

bool api__unit_visible(const struct ecc_user *u, const struct ecc_unit *unit)
{
	switch (u->role) {
	case ECC_ROLE_ADMIN:
	case ECC_ROLE_COMMANDER:
	case ECC_ROLE_DUTY:
		return true;
	case ECC_ROLE_OFFICER:
		return (u->unit[0] && !strcmp(u->unit, unit->id)) ||
		       (u->team[0] && !strcmp(u->team, unit->team));
	default:
		return false;
	}
}

struct ecc_unit *api__unit_param(struct ecc_req *req, const char *id)
{
	struct ecc_unit *u = ecc_units_get(req->hub->units, id);

	if (!u) {
		ecc_req_error(req, 404, "not_found", "no such unit");
		return NULL;
	}
	if (!api__unit_visible(&req->user, u)) {
		ecc_req_error(req, 403, "forbidden", "this unit is outside your team");
		return NULL;
	}
	return u;
}

int api__query_int64(struct ecc_req *req, const char *name, int64_t def, int64_t lo, int64_t hi,
                     int64_t *out)
{
	const char *v = ecc_req_query(req, name);
	char *end = NULL;
	long long n;

	if (!v) {
		*out = def;
		return ECC_OK;
	}
	n = strtoll(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return ECC_ERR_INVAL;
	*out = n;
	return ECC_OK;
}

bool api__param_id(struct ecc_req *req, int i, int64_t *out)
{
	char *end = NULL;
	long long n;

	if (i >= req->nparams)
		return false;
	n = strtoll(req->params[i], &end, 10);
	if (*end || n <= 0)
		return false;
	*out = n;
	return true;
}

void api__ok(struct ecc_req *req)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddBoolToObject(o, "ok", true);
	ecc_req_json(req, 200, o);
}
