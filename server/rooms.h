/*
 * rooms: consultation rooms (会商室) for consultations (会商), hearings
 * (听证), talks (谈话) and coordination (协调), and who is in them.
 *
 * Why: judges hold hearings and case conferences remotely, with parties,
 * lawyers and judges of other courts (DOMAIN.md, seed 002 part 2.(2)); issue
 * 9. This module keeps a room's state (scheduled, open, closed; locked;
 * recording) and its participants' (invited, waiting, in, left, removed;
 * muted): the media plane acts on that state later, it does not own it.
 * A room has a title, a kind (stored as an ASCII key: consult, hearing,
 * talk, coordination), an optional case, a scheduled start and a host.
 *
 * Scope: a room of a case is seen and joined by whoever may see the case
 * (ecc_cases_access, the cases module's own rule); a room without a case by
 * the center (admin, commander, duty), its host and the users invited. The
 * host, an admin or a commander manage it (update, invite, admit, mute,
 * remove, lock, recording, close). A guest holds a one-time link (random,
 * stored only as its SHA-256 like session tokens, with an expiry) that it
 * exchanges once for a guest session: role guest, scoped to that room only
 * (struct ecc_user.room), which waits until the host admits it. Every join,
 * leave, admission, mute, removal, lock, recording change and every use or
 * refusal of a guest link goes to the audit log, with who and when.
 *
 * Thread: the main loop. Ownership: ecc_rooms_new borrows the hub; cJSON
 * returned is the caller's.
 * Errors: ECC_ERR_INVAL (why says what), ECC_ERR_NOTFOUND, ECC_ERR_FORBIDDEN
 * (outside the caller's scope, not the host; why says which), ECC_ERR_EXISTS
 * (the state does not allow it: closed, locked; why says which),
 * ECC_ERR_AUTH (no such guest session), ECC_ERR_DB.
 */
#ifndef ECC_ROOMS_H
#define ECC_ROOMS_H

#include "auth.h"
#include "hub.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#define ECC_ROOMS_WHY 160

/* A guest session lasts at most this long (a long hearing), and ends
 * earlier when the guest leaves or is removed, or the room closes. */
#define ECC_ROOM_GUEST_SESSION_S (6 * 3600)
/* The longest a guest link may stay valid, and its default. */
#define ECC_ROOM_LINK_MAX_S     (30 * 86400)
#define ECC_ROOM_LINK_DEFAULT_S 86400

ecc_rooms *ecc_rooms_new(struct ecc_hub *hub);
void ecc_rooms_free(ecc_rooms *r);

/* ---- rooms -------------------------------------------------------------- */

/* Creates a room from a JSON body: "title", "kind" (the key or its Chinese
 * name), "scheduled_at" (ms), optional "case_id", optional "host" (a user
 * who may see the case; default the caller). The host is invited. */
int ecc_rooms_create(ecc_rooms *r, const struct ecc_user *u, const cJSON *body, const char *ip,
                     int64_t *id, char why[ECC_ROOMS_WHY]);
/* Changes title, kind, scheduled_at, host or case_id of a room not closed. */
int ecc_rooms_update(ecc_rooms *r, const struct ecc_user *u, int64_t id, const cJSON *body,
                     const char *ip, char why[ECC_ROOMS_WHY]);
/* Closes the room: everyone still there leaves, guest sessions end,
 * recording stops. EXISTS when already closed. */
int ecc_rooms_close(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *ip,
                    char why[ECC_ROOMS_WHY]);
/* The room with its participants, for u. */
int ecc_rooms_get(ecc_rooms *r, const struct ecc_user *u, int64_t id, cJSON **out);
/* {"rooms":[..],"total","offset"}: rooms open now or scheduled from from_ms
 * on (not closed ones unless closed too), that u may see. */
int ecc_rooms_list(ecc_rooms *r, const struct ecc_user *u, int64_t from_ms, bool closed, int limit,
                   int offset, cJSON **out);

/* Sets a room flag: "locked" or "recording" (state only; audited as
 * lock/unlock, recording_start/recording_stop). */
int ecc_rooms_set_flag(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *flag,
                       bool on, const char *ip, char why[ECC_ROOMS_WHY]);

/* ---- participants ------------------------------------------------------- */

/* Invites users of ECC: body {"users":["name",..]}; each must exist and,
 * for a room of a case, see that case. */
int ecc_rooms_invite(ecc_rooms *r, const struct ecc_user *u, int64_t id, const cJSON *body,
                     const char *ip, char why[ECC_ROOMS_WHY]);

/* A user joins (state in): FORBIDDEN without access or when removed,
 * EXISTS when closed, or locked and u is not the host. */
int ecc_rooms_join(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *ip,
                   char why[ECC_ROOMS_WHY]);
/* u leaves the room (a guest's session ends with it). */
int ecc_rooms_leave(ecc_rooms *r, const struct ecc_user *u, int64_t id, const char *ip,
                    char why[ECC_ROOMS_WHY]);

/* A host's action on participant pid: "admit" (waiting -> in), "mute",
 * "unmute", "remove" (a guest's session ends). */
int ecc_rooms_participant(ecc_rooms *r, const struct ecc_user *u, int64_t id, int64_t pid,
                          const char *action, const char *ip, char why[ECC_ROOMS_WHY]);

/* ---- guests (roomguests.c) ---------------------------------------------- */

/* Invites a guest: body {"name", "note" (party, lawyer, another court's
 * judge...), "expires_in" seconds}. token receives the one-time link's
 * token, shown once; *pid the participant, *expires_at the link's end. */
int ecc_rooms_guest_invite(ecc_rooms *r, const struct ecc_user *u, int64_t id, const cJSON *body,
                           const char *ip, char token[ECC_TOKEN_CHARS + 1], int64_t *pid,
                           int64_t *expires_at, char why[ECC_ROOMS_WHY]);

/* Why a guest link was refused. */
enum ecc_guest_refusal {
	ECC_GUEST_OK = 0,
	ECC_GUEST_UNKNOWN, /* no such link */
	ECC_GUEST_EXPIRED, /* past its expiry */
	ECC_GUEST_USED,    /* exchanged before: links are one-time */
	ECC_GUEST_CLOSED,  /* the room closed, or the host removed the guest */
};

/* Exchanges a link's token for a guest session (token session, valid
 * ECC_ROOM_GUEST_SESSION_S at most); the guest waits for admission. On a
 * refusal returns ECC_ERR_AUTH with *refusal set (audited as refused). */
int ecc_rooms_guest_exchange(ecc_rooms *r, const char *link, const char *ip,
                             char session[ECC_TOKEN_CHARS + 1], struct ecc_user *guest,
                             enum ecc_guest_refusal *refusal);

/* Resolves a guest session's token to its guest (role guest, room and
 * participant set). ECC_OK, or ECC_ERR_AUTH (unknown, expired, ended). */
int ecc_rooms_guest_session(ecc_rooms *r, const char *token, struct ecc_user *guest);

/* ---- media (roommedia.c) ------------------------------------------------ */

/* Each participant publishes its camera and microphone into a stream of
 * its own (streams.h: a room stream, owned by the participant, not a
 * unit) and watches the others' (views.h): the gateway forwards, one
 * ingest per participant however many watch. The room's JSON gives each
 * publishing participant's "stream"; the room:{id} WebSocket channel
 * pushes the room again after every change. */

/* The stream u publishes into in room id (made on the first publish), in
 * *stream: its camera and microphone, or (screen) its shared screen, a
 * second stream of the participant (video only; "screen_stream" in the
 * room's JSON). u must be in the room: joined, or a guest admitted.
 * FORBIDDEN (no access, not in, waiting: why says which), NOTFOUND,
 * EXISTS (closed), ECC_ERR_DB. */
int ecc_rooms_media_publish(ecc_rooms *r, const struct ecc_user *u, int64_t id, bool screen,
                            int64_t *stream, char why[ECC_ROOMS_WHY]);
/* The participant stopped sharing its screen (its page said so, or went
 * away): the screen stream ends and the room is pushed again. Nothing for
 * a stream that is no shared screen. */
void ecc_rooms_media_unshare(ecc_rooms *r, int64_t stream);
/* ECC_OK when u may watch room stream stream: u in its room, and its
 * participant in too. NOTFOUND (no room stream, or its participant is
 * gone), FORBIDDEN, EXISTS, ECC_ERR_DB. */
int ecc_rooms_media_watch(ecc_rooms *r, const struct ecc_user *u, int64_t stream,
                          char why[ECC_ROOMS_WHY]);

/* The rooms of case_id (the caller checks the case's scope), oldest first,
 * each with the segments of its hearing's mix: [{room, title, kind, state,
 * scheduled_at, segments: [{id, t0, t1, bytes, cut_short}]}] (roomrecord.c). */
cJSON *ecc_rooms_hearings(ecc_rooms *r, int64_t case_id);

/* ---- field video (roomfeeds.c) ------------------------------------------ */

/* The host brings a unit's live stream (one the host may watch) into the
 * room: body {"stream": id}. No second pull from the device: the room's
 * participants watch the existing ingest (views.h), a guest too, for as
 * long as it is a feed of the room. Stored (room_feeds), audited
 * room.feed_add / room.feed_remove; the room's JSON lists "feeds".
 * INVAL (bad body), NOTFOUND (no such room or stream), FORBIDDEN (not the
 * host, or a unit the host may not see), EXISTS (in already; closed). */
int ecc_rooms_feed_add(ecc_rooms *r, const struct ecc_user *u, int64_t id, const cJSON *body,
                       const char *ip, char why[ECC_ROOMS_WHY]);
/* Takes stream out of the room: the views it allowed end. NOTFOUND when it
 * is no feed of the room. */
int ecc_rooms_feed_remove(ecc_rooms *r, const struct ecc_user *u, int64_t id, int64_t stream,
                          const char *ip, char why[ECC_ROOMS_WHY]);
/* ECC_OK when u may watch unit stream stream as a feed of a room u is in
 * (joined, or a guest admitted; the room not closed), *room that room.
 * FORBIDDEN otherwise, ECC_ERR_DB. */
int ecc_rooms_feed_watch(ecc_rooms *r, const struct ecc_user *u, int64_t stream, int64_t *room);

#endif
