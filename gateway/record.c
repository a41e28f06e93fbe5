/* record: a rolling segmenter (mp4mux ! filesink per segment), naming,
 * markers and reports. */
#define G_LOG_DOMAIN "ecc-gw-record"

#include "record.h"
#include "gopcache.h"
#include "tee.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <glib/gstdio.h>
#include <stdatomic.h>
#include <string.h>

/* One segment's muxer and file: a bin with "video" and "audio" sink pads.
 * Its messages are forwarded (message-forward) so its EOS reaches the bus. */
struct out {
	GstElement *bin;
	GstPad *vpad, *apad;
	struct ecc_segment *s;
	GstClockTime first_pts;  /* the key frame it starts with */
	GstClockTime end_pts;    /* after its last video frame */
	gint64 split_at;         /* monotonic us when video moved on, or 0 */
	GstClockTime vdts, adts; /* the last decoding times written, per track */
	unsigned restamped;      /* buffers keep_order moved */
	bool audio_eos;          /* its audio pad has had EOS */
	bool sound;              /* some audio went into it */
};

struct ecc_recorder {
	const struct ecc_gwconfig *cfg;
	char *stream, *unit;
	ecc_segment_fn fn;
	void *user;
	GstElement *branch;    /* bin: queue (video), queue (audio), one out per segment */
	GstPad *vsink, *asink; /* the branch's ghost pads, linked from the tees */
	GstPad *vtee_pad, *atee_pad;
	char vcodec[16], acodec[16];
	int width, height;
	bool failed;
	/* Every segment starts on a key frame: until the first one, video and
	 * audio are dropped (streaming threads: atomics). */
	atomic_bool keyframe_seen;
	atomic_uint_fast64_t first_pts;
	/* The stream's cached GOP (gopcache.h), or NULL: a recording attached
	 * between key frames starts from the cached key frame, with the
	 * frames' own times, instead of losing up to a GOP (20 s from a drone).
	 * replay_due: the gate let a picture through on the cache's word, the
	 * route puts the cached frames before it. */
	ecc_gopcache *cache;
	atomic_bool replay_due;
	/* Sound that stops (a camera's microphone, a lost RTP track) must not
	 * hold back the picture: a muxer waits for both, and the picture would
	 * fill its queue and stop the source. heard_us: monotonic us of the last
	 * sample in; sound_lost: segments are closed to sound until it returns. */
	atomic_int_fast64_t heard_us;
	atomic_bool sound_lost;
	/* The muxer is stuck: an input queue ran full (it took nothing for
	 * 5 s; the leaky queues then drop their oldest rather than stop the
	 * source), or muxer_stuck saw it hold the picture back. */
	atomic_bool stuck;
	atomic_uint_fast64_t last_apts; /* the last sound routed, for that report */
	/* guards outs, vcur, acur and the outs' fields (the video
	 * and audio streaming threads switch outputs; the main loop reaps) */
	GMutex lock;
	GList *outs;           /* struct out*, oldest first, until reaped */
	struct out *vcur;      /* where video goes */
	struct out *acur;      /* where audio goes (moves on with the samples' times) */
	GstClockTime last_key; /* the last key frame routed (r->lock) */
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
static struct out *out_new(ecc_recorder *r, GstPad *pad, GstBuffer *b)
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

static gboolean resend(GstPad *pad, GstEvent **event, gpointer sinkpad)
{
	(void)pad;
	if (GST_EVENT_TYPE(*event) != GST_EVENT_EOS)
		gst_pad_send_event(sinkpad, gst_event_ref(*event));
	return TRUE;
}

/* Moves src's output to sinkpad inside src's own push: the buffer being
 * pushed goes to sinkpad, preceded by the stream's sticky events (caps,
 * segment), which this push has already checked for the old peer. */
static void relink(GstPad *src, GstPad *old, GstPad *sinkpad)
{
	if (old)
		gst_pad_unlink(src, old);
	if (gst_pad_link(src, sinkpad) == GST_PAD_LINK_OK)
		gst_pad_sticky_events_foreach(src, resend, sinkpad);
}

static void send_eos(GSList *pads)
{
	for (GSList *l = pads; l; l = l->next) {
		gst_pad_send_event(l->data, gst_event_new_eos());
		gst_object_unref(l->data);
	}
	g_slist_free(pads);
}

static void eos_async(GstElement *branch, gpointer pads)
{
	send_eos(pads);
	gst_object_unref(branch); /* send_eos_later's */
}

/* send_eos from a pool thread, for the main loop: an EOS waits for the
 * pad's stream lock, which a streaming thread stuck inside the branch
 * holds until the pipeline stops; the main loop must not wait for that. */
static void send_eos_later(ecc_recorder *r, GSList *pads)
{
	if (pads)
		gst_element_call_async(gst_object_ref(r->branch), eos_async, pads, NULL);
}

/* A segment of N s ends at the first key frame at least N s on, less this
 * slack: a tenth of the segment, at most 250 ms. Timestamps of a live
 * source jitter with its arrival (under load by tens of ms); without the
 * slack a key frame a hair early would make the segment a whole GOP longer. */
#define SPLIT_SLACK(len) MIN((len) / 10, 250 * GST_MSECOND)

/* A track's decoding times go forward in a file, or players and checkers
 * (ffmpeg) call it broken. Under load a live source's times can step back
 * (seen: RTP sound by 30 ms, an SRT demuxer's picture by 2 s): such a
 * buffer is kept, stamped a millisecond after the last one (its
 * presentation time moves with it where it equalled the decoding time).
 * Streaming thread of the track; *last is the segment's. */
static void keep_order(GstBuffer **bp, GstClockTime *last, unsigned *count, const char *stream,
                       const char *track)
{
	GstBuffer *b = *bp;
	GstClockTime dts = GST_BUFFER_DTS_OR_PTS(b), was;

	if (!GST_CLOCK_TIME_IS_VALID(dts))
		return;
	if (GST_CLOCK_TIME_IS_VALID(*last) && dts <= *last) {
		was = dts;
		dts = *last + GST_MSECOND;
		b = *bp = gst_buffer_make_writable(b);
		if (!GST_BUFFER_PTS_IS_VALID(b) || GST_BUFFER_PTS(b) == was ||
		    GST_BUFFER_PTS(b) < dts)
			GST_BUFFER_PTS(b) = dts;
		if (GST_BUFFER_DTS_IS_VALID(b))
			GST_BUFFER_DTS(b) = dts;
		if (!(*count)++)
			g_message("stream=%s: %s time went back %" G_GUINT64_FORMAT
			          " ms; recorded in order, %" G_GUINT64_FORMAT
			          " ms later than stamped (the first in this segment)",
			          stream, track, (*last - was) / GST_MSECOND,
			          (dts - was) / GST_MSECOND);
	}
	*last = dts;
}

/* The video queue's output: a key frame at least segment_seconds after the
 * current segment's first starts the next segment, in a new file. No GOP
 * is held back (splitmuxsink holds one to decide where to split, and a
 * kill -9 loses it): each frame goes straight into the muxer. */
/* Does the key frame at pts end cur (r->lock)? At the first key frame at
 * least a segment's length on; or earlier, from half a segment on, when
 * the next key frame (a GOP later, as the last one was) would overshoot
 * the length by more than this one falls short: a short first GOP (a
 * camera's key frame for a new client, the cached GOP of a late start)
 * does not make the first segment nearly two GOPs long. */
static bool split_here(ecc_recorder *r, struct out *cur, GstClockTime pts, GstClockTime len)
{
	GstClockTime last = r->last_key, in;
	bool split;

	if (!GST_CLOCK_TIME_IS_VALID(pts) || pts <= cur->first_pts)
		return false;
	in = pts - cur->first_pts;
	split = in + SPLIT_SLACK(len) >= len;
	if (!split && in >= len / 2 && GST_CLOCK_TIME_IS_VALID(last) && pts > last)
		split = 2 * in + (pts - last) > 2 * len; /* in + gop - len > len - in */
	return split;
}

static GstPadProbeReturn route(ecc_recorder *r, GstPad *pad, GstBuffer **bp)
{
	GstBuffer *b = *bp;
	GstClockTime pts = GST_BUFFER_PTS(b);
	GstClockTime len = (GstClockTime)r->cfg->segment_seconds * GST_SECOND;
	bool key = !GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT), split;
	struct out *cur, *o;
	GstPad *oldpad = NULL;

	g_mutex_lock(&r->lock);
	cur = r->vcur;
	split = key && cur && split_here(r, cur, pts, len);
	if (key && GST_CLOCK_TIME_IS_VALID(pts))
		r->last_key = pts;
	if (cur && !split) {
		if (GST_CLOCK_TIME_IS_VALID(pts))
			cur->end_pts = MAX(
			    cur->end_pts,
			    pts + (GST_BUFFER_DURATION_IS_VALID(b) ? GST_BUFFER_DURATION(b) : 0));
		keep_order(bp, &cur->vdts, &cur->restamped, r->stream, "the picture's");
		g_mutex_unlock(&r->lock);
		return GST_PAD_PROBE_OK;
	}
	g_mutex_unlock(&r->lock);
	if (!key)
		return GST_PAD_PROBE_DROP;
	o = out_new(r, pad, b);
	if (!o)
		return cur ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
	relink(pad, cur ? cur->vpad : NULL, o->vpad);
	g_mutex_lock(&r->lock);
	keep_order(bp, &o->vdts, &o->restamped, r->stream, "the picture's");
	r->outs = g_list_append(r->outs, o);
	r->vcur = o;
	if (cur) {
		cur->split_at = g_get_monotonic_time();
		oldpad = gst_object_ref(cur->vpad);
	}
	g_mutex_unlock(&r->lock);
	if (oldpad)
		send_eos(g_slist_prepend(NULL, oldpad)); /* that file is complete */
	return GST_PAD_PROBE_OK;
}

/* Before cur, the first picture the gate let through between key frames:
 * the cached frames from the key frame on, each routed as if it came out
 * of the queue (the first opens the segment), straight into the muxer. They
 * are past the queue, which would drop all but its last 5 s of a burst.
 * The queue's streaming thread, inside its source pad's probe. */
static void replay_cached(ecc_recorder *r, GstPad *pad, GstBuffer *cur)
{
	GPtrArray *held = ecc_gopcache_before(r->cache, cur);
	GstClockTime t0, t1;
	guint sent = 0;

	if (!held)
		return;
	for (guint i = 0; i < held->len; i++) {
		GstBuffer *b = gst_buffer_ref(g_ptr_array_index(held, i));
		GstPad *peer;
		GstFlowReturn fr;

		if (route(r, pad, &b) != GST_PAD_PROBE_OK || !(peer = gst_pad_get_peer(pad))) {
			gst_buffer_unref(b);
			break;
		}
		fr = gst_pad_chain(peer, b);
		gst_object_unref(peer);
		if (fr != GST_FLOW_OK)
			break;
		sent++;
	}
	t0 = GST_BUFFER_PTS(g_ptr_array_index(held, 0));
	t1 = GST_BUFFER_PTS(cur);
	g_message(
	    "stream=%s: recording from the cached key frame, %u of %u frames (%" G_GUINT64_FORMAT
	    " ms) before it attached",
	    r->stream, sent, held->len,
	    GST_CLOCK_TIME_IS_VALID(t0) && GST_CLOCK_TIME_IS_VALID(t1) && t1 > t0
	        ? (t1 - t0) / GST_MSECOND
	        : 0);
	g_ptr_array_unref(held);
}

static GstPadProbeReturn video_route(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_recorder *r = data;

	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
	GstPadProbeReturn ret;

	if (atomic_exchange(&r->replay_due, false))
		replay_cached(r, pad, b);
	ret = route(r, pad, &b);
	GST_PAD_PROBE_INFO_DATA(info) = b;
	return ret;
}

/* Audio pads of segments that will get no more audio, marked; caller sends
 * them EOS (with r->lock held). With before, only the segments older than
 * keep; otherwise every one but keep. */
static GSList *audio_ends(ecc_recorder *r, struct out *keep, bool before)
{
	GSList *pads = NULL;

	for (GList *l = r->outs; l && !(before && l->data == keep); l = l->next) {
		struct out *o = l->data;
		if (o != keep && o->apad && !o->audio_eos) {
			o->audio_eos = true;
			pads = g_slist_prepend(pads, gst_object_ref(o->apad));
		}
	}
	return pads;
}

/* The segment a sample of time pts belongs to: the oldest whose sound is
 * still open and whose successor starts after pts. Sound that comes late
 * (over UDP it may trail the picture by seconds at the start) still goes
 * into the segment of its time, not into whichever is newest (r->lock). */
static struct out *audio_target(ecc_recorder *r, GstClockTime pts)
{
	if (!GST_CLOCK_TIME_IS_VALID(pts))
		return r->acur ? r->acur : r->vcur;
	for (GList *l = r->outs; l; l = l->next) {
		struct out *o = l->data, *next = l->next ? l->next->data : NULL;
		if (o->apad && !o->audio_eos && (!next || pts < next->first_pts))
			return o;
	}
	return r->vcur;
}

/* The audio queue's output follows the video into each segment from the
 * first sample at or after the key frame that started it. */
static GstPadProbeReturn audio_route(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_recorder *r = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
	struct out *to;
	GstPad *oldpad = NULL, *newpad;
	GSList *ends;

	g_mutex_lock(&r->lock);
	to = r->vcur ? audio_target(r, GST_BUFFER_PTS(b)) : NULL;
	if (!to || !to->apad || to->audio_eos) {
		g_mutex_unlock(&r->lock);
		return GST_PAD_PROBE_DROP;
	}
	atomic_store(&r->last_apts, GST_BUFFER_PTS(b));
	keep_order(&b, &to->adts, &to->restamped, r->stream, "the sound's");
	GST_PAD_PROBE_INFO_DATA(info) = b;
	if (r->acur == to) {
		to->sound = true;
		g_mutex_unlock(&r->lock);
		return GST_PAD_PROBE_OK;
	}
	if (r->acur)
		oldpad = gst_object_ref(r->acur->apad);
	r->acur = to;
	to->sound = true;
	newpad = gst_object_ref(to->apad);
	ends = audio_ends(r, to, true);
	g_mutex_unlock(&r->lock);
	relink(pad, oldpad, newpad);
	if (oldpad)
		gst_object_unref(oldpad);
	gst_object_unref(newpad);
	send_eos(ends);
	return GST_PAD_PROBE_OK;
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

static GstPadProbeReturn video_gate(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_recorder *r = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);

	(void)pad;
	GstClockTime cached;

	if (atomic_load(&r->keyframe_seen))
		return GST_PAD_PROBE_OK;
	if (GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT)) {
		/* between key frames: from the cached one, or from the next */
		cached = ecc_gopcache_first_pts(r->cache);
		if (!GST_CLOCK_TIME_IS_VALID(cached))
			return GST_PAD_PROBE_DROP;
		atomic_store(&r->first_pts, cached);
		atomic_store(&r->replay_due, true);
		atomic_store(&r->keyframe_seen, true);
		return GST_PAD_PROBE_OK;
	}
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
	atomic_store(&r->heard_us, g_get_monotonic_time());
	if (atomic_exchange(&r->sound_lost, false))
		g_message("stream=%s: sound again; recorded from the next segment on", r->stream);
	if (!atomic_load(&r->keyframe_seen))
		return GST_PAD_PROBE_DROP;
	if (GST_CLOCK_TIME_IS_VALID(first) && GST_BUFFER_PTS_IS_VALID(b) &&
	    GST_BUFFER_PTS(b) < first)
		return GST_PAD_PROBE_DROP;
	return GST_PAD_PROBE_OK;
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
	r->last_key = GST_CLOCK_TIME_NONE;
	atomic_store(&r->replay_due, false);
	atomic_store(&r->heard_us, 0);
	atomic_store(&r->sound_lost, false);
	atomic_store(&r->stuck, false);
	atomic_store(&r->last_apts, GST_CLOCK_TIME_NONE);
	r->branch = gst_bin_new(NULL);
	g_object_set(r->branch, "async-handling", TRUE, NULL);
	r->vsink = input(r, "video", video_gate, video_route);
	r->asink = atee ? input(r, "audio", audio_gate, audio_route) : NULL;
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
	ends = audio_ends(r, r->acur, false);
	g_mutex_unlock(&r->lock);
	ends = g_slist_append(ends, gst_object_ref(r->vsink));
	if (r->asink)
		ends = g_slist_append(ends, gst_object_ref(r->asink));
	send_eos_later(r, ends);
	return true;
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

/* The muxer has held the picture back for 2 s while it takes newer sound
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

	progress(r, &vend, &apts);
	if (!atomic_load(&r->stuck) &&
	    !(GST_CLOCK_TIME_IS_VALID(apts) && GST_CLOCK_TIME_IS_VALID(vend) &&
	      apts > vend + GST_SECOND && video_backlog(r) > 2 * GST_SECOND))
		return false;
	atomic_store(&r->stuck, true);
	vin = gst_ghost_pad_get_target(GST_GHOST_PAD(r->vsink));
	ain = r->asink ? gst_ghost_pad_get_target(GST_GHOST_PAD(r->asink)) : NULL;
	g_warning("stream=%s: the recording's muxer is stuck (picture up to %" GST_TIME_FORMAT
	          " running %" GST_TIME_FORMAT ", sound up to %" GST_TIME_FORMAT
	          " running %" GST_TIME_FORMAT ")",
	          r->stream, GST_TIME_ARGS(vend), GST_TIME_ARGS(running_time(vin, vend)),
	          GST_TIME_ARGS(apts),
	          GST_TIME_ARGS(ain ? running_time(ain, apts) : GST_CLOCK_TIME_NONE));
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
		pads = audio_ends(r, NULL, false);
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
	send_eos_later(r, pads);
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

void ecc_recorder_fail(ecc_recorder *r, GstBin *bin, const char *why)
{
	if (r->failed || !r->branch)
		return;
	g_warning("stream=%s: recording stopped: %s", r->stream, why);
	r->failed = true;
	/* the tees' outputs go back, or every retry would leave two behind */
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
