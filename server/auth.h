/*
 * auth: users, roles, passwords, sessions and lockout.
 *
 * Why: GB/T 22239 level 3 asks for unique user ids, password complexity,
 * lockout after failed logins, idle session timeout and no leftover
 * authentication data. Passwords are argon2id (libsodium crypto_pwhash_str);
 * session tokens are 32 random bytes, given to the client once and stored
 * only as their SHA-256; a session ends after [auth] idle_timeout seconds
 * without use; [auth] lockout_attempts failed logins lock the account for
 * [auth] lockout_seconds. Logins, failures, lockouts, logouts and user
 * changes go to the audit log.
 *
 * Thread: the main loop (password hashing blocks it for ~0.1 s by design of
 * argon2id; logins are rare). Call sodium_init() before using this module.
 * Ownership: ecc_auth_new returns an object freed with ecc_auth_free; it
 * borrows the store and the config, which must outlive it.
 * Errors: ECC_ERR_AUTH (wrong credentials, no or expired session),
 * ECC_ERR_LOCKED, ECC_ERR_POLICY (password rules; why says which),
 * ECC_ERR_EXISTS (username taken), ECC_ERR_INVAL, ECC_ERR_DB.
 */
#ifndef ECC_AUTH_H
#define ECC_AUTH_H

#include "config.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ecc_role {
	ECC_ROLE_ADMIN = 0,
	ECC_ROLE_COMMANDER,
	ECC_ROLE_DUTY,
	ECC_ROLE_OFFICER,
	ECC_ROLE_JUDGE,
	ECC_ROLE_GUEST,
	ECC_ROLE__COUNT
};

#define ECC_ROLE_BIT(r) (1u << (r))
#define ECC_ROLES_ALL   ((1u << ECC_ROLE__COUNT) - 1)
#define ECC_ROLES_CENTER                                                                           \
	(ECC_ROLE_BIT(ECC_ROLE_ADMIN) | ECC_ROLE_BIT(ECC_ROLE_COMMANDER) |                         \
	 ECC_ROLE_BIT(ECC_ROLE_DUTY))

#define ECC_TOKEN_CHARS    43 /* base64url of 32 bytes, no padding */
#define ECC_TOKEN_HASH_HEX 64 /* SHA-256 in hex */
#define ECC_NAME_MAX       64
#define ECC_WHY_LEN        128

struct ecc_user {
	int64_t id;
	char username[ECC_NAME_MAX + 1];
	char display_name[2 * ECC_NAME_MAX + 1];
	enum ecc_role role;
	char team[ECC_NAME_MAX + 1];
	char unit[ECC_NAME_MAX + 1]; /* an officer's own unit, may be empty */
	/* A room guest's session (role guest, rooms.h): the one room it opens
	 * and the guest's participant id there; 0 for every user's session. */
	int64_t room, participant;
};

typedef struct ecc_auth ecc_auth;

const char *ecc_role_name(enum ecc_role r);
/* ECC_OK, or ECC_ERR_INVAL for an unknown name. */
int ecc_role_parse(const char *name, enum ecc_role *out);

ecc_auth *ecc_auth_new(ecc_store *st, const struct ecc_config *cfg);
void ecc_auth_free(ecc_auth *a);

/* ECC_OK when password meets the policy, else ECC_ERR_POLICY and why. */
int ecc_auth_check_policy(const ecc_auth *a, const char *username, const char *password,
                          char why[ECC_WHY_LEN]);

/* Adds a user (actor and ip go to the audit row). */
int ecc_auth_user_add(ecc_auth *a, const char *username, enum ecc_role role, const char *password,
                      const char *display_name, const char *team, const char *actor, const char *ip,
                      char why[ECC_WHY_LEN], int64_t *id_out);

/* Sets a new password (policy checked) and ends the user's sessions. */
int ecc_auth_set_password(ecc_auth *a, const char *username, const char *password,
                          const char *actor, const char *ip, char why[ECC_WHY_LEN]);

/* Clears a lockout. */
int ecc_auth_unlock(ecc_auth *a, const char *username, const char *actor, const char *ip);

/* Logs in: ECC_OK with a new token (NUL-terminated) and the user. */
int ecc_auth_login(ecc_auth *a, const char *username, const char *password, const char *ip,
                   char token[ECC_TOKEN_CHARS + 1], struct ecc_user *user);

/* Checks a password as a login does (failures count toward lockout) without
 * opening a session. ECC_OK, ECC_ERR_AUTH or ECC_ERR_LOCKED. */
int ecc_auth_verify(ecc_auth *a, const char *username, const char *password, const char *ip);

/*
 * Resolves a token to its user. touch: count this as activity (resets the
 * idle timer). ECC_OK, or ECC_ERR_AUTH when unknown or idle too long (the
 * session is then deleted).
 */
int ecc_auth_session(ecc_auth *a, const char *token, bool touch, struct ecc_user *user);

/* Ends a session. ECC_OK or ECC_ERR_AUTH. */
int ecc_auth_logout(ecc_auth *a, const char *token, const char *ip);

/*
 * First start: when no user exists, creates "admin" with a random password
 * meeting the policy, writes it to pw (at least 32 bytes) and sets *created.
 */
int ecc_auth_bootstrap(ecc_auth *a, char *pw, size_t pw_size, bool *created);

/* A new random token (32 bytes from libsodium, base64url): sessions and
 * one-time links alike. */
void ecc_auth_token_new(char token[ECC_TOKEN_CHARS + 1]);
/* The SHA-256 of a token in hex, the only form in which tokens are stored. */
void ecc_auth_token_hash(const char *token, char hex[ECC_TOKEN_HASH_HEX + 1]);

/* Loads a user by name. ECC_OK or ECC_ERR_NOTFOUND. */
int ecc_auth_user_get(ecc_auth *a, const char *username, struct ecc_user *out);

#endif
