/* roomguests: a guest's one-time link into a room and the session it
 * becomes (rooms.h). Tokens come from auth.c (random, kept only hashed). */
#define G_LOG_DOMAIN "ecc-rooms"

#include "rooms_internal.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"

#include <sodium.h>
#include <string.h>

#define GUEST_NAME_MAX 64
#define GUEST_NOTE_MAX 128

static bool text_ok(const char *v, size_t max)
{
	return v && v[0] && strlen(v) <= max && g_utf8_validate(v, -1, NULL);
}

int ecc_rooms_guest_invite(ecc_rooms *r, const struct ecc_user *u, int64_t id, const cJSON *body,
                           const char *ip, char token[ECC_TOKEN_CHARS + 1], int64_t *pid,
                           int64_t *expires_at, char why[ECC_ROOMS_WHY])
{
	ecc_store *st = r->hub->store;
	char th[ECC_TOKEN_HASH_HEX + 1];
	const char *name = NULL, *note = NULL;
	int64_t expires_in = ECC_ROOM_LINK_DEFAULT_S, now = ecc_now_ms();
	struct room_head h;
	sqlite3_stmt *s;
	cJSON *d;
	int rc = rooms__scoped(r, u, id, ROOMS_MANAGE | ROOMS_NOT_CLOSED, &h, why);

	if (rc != ECC_OK)
		return rc;
	if (ecc_json_get_string(body, "name", &name) != ECC_OK || !text_ok(name, GUEST_NAME_MAX))
		return rooms__fail(why, ECC_ERR_INVAL, "name must be text of 1 to %d bytes",
		                   GUEST_NAME_MAX);
	rc = ecc_json_get_string(body, "note", &note);
	if (rc == ECC_ERR_INVAL || (rc == ECC_OK && note[0] && !text_ok(note, GUEST_NOTE_MAX)))
		return rooms__fail(why, ECC_ERR_INVAL,
		                   "note (party, lawyer, another court's judge...) must be text"
		                   " of at most %d bytes",
		                   GUEST_NOTE_MAX);
	rc = ecc_json_get_int64(body, "expires_in", &expires_in);
	if (rc == ECC_ERR_INVAL || expires_in < 1 || expires_in > ECC_ROOM_LINK_MAX_S)
		return rooms__fail(why, ECC_ERR_INVAL, "expires_in must be 1 to %d seconds",
		                   ECC_ROOM_LINK_MAX_S);
	ecc_auth_token_new(token);
	ecc_auth_token_hash(token, th);
	*expires_at = now + expires_in * 1000;
	s = ecc_store_stmt(st, "INSERT INTO room_participants(room_id, guest_name, guest_note,"
	                       " state, invited_by, invited_at, link_hash, link_expires_at)"
	                       " VALUES(?,?,?,'invited',?,?,?,?)");
	if (!s || ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	ecc_store_bind_text(s, 2, name);
	ecc_store_bind_text(s, 3, note ? note : "");
	ecc_store_bind_text(s, 4, u->username);
	sqlite3_bind_int64(s, 5, now);
	ecc_store_bind_text(s, 6, th);
	sqlite3_bind_int64(s, 7, *expires_at);
	rc = ecc_store_run(st, s);
	*pid = sqlite3_last_insert_rowid(ecc_store_db(st));
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "participant", (double)*pid);
	cJSON_AddStringToObject(d, "name", name);
	cJSON_AddStringToObject(d, "note", note ? note : "");
	cJSON_AddNumberToObject(d, "expires_at", (double)*expires_at);
	rc = rooms__end(r, rc, u->username, "room.guest_link", id, d, ip);
	if (rc != ECC_OK)
		sodium_memzero(token, ECC_TOKEN_CHARS + 1);
	return rc;
}

/* ---- exchanging a link -------------------------------------------------- */

static const char *const refusal_names[] = {"ok", "unknown", "expired", "used", "closed"};

static void audit_refused(ecc_rooms *r, int64_t room, int64_t pid, enum ecc_guest_refusal why,
                          const char *ip)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "reason", refusal_names[why]);
	if (pid)
		cJSON_AddNumberToObject(d, "participant", (double)pid);
	rooms__audit(r, "anonymous", "room.guest_link_refused", room, d, ip, "denied");
}

/* Fills the guest of participant pid in room. */
static void guest_user(struct ecc_user *g, int64_t room, int64_t pid, const char *name)
{
	memset(g, 0, sizeof(*g));
	g->role = ECC_ROLE_GUEST;
	g->room = room;
	g->participant = pid;
	g_snprintf(g->username, sizeof(g->username), "guest-%" G_GINT64_FORMAT, (gint64)pid);
	g_strlcpy(g->display_name, name, sizeof(g->display_name));
}

int ecc_rooms_guest_exchange(ecc_rooms *r, const char *link, const char *ip,
                             char session[ECC_TOKEN_CHARS + 1], struct ecc_user *guest,
                             enum ecc_guest_refusal *refusal)
{
	ecc_store *st = r->hub->store;
	char th[ECC_TOKEN_HASH_HEX + 1], sh[ECC_TOKEN_HASH_HEX + 1], name[2 * ECC_NAME_MAX + 1];
	char state[16] = "", room_state[16] = "";
	int64_t now = ecc_now_ms(), pid = 0, room = 0, expires = 0;
	bool used = false;
	sqlite3_stmt *s;
	cJSON *d;
	int rc;

	*refusal = ECC_GUEST_UNKNOWN;
	if (!link || strlen(link) != ECC_TOKEN_CHARS) {
		audit_refused(r, 0, 0, *refusal, ip);
		return ECC_ERR_AUTH;
	}
	ecc_auth_token_hash(link, th);
	s = ecc_store_stmt(st, "SELECT p.id, p.room_id, p.guest_name, p.state, p.link_expires_at,"
	                       " p.link_used_at IS NOT NULL, r.state FROM room_participants p"
	                       " JOIN rooms r ON r.id = p.room_id WHERE p.link_hash = ?");
	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, th);
	rc = ecc_store_step(st, s);
	if (rc == SQLITE_ROW) {
		pid = sqlite3_column_int64(s, 0);
		room = sqlite3_column_int64(s, 1);
		g_strlcpy(name, ecc_store_column_text(s, 2), sizeof(name));
		g_strlcpy(state, ecc_store_column_text(s, 3), sizeof(state));
		expires = sqlite3_column_int64(s, 4);
		used = sqlite3_column_int(s, 5);
		g_strlcpy(room_state, ecc_store_column_text(s, 6), sizeof(room_state));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ECC_ERR_DB;
	if (rc == SQLITE_ROW)
		*refusal = used ? ECC_GUEST_USED
		           : !strcmp(room_state, "closed") || strcmp(state, "invited")
		               ? ECC_GUEST_CLOSED
		           : now >= expires ? ECC_GUEST_EXPIRED
		                            : ECC_GUEST_OK;
	if (*refusal != ECC_GUEST_OK) {
		audit_refused(r, room, pid, *refusal, ip);
		return ECC_ERR_AUTH;
	}
	ecc_auth_token_new(session);
	ecc_auth_token_hash(session, sh);
	s = ecc_store_stmt(st, "UPDATE room_participants SET state = 'waiting', link_used_at = ?,"
	                       " session_hash = ?, session_expires_at = ? WHERE id = ?");
	if (!s || ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	sqlite3_bind_int64(s, 1, now);
	ecc_store_bind_text(s, 2, sh);
	sqlite3_bind_int64(s, 3, now + (int64_t)ECC_ROOM_GUEST_SESSION_S * 1000);
	sqlite3_bind_int64(s, 4, pid);
	rc = ecc_store_run(st, s);
	guest_user(guest, room, pid, name);
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "participant", (double)pid);
	cJSON_AddStringToObject(d, "name", name);
	rc = rooms__end(r, rc, guest->username, "room.guest_link_used", room, d, ip);
	if (rc != ECC_OK) {
		sodium_memzero(session, ECC_TOKEN_CHARS + 1);
		return rc;
	}
	g_message("room=%" G_GINT64_FORMAT ": guest %" G_GINT64_FORMAT " waits", (gint64)room,
	          (gint64)pid);
	return ECC_OK;
}

int ecc_rooms_guest_session(ecc_rooms *r, const char *token, struct ecc_user *guest)
{
	ecc_store *st;
	char th[ECC_TOKEN_HASH_HEX + 1];
	sqlite3_stmt *s;
	int rc;

	if (!r || !token || strlen(token) != ECC_TOKEN_CHARS)
		return ECC_ERR_AUTH;
	st = r->hub->store;
	ecc_auth_token_hash(token, th);
	s = ecc_store_stmt(st, "SELECT p.id, p.room_id, p.guest_name FROM room_participants p"
	                       " JOIN rooms r ON r.id = p.room_id WHERE p.session_hash = ?"
	                       " AND p.session_expires_at > ? AND p.state IN ('waiting','in')"
	                       " AND r.state != 'closed'");
	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, th);
	sqlite3_bind_int64(s, 2, ecc_now_ms());
	rc = ecc_store_step(st, s);
	if (rc == SQLITE_ROW)
		guest_user(guest, sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 0),
		           ecc_store_column_text(s, 2));
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_AUTH : ECC_ERR_DB;
}
