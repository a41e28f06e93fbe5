/* ws_publish: the WebSocket's publish messages (publish, publish_offer,
 * publish_ice, unpublish) and what publish.c sends back on a client's
 * connection. */
#define G_LOG_DOMAIN "ecc-ws"

#include "ecc_err.h"
#include "ecc_json.h"
#include "publish.h"
#include "router.h"
#include "ws_internal.h"

#include <string.h>

static void send_publish(void *client, cJSON *msg)
{
	ecc_ws__enqueue_json(client, msg);
}

/* publish {room?, screen?}: publishing {session, stream, unit,
 * ice_servers}, or an error. Without room: the user's unit's camera; with
 * it: the user's camera in that room (rooms.h), or (screen true) its
 * shared screen. */
void ecc_ws__m_publish(struct client *c, const cJSON *msg)
{
	const char *why = "";
	int64_t room = 0;
	bool screen = false;
	int rc;

	if (cJSON_GetObjectItemCaseSensitive(msg, "room"))
		rc = ecc_json_get_int64(msg, "room", &room) == ECC_OK && room > 0 &&
		             ecc_json_get_bool(msg, "screen", &screen) != ECC_ERR_INVAL
		         ? ecc_publish_room(c->ws->hub->publish, c, &c->user, c->ip, room, screen,
		                            &why)
		         : (why = "room must be a room id, screen true or false", ECC_ERR_INVAL);
	else
		rc = ecc_publish_start(c->ws->hub->publish, c, &c->user, c->ip, &why);
	if (rc == ECC_OK)
		return;
	ecc_ws__send_error(c, ecc_router_err_code(rc), why);
}

/* talk {stream}: talking {session, stream, unit, ice_servers}, or an error. */
void ecc_ws__m_talk(struct client *c, const cJSON *msg)
{
	const char *why = "talk needs a stream id";
	int64_t stream = 0;
	int rc = ECC_ERR_INVAL;

	if (ecc_json_get_int64(msg, "stream", &stream) == ECC_OK && stream > 0)
		rc = ecc_publish_talk(c->ws->hub->publish, c, &c->user, c->ip, stream, &why);
	if (rc == ECC_OK)
		return;
	ecc_ws__send_error(c, ecc_router_err_code(rc), why);
}

/* publish_offer {session, sdp}, publish_ice {session, mline, candidate},
 * unpublish {session} */
void ecc_ws__m_publish_signal(struct client *c, const cJSON *msg)
{
	const char *type = NULL, *session = NULL, *text = NULL;
	ecc_publish *p = c->ws->hub->publish;
	double mline = 0;
	int rc = ECC_ERR_INVAL;

	ecc_json_get_string(msg, "type", &type);
	if (ecc_json_get_string(msg, "session", &session) != ECC_OK) {
		ecc_ws__send_error(c, "bad_request", "a publish message needs its session id");
		return;
	}
	if (!strcmp(type, "unpublish") || !strcmp(type, "untalk")) {
		bool reconnect = false;
		ecc_json_get_bool(msg, "reconnect", &reconnect);
		rc = ecc_publish_stop(p, c, session, reconnect);
	} else if ((!strcmp(type, "publish_offer") || !strcmp(type, "talk_offer")) &&
	           ecc_json_get_string(msg, "sdp", &text) == ECC_OK && strlen(text) < 65536)
		rc = ecc_publish_offer(p, c, session, text);
	else if ((!strcmp(type, "publish_ice") || !strcmp(type, "talk_ice")) &&
	         ecc_json_get_string(msg, "candidate", &text) == ECC_OK && strlen(text) < 1024 &&
	         ecc_json_get_number(msg, "mline", &mline) == ECC_OK && mline >= 0 && mline < 16)
		rc = ecc_publish_ice(p, c, session, (unsigned)mline, text);
	if (rc == ECC_ERR_NOTFOUND)
		ecc_ws__send_error(c, "not_found", "no such publish session on this connection");
	else if (rc != ECC_OK)
		ecc_ws__send_error(
		    c, "bad_request",
		    "publish_offer needs sdp; publish_ice needs mline and candidate");
}

void ecc_ws__publish_attach(ecc_publish *p)
{
	ecc_publish_set_sender(p, send_publish);
}
