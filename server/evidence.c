/* evidence: the court's key, export jobs and the pipe from a worker to HTTP. */
#define G_LOG_DOMAIN "ecc-evidence"

#include "evidence.h"
#include "audit.h"
#include "ecc_err.h"
#include "evidence_internal.h"

#include <sodium.h>
#include <string.h>

/* The pipe holds at most this much before the worker waits for the client. */
#define PIPE_MAX (16u * 1024 * 1024)

struct ecc_evidence {
	struct ecc_hub *hub;
	uint8_t sk[ECC_EV_SK_BYTES], pk[ECC_EV_PK_BYTES];
	GPtrArray *jobs; /* running exports (a reference each) */
};

/* ---- the module ------------------------------------------------------------- */

char *ecc_evidence_key_path(const struct ecc_config *cfg)
{
	char *dir;
	char *p;

	if (g_path_is_absolute(cfg->evidence_key))
		return g_strdup(cfg->evidence_key);
	dir = g_path_get_dirname(cfg->database);
	p = g_build_filename(dir, cfg->evidence_key, NULL);
	g_free(dir);
	return p;
}

ecc_evidence *ecc_evidence_new(struct ecc_hub *hub)
{
	ecc_evidence *ev = g_new0(ecc_evidence, 1);
	char *path = ecc_evidence_key_path(hub->cfg), *fp;
	bool created = false;
	int rc = ecc_ev_key_load(path, true, ev->sk, ev->pk, &created);

	if (rc != ECC_OK) {
		g_warning("the evidence signing key %s cannot be %s: %s", path,
		          rc == ECC_ERR_INVAL ? "used" : "read or written", ecc_strerror(rc));
		g_free(path);
		g_free(ev);
		return NULL;
	}
	fp = ecc_ev_fingerprint(ev->pk);
	g_message("evidence signing key %s%s, fingerprint %s", path, created ? " created" : "", fp);
	g_free(fp);
	g_free(path);
	ev->hub = hub;
	ev->jobs = g_ptr_array_new();
	return ev;
}

static void job_unref(struct evidence__job *j);

void ecc_evidence_free(ecc_evidence *ev)
{
	if (!ev)
		return;
	/* a job still running when the hub stops: cut it and wait for it */
	for (guint i = 0; i < ev->jobs->len; i++) {
		struct evidence__job *j = g_ptr_array_index(ev->jobs, i);
		g_mutex_lock(&j->lock);
		j->cancelled = true;
		g_cond_broadcast(&j->cond);
		g_mutex_unlock(&j->lock);
		g_thread_join(j->thread);
		j->thread = NULL;
		j->ev = NULL;
		job_unref(j);
	}
	g_ptr_array_free(ev->jobs, TRUE);
	sodium_memzero(ev->sk, sizeof(ev->sk));
	g_free(ev);
}

/* ---- packages ---------------------------------------------------------------- */

static void segment_free(gpointer p)
{
	struct ecc_ev_segment *s = p;

	g_free(s->file);
	g_free(s->name);
	g_free(s->unit);
	g_free(s);
}

struct ecc_ev_package *ecc_ev_package_new(const char *bag)
{
	struct ecc_ev_package *p = g_new0(struct ecc_ev_package, 1);

	p->bag = g_strdup(bag);
	p->segments = g_ptr_array_new_with_free_func(segment_free);
	p->files = g_ptr_array_new(); /* name, GBytes *, alternating */
	p->info = g_ptr_array_new_with_free_func(g_free);
	return p;
}

void ecc_ev_package_free(struct ecc_ev_package *p)
{
	if (!p)
		return;
	for (guint i = 0; i + 1 < p->files->len; i += 2) {
		g_free(g_ptr_array_index(p->files, i));
		g_bytes_unref(g_ptr_array_index(p->files, i + 1));
	}
	g_ptr_array_free(p->files, TRUE);
	g_ptr_array_free(p->segments, TRUE);
	g_ptr_array_free(p->info, TRUE);
	g_free(p->bag);
	g_free(p->actor);
	g_free(p->ip);
	g_free(p->target);
	g_free(p);
}

void ecc_ev_package_segment(struct ecc_ev_package *p, int64_t id, const char *file,
                            const char *name, const char *sha256, const char *unit, int64_t t0,
                            int64_t t1, uint64_t bytes)
{
	struct ecc_ev_segment *s = g_new0(struct ecc_ev_segment, 1);

	s->id = id;
	s->file = g_strdup(file);
	s->name = g_strdup(name);
	g_strlcpy(s->sha256, sha256, sizeof(s->sha256));
	s->unit = g_strdup(unit);
	s->t0 = t0;
	s->t1 = t1;
	s->bytes = bytes;
	g_ptr_array_add(p->segments, s);
}

void ecc_ev_package_file(struct ecc_ev_package *p, const char *name, char *text, size_t len)
{
	g_ptr_array_add(p->files, g_strdup(name));
	g_ptr_array_add(p->files, g_bytes_new_take(text, len));
}

void ecc_ev_package_info(struct ecc_ev_package *p, const char *label, const char *value)
{
	/* bag-info values are one line each */
	char *v = g_strdelimit(g_strdup(value), "\r\n", ' ');

	g_ptr_array_add(p->info, g_strdup_printf("%s: %s", label, v));
	g_free(v);
}

/* ---- jobs ---------------------------------------------------------------------- */

static struct evidence__job *job_ref(struct evidence__job *j)
{
	g_atomic_int_inc(&j->refs);
	return j;
}

static void job_unref(struct evidence__job *j)
{
	if (!g_atomic_int_dec_and_test(&j->refs))
		return;
	g_queue_clear_full(&j->pieces, (GDestroyNotify)g_bytes_unref);
	g_mutex_clear(&j->lock);
	g_cond_clear(&j->cond);
	ecc_ev_package_free(j->pkg);
	sodium_memzero(j->sk, sizeof(j->sk));
	g_free(j->court);
	g_free(j->tsa_url);
	g_free(j->stamped);
	g_free(j->stamp_why);
	if (j->faults)
		g_string_free(j->faults, TRUE);
	g_free(j);
}

/* On the main loop: the worker wrote something (or ended) while the HTTP
 * side was waiting. */
static gboolean wake(gpointer p)
{
	struct evidence__job *j = p;

	g_mutex_lock(&j->lock);
	j->wake_queued = false;
	g_mutex_unlock(&j->lock);
	if (j->req)
		ecc_req_finish(j->req);
	job_unref(j);
	return G_SOURCE_REMOVE;
}

/* Queues fn on the main loop. Never g_main_context_invoke: once the loop
 * has stopped, that would run fn on the worker's own thread. */
static void on_main(GSourceFunc fn, struct evidence__job *j)
{
	GSource *s = g_idle_source_new();

	g_source_set_callback(s, fn, j, NULL);
	g_source_attach(s, NULL);
	g_source_unref(s);
}

/* Called with the lock held. */
static void wake_locked(struct evidence__job *j)
{
	if (!j->waiting || j->wake_queued)
		return;
	j->waiting = false;
	j->wake_queued = true;
	on_main(wake, job_ref(j));
}

bool evidence__push(struct evidence__job *j, GBytes *piece)
{
	bool ok;

	g_mutex_lock(&j->lock);
	while (!j->cancelled && j->queued >= PIPE_MAX)
		g_cond_wait(&j->cond, &j->lock);
	ok = !j->cancelled;
	if (ok) {
		j->queued += g_bytes_get_size(piece);
		g_queue_push_tail(&j->pieces, piece);
		wake_locked(j);
	} else {
		g_bytes_unref(piece);
	}
	g_mutex_unlock(&j->lock);
	return ok;
}

/* HTTP side: the next bytes of the tar. */
static long job_read(void *ctx, unsigned char *buf, size_t cap)
{
	struct evidence__job *j = ctx;
	size_t n = 0;
	long rc;

	g_mutex_lock(&j->lock);
	while (n < cap && !g_queue_is_empty(&j->pieces)) {
		GBytes *b = g_queue_peek_head(&j->pieces);
		gsize size;
		const guint8 *d = g_bytes_get_data(b, &size);
		size_t take = MIN(cap - n, size - j->head_off);
		memcpy(buf + n, d + j->head_off, take);
		n += take;
		j->head_off += take;
		if (j->head_off == size) {
			g_bytes_unref(g_queue_pop_head(&j->pieces));
			j->head_off = 0;
			j->queued -= size;
		}
	}
	if (n)
		g_cond_broadcast(&j->cond);
	if (n)
		rc = (long)n;
	else if (j->ended)
		rc = j->failed ? -2 : -1;
	else {
		j->waiting = true;
		rc = 0;
	}
	g_mutex_unlock(&j->lock);
	return rc;
}

/* HTTP side: the request ended (sent, or the client left). */
static void job_release(void *ctx)
{
	struct evidence__job *j = ctx;

	g_mutex_lock(&j->lock);
	if (!j->ended)
		j->cancelled = true;
	g_cond_broadcast(&j->cond);
	g_mutex_unlock(&j->lock);
	j->req = NULL;
	job_unref(j);
}

static const struct ecc_req_source job_source = {job_read, job_release};

/* On the main loop, after the worker returned: audit what it found. */
static gboolean job_done(gpointer p)
{
	struct evidence__job *j = p;
	cJSON *d = cJSON_CreateObject();
	char *detail, *fp = ecc_ev_fingerprint(j->pk);
	struct ecc_audit_entry e = {0};

	if (j->ev) {
		g_thread_join(j->thread);
		j->thread = NULL;
		g_ptr_array_remove(j->ev->jobs, j);
		cJSON_AddNumberToObject(d, "bytes", (double)j->bytes_out);
		cJSON_AddNumberToObject(d, "segments", j->pkg->segments->len);
		cJSON_AddStringToObject(d, "chain_head", j->head);
		cJSON_AddStringToObject(d, "signer", fp);
		if (j->faults->len)
			cJSON_AddStringToObject(d, "found", j->faults->str);
		if (j->stamped)
			cJSON_AddStringToObject(d, "timestamp", j->stamped);
		if (j->stamp_why)
			cJSON_AddStringToObject(d, "timestamp_failed", j->stamp_why);
		detail = cJSON_PrintUnformatted(d);
		e.actor = j->pkg->actor;
		e.action = "evidence.exported";
		e.target = j->pkg->target;
		e.detail = detail;
		e.result = j->cancelled ? "cancelled" : j->failed ? "error" : "ok";
		e.ip = j->pkg->ip;
		if (ecc_audit_append(j->ev->hub->store, &e, NULL) != ECC_OK)
			g_warning("the end of export %s could not be audited", j->pkg->bag);
		if (j->faults->len)
			g_warning("export %s: %s", j->pkg->bag, j->faults->str);
		if (j->stamp_why)
			g_warning("export %s: no time-stamp: %s", j->pkg->bag, j->stamp_why);
		g_free(detail);
		job_unref(j); /* the module's reference */
	}
	cJSON_Delete(d);
	g_free(fp);
	job_unref(j);
	return G_SOURCE_REMOVE;
}

static gpointer job_thread(gpointer p)
{
	struct evidence__job *j = p;
	bool ok = evidence__write_bag(j);

	g_mutex_lock(&j->lock);
	j->ended = true;
	j->failed = !ok;
	wake_locked(j);
	g_mutex_unlock(&j->lock);
	on_main(job_done, j); /* the thread's reference */
	return NULL;
}

void ecc_evidence_export(ecc_evidence *ev, struct ecc_req *req, struct ecc_ev_package *pkg)
{
	struct evidence__job *j = g_new0(struct evidence__job, 1);
	char *cd = g_strdup_printf("attachment; filename=\"%s.tar\"", pkg->bag);

	j->refs = 1; /* the module's */
	j->ev = ev;
	j->pkg = pkg;
	memcpy(j->sk, ev->sk, sizeof(j->sk));
	memcpy(j->pk, ev->pk, sizeof(j->pk));
	j->court = g_strdup(ev->hub->cfg->court_name);
	if (ev->hub->cfg->evidence_tsa_url && ev->hub->cfg->evidence_tsa_url[0])
		j->tsa_url = g_strdup(ev->hub->cfg->evidence_tsa_url);
	j->tsa_timeout = ev->hub->cfg->evidence_tsa_timeout;
	j->faults = g_string_new(NULL);
	g_mutex_init(&j->lock);
	g_cond_init(&j->cond);
	g_queue_init(&j->pieces);
	j->req = req;
	ecc_req_header(req, "content-disposition:", cd);
	g_free(cd);
	ecc_req_stream(req, "application/x-tar", &job_source, job_ref(j));
	g_ptr_array_add(ev->jobs, j);
	j->thread = g_thread_new("ecc-evidence", job_thread, job_ref(j));
}
