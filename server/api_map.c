/* api_map: the map's settings and its optional local overlay. */
#include "api.h"
#include "ecc_err.h"

void api_map(struct ecc_req *req)
{
	const struct ecc_config *c = req->hub->cfg;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "center_lat", c->map_center_lat);
	cJSON_AddNumberToObject(o, "center_lon", c->map_center_lon);
	cJSON_AddNumberToObject(o, "zoom", c->map_zoom);
	cJSON_AddStringToObject(o, "tiles", c->map_tiles);
	cJSON_AddStringToObject(o, "tiles_attribution", c->map_tiles_attribution);
	cJSON_AddBoolToObject(o, "tiles_gcj02", c->map_tiles_gcj02);
	cJSON_AddBoolToObject(o, "overlay", *c->map_overlay != '\0');
	ecc_req_json(req, 200, o);
}

void api_map_overlay(struct ecc_req *req)
{
	const struct ecc_config *c = req->hub->cfg;
	char *text = NULL;
	gsize len = 0;
	cJSON *o;

	if (!*c->map_overlay || !g_file_get_contents(c->map_overlay, &text, &len, NULL)) {
		ecc_req_error(req, 404, "not_found", "no map overlay is configured");
		return;
	}
	o = cJSON_ParseWithLength(text, len);
	g_free(text);
	if (!o) {
		ecc_req_error(req, 500, "internal", "the configured overlay is not JSON");
		return;
	}
	ecc_req_json(req, 200, o);
}
