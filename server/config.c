/* config: defaults, key-file loading and checks of the hub's settings. */
#define G_LOG_DOMAIN "ecc-config"

#include "config.h"
#include "ecc_err.h"
#include "ecc_topic.h"

#include <glib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#ifndef ECC_WWW_DIR
#define ECC_WWW_DIR "www"
#endif
#ifndef ECC_CALENDAR_DIR
#define ECC_CALENDAR_DIR "calendar"
#endif

enum key_type { K_STR, K_INT, K_BOOL, K_DOUBLE };

struct key {
	const char *group;
	const char *name;
	enum key_type type;
	size_t offset;
	const char *def; /* default, as written in a key file */
	int min, max;    /* K_INT range */
};

#define S(g, n, f, d)                                                                              \
	{                                                                                          \
		g, n, K_STR, offsetof(struct ecc_config, f), d, 0, 0                               \
	}
#define I(g, n, f, d, lo, hi)                                                                      \
	{                                                                                          \
		g, n, K_INT, offsetof(struct ecc_config, f), #d, lo, hi                            \
	}
#define B(g, n, f, d)                                                                              \
	{                                                                                          \
		g, n, K_BOOL, offsetof(struct ecc_config, f), d, 0, 1                              \
	}
#define D(g, n, f, d, lo, hi)                                                                      \
	{                                                                                          \
		g, n, K_DOUBLE, offsetof(struct ecc_config, f), #d, lo, hi                         \
	}

/* Every key of the hub; README.md's configuration reference lists each. */
static const struct key keys[] = {
    S("hub", "listen", listen, "127.0.0.1"),
    I("hub", "port", port, 8080, 0, 65535),
    S("hub", "www", www, ECC_WWW_DIR),
    S("hub", "database", database, "ecc.db"),
    S("hub", "tls_cert", tls_cert, ""),
    S("hub", "tls_key", tls_key, ""),
    S("hub", "court_name", court_name, "南岔县人民法院"),
    S("hub", "admin_password_file", admin_password_file, ""),
    S("mqtt", "host", mqtt_host, "127.0.0.1"),
    I("mqtt", "port", mqtt_port, 1883, 1, 65535),
    S("mqtt", "client_id", mqtt_client_id, "ecc-hub"),
    S("mqtt", "username", mqtt_username, "ecc-hub"),
    S("mqtt", "password", mqtt_password, ""),
    S("mqtt", "cafile", mqtt_cafile, ""),
    I("mqtt", "session_expiry", mqtt_session_expiry, 86400, 0, 2147483647),
    B("mqtt", "provision", mqtt_provision, "true"),
    I("auth", "idle_timeout", idle_timeout, 1800, 10, 86400 * 7),
    I("auth", "lockout_attempts", lockout_attempts, 5, 1, 100),
    I("auth", "lockout_seconds", lockout_seconds, 900, 1, 86400 * 7),
    I("auth", "password_min_length", password_min_length, 10, 8, 128),
    I("auth", "password_min_classes", password_min_classes, 3, 1, 4),
    I("limits", "http_body_max", http_body_max, 65536, 1024, 64 * 1024 * 1024),
    I("limits", "ws_message_max", ws_message_max, 16384, 512, 1024 * 1024),
    I("limits", "ws_rate", ws_rate, 50, 1, 100000),
    I("telemetry", "batch_ms", batch_ms, 100, 10, 10000),
    I("telemetry", "offline_after", offline_after, 60, 2, 86400),
    I("telemetry", "battery_low", battery_low, 20, 0, 100),
    I("telemetry", "max_future_skew", max_future_skew, 300, 0, 86400),
    I("telemetry", "max_track_points", max_track_points, 5000, 10, 1000000),
    I("alerts", "escalate_after", escalate_after, 120, 1, 86400),
    I("duty", "signin_grace", duty_signin_grace, 600, 1, 86400),
    I("recordings", "retention_days", retention_days, 180, 1, 36500),
    I("recordings", "retention_check", retention_check, 60, 1, 86400),
    D("map", "center_lat", map_center_lat, 47.138, -90, 90),
    D("map", "center_lon", map_center_lon, 129.286, -180, 180),
    I("map", "zoom", map_zoom, 13, 1, 19),
    S("map", "tiles", map_tiles, ""),
    S("map", "tiles_attribution", map_tiles_attribution, ""),
    B("map", "tiles_gcj02", map_tiles_gcj02, "false"),
    S("map", "overlay", map_overlay, ""),
    S("webrtc", "stun", webrtc_stun, ""),
    S("webrtc", "turn", webrtc_turn, ""),
    S("webrtc", "turn_username", webrtc_turn_username, ""),
    S("webrtc", "turn_password", webrtc_turn_password, ""),
    S("cases", "calendars", cases_calendars, ECC_CALENDAR_DIR),
    I("cases", "scan_seconds", cases_scan_seconds, 60, 1, 3600),
    I("instructions", "resend_after", instr_resend_after, 60, 1, 86400),
    I("instructions", "resend_max", instr_resend_max, 3, 0, 100),
    I("reports", "escalate_after", reports_escalate_after, 300, 1, 86400),
    I("incidents", "radius", incidents_radius, 100, 5, 100000),
    I("incidents", "urgent_deadline", incidents_urgent_deadline, 7200, 1, 86400 * 7),
    S("evidence", "signing_key", evidence_key, "evidence.key"),
    S("evidence", "tsa_url", evidence_tsa_url, ""),
    I("evidence", "tsa_timeout", evidence_tsa_timeout, 10, 1, 120),
    {NULL, NULL, K_STR, 0, NULL, 0, 0},
};

#undef S
#undef I
#undef B
#undef D

static void *field(struct ecc_config *c, const struct key *k)
{
	return (char *)c + k->offset;
}

static void why_set(char *why, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void why_set(char *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, ECC_CONFIG_WHY, fmt, ap);
	va_end(ap);
}

void ecc_config_init(struct ecc_config *c)
{
	memset(c, 0, sizeof(*c));
	for (const struct key *k = keys; k->group; k++) {
		void *f = field(c, k);
		switch (k->type) {
		case K_STR:
			*(char **)f = g_strdup(k->def);
			break;
		case K_INT:
			*(int *)f = atoi(k->def);
			break;
		case K_BOOL:
			*(bool *)f = !strcmp(k->def, "true");
			break;
		case K_DOUBLE:
			*(double *)f = g_ascii_strtod(k->def, NULL);
			break;
		}
	}
}

static int load_gps(struct ecc_config *c, GKeyFile *kf, const char *group, char *why)
{
	struct ecc_gps_receiver *r;
	GError *err = NULL;

	if (c->gps_count >= ECC_GPS_MAX) {
		why_set(why, "at most %d [gps.*] groups", ECC_GPS_MAX);
		return ECC_ERR_INVAL;
	}
	r = &c->gps[c->gps_count++];
	r->name = g_strdup(group + 4);
	r->host = g_key_file_get_string(kf, group, "host", NULL);
	if (!r->host)
		r->host = g_strdup("127.0.0.1");
	r->port = 2947;
	if (g_key_file_has_key(kf, group, "port", NULL)) {
		r->port = g_key_file_get_integer(kf, group, "port", &err);
		if (err || r->port < 1 || r->port > 65535) {
			why_set(why, "[%s] port must be a number in 1..65535", group);
			g_clear_error(&err);
			return ECC_ERR_INVAL;
		}
	}

	r->unit = g_key_file_get_string(kf, group, "unit", NULL);
	if (!r->unit || !ecc_id_valid(r->unit)) {
		why_set(why, "[%s] needs unit = a valid unit id", group);
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

int ecc_config_load(struct ecc_config *c, const char *path, char *why)
{
	GKeyFile *kf = g_key_file_new();
	GError *err = NULL;
	gchar **groups;
	int rc = ECC_OK;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
		why_set(why, "%s: %s", path, err->message);
		g_error_free(err);
		g_key_file_free(kf);
		return ECC_ERR_IO;
	}
	for (const struct key *k = keys; k->group && rc == ECC_OK; k++) {
		void *f = field(c, k);
		if (!g_key_file_has_key(kf, k->group, k->name, NULL))
			continue;
		switch (k->type) {
		case K_STR: {
			char *v = g_key_file_get_string(kf, k->group, k->name, &err);
			if (v) {
				g_free(*(char **)f);
				*(char **)f = v;
			}
			break;
		}
		case K_INT: {
			int v = g_key_file_get_integer(kf, k->group, k->name, &err);
			if (!err && (v < k->min || v > k->max)) {
				why_set(why, "[%s] %s = %d is outside %d..%d", k->group, k->name, v,
				        k->min, k->max);
				rc = ECC_ERR_INVAL;
			}
			if (!err)
				*(int *)f = v;
			break;
		}
		case K_BOOL: {
			gboolean v = g_key_file_get_boolean(kf, k->group, k->name, &err);
			if (!err)
				*(bool *)f = v;
			break;
		}
		case K_DOUBLE: {
			double v = g_key_file_get_double(kf, k->group, k->name, &err);
			if (!err && (v < k->min || v > k->max)) {
				why_set(why, "[%s] %s = %g is outside %d..%d", k->group, k->name, v,
				        k->min, k->max);
				rc = ECC_ERR_INVAL;
			}
			if (!err)
				*(double *)f = v;
			break;
		}
		}
		if (err) {
			why_set(why, "[%s] %s: %s", k->group, k->name, err->message);
			g_clear_error(&err);
			rc = ECC_ERR_INVAL;
		}
	}
	groups = g_key_file_get_groups(kf, NULL);
	for (gchar **g = groups; rc == ECC_OK && *g; g++) {
		if (g_str_has_prefix(*g, "gps."))
			rc = load_gps(c, kf, *g, why);
		else if (strcmp(*g, "hub") && strcmp(*g, "mqtt") && strcmp(*g, "auth") &&
		         strcmp(*g, "limits") && strcmp(*g, "telemetry") && strcmp(*g, "alerts") &&
		         strcmp(*g, "map") && strcmp(*g, "recordings") && strcmp(*g, "webrtc") &&
		         strcmp(*g, "cases"))

			g_warning("%s: unknown group [%s] ignored", path, *g);
	}
	g_strfreev(groups);
	g_key_file_free(kf);
	return rc;
}

int ecc_config_check(const struct ecc_config *c, char *why)
{
	if (!*c->database) {
		why_set(why, "[hub] database is empty");
		return ECC_ERR_INVAL;
	}
	if ((*c->tls_cert != '\0') != (*c->tls_key != '\0')) {
		why_set(why, "[hub] tls_cert and tls_key go together");
		return ECC_ERR_INVAL;
	}
	if (!ecc_id_valid(c->mqtt_client_id)) {
		why_set(why, "[mqtt] client_id must be [A-Za-z0-9_.-]{1,64}");
		return ECC_ERR_INVAL;
	}
	if (!g_file_test(c->www, G_FILE_TEST_IS_DIR))
		g_warning("[hub] www = %s is not a folder; the pages will answer 404", c->www);
	return ECC_OK;
}

void ecc_config_clear(struct ecc_config *c)
{
	for (const struct key *k = keys; k->group; k++)
		if (k->type == K_STR)
			g_free(*(char **)field(c, k));
	for (int i = 0; i < c->gps_count; i++) {
		g_free(c->gps[i].name);
		g_free(c->gps[i].host);
		g_free(c->gps[i].unit);
	}
	memset(c, 0, sizeof(*c));
}

void ecc_config_print_keys(void)
{
	for (const struct key *k = keys; k->group; k++)
		printf("%s.%s\t%s\n", k->group, k->name, k->def);
	printf("gps.NAME.host\t127.0.0.1\ngps.NAME.port\t2947\ngps.NAME.unit\t\n");
}
