/*
 * track: a unit's stored positions as a simplified GeoJSON line.
 *
 * Why: a day of 1 Hz positions is 86,400 points; the map needs a few
 * thousand. Douglas-Peucker ranks every point by the deviation at which it
 * becomes necessary; the most significant ones are kept, at most max_points
 * (the first and last always), and none that deviates less than
 * ECC_TRACK_TOLERANCE_M from the line: a straight road or a parked car is
 * two points, not max_points copies of nothing.
 *
 * Thread: any. Pure functions; the caller frees the returned cJSON.
 */
#ifndef ECC_TRACK_H
#define ECC_TRACK_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define ECC_TRACK_TOLERANCE_M 1.0

struct ecc_track_point {
	int64_t ts;
	double lat, lon;
};

/*
 * Marks which of the n points (in time order) to keep: at most max_points
 * (>= 2), none less significant than ECC_TRACK_TOLERANCE_M; keep[i] is set to
 * 1 or 0. Returns the number kept.

 */
size_t ecc_track_simplify(const struct ecc_track_point *pts, size_t n, size_t max_points,
                          unsigned char *keep);

/* GeoJSON Feature with a LineString of the simplified points. */
cJSON *ecc_track_geojson(const char *unit, const struct ecc_track_point *pts, size_t n,
                         int max_points);

#endif
