/* roommedia: who may publish and watch in a room, and the room's state acted on by its streams. */
#define G_LOG_DOMAIN "ecc-rooms"

#include "rooms_internal.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "events.h"
#include "streams.h"

#include <string.h>

/* u's participant in room h: its id, state and mute flag. A guest is the
 * participant its session names; a user the one of its username. */
static int own_participant(ecc_rooms *r, const struct ecc_user *u, int64_t room, int64_t *pid,
                           char state[16])
{
	*pid = u->room ? u->participant : 0;
	return rooms__participant(r, room, u->room ? NULL : u->username, pid, state, NULL);
}

/* ECC_OK when u may see room and is in it (joined, or a guest admitted). */
static int in_room(ecc_rooms *r, const struct ecc_user *u, int64_t room, int64_t *pid,
                   char why[ECC_ROOMS_WHY])
{
	struct room_head h;
	char state[16];
	int rc = rooms__scoped(r, u, room, ROOMS_NOT_CLOSED, &h, why);

	if (rc != ECC_OK)
		return rc;
	rc = own_participant(r, u, room, pid, state);
	if (rc == ECC_ERR_NOTFOUND || (rc == ECC_OK && strcmp(state, "in") != 0))
		return rooms__fail(why, ECC_ERR_FORBIDDEN,
		                   rc == ECC_OK && !strcmp(state, "waiting")
		                       ? "waiting for the host to admit you"
		                       : "join the room first");
	return rc;
}

int ecc_rooms_media_publish(ecc_rooms *r, const struct ecc_user *u, int64_t room, bool screen,
                            int64_t *stream, char why[ECC_ROOMS_WHY])
{
	int64_t pid = 0;
	bool fresh;
	int rc = in_room(r, u, room, &pid, why);

	if (rc != ECC_OK)
		return rc;
	fresh = !ecc_streams_room(r->hub->streams, room, pid, screen, false);
	*stream = ecc_streams_room(r->hub->streams, room, pid, screen, true);
	/* a participant muted before it published publishes muted; the
	 * others learn of a new stream */
	if (fresh)
		rooms__changed(r, room);
	else
		rooms__media_sync(r, room);
	return ECC_OK;
}

int ecc_rooms_media_watch(ecc_rooms *r, const struct ecc_user *u, int64_t stream,
                          char why[ECC_ROOMS_WHY])
{
	int64_t room = 0, pid = 0, mine = 0;
	char state[16];
	int rc;

	if (!ecc_streams_room_of(r->hub->streams, stream, &room, &pid, NULL))
		return rooms__fail(why, ECC_ERR_NOTFOUND, "no such stream");
	rc = in_room(r, u, room, &mine, why);
	if (rc != ECC_OK)
		return rc;
	rc = rooms__participant(r, room, NULL, &pid, state, NULL);
	if (rc == ECC_OK && strcmp(state, "in") != 0)
		return rooms__fail(why, ECC_ERR_NOTFOUND, "that participant is not in the room");
	return rc;
}

void rooms__media_sync(ecc_rooms *r, int64_t room)
{
	ecc_store *st = r->hub->store;
	sqlite3_stmt *s =
	    ecc_store_stmt(st, "SELECT p.id, p.state, p.muted, r.state FROM room_participants p"
	                       " JOIN rooms r ON r.id = p.room_id WHERE p.room_id = ?");

	if (!s)
		return;
	sqlite3_bind_int64(s, 1, room);
	while (ecc_store_step(st, s) == SQLITE_ROW) {
		int64_t pid = sqlite3_column_int64(s, 0);
		int64_t cam = ecc_streams_room(r->hub->streams, room, pid, false, false);
		int64_t screen = ecc_streams_room(r->hub->streams, room, pid, true, false);
		bool in = !strcmp(ecc_store_column_text(s, 1), "in") &&
		          strcmp(ecc_store_column_text(s, 3), "closed") != 0;

		if (cam && in)
			ecc_streams_room_mute(r->hub->streams, cam, sqlite3_column_int(s, 2));
		else if (cam)
			ecc_streams_room_drop(r->hub->streams, cam);
		if (screen && !in) /* a screen has no sound to mute */
			ecc_streams_room_drop(r->hub->streams, screen);
	}
	sqlite3_reset(s);
	rooms__record_sync(r, room);
	rooms__feeds_sync(r, room);
}

void ecc_rooms_media_unshare(ecc_rooms *r, int64_t stream)
{
	int64_t room = 0, pid = 0;
	bool screen = false;

	if (!ecc_streams_room_of(r->hub->streams, stream, &room, &pid, &screen) || !screen)
		return;
	ecc_streams_room_drop(r->hub->streams, stream);
	rooms__changed(r, room);
}

void rooms__changed(ecc_rooms *r, int64_t room)
{
	rooms__media_sync(r, room);
	ecc_events_emit(r->hub->events, ECC_EV_ROOM, &room);
}
