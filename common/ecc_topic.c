/* ecc_topic: topic strings of DESIGN.md's MQTT table. */
#include "ecc_topic.h"

#include <glib.h>
#include <string.h>

bool ecc_id_valid(const char *id)
{
	size_t n;

	if (!id)
		return false;
	n = strlen(id);
	if (n == 0 || n > ECC_ID_MAX || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!g_ascii_isalnum(c) && c != '_' && c != '-' && c != '.')
			return false;
	}
	return true;
}

static bool copy_id(char dst[ECC_ID_MAX + 1], const char *src)
{
	if (!ecc_id_valid(src))
		return false;
	g_strlcpy(dst, src, ECC_ID_MAX + 1);
	return true;
}

struct leaf_kind {
	const char *leaf;
	enum ecc_topic_kind kind;
};

static const struct leaf_kind unit_leaves[] = {
    {"telemetry", ECC_TOPIC_UNIT_TELEMETRY},
    {"event", ECC_TOPIC_UNIT_EVENT},
    {"ack", ECC_TOPIC_UNIT_ACK},
    {"stream", ECC_TOPIC_UNIT_STREAM},

    {NULL, 0},
};

static const struct leaf_kind gw_leaves[] = {
    {"status", ECC_TOPIC_GW_STATUS},
    {"evt", ECC_TOPIC_GW_EVT},
    {NULL, 0},
};

bool ecc_topic_parse(const char *topic, struct ecc_topic *out)
{
	gchar **p;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (!topic)
		return false;
	p = g_strsplit(topic, "/", 6);
	if (g_strv_length(p) == 3 && !strcmp(p[0], "owntracks")) {
		ok = copy_id(out->id, p[1]) && copy_id(out->device, p[2]);
		if (ok)
			out->kind = ECC_TOPIC_OWNTRACKS;
	} else if (g_strv_length(p) == 5 && !strcmp(p[0], "ecc") && !strcmp(p[1], "gw") &&
	           !strcmp(p[3], "live")) {
		ok = copy_id(out->id, p[2]) && copy_id(out->device, p[4]);
		if (ok)
			out->kind = ECC_TOPIC_GW_LIVE;
	} else if (g_strv_length(p) == 4 && !strcmp(p[0], "ecc")) {
		const struct leaf_kind *t = !strcmp(p[1], "unit") ? unit_leaves
		                            : !strcmp(p[1], "gw") ? gw_leaves
		                                                  : NULL;
		for (; t && t->leaf; t++) {
			if (!strcmp(p[3], t->leaf) && copy_id(out->id, p[2])) {
				out->kind = t->kind;
				ok = true;
				break;
			}
		}
	}
	g_strfreev(p);
	return ok;
}

char *ecc_topic_unit(const char *unit, const char *leaf)
{
	return ecc_id_valid(unit) ? g_strdup_printf("ecc/unit/%s/%s", unit, leaf) : NULL;
}

char *ecc_topic_gw(const char *gw, const char *leaf)
{
	return ecc_id_valid(gw) ? g_strdup_printf("ecc/gw/%s/%s", gw, leaf) : NULL;
}

char *ecc_topic_gw_live(const char *gw, const char *view)
{
	return ecc_id_valid(gw) && ecc_id_valid(view)
	           ? g_strdup_printf("ecc/gw/%s/live/%s", gw, view)
	           : NULL;
}
