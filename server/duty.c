/* duty: roster, sign-in, duty log, hand-over notes; who alerts go to. */
#define G_LOG_DOMAIN "ecc-duty"

#include "duty.h"
#include "alert.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "ecc_log.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define TEXT_MAX 4000

struct ecc_duty {
	struct ecc_hub *hub;
	guint tick_id;
};

static ecc_store *st_of(ecc_duty *d)
{
	return d->hub->store;
}

static int audit(ecc_duty *d, const char *actor, const char *action, const char *target,
                 const char *ip)
{
	struct ecc_audit_entry e = {.actor = actor, .action = action, .target = target, .ip = ip};

	return ecc_audit_append(st_of(d), &e, NULL);
}

/* ---- roster ------------------------------------------------------------- */

struct shift {
	const char *username, *role;
	int64_t starts, ends;
};

static int shift_check(ecc_duty *d, const cJSON *o, struct shift *s, const char **why)
{
	struct ecc_user u;

	*why = "a shift is {username, role: duty or commander, starts, ends} (UTC ms), ends after "
	       "starts";
	if (!cJSON_IsObject(o) || ecc_json_get_string(o, "username", &s->username) != ECC_OK ||
	    ecc_json_get_string(o, "role", &s->role) != ECC_OK ||
	    ecc_json_get_int64(o, "starts", &s->starts) != ECC_OK ||
	    ecc_json_get_int64(o, "ends", &s->ends) != ECC_OK || s->ends <= s->starts ||
	    s->starts < 0 || (strcmp(s->role, "duty") && strcmp(s->role, "commander")))
		return ECC_ERR_INVAL;
	if (s->ends - s->starts > (int64_t)7 * 24 * 3600 * 1000) {
		*why = "a shift is at most 7 days";
		return ECC_ERR_INVAL;
	}
	if (ecc_auth_user_get(d->hub->auth, s->username, &u) != ECC_OK) {
		*why = "no such user";
		return ECC_ERR_INVAL;
	}
	if (u.role != ECC_ROLE_ADMIN && u.role != ECC_ROLE_COMMANDER &&
	    (u.role != ECC_ROLE_DUTY || !strcmp(s->role, "commander"))) {
		*why = "a duty shift needs a duty officer, commander or admin; a commander shift a "
		       "commander or admin";
		return ECC_ERR_INVAL;
	}
	*why = NULL;
	return ECC_OK;
}

static int shift_insert(ecc_duty *d, const struct shift *s, const char *actor, int64_t *id)
{
	sqlite3_stmt *q = ecc_store_stmt(st_of(d), "INSERT INTO duty_shifts(username, role, starts,"
	                                           " ends, created_by, created_at)"
	                                           " VALUES(?,?,?,?,?,?)");
	int rc;

	if (!q)
		return ECC_ERR_DB;
	ecc_store_bind_text(q, 1, s->username);
	ecc_store_bind_text(q, 2, s->role);
	sqlite3_bind_int64(q, 3, s->starts);
	sqlite3_bind_int64(q, 4, s->ends);
	ecc_store_bind_text(q, 5, actor);
	sqlite3_bind_int64(q, 6, ecc_now_ms());
	rc = ecc_store_run(st_of(d), q);
	if (rc == ECC_OK && id)
		*id = sqlite3_last_insert_rowid(ecc_store_db(st_of(d)));
	return rc;
}

int ecc_duty_shift_add(ecc_duty *d, const cJSON *o, const char *actor, const char *ip,
                       int64_t *id_out, const char **why)
{
	struct shift s;
	char target[32];
	int64_t id = 0;
	int rc = shift_check(d, o, &s, why);

	if (rc != ECC_OK)
		return rc;
	if (ecc_store_begin(st_of(d), true) != ECC_OK)
		return ECC_ERR_DB;
	rc = shift_insert(d, &s, actor, &id);
	g_snprintf(target, sizeof(target), "shift:%" G_GINT64_FORMAT, id);
	if (rc == ECC_OK)
		rc = audit(d, actor, "duty.roster.add", target, ip);
	if (rc != ECC_OK || (rc = ecc_store_commit(st_of(d))) != ECC_OK) {
		ecc_store_rollback(st_of(d));
		return rc;
	}
	if (id_out)
		*id_out = id;
	return ECC_OK;
}

int ecc_duty_shift_import(ecc_duty *d, const cJSON *shifts, const char *actor, const char *ip,
                          int *added, int *bad, const char **why)
{
	struct shift s;
	const cJSON *o;
	char detail[64];
	int i = 0, rc;

	*added = 0;
	*bad = 0;
	if (!cJSON_IsArray(shifts) || cJSON_GetArraySize(shifts) < 1 ||
	    cJSON_GetArraySize(shifts) > 2000) {
		*why = "shifts is an array of 1 to 2000 shifts";
		return ECC_ERR_INVAL;
	}
	cJSON_ArrayForEach(o, shifts)
	{
		i++;
		if ((rc = shift_check(d, o, &s, why)) != ECC_OK) {
			*bad = i;
			return rc;
		}
	}
	if (ecc_store_begin(st_of(d), true) != ECC_OK)
		return ECC_ERR_DB;
	rc = ECC_OK;
	cJSON_ArrayForEach(o, shifts)
	{
		shift_check(d, o, &s, why);
		if ((rc = shift_insert(d, &s, actor, NULL)) != ECC_OK)
			break;
	}
	g_snprintf(detail, sizeof(detail), "{\"shifts\":%d}", i);
	if (rc == ECC_OK) {
		struct ecc_audit_entry e = {.actor = actor,
		                            .action = "duty.roster.import",
		                            .target = "roster",
		                            .detail = detail,
		                            .ip = ip};
		rc = ecc_audit_append(st_of(d), &e, NULL);
	}
	if (rc != ECC_OK || (rc = ecc_store_commit(st_of(d))) != ECC_OK) {
		ecc_store_rollback(st_of(d));
		return rc;
	}
	*added = i;
	return ECC_OK;
}

int ecc_duty_shift_delete(ecc_duty *d, int64_t id, const char *actor, const char *ip)
{
	sqlite3_stmt *q;
	char target[32];
	int rc;

	if (ecc_store_begin(st_of(d), true) != ECC_OK)
		return ECC_ERR_DB;
	q = ecc_store_stmt(st_of(d), "DELETE FROM duty_shifts WHERE id = ?");
	rc = ECC_ERR_DB;
	if (q) {
		sqlite3_bind_int64(q, 1, id);
		rc = ecc_store_run(st_of(d), q);
	}
	if (rc == ECC_OK && sqlite3_changes(ecc_store_db(st_of(d))) == 0)
		rc = ECC_ERR_NOTFOUND;
	if (rc == ECC_OK) {
		q = ecc_store_stmt(st_of(d), "DELETE FROM duty_signins WHERE shift_id = ?");
		rc = ECC_ERR_DB;
		if (q) {
			sqlite3_bind_int64(q, 1, id);
			rc = ecc_store_run(st_of(d), q);
		}
	}
	g_snprintf(target, sizeof(target), "shift:%" G_GINT64_FORMAT, id);
	if (rc == ECC_OK)
		rc = audit(d, actor, "duty.roster.delete", target, ip);
	if (rc != ECC_OK || (rc = ecc_store_commit(st_of(d))) != ECC_OK) {
		ecc_store_rollback(st_of(d));
		return rc;
	}
	return ECC_OK;
}

#define SHIFT_COLS                                                                                 \
	"s.id, s.username, s.role, s.starts, s.ends, s.absent_alert,"                              \
	" (SELECT min(i.ts) FROM duty_signins i WHERE i.shift_id = s.id),"                         \
	" coalesce((SELECT display_name FROM users u WHERE u.username = s.username), '')"

static cJSON *shift_json(sqlite3_stmt *q)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(q, 0));
	cJSON_AddStringToObject(o, "username", ecc_store_column_text(q, 1));
	cJSON_AddStringToObject(o, "display_name", ecc_store_column_text(q, 7));
	cJSON_AddStringToObject(o, "role", ecc_store_column_text(q, 2));
	cJSON_AddNumberToObject(o, "starts", (double)sqlite3_column_int64(q, 3));
	cJSON_AddNumberToObject(o, "ends", (double)sqlite3_column_int64(q, 4));
	if (sqlite3_column_type(q, 6) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "signed_in_at");
	else
		cJSON_AddNumberToObject(o, "signed_in_at", (double)sqlite3_column_int64(q, 6));
	if (sqlite3_column_type(q, 5) != SQLITE_NULL)
		cJSON_AddNumberToObject(o, "absent_alert", (double)sqlite3_column_int64(q, 5));
	return o;
}

cJSON *ecc_duty_roster(ecc_duty *d, int64_t from, int64_t to)
{
	sqlite3_stmt *q =
	    ecc_store_stmt(st_of(d), "SELECT " SHIFT_COLS " FROM duty_shifts s"
	                             " WHERE s.ends > ? AND s.starts < ?"
	                             " ORDER BY s.starts, s.role, s.username LIMIT 2000");
	cJSON *arr = cJSON_CreateArray();

	if (!q)
		return arr;
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	while (ecc_store_step(st_of(d), q) == SQLITE_ROW)
		cJSON_AddItemToArray(arr, shift_json(q));
	sqlite3_reset(q);
	return arr;
}

/* ---- now: who is on duty, sign-in --------------------------------------- */

static int64_t own_shift_now(ecc_duty *d, const char *user)
{
	sqlite3_stmt *q = ecc_store_stmt(st_of(d), "SELECT id FROM duty_shifts WHERE username = ?"
	                                           " AND starts <= ?2 AND ends > ?2"
	                                           " ORDER BY role = 'duty' DESC, starts LIMIT 1");
	int64_t id = 0;

	if (!q)
		return 0;
	ecc_store_bind_text(q, 1, user);
	sqlite3_bind_int64(q, 2, ecc_now_ms());
	if (ecc_store_step(st_of(d), q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return id;
}

static cJSON *pending_handover(ecc_duty *d)
{
	cJSON *list = ecc_duty_handovers(d, true, 1), *h = NULL;

	if (cJSON_GetArraySize(list) > 0)
		h = cJSON_DetachItemFromArray(list, 0);
	cJSON_Delete(list);
	return h;
}

cJSON *ecc_duty_now(ecc_duty *d, const char *me)
{
	int64_t now = ecc_now_ms();
	cJSON *o = cJSON_CreateObject(), *shifts = ecc_duty_roster(d, now, now + 1), *s, *h;
	int64_t mine = me ? own_shift_now(d, me) : 0;
	bool signed_in = false;

	cJSON_AddNumberToObject(o, "now", (double)now);
	cJSON_ArrayForEach(s, shifts)
	{
		if (mine && (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(s, "id")) == mine)
			signed_in = cJSON_IsNumber(cJSON_GetObjectItem(s, "signed_in_at"));
	}
	cJSON_AddItemToObject(o, "shifts", shifts);
	h = pending_handover(d);
	cJSON_AddItemToObject(o, "handover", h ? h : cJSON_CreateNull());
	s = cJSON_AddObjectToObject(o, "me");
	cJSON_AddBoolToObject(s, "on_duty", mine != 0);
	cJSON_AddBoolToObject(s, "signed_in", signed_in);
	cJSON_AddBoolToObject(
	    s, "may_confirm",
	    h && mine &&
	        strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(h, "from_user")), me) != 0);
	return o;
}

int ecc_duty_signin(ecc_duty *d, const char *user, const char *ip)
{
	int64_t shift = own_shift_now(d, user);
	sqlite3_stmt *q;
	char target[32];
	int rc, changes;

	if (!shift)
		return ECC_ERR_FORBIDDEN;
	if (ecc_store_begin(st_of(d), true) != ECC_OK)
		return ECC_ERR_DB;
	q = ecc_store_stmt(st_of(d),
	                   "INSERT OR IGNORE INTO duty_signins(shift_id, username, ts, ip)"
	                   " VALUES(?,?,?,?)");
	rc = ECC_ERR_DB;
	if (q) {
		sqlite3_bind_int64(q, 1, shift);
		ecc_store_bind_text(q, 2, user);
		sqlite3_bind_int64(q, 3, ecc_now_ms());
		ecc_store_bind_text(q, 4, ip ? ip : "");
		rc = ecc_store_run(st_of(d), q);
	}
	changes = sqlite3_changes(ecc_store_db(st_of(d)));
	g_snprintf(target, sizeof(target), "shift:%" G_GINT64_FORMAT, shift);
	if (rc == ECC_OK && changes)
		rc = audit(d, user, "duty.signin", target, ip);
	if (rc != ECC_OK || (rc = ecc_store_commit(st_of(d))) != ECC_OK) {
		ecc_store_rollback(st_of(d));
		return rc;
	}
	if (changes) {
		g_message("user=%s shift=%" G_GINT64_FORMAT ": signed in", user, shift);
		ecc_alerts_clear(d->hub->alerts, NULL, "duty_absent");
	}
	return ECC_OK;
}

/* ?3: only those signed in (the first pass for duty officers). */
static const char *const who_sql = "SELECT DISTINCT s.username FROM duty_shifts s WHERE s.role = ?1"
                                   " AND s.starts <= ?2 AND s.ends > ?2 AND (?3 = 0 OR EXISTS"
                                   " (SELECT 1 FROM duty_signins i WHERE i.shift_id = s.id))"
                                   " ORDER BY s.username LIMIT 20";

char *ecc_duty_who(void *data, const char *role)
{
	ecc_duty *d = data;
	int64_t now = ecc_now_ms();
	GString *out = g_string_new(NULL);

	for (int pass = !strcmp(role, "duty") ? 1 : 0; pass >= 0 && !out->len; pass--) {
		sqlite3_stmt *q = ecc_store_stmt(st_of(d), who_sql);
		if (!q)
			break;
		ecc_store_bind_text(q, 1, role);
		sqlite3_bind_int64(q, 2, now);
		sqlite3_bind_int(q, 3, pass);
		while (ecc_store_step(st_of(d), q) == SQLITE_ROW)
			g_string_append_printf(out, "%s%s", out->len ? "," : "",
			                       ecc_store_column_text(q, 0));
		sqlite3_reset(q);
	}
	return g_string_free(out, out->len == 0);
}

/* ---- duty log and hand-over --------------------------------------------- */

static int text_ok(const char *text)
{
	size_t n = text ? strlen(text) : 0;

	return n > 0 && n <= TEXT_MAX && g_utf8_validate(text, -1, NULL) ? ECC_OK : ECC_ERR_INVAL;
}

/* A row of text by user, now: a duty log entry or a hand-over note. */
static int insert_text(ecc_duty *d, const char *sql, const char *user, const char *text,
                       int64_t *id_out)
{
	sqlite3_stmt *q;
	int rc;

	if (text_ok(text) != ECC_OK)
		return ECC_ERR_INVAL;
	q = ecc_store_stmt(st_of(d), sql);
	if (!q)
		return ECC_ERR_DB;
	sqlite3_bind_int64(q, 1, ecc_now_ms());
	ecc_store_bind_text(q, 2, user);
	ecc_store_bind_text(q, 3, text);
	rc = ecc_store_run(st_of(d), q);
	if (rc == ECC_OK && id_out)
		*id_out = sqlite3_last_insert_rowid(ecc_store_db(st_of(d)));
	return rc;
}

int ecc_duty_log_add(ecc_duty *d, const char *user, const char *text, int64_t *id_out)
{
	return insert_text(d, "INSERT INTO duty_log(ts, username, text) VALUES(?,?,?)", user, text,
	                   id_out);
}

cJSON *ecc_duty_log(ecc_duty *d, int64_t from, int64_t to, int limit)
{
	sqlite3_stmt *q = ecc_store_stmt(st_of(d), "SELECT id, ts, username, text FROM duty_log"
	                                           " WHERE ts >= ? AND ts < ? ORDER BY id DESC"
	                                           " LIMIT ?");
	cJSON *arr = cJSON_CreateArray();

	if (!q)
		return arr;
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	sqlite3_bind_int(q, 3, limit);
	while (ecc_store_step(st_of(d), q) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(q, 0));
		cJSON_AddNumberToObject(o, "ts", (double)sqlite3_column_int64(q, 1));
		cJSON_AddStringToObject(o, "username", ecc_store_column_text(q, 2));
		cJSON_AddStringToObject(o, "text", ecc_store_column_text(q, 3));
		cJSON_AddItemToArray(arr, o);
	}
	sqlite3_reset(q);
	return arr;
}

int ecc_duty_handover_add(ecc_duty *d, const char *user, const char *text, int64_t *id_out)
{
	return insert_text(d, "INSERT INTO duty_handovers(ts, from_user, text) VALUES(?,?,?)", user,
	                   text, id_out);
}

int ecc_duty_handover_confirm(ecc_duty *d, int64_t id, const char *user, const char *ip)
{
	sqlite3_stmt *q = ecc_store_stmt(st_of(d), "SELECT from_user, confirmed_by FROM"
	                                           " duty_handovers WHERE id = ?");
	char target[32];
	int rc;

	if (!q)
		return ECC_ERR_DB;
	sqlite3_bind_int64(q, 1, id);
	rc = ecc_store_step(st_of(d), q);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		return rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
	}
	rc = sqlite3_column_type(q, 1) != SQLITE_NULL     ? ECC_ERR_EXISTS
	     : !strcmp(ecc_store_column_text(q, 0), user) ? ECC_ERR_FORBIDDEN
	                                                  : ECC_OK;
	sqlite3_reset(q);
	if (rc != ECC_OK)
		return rc;
	if (!own_shift_now(d, user))
		return ECC_ERR_FORBIDDEN;
	if (ecc_store_begin(st_of(d), true) != ECC_OK)
		return ECC_ERR_DB;
	q = ecc_store_stmt(st_of(d), "UPDATE duty_handovers SET confirmed_by = ?, confirmed_at = ?"
	                             " WHERE id = ?");
	rc = ECC_ERR_DB;
	if (q) {
		ecc_store_bind_text(q, 1, user);
		sqlite3_bind_int64(q, 2, ecc_now_ms());
		sqlite3_bind_int64(q, 3, id);
		rc = ecc_store_run(st_of(d), q);
	}
	g_snprintf(target, sizeof(target), "handover:%" G_GINT64_FORMAT, id);
	if (rc == ECC_OK)
		rc = audit(d, user, "duty.handover.confirm", target, ip);
	if (rc != ECC_OK || (rc = ecc_store_commit(st_of(d))) != ECC_OK) {
		ecc_store_rollback(st_of(d));
		return rc;
	}
	return ECC_OK;
}

cJSON *ecc_duty_handovers(ecc_duty *d, bool pending_only, int limit)
{
	sqlite3_stmt *q = ecc_store_stmt(
	    st_of(d), "SELECT h.id, h.ts, h.from_user, h.text, h.confirmed_by, h.confirmed_at,"
	              " coalesce((SELECT display_name FROM users u WHERE u.username = h.from_user),"
	              " '') FROM duty_handovers h WHERE (?1 = 0 OR h.confirmed_by IS NULL)"
	              " ORDER BY h.id DESC LIMIT ?2");
	cJSON *arr = cJSON_CreateArray();

	if (!q)
		return arr;
	sqlite3_bind_int(q, 1, pending_only);
	sqlite3_bind_int(q, 2, limit);
	while (ecc_store_step(st_of(d), q) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(q, 0));
		cJSON_AddNumberToObject(o, "ts", (double)sqlite3_column_int64(q, 1));
		cJSON_AddStringToObject(o, "from_user", ecc_store_column_text(q, 2));
		cJSON_AddStringToObject(o, "from_display_name", ecc_store_column_text(q, 6));
		cJSON_AddStringToObject(o, "text", ecc_store_column_text(q, 3));
		if (sqlite3_column_type(q, 4) == SQLITE_NULL) {
			cJSON_AddNullToObject(o, "confirmed_by");
			cJSON_AddNullToObject(o, "confirmed_at");
		} else {
			cJSON_AddStringToObject(o, "confirmed_by", ecc_store_column_text(q, 4));
			cJSON_AddNumberToObject(o, "confirmed_at",
			                        (double)sqlite3_column_int64(q, 5));
		}
		cJSON_AddItemToArray(arr, o);
	}
	sqlite3_reset(q);
	return arr;
}

/* ---- nobody signed in ---------------------------------------------------- */

void ecc_duty_tick(ecc_duty *d)
{
	int64_t now = ecc_now_ms();
	sqlite3_stmt *q = ecc_store_stmt(
	    st_of(d), "SELECT s.id, s.username FROM duty_shifts s WHERE s.role = 'duty'"
	              " AND s.absent_alert IS NULL AND s.starts + ?1 <= ?2 AND s.ends > ?2"
	              " AND NOT EXISTS (SELECT 1 FROM duty_signins i JOIN duty_shifts s2"
	              " ON s2.id = i.shift_id WHERE s2.role = 'duty' AND s2.starts <= ?2"
	              " AND s2.ends > ?2) ORDER BY s.id LIMIT 1");
	struct ecc_alert_spec sp = {.kind = "duty_absent", .severity = ECC_SEV_HIGH};
	int64_t shift, alert = 0;
	char *msg;

	if (!q)
		return;
	sqlite3_bind_int64(q, 1, (int64_t)d->hub->cfg->duty_signin_grace * 1000);
	sqlite3_bind_int64(q, 2, now);
	if (ecc_store_step(st_of(d), q) != SQLITE_ROW) {
		sqlite3_reset(q);
		return;
	}
	shift = sqlite3_column_int64(q, 0);
	msg = g_strdup_printf("值班无人签到：%s", ecc_store_column_text(q, 1));
	sqlite3_reset(q);
	sp.message = msg;
	sp.lat = sp.lon = NAN;
	if (ecc_alerts_raise(d->hub->alerts, &sp, &alert) == ECC_OK) {
		q = ecc_store_stmt(st_of(d),
		                   "UPDATE duty_shifts SET absent_alert = ? WHERE id = ?");
		if (q) {
			sqlite3_bind_int64(q, 1, alert);
			sqlite3_bind_int64(q, 2, shift);
			ecc_store_run(st_of(d), q);
		}
	}
	g_free(msg);
}

static gboolean tick_cb(gpointer data)
{
	ecc_duty_tick(data);
	return G_SOURCE_CONTINUE;
}

ecc_duty *ecc_duty_new(struct ecc_hub *hub)
{
	ecc_duty *d = g_new0(ecc_duty, 1);

	d->hub = hub;
	ecc_alerts_set_router(hub->alerts, ecc_duty_who, d);
	d->tick_id = g_timeout_add_seconds(1, tick_cb, d);
	return d;
}

void ecc_duty_free(ecc_duty *d)
{
	if (!d)
		return;
	if (d->tick_id)
		g_source_remove(d->tick_id);
	ecc_alerts_set_router(d->hub->alerts, NULL, NULL);
	g_free(d);
}
