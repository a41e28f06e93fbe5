/* auth: argon2id passwords, hashed session tokens, lockout. */
#define G_LOG_DOMAIN "ecc-auth"

#include "auth.h"
#include "audit.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "ecc_topic.h"

#include <cjson/cJSON.h>
#include <glib.h>
#include <sodium.h>
#include <string.h>

/* A session's last_seen is written at most this often (ms), and at least
 * twice per idle_timeout so activity always keeps a session alive. */
#define TOUCH_WRITE_MS 15000

struct ecc_auth {
	ecc_store *st;
	const struct ecc_config *cfg;
};

static const char *const role_names[ECC_ROLE__COUNT] = {
    "admin", "commander", "duty", "officer", "judge", "guest",
};

const char *ecc_role_name(enum ecc_role r)
{
	return (unsigned)r < ECC_ROLE__COUNT ? role_names[r] : "unknown";
}

int ecc_role_parse(const char *name, enum ecc_role *out)
{
	for (int i = 0; name && i < ECC_ROLE__COUNT; i++) {
		if (!strcmp(name, role_names[i])) {
			*out = (enum ecc_role)i;
			return ECC_OK;
		}
	}
	return ECC_ERR_INVAL;
}

ecc_auth *ecc_auth_new(ecc_store *st, const struct ecc_config *cfg)
{
	ecc_auth *a = g_new0(ecc_auth, 1);

	a->st = st;
	a->cfg = cfg;
	return a;
}

void ecc_auth_free(ecc_auth *a)
{
	g_free(a);
}

static void audit(ecc_auth *a, const char *actor, const char *action, const char *target,
                  const char *result, const char *ip, const char *detail)
{
	struct ecc_audit_entry e = {
	    .actor = actor,
	    .action = action,
	    .target = target,
	    .result = result,
	    .ip = ip,
	    .detail = detail,
	};

	if (ecc_audit_append(a->st, &e, NULL) != ECC_OK)
		g_warning("audit of %s for %s could not be written", action, target);
}

/* ---- passwords ---------------------------------------------------------- */

int ecc_auth_check_policy(const ecc_auth *a, const char *username, const char *password,
                          char why[ECC_WHY_LEN])
{
	bool lower = false, upper = false, digit = false, other = false;
	glong chars;
	int classes;

	if (!password || !g_utf8_validate(password, -1, NULL)) {
		g_strlcpy(why, "password must be UTF-8 text", ECC_WHY_LEN);
		return ECC_ERR_POLICY;
	}
	chars = g_utf8_strlen(password, -1);
	if (chars < a->cfg->password_min_length || strlen(password) > 512) {
		g_snprintf(why, ECC_WHY_LEN, "password must have %d to 512 characters",
		           a->cfg->password_min_length);
		return ECC_ERR_POLICY;
	}
	for (const char *p = password; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (g_ascii_islower(c))
			lower = true;
		else if (g_ascii_isupper(c))
			upper = true;
		else if (g_ascii_isdigit(c))
			digit = true;
		else
			other = true;
	}
	classes = lower + upper + digit + other;
	if (classes < a->cfg->password_min_classes) {
		g_snprintf(why, ECC_WHY_LEN,
		           "password must mix %d of: lower case, upper case, digits, other signs",
		           a->cfg->password_min_classes);
		return ECC_ERR_POLICY;
	}
	if (username && *username && strstr(password, username)) {
		g_strlcpy(why, "password must not contain the user name", ECC_WHY_LEN);
		return ECC_ERR_POLICY;
	}
	return ECC_OK;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES])
{
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ECC_ERR_NOMEM;
	return ECC_OK;
}

/* Checks the policy, hashes, and opens a durable transaction for storing
 * the hash. ECC_OK (transaction open), ECC_ERR_POLICY, ECC_ERR_NOMEM,
 * ECC_ERR_DB. */
static int policy_hash(ecc_auth *a, const char *username, const char *password,
                       char why[ECC_WHY_LEN], char hash[crypto_pwhash_STRBYTES])
{
	int rc = ecc_auth_check_policy(a, username, password, why);

	if (rc != ECC_OK)
		return rc;
	if (hash_password(password, hash) != ECC_OK)
		return ECC_ERR_NOMEM;
	if (ecc_store_begin(a->st, true) != ECC_OK) {
		sodium_memzero(hash, crypto_pwhash_STRBYTES);
		return ECC_ERR_DB;
	}
	return ECC_OK;
}

/* ---- users -------------------------------------------------------------- */

static bool username_valid(const char *u)
{
	return ecc_id_valid(u) && strlen(u) <= ECC_NAME_MAX;
}

static void row_to_user(sqlite3_stmt *s, struct ecc_user *u)
{
	/* columns: id, username, display_name, role, team, unit_id */
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	g_strlcpy(u->username, ecc_store_column_text(s, 1), sizeof(u->username));
	g_strlcpy(u->display_name, ecc_store_column_text(s, 2), sizeof(u->display_name));
	if (ecc_role_parse(ecc_store_column_text(s, 3), &u->role) != ECC_OK)
		u->role = ECC_ROLE_GUEST;
	g_strlcpy(u->team, ecc_store_column_text(s, 4), sizeof(u->team));
	g_strlcpy(u->unit, ecc_store_column_text(s, 5), sizeof(u->unit));
}

int ecc_auth_user_get(ecc_auth *a, const char *username, struct ecc_user *out)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "SELECT id, username, display_name, role, team,"
	                                        " unit_id FROM users WHERE username = ?");
	int rc;

	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, username);
	rc = ecc_store_step(a->st, s);
	if (rc == SQLITE_ROW)
		row_to_user(s, out);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ECC_OK : rc == SQLITE_DONE ? ECC_ERR_NOTFOUND : ECC_ERR_DB;
}

int ecc_auth_user_add(ecc_auth *a, const char *username, enum ecc_role role, const char *password,
                      const char *display_name, const char *team, const char *actor, const char *ip,
                      char why[ECC_WHY_LEN], int64_t *id_out)
{
	char hash[crypto_pwhash_STRBYTES];
	gint64 now = ecc_now_ms();
	sqlite3_stmt *s;
	int rc;

	if (!username_valid(username)) {
		g_strlcpy(why, "user name must be 1-64 of [A-Za-z0-9_.-]", ECC_WHY_LEN);
		return ECC_ERR_INVAL;
	}
	if ((unsigned)role >= ECC_ROLE__COUNT) {
		g_strlcpy(why, "unknown role", ECC_WHY_LEN);
		return ECC_ERR_INVAL;
	}
	if ((display_name && strlen(display_name) > 2 * ECC_NAME_MAX) ||
	    (team && strlen(team) > ECC_NAME_MAX)) {
		g_strlcpy(why, "display name or team too long", ECC_WHY_LEN);
		return ECC_ERR_INVAL;
	}
	rc = policy_hash(a, username, password, why, hash);
	if (rc != ECC_OK)
		return rc;
	s = ecc_store_stmt(a->st, "INSERT INTO users(username, display_name, role, team, pw_hash,"
	                          " created_at, pw_changed_at) VALUES(?,?,?,?,?,?,?)");
	if (!s) {
		ecc_store_rollback(a->st);
		return ECC_ERR_DB;
	}
	ecc_store_bind_text(s, 1, username);
	ecc_store_bind_text(s, 2, display_name ? display_name : "");
	ecc_store_bind_text(s, 3, ecc_role_name(role));
	ecc_store_bind_text(s, 4, team ? team : "");
	ecc_store_bind_text(s, 5, hash);
	sqlite3_bind_int64(s, 6, now);
	sqlite3_bind_int64(s, 7, now);
	rc = ecc_store_run(a->st, s);
	sodium_memzero(hash, sizeof(hash));
	if (rc != ECC_OK) {
		ecc_store_rollback(a->st);
		if (rc == ECC_ERR_EXISTS)
			g_strlcpy(why, "user name already taken", ECC_WHY_LEN);
		return rc;
	}
	if (id_out)
		*id_out = sqlite3_last_insert_rowid(ecc_store_db(a->st));
	{
		char *detail = g_strdup_printf("{\"role\":\"%s\"}", ecc_role_name(role));
		audit(a, actor, "user.add", username, "ok", ip, detail);
		g_free(detail);
	}
	return ecc_store_commit(a->st);
}

static void end_sessions(ecc_auth *a, int64_t user_id)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "DELETE FROM sessions WHERE user_id = ?");

	if (s) {
		sqlite3_bind_int64(s, 1, user_id);
		ecc_store_run(a->st, s);
	}
}

int ecc_auth_set_password(ecc_auth *a, const char *username, const char *password,
                          const char *actor, const char *ip, char why[ECC_WHY_LEN])
{
	char hash[crypto_pwhash_STRBYTES];
	struct ecc_user u;
	sqlite3_stmt *s;
	int rc = ecc_auth_user_get(a, username, &u);

	if (rc != ECC_OK)
		return rc;
	rc = policy_hash(a, username, password, why, hash);
	if (rc != ECC_OK)
		return rc;
	s = ecc_store_stmt(a->st, "UPDATE users SET pw_hash = ?, pw_changed_at = ?,"
	                          " failed_logins = 0, locked_until = 0 WHERE id = ?");
	if (!s) {
		ecc_store_rollback(a->st);
		return ECC_ERR_DB;
	}
	ecc_store_bind_text(s, 1, hash);
	sqlite3_bind_int64(s, 2, ecc_now_ms());
	sqlite3_bind_int64(s, 3, u.id);
	rc = ecc_store_run(a->st, s);
	sodium_memzero(hash, sizeof(hash));
	if (rc != ECC_OK) {
		ecc_store_rollback(a->st);
		return rc;
	}
	end_sessions(a, u.id);
	audit(a, actor, "user.password", username, "ok", ip, NULL);
	return ecc_store_commit(a->st);
}

int ecc_auth_unlock(ecc_auth *a, const char *username, const char *actor, const char *ip)
{
	sqlite3_stmt *s;
	int rc;

	if (ecc_store_begin(a->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(a->st, "UPDATE users SET failed_logins = 0, locked_until = 0"
	                          " WHERE username = ?");
	if (!s) {
		ecc_store_rollback(a->st);
		return ECC_ERR_DB;
	}
	ecc_store_bind_text(s, 1, username);
	rc = ecc_store_run(a->st, s);
	if (rc == ECC_OK && sqlite3_changes(ecc_store_db(a->st)) == 0)
		rc = ECC_ERR_NOTFOUND;
	if (rc != ECC_OK) {
		ecc_store_rollback(a->st);
		return rc;
	}
	audit(a, actor, "user.unlock", username, "ok", ip, NULL);
	return ecc_store_commit(a->st);
}

/* ---- sessions ----------------------------------------------------------- */

void ecc_auth_token_hash(const char *token, char hex[ECC_TOKEN_HASH_HEX + 1])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, crypto_hash_sha256_BYTES * 2 + 1, d, sizeof(d));
}

void ecc_auth_token_new(char token[ECC_TOKEN_CHARS + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, ECC_TOKEN_CHARS + 1, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

/* Hashes something the size of a password so that unknown users cost the
 * same time as wrong passwords. */
static void burn_time(const char *password)
{
	static char dummy[crypto_pwhash_STRBYTES];

	if (!dummy[0])
		hash_password("not-a-real-password-Zz9!", dummy);
	if (crypto_pwhash_str_verify(dummy, password, strlen(password)) == 0)
		g_warning("the dummy password matched");
}

static int login_failed(ecc_auth *a, int64_t uid, int failed, const char *username, const char *ip)
{
	gint64 now = ecc_now_ms();
	bool lock = failed + 1 >= a->cfg->lockout_attempts;
	sqlite3_stmt *s = ecc_store_stmt(a->st, "UPDATE users SET failed_logins = ?,"
	                                        " locked_until = ? WHERE id = ?");

	if (!s || ecc_store_begin(a->st, true) != ECC_OK)
		return ECC_ERR_DB;
	sqlite3_bind_int(s, 1, lock ? 0 : failed + 1);
	sqlite3_bind_int64(s, 2, lock ? now + (gint64)a->cfg->lockout_seconds * 1000 : 0);
	sqlite3_bind_int64(s, 3, uid);
	ecc_store_run(a->st, s);
	audit(a, username, "login_failed", username, "denied", ip, NULL);
	if (lock) {
		char *d = g_strdup_printf("{\"seconds\":%d}", a->cfg->lockout_seconds);
		audit(a, "system", "lockout", username, "ok", ip, d);
		g_free(d);
		g_message("user=%s: locked for %d s after %d failed logins", username,
		          a->cfg->lockout_seconds, a->cfg->lockout_attempts);
	}
	ecc_store_commit(a->st);
	return lock ? ECC_ERR_LOCKED : ECC_ERR_AUTH;
}

/* Checks the password with lockout; on success resets the failure count. */
static int verify(ecc_auth *a, const char *username, const char *password, const char *ip,
                  struct ecc_user *user)
{
	char *pw_hash = NULL;
	gint64 now = ecc_now_ms(), locked_until = 0;
	int failed = 0, disabled = 0, rc;
	sqlite3_stmt *s;

	if (!username || !password || !username_valid(username) || strlen(password) > 512) {
		audit(a, "anonymous", "login_failed",
		      username && username_valid(username) ? username : "", "denied", ip, NULL);
		return ECC_ERR_AUTH;
	}
	s = ecc_store_stmt(a->st, "SELECT id, username, display_name, role, team, unit_id,"
	                          " pw_hash, failed_logins, locked_until, disabled"
	                          " FROM users WHERE username = ?");
	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, username);
	rc = ecc_store_step(a->st, s);
	if (rc == SQLITE_ROW) {
		row_to_user(s, user);
		pw_hash = g_strdup(ecc_store_column_text(s, 6));
		failed = sqlite3_column_int(s, 7);
		locked_until = sqlite3_column_int64(s, 8);
		disabled = sqlite3_column_int(s, 9);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		burn_time(password);
		audit(a, "anonymous", "login_failed", username, "denied", ip, NULL);
		return rc == SQLITE_DONE ? ECC_ERR_AUTH : ECC_ERR_DB;
	}
	if (locked_until > now) {
		g_free(pw_hash);
		audit(a, username, "login_locked", username, "denied", ip, NULL);
		return ECC_ERR_LOCKED;
	}
	if (crypto_pwhash_str_verify(pw_hash, password, strlen(password)) != 0) {
		g_free(pw_hash);
		return login_failed(a, user->id, failed, username, ip);
	}
	g_free(pw_hash);
	if (disabled) {
		/* told only to who knows the password: no one learns by guessing
		 * which accounts exist and are locked */
		audit(a, username, "login_disabled", username, "denied", ip, NULL);
		return ECC_ERR_FORBIDDEN;
	}
	if (failed > 0 || locked_until > 0) {
		s = ecc_store_stmt(a->st, "UPDATE users SET failed_logins = 0, locked_until = 0"
		                          " WHERE id = ?");
		if (s) {
			sqlite3_bind_int64(s, 1, user->id);
			ecc_store_run(a->st, s);
		}
	}
	return ECC_OK;
}

int ecc_auth_verify(ecc_auth *a, const char *username, const char *password, const char *ip)
{
	struct ecc_user u;

	return verify(a, username, password, ip, &u);
}

int ecc_auth_login(ecc_auth *a, const char *username, const char *password, const char *ip,
                   char token[ECC_TOKEN_CHARS + 1], struct ecc_user *user)
{
	char th[ECC_TOKEN_HASH_HEX + 1];
	gint64 now = ecc_now_ms();
	sqlite3_stmt *s;
	int rc = verify(a, username, password, ip, user);

	if (rc != ECC_OK)
		return rc;
	ecc_auth_token_new(token);
	ecc_auth_token_hash(token, th);
	if (ecc_store_begin(a->st, true) != ECC_OK)
		return ECC_ERR_DB;
	s = ecc_store_stmt(a->st, "INSERT INTO sessions(token_hash, user_id, created_at,"
	                          " last_seen, ip) VALUES(?,?,?,?,?)");
	if (!s) {
		ecc_store_rollback(a->st);
		return ECC_ERR_DB;
	}
	ecc_store_bind_text(s, 1, th);
	sqlite3_bind_int64(s, 2, user->id);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, now);
	ecc_store_bind_text(s, 5, ip ? ip : "");
	if (ecc_store_run(a->st, s) != ECC_OK) {
		ecc_store_rollback(a->st);
		return ECC_ERR_DB;
	}
	audit(a, username, "login", username, "ok", ip, NULL);
	return ecc_store_commit(a->st);
}

static void delete_session(ecc_auth *a, const char *th)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "DELETE FROM sessions WHERE token_hash = ?");

	if (s) {
		ecc_store_bind_text(s, 1, th);
		ecc_store_run(a->st, s);
	}
}

int ecc_auth_session(ecc_auth *a, const char *token, bool touch, struct ecc_user *user)
{
	char th[ECC_TOKEN_HASH_HEX + 1];
	gint64 now = ecc_now_ms(), last_seen;
	sqlite3_stmt *s;
	int rc;

	if (!token || strlen(token) != ECC_TOKEN_CHARS)
		return ECC_ERR_AUTH;
	ecc_auth_token_hash(token, th);
	s = ecc_store_stmt(a->st, "SELECT u.id, u.username, u.display_name, u.role, u.team,"
	                          " u.unit_id, s.last_seen, u.disabled FROM sessions s"
	                          " JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
	if (!s)
		return ECC_ERR_DB;
	ecc_store_bind_text(s, 1, th);
	rc = ecc_store_step(a->st, s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? ECC_ERR_AUTH : ECC_ERR_DB;
	}
	row_to_user(s, user);
	last_seen = sqlite3_column_int64(s, 6);
	rc = sqlite3_column_int(s, 7) ? ECC_ERR_AUTH : ECC_OK;
	sqlite3_reset(s);
	if (rc != ECC_OK || now - last_seen > (gint64)a->cfg->idle_timeout * 1000) {
		delete_session(a, th);
		if (rc == ECC_OK)
			audit(a, user->username, "session_expired", user->username, "ok", NULL,
			      NULL);
		return ECC_ERR_AUTH;
	}
	if (touch && now - last_seen > MIN(TOUCH_WRITE_MS, (gint64)a->cfg->idle_timeout * 500)) {

		s = ecc_store_stmt(a->st, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
		if (s) {
			sqlite3_bind_int64(s, 1, now);
			ecc_store_bind_text(s, 2, th);
			ecc_store_run(a->st, s);
		}
	}
	return ECC_OK;
}

int ecc_auth_logout(ecc_auth *a, const char *token, const char *ip)
{
	struct ecc_user u;
	char th[ECC_TOKEN_HASH_HEX + 1];

	if (ecc_auth_session(a, token, false, &u) != ECC_OK)
		return ECC_ERR_AUTH;
	ecc_auth_token_hash(token, th);
	delete_session(a, th);
	audit(a, u.username, "logout", u.username, "ok", ip, NULL);
	return ECC_OK;
}

int ecc_auth_bootstrap(ecc_auth *a, char *pw, size_t pw_size, bool *created)
{
	sqlite3_stmt *s = ecc_store_stmt(a->st, "SELECT COUNT(*) FROM users");
	char why[ECC_WHY_LEN];
	unsigned char raw[18];
	int64_t n;

	*created = false;
	if (!s || ecc_store_step(a->st, s) != SQLITE_ROW)
		return ECC_ERR_DB;
	n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (n > 0)
		return ECC_OK;
	if (pw_size < 32)
		return ECC_ERR_INVAL;
	/* 24 characters of base64url, then a fixed tail so every class is there. */
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(pw, pw_size, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	g_strlcat(pw, "aZ9!", pw_size);
	if (ecc_auth_user_add(a, "admin", ECC_ROLE_ADMIN, pw, "系统管理员", "", "system", NULL, why,
	                      NULL) != ECC_OK) {
		g_warning("could not create the first admin: %s", why);
		return ECC_ERR_DB;
	}
	*created = true;
	return ECC_OK;
}
