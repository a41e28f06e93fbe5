/*
 * bus: the hub's MQTT client and the table of topics it receives.
 *
 * Why: devices, OwnTracks phones and gateways talk to the hub through
 * mosquitto (DESIGN.md, MQTT topics). One persistent MQTT v5 session
 * (QoS 1, [mqtt] session_expiry) keeps what is published while the hub is
 * down; each received topic kind has one handler in a static table.
 * Malformed payloads are logged (unit, reason) and dropped.
 *
 * Thread: the main loop. Ownership: ecc_bus_new borrows the hub; free with
 * ecc_bus_free. Errors: ECC_ERR_UNAVAIL (not connected, QoS 0 dropped).
 */
#ifndef ECC_BUS_H
#define ECC_BUS_H

#include "ecc_mqtt.h"
#include "hub.h"

#include <stddef.h>

/* Called with every message on a topic under $CONTROL/ (provisioning). */
typedef void (*ecc_bus_control_fn)(void *user, const char *topic, const void *payload, size_t len);

ecc_bus *ecc_bus_new(struct ecc_hub *hub);

/* For the command line: its own client id, a clean session, and only the
 * $CONTROL answers (never the daemon's session or its messages). */
ecc_bus *ecc_bus_new_cli(struct ecc_hub *hub);
int ecc_bus_start(ecc_bus *b);
void ecc_bus_free(ecc_bus *b);

bool ecc_bus_connected(const ecc_bus *b);
ecc_mqtt *ecc_bus_mqtt(ecc_bus *b);

/* Routes $CONTROL/... responses to fn (one listener). */
void ecc_bus_on_control(ecc_bus *b, ecc_bus_control_fn fn, void *user);

/* Runs fn once each time the connection is (re)established. */
void ecc_bus_on_connect(ecc_bus *b, void (*fn)(void *user), void *user);

struct ecc_bus_stats {
	uint64_t messages;
	uint64_t dropped; /* malformed, unknown unit, unknown topic */
	unsigned connects;
};
void ecc_bus_get_stats(const ecc_bus *b, struct ecc_bus_stats *out);

#endif
