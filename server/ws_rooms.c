/* ws_rooms: the room:{id} WebSocket channel (a room page's view of its room). */
#define G_LOG_DOMAIN "ecc-ws"

#include "ecc_err.h"
#include "rooms.h"
#include "ws_internal.h"

#include <stdlib.h>

/* The room as c's user sees it, or NULL (no longer allowed). */
static cJSON *room_msg(struct client *c, int64_t id)
{
	cJSON *room = NULL, *o;

	if (ecc_rooms_get(c->ws->hub->rooms, &c->user, id, &room) != ECC_OK)
		return NULL;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "room");
	cJSON_AddItemToObject(o, "room", room);
	return o;
}

int ecc_ws__room_subscribe(struct client *c, const char *id, bool on)
{
	char *end = NULL;
	long long room = strtoll(id, &end, 10);
	cJSON *o;

	if (room <= 0 || !end || *end)
		return ECC_ERR_NOTFOUND;
	if (!on) {
		if (c->room == room)
			c->room = 0;
		return ECC_OK;
	}
	o = room_msg(c, room);
	if (!o)
		return ECC_ERR_FORBIDDEN;
	c->room = room;
	ecc_ws__enqueue_json(c, o);
	return ECC_OK;
}

void ecc_ws__room_push(struct client *c)
{
	cJSON *o = room_msg(c, c->room);

	if (!o) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "room_gone");
		cJSON_AddNumberToObject(o, "room", (double)c->room);
		c->room = 0;
	}
	ecc_ws__enqueue_json(c, o);
}
