/*
 * evidence_internal: between the evidence module (evidence.c: the key, the
 * jobs, the pipe to the HTTP answer) and its worker (evidence_bag.c: the bag
 * written as a tar). Not for other modules.
 */
#ifndef ECC_EVIDENCE_INTERNAL_H
#define ECC_EVIDENCE_INTERNAL_H

#include "evidence.h"

#include <stdbool.h>
#include <stdint.h>

/* One export: shared by the worker, the HTTP answer and the module. */
struct evidence__job {
	gint refs;
	struct ecc_evidence *ev; /* main loop only */
	struct ecc_ev_package *pkg;
	uint8_t sk[ECC_EV_SK_BYTES], pk[ECC_EV_PK_BYTES];
	char *court;
	char *tsa_url; /* NULL: no time-stamp */
	int tsa_timeout;
	GThread *thread;

	/* the pipe: pieces the worker wrote, not yet sent */
	GMutex lock;
	GCond cond;
	GQueue pieces; /* GBytes * */
	size_t queued;
	size_t head_off; /* bytes of the first piece already sent */
	bool ended, failed, cancelled, waiting, wake_queued;
	struct ecc_req *req; /* main loop only; NULL once the client left */

	/* what the worker found, read on the main loop after it ended */
	uint64_t bytes_out;
	char head[ECC_EV_HEX];
	GString *faults; /* "; "-separated */
	char *stamped;   /* the TSA's time of the token, or NULL */
	char *stamp_why; /* why there is none, when one was asked for */
};

/* The worker's body: writes the bag into the pipe (evidence__push), sets
 * the findings, returns true when the whole bag was written. */
bool evidence__write_bag(struct evidence__job *j);

/* Hands a written piece to the pipe; blocks while the pipe is full. False
 * when the export was cancelled (the worker then stops). */
bool evidence__push(struct evidence__job *j, GBytes *piece);

#endif
