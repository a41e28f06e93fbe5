/* Specifications of proto_owntracks: OwnTracks location messages in (seconds
 * and km/h out of the app, milliseconds and m/s into ECC), every other
 * OwnTracks message type ignored, anything malformed refused. */
#include "proto_owntracks.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "testutil.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static int parse(const char *s, struct ecc_position *p, char why[ECC_WHY_MAX])
{
	why[0] = '\0';
	return ecc_proto_owntracks_parse(s, strlen(s), p, why);
}

static void assert_rc(const char *s, int rc, const char *want)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_test_message("input: %.200s", s);
	g_assert_cmpint(parse(s, &p, why), ==, rc);
	g_test_message("why: %s", why);
	g_assert_nonnull(strstr(why, want));
}

static void test_app_location(void)
{
	/* as the Android app publishes it (booklet, "location") */
	char *s = ecc_test_fixture("unit/owntracks-location.json", NULL);
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse(s, &p, why), ==, ECC_OK);
	g_assert_cmpint(p.ts, ==, G_GINT64_CONSTANT(1709296496000)); /* tst is in seconds */
	g_assert_cmpfloat(p.lat, ==, 47.1379876);
	g_assert_cmpfloat(p.lon, ==, 129.2861234);
	g_assert_cmpfloat(p.alt, ==, 214);
	g_assert_cmpfloat_with_epsilon(p.speed, 10.0, 1e-9); /* vel 36 km/h */
	g_assert_cmpfloat(p.heading, ==, 271);
	g_assert_cmpfloat(p.acc, ==, 12);
	g_assert_cmpint(p.battery, ==, 73);
	g_assert_cmpint(p.signal, ==, -1);
	g_assert_cmpint(p.source, ==, ECC_SRC_OWNTRACKS);
	g_free(s);
}

static void test_units_converted(void)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":1,\"lon\":2,"
	                      "\"vel\":90}",
	                      &p, why),
	                ==, ECC_OK);
	g_assert_cmpint(p.ts, ==, G_GINT64_CONSTANT(1709296496000));
	g_assert_cmpfloat_with_epsilon(p.speed, 25.0, 1e-9);
	g_assert_cmpint(parse("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":1,\"lon\":2,"
	                      "\"vel\":0}",
	                      &p, why),
	                ==, ECC_OK);
	g_assert_cmpfloat(p.speed, ==, 0);
	g_assert_cmpint(
	    parse("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":1,\"lon\":2}", &p, why), ==,
	    ECC_OK);
	g_assert_true(isnan(p.speed) && isnan(p.alt) && isnan(p.heading) && isnan(p.acc));
	g_assert_cmpint(p.battery, ==, -1);
}

static void test_other_types_ignored(void)
{
	static const char *const msgs[] = {
	    "{\"_type\":\"lwt\",\"tst\":1709296496}",
	    "{\"_type\":\"transition\",\"event\":\"enter\",\"tst\":1709296496,\"lat\":1,\"lon\":2}",
	    "{\"_type\":\"card\",\"name\":\"Zhang\"}",
	    "{\"_type\":\"waypoint\",\"desc\":\"court\",\"lat\":1,\"lon\":2,\"tst\":1709296496}",
	    "{\"_type\":\"encrypted\",\"data\":\"bm90IHJlYWxseQ==\"}",
	    "{\"_type\":\"Location\",\"tst\":1709296496,\"lat\":1,\"lon\":2}",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(msgs); i++)
		assert_rc(msgs[i], ECC_ERR_IGNORED, "not a location");
}

static void test_type_missing(void)
{
	assert_rc("{\"tst\":1709296496,\"lat\":1,\"lon\":2}", ECC_ERR_INVAL, "_type");
	assert_rc("{\"_type\":7,\"tst\":1709296496,\"lat\":1,\"lon\":2}", ECC_ERR_INVAL, "_type");
	assert_rc("{\"_type\":null,\"tst\":1709296496,\"lat\":1,\"lon\":2}", ECC_ERR_INVAL,
	          "_type");
}

static void test_required_missing(void)
{
	assert_rc("{\"_type\":\"location\",\"lat\":1,\"lon\":2}", ECC_ERR_INVAL, "tst is missing");
	assert_rc("{\"_type\":\"location\",\"tst\":1709296496,\"lon\":2}", ECC_ERR_INVAL,
	          "lat is missing");
	assert_rc("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":1}", ECC_ERR_INVAL,
	          "lon is missing");
}

static void test_wrong_types_and_range(void)
{
	static const char *const cases[][2] = {
	    {"\"tst\":\"1709296496\",\"lat\":1,\"lon\":2", "tst has a wrong type"},
	    {"\"tst\":true,\"lat\":1,\"lon\":2", "tst has a wrong type"},
	    {"\"tst\":1709296496,\"lat\":\"1\",\"lon\":2", "lat has a wrong type"},
	    {"\"tst\":1709296496,\"lat\":1,\"lon\":2,\"batt\":[50]", "batt has a wrong type"},
	    {"\"tst\":1709296496,\"lat\":1,\"lon\":2,\"vel\":\"36\"", "vel has a wrong type"},
	    {"\"tst\":1709296496,\"lat\":91,\"lon\":2", "lat"},
	    {"\"tst\":1709296496,\"lat\":1,\"lon\":-181", "lon"},
	    {"\"tst\":1709296496,\"lat\":1,\"lon\":2,\"batt\":101", "batt"},
	    {"\"tst\":1709296496,\"lat\":1,\"lon\":2,\"vel\":-1", "out of range"},
	    {"\"tst\":1709296496,\"lat\":1,\"lon\":2,\"vel\":1e308", "out of range"},
	    {"\"tst\":1709296496,\"lat\":1,\"lon\":2,\"cog\":720", "out of range"},
	    {"\"tst\":1709296496,\"lat\":1,\"lon\":2,\"alt\":1e999", "alt has a wrong type"},
	    {"\"tst\":1e999,\"lat\":1,\"lon\":2", "tst has a wrong type"},
	    {"\"tst\":1e308,\"lat\":1,\"lon\":2", "tst"},
	    {"\"tst\":-5,\"lat\":1,\"lon\":2", "tst"},
	    /* milliseconds where seconds belong land past the year 2200 */
	    {"\"tst\":1709296496000,\"lat\":1,\"lon\":2", "out of range"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *s = g_strdup_printf("{\"_type\":\"location\",%s}", cases[i][0]);
		assert_rc(s, ECC_ERR_INVAL, cases[i][1]);
		g_free(s);
	}
}

static void test_not_json(void)
{
	assert_rc("", ECC_ERR_INVAL, "not a JSON object");
	assert_rc("location", ECC_ERR_INVAL, "not a JSON object");
	assert_rc("[{\"_type\":\"location\"}]", ECC_ERR_INVAL, "not a JSON object");
	assert_rc("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":1,\"lon\":2", ECC_ERR_INVAL,
	          "not a JSON object");
	assert_rc("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":NaN,\"lon\":2}",
	          ECC_ERR_INVAL, "not a JSON object");
	assert_rc("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":1,\"lon\":Infinity}",
	          ECC_ERR_INVAL, "not a JSON object");
}

static void test_too_big(void)
{
	char *deep =
	    ecc_test_nested("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":1,\"lon\":2,"
	                    "\"x\":",
	                    "{\"y\":", "0", "}", "}", ECC_JSON_MAX_DEPTH);
	char *pad = ecc_test_repeat(" ", 1024 * 1024);
	char *mega = g_strconcat("{\"_type\":\"location\",\"tst\":1709296496,\"lat\":1,\"lon\":2}",
	                         pad, NULL);

	assert_rc(deep, ECC_ERR_TOOBIG, "too large or too deep");
	assert_rc(mega, ECC_ERR_TOOBIG, "too large or too deep");
	g_free(deep);
	g_free(pad);
	g_free(mega);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/owntracks/the app's location message gives a position",
	                test_app_location);
	g_test_add_func("/owntracks/seconds become milliseconds and km per hour metres a second",
	                test_units_converted);
	g_test_add_func("/owntracks/other message types are ignored", test_other_types_ignored);
	g_test_add_func("/owntracks/a message without a string _type is refused",
	                test_type_missing);
	g_test_add_func("/owntracks/a location missing tst, lat or lon is refused with a reason",
	                test_required_missing);
	g_test_add_func("/owntracks/wrong types and values out of range are refused",
	                test_wrong_types_and_range);
	g_test_add_func("/owntracks/not JSON, truncated JSON, NaN and Infinity are refused",
	                test_not_json);
	g_test_add_func("/owntracks/too deep or a 1 MB payload is too big", test_too_big);
	return g_test_run();
}
