/*
 * track: a unit's stored positions as a simplified GeoJSON line.
 *
 * Why: a day of 1 Hz positions is 86,400 points; the map needs a few
 * thousand. Douglas-Peucker ranks every point by the deviation at which it
 * becomes necessary, and the max_points most significant ones are kept (the
 * first and last always), so the shape survives and the cap holds exactly.
 *
 * Thread: any. Pure functions; the caller frees the returned cJSON.
 */
#ifndef ECC_TRACK_H
#define ECC_TRACK_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct ecc_track_point {
	int64_t ts;
	double lat, lon;
};

/*
 * Marks which of the n points (in time order) to keep so that at most
 * max_points remain (max_points >= 2); keep[i] is set to 1 or 0. Returns the
 * number kept.
 */
size_t ecc_track_simplify(const struct ecc_track_point *pts, size_t n, size_t max_points,
                          unsigned char *keep);

/* GeoJSON Feature with a LineString of the simplified points. */
cJSON *ecc_track_geojson(const char *unit, const struct ecc_track_point *pts, size_t n,
                         int max_points);

#endif
