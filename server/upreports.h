/*
 * upreports: reports up (上报) to named leaders, who was told when and who
 * acknowledged.
 *
 * Why: an emergency the center reports to its leaders must reach each of
 * them, and the record must show who knew and when. A report names its
 * leaders (users); each leader's page gets it on the WebSocket's `dispatch`
 * channel at once (told_at) and acknowledges it over REST; a leader who has
 * not acknowledged within [reports] escalate_after seconds raises an alert
 * of kind report_unacked (assigned to that leader), which climbs to the
 * commander like every alert. Every step is in the audit log.
 *
 * Thread: the main loop. Ownership: ecc_upreports_new borrows the hub; free
 * with ecc_upreports_free; JSON returned is the caller's.
 * Errors: ECC_ERR_INVAL (why says what), ECC_ERR_NOTFOUND (no such report
 * or leader), ECC_ERR_FORBIDDEN (not a leader of it), ECC_ERR_EXISTS
 * (already acknowledged), ECC_ERR_DB.
 */
#ifndef ECC_UPREPORTS_H
#define ECC_UPREPORTS_H

#include "hub.h"

#include <cjson/cJSON.h>
#include <stdint.h>

#define ECC_UPREPORT_LEADERS_MAX 20

typedef struct ecc_upreports ecc_upreports;

ecc_upreports *ecc_upreports_new(struct ecc_hub *hub);
void ecc_upreports_free(ecc_upreports *up);

/* leaders: a JSON array of usernames (1..ECC_UPREPORT_LEADERS_MAX). */
int ecc_upreports_create(ecc_upreports *up, const char *text, const cJSON *leaders,
                         const char *urgency, const char *actor, const char *ip, int64_t *id_out,
                         char *why);

cJSON *ecc_upreports_get(ecc_upreports *up, int64_t id);

/* May user see this report (as JSON)? The center, its author, its leaders. */
bool ecc_upreports_visible(const cJSON *report, const struct ecc_user *user);

cJSON *ecc_upreports_list(ecc_upreports *up, const struct ecc_user *user, int64_t before,
                          int limit);

/* A named leader acknowledges (reply may be NULL). */
int ecc_upreports_ack(ecc_upreports *up, int64_t id, const struct ecc_user *user, const char *reply,
                      const char *ip);

/* Escalates what is due now (also runs every second). */
void ecc_upreports_tick(ecc_upreports *up);

#endif
