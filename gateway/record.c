/* record: splitmuxsink branch, segment naming, markers and reports. */
#define G_LOG_DOMAIN "ecc-gw-record"

#include "record.h"
#include "tee.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <glib/gstdio.h>
#include <stdatomic.h>
#include <string.h>

struct ecc_recorder {
	const struct ecc_gwconfig *cfg;
	char *stream, *unit;
	ecc_segment_fn fn;
	void *user;
	GstElement *branch; /* bin: queue ! splitmuxsink */
	GstElement *mux;
	GstPad *vsink, *asink; /* the branch's ghost pads, linked from the tees */
	GstPad *vtee_pad, *atee_pad;
	char vcodec[16], acodec[16];
	int width, height;
	bool failed;
	/* Every segment starts on a key frame: until the first one, video and
	 * audio are dropped (streaming threads: atomics). */
	atomic_bool keyframe_seen;
	atomic_uint_fast64_t first_pts;
	GMutex lock; /* guards open_segments (format-location-full runs in a streaming thread) */
	GList *open_segments; /* struct ecc_segment* */
};

/* Wall clock (UTC ms) of a running time of this element's pipeline. */
static int64_t wall_of(GstElement *e, GstClockTime rt)
{
	GstClock *clock = gst_element_get_clock(e);
	int64_t ms = ecc_now_ms();

	if (clock && GST_CLOCK_TIME_IS_VALID(rt)) {
		GstClockTime now = gst_clock_get_time(clock);
		GstClockTime at = gst_element_get_base_time(e) + rt;
		ms -= (int64_t)GST_CLOCK_DIFF(at, now) / GST_MSECOND;
	}
	if (clock)
		gst_object_unref(clock);
	return ms;
}

static gchar *format_location(GstElement *mux, guint idx, GstSample *first, gpointer data)
{
	ecc_recorder *r = data;
	GstBuffer *buf = gst_sample_get_buffer(first);
	const GstSegment *seg = gst_sample_get_segment(first);
	GstClockTime rt = GST_CLOCK_TIME_NONE;
	struct ecc_segment *s = g_new0(struct ecc_segment, 1);
	GDateTime *t;
	char *dir, *rel, *full, *stamp;

	(void)idx;
	if (buf && seg && GST_BUFFER_PTS_IS_VALID(buf))
		rt = gst_segment_to_running_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
	s->t0 = wall_of(mux, rt);
	t = g_date_time_new_from_unix_utc(s->t0 / 1000);
	stamp = g_date_time_format(t, "%Y%m%dT%H%M%S");
	dir = g_date_time_format(t, "%Y/%m/%d");
	rel = g_strdup_printf("%s/%s/%s_%s_%s.%03dZ.mp4", r->unit, dir, r->unit, r->stream, stamp,
	                      (int)(s->t0 % 1000));
	full = g_build_filename(r->cfg->recordings, rel, NULL);
	{
		char *parent = g_path_get_dirname(full);
		g_mkdir_with_parents(parent, 0750);
		g_free(parent);
	}
	s->stream = g_strdup(r->stream);
	s->unit = g_strdup(r->unit);
	s->path = rel;
	g_strlcpy(s->vcodec, r->vcodec, sizeof(s->vcodec));
	g_strlcpy(s->acodec, r->acodec, sizeof(s->acodec));
	s->width = r->width;
	s->height = r->height;
	if (gst_sample_get_caps(first)) {
		const GstStructure *st = gst_caps_get_structure(gst_sample_get_caps(first), 0);
		gst_structure_get_int(st, "width", &s->width);
		gst_structure_get_int(st, "height", &s->height);
	}
	ecc_segment_save_marker(r->cfg->recordings, s);
	g_mutex_lock(&r->lock);
	r->open_segments = g_list_append(r->open_segments, s);
	g_mutex_unlock(&r->lock);
	g_message("stream=%s: recording %s", r->stream, rel);
	g_free(stamp);
	g_free(dir);
	g_date_time_unref(t);
	return full;
}

ecc_recorder *ecc_recorder_new(const struct ecc_gwconfig *cfg, const char *stream, const char *unit,
                               ecc_segment_fn fn, void *user)
{
	ecc_recorder *r = g_new0(ecc_recorder, 1);

	r->cfg = cfg;
	r->stream = g_strdup(stream);
	r->unit = g_strdup(unit);
	r->fn = fn;
	r->user = user;
	g_mutex_init(&r->lock);
	return r;
}

static GstPad *ghost(GstElement *bin, GstElement *target, const char *tpad, const char *name)
{
	GstPad *p = gst_element_get_static_pad(target, tpad);
	GstPad *g = gst_ghost_pad_new(name, p);

	gst_object_unref(p);
	gst_element_add_pad(bin, g);
	return g;
}

static GstPadProbeReturn video_gate(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_recorder *r = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);

	(void)pad;
	if (atomic_load(&r->keyframe_seen))
		return GST_PAD_PROBE_OK;
	if (GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT))
		return GST_PAD_PROBE_DROP;
	atomic_store(&r->first_pts, GST_BUFFER_PTS(b));
	atomic_store(&r->keyframe_seen, true);
	return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn audio_gate(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_recorder *r = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
	GstClockTime first = atomic_load(&r->first_pts);

	(void)pad;
	if (!atomic_load(&r->keyframe_seen))
		return GST_PAD_PROBE_DROP;
	if (GST_CLOCK_TIME_IS_VALID(first) && GST_BUFFER_PTS_IS_VALID(b) &&
	    GST_BUFFER_PTS(b) < first)
		return GST_PAD_PROBE_DROP;
	return GST_PAD_PROBE_OK;
}

/* Links e's src pad to sinkpad and drops the request pad's reference. */
static void link_static(GstElement *e, GstPad *sinkpad)
{
	GstPad *src = gst_element_get_static_pad(e, "src");

	gst_pad_link(src, sinkpad);
	gst_object_unref(src);
	gst_object_unref(sinkpad);
}

int ecc_recorder_attach(ecc_recorder *r, GstBin *bin, GstElement *vtee, GstElement *atee,
                        const char *vcodec, const char *acodec, int width, int height)
{
	GstElement *vq, *aq = NULL;
	GstStructure *props, *sprops;

	GstPad *mp;

	g_strlcpy(r->vcodec, vcodec ? vcodec : "", sizeof(r->vcodec));
	g_strlcpy(r->acodec, acodec ? acodec : "", sizeof(r->acodec));
	r->width = width;
	r->height = height;
	r->branch = gst_bin_new(NULL);
	vq = gst_element_factory_make("queue", NULL);
	r->mux = gst_element_factory_make("splitmuxsink", NULL);
	if (!vq || !r->mux)
		return ECC_ERR_INVAL;
	/* 1 s fragments: a kill -9 loses at most the fragment being written. */
	props = gst_structure_new("properties", "fragment-duration", G_TYPE_UINT, 1000, NULL);
	/* Added to a running live pipeline: the file sinks must not wait for
	 * a preroll (async=false), or the tee blocks once the queue is full. */
	sprops = gst_structure_new("properties", "async", G_TYPE_BOOLEAN, FALSE, "sync",
	                           G_TYPE_BOOLEAN, FALSE, NULL);
	g_object_set(r->mux, "async-finalize", TRUE, "muxer-factory", "mp4mux", "muxer-properties",
	             props, "max-size-time", (guint64)r->cfg->segment_seconds * GST_SECOND,
	             "send-keyframe-requests", TRUE, NULL);
	gst_structure_free(props);
	g_object_set(r->mux, "sink-properties", sprops, NULL);
	gst_structure_free(sprops);
	g_object_set(r->branch, "async-handling", TRUE, NULL);
	g_object_set(vq, "max-size-time", (guint64)3 * GST_SECOND, "max-size-buffers", 0,
	             "max-size-bytes", 0, NULL);
	g_signal_connect(r->mux, "format-location-full", G_CALLBACK(format_location), r);
	gst_bin_add_many(GST_BIN(r->branch), vq, r->mux, NULL);
	mp = gst_element_request_pad_simple(r->mux, "video");
	link_static(vq, mp);
	r->vsink = ghost(r->branch, vq, "sink", "video");
	gst_pad_add_probe(r->vsink, GST_PAD_PROBE_TYPE_BUFFER, video_gate, r, NULL);
	if (atee) {
		aq = gst_element_factory_make("queue", NULL);
		g_object_set(aq, "max-size-time", (guint64)3 * GST_SECOND, "max-size-buffers", 0,
		             "max-size-bytes", 0, NULL);
		gst_bin_add(GST_BIN(r->branch), aq);
		mp = gst_element_request_pad_simple(r->mux, "audio_%u");
		link_static(aq, mp);
		r->asink = ghost(r->branch, aq, "sink", "audio");
		gst_pad_add_probe(r->asink, GST_PAD_PROBE_TYPE_BUFFER, audio_gate, r, NULL);
	}
	gst_bin_add(bin, r->branch);
	/* Playing before linked: a tee pushing into a pad that is not active
	 * yet gets FLUSHING back, and the source's task stops for good. */
	gst_element_sync_state_with_parent(r->branch);
	r->vtee_pad = ecc_tee_link(vtee, r->vsink);
	if (atee)
		r->atee_pad = ecc_tee_link(atee, r->asink);
	return r->vtee_pad ? ECC_OK : ECC_ERR_INVAL;
}

bool ecc_recorder_open(ecc_recorder *r)
{
	bool open;

	g_mutex_lock(&r->lock);
	open = r->open_segments != NULL;
	g_mutex_unlock(&r->lock);
	return open;
}

bool ecc_recorder_finish(ecc_recorder *r)
{
	if (!r->branch || r->failed || !ecc_recorder_open(r))
		return false;
	gst_pad_send_event(r->vsink, gst_event_new_eos());
	if (r->asink)
		gst_pad_send_event(r->asink, gst_event_new_eos());
	return true;
}

/* Reports the open segment whose file is location (absolute). */
static void closed(ecc_recorder *r, const char *location, GstClockTime rt, bool cut)
{
	struct ecc_segment *s = NULL;

	g_mutex_lock(&r->lock);
	for (GList *l = r->open_segments; l; l = l->next) {
		struct ecc_segment *x = l->data;
		char *full = g_build_filename(r->cfg->recordings, x->path, NULL);
		bool match = !location || !strcmp(full, location);
		g_free(full);
		if (match) {
			s = x;
			r->open_segments = g_list_delete_link(r->open_segments, l);
			break;
		}
	}
	g_mutex_unlock(&r->lock);
	if (!s)
		return;
	s->t1 = GST_CLOCK_TIME_IS_VALID(rt) && r->mux ? wall_of(r->mux, rt) : 0;
	s->cut_short = cut;
	if (ecc_segment_finish(r->cfg->recordings, s) != ECC_OK)
		g_warning("stream=%s: segment %s unreadable", r->stream, s->path);
	ecc_segment_save_marker(r->cfg->recordings, s);
	g_message("stream=%s: segment %s closed, %" G_GUINT64_FORMAT " bytes%s", r->stream, s->path,
	          s->bytes, cut ? " (cut short)" : "");
	r->fn(r->user, s);
	ecc_segment_clear(s);
	g_free(s);
}

bool ecc_recorder_on_message(ecc_recorder *r, GstMessage *m)
{
	const GstStructure *st;
	const char *location;
	GstClockTime rt = GST_CLOCK_TIME_NONE;

	if (!r->mux || GST_MESSAGE_TYPE(m) != GST_MESSAGE_ELEMENT ||
	    GST_MESSAGE_SRC(m) != GST_OBJECT(r->mux))
		return false;
	st = gst_message_get_structure(m);
	if (!gst_structure_has_name(st, "splitmuxsink-fragment-closed"))
		return true;
	location = gst_structure_get_string(st, "location");
	gst_structure_get_clock_time(st, "running-time", &rt);
	closed(r, location, rt, false);
	return true;
}

bool ecc_recorder_owns(ecc_recorder *r, GstObject *src)
{
	return r->branch && gst_object_has_as_ancestor(src, GST_OBJECT(r->branch));
}

void ecc_recorder_fail(ecc_recorder *r, GstBin *bin, const char *why)
{
	if (r->failed || !r->branch)
		return;
	g_warning("stream=%s: recording stopped: %s", r->stream, why);
	r->failed = true;
	if (r->vtee_pad)
		gst_pad_unlink(r->vtee_pad, r->vsink);
	if (r->atee_pad)
		gst_pad_unlink(r->atee_pad, r->asink);
	gst_element_set_locked_state(r->branch, TRUE);
	gst_element_set_state(r->branch, GST_STATE_NULL);
	gst_bin_remove(bin, r->branch);
	r->branch = NULL;
	r->mux = NULL;
	while (ecc_recorder_open(r))
		closed(r, NULL, GST_CLOCK_TIME_NONE, true);
}

bool ecc_recorder_failed(ecc_recorder *r)
{
	return r->failed;
}

void ecc_recorder_free(ecc_recorder *r)
{
	if (!r)
		return;
	/* Whatever is still open was cut short (the stream stopped hard). */
	r->mux = NULL;
	while (ecc_recorder_open(r))
		closed(r, NULL, GST_CLOCK_TIME_NONE, true);
	if (r->vtee_pad)
		gst_object_unref(r->vtee_pad);
	if (r->atee_pad)
		gst_object_unref(r->atee_pad);
	g_mutex_clear(&r->lock);
	g_free(r->stream);
	g_free(r->unit);
	g_free(r);
}
