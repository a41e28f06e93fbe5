/*
 * libFuzzer target: the REST-body and WebSocket-message parser. Both go
 * through ecc_json_parse_object with a byte limit, then read members with the
 * typed getters; the same bytes are also tried as an MQTT topic string with
 * ecc_topic_parse (topics come from the broker, which any device can publish
 * to).
 * Checks: a refusal is ECC_ERR_INVAL or ECC_ERR_TOOBIG; a getter never hands
 * out NaN, an infinity or an inexact integer; what the hub prints back it can
 * parse again; a topic that parses has valid ids and is rebuilt exactly.
 */
#include "ecc_json.h"
#include "ecc_topic.h"
#include "ecc_err.h"
#include "fuzz.h"

#include <glib.h>
#include <math.h>

/* [limits] http_body_max's default (server/config.c); ws_message_max's
 * default (16384) is smaller, so this limit covers both. */
#define BODY_MAX 65536

static void read_members(const cJSON *obj, int depth)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, obj)
	{
		double d;
		int64_t i;
		const char *s;
		bool b;
		int rc;

		if (!m->string)
			continue;
		rc = ecc_json_get_number(obj, m->string, &d);
		FUZZ_CHECK(rc == ECC_OK || rc == ECC_ERR_INVAL || rc == ECC_ERR_NOTFOUND);
		if (rc == ECC_OK)
			FUZZ_CHECK(isfinite(d));
		rc = ecc_json_get_int64(obj, m->string, &i);
		if (rc == ECC_OK) {
			FUZZ_CHECK(ecc_json_get_number(obj, m->string, &d) == ECC_OK);
			FUZZ_CHECK((double)i == d && floor(d) == d);
			FUZZ_CHECK(i <= (G_GINT64_CONSTANT(1) << 53) &&
			           i >= -(G_GINT64_CONSTANT(1) << 53));
		}
		if (ecc_json_get_string(obj, m->string, &s) == ECC_OK)
			FUZZ_CHECK(s != NULL);
		rc = ecc_json_get_bool(obj, m->string, &b);
		FUZZ_CHECK(rc != ECC_OK ||
		           cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(obj, m->string)));
		if (cJSON_IsObject(m))
			read_members(m, depth + 1);
	}
	FUZZ_CHECK(depth <= ECC_JSON_MAX_DEPTH);
}

static void check_topic(const uint8_t *data, size_t size)
{
	char *topic = g_strndup((const char *)data, size);
	struct ecc_topic t;
	char *again = NULL;

	if (!ecc_topic_parse(topic, &t)) {
		FUZZ_CHECK(t.kind == ECC_TOPIC_UNKNOWN);
		g_free(topic);
		return;
	}
	FUZZ_CHECK(ecc_id_valid(t.id));
	FUZZ_CHECK(strpbrk(t.id, "/+#") == NULL);
	switch (t.kind) {
	case ECC_TOPIC_UNIT_TELEMETRY:
		again = ecc_topic_unit(t.id, "telemetry");
		break;
	case ECC_TOPIC_UNIT_EVENT:
		again = ecc_topic_unit(t.id, "event");
		break;
	case ECC_TOPIC_UNIT_ACK:
		again = ecc_topic_unit(t.id, "ack");
		break;
	case ECC_TOPIC_UNIT_STREAM:
		again = ecc_topic_unit(t.id, "stream");
		break;
	case ECC_TOPIC_GW_STATUS:
		again = ecc_topic_gw(t.id, "status");
		break;
	case ECC_TOPIC_GW_EVT:
		again = ecc_topic_gw(t.id, "evt");
		break;
	case ECC_TOPIC_GW_LIVE:
		FUZZ_CHECK(ecc_id_valid(t.device));
		again = ecc_topic_gw_live(t.id, t.device);
		break;
	case ECC_TOPIC_OWNTRACKS:
		FUZZ_CHECK(ecc_id_valid(t.device));
		again = g_strdup_printf("owntracks/%s/%s", t.id, t.device);
		break;
	default:
		FUZZ_CHECK(!"a parsed topic has a known kind");
	}
	FUZZ_CHECK(again && strcmp(again, topic) == 0);
	g_free(again);
	g_free(topic);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *o = NULL, *back = NULL;
	char *printed;
	int rc = ecc_json_parse_object((const char *)data, size, BODY_MAX, &o);

	check_topic(data, size);
	if (rc != ECC_OK) {
		FUZZ_CHECK(rc == ECC_ERR_INVAL || rc == ECC_ERR_TOOBIG);
		FUZZ_CHECK(o == NULL);
		return 0;
	}
	FUZZ_CHECK(cJSON_IsObject(o));
	read_members(o, 1);
	/* what goes back out (replies, fan-out) parses again */
	printed = ecc_json_print(o);
	FUZZ_CHECK(printed != NULL);
	rc = ecc_json_parse_object(printed, strlen(printed), SIZE_MAX, &back);
	FUZZ_CHECK(rc == ECC_OK);
	cJSON_Delete(back);
	cJSON_free(printed);
	cJSON_Delete(o);
	return 0;
}
