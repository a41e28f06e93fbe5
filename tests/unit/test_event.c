/* Specifications of proto_event: device events (SOS, recording, battery) on
 * ecc/unit/{unit}/event; the kind is a short lower-case word, the text short
 * UTF-8, a position optional. */
#include "proto_event.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "testutil.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define TS "1709296496780"

static int parse(const char *s, struct ecc_event *e, char why[ECC_WHY_MAX])
{
	why[0] = '\0';
	return ecc_proto_event_parse(s, strlen(s), e, why);
}

static void assert_rc(const char *s, int rc, const char *want)
{
	struct ecc_event e;
	char why[ECC_WHY_MAX];

	g_test_message("input: %.300s", s);
	g_assert_cmpint(parse(s, &e, why), ==, rc);
	g_test_message("why: %s", why);
	if (want)
		g_assert_nonnull(strstr(why, want));
}

static void test_sos(void)
{
	struct ecc_event e;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse("{\"ts\":" TS ",\"kind\":\"sos\",\"lat\":47.138,\"lon\":129.286,"
	                      "\"text\":\"\xe9\x9c\x80\xe8\xa6\x81\xe6\x94\xaf\xe6\x8f\xb4\"}",
	                      &e, why),
	                ==, ECC_OK);
	g_assert_cmpint(e.ts, ==, G_GINT64_CONSTANT(1709296496780));
	g_assert_cmpstr(e.kind, ==, "sos");
	g_assert_cmpfloat(e.lat, ==, 47.138);
	g_assert_cmpfloat(e.lon, ==, 129.286);
	g_assert_cmpstr(e.text, ==, "需要支援");
}

static void test_minimal(void)
{
	struct ecc_event e;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse("{\"ts\":" TS ",\"kind\":\"rec_start\"}", &e, why), ==, ECC_OK);
	g_assert_cmpstr(e.kind, ==, "rec_start");
	g_assert_true(isnan(e.lat) && isnan(e.lon));
	g_assert_cmpstr(e.text, ==, "");
	g_assert_cmpint(parse("{\"ts\":" TS ",\"kind\":\"battery_low2\",\"text\":null}", &e, why),
	                ==, ECC_OK);
	g_assert_cmpstr(e.kind, ==, "battery_low2");
}

static void test_bad_kind(void)
{
	static const char *const kinds[] = {
	    "\"SOS\"", "\"s-o-s\"",     "\"sos \"", "\"a/b\"", "\"\"",      "\"\xc3\xa9\"",
	    "\"#\"",   "\"rec.start\"", "7",        "null",    "[\"sos\"]",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
		char *s = g_strdup_printf("{\"ts\":" TS ",\"kind\":%s}", kinds[i]);
		assert_rc(s, ECC_ERR_INVAL, "kind");
		g_free(s);
	}
	assert_rc("{\"ts\":" TS "}", ECC_ERR_INVAL, "kind");
}

static void test_kind_length(void)
{
	char *k31 = ecc_test_repeat("k", ECC_EVENT_KIND_MAX);
	char *k32 = ecc_test_repeat("k", ECC_EVENT_KIND_MAX + 1);
	char *ok = g_strdup_printf("{\"ts\":" TS ",\"kind\":\"%s\"}", k31);
	char *bad = g_strdup_printf("{\"ts\":" TS ",\"kind\":\"%s\"}", k32);
	struct ecc_event e;
	char why[ECC_WHY_MAX];

	g_assert_cmpint(parse(ok, &e, why), ==, ECC_OK);
	g_assert_cmpstr(e.kind, ==, k31);
	assert_rc(bad, ECC_ERR_INVAL, "kind");
	g_free(k31);
	g_free(k32);
	g_free(ok);
	g_free(bad);
}

static void test_text(void)
{
	char *t255 = ecc_test_repeat("t", ECC_EVENT_TEXT_MAX);
	char *t256 = ecc_test_repeat("t", ECC_EVENT_TEXT_MAX + 1);
	char *zh85 = ecc_test_repeat("\xe4\xb8\xad", 85); /* 255 bytes */
	char *zh86 = ecc_test_repeat("\xe4\xb8\xad", 86); /* 258 bytes */
	const char *texts[][2] = {
	    {t255, "ok"}, {zh85, "ok"}, {t256, "bad"}, {zh86, "bad"}, {"\xff\xfe", "bad"},
	};
	struct ecc_event e;
	char why[ECC_WHY_MAX];

	for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
		char *s = g_strdup_printf("{\"ts\":" TS ",\"kind\":\"note\",\"text\":\"%s\"}",
		                          texts[i][0]);
		if (!strcmp(texts[i][1], "ok")) {
			g_assert_cmpint(parse(s, &e, why), ==, ECC_OK);
			g_assert_cmpstr(e.text, ==, texts[i][0]);
		} else {
			assert_rc(s, ECC_ERR_INVAL, "text");
		}
		g_free(s);
	}
	assert_rc("{\"ts\":" TS ",\"kind\":\"note\",\"text\":42}", ECC_ERR_INVAL, "text");
	assert_rc("{\"ts\":" TS ",\"kind\":\"note\",\"text\":[\"a\"]}", ECC_ERR_INVAL, "text");
	g_free(t255);
	g_free(t256);
	g_free(zh85);
	g_free(zh86);
}

static void test_ts(void)
{
	assert_rc("{\"kind\":\"sos\"}", ECC_ERR_INVAL, "ts is missing");
	assert_rc("{\"ts\":null,\"kind\":\"sos\"}", ECC_ERR_INVAL, "ts is missing");
	assert_rc("{\"ts\":\"" TS "\",\"kind\":\"sos\"}", ECC_ERR_INVAL, "ts has a wrong type");
	assert_rc("{\"ts\":false,\"kind\":\"sos\"}", ECC_ERR_INVAL, "ts has a wrong type");
	assert_rc("{\"ts\":-1,\"kind\":\"sos\"}", ECC_ERR_INVAL, "ts");
	assert_rc("{\"ts\":1e999,\"kind\":\"sos\"}", ECC_ERR_INVAL, "ts");
}

static void test_position(void)
{
	assert_rc("{\"ts\":" TS ",\"kind\":\"sos\",\"lat\":47.1}", ECC_ERR_INVAL, "lon is missing");
	assert_rc("{\"ts\":" TS ",\"kind\":\"sos\",\"lat\":95,\"lon\":129.2}", ECC_ERR_INVAL,
	          "lat");
	assert_rc("{\"ts\":" TS ",\"kind\":\"sos\",\"lat\":47.1,\"lon\":\"129.2\"}", ECC_ERR_INVAL,
	          "lon");
	assert_rc("{\"ts\":" TS ",\"kind\":\"sos\",\"lat\":NaN,\"lon\":129.2}", ECC_ERR_INVAL,
	          "not a JSON object");
}

static void test_malformed(void)
{
	char *deep = ecc_test_nested("{\"ts\":" TS ",\"kind\":\"sos\",\"x\":", "[", "", "]", "}",
	                             ECC_JSON_MAX_DEPTH);
	char *pad = ecc_test_repeat("x", 1024 * 1024);
	char *mega = g_strdup_printf("{\"ts\":" TS ",\"kind\":\"sos\",\"text\":\"%s\"}", pad);

	assert_rc("", ECC_ERR_INVAL, "not a JSON object");
	assert_rc("sos", ECC_ERR_INVAL, "not a JSON object");
	assert_rc("{\"ts\":" TS ",\"kind\":\"sos\"", ECC_ERR_INVAL, "not a JSON object");
	assert_rc(deep, ECC_ERR_TOOBIG, "too large or too deep");
	assert_rc(mega, ECC_ERR_TOOBIG, "too large or too deep");
	g_free(deep);
	g_free(pad);
	g_free(mega);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/event/an SOS with position and text is read whole", test_sos);
	g_test_add_func("/event/position and text may be left out", test_minimal);
	g_test_add_func("/event/a kind with characters outside [a-z0-9_] is refused",
	                test_bad_kind);
	g_test_add_func("/event/a kind of 31 characters is accepted, 32 are refused",
	                test_kind_length);
	g_test_add_func("/event/text over 255 bytes or not UTF-8 is refused", test_text);
	g_test_add_func("/event/an event missing ts or with a bad ts is refused", test_ts);
	g_test_add_func("/event/a position must have both lat and lon in range", test_position);
	g_test_add_func("/event/not JSON, truncated, too deep or too big is refused",
	                test_malformed);
	return g_test_run();
}
