/*
 * bench: `ecc-devsim bench`, telemetry load for the hub and the broker.
 *
 * Why: bench/telemetry needs a known, steady load: count synthetic units
 * ({prefix}0000, {prefix}0001, ...) each publishing telemetry at rate Hz,
 * moving through the same synthetic town as the simulator, over a few MQTT
 * connections that share one identity (a role that may publish under
 * ecc/unit/#). Messages are spread evenly in time: a 2 ms timer sends as many
 * as the schedule owes (count * rate per second in all).
 *
 * A run: connect every connection (at most 10 s), publish for duration
 * seconds, then wait up to 10 s for the last acknowledgements, then quit the
 * loop. The report is one JSON line:
 *   {"sent":n,"acked":n,"failed":n,"seconds":s,"rate":r}
 * sent = publishes handed to libmosquitto; acked = PUBACKs with a success
 * code at QoS 1 (at QoS 0, messages written to the socket, all libmosquitto
 * can tell); failed = PUBACKs with an error code (e.g. 135, not
 * authorized); seconds = from the first publish to the last acknowledgement
 * (or the end of the schedule, if later); rate = acked / seconds.
 *
 * Thread: the default GMainContext. Ownership: ecc_bench_new returns a run
 * the caller frees with ecc_bench_free (NULL accepted); loop is borrowed and
 * must outlive it. Errors: ecc_bench_new returns ECC_OK or ECC_ERR_INVAL
 * (bad options); ecc_bench_report returns ECC_OK when the run completed,
 * ECC_ERR_UNAVAIL when the broker could not be reached, ECC_ERR_PROTO when
 * messages went unacknowledged or were refused.
 */
#ifndef ECC_BENCH_H
#define ECC_BENCH_H

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

typedef struct ecc_bench ecc_bench;

struct ecc_bench_config {
	const char *mqtt_host;
	int mqtt_port;
	const char *username, *password;
	const char *prefix; /* unit id prefix, e.g. "bench-" */
	int count;          /* units */
	double rate;        /* Hz per unit */
	int qos;            /* 0 or 1 (2 works, and is slow) */
	double duration;    /* seconds of publishing */
	int connections;    /* MQTT connections sharing the units */
	double lat0, lon0;
	uint64_t seed;
};

int ecc_bench_new(const struct ecc_bench_config *cfg, GMainLoop *loop, ecc_bench **out);
/* Connects and, once every connection is up, starts publishing. ECC_OK. */
int ecc_bench_start(ecc_bench *b);
/* Writes the JSON line to f; the return code says how the run went. */
int ecc_bench_report(const ecc_bench *b, FILE *f);
void ecc_bench_free(ecc_bench *b);

#endif
