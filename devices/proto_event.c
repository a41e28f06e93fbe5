/* proto_event: device event JSON. */
#include "proto_event.h"
#include "proto_common.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <glib.h>
#include <string.h>

static bool kind_valid(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > ECC_EVENT_KIND_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_islower(k[i]) && !g_ascii_isdigit(k[i]) && k[i] != '_')
			return false;
	return true;
}

int ecc_proto_event_parse(const char *buf, size_t len, struct ecc_event *out, char *why)
{
	struct ecc_position p;
	const char *kind = NULL, *text;
	cJSON *o;
	int rc;

	memset(out, 0, sizeof(*out));
	out->lat = out->lon = NAN;
	rc = ecc_json_parse_object(buf, len, ECC_EVENT_MAX_BYTES, &o);
	if (rc != ECC_OK) {
		proto__why(why, "%s",
		           rc == ECC_ERR_TOOBIG ? "payload too large or too deep"
		                                : "not a JSON object");
		return rc;
	}
	ecc_position_init(&p);
	rc = proto__required_ts_ms(o, "ts", 1, &out->ts, why);
	if (rc == ECC_OK &&
	    (ecc_json_get_string(o, "kind", &kind) != ECC_OK || !kind_valid(kind))) {
		proto__why(why, "kind is missing or not [a-z0-9_]{1,31}");
		rc = ECC_ERR_INVAL;
	}
	if (rc == ECC_OK && cJSON_GetObjectItemCaseSensitive(o, "lat")) {
		rc = proto__required_coord(o, "lat", "lon", &p, why);
		out->lat = p.lat;
		out->lon = p.lon;
	}
	if (rc == ECC_OK) {
		int trc = ecc_json_get_string(o, "text", &text);
		if (trc == ECC_ERR_INVAL || (trc == ECC_OK && (strlen(text) > ECC_EVENT_TEXT_MAX ||
		                                               !g_utf8_validate(text, -1, NULL)))) {
			proto__why(why, "text is not a string of at most %d bytes of UTF-8",
			           ECC_EVENT_TEXT_MAX);
			rc = ECC_ERR_INVAL;
		} else if (trc == ECC_OK) {
			g_strlcpy(out->text, text, sizeof(out->text));
		}
	}
	if (rc == ECC_OK)
		g_strlcpy(out->kind, kind, sizeof(out->kind));
	cJSON_Delete(o);
	return rc;
}
