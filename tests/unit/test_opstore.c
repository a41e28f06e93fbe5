/* Specifications of the operations' tables (store.c's last migration): a
 * segment linked to an operation stays locked and undeleted whatever SQL
 * the hub (or a shell) runs, and the chain's rows are append-only. */
#include "ecc_err.h"
#include "store.h"
#include "testutil.h"

#include <glib.h>
#include <string.h>

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		g_error("%s: %s", sql, msg);
}

/* The statement is refused, naming the rule. */
static void exec_refused(sqlite3 *db, const char *sql, const char *why)
{
	char *msg = NULL;

	g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, &msg), ==, SQLITE_CONSTRAINT);
	g_assert_nonnull(msg);
	g_assert_nonnull(strstr(msg, why));
	sqlite3_free(msg);
}

static void test_linked_segment_kept(void)
{
	char *dir = ecc_test_tmpdir(), *path = g_build_filename(dir, "ecc.db", NULL);
	ecc_store *st;
	sqlite3 *db;

	g_assert_cmpint(ecc_store_open(path, &st), ==, ECC_OK);
	db = ecc_store_db(st);
	exec_ok(db, "INSERT INTO cases(id, number, year, filed_on, created_at, updated_at)"
	            " VALUES(1, 'x', 2026, '2026-11-02', 0, 0);"
	            "INSERT INTO operations(id, case_id, type, site, created_by, created_at,"
	            " updated_at) VALUES(1, 1, 'search', '{}', 'admin', 0, 0);"
	            "INSERT INTO recordings(id, unit_id, gateway, root, path, t0, t1, sha256,"
	            " filed_at) VALUES(7, 'u', 'gw', '/r', 'a.mp4', 0, 1, 'h', 0),"
	            " (8, 'u', 'gw', '/r', 'b.mp4', 0, 1, 'h', 0);"
	            "INSERT INTO operation_recordings VALUES(1, 7, 1, 'h', 'p', 'l', 0);"
	            "UPDATE recordings SET locked = 1 WHERE id = 7;");
	exec_refused(db, "UPDATE recordings SET locked = 0 WHERE id = 7", "stays locked");
	exec_refused(db, "UPDATE recordings SET deleted_at = 5 WHERE id = 7", "stays locked");
	exec_refused(db, "UPDATE operation_recordings SET link = 'x'", "append-only");
	exec_refused(db, "DELETE FROM operation_recordings", "append-only");
	g_assert_cmpint(ecc_test_query_int(db, "SELECT locked FROM recordings WHERE id = 7"), ==,
	                1);
	g_assert_cmpint(ecc_test_query_int(db, "SELECT count(*) FROM operation_recordings"), ==, 1);
	/* a segment of no operation is unlocked and deleted as before */
	exec_ok(db, "UPDATE recordings SET locked = 1 WHERE id = 8;"
	            "UPDATE recordings SET locked = 0, deleted_at = 5 WHERE id = 8;");
	g_assert_cmpint(ecc_test_query_int(db, "SELECT deleted_at FROM recordings WHERE id = 8"),
	                ==, 5);
	ecc_store_close(st);
	ecc_test_rmtree(dir);
	g_free(path);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func(
	    "/opstore/a segment of an operation stays locked, kept, its chain unchanged",
	    test_linked_segment_kept);
	return g_test_run();
}
