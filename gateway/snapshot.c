/* snapshot: key-frame JPEG thumbnails, decoded on one shared worker. */
#define G_LOG_DOMAIN "ecc-gw-snapshot"

#include "snapshot.h"
#include "ecc_err.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <malloc.h>
#include <string.h>

struct ecc_snapshot {
	const struct ecc_gwconfig *cfg;
	char *stream;
	char *file;
	const char *decoder;
	gint64 last; /* monotonic us of the last key frame taken */
};

/* What the worker needs, owned by the job. */
struct job {
	char *stream, *file, *dir;
	const char *decoder;
	GstCaps *caps;
	GstBuffer *frame;
};

/* Scaled to 480 wide keeping the aspect (videoscale adds borders when it
 * must). One decoder thread: the worker decodes one picture at a time. */
#define PIPELINE                                                                                   \
	"appsrc name=src format=time ! %s max-threads=1 ! videoconvert ! videoscale ! "            \
	"video/x-raw,width=480,pixel-aspect-ratio=1/1 ! jpegenc quality=75 ! "                     \
	"appsink name=snap sync=false"

static GMutex pool_lock;
static GThreadPool *pool;

static void job_free(struct job *j)
{
	g_free(j->stream);
	g_free(j->file);
	g_free(j->dir);
	gst_caps_unref(j->caps);
	if (j->frame)
		gst_buffer_unref(j->frame);
	g_free(j);
}

static void write_jpeg(const struct job *j, GstSample *sample)
{
	GstBuffer *b = gst_sample_get_buffer(sample);
	GstMapInfo map;

	if (!b || !gst_buffer_map(b, &map, GST_MAP_READ))
		return;
	/* g_file_set_contents writes a temporary file and renames it. */
	if (!g_file_set_contents(j->file, (const char *)map.data, (gssize)map.size, NULL) &&
	    (g_mkdir_with_parents(j->dir, 0750) != 0 ||
	     !g_file_set_contents(j->file, (const char *)map.data, (gssize)map.size, NULL)))
		g_warning("stream=%s: cannot write %s", j->stream, j->file);
	gst_buffer_unmap(b, &map);
}

/* Why a decode failed, from the pipeline's bus (or "timed out"). */
static char *failure(GstElement *p)
{
	GstBus *bus = gst_element_get_bus(p);
	GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
	GError *err = NULL;
	char *why;

	if (m)
		gst_message_parse_error(m, &err, NULL);
	why = g_strdup(err ? err->message : "timed out");
	g_clear_error(&err);
	if (m)
		gst_message_unref(m);
	gst_object_unref(bus);
	return why;
}

static void decode(gpointer data, gpointer user)
{
	struct job *j = data;
	char *desc = g_strdup_printf(PIPELINE, j->decoder);
	GError *err = NULL;
	GstElement *p = gst_parse_launch(desc, &err), *src = NULL, *sink = NULL;
	GstSample *sample = NULL;

	(void)user;
	g_free(desc);
	if (!p) {
		g_warning("stream=%s: no snapshot pipeline: %s", j->stream,
		          err ? err->message : "?");
		g_clear_error(&err);
		job_free(j);
		return;
	}
	src = gst_bin_get_by_name(GST_BIN(p), "src");
	sink = gst_bin_get_by_name(GST_BIN(p), "snap");
	gst_app_src_set_caps(GST_APP_SRC(src), j->caps);
	gst_element_set_state(p, GST_STATE_PLAYING);
	/* The frame alone, at time 0 (pushing takes the job's reference). */
	GST_BUFFER_PTS(j->frame) = GST_BUFFER_DTS(j->frame) = 0;
	gst_app_src_push_buffer(GST_APP_SRC(src), j->frame);
	j->frame = NULL;
	gst_app_src_end_of_stream(GST_APP_SRC(src));
	sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 3 * GST_SECOND);
	if (sample) {
		write_jpeg(j, sample);
		gst_sample_unref(sample);
	} else {
		char *why = failure(p);
		g_warning("stream=%s: no snapshot: %s", j->stream, why);
		g_free(why);
	}
	gst_element_set_state(p, GST_STATE_NULL);
	gst_object_unref(src);
	gst_object_unref(sink);
	gst_object_unref(p);
	job_free(j);
	malloc_trim(0); /* give the decoder's frames back to the system */
}

static GThreadPool *worker(void)
{
	GThreadPool *p;

	g_mutex_lock(&pool_lock);
	if (!pool)
		pool =
		    g_thread_pool_new_full(decode, NULL, (GDestroyNotify)job_free, 1, FALSE, NULL);
	p = pool;
	g_mutex_unlock(&pool_lock);
	return p;
}

/* On the tee's sink pad: one key frame per period goes to the worker; a
 * frame still queued from the last period is not worth another. */
static GstPadProbeReturn keyframes(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_snapshot *s = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
	gint64 now = g_get_monotonic_time();
	GThreadPool *p;
	struct job *j;

	if (GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT))
		return GST_PAD_PROBE_OK;
	if (s->last && now - s->last < (gint64)s->cfg->snapshot_seconds * G_USEC_PER_SEC)
		return GST_PAD_PROBE_OK;
	p = worker();
	if (g_thread_pool_unprocessed(p) > 64)
		return GST_PAD_PROBE_OK; /* the worker is behind: skip, keep memory flat */
	s->last = now;
	j = g_new0(struct job, 1);
	j->caps = gst_pad_get_current_caps(pad);
	if (!j->caps) {
		g_free(j);
		return GST_PAD_PROBE_OK;
	}
	j->stream = g_strdup(s->stream);
	j->file = g_strdup(s->file);
	j->dir = g_strdup(s->cfg->snapshots);
	j->decoder = s->decoder;
	j->frame = gst_buffer_copy(b); /* shares the memory; own timestamps */
	g_thread_pool_push(p, j, NULL);
	return GST_PAD_PROBE_OK;
}

ecc_snapshot *ecc_snapshot_new(const struct ecc_gwconfig *cfg, const char *stream)
{
	ecc_snapshot *s = g_new0(ecc_snapshot, 1);

	s->cfg = cfg;
	s->stream = g_strdup(stream);
	g_mkdir_with_parents(cfg->snapshots, 0750);
	s->file = g_strdup_printf("%s/%s.jpg", cfg->snapshots, stream);
	return s;
}

int ecc_snapshot_attach(ecc_snapshot *s, GstElement *vtee, const char *vcodec)
{
	GstPad *pad;

	if (!strcmp(vcodec, "h264"))
		s->decoder = "avdec_h264";
	else if (!strcmp(vcodec, "h265"))
		s->decoder = "avdec_h265";
	else
		return ECC_ERR_INVAL;
	pad = gst_element_get_static_pad(vtee, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, keyframes, s, NULL);
	gst_object_unref(pad);
	return ECC_OK;
}

void ecc_snapshot_free(ecc_snapshot *s)
{
	if (!s)
		return;
	g_free(s->stream);
	g_free(s->file);
	g_free(s);
}

void ecc_snapshot_shutdown(void)
{
	g_mutex_lock(&pool_lock);
	if (pool)
		g_thread_pool_free(pool, TRUE, TRUE);
	pool = NULL;
	g_mutex_unlock(&pool_lock);
	/* GLib keeps a finished pool's thread idle for reuse; end it now, so no
	 * thread comes or goes while LeakSanitizer inspects the exit. */
	g_thread_pool_set_max_unused_threads(0);
	g_thread_pool_stop_unused_threads();
}
