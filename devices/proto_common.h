/*
 * proto_common: field readers shared by the device protocol parsers
 * (module-internal: only devices/proto_*.c include it).
 * Each returns ECC_OK, or ECC_ERR_INVAL after writing the cause into why
 * (a buffer of ECC_WHY_MAX bytes, or NULL). scale multiplies the value read
 * (OwnTracks sends seconds and km/h).
 */
#ifndef ECC_PROTO_COMMON_H
#define ECC_PROTO_COMMON_H

#include "position.h"

#include <cjson/cJSON.h>

void proto__why(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int proto__required_ts_ms(const cJSON *o, const char *key, double scale, int64_t *out, char *why);
int proto__required_coord(const cJSON *o, const char *lat_key, const char *lon_key,
                          struct ecc_position *p, char *why);
int proto__optional_number(const cJSON *o, const char *key, double scale, double *out, char *why);
int proto__optional_percent(const cJSON *o, const char *key, int *out, char *why);

#endif
