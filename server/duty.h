/*
 * duty: the duty roster (值班表), sign-in (值班签到), the duty log (值班记录)
 * and shift hand-over notes (交接班).
 *
 * Why: a command center is staffed in shifts. The roster says who is on
 * duty when, as a duty officer (值班员) or as the commander on duty (值班
 * 指挥长); commanders edit it or import it from CSV. The duty officer signs
 * in at the start of the shift; a shift [duty] signin_grace seconds old
 * with nobody signed in raises an alert. Alerts go first to the duty
 * officers signed in now (else those on the roster now) and escalate to
 * the commander on duty (alert.c asks through ecc_alerts_set_router). The
 * outgoing shift leaves a hand-over note that someone of the next shift
 * confirms.
 *
 * Thread: the main loop (a 1 s timer checks sign-ins). Ownership:
 * ecc_duty_new returns an object freed with ecc_duty_free; JSON returned is
 * the caller's (cJSON_Delete). Errors: ECC_ERR_INVAL (bad input, the
 * message in *why when given), ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN (not on
 * duty now), ECC_ERR_EXISTS (confirmed already), ECC_ERR_DB.
 */
#ifndef ECC_DUTY_H
#define ECC_DUTY_H

#include "hub.h"

#include <cjson/cJSON.h>
#include <stdint.h>

typedef struct ecc_duty ecc_duty;

ecc_duty *ecc_duty_new(struct ecc_hub *hub);
void ecc_duty_free(ecc_duty *d);

/* One shift: {"username","role":"duty"|"commander","starts","ends"} (UTC
 * ms). The user must exist and be admin, commander or duty (a commander
 * shift: admin or commander). */
int ecc_duty_shift_add(ecc_duty *d, const cJSON *shift, const char *actor, const char *ip,
                       int64_t *id_out, const char **why);
/* Many shifts (a CSV import), all or none; *bad is the 1-based index of
 * the first bad one. */
int ecc_duty_shift_import(ecc_duty *d, const cJSON *shifts, const char *actor, const char *ip,
                          int *added, int *bad, const char **why);
int ecc_duty_shift_delete(ecc_duty *d, int64_t id, const char *actor, const char *ip);
/* Shifts that overlap from..to, by start. */
cJSON *ecc_duty_roster(ecc_duty *d, int64_t from, int64_t to);

/* Who is on duty now, who signed in, the hand-over waiting for this
 * shift, and what `me` may do. */
cJSON *ecc_duty_now(ecc_duty *d, const char *me);
/* Signs `user` in to the own shift now: ECC_OK (also when signed in
 * already), ECC_ERR_FORBIDDEN (not on the roster now). */
int ecc_duty_signin(ecc_duty *d, const char *user, const char *ip);

int ecc_duty_log_add(ecc_duty *d, const char *user, const char *text, int64_t *id_out);
cJSON *ecc_duty_log(ecc_duty *d, int64_t from, int64_t to, int limit);

int ecc_duty_handover_add(ecc_duty *d, const char *user, const char *text, int64_t *id_out);
/* ECC_ERR_FORBIDDEN: `user` is not on duty now, or wrote the note. */
int ecc_duty_handover_confirm(ecc_duty *d, int64_t id, const char *user, const char *ip);
cJSON *ecc_duty_handovers(ecc_duty *d, bool pending_only, int limit);

/* Usernames on duty now in `role`, comma-joined, or NULL (g_free). For
 * "duty": those signed in, else those on the roster. */
char *ecc_duty_who(void *d, const char *role);

/* Raises the alert for a shift with nobody signed in (the timer calls it). */
void ecc_duty_tick(ecc_duty *d);

#endif
