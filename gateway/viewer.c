/* viewer: a WebRTC branch per browser watching a stream. */
#define G_LOG_DOMAIN "ecc-gw-viewer"

#include "viewer.h"
#include "ecc_err.h"
#include "fmp4.h"
#include "gopcache.h"
#include "ice.h"
#include "tee.h"

#define GST_USE_UNSTABLE_API
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

struct ecc_viewer {
	char *id;
	enum ecc_viewer_mode mode;
	const struct ecc_gwconfig *cfg;
	struct ecc_viewer_cb cb;
	void *user;
	GstBin *pipeline;
	GstElement *bin, *wrtc; /* wrtc: NULL for fmp4 */
	ecc_fmp4 *fmp4;         /* fmp4's muxer, or NULL */
	GstPad *in;             /* the branch's ghost sink pad */
	GstPad *tee_pad;        /* the tee's output feeding it */
	GstPad *ain, *atee_pad; /* the same for sound, or NULL */
	atomic_bool keyframe_seen;
	int offer_tries;
};

/* ---- to the main loop ---------------------------------------------------- */

enum note_kind { NOTE_OFFER, NOTE_ICE, NOTE_ENDED, NOTE_DATA };

struct note {
	enum note_kind kind;
	struct ecc_viewer_cb cb;
	void *user;
	char *view, *text;
	unsigned mline;
	GBytes *data;
};

static void note_free(gpointer p)
{
	struct note *n = p;

	g_free(n->view);
	g_free(n->text);
	if (n->data)
		g_bytes_unref(n->data);
	g_free(n);
}

static gboolean deliver(gpointer p)
{
	struct note *n = p;

	switch (n->kind) {
	case NOTE_OFFER:
		n->cb.offer(n->user, n->view, n->text);
		break;
	case NOTE_ICE:
		n->cb.ice(n->user, n->view, n->mline, n->text);
		break;
	case NOTE_ENDED:
		n->cb.ended(n->user, n->view, n->text);
		break;
	case NOTE_DATA:
		if (n->cb.data)
			n->cb.data(n->user, n->view, n->data);
		break;
	}
	return G_SOURCE_REMOVE;
}

/* From any thread: the callback runs on the main loop, by view id (data,
 * taken, may be NULL). */
static void notify_data(ecc_viewer *v, enum note_kind kind, unsigned mline, const char *text,
                        GBytes *data)
{
	struct note *n = g_new0(struct note, 1);

	n->kind = kind;
	n->cb = v->cb;
	n->user = v->user;
	n->view = g_strdup(v->id);
	n->text = g_strdup(text);
	n->mline = mline;
	n->data = data;
	g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, deliver, n, note_free);
}

static void notify(ecc_viewer *v, enum note_kind kind, unsigned mline, const char *text)
{
	notify_data(v, kind, mline, text, NULL);
}

/* fmp4.h's chunks, from the streaming thread */
static void on_fmp4(void *user, GBytes *chunk)
{
	notify_data(user, NOTE_DATA, 0, NULL, chunk);
}

/* ---- candidates ---------------------------------------------------------- */

static void on_ice_candidate(GstElement *wrtc, guint mline, gchar *cand, gpointer data)
{
	ecc_viewer *v = data;

	(void)wrtc;
	if (ecc_ice_allowed(v->cfg, cand))
		notify(v, NOTE_ICE, mline, cand);
}

/* ---- offer --------------------------------------------------------------- */

static void offer_created(GstPromise *promise, gpointer data)
{
	ecc_viewer *v = data;
	const GstStructure *reply = gst_promise_get_reply(promise);
	GstWebRTCSessionDescription *offer = NULL;

	if (reply)
		gst_structure_get(reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer,
		                  NULL);
	gst_promise_unref(promise);
	if (!offer && ++v->offer_tries < 5) {
		/* right after start webrtcbin may answer with no offer: again */
		g_usleep(100 * 1000);
		g_signal_emit_by_name(v->wrtc, "create-offer", NULL,
		                      gst_promise_new_with_change_func(offer_created, v, NULL));
		return;
	}
	if (!offer) {
		notify(v, NOTE_ENDED, 0, "no offer from webrtcbin");
		return;
	}
	ecc_wrtc_set_description(v->wrtc, "set-local-description", offer);
	{
		char *sdp = gst_sdp_message_as_text(offer->sdp);
		notify(v, NOTE_OFFER, 0, sdp);
		g_free(sdp);
	}
	gst_webrtc_session_description_free(offer);
}

static void on_negotiation_needed(GstElement *wrtc, gpointer data)
{
	ecc_viewer *v = data;
	GstPromise *p = gst_promise_new_with_change_func(offer_created, v, NULL);

	g_signal_emit_by_name(wrtc, "create-offer", NULL, p);
}

/* ---- media --------------------------------------------------------------- */

/* A queue that drops old buffers rather than hold the tee back: a viewer
 * that cannot keep up loses old pictures. */
static GstElement *leaky_queue(void)
{
	GstElement *q = gst_element_factory_make("queue", NULL);

	if (q)
		g_object_set(q, "leaky", 2, "max-size-time", (guint64)GST_SECOND,
		             "max-size-buffers", 0, "max-size-bytes", 0, NULL);
	return q;
}

/* "queue ! rtpopuspay ! webrtcbin" (WebRTC) or "queue ! mp4mux" (fmp4) for
 * sound, into dest (taken); its input ghosted as "audio". */
static GstPad *sound_branch(ecc_viewer *v, GstPad *dest)
{
	GstElement *q = leaky_queue();
	GstElement *pay = v->wrtc ? gst_element_factory_make("rtpopuspay", NULL) : NULL;
	GstPad *src, *sink, *in;

	if (!q || (v->wrtc && !pay) || !dest) {
		if (q)
			gst_object_unref(q);
		if (pay)
			gst_object_unref(pay);
		if (dest)
			gst_object_unref(dest);
		return NULL;
	}
	gst_bin_add(GST_BIN(v->bin), q);
	if (pay) {
		g_object_set(pay, "pt", 97, NULL);
		gst_bin_add(GST_BIN(v->bin), pay);
		gst_element_link(q, pay);
	}
	src = gst_element_get_static_pad(pay ? pay : q, "src");
	gst_pad_link(src, dest);
	gst_object_unref(src);
	gst_object_unref(dest);
	sink = gst_element_get_static_pad(q, "sink");
	in = gst_ghost_pad_new("audio", sink);
	gst_object_unref(sink);
	gst_element_add_pad(v->bin, in);
	return in;
}

/* "rtph264pay ! webrtcbin" after q, and the sound into webrtcbin. */
static bool build_webrtc(ecc_viewer *v, GstElement *q, bool sound)
{
	GstElement *pay = gst_element_factory_make("rtph264pay", NULL);
	GstPad *paysrc, *wsink;
	GArray *trs = NULL;

	v->wrtc = gst_element_factory_make("webrtcbin", NULL);
	if (!pay || !v->wrtc) {
		if (pay)
			gst_object_unref(pay);
		if (v->wrtc)
			gst_object_unref(v->wrtc);
		v->wrtc = NULL;
		return false;
	}
	g_object_set(pay, "config-interval", -1, "pt", 96, NULL);
	gst_util_set_object_arg(G_OBJECT(pay), "aggregate-mode", "zero-latency");
	gst_util_set_object_arg(G_OBJECT(v->wrtc), "bundle-policy", "max-bundle");
	gst_bin_add_many(GST_BIN(v->bin), pay, v->wrtc, NULL);
	gst_element_link(q, pay);
	ecc_ice_setup(v->wrtc, v->cfg, v->id);
	g_signal_connect(v->wrtc, "on-negotiation-needed", G_CALLBACK(on_negotiation_needed), v);
	g_signal_connect(v->wrtc, "on-ice-candidate", G_CALLBACK(on_ice_candidate), v);
	paysrc = gst_element_get_static_pad(pay, "src");
	wsink = gst_element_request_pad_simple(v->wrtc, "sink_%u");
	gst_pad_link(paysrc, wsink);
	gst_object_unref(paysrc);
	gst_object_unref(wsink);
	if (sound)
		v->ain = sound_branch(v, gst_element_request_pad_simple(v->wrtc, "sink_%u"));
	g_signal_emit_by_name(v->wrtc, "get-transceivers", &trs);
	/* NACK on the picture (the first transceiver): a packet the browser
	 * missed is sent again (RTX) instead of freezing its picture until the
	 * next key frame. Not on the sound: Chromium refuses an audio section
	 * with an RTX stream ("Failed to add remote stream ssrc"). */
	for (guint i = 0; trs && i < trs->len; i++)
		g_object_set(g_array_index(trs, GstWebRTCRTPTransceiver *, i), "direction",
		             GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, "do-nack", i == 0,
		             NULL);
	if (trs)
		g_array_unref(trs);
	return true;
}

/* "mp4mux ! appsink" after q (fmp4.h), the sound into the same muxer. */
static bool build_fmp4(ecc_viewer *v, GstElement *q, bool sound)
{
	GstPad *video, *audio, *src;

	v->fmp4 = ecc_fmp4_new(GST_BIN(v->bin), sound, &video, &audio, on_fmp4, v);
	if (!v->fmp4)
		return false;
	src = gst_element_get_static_pad(q, "src");
	gst_pad_link(src, video);
	gst_object_unref(src);
	gst_object_unref(video);
	if (sound)
		v->ain = sound_branch(v, audio);
	return true;
}

ecc_viewer *ecc_viewer_new(const struct ecc_gwconfig *cfg, const char *view,
                           enum ecc_viewer_mode mode, GstBin *pipeline, GstElement *htee,
                           GstElement *stee, const struct ecc_viewer_cb *cb, void *user)
{
	ecc_viewer *v = g_new0(ecc_viewer, 1);
	GstElement *q = leaky_queue();
	GstPad *qsink;
	bool built;

	v->id = g_strdup(view);
	v->mode = mode;
	v->cfg = cfg;
	v->cb = *cb;
	v->user = user;
	v->pipeline = pipeline;
	v->bin = gst_bin_new(NULL);
	if (q)
		gst_bin_add(GST_BIN(v->bin), q);
	built = q && (mode == ECC_VIEWER_FMP4 ? build_fmp4(v, q, stee != NULL)
	                                      : build_webrtc(v, q, stee != NULL));
	if (!built) {
		g_warning("view=%s: no queue, rtph264pay, webrtcbin, mp4mux or appsink", view);
		gst_object_unref(v->bin);
		ecc_fmp4_free(v->fmp4);
		g_free(v->id);
		g_free(v);
		return NULL;
	}
	/* a viewer's picture starts at a key frame: the cached GOP's where the
	 * source has no back channel, else one asked for once linked */
	qsink = gst_element_get_static_pad(q, "src");
	ecc_gopcache_start_branch(qsink, &v->keyframe_seen, ecc_gopcache_of(htee));
	gst_object_unref(qsink);
	qsink = gst_element_get_static_pad(q, "sink");
	v->in = gst_ghost_pad_new("sink", qsink);
	gst_object_unref(qsink);
	gst_element_add_pad(v->bin, v->in);
	ecc_branch_guard(v->bin, v->in);
	if (v->ain)
		ecc_branch_guard(v->bin, v->ain);
	gst_bin_add(pipeline, v->bin);
	/* playing before linked: a tee pushing into an inactive pad gets FLUSHING */
	gst_element_sync_state_with_parent(v->bin);
	v->tee_pad = ecc_tee_link(htee, v->in);
	if (v->ain)
		v->atee_pad = ecc_tee_link(stee, v->ain);
	if (!v->tee_pad) {
		ecc_viewer_free(v);
		return NULL;
	}
	ecc_branch_ask_keyframe(v->in);
	return v;
}

bool ecc_viewer_owns(const ecc_viewer *v, GstObject *src)
{
	return gst_object_has_as_ancestor(src, GST_OBJECT(v->bin));
}

int ecc_viewer_answer(ecc_viewer *v, const char *sdp)
{
	GstSDPMessage *msg = NULL;
	GstWebRTCSessionDescription *answer;

	if (!v->wrtc)
		return ECC_ERR_INVAL;
	if (gst_sdp_message_new_from_text(sdp, &msg) != GST_SDP_OK)
		return ECC_ERR_INVAL;
	answer = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_ANSWER, msg);
	ecc_wrtc_set_description(v->wrtc, "set-remote-description", answer);
	gst_webrtc_session_description_free(answer);
	return ECC_OK;
}

int ecc_viewer_ice(ecc_viewer *v, unsigned mline, const char *candidate)
{
	if (!v->wrtc || !candidate || strncmp(candidate, "candidate:", 10) != 0)
		return ECC_ERR_INVAL;
	/* an mDNS name (x.local) is no use to libnice */
	if (strstr(candidate, ".local "))
		return ECC_OK;
	g_signal_emit_by_name(v->wrtc, "add-ice-candidate", mline, candidate);
	return ECC_OK;
}

void ecc_viewer_end(ecc_viewer *v, const char *why)
{
	notify(v, NOTE_ENDED, 0, why);
}

void ecc_viewer_free(ecc_viewer *v)
{
	if (!v)
		return;
	if (v->wrtc)
		g_signal_handlers_disconnect_by_data(v->wrtc, v);
	ecc_tee_drop(&v->tee_pad, v->in);
	ecc_tee_drop(&v->atee_pad, v->ain);
	ecc_branch_remove(v->pipeline, v->bin);
	ecc_fmp4_free(v->fmp4); /* its sink stopped with the branch */
	g_free(v->id);
	g_free(v);
}
