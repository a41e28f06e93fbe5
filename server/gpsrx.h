/*
 * gpsrx: one gpsd client per [gps.NAME] receiver (a command vehicle's GPS).
 *
 * Why: vehicles report through gpsd (DESIGN.md); each connection is a GLib
 * watch on libgps's socket (gps_open, gps_stream WATCH_ENABLE|WATCH_JSON,
 * gps_read), its TPV fixes become positions of the configured unit. When
 * gpsd goes away the client reconnects with backoff (0.5 s doubling to 5 s),
 * forever.
 *
 * Thread: the main loop. Ownership: ecc_gps_new borrows config and
 * telemetry; free with ecc_gps_free.
 */
#ifndef ECC_GPSRX_H
#define ECC_GPSRX_H

#include "hub.h"

ecc_gps *ecc_gps_new(const struct ecc_config *cfg, ecc_telemetry *t);
void ecc_gps_free(ecc_gps *g);

/* Fixes received from all receivers since start. */
unsigned long ecc_gps_fixes(const ecc_gps *g);

#endif
