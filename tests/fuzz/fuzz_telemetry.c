/*
 * libFuzzer target: ecc_proto_telemetry_parse, the parser of every payload on
 * ecc/unit/{unit}/telemetry (any device on the broker can send one).
 * Besides "no crash, no leak, no undefined behaviour" it checks what the
 * header promises: an accepted position is physically valid, a refusal is
 * ECC_ERR_INVAL or ECC_ERR_TOOBIG with a reason, and what the hub accepts
 * the simulator's formatter writes back in a form the hub accepts again.
 */
#include "proto_telemetry.h"
#include "ecc_err.h"
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecc_position p, back;
	char why[ECC_WHY_MAX], buf[512];
	int rc, n;

	memset(why, 'x', sizeof(why));
	rc = ecc_proto_telemetry_parse((const char *)data, size, &p, why);
	if (rc != ECC_OK) {
		FUZZ_CHECK(rc == ECC_ERR_INVAL || rc == ECC_ERR_TOOBIG);
		FUZZ_CHECK(fuzz_reason_ok(why, sizeof(why)));
		return 0;
	}
	FUZZ_CHECK(ecc_position_valid(&p));
	FUZZ_CHECK(p.source == ECC_SRC_MQTT);
	n = ecc_proto_telemetry_format(&p, buf, sizeof(buf));
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(buf));
	FUZZ_CHECK(ecc_proto_telemetry_parse(buf, (size_t)n, &back, why) == ECC_OK);
	FUZZ_CHECK(back.ts == p.ts && back.battery == p.battery && back.signal == p.signal);
	return 0;
}
