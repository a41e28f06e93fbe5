/* api_rooms: consultation rooms (会商室) over REST (rooms.h). */
#define G_LOG_DOMAIN "ecc-api"

#include "api.h"
#include "cases.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "recordings.h"
#include "rooms.h"

#include <sodium.h>
#include <string.h>

/* China has kept UTC+8 all year since 1991: "today" on the wall. */
#define SHANGHAI_MS (8 * 3600 * 1000LL)
#define DAY_MS      (86400 * 1000LL)

static void fail(struct ecc_req *req, int rc, const char *why)
{
	ecc_router_fail(req, rc,
	                why && why[0]            ? why
	                : rc == ECC_ERR_NOTFOUND ? "no such room"
	                                         : NULL);
}

static bool room_param(struct ecc_req *req, int64_t *id)
{
	if (api__param_id(req, 0, id))
		return true;
	ecc_req_error(req, 404, "not_found", "no such room (a room id is a positive integer)");
	return false;
}

static void answer_room(struct ecc_req *req, int64_t id, int status)
{
	cJSON *room = NULL, *o;
	int rc = ecc_rooms_get(req->hub->rooms, &req->user, id, &room);

	if (rc != ECC_OK) {
		fail(req, rc, NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "room", room);
	ecc_req_json(req, status, o);
}

/* Answers a change: its error, or the room as it is now. */
static void changed(struct ecc_req *req, int rc, const char *why, int64_t id, int status)
{
	if (rc != ECC_OK)
		fail(req, rc, why);
	else
		answer_room(req, id, status);
}

void api_rooms_list(struct ecc_req *req)
{
	int64_t now = ecc_now_ms(), today, from, limit, offset, closed;
	cJSON *out = NULL;
	int rc;

	today = (now + SHANGHAI_MS) / DAY_MS * DAY_MS - SHANGHAI_MS;
	if (api__query_int64(req, "from", today, 0, G_MAXINT64, &from) != ECC_OK ||
	    api__query_int64(req, "closed", 0, 0, 1, &closed) != ECC_OK ||
	    api__query_int64(req, "limit", 100, 1, 200, &limit) != ECC_OK ||
	    api__query_int64(req, "offset", 0, 0, 1000000, &offset) != ECC_OK) {
		ecc_req_error(
		    req, 400, "bad_request",
		    "from is a time in ms; closed 0 or 1; limit 1..200; offset 0..1000000");
		return;
	}
	rc = ecc_rooms_list(req->hub->rooms, &req->user, from, closed, (int)limit, (int)offset,
	                    &out);
	if (rc != ECC_OK)
		fail(req, rc, NULL);
	else
		ecc_req_json(req, 200, out);
}

void api_rooms_add(struct ecc_req *req)
{
	char why[ECC_ROOMS_WHY] = "";
	int64_t id = 0;
	int rc = ecc_rooms_create(req->hub->rooms, &req->user, req->json, req->ip, &id, why);

	changed(req, rc, why, id, 201);
}

void api_rooms_get(struct ecc_req *req)
{
	int64_t id;

	if (room_param(req, &id))
		answer_room(req, id, 200);
}

/* A change with a JSON body; answers with the room. */
static void change_json(struct ecc_req *req,
                        int (*fn)(ecc_rooms *, const struct ecc_user *, int64_t, const cJSON *,
                                  const char *, char *))
{
	char why[ECC_ROOMS_WHY] = "";
	int64_t id;
	int rc;

	if (!room_param(req, &id))
		return;
	rc = fn(req->hub->rooms, &req->user, id, req->json, req->ip, why);
	changed(req, rc, why, id, 200);
}

void api_rooms_update(struct ecc_req *req)
{
	change_json(req, ecc_rooms_update);
}

/* A change of the room that answers with the room (or {"ok":true} when the
 * caller can no longer see it: a guest who left). */
static void change(struct ecc_req *req,
                   int (*fn)(ecc_rooms *, const struct ecc_user *, int64_t, const char *, char *))
{
	char why[ECC_ROOMS_WHY] = "";
	int64_t id;
	int rc;

	if (!room_param(req, &id))
		return;
	rc = fn(req->hub->rooms, &req->user, id, req->ip, why);
	if (rc == ECC_OK && req->user.room)
		api__ok(req);
	else
		changed(req, rc, why, id, 200);
}

void api_rooms_close(struct ecc_req *req)
{
	change(req, ecc_rooms_close);
}

void api_rooms_join(struct ecc_req *req)
{
	change(req, ecc_rooms_join);
}

void api_rooms_leave(struct ecc_req *req)
{
	change(req, ecc_rooms_leave);
}

static void set_flag(struct ecc_req *req, const char *flag)
{
	char why[ECC_ROOMS_WHY] = "";
	int64_t id;
	int rc;

	if (!room_param(req, &id))
		return;
	rc = ecc_rooms_set_flag(req->hub->rooms, &req->user, id, flag, !strcmp(req->method, "POST"),
	                        req->ip, why);
	changed(req, rc, why, id, 200);
}

void api_rooms_lock(struct ecc_req *req)
{
	set_flag(req, "locked");
}

/* The room's recordings: the hearing's mix and each participant's tracks,
 * with the span of the hearing on record. Who may see the room (not its
 * guests) may list them. */
void api_rooms_recordings(struct ecc_req *req)
{
	int64_t id, t0 = 0, t1 = 0, bytes = 0;
	cJSON *room = NULL, *o, *list;
	const cJSON *rec;
	int rc, mixed = 0;

	if (!room_param(req, &id))
		return;
	rc = ecc_rooms_get(req->hub->rooms, &req->user, id, &room);
	cJSON_Delete(room);
	if (rc != ECC_OK) {
		fail(req, rc, NULL);
		return;
	}
	list = ecc_recordings_room(req->hub->recordings, id);
	cJSON_ArrayForEach(rec, list)
	{
		int64_t a = (int64_t)cJSON_GetObjectItemCaseSensitive(rec, "t0")->valuedouble;
		int64_t b = (int64_t)cJSON_GetObjectItemCaseSensitive(rec, "t1")->valuedouble;
		if (cJSON_GetObjectItemCaseSensitive(rec, "participant"))
			continue;
		t0 = mixed++ ? MIN(t0, a) : a;
		t1 = MAX(t1, b);
		bytes += (int64_t)cJSON_GetObjectItemCaseSensitive(rec, "bytes")->valuedouble;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "room", (double)id);
	if (mixed) {
		cJSON *h = cJSON_AddObjectToObject(o, "hearing");
		cJSON_AddNumberToObject(h, "t0", (double)t0);
		cJSON_AddNumberToObject(h, "t1", (double)t1);
		cJSON_AddNumberToObject(h, "segments", mixed);
		cJSON_AddNumberToObject(h, "bytes", (double)bytes);
	}
	cJSON_AddItemToObject(o, "recordings", list);
	ecc_req_json(req, 200, o);
}

/* A case's hearings and their recordings, for its timeline: whoever may
 * see the case. */
void api_cases_hearings(struct ecc_req *req)
{
	int64_t id;
	cJSON *kase = NULL, *o;
	int rc;

	if (!api__param_id(req, 0, &id)) {
		ecc_req_error(req, 404, "not_found", "no such case");
		return;
	}
	rc = ecc_cases_get(req->hub->cases, &req->user, id, &kase);
	cJSON_Delete(kase);
	if (rc != ECC_OK) {
		ecc_router_fail(req, rc,
		                rc == ECC_ERR_FORBIDDEN ? "this case is not yours to see" : NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "hearings", ecc_rooms_hearings(req->hub->rooms, id));
	ecc_req_json(req, 200, o);
}

void api_rooms_recording(struct ecc_req *req)
{
	set_flag(req, "recording");
}

void api_rooms_invite(struct ecc_req *req)
{
	change_json(req, ecc_rooms_invite);
}

/* The token and the link are in this answer only: the hub keeps a hash. */
void api_rooms_guest_add(struct ecc_req *req)
{
	char why[ECC_ROOMS_WHY] = "", token[ECC_TOKEN_CHARS + 1];
	int64_t id, pid = 0, expires_at = 0;
	cJSON *o;
	char *link;
	int rc;

	if (!room_param(req, &id))
		return;
	rc = ecc_rooms_guest_invite(req->hub->rooms, &req->user, id, req->json, req->ip, token,
	                            &pid, &expires_at, why);
	if (rc != ECC_OK) {
		fail(req, rc, why);
		return;
	}
	link = g_strdup_printf("/room/%" G_GINT64_FORMAT "?guest=%s", (gint64)id, token);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "room", (double)id);
	cJSON_AddNumberToObject(o, "participant", (double)pid);
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddStringToObject(o, "link", link);
	cJSON_AddNumberToObject(o, "expires_at", (double)expires_at);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(link, strlen(link));
	g_free(link);
	ecc_req_json(req, 201, o);
}

/* Refusals of a guest link: an unknown token is 401, one that was good
 * once is 410 (gone), each with its own code. */
static const struct {
	enum ecc_guest_refusal why;
	int status;
	const char *code, *message;
} refusals[] = {
    {ECC_GUEST_UNKNOWN, 401, "guest_link_invalid", "this guest link is not valid"},
    {ECC_GUEST_EXPIRED, 410, "guest_link_expired", "this guest link has expired"},
    {ECC_GUEST_USED, 410, "guest_link_used",
     "this guest link was used already; ask the host for a new one"},
    {ECC_GUEST_CLOSED, 410, "room_closed",
     "the room is closed or the host withdrew this invitation"},
};

void api_rooms_guest_enter(struct ecc_req *req)
{
	enum ecc_guest_refusal refusal = ECC_GUEST_UNKNOWN;
	char session[ECC_TOKEN_CHARS + 1];
	struct ecc_user g;
	cJSON *o, *guest;
	int rc = ecc_rooms_guest_exchange(req->hub->rooms, req->params[0], req->ip, session, &g,
	                                  &refusal);

	if (rc == ECC_ERR_AUTH) {
		for (size_t i = 0; i < G_N_ELEMENTS(refusals); i++) {
			if (refusals[i].why == refusal) {
				ecc_req_error(req, refusals[i].status, refusals[i].code,
				              refusals[i].message);
				return;
			}
		}
	}
	if (rc != ECC_OK) {
		fail(req, rc, NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", session);
	cJSON_AddNumberToObject(o, "room", (double)g.room);
	guest = cJSON_AddObjectToObject(o, "guest");
	cJSON_AddNumberToObject(guest, "participant", (double)g.participant);
	cJSON_AddStringToObject(guest, "username", g.username);
	cJSON_AddStringToObject(guest, "name", g.display_name);
	cJSON_AddStringToObject(guest, "state", "waiting");
	cJSON_AddNumberToObject(o, "expires_in", ECC_ROOM_GUEST_SESSION_S);
	/* the room page's session: HttpOnly, like a login's (the token in the
	 * answer is for API clients, as Bearer) */
	api__set_session_cookie(req, session, ECC_ROOM_GUEST_SESSION_S);
	sodium_memzero(session, sizeof(session));
	ecc_req_json(req, 200, o);
}

static void host_action(struct ecc_req *req, const char *action)
{
	char why[ECC_ROOMS_WHY] = "";
	int64_t id, pid;
	int rc;

	if (!room_param(req, &id))
		return;
	if (!api__param_id(req, 1, &pid)) {
		ecc_req_error(req, 404, "not_found", "no such participant in this room");
		return;
	}
	rc = ecc_rooms_participant(req->hub->rooms, &req->user, id, pid, action, req->ip, why);
	changed(req, rc, why, id, 200);
}

void api_rooms_admit(struct ecc_req *req)
{
	host_action(req, "admit");
}

void api_rooms_mute(struct ecc_req *req)
{
	host_action(req, !strcmp(req->method, "POST") ? "mute" : "unmute");
}

void api_rooms_remove(struct ecc_req *req)
{
	host_action(req, "remove");
}

/* Field video: a unit's stream brought into the room, or taken out. */
void api_rooms_feed_add(struct ecc_req *req)
{
	change_json(req, ecc_rooms_feed_add);
}

void api_rooms_feed_remove(struct ecc_req *req)
{
	char why[ECC_ROOMS_WHY] = "";
	int64_t id, stream;
	int rc;

	if (!room_param(req, &id))
		return;
	if (!api__param_id(req, 1, &stream)) {
		ecc_req_error(req, 404, "not_found", "that stream is no feed of this room");
		return;
	}
	rc = ecc_rooms_feed_remove(req->hub->rooms, &req->user, id, stream, req->ip, why);
	changed(req, rc, why, id, 200);
}
