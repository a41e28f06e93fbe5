/* roommix: a room's grid, clock and mixed sound, encoded once. */
#define G_LOG_DOMAIN "ecc-gw-mix"

#include "roommix.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <math.h>
#include <string.h>

#define W 1280
#define H 720

/* A black background and silence keep the mix running with nobody in. The
 * encoders are those of the live transcode (no B-frames, a key frame every
 * 2 s: the recording splits there and viewers join there). */
#define CORE                                                                                       \
	"videotestsrc is-live=true pattern=black ! "                                               \
	"video/x-raw,format=I420,width=1280,height=720,framerate=25/1 ! queue ! "                  \
	"compositor name=comp background=black latency=100000000 ! "                               \
	"video/x-raw,format=I420,width=1280,height=720,framerate=25/1 ! "                          \
	"clockoverlay time-format=\"%Y-%m-%d %H:%M:%S\" halignment=right valignment=top "          \
	"shaded-background=true font-desc=\"Sans 16\" ! videoconvert ! "                           \
	"x264enc name=venc tune=zerolatency speed-preset=ultrafast key-int-max=50 bitrate=1500 "   \
	"threads=2 ! capsfilter caps=video/x-h264,profile=constrained-baseline "                   \
	"audiotestsrc is-live=true wave=silence ! "                                                \
	"audio/x-raw,format=S16LE,rate=48000,channels=1 ! "                                        \
	"audiomixer name=amix latency=100000000 ! audioconvert ! "                                 \
	"opusenc name=aenc bitrate=48000 frame-size=20"
#define VIDEO_IN                                                                                   \
	"intervideosrc name=src ! "                                                                \
	"video/x-raw,width=640,height=360,framerate=25/1,pixel-aspect-ratio=1/1 ! queue"
#define AUDIO_IN "interaudiosrc name=src ! audio/x-raw,format=S16LE,rate=48000,channels=1 ! queue"

struct input {
	char *channel;
	GstElement *vbin, *abin;
	GstPad *vpad, *apad; /* the compositor's and the mixer's request pads */
};

struct ecc_roommix {
	char *stream;
	GstElement *bin, *comp, *amix;
	GPtrArray *inputs; /* struct input*, in grid order */
};

char *ecc_roommix_channel(const char *stream)
{
	return g_strconcat("ecc-mix-", stream, NULL);
}

ecc_roommix *ecc_roommix_new(const char *stream)
{
	ecc_roommix *m = g_new0(ecc_roommix, 1);
	GError *err = NULL;

	m->stream = g_strdup(stream);
	m->inputs = g_ptr_array_new();
	m->bin = gst_parse_bin_from_description(CORE, FALSE, &err);
	if (!m->bin) {
		g_warning("stream=%s: no room mix: %s", stream, err ? err->message : "?");
		g_clear_error(&err);
		ecc_roommix_free(m);
		return NULL;
	}
	gst_object_ref_sink(m->bin);
	m->comp = gst_bin_get_by_name(GST_BIN(m->bin), "comp");
	m->amix = gst_bin_get_by_name(GST_BIN(m->bin), "amix");
	return m;
}

GstElement *ecc_roommix_element(ecc_roommix *m)
{
	return m->bin;
}

/* x264enc offsets its times by 1000 hours (a DTS must never go below 0)
 * and its segment with them; the recording compares the picture's times
 * with the sound's (opusenc's, not offset): the picture is taken back to
 * the sound's base (streaming thread). */
#define X264_OFFSET ((GstClockTime)1000 * 3600 * GST_SECOND)

GstPadProbeReturn ecc_x264_unshift(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	(void)pad;
	(void)data;
	if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
		GstBuffer *b = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
		if (GST_BUFFER_PTS_IS_VALID(b) && GST_BUFFER_PTS(b) >= X264_OFFSET)
			GST_BUFFER_PTS(b) -= X264_OFFSET;
		if (GST_BUFFER_DTS_IS_VALID(b) && GST_BUFFER_DTS(b) >= X264_OFFSET)
			GST_BUFFER_DTS(b) -= X264_OFFSET;
		GST_PAD_PROBE_INFO_DATA(info) = b;
	} else if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_SEGMENT) {
		const GstSegment *in;
		GstSegment seg;
		gst_event_parse_segment(GST_PAD_PROBE_INFO_EVENT(info), &in);
		gst_segment_copy_into(in, &seg);
		if (seg.start >= X264_OFFSET) {
			seg.start -= X264_OFFSET;
			seg.stop =
			    GST_CLOCK_TIME_IS_VALID(seg.stop) ? seg.stop - X264_OFFSET : seg.stop;
			seg.position -= MIN(seg.position, X264_OFFSET);
			seg.time -= MIN(seg.time, X264_OFFSET);
		}
		gst_event_unref(GST_PAD_PROBE_INFO_EVENT(info));
		GST_PAD_PROBE_INFO_DATA(info) = gst_event_new_segment(&seg);
	}
	return GST_PAD_PROBE_OK;
}

static void expose(ecc_roommix *m, const char *enc, const char *name)
{
	GstElement *e = gst_bin_get_by_name(GST_BIN(m->bin), enc);
	GstPad *target = gst_element_get_static_pad(e, "src");

	/* the capsfilter after the encoder, if any, is the bin's last */
	if (gst_pad_is_linked(target)) {
		GstPad *peer = gst_pad_get_peer(target);
		GstElement *next = gst_pad_get_parent_element(peer);
		gst_object_unref(target);
		target = gst_element_get_static_pad(next, "src");
		gst_object_unref(next);
		gst_object_unref(peer);
	}
	if (!strcmp(enc, "venc"))
		gst_pad_add_probe(target,
		                  GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
		                  ecc_x264_unshift, NULL, NULL);
	gst_element_add_pad(m->bin, gst_ghost_pad_new(name, target));
	gst_object_unref(target);
	gst_object_unref(e);
}

void ecc_roommix_expose(ecc_roommix *m)
{
	expose(m, "venc", "video");
	expose(m, "aenc", "audio");
	gst_element_no_more_pads(m->bin);
}

/* ---- inputs ----------------------------------------------------------------- */

static GstElement *input_bin(ecc_roommix *m, const char *desc, const char *channel,
                             GstElement *into, GstPad **pad)
{
	GError *err = NULL;
	GstElement *b = gst_parse_bin_from_description(desc, TRUE, &err), *src;
	GstPad *out;

	if (!b) {
		g_warning("stream=%s: no mix input: %s", m->stream, err ? err->message : "?");
		g_clear_error(&err);
		return NULL;
	}
	src = gst_bin_get_by_name(GST_BIN(b), "src");
	g_object_set(src, "channel", channel, NULL);
	gst_object_unref(src);
	gst_bin_add(GST_BIN(m->bin), b);
	*pad = gst_element_request_pad_simple(into, "sink_%u");
	out = gst_element_get_static_pad(b, "src");
	/* no caps check: both sides take exactly the caps of VIDEO_IN or
	 * AUDIO_IN, and a check queries caps through the whole mix */
	if (gst_pad_link_full(out, *pad, GST_PAD_LINK_CHECK_NOTHING) != GST_PAD_LINK_OK)
		g_warning("stream=%s: mix input %s not linked", m->stream, channel);
	gst_object_unref(out);
	gst_element_sync_state_with_parent(b);
	return b;
}

static void input_drop(ecc_roommix *m, GstElement **bin, GstPad **pad, GstElement *from)
{
	if (!*bin)
		return;
	gst_element_set_locked_state(*bin, TRUE);
	gst_element_set_state(*bin, GST_STATE_NULL);
	gst_bin_remove(GST_BIN(m->bin), *bin);
	gst_element_release_request_pad(from, *pad);
	gst_object_unref(*pad);
	*bin = NULL;
	*pad = NULL;
}

static void input_free(ecc_roommix *m, struct input *in)
{
	input_drop(m, &in->vbin, &in->vpad, m->comp);
	input_drop(m, &in->abin, &in->apad, m->amix);
	g_free(in->channel);
	g_free(in);
}

static struct input *input_new(ecc_roommix *m, const char *stream)
{
	struct input *in = g_new0(struct input, 1);

	in->channel = ecc_roommix_channel(stream);
	in->vbin = input_bin(m, VIDEO_IN, in->channel, m->comp, &in->vpad);
	in->abin = input_bin(m, AUDIO_IN, in->channel, m->amix, &in->apad);
	if (!in->vbin || !in->abin) {
		input_free(m, in);
		return NULL;
	}
	return in;
}

static struct input *take(GPtrArray *from, const char *channel)
{
	for (guint i = 0; i < from->len; i++) {
		struct input *in = g_ptr_array_index(from, i);
		if (!strcmp(in->channel, channel))
			return g_ptr_array_steal_index(from, i);
	}
	return NULL;
}

/* Cell i of n in a grid as square as it can be, 16:9 inside it, centred. */
static void place(struct input *in, guint i, guint n)
{
	guint cols = (guint)ceil(sqrt((double)n)), rows = (n + cols - 1) / cols;
	int cw = W / (int)cols, ch = H / (int)rows, w = cw, h = cw * 9 / 16;

	if (h > ch) {
		h = ch;
		w = ch * 16 / 9;
	}
	g_object_set(in->vpad, "xpos", (int)(i % cols) * cw + (cw - w) / 2, "ypos",
	             (int)(i / cols) * ch + (ch - h) / 2, "width", w, "height", h, "zorder",
	             (guint)(i + 1), NULL);
}

void ecc_roommix_layout(ecc_roommix *m, const cJSON *inputs)
{
	GPtrArray *next = g_ptr_array_new();
	const cJSON *o;

	cJSON_ArrayForEach(o, inputs)
	{
		const char *stream = NULL;
		struct input *in;
		char *channel;
		if (ecc_json_get_string(o, "channel", &stream) != ECC_OK || !stream[0])
			continue;
		if (next->len >= ECC_ROOMMIX_MAX) {
			g_warning("stream=%s: more than %d in the room: %s is not in the mix",
			          m->stream, ECC_ROOMMIX_MAX, stream);
			continue;
		}
		channel = ecc_roommix_channel(stream);
		in = take(m->inputs, channel);
		g_free(channel);
		if (!in && !(in = input_new(m, stream)))
			continue;
		g_ptr_array_add(next, in);
	}
	for (guint i = 0; i < m->inputs->len; i++) /* those who left */
		input_free(m, g_ptr_array_index(m->inputs, i));
	g_ptr_array_free(m->inputs, TRUE);
	m->inputs = next;
	for (guint i = 0; i < next->len; i++)
		place(g_ptr_array_index(next, i), i, next->len);
	g_message("stream=%s: the room's mix has %u input(s)", m->stream, next->len);
}

unsigned ecc_roommix_inputs(const ecc_roommix *m)
{
	return m->inputs->len;
}

void ecc_roommix_free(ecc_roommix *m)
{
	if (!m)
		return;
	for (guint i = 0; i < m->inputs->len; i++) {
		struct input *in = g_ptr_array_index(m->inputs, i);
		gst_object_unref(in->vpad);
		gst_object_unref(in->apad);
		g_free(in->channel);
		g_free(in);
	}
	g_ptr_array_free(m->inputs, TRUE);
	if (m->comp)
		gst_object_unref(m->comp);
	if (m->amix)
		gst_object_unref(m->amix);
	if (m->bin)
		gst_object_unref(m->bin);
	g_free(m->stream);
	g_free(m);
}
