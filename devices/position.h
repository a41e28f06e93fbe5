/*
 * position: one fix of one unit, as every device protocol delivers it.
 *
 * Why: MQTT telemetry, OwnTracks and gpsd all end up as this struct, so the
 * hub stores, orders and pushes one shape whatever the source.
 * Units: ts in UTC milliseconds (device clock), degrees WGS-84, metres,
 * metres per second, degrees clockwise from north, percent. Optional fields
 * are NAN (doubles) or -1 (percentages) when the device did not send them.
 */
#ifndef ECC_POSITION_H
#define ECC_POSITION_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* Size of the buffer a parser writes its reason for refusing input into. */
#define ECC_WHY_MAX 96

enum ecc_position_source {
	ECC_SRC_MQTT = 0,
	ECC_SRC_OWNTRACKS,
	ECC_SRC_GPSD,
	ECC_SRC_WEB, /* the handheld page's geolocation */
};

struct ecc_position {
	int64_t ts;     /* device time, UTC ms */
	double lat;     /* degrees, -90..90 */
	double lon;     /* degrees, -180..180 */
	double alt;     /* metres, NAN if absent */
	double speed;   /* m/s, NAN if absent */
	double heading; /* degrees 0..360, NAN if absent */
	double acc;     /* horizontal accuracy, metres, NAN if absent */
	int battery;    /* percent 0..100, -1 if absent */
	int signal;     /* percent 0..100, -1 if absent */
	enum ecc_position_source source;
};

/* Sets every optional field to "absent" and the rest to zero. */
static inline void ecc_position_init(struct ecc_position *p)
{
	p->ts = 0;
	p->lat = p->lon = 0;
	p->alt = p->speed = p->heading = p->acc = NAN;
	p->battery = p->signal = -1;
	p->source = ECC_SRC_MQTT;
}

/* Physical sanity of every present field (also used for positions that do
 * not come through a parser, e.g. the handheld page). */
bool ecc_position_valid(const struct ecc_position *p);

#endif
