/*
 * rooms_internal: what rooms.c (rooms, users in them) and roomguests.c
 * (guest links and sessions) share. Not for other modules.
 */
#ifndef ECC_ROOMS_INTERNAL_H
#define ECC_ROOMS_INTERNAL_H

#include "rooms.h"

struct ecc_rooms {
	struct ecc_hub *hub;
};

/* What the checks need of a room. */
struct room_head {
	int64_t id;
	int64_t case_id; /* 0: none */
	char host[ECC_NAME_MAX + 1];
	char state[16]; /* scheduled, open, closed */
	bool locked, recording;
};

/* What a call needs of a room, for rooms__scoped. */
enum {
	ROOMS_MANAGE = 1 << 0,     /* u is its host, an admin or a commander */
	ROOMS_NOT_CLOSED = 1 << 1, /* else ECC_ERR_EXISTS, "the room is closed" */
};

/* Loads room id, no scope checked: ECC_OK, ECC_ERR_NOTFOUND, ECC_ERR_DB. */
int rooms__head(ecc_rooms *r, int64_t id, struct room_head *h);

/* Loads room id and checks that u may see it, and what need asks:
 * ECC_OK, ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN, ECC_ERR_EXISTS (why says
 * why), ECC_ERR_DB. */
int rooms__scoped(ecc_rooms *r, const struct ecc_user *u, int64_t id, unsigned need,
                  struct room_head *h, char why[ECC_ROOMS_WHY]);

/* Ends the durable transaction of a change: rc ECC_OK appends the audit
 * row (detail is freed) and commits; else rolls back and returns
 * ECC_ERR_DB. */
int rooms__end(ecc_rooms *r, int rc, const char *actor, const char *action, int64_t id,
               cJSON *detail, const char *ip);

/* The participant of room id who is user username, or (username NULL) whose
 * id is *pid: sets *pid, state and name (each may be NULL). ECC_OK,
 * ECC_ERR_NOTFOUND, ECC_ERR_DB. */
int rooms__participant(ecc_rooms *r, int64_t id, const char *username, int64_t *pid, char state[16],
                       char name[2 * ECC_NAME_MAX + 1]);

/* Adds an invitation of username to room id (none when there is one), in
 * the caller's transaction. ECC_OK or ECC_ERR_DB. */
int rooms__invite_one(ecc_rooms *r, int64_t id, const char *username, const char *by);

/* Runs one statement with a room's or participant's id as ?1 (and the time
 * now as ?2, where it has one) in the caller's transaction. */
int rooms__run(ecc_rooms *r, const char *sql, int64_t id);

/* Appends an audit row about room id; detail (may be NULL) is freed;
 * result NULL is "ok". */
void rooms__audit(ecc_rooms *r, const char *actor, const char *action, int64_t id, cJSON *detail,
                  const char *ip, const char *result);

/* roommedia.c: the room's participant streams follow its state (a
 * participant muted is muted at the gateway; one who left, was removed or
 * whose room closed has its stream stopped). */
void rooms__media_sync(ecc_rooms *r, int64_t room);
/* roomrecord.c: the hearing's mix follows the room's recording flag, who
 * is in and who publishes. */
void rooms__record_sync(ecc_rooms *r, int64_t room);
/* roomfeeds.c: the room's feeds as JSON (an array), and the views they
 * allowed ended where the room closed or the participant is no longer in. */
cJSON *rooms__feeds_json(ecc_rooms *r, int64_t room);
void rooms__feeds_sync(ecc_rooms *r, int64_t room);
/* After a change is committed: the streams follow and ECC_EV_ROOM goes
 * out (the room:{id} WebSocket channel). */
void rooms__changed(ecc_rooms *r, int64_t room);

/* Formats why and returns err. */
int rooms__fail(char why[ECC_ROOMS_WHY], int err, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

#endif
