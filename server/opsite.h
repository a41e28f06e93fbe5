/*
 * opsite: the site of a field operation (a circle or a polygon) and how far
 * a position is outside it.
 *
 * Why: an operation's units must stay at its site; a unit that leaves
 * raises a geofence alert (operations.h). A site is JSON as the API takes
 * it: {"type":"circle","lat","lon","radius_m"} or
 * {"type":"polygon","points":[[lat,lon],...]} (3 to 500 corners, not
 * closed: the last corner joins the first). Distances: haversine on a
 * sphere of 6,371,008.8 m; inside a polygon by ray casting, the distance
 * outside it to the nearest edge on a local flat projection (sites are a
 * few kilometres at most).
 *
 * Thread: any (pure functions). Ownership: ecc_site_parse fills a struct the
 * caller clears with ecc_site_clear. Errors: ECC_ERR_INVAL with why.
 */
#ifndef ECC_OPSITE_H
#define ECC_OPSITE_H

#include <cjson/cJSON.h>

#define ECC_SITE_MAX_POINTS 500
#define ECC_SITE_WHY        128

enum ecc_site_kind { ECC_SITE_CIRCLE = 1, ECC_SITE_POLYGON };

struct ecc_site {
	enum ecc_site_kind kind;
	double lat, lon, radius_m; /* circle */
	int n;                     /* polygon corners */
	double *pts;               /* polygon: lat0, lon0, lat1, lon1, ... */
};

/* Reads and checks a site. ECC_OK, or ECC_ERR_INVAL with why. */
int ecc_site_parse(const cJSON *o, struct ecc_site *s, char why[ECC_SITE_WHY]);
void ecc_site_clear(struct ecc_site *s);

/* The site as the API shows it (caller frees). */
cJSON *ecc_site_json(const struct ecc_site *s);

/* Great-circle distance in metres. */
double ecc_site_haversine_m(double lat1, double lon1, double lat2, double lon2);

/* 0 when lat, lon is inside the site (or on its edge), else the distance
 * in metres to the site's edge. */
double ecc_site_outside_m(const struct ecc_site *s, double lat, double lon);

#endif
