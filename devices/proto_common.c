/* proto_common: typed field readers with a reason on failure. */
#include "proto_common.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <stdarg.h>
#include <stdio.h>

void proto__why(char *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, ECC_WHY_MAX, fmt, ap);
	va_end(ap);
}

static int bad(char *why, const char *key, int rc)
{
	proto__why(why, "%s %s", key,
	           rc == ECC_ERR_NOTFOUND ? "is missing" : "has a wrong type or value");
	return ECC_ERR_INVAL;
}

int proto__required_ts_ms(const cJSON *o, const char *key, double scale, int64_t *out, char *why)
{
	double v;
	int rc = ecc_json_get_number(o, key, &v);

	if (rc == ECC_OK && (v * scale < 0 || v * scale >= 9007199254740992.0))

		rc = ECC_ERR_INVAL;
	if (rc != ECC_OK)
		return bad(why, key, rc);
	*out = (int64_t)(v * scale);
	return ECC_OK;
}

int proto__required_coord(const cJSON *o, const char *lat_key, const char *lon_key,
                          struct ecc_position *p, char *why)
{
	int rc = ecc_json_get_number(o, lat_key, &p->lat);

	if (rc != ECC_OK || p->lat < -90 || p->lat > 90)
		return bad(why, lat_key, rc);
	rc = ecc_json_get_number(o, lon_key, &p->lon);
	if (rc != ECC_OK || p->lon < -180 || p->lon > 180)
		return bad(why, lon_key, rc);
	return ECC_OK;
}

int proto__optional_number(const cJSON *o, const char *key, double scale, double *out, char *why)
{
	double v;
	int rc = ecc_json_get_number(o, key, &v);

	if (rc == ECC_ERR_NOTFOUND)
		return ECC_OK;
	if (rc != ECC_OK)
		return bad(why, key, rc);
	*out = v * scale;
	return ECC_OK;
}

int proto__optional_percent(const cJSON *o, const char *key, int *out, char *why)
{
	double v = NAN;
	int rc = proto__optional_number(o, key, 1, &v, why);

	if (rc != ECC_OK || isnan(v))
		return rc;
	if (v < 0 || v > 100)
		return bad(why, key, ECC_ERR_INVAL);
	*out = (int)lround(v);
	return ECC_OK;
}
