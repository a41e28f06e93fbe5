/*
 * poswriter: positions written to SQLite by a worker thread.
 *
 * Why (measured): a batch of ~1000 positions from 2000 units touches ~1000
 * B-tree pages; its commit took 7 ms at the median and 29 ms at p90
 * (bench/telemetry, 2000 units at 10,000 positions/s), and on the main loop
 * every such commit held back every position, alert and WebSocket push
 * behind it. The loop now hands each batch to this thread and goes on; the
 * thread owns its own SQLite connection (WAL lets the loop's connection read
 * meanwhile) and commits one transaction per batch. It is the hub's only
 * thread, and it talks to the loop only through a GAsyncQueue with an exit
 * sentinel (CONVENTIONS.md 4); counters are read under a mutex.
 *
 * Ownership: ecc_poswriter_new returns an object freed with
 * ecc_poswriter_free, which writes what is queued, then joins the thread.
 * Errors: ECC_ERR_DB (cannot open), ECC_ERR_UNAVAIL (sync timed out).
 */
#ifndef ECC_POSWRITER_H
#define ECC_POSWRITER_H

#include "position.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define ECC_POSWRITER_ID_MAX 64

/* One position to store. */
struct ecc_pos_row {
	char unit[ECC_POSWRITER_ID_MAX + 1];
	struct ecc_position pos;
	int64_t recv; /* hub clock, UTC ms */
};

/* A unit's live state to keep in the units table (for a restart). */
struct ecc_state_row {
	char unit[ECC_POSWRITER_ID_MAX + 1];
	bool has_position;
	struct ecc_position pos;
	int64_t last_recv;
};

struct ecc_poswriter_stats {
	uint64_t stored, duplicates, batches, failures;
	uint64_t batch_us_max;
};

typedef struct ecc_poswriter ecc_poswriter;

ecc_poswriter *ecc_poswriter_new(const char *db_path);

/* Queues rows (GArray of struct ecc_pos_row) and states (GArray of struct
 * ecc_state_row, or NULL) for one transaction; takes ownership of both. */
void ecc_poswriter_submit(ecc_poswriter *w, GArray *rows, GArray *states);

/* Waits until everything submitted before this call is committed, at most
 * timeout_ms. ECC_OK or ECC_ERR_UNAVAIL. */
int ecc_poswriter_sync(ecc_poswriter *w, int timeout_ms);

/* Batches submitted and not yet committed. */
unsigned ecc_poswriter_backlog(ecc_poswriter *w);

void ecc_poswriter_get_stats(ecc_poswriter *w, struct ecc_poswriter_stats *out);

void ecc_poswriter_free(ecc_poswriter *w);

#endif
