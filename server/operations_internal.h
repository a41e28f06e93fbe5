/*
 * operations_internal: what operations.c (the rows and the API's model),
 * opevidence.c (segments, the hash chain, recording on and off), opwatch.c
 * (active operations in memory: geofences, alerts naming the operation) and
 * optimeline.c share. Not for other modules.
 */
#ifndef ECC_OPERATIONS_INTERNAL_H
#define ECC_OPERATIONS_INTERNAL_H

#include "operations.h"
#include "opsite.h"

#include <glib.h>

/* An active operation, kept in memory for the position stream. */
struct op_active {
	int64_t id;
	char case_number[64];
	struct ecc_site site;
	GHashTable *units;   /* unit id -> NULL: assigned */
	GHashTable *outside; /* unit id -> alert id (boxed): a geofence alert is open */
};

struct ecc_operations {
	struct ecc_hub *hub;
	GHashTable *active; /* int64 id (boxed) -> struct op_active* */
};

/* opwatch.c */
int operations__watch_load(ecc_operations *o);
/* (Re)reads operation id into the active set, or drops it when it is not
 * active; clearing its open geofence alerts then. */
void operations__watch_sync(ecc_operations *o, int64_t id);
void operations__watch_free(ecc_operations *o);

/* opevidence.c */
/* Turns recording on for the units' streams where off (remembered). */
int operations__record_on(ecc_operations *o, int64_t id);
/* Turns off again what record_on turned on. */
void operations__record_off(ecc_operations *o, int64_t id);
/* Links the segments of the operation's units overlapping it not linked yet. */
int operations__link_missing(ecc_operations *o, int64_t id);
/* The chain's links with their segments, in order (caller frees). */
cJSON *operations__links(ecc_operations *o, int64_t id);

/* operations.c */
/* The case, team and state of operation id; NOTFOUND, FORBIDDEN for u. */
int operations__scope(ecc_operations *o, const struct ecc_user *u, int64_t id, char state[16],
                      int64_t *started, int64_t *ended);
/* Audits a change (actor, "operation.<what>", "operation:ID", detail). */
int operations__audit(ecc_operations *o, const char *actor, const char *action, int64_t id,
                      const char *detail, const char *ip);

#endif
