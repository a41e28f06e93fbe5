/* casecli: `ecc-hub cases ...` on the command line (bench/cases uses it). */
#define G_LOG_DOMAIN "ecc-cases"

#include "cases_internal.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gint cmp_double(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(GArray *v, double p)
{
	size_t i;

	if (!v->len)
		return 0;
	g_array_sort(v, cmp_double);
	i = (size_t)(p * (v->len - 1) + 0.5);
	return g_array_index(v, double, i);
}

/* Runs stmt to completion runs times; appends each run's ms to out. */
static void time_stmt(ecc_store *st, sqlite3_stmt *s, int runs, GArray *out, int64_t *rows)
{
	for (int i = 0; i < runs; i++) {
		gint64 t0 = g_get_monotonic_time();
		double ms;
		*rows = 0;
		while (ecc_store_step(st, s) == SQLITE_ROW)
			(*rows)++;
		sqlite3_reset(s);
		ms = (double)(g_get_monotonic_time() - t0) / 1000.0;
		g_array_append_val(out, ms);
	}
}

static int cmd_recompute(ecc_cases *c)
{
	sqlite3_stmt *s = ecc_store_stmt(c->st, "SELECT (SELECT count(*) FROM case_nodes WHERE"
	                                        " state = 'open'), (SELECT count(DISTINCT deadline)"
	                                        " FROM case_open_counts WHERE n > 0)");
	int64_t open = 0, rules = 0;
	int changed = 0, rc;
	gint64 t0;

	if (s && ecc_store_step(c->st, s) == SQLITE_ROW) {
		open = sqlite3_column_int64(s, 0);
		rules = sqlite3_column_int64(s, 1);
	}
	if (s)
		sqlite3_reset(s);
	t0 = g_get_monotonic_time();
	rc = ecc_cases_recompute(c, &changed);
	printf("{\"open_nodes\":%" G_GINT64_FORMAT ",\"rules\":%" G_GINT64_FORMAT
	       ",\"changed\":%d,\"ms\":%.1f,\"calendar\":\"%s\"}\n",
	       (gint64)open, (gint64)rules, changed, (double)(g_get_monotonic_time() - t0) / 1000.0,
	       ecc_calendar_fingerprint(c->cal));
	return rc == ECC_OK ? 0 : 1;
}

/* The supervision query (due today and overdue per team, as the wall and
 * `GET /api/v1/cases/board` run it) against the floor, a plain count(*)
 * over the same table, alternating in the same run. */
static int cmd_timings(ecc_cases *c, int runs)
{
	char today[ECC_DATE_LEN];
	sqlite3_stmt *q = ecc_store_stmt(c->st, ECC_CASES_BOARD_SQL);
	sqlite3_stmt *f = ecc_store_stmt(c->st, "SELECT count(*) FROM case_nodes");
	GArray *tq = g_array_new(FALSE, FALSE, sizeof(double));
	GArray *tf = g_array_new(FALSE, FALSE, sizeof(double));
	int64_t rq = 0, rf = 0;

	if (!q || !f)
		return 1;
	ecc_date_format(ecc_date_today(), today);
	ecc_store_bind_text(q, 5, today);
	/* Warm the cache once, as a running hub has it. */
	time_stmt(c->st, q, 1, tq, &rq);
	time_stmt(c->st, f, 1, tf, &rf);
	g_array_set_size(tq, 0);
	g_array_set_size(tf, 0);
	for (int i = 0; i < runs; i++) {
		time_stmt(c->st, q, 1, tq, &rq);
		time_stmt(c->st, f, 1, tf, &rf);
	}
	printf("{\"runs\":%d,\"today\":\"%s\",\"query\":{\"p50\":%.3f,\"p99\":%.3f,\"rows\":"
	       "%" G_GINT64_FORMAT "},\"floor\":{\"p50\":%.3f,\"p99\":%.3f}}\n",
	       runs, today, pct(tq, 0.5), pct(tq, 0.99), (gint64)rq, pct(tf, 0.5), pct(tf, 0.99));
	g_array_free(tq, TRUE);
	g_array_free(tf, TRUE);
	return 0;
}

int ecc_cases_cli(const struct ecc_config *cfg, int argc, char **argv)
{
	char why[ECC_CASES_WHY] = "";
	ecc_store *st = NULL;
	ecc_cases *c;
	int rc = 2;

	if (argc < 1 || (strcmp(argv[0], "recompute") && strcmp(argv[0], "timings"))) {
		fprintf(stderr, "usage: ecc-hub cases recompute | cases timings [RUNS]\n");
		return 2;
	}
	if (ecc_store_open(cfg->database, &st) != ECC_OK) {
		fprintf(stderr, "ecc-hub: cannot open %s\n", cfg->database);
		return 1;
	}
	c = cases__open(st, cfg, NULL, why);
	if (!c) {
		fprintf(stderr, "ecc-hub: %s\n", why);
		ecc_store_close(st);
		return 1;
	}
	if (!strcmp(argv[0], "recompute"))
		rc = cmd_recompute(c);
	else
		rc = cmd_timings(c, argc > 1 ? atoi(argv[1]) : 200);
	ecc_cases_free(c);
	ecc_store_close(st);
	return rc;
}
