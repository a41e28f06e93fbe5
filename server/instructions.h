/*
 * instructions: the center's orders (指令) to a unit, a team, a user or an
 * operation, with one delivery row per recipient.
 *
 * Why: an order that nobody confirms is an order not given. Each recipient
 * unit gets it over MQTT (ecc/unit/{id}/cmd, QoS 1:
 * {"op":"instruction","id":"42","text":..,"point":{lat,lon}|null,..}) and
 * answers on ecc/unit/{id}/ack ({"op":"instruction","id":"42","ok":true}
 * sets delivered_at; with "acked":true also acked_at); the officers' pages
 * get it on the WebSocket's `dispatch` channel and acknowledge over REST.
 * A delivery not acknowledged within [instructions] resend_after seconds is
 * re-sent; after [instructions] resend_max re-sends it raises an alert of
 * kind instruction_unacked, which climbs like every alert. Every step is in
 * the audit log.
 *
 * Thread: the main loop. Ownership: ecc_instructions_new borrows the hub;
 * free with ecc_instructions_free; JSON returned is the caller's.
 * Errors: ECC_ERR_INVAL (bad input, why says what), ECC_ERR_NOTFOUND (no
 * such instruction, unit, team or user), ECC_ERR_FORBIDDEN (not addressed to
 * this user), ECC_ERR_EXISTS (already acknowledged), ECC_ERR_DB.
 */
#ifndef ECC_INSTRUCTIONS_H
#define ECC_INSTRUCTIONS_H

#include "hub.h"

#include <cjson/cJSON.h>
#include <stdint.h>

#define ECC_INSTRUCTION_TEXT_MAX 2000

typedef struct ecc_instructions ecc_instructions;

struct ecc_instruction_spec {
	const char *target_kind; /* "unit", "team", "user", "operation" */
	const char *target;
	const char *text;
	double lat, lon;     /* the target point; NAN when none */
	const char *urgency; /* "normal" (NULL) or "urgent" */
	int64_t incident_id; /* 0: none */
};

ecc_instructions *ecc_instructions_new(struct ecc_hub *hub);
void ecc_instructions_free(ecc_instructions *in);

/* Checks, stores and sends an instruction as actor; *id_out gets its id. */
int ecc_instructions_create(ecc_instructions *in, const struct ecc_instruction_spec *s,
                            const char *actor, const char *ip, int64_t *id_out, char *why);

/* One instruction with its deliveries, or NULL. */
cJSON *ecc_instructions_get(ecc_instructions *in, int64_t id);

/* Instructions newest first that user may see (center: all). */
cJSON *ecc_instructions_list(ecc_instructions *in, const struct ecc_user *user, int64_t before,
                             int limit);

/* Is this instruction (as JSON) addressed to user: the user, the user's
 * unit, or the user's team (a unit of it)? The center sees all but is
 * "addressed" only when named. */
bool ecc_instructions_addressed(ecc_instructions *in, const cJSON *instr,
                                const struct ecc_user *user);

/* A page acknowledges for user (reply may be NULL). */
int ecc_instructions_ack_page(ecc_instructions *in, int64_t id, const struct ecc_user *user,
                              const char *reply, const char *ip);

/* A unit's answer on ecc/unit/{unit}/ack with "op":"instruction". */
void ecc_instructions_on_unit_ack(ecc_instructions *in, const char *unit, const cJSON *ack);

/* Called once per delivery when a unit's delivery of an instruction made
 * for an incident is acknowledged. */
typedef void (*ecc_instructions_acked_fn)(void *user, int64_t incident_id, const char *unit,
                                          int64_t ts);
void ecc_instructions_on_acked(ecc_instructions *in, ecc_instructions_acked_fn fn, void *user);

/* Re-sends and escalates what is due now (also runs every second). */
void ecc_instructions_tick(ecc_instructions *in);

#endif
