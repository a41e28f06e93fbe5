/* roomrecord: a room's hearing recorded while its recording flag is on. */
#define G_LOG_DOMAIN "ecc-rooms"

#include "rooms_internal.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "store.h"
#include "streams.h"

#include <string.h>

/* While the room is open and its host has recording on, the gateway mixes
 * every participant in it who publishes, and a screen one shares (grid
 * order: who joined first, a screen after its camera) into
 * the room's mix, recorded in segments like any stream, and records each of
 * those streams on its own too (the participant's own tracks); off, or
 * closed, the mix stops (its open segment closed whole) and the
 * participants' streams leave it and stop recording (theirs closed whole
 * too, their connections undisturbed). */
void rooms__record_sync(ecc_rooms *r, int64_t room)
{
	ecc_store *st = r->hub->store;
	struct room_head h;
	bool on = rooms__head(r, room, &h) == ECC_OK && !strcmp(h.state, "open") && h.recording;
	sqlite3_stmt *s = ecc_store_stmt(
	    st, "SELECT p.id, p.state = 'in', coalesce(nullif(u.display_name, ''), p.guest_name,"
	        " p.username) FROM room_participants p LEFT JOIN users u"
	        " ON u.username = p.username WHERE p.room_id = ? ORDER BY p.joined_at, p.id");
	cJSON *inputs = cJSON_CreateArray();

	if (!s) {
		cJSON_Delete(inputs);
		return;
	}
	sqlite3_bind_int64(s, 1, room);
	while (ecc_store_step(st, s) == SQLITE_ROW) {
		/* the camera, then a shared screen beside it */
		for (int screen = 0; screen < 2; screen++) {
			int64_t stream = ecc_streams_room(
			    r->hub->streams, room, sqlite3_column_int64(s, 0), screen, false);
			char *label;
			if (!stream)
				continue;
			label = screen ? g_strdup_printf("%s（屏幕）", ecc_store_column_text(s, 2))
			               : g_strdup(ecc_store_column_text(s, 2));
			ecc_streams_room_recorded(r->hub->streams, stream, on, label);
			g_free(label);
			if (on && sqlite3_column_int(s, 1)) {
				cJSON *o = cJSON_CreateObject();
				cJSON_AddStringToObject(o, "channel",
				                        ecc_streams_name(r->hub->streams, stream));
				cJSON_AddItemToArray(inputs, o);
			}
		}
	}
	sqlite3_reset(s);
	/* then the field video the host brought in, under its unit's name */
	{
		cJSON *feeds = on ? rooms__feeds_json(r, room) : NULL, *f, *names;
		cJSON_ArrayForEach(f, feeds)
		{
			const char *unit = NULL;
			ecc_json_get_string(f, "unit_name", &unit);
			char *label = g_strdup_printf("%s（现场）", unit ? unit : "");
			cJSON_AddStringToObject(f, "label", label);
			g_free(label);
		}
		names = ecc_streams_room_feeds(r->hub->streams, room, feeds);
		cJSON_ArrayForEach(f, names)
		{
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "channel", f->valuestring);
			cJSON_AddItemToArray(inputs, o);
		}
		cJSON_Delete(names);
		cJSON_Delete(feeds);
	}
	ecc_streams_room_mix(r->hub->streams, room, on ? inputs : NULL);
	cJSON_Delete(inputs);
}

cJSON *ecc_rooms_hearings(ecc_rooms *r, int64_t case_id)
{
	ecc_store *st = r->hub->store;
	sqlite3_stmt *s = ecc_store_stmt(
	    st, "SELECT r.id, r.title, r.kind, r.state, r.scheduled_at, g.id, g.t0, g.t1, g.bytes,"
	        " g.cut_short FROM rooms r LEFT JOIN recordings g ON g.room_id = r.id"
	        " AND g.participant_id IS NULL AND g.deleted_at IS NULL"
	        " WHERE r.case_id = ? ORDER BY r.scheduled_at, r.id, g.t0");
	cJSON *list = cJSON_CreateArray(), *cur = NULL, *segs = NULL;
	int64_t room = 0;

	if (!s)
		return list;
	sqlite3_bind_int64(s, 1, case_id);
	while (ecc_store_step(st, s) == SQLITE_ROW) {
		if (!cur || sqlite3_column_int64(s, 0) != room) {
			room = sqlite3_column_int64(s, 0);
			cur = cJSON_CreateObject();
			cJSON_AddNumberToObject(cur, "room", (double)room);
			cJSON_AddStringToObject(cur, "title", ecc_store_column_text(s, 1));
			cJSON_AddStringToObject(cur, "kind", ecc_store_column_text(s, 2));
			cJSON_AddStringToObject(cur, "state", ecc_store_column_text(s, 3));
			cJSON_AddNumberToObject(cur, "scheduled_at",
			                        (double)sqlite3_column_int64(s, 4));
			segs = cJSON_AddArrayToObject(cur, "segments");
			cJSON_AddItemToArray(list, cur);
		}
		if (sqlite3_column_type(s, 5) != SQLITE_NULL) {
			cJSON *g = cJSON_CreateObject();
			cJSON_AddNumberToObject(g, "id", (double)sqlite3_column_int64(s, 5));
			cJSON_AddNumberToObject(g, "t0", (double)sqlite3_column_int64(s, 6));
			cJSON_AddNumberToObject(g, "t1", (double)sqlite3_column_int64(s, 7));
			cJSON_AddNumberToObject(g, "bytes", (double)sqlite3_column_int64(s, 8));
			cJSON_AddBoolToObject(g, "cut_short", sqlite3_column_int(s, 9));
			cJSON_AddItemToArray(segs, g);
		}
	}
	sqlite3_reset(s);
	return list;
}
