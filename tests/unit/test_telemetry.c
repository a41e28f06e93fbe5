/* Specifications of proto_telemetry: ECC's own device telemetry JSON, what is
 * accepted, what is refused and why, and that what the simulator formats the
 * hub parses back. */
#include "proto_telemetry.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "testutil.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define TS "1709296496780"

static int parse(const char *s, struct ecc_position *p, char why[ECC_WHY_MAX])
{
	why[0] = '\0';
	return ecc_proto_telemetry_parse(s, strlen(s), p, why);
}

/* Refused as invalid, with a reason that contains want. */
static void assert_refused(const char *s, const char *want)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_test_message("input: %.200s", s);
	g_assert_cmpint(parse(s, &p, why), ==, ECC_ERR_INVAL);
	g_test_message("why: %s", why);
	g_assert_nonnull(strstr(why, want));
}

static void test_valid(void)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse("{\"ts\":" TS ",\"lat\":47.1380001,\"lon\":129.2860002,\"alt\":215.3,"
	                      "\"speed\":12.34,\"heading\":271.4,\"acc\":3.5,\"battery\":87,"
	                      "\"signal\":64}",
	                      &p, why),
	                ==, ECC_OK);
	g_assert_cmpint(p.ts, ==, G_GINT64_CONSTANT(1709296496780));
	g_assert_cmpfloat(p.lat, ==, 47.1380001);
	g_assert_cmpfloat(p.lon, ==, 129.2860002);
	g_assert_cmpfloat(p.alt, ==, 215.3);
	g_assert_cmpfloat(p.speed, ==, 12.34);
	g_assert_cmpfloat(p.heading, ==, 271.4);
	g_assert_cmpfloat(p.acc, ==, 3.5);
	g_assert_cmpint(p.battery, ==, 87);
	g_assert_cmpint(p.signal, ==, 64);
	g_assert_cmpint(p.source, ==, ECC_SRC_MQTT);
	g_assert_true(ecc_position_valid(&p));
}

static void test_optional_absent_or_null(void)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse("{\"ts\":" TS ",\"lat\":-33.9,\"lon\":-70.6}", &p, why), ==, ECC_OK);
	g_assert_cmpfloat(p.lat, ==, -33.9);
	g_assert_cmpfloat(p.lon, ==, -70.6);
	g_assert_true(isnan(p.alt) && isnan(p.speed) && isnan(p.heading) && isnan(p.acc));
	g_assert_cmpint(p.battery, ==, -1);
	g_assert_cmpint(p.signal, ==, -1);
	g_assert_cmpint(parse("{\"ts\":" TS ",\"lat\":0,\"lon\":0,\"alt\":null,\"speed\":null,"
	                      "\"heading\":null,\"acc\":null,\"battery\":null,\"signal\":null,"
	                      "\"extra\":{\"x\":[1,2]}}",
	                      &p, why),
	                ==, ECC_OK);
	g_assert_true(isnan(p.alt) && isnan(p.speed));
	g_assert_cmpint(p.battery, ==, -1);
	/* why may be NULL */
	g_assert_cmpint(ecc_proto_telemetry_parse("{}", 2, &p, NULL), ==, ECC_ERR_INVAL);
}

static void test_required_missing(void)
{
	assert_refused("{\"lat\":47.1,\"lon\":129.2}", "ts is missing");
	assert_refused("{\"ts\":" TS ",\"lon\":129.2}", "lat is missing");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1}", "lon is missing");
	assert_refused("{\"ts\":null,\"lat\":47.1,\"lon\":129.2}", "ts is missing");
	assert_refused("{}", "ts is missing");
}

static void test_wrong_types(void)
{
	assert_refused("{\"ts\":" TS ",\"lat\":\"47.1\",\"lon\":129.2}", "lat has a wrong type");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":[129.2]}", "lon has a wrong type");
	assert_refused("{\"ts\":true,\"lat\":47.1,\"lon\":129.2}", "ts has a wrong type");
	assert_refused("{\"ts\":\"" TS "\",\"lat\":47.1,\"lon\":129.2}", "ts has a wrong type");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"battery\":[50]}",
	               "battery has a wrong type");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"speed\":\"fast\"}",
	               "speed has a wrong type");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"signal\":{}}",
	               "signal has a wrong type");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"alt\":false}",
	               "alt has a wrong type");
}

static void test_out_of_range(void)
{
	static const char *const cases[][2] = {
	    {"\"lat\":91,\"lon\":129.2", "lat"},
	    {"\"lat\":-90.0001,\"lon\":129.2", "lat"},
	    {"\"lat\":1e308,\"lon\":129.2", "lat"},
	    {"\"lat\":47.1,\"lon\":180.5", "lon"},
	    {"\"lat\":47.1,\"lon\":-1e308", "lon"},
	    {"\"lat\":47.1,\"lon\":129.2,\"battery\":101", "battery"},
	    {"\"lat\":47.1,\"lon\":129.2,\"battery\":-1", "battery"},
	    {"\"lat\":47.1,\"lon\":129.2,\"signal\":1e308", "signal"},
	    {"\"lat\":47.1,\"lon\":129.2,\"speed\":-0.5", "out of range"},
	    {"\"lat\":47.1,\"lon\":129.2,\"speed\":1e308", "out of range"},
	    {"\"lat\":47.1,\"lon\":129.2,\"alt\":1e308", "out of range"},
	    {"\"lat\":47.1,\"lon\":129.2,\"alt\":-1e308", "out of range"},
	    {"\"lat\":47.1,\"lon\":129.2,\"heading\":361", "out of range"},
	    {"\"lat\":47.1,\"lon\":129.2,\"acc\":-1", "out of range"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *s = g_strdup_printf("{\"ts\":" TS ",%s}", cases[i][0]);
		assert_refused(s, cases[i][1]);
		g_free(s);
	}
	/* device clocks before 2000 or past 2200, and negative or huge times */
	assert_refused("{\"ts\":946684799999,\"lat\":47.1,\"lon\":129.2}", "out of range");
	assert_refused("{\"ts\":7258118400001,\"lat\":47.1,\"lon\":129.2}", "out of range");
	assert_refused("{\"ts\":-1,\"lat\":47.1,\"lon\":129.2}", "ts");
	assert_refused("{\"ts\":1e308,\"lat\":47.1,\"lon\":129.2}", "ts");
}

static void test_nan_infinity_text(void)
{
	assert_refused("{\"ts\":" TS ",\"lat\":NaN,\"lon\":129.2}", "not a JSON object");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":Infinity}", "not a JSON object");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"speed\":-Infinity}",
	               "not a JSON object");
	/* cJSON turns 1e999 into an infinity: refused by the getter */
	assert_refused("{\"ts\":" TS ",\"lat\":1e999,\"lon\":129.2}", "lat has a wrong type");
	assert_refused("{\"ts\":1e999,\"lat\":47.1,\"lon\":129.2}", "ts has a wrong type");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"alt\":-1e999}",
	               "alt has a wrong type");
}

static void test_not_json(void)
{
	assert_refused("", "not a JSON object");
	assert_refused("hello", "not a JSON object");
	assert_refused("[" TS ",47.1,129.2]", "not a JSON object");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129", "not a JSON object");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2}garbage", "not a JSON object");
	assert_refused("{\"ts\":" TS ",\"lat\":47.1,", "not a JSON object");
}

static void test_too_big(void)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];
	char *deep = ecc_test_nested("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"x\":", "[", "0",
	                             "]", "}", ECC_JSON_MAX_DEPTH);
	char *limit = ecc_test_nested("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"x\":", "[", "0",
	                              "]", "}", ECC_JSON_MAX_DEPTH - 1);
	char *pad = ecc_test_repeat("x", 1024 * 1024);
	char *mega =
	    g_strdup_printf("{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2,\"x\":\"%s\"}", pad);

	g_assert_cmpint(parse(limit, &p, why), ==, ECC_OK);
	g_assert_cmpint(parse(deep, &p, why), ==, ECC_ERR_TOOBIG);
	g_assert_nonnull(strstr(why, "too large or too deep"));
	g_assert_cmpint(parse(mega, &p, why), ==, ECC_ERR_TOOBIG);
	g_free(deep);
	g_free(limit);
	g_free(pad);
	g_free(mega);
}

static void test_size_limit_exact(void)
{
	const char *msg = "{\"ts\":" TS ",\"lat\":47.1,\"lon\":129.2}";
	char *buf = g_malloc(ECC_TELEMETRY_MAX_BYTES + 1);
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	/* the object, then white space up to the limit */
	memset(buf, ' ', ECC_TELEMETRY_MAX_BYTES + 1);
	memcpy(buf, msg, strlen(msg));
	g_assert_cmpint(ecc_proto_telemetry_parse(buf, ECC_TELEMETRY_MAX_BYTES, &p, why), ==,
	                ECC_OK);
	g_assert_cmpint(ecc_proto_telemetry_parse(buf, ECC_TELEMETRY_MAX_BYTES + 1, &p, why), ==,
	                ECC_ERR_TOOBIG);
	g_free(buf);
}

static void assert_round_trip(const struct ecc_position *in)
{
	struct ecc_position out;
	char buf[512], why[ECC_WHY_MAX];
	int n = ecc_proto_telemetry_format(in, buf, sizeof(buf));

	g_test_message("formatted: %s", buf);
	g_assert_cmpint(n, >, 0);
	g_assert_cmpint(n, ==, (int)strlen(buf));
	g_assert_cmpint(ecc_proto_telemetry_parse(buf, (size_t)n, &out, why), ==, ECC_OK);
	g_assert_cmpint(out.ts, ==, in->ts);
	g_assert_cmpfloat_with_epsilon(out.lat, in->lat, 0.6e-7);
	g_assert_cmpfloat_with_epsilon(out.lon, in->lon, 0.6e-7);
#define SAME_OPT(f, eps)                                                                           \
	g_assert_cmpint(isnan(out.f), ==, isnan(in->f));                                           \
	if (!isnan(in->f))                                                                         \
		g_assert_cmpfloat_with_epsilon(out.f, in->f, eps);
	SAME_OPT(alt, 0.051)
	SAME_OPT(speed, 0.0051)
	SAME_OPT(heading, 0.051)
	SAME_OPT(acc, 0.051)
#undef SAME_OPT
	g_assert_cmpint(out.battery, ==, in->battery);
	g_assert_cmpint(out.signal, ==, in->signal);
}

static void test_format_parse_round_trip(void)
{
	struct ecc_position p;
	char small[40];

	ecc_position_init(&p);
	p.ts = G_GINT64_CONSTANT(1709296496780);
	p.lat = 47.1381234;
	p.lon = 129.2864321;
	assert_round_trip(&p); /* only the required fields */
	p.alt = 215.34;
	p.speed = 12.345;
	p.heading = 359.94;
	p.acc = 4.2;
	p.battery = 0;
	p.signal = 100;
	assert_round_trip(&p);
	p.lat = -90;
	p.lon = -180;
	p.alt = -999.9;
	p.speed = 0;
	p.heading = 0;
	p.battery = 100;
	p.signal = 0;
	assert_round_trip(&p);
	p.lat = 90;
	p.lon = 180;
	assert_round_trip(&p);
	/* a buffer too small is reported, never overrun */
	g_assert_cmpint(ecc_proto_telemetry_format(&p, small, sizeof(small)), ==, -1);
	g_assert_cmpint(ecc_proto_telemetry_format(&p, small, 1), ==, -1);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/telemetry/a full message gives every field", test_valid);
	g_test_add_func("/telemetry/optional fields may be absent or null",
	                test_optional_absent_or_null);
	g_test_add_func("/telemetry/a message missing ts, lat or lon is refused with a reason",
	                test_required_missing);
	g_test_add_func("/telemetry/a string lat, an array battery or a bool ts is refused",
	                test_wrong_types);
	g_test_add_func("/telemetry/values out of physical range are refused", test_out_of_range);
	g_test_add_func("/telemetry/NaN and Infinity text and 1e999 are refused",
	                test_nan_infinity_text);
	g_test_add_func("/telemetry/not JSON, an array or truncated JSON is refused",
	                test_not_json);
	g_test_add_func("/telemetry/too deep or a 1 MB payload is too big", test_too_big);
	g_test_add_func("/telemetry/a payload of exactly the byte limit is accepted, one more not",
	                test_size_limit_exact);
	g_test_add_func("/telemetry/what format writes parse reads back",
	                test_format_parse_round_trip);
	return g_test_run();
}
