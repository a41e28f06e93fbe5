/* Specifications of ecc_json: the byte and nesting limits every outside JSON
 * gets, and typed getters that never hand out NaN, infinities or inexact
 * integers. */
#include "ecc_json.h"
#include "ecc_err.h"
#include "testutil.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static int parse(const char *s, cJSON **out)
{
	return ecc_json_parse(s, strlen(s), 4096, ECC_JSON_MAX_DEPTH, out);
}

static void assert_invalid(const char *s)
{
	cJSON *v = (cJSON *)1;

	g_test_message("input: %s", s);
	g_assert_cmpint(parse(s, &v), ==, ECC_ERR_INVAL);
	g_assert_null(v);
}

/* ---- parsing ------------------------------------------------------------- */

static void test_white_space_after_value(void)
{
	const char *s = " {\"a\": [1, 2, {\"b\": null}]} \r\n\t";
	cJSON *v;

	g_assert_cmpint(parse(s, &v), ==, ECC_OK);
	g_assert_true(cJSON_IsObject(v));
	g_assert_cmpint(cJSON_GetArraySize(cJSON_GetObjectItem(v, "a")), ==, 3);
	cJSON_Delete(v);
}

static void test_trailing_garbage(void)
{
	assert_invalid("{\"a\":1}x");
	assert_invalid("{\"a\":1} {\"b\":2}");
	assert_invalid("{\"a\":1}}");
	assert_invalid("[1,2] 3");
	assert_invalid("1 2");
}

static void test_not_nul_terminated(void)
{
	/* Only len bytes count: what follows in memory is not read. */
	const char buf[] = {'{', '"', 'a', '"', ':', '7', '}', 'x', 'y', 'z'};
	cJSON *v;
	double d;

	g_assert_cmpint(ecc_json_parse(buf, 7, 4096, ECC_JSON_MAX_DEPTH, &v), ==, ECC_OK);
	g_assert_cmpint(ecc_json_get_number(v, "a", &d), ==, ECC_OK);
	g_assert_cmpfloat(d, ==, 7);
	cJSON_Delete(v);
	g_assert_cmpint(ecc_json_parse(buf, sizeof(buf), 4096, ECC_JSON_MAX_DEPTH, &v), ==,
	                ECC_ERR_INVAL);
	/* cut short inside the value */
	g_assert_cmpint(ecc_json_parse(buf, 5, 4096, ECC_JSON_MAX_DEPTH, &v), ==, ECC_ERR_INVAL);
}

static void test_nesting_limit(void)
{
	char *ok = ecc_test_nested("", "[", "1", "]", "", ECC_JSON_MAX_DEPTH);
	char *deep = ecc_test_nested("", "[", "1", "]", "", ECC_JSON_MAX_DEPTH + 1);
	char *objs = ecc_test_nested("", "{\"a\":", "1", "}", "", ECC_JSON_MAX_DEPTH + 1);
	char *huge = ecc_test_nested("", "[", "", "]", "", 100000);
	cJSON *v;

	g_assert_cmpint(parse(ok, &v), ==, ECC_OK);
	cJSON_Delete(v);
	g_assert_cmpint(parse(deep, &v), ==, ECC_ERR_TOOBIG);
	g_assert_null(v);
	g_assert_cmpint(parse(objs, &v), ==, ECC_ERR_TOOBIG);
	g_assert_cmpint(ecc_json_parse(huge, strlen(huge), strlen(huge), ECC_JSON_MAX_DEPTH, &v),
	                ==, ECC_ERR_TOOBIG);
	/* a caller may ask for less */
	g_assert_cmpint(ecc_json_parse(ok, strlen(ok), 4096, 3, &v), ==, ECC_ERR_TOOBIG);
	g_free(ok);
	g_free(deep);
	g_free(objs);
	g_free(huge);
}

static void test_brackets_in_strings(void)
{
	char *brackets = ecc_test_repeat("[{", 100);
	char *s = g_strdup_printf("{\"k\":\"%s\\\"[[[\",\"e\":\"\\\\\"}", brackets);
	cJSON *v;
	const char *str;

	g_assert_cmpint(parse(s, &v), ==, ECC_OK);
	g_assert_cmpint(ecc_json_get_string(v, "k", &str), ==, ECC_OK);
	g_assert_cmpuint(strlen(str), ==, 204);
	g_assert_cmpint(ecc_json_get_string(v, "e", &str), ==, ECC_OK);
	g_assert_cmpstr(str, ==, "\\");
	cJSON_Delete(v);
	g_free(s);
	g_free(brackets);
}

static void test_byte_limit(void)
{
	char *pad = ecc_test_repeat("x", 100);
	char *s = g_strdup_printf("{\"a\":\"%s\"}", pad);
	size_t n = strlen(s);
	cJSON *v;

	g_assert_cmpint(ecc_json_parse(s, n, n, ECC_JSON_MAX_DEPTH, &v), ==, ECC_OK);
	cJSON_Delete(v);
	g_assert_cmpint(ecc_json_parse(s, n, n - 1, ECC_JSON_MAX_DEPTH, &v), ==, ECC_ERR_TOOBIG);
	g_assert_null(v);
	g_free(s);
	g_free(pad);
}

static void test_not_json(void)
{
	cJSON *v;

	assert_invalid("");
	assert_invalid("   ");
	assert_invalid("hello");
	assert_invalid("{\"a\":");
	assert_invalid("{\"a\":1");
	assert_invalid("{\"a\":\"unterminated}");
	assert_invalid("{'a':1}");
	assert_invalid("{\"a\":NaN}");
	assert_invalid("{\"a\":Infinity}");
	assert_invalid("{\"a\":-Infinity}");
	assert_invalid("{\"a\":nan}");
	assert_invalid("{\"a\":0x10}");
	g_assert_cmpint(ecc_json_parse(NULL, 0, 4096, ECC_JSON_MAX_DEPTH, &v), ==, ECC_ERR_INVAL);
	g_assert_null(v);
}

static void test_parse_object_only(void)
{
	const char *values[] = {"[]", "1", "\"s\"", "true", "null"};
	cJSON *v = (cJSON *)1;

	for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
		g_assert_cmpint(ecc_json_parse_object(values[i], strlen(values[i]), 4096, &v), ==,
		                ECC_ERR_INVAL);
		g_assert_null(v);
	}
	g_assert_cmpint(ecc_json_parse_object("{}", 2, 4096, &v), ==, ECC_OK);
	cJSON_Delete(v);
	g_assert_cmpint(ecc_json_parse_object("{}", 2, 1, &v), ==, ECC_ERR_TOOBIG);
}

/* ---- getters ------------------------------------------------------------- */

static cJSON *obj(const char *s)
{
	cJSON *v;

	g_assert_cmpint(ecc_json_parse_object(s, strlen(s), 4096, &v), ==, ECC_OK);
	return v;
}

static void test_number_getter_finite(void)
{
	cJSON *v = obj("{\"n\":-12.5,\"big\":1e308,\"inf\":1e999,\"ninf\":-1e999,\"s\":\"1\","
	               "\"b\":true,\"a\":[1],\"z\":null}");
	double d = 42;

	g_assert_cmpint(ecc_json_get_number(v, "n", &d), ==, ECC_OK);
	g_assert_cmpfloat(d, ==, -12.5);
	g_assert_cmpint(ecc_json_get_number(v, "big", &d), ==, ECC_OK);
	g_assert_cmpfloat(d, ==, 1e308);
	d = 42;
	g_assert_cmpint(ecc_json_get_number(v, "inf", &d), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_number(v, "ninf", &d), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_number(v, "s", &d), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_number(v, "b", &d), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_number(v, "a", &d), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_number(v, "z", &d), ==, ECC_ERR_NOTFOUND);
	g_assert_cmpint(ecc_json_get_number(v, "absent", &d), ==, ECC_ERR_NOTFOUND);
	g_assert_cmpint(ecc_json_get_number(v, "N", &d), ==, ECC_ERR_NOTFOUND); /* case */
	g_assert_cmpfloat(d, ==, 42);                                           /* untouched */
	/* a NaN put in by code is refused as well */
	cJSON_AddNumberToObject(v, "nan", NAN);
	g_assert_cmpint(ecc_json_get_number(v, "nan", &d), ==, ECC_ERR_INVAL);
	cJSON_Delete(v);
}

static void test_int64_getter_exact(void)
{
	cJSON *v = obj("{\"max\":9007199254740991,\"min\":-9007199254740991,\"ms\":1709296496780,"
	               "\"zero\":-0,\"half\":1.5,\"over\":9007199254740993,"
	               "\"nover\":-9007199254740993,\"huge\":1e300,\"exp\":17e2}");
	int64_t i = 42;

	g_assert_cmpint(ecc_json_get_int64(v, "max", &i), ==, ECC_OK);
	g_assert_cmpint(i, ==, G_GINT64_CONSTANT(9007199254740991));
	g_assert_cmpint(ecc_json_get_int64(v, "min", &i), ==, ECC_OK);
	g_assert_cmpint(i, ==, G_GINT64_CONSTANT(-9007199254740991));
	g_assert_cmpint(ecc_json_get_int64(v, "ms", &i), ==, ECC_OK);
	g_assert_cmpint(i, ==, G_GINT64_CONSTANT(1709296496780));
	g_assert_cmpint(ecc_json_get_int64(v, "zero", &i), ==, ECC_OK);
	g_assert_cmpint(i, ==, 0);
	g_assert_cmpint(ecc_json_get_int64(v, "exp", &i), ==, ECC_OK);
	g_assert_cmpint(i, ==, 1700);
	i = 42;
	g_assert_cmpint(ecc_json_get_int64(v, "half", &i), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_int64(v, "huge", &i), ==, ECC_ERR_INVAL);
	/* 2^53 + 1 has no double of its own: it reads as 2^53, a different
	 * number, so it must be refused rather than silently changed */
	g_assert_cmpint(ecc_json_get_int64(v, "over", &i), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_int64(v, "nover", &i), ==, ECC_ERR_INVAL);
	g_assert_cmpint(i, ==, 42);
	cJSON_Delete(v);
}

static void test_string_and_bool_getters(void)
{
	cJSON *v = obj("{\"s\":\"h\\u00e9\",\"n\":1,\"t\":true,\"f\":false,\"z\":null,\"o\":{}}");
	const char *s = NULL;
	bool b = false;

	g_assert_cmpint(ecc_json_get_string(v, "s", &s), ==, ECC_OK);
	g_assert_cmpstr(s, ==, "h\xc3\xa9");
	g_assert_cmpint(ecc_json_get_string(v, "n", &s), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_string(v, "o", &s), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_string(v, "z", &s), ==, ECC_ERR_NOTFOUND);
	g_assert_cmpint(ecc_json_get_string(v, "absent", &s), ==, ECC_ERR_NOTFOUND);
	g_assert_cmpint(ecc_json_get_bool(v, "t", &b), ==, ECC_OK);
	g_assert_true(b);
	g_assert_cmpint(ecc_json_get_bool(v, "f", &b), ==, ECC_OK);
	g_assert_false(b);
	g_assert_cmpint(ecc_json_get_bool(v, "n", &b), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_bool(v, "s", &b), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_json_get_bool(v, "z", &b), ==, ECC_ERR_NOTFOUND);
	cJSON_Delete(v);
}

static void test_print_compact(void)
{
	cJSON *v = obj("{ \"a\" : [ 1 , 2.5 ] , \"b\" : \"x\" }");
	char *s = ecc_json_print(v);

	g_assert_cmpstr(s, ==, "{\"a\":[1,2.5],\"b\":\"x\"}");
	cJSON_free(s);
	cJSON_Delete(v);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/json/white space after the value is accepted",
	                test_white_space_after_value);
	g_test_add_func("/json/trailing garbage after the value is refused", test_trailing_garbage);
	g_test_add_func("/json/only len bytes are read, the buffer need not end in NUL",
	                test_not_nul_terminated);
	g_test_add_func("/json/nesting up to ECC_JSON_MAX_DEPTH is accepted, deeper is too big",
	                test_nesting_limit);
	g_test_add_func("/json/brackets inside strings do not count as nesting",
	                test_brackets_in_strings);
	g_test_add_func("/json/input over the byte limit is too big", test_byte_limit);
	g_test_add_func("/json/empty, truncated, NaN and Infinity text are not JSON",
	                test_not_json);
	g_test_add_func("/json/parse_object refuses a value that is not an object",
	                test_parse_object_only);
	g_test_add_func("/json/the number getter never gives NaN or an infinity",
	                test_number_getter_finite);
	g_test_add_func("/json/the int64 getter gives exact integers or refuses",
	                test_int64_getter_exact);
	g_test_add_func("/json/string and bool getters refuse other types",
	                test_string_and_bool_getters);
	g_test_add_func("/json/print is compact", test_print_compact);
	return g_test_run();
}
