/*
 * units: the registry of field units (bodycam, handheld, vehicle, drone)
 * and their live state.
 *
 * Why: every position, event and stream belongs to a unit; the hub keeps all
 * units in memory (hundreds to a few thousand) so that telemetry can look a
 * unit up per message without a query, and persists definitions and the last
 * known state in the units table.
 *
 * Thread: the main loop. Ownership: the registry owns every struct ecc_unit;
 * pointers returned stay valid until the unit is deleted or the registry
 * freed. Errors: ECC_ERR_INVAL, ECC_ERR_EXISTS, ECC_ERR_NOTFOUND, ECC_ERR_DB.
 */
#ifndef ECC_UNITS_H
#define ECC_UNITS_H

#include "events.h"
#include "position.h"
#include "store.h"

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

enum ecc_unit_kind {
	ECC_UNIT_BODYCAM = 0,
	ECC_UNIT_HANDHELD,
	ECC_UNIT_VEHICLE,
	ECC_UNIT_DRONE,
	ECC_UNIT__KINDS
};

#define ECC_UNIT_ID_MAX   64
#define ECC_UNIT_NAME_MAX 128

struct ecc_unit {
	char id[ECC_UNIT_ID_MAX + 1];
	char name[ECC_UNIT_NAME_MAX + 1];
	enum ecc_unit_kind kind;
	char team[ECC_UNIT_NAME_MAX + 1];
	char owntracks[2 * ECC_UNIT_ID_MAX + 2]; /* "user/device", or empty */
	int64_t created_at;

	/* live state */
	bool has_position;
	struct ecc_position pos; /* newest by device time */
	int64_t last_recv;       /* hub clock, UTC ms, of the last report of any kind */
	bool online;
	bool battery_low;  /* below the threshold (an alert was raised on crossing) */
	bool state_dirty;  /* the units row needs the live state written */
	GString *pos_json; /* the position as the WebSocket sends it, built once per position */
	bool pos_json_valid;
};

typedef struct ecc_units ecc_units;

const char *ecc_unit_kind_name(enum ecc_unit_kind k);
int ecc_unit_kind_parse(const char *name, enum ecc_unit_kind *out);

/* Loads every unit and its last state from the store. NULL on a DB error. */
ecc_units *ecc_units_new(ecc_store *st, ecc_events *ev);
void ecc_units_free(ecc_units *u);

struct ecc_unit *ecc_units_get(ecc_units *u, const char *id);

/* Like ecc_units_get, but a unit missing from memory is looked up in the
 * store (added by `ecc-hub unit add` while the hub runs); an id found
 * nowhere is not looked up again for 5 s. */
struct ecc_unit *ecc_units_lookup(ecc_units *u, const char *id);

struct ecc_unit *ecc_units_by_owntracks(ecc_units *u, const char *user, const char *device);
unsigned ecc_units_count(const ecc_units *u);

/* Every unit, sorted by id; the array is owned by the registry (do not keep
 * it across a change). */
const GPtrArray *ecc_units_all(ecc_units *u);

struct ecc_unit_spec {
	const char *id;
	const char *name;
	enum ecc_unit_kind kind;
	const char *team;      /* may be NULL */
	const char *owntracks; /* "user/device" or NULL */
};

/* Validates a spec: ECC_OK or ECC_ERR_INVAL with why (128 bytes). */
int ecc_units_check_spec(const struct ecc_unit_spec *s, char *why);

/* Adds a unit (stored, audited by actor, announced as ECC_EV_UNIT). */
int ecc_units_add(ecc_units *u, const struct ecc_unit_spec *s, const char *actor, const char *ip,
                  char *why);

/* Deletes a unit definition; its positions stay as history. */
int ecc_units_delete(ecc_units *u, const char *id, const char *actor, const char *ip);

/* The live state of units marked state_dirty, as a GArray of struct
 * ecc_state_row (poswriter.h) for the writer thread; clears the marks.
 * The caller owns the array. */
GArray *ecc_units_take_dirty_states(ecc_units *u);

/* The unit as the API and the WebSocket show it (caller frees). */
cJSON *ecc_unit_to_json(const struct ecc_unit *unit);

/* Just the position part {"unit","ts","lat","lon",...} (caller frees). */
cJSON *ecc_unit_position_json(const struct ecc_unit *unit);

/* The same as compact JSON text, built once per new position and shared by
 * every WebSocket client (owned by the unit; valid until the next change). */
const char *ecc_unit_position_text(struct ecc_unit *unit);

/* A new position: the cached text is stale. */
static inline void ecc_unit_position_changed(struct ecc_unit *unit)
{
	unit->pos_json_valid = false;
}

#endif
