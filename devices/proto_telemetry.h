/*
 * proto_telemetry: ECC's own device telemetry (DESIGN.md, MQTT topics):
 *   {"ts":ms,"lat":..,"lon":..,"alt":..,"speed":..,"heading":..,"acc":..,
 *    "battery":..,"signal":..}
 * ts, lat and lon are required; the rest may be absent or null.
 *
 * Why here: hub and simulator share it (the simulator builds with
 * ecc_proto_telemetry_format, the hub reads with _parse).
 * Thread: any. Errors: ECC_ERR_TOOBIG (over ECC_TELEMETRY_MAX_BYTES or too
 * deep), ECC_ERR_INVAL (not JSON, a required field missing, a wrong type, a
 * value out of range); why (ECC_WHY_MAX bytes, or NULL) then names the cause.
 */
#ifndef ECC_PROTO_TELEMETRY_H
#define ECC_PROTO_TELEMETRY_H

#include "position.h"

#include <stddef.h>

#define ECC_TELEMETRY_MAX_BYTES 4096

int ecc_proto_telemetry_parse(const char *buf, size_t len, struct ecc_position *out, char *why);

/* Writes p as telemetry JSON into buf; returns the length, or -1 if it does
 * not fit. */
int ecc_proto_telemetry_format(const struct ecc_position *p, char *buf, size_t size);

#endif
