/* testutil_sql: the SQLite side of testutil.h (its own object file, so that
 * tests without SQLite do not need it). */
#include "testutil.h"

#include <sqlite3.h>

long long ecc_test_query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	sqlite3_int64 v;

	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &s, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}
