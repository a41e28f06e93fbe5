/* api_photos: photos sent with instruction replies (photos.h). */
#define G_LOG_DOMAIN "ecc-api"

#include "api.h"
#include "audit.h"
#include "ecc_err.h"
#include "instructions.h"
#include "photos.h"

/* May the user see the photos of this instruction: the center, or one it
 * is addressed to. Answers 404/403 itself when not. */
static bool may_see(struct ecc_req *req, int64_t instruction)
{
	cJSON *i = ecc_instructions_get(req->hub->instructions, instruction);
	bool ok;

	if (!i) {
		ecc_req_error(req, 404, "not_found", "no such instruction");
		return false;
	}
	ok = (ECC_ROLE_BIT(req->user.role) & ECC_ROLES_CENTER) ||
	     ecc_instructions_addressed(req->hub->instructions, i, &req->user);
	cJSON_Delete(i);
	if (!ok)
		ecc_req_error(req, 403, "forbidden", "this instruction is not addressed to you");
	return ok;
}

/* POST /api/v1/instructions/{id}/photo, body: the JPEG or PNG bytes. */
void api_instructions_photo(struct ecc_req *req)
{
	char why[ECC_WHY_LEN] = "";
	cJSON *photo = NULL, *o;
	int64_t id;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "instruction id must be a positive integer");
		return;
	}
	if (!req->body || !req->body->len) {
		ecc_req_error(req, 400, "bad_request",
		              "the body is the photo (image/jpeg or image/png)");
		return;
	}
	rc = ecc_photos_add(req->hub, id, &req->user, req->body_type, req->body->str,
	                    req->body->len, req->ip, &photo, why);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc,
		                why[0]                   ? why
		                : rc == ECC_ERR_NOTFOUND ? "no such instruction"
		                : rc == ECC_ERR_FORBIDDEN
		                    ? "this instruction is not addressed to you"
		                    : NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "photo", photo);
	ecc_req_json(req, 201, o);
}

void api_instructions_photos(struct ecc_req *req)
{
	cJSON *list, *o;
	int64_t id;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "instruction id must be a positive integer");
		return;
	}
	if (!may_see(req, id))
		return;
	list = ecc_photos_list(req->hub, id);
	if (!list) {
		ecc_router_fail(req, ECC_ERR_DB, NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "photos", list);
	ecc_req_json(req, 200, o);
}

void api_photos_file(struct ecc_req *req)
{
	const char *type = NULL;
	char *path = NULL;
	int64_t id, instruction = 0;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "photo id must be a positive integer");
		return;
	}
	rc = ecc_photos_file(req->hub, id, &path, &type, &instruction);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, rc == ECC_ERR_NOTFOUND ? "no such photo" : NULL);
		return;
	}
	if (may_see(req, instruction)) {
		ecc_audit_about(req->hub->store, req->user.username, "photo.view", "photo", id,
		                NULL, req->ip);
		ecc_req_file(req, path, type);
	}
	g_free(path);
}
