/*
 * sim: the simulated field units of a units file, each on its own MQTT
 * connection with its own credentials.
 *
 * Why: demos and integration tests need a town full of hardware that talks
 * to the hub exactly as real units do: telemetry on ecc/unit/{id}/telemetry
 * at a steady rate, button events (rec_start, rec_stop, sos, battery_low) on
 * ecc/unit/{id}/event, each unit moving plausibly (mover.c) in one shared
 * synthetic town (roads.c).
 *
 * The units file is a JSON array of
 *   {"id":"bc-01","kind":"bodycam"|"handheld"|"vehicle"|"drone",
 *    "name":"..","team":"..","username":"..","password":"..","client_id":".."}
 * (id and kind required; client_id defaults to the id; no username means an
 * anonymous connection), and optionally "camera": false, or a camera object
 * (camera_media.h); every other unit carries the default camera (camera.h).
 *
 * Each unit subscribes to its ecc/unit/{id}/cmd and answers on .../ack with
 * {"ts":ms,"op":..,"id":(the command's "id", if any),"ok":bool,"error":..};
 * {"op":"camera","on":false|true} turns its camera off or on.
 * {"op":"instruction","id":"42","text":..,"point":{lat,lon}|null} is
 * answered at once ({"op":"instruction","id":"42","ok":true}: delivered)
 * and acknowledged after the entry's "ack_after" seconds (default 1) with
 * {..,"acked":true}, or never when the entry says "ack": false; a point
 * sends the unit there in a straight line at "goto_speed" m/s (default 10;
 * "goto": false ignores points). An entry's "at": {"lat","lon"} holds the
 * unit at that point (tests place units at known distances).
 *
 * Thread: the default GMainContext (timers, MQTT sources).
 * Ownership: ecc_sim_new returns a simulator the caller frees with
 * ecc_sim_free (NULL accepted; disconnects every unit). The config strings
 * are copied.
 * Errors: ecc_sim_new returns ECC_OK, ECC_ERR_IO (cannot read the file),
 * ECC_ERR_INVAL (a bad file or option; logged with the entry at fault) or
 * ECC_ERR_NOTFOUND (the NMEA unit is not in the file). A broker that is down
 * or refuses a unit's credentials is not an error: the unit logs it and
 * retries.
 */
#ifndef ECC_SIM_H
#define ECC_SIM_H

#include "position.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct ecc_sim ecc_sim;

struct ecc_sim_config {
	const char *units_file;
	const char *mqtt_host;
	int mqtt_port;
	double lat0, lon0;           /* centre of the town */
	uint64_t seed;               /* town and behaviour */
	double rate;                 /* telemetry per unit per second, > 0 */
	double events_every;         /* mean seconds between events; 0: none */
	int qos;                     /* telemetry QoS; events are always QoS 1 */
	const char *nmea_unit;       /* NULL, or the unit that also feeds NMEA */
	bool nmea_only;              /* that unit does not publish over MQTT */
	struct ecc_cameras *cameras; /* borrowed; NULL: units carry no camera */
};

int ecc_sim_new(const struct ecc_sim_config *cfg, ecc_sim **out);

/* Connects every unit and starts their timers. Returns ECC_OK. */
int ecc_sim_start(ecc_sim *s);

/* Advances unit id to now and fills *out with its GPS position (ts = now).
 * False when there is no such unit. */
bool ecc_sim_position(ecc_sim *s, const char *id, struct ecc_position *out);

void ecc_sim_free(ecc_sim *s);

#endif
