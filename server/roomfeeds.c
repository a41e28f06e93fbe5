/* roomfeeds: field video in a room: a unit's live stream the host brings
 * in, watched by the participants from the ingest that exists (rooms.h). */
#define G_LOG_DOMAIN "ecc-rooms"

#include "rooms_internal.h"
#include "api.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "streams.h"
#include "units.h"
#include "views.h"

#include <string.h>

/* The unit of a unit's stream (not a room participant's), or NULL. */
static const struct ecc_unit *unit_of(ecc_rooms *r, int64_t stream)
{
	const char *unit = ecc_streams_unit(r->hub->streams, stream);

	if (!unit ||
	    ecc_streams_room_of(r->hub->streams, stream, &(int64_t){0}, &(int64_t){0}, NULL))
		return NULL;
	return ecc_units_get(r->hub->units, unit);
}

/* Whether stream is a feed of room (*found). ECC_OK or ECC_ERR_DB. */
static int is_feed(ecc_rooms *r, int64_t room, int64_t stream, bool *found)
{
	ecc_store *st = r->hub->store;
	sqlite3_stmt *s =
	    ecc_store_stmt(st, "SELECT 1 FROM room_feeds WHERE room_id = ? AND stream_id = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, room);
	sqlite3_bind_int64(s, 2, stream);
	rc = ecc_store_step(st, s);
	sqlite3_reset(s);
	*found = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ECC_OK : ECC_ERR_DB;
}

static cJSON *feed_detail(int64_t stream, const char *unit)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddNumberToObject(d, "stream", (double)stream);
	cJSON_AddStringToObject(d, "unit", unit);
	return d;
}

int ecc_rooms_feed_add(ecc_rooms *r, const struct ecc_user *u, int64_t id, const cJSON *body,
                       const char *ip, char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	const struct ecc_unit *unit;
	struct room_head h;
	int64_t stream = 0;
	sqlite3_stmt *s;
	bool in = false;
	int rc = rooms__scoped(r, u, id, ROOMS_MANAGE | ROOMS_NOT_CLOSED, &h, why);

	if (rc != ECC_OK)
		return rc;
	if (ecc_json_get_int64(body, "stream", &stream) != ECC_OK || stream <= 0)
		return rooms__fail(why, ECC_ERR_INVAL, "stream must be the id of a unit's stream");
	unit = unit_of(r, stream);
	if (!unit)
		return rooms__fail(why, ECC_ERR_NOTFOUND, "no such stream of a unit");
	if (!api__unit_visible(u, unit))
		return rooms__fail(why, ECC_ERR_FORBIDDEN, "you may not watch that unit's stream");
	rc = is_feed(r, id, stream, &in);
	if (rc == ECC_OK && in)
		return rooms__fail(why, ECC_ERR_EXISTS, "that stream is in the room already");
	if (rc != ECC_OK)
		return rc;
	s = ecc_store_stmt(st, "INSERT INTO room_feeds(room_id, stream_id, unit_id, added_by,"
	                       " added_at) VALUES(?,?,?,?,?)");
	if (!s || ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, stream);
	ecc_store_bind_text(s, 3, unit->id);
	ecc_store_bind_text(s, 4, u->username);
	sqlite3_bind_int64(s, 5, ecc_now_ms());
	rc = ecc_store_run(st, s);
	g_message("room=%" G_GINT64_FORMAT ": %s brings in stream %" G_GINT64_FORMAT " (unit %s)",
	          (gint64)id, u->username, (gint64)stream, unit->id);
	return rooms__end(r, rc, u->username, "room.feed_add", id, feed_detail(stream, unit->id),
	                  ip);
}

int ecc_rooms_feed_remove(ecc_rooms *r, const struct ecc_user *u, int64_t id, int64_t stream,
                          const char *ip, char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	char unit[ECC_UNIT_ID_MAX + 1] = "";
	struct room_head h;
	sqlite3_stmt *s;
	int rc = rooms__scoped(r, u, id, ROOMS_MANAGE, &h, why);

	if (rc != ECC_OK)
		return rc;
	s = ecc_store_stmt(st,
	                   "SELECT unit_id FROM room_feeds WHERE room_id = ? AND stream_id = ?");
	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, stream);
	rc = ecc_store_step(st, s);
	if (rc == SQLITE_ROW)
		g_strlcpy(unit, ecc_store_column_text(s, 0), sizeof(unit));
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return rooms__fail(why, ECC_ERR_NOTFOUND, "that stream is no feed of this room");
	if (rc != SQLITE_ROW)
		return ECC_ERR_DB;
	s = ecc_store_stmt(st, "DELETE FROM room_feeds WHERE room_id = ? AND stream_id = ?");
	if (!s || ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, stream);
	rc = ecc_store_run(st, s);
	g_message("room=%" G_GINT64_FORMAT ": %s takes out stream %" G_GINT64_FORMAT, (gint64)id,
	          u->username, (gint64)stream);
	/* rooms__end -> rooms__changed -> rooms__feeds_sync ends the views */
	return rooms__end(r, rc, u->username, "room.feed_remove", id, feed_detail(stream, unit),
	                  ip);
}

int ecc_rooms_feed_watch(ecc_rooms *r, const struct ecc_user *u, int64_t stream, int64_t *room)
{
	ecc_store *st = r->hub->store;
	/* a room u is in (a guest: its participant; a user: its name) that
	 * has the stream as a feed and is not closed */
	sqlite3_stmt *s = ecc_store_stmt(
	    st, "SELECT f.room_id FROM room_feeds f JOIN rooms r ON r.id = f.room_id"
	        " JOIN room_participants p ON p.room_id = f.room_id"
	        " WHERE f.stream_id = ?1 AND r.state != 'closed' AND p.state = 'in'"
	        " AND ((?2 IS NULL AND p.id = ?3) OR p.username = ?2) ORDER BY f.room_id LIMIT 1");
	char why[ECC_ROOMS_WHY];
	struct room_head h;
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, stream);
	if (u->room)
		sqlite3_bind_null(s, 2);
	else
		ecc_store_bind_text(s, 2, u->username);
	sqlite3_bind_int64(s, 3, u->room ? u->participant : 0);
	rc = ecc_store_step(st, s);
	*room = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return ECC_ERR_FORBIDDEN;
	if (rc != SQLITE_ROW)
		return ECC_ERR_DB;
	/* and u may still see that room (a guest only its own) */
	rc = rooms__scoped(r, u, *room, ROOMS_NOT_CLOSED, &h, why);
	return rc == ECC_OK ? ECC_OK : rc == ECC_ERR_DB ? rc : ECC_ERR_FORBIDDEN;
}

cJSON *rooms__feeds_json(ecc_rooms *r, int64_t room)
{
	ecc_store *st = r->hub->store;
	sqlite3_stmt *s = ecc_store_stmt(
	    st, "SELECT f.stream_id, f.unit_id, u.name, f.added_by, f.added_at FROM room_feeds f"
	        " LEFT JOIN units u ON u.id = f.unit_id WHERE f.room_id = ? ORDER BY f.added_at");
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, room);
	while (ecc_store_step(st, s) == SQLITE_ROW) {
		int64_t stream = sqlite3_column_int64(s, 0);
		cJSON *o = cJSON_CreateObject(),
		      *js = ecc_streams_get_json(r->hub->streams, stream);
		const char *state = NULL;

		ecc_json_get_string(js, "state", &state);
		cJSON_AddNumberToObject(o, "stream", (double)stream);
		cJSON_AddStringToObject(o, "unit", ecc_store_column_text(s, 1));
		cJSON_AddStringToObject(o, "unit_name",
		                        sqlite3_column_type(s, 2) == SQLITE_NULL
		                            ? ecc_store_column_text(s, 1)
		                            : ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(o, "added_by", ecc_store_column_text(s, 3));
		cJSON_AddNumberToObject(o, "added_at", (double)sqlite3_column_int64(s, 4));
		cJSON_AddBoolToObject(o, "live", state && !strcmp(state, "live"));
		cJSON_Delete(js);
		cJSON_AddItemToArray(arr, o);
	}
	sqlite3_reset(s);
	return arr;
}

void rooms__feeds_sync(ecc_rooms *r, int64_t room)
{
	if (r->hub->views)
		ecc_views_feeds_recheck(r->hub->views, room);
}
