/* roomparticipants: who is in a room: invitations, joining, leaving, and
 * the host's actions on a participant (rooms.h). Guests: roomguests.c. */
#define G_LOG_DOMAIN "ecc-rooms"

#include "rooms_internal.h"
#include "cases.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <string.h>

#define INVITE_MAX 50

/* ---- users in a room ---------------------------------------------------- */

int ecc_rooms_invite(ecc_rooms *r, const struct ecc_user *u, int64_t id, const cJSON *body,
                     const char *ip, char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	const cJSON *users = cJSON_GetObjectItemCaseSensitive(body, "users"), *v;
	struct room_head h;
	struct ecc_user iu;
	int rc = rooms__scoped(r, u, id, ROOMS_MANAGE | ROOMS_NOT_CLOSED, &h, why);

	if (rc != ECC_OK)
		return rc;
	if (!cJSON_IsArray(users) || cJSON_GetArraySize(users) < 1 ||
	    cJSON_GetArraySize(users) > INVITE_MAX)
		return rooms__fail(why, ECC_ERR_INVAL, "users must be a list of 1 to %d user names",
		                   INVITE_MAX);
	cJSON_ArrayForEach(v, users)
	{
		if (!cJSON_IsString(v))
			return rooms__fail(why, ECC_ERR_INVAL, "users must be user names");
		rc = ecc_auth_user_get(r->hub->auth, v->valuestring, &iu);
		if (rc == ECC_ERR_NOTFOUND || (rc == ECC_OK && iu.role == ECC_ROLE_GUEST))
			return rooms__fail(why, ECC_ERR_INVAL, "%.64s is not a user of ECC",
			                   v->valuestring);
		if (rc != ECC_OK)
			return rc;
		if (h.case_id && ecc_cases_access(r->hub->cases, &iu, h.case_id) != ECC_OK)
			return rooms__fail(why, ECC_ERR_INVAL,
			                   "%.64s has no access to the room's case",
			                   v->valuestring);
	}
	if (ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	cJSON_ArrayForEach(v, users)
	{
		if (rc == ECC_OK)
			rc = rooms__invite_one(r, id, v->valuestring, u->username);
	}
	return rooms__end(r, rc, u->username, "room.invite", id, cJSON_Duplicate(users, true), ip);
}

static void audit_join_refused(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *ip,
                               const char *why)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "reason", why);
	rooms__audit(r, u->username, "room.join", id, d, ip, "denied");
}

int ecc_rooms_join(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *ip,
                   char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	char state[16] = "";
	struct room_head h;
	int64_t pid = 0;
	sqlite3_stmt *s;
	int rc = rooms__scoped(r, u, id, 0, &h, why);

	if (rc == ECC_OK && u->room)
		rc =
		    rooms__fail(why, ECC_ERR_FORBIDDEN, "a guest waits to be admitted by the host");
	if (rc == ECC_OK && !strcmp(h.state, "closed"))
		rc = rooms__fail(why, ECC_ERR_EXISTS, "the room is closed");
	if (rc == ECC_OK && h.locked && strcmp(u->username, h.host))
		rc = rooms__fail(why, ECC_ERR_EXISTS, "the room is locked by its host");
	if (rc == ECC_OK) {
		rc = rooms__participant(r, id, u->username, &pid, state, NULL);
		if (rc == ECC_ERR_NOTFOUND)
			rc = ECC_OK;
		if (!strcmp(state, "removed"))
			rc = rooms__fail(why, ECC_ERR_FORBIDDEN,
			                 "the host removed you from this room");
		else if (!strcmp(state, "in"))
			rc = rooms__fail(why, ECC_ERR_EXISTS, "you are in the room already");
	}
	if (rc == ECC_ERR_FORBIDDEN || (rc == ECC_ERR_EXISTS && strcmp(state, "in")))
		audit_join_refused(r, u, id, ip, why);
	if (rc != ECC_OK)
		return rc;
	s = ecc_store_stmt(st, "INSERT INTO room_participants(room_id, username, state, joined_at)"
	                       " VALUES(?1, ?2, 'in', ?3) ON CONFLICT(room_id, username) DO UPDATE"
	                       " SET state = 'in', joined_at = ?3, left_at = NULL");
	if (!s || ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	ecc_store_bind_text(s, 2, u->username);
	sqlite3_bind_int64(s, 3, ecc_now_ms());
	rc = ecc_store_run(st, s);
	if (rc == ECC_OK && strcmp(h.state, "open"))
		rc = rooms__run(r, "UPDATE rooms SET state = 'open', opened_at = ?2 WHERE id = ?1",
		                id);
	return rooms__end(r, rc, u->username, "room.join", id, NULL, ip);
}

int ecc_rooms_leave(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *ip,
                    char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	char state[16] = "";
	struct room_head h;
	int64_t pid = u->participant;
	int rc = rooms__scoped(r, u, id, 0, &h, why);

	if (rc == ECC_OK && !u->room)
		rc = rooms__participant(r, id, u->username, &pid, state, NULL);
	if (rc == ECC_ERR_NOTFOUND || (rc == ECC_OK && !u->room && strcmp(state, "in")))
		return rooms__fail(why, ECC_ERR_EXISTS, "you are not in the room");
	if (rc != ECC_OK)
		return rc;
	if (ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	rc = rooms__run(r,
	                "UPDATE room_participants SET state = 'left', left_at = ?2,"
	                " session_hash = NULL WHERE id = ?1 AND state IN ('in','waiting')",
	                pid);
	return rooms__end(r, rc, u->username, "room.leave", id, NULL, ip);
}

/* What each host action needs and does: the states it applies to, the
 * statement (?1 the participant, ?2 now) and its audit action. */
static const struct {
	const char *action, *from, *sql, *audit;
} host_actions[] = {
    {"admit", "waiting", "UPDATE room_participants SET state = 'in', joined_at = ?2 WHERE id = ?1",
     "room.admit"},
    {"mute", "waiting in", "UPDATE room_participants SET muted = 1 WHERE id = ?1", "room.mute"},
    {"unmute", "waiting in", "UPDATE room_participants SET muted = 0 WHERE id = ?1", "room.unmute"},
    {"remove", "invited waiting in",
     "UPDATE room_participants SET state = 'removed', left_at = ?2, session_hash = NULL"
     " WHERE id = ?1",
     "room.remove"},
};

int ecc_rooms_participant(ecc_rooms *r, const struct ecc_user *u, int64_t id, int64_t pid,
                          const char *action, const char *ip, char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	char state[16], name[2 * ECC_NAME_MAX + 1];
	struct room_head h;
	size_t i = 0;
	cJSON *d;
	int rc = rooms__scoped(r, u, id, ROOMS_MANAGE | ROOMS_NOT_CLOSED, &h, why);

	while (i < G_N_ELEMENTS(host_actions) && strcmp(host_actions[i].action, action))
		i++;
	g_assert(i < G_N_ELEMENTS(host_actions));
	if (rc != ECC_OK)
		return rc;
	rc = rooms__participant(r, id, NULL, &pid, state, name);
	if (rc == ECC_ERR_NOTFOUND)
		return rooms__fail(why, rc, "no such participant in this room");
	if (rc != ECC_OK)
		return rc;
	{
		gchar **from = g_strsplit(host_actions[i].from, " ", 0);
		bool ok = g_strv_contains((const gchar *const *)from, state);
		g_strfreev(from);
		if (!ok)
			return rooms__fail(why, ECC_ERR_EXISTS, "cannot %s a participant who is %s",
			                   action, state);
	}
	if (ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	rc = rooms__run(r, host_actions[i].sql, pid);
	if (rc == ECC_OK && !strcmp(action, "admit") && strcmp(h.state, "open"))
		rc = rooms__run(r, "UPDATE rooms SET state = 'open', opened_at = ?2 WHERE id = ?1",
		                id);
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "participant", (double)pid);
	cJSON_AddStringToObject(d, "name", name);
	return rooms__end(r, rc, u->username, host_actions[i].audit, id, d, ip);
}
