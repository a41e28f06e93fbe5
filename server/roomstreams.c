/* roomstreams: a consultation room's streams: each participant's camera
 * and shared screen, and the hearing's mix (streams.h). */
#define G_LOG_DOMAIN "ecc-streams"

#include "streams.h"
#include "streams_internal.h"
#include "ecc_json.h"
#include "gateways.h"

#include <string.h>

/* ---- room participants' streams ------------------------------------------------- */

/* A room stream's key is (room, participant, screen flag). */
static struct live *room_live(ecc_streams *s, int64_t room, int64_t pid, bool screen)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct live *l = v;
		if (l->room == room && l->participant == pid && l->screen == screen)
			return l;
	}
	return NULL;
}

int64_t ecc_streams_room(ecc_streams *s, int64_t room, int64_t pid, bool screen, bool add)
{
	struct live *l = room_live(s, room, pid, screen);
	char owner[32];
	struct ecc_stream_def d = {
	    .unit = owner, .url = ECC_STREAM_PUBLISHED, .record = false, .source = "room"};

	if (l || !add)
		return l ? l->id : 0;
	g_snprintf(owner, sizeof(owner), "room%" G_GINT64_FORMAT, (gint64)room);
	l = streams__index_live(s, s->room_next--, &d, NULL);
	g_hash_table_remove(s->by_name, l->name);
	g_snprintf(l->name, sizeof(l->name), "r%" G_GINT64_FORMAT "p%" G_GINT64_FORMAT "%s",
	           (gint64)room, (gint64)pid, screen ? "s" : "");
	g_hash_table_insert(s->by_name, l->name, l);
	l->room = room;
	l->participant = pid;
	l->screen = screen;
	streams__assign(s);
	return l->id;
}

bool ecc_streams_room_of(ecc_streams *s, int64_t id, int64_t *room, int64_t *pid, bool *screen)
{
	struct live *l = streams__by_id(s, id);

	if (!l || !l->room)
		return false;
	*room = l->room;
	*pid = l->participant;
	if (screen)
		*screen = l->screen;
	return true;
}

bool ecc_streams_room_live(ecc_streams *s, int64_t id)
{
	struct live *l = streams__by_id(s, id);

	return l && l->room && !strcmp(l->state, "live");
}

/* The same order again: the running stream takes its new flags. */
static void order_again(ecc_streams *s, const struct live *l)
{
	cJSON *order;

	if (!l->gateway[0])
		return;
	order = streams__order_of(l);
	cJSON_AddStringToObject(order, "op", "start");
	ecc_gateways_send(s->hub->gateways, l->gateway, order);
}

void ecc_streams_room_mute(ecc_streams *s, int64_t id, bool muted)
{
	struct live *l = streams__by_id(s, id);

	if (!l || !l->room || l->muted == muted)
		return;
	l->muted = muted;
	g_message("stream=%s: sound %s", l->name, muted ? "muted" : "on");
	order_again(s, l);
}

void ecc_streams_room_recorded(ecc_streams *s, int64_t id, bool on, const char *label)
{
	struct live *l = streams__by_id(s, id);

	if (!l || !l->room || !l->participant || (l->mixed == on && !g_strcmp0(l->label, label)))
		return;
	l->mixed = l->record = on;
	g_free(l->label);
	l->label = g_strdup(label);
	order_again(s, l);
}

/* The gateway of room's streams (its mix's first), or NULL. */
static const char *room_gateway_name(ecc_streams *s, int64_t room)
{
	const struct live *mix = room_live(s, room, 0, false);
	GHashTableIter it;
	gpointer v;

	if (mix && mix->gateway[0])
		return mix->gateway;
	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct live *l = v;
		if (l->room == room && l->gateway[0])
			return l->gateway;
	}
	return NULL;
}

static void feed_mixed(ecc_streams *s, struct live *l, int64_t room, const char *label)
{
	if (l->feed_mix == room && !g_strcmp0(l->label, label))
		return;
	if (room && !l->feed_mix)
		g_message("stream=%s unit=%s: in room %" G_GINT64_FORMAT "'s hearing", l->name,
		          l->unit, (gint64)room);
	else if (!room)
		g_message("stream=%s unit=%s: out of room %" G_GINT64_FORMAT "'s hearing", l->name,
		          l->unit, (gint64)l->feed_mix);
	l->feed_mix = room;
	g_free(l->label);
	l->label = g_strdup(label);
	order_again(s, l);
}

cJSON *ecc_streams_room_feeds(ecc_streams *s, int64_t room, const cJSON *feeds)
{
	const char *gw = room_gateway_name(s, room);
	cJSON *names = cJSON_CreateArray();
	GHashTableIter it;
	const cJSON *f;
	gpointer v;

	cJSON_ArrayForEach(f, feeds)
	{
		double id = 0;
		const char *label = NULL;
		struct live *l;
		ecc_json_get_number(f, "stream", &id);
		ecc_json_get_string(f, "label", &label);
		l = streams__by_id(s, (int64_t)id);
		if (!l || l->room || (l->feed_mix && l->feed_mix != room))
			continue; /* gone, or in another hearing's mix */
		if (!gw || strcmp(l->gateway, gw) != 0) {
			if (l->feed_mix == room)
				feed_mixed(s, l, 0, NULL);
			g_message("stream=%s: not in room %" G_GINT64_FORMAT
			          "'s hearing: on gateway %s, the room on %s",
			          l->name, (gint64)room, l->gateway[0] ? l->gateway : "(none)",
			          gw ? gw : "(none)");
			continue;
		}
		feed_mixed(s, l, room, label);
		cJSON_AddItemToArray(names, cJSON_CreateString(l->name));
	}
	/* and out, the feeds the room no longer lists (or all: NULL) */
	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct live *l = v;
		bool listed = false;
		if (l->feed_mix != room)
			continue;
		cJSON_ArrayForEach(f, names) listed |= !strcmp(f->valuestring, l->name);
		if (!listed)
			feed_mixed(s, l, 0, NULL);
	}
	return names;
}

int64_t ecc_streams_room_mix(ecc_streams *s, int64_t room, const cJSON *inputs)
{
	struct live *l = room_live(s, room, 0, false);
	char owner[32];
	struct ecc_stream_def d = {.unit = owner, .url = "mix:", .record = true, .source = "room"};

	if (!inputs) {
		if (l)
			ecc_streams_room_drop(s, l->id);
		return 0;
	}
	if (l) {
		if (!l->mix || !cJSON_Compare(l->mix, inputs, true)) {
			cJSON_Delete(l->mix);
			l->mix = cJSON_Duplicate(inputs, true);
			order_again(s, l);
		}
		return l->id;
	}
	g_snprintf(owner, sizeof(owner), "room%" G_GINT64_FORMAT, (gint64)room);
	l = streams__index_live(s, s->room_next--, &d, NULL);
	g_hash_table_remove(s->by_name, l->name);
	g_snprintf(l->name, sizeof(l->name), "r%" G_GINT64_FORMAT "mix", (gint64)room);
	g_hash_table_insert(s->by_name, l->name, l);
	l->room = room;
	l->mix = cJSON_Duplicate(inputs, true);
	g_message("stream=%s: the hearing's mix starts", l->name);
	streams__assign(s);
	return l->id;
}

void ecc_streams_room_drop(ecc_streams *s, int64_t id)
{
	struct live *l = streams__by_id(s, id);

	if (!l || !l->room)
		return;
	if (l->gateway[0]) {
		cJSON *order = cJSON_CreateObject();
		cJSON_AddStringToObject(order, "op", "stop");
		cJSON_AddStringToObject(order, "stream", l->name);
		ecc_gateways_send(s->hub->gateways, l->gateway, order);
	}
	g_message("stream=%s: %s", l->name,
	          !l->participant ? "the hearing's mix stops"
	          : l->screen     ? "the participant stopped sharing its screen"
	                          : "the participant left");
	g_hash_table_remove(s->by_name, l->name);
	g_hash_table_remove(s->by_id, &id);
}
