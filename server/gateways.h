/*
 * gateways: the media gateways the hub knows, from their retained
 * ecc/gw/{gw}/status, and the orders sent to them on ecc/gw/{gw}/cmd.
 *
 * Why: streams are assigned to the least-loaded live gateway and re-homed
 * when one goes offline (its last will, or 30 s without a status); a gateway
 * whose disk runs low raises an alert (and retention frees space). The
 * gateway's recordings and snapshots folders come with its status, so the
 * hub can serve their files (gateways on the hub's box; see README).
 *
 * Thread: the main loop. Ownership: ecc_gateways_new borrows the hub.
 */
#ifndef ECC_GATEWAYS_H
#define ECC_GATEWAYS_H

#include "hub.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

struct ecc_gateway {
	char id[65];
	bool online;
	int capacity;
	int64_t last_seen; /* hub clock, UTC ms, of the last status */
	double disk_free_mb, disk_total_mb;
	bool disk_low;
	char *recordings; /* absolute folder on the gateway's box */
	char *snapshots;
};

typedef struct ecc_gateways ecc_gateways;

ecc_gateways *ecc_gateways_new(struct ecc_hub *hub);
void ecc_gateways_free(ecc_gateways *g);

/* A retained status message (topic ecc/gw/{gw}/status). */
void ecc_gateways_on_status(ecc_gateways *g, const char *gw, const char *payload, size_t len);

struct ecc_gateway *ecc_gateways_get(ecc_gateways *g, const char *gw);

/* The online gateways, in id order (array owned by the caller, elements not). */
GPtrArray *ecc_gateways_online(ecc_gateways *g);

/* Publishes an order (consumed) to a gateway, QoS 1. ECC_OK or an error. */
int ecc_gateways_send(ecc_gateways *g, const char *gw, cJSON *order);

cJSON *ecc_gateways_json(ecc_gateways *g);

#endif
