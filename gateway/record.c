/* record: a rolling segmenter (mp4mux ! filesink per segment), naming,
 * markers and reports. */
#define G_LOG_DOMAIN "ecc-gw-record"

#include "record.h"
#include "tee.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <glib/gstdio.h>
#include <gst/base/gstaggregator.h>
#include <stdatomic.h>
#include <string.h>

#include "record_internal.h"

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

/* Running time of a media time on pad (its sticky segment), or NONE. */
static GstClockTime running_time(GstPad *pad, GstClockTime t)
{
	GstEvent *ev = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
	GstClockTime rt = GST_CLOCK_TIME_NONE;
	const GstSegment *seg;

	if (!ev)
		return rt;
	gst_event_parse_segment(ev, &seg);
	if (GST_CLOCK_TIME_IS_VALID(t))
		rt = gst_segment_to_running_time(seg, GST_FORMAT_TIME, t);
	gst_event_unref(ev);
	return rt;
}

/* The report of a segment starting with the key frame b on pad, its marker
 * written; *full gets the file's absolute path. */
static struct ecc_segment *segment_open(ecc_recorder *r, GstPad *pad, GstBuffer *b, char **full)
{
	struct ecc_segment *s = g_new0(struct ecc_segment, 1);
	GstCaps *caps = gst_pad_get_current_caps(pad);
	GDateTime *t;
	char *dir, *rel, *stamp, *parent;

	s->t0 = wall_of(r->branch, running_time(pad, GST_BUFFER_PTS(b)));
	t = g_date_time_new_from_unix_utc(s->t0 / 1000);
	stamp = g_date_time_format(t, "%Y%m%dT%H%M%S");
	dir = g_date_time_format(t, "%Y/%m/%d");
	rel = g_strdup_printf("%s/%s/%s_%s_%s.%03dZ.mp4", r->unit, dir, r->unit, r->stream, stamp,
	                      (int)(s->t0 % 1000));
	*full = g_build_filename(r->cfg->recordings, rel, NULL);
	parent = g_path_get_dirname(*full);
	g_mkdir_with_parents(parent, 0750);
	g_free(parent);
	s->stream = g_strdup(r->stream);
	s->unit = g_strdup(r->unit);
	s->path = rel;
	g_strlcpy(s->vcodec, r->vcodec, sizeof(s->vcodec));
	g_strlcpy(s->acodec, r->acodec, sizeof(s->acodec));
	s->width = r->width;
	s->height = r->height;
	if (caps) {
		const GstStructure *st = gst_caps_get_structure(caps, 0);
		gst_structure_get_int(st, "width", &s->width);
		gst_structure_get_int(st, "height", &s->height);
		gst_caps_unref(caps);
	}
	ecc_segment_save_marker(r->cfg->recordings, s);
	g_message("stream=%s: recording %s", r->stream, rel);
	g_free(stamp);
	g_free(dir);
	g_date_time_unref(t);
	return s;
}

static GstPad *ghost(GstElement *bin, GstPad *target, const char *name)
{
	GstPad *g = gst_ghost_pad_new(name, target);

	gst_object_unref(target);
	gst_element_add_pad(bin, g);
	return g;
}

/* A new segment's "mp4mux ! filesink" in the branch, playing, not linked.
 * Fragments of 1 s: a kill -9 loses at most the fragment being written.
 * The file sink must not wait for a preroll (async=false): it joins a
 * running live pipeline. Streaming thread (video). */
struct out *ecc_rec_out_new(ecc_recorder *r, GstPad *pad, GstBuffer *b)
{
	struct out *o = g_new0(struct out, 1);
	GstElement *mux = gst_element_factory_make("mp4mux", NULL);
	GstElement *sink = gst_element_factory_make("filesink", NULL);
	char *full = NULL;

	if (!mux || !sink) {
		g_warning("stream=%s: no mp4mux or filesink", r->stream);
		if (mux)
			gst_object_unref(mux);
		if (sink)
			gst_object_unref(sink);
		g_free(o);
		return NULL;
	}
	o->s = segment_open(r, pad, b, &full);
	o->first_pts = GST_BUFFER_PTS(b);
	o->end_pts = GST_BUFFER_PTS(b);
	o->vdts = o->adts = GST_CLOCK_TIME_NONE;
	o->bin = gst_bin_new(NULL);
	g_object_set(o->bin, "message-forward", TRUE, NULL);
	g_object_set(mux, "fragment-duration", 1000, NULL);
	g_object_set(sink, "location", full, "async", FALSE, "sync", FALSE, NULL);
	g_free(full);
	gst_bin_add_many(GST_BIN(o->bin), mux, sink, NULL);
	gst_element_link(mux, sink);
	o->vpad = ghost(o->bin, gst_element_request_pad_simple(mux, "video_%u"), "video");
	/* while the sound is lost, a segment is the picture alone */
	if (r->asink && !atomic_load(&r->sound_lost))
		o->apad = ghost(o->bin, gst_element_request_pad_simple(mux, "audio_%u"), "audio");
	gst_bin_add(GST_BIN(r->branch), o->bin);
	gst_element_sync_state_with_parent(o->bin);
	return o;
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

static void on_overrun(GstElement *q, gpointer data)
{
	ecc_recorder *r = data;

	(void)q;
	atomic_store(&r->stuck, true);
}

/* A queue of up to 5 s in front of the muxers (a slow disk write, or a
 * muxer waiting for sound until ecc_recorder_tick gives up on it), routed
 * by probe on its output; its input pad is exposed on the branch as name,
 * gated by gate. It never holds back the tee: a full queue would stop the
 * ingest itself, its viewers and its stall detection with it. */
static GstPad *input(ecc_recorder *r, const char *name, GstPadProbeCallback gate,
                     GstPadProbeCallback route)
{
	GstElement *q = gst_element_factory_make("queue", NULL);
	GstPad *src, *in;

	g_object_set(q, "max-size-time", (guint64)5 * GST_SECOND, "max-size-buffers", 0,
	             "max-size-bytes", 0, "leaky", 2 /* downstream: drops the oldest */, NULL);
	g_signal_connect(q, "overrun", G_CALLBACK(on_overrun), r);
	gst_bin_add(GST_BIN(r->branch), q);
	src = gst_element_get_static_pad(q, "src");
	gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, route, r, NULL);
	gst_object_unref(src);
	in = ghost(r->branch, gst_element_get_static_pad(q, "sink"), name);
	gst_pad_add_probe(in, GST_PAD_PROBE_TYPE_BUFFER, gate, r, NULL);
	ecc_branch_guard(r->branch, in); /* a full disk stops the recording, not the source */
	return in;
}

int ecc_recorder_attach(ecc_recorder *r, GstBin *bin, GstElement *vtee, GstElement *atee,
                        const char *vcodec, const char *acodec, int width, int height)
{
	g_strlcpy(r->vcodec, vcodec ? vcodec : "", sizeof(r->vcodec));
	g_strlcpy(r->acodec, acodec ? acodec : "", sizeof(r->acodec));
	r->width = width;
	r->height = height;
	r->failed = false;
	atomic_store(&r->keyframe_seen, false);
	atomic_store(&r->first_pts, GST_CLOCK_TIME_NONE);
	r->cache = ecc_gopcache_of(vtee);
	r->sound_cache = ecc_gopcache_of(atee);
	atomic_store(&r->sound_due, false);
	if (vtee != r->fed_by)
		r->recorded_end = GST_CLOCK_TIME_NONE; /* a new pipeline, new times */
	r->fed_by = vtee;
	r->last_key = r->tick_vend = GST_CLOCK_TIME_NONE;
	atomic_store(&r->replay_due, false);
	atomic_store(&r->heard_us, 0);
	atomic_store(&r->sound_lost, false);
	atomic_store(&r->stuck, false);
	atomic_store(&r->last_apts, GST_CLOCK_TIME_NONE);
	r->branch = gst_bin_new(NULL);
	g_object_set(r->branch, "async-handling", TRUE, NULL);
	r->vsink = input(r, "video", ecc_rec_video_gate, ecc_rec_video_route);
	r->asink = atee ? input(r, "audio", ecc_rec_audio_gate, ecc_rec_audio_route) : NULL;
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
	bool open = false;

	g_mutex_lock(&r->lock);
	for (GList *l = r->outs; l && !open; l = l->next)
		open = ((struct out *)l->data)->s != NULL;
	g_mutex_unlock(&r->lock);
	return open;
}

bool ecc_recorder_finish(ecc_recorder *r)
{
	GSList *ends;

	if (!r->branch || r->failed || !ecc_recorder_open(r))
		return false;
	/* Audio still in an older segment gets there by the queue; every other
	 * segment waiting for audio gets its end now, then the inputs theirs. */
	g_mutex_lock(&r->lock);
	ends = ecc_rec_audio_ends(r, r->acur, false);
	g_mutex_unlock(&r->lock);
	ends = g_slist_append(ends, gst_object_ref(r->vsink));
	if (r->asink)
		ends = g_slist_append(ends, gst_object_ref(r->asink));
	ecc_rec_send_eos_later(r, ends);
	return true;
}

bool ecc_recorder_close(ecc_recorder *r)
{
	if (!r->branch || r->failed)
		return false;
	/* first off the tees, so the source never meets the branch's end:
	 * with the EOS sent on a tee's output (ecc_recorder_finish alone), a
	 * room participant's stream stopped 4 s later, every time (96) */
	ecc_tee_drop(&r->vtee_pad, r->vsink);
	ecc_tee_drop(&r->atee_pad, r->asink);
	return ecc_recorder_finish(r);
}

/* Reports o's segment (main loop). */
static void closed(ecc_recorder *r, struct out *o, bool cut)
{
	struct ecc_segment *s;
	GstClockTime end;
	bool silent;

	g_mutex_lock(&r->lock);
	s = o->s;
	o->s = NULL;
	end = o->end_pts;
	silent = o->apad && !o->sound;
	g_mutex_unlock(&r->lock);
	if (!s)
		return;
	if (silent)
		g_message("stream=%s: segment %s has no sound: none came in its time", r->stream,
		          s->path);
	s->t1 = 0;
	if (r->branch && GST_CLOCK_TIME_IS_VALID(end)) {
		GstPad *in = gst_ghost_pad_get_target(GST_GHOST_PAD(r->vsink));
		GstClockTime rt = in ? running_time(in, end) : GST_CLOCK_TIME_NONE;
		if (in)
			gst_object_unref(in);
		if (GST_CLOCK_TIME_IS_VALID(rt))
			s->t1 = wall_of(r->branch, rt);
	}
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

/* Drops the muxers of reported segments that no queue feeds any more. */
static void reap(ecc_recorder *r)
{
	GList *gone = NULL;

	g_mutex_lock(&r->lock);
	for (GList *l = r->outs, *next; l; l = next) {
		struct out *o = l->data;
		next = l->next;
		if (o->s || o == r->vcur || o == r->acur)
			continue;
		r->outs = g_list_delete_link(r->outs, l);
		gone = g_list_prepend(gone, o);
	}
	g_mutex_unlock(&r->lock);
	for (GList *l = gone; l; l = l->next) {
		struct out *o = l->data;
		if (r->branch)
			ecc_branch_remove(GST_BIN(r->branch), o->bin);
		g_free(o);
	}
	g_list_free(gone);
}

bool ecc_recorder_on_message(ecc_recorder *r, GstMessage *m)
{
	const GstStructure *st;
	GstMessage *inner = NULL;
	struct out *o = NULL;

	if (!r->branch || GST_MESSAGE_TYPE(m) != GST_MESSAGE_ELEMENT)
		return false;
	g_mutex_lock(&r->lock);
	for (GList *l = r->outs; l && !o; l = l->next)
		if (GST_MESSAGE_SRC(m) == GST_OBJECT(((struct out *)l->data)->bin))
			o = l->data;
	g_mutex_unlock(&r->lock);
	if (!o)
		return false;
	st = gst_message_get_structure(m);
	if (gst_structure_has_name(st, "GstBinForwarded") &&
	    gst_structure_get(st, "message", GST_TYPE_MESSAGE, &inner, NULL) && inner) {
		if (GST_MESSAGE_TYPE(inner) == GST_MESSAGE_EOS) {
			closed(r, o, false); /* its file is complete */
			reap(r);
		}
		gst_message_unref(inner);
	}
	return true;
}

bool ecc_recorder_owns(ecc_recorder *r, GstObject *src)
{
	return r->branch && gst_object_has_as_ancestor(src, GST_OBJECT(r->branch));
}

/* The picture's and the sound's progress into the muxers (main loop). */
static void progress(ecc_recorder *r, GstClockTime *vend, GstClockTime *apts)
{
	*apts = atomic_load(&r->last_apts);
	*vend = GST_CLOCK_TIME_NONE;
	g_mutex_lock(&r->lock);
	if (r->vcur)
		*vend = r->vcur->end_pts;
	g_mutex_unlock(&r->lock);
}

/* How much picture waits in the video input queue. */
static guint64 video_backlog(ecc_recorder *r)
{
	GstPad *in = gst_ghost_pad_get_target(GST_GHOST_PAD(r->vsink));
	GstElement *q = in ? gst_pad_get_parent_element(in) : NULL;
	guint64 level = 0;

	if (q) {
		g_object_get(q, "current-level-time", &level, NULL);
		gst_object_unref(q);
	}
	if (in)
		gst_object_unref(in);
	return level;
}

/* One muxer input's state for the stuck report: what it holds next
 * (decoding and presentation time), and whether it ended. */
static gboolean pad_state(GstElement *mux, GstPad *pad, gpointer data)
{
	GString *out = data;
	GstAggregatorPad *ap = GST_IS_AGGREGATOR_PAD(pad) ? GST_AGGREGATOR_PAD(pad) : NULL;
	GstBuffer *b = ap ? gst_aggregator_pad_peek_buffer(ap) : NULL;
	GstCaps *caps = gst_pad_get_current_caps(pad);

	g_string_append_printf(out, " %s[", GST_PAD_NAME(pad));
	if (b)
		g_string_append_printf(out, "next dts %" GST_TIME_FORMAT " pts %" GST_TIME_FORMAT,
		                       GST_TIME_ARGS(GST_BUFFER_DTS(b)),
		                       GST_TIME_ARGS(GST_BUFFER_PTS(b)));
	else
		g_string_append(out, "nothing queued");
	if (ap && gst_aggregator_pad_is_eos(ap))
		g_string_append(out, ", eos");
	if (!caps)
		g_string_append(out, ", no caps");
	g_string_append(out, "]");
	if (b)
		gst_buffer_unref(b);
	if (caps)
		gst_caps_unref(caps);
	(void)mux;
	return TRUE;
}

/* Every segment's muxer, for the stuck report: its file, its inputs, and
 * how far its output got (what the next look at a stuck muxer needs). */
static char *muxers_state(ecc_recorder *r)
{
	GString *out = g_string_new(NULL);
	GPtrArray *bins = g_ptr_array_new_with_free_func(gst_object_unref);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	g_mutex_lock(&r->lock);
	for (GList *l = r->outs; l; l = l->next) {
		struct out *o = l->data;
		g_ptr_array_add(bins, gst_object_ref(o->bin));
		g_ptr_array_add(names, g_strdup_printf("%s%s%s", o->s ? o->s->path : "(reported)",
		                                       o == r->vcur ? " (picture)" : "",
		                                       o == r->acur ? " (sound)" : ""));
	}
	g_mutex_unlock(&r->lock);
	for (guint i = 0; i < bins->len; i++) {
		GstIterator *it = gst_bin_iterate_elements(GST_BIN(g_ptr_array_index(bins, i)));
		GValue v = G_VALUE_INIT;
		g_string_append_printf(out, "; segment %s:", (char *)g_ptr_array_index(names, i));
		while (gst_iterator_next(it, &v) == GST_ITERATOR_OK) {
			GstElement *e = g_value_get_object(&v);
			if (GST_IS_AGGREGATOR(e)) {
				GstAggregatorPad *src =
				    GST_AGGREGATOR_PAD(GST_AGGREGATOR(e)->srcpad);
				GstClockTime at;
				gst_element_foreach_sink_pad(e, pad_state, out);
				GST_OBJECT_LOCK(src);
				at = src->segment.position;
				GST_OBJECT_UNLOCK(src);
				g_string_append_printf(out, " out at %" GST_TIME_FORMAT,
				                       GST_TIME_ARGS(at));
			}
			g_value_reset(&v);
		}
		g_value_unset(&v);
		gst_iterator_free(it);
	}
	g_ptr_array_unref(bins);
	g_ptr_array_unref(names);
	return g_string_free(out, FALSE);
}

/* The muxer has held the picture back for 2 s, and taken none of it
 * since the last tick, while it takes newer sound
 * (or an input ran full): stuck. Seen when the sound's timestamps ran
 * seconds ahead of the picture (rtspsrc with max-ts-offset-adjustment, and
 * before that under load); why mp4mux then takes no picture is not known.
 * Each second more is lost when it is rebuilt. A muxer waiting for late
 * sound is not stuck: its sound is older. Reported with both tracks'
 * times, which is what the next look at it needs. */
static bool muxer_stuck(ecc_recorder *r)
{
	GstClockTime vend, apts;
	GstPad *vin, *ain;
	char *state;
	bool moved;

	progress(r, &vend, &apts);
	/* a muxer that took some picture since the last tick is slow (a
	 * loaded machine), not stuck: rebuilding it would lose what waits */
	moved = vend != r->tick_vend;
	r->tick_vend = vend;
	/* An input that ran full and drained since, the muxer taking picture:
	 * not stuck. Seen right at the start of a recording on a pipeline that
	 * had waited over 10 s for its first frame (room participants publishing
	 * again after a hub restart, 99-rooms-restart): the first overrun came
	 * within a second, with nothing left queued at the tick. Failed for it,
	 * the recording was cut short every 3 s. (Probably the queue's level,
	 * counted from running times, read its segment's start against the
	 * first buffer's 16 s; a unit test at normal speed did not overrun.) */
	if (atomic_load(&r->stuck) && moved && GST_CLOCK_TIME_IS_VALID(vend) &&
	    video_backlog(r) < GST_SECOND) {
		if (r->drained++ % 60 == 0)
			g_message("stream=%s: the recording's input ran full and drained; going on"
			          " (%u times)",
			          r->stream, r->drained);
		atomic_store(&r->stuck, false);
	}
	if (!atomic_load(&r->stuck) &&
	    !(GST_CLOCK_TIME_IS_VALID(apts) && GST_CLOCK_TIME_IS_VALID(vend) && !moved &&
	      apts > vend + GST_SECOND && video_backlog(r) > 2 * GST_SECOND))
		return false;
	atomic_store(&r->stuck, true);
	vin = gst_ghost_pad_get_target(GST_GHOST_PAD(r->vsink));
	ain = r->asink ? gst_ghost_pad_get_target(GST_GHOST_PAD(r->asink)) : NULL;
	state = muxers_state(r);
	g_warning("stream=%s: the recording's muxer is stuck (picture up to %" GST_TIME_FORMAT
	          " running %" GST_TIME_FORMAT ", sound up to %" GST_TIME_FORMAT
	          " running %" GST_TIME_FORMAT ", %" G_GUINT64_FORMAT " ms of picture queued)%s",
	          r->stream, GST_TIME_ARGS(vend), GST_TIME_ARGS(running_time(vin, vend)),
	          GST_TIME_ARGS(apts),
	          GST_TIME_ARGS(ain ? running_time(ain, apts) : GST_CLOCK_TIME_NONE),
	          video_backlog(r) / GST_MSECOND, state);
	g_free(state);
	if (vin)
		gst_object_unref(vin);
	if (ain)
		gst_object_unref(ain);
	return true;
}

/* Sound missing this long ends the open segments' sound (under the
 * queue's 5 s, with the tick's 1 s). */
#define SOUND_LOST_US (2 * G_USEC_PER_SEC)

bool ecc_recorder_tick(ecc_recorder *r)
{
	gint64 now = g_get_monotonic_time(), heard = atomic_load(&r->heard_us);
	GSList *pads = NULL;

	if (muxer_stuck(r))
		return false;
	g_mutex_lock(&r->lock);
	if (r->asink && heard && now - heard > SOUND_LOST_US && !atomic_load(&r->sound_lost)) {
		atomic_store(&r->sound_lost, true);
		g_message("stream=%s: no sound for %d s; recording the picture alone until it "
		          "returns",
		          r->stream, (int)((now - heard) / G_USEC_PER_SEC));
		pads = ecc_rec_audio_ends(r, NULL, false);
	}
	/* A segment whose audio stopped before the split waits for no more. */
	for (GList *l = r->outs; l; l = l->next) {
		struct out *o = l->data;
		if (o->split_at && now - o->split_at > 3 * G_USEC_PER_SEC && o->apad &&
		    !o->audio_eos) {
			o->audio_eos = true;
			pads = g_slist_prepend(pads, gst_object_ref(o->apad));
		}
	}
	g_mutex_unlock(&r->lock);
	ecc_rec_send_eos_later(r, pads);
	reap(r);
	return true;
}

/* Every segment not yet reported, reported cut short; the outputs freed
 * (their elements go with the branch). */
static void drop_outs(ecc_recorder *r)
{
	GList *outs;

	g_mutex_lock(&r->lock);
	outs = r->outs;
	r->outs = NULL;
	r->vcur = r->acur = NULL;
	g_mutex_unlock(&r->lock);
	for (GList *l = outs; l; l = l->next) {
		closed(r, l->data, true);
		g_free(l->data);
	}
	g_list_free(outs);
}

/* The branch out of bin: the tees' outputs back (or every retry would
 * leave two behind), every segment still open reported cut short. */
static void drop_branch(ecc_recorder *r, GstBin *bin)
{
	g_mutex_lock(&r->lock);
	for (GList *l = r->outs; l; l = l->next) {
		GstClockTime end = ((struct out *)l->data)->end_pts;
		if (GST_CLOCK_TIME_IS_VALID(end) &&
		    (!GST_CLOCK_TIME_IS_VALID(r->recorded_end) || end > r->recorded_end))
			r->recorded_end = end;
	}
	g_mutex_unlock(&r->lock);
	ecc_tee_drop(&r->vtee_pad, r->vsink);
	ecc_tee_drop(&r->atee_pad, r->asink);
	{
		GstElement *branch = r->branch;
		ecc_branch_remove(bin, branch);
		r->branch = NULL; /* closed() must not ask the dead branch for times */
		drop_outs(r);
	}
	r->vsink = r->asink = NULL;
}

void ecc_recorder_fail(ecc_recorder *r, GstBin *bin, const char *why)
{
	if (r->failed || !r->branch)
		return;
	g_warning("stream=%s: recording stopped: %s", r->stream, why);
	r->failed = true;
	drop_branch(r, bin);
}

void ecc_recorder_detach(ecc_recorder *r, GstBin *bin)
{
	if (r->branch)
		drop_branch(r, bin);
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
	r->branch = NULL;
	drop_outs(r);
	if (r->vtee_pad)
		gst_object_unref(r->vtee_pad);
	if (r->atee_pad)
		gst_object_unref(r->atee_pad);
	g_mutex_clear(&r->lock);
	g_free(r->stream);
	g_free(r->unit);
	g_free(r);
}
