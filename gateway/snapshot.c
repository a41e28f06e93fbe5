/* snapshot: keyframe-only JPEG thumbnails. */
#define G_LOG_DOMAIN "ecc-gw-snapshot"

#include "snapshot.h"
#include "tee.h"
#include "ecc_err.h"

#include <gst/app/gstappsink.h>
#include <string.h>

struct ecc_snapshot {
	const struct ecc_gwconfig *cfg;
	char *stream;
	char *file;
	GstPad *tee_pad;
	gint64 last; /* monotonic us of the last key frame let through */
};

/* The snapshot branch: a decoder, then scaled to 480 wide keeping the aspect
 * (videoscale adds borders when it must), JPEG, and an appsink. */
#define BRANCH_HEAD "queue leaky=downstream max-size-buffers=2 max-size-bytes=0 max-size-time=0 ! "
#define BRANCH_TAIL                                                                                \
	" ! videoconvert ! videoscale ! video/x-raw,width=480,pixel-aspect-ratio=1/1 ! "           \
	"jpegenc quality=75 ! appsink name=snap emit-signals=true sync=false max-buffers=1 "       \
	"drop=true"

static const char *const branch_h264 = BRANCH_HEAD "avdec_h264" BRANCH_TAIL;
static const char *const branch_h265 = BRANCH_HEAD "avdec_h265" BRANCH_TAIL;

static GstPadProbeReturn keyframes(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_snapshot *s = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
	gint64 now = g_get_monotonic_time();

	(void)pad;
	if (GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT))
		return GST_PAD_PROBE_DROP;
	if (s->last && now - s->last < (gint64)s->cfg->snapshot_seconds * G_USEC_PER_SEC)
		return GST_PAD_PROBE_DROP;
	s->last = now;
	return GST_PAD_PROBE_OK;
}

static GstFlowReturn new_sample(GstAppSink *sink, gpointer data)
{
	ecc_snapshot *s = data;
	GstSample *sample = gst_app_sink_pull_sample(sink);
	GstMapInfo map;
	GstBuffer *b;

	if (!sample)
		return GST_FLOW_OK;
	b = gst_sample_get_buffer(sample);
	if (b && gst_buffer_map(b, &map, GST_MAP_READ)) {
		/* g_file_set_contents writes a temporary file and renames it. */
		if (!g_file_set_contents(s->file, (const char *)map.data, (gssize)map.size, NULL) &&
		    (g_mkdir_with_parents(s->cfg->snapshots, 0750) != 0 ||
		     !g_file_set_contents(s->file, (const char *)map.data, (gssize)map.size, NULL)))
			g_warning("stream=%s: cannot write %s", s->stream, s->file);

		gst_buffer_unmap(b, &map);
	}
	gst_sample_unref(sample);
	return GST_FLOW_OK;
}

ecc_snapshot *ecc_snapshot_new(const struct ecc_gwconfig *cfg, const char *stream)
{
	ecc_snapshot *s = g_new0(ecc_snapshot, 1);

	s->cfg = cfg;
	s->stream = g_strdup(stream);
	g_mkdir_with_parents(cfg->snapshots, 0750);
	s->file = g_strdup_printf("%s/%s.jpg", cfg->snapshots, stream);
	return s;
}

int ecc_snapshot_attach(ecc_snapshot *s, GstBin *bin, GstElement *vtee, const char *vcodec)
{
	const char *desc = !strcmp(vcodec, "h265") ? branch_h265 : branch_h264;
	GError *err = NULL;
	GstElement *branch = gst_parse_bin_from_description(desc, TRUE, &err), *sink;
	GstPad *sinkpad;

	if (!branch) {
		g_warning("stream=%s: no snapshot branch: %s", s->stream, err ? err->message : "?");
		g_clear_error(&err);
		return ECC_ERR_INVAL;
	}
	g_object_set(branch, "async-handling", TRUE, NULL);
	sink = gst_bin_get_by_name(GST_BIN(branch), "snap");

	g_signal_connect(sink, "new-sample", G_CALLBACK(new_sample), s);
	gst_object_unref(sink);
	gst_bin_add(bin, branch);
	gst_element_sync_state_with_parent(branch); /* active before linked (record.c) */
	sinkpad = gst_element_get_static_pad(branch, "sink");
	gst_pad_add_probe(sinkpad, GST_PAD_PROBE_TYPE_BUFFER, keyframes, s, NULL);
	s->tee_pad = ecc_tee_link(vtee, sinkpad);
	gst_object_unref(sinkpad);
	return ECC_OK;
}

void ecc_snapshot_free(ecc_snapshot *s)
{
	if (!s)
		return;
	if (s->tee_pad)
		gst_object_unref(s->tee_pad);
	g_free(s->stream);
	g_free(s->file);
	g_free(s);
}
