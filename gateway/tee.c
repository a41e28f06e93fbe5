/* tee: tee outputs exposed as ghost pads on the tee's bin. */
#define G_LOG_DOMAIN "ecc-gw-tee"

#include "tee.h"

#include <gst/video/video.h>
#include <stdbool.h>

GstPad *ecc_tee_request(GstElement *tee)
{
	GstPad *req = gst_element_request_pad_simple(tee, "src_%u");
	GstObject *parent = gst_object_get_parent(GST_OBJECT(tee));
	GstPad *ghost;

	if (!req)
		return NULL;
	if (!parent || GST_IS_PIPELINE(parent)) {
		if (parent)
			gst_object_unref(parent);
		return req;
	}
	ghost = gst_ghost_pad_new(NULL, req);
	gst_object_unref(req);
	gst_pad_set_active(ghost, TRUE);
	gst_element_add_pad(GST_ELEMENT(parent), ghost);
	gst_object_unref(parent);
	return gst_object_ref(ghost);
}

GstPad *ecc_tee_link(GstElement *tee, GstPad *sinkpad)
{
	return ecc_tee_link_full(tee, sinkpad, GST_PAD_LINK_CHECK_DEFAULT);
}

GstPad *ecc_tee_link_full(GstElement *tee, GstPad *sinkpad, GstPadLinkCheck check)
{
	GstPad *out = ecc_tee_request(tee);
	GstPadLinkReturn rc;

	if (!out)
		return NULL;
	rc = gst_pad_link_full(out, sinkpad, check);
	if (rc != GST_PAD_LINK_OK) {
		g_warning("cannot link %s:%s to %s:%s (%s)", GST_DEBUG_PAD_NAME(out),
		          GST_DEBUG_PAD_NAME(sinkpad), gst_pad_link_get_name(rc));
		ecc_tee_release(out);
		gst_object_unref(out);
		return NULL;
	}
	return out;
}

/* ---- taking an output away while data flows ---------------------------- */

struct idle {
	GMutex lock;
	GCond cond;
	GstPad *sink; /* a reference */
	int refs;     /* the waiter and the probe */
	bool done;
};

static void idle_unref(gpointer data)
{
	struct idle *w = data;
	bool last;

	g_mutex_lock(&w->lock);
	last = --w->refs == 0;
	g_mutex_unlock(&w->lock);
	if (!last)
		return;
	gst_object_unref(w->sink);
	g_mutex_clear(&w->lock);
	g_cond_clear(&w->cond);
	g_free(w);
}

/* Runs when no buffer is being pushed through out (at once if none is, else
 * in the streaming thread after the current one): unlinking then cannot
 * catch a push half way, whose FLUSHING from a branch being stopped would
 * travel up through the tee and stop the source. */
static GstPadProbeReturn unlink_idle(GstPad *out, GstPadProbeInfo *info, gpointer data)
{
	struct idle *w = data;
	GstPad *peer = gst_pad_get_peer(out);

	(void)info;
	if (peer == w->sink) /* else a waiter that gave up unlinked it already */
		gst_pad_unlink(out, w->sink);
	if (peer)
		gst_object_unref(peer);
	g_mutex_lock(&w->lock);
	w->done = true;
	g_cond_signal(&w->cond);
	g_mutex_unlock(&w->lock);
	return GST_PAD_PROBE_REMOVE;
}

void ecc_tee_unlink(GstPad *out, GstPad *sink)
{
	struct idle *w = g_new0(struct idle, 1);
	gint64 until = g_get_monotonic_time() + G_USEC_PER_SEC;
	bool done;

	g_mutex_init(&w->lock);
	g_cond_init(&w->cond);
	w->sink = gst_object_ref(sink);
	w->refs = 2;
	/* idle now: the probe runs at once, here (and its destroy notify) */
	gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_IDLE, unlink_idle, w, idle_unref);
	g_mutex_lock(&w->lock);
	while (!w->done && g_cond_wait_until(&w->cond, &w->lock, until))
		;
	done = w->done;
	g_mutex_unlock(&w->lock);
	if (!done) /* a branch that never drains (a stuck muxer): take it anyway */
		gst_pad_unlink(out, sink);
	idle_unref(w);
}

/* ---- branches that fail alone ------------------------------------------ */

static GQuark broken_quark(void)
{
	static GQuark q;

	if (!q)
		q = g_quark_from_static_string("ecc-branch-broken");
	return q;
}

static GstPadProbeReturn guard(GstPad *in, GstPadProbeInfo *info, gpointer bin)
{
	(void)in;
	(void)info;
	return g_object_get_qdata(bin, broken_quark()) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* A serialized query (ALLOCATION, DRAIN) waits in the branch's queue
 * until everything before it has gone downstream: answered here instead. */
static GstPadProbeReturn no_serialized_query(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	GstQuery *q = GST_PAD_PROBE_INFO_QUERY(info);

	(void)pad;
	(void)data;
	return q && GST_QUERY_IS_SERIALIZED(q) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

void ecc_branch_guard(GstElement *bin, GstPad *in)
{
	gst_pad_add_probe(in, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, guard,
	                  bin, NULL);
	gst_pad_add_probe(in, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, no_serialized_query, NULL, NULL);
}

void ecc_branch_mark_broken(GstElement *pipeline, GstObject *src)
{
	GstObject *o = gst_object_ref(src), *up;

	/* up to the child of the pipeline that holds src */
	while ((up = gst_object_get_parent(o)) && up != GST_OBJECT(pipeline)) {
		gst_object_unref(o);
		o = up;
	}
	if (up == GST_OBJECT(pipeline))
		g_object_set_qdata(G_OBJECT(o), broken_quark(), GINT_TO_POINTER(1));
	if (up)
		gst_object_unref(up);
	gst_object_unref(o);
}

void ecc_tee_release(GstPad *out)
{
	GstPad *req = GST_IS_GHOST_PAD(out) ? gst_ghost_pad_get_target(GST_GHOST_PAD(out))
	                                    : gst_object_ref(out);
	GstElement *tee = req ? gst_pad_get_parent_element(req) : NULL;

	if (GST_IS_GHOST_PAD(out)) {
		GstElement *bin = gst_pad_get_parent_element(out);
		if (bin) {
			gst_pad_set_active(out, FALSE);
			gst_element_remove_pad(bin, out);
			gst_object_unref(bin);
		}
	}
	if (tee) {
		gst_element_release_request_pad(tee, req);
		gst_object_unref(tee);
	}
	if (req)
		gst_object_unref(req);
}

void ecc_tee_drop(GstPad **out, GstPad *sink)
{
	if (!*out)
		return;
	ecc_tee_unlink(*out, sink);
	ecc_tee_release(*out);
	gst_object_unref(*out);
	*out = NULL;
}

void ecc_branch_remove(GstBin *pipeline, GstElement *bin)
{
	gst_element_set_locked_state(bin, TRUE);
	gst_element_set_state(bin, GST_STATE_NULL);
	gst_bin_remove(pipeline, bin);
}

static GstPadProbeReturn from_keyframe(GstPad *pad, GstPadProbeInfo *info, gpointer seen)
{
	(void)pad;
	if (atomic_load((atomic_bool *)seen))
		return GST_PAD_PROBE_OK;
	if (GST_BUFFER_FLAG_IS_SET(GST_PAD_PROBE_INFO_BUFFER(info), GST_BUFFER_FLAG_DELTA_UNIT))
		return GST_PAD_PROBE_DROP;
	atomic_store((atomic_bool *)seen, true);
	return GST_PAD_PROBE_OK;
}

void ecc_branch_from_keyframe(GstPad *pad, atomic_bool *seen)
{
	atomic_store(seen, false);
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, from_keyframe, seen, NULL);
}

static bool keyframe_requests;

void ecc_branch_keyframe_requests(bool on)
{
	keyframe_requests = on;
}

void ecc_branch_ask_keyframe(GstPad *pad)
{
	if (!keyframe_requests)
		return;
	gst_pad_push_event(
	    pad, gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
}
