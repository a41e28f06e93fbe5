/* proto_owntracks: OwnTracks location JSON to a position. */
#include "proto_owntracks.h"
#include "proto_common.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <string.h>

int ecc_proto_owntracks_parse(const char *buf, size_t len, struct ecc_position *out, char *why)
{
	cJSON *o;
	const char *type;
	int rc;

	ecc_position_init(out);
	out->source = ECC_SRC_OWNTRACKS;
	rc = ecc_json_parse_object(buf, len, ECC_OWNTRACKS_MAX_BYTES, &o);
	if (rc != ECC_OK) {
		proto__why(why, "%s",
		           rc == ECC_ERR_TOOBIG ? "payload too large or too deep"
		                                : "not a JSON object");
		return rc;
	}
	rc = ecc_json_get_string(o, "_type", &type);
	if (rc != ECC_OK) {
		proto__why(why, "_type is missing or not a string");
		cJSON_Delete(o);
		return ECC_ERR_INVAL;
	}
	if (strcmp(type, "location") != 0) {
		proto__why(why, "not a location (_type %.40s)", type);
		cJSON_Delete(o);
		return ECC_ERR_IGNORED;
	}
	rc = proto__required_ts_ms(o, "tst", 1000, &out->ts, why);
	if (rc == ECC_OK)
		rc = proto__required_coord(o, "lat", "lon", out, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "alt", 1, &out->alt, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "vel", 1 / 3.6, &out->speed, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "cog", 1, &out->heading, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "acc", 1, &out->acc, why);
	if (rc == ECC_OK)
		rc = proto__optional_percent(o, "batt", &out->battery, why);
	if (rc == ECC_OK && !ecc_position_valid(out)) {
		rc = ECC_ERR_INVAL;
		proto__why(why, "a value is out of range");
	}
	cJSON_Delete(o);
	return rc;
}
