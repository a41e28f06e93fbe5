/*
 * telemetry: positions in (MQTT, OwnTracks, gpsd, the handheld page), unit
 * live state, batched storage, online/offline and battery conditions.
 *
 * Why: every source of positions meets here, so ordering, duplicates, storage
 * and the WebSocket push behave the same whatever the device. Positions are
 * stored in batches (one transaction every [telemetry] batch_ms, committed
 * by the poswriter thread so the loop never waits for the disk) with
 * INSERT OR IGNORE on (unit, ts): late positions are kept in device-time
 * order and a position seen twice (a QoS 1 redelivery) is stored once. A unit
 * is online while reports arrive, offline after [telemetry] offline_after
 * seconds of silence (an alert; cleared when it reports again).
 *
 * Thread: the main loop. Ownership: ecc_telemetry_new borrows everything it
 * is given; free with ecc_telemetry_free (which flushes the last batch).
 * Errors: ECC_ERR_NOTFOUND (unknown unit), ECC_ERR_INVAL (device time too far
 * in the future or position invalid).
 */
#ifndef ECC_TELEMETRY_H
#define ECC_TELEMETRY_H

#include "alert.h"
#include "config.h"
#include "events.h"
#include "position.h"
#include "store.h"
#include "units.h"

#include <stdint.h>

typedef struct ecc_telemetry ecc_telemetry;

struct ecc_telemetry_stats {
	uint64_t received;   /* positions accepted into a batch */
	uint64_t stored;     /* rows written */
	uint64_t duplicates; /* (unit, ts) already stored */
	uint64_t rejected;   /* unknown unit, bad values, bad JSON */
	uint64_t batches;
	uint64_t batch_us_max;   /* the longest batch write, microseconds */
	uint64_t write_failures; /* batches the writer could not store */
};

ecc_telemetry *ecc_telemetry_new(ecc_store *st, const struct ecc_config *cfg, ecc_units *units,
                                 ecc_alerts *alerts, ecc_events *ev);
void ecc_telemetry_free(ecc_telemetry *t);

/* One position of a unit. */
int ecc_telemetry_submit(ecc_telemetry *t, const char *unit_id, const struct ecc_position *p);

/* fn(user, true) when the disk falls behind (the caller stops taking in
 * positions, e.g. pauses MQTT), fn(user, false) when it caught up. */
void ecc_telemetry_on_pressure(ecc_telemetry *t, void (*fn)(void *user, bool behind), void *user);

/* A report that carries no position (an event) still shows the unit alive. */
void ecc_telemetry_seen(ecc_telemetry *t, struct ecc_unit *unit);

/* Counts a message refused before it reached submit (bad JSON, ...). */
void ecc_telemetry_count_rejected(ecc_telemetry *t);

/* Writes the pending batch now and waits (at most 5 s) until every batch
 * is committed. ECC_OK or ECC_ERR_UNAVAIL. */
int ecc_telemetry_flush(ecc_telemetry *t);

void ecc_telemetry_get_stats(ecc_telemetry *t, struct ecc_telemetry_stats *out);

/*
 * A unit's track between from and to (UTC ms) as a GeoJSON Feature with a
 * LineString, simplified (Douglas-Peucker) to at most max_points points, with
 * the timestamps of the kept points in properties.times. Caller frees.
 * NULL on a DB error.
 */
cJSON *ecc_telemetry_track(ecc_telemetry *t, const char *unit_id, int64_t from, int64_t to,
                           int max_points);

#endif
