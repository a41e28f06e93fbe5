/* mixtap: a stream's decoded picture and sound for a room's mix. */
#define G_LOG_DOMAIN "ecc-gw-mix"

#include "mixtap.h"
#include "roommix.h"
#include "tee.h"

#include <stdatomic.h>
#include <string.h>

#define LEAKY                                                                                      \
	"queue name=in leaky=downstream max-size-time=1000000000 max-size-buffers=0 "              \
	"max-size-bytes=0 ! "
/* The mix's input caps (roommix.c takes exactly these). */
#define VIDEO_OUT                                                                                  \
	"videoconvert ! video/x-raw,format=I420 ! videoscale add-borders=true ! "                  \
	"video/x-raw,width=640,height=360,pixel-aspect-ratio=1/1 ! videorate ! "                   \
	"video/x-raw,framerate=25/1 ! textoverlay name=label halignment=left valignment=bottom "   \
	"shaded-background=true font-desc=\"Sans 20\" ! video/x-raw,format=I420 ! "                \
	"intervideosink name=out sync=false async=false"
/* Both inter sinks async=false: a sink that waits for a preroll, added
 * to the participant's playing pipeline, made it lose its state and come
 * back playing with a new base time, and every packet forwarded to the
 * others from then on went out 190 ms later (bench/rooms: a participant's
 * sound 230 ms through the room against 41 ms direct; 37 ms with the same
 * tap ending in a fakesink async=false). sync=false: the mix's sources
 * keep the time; a sound held to this pipeline's clock would trail its
 * picture in the mix. */
#define AUDIO_OUT                                                                                  \
	"audioconvert ! audio/x-raw,format=S16LE,channels=1 ! audioresample ! "                    \
	"audio/x-raw,rate=48000 ! interaudiosink name=out sync=false async=false"

struct half {
	GstElement *bin;
	GstPad *in, *tee_pad;
};

struct ecc_mixtap {
	GstBin *pipeline;        /* a reference until freed */
	GstElement *vtee, *atee; /* references until freed (atee may be NULL) */
	char *stream, *label_text, *vcodec, *acodec;
	const char *vdec, *adec;
	struct half video, sound;
	GstElement *label; /* the video half's textoverlay */
	atomic_bool keyframe_seen;
	bool building;  /* its bins are being made in a worker thread */
	bool cancelled; /* freed while building: the build's end frees it */
	char *error;    /* what the worker could not make */
};

/* Taps whose bins a worker still makes: the gateway waits for them at exit
 * (ecc_mixtap_drain). Main loop only. */
static unsigned pending;

static void half_clear(ecc_mixtap *t, struct half *h)
{
	if (!h->bin)
		return;
	if (h->in) {
		ecc_tee_drop(&h->tee_pad, h->in);
		ecc_branch_remove(t->pipeline, h->bin);
		gst_object_unref(h->in);
	} else {
		gst_object_unref(h->bin); /* made, never added */
	}
	memset(h, 0, sizeof(*h));
}

/* In the worker: the half's bin, not yet in any pipeline (sunk: ours). */
static GstElement *half_make(const ecc_mixtap *t, const char *decoder, bool video, char **error)
{
	char *desc = g_strdup_printf(LEAKY "%s ! %s", decoder, video ? VIDEO_OUT : AUDIO_OUT);
	char *channel = ecc_roommix_channel(t->stream);
	GError *err = NULL;
	GstElement *bin, *out;

	/* its input is ghosted by half_attach: textoverlay's text pad is
	 * unlinked too, and the parser's own ghosting may pick that one */
	bin = gst_parse_bin_from_description(desc, FALSE, &err);
	g_free(desc);
	if (!bin) {
		*error = g_strdup_printf("no %s for the room's mix: %s",
		                         video ? "picture" : "sound", err ? err->message : "?");
		g_clear_error(&err);
		g_free(channel);
		return NULL;
	}
	gst_object_ref_sink(bin);
	out = gst_bin_get_by_name(GST_BIN(bin), "out");
	g_object_set(out, "channel", channel, NULL);
	gst_object_unref(out);
	g_free(channel);
	return bin;
}

/* On the main loop: the made half into the participant's pipeline. */
static bool half_attach(ecc_mixtap *t, struct half *h, GstElement *tee, bool video)
{
	GstElement *q = gst_bin_get_by_name(GST_BIN(h->bin), "in");
	GstPad *qs = gst_element_get_static_pad(q, "sink");

	h->in = gst_ghost_pad_new("sink", qs);
	gst_element_add_pad(h->bin, gst_object_ref(h->in));
	gst_object_unref(qs);
	gst_object_unref(q);
	ecc_branch_guard(h->bin, h->in);
	/* decoded from a key frame: the frames before it would be grey */
	if (video)
		ecc_branch_from_keyframe(h->in, &t->keyframe_seen);
	gst_bin_add(t->pipeline, h->bin); /* the pipeline's reference now */
	gst_element_sync_state_with_parent(h->bin);
	h->tee_pad = ecc_tee_link_full(tee, h->in, GST_PAD_LINK_CHECK_TEMPLATE_CAPS);
	if (!h->tee_pad) {
		half_clear(t, h);
		return false;
	}
	if (video)
		ecc_branch_ask_keyframe(h->in);
	return true;
}

/* The elements take long to make (a second each under AddressSanitizer on
 * a loaded machine: the decoder, the converters, the text overlay's
 * fonts), and three taps made on the main loop when a hearing's recording
 * began held it for 6 s: participants' viewers timed out, and a
 * participant's stream stalled and restarted. So a worker makes them. */
static gboolean built(gpointer data);

static gpointer build(gpointer data)
{
	ecc_mixtap *t = data;

	t->video.bin = half_make(t, t->vdec, true, &t->error);
	if (t->video.bin && t->adec)
		t->sound.bin = half_make(t, t->adec, false, &t->error);
	g_idle_add(built, t); /* back on the main loop */
	return NULL;
}

static void mixtap_destroy(ecc_mixtap *t)
{
	if (t->label)
		gst_object_unref(t->label);
	half_clear(t, &t->video);
	half_clear(t, &t->sound);
	gst_object_unref(t->pipeline);
	gst_object_unref(t->vtee);
	if (t->atee)
		gst_object_unref(t->atee);
	g_free(t->stream);
	g_free(t->label_text);
	g_free(t->vcodec);
	g_free(t->acodec);
	g_free(t->error);
	g_free(t);
}

static gboolean built(gpointer data)
{
	ecc_mixtap *t = data;
	bool sound;

	pending--;
	t->building = false;
	if (t->cancelled) {
		mixtap_destroy(t);
		return G_SOURCE_REMOVE;
	}
	if (!t->video.bin) {
		g_warning("stream=%s: %s", t->stream, t->error ? t->error : "no tap");
		half_clear(t, &t->sound);
		return G_SOURCE_REMOVE;
	}
	if (!half_attach(t, &t->video, t->vtee, true)) {
		g_warning("stream=%s: the room's mix could not take its picture", t->stream);
		half_clear(t, &t->sound);
		return G_SOURCE_REMOVE;
	}
	t->label = gst_bin_get_by_name(GST_BIN(t->video.bin), "label");
	ecc_mixtap_label(t, t->label_text);
	sound = t->sound.bin && half_attach(t, &t->sound, t->atee, false);
	if (t->adec && !sound)
		g_warning("stream=%s: the room's mix takes its picture without its sound%s%s",
		          t->stream, t->error ? ": " : "", t->error ? t->error : "");
	g_message("stream=%s: in the room's mix (%s%s%s)", t->stream, t->vcodec, sound ? ", " : "",
	          sound ? t->acodec : "");
	return G_SOURCE_REMOVE;
}

ecc_mixtap *ecc_mixtap_new(GstBin *pipeline, const char *stream, GstElement *vtee,
                           const char *vcodec, GstElement *atee, const char *acodec,
                           const char *label)
{
	ecc_mixtap *t = g_new0(ecc_mixtap, 1);

	t->pipeline = gst_object_ref(pipeline);
	t->vtee = gst_object_ref(vtee);
	t->stream = g_strdup(stream);
	t->label_text = g_strdup(label);
	t->vcodec = g_strdup(vcodec);
	t->acodec = g_strdup(acodec);
	t->vdec = !strcmp(vcodec, "h265") ? "avdec_h265 max-threads=1" : "avdec_h264 max-threads=1";
	t->adec = !atee                        ? NULL
	          : !g_strcmp0(acodec, "opus") ? "opusdec"
	          : !g_strcmp0(acodec, "aac")  ? "avdec_aac"
	                                       : NULL;
	if (t->adec)
		t->atee = gst_object_ref(atee);
	t->building = true;
	pending++;
	g_thread_unref(g_thread_new("ecc-mixtap", build, t));
	return t;
}

bool ecc_mixtap_ready(const ecc_mixtap *t)
{
	return t && !t->building && t->video.tee_pad;
}

void ecc_mixtap_drain(void)
{
	while (pending)
		g_main_context_iteration(NULL, TRUE);
}

void ecc_mixtap_label(ecc_mixtap *t, const char *label)
{
	if (label != t->label_text) {
		g_free(t->label_text);
		t->label_text = g_strdup(label);
	}
	if (t->label)
		g_object_set(t->label, "text", label ? label : "", NULL);
}

bool ecc_mixtap_owns(const ecc_mixtap *t, GstObject *src)
{
	return t && !t->building &&
	       ((t->video.bin && gst_object_has_as_ancestor(src, GST_OBJECT(t->video.bin))) ||
	        (t->sound.bin && gst_object_has_as_ancestor(src, GST_OBJECT(t->sound.bin))));
}

void ecc_mixtap_free(ecc_mixtap *t)
{
	if (!t)
		return;
	if (t->building)
		t->cancelled = true; /* built() frees it */
	else
		mixtap_destroy(t);
}
