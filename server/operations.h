/*
 * operations: field operations (执行行动) of a case: search, seizure,
 * eviction, detention, investigation, service of documents, other.
 *
 * Why: a live operation is where the case file meets the field (issue 8).
 * An operation is created for a case with a team, members, assigned units,
 * a site (opsite.h) and planned times; it is planned, then active (started),
 * then ended, or cancelled before it starts. Starting it turns recording on
 * for every stream of its units (back off at stop where it was off), and
 * every segment of those units whose t0..t1 overlaps the operation, filed
 * while it runs or after it stopped, is linked to it: locked for good
 * (nobody unlocks or deletes it; retention skips it) and appended to the
 * operation's hash chain, link = SHA-256(previous link || segment SHA-256),
 * the first previous link 32 zero bytes. While it is active, an alert
 * raised for one of its units names it, and a unit outside the site raises
 * one "geofence" alert, cleared when it comes back.
 *
 * Scope: admin, commander and duty see and manage every operation; an
 * officer sees the operations of the own team, a judge those of the own
 * cases (ECC_ERR_FORBIDDEN elsewhere). Every change is audited, and
 * announced on the WebSocket's dispatch channel ({"type":"operation",
 * "operation":{..}}) to those who may see it.
 *
 * Thread: the main loop. Ownership: ecc_operations_new borrows the hub;
 * cJSON returned is the caller's. Errors: ECC_ERR_INVAL (why says what),
 * ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN, ECC_ERR_EXISTS (the state does not
 * allow it; why says which), ECC_ERR_DB.
 */
#ifndef ECC_OPERATIONS_H
#define ECC_OPERATIONS_H

#include "auth.h"
#include "hub.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#define ECC_OPS_WHY 256

/* Loads the active operations (their geofences) and listens to positions. */
ecc_operations *ecc_operations_new(struct ecc_hub *hub);
void ecc_operations_free(ecc_operations *o);

/* Creates an operation from the API's JSON (docs/api.md); *id the new one. */
int ecc_operations_create(ecc_operations *o, const struct ecc_user *u, const cJSON *body,
                          const char *ip, int64_t *id, char why[ECC_OPS_WHY]);
/* Changes the fields given, while the operation is planned. */
int ecc_operations_update(ecc_operations *o, const struct ecc_user *u, int64_t id,
                          const cJSON *body, const char *ip, char why[ECC_OPS_WHY]);
/* planned -> active, active -> ended, planned -> cancelled. */
int ecc_operations_start(ecc_operations *o, const struct ecc_user *u, int64_t id, const char *ip,
                         char why[ECC_OPS_WHY]);
int ecc_operations_stop(ecc_operations *o, const struct ecc_user *u, int64_t id, const char *ip,
                        char why[ECC_OPS_WHY]);
int ecc_operations_cancel(ecc_operations *o, const struct ecc_user *u, int64_t id, const char *ip,
                          char why[ECC_OPS_WHY]);

/* One operation (with members, units, segment count, chain head). */
int ecc_operations_get(ecc_operations *o, const struct ecc_user *u, int64_t id, cJSON **out);

struct ecc_op_query {
	const char *state, *team; /* NULL: any */
	int64_t case_id;          /* 0: any */
	int limit, offset;
};
/* {"operations":[..],"total","offset"} within u's scope. */
int ecc_operations_list(ecc_operations *o, const struct ecc_user *u, const struct ecc_op_query *q,
                        cJSON **out, char why[ECC_OPS_WHY]);

/* The hash chain: {"operation","algorithm","genesis","links":[..],"head"}. */
int ecc_operations_chain(ecc_operations *o, const struct ecc_user *u, int64_t id, cJSON **out);

/* Positions per unit, events, alerts and segments from start to end (or
 * now); ECC_ERR_EXISTS for an operation that never started. */
int ecc_operations_timeline(ecc_operations *o, const struct ecc_user *u, int64_t id, int max_points,
                            cJSON **out);

/* A segment was filed (recordings.c): links it to every operation it
 * belongs to. o may be NULL. */
void ecc_operations_on_segment(ecc_operations *o, int64_t recording_id);

/* Whether u may see operation id (its scope above). */
bool ecc_operations_visible(ecc_operations *o, const struct ecc_user *u, int64_t id);

/* Whether a segment is linked to an operation (then it stays locked). */
bool ecc_operations_holds(ecc_operations *o, int64_t recording_id);

#endif
