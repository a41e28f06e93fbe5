/* ecc_json: bounded parsing and typed getters over cJSON. */
#include "ecc_json.h"
#include "ecc_err.h"

#include <math.h>

/*
 * Deepest nesting of [ and { outside strings (stops counting past limit), or
 * -1 when the text holds a control character JSON does not allow: cJSON
 * takes any byte up to 0x20 for white space and keeps raw control
 * characters in strings; RFC 8259 allows neither.
 */
static int nesting_depth(const char *buf, size_t len, int limit)
{
	int depth = 0, max = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == 0 && !in_string) {
			/* C strings sent with their terminator: NULs may end the text */
			while (i < len && buf[i] == 0)
				i++;
			return i == len ? max : -1;
		}
		if (c < 0x20 && (in_string || (c != ' ' && c != '\t' && c != '\n' && c != '\r')))
			return -1;
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
			if (max > limit)
				return max;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return max;
}

int ecc_json_parse(const char *buf, size_t len, size_t max_bytes, int max_depth, cJSON **out)
{
	const char *end = NULL;
	int depth;
	cJSON *v;

	*out = NULL;
	if (!buf)
		return ECC_ERR_INVAL;
	if (len > max_bytes)
		return ECC_ERR_TOOBIG;
	depth = nesting_depth(buf, len, max_depth);
	if (depth < 0)
		return ECC_ERR_INVAL;
	if (depth > max_depth)
		return ECC_ERR_TOOBIG;
	v = cJSON_ParseWithLengthOpts(buf, len, &end, false);
	if (!v)
		return ECC_ERR_INVAL;
	/* Only white space may follow the value. */
	for (; end && end < buf + len; end++) {
		if (*end != ' ' && *end != '\n' && *end != '\r' && *end != '\t' && *end != '\0') {
			cJSON_Delete(v);
			return ECC_ERR_INVAL;
		}
	}
	*out = v;
	return ECC_OK;
}

int ecc_json_parse_object(const char *buf, size_t len, size_t max_bytes, cJSON **out)
{
	int rc = ecc_json_parse(buf, len, max_bytes, ECC_JSON_MAX_DEPTH, out);

	if (rc != ECC_OK)
		return rc;
	if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	return (m && !cJSON_IsNull(m)) ? m : NULL;
}

int ecc_json_get_number(const cJSON *obj, const char *key, double *out)
{
	const cJSON *m = member(obj, key);

	if (!m)
		return ECC_ERR_NOTFOUND;
	if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble))
		return ECC_ERR_INVAL;
	*out = m->valuedouble;
	return ECC_OK;
}

int ecc_json_get_int64(const cJSON *obj, const char *key, int64_t *out)
{
	double d;
	int rc = ecc_json_get_number(obj, key, &d);

	if (rc != ECC_OK)
		return rc;
	/* Integers a double holds exactly and unambiguously: |d| < 2^53 (2^53 + 1
	 * would read as 2^53). */
	if (d != floor(d) || fabs(d) >= 9007199254740992.0)

		return ECC_ERR_INVAL;
	*out = (int64_t)d;
	return ECC_OK;
}

int ecc_json_get_string(const cJSON *obj, const char *key, const char **out)
{
	const cJSON *m = member(obj, key);

	if (!m)
		return ECC_ERR_NOTFOUND;
	if (!cJSON_IsString(m) || !m->valuestring)
		return ECC_ERR_INVAL;
	*out = m->valuestring;
	return ECC_OK;
}

int ecc_json_get_bool(const cJSON *obj, const char *key, bool *out)
{
	const cJSON *m = member(obj, key);

	if (!m)
		return ECC_ERR_NOTFOUND;
	if (!cJSON_IsBool(m))
		return ECC_ERR_INVAL;
	*out = cJSON_IsTrue(m);
	return ECC_OK;
}

char *ecc_json_print(const cJSON *value)
{
	return cJSON_PrintUnformatted(value);
}
