/*
 * events: the hub's in-process notifications (position moved, unit state
 * changed, alert raised or updated).
 *
 * Why: telemetry, alerts and (later) operations produce changes that several
 * modules consume (the WebSocket fan-out today; geofences and incidents
 * later) without the producers knowing the consumers.
 * Listeners run synchronously inside ecc_events_emit, on the main loop; the
 * object passed is borrowed for the duration of the call.
 */
#ifndef ECC_EVENTS_H
#define ECC_EVENTS_H

enum ecc_event_kind {
	ECC_EV_POSITION,  /* const struct ecc_unit *: its newest position moved */
	ECC_EV_UNIT,      /* const struct ecc_unit *: state, name or kind changed; added */
	ECC_EV_UNIT_GONE, /* const char *: a unit id that was deleted */
	ECC_EV_ALERT,     /* const cJSON *: an alert as the API shows it */
	ECC_EV_STREAM,    /* const cJSON *: a stream's state and health, with "unit" */
	ECC_EV_RECORDING, /* const cJSON *: a segment just filed, with "unit" */
	ECC_EV_USER,      /* const char *: a username locked or given another role */
	ECC_EV_DUTY,      /* const char *: what of the duty changed (signin, log, ...) */
	ECC_EV_DISPATCH,  /* const cJSON *: {"type":"instruction"|"report"|"incident", ..} */
	ECC_EV_ROOM,      /* const int64_t *: a room whose state or participants changed */

	ECC_EV__COUNT
};

typedef struct ecc_events ecc_events;
typedef void (*ecc_event_fn)(void *user, enum ecc_event_kind kind, const void *obj);

ecc_events *ecc_events_new(void);
void ecc_events_free(ecc_events *ev);
void ecc_events_listen(ecc_events *ev, enum ecc_event_kind kind, ecc_event_fn fn, void *user);
void ecc_events_emit(ecc_events *ev, enum ecc_event_kind kind, const void *obj);

/* Emits {"type": name, name: item} (a cJSON object, taken; nothing when
 * NULL): how a module tells the WebSocket an object's new state. */
void ecc_events_emit_item(ecc_events *ev, enum ecc_event_kind kind, const char *name, void *item);

#endif
