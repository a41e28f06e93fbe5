/*
 * hub: the modules of ecc-hub, wired together by main.c.
 *
 * Why: request handlers and MQTT dispatch need several modules at once; they
 * get this one struct instead of a dozen globals. main.c creates the modules
 * in order and frees them in reverse; nothing else assigns these fields.
 * Thread: the main loop.
 */
#ifndef ECC_HUB_H
#define ECC_HUB_H

#include "alert.h"
#include "auth.h"
#include "config.h"
#include "events.h"
#include "store.h"
#include "telemetry.h"
#include "units.h"

#include <glib.h>

typedef struct ecc_bus ecc_bus;
typedef struct ecc_provision ecc_provision;
typedef struct ecc_gps ecc_gps;
typedef struct ecc_ws ecc_ws;
typedef struct ecc_http ecc_http;
typedef struct ecc_gateways ecc_gateways;
typedef struct ecc_streams ecc_streams;
typedef struct ecc_recordings ecc_recordings;
typedef struct ecc_views ecc_views;
typedef struct ecc_publish ecc_publish;
typedef struct ecc_duty ecc_duty;
typedef struct ecc_cases ecc_cases;
typedef struct ecc_operations ecc_operations;
typedef struct ecc_instructions ecc_instructions;
typedef struct ecc_upreports ecc_upreports;
typedef struct ecc_incidents ecc_incidents;
typedef struct ecc_evidence ecc_evidence;
typedef struct ecc_rooms ecc_rooms;

struct ecc_hub {
	const struct ecc_config *cfg;
	GMainLoop *loop;
	ecc_store *store;
	ecc_events *events;
	ecc_auth *auth;
	ecc_units *units;
	ecc_alerts *alerts;
	ecc_telemetry *telemetry;
	ecc_bus *bus;
	ecc_provision *provision;
	ecc_gps *gps;
	ecc_gateways *gateways;
	ecc_streams *streams;
	ecc_recordings *recordings;
	ecc_views *views;
	ecc_publish *publish; /* phones publishing their camera */
	ecc_duty *duty;
	ecc_cases *cases;
	ecc_operations *operations;
	ecc_instructions *instructions; /* instructions, reports up, incidents */
	ecc_upreports *upreports;
	ecc_incidents *incidents;
	ecc_evidence *evidence;
	ecc_rooms *rooms; /* consultation rooms (会商室) */
	ecc_ws *ws;
	ecc_http *http;

	int64_t started_ms;
};

#endif
