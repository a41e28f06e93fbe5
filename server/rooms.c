/* rooms: consultation rooms, their scope, state and participants (rooms.h). */
#define G_LOG_DOMAIN "ecc-rooms"

#include "rooms_internal.h"
#include "audit.h"
#include "cases.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"
#include "streams.h"

#include <stdarg.h>
#include <string.h>

#define TITLE_MAX   200
#define TIME_MAX_MS 32503680000000.0 /* year 3000 */

/* The kinds of room: the stored key and the name the users know. */
static const struct {
	const char *key, *zh;
} kinds[] = {
    {"consult", "会商"},
    {"hearing", "听证"},
    {"talk", "谈话"},
    {"coordination", "协调"},
};

ecc_rooms *ecc_rooms_new(struct ecc_hub *hub)
{
	ecc_rooms *r = g_new0(ecc_rooms, 1);

	r->hub = hub;
	return r;
}

void ecc_rooms_free(ecc_rooms *r)
{
	g_free(r);
}

int rooms__fail(char why[ECC_ROOMS_WHY], int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(why, ECC_ROOMS_WHY, fmt, ap);
	va_end(ap);
	return err;
}

void rooms__audit(ecc_rooms *r, const char *actor, const char *action, int64_t id, cJSON *detail,
                  const char *ip, const char *result)
{
	ecc_audit_json(r->hub->store, actor, action, "room", id, detail, ip, result);
}

/* ---- scope -------------------------------------------------------------- */

static bool center(const struct ecc_user *u)
{
	return ECC_ROLE_BIT(u->role) & ECC_ROLES_CENTER;
}

int rooms__head(ecc_rooms *r, int64_t id, struct room_head *h)
{
	ecc_store *st = r->hub->store;
	sqlite3_stmt *s = ecc_store_stmt(st, "SELECT case_id, host, state, locked, recording"
	                                     " FROM rooms WHERE id = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = ecc_store_step(st, s);
	if (rc == SQLITE_ROW) {
		memset(h, 0, sizeof(*h));
		h->id = id;
		h->case_id = sqlite3_column_int64(s, 0);
		g_strlcpy(h->host, ecc_store_column_text(s, 1), sizeof(h->host));
		g_strlcpy(h->state, ecc_store_column_text(s, 2), sizeof(h->state));
		h->locked = sqlite3_column_int(s, 3);
		h->recording = sqlite3_column_int(s, 4);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}

int rooms__participant(ecc_rooms *r, int64_t id, const char *username, int64_t *pid, char state[16],
                       char name[2 * ECC_NAME_MAX + 1])
{
	ecc_store *st = r->hub->store;
	sqlite3_stmt *s = ecc_store_stmt(st, "SELECT id, state, coalesce(username, guest_name)"
	                                     " FROM room_participants WHERE room_id = ?1"
	                                     " AND (username = ?2 OR (?2 IS NULL AND id = ?3))");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	if (username)
		ecc_store_bind_text(s, 2, username);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, 3, *pid);
	rc = ecc_store_step(st, s);
	if (rc == SQLITE_ROW) {
		*pid = sqlite3_column_int64(s, 0);
		if (state)
			g_strlcpy(state, ecc_store_column_text(s, 1), 16);
		if (name)
			g_strlcpy(name, ecc_store_column_text(s, 2), 2 * ECC_NAME_MAX + 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}

/* ECC_OK when u may see room h: a guest its own room; a room of a case
 * whoever may see the case; else the center, the host and the invited. */
static int may_see(ecc_rooms *r, const struct ecc_user *u, const struct room_head *h)
{
	int rc;

	if (u->room || u->role == ECC_ROLE_GUEST)
		return u->room == h->id ? ECC_OK : ECC_ERR_FORBIDDEN;
	if (h->case_id) {
		rc = ecc_cases_access(r->hub->cases, u, h->case_id);
		return rc == ECC_ERR_NOTFOUND ? ECC_ERR_FORBIDDEN : rc;
	}
	if (center(u) || !strcmp(u->username, h->host))
		return ECC_OK;
	rc = rooms__participant(r, h->id, u->username, &(int64_t){0}, NULL, NULL);
	if (rc != ECC_ERR_NOTFOUND)
		return rc;
	return ECC_ERR_FORBIDDEN;
}

static bool may_manage(const struct ecc_user *u, const struct room_head *h)
{
	if (u->room)
		return false;
	return !strcmp(u->username, h->host) || u->role == ECC_ROLE_ADMIN ||
	       u->role == ECC_ROLE_COMMANDER;
}

int rooms__scoped(ecc_rooms *r, const struct ecc_user *u, int64_t id, unsigned need,
                  struct room_head *h, char why[ECC_ROOMS_WHY])
{
	int rc = rooms__head(r, id, h);

	if (rc == ECC_ERR_NOTFOUND)
		return rooms__fail(why, rc, "no such room");
	if (rc == ECC_OK)
		rc = may_see(r, u, h);
	if (rc == ECC_ERR_FORBIDDEN)
		return rooms__fail(why, rc,
		                   h->case_id ? "you have no access to this room's case"
		                              : "not a room you are invited to");
	if (rc == ECC_OK && (need & ROOMS_MANAGE) && !may_manage(u, h))
		return rooms__fail(why, ECC_ERR_FORBIDDEN,
		                   "only the room's host, an admin or a commander may do that");
	if (rc == ECC_OK && (need & ROOMS_NOT_CLOSED) && !strcmp(h->state, "closed"))
		return rooms__fail(why, ECC_ERR_EXISTS, "the room is closed");
	return rc;
}

int rooms__end(ecc_rooms *r, int rc, const char *actor, const char *action, int64_t id,
               cJSON *detail, const char *ip)
{
	if (rc != ECC_OK) {
		ecc_store_rollback(r->hub->store);
		cJSON_Delete(detail);
		return ECC_ERR_DB;
	}
	rooms__audit(r, actor, action, id, detail, ip, NULL);
	rc = ecc_store_commit(r->hub->store);
	if (rc == ECC_OK)
		rooms__changed(r, id);
	return rc;
}

/* Binds an id or a time, 0 as NULL (none). */
static void bind_or_null(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* ---- the fields of a request -------------------------------------------- */

static bool ms_value(const cJSON *v, int64_t *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > TIME_MAX_MS ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

struct fields {
	const char *title, *kind, *host;
	int64_t scheduled_at; /* 0: absent */
	bool has_case;
	int64_t case_id; /* 0 with has_case: cleared */
};

static int read_fields(const cJSON *body, struct fields *f, char why[ECC_ROOMS_WHY])
{
	const cJSON *v;
	const char *kind = NULL;

	memset(f, 0, sizeof(*f));
	v = cJSON_GetObjectItemCaseSensitive(body, "title");
	if (v && (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) > TITLE_MAX ||
	          !g_utf8_validate(v->valuestring, -1, NULL)))
		return rooms__fail(why, ECC_ERR_INVAL, "title must be text of 1 to %d bytes",
		                   TITLE_MAX);
	f->title = v ? v->valuestring : NULL;
	if (ecc_json_get_string(body, "kind", &kind) == ECC_ERR_INVAL)
		return rooms__fail(why, ECC_ERR_INVAL, "kind must be a string");
	for (size_t i = 0; kind && !f->kind && i < G_N_ELEMENTS(kinds); i++)
		if (!strcmp(kind, kinds[i].key) || !strcmp(kind, kinds[i].zh))
			f->kind = kinds[i].key;
	if (kind && !f->kind)
		return rooms__fail(why, ECC_ERR_INVAL,
		                   "kind: consult (会商), hearing (听证), talk (谈话) or"
		                   " coordination (协调)");
	v = cJSON_GetObjectItemCaseSensitive(body, "scheduled_at");
	if (v && !ms_value(v, &f->scheduled_at))
		return rooms__fail(why, ECC_ERR_INVAL, "scheduled_at must be a time in ms");
	v = cJSON_GetObjectItemCaseSensitive(body, "case_id");
	f->has_case = v != NULL;
	if (v && !cJSON_IsNull(v) && !ms_value(v, &f->case_id))
		return rooms__fail(why, ECC_ERR_INVAL, "case_id must be a case's id or null");
	if (ecc_json_get_string(body, "host", &f->host) == ECC_ERR_INVAL)
		return rooms__fail(why, ECC_ERR_INVAL, "host must be a user name");
	return ECC_OK;
}

/* Checks that the caller may put the room under case_id, and that host (a
 * user, not a guest) may see it. */
static int check_case_host(ecc_rooms *r, const struct ecc_user *u, int64_t case_id,
                           const char *host, char why[ECC_ROOMS_WHY])
{
	struct ecc_user hu;
	int rc;

	if (case_id) {
		rc = ecc_cases_access(r->hub->cases, u, case_id);
		if (rc == ECC_ERR_NOTFOUND)
			return rooms__fail(why, ECC_ERR_INVAL, "no such case");
		if (rc == ECC_ERR_FORBIDDEN)
			return rooms__fail(why, rc, "the case is outside your scope");
		if (rc != ECC_OK)
			return rc;
	}
	rc = ecc_auth_user_get(r->hub->auth, host, &hu);
	if (rc == ECC_ERR_NOTFOUND || (rc == ECC_OK && hu.role == ECC_ROLE_GUEST))
		return rooms__fail(why, ECC_ERR_INVAL, "host must be a user of ECC");
	if (rc != ECC_OK)
		return rc;
	if (case_id && ecc_cases_access(r->hub->cases, &hu, case_id) != ECC_OK)
		return rooms__fail(why, ECC_ERR_INVAL, "the host %s has no access to the case",
		                   host);
	return ECC_OK;
}

int rooms__invite_one(ecc_rooms *r, int64_t id, const char *username, const char *by)
{
	sqlite3_stmt *s = ecc_store_stmt(
	    r->hub->store, "INSERT OR IGNORE INTO room_participants(room_id, username,"
	                   " state, invited_by, invited_at) VALUES(?,?,'invited',?,?)");

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	ecc_store_bind_text(s, 2, username);
	ecc_store_bind_text(s, 3, by);
	sqlite3_bind_int64(s, 4, ecc_now_ms());
	return ecc_store_run(r->hub->store, s);
}

/* ---- rooms -------------------------------------------------------------- */

int ecc_rooms_create(ecc_rooms *r, const struct ecc_user *u, const cJSON *body, const char *ip,
                     int64_t *id, char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	struct fields f;
	const char *host;
	sqlite3_stmt *s;
	cJSON *d;
	int rc = read_fields(body, &f, why);

	if (rc != ECC_OK)
		return rc;
	if (!f.title || !f.kind)
		return rooms__fail(why, ECC_ERR_INVAL, "title and kind are required");
	host = f.host ? f.host : u->username;
	rc = check_case_host(r, u, f.case_id, host, why);
	if (rc != ECC_OK)
		return rc;
	s = ecc_store_stmt(st, "INSERT INTO rooms(title, kind, case_id, scheduled_at, host,"
	                       " created_by, created_at) VALUES(?,?,?,?,?,?,?)");
	if (!s || ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, f.title);
	ecc_store_bind_text(s, 2, f.kind);
	bind_or_null(s, 3, f.case_id);
	sqlite3_bind_int64(s, 4, f.scheduled_at ? f.scheduled_at : ecc_now_ms());
	ecc_store_bind_text(s, 5, host);
	ecc_store_bind_text(s, 6, u->username);
	sqlite3_bind_int64(s, 7, ecc_now_ms());
	rc = ecc_store_run(st, s);
	if (rc == ECC_OK) {
		*id = sqlite3_last_insert_rowid(ecc_store_db(st));
		rc = rooms__invite_one(r, *id, host, u->username);
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "title", f.title);
	cJSON_AddStringToObject(d, "kind", f.kind);
	cJSON_AddStringToObject(d, "host", host);
	if (f.case_id)
		cJSON_AddNumberToObject(d, "case_id", (double)f.case_id);
	g_message("room=%" G_GINT64_FORMAT ": created by %s, host %s", (gint64)*id, u->username,
	          host);
	return rooms__end(r, rc, u->username, "room.create", *id, d, ip);
}

int ecc_rooms_update(ecc_rooms *r, const struct ecc_user *u, int64_t id, const cJSON *body,
                     const char *ip, char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	struct room_head h;
	struct fields f;
	sqlite3_stmt *s;
	int64_t case_id;
	const char *host;
	int rc = rooms__scoped(r, u, id, ROOMS_MANAGE | ROOMS_NOT_CLOSED, &h, why);

	if (rc == ECC_OK)
		rc = read_fields(body, &f, why);
	if (rc != ECC_OK)
		return rc;
	case_id = f.has_case ? f.case_id : h.case_id;
	host = f.host ? f.host : h.host;
	if (f.has_case || f.host) {
		rc = check_case_host(r, u, case_id, host, why);
		if (rc != ECC_OK)
			return rc;
	}
	s = ecc_store_stmt(st,
	                   "UPDATE rooms SET title = coalesce(?, title),"
	                   " kind = coalesce(?, kind), scheduled_at = coalesce(?, scheduled_at),"
	                   " host = ?, case_id = ? WHERE id = ?");
	if (!s || ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, f.title);
	ecc_store_bind_text(s, 2, f.kind);
	bind_or_null(s, 3, f.scheduled_at);
	ecc_store_bind_text(s, 4, host);
	bind_or_null(s, 5, case_id);
	sqlite3_bind_int64(s, 6, id);
	rc = ecc_store_run(st, s);
	if (rc == ECC_OK && strcmp(host, h.host))
		rc = rooms__invite_one(r, id, host, u->username);
	return rooms__end(r, rc, u->username, "room.update", id, cJSON_Duplicate(body, true), ip);
}

int rooms__run(ecc_rooms *r, const char *sql, int64_t id)
{
	sqlite3_stmt *s = ecc_store_stmt(r->hub->store, sql);

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int64(s, 2, ecc_now_ms());
	return ecc_store_run(r->hub->store, s);
}

int ecc_rooms_close(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *ip,
                    char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	struct room_head h;
	int rc = rooms__scoped(r, u, id, ROOMS_MANAGE, &h, why);

	if (rc != ECC_OK)
		return rc;
	if (!strcmp(h.state, "closed"))
		return rooms__fail(why, ECC_ERR_EXISTS, "the room is already closed");
	if (ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	rc = rooms__run(r,
	                "UPDATE room_participants SET state = 'left', left_at = ?2,"
	                " session_hash = NULL WHERE room_id = ?1 AND state IN ('in','waiting')",
	                id);
	if (rc == ECC_OK) {
		sqlite3_stmt *s =
		    ecc_store_stmt(st, "UPDATE rooms SET state = 'closed', locked = 0,"
		                       " recording = 0, closed_at = ?, closed_by = ?"
		                       " WHERE id = ?");
		rc = ECC_ERR_DB;
		if (s) {
			sqlite3_bind_int64(s, 1, ecc_now_ms());
			ecc_store_bind_text(s, 2, u->username);
			sqlite3_bind_int64(s, 3, id);
			rc = ecc_store_run(st, s);
		}
	}
	if (rc == ECC_OK && h.recording)
		rooms__audit(r, u->username, "room.recording_stop", id, NULL, ip, NULL);
	return rooms__end(r, rc, u->username, "room.close", id, NULL, ip);
}

int ecc_rooms_set_flag(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *flag,
                       bool on, const char *ip, char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	bool lock = !strcmp(flag, "locked");
	struct room_head h;
	const char *action;
	int rc = rooms__scoped(r, u, id, ROOMS_MANAGE | ROOMS_NOT_CLOSED, &h, why);

	if (rc != ECC_OK)
		return rc;
	if ((lock ? h.locked : h.recording) == on)
		return rooms__fail(why, ECC_ERR_EXISTS, "the room is already %s",
		                   lock ? (on ? "locked" : "unlocked")
		                        : (on ? "recording" : "not recording"));
	if (ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	rc = rooms__run(r,
	                lock ? (on ? "UPDATE rooms SET locked = 1 WHERE id = ?1"
	                           : "UPDATE rooms SET locked = 0 WHERE id = ?1")
	                     : (on ? "UPDATE rooms SET recording = 1 WHERE id = ?1"
	                           : "UPDATE rooms SET recording = 0 WHERE id = ?1"),
	                id);
	action = lock ? (on ? "room.lock" : "room.unlock")
	              : (on ? "room.recording_start" : "room.recording_stop");
	return rooms__end(r, rc, u->username, action, id, NULL, ip);
}

/* ---- JSON ----------------------------------------------------------------- */

#define ROOM_COLS                                                                                  \
	"r.id, r.title, r.kind, r.case_id, c.number, r.scheduled_at, r.host,"                      \
	" (SELECT display_name FROM users WHERE username = r.host), r.state, r.locked,"            \
	" r.recording, r.created_by, r.created_at, r.opened_at, r.closed_at,"                      \
	" (SELECT COUNT(*) FROM room_participants p WHERE p.room_id = r.id AND p.state = 'in'),"   \
	" (SELECT COUNT(*) FROM room_participants p WHERE p.room_id = r.id"                        \
	" AND p.state = 'waiting')"

static cJSON *room_json(sqlite3_stmt *s)
{
	cJSON *o = cJSON_CreateObject();
	const char *kind = ecc_store_column_text(s, 2);

	cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(s, 0));
	cJSON_AddStringToObject(o, "title", ecc_store_column_text(s, 1));
	cJSON_AddStringToObject(o, "kind", kind);
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (!strcmp(kind, kinds[i].key))
			cJSON_AddStringToObject(o, "kind_zh", kinds[i].zh);
	ecc_store_json_int(o, "case_id", s, 3);
	if (sqlite3_column_type(s, 4) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "case_number");
	else
		cJSON_AddStringToObject(o, "case_number", ecc_store_column_text(s, 4));
	cJSON_AddNumberToObject(o, "scheduled_at", (double)sqlite3_column_int64(s, 5));
	cJSON_AddStringToObject(o, "host", ecc_store_column_text(s, 6));
	cJSON_AddStringToObject(o, "host_name", ecc_store_column_text(s, 7));
	cJSON_AddStringToObject(o, "state", ecc_store_column_text(s, 8));
	cJSON_AddBoolToObject(o, "locked", sqlite3_column_int(s, 9));
	cJSON_AddBoolToObject(o, "recording", sqlite3_column_int(s, 10));
	cJSON_AddStringToObject(o, "created_by", ecc_store_column_text(s, 11));
	cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(s, 12));
	ecc_store_json_int(o, "opened_at", s, 13);
	ecc_store_json_int(o, "closed_at", s, 14);
	cJSON_AddNumberToObject(o, "in_count", (double)sqlite3_column_int64(s, 15));
	cJSON_AddNumberToObject(o, "waiting_count", (double)sqlite3_column_int64(s, 16));
	return o;
}

static cJSON *participants_json(ecc_rooms *r, int64_t id)
{
	ecc_store *st = r->hub->store;
	sqlite3_stmt *s = ecc_store_stmt(
	    st, "SELECT p.id, p.username, coalesce(u.display_name, p.guest_name), p.guest_note,"
	        " p.state, p.muted, p.invited_by, p.invited_at, p.joined_at, p.left_at,"
	        " p.link_expires_at, p.link_used_at FROM room_participants p"
	        " LEFT JOIN users u ON u.username = p.username WHERE p.room_id = ? ORDER BY p.id");
	cJSON *arr = cJSON_CreateArray();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, id);
	while (ecc_store_step(st, s) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		bool guest = sqlite3_column_type(s, 1) == SQLITE_NULL;
		int64_t stream;

		cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(s, 0));
		cJSON_AddStringToObject(o, "kind", guest ? "guest" : "user");
		if (guest)
			cJSON_AddNullToObject(o, "username");
		else
			cJSON_AddStringToObject(o, "username", ecc_store_column_text(s, 1));
		cJSON_AddStringToObject(o, "name", ecc_store_column_text(s, 2));
		cJSON_AddStringToObject(o, "note", ecc_store_column_text(s, 3));
		cJSON_AddStringToObject(o, "state", ecc_store_column_text(s, 4));
		cJSON_AddBoolToObject(o, "muted", sqlite3_column_int(s, 5));
		stream =
		    ecc_streams_room(r->hub->streams, id, sqlite3_column_int64(s, 0), false, false);
		if (stream) { /* publishing (roommedia.c): what the others watch */
			cJSON_AddNumberToObject(o, "stream", (double)stream);
			cJSON_AddBoolToObject(o, "live",
			                      ecc_streams_room_live(r->hub->streams, stream));
		}
		stream =
		    ecc_streams_room(r->hub->streams, id, sqlite3_column_int64(s, 0), true, false);
		if (stream) { /* sharing its screen */
			cJSON_AddNumberToObject(o, "screen_stream", (double)stream);
			cJSON_AddBoolToObject(o, "screen_live",
			                      ecc_streams_room_live(r->hub->streams, stream));
		}
		cJSON_AddStringToObject(o, "invited_by", ecc_store_column_text(s, 6));
		ecc_store_json_int(o, "invited_at", s, 7);
		ecc_store_json_int(o, "joined_at", s, 8);
		ecc_store_json_int(o, "left_at", s, 9);
		if (guest) {
			ecc_store_json_int(o, "link_expires_at", s, 10);
			ecc_store_json_int(o, "link_used_at", s, 11);
		}
		cJSON_AddItemToArray(arr, o);
	}
	sqlite3_reset(s);
	return arr;
}

int ecc_rooms_get(ecc_rooms *r, const struct ecc_user *u, int64_t id, cJSON **out)
{
	ecc_store *st = r->hub->store;
	char why[ECC_ROOMS_WHY];
	struct room_head h;
	sqlite3_stmt *s;
	int rc = rooms__scoped(r, u, id, 0, &h, why);

	if (rc != ECC_OK)
		return rc;
	s = ecc_store_stmt(st, "SELECT " ROOM_COLS " FROM rooms r LEFT JOIN cases c"
	                       " ON c.id = r.case_id WHERE r.id = ?");
	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = ecc_store_step(st, s);
	if (rc == SQLITE_ROW)
		*out = room_json(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return ECC_ERR_DB;
	cJSON_AddItemToObject(*out, "participants", participants_json(r, id));
	cJSON_AddItemToObject(*out, "feeds", rooms__feeds_json(r, id));
	if (u->room) {
		cJSON_AddNumberToObject(*out, "you", (double)u->participant);
	} else {
		int64_t pid = 0;
		if (rooms__participant(r, id, u->username, &pid, NULL, NULL) == ECC_OK)
			cJSON_AddNumberToObject(*out, "you", (double)pid);
	}
	return ECC_OK;
}

int ecc_rooms_list(ecc_rooms *r, const struct ecc_user *u, int64_t from_ms, bool closed, int limit,
                   int offset, cJSON **out)
{
	ecc_store *st = r->hub->store;
	sqlite3_stmt *s = ecc_store_stmt(
	    st, "SELECT " ROOM_COLS " FROM rooms r LEFT JOIN cases c ON c.id = r.case_id"
	        " WHERE (r.state = 'open' OR r.scheduled_at >= ?1)"
	        " AND (?2 OR r.state != 'closed') ORDER BY r.scheduled_at, r.id");
	struct room_head h;
	cJSON *arr;
	int total = 0;

	if (!s)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, from_ms);
	sqlite3_bind_int(s, 2, closed);
	*out = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*out, "rooms");
	while (ecc_store_step(st, s) == SQLITE_ROW) {
		/* rooms__head would reuse a statement; the scope needs only these */
		memset(&h, 0, sizeof(h));
		h.id = sqlite3_column_int64(s, 0);
		h.case_id = sqlite3_column_int64(s, 3);
		g_strlcpy(h.host, ecc_store_column_text(s, 6), sizeof(h.host));
		if (may_see(r, u, &h) != ECC_OK)
			continue;
		if (total >= offset && total < offset + limit)
			cJSON_AddItemToArray(arr, room_json(s));
		total++;
	}
	sqlite3_reset(s);
	cJSON_AddNumberToObject(*out, "total", total);
	cJSON_AddNumberToObject(*out, "offset", offset);
	return ECC_OK;
}
