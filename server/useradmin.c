/* useradmin: lock, unlock and role changes with their guards. */
#define G_LOG_DOMAIN "ecc-useradmin"

#include "useradmin.h"
#include "audit.h"
#include "ecc_err.h"
#include "events.h"
#include "units.h"

#include <glib.h>
#include <string.h>

struct target {
	int64_t id;
	enum ecc_role role;
	bool disabled;
};

static int load(ecc_store *st, const char *username, struct target *t)
{
	sqlite3_stmt *s =
	    ecc_store_stmt(st, "SELECT id, role, disabled FROM users WHERE username = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, username);
	rc = ecc_store_step(st, s);
	if (rc == SQLITE_ROW) {
		t->id = sqlite3_column_int64(s, 0);
		if (ecc_role_parse(ecc_store_column_text(s, 1), &t->role) != ECC_OK)
			t->role = ECC_ROLE_GUEST;
		t->disabled = sqlite3_column_int(s, 2) != 0;
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}

/* Admins that can log in, other than the one with id except. */
static int other_admins(ecc_store *st, int64_t except)
{
	sqlite3_stmt *s = ecc_store_stmt(st, "SELECT count(*) FROM users WHERE role = 'admin'"
	                                     " AND disabled = 0 AND id != ?");
	int n = 0;

	if (!s)
		return 0;
	sqlite3_bind_int64(s, 1, except);
	if (ecc_store_step(st, s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

static void audit(ecc_store *st, const char *actor, const char *action, const char *target,
                  const char *result, const char *ip, const char *detail)
{
	struct ecc_audit_entry e = {.actor = actor,
	                            .action = action,
	                            .target = target,
	                            .result = result,
	                            .ip = ip,
	                            .detail = detail};

	if (ecc_audit_append(st, &e, NULL) != ECC_OK)
		g_warning("audit of %s for %s could not be written", action, target);
}

/* Checks a change that takes admin rights away from target (lock, demote). */
static int guard(ecc_store *st, const struct target *t, const char *username, const char *actor,
                 const char *action, const char *ip, char why[ECC_WHY_LEN])
{
	if (!strcmp(username, actor))
		g_strlcpy(why, "an admin cannot lock or demote the own account", ECC_WHY_LEN);
	else if (t->role == ECC_ROLE_ADMIN && !t->disabled && other_admins(st, t->id) == 0)
		g_strlcpy(why, "the last admin cannot be locked or demoted", ECC_WHY_LEN);
	else
		return ECC_OK;
	audit(st, actor, action, username, "denied", ip, NULL);
	return ECC_ERR_EXISTS;
}

/* The write, its audit row and the end of the user's sessions, in one
 * transaction; then the WebSocket hears of it. */
static int apply(struct ecc_hub *hub, const char *sql, const char *arg, int64_t id,
                 const char *username, const char *actor, const char *action, const char *ip,
                 const char *detail)
{
	ecc_store *st = hub->store;
	sqlite3_stmt *s;
	int rc;

	if (ecc_store_begin(st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(st, sql);
	if (!s) {
		ecc_store_rollback(st);
		return ECC_ERR_DB;
	}
	if (arg)
		ecc_store_bind_text(s, 1, arg);
	sqlite3_bind_int64(s, arg ? 2 : 1, id);
	rc = ecc_store_run(st, s);
	if (rc == ECC_OK && strcmp(action, "user.unlock") != 0) {
		s = ecc_store_stmt(st, "DELETE FROM sessions WHERE user_id = ?");
		if (s)
			sqlite3_bind_int64(s, 1, id);
		rc = s ? ecc_store_run(st, s) : ECC_ERR_DB;
	}
	if (rc != ECC_OK) {
		ecc_store_rollback(st);
		return rc;
	}
	audit(st, actor, action, username, "ok", ip, detail);
	rc = ecc_store_commit(st);
	if (rc == ECC_OK) {
		g_message("user=%s: %s by %s", username, action, actor);
		/* Its sessions ended: close its WebSockets too (an unlock leaves
		 * a session that outlived a lockout alone). */
		if (strcmp(action, "user.unlock") != 0)
			ecc_events_emit(hub->events, ECC_EV_USER, username);
	}
	return rc;
}

int ecc_useradmin_lock(struct ecc_hub *hub, const char *username, bool locked, const char *actor,
                       const char *ip, char why[ECC_WHY_LEN])
{
	const char *action = locked ? "user.lock" : "user.unlock";
	struct target t;
	int rc = load(hub->store, username, &t);

	if (rc != ECC_OK)
		return rc;
	if (locked && (rc = guard(hub->store, &t, username, actor, action, ip, why)) != ECC_OK)
		return rc;
	return apply(hub,
	             locked ? "UPDATE users SET disabled = 1 WHERE id = ?"
	                    : "UPDATE users SET disabled = 0, failed_logins = 0, locked_until = 0"
	                      " WHERE id = ?",
	             NULL, t.id, username, actor, action, ip, NULL);
}

int ecc_useradmin_set_role(struct ecc_hub *hub, const char *username, enum ecc_role role,
                           const char *actor, const char *ip, char why[ECC_WHY_LEN])
{
	struct target t;
	char *detail;
	int rc = load(hub->store, username, &t);

	if (rc != ECC_OK)
		return rc;
	if ((unsigned)role >= ECC_ROLE__COUNT) {
		g_strlcpy(why, "unknown role", ECC_WHY_LEN);
		return ECC_ERR_INVAL;
	}
	if (role == t.role)
		return ECC_OK;
	if (t.role == ECC_ROLE_ADMIN &&
	    (rc = guard(hub->store, &t, username, actor, "user.role", ip, why)) != ECC_OK)
		return rc;
	detail = g_strdup_printf("{\"from\":\"%s\",\"to\":\"%s\"}", ecc_role_name(t.role),
	                         ecc_role_name(role));
	rc = apply(hub, "UPDATE users SET role = ? WHERE id = ?", ecc_role_name(role), t.id,
	           username, actor, "user.role", ip, detail);
	g_free(detail);
	return rc;
}

int ecc_useradmin_set_unit(struct ecc_hub *hub, const char *username, const char *unit,
                           const char *actor, const char *ip, char why[ECC_WHY_LEN])
{
	struct target t;
	char *detail;
	int rc = load(hub->store, username, &t);

	if (rc != ECC_OK)
		return rc;
	if (unit && !ecc_units_lookup(hub->units, unit)) {
		g_strlcpy(why, "no such unit", ECC_WHY_LEN);
		return ECC_ERR_NOTFOUND;
	}
	detail = unit ? g_strdup_printf("{\"unit\":\"%s\"}", unit) : g_strdup("{\"unit\":null}");
	rc = unit ? apply(hub, "UPDATE users SET unit_id = ? WHERE id = ?", unit, t.id, username,
	                  actor, "user.unit", ip, detail)
	          : apply(hub, "UPDATE users SET unit_id = NULL WHERE id = ?", NULL, t.id, username,
	                  actor, "user.unit", ip, detail);
	g_free(detail);
	return rc;
}
