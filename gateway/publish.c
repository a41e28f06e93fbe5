/* publish: a webrtcbin receiving a browser's camera and microphone. */
#define G_LOG_DOMAIN "ecc-gw-publish"

#include "publish.h"
#include "ecc_err.h"
#include "ice.h"

#define GST_USE_UNSTABLE_API
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <string.h>

struct ecc_publisher {
	const struct ecc_gwconfig *cfg;
	char *stream;
	char *session; /* the running session, or NULL */
	struct ecc_publisher_cb cb;
	void *user;
	GstElement *wrtc; /* a reference of ours */
};

/* What the phone may send: H.264 (the viewers take it as it is; Chromium
 * encodes it with OpenH264, constrained baseline) and Opus. */
#define VIDEO_CAPS                                                                                 \
	"application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,"                       \
	"packetization-mode=(string)1"
#define AUDIO_CAPS "application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000"

/* ---- to the main loop ------------------------------------------------------ */

enum note_kind { NOTE_ANSWER, NOTE_ICE, NOTE_ENDED };

struct note {
	enum note_kind kind;
	struct ecc_publisher_cb cb;
	void *user;
	char *session, *text;
	unsigned mline;
};

static void note_free(gpointer p)
{
	struct note *n = p;

	g_free(n->session);
	g_free(n->text);
	g_free(n);
}

static gboolean deliver(gpointer p)
{
	struct note *n = p;

	if (n->kind == NOTE_ANSWER)
		n->cb.answer(n->user, n->session, n->text);
	else if (n->kind == NOTE_ICE)
		n->cb.ice(n->user, n->session, n->mline, n->text);
	else
		n->cb.ended(n->user, n->session, n->text);
	return G_SOURCE_REMOVE;
}

/* Any thread. */
static void notify(const struct ecc_publisher_cb *cb, void *user, const char *session,
                   enum note_kind kind, unsigned mline, const char *text)
{
	struct note *n = g_new0(struct note, 1);

	n->kind = kind;
	n->cb = *cb;
	n->user = user;
	n->session = g_strdup(session);
	n->text = g_strdup(text);
	n->mline = mline;
	g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, deliver, n, note_free);
}

/* ---- the answer (webrtcbin's thread) ------------------------------------------ */

/* One negotiation: what its promises need, whatever became of the publisher. */
struct nego {
	GstElement *wrtc;
	struct ecc_publisher_cb cb;
	void *user;
	char *session;
};

static void nego_free(gpointer p)
{
	struct nego *x = p;

	gst_object_unref(x->wrtc);
	g_free(x->session);
	g_free(x);
}

static void answer_created(GstPromise *promise, gpointer data)
{
	struct nego *x = data;
	const GstStructure *reply = gst_promise_get_reply(promise);
	GstWebRTCSessionDescription *answer = NULL;

	if (reply)
		gst_structure_get(reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer,
		                  NULL);
	gst_promise_unref(promise);
	if (!answer) {
		notify(&x->cb, x->user, x->session, NOTE_ENDED, 0, "no answer from webrtcbin");
		return;
	}
	g_signal_emit_by_name(x->wrtc, "set-local-description", answer, NULL);
	{
		char *sdp = gst_sdp_message_as_text(answer->sdp);
		notify(&x->cb, x->user, x->session, NOTE_ANSWER, 0, sdp);
		g_free(sdp);
	}
	gst_webrtc_session_description_free(answer);
}

static void remote_set(GstPromise *promise, gpointer data)
{
	struct nego *x = data;

	gst_promise_unref(promise);
	g_signal_emit_by_name(x->wrtc, "create-answer", NULL,
	                      gst_promise_new_with_change_func(answer_created, x, nego_free));
}

/* ---- webrtcbin's signals (its threads) ------------------------------------------ */

static void on_ice_candidate(GstElement *wrtc, guint mline, gchar *cand, gpointer data)
{
	ecc_publisher *p = data;

	(void)wrtc;
	if (p->session && ecc_ice_allowed(p->cfg, cand))
		notify(&p->cb, p->user, p->session, NOTE_ICE, mline, cand);
}

static void on_ice_state(GObject *wrtc, GParamSpec *pspec, gpointer data)
{
	ecc_publisher *p = data;
	GstWebRTCICEConnectionState st;

	(void)pspec;
	g_object_get(wrtc, "ice-connection-state", &st, NULL);
	if (st == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED && p->session)
		notify(&p->cb, p->user, p->session, NOTE_ENDED, 0, "ICE failed");
}

/* ---- lifecycle ---------------------------------------------------------------- */

static void add_recvonly(GstElement *wrtc, const char *caps_text)
{
	GstCaps *caps = gst_caps_from_string(caps_text);
	GstWebRTCRTPTransceiver *t = NULL;

	g_signal_emit_by_name(wrtc, "add-transceiver",
	                      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &t);
	/* a lost packet is asked for again (NACK) rather than a frozen picture
	 * until the next key frame */
	if (t) {
		g_object_set(t, "do-nack", !strncmp(caps_text, "application/x-rtp,media=video", 29),
		             NULL);
		gst_object_unref(t);
	}
	gst_caps_unref(caps);
}

ecc_publisher *ecc_publisher_new(const struct ecc_gwconfig *cfg, const char *stream,
                                 const struct ecc_publisher_cb *cb, void *user)
{
	GstElement *wrtc = gst_element_factory_make("webrtcbin", NULL);
	ecc_publisher *p;

	if (!wrtc) {
		g_warning("stream=%s: no webrtcbin (gstreamer1.0-plugins-bad)", stream);
		return NULL;
	}
	p = g_new0(ecc_publisher, 1);
	p->cfg = cfg;
	p->stream = g_strdup(stream);
	p->cb = *cb;
	p->user = user;
	p->wrtc = gst_object_ref_sink(wrtc);
	gst_util_set_object_arg(G_OBJECT(wrtc), "bundle-policy", "max-bundle");
	ecc_ice_setup(wrtc, cfg, stream);
	add_recvonly(wrtc, VIDEO_CAPS);
	add_recvonly(wrtc, AUDIO_CAPS);
	g_signal_connect(wrtc, "on-ice-candidate", G_CALLBACK(on_ice_candidate), p);
	g_signal_connect(wrtc, "notify::ice-connection-state", G_CALLBACK(on_ice_state), p);
	return p;
}

GstElement *ecc_publisher_element(ecc_publisher *p)
{
	return p->wrtc;
}

int ecc_publisher_offer(ecc_publisher *p, const char *session, const char *sdp, bool *audio)
{
	GstSDPMessage *msg = NULL;
	GstWebRTCSessionDescription *offer;
	struct nego *x;

	*audio = false;
	if (p->session)
		return ECC_ERR_EXISTS;
	if (gst_sdp_message_new_from_text(sdp, &msg) != GST_SDP_OK)
		return ECC_ERR_INVAL;
	if (!gst_sdp_message_medias_len(msg)) {
		gst_sdp_message_free(msg);
		return ECC_ERR_INVAL;
	}
	for (guint i = 0; i < gst_sdp_message_medias_len(msg); i++)
		if (!g_strcmp0(gst_sdp_media_get_media(gst_sdp_message_get_media(msg, i)), "audio"))
			*audio = true;
	p->session = g_strdup(session);
	x = g_new0(struct nego, 1);
	x->wrtc = gst_object_ref(p->wrtc);
	x->cb = p->cb;
	x->user = p->user;
	x->session = g_strdup(session);
	offer = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, msg);
	g_signal_emit_by_name(p->wrtc, "set-remote-description", offer,
	                      gst_promise_new_with_change_func(remote_set, x, NULL));
	gst_webrtc_session_description_free(offer);
	g_message("stream=%s: publisher session %s offered", p->stream, session);
	return ECC_OK;
}

int ecc_publisher_ice(ecc_publisher *p, const char *session, unsigned mline, const char *candidate)
{
	if (!candidate || strncmp(candidate, "candidate:", 10) != 0)
		return ECC_ERR_INVAL;
	if (!p->session || strcmp(p->session, session) != 0)
		return ECC_ERR_NOTFOUND;
	/* an mDNS name (x.local) is no use to libnice */
	if (strstr(candidate, ".local "))
		return ECC_OK;
	g_signal_emit_by_name(p->wrtc, "add-ice-candidate", mline, candidate);
	return ECC_OK;
}

const char *ecc_publisher_session(const ecc_publisher *p)
{
	return p->session;
}

void ecc_publisher_end(ecc_publisher *p, const char *why)
{
	if (p->session)
		notify(&p->cb, p->user, p->session, NOTE_ENDED, 0, why);
}

void ecc_publisher_free(ecc_publisher *p)
{
	if (!p)
		return;
	g_signal_handlers_disconnect_by_data(p->wrtc, p);
	gst_object_unref(p->wrtc);
	g_free(p->session);
	g_free(p->stream);
	g_free(p);
}
