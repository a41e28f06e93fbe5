/* Tests of opsite: an operation's site and how far a position is outside. */
#include "ecc_err.h"
#include "opsite.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static int parse(const char *json, struct ecc_site *s, char *why)
{
	cJSON *o = cJSON_Parse(json);
	int rc = ecc_site_parse(o, s, why);

	cJSON_Delete(o);
	return rc;
}

static void test_haversine(void)
{
	/* one degree of latitude is 111.195 km on the mean sphere */
	g_assert_cmpfloat_with_epsilon(ecc_site_haversine_m(47.0, 129.0, 48.0, 129.0), 111195.1,
	                               1.0);
	/* Beijing Tiananmen to Shanghai People's Square: about 1067 km */
	g_assert_cmpfloat_with_epsilon(
	    ecc_site_haversine_m(39.9087, 116.3975, 31.2304, 121.4737) / 1000.0, 1067.3, 3.0);
	g_assert_cmpfloat(ecc_site_haversine_m(47.1, 129.2, 47.1, 129.2), ==, 0.0);
}

static void test_circle(void)
{
	struct ecc_site s;
	char why[ECC_SITE_WHY];

	g_assert_cmpint(
	    parse("{\"type\":\"circle\",\"lat\":47.138,\"lon\":129.286,\"radius_m\":500}", &s, why),
	    ==, ECC_OK);
	g_assert_cmpfloat(ecc_site_outside_m(&s, 47.138, 129.286), ==, 0.0);
	/* 0.009 degrees north: about 1000.8 m from the centre, 500.8 outside */
	g_assert_cmpfloat_with_epsilon(ecc_site_outside_m(&s, 47.147, 129.286), 500.8, 1.0);
	g_assert_cmpfloat(ecc_site_outside_m(&s, 47.140, 129.286), ==, 0.0);
	ecc_site_clear(&s);
}

static void test_polygon(void)
{
	struct ecc_site s;
	char why[ECC_SITE_WHY];
	double kx = 6371008.8 * G_PI / 180.0 * cos(47.05 * G_PI / 180.0);

	/* a concave "L": the notch at the top right is outside */
	g_assert_cmpint(parse("{\"type\":\"polygon\",\"points\":[[47.0,129.0],[47.0,129.2],"
	                      "[47.05,129.2],[47.05,129.1],[47.1,129.1],[47.1,129.0]]}",
	                      &s, why),
	                ==, ECC_OK);
	g_assert_cmpint(s.n, ==, 6);
	g_assert_cmpfloat(ecc_site_outside_m(&s, 47.02, 129.15), ==, 0.0);
	g_assert_cmpfloat(ecc_site_outside_m(&s, 47.08, 129.05), ==, 0.0);
	/* in the notch: 0.01 degrees of longitude east of the inner edge */
	g_assert_cmpfloat_with_epsilon(ecc_site_outside_m(&s, 47.08, 129.11), 0.01 * kx, 5.0);
	/* south of the bottom edge by 0.01 degrees of latitude: 1112 m */
	g_assert_cmpfloat_with_epsilon(ecc_site_outside_m(&s, 46.99, 129.1), 1111.95, 2.0);
	ecc_site_clear(&s);
}

static void test_refused(void)
{
	static const struct {
		const char *json, *why;
	} bad[] = {
	    {"[]", "type"},
	    {"{\"type\":\"square\"}", "circle or polygon"},
	    {"{\"type\":\"circle\",\"lat\":47,\"lon\":129}", "radius_m"},
	    {"{\"type\":\"circle\",\"lat\":47,\"lon\":129,\"radius_m\":0.5}", "radius_m"},
	    {"{\"type\":\"circle\",\"lat\":91,\"lon\":129,\"radius_m\":5}", "lat"},
	    {"{\"type\":\"circle\",\"lat\":\"47\",\"lon\":129,\"radius_m\":5}", "lat"},
	    {"{\"type\":\"polygon\",\"points\":[[1,2],[3,4]]}", "3 to 500"},
	    {"{\"type\":\"polygon\",\"points\":[[1,2],[3,4],[5]]}", "point 3"},
	    {"{\"type\":\"polygon\",\"points\":[[1,2],[3,400],[5,6]]}", "point 2"},
	};
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct ecc_site s;
		char why[ECC_SITE_WHY] = "";
		g_assert_cmpint(parse(bad[i].json, &s, why), ==, ECC_ERR_INVAL);
		g_assert_nonnull(strstr(why, bad[i].why));
		g_assert_null(s.pts);
	}
}

static void test_json_round_trip(void)
{
	struct ecc_site s, t;
	char why[ECC_SITE_WHY];
	cJSON *j;
	char *txt;

	g_assert_cmpint(
	    parse("{\"type\":\"polygon\",\"points\":[[47,129],[47.1,129],[47.1,129.1]]}", &s, why),
	    ==, ECC_OK);
	j = ecc_site_json(&s);
	txt = cJSON_PrintUnformatted(j);
	g_assert_cmpint(parse(txt, &t, why), ==, ECC_OK);
	g_assert_cmpint(t.n, ==, 3);
	g_assert_cmpfloat(t.pts[5], ==, 129.1);
	cJSON_free(txt);
	cJSON_Delete(j);
	ecc_site_clear(&s);
	ecc_site_clear(&t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/opsite/haversine gives great-circle metres", test_haversine);
	g_test_add_func("/opsite/a circle's outside is the distance past its radius", test_circle);
	g_test_add_func("/opsite/a concave polygon by ray casting, outside to the nearest edge",
	                test_polygon);
	g_test_add_func("/opsite/a bad site is refused naming what is wrong", test_refused);
	g_test_add_func("/opsite/a site read back from its JSON is the same", test_json_round_trip);
	return g_test_run();
}
