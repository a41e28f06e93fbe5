/* status: retained online/offline status of a gateway. */
#define G_LOG_DOMAIN "ecc-gw-status"

#include "status.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "ecc_topic.h"

#include <cjson/cJSON.h>
#include <glib.h>
#include <string.h>

struct ecc_gw_status {
	ecc_mqtt *m;
	char *id;
	char *topic;
	int capacity;
	gint64 started;
	guint timer;
};

static char *payload(const struct ecc_gw_status *s, const char *state)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(o, "state", state);
	cJSON_AddNumberToObject(o, "ts", (double)ecc_now_ms());
	if (s) {
		cJSON_AddNumberToObject(o, "capacity", s->capacity);
		cJSON_AddNumberToObject(o, "load", 0);
		cJSON_AddArrayToObject(o, "streams");
		cJSON_AddNumberToObject(o, "started", (double)s->started);
	}
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

void ecc_gw_status_will(const char *gw, char **topic, char **will)
{
	char *p = payload(NULL, "offline");

	*topic = ecc_topic_gw(gw, "status");
	*will = g_strdup(p);
	cJSON_free(p);
}

void ecc_gw_status_publish(ecc_gw_status *s)
{
	char *p = payload(s, "online");

	if (ecc_mqtt_publish(s->m, s->topic, p, strlen(p), 1, true, NULL) != ECC_OK)
		g_debug("gw=%s: status not sent (broker away)", s->id);
	cJSON_free(p);
}

static gboolean tick(gpointer data)
{
	ecc_gw_status_publish(data);
	return G_SOURCE_CONTINUE;
}

ecc_gw_status *ecc_gw_status_new(ecc_mqtt *m, const struct ecc_gw_identity *id)
{
	ecc_gw_status *s = g_new0(ecc_gw_status, 1);

	s->m = m;
	s->id = g_strdup(id->id);
	s->topic = ecc_topic_gw(id->id, "status");
	s->capacity = id->capacity;
	s->started = ecc_now_ms();
	s->timer = g_timeout_add_seconds(10, tick, s);
	return s;
}

void ecc_gw_status_free(ecc_gw_status *s)
{
	char *p;

	if (!s)
		return;
	g_source_remove(s->timer);
	p = payload(s, "offline");
	ecc_mqtt_publish(s->m, s->topic, p, strlen(p), 1, true, NULL);
	cJSON_free(p);
	g_free(s->topic);
	g_free(s->id);
	g_free(s);
}
