/*
 * provision: MQTT identities for devices and gateways, created live in the
 * broker through mosquitto's dynamic-security plugin (no broker restart).
 *
 * Why: DESIGN.md, Security: one MQTT identity per device, with a role that
 * may publish only under ecc/unit/{id}/ (and its OwnTracks topic, if mapped)
 * and subscribe only to its own cmd topic. The hub's MQTT user is the
 * dynamic-security admin; on every connect it makes sure its own role
 * (ecc-hub: publish and subscribe under ecc/, read owntracks/) and the
 * default ACL access (deny publish and subscribe unless a role allows) are
 * in place. This is the one implementation of device provisioning; another
 * broker would get another file with the same header.
 *
 * Thread: the main loop. Requests are answered through a callback, once,
 * within 5 s (ECC_ERR_UNAVAIL on timeout or when the broker is away).
 * Ownership: ecc_provision_new borrows the bus; free with ecc_provision_free
 * (pending requests are answered ECC_ERR_UNAVAIL).
 */
#ifndef ECC_PROVISION_H
#define ECC_PROVISION_H

#include "bus.h"

#define ECC_MQTT_PASSWORD_CHARS 32

/* rc: ECC_OK, ECC_ERR_UNAVAIL, ECC_ERR_PROTO; why: the broker's words. */
typedef void (*ecc_provision_done)(void *user, int rc, const char *why);

ecc_provision *ecc_provision_new(ecc_bus *bus, const struct ecc_config *cfg);
void ecc_provision_free(ecc_provision *p);

/* Makes a random MQTT password (ECC_MQTT_PASSWORD_CHARS + NUL bytes). */
void ecc_provision_password(char out[ECC_MQTT_PASSWORD_CHARS + 1]);

/* Creates (or re-creates with a new password) the identity of a unit:
 * username = unit id. owntracks: "user/device" or NULL. */
int ecc_provision_unit(ecc_provision *p, const char *unit, const char *owntracks,
                       const char *password, ecc_provision_done done, void *user);

/* Removes a unit's identity and role (kicks it off the broker). */
int ecc_provision_unit_remove(ecc_provision *p, const char *unit, ecc_provision_done done,
                              void *user);

/* Creates a gateway identity: username = gw id, may publish under
 * ecc/gw/{gw}/ and read its own cmd. */
int ecc_provision_gateway(ecc_provision *p, const char *gw, const char *password,
                          ecc_provision_done done, void *user);

#endif
