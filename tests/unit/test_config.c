/* Specifications of config: the hub's defaults, what a key file may change,
 * and that a bad value is refused with a reason that names its key. */
#include "config.h"
#include "ecc_err.h"
#include "testutil.h"

#include <glib.h>
#include <string.h>

struct fx {
	char *dir;
	char *path;
	struct ecc_config c;
	char why[ECC_CONFIG_WHY];
};

static void fx_setup(struct fx *f, gconstpointer data)
{
	(void)data;
	f->dir = ecc_test_tmpdir();
	f->path = g_build_filename(f->dir, "hub.conf", NULL);
	ecc_config_init(&f->c);
	f->why[0] = '\0';
}

static void fx_teardown(struct fx *f, gconstpointer data)
{
	(void)data;
	ecc_config_clear(&f->c);
	ecc_test_rmtree(f->dir);
	g_free(f->path);
	g_free(f->dir);
}

/* Writes text as the key file and loads it. */
static int load(struct fx *f, const char *text)
{
	g_assert_true(g_file_set_contents(f->path, text, -1, NULL));
	f->why[0] = '\0';
	return ecc_config_load(&f->c, f->path, f->why);
}

static void assert_refused(struct fx *f, const char *text, const char *want)
{
	g_test_message("key file:\n%s", text);
	g_assert_cmpint(load(f, text), ==, ECC_ERR_INVAL);
	g_test_message("why: %s", f->why);
	g_assert_nonnull(strstr(f->why, want));
}

static void test_defaults(struct fx *f, gconstpointer data)
{
	const struct ecc_config *c = &f->c;

	(void)data;
	g_assert_cmpstr(c->listen, ==, "127.0.0.1");
	g_assert_cmpint(c->port, ==, 8080);
	g_assert_cmpstr(c->database, ==, "ecc.db");
	g_assert_cmpstr(c->tls_cert, ==, "");
	g_assert_cmpstr(c->tls_key, ==, "");
	g_assert_cmpstr(c->court_name, ==, "南岔县人民法院");
	g_assert_cmpstr(c->mqtt_host, ==, "127.0.0.1");
	g_assert_cmpint(c->mqtt_port, ==, 1883);
	g_assert_cmpstr(c->mqtt_client_id, ==, "ecc-hub");
	g_assert_true(c->mqtt_provision);
	g_assert_cmpint(c->idle_timeout, ==, 1800);
	g_assert_cmpint(c->lockout_attempts, ==, 5);
	g_assert_cmpint(c->lockout_seconds, ==, 900);
	g_assert_cmpint(c->password_min_length, ==, 10);
	g_assert_cmpint(c->password_min_classes, ==, 3);
	g_assert_cmpint(c->http_body_max, ==, 65536);
	g_assert_cmpint(c->ws_message_max, ==, 16384);
	g_assert_cmpint(c->batch_ms, ==, 100);
	g_assert_cmpint(c->offline_after, ==, 60);
	g_assert_cmpint(c->battery_low, ==, 20);
	g_assert_cmpint(c->max_track_points, ==, 5000);
	g_assert_cmpint(c->escalate_after, ==, 120);
	g_assert_cmpfloat(c->map_center_lat, ==, 47.138);
	g_assert_cmpfloat(c->map_center_lon, ==, 129.286);
	g_assert_cmpint(c->map_zoom, ==, 13);
	g_assert_cmpint(c->gps_count, ==, 0);
	/* the defaults pass the checks (www pointed at a folder that exists) */
	g_free(f->c.www);
	f->c.www = g_strdup(f->dir);
	g_assert_cmpint(ecc_config_check(&f->c, f->why), ==, ECC_OK);
}

static void test_file_overrides(struct fx *f, gconstpointer data)
{
	char *text = ecc_test_fixture("unit/hub.conf", NULL);

	(void)data;
	g_assert_cmpint(load(f, text), ==, ECC_OK);
	g_assert_cmpstr(f->c.listen, ==, "0.0.0.0");
	g_assert_cmpint(f->c.port, ==, 8443);
	g_assert_cmpstr(f->c.database, ==, "/var/lib/ecc/ecc.db");
	g_assert_cmpstr(f->c.court_name, ==, "某某县人民法院");
	g_assert_cmpint(f->c.mqtt_port, ==, 8883);
	g_assert_false(f->c.mqtt_provision);
	g_assert_cmpint(f->c.idle_timeout, ==, 600);
	g_assert_cmpint(f->c.lockout_attempts, ==, 3);
	g_assert_cmpint(f->c.password_min_length, ==, 12);
	g_assert_cmpint(f->c.max_track_points, ==, 2000);
	g_assert_cmpfloat(f->c.map_center_lat, ==, 46.5);
	g_assert_cmpfloat(f->c.map_center_lon, ==, 128.25);
	g_assert_cmpstr(f->c.map_tiles, ==, "https://tiles.example/{z}/{x}/{y}.png");
	/* what the file does not name keeps its default */
	g_assert_cmpstr(f->c.mqtt_host, ==, "127.0.0.1");
	g_assert_cmpint(f->c.lockout_seconds, ==, 900);
	g_assert_cmpint(f->c.ws_message_max, ==, 16384);
	g_assert_cmpint(f->c.map_zoom, ==, 13);
	g_free(text);
}

static void test_out_of_range(struct fx *f, gconstpointer data)
{
	(void)data;
	assert_refused(f, "[auth]\nidle_timeout=5\n", "idle_timeout");
	assert_refused(f, "[auth]\nidle_timeout=5\n", "outside 10..");
	assert_refused(f, "[hub]\nport=70000\n", "[hub] port");
	assert_refused(f, "[mqtt]\nport=0\n", "[mqtt] port");
	assert_refused(f, "[auth]\nlockout_attempts=0\n", "lockout_attempts");
	assert_refused(f, "[auth]\npassword_min_classes=5\n", "password_min_classes");
	assert_refused(f, "[auth]\npassword_min_length=4\n", "password_min_length");
	assert_refused(f, "[limits]\nhttp_body_max=100\n", "http_body_max");
	assert_refused(f, "[telemetry]\nbattery_low=101\n", "battery_low");
	assert_refused(f, "[map]\ncenter_lat=91\n", "center_lat");
	assert_refused(f, "[map]\ncenter_lon=-180.5\n", "center_lon");
	assert_refused(f, "[map]\nzoom=20\n", "zoom");
}

static void test_wrong_type(struct fx *f, gconstpointer data)
{
	(void)data;
	assert_refused(f, "[hub]\nport=eighty\n", "port");
	assert_refused(f, "[auth]\nlockout_seconds=1.5\n", "lockout_seconds");
	assert_refused(f, "[mqtt]\nprovision=maybe\n", "provision");
	assert_refused(f, "[map]\ncenter_lat=north\n", "center_lat");
}

static void test_gps_groups(struct fx *f, gconstpointer data)
{
	(void)data;
	g_assert_cmpint(load(f, "[gps.vehicle1]\nhost=10.1.2.3\nport=2948\nunit=veh-01\n"
	                        "[gps.vehicle2]\nunit=veh-02\n"),
	                ==, ECC_OK);
	g_assert_cmpint(f->c.gps_count, ==, 2);
	g_assert_cmpstr(f->c.gps[0].name, ==, "vehicle1");
	g_assert_cmpstr(f->c.gps[0].host, ==, "10.1.2.3");
	g_assert_cmpint(f->c.gps[0].port, ==, 2948);
	g_assert_cmpstr(f->c.gps[0].unit, ==, "veh-01");
	g_assert_cmpstr(f->c.gps[1].name, ==, "vehicle2");
	g_assert_cmpstr(f->c.gps[1].host, ==, "127.0.0.1"); /* defaults */
	g_assert_cmpint(f->c.gps[1].port, ==, 2947);
	g_assert_cmpstr(f->c.gps[1].unit, ==, "veh-02");
}

static void test_gps_group_needs_unit(struct fx *f, gconstpointer data)
{
	(void)data;
	assert_refused(f, "[gps.v1]\nhost=10.1.2.3\n", "[gps.v1] needs unit");
	ecc_config_clear(&f->c);
	ecc_config_init(&f->c);
	assert_refused(f, "[gps.v1]\nunit=veh/01\n", "[gps.v1] needs unit");
	ecc_config_clear(&f->c);
	ecc_config_init(&f->c);
	assert_refused(f, "[gps.v1]\nunit=#\n", "[gps.v1] needs unit");
}

static void test_gps_port_range(struct fx *f, gconstpointer data)
{
	(void)data;
	/* like every other port, a receiver's port is 1..65535 */
	assert_refused(f, "[gps.v1]\nport=70000\nunit=veh-01\n", "port");
	ecc_config_clear(&f->c);
	ecc_config_init(&f->c);
	assert_refused(f, "[gps.v1]\nport=-1\nunit=veh-01\n", "port");
	ecc_config_clear(&f->c);
	ecc_config_init(&f->c);
	/* a typo is an error, not silently the default 2947 */
	assert_refused(f, "[gps.v1]\nport=29470x\nunit=veh-01\n", "port");
}

static void test_gps_group_limit(struct fx *f, gconstpointer data)
{
	GString *s = g_string_new(NULL);

	(void)data;
	for (int i = 0; i <= ECC_GPS_MAX; i++)
		g_string_append_printf(s, "[gps.r%d]\nunit=veh-%d\n", i, i);
	assert_refused(f, s->str, "at most 16");
	g_assert_cmpint(f->c.gps_count, ==, ECC_GPS_MAX);
	g_string_free(s, TRUE);
}

static void test_tls_pair(struct fx *f, gconstpointer data)
{
	(void)data;
	g_free(f->c.www);
	f->c.www = g_strdup(f->dir);
	g_assert_cmpint(load(f, "[hub]\ntls_cert=/etc/ecc/cert.pem\n"), ==, ECC_OK);
	g_assert_cmpint(ecc_config_check(&f->c, f->why), ==, ECC_ERR_INVAL);
	g_assert_nonnull(strstr(f->why, "tls_cert and tls_key"));
	g_assert_cmpint(load(f, "[hub]\ntls_cert=\ntls_key=/etc/ecc/key.pem\n"), ==, ECC_OK);
	g_assert_cmpint(ecc_config_check(&f->c, f->why), ==, ECC_ERR_INVAL);
	g_assert_nonnull(strstr(f->why, "tls_cert and tls_key"));
	g_assert_cmpint(load(f, "[hub]\ntls_cert=/etc/ecc/cert.pem\ntls_key=/etc/ecc/key.pem\n"),
	                ==, ECC_OK);
	g_assert_cmpint(ecc_config_check(&f->c, f->why), ==, ECC_OK);
}

static void test_check_other(struct fx *f, gconstpointer data)
{
	(void)data;
	g_free(f->c.www);
	f->c.www = g_strdup(f->dir);
	g_assert_cmpint(load(f, "[hub]\ndatabase=\n"), ==, ECC_OK);
	g_assert_cmpint(ecc_config_check(&f->c, f->why), ==, ECC_ERR_INVAL);
	g_assert_nonnull(strstr(f->why, "database"));
	g_assert_cmpint(load(f, "[hub]\ndatabase=x.db\n[mqtt]\nclient_id=hub/1\n"), ==, ECC_OK);
	g_assert_cmpint(ecc_config_check(&f->c, f->why), ==, ECC_ERR_INVAL);
	g_assert_nonnull(strstr(f->why, "client_id"));
	/* a www that is not a folder is only a warning */
	g_assert_cmpint(load(f, "[mqtt]\nclient_id=hub-1\n[hub]\nwww=/nonexistent/www\n"), ==,
	                ECC_OK);
	g_test_expect_message("ecc-config", G_LOG_LEVEL_WARNING, "*www*not a folder*");
	g_assert_cmpint(ecc_config_check(&f->c, f->why), ==, ECC_OK);
	g_test_assert_expected_messages();
}

static void test_unreadable(struct fx *f, gconstpointer data)
{
	char *missing = g_build_filename(f->dir, "missing.conf", NULL);

	(void)data;
	g_assert_cmpint(ecc_config_load(&f->c, missing, f->why), ==, ECC_ERR_IO);
	g_assert_nonnull(strstr(f->why, "missing.conf"));
	g_assert_cmpint(load(f, "this is not a key file\n"), ==, ECC_ERR_IO);
	/* nothing changed */
	g_assert_cmpint(f->c.port, ==, 8080);
	g_free(missing);
}

static void test_unknown_group(struct fx *f, gconstpointer data)
{
	(void)data;
	g_test_expect_message("ecc-config", G_LOG_LEVEL_WARNING, "*unknown group [hbu]*");
	g_assert_cmpint(load(f, "[hbu]\nport=1\n"), ==, ECC_OK);
	g_test_assert_expected_messages();
	g_assert_cmpint(f->c.port, ==, 8080);
}

static void test_clear(struct fx *f, gconstpointer data)
{
	(void)data;
	g_assert_cmpint(load(f, "[hub]\nlisten=::1\n[gps.a]\nunit=u1\n"), ==, ECC_OK);
	ecc_config_clear(&f->c);
	g_assert_null(f->c.listen);
	g_assert_cmpint(f->c.gps_count, ==, 0);
	ecc_config_clear(&f->c); /* twice is harmless */
	ecc_config_init(&f->c);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, struct fx, NULL, fx_setup, fn, fx_teardown)
	ADD("/config/defaults are the documented ones and pass the checks", test_defaults);
	ADD("/config/a key file overrides what it names and keeps the rest", test_file_overrides);
	ADD("/config/an out-of-range number is refused with a reason naming the key",
	    test_out_of_range);
	ADD("/config/a value of the wrong type is refused naming the key", test_wrong_type);
	ADD("/config/[gps.NAME] groups become receivers with default host and port",
	    test_gps_groups);
	ADD("/config/a [gps.NAME] group without a valid unit is refused",
	    test_gps_group_needs_unit);
	ADD("/config/a [gps.NAME] port outside 1..65535 or not a number is refused",
	    test_gps_port_range);
	ADD("/config/more than ECC_GPS_MAX [gps.NAME] groups are refused", test_gps_group_limit);
	ADD("/config/tls_cert without tls_key, or the reverse, is refused", test_tls_pair);
	ADD("/config/an empty database or a bad client_id is refused by the check",
	    test_check_other);
	ADD("/config/an unreadable file is ECC_ERR_IO", test_unreadable);
	ADD("/config/an unknown group is ignored with a warning", test_unknown_group);
	ADD("/config/clear frees every string", test_clear);
#undef ADD
	return g_test_run();
}
