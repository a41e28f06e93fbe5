/*
 * mover: how one simulated unit moves, and what its GPS, battery and radio
 * report.
 *
 * Why: demos, tests and the benchmark need positions that look like the real
 * hardware: officers (bodycam, handheld) walk 1-1.6 m/s along streets to a
 * nearby crossing and stand there a while; vehicles drive 8-15 m/s by the
 * quickest route, slow down for turns, sometimes wait at a crossing; drones
 * fly straight lines at 8-12 m/s, 40-120 m above the ground, and hover at
 * each waypoint. GPS noise is a slowly wandering offset of a few metres,
 * reported with an accuracy figure; batteries drain (a drone swaps its
 * battery below 10 %); signal wanders between 40 and 100 %, weaker far from
 * the centre. Altitudes are above sea level: the synthetic terrain lies at
 * about ECC_MOVER_GROUND_ALT metres, so a drone reports ground + 40..120 m.
 *
 * Thread: any; one mover is used by one thread.
 * Ownership: ecc_mover_new returns a mover the caller frees with
 * ecc_mover_free (NULL accepted); it borrows roads, which must outlive it.
 * Errors: none; ecc_unit_kind_parse returns ECC_OK or ECC_ERR_INVAL.
 */
#ifndef ECC_MOVER_H
#define ECC_MOVER_H

#include "position.h"
#include "roads.h"

#include <stdbool.h>
#include <stdint.h>

#define ECC_MOVER_GROUND_ALT  210.0
#define ECC_MOVER_BATTERY_LOW 15

enum ecc_unit_kind {
	ECC_UNIT_BODYCAM = 0,
	ECC_UNIT_HANDHELD,
	ECC_UNIT_VEHICLE,
	ECC_UNIT_DRONE,
};

typedef struct ecc_mover ecc_mover;

/* "bodycam", "handheld", "vehicle", "drone". */
int ecc_unit_kind_parse(const char *s, enum ecc_unit_kind *out);
const char *ecc_unit_kind_name(enum ecc_unit_kind k);

/* A unit of that kind somewhere in town, its whole behaviour drawn from seed. */
ecc_mover *ecc_mover_new(const ecc_roads *roads, enum ecc_unit_kind kind, uint64_t seed);
void ecc_mover_free(ecc_mover *m);

/* Advances the unit by dt seconds (negative ignored, at most 600). */
void ecc_mover_step(ecc_mover *m, double dt);

/* What the unit's GPS reports now (noise included), stamped ts (UTC ms). */
void ecc_mover_position(const ecc_mover *m, int64_t ts, struct ecc_position *out);

/* The true position (local metres, no noise) and true speed, for tests. */
void ecc_mover_true_xy(const ecc_mover *m, double *x, double *y);
double ecc_mover_speed(const ecc_mover *m);

/* True once each time the battery falls below ECC_MOVER_BATTERY_LOW %. */
bool ecc_mover_take_battery_low(ecc_mover *m);

#endif
