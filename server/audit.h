/*
 * audit: the append-only, hash-chained audit log (等保三级 asks that user
 * actions be recorded and that nobody edit or delete the record).
 *
 * Why: every login, failed login, lockout and change is one row; each row
 * holds the SHA-256 of the previous row and its own SHA-256 over its content
 * and that previous hash, so editing or deleting any row breaks the chain
 * from there on. Triggers refuse UPDATE and DELETE; no API edits the table;
 * ecc_audit_verify names the first row whose hash does not hold (someone
 * with the file and a SQLite shell can still write: the chain shows it).
 *
 * Thread: the main loop. Writes are durable (synchronous=FULL) unless they
 * join a transaction the caller already opened (which then decides).
 * Errors: ECC_ERR_DB.
 */
#ifndef ECC_AUDIT_H
#define ECC_AUDIT_H

#include "store.h"

#include <cjson/cJSON.h>

#include <stdint.h>

#define ECC_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct ecc_audit_entry {
	const char *actor;  /* username, "system", or "unit:ID" */
	const char *action; /* e.g. "login", "login_failed", "unit.add" */
	const char *target; /* what it acted on, may be NULL */
	const char *detail; /* JSON text, may be NULL */
	const char *result; /* "ok" when NULL, else "denied", "error", ... */
	const char *ip;     /* may be NULL */
};

/* Appends one row. Returns ECC_OK or ECC_ERR_DB; *id_out (may be NULL)
 * receives the new row's id. */
int ecc_audit_append(ecc_store *st, const struct ecc_audit_entry *e, int64_t *id_out);

/* Appends an entry about object kind id (target "kind:id"); a row that
 * cannot be written is logged as a warning. */
void ecc_audit_about(ecc_store *st, const char *actor, const char *action, const char *kind,
                     int64_t id, const char *detail, const char *ip);
/* The same with a result ("denied"; NULL: ok). */
void ecc_audit_result(ecc_store *st, const char *actor, const char *action, const char *kind,
                      int64_t id, const char *detail, const char *ip, const char *result);
/* The same with a JSON detail, which it frees; an empty ip counts as none. */
void ecc_audit_json(ecc_store *st, const char *actor, const char *action, const char *kind,
                    int64_t id, cJSON *detail, const char *ip, const char *result);

/*
 * Walks the whole chain. Returns ECC_OK when every row holds (and *first_bad
 * is 0), ECC_ERR_INVAL when a row does not (and *first_bad is its id, or the
 * id after a gap where a row was removed), ECC_ERR_DB on a read error.
 * *rows receives the number of rows read (may be NULL).
 */
int ecc_audit_verify(ecc_store *st, int64_t *first_bad, int64_t *rows);

#endif
