/*
 * incidents: tips and emergencies (应急调度) and the units dispatched to
 * them.
 *
 * Why: a tip (举报线索), a 执行110 call, a party who sees the debtor's car, a
 * unit asking for support: the duty officer logs it at a point on the map,
 * ECC ranks the units by distance and state, and one click sends the chosen
 * units an instruction with the site as target point (instructions.h). The
 * incident then follows itself: acknowledged when a dispatched unit
 * acknowledges the instruction, arrived when a dispatched unit reports a
 * position within the incident's radius (a listener on ECC_EV_POSITION, the
 * telemetry path's own event), closed with an outcome by the center. An
 * urgent incident not closed by its deadline ([incidents] urgent_deadline
 * seconds, 2 hours by seed 001) raises an incident_overdue alert, which
 * climbs like every alert. Every step is in the audit log.
 *
 * Thread: the main loop. Ownership: ecc_incidents_new borrows the hub (its
 * instructions module must exist); free with ecc_incidents_free; JSON
 * returned is the caller's.
 * Errors: ECC_ERR_INVAL (why says what), ECC_ERR_NOTFOUND (no such incident,
 * unit or case; why names it), ECC_ERR_EXISTS (closed already, a unit
 * already dispatched, or on another operation), ECC_ERR_DB.
 */
#ifndef ECC_INCIDENTS_H
#define ECC_INCIDENTS_H

#include "hub.h"

#include <cjson/cJSON.h>
#include <stdint.h>

#define ECC_INCIDENT_DISPATCH_MAX 20

typedef struct ecc_incidents ecc_incidents;

struct ecc_incident_spec {
	const char *source;  /* tip, call110, party, support, other */
	const char *summary; /* may be NULL */
	double lat, lon;
	double radius_m;     /* NAN: [incidents] radius */
	int64_t case_id;     /* 0: not known */
	const char *urgency; /* "normal" (NULL) or "urgent" */
};

ecc_incidents *ecc_incidents_new(struct ecc_hub *hub);
void ecc_incidents_free(ecc_incidents *inc);

int ecc_incidents_create(ecc_incidents *inc, const struct ecc_incident_spec *s, const char *actor,
                         const char *ip, int64_t *id_out, char *why);

/* One incident with its dispatched units, or NULL. */
cJSON *ecc_incidents_get(ecc_incidents *inc, int64_t id);

/* Newest first; state NULL for any, "open" for any but closed. */
cJSON *ecc_incidents_list(ecc_incidents *inc, const char *state, int limit);

/* Units ranked for incident id: online before offline (offline left out
 * unless with_offline), nearer first, units without a position last; units
 * on another operation left out. NULL when there is no such incident. */
cJSON *ecc_incidents_candidates(ecc_incidents *inc, int64_t id, bool with_offline, int limit);

/* Sends each unit (a JSON array of ids) an instruction with the site as
 * target point, and records them on the incident; all or none. (A
 * dispatch that also opens an operation: api_dispatch.c.) */
int ecc_incidents_dispatch(ecc_incidents *inc, int64_t id, const cJSON *units, const char *text,
                           const char *actor, const char *ip, char *why);

int ecc_incidents_close(ecc_incidents *inc, int64_t id, const char *outcome, const char *actor,
                        const char *ip, char *why);

/* Raises the alerts of urgent incidents past their deadline (every second). */
void ecc_incidents_tick(ecc_incidents *inc);

#endif
