/*
 * nmea: NMEA 0183 sentences of a GPS receiver, built from a position.
 *
 * Why: the simulated vehicle feeds a real gpsd (DESIGN.md: "a vehicle GPS fed
 * to gpsd as NMEA"), so the hub's gpsd path is exercised end to end. These
 * are pure functions, kept apart from the socket that serves them so that
 * tests can check every byte.
 * Sentences: $GPRMC (time, date, position, speed over ground in knots,
 * course), $GPGGA (time, position, fix quality 1, satellites, HDOP,
 * altitude), $GPGSA (3D fix, DOPs), $GPVTG (course, knots, km/h); each ends
 * with "*HH\r\n", HH the XOR of the bytes between '$' and '*'. Time is UTC
 * from the position's ts. Absent speed or course leave their fields empty.
 *
 * Thread: any. No allocation.
 * Errors: each builder returns the sentence length, or -1 when buf is too
 * small (ECC_NMEA_MAX bytes always suffice) or the position has no valid ts.
 */
#ifndef ECC_NMEA_H
#define ECC_NMEA_H

#include "position.h"

#include <stddef.h>

#define ECC_NMEA_MAX 96 /* 82 by the standard, plus room */

/* XOR of the len bytes of s (the sentence between '$' and '*'). */
unsigned ecc_nmea_checksum(const char *s, size_t len);

int ecc_nmea_rmc(char *buf, size_t size, const struct ecc_position *p);
int ecc_nmea_gga(char *buf, size_t size, const struct ecc_position *p, int sats, double hdop);
int ecc_nmea_gsa(char *buf, size_t size, int sats, double pdop, double hdop, double vdop);
int ecc_nmea_vtg(char *buf, size_t size, const struct ecc_position *p);

/*
 * One second's worth: RMC, GGA, GSA, VTG concatenated into buf (at least
 * 4 * ECC_NMEA_MAX bytes), with satellites and DOPs derived from p->acc.
 * Returns the total length or -1.
 */
int ecc_nmea_epoch(char *buf, size_t size, const struct ecc_position *p);

#endif
