/* proto_telemetry: parse and format ECC telemetry JSON. */
#include "proto_telemetry.h"
#include "proto_common.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <stdio.h>

int ecc_proto_telemetry_parse(const char *buf, size_t len, struct ecc_position *out, char *why)
{
	cJSON *o;
	int rc;

	ecc_position_init(out);
	rc = ecc_json_parse_object(buf, len, ECC_TELEMETRY_MAX_BYTES, &o);
	if (rc != ECC_OK) {
		proto__why(why, "%s",
		           rc == ECC_ERR_TOOBIG ? "payload too large or too deep"
		                                : "not a JSON object");
		return rc;
	}
	rc = proto__required_ts_ms(o, "ts", 1, &out->ts, why);
	if (rc == ECC_OK)
		rc = proto__required_coord(o, "lat", "lon", out, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "alt", 1, &out->alt, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "speed", 1, &out->speed, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "heading", 1, &out->heading, why);
	if (rc == ECC_OK)
		rc = proto__optional_number(o, "acc", 1, &out->acc, why);
	if (rc == ECC_OK)
		rc = proto__optional_percent(o, "battery", &out->battery, why);
	if (rc == ECC_OK)
		rc = proto__optional_percent(o, "signal", &out->signal, why);
	if (rc == ECC_OK && !ecc_position_valid(out)) {
		rc = ECC_ERR_INVAL;
		proto__why(why, "a value is out of range");
	}
	cJSON_Delete(o);
	out->source = ECC_SRC_MQTT;
	return rc;
}

/* Appends ,"key":value when v is present. */
static int add_opt(char *buf, size_t size, int n, const char *key, double v, int decimals)
{
	int k;

	if (n < 0 || isnan(v))
		return n;
	k = snprintf(buf + n, size - (size_t)n, ",\"%s\":", key);
	if (k < 0 || (size_t)(n + k) >= size)
		return -1;
	n += k;
	k = snprintf(buf + n, size - (size_t)n, "%.*f", decimals, v);
	if (k < 0 || (size_t)(n + k) >= size)
		return -1;
	return n + k;
}

int ecc_proto_telemetry_format(const struct ecc_position *p, char *buf, size_t size)
{
	int n = snprintf(buf, size, "{\"ts\":%lld,\"lat\":%.7f,\"lon\":%.7f", (long long)p->ts,
	                 p->lat, p->lon);

	if (n < 0 || (size_t)n >= size)
		return -1;
	n = add_opt(buf, size, n, "alt", p->alt, 1);
	n = add_opt(buf, size, n, "speed", p->speed, 2);
	n = add_opt(buf, size, n, "heading", p->heading, 1);
	n = add_opt(buf, size, n, "acc", p->acc, 1);
	n = add_opt(buf, size, n, "battery", p->battery >= 0 ? p->battery : NAN, 0);
	n = add_opt(buf, size, n, "signal", p->signal >= 0 ? p->signal : NAN, 0);
	if (n < 0 || (size_t)n + 2 > size)
		return -1;
	buf[n++] = '}';
	buf[n] = '\0';
	return n;
}
