/* snapshot: key-frame JPEG thumbnails, decoded on one shared worker. */
#define G_LOG_DOMAIN "ecc-gw-snapshot"

#include "snapshot.h"
#include "ecc_err.h"

#include <gst/app/gstappsink.h>
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
 * must). One decoder thread: the worker decodes one picture at a time. The
 * decoder's sink pad is left for the worker's own pad to feed. */
#define PIPELINE                                                                                   \
	"%s name=dec max-threads=1 ! videoconvert ! videoscale ! "                                 \
	"video/x-raw,width=480,pixel-aspect-ratio=1/1 ! jpegenc quality=75 ! "                     \
	"appsink name=snap sync=false async=false wait-on-eos=false"

/* A decoding pipeline kept across pictures (one per codec, the worker's
 * alone): building one per picture cost more than the decoding (parsing,
 * plugin lookups, fresh frame memory to fault in every time). The worker
 * pushes into it from its own thread (no source thread): caps when they
 * change, a segment, the frame, then EOS to drain the decoder; a flush
 * makes it ready for the next picture. */
struct decoder {
	const char *name; /* avdec_h264, avdec_h265 */
	GstElement *pipe;
	GstAppSink *sink;
	GstPad *feed;  /* ours, linked to the decoder's sink pad */
	GstCaps *caps; /* the caps last sent */
};

static GMutex pool_lock;
static GThreadPool *pool;
static struct decoder decoders[2]; /* the worker's; freed at shutdown */

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

/* Empties the pipeline's bus; the first error's text, or NULL. */
static char *drain_bus(GstElement *p)
{
	GstBus *bus = gst_element_get_bus(p);
	GstMessage *m;
	char *why = NULL;

	while ((m = gst_bus_pop(bus))) {
		if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR && !why) {
			GError *err = NULL;
			gst_message_parse_error(m, &err, NULL);
			why = g_strdup(err ? err->message : "error");
			g_clear_error(&err);
		}
		gst_message_unref(m);
	}
	gst_object_unref(bus);
	return why;
}

static void decoder_clear(struct decoder *d)
{
	if (d->pipe) {
		gst_element_set_state(d->pipe, GST_STATE_NULL);
		drain_bus(d->pipe);
		gst_object_unref(d->pipe);
	}
	if (d->sink)
		gst_object_unref(d->sink);
	if (d->feed) {
		gst_pad_set_active(d->feed, FALSE);
		gst_object_unref(d->feed);
	}
	if (d->caps)
		gst_caps_unref(d->caps);
	memset(d, 0, sizeof(*d));
}

static struct decoder *decoder_get(const char *name, const char *stream)
{
	struct decoder *d = NULL;
	GstElement *dec;
	GstPad *in;
	char *desc;
	GError *err = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(decoders) && !d; i++)
		if (decoders[i].pipe && decoders[i].name == name)
			return &decoders[i];
	for (size_t i = 0; i < G_N_ELEMENTS(decoders) && !d; i++)
		if (!decoders[i].pipe)
			d = &decoders[i];
	if (!d)
		return NULL;
	desc = g_strdup_printf(PIPELINE, name);
	d->pipe = gst_parse_launch(desc, &err);
	g_free(desc);
	if (!d->pipe) {
		g_warning("stream=%s: no snapshot pipeline: %s", stream, err ? err->message : "?");
		g_clear_error(&err);
		return NULL;
	}
	d->name = name;
	d->sink = GST_APP_SINK(gst_bin_get_by_name(GST_BIN(d->pipe), "snap"));
	dec = gst_bin_get_by_name(GST_BIN(d->pipe), "dec");
	in = gst_element_get_static_pad(dec, "sink");
	d->feed = gst_pad_new("feed", GST_PAD_SRC);
	gst_pad_set_active(d->feed, TRUE);
	gst_pad_link(d->feed, in);
	gst_object_unref(in);
	gst_object_unref(dec);
	gst_element_set_state(d->pipe, GST_STATE_PLAYING);
	gst_pad_push_event(d->feed, gst_event_new_stream_start("ecc-snapshot"));
	return d;
}

/* Decodes one key frame into a sample of JPEG (push: the job's frame). */
static GstSample *decoder_run(struct decoder *d, struct job *j)
{
	GstSegment seg;
	GstBuffer *frame = j->frame;

	j->frame = NULL;
	gst_pad_push_event(d->feed, gst_event_new_flush_start());
	gst_pad_push_event(d->feed, gst_event_new_flush_stop(TRUE));
	if (!d->caps || !gst_caps_is_equal(d->caps, j->caps)) {
		gst_caps_replace(&d->caps, j->caps);
		gst_pad_push_event(d->feed, gst_event_new_caps(j->caps));
	}
	gst_segment_init(&seg, GST_FORMAT_TIME);
	gst_pad_push_event(d->feed, gst_event_new_segment(&seg));
	GST_BUFFER_PTS(frame) = GST_BUFFER_DTS(frame) = 0;
	gst_pad_push(d->feed, frame);
	gst_pad_push_event(d->feed, gst_event_new_eos());
	return gst_app_sink_try_pull_sample(d->sink, 0);
}

static void decode(gpointer data, gpointer user)
{
	struct job *j = data;
	struct decoder *d = decoder_get(j->decoder, j->stream);
	GstSample *sample;
	char *why;

	(void)user;
	if (!d) {
		job_free(j);
		return;
	}
	sample = decoder_run(d, j);
	why = drain_bus(d->pipe);
	if (sample) {
		write_jpeg(j, sample);
		gst_sample_unref(sample);
	} else {
		g_warning("stream=%s: no snapshot: %s", j->stream, why ? why : "no picture");
		decoder_clear(d); /* the next picture gets a fresh decoder */
	}
	g_free(why);
	job_free(j);
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
	for (size_t i = 0; i < G_N_ELEMENTS(decoders); i++)
		decoder_clear(&decoders[i]);
}
