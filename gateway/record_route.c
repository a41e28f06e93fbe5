/* record_route: every buffer into its segment, in the streaming threads:
 * the gates (from a key frame, or the cached GOP), the split at key
 * frames, decoding times kept in order, sound following the picture. */
#define G_LOG_DOMAIN "ecc-gw-record"

#include "record_internal.h"

#include <string.h>

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

/* Caps of an empty track of the stream's sound, for a segment that got
 * none while no sound came in at all yet: what the chains (chain.c) hand
 * the recorder, Opus or AAC (G.711 is transcoded to AAC). NULL: no sound. */
static GstCaps *empty_caps(const char *acodec)
{
	if (!acodec[0])
		return NULL;
	if (!strcmp(acodec, "opus"))
		return gst_caps_from_string(
		    "audio/x-opus,channel-mapping-family=0,channels=1,rate=48000");
	/* AAC LC, 16 kHz, mono: AudioSpecificConfig 0x1408 */
	return gst_caps_from_string("audio/mpeg,mpegversion=4,stream-format=raw,channels=1,"
	                            "rate=16000,codec_data=(buffer)1408");
}

/* A muxer's audio pad that got no sound in its segment has no caps either,
 * and mp4mux then writes a track with no sample description (time scale
 * 0): ffmpeg refuses the whole file, picture and all. Such a pad gets the
 * sound's stream-start, caps and segment (from sound, the input's pad), or
 * the caps of an empty track of the codec, before its EOS: an empty track
 * that every player reads. */
static void give_caps(GstPad *pad, GstPad *sound, GstCaps *empty)
{
	GstEvent *caps, *start = NULL, *seg = NULL;
	GstSegment time;

	if (gst_pad_has_current_caps(pad))
		return;
	caps = sound ? gst_pad_get_sticky_event(sound, GST_EVENT_CAPS, 0) : NULL;
	if (!caps && empty)
		caps = gst_event_new_caps(empty);
	if (!caps)
		return;
	if (sound) {
		start = gst_pad_get_sticky_event(sound, GST_EVENT_STREAM_START, 0);
		seg = gst_pad_get_sticky_event(sound, GST_EVENT_SEGMENT, 0);
	}
	if (!start)
		start = gst_event_new_stream_start("ecc-no-sound");
	if (!seg) {
		gst_segment_init(&time, GST_FORMAT_TIME);
		seg = gst_event_new_segment(&time);
	}
	gst_pad_send_event(pad, start);
	gst_pad_send_event(pad, caps);
	gst_pad_send_event(pad, seg);
}

void ecc_rec_send_eos(GSList *pads, GstPad *sound, GstCaps *empty)
{
	for (GSList *l = pads; l; l = l->next) {
		give_caps(l->data, sound, empty);
		gst_pad_send_event(l->data, gst_event_new_eos());
		gst_object_unref(l->data);
	}
	g_slist_free(pads);
}

struct eos_job {
	GSList *pads;
	GstPad *sound; /* the audio input's pad, or NULL */
	GstCaps *empty;
};

static void eos_async(GstElement *branch, gpointer data)
{
	struct eos_job *j = data;

	ecc_rec_send_eos(j->pads, j->sound, j->empty);
	if (j->sound)
		gst_object_unref(j->sound);
	if (j->empty)
		gst_caps_unref(j->empty);
	g_free(j);
	gst_object_unref(branch); /* ecc_rec_send_eos_later's */
}

/* ecc_rec_send_eos from a pool thread, for the main loop: an EOS waits for the
 * pad's stream lock, which a streaming thread stuck inside the branch
 * holds until the pipeline stops; the main loop must not wait for that. */
void ecc_rec_send_eos_later(ecc_recorder *r, GSList *pads)
{
	struct eos_job *j;

	if (!pads)
		return;
	j = g_new0(struct eos_job, 1);
	j->pads = pads;
	if (r->asink) {
		j->sound = gst_ghost_pad_get_target(GST_GHOST_PAD(r->asink));
		j->empty = empty_caps(r->acodec);
	}
	gst_element_call_async(gst_object_ref(r->branch), eos_async, j, NULL);
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

/* A picture with no time cannot be placed: mp4mux kept such a buffer at
 * the head of its input and took nothing after it, its sound went on, and
 * the muxer was rebuilt as stuck with seconds lost (the stuck report:
 * "video_0[next dts 99:99:99.999999999 pts 99:99:99.999999999]", on a
 * segment opened at a stream's start). One with a decoding time gets that
 * as its presentation time; one with neither goes right after the
 * segment's last picture; before any segment it is dropped, with a log
 * (nothing is recorded yet, and a segment cannot start without a time).
 * False: drop it. Streaming thread (video). */
static bool give_time(ecc_recorder *r, GstBuffer **bp)
{
	GstBuffer *b = *bp;
	GstClockTime t;
	unsigned n;

	if (GST_BUFFER_PTS_IS_VALID(b))
		return true;
	if (GST_BUFFER_DTS_IS_VALID(b)) {
		t = GST_BUFFER_DTS(b);
	} else {
		g_mutex_lock(&r->lock);
		t = r->vcur ? r->vcur->end_pts : GST_CLOCK_TIME_NONE;
		g_mutex_unlock(&r->lock);
		n = atomic_fetch_add(&r->untimed, 1);
		if (!(n & (n - 1))) /* the 1st, 2nd, 3rd, 5th, 9th, ... */
			g_message(
			    "stream=%s: a picture with no time (%u so far): %s", r->stream, n + 1,
			    GST_CLOCK_TIME_IS_VALID(t) ? "recorded right after the last"
			                               : "before the first segment: not recorded");
		if (!GST_CLOCK_TIME_IS_VALID(t))
			return false;
	}
	b = *bp = gst_buffer_make_writable(b);
	GST_BUFFER_PTS(b) = t;
	if (!GST_BUFFER_DTS_IS_VALID(b))
		GST_BUFFER_DTS(b) = t;
	return true;
}

static GstPadProbeReturn route(ecc_recorder *r, GstPad *pad, GstBuffer **bp)
{
	GstClockTime len = (GstClockTime)r->cfg->segment_seconds * GST_SECOND, pts;
	GstBuffer *b;
	bool key, split;
	struct out *cur, *o;
	GstPad *oldpad = NULL;

	if (!give_time(r, bp))
		return GST_PAD_PROBE_DROP;
	b = *bp;
	pts = GST_BUFFER_PTS(b);
	key = !GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
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
	o = ecc_rec_out_new(r, pad, b);
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
		ecc_rec_send_eos(g_slist_prepend(NULL, oldpad), NULL,
		                 NULL); /* that file is complete */
	return GST_PAD_PROBE_OK;
}

typedef GstPadProbeReturn (*route_fn)(ecc_recorder *r, GstPad *pad, GstBuffer **bp);

/* The held buffers, in order, each through the route as if it came out of
 * the queue, then straight into pad's peer (the muxer). A buffer the route
 * drops ends it, or with skip is left out. Returns how many went in. */
static guint push_held(ecc_recorder *r, GstPad *pad, GPtrArray *held, route_fn fn, bool skip)
{
	guint sent = 0;

	for (guint i = 0; i < held->len; i++) {
		GstBuffer *b = gst_buffer_ref(g_ptr_array_index(held, i));
		GstPad *peer;
		GstFlowReturn fr;

		if (fn(r, pad, &b) != GST_PAD_PROBE_OK || !(peer = gst_pad_get_peer(pad))) {
			gst_buffer_unref(b);
			if (skip)
				continue;
			break;
		}
		fr = gst_pad_chain(peer, b);
		gst_object_unref(peer);
		if (fr != GST_FLOW_OK)
			break;
		sent++;
	}
	return sent;
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
	guint sent;

	if (!held)
		return;
	sent = push_held(r, pad, held, route, false);
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

GstPadProbeReturn ecc_rec_video_route(GstPad *pad, GstPadProbeInfo *info, gpointer data)
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
GSList *ecc_rec_audio_ends(ecc_recorder *r, struct out *keep, bool before)
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
static GstPadProbeReturn audio_route(ecc_recorder *r, GstPad *pad, GstBuffer **bp)
{
	struct out *to;
	GstPad *oldpad = NULL, *newpad;
	GSList *ends;

	g_mutex_lock(&r->lock);
	to = r->vcur ? audio_target(r, GST_BUFFER_PTS(*bp)) : NULL;
	if (!to || !to->apad || to->audio_eos) {
		g_mutex_unlock(&r->lock);
		return GST_PAD_PROBE_DROP;
	}
	atomic_store(&r->last_apts, GST_BUFFER_PTS(*bp));
	keep_order(bp, &to->adts, &to->restamped, r->stream, "the sound's");
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
	ends = ecc_rec_audio_ends(r, to, true);
	g_mutex_unlock(&r->lock);
	relink(pad, oldpad, newpad);
	if (oldpad)
		gst_object_unref(oldpad);
	gst_object_unref(newpad);
	ecc_rec_send_eos(ends, pad, NULL);
	return GST_PAD_PROBE_OK;
}

/* Before cur, the first sound the route takes after the first segment
 * opened from the cached GOP: the cached sound from that key frame on,
 * routed as if it came out of the queue, straight into the muxer (as
 * replay_cached does the picture). The audio queue's streaming thread. */
static void replay_sound(ecc_recorder *r, GstPad *pad, GstBuffer *cur)
{
	GPtrArray *held =
	    ecc_gopcache_sound_between(r->sound_cache, atomic_load(&r->first_pts), cur);
	guint sent;

	if (!held)
		return;
	sent = push_held(r, pad, held, audio_route, true);
	g_message("stream=%s: the first segment's sound from the cache, %u of %u buffers",
	          r->stream, sent, held->len);
	g_ptr_array_unref(held);
}

GstPadProbeReturn ecc_rec_audio_route(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_recorder *r = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
	GstPadProbeReturn ret;
	bool open;

	g_mutex_lock(&r->lock);
	open = r->vcur != NULL;
	g_mutex_unlock(&r->lock);
	if (open && atomic_exchange(&r->sound_due, false))
		replay_sound(r, pad, b);
	ret = audio_route(r, pad, &b);
	GST_PAD_PROBE_INFO_DATA(info) = b;
	return ret;
}

GstPadProbeReturn ecc_rec_video_gate(GstPad *pad, GstPadProbeInfo *info, gpointer data)
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
		if (!GST_CLOCK_TIME_IS_VALID(cached) ||
		    (GST_CLOCK_TIME_IS_VALID(r->recorded_end) && cached < r->recorded_end))
			return GST_PAD_PROBE_DROP;
		atomic_store(&r->first_pts, cached);
		atomic_store(&r->replay_due, true);
		atomic_store(&r->sound_due, r->sound_cache != NULL);
		atomic_store(&r->keyframe_seen, true);
		return GST_PAD_PROBE_OK;
	}
	atomic_store(&r->first_pts, GST_BUFFER_PTS(b));
	atomic_store(&r->keyframe_seen, true);
	return GST_PAD_PROBE_OK;
}

GstPadProbeReturn ecc_rec_audio_gate(GstPad *pad, GstPadProbeInfo *info, gpointer data)
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
