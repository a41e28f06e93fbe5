/* gopcache: a stream's picture since its last key frame (gopcache.h). */
#define G_LOG_DOMAIN "ecc-gw-gopcache"

#include "gopcache.h"
#include "tee.h"

#include <gst/video/video.h>

/* A GOP longer than this is not held (nothing is, until the next key
 * frame): a camera sending a key frame once a minute would otherwise pin a
 * minute of video in memory per stream. */
enum { MAX_FRAMES = 1500, MAX_BYTES = 16 << 20, SOUND_BYTES = 2 << 20 };
#define MAX_SPAN (30 * GST_SECOND)
/* The replayed frames' spacing: fast enough to be a burst, far enough
 * apart for every muxer and payloader to keep them in order. */
#define STEP GST_MSECOND

#define KEY "ecc-gopcache"

struct ecc_gopcache {
	GMutex lock;
	GPtrArray *frames; /* GstBuffer *, the first a key frame; or empty */
	gsize bytes;
	bool overflow; /* this GOP is too long: nothing until the next key frame */
};

static bool is_key(GstBuffer *b)
{
	return !GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
}

static void clear(ecc_gopcache *c)
{
	g_ptr_array_set_size(c->frames, 0);
	c->bytes = 0;
}

/* The tee's sink pad, in its streaming thread: every picture. */
static GstPadProbeReturn keep(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_gopcache *c = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
	gsize size = gst_buffer_get_size(b);

	(void)pad;
	g_mutex_lock(&c->lock);
	if (is_key(b)) {
		clear(c);
		c->overflow = false;
	}
	if (!c->overflow && (is_key(b) || c->frames->len)) {
		GstBuffer *first = c->frames->len ? g_ptr_array_index(c->frames, 0) : b;
		GstClockTime t0 = GST_BUFFER_DTS_OR_PTS(first), t = GST_BUFFER_DTS_OR_PTS(b);

		if (c->frames->len >= MAX_FRAMES || c->bytes + size > MAX_BYTES ||
		    (GST_CLOCK_TIME_IS_VALID(t0) && GST_CLOCK_TIME_IS_VALID(t) && t > t0 &&
		     t - t0 > MAX_SPAN)) {
			clear(c);
			c->overflow = true;
		} else {
			g_ptr_array_add(c->frames, gst_buffer_ref(b));
			c->bytes += size;
		}
	}
	g_mutex_unlock(&c->lock);
	return GST_PAD_PROBE_OK;
}

/* The sound tee's sink pad, in its streaming thread: every buffer, the
 * oldest dropped beyond MAX_SPAN or SOUND_BYTES. */
static GstPadProbeReturn keep_sound(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_gopcache *c = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
	GstClockTime t = GST_BUFFER_PTS(b);

	(void)pad;
	if (!GST_CLOCK_TIME_IS_VALID(t))
		return GST_PAD_PROBE_OK;
	g_mutex_lock(&c->lock);
	g_ptr_array_add(c->frames, gst_buffer_ref(b));
	c->bytes += gst_buffer_get_size(b);
	while (c->frames->len > 1) {
		GstBuffer *old = g_ptr_array_index(c->frames, 0);
		if (c->bytes <= SOUND_BYTES && GST_BUFFER_PTS(old) + MAX_SPAN >= t)
			break;
		c->bytes -= gst_buffer_get_size(old);
		g_ptr_array_remove_index(c->frames, 0);
	}
	g_mutex_unlock(&c->lock);
	return GST_PAD_PROBE_OK;
}

static void cache_free(gpointer p)
{
	ecc_gopcache *c = p;

	g_ptr_array_unref(c->frames);
	g_mutex_clear(&c->lock);
	g_free(c);
}

static void attach(GstElement *tee, GstPadProbeCallback probe)
{
	ecc_gopcache *c = g_new0(ecc_gopcache, 1);
	GstPad *sink = gst_element_get_static_pad(tee, "sink");

	g_mutex_init(&c->lock);
	c->frames = g_ptr_array_new_with_free_func((GDestroyNotify)gst_buffer_unref);
	g_object_set_data(G_OBJECT(tee), KEY, c);
	/* freed with the pad, that is with the tee */
	gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_BUFFER, probe, c, cache_free);
	gst_object_unref(sink);
}

void ecc_gopcache_attach(GstElement *tee)
{
	attach(tee, keep);
}

void ecc_gopcache_attach_sound(GstElement *atee)
{
	attach(atee, keep_sound);
}

GPtrArray *ecc_gopcache_sound_between(ecc_gopcache *c, GstClockTime from, GstBuffer *cur)
{
	GstClockTime end = GST_BUFFER_PTS(cur);
	GPtrArray *held;

	if (!c || !GST_CLOCK_TIME_IS_VALID(from) || !GST_CLOCK_TIME_IS_VALID(end))
		return NULL;
	held = g_ptr_array_new_with_free_func((GDestroyNotify)gst_buffer_unref);
	g_mutex_lock(&c->lock);
	for (guint i = 0; i < c->frames->len; i++) {
		GstBuffer *b = g_ptr_array_index(c->frames, i);
		GstClockTime t = GST_BUFFER_PTS(b);

		if (b == cur || t >= end)
			break;
		if (t >= from)
			g_ptr_array_add(held, gst_buffer_ref(b));
	}
	g_mutex_unlock(&c->lock);
	if (!held->len) {
		g_ptr_array_unref(held);
		return NULL;
	}
	return held;
}

ecc_gopcache *ecc_gopcache_of(GstElement *tee)
{
	return tee ? g_object_get_data(G_OBJECT(tee), KEY) : NULL;
}

void ecc_gopcache_span(ecc_gopcache *c, unsigned *frames, unsigned *ms)
{
	*frames = *ms = 0;
	g_mutex_lock(&c->lock);
	if (c->frames->len) {
		GstClockTime t0 = GST_BUFFER_DTS_OR_PTS(g_ptr_array_index(c->frames, 0));
		GstClockTime t1 =
		    GST_BUFFER_DTS_OR_PTS(g_ptr_array_index(c->frames, c->frames->len - 1));

		*frames = c->frames->len;
		if (GST_CLOCK_TIME_IS_VALID(t0) && GST_CLOCK_TIME_IS_VALID(t1) && t1 > t0)
			*ms = (unsigned)((t1 - t0) / GST_MSECOND);
	}
	g_mutex_unlock(&c->lock);
}

/* ---- a joining branch ------------------------------------------------------ */

/* A branch's replays come no closer together than this: a browser asks for
 * a key frame again and again until one decodes. */
#define REPLAY_GAP_US (2 * G_USEC_PER_SEC)

struct start {
	atomic_bool *seen;
	ecc_gopcache *cache;
	atomic_bool asked; /* a key frame was asked for since the last replay */
	gint64 last;       /* monotonic us of the last replay */
};

GPtrArray *ecc_gopcache_before(ecc_gopcache *c, GstBuffer *cur)
{
	GstClockTime end = GST_BUFFER_DTS_OR_PTS(cur);
	GPtrArray *held;

	if (!c || !GST_CLOCK_TIME_IS_VALID(end))
		return NULL;
	g_mutex_lock(&c->lock);
	held = g_ptr_array_new_full(c->frames->len, (GDestroyNotify)gst_buffer_unref);
	for (guint i = 0; i < c->frames->len; i++) {
		GstBuffer *b = g_ptr_array_index(c->frames, i);
		GstClockTime t = GST_BUFFER_DTS_OR_PTS(b);

		if (b == cur || !GST_CLOCK_TIME_IS_VALID(t) || t >= end)
			break;
		g_ptr_array_add(held, gst_buffer_ref(b));
	}
	g_mutex_unlock(&c->lock);
	if (!held->len || !is_key(g_ptr_array_index(held, 0))) {
		g_ptr_array_unref(held);
		return NULL;
	}
	return held;
}

GstClockTime ecc_gopcache_first_pts(ecc_gopcache *c)
{
	GstClockTime pts = GST_CLOCK_TIME_NONE;

	if (!c)
		return pts;
	g_mutex_lock(&c->lock);
	if (c->frames->len)
		pts = GST_BUFFER_PTS(g_ptr_array_index(c->frames, 0));
	g_mutex_unlock(&c->lock);
	return pts;
}

/* To peer, before cur (a picture that is not a key frame): the cached
 * frames up to cur, their times squeezed into the few milliseconds before
 * cur's (order kept, B-frames included). Runs in the branch queue's thread,
 * inside its source pad's probe: the pad's sticky events have reached peer,
 * and the queue (leaky, by time) is not in the way of a burst. */
static bool replay(ecc_gopcache *c, GstPad *peer, GstBuffer *cur)
{
	GstClockTime end = GST_BUFFER_DTS_OR_PTS(cur), t0, span, squeezed;
	GPtrArray *held = ecc_gopcache_before(c, cur);
	guint n, sent = 0;

	if (!held)
		return false;
	n = held->len;
	t0 = GST_BUFFER_DTS_OR_PTS(g_ptr_array_index(held, 0));
	span = end - t0;
	squeezed = MIN(span, (GstClockTime)n * STEP);
	for (; sent < n; sent++) {
		GstBuffer *w = gst_buffer_copy(g_ptr_array_index(held, sent));
		GstClockTime pts = GST_BUFFER_PTS(w), dts = GST_BUFFER_DTS(w);

		/* t -> end - (end - t) * squeezed / span */
		if (GST_CLOCK_TIME_IS_VALID(dts))
			GST_BUFFER_DTS(w) =
			    end - gst_util_uint64_scale(end - MIN(dts, end), squeezed, span);
		if (GST_CLOCK_TIME_IS_VALID(pts) && pts < end)
			GST_BUFFER_PTS(w) = end - gst_util_uint64_scale(end - pts, squeezed, span);
		GST_BUFFER_DURATION(w) = squeezed / n;
		if (gst_pad_chain(peer, w) != GST_FLOW_OK)
			break;
	}
	g_debug("a branch starts from the cached GOP: %u of %u frames, %" GST_TIME_FORMAT, sent, n,
	        GST_TIME_ARGS(span));
	g_ptr_array_unref(held);
	return sent > 0;
}

static GstPadProbeReturn start_probe(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	struct start *st = data;
	GstBuffer *b;
	GstPad *peer;
	bool replayed = false;

	if (info->type & GST_PAD_PROBE_TYPE_EVENT_UPSTREAM) {
		/* the branch asks for a key frame (a browser's PLI): the source
		 * has no back channel, the cache answers */
		if (!gst_video_event_is_force_key_unit(GST_PAD_PROBE_INFO_EVENT(info)))
			return GST_PAD_PROBE_OK;
		atomic_store(&st->asked, true);
		return GST_PAD_PROBE_DROP;
	}
	b = GST_PAD_PROBE_INFO_BUFFER(info);
	if (is_key(b)) {
		atomic_store(st->seen, true);
		atomic_store(&st->asked, false);
		return GST_PAD_PROBE_OK;
	}
	if (atomic_load(st->seen) &&
	    (!atomic_load(&st->asked) || g_get_monotonic_time() - st->last < REPLAY_GAP_US))
		return GST_PAD_PROBE_OK;
	peer = gst_pad_get_peer(pad);
	if (peer) {
		replayed = replay(st->cache, peer, b);
		gst_object_unref(peer);
	}
	atomic_store(&st->asked, false);
	if (replayed) {
		st->last = g_get_monotonic_time();
		atomic_store(st->seen, true);
	}
	return atomic_load(st->seen) ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

void ecc_gopcache_start_branch(GstPad *pad, atomic_bool *seen, ecc_gopcache *c)
{
	struct start *st;

	if (!c) {
		ecc_branch_from_keyframe(pad, seen);
		return;
	}
	st = g_new0(struct start, 1);
	st->seen = seen;
	st->cache = c;
	atomic_store(seen, false);
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
	                  start_probe, st, g_free);
}
