/*
 * ecc_json: cJSON with the limits every outside input gets.
 *
 * Why: cJSON alone accepts any depth up to 1000 and any size; MQTT payloads,
 * REST bodies and WebSocket messages come from outside, so they are parsed
 * here with a byte limit and a nesting limit, and read with typed getters that
 * refuse NaN, infinities and wrong types.
 *
 * Thread: any. The caller owns the returned cJSON and frees it with cJSON_Delete.
 */
#ifndef ECC_JSON_H
#define ECC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#define ECC_JSON_MAX_DEPTH 16

/*
 * Parses len bytes of buf (need not be NUL-terminated) as one JSON value.
 * Returns ECC_OK and sets *out, ECC_ERR_TOOBIG when len > max_bytes or the
 * nesting is deeper than max_depth, ECC_ERR_INVAL when it is not JSON.
 */
int ecc_json_parse(const char *buf, size_t len, size_t max_bytes, int max_depth, cJSON **out);

/* Same, and the value must be an object. */
int ecc_json_parse_object(const char *buf, size_t len, size_t max_bytes, cJSON **out);

/*
 * Typed getters on an object's member. Each returns ECC_OK, ECC_ERR_NOTFOUND
 * when the member is absent or null, ECC_ERR_INVAL when it has the wrong type
 * or is not finite.
 */
int ecc_json_get_number(const cJSON *obj, const char *key, double *out);
int ecc_json_get_int64(const cJSON *obj, const char *key, int64_t *out);
int ecc_json_get_string(const cJSON *obj, const char *key, const char **out);
int ecc_json_get_bool(const cJSON *obj, const char *key, bool *out);

/* Prints compactly; the caller frees with cJSON_free. NULL on failure. */
char *ecc_json_print(const cJSON *value);

#endif
