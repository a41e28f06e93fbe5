/*
 * alert: raise, acknowledge, clear and escalate alerts.
 *
 * Why: emergencies (SOS, a camera switched on in a hostile scene, a unit gone
 * silent, a flat battery) must reach the duty staff within seconds and climb
 * to the commander when nobody acknowledges within [alerts] escalate_after.
 * Device events map to a kind and a severity through one table; the hub's own
 * conditions (offline, battery low) use the same path. Every alert is stored
 * and announced as ECC_EV_ALERT (the WebSocket's `alerts` channel).
 *
 * Thread: the main loop. Ownership: ecc_alerts_new returns an object freed
 * with ecc_alerts_free; JSON returned is the caller's (cJSON_Delete).
 * Errors: ECC_ERR_NOTFOUND, ECC_ERR_EXISTS (already acknowledged), ECC_ERR_DB.
 */
#ifndef ECC_ALERT_H
#define ECC_ALERT_H

#include "config.h"
#include "events.h"
#include "proto_event.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <stdint.h>

typedef struct ecc_alerts ecc_alerts;

enum ecc_severity { ECC_SEV_INFO = 0, ECC_SEV_LOW, ECC_SEV_MEDIUM, ECC_SEV_HIGH, ECC_SEV_CRITICAL };

struct ecc_alert_spec {
	const char *kind; /* "sos", "offline", "battery_low", ... */
	enum ecc_severity severity;
	const char *unit;    /* may be NULL for center-wide alerts */
	const char *message; /* human text (Chinese is fine), may be NULL */
	int64_t device_ts;   /* 0 when not from a device */
	double lat, lon;     /* NAN when unknown */
	/* Alerts about a person's work (an overdue case node) rather than a
	 * unit: who is responsible, whom it escalates to instead of the
	 * commander, and what it is about ("case:ID/node:ID"); all may be NULL. */
	const char *assignee;
	const char *escalate_to;
	const char *subject;
};

ecc_alerts *ecc_alerts_new(ecc_store *st, const struct ecc_config *cfg, ecc_events *ev);
void ecc_alerts_free(ecc_alerts *a);

const char *ecc_severity_name(enum ecc_severity s);

/* Stores and announces an alert. *id_out may be NULL. */
int ecc_alerts_raise(ecc_alerts *a, const struct ecc_alert_spec *s, int64_t *id_out);

/* A device event: looked up in the kind table, raised when the table says
 * so. ECC_OK (raised), ECC_ERR_IGNORED (an event kind that is not an alert). */
int ecc_alerts_from_event(ecc_alerts *a, const char *unit, const struct ecc_event *e);

/* Clears the open alerts of kind for unit (the condition went away). */
int ecc_alerts_clear(ecc_alerts *a, const char *unit, const char *kind);

/* Clears the alerts about subject that are not cleared yet. */
int ecc_alerts_clear_subject(ecc_alerts *a, const char *subject);

/* Rewrites the message of an alert that is not cleared (what it is about
 * changed: the overdue nodes of a case) and announces it; ECC_ERR_NOTFOUND
 * when there is no such alert or it is cleared. */
int ecc_alerts_set_message(ecc_alerts *a, int64_t id, const char *message);

/* Acknowledges alert id as user (audited). */
int ecc_alerts_ack(ecc_alerts *a, int64_t id, const char *user, const char *ip);

/* One alert as JSON, or NULL when not found. */
cJSON *ecc_alerts_get(ecc_alerts *a, int64_t id);

/* Alerts, newest first: state NULL for any ("open", "acked", "cleared"),
 * unit NULL for any, before_id 0 for the newest page. */
cJSON *ecc_alerts_list(ecc_alerts *a, const char *state, const char *unit, int64_t before_id,
                       int limit);

/* Checks open alerts for escalation now (also runs every second). */
void ecc_alerts_tick(ecc_alerts *a);

/* Who an alert goes to: role "duty" when it is raised without a named
 * assignee (stored as assignee), "commander" when it escalates without a
 * named escalate_to (stored there at escalation). The
 * function returns usernames joined by commas (g_free'd by the caller), or
 * NULL for nobody; the duty roster (duty.c) provides it. */
typedef char *(*ecc_alerts_who_fn)(void *data, const char *role);
void ecc_alerts_set_router(ecc_alerts *a, ecc_alerts_who_fn who, void *data);

/* The active operation a unit is on (0: none): an alert raised for the unit
 * names it ("operation" in its JSON; operations.h provides it). */
typedef int64_t (*ecc_alerts_op_fn)(void *data, const char *unit);
void ecc_alerts_set_operation_fn(ecc_alerts *a, ecc_alerts_op_fn fn, void *data);

#endif
