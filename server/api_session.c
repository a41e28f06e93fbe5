/* api_session: login, logout, the current user, health. */
#define G_LOG_DOMAIN "ecc-api"

#include "api.h"
#include "bus.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"

#include <string.h>

static cJSON *user_json(const struct ecc_user *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "username", u->username);
	cJSON_AddStringToObject(o, "display_name", u->display_name);
	cJSON_AddStringToObject(o, "role", ecc_role_name(u->role));
	cJSON_AddStringToObject(o, "team", u->team);
	cJSON_AddStringToObject(o, "unit", u->unit);
	return o;
}

void api__set_session_cookie(struct ecc_req *req, const char *token, int max_age)
{
	char *c = g_strdup_printf(ECC_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict;"
	                                             " Max-Age=%d%s",
	                          token, max_age, req->tls ? "; Secure" : "");
	ecc_req_header(req, "set-cookie:", c);
	g_free(c);
}

void api_login(struct ecc_req *req)
{
	const struct ecc_config *cfg = req->hub->cfg;
	const char *user = NULL, *pw = NULL;
	char token[ECC_TOKEN_CHARS + 1];
	struct ecc_user u;
	cJSON *o;
	int rc;

	if (ecc_json_get_string(req->json, "username", &user) != ECC_OK ||
	    ecc_json_get_string(req->json, "password", &pw) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "username and password are required strings");
		return;
	}
	rc = ecc_auth_login(req->hub->auth, user, pw, req->ip, token, &u);
	if (rc == ECC_ERR_LOCKED) {
		ecc_router_fail(req, rc, "account locked after repeated failed logins; try later");
		return;
	}
	if (rc == ECC_ERR_AUTH) {
		ecc_router_fail(req, rc, "wrong user name or password");
		return;
	}
	if (rc == ECC_ERR_FORBIDDEN) {
		ecc_req_error(req, 403, "account_disabled",
		              "this account is locked by an administrator; ask one to unlock it");
		return;
	}
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, NULL);
		return;
	}
	api__set_session_cookie(req, token, cfg->idle_timeout * 4);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddItemToObject(o, "user", user_json(&u));
	cJSON_AddNumberToObject(o, "idle_timeout", cfg->idle_timeout);
	ecc_req_json(req, 200, o);
}

void api_logout(struct ecc_req *req)
{
	ecc_auth_logout(req->hub->auth, req->token, req->ip);
	api__set_session_cookie(req, "", 0);
	api__ok(req);
}

void api_me(struct ecc_req *req)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "user", user_json(&req->user));
	cJSON_AddStringToObject(o, "court_name", req->hub->cfg->court_name);
	cJSON_AddNumberToObject(o, "idle_timeout", req->hub->cfg->idle_timeout);
	cJSON_AddNumberToObject(o, "server_time", (double)ecc_now_ms());
	ecc_req_json(req, 200, o);
}

void api_me_password(struct ecc_req *req)
{
	const char *old = NULL, *pw = NULL;
	char why[ECC_WHY_LEN] = "";
	int rc;

	if (ecc_json_get_string(req->json, "old_password", &old) != ECC_OK ||
	    ecc_json_get_string(req->json, "new_password", &pw) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "old_password and new_password are required");
		return;
	}
	/* A wrong old password counts toward lockout, as a failed login does. */
	rc = ecc_auth_verify(req->hub->auth, req->user.username, old, req->ip);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc == ECC_ERR_LOCKED ? rc : ECC_ERR_FORBIDDEN,
		                "the old password is wrong");
		return;
	}
	rc = ecc_auth_set_password(req->hub->auth, req->user.username, pw, req->user.username,
	                           req->ip, why);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, why[0] ? why : NULL);
		return;
	}
	api__set_session_cookie(req, "", 0);
	api__ok(req);
}

void api_health(struct ecc_req *req)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddBoolToObject(o, "mqtt", ecc_bus_connected(req->hub->bus));
	cJSON_AddNumberToObject(o, "uptime_s",
	                        (double)(ecc_now_ms() - req->hub->started_ms) / 1000);
	ecc_req_json(req, 200, o);
}
