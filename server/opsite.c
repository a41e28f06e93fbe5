/* opsite: operation sites, haversine, ray casting and distance to an edge. */
#include "opsite.h"
#include "ecc_err.h"

#include <glib.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#define EARTH_M 6371008.8
#define RAD(d)  ((d)*G_PI / 180.0)

static bool coord_ok(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 &&
	       lon <= 180;
}

static bool num(const cJSON *o, const char *k, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsNumber(v))
		return false;
	*out = v->valuedouble;
	return true;
}

int ecc_site_parse(const cJSON *o, struct ecc_site *s, char why[ECC_SITE_WHY])
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type"), *pts, *p;
	int i = 0;

	memset(s, 0, sizeof(*s));
	if (!cJSON_IsObject(o) || !cJSON_IsString(type)) {
		g_strlcpy(why, "site must be an object with a type: circle or polygon",
		          ECC_SITE_WHY);
		return ECC_ERR_INVAL;
	}
	if (!strcmp(type->valuestring, "circle")) {
		s->kind = ECC_SITE_CIRCLE;
		if (!num(o, "lat", &s->lat) || !num(o, "lon", &s->lon) ||
		    !coord_ok(s->lat, s->lon)) {
			g_strlcpy(why, "a circle site needs lat (-90..90) and lon (-180..180)",
			          ECC_SITE_WHY);
			return ECC_ERR_INVAL;
		}
		if (!num(o, "radius_m", &s->radius_m) || !isfinite(s->radius_m) ||
		    s->radius_m < 1 || s->radius_m > 100000) {
			g_strlcpy(why, "a circle site needs radius_m, 1 to 100000 metres",
			          ECC_SITE_WHY);
			return ECC_ERR_INVAL;
		}
		return ECC_OK;
	}
	if (strcmp(type->valuestring, "polygon") != 0) {
		g_strlcpy(why, "site type must be circle or polygon", ECC_SITE_WHY);
		return ECC_ERR_INVAL;
	}
	s->kind = ECC_SITE_POLYGON;
	pts = cJSON_GetObjectItemCaseSensitive(o, "points");
	s->n = cJSON_IsArray(pts) ? cJSON_GetArraySize(pts) : 0;
	if (s->n < 3 || s->n > ECC_SITE_MAX_POINTS) {
		g_snprintf(why, ECC_SITE_WHY,
		           "a polygon site needs points: 3 to %d [lat, lon] pairs",
		           ECC_SITE_MAX_POINTS);
		s->n = 0;
		return ECC_ERR_INVAL;
	}
	s->pts = g_new(double, 2 * (gsize)s->n);
	cJSON_ArrayForEach(p, pts)
	{
		const cJSON *a = cJSON_GetArrayItem(p, 0), *b = cJSON_GetArrayItem(p, 1);
		if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 || !cJSON_IsNumber(a) ||
		    !cJSON_IsNumber(b) || !coord_ok(a->valuedouble, b->valuedouble)) {
			g_snprintf(why, ECC_SITE_WHY,
			           "polygon point %d must be [lat, lon] within -90..90, -180..180",
			           i + 1);
			ecc_site_clear(s);
			return ECC_ERR_INVAL;
		}
		s->pts[2 * i] = a->valuedouble;
		s->pts[2 * i + 1] = b->valuedouble;
		i++;
	}
	return ECC_OK;
}

void ecc_site_clear(struct ecc_site *s)
{
	if (!s)
		return;
	g_free(s->pts);
	memset(s, 0, sizeof(*s));
}

cJSON *ecc_site_json(const struct ecc_site *s)
{
	cJSON *o = cJSON_CreateObject(), *pts;

	if (s->kind == ECC_SITE_CIRCLE) {
		cJSON_AddStringToObject(o, "type", "circle");
		cJSON_AddNumberToObject(o, "lat", s->lat);
		cJSON_AddNumberToObject(o, "lon", s->lon);
		cJSON_AddNumberToObject(o, "radius_m", s->radius_m);
		return o;
	}
	cJSON_AddStringToObject(o, "type", "polygon");
	pts = cJSON_AddArrayToObject(o, "points");
	for (int i = 0; i < s->n; i++) {
		cJSON *p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateNumber(s->pts[2 * i]));
		cJSON_AddItemToArray(p, cJSON_CreateNumber(s->pts[2 * i + 1]));
		cJSON_AddItemToArray(pts, p);
	}
	return o;
}

double ecc_site_haversine_m(double lat1, double lon1, double lat2, double lon2)
{
	double dlat = RAD(lat2 - lat1), dlon = RAD(lon2 - lon1);
	double a = sin(dlat / 2) * sin(dlat / 2) +
	           cos(RAD(lat1)) * cos(RAD(lat2)) * sin(dlon / 2) * sin(dlon / 2);

	return 2 * EARTH_M * asin(MIN(1.0, sqrt(a)));
}

/* Ray casting: does a ray east from (lat, lon) cross an odd number of edges? */
static bool in_polygon(const struct ecc_site *s, double lat, double lon)
{
	bool in = false;

	for (int i = 0, j = s->n - 1; i < s->n; j = i++) {
		double yi = s->pts[2 * i], xi = s->pts[2 * i + 1];
		double yj = s->pts[2 * j], xj = s->pts[2 * j + 1];
		if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
			in = !in;
	}
	return in;
}

/* Metres from the point to the nearest polygon edge, on an equirectangular
 * projection around the point. */
static double edge_m(const struct ecc_site *s, double lat, double lon)
{
	double kx = EARTH_M * RAD(1.0) * cos(RAD(lat)), ky = EARTH_M * RAD(1.0);
	double best = INFINITY;

	for (int i = 0, j = s->n - 1; i < s->n; j = i++) {
		double ax = (s->pts[2 * j + 1] - lon) * kx, ay = (s->pts[2 * j] - lat) * ky;
		double bx = (s->pts[2 * i + 1] - lon) * kx, by = (s->pts[2 * i] - lat) * ky;
		double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
		double t = len2 > 0 ? CLAMP(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0;
		double px = ax + t * dx, py = ay + t * dy;
		best = MIN(best, sqrt(px * px + py * py));
	}
	return best;
}

double ecc_site_outside_m(const struct ecc_site *s, double lat, double lon)
{
	if (s->kind == ECC_SITE_CIRCLE)
		return MAX(0.0, ecc_site_haversine_m(s->lat, s->lon, lat, lon) - s->radius_m);
	return in_polygon(s, lat, lon) ? 0.0 : edge_m(s, lat, lon);
}
