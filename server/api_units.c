/* api_units: units, their MQTT identities and their tracks. */
#define G_LOG_DOMAIN "ecc-api"

#include "api.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "provision.h"
#include "telemetry.h"

#include <string.h>

void api_units_list(struct ecc_req *req)
{
	const GPtrArray *all = ecc_units_all(req->hub->units);
	const char *kind = ecc_req_query(req, "kind"), *team = ecc_req_query(req, "team");
	const char *state = ecc_req_query(req, "state");
	int64_t limit, offset, seen = 0;
	cJSON *o, *arr;

	if (api__query_int64(req, "limit", 5000, 1, 5000, &limit) != ECC_OK ||
	    api__query_int64(req, "offset", 0, 0, G_MAXINT32, &offset) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "limit is 1..5000, offset >= 0");
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "units");
	for (guint i = 0; i < all->len; i++) {
		const struct ecc_unit *u = g_ptr_array_index(all, i);
		if (!api__unit_visible(&req->user, u) ||
		    (kind && strcmp(kind, ecc_unit_kind_name(u->kind))) ||
		    (team && strcmp(team, u->team)) ||
		    (state && strcmp(state, u->online ? "online" : "offline")))
			continue;
		if (seen++ >= offset && cJSON_GetArraySize(arr) < limit)
			cJSON_AddItemToArray(arr, ecc_unit_to_json(u));
	}
	cJSON_AddNumberToObject(o, "total", (double)seen);
	cJSON_AddNumberToObject(o, "offset", (double)offset);
	ecc_req_json(req, 200, o);
}

void api_units_get(struct ecc_req *req)
{
	struct ecc_unit *u = api__unit_param(req, req->params[0]);
	cJSON *o;

	if (!u)
		return;
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "unit", ecc_unit_to_json(u));
	ecc_req_json(req, 200, o);
}

/* ---- add: provision the MQTT identity, then store ----------------------- */

struct adding {
	struct ecc_req *req;
	char *id, *name, *team, *owntracks;
	enum ecc_unit_kind kind;
	char password[ECC_MQTT_PASSWORD_CHARS + 1];
	char user[ECC_NAME_MAX + 1];
	char ip[64];
};

static void adding_free(struct adding *a)
{
	ecc_req_unref(a->req);
	g_free(a->id);
	g_free(a->name);
	g_free(a->team);
	g_free(a->owntracks);
	memset(a->password, 0, sizeof(a->password));
	g_free(a);
}

static cJSON *mqtt_json(const struct ecc_config *cfg, const char *id, const char *password)
{
	cJSON *m = cJSON_CreateObject(), *t;
	char *topic;

	cJSON_AddStringToObject(m, "host", cfg->mqtt_host);
	cJSON_AddNumberToObject(m, "port", cfg->mqtt_port);
	cJSON_AddStringToObject(m, "username", id);
	cJSON_AddStringToObject(m, "password", password);
	t = cJSON_AddObjectToObject(m, "topics");
	topic = g_strdup_printf("ecc/unit/%s/telemetry", id);
	cJSON_AddStringToObject(t, "telemetry", topic);
	g_free(topic);
	topic = g_strdup_printf("ecc/unit/%s/event", id);
	cJSON_AddStringToObject(t, "event", topic);
	g_free(topic);
	topic = g_strdup_printf("ecc/unit/%s/cmd", id);
	cJSON_AddStringToObject(t, "cmd", topic);
	g_free(topic);
	return m;
}

static void finish_add(struct adding *a, bool with_credentials)
{
	struct ecc_req *req = a->req;
	struct ecc_unit_spec s = {
	    .id = a->id,
	    .name = a->name,
	    .kind = a->kind,
	    .team = a->team,
	    .owntracks = a->owntracks,
	};
	char why[128] = "";
	cJSON *o;
	int rc = ecc_units_add(req->hub->units, &s, a->user, a->ip, why);

	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, why[0] ? why : NULL);
	} else {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "unit",
		                      ecc_unit_to_json(ecc_units_get(req->hub->units, a->id)));
		if (with_credentials)
			cJSON_AddItemToObject(o, "mqtt",
			                      mqtt_json(req->hub->cfg, a->id, a->password));
		else
			cJSON_AddNullToObject(o, "mqtt");
		ecc_req_json(req, 201, o);
	}
	ecc_req_finish(req);
}

static void provisioned(void *user, int rc, const char *why)
{
	struct adding *a = user;

	if (rc != ECC_OK) {
		g_warning("unit=%s: MQTT identity not created: %s", a->id, why ? why : "");
		ecc_router_fail(a->req, rc == ECC_ERR_PROTO ? ECC_ERR_PROTO : ECC_ERR_UNAVAIL,
		                "the MQTT broker did not create the device identity");
		ecc_req_finish(a->req);
	} else {
		finish_add(a, true);
	}
	adding_free(a);
}

static const char *opt_string(const cJSON *o, const char *key, bool *bad)
{
	const char *v = NULL;
	int rc = ecc_json_get_string(o, key, &v);

	if (rc == ECC_ERR_INVAL)
		*bad = true;
	return rc == ECC_OK ? v : NULL;
}

void api_units_add(struct ecc_req *req)
{
	struct ecc_unit_spec s = {0};
	const char *kind;
	bool bad = false;
	char why[128] = "";
	struct adding *a;
	int rc;

	s.id = opt_string(req->json, "id", &bad);
	s.name = opt_string(req->json, "name", &bad);
	kind = opt_string(req->json, "kind", &bad);
	s.team = opt_string(req->json, "team", &bad);
	s.owntracks = opt_string(req->json, "owntracks", &bad);
	if (bad || !kind || ecc_unit_kind_parse(kind, &s.kind) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "id, name and kind (bodycam, handheld, vehicle, drone) are required");
		return;
	}
	if (ecc_units_check_spec(&s, why) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", why);
		return;
	}
	if (ecc_units_get(req->hub->units, s.id)) {
		ecc_req_error(req, 409, "conflict", "a unit with this id exists");
		return;
	}
	a = g_new0(struct adding, 1);
	a->req = ecc_req_ref(req);
	a->id = g_strdup(s.id);
	a->name = g_strdup(s.name);
	a->team = g_strdup(s.team);
	a->owntracks = g_strdup(s.owntracks);
	a->kind = s.kind;
	g_strlcpy(a->user, req->user.username, sizeof(a->user));
	g_strlcpy(a->ip, req->ip, sizeof(a->ip));
	if (!req->hub->cfg->mqtt_provision) {
		finish_add(a, false);
		adding_free(a);
		return;
	}
	ecc_provision_password(a->password);
	rc = ecc_provision_unit(req->hub->provision, a->id, a->owntracks, a->password, provisioned,
	                        a);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, "the MQTT broker is not reachable; try again");
		adding_free(a);
	}
}

/* ---- delete ------------------------------------------------------------- */

struct removing {
	struct ecc_req *req;
	char *id;
};

static void unprovisioned(void *user, int rc, const char *why)
{
	struct removing *r = user;
	struct ecc_req *req = r->req;

	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, why ? why : "the broker did not remove the identity");
	} else {
		rc = ecc_units_delete(req->hub->units, r->id, req->user.username, req->ip);
		if (rc == ECC_OK)
			api__ok(req);
		else
			ecc_router_fail(req, rc, NULL);
	}
	ecc_req_finish(req);
	ecc_req_unref(req);
	g_free(r->id);
	g_free(r);
}

void api_units_delete(struct ecc_req *req)
{
	struct ecc_unit *u = ecc_units_get(req->hub->units, req->params[0]);
	struct removing *r;
	int rc;

	if (!u) {
		ecc_req_error(req, 404, "not_found", "no such unit");
		return;
	}
	if (!req->hub->cfg->mqtt_provision) {
		rc = ecc_units_delete(req->hub->units, u->id, req->user.username, req->ip);
		if (rc == ECC_OK)
			api__ok(req);
		else
			ecc_router_fail(req, rc, NULL);
		return;
	}
	r = g_new0(struct removing, 1);
	r->req = ecc_req_ref(req);
	r->id = g_strdup(u->id);
	rc = ecc_provision_unit_remove(req->hub->provision, r->id, unprovisioned, r);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, "the MQTT broker is not reachable; try again");
		ecc_req_unref(req);
		g_free(r->id);
		g_free(r);
	}
}

/* ---- track -------------------------------------------------------------- */

void api_units_track(struct ecc_req *req)
{
	struct ecc_unit *u = api__unit_param(req, req->params[0]);
	gint64 now = ecc_now_ms();
	int64_t from, to, max;
	cJSON *f;

	if (!u)
		return;
	if (api__query_int64(req, "to", now, 0, G_MAXINT64, &to) != ECC_OK ||
	    api__query_int64(req, "from", to - 3600 * 1000, 0, G_MAXINT64, &from) != ECC_OK ||
	    api__query_int64(req, "max_points", 1000, 2, req->hub->cfg->max_track_points, &max) !=
	        ECC_OK ||
	    from > to) {
		char *m = g_strdup_printf("from <= to (UTC ms); max_points 2..%d",
		                          req->hub->cfg->max_track_points);
		ecc_req_error(req, 400, "bad_request", m);
		g_free(m);
		return;
	}
	f = ecc_telemetry_track(req->hub->telemetry, u->id, from, to, (int)max);
	if (!f) {
		ecc_router_fail(req, ECC_ERR_DB, NULL);
		return;
	}
	ecc_req_json(req, 200, f);
}
