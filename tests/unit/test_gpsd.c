/* Specifications of proto_gpsd: which gpsd reports give a position (a TPV
 * with a 2D or 3D fix and a time), which are ignored, which are refused. The
 * reports in tests/fixtures/unit/gpsd/ were printed by gpsd 3.22 itself. */
#include "proto_gpsd.h"
#include "ecc_err.h"
#include "testutil.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static int parse(const char *s, size_t n, struct ecc_position *p, char why[ECC_WHY_MAX])
{
	why[0] = '\0';
	return ecc_proto_gpsd_parse(s, n, p, why);
}

static void assert_rc(const char *s, int rc, const char *want)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_test_message("input: %.300s", s);
	g_assert_cmpint(parse(s, strlen(s), &p, why), ==, rc);
	g_test_message("why: %s", why);
	if (want)
		g_assert_nonnull(strstr(why, want));
}

static void assert_fixture_rc(const char *name, int rc)
{
	char *s = ecc_test_fixture(name, NULL);

	assert_rc(s, rc, NULL);
	g_free(s);
}

static void test_tpv_3d(void)
{
	size_t n;
	char *s = ecc_test_fixture("unit/gpsd/tpv-3d.json", &n);
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse(s, n, &p, why), ==, ECC_OK);
	g_assert_cmpint(p.ts, ==, G_GINT64_CONSTANT(1709296493780)); /* 12:34:53.780Z */
	g_assert_cmpfloat_with_epsilon(p.lat, 47.138, 1e-9);
	g_assert_cmpfloat_with_epsilon(p.lon, 129.286, 1e-9);
	g_assert_cmpfloat_with_epsilon(p.alt, 215.3, 1e-6); /* altMSL, not altHAE */
	g_assert_cmpfloat_with_epsilon(p.speed, 6.328, 1e-6);
	g_assert_cmpfloat_with_epsilon(p.heading, 271.4, 1e-6);
	g_assert_cmpfloat_with_epsilon(p.acc, 17.1, 1e-6); /* eph */
	g_assert_cmpint(p.battery, ==, -1);
	g_assert_cmpint(p.signal, ==, -1);
	g_assert_cmpint(p.source, ==, ECC_SRC_GPSD);
	g_assert_true(ecc_position_valid(&p));
	/* the same line without its newline */
	g_assert_cmpint(parse(s, n - 1, &p, why), ==, ECC_OK);
	g_free(s);
}

static void test_tpv_2d(void)
{
	size_t n;
	char *s = ecc_test_fixture("unit/gpsd/tpv-2d.json", &n);
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse(s, n, &p, why), ==, ECC_OK);
	g_assert_cmpint(p.ts, ==, G_GINT64_CONSTANT(1709296490000));
	g_assert_cmpfloat_with_epsilon(p.lat, 47.138, 1e-9);
	g_assert_true(isnan(p.alt)); /* a 2D fix has no altitude */
	g_assert_cmpfloat_with_epsilon(p.speed, 6.328, 1e-6);
	g_free(s);
}

static void test_no_fix_ignored(void)
{
	assert_fixture_rc("unit/gpsd/tpv-no-fix.json", ECC_ERR_IGNORED);
	assert_rc("{\"class\":\"TPV\",\"device\":\"/dev/ttyUSB0\",\"mode\":1,"
	          "\"time\":\"2024-03-01T12:34:56.000Z\",\"lat\":47.1,\"lon\":129.2}",
	          ECC_ERR_IGNORED, "no fix");
	assert_rc("{\"class\":\"TPV\",\"device\":\"/dev/ttyUSB0\",\"mode\":0}", ECC_ERR_IGNORED,
	          NULL);
}

static void test_other_reports_ignored(void)
{
	assert_fixture_rc("unit/gpsd/sky.json", ECC_ERR_IGNORED);
	assert_fixture_rc("unit/gpsd/version.json", ECC_ERR_IGNORED);
	assert_fixture_rc("unit/gpsd/watch.json", ECC_ERR_IGNORED);
}

static void test_fix_without_time(void)
{
	assert_rc("{\"class\":\"TPV\",\"device\":\"/dev/ttyUSB0\",\"mode\":3,\"lat\":47.1,"
	          "\"lon\":129.2}",
	          ECC_ERR_INVAL, "without time");
}

static void test_out_of_range(void)
{
	assert_rc("{\"class\":\"TPV\",\"mode\":3,\"time\":\"2024-03-01T12:34:56.000Z\","
	          "\"lat\":91.0,\"lon\":129.2}",
	          ECC_ERR_INVAL, "lat");
	assert_rc("{\"class\":\"TPV\",\"mode\":3,\"time\":\"2024-03-01T12:34:56.000Z\","
	          "\"lat\":47.1,\"lon\":129.2,\"speed\":-5.0}",
	          ECC_ERR_INVAL, "out of range");
	assert_rc("{\"class\":\"TPV\",\"mode\":3,\"time\":\"1999-12-31T23:59:59.000Z\","
	          "\"lat\":47.1,\"lon\":129.2}",
	          ECC_ERR_INVAL, "out of range");
}

static void test_garbage_refused(void)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];
	const char nul[] = "{\"class\":\"TPV\"\0,\"mode\":3}";

	assert_rc("", ECC_ERR_INVAL, NULL);
	assert_rc("{", ECC_ERR_INVAL, NULL);
	assert_rc("hello", ECC_ERR_INVAL, NULL);
	assert_rc("$GPRMC,123456.78,A,4708.28000,N,12917.16000,E,19.44,90.0,010324,,,A*69",
	          ECC_ERR_INVAL, NULL);
	assert_rc("[{\"class\":\"TPV\"}]", ECC_ERR_INVAL, NULL);
	g_assert_cmpint(parse(nul, sizeof(nul) - 1, &p, why), ==, ECC_ERR_INVAL);
	/* starts like JSON but is not: not "well-formed input this path does
	 * not handle" (ECC_ERR_IGNORED) but invalid */
	assert_rc("{garbage", ECC_ERR_INVAL, NULL);
	assert_rc("{\"class\":\"TPV\",\"mode\":3,,,}", ECC_ERR_INVAL, NULL);
}

static void test_cut_short_refused(void)
{
	size_t n;
	char *s = ecc_test_fixture("unit/gpsd/tpv-3d.json", &n);
	const char *cut = strstr(s, ",\"altMSL\"");

	/* the report as gpsd wrote it, cut after "altHAE": no closing brace,
	 * so not JSON, and it must not become a position */
	g_assert_nonnull(cut);
	s[cut - s] = '\0';
	assert_rc(s, ECC_ERR_INVAL, NULL);
	g_free(s);
}

static void test_libgps_endless_loop(void)
{
	/* libgps 3.22's gps_unpack never returns on these (found by
	 * fuzz_gpsd): malformed JSON, JSON with a control character that cJSON
	 * takes for white space, and even well-formed JSON with an object that
	 * has a "class" inside an array under an unknown key. The hub's
	 * gps_read of a gpsd line goes through the same gps_unpack. Run in a
	 * child with a deadline so that the test fails instead of hanging. */
	if (g_test_subprocess()) {
		struct ecc_position p;
		char why[ECC_WHY_MAX];
		const char *valid[] = {
		    "{\"x\":[{\"class\":\"DEVICE\"}]}",
		    "{\"class\":\"TPV\",\"mode\":3,\"time\":\"2024-03-01T12:34:56.000Z\","
		    "\"lat\":47.1,\"lon\":129.2,\"x\":[{\"class\":\"SKY\"}]}",
		};

		assert_rc("{:\"class\":\"TPV\"}", ECC_ERR_INVAL, NULL);
		assert_rc("{x\"class\":\"TPV\"}", ECC_ERR_INVAL, NULL);
		assert_rc("{\x1a\"class\":\"TPV\"}", ECC_ERR_INVAL, NULL);
		for (size_t i = 0; i < G_N_ELEMENTS(valid); i++) {
			int rc = parse(valid[i], strlen(valid[i]), &p, why);
			g_test_message("input: %s -> %d", valid[i], rc);
			g_assert_true(rc == ECC_ERR_INVAL || rc == ECC_ERR_IGNORED || rc == ECC_OK);
		}
		return;
	}
	g_test_trap_subprocess(NULL, 5 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
}

static void test_too_big(void)
{
	char *pad = ecc_test_repeat(" ", ECC_GPSD_MAX_BYTES);
	char *s = g_strconcat("{\"class\":\"TPV\",\"mode\":3,\"time\":\"2024-03-01T12:34:56.000Z\","
	                      "\"lat\":47.1,\"lon\":129.2}",
	                      pad, NULL);

	assert_rc(s, ECC_ERR_TOOBIG, "too large");
	g_free(s);
	g_free(pad);
	pad = ecc_test_repeat(" ", 1024 * 1024);
	s = g_strconcat("{\"class\":\"TPV\"}", pad, NULL);
	assert_rc(s, ECC_ERR_TOOBIG, "too large");
	g_free(s);
	g_free(pad);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/gpsd/a 3D TPV as gpsd 3.22 prints it gives every field", test_tpv_3d);
	g_test_add_func("/gpsd/a 2D TPV gives a position without altitude", test_tpv_2d);
	g_test_add_func("/gpsd/a TPV without a fix (mode 0 or 1) is ignored", test_no_fix_ignored);
	g_test_add_func("/gpsd/SKY, VERSION and WATCH reports are ignored",
	                test_other_reports_ignored);
	g_test_add_func("/gpsd/a fix without time is refused", test_fix_without_time);
	g_test_add_func("/gpsd/a fix out of physical range is refused", test_out_of_range);
	g_test_add_func("/gpsd/garbage, NMEA and malformed JSON are refused as invalid",
	                test_garbage_refused);
	g_test_add_func("/gpsd/a TPV line cut short is refused", test_cut_short_refused);
	g_test_add_func("/gpsd/a report that sends libgps into an endless loop is answered in time",
	                test_libgps_endless_loop);
	g_test_add_func("/gpsd/a report over ECC_GPSD_MAX_BYTES is too big", test_too_big);
	return g_test_run();
}
