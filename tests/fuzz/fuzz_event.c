/*
 * libFuzzer target: ecc_proto_event_parse, the parser of every payload on
 * ecc/unit/{unit}/event (SOS and the like: they become alerts on the wall).
 * Checks: an accepted event has a kind of [a-z0-9_]{1,31}, a text of at most
 * ECC_EVENT_TEXT_MAX bytes of UTF-8, and either no position or one in range;
 * a refusal is ECC_ERR_INVAL or ECC_ERR_TOOBIG with a reason.
 */
#include "proto_event.h"
#include "ecc_err.h"
#include "fuzz.h"

#include <glib.h>
#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecc_event e;
	char why[ECC_WHY_MAX];
	size_t k;
	int rc;

	memset(why, 'x', sizeof(why));
	rc = ecc_proto_event_parse((const char *)data, size, &e, why);
	if (rc != ECC_OK) {
		FUZZ_CHECK(rc == ECC_ERR_INVAL || rc == ECC_ERR_TOOBIG);
		FUZZ_CHECK(fuzz_reason_ok(why, sizeof(why)));
		return 0;
	}
	k = strnlen(e.kind, sizeof(e.kind));
	FUZZ_CHECK(k >= 1 && k <= ECC_EVENT_KIND_MAX);
	for (size_t i = 0; i < k; i++)
		FUZZ_CHECK(g_ascii_islower(e.kind[i]) || g_ascii_isdigit(e.kind[i]) ||
		           e.kind[i] == '_');
	FUZZ_CHECK(strnlen(e.text, sizeof(e.text)) <= ECC_EVENT_TEXT_MAX);
	FUZZ_CHECK(g_utf8_validate(e.text, -1, NULL));
	FUZZ_CHECK(e.ts >= 0);
	FUZZ_CHECK((isnan(e.lat) && isnan(e.lon)) ||
	           (e.lat >= -90 && e.lat <= 90 && e.lon >= -180 && e.lon <= 180));
	return 0;
}
