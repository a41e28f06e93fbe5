/*
 * store: the hub's SQLite database (WAL, one writer: the hub's main loop).
 *
 * Why: every table lives in one file that survives kill -9; migrations run
 * by PRAGMA user_version at open; statements are prepared once and cached by
 * their SQL text's address (pass string literals); SQLite errors are logged
 * here, once, with sqlite3_errmsg, so callers only branch on the result.
 * Durability: the connection runs synchronous=NORMAL (positions may lose the
 * last batch on power loss); ecc_store_begin(st, true) switches one
 * transaction to synchronous=FULL (audit, users, evidence).
 *
 * Thread: the main loop only. Ownership: ecc_store_open returns a store the
 * caller closes with ecc_store_close (NULL accepted); statements returned by
 * ecc_store_stmt belong to the store (never finalize them).
 * Errors: ECC_ERR_DB (logged), ECC_ERR_IO (cannot open the file).
 */
#ifndef ECC_STORE_H
#define ECC_STORE_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct ecc_store ecc_store;

/* The schema version this build writes. */
int ecc_store_latest_version(void);

/* Opens (creating if needed) and migrates to the latest version. */
int ecc_store_open(const char *path, ecc_store **out);

/* Opens and migrates only up to version (tests of migrations). */
int ecc_store_open_at(const char *path, int version, ecc_store **out);

void ecc_store_close(ecc_store *st);

int ecc_store_version(ecc_store *st);
sqlite3 *ecc_store_db(ecc_store *st);

/* A cached, reset statement for sql (a string literal); NULL on error. */
sqlite3_stmt *ecc_store_stmt(ecc_store *st, const char *sql);

/* Steps stmt: SQLITE_ROW, SQLITE_DONE, SQLITE_CONSTRAINT (not logged: the
 * caller decides), or another SQLite code after logging it. */
int ecc_store_step(ecc_store *st, sqlite3_stmt *stmt);

/* Runs a statement that returns no rows; ECC_OK, ECC_ERR_EXISTS on a
 * constraint, ECC_ERR_DB otherwise. stmt is reset afterwards. */
int ecc_store_run(ecc_store *st, sqlite3_stmt *stmt);

/* Runs literal SQL (no parameters). ECC_OK or ECC_ERR_DB. */
int ecc_store_exec(ecc_store *st, const char *sql);

/* Transactions; nesting is not supported. ECC_OK or ECC_ERR_DB. */
int ecc_store_begin(ecc_store *st, bool durable);
int ecc_store_commit(ecc_store *st);
void ecc_store_rollback(ecc_store *st);

/* Binding helpers: NAN and negative "absent" values become NULL. */
void ecc_store_bind_text(sqlite3_stmt *s, int i, const char *v);
void ecc_store_bind_real_or_null(sqlite3_stmt *s, int i, double v);
void ecc_store_bind_int_or_null(sqlite3_stmt *s, int i, int v); /* v < 0 -> NULL */
double ecc_store_column_real_or_nan(sqlite3_stmt *s, int i);
int ecc_store_column_int_or(sqlite3_stmt *s, int i, int absent);
const char *ecc_store_column_text(sqlite3_stmt *s, int i); /* never NULL */
/* Column i of the current row into o as key: its integer, or null. */
void ecc_store_json_int(cJSON *o, const char *key, sqlite3_stmt *s, int i);

#endif
