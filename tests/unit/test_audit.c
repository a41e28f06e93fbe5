/* Specifications of audit: the hash-chained, append-only log. SQL refuses
 * edits while the triggers stand; an attacker with the file who drops them
 * and edits or deletes rows is named by ecc_audit_verify. */
#include "audit.h"
#include "store.h"
#include "ecc_err.h"
#include "testutil.h"

#include <glib.h>
#include <sodium.h>
#include <string.h>

#define N_ROWS 10

struct fx {
	char *dir;
	char *path;
	ecc_store *st;
};

static void fx_setup(struct fx *f, gconstpointer data)
{
	(void)data;
	g_assert_cmpint(sodium_init(), >=, 0);
	f->dir = ecc_test_tmpdir();
	f->path = g_build_filename(f->dir, "ecc.db", NULL);
	g_assert_cmpint(ecc_store_open(f->path, &f->st), ==, ECC_OK);
}

static void fx_teardown(struct fx *f, gconstpointer data)
{
	(void)data;
	ecc_store_close(f->st);
	ecc_test_rmtree(f->dir);
	g_free(f->path);
	g_free(f->dir);
}

static void append_rows(struct fx *f, int n)
{
	for (int i = 0; i < n; i++) {
		char *target = g_strdup_printf("bc-%02d", i);
		struct ecc_audit_entry e = {
		    .actor = i % 3 ? "zhang" : NULL,
		    .action = i % 2 ? "unit.add" : "login",
		    .target = target,
		    .detail = i % 2 ? "{\"kind\":\"bodycam\"}" : NULL,
		    .result = i == 4 ? "denied" : NULL,
		    .ip = i % 2 ? "10.0.0.7" : NULL,
		};
		int64_t id = 0;

		g_assert_cmpint(ecc_audit_append(f->st, &e, &id), ==, ECC_OK);
		g_assert_cmpint(id, >, 0);
		g_free(target);
	}
}

static int exec(struct fx *f, const char *sql)
{
	return sqlite3_exec(ecc_store_db(f->st), sql, NULL, NULL, NULL);
}

static void assert_verify(struct fx *f, int rc, int64_t first_bad)
{
	int64_t bad = -1, rows = -1;

	g_assert_cmpint(ecc_audit_verify(f->st, &bad, &rows), ==, rc);
	g_assert_cmpint(bad, ==, first_bad);
}

static void test_chain_verifies(struct fx *f, gconstpointer data)
{
	int64_t bad = -1, rows = -1;
	sqlite3_stmt *s;

	(void)data;
	g_assert_cmpint(ecc_audit_verify(f->st, &bad, &rows), ==, ECC_OK);
	g_assert_cmpint(rows, ==, 0);
	append_rows(f, N_ROWS);
	g_assert_cmpint(ecc_audit_verify(f->st, &bad, &rows), ==, ECC_OK);
	g_assert_cmpint(bad, ==, 0);
	g_assert_cmpint(rows, ==, N_ROWS);
	g_assert_cmpint(ecc_audit_verify(f->st, &bad, NULL), ==, ECC_OK);
	/* ids run 1..N, the first row links to the genesis hash, each next row
	 * to the hash of the one before, and absent fields have defaults */
	g_assert_cmpint(sqlite3_prepare_v2(ecc_store_db(f->st),
	                                   "SELECT id, prev_hash, hash, actor, result, target, ip"
	                                   " FROM audit ORDER BY id",
	                                   -1, &s, NULL),
	                ==, SQLITE_OK);
	{
		char prev[65] = ECC_AUDIT_GENESIS;
		for (int i = 1; i <= N_ROWS; i++) {
			g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
			g_assert_cmpint(sqlite3_column_int64(s, 0), ==, i);
			g_assert_cmpstr((const char *)sqlite3_column_text(s, 1), ==, prev);
			g_assert_cmpuint(strlen((const char *)sqlite3_column_text(s, 2)), ==, 64);
			g_strlcpy(prev, (const char *)sqlite3_column_text(s, 2), sizeof(prev));
			if ((i - 1) % 3 == 0)
				g_assert_cmpstr((const char *)sqlite3_column_text(s, 3), ==,
				                "system");
			g_assert_cmpstr((const char *)sqlite3_column_text(s, 4), ==,
			                i == 5 ? "denied" : "ok");
			if ((i - 1) % 2 == 0)
				g_assert_cmpstr((const char *)sqlite3_column_text(s, 6), ==, "");
		}
		g_assert_cmpint(sqlite3_step(s), ==, SQLITE_DONE);
	}
	sqlite3_finalize(s);
}

static void test_triggers_refuse(struct fx *f, gconstpointer data)
{
	sqlite3 *db = ecc_store_db(f->st);

	(void)data;
	append_rows(f, N_ROWS);
	g_assert_cmpint(exec(f, "UPDATE audit SET actor = 'x' WHERE id = 3"), ==,
	                SQLITE_CONSTRAINT);
	g_assert_nonnull(strstr(sqlite3_errmsg(db), "append-only"));
	g_assert_cmpint(exec(f, "DELETE FROM audit WHERE id = 3"), ==, SQLITE_CONSTRAINT);
	g_assert_nonnull(strstr(sqlite3_errmsg(db), "append-only"));
	g_assert_cmpint(exec(f, "DELETE FROM audit"), ==, SQLITE_CONSTRAINT);
	assert_verify(f, ECC_OK, 0);
}

static void test_edit_found(struct fx *f, gconstpointer data)
{
	(void)data;
	append_rows(f, N_ROWS);
	/* an attacker with the file: drop the trigger, edit a row */
	g_assert_cmpint(exec(f, "DROP TRIGGER audit_append_only_u"), ==, SQLITE_OK);
	g_assert_cmpint(exec(f, "UPDATE audit SET actor = 'x' WHERE id = 3"), ==, SQLITE_OK);
	assert_verify(f, ECC_ERR_INVAL, 3);
}

static void test_edits_of_each_field_found(struct fx *f, gconstpointer data)
{
	static const char *const edits[] = {
	    "UPDATE audit SET ts = ts + 1 WHERE id = 5",
	    "UPDATE audit SET action = 'logout' WHERE id = 5",
	    "UPDATE audit SET target = 'bc-99' WHERE id = 5",
	    "UPDATE audit SET detail = '{}' WHERE id = 5",
	    "UPDATE audit SET result = 'ok' WHERE id = 5",
	    "UPDATE audit SET ip = '10.0.0.8' WHERE id = 5",
	};

	(void)data;
	append_rows(f, N_ROWS);
	g_assert_cmpint(exec(f, "DROP TRIGGER audit_append_only_u"), ==, SQLITE_OK);
	for (size_t i = 0; i < G_N_ELEMENTS(edits); i++) {
		g_test_message("%s", edits[i]);
		g_assert_cmpint(exec(f, "SAVEPOINT edit"), ==, SQLITE_OK);
		g_assert_cmpint(exec(f, edits[i]), ==, SQLITE_OK);
		assert_verify(f, ECC_ERR_INVAL, 5);
		g_assert_cmpint(exec(f, "ROLLBACK TO edit"), ==, SQLITE_OK);
		g_assert_cmpint(exec(f, "RELEASE edit"), ==, SQLITE_OK);
		assert_verify(f, ECC_OK, 0);
	}
}

static void test_delete_found(struct fx *f, gconstpointer data)
{
	(void)data;
	append_rows(f, N_ROWS);
	g_assert_cmpint(exec(f, "DROP TRIGGER audit_append_only_d"), ==, SQLITE_OK);
	g_assert_cmpint(exec(f, "DELETE FROM audit WHERE id = 5"), ==, SQLITE_OK);
	assert_verify(f, ECC_ERR_INVAL, 6);
}

static void test_delete_first_found(struct fx *f, gconstpointer data)
{
	(void)data;
	append_rows(f, N_ROWS);
	g_assert_cmpint(exec(f, "DROP TRIGGER audit_append_only_d"), ==, SQLITE_OK);
	g_assert_cmpint(exec(f, "DELETE FROM audit WHERE id = 1"), ==, SQLITE_OK);
	assert_verify(f, ECC_ERR_INVAL, 2);
}

/* The row hash as audit.h describes it, computed independently: SHA-256 over
 * prev_hash, id, ts, actor, action, target, detail, result, ip, each followed
 * by 0x1f. */
static void recompute(sqlite3 *db, int64_t id, char hex[65])
{
	sqlite3_stmt *s;
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];
	const unsigned char sep = 0x1f;

	g_assert_cmpint(
	    sqlite3_prepare_v2(db,
	                       "SELECT prev_hash, id, ts, actor, action, target, detail,"
	                       " result, ip FROM audit WHERE id = ?",
	                       -1, &s, NULL),
	    ==, SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
	crypto_hash_sha256_init(&h);
	for (int c = 0; c < 9; c++) {
		const unsigned char *v = sqlite3_column_text(s, c);
		crypto_hash_sha256_update(&h, v, strlen((const char *)v));
		crypto_hash_sha256_update(&h, &sep, 1);
	}
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(hex, 65, d, sizeof(d));
	sqlite3_finalize(s);
}

static void test_recomputed_hash_found(struct fx *f, gconstpointer data)
{
	sqlite3 *db = ecc_store_db(f->st);
	char hex[65], *sql;

	(void)data;
	append_rows(f, N_ROWS);
	/* the recipe above is the one the log uses */
	recompute(db, 3, hex);
	sql = g_strdup_printf("SELECT COUNT(*) FROM audit WHERE id = 3 AND hash = '%s'", hex);
	{
		sqlite3_stmt *s;
		g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &s, NULL), ==, SQLITE_OK);
		g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
		g_assert_cmpint(sqlite3_column_int(s, 0), ==, 1);
		sqlite3_finalize(s);
	}
	g_free(sql);
	/* edit row 3 and give it a matching hash: the next row's link breaks */
	g_assert_cmpint(exec(f, "DROP TRIGGER audit_append_only_u"), ==, SQLITE_OK);
	g_assert_cmpint(exec(f, "UPDATE audit SET result = 'ok', actor = 'x' WHERE id = 3"), ==,
	                SQLITE_OK);
	recompute(db, 3, hex);
	sql = g_strdup_printf("UPDATE audit SET hash = '%s' WHERE id = 3", hex);
	g_assert_cmpint(exec(f, sql), ==, SQLITE_OK);
	g_free(sql);
	assert_verify(f, ECC_ERR_INVAL, 4);
}

static void test_appends_after_check(struct fx *f, gconstpointer data)
{
	struct ecc_audit_entry e = {.actor = "admin", .action = "user.add", .target = "li"};
	int64_t id = 0;

	(void)data;
	append_rows(f, 3);
	/* an append inside a caller's transaction goes with its rollback */
	g_assert_cmpint(ecc_store_begin(f->st, true), ==, ECC_OK);
	g_assert_cmpint(ecc_audit_append(f->st, &e, &id), ==, ECC_OK);
	g_assert_cmpint(id, ==, 4);
	ecc_store_rollback(f->st);
	assert_verify(f, ECC_OK, 0);
	/* the chain continues where it was, across a reopen */
	ecc_store_close(f->st);
	g_assert_cmpint(ecc_store_open(f->path, &f->st), ==, ECC_OK);
	g_assert_cmpint(ecc_audit_append(f->st, &e, &id), ==, ECC_OK);
	g_assert_cmpint(id, ==, 4);
	{
		int64_t bad = -1, rows = 0;
		g_assert_cmpint(ecc_audit_verify(f->st, &bad, &rows), ==, ECC_OK);
		g_assert_cmpint(rows, ==, 4);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, struct fx, NULL, fx_setup, fn, fx_teardown)
	ADD("/audit/an untouched chain of N rows verifies with rows == N", test_chain_verifies);
	ADD("/audit/the triggers refuse UPDATE and DELETE through SQL", test_triggers_refuse);
	ADD("/audit/an edited row is named by verify once the trigger is dropped", test_edit_found);
	ADD("/audit/an edit of any field of a row is found at that row",
	    test_edits_of_each_field_found);
	ADD("/audit/a deleted middle row is found at the row after the gap", test_delete_found);
	ADD("/audit/a deleted first row is found at the second", test_delete_first_found);
	ADD("/audit/an edited row with a recomputed hash breaks the next row's link",
	    test_recomputed_hash_found);
	ADD("/audit/a rolled back append leaves the chain whole and it continues after reopen",
	    test_appends_after_check);
#undef ADD
	return g_test_run();
}
