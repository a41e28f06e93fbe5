/*
 * nmea_server: serves one simulated GPS receiver as NMEA 0183 over TCP.
 *
 * Why: gpsd reads network receivers with `gpsd -N -n tcp://HOST:PORT`; this
 * listens on HOST:PORT and, once a second (on the second of the wall clock),
 * asks its fix callback for the unit's position and writes RMC, GGA, GSA and
 * VTG sentences (nmea.c) to every connected client. gpsd (or nc) may
 * connect, drop and reconnect any number of times. A client that does not
 * keep up loses sentences rather than blocking the loop.
 *
 * Thread: the default GMainContext (g_unix_fd_add, g_timeout_add).
 * Ownership: ecc_nmea_server_new returns a server the caller frees with
 * ecc_nmea_server_free (NULL accepted; closes every socket). The fix
 * callback's user pointer is borrowed and must outlive the server.
 * Errors: ecc_nmea_server_new returns ECC_OK, ECC_ERR_INVAL (the address is
 * not HOST:PORT) or ECC_ERR_IO (cannot listen; logged with the cause).
 */
#ifndef ECC_NMEA_SERVER_H
#define ECC_NMEA_SERVER_H

#include "position.h"

#include <stdbool.h>

typedef struct ecc_nmea_server ecc_nmea_server;

/* Fills *out with the unit's position now; false when there is none. */
typedef bool (*ecc_nmea_fix_fn)(void *user, struct ecc_position *out);

/* listen is "HOST:PORT", "[v6]:PORT" or ":PORT" (all addresses). */
int ecc_nmea_server_new(const char *listen, ecc_nmea_fix_fn fix, void *user, ecc_nmea_server **out);
void ecc_nmea_server_free(ecc_nmea_server *s);

#endif
