/* proto_gpsd: usable fixes out of libgps's gps_data_t. */
#include "proto_gpsd.h"
#include "proto_common.h"
#include "ecc_err.h"

#include <glib.h>
#include <string.h>

static double finite_or_nan(double v)
{
	return isfinite(v) ? v : NAN;
}

int ecc_proto_gpsd_from_data(const struct gps_data_t *g, struct ecc_position *out, char *why)
{
	const struct gps_fix_t *f = &g->fix;

	ecc_position_init(out);
	out->source = ECC_SRC_GPSD;
	if (!(g->set & LATLON_SET) || !(g->set & MODE_SET)) {
		proto__why(why, "not a position report");
		return ECC_ERR_IGNORED;
	}
	if (f->mode < MODE_2D) {
		proto__why(why, "no fix (mode %d)", f->mode);
		return ECC_ERR_IGNORED;
	}
	if (!(g->set & TIME_SET) || f->time.tv_sec <= 0) {
		proto__why(why, "fix without time");
		return ECC_ERR_INVAL;
	}
	out->ts = (int64_t)f->time.tv_sec * 1000 + f->time.tv_nsec / 1000000;
	out->lat = f->latitude;
	out->lon = f->longitude;
	if (f->mode >= MODE_3D)
		out->alt = finite_or_nan(isfinite(f->altMSL) ? f->altMSL : f->altHAE);
	if (g->set & SPEED_SET)
		out->speed = finite_or_nan(f->speed);
	if (g->set & TRACK_SET)
		out->heading = finite_or_nan(f->track);
	out->acc = finite_or_nan(isfinite(f->eph) ? f->eph : f->epx);
	if (!ecc_position_valid(out)) {
		proto__why(why, "a value is out of range");
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

int ecc_proto_gpsd_parse(const char *buf, size_t len, struct ecc_position *out, char *why)
{
	struct gps_data_t *g;
	char *copy;
	int rc;

	ecc_position_init(out);
	out->source = ECC_SRC_GPSD;
	if (len > ECC_GPSD_MAX_BYTES) {
		proto__why(why, "report too large");
		return ECC_ERR_TOOBIG;
	}
	if (len < 2 || buf[0] != '{' || memchr(buf, '\0', len)) {
		proto__why(why, "not a gpsd JSON report");
		return ECC_ERR_INVAL;
	}
	copy = g_strndup(buf, len);
	g = g_new0(struct gps_data_t, 1);
	if (gps_unpack(copy, g) != 0) {
		proto__why(why, "gpsd JSON could not be decoded");
		rc = ECC_ERR_INVAL;
	} else {
		rc = ecc_proto_gpsd_from_data(g, out, why);
	}
	g_free(g);
	g_free(copy);
	return rc;
}
