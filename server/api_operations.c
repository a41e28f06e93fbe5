/* api_operations: field operations (执行行动) over REST (operations.h). */
#define G_LOG_DOMAIN "ecc-api"

#include "api.h"
#include "audit.h"
#include "ecc_err.h"
#include "operations.h"

#include <string.h>

static void fail(struct ecc_req *req, int rc, const char *why)
{
	ecc_router_fail(req, rc,
	                why && why[0]             ? why
	                : rc == ECC_ERR_NOTFOUND  ? "no such operation"
	                : rc == ECC_ERR_FORBIDDEN ? "not an operation of your team or cases"
	                                          : NULL);
}

/* The chain and the timeline are evidence: who looked is audited. */
static void audit_view(struct ecc_req *req, const char *action, int64_t id)
{
	char target[40];
	struct ecc_audit_entry e = {
	    .actor = req->user.username, .action = action, .target = target, .ip = req->ip};

	g_snprintf(target, sizeof(target), "operation:%" G_GINT64_FORMAT, (gint64)id);
	if (ecc_audit_append(req->hub->store, &e, NULL) != ECC_OK)
		g_warning("op=%" G_GINT64_FORMAT ": %s by %s not audited", (gint64)id, action,
		          req->user.username);
}

static bool op_param(struct ecc_req *req, int64_t *id)
{
	if (api__param_id(req, 0, id))
		return true;
	ecc_req_error(req, 400, "bad_request", "operation id must be a positive integer");
	return false;
}

static void answer_one(struct ecc_req *req, int64_t id, int status)
{
	cJSON *op = NULL, *o;
	int rc = ecc_operations_get(req->hub->operations, &req->user, id, &op);

	if (rc != ECC_OK) {
		fail(req, rc, NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "operation", op);
	ecc_req_json(req, status, o);
}

void api_operations_list(struct ecc_req *req)
{
	struct ecc_op_query q = {.state = ecc_req_query(req, "state"),
	                         .team = ecc_req_query(req, "team")};
	char why[ECC_OPS_WHY] = "";
	int64_t limit, offset;
	cJSON *out = NULL;
	int rc;

	if (api__query_int64(req, "case", 0, 0, G_MAXINT64, &q.case_id) != ECC_OK ||
	    api__query_int64(req, "limit", 100, 1, 200, &limit) != ECC_OK ||
	    api__query_int64(req, "offset", 0, 0, 1000000, &offset) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "case is a case id; limit 1..200; offset 0..1000000");
		return;
	}
	q.limit = (int)limit;
	q.offset = (int)offset;
	rc = ecc_operations_list(req->hub->operations, &req->user, &q, &out, why);
	if (rc != ECC_OK)
		fail(req, rc, why);
	else
		ecc_req_json(req, 200, out);
}

void api_operations_add(struct ecc_req *req)
{
	char why[ECC_OPS_WHY] = "";
	int64_t id = 0;
	int rc =
	    ecc_operations_create(req->hub->operations, &req->user, req->json, req->ip, &id, why);

	if (rc != ECC_OK)
		fail(req, rc, why);
	else
		answer_one(req, id, 201);
}

void api_operations_get(struct ecc_req *req)
{
	int64_t id;

	if (op_param(req, &id))
		answer_one(req, id, 200);
}

void api_operations_update(struct ecc_req *req)
{
	char why[ECC_OPS_WHY] = "";
	int64_t id;
	int rc;

	if (!op_param(req, &id))
		return;
	rc = ecc_operations_update(req->hub->operations, &req->user, id, req->json, req->ip, why);
	if (rc != ECC_OK)
		fail(req, rc, why);
	else
		answer_one(req, id, 200);
}

static void change(struct ecc_req *req, int (*fn)(ecc_operations *, const struct ecc_user *,
                                                  int64_t, const char *, char *))
{
	char why[ECC_OPS_WHY] = "";
	int64_t id;
	int rc;

	if (!op_param(req, &id))
		return;
	rc = fn(req->hub->operations, &req->user, id, req->ip, why);
	if (rc != ECC_OK)
		fail(req, rc, why);
	else
		answer_one(req, id, 200);
}

void api_operations_start(struct ecc_req *req)
{
	change(req, ecc_operations_start);
}

void api_operations_stop(struct ecc_req *req)
{
	change(req, ecc_operations_stop);
}

void api_operations_cancel(struct ecc_req *req)
{
	change(req, ecc_operations_cancel);
}

void api_operations_chain(struct ecc_req *req)
{
	cJSON *out = NULL;
	int64_t id;
	int rc;

	if (!op_param(req, &id))
		return;
	rc = ecc_operations_chain(req->hub->operations, &req->user, id, &out);
	if (rc != ECC_OK) {
		fail(req, rc, NULL);
		return;
	}
	audit_view(req, "operation.chain_view", id);
	ecc_req_json(req, 200, out);
}

void api_operations_timeline(struct ecc_req *req)
{
	cJSON *out = NULL;
	int64_t id, max;
	int rc;

	if (!op_param(req, &id))
		return;
	if (api__query_int64(req, "max_points", 500, 2, req->hub->cfg->max_track_points, &max) !=
	    ECC_OK) {
		char *m = g_strdup_printf("max_points 2..%d", req->hub->cfg->max_track_points);
		ecc_req_error(req, 400, "bad_request", m);
		g_free(m);
		return;
	}
	rc = ecc_operations_timeline(req->hub->operations, &req->user, id, (int)max, &out);
	if (rc != ECC_OK) {
		fail(req, rc, rc == ECC_ERR_EXISTS ? "the operation has not started" : NULL);
		return;
	}
	audit_view(req, "operation.timeline_view", id);
	ecc_req_json(req, 200, out);
}
