/* position: the physical limits of a fix. */
#include "position.h"

/* Earliest accepted device time: 2000-01-01; latest: year 2200. */
#define TS_MIN 946684800000LL
#define TS_MAX 7258118400000LL

static bool opt_in(double v, double lo, double hi)
{
	return isnan(v) || (isfinite(v) && v >= lo && v <= hi);
}

bool ecc_position_valid(const struct ecc_position *p)
{
	return p->ts >= TS_MIN && p->ts <= TS_MAX && isfinite(p->lat) && isfinite(p->lon) &&
	       p->lat >= -90 && p->lat <= 90 && p->lon >= -180 && p->lon <= 180 &&
	       opt_in(p->alt, -1000, 100000) && opt_in(p->speed, 0, 1000) &&
	       opt_in(p->heading, 0, 360) && opt_in(p->acc, 0, 1e6) && p->battery >= -1 &&
	       p->battery <= 100 && p->signal >= -1 && p->signal <= 100;
}
