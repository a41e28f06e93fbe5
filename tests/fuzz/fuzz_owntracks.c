/*
 * libFuzzer target: ecc_proto_owntracks_parse, the parser of every payload on
 * owntracks/{user}/{device} (phones with the OwnTracks app).
 * Checks: an accepted position is valid and marked as OwnTracks; anything
 * else is ECC_ERR_IGNORED, ECC_ERR_INVAL or ECC_ERR_TOOBIG with a reason.
 */
#include "proto_owntracks.h"
#include "ecc_err.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX];
	int rc;

	memset(why, 'x', sizeof(why));
	rc = ecc_proto_owntracks_parse((const char *)data, size, &p, why);
	if (rc != ECC_OK) {
		FUZZ_CHECK(rc == ECC_ERR_IGNORED || rc == ECC_ERR_INVAL || rc == ECC_ERR_TOOBIG);
		FUZZ_CHECK(fuzz_reason_ok(why, sizeof(why)));
		return 0;
	}
	FUZZ_CHECK(ecc_position_valid(&p));
	FUZZ_CHECK(p.source == ECC_SRC_OWNTRACKS);
	FUZZ_CHECK(p.signal == -1);
	return 0;
}
