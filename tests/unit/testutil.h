/*
 * testutil: small helpers shared by the unit tests (tests/unit/test_*.c).
 *
 * Temporary folders for SQLite files, fixture paths and generated payloads.
 * Every returned string is the caller's (g_free).
 */
#ifndef ECC_TESTUTIL_H
#define ECC_TESTUTIL_H

#include <glib.h>
#include <stddef.h>

/* A new empty folder under the system's temporary folder. */
char *ecc_test_tmpdir(void);

/* Removes path and everything under it (files and folders). */
void ecc_test_rmtree(const char *path);

/* The contents of tests/fixtures/<rel> ($ECC_FIXTURES, else the source tree);
 * fails the test when it cannot be read. *len (may be NULL) gets its size. */
char *ecc_test_fixture(const char *rel, size_t *len);

/* n copies of unit concatenated. */
char *ecc_test_repeat(const char *unit, size_t n);

/* prefix, then depth times open, then middle, then depth times close:
 * nested JSON of a chosen depth. */
char *ecc_test_nested(const char *prefix, const char *open, const char *middle, const char *close,
                      const char *suffix, size_t depth);

/* Runs argv (a tool on the PATH: ffprobe, ffmpeg) and returns what it
 * printed; fails the test when it cannot run or exits with an error. *err
 * (may be NULL) gets what it printed on stderr. */
char *ecc_test_run(const char *const *argv, char **err);

/* The single integer a query returns; fails the test otherwise
 * (testutil_sql.c: only tests that link SQLite use it). */
typedef struct sqlite3 sqlite3;
long long ecc_test_query_int(sqlite3 *db, const char *sql);

#endif
