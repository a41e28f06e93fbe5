/* gwconfig: defaults and key-file loading of the gateway's settings. */
#include "gwconfig.h"
#include "ecc_err.h"
#include "ecc_topic.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

void ecc_gwconfig_init(struct ecc_gwconfig *c)
{
	memset(c, 0, sizeof(*c));
	c->id = g_strdup("gw1");
	c->capacity = 64;
	c->recordings = g_strdup("recordings");
	c->snapshots = g_strdup("snapshots");
	c->segment_seconds = 60;
	c->snapshot_seconds = 5;
	c->disk_low_mb = 500;
	c->rtsp_latency_ms = 200;
	c->mqtt_host = g_strdup("127.0.0.1");
	c->mqtt_port = 1883;
}

static void str(GKeyFile *kf, const char *g, const char *k, char **f)
{
	char *v = g_key_file_get_string(kf, g, k, NULL);

	if (v) {
		g_free(*f);
		*f = v;
	}
}

static int num(GKeyFile *kf, const char *g, const char *k, int *f, int lo, int hi, char *why)
{
	GError *err = NULL;
	int v;

	if (!g_key_file_has_key(kf, g, k, NULL))
		return ECC_OK;
	v = g_key_file_get_integer(kf, g, k, &err);
	if (err || v < lo || v > hi) {
		snprintf(why, 256, "[%s] %s must be a number in %d..%d", g, k, lo, hi);
		g_clear_error(&err);
		return ECC_ERR_INVAL;
	}
	*f = v;
	return ECC_OK;
}

int ecc_gwconfig_load(struct ecc_gwconfig *c, const char *path, char *why)
{
	GKeyFile *kf = g_key_file_new();
	GError *err = NULL;
	int rc = ECC_OK;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
		snprintf(why, 256, "%s: %s", path, err->message);
		g_error_free(err);
		g_key_file_free(kf);
		return ECC_ERR_IO;
	}
	str(kf, "gateway", "id", &c->id);
	str(kf, "gateway", "recordings", &c->recordings);
	str(kf, "gateway", "snapshots", &c->snapshots);
	str(kf, "mqtt", "host", &c->mqtt_host);
	str(kf, "mqtt", "username", &c->mqtt_username);
	str(kf, "mqtt", "password", &c->mqtt_password);
	str(kf, "webrtc", "stun", &c->stun);
	str(kf, "webrtc", "turn", &c->turn);
	if (g_key_file_has_key(kf, "webrtc", "addresses", NULL)) {
		char *v = g_key_file_get_string(kf, "webrtc", "addresses", NULL);
		char **parts = g_strsplit_set(v ? v : "", ";, ", -1);
		GPtrArray *list = g_ptr_array_new();
		for (char **p = parts; *p; p++)
			if (**p)
				g_ptr_array_add(list, g_strdup(*p));
		g_ptr_array_add(list, NULL);
		g_strfreev(c->webrtc_addresses);
		c->webrtc_addresses = (char **)g_ptr_array_free(list, FALSE);
		g_strfreev(parts);
		g_free(v);
	}
	if (rc == ECC_OK)
		rc = num(kf, "gateway", "capacity", &c->capacity, 1, 10000, why);
	if (rc == ECC_OK)
		rc = num(kf, "gateway", "segment_seconds", &c->segment_seconds, 2, 3600, why);
	if (rc == ECC_OK)
		rc = num(kf, "gateway", "snapshot_seconds", &c->snapshot_seconds, 1, 3600, why);
	if (rc == ECC_OK)
		rc = num(kf, "gateway", "disk_low_mb", &c->disk_low_mb, 0, 10000000, why);
	if (rc == ECC_OK)
		rc = num(kf, "gateway", "rtsp_latency_ms", &c->rtsp_latency_ms, 0, 10000, why);
	if (rc == ECC_OK)
		rc = num(kf, "mqtt", "port", &c->mqtt_port, 1, 65535, why);
	if (rc == ECC_OK)
		rc = num(kf, "webrtc", "keyframe_requests", &c->keyframe_requests, 0, 1, why);
	g_key_file_free(kf);
	if (rc == ECC_OK && !ecc_id_valid(c->id)) {
		snprintf(why, 256, "[gateway] id must be [A-Za-z0-9_.-]{1,64}");
		rc = ECC_ERR_INVAL;
	}
	return rc;
}

void ecc_gwconfig_clear(struct ecc_gwconfig *c)
{
	g_free(c->id);
	g_free(c->recordings);
	g_free(c->snapshots);
	g_free(c->mqtt_host);
	g_free(c->mqtt_username);
	g_free(c->mqtt_password);
	g_strfreev(c->webrtc_addresses);
	g_free(c->stun);
	g_free(c->turn);
	memset(c, 0, sizeof(*c));
}
