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
	GstBin *pipeline;
	char *stream;
	struct half video, sound;
	GstElement *label; /* the video half's textoverlay */
	atomic_bool keyframe_seen;
};

static void half_clear(ecc_mixtap *t, struct half *h)
{
	if (!h->bin)
		return;
	ecc_tee_drop(&h->tee_pad, h->in);
	ecc_branch_remove(t->pipeline, h->bin);
	gst_object_unref(h->in);
	memset(h, 0, sizeof(*h));
}

static bool half_new(ecc_mixtap *t, struct half *h, GstElement *tee, const char *decoder,
                     bool video)
{
	char *desc = g_strdup_printf(LEAKY "%s ! %s", decoder, video ? VIDEO_OUT : AUDIO_OUT);
	char *channel = ecc_roommix_channel(t->stream);
	GError *err = NULL;
	GstElement *out;

	/* its input ghosted by hand: textoverlay's text pad is unlinked too,
	 * and the parser's own ghosting may pick that one */
	h->bin = gst_parse_bin_from_description(desc, FALSE, &err);
	g_free(desc);
	if (!h->bin) {
		g_warning("stream=%s: no %s for the room's mix: %s", t->stream,
		          video ? "picture" : "sound", err ? err->message : "?");
		g_clear_error(&err);
		g_free(channel);
		return false;
	}
	if (video)
		t->label = gst_bin_get_by_name(GST_BIN(h->bin), "label");
	out = gst_bin_get_by_name(GST_BIN(h->bin), "out");
	g_object_set(out, "channel", channel, NULL);
	gst_object_unref(out);
	g_free(channel);
	{
		GstElement *q = gst_bin_get_by_name(GST_BIN(h->bin), "in");
		GstPad *qs = gst_element_get_static_pad(q, "sink");
		h->in = gst_ghost_pad_new("sink", qs);
		gst_element_add_pad(h->bin, gst_object_ref(h->in));
		gst_object_unref(qs);
		gst_object_unref(q);
	}
	ecc_branch_guard(h->bin, h->in);
	/* decoded from a key frame: the frames before it would be grey */
	if (video)
		ecc_branch_from_keyframe(h->in, &t->keyframe_seen);
	gst_bin_add(t->pipeline, h->bin);
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

ecc_mixtap *ecc_mixtap_new(GstBin *pipeline, const char *stream, GstElement *vtee,
                           const char *vcodec, GstElement *atee, const char *acodec,
                           const char *label)
{
	ecc_mixtap *t = g_new0(ecc_mixtap, 1);
	const char *vdec =
	    !strcmp(vcodec, "h265") ? "avdec_h265 max-threads=1" : "avdec_h264 max-threads=1";
	const char *adec = !g_strcmp0(acodec, "opus")  ? "opusdec"
	                   : !g_strcmp0(acodec, "aac") ? "avdec_aac"
	                                               : NULL;

	t->pipeline = pipeline;
	t->stream = g_strdup(stream);
	if (!half_new(t, &t->video, vtee, vdec, true)) {
		ecc_mixtap_free(t);
		return NULL;
	}
	ecc_mixtap_label(t, label);
	if (atee && adec && !half_new(t, &t->sound, atee, adec, false))
		g_warning("stream=%s: the room's mix takes its picture without its sound", stream);
	g_message("stream=%s: in the room's mix (%s%s%s)", stream, vcodec, atee ? ", " : "",
	          atee ? acodec : "");
	return t;
}

void ecc_mixtap_label(ecc_mixtap *t, const char *label)
{
	if (t->label)
		g_object_set(t->label, "text", label ? label : "", NULL);
}

bool ecc_mixtap_owns(const ecc_mixtap *t, GstObject *src)
{
	return t && ((t->video.bin && gst_object_has_as_ancestor(src, GST_OBJECT(t->video.bin))) ||
	             (t->sound.bin && gst_object_has_as_ancestor(src, GST_OBJECT(t->sound.bin))));
}

void ecc_mixtap_free(ecc_mixtap *t)
{
	if (!t)
		return;
	if (t->label)
		gst_object_unref(t->label);
	half_clear(t, &t->video);
	half_clear(t, &t->sound);
	g_free(t->stream);
	g_free(t);
}
