/* track: Douglas-Peucker significance ranking and GeoJSON output. */
#include "track.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Distance in metres from p to the segment a-b, on a local flat projection. */
static double seg_dist(const struct ecc_track_point *p, const struct ecc_track_point *a,
                       const struct ecc_track_point *b)
{
	const double r = 6371000.0 * G_PI / 180.0;
	double k = cos(a->lat * G_PI / 180.0);
	double ax = 0, ay = 0;
	double bx = (b->lon - a->lon) * k * r, by = (b->lat - a->lat) * r;
	double px = (p->lon - a->lon) * k * r, py = (p->lat - a->lat) * r;
	double len2 = bx * bx + by * by, t;

	if (len2 <= 0)
		return hypot(px - ax, py - ay);
	t = (px * bx + py * by) / len2;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return hypot(px - t * bx, py - t * by);
}

struct span {
	size_t a, b;
	double cap; /* significance of the split that made this span */
};

struct ranked {
	size_t idx;
	double sig;
};

static int by_sig_desc(const void *x, const void *y)
{
	const struct ranked *p = x, *q = y;

	return p->sig < q->sig ? 1 : p->sig > q->sig ? -1 : (p->idx > q->idx) - (p->idx < q->idx);
}

size_t ecc_track_simplify(const struct ecc_track_point *pts, size_t n, size_t max_points,
                          unsigned char *keep)
{
	double *sig;
	struct span *stack;
	struct ranked *r;
	size_t top = 0, kept = 0, m = 0;

	if (max_points < 2)
		max_points = 2;
	if (n <= 2) {
		memset(keep, 1, n);
		return n;
	}
	sig = g_new0(double, n);
	stack = g_new(struct span, n);
	stack[top++] = (struct span){0, n - 1, INFINITY};
	while (top > 0) {
		struct span s = stack[--top];
		size_t best = 0;
		double d, dmax = -1;
		if (s.b <= s.a + 1)
			continue;
		for (size_t i = s.a + 1; i < s.b; i++) {
			d = seg_dist(&pts[i], &pts[s.a], &pts[s.b]);
			if (d > dmax) {
				dmax = d;
				best = i;
			}
		}
		/* A child is never more significant than its parent. */
		sig[best] = dmax < s.cap ? dmax : s.cap;
		stack[top++] = (struct span){s.a, best, sig[best]};
		stack[top++] = (struct span){best, s.b, sig[best]};
	}
	r = g_new(struct ranked, n - 2);
	for (size_t i = 1; i + 1 < n; i++)
		r[m++] = (struct ranked){i, sig[i]};
	qsort(r, m, sizeof(*r), by_sig_desc);
	memset(keep, 0, n);
	keep[0] = keep[n - 1] = 1;
	kept = 2;
	for (size_t i = 0; i < m && kept < max_points && r[i].sig >= ECC_TRACK_TOLERANCE_M;
	     i++, kept++)
		keep[r[i].idx] = 1;

	g_free(r);
	g_free(stack);
	g_free(sig);
	return kept;
}

cJSON *ecc_track_geojson(const char *unit, const struct ecc_track_point *pts, size_t n,
                         int max_points)
{
	cJSON *f = cJSON_CreateObject(), *geom, *coords, *props, *times;
	unsigned char *keep = g_malloc(n ? n : 1);
	size_t kept = ecc_track_simplify(pts, n, (size_t)(max_points < 2 ? 2 : max_points), keep);

	cJSON_AddStringToObject(f, "type", "Feature");
	geom = cJSON_AddObjectToObject(f, "geometry");
	cJSON_AddStringToObject(geom, "type", "LineString");
	coords = cJSON_AddArrayToObject(geom, "coordinates");
	props = cJSON_AddObjectToObject(f, "properties");
	cJSON_AddStringToObject(props, "unit", unit);
	cJSON_AddNumberToObject(props, "points_total", (double)n);
	cJSON_AddNumberToObject(props, "points", (double)kept);
	times = cJSON_AddArrayToObject(props, "times");
	for (size_t i = 0; i < n; i++) {
		cJSON *c;
		if (!keep[i])
			continue;
		c = cJSON_CreateArray();
		cJSON_AddItemToArray(c, cJSON_CreateNumber(round(pts[i].lon * 1e7) / 1e7));
		cJSON_AddItemToArray(c, cJSON_CreateNumber(round(pts[i].lat * 1e7) / 1e7));
		cJSON_AddItemToArray(coords, c);
		cJSON_AddItemToArray(times, cJSON_CreateNumber((double)pts[i].ts));
	}
	g_free(keep);
	return f;
}
