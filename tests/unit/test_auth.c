/* Specifications of auth: argon2id passwords, session tokens kept only as
 * their SHA-256, idle expiry, lockout after failed logins, the password
 * policy, and the audit rows each of these leaves (GB/T 22239 level 3). */
#include "auth.h"
#include "audit.h"
#include "config.h"
#include "store.h"
#include "ecc_err.h"
#include "testutil.h"

#include <glib.h>
#include <sodium.h>
#include <string.h>

#define GOOD_PW  "Court-Enforce-2024"
#define OTHER_PW "Another-Secret-99"

struct fx {
	char *dir;
	char *path;
	ecc_store *st;
	struct ecc_config cfg;
	ecc_auth *a;
};

static void fx_setup(struct fx *f, gconstpointer data)
{
	(void)data;
	g_assert_cmpint(sodium_init(), >=, 0);
	f->dir = ecc_test_tmpdir();
	f->path = g_build_filename(f->dir, "ecc.db", NULL);
	g_assert_cmpint(ecc_store_open(f->path, &f->st), ==, ECC_OK);
	ecc_config_init(&f->cfg);
	f->a = ecc_auth_new(f->st, &f->cfg);
}

static void fx_teardown(struct fx *f, gconstpointer data)
{
	(void)data;
	ecc_auth_free(f->a);
	ecc_store_close(f->st);
	ecc_config_clear(&f->cfg);
	ecc_test_rmtree(f->dir);
	g_free(f->path);
	g_free(f->dir);
}

static int64_t add_user(struct fx *f, const char *name, enum ecc_role role, const char *pw)
{
	char why[ECC_WHY_LEN] = "";
	int64_t id = 0;
	int rc =
	    ecc_auth_user_add(f->a, name, role, pw, "显示名", "A", "admin", "10.0.0.1", why, &id);

	if (rc != ECC_OK)
		g_error("adding %s: %s (%s)", name, ecc_strerror(rc), why);
	g_assert_cmpint(id, >, 0);
	return id;
}

static int64_t count(struct fx *f, const char *sql, const char *arg)
{
	sqlite3_stmt *s;
	int64_t n;

	g_assert_cmpint(sqlite3_prepare_v2(ecc_store_db(f->st), sql, -1, &s, NULL), ==, SQLITE_OK);
	if (arg)
		sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
	g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static int64_t audit_rows(struct fx *f, const char *action, const char *target)
{
	sqlite3_stmt *s;
	int64_t n;

	g_assert_cmpint(sqlite3_prepare_v2(ecc_store_db(f->st),
	                                   "SELECT COUNT(*) FROM audit WHERE action = ?"
	                                   " AND target = ?",
	                                   -1, &s, NULL),
	                ==, SQLITE_OK);
	sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, target, -1, SQLITE_STATIC);
	g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void login_ok(struct fx *f, const char *name, const char *pw,
                     char token[ECC_TOKEN_CHARS + 1])
{
	struct ecc_user u;
	int rc = ecc_auth_login(f->a, name, pw, "10.0.0.2", token, &u);

	g_assert_cmpint(rc, ==, ECC_OK);
	g_assert_cmpstr(u.username, ==, name);
}

/* True when the bytes of needle appear anywhere in the file. */
static bool file_contains(const char *path, const char *needle)
{
	char *data = NULL;
	gsize n = 0;
	bool found;

	if (!g_file_get_contents(path, &data, &n, NULL))
		return false;
	found = memmem(data, n, needle, strlen(needle)) != NULL;
	g_free(data);
	return found;
}

/* ---- passwords ----------------------------------------------------------- */

static void test_password_hash(struct fx *f, gconstpointer data)
{
	sqlite3_stmt *s;
	const char *hash;

	(void)data;
	add_user(f, "zhang", ECC_ROLE_OFFICER, GOOD_PW);
	g_assert_cmpint(sqlite3_prepare_v2(ecc_store_db(f->st),
	                                   "SELECT pw_hash FROM users WHERE username = 'zhang'", -1,
	                                   &s, NULL),
	                ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
	hash = (const char *)sqlite3_column_text(s, 0);
	g_assert_true(g_str_has_prefix(hash, "$argon2id$"));
	g_assert_null(strstr(hash, GOOD_PW));
	g_assert_cmpint(crypto_pwhash_str_verify(hash, GOOD_PW, strlen(GOOD_PW)), ==, 0);
	sqlite3_finalize(s);
	g_assert_cmpint(ecc_auth_verify(f->a, "zhang", GOOD_PW, NULL), ==, ECC_OK);
	g_assert_cmpint(ecc_auth_verify(f->a, "zhang", OTHER_PW, NULL), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "zhang", "court-enforce-2024", NULL), ==,
	                ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "zhang", "", NULL), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "nobody", GOOD_PW, NULL), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, NULL, GOOD_PW, NULL), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "zhang", NULL, NULL), ==, ECC_ERR_AUTH);
	/* the same password twice gets two different salts */
	add_user(f, "li", ECC_ROLE_OFFICER, GOOD_PW);
	g_assert_cmpint(count(f, "SELECT COUNT(DISTINCT pw_hash) FROM users", NULL), ==, 2);
}

static void test_policy(struct fx *f, gconstpointer data)
{
	static const struct {
		const char *pw, *why;
	} bad[] = {
	    {"Ab1!", "10 to 512 characters"},
	    {"Ab1!efghi", "10 to 512 characters"},
	    {"abcdefghijkl", "mix 3 of"},
	    {"abcdefghij12", "mix 3 of"},
	    {"ABCDEFGH!!!!", "mix 3 of"},
	    {"Xx1-wangwu-Yy", "user name"},
	    {"\xff\xfe"
	     "Abcdefgh1!",
	     "UTF-8"},
	};
	char why[ECC_WHY_LEN];
	char *long_pw = ecc_test_repeat("Aa1!", 129); /* 516 bytes */
	int64_t id;

	(void)data;
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		why[0] = '\0';
		g_test_message("password %s", bad[i].pw);
		g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", bad[i].pw, why), ==,
		                ECC_ERR_POLICY);
		g_test_message("why: %s", why);
		g_assert_nonnull(strstr(why, bad[i].why));
		/* adding a user with it is refused the same way, and adds no row */
		g_assert_cmpint(ecc_auth_user_add(f->a, "wangwu", ECC_ROLE_DUTY, bad[i].pw, NULL,
		                                  NULL, "admin", NULL, why, &id),
		                ==, ECC_ERR_POLICY);
	}
	g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", long_pw, why), ==, ECC_ERR_POLICY);
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM users", NULL), ==, 0);
	/* characters, not bytes, count toward the length */
	g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", "法院执行1Aa!", why), ==,
	                ECC_ERR_POLICY);
	g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", "法院执行指挥中心1Aa", why), ==,
	                ECC_OK);
	g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", GOOD_PW, why), ==, ECC_OK);
	g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", "abcdefgh12!!", why), ==, ECC_OK);
	/* the policy follows the configuration */
	f->cfg.password_min_length = 20;
	f->cfg.password_min_classes = 4;
	g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", GOOD_PW, why), ==, ECC_ERR_POLICY);
	g_assert_nonnull(strstr(why, "20 to 512"));
	g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", "abcdefghij-abcdefghij12", why), ==,
	                ECC_ERR_POLICY);
	g_assert_nonnull(strstr(why, "mix 4 of"));
	g_assert_cmpint(ecc_auth_check_policy(f->a, "wangwu", "Court-Enforce-2024xy", why), ==,
	                ECC_OK);
	g_free(long_pw);
}

static void test_usernames(struct fx *f, gconstpointer data)
{
	static const char *const bad[] = {"",     "a b", "a/b", "..", "zhang@court",
	                                  "张三", "a+b", "x#"};
	char why[ECC_WHY_LEN];
	char *n64 = ecc_test_repeat("n", 64), *n65 = ecc_test_repeat("n", 65);

	(void)data;
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_test_message("user name '%s'", bad[i]);
		g_assert_cmpint(ecc_auth_user_add(f->a, bad[i], ECC_ROLE_GUEST, GOOD_PW, NULL, NULL,
		                                  "admin", NULL, why, NULL),
		                ==, ECC_ERR_INVAL);
		g_assert_nonnull(strstr(why, "user name"));
	}
	g_assert_cmpint(ecc_auth_user_add(f->a, NULL, ECC_ROLE_GUEST, GOOD_PW, NULL, NULL, "admin",
	                                  NULL, why, NULL),
	                ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_auth_user_add(f->a, n65, ECC_ROLE_GUEST, GOOD_PW, NULL, NULL, "admin",
	                                  NULL, why, NULL),
	                ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_auth_user_add(f->a, "ok", ECC_ROLE__COUNT, GOOD_PW, NULL, NULL, "admin",
	                                  NULL, why, NULL),
	                ==, ECC_ERR_INVAL);
	add_user(f, n64, ECC_ROLE_GUEST, GOOD_PW);
	add_user(f, "judge.wang_1-a", ECC_ROLE_JUDGE, GOOD_PW);
	/* unique */
	g_assert_cmpint(ecc_auth_user_add(f->a, "judge.wang_1-a", ECC_ROLE_DUTY, OTHER_PW, NULL,
	                                  NULL, "admin", NULL, why, NULL),
	                ==, ECC_ERR_EXISTS);
	g_assert_nonnull(strstr(why, "taken"));
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM users", NULL), ==, 2);
	g_free(n64);
	g_free(n65);
}

static void test_user_get_and_roles(struct fx *f, gconstpointer data)
{
	struct ecc_user u;
	enum ecc_role r;

	(void)data;
	add_user(f, "chen", ECC_ROLE_COMMANDER, GOOD_PW);
	g_assert_cmpint(ecc_auth_user_get(f->a, "chen", &u), ==, ECC_OK);
	g_assert_cmpstr(u.username, ==, "chen");
	g_assert_cmpstr(u.display_name, ==, "显示名");
	g_assert_cmpstr(u.team, ==, "A");
	g_assert_cmpint(u.role, ==, ECC_ROLE_COMMANDER);
	g_assert_cmpint(ecc_auth_user_get(f->a, "nobody", &u), ==, ECC_ERR_NOTFOUND);
	for (int i = 0; i < ECC_ROLE__COUNT; i++) {
		g_assert_cmpint(ecc_role_parse(ecc_role_name((enum ecc_role)i), &r), ==, ECC_OK);
		g_assert_cmpint(r, ==, i);
	}
	g_assert_cmpint(ecc_role_parse("root", &r), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_role_parse(NULL, &r), ==, ECC_ERR_INVAL);
	g_assert_cmpstr(ecc_role_name(ECC_ROLE__COUNT), ==, "unknown");
}

/* ---- sessions ------------------------------------------------------------ */

static void test_login_token(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1], token2[ECC_TOKEN_CHARS + 1];
	struct ecc_user u;

	(void)data;
	add_user(f, "zhao", ECC_ROLE_DUTY, GOOD_PW);
	login_ok(f, "zhao", GOOD_PW, token);
	g_assert_cmpuint(strlen(token), ==, 43);
	for (const char *p = token; *p; p++)
		g_assert_true(g_ascii_isalnum(*p) || *p == '-' || *p == '_'); /* base64url */
	g_assert_cmpint(ecc_auth_session(f->a, token, true, &u), ==, ECC_OK);
	g_assert_cmpstr(u.username, ==, "zhao");
	g_assert_cmpint(u.role, ==, ECC_ROLE_DUTY);
	/* a second login is a second session with another token */
	login_ok(f, "zhao", GOOD_PW, token2);
	g_assert_cmpstr(token, !=, token2);
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM sessions", NULL), ==, 2);
	g_assert_cmpint(ecc_auth_login(f->a, "zhao", OTHER_PW, NULL, token, &u), ==, ECC_ERR_AUTH);
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM sessions", NULL), ==, 2);
}

static void test_token_only_hashed(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1];
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	char *wal;
	sqlite3_stmt *s;

	(void)data;
	add_user(f, "zhao", ECC_ROLE_DUTY, GOOD_PW);
	login_ok(f, "zhao", GOOD_PW, token);
	crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", hex), ==, 1);
	/* no column of any session row holds the token */
	g_assert_cmpint(
	    sqlite3_prepare_v2(ecc_store_db(f->st), "SELECT * FROM sessions", -1, &s, NULL), ==,
	    SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		for (int c = 0; c < sqlite3_column_count(s); c++) {
			const char *v = (const char *)sqlite3_column_text(s, c);
			g_assert_true(!v || !strstr(v, token));
		}
	sqlite3_finalize(s);
	/* nor any byte of the database files */
	wal = g_strconcat(f->path, "-wal", NULL);
	g_assert_false(file_contains(f->path, token));
	g_assert_false(file_contains(wal, token));
	g_assert_true(file_contains(f->path, hex) || file_contains(wal, hex));
	g_free(wal);
}

static void test_bad_tokens(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1], fake[ECC_TOKEN_CHARS + 1];
	unsigned char raw[32];
	struct ecc_user u;
	char *hash_as_token;

	(void)data;
	add_user(f, "zhao", ECC_ROLE_DUTY, GOOD_PW);
	login_ok(f, "zhao", GOOD_PW, token);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(fake, sizeof(fake), raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	g_assert_cmpint(ecc_auth_session(f->a, fake, true, &u), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_session(f->a, NULL, true, &u), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_session(f->a, "", true, &u), ==, ECC_ERR_AUTH);
	/* a prefix or an extension of the real token */
	hash_as_token = g_strndup(token, ECC_TOKEN_CHARS - 1);
	g_assert_cmpint(ecc_auth_session(f->a, hash_as_token, true, &u), ==, ECC_ERR_AUTH);
	g_free(hash_as_token);
	hash_as_token = g_strconcat(token, "A", NULL);
	g_assert_cmpint(ecc_auth_session(f->a, hash_as_token, true, &u), ==, ECC_ERR_AUTH);
	g_free(hash_as_token);
	/* what the table holds is not a token either (stolen database) */
	{
		sqlite3_stmt *s;
		g_assert_cmpint(sqlite3_prepare_v2(ecc_store_db(f->st),
		                                   "SELECT token_hash FROM sessions", -1, &s, NULL),
		                ==, SQLITE_OK);
		g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
		hash_as_token = g_strndup((const char *)sqlite3_column_text(s, 0), ECC_TOKEN_CHARS);
		sqlite3_finalize(s);
		g_assert_cmpint(ecc_auth_session(f->a, hash_as_token, true, &u), ==, ECC_ERR_AUTH);
		g_free(hash_as_token);
	}
	g_assert_cmpint(ecc_auth_session(f->a, token, true, &u), ==, ECC_OK);
}

static void test_logout(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1], other[ECC_TOKEN_CHARS + 1];
	struct ecc_user u;

	(void)data;
	add_user(f, "zhao", ECC_ROLE_DUTY, GOOD_PW);
	login_ok(f, "zhao", GOOD_PW, token);
	login_ok(f, "zhao", GOOD_PW, other);
	g_assert_cmpint(ecc_auth_logout(f->a, token, "10.0.0.2"), ==, ECC_OK);
	g_assert_cmpint(ecc_auth_session(f->a, token, true, &u), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_logout(f->a, token, "10.0.0.2"), ==, ECC_ERR_AUTH);
	/* only that session ended */
	g_assert_cmpint(ecc_auth_session(f->a, other, true, &u), ==, ECC_OK);
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM sessions", NULL), ==, 1);
	g_assert_cmpint(audit_rows(f, "logout", "zhao"), ==, 1);
}

static void test_idle_expiry(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1];
	struct ecc_user u;

	(void)data;
	/* below ecc_config_load's minimum, to keep the test short */
	f->cfg.idle_timeout = 1;
	add_user(f, "zhao", ECC_ROLE_DUTY, GOOD_PW);
	login_ok(f, "zhao", GOOD_PW, token);
	g_assert_cmpint(ecc_auth_session(f->a, token, false, &u), ==, ECC_OK);
	g_usleep(1300 * 1000);
	g_assert_cmpint(ecc_auth_session(f->a, token, true, &u), ==, ECC_ERR_AUTH);
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM sessions", NULL), ==, 0);
	g_assert_cmpint(audit_rows(f, "session_expired", "zhao"), ==, 1);
	/* and it stays ended */
	g_assert_cmpint(ecc_auth_session(f->a, token, true, &u), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_logout(f->a, token, NULL), ==, ECC_ERR_AUTH);
}

static void test_activity_keeps_alive(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1];
	struct ecc_user u;

	(void)data;
	/* A user active every 0.5 s is never idle for 2 s: the session must
	 * last as long as the activity does (the same holds for the real
	 * minimum, idle_timeout = 10, with activity every few seconds). */
	f->cfg.idle_timeout = 2;
	add_user(f, "zhao", ECC_ROLE_DUTY, GOOD_PW);
	login_ok(f, "zhao", GOOD_PW, token);
	for (int i = 0; i < 8; i++) {
		g_usleep(500 * 1000);
		g_test_message("after %.1f s", (i + 1) * 0.5);
		g_assert_cmpint(ecc_auth_session(f->a, token, true, &u), ==, ECC_OK);
	}
	/* a look without touch does not count as activity */
	g_usleep(2300 * 1000);
	g_assert_cmpint(ecc_auth_session(f->a, token, false, &u), ==, ECC_ERR_AUTH);
}

/* ---- lockout ------------------------------------------------------------- */

static void test_lockout(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1];
	struct ecc_user u;

	(void)data;
	f->cfg.lockout_attempts = 3;
	f->cfg.lockout_seconds = 1;
	add_user(f, "sun", ECC_ROLE_OFFICER, GOOD_PW);
	g_assert_cmpint(ecc_auth_login(f->a, "sun", OTHER_PW, "10.0.0.9", token, &u), ==,
	                ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_login(f->a, "sun", OTHER_PW, "10.0.0.9", token, &u), ==,
	                ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_login(f->a, "sun", OTHER_PW, "10.0.0.9", token, &u), ==,
	                ECC_ERR_LOCKED);
	/* even the right password is refused now, and opens no session */
	g_assert_cmpint(ecc_auth_login(f->a, "sun", GOOD_PW, "10.0.0.9", token, &u), ==,
	                ECC_ERR_LOCKED);
	g_assert_cmpint(ecc_auth_verify(f->a, "sun", GOOD_PW, NULL), ==, ECC_ERR_LOCKED);
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM sessions", NULL), ==, 0);
	/* after lockout_seconds the right password works again */
	g_usleep(1200 * 1000);
	login_ok(f, "sun", GOOD_PW, token);
	/* and the count started over: two more failures do not lock */
	g_assert_cmpint(ecc_auth_verify(f->a, "sun", OTHER_PW, NULL), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "sun", OTHER_PW, NULL), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "sun", GOOD_PW, NULL), ==, ECC_OK);
}

static void test_success_resets_count(struct fx *f, gconstpointer data)
{
	(void)data;
	f->cfg.lockout_attempts = 3;
	add_user(f, "sun", ECC_ROLE_OFFICER, GOOD_PW);
	for (int round = 0; round < 3; round++) {
		g_assert_cmpint(ecc_auth_verify(f->a, "sun", OTHER_PW, NULL), ==, ECC_ERR_AUTH);
		g_assert_cmpint(ecc_auth_verify(f->a, "sun", OTHER_PW, NULL), ==, ECC_ERR_AUTH);
		g_assert_cmpint(ecc_auth_verify(f->a, "sun", GOOD_PW, NULL), ==, ECC_OK);
	}
}

static void test_unlock(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1];

	(void)data;
	f->cfg.lockout_attempts = 2;
	f->cfg.lockout_seconds = 3600;
	add_user(f, "sun", ECC_ROLE_OFFICER, GOOD_PW);
	g_assert_cmpint(ecc_auth_verify(f->a, "sun", OTHER_PW, NULL), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "sun", OTHER_PW, NULL), ==, ECC_ERR_LOCKED);
	g_assert_cmpint(ecc_auth_verify(f->a, "sun", GOOD_PW, NULL), ==, ECC_ERR_LOCKED);
	g_assert_cmpint(ecc_auth_unlock(f->a, "sun", "admin", "10.0.0.1"), ==, ECC_OK);
	login_ok(f, "sun", GOOD_PW, token);
	g_assert_cmpint(audit_rows(f, "user.unlock", "sun"), ==, 1);
	g_assert_cmpint(ecc_auth_unlock(f->a, "nobody", "admin", NULL), ==, ECC_ERR_NOTFOUND);
}

static void test_set_password(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1], why[ECC_WHY_LEN];
	struct ecc_user u;

	(void)data;
	add_user(f, "qian", ECC_ROLE_COMMANDER, GOOD_PW);
	login_ok(f, "qian", GOOD_PW, token);
	g_assert_cmpint(ecc_auth_set_password(f->a, "qian", "short", "admin", NULL, why), ==,
	                ECC_ERR_POLICY);
	g_assert_cmpint(ecc_auth_session(f->a, token, true, &u), ==, ECC_OK);
	g_assert_cmpint(ecc_auth_set_password(f->a, "qian", OTHER_PW, "admin", NULL, why), ==,
	                ECC_OK);
	/* the sessions opened with the old password end */
	g_assert_cmpint(ecc_auth_session(f->a, token, true, &u), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "qian", GOOD_PW, NULL), ==, ECC_ERR_AUTH);
	g_assert_cmpint(ecc_auth_verify(f->a, "qian", OTHER_PW, NULL), ==, ECC_OK);
	g_assert_cmpint(audit_rows(f, "user.password", "qian"), ==, 1);
	g_assert_cmpint(ecc_auth_set_password(f->a, "nobody", OTHER_PW, "admin", NULL, why), ==,
	                ECC_ERR_NOTFOUND);
}

/* ---- bootstrap and audit ------------------------------------------------- */

static void test_bootstrap_once(struct fx *f, gconstpointer data)
{
	char pw[64], pw2[64] = "", token[ECC_TOKEN_CHARS + 1], why[ECC_WHY_LEN];
	bool created = false;
	struct ecc_user u;

	(void)data;
	g_assert_cmpint(ecc_auth_bootstrap(f->a, pw, 16, &created), ==, ECC_ERR_INVAL);
	g_assert_false(created);
	g_assert_cmpint(ecc_auth_bootstrap(f->a, pw, sizeof(pw), &created), ==, ECC_OK);
	g_assert_true(created);
	g_assert_cmpint(ecc_auth_check_policy(f->a, "admin", pw, why), ==, ECC_OK);
	g_assert_cmpint(ecc_auth_user_get(f->a, "admin", &u), ==, ECC_OK);
	g_assert_cmpint(u.role, ==, ECC_ROLE_ADMIN);
	login_ok(f, "admin", pw, token);
	g_assert_cmpint(ecc_auth_bootstrap(f->a, pw2, sizeof(pw2), &created), ==, ECC_OK);
	g_assert_false(created);
	g_assert_cmpstr(pw2, ==, "");
	g_assert_cmpint(count(f, "SELECT COUNT(*) FROM users", NULL), ==, 1);
	g_assert_cmpint(audit_rows(f, "user.add", "admin"), ==, 1);
}

static void test_audit_rows(struct fx *f, gconstpointer data)
{
	char token[ECC_TOKEN_CHARS + 1];
	struct ecc_user u;
	int64_t bad = -1, rows = 0;

	(void)data;
	f->cfg.lockout_attempts = 2;
	f->cfg.lockout_seconds = 3600;
	add_user(f, "zhou", ECC_ROLE_JUDGE, GOOD_PW);
	g_assert_cmpint(audit_rows(f, "user.add", "zhou"), ==, 1);
	login_ok(f, "zhou", GOOD_PW, token);
	g_assert_cmpint(audit_rows(f, "login", "zhou"), ==, 1);
	g_assert_cmpint(ecc_auth_login(f->a, "zhou", OTHER_PW, "10.9.9.9", token, &u), ==,
	                ECC_ERR_AUTH);
	g_assert_cmpint(audit_rows(f, "login_failed", "zhou"), ==, 1);
	g_assert_cmpint(audit_rows(f, "lockout", "zhou"), ==, 0);
	g_assert_cmpint(ecc_auth_login(f->a, "zhou", OTHER_PW, "10.9.9.9", token, &u), ==,
	                ECC_ERR_LOCKED);
	g_assert_cmpint(audit_rows(f, "login_failed", "zhou"), ==, 2);
	g_assert_cmpint(audit_rows(f, "lockout", "zhou"), ==, 1);
	/* failures carry the result and the address they came from */
	g_assert_cmpint(count(f,
	                      "SELECT COUNT(*) FROM audit WHERE action = 'login_failed'"
	                      " AND result = 'denied' AND ip = ?",
	                      "10.9.9.9"),
	                ==, 2);
	/* unknown users are recorded too, and no password is ever written */
	g_assert_cmpint(ecc_auth_login(f->a, "ghost", OTHER_PW, "10.9.9.8", token, &u), ==,
	                ECC_ERR_AUTH);
	g_assert_cmpint(audit_rows(f, "login_failed", "ghost"), ==, 1);
	g_assert_cmpint(count(f,
	                      "SELECT COUNT(*) FROM audit WHERE detail LIKE ?1 OR target LIKE ?1",
	                      "%" OTHER_PW "%"),
	                ==, 0);
	g_assert_cmpint(ecc_audit_verify(f->st, &bad, &rows), ==, ECC_OK);
	g_assert_cmpint(bad, ==, 0);
	g_assert_cmpint(rows, ==, count(f, "SELECT COUNT(*) FROM audit", NULL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, struct fx, NULL, fx_setup, fn, fx_teardown)
	ADD("/auth/a stored password is an argon2id hash and only the right one verifies",
	    test_password_hash);
	ADD("/auth/the password policy refuses short, one-class or name-bearing passwords",
	    test_policy);
	ADD("/auth/user names are 1-64 of [A-Za-z0-9_.-] and unique", test_usernames);
	ADD("/auth/a user reads back with its role, and roles parse by name",
	    test_user_get_and_roles);
	ADD("/auth/login gives a 43-character token that resolves to the user", test_login_token);
	ADD("/auth/the database keeps only the SHA-256 of a token, never the token",
	    test_token_only_hashed);
	ADD("/auth/a random, cut, extended or stolen-hash token is refused", test_bad_tokens);
	ADD("/auth/logout ends that session only", test_logout);
	ADD("/auth/a session idle longer than idle_timeout ends and its row is gone",
	    test_idle_expiry);
	ADD("/auth/activity within idle_timeout keeps a session alive", test_activity_keeps_alive);
	ADD("/auth/lockout_attempts failures lock even the right password for lockout_seconds",
	    test_lockout);
	ADD("/auth/a successful login resets the count of failures", test_success_resets_count);
	ADD("/auth/unlock clears a lockout", test_unlock);
	ADD("/auth/a new password ends the user's sessions", test_set_password);
	ADD("/auth/bootstrap creates admin exactly once", test_bootstrap_once);
	ADD("/auth/logins, failures and lockouts are written to the audit log", test_audit_rows);
#undef ADD
	return g_test_run();
}
