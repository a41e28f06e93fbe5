/* poswriter: a worker thread committing batches of positions. */
#define G_LOG_DOMAIN "ecc-poswriter"

#include "poswriter.h"
#include "ecc_err.h"
#include "store.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

struct job {
	GArray *rows;   /* struct ecc_pos_row */
	GArray *states; /* struct ecc_state_row, or NULL */
	uint64_t seq;
};

/* The exit sentinel: pushed once, by ecc_poswriter_free. */
static struct job sentinel;

struct ecc_poswriter {
	ecc_store *st; /* used by the thread only */
	GAsyncQueue *queue;
	GThread *thread;
	GMutex lock; /* guards what follows */
	GCond done_cond;
	uint64_t submitted, done;
	struct ecc_poswriter_stats stats;
};

#define RETRIES     5
#define MAX_QUEUED  20
#define WRITER_NICE 10

static int write_rows(ecc_poswriter *w, GArray *rows, uint64_t *stored, uint64_t *dups)
{
	for (guint i = 0; i < rows->len; i++) {
		const struct ecc_pos_row *p = &g_array_index(rows, struct ecc_pos_row, i);
		sqlite3_stmt *s = ecc_store_stmt(
		    w->st, "INSERT OR IGNORE INTO positions(unit_id, ts, recv_ts, lat, lon, alt,"
		           " speed, heading, acc, battery, signal, source)"
		           " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
		if (!s)
			return ECC_ERR_DB;
		ecc_store_bind_text(s, 1, p->unit);
		sqlite3_bind_int64(s, 2, p->pos.ts);
		sqlite3_bind_int64(s, 3, p->recv);
		sqlite3_bind_double(s, 4, p->pos.lat);
		sqlite3_bind_double(s, 5, p->pos.lon);
		ecc_store_bind_real_or_null(s, 6, p->pos.alt);
		ecc_store_bind_real_or_null(s, 7, p->pos.speed);
		ecc_store_bind_real_or_null(s, 8, p->pos.heading);
		ecc_store_bind_real_or_null(s, 9, p->pos.acc);
		ecc_store_bind_int_or_null(s, 10, p->pos.battery);
		ecc_store_bind_int_or_null(s, 11, p->pos.signal);
		sqlite3_bind_int(s, 12, p->pos.source);
		if (ecc_store_run(w->st, s) != ECC_OK)
			return ECC_ERR_DB;
		if (sqlite3_changes(ecc_store_db(w->st)) > 0)
			(*stored)++;
		else
			(*dups)++;
	}
	return ECC_OK;
}

static int write_states(ecc_poswriter *w, GArray *states)
{
	for (guint i = 0; states && i < states->len; i++) {
		const struct ecc_state_row *u = &g_array_index(states, struct ecc_state_row, i);
		sqlite3_stmt *s = ecc_store_stmt(
		    w->st, "UPDATE units SET last_ts=?, last_recv=?, lat=?, lon=?, alt=?, speed=?,"
		           " heading=?, acc=?, battery=?, signal=? WHERE id=?");
		if (!s)
			return ECC_ERR_DB;
		if (u->has_position)
			sqlite3_bind_int64(s, 1, u->pos.ts);
		else
			sqlite3_bind_null(s, 1);
		sqlite3_bind_int64(s, 2, u->last_recv);
		ecc_store_bind_real_or_null(s, 3, u->has_position ? u->pos.lat : NAN);
		ecc_store_bind_real_or_null(s, 4, u->has_position ? u->pos.lon : NAN);
		ecc_store_bind_real_or_null(s, 5, u->pos.alt);
		ecc_store_bind_real_or_null(s, 6, u->pos.speed);
		ecc_store_bind_real_or_null(s, 7, u->pos.heading);
		ecc_store_bind_real_or_null(s, 8, u->pos.acc);
		ecc_store_bind_int_or_null(s, 9, u->pos.battery);
		ecc_store_bind_int_or_null(s, 10, u->pos.signal);
		ecc_store_bind_text(s, 11, u->unit);
		if (ecc_store_run(w->st, s) != ECC_OK)
			return ECC_ERR_DB;
	}
	return ECC_OK;
}

/* One transaction for the jobs given (several when the writer fell behind:
 * each unit's B-tree page is then written once, not once per job); retried
 * when another writer holds the lock. */
static void write_jobs(ecc_poswriter *w, struct job **jobs, guint n)
{
	gint64 t0 = g_get_monotonic_time(), us;
	uint64_t stored = 0, dups = 0;
	guint rows = 0;
	int rc = ECC_ERR_DB;

	for (int attempt = 0; attempt < RETRIES && rc != ECC_OK; attempt++) {
		stored = dups = 0;
		rc = ecc_store_begin(w->st, false);
		for (guint i = 0; i < n && rc == ECC_OK; i++) {
			rc = write_rows(w, jobs[i]->rows, &stored, &dups);
			if (rc == ECC_OK)
				rc = write_states(w, jobs[i]->states);
		}
		if (rc == ECC_OK)
			rc = ecc_store_commit(w->st);
		else
			ecc_store_rollback(w->st);
	}
	for (guint i = 0; i < n; i++)
		rows += jobs[i]->rows->len;
	us = g_get_monotonic_time() - t0;
	g_mutex_lock(&w->lock);
	if (rc == ECC_OK) {
		w->stats.stored += stored;
		w->stats.duplicates += dups;
		w->stats.batches++;
		w->stats.batch_us_max = MAX(w->stats.batch_us_max, (uint64_t)us);
	} else {
		w->stats.failures++;
	}
	w->done = jobs[n - 1]->seq;
	g_cond_broadcast(&w->done_cond);
	g_mutex_unlock(&w->lock);
	if (rc != ECC_OK)
		g_warning("%u positions could not be stored after %d attempts", rows, RETRIES);
	else
		g_debug("%u positions (%u batches) stored in %" G_GINT64_FORMAT " us", rows, n, us);
}

static void job_free(struct job *j)
{
	g_array_free(j->rows, TRUE);
	if (j->states)
		g_array_free(j->states, TRUE);
	g_free(j);
}

static gpointer thread_main(gpointer data)
{
	ecc_poswriter *w = data;
	struct job *jobs[MAX_QUEUED];
	bool stop = false;

	/* The live path (MQTT in, WebSocket out) comes first: this thread runs
	 * at a lower priority; it catches up in bigger commits when it lags. */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WRITER_NICE) != 0)
		g_debug("could not lower the writer's priority");

	while (!stop) {
		guint n = 0;
		struct job *j = g_async_queue_pop(w->queue);
		/* Take what else waits, up to MAX_QUEUED jobs, into one commit. */
		while (j && j != &sentinel) {
			jobs[n++] = j;
			j = n < MAX_QUEUED ? g_async_queue_try_pop(w->queue) : NULL;
		}
		stop = j == &sentinel;
		if (n > 0)
			write_jobs(w, jobs, n);
		for (guint i = 0; i < n; i++)
			job_free(jobs[i]);
	}
	return NULL;
}

ecc_poswriter *ecc_poswriter_new(const char *db_path)
{
	ecc_poswriter *w = g_new0(ecc_poswriter, 1);

	if (ecc_store_open(db_path, &w->st) != ECC_OK) {
		g_free(w);
		return NULL;
	}
	g_mutex_init(&w->lock);
	g_cond_init(&w->done_cond);
	w->queue = g_async_queue_new();
	w->thread = g_thread_new("ecc-poswriter", thread_main, w);
	return w;
}

void ecc_poswriter_submit(ecc_poswriter *w, GArray *rows, GArray *states)
{
	struct job *j = g_new0(struct job, 1);

	j->rows = rows;
	j->states = states;
	g_mutex_lock(&w->lock);
	/* The loop pauses its MQTT reading long before this (telemetry.c); if
	 * other sources still outrun the disk, wait rather than queue without
	 * bound. */
	while (w->submitted - w->done >= 2 * MAX_QUEUED)
		g_cond_wait(&w->done_cond, &w->lock);
	j->seq = ++w->submitted;
	g_mutex_unlock(&w->lock);
	g_async_queue_push(w->queue, j);
}

int ecc_poswriter_sync(ecc_poswriter *w, int timeout_ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	int rc = ECC_OK;

	g_mutex_lock(&w->lock);
	uint64_t want = w->submitted;
	while (w->done < want) {
		if (!g_cond_wait_until(&w->done_cond, &w->lock, end)) {
			rc = ECC_ERR_UNAVAIL;
			break;
		}
	}
	g_mutex_unlock(&w->lock);
	return rc;
}

unsigned ecc_poswriter_backlog(ecc_poswriter *w)
{
	unsigned n;

	g_mutex_lock(&w->lock);
	n = (unsigned)(w->submitted - w->done);
	g_mutex_unlock(&w->lock);
	return n;
}

void ecc_poswriter_get_stats(ecc_poswriter *w, struct ecc_poswriter_stats *out)
{
	g_mutex_lock(&w->lock);
	*out = w->stats;
	g_mutex_unlock(&w->lock);
}

void ecc_poswriter_free(ecc_poswriter *w)
{
	if (!w)
		return;
	g_async_queue_push(w->queue, &sentinel);
	g_thread_join(w->thread);
	g_async_queue_unref(w->queue);
	g_cond_clear(&w->done_cond);
	g_mutex_clear(&w->lock);
	ecc_store_close(w->st);
	g_free(w);
}
