/* api_media: streams, thumbnails, gateways, recordings and their playback. */
#define G_LOG_DOMAIN "ecc-api"

#include "api.h"
#include "rooms.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "gateways.h"
#include "recordings.h"
#include "streams.h"

#include <string.h>

/* A recording opened by the same user again within this time is not
 * audited again (a player fetches a file in many range requests). */
#define VIEW_AUDIT_MS (10 * 60 * 1000)

/* The unit of path parameter i must exist and be visible to the user. */
static void audit_view(struct ecc_req *req, const char *action, const char *target,
                       const char *detail)
{
	struct ecc_audit_entry e = {.actor = req->user.username,
	                            .action = action,
	                            .target = target,
	                            .detail = detail,
	                            .ip = req->ip};

	if (ecc_audit_append(req->hub->store, &e, NULL) != ECC_OK)
		g_warning("audit of %s %s could not be written", action, target);
}

/* ---- streams ------------------------------------------------------------------ */

void api_streams_list(struct ecc_req *req)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "streams", ecc_streams_list_json(req->hub->streams, &req->user));
	ecc_req_json(req, 200, o);
}

static bool stream_param(struct ecc_req *req, int64_t *id)
{
	const char *unit;

	if (!api__param_id(req, 0, id)) {
		ecc_req_error(req, 400, "bad_request", "stream id must be a positive integer");
		return false;
	}
	unit = ecc_streams_unit(req->hub->streams, *id);
	if (!unit) {
		ecc_req_error(req, 404, "not_found", "no such stream");
		return false;
	}
	return api__unit_param(req, unit) != NULL;
}

void api_streams_get(struct ecc_req *req)
{
	int64_t id;
	cJSON *o;

	if (!stream_param(req, &id))
		return;
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "stream", ecc_streams_get_json(req->hub->streams, id));
	ecc_req_json(req, 200, o);
}

void api_streams_add(struct ecc_req *req)
{
	struct ecc_stream_def d = {.record = true, .source = "api"};
	char why[128] = "";
	int64_t id = 0;
	cJSON *o;
	int rc;

	if (ecc_json_get_string(req->json, "unit", &d.unit) != ECC_OK ||
	    ecc_json_get_string(req->json, "url", &d.url) != ECC_OK ||
	    ecc_json_get_string(req->json, "transport", &d.transport) == ECC_ERR_INVAL ||
	    ecc_json_get_bool(req->json, "record", &d.record) == ECC_ERR_INVAL) {
		ecc_req_error(
		    req, 400, "bad_request",
		    "unit and url are required; transport is tcp or udp; record a boolean");
		return;
	}
	rc = ecc_streams_add(req->hub->streams, &d, req->user.username, req->ip, &id, why);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, why[0] ? why : NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "stream", ecc_streams_get_json(req->hub->streams, id));
	ecc_req_json(req, 201, o);
}

void api_streams_delete(struct ecc_req *req)
{
	int64_t id;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "stream id must be a positive integer");
		return;
	}
	rc = ecc_streams_delete(req->hub->streams, id, req->user.username, req->ip);
	if (rc != ECC_OK)
		ecc_router_fail(req, rc, rc == ECC_ERR_NOTFOUND ? "no such stream" : NULL);
	else
		api__ok(req);
}

/* POST {url}: push live to a streaming platform; DELETE: stop. */
void api_streams_restream(struct ecc_req *req)
{
	int64_t id;
	const char *url = NULL, *why = NULL;
	bool stop = !strcmp(req->method, "DELETE");
	cJSON *o;
	int rc;

	if (!stream_param(req, &id))
		return;
	if (!stop && ecc_json_get_string(req->json, "url", &url) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request",
		              "url is required (rtmp://, rtmps:// or srt://)");
		return;
	}
	rc = ecc_streams_restream(req->hub->streams, id, stop ? NULL : url, req->user.username,
	                          req->ip, &why);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, why);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "stream", ecc_streams_get_json(req->hub->streams, id));
	ecc_req_json(req, 200, o);
}

void api_streams_snapshot(struct ecc_req *req)
{
	int64_t id;
	char *path;

	if (!stream_param(req, &id))
		return;
	path = ecc_streams_snapshot_path(req->hub->streams, id);
	if (!path) {
		ecc_req_error(req, 404, "not_found",
		              "no thumbnail yet (no gateway holds the stream)");
		return;
	}
	ecc_req_file(req, path, "image/jpeg");
	g_free(path);
}

void api_gateways_list(struct ecc_req *req)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "gateways", ecc_gateways_json(req->hub->gateways));
	ecc_req_json(req, 200, o);
}

/* ---- recordings ------------------------------------------------------------------ */

static bool range_params(struct ecc_req *req, int64_t *from, int64_t *to)
{
	int64_t now = ecc_now_ms();

	if (api__query_int64(req, "to", now, 0, G_MAXINT64, to) != ECC_OK ||
	    api__query_int64(req, "from", *to - 86400000, 0, G_MAXINT64, from) != ECC_OK ||
	    *from > *to) {
		ecc_req_error(req, 400, "bad_request", "from <= to, UTC milliseconds");
		return false;
	}
	return true;
}

void api_units_recordings(struct ecc_req *req)
{
	const struct ecc_unit *u = api__unit_param(req, req->params[0]);
	int64_t from, to, limit, offset;
	cJSON *o;

	if (!u || !range_params(req, &from, &to))
		return;
	if (api__query_int64(req, "limit", 500, 1, 5000, &limit) != ECC_OK ||
	    api__query_int64(req, "offset", 0, 0, G_MAXINT32, &offset) != ECC_OK) {
		ecc_req_error(req, 400, "bad_request", "limit 1..5000, offset >= 0");
		return;
	}
	o = ecc_recordings_list(req->hub->recordings, u->id, from, to, (int)limit, (int)offset);
	if (!o) {
		ecc_router_fail(req, ECC_ERR_DB, NULL);
		return;
	}
	ecc_req_json(req, 200, o);
}

void api_units_playback(struct ecc_req *req)
{
	const struct ecc_unit *u = api__unit_param(req, req->params[0]);
	int64_t from, to;
	char *m3u8, *detail;

	if (!u || !range_params(req, &from, &to))
		return;
	m3u8 =
	    ecc_recordings_playlist(req->hub->recordings, u->id, from, to, "/api/v1/recordings/");
	if (!m3u8) {
		ecc_router_fail(req, ECC_ERR_DB, NULL);
		return;
	}
	detail = g_strdup_printf("{\"from\":%" G_GINT64_FORMAT ",\"to\":%" G_GINT64_FORMAT "}",
	                         (gint64)from, (gint64)to);
	audit_view(req, "recording.playback", u->id, detail);
	g_free(detail);
	g_free(req->resp_body);
	req->status = 200;
	req->resp_body = m3u8;
	req->resp_len = strlen(m3u8);
	req->content_type = "application/vnd.apple.mpegurl";
	req->answered = true;
}

static bool recording_param(struct ecc_req *req, int64_t *id, char **path)
{
	char unit[65] = "";
	int64_t room = 0;
	int rc;

	if (!api__param_id(req, 0, id)) {
		ecc_req_error(req, 400, "bad_request", "recording id must be a positive integer");
		return false;
	}
	rc = ecc_recordings_file(req->hub->recordings, *id, path, unit, &room);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc, rc == ECC_ERR_NOTFOUND ? "no such recording" : NULL);
		return false;
	}
	if (room) {
		/* a consultation room's: whoever may see the room (rooms.h) */
		cJSON *o = NULL;
		rc = ecc_rooms_get(req->hub->rooms, &req->user, room, &o);
		cJSON_Delete(o);
		if (rc == ECC_OK)
			return true;
		ecc_router_fail(req, rc, rc == ECC_ERR_NOTFOUND ? "no such recording" : NULL);
		g_free(*path);
		*path = NULL;
		return false;
	}
	if (!api__unit_param(req, unit)) {
		g_free(*path);
		*path = NULL;
		return false;
	}
	return true;
}

void api_recordings_get(struct ecc_req *req)
{
	int64_t id;
	char *path = NULL;
	cJSON *o;

	if (!recording_param(req, &id, &path))
		return;
	g_free(path);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "recording", ecc_recordings_get(req->hub->recordings, id));
	ecc_req_json(req, 200, o);
}

/* (user, recording) -> last audited view, mono ms; lives for the process. */
static GHashTable *views;

void api_recordings_file(struct ecc_req *req)
{
	int64_t id, now = ecc_mono_ms();
	char *path = NULL, *key, target[40];
	gint64 *last;

	if (!recording_param(req, &id, &path))
		return;
	if (!views)
		views = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	key = g_strdup_printf("%s/%" G_GINT64_FORMAT, req->user.username, (gint64)id);
	last = g_hash_table_lookup(views, key);
	if (!last || now - *last > VIEW_AUDIT_MS) {
		gint64 *v = g_new(gint64, 1);
		*v = now;
		g_snprintf(target, sizeof(target), "recording:%" G_GINT64_FORMAT, (gint64)id);
		audit_view(req, "recording.view", target, NULL);
		g_hash_table_replace(views, key, v);
	} else {
		g_free(key);
	}
	ecc_req_file(req, path, "video/mp4");
	g_free(path);
}

static void lock(struct ecc_req *req, bool on)
{
	int64_t id;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "recording id must be a positive integer");
		return;
	}
	rc = ecc_recordings_lock(req->hub->recordings, id, on, req->user.username, req->ip);
	if (rc != ECC_OK)
		ecc_router_fail(req, rc,
		                rc == ECC_ERR_NOTFOUND ? "no such recording"
		                : rc == ECC_ERR_EXISTS
		                    ? "the recording is being deleted by retention"
		                : rc == ECC_ERR_FORBIDDEN
		                    ? "the recording is evidence of an operation: it stays locked"
		                    : NULL);
	else
		api__ok(req);
}

void api_recordings_lock(struct ecc_req *req)
{
	lock(req, true);
}

void api_recordings_unlock(struct ecc_req *req)
{
	lock(req, false);
}

void api_recordings_delete(struct ecc_req *req)
{
	int64_t id;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 400, "bad_request", "recording id must be a positive integer");
		return;
	}
	rc = ecc_recordings_delete(req->hub->recordings, id, req->user.username, req->ip);
	if (rc == ECC_OK) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ordered", true);
		ecc_req_json(req, 202, o);
		return;
	}
	ecc_router_fail(req, rc,
	                rc == ECC_ERR_NOTFOUND ? "no such recording"
	                : rc == ECC_ERR_FORBIDDEN
	                    ? "the recording is locked as evidence: nobody deletes it"
	                : rc == ECC_ERR_UNAVAIL ? "the recording's gateway is offline"
	                                        : NULL);
}
