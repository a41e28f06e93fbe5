/*
 * proto_gpsd: a gpsd TPV report (one line of gpsd's JSON) to a position.
 *
 * Why: vehicles report through gpsd (DESIGN.md). The hub reads gpsd's JSON
 * itself instead of through libgps: libgps 3.22's gps_unpack loops forever
 * on some malformed or merely unexpected input (found by the fuzzer:
 * `{:"class":"TPV"}`, or a "class" member inside an array under an unknown
 * key), and a gpsd address may be remote, so one bad line would freeze the
 * hub. Here a line is parsed with the bounded ecc_json and the typed getters.
 *
 * A TPV with mode 2 or 3, a time and a position is a fix; altitude is taken
 * from altMSL (then alt, then altHAE) on a 3D fix only; heading from track;
 * accuracy from eph (else the larger of epx, epy).
 *
 * Thread: any. Returns ECC_OK, ECC_ERR_IGNORED (well-formed but not a TPV,
 * or no 2D/3D fix yet), ECC_ERR_TOOBIG, or ECC_ERR_INVAL; why (ECC_WHY_MAX
 * bytes, or NULL) names the cause.
 */
#ifndef ECC_PROTO_GPSD_H
#define ECC_PROTO_GPSD_H

#include "position.h"

#include <stddef.h>

#define ECC_GPSD_MAX_BYTES 8192

int ecc_proto_gpsd_parse(const char *buf, size_t len, struct ecc_position *out, char *why);

/* The command that asks gpsd for JSON reports (send once after connecting). */
#define ECC_GPSD_WATCH "?WATCH={\"enable\":true,\"json\":true};\n"

#endif
