/* Specifications of track: a day of positions becomes a line the map can
 * draw, with at most max_points points, the shape kept (corners survive,
 * points on a straight stretch do not), and a time for every point. */
#include "track.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define LAT0 47.138
#define LON0 129.286
#define T0   G_GINT64_CONSTANT(1709296496000)

static size_t count_kept(const unsigned char *keep, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += keep[i] != 0;
	return k;
}

/* A random walk of n points, ~10 m a step (every point bends the line). */
static struct ecc_track_point *walk(size_t n, guint32 seed)
{
	struct ecc_track_point *p = g_new(struct ecc_track_point, n);
	GRand *r = g_rand_new_with_seed(seed);
	double lat = LAT0, lon = LON0;

	for (size_t i = 0; i < n; i++) {
		p[i] = (struct ecc_track_point){T0 + (int64_t)i * 1000, lat, lon};
		lat += g_rand_double_range(r, -1e-4, 1e-4);
		lon += g_rand_double_range(r, -1.4e-4, 1.4e-4);
	}
	g_rand_free(r);
	return p;
}

static void test_straight_line(void)
{
	const size_t n = 1000;
	struct ecc_track_point *p = g_new(struct ecc_track_point, n);
	unsigned char *keep = g_malloc(n);
	size_t kept;

	/* 1000 points, evenly spaced on a straight line 2 km to the north-east */
	for (size_t i = 0; i < n; i++)
		p[i] = (struct ecc_track_point){T0 + (int64_t)i * 1000, LAT0 + i * 1.3e-5,
		                                LON0 + i * 1.9e-5};
	kept = ecc_track_simplify(p, n, 100, keep);
	g_assert_cmpuint(kept, ==, 2);
	g_assert_cmpuint(count_kept(keep, n), ==, 2);
	g_assert_true(keep[0] && keep[n - 1]);
	g_free(keep);
	g_free(p);
}

static void test_standing_still(void)
{
	const size_t n = 3600;
	struct ecc_track_point *p = g_new(struct ecc_track_point, n);
	unsigned char *keep = g_malloc(n);

	/* an hour parked at the court: nothing to draw but one spot */
	for (size_t i = 0; i < n; i++)
		p[i] = (struct ecc_track_point){T0 + (int64_t)i * 1000, LAT0, LON0};
	g_assert_cmpuint(ecc_track_simplify(p, n, 500, keep), ==, 2);
	g_assert_cmpuint(count_kept(keep, n), ==, 2);
	g_assert_true(keep[0] && keep[n - 1]);
	g_free(keep);
	g_free(p);
}

static void test_zigzag_corners(void)
{
	const size_t legs = 10, per_leg = 20, n = legs * per_leg + 1;
	struct ecc_track_point *p = g_new(struct ecc_track_point, n);
	unsigned char *keep = g_malloc(n);
	size_t kept;

	/* 10 legs of ~150 m, zig-zagging 110 m either side of a line east */
	for (size_t i = 0; i < n; i++) {
		size_t leg = i / per_leg, k = i % per_leg;
		double y0 = leg % 2 ? 1e-3 : -1e-3, y1 = -y0;
		double t = (double)k / per_leg;
		p[i] = (struct ecc_track_point){T0 + (int64_t)i * 1000, LAT0 + y0 + (y1 - y0) * t,
		                                LON0 + i * 1e-4};
	}
	/* room for exactly the 11 corners (ends included): those are kept */
	kept = ecc_track_simplify(p, n, legs + 1, keep);
	g_assert_cmpuint(kept, ==, legs + 1);
	for (size_t i = 0; i < n; i++) {
		g_test_message("point %zu", i);
		g_assert_cmpint(keep[i], ==, i % per_leg == 0);
	}
	/* with more room the corners are still all there */
	kept = ecc_track_simplify(p, n, 50, keep);
	g_assert_cmpuint(kept, <=, 50);
	g_assert_cmpuint(count_kept(keep, n), ==, kept);
	for (size_t i = 0; i < n; i += per_leg)
		g_assert_true(keep[i]);
	g_free(keep);
	g_free(p);
}

static void test_max_points_exact(void)
{
	const size_t n = 5000;
	const size_t caps[] = {2, 3, 10, 100, 1000, 2500};
	struct ecc_track_point *p = walk(n, 7);
	unsigned char *keep = g_malloc(n);

	for (size_t c = 0; c < G_N_ELEMENTS(caps); c++) {
		size_t kept = ecc_track_simplify(p, n, caps[c], keep);

		g_test_message("max_points %zu", caps[c]);
		g_assert_cmpuint(kept, ==, caps[c]);
		g_assert_cmpuint(count_kept(keep, n), ==, caps[c]);
		g_assert_true(keep[0] && keep[n - 1]);
	}
	g_free(keep);
	g_free(p);
}

static void test_ends_kept(void)
{
	unsigned char keep[300];

	for (guint32 seed = 1; seed <= 20; seed++) {
		struct ecc_track_point *p = walk(300, seed);
		size_t cap = 2 + seed * 7;

		g_assert_cmpuint(ecc_track_simplify(p, 300, cap, keep), <=, cap);
		g_assert_true(keep[0]);
		g_assert_true(keep[299]);
		g_free(p);
	}
	/* a cap below 2 still keeps both ends */
	{
		struct ecc_track_point *p = walk(300, 99);
		g_assert_cmpuint(ecc_track_simplify(p, 300, 0, keep), ==, 2);
		g_assert_true(keep[0] && keep[299]);
		g_assert_cmpuint(count_kept(keep, 300), ==, 2);
		g_free(p);
	}
}

static void test_few_points_all_kept(void)
{
	/* a zig-zag: every inner point stands 10 m off its neighbours' line */
	struct ecc_track_point *p = g_new(struct ecc_track_point, 50);
	unsigned char keep[50];

	for (size_t i = 0; i < 50; i++)
		p[i] = (struct ecc_track_point){T0 + (int64_t)i * 1000, LAT0 + (i % 2) * 1e-4,
		                                LON0 + (double)i * 1e-4};

	for (size_t n = 0; n <= 50; n++) {
		memset(keep, 0, sizeof(keep));
		g_assert_cmpuint(ecc_track_simplify(p, n, 50, keep), ==, n);
		g_assert_cmpuint(count_kept(keep, n), ==, n);
	}
	g_free(p);
}

static void test_geojson_shape(void)
{
	const size_t n = 2000;
	struct ecc_track_point *p = walk(n, 11);
	cJSON *f = ecc_track_geojson("bc-01", p, n, 300);
	cJSON *geom = cJSON_GetObjectItemCaseSensitive(f, "geometry");
	cJSON *coords = cJSON_GetObjectItemCaseSensitive(geom, "coordinates");
	cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");
	cJSON *times = cJSON_GetObjectItemCaseSensitive(props, "times");
	cJSON *c;
	int64_t last = 0;
	int i = 0;

	g_assert_cmpstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "type")), ==,
	                "Feature");
	g_assert_cmpstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(geom, "type")), ==,
	                "LineString");
	g_assert_cmpstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(props, "unit")), ==,
	                "bc-01");
	g_assert_true(cJSON_IsArray(coords));
	g_assert_true(cJSON_IsArray(times));
	g_assert_cmpint(cJSON_GetArraySize(coords), ==, 300);
	g_assert_cmpint(cJSON_GetArraySize(times), ==, cJSON_GetArraySize(coords));
	g_assert_cmpfloat(
	    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(props, "points_total")), ==, n);
	g_assert_cmpfloat(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(props, "points")),
	                  ==, 300);
	cJSON_ArrayForEach(c, coords)
	{
		int64_t t = (int64_t)cJSON_GetNumberValue(cJSON_GetArrayItem(times, i));
		size_t idx = (size_t)((t - T0) / 1000);

		/* [lon, lat], in time order, each the point of its time */
		g_assert_cmpint(cJSON_GetArraySize(c), ==, 2);
		g_assert_cmpint(t, >, last);
		g_assert_cmpuint(idx, <, n);
		g_assert_cmpfloat_with_epsilon(cJSON_GetNumberValue(cJSON_GetArrayItem(c, 0)),
		                               p[idx].lon, 1e-7);
		g_assert_cmpfloat_with_epsilon(cJSON_GetNumberValue(cJSON_GetArrayItem(c, 1)),
		                               p[idx].lat, 1e-7);
		last = t;
		i++;
	}
	g_assert_cmpint(cJSON_GetNumberValue(cJSON_GetArrayItem(times, 0)), ==, T0);
	g_assert_cmpint(cJSON_GetNumberValue(cJSON_GetArrayItem(times, 299)), ==,
	                T0 + (int64_t)(n - 1) * 1000);
	cJSON_Delete(f);
	g_free(p);
}

static void test_geojson_empty(void)
{
	cJSON *f = ecc_track_geojson("bc-01", NULL, 0, 5000);
	cJSON *geom = cJSON_GetObjectItemCaseSensitive(f, "geometry");
	cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");

	g_assert_cmpint(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(geom, "coordinates")),
	                ==, 0);
	g_assert_cmpint(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(props, "times")), ==,
	                0);
	cJSON_Delete(f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/track/a straight line of 1000 points keeps only its two ends",
	                test_straight_line);
	g_test_add_func("/track/a unit standing still keeps only its two ends",
	                test_standing_still);
	g_test_add_func("/track/a zig-zag keeps its corners", test_zigzag_corners);
	g_test_add_func("/track/max_points is honoured exactly on a winding track",
	                test_max_points_exact);
	g_test_add_func("/track/the first and last points are always kept", test_ends_kept);
	g_test_add_func(
	    "/track/n <= max_points keeps every point that turns more than the tolerance",
	    test_few_points_all_kept);
	g_test_add_func("/track/GeoJSON is a Feature LineString of [lon, lat] with a time each",
	                test_geojson_shape);
	g_test_add_func("/track/no points give an empty LineString", test_geojson_empty);
	return g_test_run();
}
