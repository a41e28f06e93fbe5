/*
 * streams_internal: what streams.c (the stream table, assignment, health)
 * and roomstreams.c (a consultation room's streams: participants' cameras
 * and screens, the hearing's mix) share. Not for other modules.
 */
#ifndef ECC_STREAMS_INTERNAL_H
#define ECC_STREAMS_INTERNAL_H

#include "hub.h"
#include "streams.h"

#include <cjson/cJSON.h>

struct live {
	int64_t id;
	char name[24]; /* "s<id>", the gateway's name for it */
	char unit[ECC_UNIT_ID_MAX + 1];
	char *url, *transport, *source;
	char *restream; /* a live push's destination, or NULL (kept in memory) */
	bool record;
	char gateway[65];          /* assigned gateway, or empty */
	char state[16];            /* as the gateway reports it, "unassigned" or "unknown" */
	cJSON *health;             /* the last report */
	int64_t reported;          /* hub clock, ms */
	bool was_live;             /* has delivered video since it was assigned */
	bool alerted;              /* a stream_stalled alert is open */
	int64_t down_at;           /* hub clock, ms, when it last stopped being live; 0: live */
	int64_t room, participant; /* a room participant's stream (in memory); 0: a unit's */
	bool screen;               /* that participant's shared screen, not its camera */
	bool muted;                /* a room stream whose sound the gateway drops */
	bool mixed;                /* a room stream in its room's mix (the hearing's recording) */
	char *label;               /* its participant's name on its picture there */
	cJSON *mix;                /* a room's mix (participant 0): its inputs, or NULL */
	int64_t feed_mix;          /* a unit's stream: the room whose hearing's mix takes it */
};

struct ecc_streams {
	struct ecc_hub *hub;
	GHashTable *by_id;   /* int64 id (boxed) -> struct live* */
	GHashTable *by_name; /* "s<id>" -> struct live* */
	guint tick_id;
	int64_t room_next; /* the next room stream's id: negative, never stored */
};

/* streams.c */
struct live *streams__by_id(ecc_streams *s, int64_t id);
/* Indexes a new stream (by id and by its gateway name "s<id>"). */
struct live *streams__index_live(ecc_streams *s, int64_t id, const struct ecc_stream_def *d,
                                 const char *gateway);
/* The gateway's order for l (without "op"). */
cJSON *streams__order_of(const struct live *l);
/* Gives every stream without a live gateway to one. */
void streams__assign(ecc_streams *s);

#endif
