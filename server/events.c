/* events: synchronous listeners per event kind. */
#include "events.h"

#include <cjson/cJSON.h>

#include <glib.h>

struct listener {
	ecc_event_fn fn;
	void *user;
};

struct ecc_events {
	GArray *by_kind[ECC_EV__COUNT]; /* struct listener */
};

ecc_events *ecc_events_new(void)
{
	ecc_events *ev = g_new0(ecc_events, 1);

	for (int i = 0; i < ECC_EV__COUNT; i++)
		ev->by_kind[i] = g_array_new(FALSE, FALSE, sizeof(struct listener));
	return ev;
}

void ecc_events_free(ecc_events *ev)
{
	if (!ev)
		return;
	for (int i = 0; i < ECC_EV__COUNT; i++)
		g_array_free(ev->by_kind[i], TRUE);
	g_free(ev);
}

void ecc_events_listen(ecc_events *ev, enum ecc_event_kind kind, ecc_event_fn fn, void *user)
{
	struct listener l = {fn, user};

	g_array_append_val(ev->by_kind[kind], l);
}

void ecc_events_emit(ecc_events *ev, enum ecc_event_kind kind, const void *obj)
{
	GArray *a = ev->by_kind[kind];

	for (guint i = 0; i < a->len; i++) {
		struct listener *l = &g_array_index(a, struct listener, i);
		l->fn(l->user, kind, obj);
	}
}

void ecc_events_emit_item(ecc_events *ev, enum ecc_event_kind kind, const char *name, void *item)
{
	cJSON *o;

	if (!item)
		return;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", name);
	cJSON_AddItemToObject(o, name, item);
	ecc_events_emit(ev, kind, o);
	cJSON_Delete(o);
}
