/*
 * status: the gateway's presence on the bus, ecc/gw/{gw}/status (retained).
 *
 * Why: the hub learns which gateways are alive, and their load, from one
 * retained message per gateway; the MQTT last will turns it to "offline"
 * when the gateway dies without saying goodbye, and a clean stop publishes
 * "offline" itself (a clean DISCONNECT suppresses the will).
 *
 * Thread: the gateway's main loop. Ownership: ecc_gw_status_new returns an
 * object freed with ecc_gw_status_free, which publishes "offline".
 */
#ifndef ECC_GW_STATUS_H
#define ECC_GW_STATUS_H

#include "ecc_mqtt.h"

typedef struct ecc_gw_status ecc_gw_status;

struct ecc_gw_identity {
	const char *id;
	int capacity; /* streams this gateway accepts */
};

/* The will to give ecc_mqtt_new: topic and payload (caller frees both). */
void ecc_gw_status_will(const char *gw, char **topic, char **payload);

ecc_gw_status *ecc_gw_status_new(ecc_mqtt *m, const struct ecc_gw_identity *id);

/* Publishes the current status now (also every 10 s and on each connect). */
void ecc_gw_status_publish(ecc_gw_status *s);

void ecc_gw_status_free(ecc_gw_status *s);

#endif
