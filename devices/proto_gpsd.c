/* proto_gpsd: gpsd TPV JSON to a position, with bounded cJSON. */
#include "proto_gpsd.h"
#include "proto_common.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <glib.h>
#include <string.h>

/* gpsd's "time": ISO 8601 UTC, e.g. 2024-03-01T12:34:53.780Z. */
static int parse_time(const char *s, int64_t *ms)
{
	GDateTime *t = g_date_time_new_from_iso8601(s, NULL);

	if (!t)
		return ECC_ERR_INVAL;
	*ms = g_date_time_to_unix(t) * 1000 + g_date_time_get_microsecond(t) / 1000;
	g_date_time_unref(t);
	return ECC_OK;
}

static double first_number(const cJSON *o, const char *const *keys)
{
	double v;

	for (; *keys; keys++)
		if (ecc_json_get_number(o, *keys, &v) == ECC_OK)
			return v;
	return NAN;
}

int ecc_proto_gpsd_parse(const char *buf, size_t len, struct ecc_position *out, char *why)
{
	static const char *const alt_keys[] = {"altMSL", "alt", "altHAE", NULL};
	const char *cls = NULL, *time = NULL;
	double epx, epy;
	int64_t mode;
	cJSON *o;
	int rc;

	ecc_position_init(out);
	out->source = ECC_SRC_GPSD;
	rc = ecc_json_parse_object(buf, len, ECC_GPSD_MAX_BYTES, &o);
	if (rc != ECC_OK) {
		proto__why(why, "%s",
		           rc == ECC_ERR_TOOBIG ? "report too large or too deep"
		                                : "not a gpsd JSON report");
		return rc;
	}
	if (ecc_json_get_string(o, "class", &cls) != ECC_OK) {
		proto__why(why, "class is missing or not a string");
		cJSON_Delete(o);
		return ECC_ERR_INVAL;
	}
	if (strcmp(cls, "TPV") != 0) {
		proto__why(why, "not a position report (class %.20s)", cls);
		cJSON_Delete(o);
		return ECC_ERR_IGNORED;
	}
	rc = ecc_json_get_int64(o, "mode", &mode);
	if (rc == ECC_ERR_INVAL) {
		proto__why(why, "mode has a wrong type or value");
		cJSON_Delete(o);
		return ECC_ERR_INVAL;
	}
	if (rc != ECC_OK || mode < 2) {
		proto__why(why, "no fix (mode %d)", rc == ECC_OK ? (int)mode : 0);
		cJSON_Delete(o);
		return ECC_ERR_IGNORED;
	}
	if (ecc_json_get_string(o, "time", &time) != ECC_OK ||
	    parse_time(time, &out->ts) != ECC_OK) {
		proto__why(why, "fix without time, or not ISO 8601");
		cJSON_Delete(o);
		return ECC_ERR_INVAL;
	}
	rc = proto__required_coord(o, "lat", "lon", out, why);
	if (rc == ECC_OK && mode >= 3)
		out->alt = first_number(o, alt_keys);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "speed", 1, &out->speed, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "track", 1, &out->heading, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "eph", 1, &out->acc, why);
	if (rc == ECC_OK && isnan(out->acc)) {
		epx = epy = NAN;
		if (proto__optional_number(o, "epx", 1, &epx, why) == ECC_OK &&
		    proto__optional_number(o, "epy", 1, &epy, why) == ECC_OK)
			out->acc = isnan(epx) ? epy : isnan(epy) ? epx : MAX(epx, epy);
	}
	if (rc == ECC_OK && !ecc_position_valid(out)) {
		proto__why(why, "a value is out of range");
		rc = ECC_ERR_INVAL;
	}
	cJSON_Delete(o);
	return rc;
}
