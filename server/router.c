/* router: route matching, session and role checks, error mapping. */
#define G_LOG_DOMAIN "ecc-router"

#include "router.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "rooms.h"
#include "ws.h"

#include <stdio.h>
#include <string.h>

/* ECC errors as HTTP answers: one table. */
static const struct {
	int err;
	int status;
	const char *code;
} http_errors[] = {
    {ECC_ERR_INVAL, 400, "bad_request"},      {ECC_ERR_POLICY, 400, "password_policy"},
    {ECC_ERR_AUTH, 401, "unauthorized"},      {ECC_ERR_FORBIDDEN, 403, "forbidden"},
    {ECC_ERR_LOCKED, 403, "account_locked"},  {ECC_ERR_NOTFOUND, 404, "not_found"},
    {ECC_ERR_EXISTS, 409, "conflict"},        {ECC_ERR_TOOBIG, 413, "payload_too_large"},
    {ECC_ERR_RATE, 429, "too_many_requests"}, {ECC_ERR_UNAVAIL, 503, "unavailable"},
    {ECC_ERR_PROTO, 502, "bad_gateway"},      {ECC_ERR_DB, 500, "internal"},
    {ECC_ERR_NOMEM, 500, "internal"},         {ECC_ERR_IO, 500, "internal"},
};

const char *ecc_router_err_code(int err)
{
	for (size_t i = 0; i < G_N_ELEMENTS(http_errors); i++)
		if (http_errors[i].err == err)
			return http_errors[i].code;
	return "internal";
}

void ecc_router_fail(struct ecc_req *req, int err, const char *message)
{
	for (size_t i = 0; i < G_N_ELEMENTS(http_errors); i++) {
		if (http_errors[i].err == err) {
			ecc_req_error(req, http_errors[i].status, http_errors[i].code,
			              message ? message : ecc_strerror(err));
			return;
		}
	}
	ecc_req_error(req, 500, "internal", message ? message : ecc_strerror(err));
}

/* Matches path against pattern; on success fills req->params. */
static bool match(const char *pattern, const char *path, struct ecc_req *req)
{
	gchar **pp = g_strsplit(pattern, "/", 16), **ps = g_strsplit(path, "/", 16);
	char *params[ECC_REQ_MAX_PARAMS];
	int n = 0;
	bool ok = g_strv_length(pp) == g_strv_length(ps);

	for (int i = 0; ok && pp[i]; i++) {
		if (pp[i][0] == '{') {
			ok = ps[i][0] != '\0' && n < ECC_REQ_MAX_PARAMS;
			if (ok)
				params[n++] = g_strdup(ps[i]);
		} else {
			ok = !strcmp(pp[i], ps[i]);
		}
	}
	if (ok) {
		for (int i = 0; i < n; i++)
			req->params[i] = params[i];
		req->nparams = n;
	} else {
		for (int i = 0; i < n; i++)
			g_free(params[i]);
	}
	g_strfreev(pp);
	g_strfreev(ps);
	return ok;
}

size_t ecc_router_body_max(const struct ecc_config *cfg, const char *method, const char *path)
{
	struct ecc_req probe = {0};
	size_t max = (size_t)cfg->http_body_max;

	g_strlcpy(probe.path, path, sizeof(probe.path));
	for (const struct ecc_route *r = ecc_routes; r->method; r++) {
		bool hit = (r->flags & ECC_ROUTE_UPLOAD) && !strcmp(r->method, method) &&
		           match(r->pattern, probe.path, &probe);
		for (int i = 0; i < probe.nparams; i++)
			g_free(probe.params[i]);
		probe.nparams = 0;
		if (hit)
			return MAX(max, ECC_UPLOAD_MAX);
	}
	return max;
}

void ecc_router_dispatch(struct ecc_req *req)
{
	const struct ecc_route *r, *hit = NULL;
	bool path_known = false;
	int rc;

	if (req->too_big) {
		ecc_router_fail(req, ECC_ERR_TOOBIG,
		                "request body over [limits] http_body_max (a file: 8 MiB)");
		return;
	}
	for (r = ecc_routes; r->method; r++) {
		if (!match(r->pattern, req->path, req))
			continue;
		path_known = true;
		if (!strcmp(r->method, req->method)) {
			hit = r;
			break;
		}
		for (int i = 0; i < req->nparams; i++)
			g_free(req->params[i]);
		req->nparams = 0;
	}
	if (!hit) {
		if (path_known)
			ecc_req_error(req, 405, "method_not_allowed", "method not allowed here");
		else
			ecc_req_error(req, 404, "not_found", "no such API route");
		return;
	}
	if (!req->origin_ok) {
		ecc_req_error(req, 403, "bad_origin", "cross-origin request refused");
		return;
	}
	if (req->token[0]) {
		rc = ecc_auth_session(req->hub->auth, req->token, true, &req->user);
		/* not a user's: perhaps a room guest's (role guest, one room) */
		if (rc == ECC_ERR_AUTH)
			rc = ecc_rooms_guest_session(req->hub->rooms, req->token, &req->user);
		req->authed = rc == ECC_OK;
	}
	if (!(hit->flags & ECC_ROUTE_PUBLIC)) {
		if (!req->authed) {
			ecc_req_error(req, 401, "unauthorized",
			              "log in first (session missing or expired)");
			return;
		}
		if (!(hit->roles & ECC_ROLE_BIT(req->user.role))) {
			ecc_req_error(req, 403, "forbidden", "this role may not use this route");
			return;
		}
	}
	if (hit->flags & ECC_ROUTE_JSON) {
		const char *b = req->body ? req->body->str : "";
		size_t n = req->body ? req->body->len : 0;
		rc = ecc_json_parse_object(b, n, (size_t)req->hub->cfg->http_body_max, &req->json);
		if (rc == ECC_ERR_TOOBIG) {
			ecc_router_fail(req, ECC_ERR_TOOBIG, "JSON nested too deeply");
			return;
		}
		if (rc != ECC_OK) {
			ecc_req_error(req, 400, "bad_json", "the body must be a JSON object");
			return;
		}
	}
	hit->fn(req);
}

static void print_roles(cJSON *arr, unsigned roles)
{
	for (int i = 0; i < ECC_ROLE__COUNT; i++)
		if (roles & ECC_ROLE_BIT(i))
			cJSON_AddItemToArray(arr,
			                     cJSON_CreateString(ecc_role_name((enum ecc_role)i)));
}

void ecc_routes_print(void)
{
	cJSON *root = cJSON_CreateObject(), *routes = cJSON_AddArrayToObject(root, "routes");
	cJSON *chans = cJSON_AddArrayToObject(root, "channels");
	const struct ecc_ws_channel *ch;
	char *text;

	for (const struct ecc_route *r = ecc_routes; r->method; r++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "method", r->method);
		cJSON_AddStringToObject(o, "path", r->pattern);
		cJSON_AddBoolToObject(o, "public", r->flags & ECC_ROUTE_PUBLIC);
		cJSON_AddBoolToObject(o, "json", r->flags & ECC_ROUTE_JSON);
		print_roles(cJSON_AddArrayToObject(o, "roles"), r->roles);
		cJSON_AddStringToObject(o, "summary", r->summary);
		cJSON_AddItemToArray(routes, o);
	}
	for (ch = ecc_ws_channels; ch->name; ch++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", ch->name);
		print_roles(cJSON_AddArrayToObject(o, "roles"), ch->roles);
		cJSON_AddItemToArray(chans, o);
	}
	text = cJSON_Print(root);
	puts(text);
	cJSON_free(text);
	cJSON_Delete(root);
}
