/*
 * useradmin: an administrator locks, unlocks or changes the role of a user.
 *
 * Why: the admin page manages accounts (GB/T 22239 asks that an account can
 * be disabled at once). Locking a user or changing the role ends the user's
 * sessions, so REST calls with an old token get 401 at once, and emits
 * ECC_EV_USER so the WebSocket closes the user's connections (1008). The
 * last unlocked admin cannot be locked or demoted, and an admin cannot lock
 * or demote the own account. Every change, refused ones too, is audited.
 * An officer's own unit (the handheld page reports as it) is set here too.
 *
 * Thread: the main loop. Errors: ECC_ERR_NOTFOUND (no such user),
 * ECC_ERR_EXISTS (the change would leave no admin, or targets oneself; why
 * says which), ECC_ERR_DB.
 */
#ifndef ECC_USERADMIN_H
#define ECC_USERADMIN_H

#include "auth.h"
#include "hub.h"

#include <stdbool.h>

/* locked: disable the account (true) or enable it and clear a lockout after
 * failed logins (false). */
int ecc_useradmin_lock(struct ecc_hub *hub, const char *username, bool locked, const char *actor,
                       const char *ip, char why[ECC_WHY_LEN]);

int ecc_useradmin_set_role(struct ecc_hub *hub, const char *username, enum ecc_role role,
                           const char *actor, const char *ip, char why[ECC_WHY_LEN]);

/* unit: the user's own unit (must exist), or NULL to clear it. The user's
 * sessions end (the page reports as that unit: it logs in again). */
int ecc_useradmin_set_unit(struct ecc_hub *hub, const char *username, const char *unit,
                           const char *actor, const char *ip, char why[ECC_WHY_LEN]);

#endif
