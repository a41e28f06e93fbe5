/*
 * gpsrx: one gpsd client per [gps.NAME] receiver (a command vehicle's GPS).
 *
 * Why: vehicles report through gpsd (DESIGN.md). Each receiver is a TCP
 * connection to gpsd driven by fd watches on the hub's loop: connect without
 * blocking, send ?WATCH for JSON, read lines (at most ECC_GPSD_MAX_BYTES
 * each; a longer line is dropped), and turn TPV fixes into positions of the
 * configured unit with proto_gpsd (not libgps: see proto_gpsd.h). When gpsd
 * goes away the client reconnects with backoff (0.5 s doubling to 5 s),
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
