/*
 * proto_gpsd: a gpsd TPV report (as libgps decoded it) to a position.
 *
 * Why: the hub reads vehicle GPS through libgps (gps_read fills a
 * gps_data_t); this module decides whether that fix is usable and converts
 * it. ecc_proto_gpsd_parse also decodes raw gpsd JSON with libgps's own
 * gps_unpack, for tests and the fuzzer.
 *
 * Thread: any. Returns ECC_OK, ECC_ERR_IGNORED (not a TPV, or no 2D/3D fix
 * yet), ECC_ERR_TOOBIG, or ECC_ERR_INVAL; why (ECC_WHY_MAX bytes, or NULL)
 * names the cause.
 */
#ifndef ECC_PROTO_GPSD_H
#define ECC_PROTO_GPSD_H

#include "position.h"

#include <gps.h>
#include <stddef.h>

#define ECC_GPSD_MAX_BYTES 8192

int ecc_proto_gpsd_from_data(const struct gps_data_t *g, struct ecc_position *out, char *why);

int ecc_proto_gpsd_parse(const char *buf, size_t len, struct ecc_position *out, char *why);

#endif
