/* publish: a webrtcbin receiving a browser's camera and microphone. */
#define G_LOG_DOMAIN "ecc-gw-publish"

#include "publish.h"
#include "ecc_err.h"
#include "ice.h"
#include "tee.h"

#define GST_USE_UNSTABLE_API
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <stdio.h>
#include <string.h>

struct ecc_publisher {
	const struct ecc_gwconfig *cfg;
	enum ecc_publisher_kind kind;
	char *stream;
	char *session; /* the running session, or NULL */
	struct ecc_publisher_cb cb;
	void *user;
	GstElement *wrtc; /* a reference of ours */
	/* a camera: its talk-back (the walls' voices to the phone) */
	GstBin *pipeline;     /* where the talk-back and talks live, once added */
	GstElement *talkback; /* "silence ! audiomixer name=mix ! opusenc ! rtpopuspay" */
	GstElement *recmix;   /* the recorded sound: the phone's and the walls' voices */
	GstElement *rectee;   /* its output */
	GstPad *rec_in;       /* the phone's sound tee's output feeding it */
	/* a talk: its decoded sound into a camera's mixer */
	ecc_publisher *cam; /* borrowed: it outlives the talk */
	GstElement *voice;  /* "rtpopusdepay ! opusdec ! ..." once the sound comes */
	GstPad *mix_pad;    /* cam's mixer input it feeds (a ghost pad on cam's talk-back) */
	GstPad *rec_pad;    /* cam's recording mixer input it feeds, or NULL */
	GMutex lock;        /* voice, mix_pad, rec_pad; a camera's recmix */
};

/* What the phone may send: H.264 (the viewers take it as it is; Chromium
 * encodes it with OpenH264, constrained baseline) and Opus. */
#define VIDEO_CAPS                                                                                 \
	"application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,"                       \
	"packetization-mode=(string)1"
#define AUDIO_CAPS "application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000"
/* The talk-back to the phone: silence, mixed with the voices of the walls
 * that talk to it, in Opus (payload type 111, Chromium's, until the offer
 * names another: the answer keeps the offer's numbers). Always flowing, so
 * a talk starts without a renegotiation; the mixer waits 100 ms for a late
 * voice. */
#define TALKBACK                                                                                   \
	"audiotestsrc is-live=true wave=silence samplesperbuffer=960 ! "                           \
	"audio/x-raw,rate=48000,channels=1 ! audiomixer name=mix latency=100000000 ! "             \
	"audioconvert ! opusenc bitrate=32000 frame-size=20 ! rtpopuspay name=pay pt=111"
#define VOICE                                                                                      \
	"rtpopusdepay ! opusdec ! audioconvert ! audioresample ! "                                 \
	"audio/x-raw,rate=48000,channels=1 ! tee name=t allow-not-linked=true"
/* The recorded sound of a phone that walls talk to: its microphone and
 * their voices, mixed, in Opus again. */
#define RECMIX                                                                                     \
	"queue max-size-time=1000000000 max-size-buffers=0 max-size-bytes=0 leaky=downstream ! "   \
	"opusdec ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1 ! "            \
	"audiomixer name=mix latency=100000000 ! audioconvert ! "                                  \
	"opusenc bitrate=48000 frame-size=20 ! tee name=t allow-not-linked=true"

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
	ecc_wrtc_set_description(x->wrtc, "set-local-description", answer);
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
                                 enum ecc_publisher_kind kind, const struct ecc_publisher_cb *cb,
                                 void *user)
{
	GstElement *wrtc = gst_element_factory_make("webrtcbin", NULL);
	ecc_publisher *p;

	if (!wrtc) {
		g_warning("stream=%s: no webrtcbin (gstreamer1.0-plugins-bad)", stream);
		return NULL;
	}
	p = g_new0(ecc_publisher, 1);
	p->cfg = cfg;
	p->kind = kind;
	g_mutex_init(&p->lock);
	p->stream = g_strdup(stream);
	p->cb = *cb;
	p->user = user;
	p->wrtc = gst_object_ref_sink(wrtc);
	gst_util_set_object_arg(G_OBJECT(wrtc), "bundle-policy", "max-bundle");
	ecc_ice_setup(wrtc, cfg, stream);
	if (kind == ECC_PUBLISHER_CAMERA)
		add_recvonly(wrtc, VIDEO_CAPS);
	else /* a wall's voice: the jitter buffer short */
		g_object_set(wrtc, "latency", 100, NULL);
	/* a camera's sound is sendrecv (the talk-back goes the other way):
	 * its transceiver comes with the talk-back's sink pad */
	if (kind == ECC_PUBLISHER_TALK)
		add_recvonly(wrtc, AUDIO_CAPS);
	g_signal_connect(wrtc, "on-ice-candidate", G_CALLBACK(on_ice_candidate), p);
	g_signal_connect(wrtc, "notify::ice-connection-state", G_CALLBACK(on_ice_state), p);
	return p;
}

GstElement *ecc_publisher_element(ecc_publisher *p)
{
	return p->wrtc;
}

/* The talk-back's payload type: the offer's for Opus (Firefox says 109). */
static void talkback_pt(ecc_publisher *p, const GstSDPMedia *m)
{
	GstElement *pay = p->talkback ? gst_bin_get_by_name(GST_BIN(p->talkback), "pay") : NULL;

	for (guint i = 0; pay && i < gst_sdp_media_attributes_len(m); i++) {
		const GstSDPAttribute *a = gst_sdp_media_get_attribute(m, i);
		unsigned pt = 0;
		char name[8] = "";
		if (!g_strcmp0(a->key, "rtpmap") && a->value &&
		    sscanf(a->value, "%u %7[^/]", &pt, name) == 2 &&
		    !g_ascii_strcasecmp(name, "opus") && pt >= 96 && pt <= 127) {
			g_object_set(pay, "pt", pt, NULL);
			break;
		}
	}
	if (pay)
		gst_object_unref(pay);
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
		if (!g_strcmp0(gst_sdp_media_get_media(gst_sdp_message_get_media(msg, i)),
		               "audio")) {
			*audio = true;
			talkback_pt(p, gst_sdp_message_get_media(msg, i));
		}
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

/* ---- talk-back (a camera) and talks (a wall's voice) ------------------------------ */

bool ecc_publisher_talkback(ecc_publisher *p, GstBin *pipeline)
{
	GError *err = NULL;
	GstCaps *caps;
	GstPad *src, *sink;
	bool ok;

	p->pipeline = pipeline;
	p->talkback = gst_parse_bin_from_description(TALKBACK, TRUE, &err);
	if (!p->talkback) {
		g_warning("stream=%s: no talk-back: %s", p->stream, err ? err->message : "?");
		g_clear_error(&err);
		return false;
	}
	gst_object_ref_sink(p->talkback);
	gst_bin_add(pipeline, p->talkback);
	caps = gst_caps_from_string(AUDIO_CAPS);
	sink = gst_element_request_pad(p->wrtc, gst_element_get_pad_template(p->wrtc, "sink_%u"),
	                               NULL, caps);
	gst_caps_unref(caps);
	src = gst_element_get_static_pad(p->talkback, "src");
	ok = sink && gst_pad_link(src, sink) == GST_PAD_LINK_OK;
	if (!ok)
		g_warning("stream=%s: the talk-back cannot be linked to webrtcbin", p->stream);
	gst_object_unref(src);
	if (sink)
		gst_object_unref(sink);
	return ok;
}

/* A new input of the mixer "mix" in bin (a camera's talk-back or recorded
 * sound), ghosted on bin (any thread); NULL without bin. */
static GstPad *mixer_input(GstElement *bin)
{
	GstElement *mix = bin ? gst_bin_get_by_name(GST_BIN(bin), "mix") : NULL;
	GstPad *req = mix ? gst_element_request_pad_simple(mix, "sink_%u") : NULL, *ghost = NULL;

	if (req) {
		ghost = gst_ghost_pad_new(NULL, req);
		gst_pad_set_active(ghost, TRUE);
		gst_element_add_pad(bin, gst_object_ref(ghost));
		gst_object_unref(req);
	}
	if (mix)
		gst_object_unref(mix);
	return ghost;
}

static void mixer_release(GstElement *bin, GstPad *ghost)
{
	GstPad *req = gst_ghost_pad_get_target(GST_GHOST_PAD(ghost));
	GstElement *mix = req ? gst_pad_get_parent_element(req) : NULL;

	gst_pad_set_active(ghost, FALSE);
	gst_element_remove_pad(bin, ghost);
	if (mix) {
		gst_element_release_request_pad(mix, req);
		gst_object_unref(mix);
	}
	if (req)
		gst_object_unref(req);
	gst_object_unref(ghost);
}

/* A talk's sound arrived (webrtcbin's thread): decoded into the mixer. */
static void talk_pad_added(GstElement *wrtc, GstPad *pad, gpointer data)
{
	ecc_publisher *t = data;
	GError *err = NULL;
	GstElement *voice, *tee;
	GstPad *in, *out;

	(void)wrtc;
	if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC)
		return;
	g_mutex_lock(&t->lock);
	if (t->voice || !(voice = gst_parse_bin_from_description(VOICE, TRUE, &err))) {
		g_clear_error(&err);
		g_mutex_unlock(&t->lock);
		return;
	}
	t->voice = gst_object_ref(voice);
	t->mix_pad = mixer_input(t->cam->talkback);
	g_mutex_lock(&t->cam->lock);
	t->rec_pad = mixer_input(t->cam->recmix); /* none before the recording starts */
	g_mutex_unlock(&t->cam->lock);
	gst_bin_add(t->pipeline, voice);
	gst_element_sync_state_with_parent(voice);
	in = gst_element_get_static_pad(voice, "sink");
	tee = gst_bin_get_by_name(GST_BIN(voice), "t");
	out = t->mix_pad ? ecc_tee_link(tee, t->mix_pad) : NULL;
	if (gst_pad_link(pad, in) != GST_PAD_LINK_OK || !out)
		g_warning("stream=%s: a wall's voice cannot reach the phone", t->stream);
	else
		g_message("stream=%s: talk %s: the wall's voice goes to the phone%s", t->stream,
		          t->session ? t->session : "?", t->rec_pad ? " and the recording" : "");
	if (out)
		gst_object_unref(out);
	if (t->rec_pad && (out = ecc_tee_link(tee, t->rec_pad)))
		gst_object_unref(out);
	gst_object_unref(tee);
	gst_object_unref(in);
	g_mutex_unlock(&t->lock);
}

GstElement *ecc_publisher_record_tee(ecc_publisher *p, GstElement *atee)
{
	GError *err = NULL;
	GstElement *bin;
	GstPad *in;

	if (p->rectee || p->kind != ECC_PUBLISHER_CAMERA || !p->pipeline)
		return p->rectee;
	bin = gst_parse_bin_from_description(RECMIX, TRUE, &err);
	if (!bin) {
		g_warning("stream=%s: the talks are not recorded: %s", p->stream,
		          err ? err->message : "?");
		g_clear_error(&err);
		return NULL;
	}
	gst_object_ref_sink(bin);
	in = gst_element_get_static_pad(bin, "sink");
	ecc_branch_guard(bin, in);
	gst_bin_add(p->pipeline, bin);
	gst_element_sync_state_with_parent(bin);
	p->rec_in = ecc_tee_link(atee, in);
	gst_object_unref(in);
	g_mutex_lock(&p->lock);
	p->recmix = bin;
	p->rectee = gst_bin_get_by_name(GST_BIN(bin), "t");
	g_mutex_unlock(&p->lock);
	return p->rectee;
}

bool ecc_publisher_talk_start(ecc_publisher *t, ecc_publisher *cam, GstBin *pipeline)
{
	if (t->kind != ECC_PUBLISHER_TALK || !cam->talkback)
		return false;
	t->cam = cam;
	t->pipeline = pipeline;
	g_signal_connect(t->wrtc, "pad-added", G_CALLBACK(talk_pad_added), t);
	gst_bin_add(pipeline, t->wrtc);
	return gst_element_sync_state_with_parent(t->wrtc);
}

/* A talk leaves the pipeline (main loop): its webrtcbin and voice stop,
 * the mixer input goes. */
static void talk_stop(ecc_publisher *t)
{
	g_mutex_lock(&t->lock);
	for (GstPad **p = (GstPad *[]){t->mix_pad, t->rec_pad}, **e = p + 2; p < e; p++) {
		GstPad *peer = *p ? gst_pad_get_peer(*p) : NULL;
		if (peer) {
			gst_pad_unlink(peer, *p);
			gst_object_unref(peer);
		}
	}
	g_mutex_unlock(&t->lock);
	gst_element_set_locked_state(t->wrtc, TRUE);
	gst_element_set_state(t->wrtc, GST_STATE_NULL);
	gst_bin_remove(t->pipeline, t->wrtc);
	if (t->voice) {
		gst_element_set_locked_state(t->voice, TRUE);
		gst_element_set_state(t->voice, GST_STATE_NULL);
		gst_bin_remove(t->pipeline, t->voice);
		gst_object_unref(t->voice);
		t->voice = NULL;
	}
	if (t->mix_pad)
		mixer_release(t->cam->talkback, t->mix_pad);
	if (t->rec_pad)
		mixer_release(t->cam->recmix, t->rec_pad);
	t->mix_pad = t->rec_pad = NULL;
	t->pipeline = NULL;
}

void ecc_publisher_free(ecc_publisher *p)
{
	if (!p)
		return;
	g_signal_handlers_disconnect_by_data(p->wrtc, p);
	if (p->kind == ECC_PUBLISHER_TALK && p->pipeline)
		talk_stop(p);
	if (p->talkback)
		gst_object_unref(p->talkback);
	if (p->rectee)
		gst_object_unref(p->rectee);
	if (p->rec_in)
		gst_object_unref(p->rec_in);
	if (p->recmix)
		gst_object_unref(p->recmix);
	g_mutex_clear(&p->lock);
	gst_object_unref(p->wrtc);
	g_free(p->session);
	g_free(p->stream);
	g_free(p);
}
