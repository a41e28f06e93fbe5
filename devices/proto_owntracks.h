/*
 * proto_owntracks: OwnTracks' location messages on owntracks/{user}/{device}
 * (https://owntracks.org/booklet/tech/json/): {"_type":"location","lat":..,
 * "lon":..,"tst":s,"acc":m,"alt":m,"vel":km/h,"cog":deg,"batt":%}.
 * The hub maps {user}/{device} to a unit; this module only reads the payload.
 *
 * Thread: any. Returns ECC_OK, ECC_ERR_IGNORED for other OwnTracks types
 * (lwt, transition, card, encrypted payloads, ...), ECC_ERR_TOOBIG, or
 * ECC_ERR_INVAL; why (ECC_WHY_MAX bytes, or NULL) names the cause.
 */
#ifndef ECC_PROTO_OWNTRACKS_H
#define ECC_PROTO_OWNTRACKS_H

#include "position.h"

#include <stddef.h>

#define ECC_OWNTRACKS_MAX_BYTES 8192

int ecc_proto_owntracks_parse(const char *buf, size_t len, struct ecc_position *out, char *why);

#endif
