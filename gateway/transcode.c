/* transcode: H.265 -> H.264 and AAC -> Opus for live viewers, one of each
 * per watched stream. */
#define G_LOG_DOMAIN "ecc-gw-transcode"

#include "transcode.h"
#include "tee.h"

#include <stdatomic.h>
#include <stdbool.h>

/* A late branch drops old data rather than hold the ingest's tee; the
 * encoders are tuned for latency (no B-frames, no look-ahead; 20 ms audio
 * frames). */
#define LEAKY                                                                                      \
	"queue leaky=downstream max-size-time=1000000000 max-size-buffers=0 max-size-bytes=0 ! "
#define H264_BRANCH                                                                                \
	LEAKY                                                                                      \
	"avdec_h265 max-threads=2 output-corrupt=false ! videoconvert ! "                          \
	"x264enc tune=zerolatency speed-preset=ultrafast key-int-max=50 bitrate=2500 threads=2 ! " \
	"video/x-h264,profile=constrained-baseline ! h264parse config-interval=-1 ! "              \
	"tee name=t allow-not-linked=true"
/* The recording's sound is AAC (G.711 sources are transcoded to AAC for
 * the MP4); the browser's is Opus. */
#define OPUS_BRANCH                                                                                \
	LEAKY "avdec_aac ! audioconvert ! audioresample ! audio/x-raw,rate=48000 ! "               \
	      "opusenc bitrate=32000 frame-size=20 ! tee name=t allow-not-linked=true"

/* A phone's Opus for the fallback's MSE, which takes AAC. */
#define AAC_BRANCH                                                                                 \
	LEAKY "opusdec ! audioconvert ! audioresample ! audio/x-raw,rate=48000 ! "                 \
	      "avenc_aac bitrate=64000 ! aacparse ! audio/mpeg,stream-format=raw ! "               \
	      "tee name=t allow-not-linked=true"

struct ecc_transcode {
	GstBin *pipeline;
	GstElement *bin, *tee;
	GstPad *in, *tee_pad;
	atomic_bool keyframe_seen;
};

static ecc_transcode *branch(GstBin *pipeline, GstElement *src, const char *stream,
                             const char *desc, const char *what, bool video)
{
	ecc_transcode *t = g_new0(ecc_transcode, 1);
	GError *err = NULL;

	t->pipeline = pipeline;
	t->bin = gst_parse_bin_from_description(desc, TRUE, &err);
	if (!t->bin) {
		g_warning("stream=%s: no %s transcode: %s", stream, what, err ? err->message : "?");
		g_clear_error(&err);
		g_free(t);
		return NULL;
	}
	t->tee = gst_bin_get_by_name(GST_BIN(t->bin), "t");
	t->in = gst_element_get_static_pad(t->bin, "sink");
	ecc_branch_guard(t->bin, t->in);
	/* the decoder starts at a key frame: joined mid-GOP it would make grey
	 * pictures of the frames before, and the viewers would see them */
	if (video)
		ecc_branch_from_keyframe(t->in, &t->keyframe_seen);
	gst_bin_add(pipeline, t->bin);
	gst_element_sync_state_with_parent(t->bin);
	t->tee_pad = ecc_tee_link(src, t->in);
	if (!t->tee_pad) {
		ecc_transcode_free(t);
		return NULL;
	}
	if (video)
		ecc_branch_ask_keyframe(t->in);
	g_message("stream=%s: %s transcode for live viewers started", stream, what);
	return t;
}

ecc_transcode *ecc_transcode_new(GstBin *pipeline, GstElement *vtee, const char *stream)
{
	return branch(pipeline, vtee, stream, H264_BRANCH, "H.264", true);
}

ecc_transcode *ecc_transcode_opus(GstBin *pipeline, GstElement *atee, const char *stream)
{
	return branch(pipeline, atee, stream, OPUS_BRANCH, "Opus", false);
}

ecc_transcode *ecc_transcode_aac(GstBin *pipeline, GstElement *atee, const char *stream)
{
	return branch(pipeline, atee, stream, AAC_BRANCH, "AAC", false);
}

bool ecc_transcode_owns(const ecc_transcode *t, GstObject *src)
{
	return t && gst_object_has_as_ancestor(src, GST_OBJECT(t->bin));
}

GstElement *ecc_transcode_tee(ecc_transcode *t)
{
	return t->tee;
}

void ecc_transcode_free(ecc_transcode *t)
{
	if (!t)
		return;
	ecc_tee_drop(&t->tee_pad, t->in);
	ecc_branch_remove(t->pipeline, t->bin);
	gst_object_unref(t->tee);
	gst_object_unref(t->in);
	g_free(t);
}
