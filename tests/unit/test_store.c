/* Specifications of store: the hub's SQLite file is created and migrated to
 * the latest schema, an older file is migrated without losing rows, a newer
 * one is refused, and what was committed survives closing. */
#include "store.h"
#include "ecc_err.h"
#include "testutil.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static const char *const tables[] = {"users", "sessions", "units", "positions", "alerts", "audit"};

struct fx {
	char *dir;
	char *path;
};

static void fx_setup(struct fx *f, gconstpointer data)
{
	(void)data;
	f->dir = ecc_test_tmpdir();
	f->path = g_build_filename(f->dir, "ecc.db", NULL);
}

static void fx_teardown(struct fx *f, gconstpointer data)
{
	(void)data;
	ecc_test_rmtree(f->dir);
	g_free(f->path);
	g_free(f->dir);
}

static char *query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	char *v;

	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &s, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
	v = g_strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

static bool has_column(sqlite3 *db, const char *table, const char *column)
{
	char *sql = g_strdup_printf(
	    "SELECT COUNT(*) FROM pragma_table_info('%s') WHERE name = '%s'", table, column);
	bool yes = ecc_test_query_int(db, sql) == 1;

	g_free(sql);
	return yes;
}

static bool has_object(sqlite3 *db, const char *type, const char *name)
{
	char *sql = g_strdup_printf(
	    "SELECT COUNT(*) FROM sqlite_master WHERE type = '%s' AND name = '%s'", type, name);
	bool yes = ecc_test_query_int(db, sql) == 1;

	g_free(sql);
	return yes;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		g_error("%s: %s", sql, msg);
}

static void test_new_file_latest(struct fx *f, gconstpointer data)
{
	ecc_store *st;
	sqlite3 *db;
	char *mode;

	(void)data;
	g_assert_cmpint(ecc_store_latest_version(), >=, 2);
	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	db = ecc_store_db(st);
	g_assert_cmpint(ecc_store_version(st), ==, ecc_store_latest_version());
	g_assert_cmpint(ecc_test_query_int(db, "PRAGMA user_version"), ==,
	                ecc_store_latest_version());
	for (size_t i = 0; i < G_N_ELEMENTS(tables); i++) {
		g_test_message("table %s", tables[i]);
		g_assert_true(has_object(db, "table", tables[i]));
	}
	g_assert_true(has_object(db, "trigger", "audit_append_only_u"));
	g_assert_true(has_object(db, "trigger", "audit_append_only_d"));
	g_assert_true(has_column(db, "units", "owntracks"));
	g_assert_true(has_column(db, "users", "unit_id"));
	mode = query_text(db, "PRAGMA journal_mode");
	g_assert_cmpstr(mode, ==, "wal");
	g_free(mode);
	g_assert_cmpint(ecc_test_query_int(db, "PRAGMA foreign_keys"), ==, 1);
	g_assert_cmpint(ecc_test_query_int(db, "PRAGMA synchronous"), ==, 1); /* NORMAL */
	ecc_store_close(st);
}

static void test_migrate_from_v1(struct fx *f, gconstpointer data)
{
	ecc_store *st;
	sqlite3 *db;
	char *v;

	(void)data;
	g_assert_cmpint(ecc_store_open_at(f->path, 1, &st), ==, ECC_OK);
	db = ecc_store_db(st);
	g_assert_cmpint(ecc_store_version(st), ==, 1);
	g_assert_false(has_column(db, "units", "owntracks"));
	g_assert_false(has_column(db, "users", "unit_id"));
	exec(db, "INSERT INTO units(id, name, kind, team, created_at, lat, lon)"
	         " VALUES('bc-01', '执法记录仪 1', 'bodycam', 'A', 1709296496000, 47.1, 129.2)");
	exec(db, "INSERT INTO users(username, display_name, role, pw_hash, created_at,"
	         " pw_changed_at) VALUES('zhang', '张三', 'officer', '$argon2id$x', 1, 1)");
	ecc_store_close(st);

	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	db = ecc_store_db(st);
	g_assert_cmpint(ecc_store_version(st), ==, ecc_store_latest_version());
	g_assert_cmpint(ecc_test_query_int(db, "SELECT COUNT(*) FROM units"), ==, 1);
	v = query_text(db, "SELECT name || '|' || kind || '|' || team || '|' || lat FROM units"
	                   " WHERE id = 'bc-01'");
	g_assert_cmpstr(v, ==, "执法记录仪 1|bodycam|A|47.1");
	g_free(v);
	v = query_text(db, "SELECT display_name || '|' || role || '|' || pw_hash FROM users"
	                   " WHERE username = 'zhang'");
	g_assert_cmpstr(v, ==, "张三|officer|$argon2id$x");
	g_free(v);
	/* the columns migration 2 adds, empty on old rows and writable */
	g_assert_true(has_column(db, "units", "owntracks"));
	g_assert_true(has_column(db, "users", "unit_id"));
	g_assert_cmpint(
	    ecc_test_query_int(db, "SELECT COUNT(*) FROM units WHERE owntracks IS NULL"), ==, 1);
	exec(db, "UPDATE units SET owntracks = 'zhang/phone' WHERE id = 'bc-01'");
	exec(db, "UPDATE users SET unit_id = 'bc-01' WHERE username = 'zhang'");
	/* the OwnTracks mapping is unique */
	exec(db,
	     "INSERT INTO units(id, name, kind, created_at) VALUES('bc-02', 'b', 'bodycam', 1)");
	g_assert_cmpint(
	    sqlite3_exec(db, "UPDATE units SET owntracks = 'zhang/phone' WHERE id = 'bc-02'", NULL,
	                 NULL, NULL),
	    ==, SQLITE_CONSTRAINT);
	ecc_store_close(st);
}

/* Version 5: before deadlines got a table of their own (and one overdue
 * alert per case). */
static void test_migrate_case_deadlines(struct fx *f, gconstpointer data)
{
	ecc_store *st;
	sqlite3 *db;
	char *v;

	(void)data;
	g_assert_cmpint(ecc_store_open_at(f->path, 5, &st), ==, ECC_OK);
	db = ecc_store_db(st);
	exec(db,
	     "INSERT INTO cases(id, number, year, filed_on, judge, team, created_at,"
	     " updated_at) VALUES(1, '（2026）黑0781执1号', 2026, '2026-11-02', 'j1', 'T1', 1, 1)");
	exec(db, "INSERT INTO alerts(id, ts, kind, severity, subject) VALUES(7, 1, 'node_overdue',"
	         " 'medium', 'case:1/node:1')");
	/* two open nodes of one rule (one alerted), one of another, one done */
	exec(db,
	     "INSERT INTO case_nodes(id, case_id, code, anchor, count, unit, due, team, judge,"
	     " created_at, alert_id) VALUES(1, 1, 'notice', '2026-11-02', 3, 'wd', '2026-11-05',"
	     " 'T1', 'j1', 1, 7), (2, 1, 'triage2', '2026-11-02', 3, 'wd', '2026-11-05', 'T1',"
	     " 'j1', 1, NULL), (3, 1, 'online_inquiry', '2026-11-02', 1, 'wd', '2026-11-03',"
	     " 'T1', 'j1', 1, NULL)");
	exec(db, "INSERT INTO case_nodes(id, case_id, code, anchor, count, unit, due, team, judge,"
	         " created_at, state, done_on) VALUES(4, 1, 'entry', '2026-11-02', 0, 'wd',"
	         " '2026-11-02', 'T1', 'j1', 1, 'done', '2026-11-02')");
	ecc_store_close(st);

	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	db = ecc_store_db(st);
	g_assert_cmpint(ecc_test_query_int(db, "SELECT count(*) FROM case_deadlines"), ==, 2);
	v = query_text(db,
	               "SELECT group_concat(x, ',') FROM (SELECT n.id || ':' || d.due AS x FROM"
	               " case_nodes n JOIN case_deadlines d ON d.id = n.deadline ORDER BY n.id)");
	g_assert_cmpstr(v, ==, "1:2026-11-05,2:2026-11-05,3:2026-11-03");
	g_free(v);
	g_assert_cmpint(
	    ecc_test_query_int(db, "SELECT deadline IS NULL FROM case_nodes WHERE id = 4"), ==, 1);
	/* the kept counts: open nodes per deadline and team, per case */
	g_assert_cmpint(
	    ecc_test_query_int(db, "SELECT sum(n) FROM case_open_counts WHERE team = 'T1'"), ==, 3);
	g_assert_cmpint(ecc_test_query_int(db, "SELECT open_nodes FROM cases WHERE id = 1"), ==, 3);
	/* done and open nodes read through one view */
	v = query_text(db, "SELECT group_concat(due, ',') FROM (SELECT due FROM case_nodes_due"
	                   " ORDER BY id)");
	g_assert_cmpstr(v, ==, "2026-11-05,2026-11-05,2026-11-03,2026-11-02");
	g_free(v);
	/* the per-node alert is cleared: the next scan raises the case's */
	g_assert_cmpstr((v = query_text(db, "SELECT state FROM alerts WHERE id = 7")), ==,
	                "cleared");
	g_free(v);
	g_assert_cmpint(
	    ecc_test_query_int(db, "SELECT count(*) FROM case_nodes WHERE alert_id IS NOT NULL"),
	    ==, 0);
	/* the triggers keep the counts as nodes are done */
	exec(db, "UPDATE case_nodes SET state = 'done' WHERE id = 1");
	g_assert_cmpint(ecc_test_query_int(db, "SELECT sum(n) FROM case_open_counts"), ==, 2);
	g_assert_cmpint(ecc_test_query_int(db, "SELECT open_nodes FROM cases WHERE id = 1"), ==, 2);
	ecc_store_close(st);
}

static void test_newer_refused(struct fx *f, gconstpointer data)
{
	ecc_store *st;
	sqlite3 *db;
	char *sql;

	(void)data;
	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	sql = g_strdup_printf("PRAGMA user_version=%d", ecc_store_latest_version() + 1);
	exec(ecc_store_db(st), sql);
	g_free(sql);
	ecc_store_close(st);

	g_test_expect_message("ecc-store", G_LOG_LEVEL_WARNING, "*schema version*");
	st = (ecc_store *)1;
	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_ERR_DB);
	g_assert_null(st);
	g_test_assert_expected_messages();
	/* and the file was left as it was */
	g_assert_cmpint(sqlite3_open(f->path, &db), ==, SQLITE_OK);
	g_assert_cmpint(ecc_test_query_int(db, "PRAGMA user_version"), ==,
	                ecc_store_latest_version() + 1);
	sqlite3_close(db);
}

static void test_bad_open(struct fx *f, gconstpointer data)
{
	char *missing = g_build_filename(f->dir, "no", "such", "dir", "ecc.db", NULL);
	ecc_store *st = (ecc_store *)1;

	(void)data;
	g_assert_cmpint(ecc_store_open_at(f->path, -1, &st), ==, ECC_ERR_INVAL);
	g_assert_null(st);
	g_assert_cmpint(ecc_store_open_at(f->path, ecc_store_latest_version() + 1, &st), ==,
	                ECC_ERR_INVAL);
	g_test_expect_message("ecc-store", G_LOG_LEVEL_WARNING, "cannot open*");
	g_assert_cmpint(ecc_store_open(missing, &st), ==, ECC_ERR_IO);
	g_test_assert_expected_messages();
	g_assert_null(st);
	ecc_store_close(NULL);
	g_free(missing);
}

static void test_durable_commit(struct fx *f, gconstpointer data)
{
	ecc_store *st;
	sqlite3 *db;
	sqlite3_stmt *s;

	(void)data;
	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	db = ecc_store_db(st);
	g_assert_cmpint(ecc_store_begin(st, true), ==, ECC_OK);
	g_assert_false(sqlite3_get_autocommit(db));
	g_assert_cmpint(ecc_test_query_int(db, "PRAGMA synchronous"), ==, 2); /* FULL */
	s = ecc_store_stmt(st, "INSERT INTO units(id, name, kind, created_at) VALUES(?,?,?,?)");
	g_assert_nonnull(s);
	ecc_store_bind_text(s, 1, "veh-1");
	ecc_store_bind_text(s, 2, "车 1");
	ecc_store_bind_text(s, 3, "vehicle");
	sqlite3_bind_int64(s, 4, 1709296496000);
	g_assert_cmpint(ecc_store_run(st, s), ==, ECC_OK);
	g_assert_cmpint(ecc_store_commit(st), ==, ECC_OK);
	g_assert_true(sqlite3_get_autocommit(db));
	g_assert_cmpint(ecc_test_query_int(db, "PRAGMA synchronous"), ==, 1); /* back to NORMAL */
	/* a second connection sees it: it is committed, not pending */
	{
		sqlite3 *other;
		g_assert_cmpint(sqlite3_open(f->path, &other), ==, SQLITE_OK);
		g_assert_cmpint(
		    ecc_test_query_int(other, "SELECT COUNT(*) FROM units WHERE id = 'veh-1'"), ==,
		    1);
		sqlite3_close(other);
	}
	ecc_store_close(st);
}

static void test_rollback(struct fx *f, gconstpointer data)
{
	ecc_store *st;
	sqlite3 *db;

	(void)data;
	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	db = ecc_store_db(st);
	g_assert_cmpint(ecc_store_begin(st, false), ==, ECC_OK);
	g_assert_cmpint(ecc_test_query_int(db, "PRAGMA synchronous"), ==, 1);
	g_assert_cmpint(ecc_store_exec(st, "INSERT INTO units(id, name, kind, created_at)"
	                                   " VALUES('d1', 'd', 'drone', 1)"),
	                ==, ECC_OK);
	ecc_store_rollback(st);
	g_assert_true(sqlite3_get_autocommit(db));
	g_assert_cmpint(ecc_test_query_int(db, "SELECT COUNT(*) FROM units"), ==, 0);
	ecc_store_rollback(st); /* outside a transaction: nothing to do */
	ecc_store_close(st);
}

static void test_reopen_keeps(struct fx *f, gconstpointer data)
{
	ecc_store *st;
	sqlite3_stmt *s;

	(void)data;
	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	s = ecc_store_stmt(st, "INSERT INTO positions(unit_id, ts, recv_ts, lat, lon, alt, speed,"
	                       " battery) VALUES(?,?,?,?,?,?,?,?)");
	for (int i = 0; i < 10; i++) {
		sqlite3_bind_text(s, 1, "bc-01", -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, 1709296496000 + i * 1000);
		sqlite3_bind_int64(s, 3, 1709296496000 + i * 1000 + 50);
		sqlite3_bind_double(s, 4, 47.1 + i * 1e-4);
		sqlite3_bind_double(s, 5, 129.2);
		ecc_store_bind_real_or_null(s, 6, i % 2 ? 215.0 : NAN);
		ecc_store_bind_real_or_null(s, 7, 1.2);
		ecc_store_bind_int_or_null(s, 8, i % 2 ? 80 : -1);
		g_assert_cmpint(ecc_store_run(st, s), ==, ECC_OK);
	}
	ecc_store_close(st);

	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	g_assert_cmpint(ecc_store_version(st), ==, ecc_store_latest_version());
	s = ecc_store_stmt(st, "SELECT ts, lat, alt, battery FROM positions WHERE unit_id = ?"
	                       " ORDER BY ts");
	ecc_store_bind_text(s, 1, "bc-01");
	for (int i = 0; i < 10; i++) {
		g_assert_cmpint(ecc_store_step(st, s), ==, SQLITE_ROW);
		g_assert_cmpint(sqlite3_column_int64(s, 0), ==, 1709296496000 + i * 1000);
		g_assert_cmpfloat(sqlite3_column_double(s, 1), ==, 47.1 + i * 1e-4);
		if (i % 2) {
			g_assert_cmpfloat(ecc_store_column_real_or_nan(s, 2), ==, 215.0);
			g_assert_cmpint(ecc_store_column_int_or(s, 3, -1), ==, 80);
		} else {
			g_assert_true(isnan(ecc_store_column_real_or_nan(s, 2)));
			g_assert_cmpint(ecc_store_column_int_or(s, 3, -1), ==, -1);
		}
	}
	g_assert_cmpint(ecc_store_step(st, s), ==, SQLITE_DONE);
	ecc_store_close(st);
}

static void test_constraint_exists(struct fx *f, gconstpointer data)
{
	ecc_store *st;
	sqlite3_stmt *s;
	const char *sql = "INSERT INTO units(id, name, kind, created_at) VALUES(?, 'n', ?, 1)";

	(void)data;
	g_assert_cmpint(ecc_store_open(f->path, &st), ==, ECC_OK);
	s = ecc_store_stmt(st, sql);
	ecc_store_bind_text(s, 1, "u1");
	ecc_store_bind_text(s, 2, "drone");
	g_assert_cmpint(ecc_store_run(st, s), ==, ECC_OK);
	/* the same statement comes back from the cache, reset and cleared */
	g_assert_true(ecc_store_stmt(st, sql) == s);
	ecc_store_bind_text(s, 1, "u1");
	ecc_store_bind_text(s, 2, "drone");
	g_assert_cmpint(ecc_store_run(st, s), ==, ECC_ERR_EXISTS); /* primary key */
	s = ecc_store_stmt(st, sql);
	ecc_store_bind_text(s, 1, "u2");
	ecc_store_bind_text(s, 2, "tank");
	g_assert_cmpint(ecc_store_run(st, s), ==, ECC_ERR_EXISTS); /* CHECK(kind) */
	s = ecc_store_stmt(st, "SELECT name FROM units WHERE id = 'u1'");
	g_assert_cmpint(ecc_store_step(st, s), ==, SQLITE_ROW);
	g_assert_cmpstr(ecc_store_column_text(s, 0), ==, "n");
	s = ecc_store_stmt(st, "SELECT NULL");
	g_assert_cmpint(ecc_store_step(st, s), ==, SQLITE_ROW);
	g_assert_cmpstr(ecc_store_column_text(s, 0), ==, ""); /* never NULL */
	ecc_store_close(st);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, struct fx, NULL, fx_setup, fn, fx_teardown)
	ADD("/store/a new file is migrated to the latest version with every table",
	    test_new_file_latest);
	ADD("/store/a version 1 file migrates to the latest and keeps its rows",
	    test_migrate_from_v1);
	ADD("/store/a version 5 file's open nodes get their deadline rows and counts",
	    test_migrate_case_deadlines);
	ADD("/store/a file newer than this build refuses to open", test_newer_refused);
	ADD("/store/a bad version or an unreachable folder is refused", test_bad_open);
	ADD("/store/a durable transaction commits under synchronous FULL", test_durable_commit);
	ADD("/store/a rolled back transaction leaves nothing", test_rollback);
	ADD("/store/reopening after close keeps the data", test_reopen_keeps);
	ADD("/store/a constraint violation is EXISTS and statements are cached",
	    test_constraint_exists);
#undef ADD
	return g_test_run();
}
