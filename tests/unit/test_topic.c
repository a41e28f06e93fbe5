/* Specifications of ecc_topic: which MQTT topics the hub understands, and
 * that no id read from a topic can carry a separator or a wildcard. */
#include "ecc_topic.h"

#include <glib.h>
#include <string.h>

static void test_each_kind(void)
{
	static const struct {
		const char *topic;
		enum ecc_topic_kind kind;
		const char *id, *device;
	} cases[] = {
	    {"ecc/unit/bc-01/telemetry", ECC_TOPIC_UNIT_TELEMETRY, "bc-01", ""},
	    {"ecc/unit/bc-01/event", ECC_TOPIC_UNIT_EVENT, "bc-01", ""},
	    {"ecc/unit/veh_7.a/ack", ECC_TOPIC_UNIT_ACK, "veh_7.a", ""},
	    {"owntracks/zhang/phone", ECC_TOPIC_OWNTRACKS, "zhang", "phone"},
	    {"ecc/gw/gw1/status", ECC_TOPIC_GW_STATUS, "gw1", ""},
	    {"ecc/gw/gw1/evt", ECC_TOPIC_GW_EVT, "gw1", ""},
	    {"ecc/gw/gw1/live/v0a1b", ECC_TOPIC_GW_LIVE, "gw1", "v0a1b"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ecc_topic t;

		g_test_message("topic: %s", cases[i].topic);
		g_assert_true(ecc_topic_parse(cases[i].topic, &t));
		g_assert_cmpint(t.kind, ==, cases[i].kind);
		g_assert_cmpstr(t.id, ==, cases[i].id);
		g_assert_cmpstr(t.device, ==, cases[i].device);
	}
}

static void test_bad_ids_refused(void)
{
	static const char *const topics[] = {
	    "ecc/unit//telemetry",
	    "ecc/unit/+/telemetry",
	    "ecc/unit/#/telemetry",
	    "ecc/unit/a+b/telemetry",
	    "ecc/unit/a#/event",
	    "ecc/unit/../telemetry",
	    "ecc/unit/./telemetry",
	    "ecc/unit/a/b/telemetry",
	    "ecc/unit/a b/telemetry",
	    "ecc/unit/\xe4\xb8\xad/ack",
	    "ecc/gw/+/status",
	    "ecc/gw/../evt",
	    "owntracks/+/phone",
	    "owntracks/zhang/#",
	    "owntracks//phone",
	    "owntracks/zhang/",
	    "owntracks/zhang/phone/extra",
	    "owntracks/../phone",
	    "ecc/gw/gw1/live/+",
	    "ecc/gw/gw1/live/..",
	    "ecc/gw/gw1/live/",
	    "ecc/gw/gw1/live/v1/x",
	    "ecc/gw/gw1/evt/v1",
	    "ecc/unit/u1/live/v1",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(topics); i++) {
		struct ecc_topic t;

		g_test_message("topic: %s", topics[i]);
		g_assert_false(ecc_topic_parse(topics[i], &t));
		g_assert_cmpint(t.kind, ==, ECC_TOPIC_UNKNOWN);
	}
	g_assert_false(ecc_id_valid(NULL));
	g_assert_false(ecc_id_valid(""));
	g_assert_false(ecc_id_valid("a/b"));
	g_assert_true(ecc_id_valid("a..b")); /* only "." and ".." as a whole */
}

static void test_id_length(void)
{
	char id64[65], id65[66];
	char *ok, *bad;
	struct ecc_topic t;

	memset(id64, 'a', 64);
	id64[64] = '\0';
	memset(id65, 'b', 65);
	id65[65] = '\0';
	ok = g_strdup_printf("ecc/unit/%s/telemetry", id64);
	bad = g_strdup_printf("ecc/unit/%s/telemetry", id65);
	g_assert_true(ecc_id_valid(id64));
	g_assert_false(ecc_id_valid(id65));
	g_assert_true(ecc_topic_parse(ok, &t));
	g_assert_cmpstr(t.id, ==, id64);
	g_assert_false(ecc_topic_parse(bad, &t));
	g_free(ok);
	g_free(bad);
	ok = g_strdup_printf("owntracks/%s/%s", id64, id64);
	bad = g_strdup_printf("owntracks/%s/%s", id64, id65);
	g_assert_true(ecc_topic_parse(ok, &t));
	g_assert_cmpstr(t.device, ==, id64);
	g_assert_false(ecc_topic_parse(bad, &t));
	g_free(ok);
	g_free(bad);
}

static void test_unknown_topics(void)
{
	static const char *const topics[] = {
	    "",
	    "ecc",
	    "ecc/unit/u1",
	    "ecc/unit/u1/",
	    "ecc/unit/u1/status",
	    "ecc/unit/u1/telemetry/x",
	    "ecc/gw/g1/telemetry",
	    "ecc/room/r1/status",
	    "/ecc/unit/u1/telemetry",
	    "ECC/unit/u1/telemetry",
	    "ecc/unit/u1/Telemetry",
	    "owntracks/u",
	    "other/u/d",
	};
	struct ecc_topic t;

	for (size_t i = 0; i < G_N_ELEMENTS(topics); i++) {
		g_test_message("topic: %s", topics[i]);
		g_assert_false(ecc_topic_parse(topics[i], &t));
	}
	g_assert_false(ecc_topic_parse(NULL, &t));
}

static void test_builders(void)
{
	char *s = ecc_topic_unit("bc-01", "telemetry");
	struct ecc_topic t;

	g_assert_cmpstr(s, ==, "ecc/unit/bc-01/telemetry");
	g_assert_true(ecc_topic_parse(s, &t));
	g_assert_cmpint(t.kind, ==, ECC_TOPIC_UNIT_TELEMETRY);
	g_free(s);
	s = ecc_topic_gw("gw1", "status");
	g_assert_cmpstr(s, ==, "ecc/gw/gw1/status");
	g_assert_true(ecc_topic_parse(s, &t));
	g_assert_cmpint(t.kind, ==, ECC_TOPIC_GW_STATUS);
	g_free(s);
	g_assert_null(ecc_topic_unit("a/b", "telemetry"));
	g_assert_null(ecc_topic_unit("#", "telemetry"));
	g_assert_null(ecc_topic_unit("", "telemetry"));
	g_assert_null(ecc_topic_gw("+", "status"));
	g_assert_null(ecc_topic_gw("..", "status"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/topic/each kind of topic parses with its ids", test_each_kind);
	g_test_add_func("/topic/ids with a slash, '+', '#', '..' or nothing are refused",
	                test_bad_ids_refused);
	g_test_add_func("/topic/an id of 64 characters is accepted, 65 are refused",
	                test_id_length);
	g_test_add_func("/topic/unknown prefixes, leaves and depths are refused",
	                test_unknown_topics);
	g_test_add_func("/topic/builders refuse bad ids and parse back", test_builders);
	return g_test_run();
}
