/* Unit tests: gateway thumbnails (snapshot.c) and tee outputs (tee.c), on
 * real GStreamer pipelines (videotestsrc ! x264enc/x265enc ! parser ! tee). */
#include "snapshot.h"
#include "tee.h"
#include "testutil.h"

#include <gst/gst.h>

/* A live 3 s source of the given size and encoder, ending in "tee name=t". */
static GstElement *source(int w, int h, const char *enc, const char *parse)
{
	char *desc = g_strdup_printf(
	    "videotestsrc num-buffers=75 is-live=true pattern=ball ! "
	    "video/x-raw,width=%d,height=%d,framerate=25/1,format=I420 ! %s key-int-max=25 "
	    "speed-preset=ultrafast ! %s ! tee name=t ! fakesink sync=false",
	    w, h, enc, parse);
	GError *err = NULL;
	GstElement *p = gst_parse_launch(desc, &err);

	g_assert_no_error(err);
	g_free(desc);
	return p;
}

static void wait_eos(GstElement *p)
{
	GstBus *bus = gst_element_get_bus(p);
	GstMessage *m =
	    gst_bus_timed_pop_filtered(bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

	g_assert_nonnull(m);
	g_assert_cmpint(GST_MESSAGE_TYPE(m), ==, GST_MESSAGE_EOS);
	gst_message_unref(m);
	gst_object_unref(bus);
}

/* The JPEG's width and height, read back with a decoder. */
static void jpeg_size(const char *file, int *w, int *h)
{
	char *desc = g_strdup_printf("filesrc location=%s ! jpegdec ! appsink name=s", file);
	GstElement *p = gst_parse_launch(desc, NULL);
	GstElement *s = gst_bin_get_by_name(GST_BIN(p), "s");
	GstSample *sample;
	GstStructure *st;

	gst_element_set_state(p, GST_STATE_PLAYING);
	g_signal_emit_by_name(s, "pull-sample", &sample);
	g_assert_nonnull(sample);
	st = gst_caps_get_structure(gst_sample_get_caps(sample), 0);
	gst_structure_get_int(st, "width", w);
	gst_structure_get_int(st, "height", h);
	gst_sample_unref(sample);
	gst_element_set_state(p, GST_STATE_NULL);
	gst_object_unref(s);
	gst_object_unref(p);
	g_free(desc);
}

/* Three streams of different codecs, sizes and B-frame settings run at once
 * through the one shared worker: each gets a 480-wide JPEG of its own
 * aspect (the kept decoder follows each picture's caps). */
static void test_shared_decoder(void)
{
	struct {
		int w, h;
		const char *enc, *parse, *codec;
		int want_h;
	} in[] = {
	    {1920, 1080, "x264enc bframes=0", "h264parse", "h264", 270},
	    {640, 480, "x264enc bframes=2", "h264parse", "h264", 360},
	    {1280, 720, "x265enc", "h265parse", "h265", 270},
	};
	struct ecc_gwconfig cfg;
	char *dir = ecc_test_tmpdir();
	GstElement *p[G_N_ELEMENTS(in)];
	ecc_snapshot *s[G_N_ELEMENTS(in)];

	ecc_gwconfig_init(&cfg);
	g_free(cfg.snapshots);
	cfg.snapshots = g_strdup(dir);
	cfg.snapshot_seconds = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(in); i++) {
		char id[8];
		GstElement *t;
		g_snprintf(id, sizeof(id), "s%zu", i);
		p[i] = source(in[i].w, in[i].h, in[i].enc, in[i].parse);
		t = gst_bin_get_by_name(GST_BIN(p[i]), "t");
		s[i] = ecc_snapshot_new(&cfg, id);
		g_assert_cmpint(ecc_snapshot_attach(s[i], t, in[i].codec), ==, 0);
		gst_object_unref(t);
		gst_element_set_state(p[i], GST_STATE_PLAYING);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(in); i++) {
		wait_eos(p[i]);
		gst_element_set_state(p[i], GST_STATE_NULL);
		gst_object_unref(p[i]);
	}
	ecc_snapshot_shutdown(); /* joins the worker: every queued picture is done */
	for (size_t i = 0; i < G_N_ELEMENTS(in); i++) {
		char *file = g_strdup_printf("%s/s%zu.jpg", dir, i);
		int w = 0, h = 0;
		g_assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
		jpeg_size(file, &w, &h);
		g_assert_cmpint(w, ==, 480);
		g_assert_cmpint(h, ==, in[i].want_h);
		ecc_snapshot_free(s[i]);
		g_free(file);
	}
	ecc_gwconfig_clear(&cfg);
	ecc_test_rmtree(dir);
	g_free(dir);
}

/* An output of a tee inside a bin is a ghost pad on the bin; released, both
 * the ghost pad and the tee's request pad are gone (a recorder that fails
 * and re-attaches every few seconds must not pile them up). */
static void test_tee_release(void)
{
	GstElement *pipe = gst_pipeline_new(NULL);
	GstElement *bin = gst_bin_new("chain");
	GstElement *tee = gst_element_factory_make("tee", NULL);
	GstElement *sink = gst_element_factory_make("fakesink", NULL);
	GstPad *in = gst_element_get_static_pad(sink, "sink");

	gst_bin_add(GST_BIN(bin), tee);
	gst_bin_add_many(GST_BIN(pipe), bin, sink, NULL);
	for (int round = 0; round < 3; round++) {
		GstPad *out = ecc_tee_link(tee, in);
		g_assert_nonnull(out);
		g_assert_true(GST_IS_GHOST_PAD(out));
		g_assert_cmpint(GST_ELEMENT(bin)->numsrcpads, ==, 1);
		g_assert_cmpint(tee->numsrcpads, ==, 1);
		ecc_tee_unlink(out, in);
		g_assert_false(gst_pad_is_linked(in));
		ecc_tee_release(out);
		gst_object_unref(out);
		g_assert_cmpint(GST_ELEMENT(bin)->numsrcpads, ==, 0);
		g_assert_cmpint(tee->numsrcpads, ==, 0);
	}
	gst_object_unref(in);
	gst_object_unref(pipe);
}

int main(int argc, char **argv)
{
	int rc;

	gst_init(&argc, &argv);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/snapshot/shared_decoder", test_shared_decoder);
	g_test_add_func("/tee/release", test_tee_release);
	rc = g_test_run();
	gst_deinit();
	return rc;
}
