/* Unit tests: a consultation room's mix (roommix.c) fed by a stream's tap
 * (mixtap.c) across two real GStreamer pipelines, recorded to MP4 and read
 * back by ffprobe and ffmpeg: a 720p H.264 picture with Opus sound whose
 * grid shows the participant's picture while the tap runs. */
#include "mixtap.h"
#include "roommix.h"
#include "testutil.h"

#include <gst/gst.h>
#include <string.h>

/* A participant: a bright test picture in H.264 into tee "v", a tone in
 * Opus into tee "a", as a room stream's chains leave them. */
#define PARTICIPANT                                                                                \
	"videotestsrc is-live=true pattern=smpte ! "                                               \
	"video/x-raw,width=320,height=240,framerate=25/1,format=I420 ! "                           \
	"x264enc tune=zerolatency key-int-max=25 speed-preset=ultrafast ! h264parse ! "            \
	"video/x-h264,stream-format=avc,alignment=au ! tee name=v allow-not-linked=true "          \
	"audiotestsrc is-live=true wave=sine ! opusenc ! opusparse ! tee name=a "                  \
	"allow-not-linked=true"

struct mixrun {
	GstElement *p, *m, *mux;
	ecc_roommix *mix;
	char *file;
	bool eos;
};

/* h264parse, as the gateway's chain has it, may hand a picture over with
 * no time (seen at the start); the recorder (record_route.c) gives it one
 * or drops it, mp4mux would stop: dropped here. */
static GstPadProbeReturn timed_only(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	(void)pad;
	(void)data;
	return GST_BUFFER_PTS_IS_VALID(GST_PAD_PROBE_INFO_BUFFER(info)) ? GST_PAD_PROBE_OK
	                                                                : GST_PAD_PROBE_DROP;
}

/* The mix's outputs into one MP4 file. */
static void pad_added(GstElement *bin, GstPad *pad, gpointer data)
{
	struct mixrun *r = data;
	GstCaps *caps = gst_pad_query_caps(pad, NULL);
	bool video =
	    g_str_has_prefix(gst_structure_get_name(gst_caps_get_structure(caps, 0)), "video/");
	GstElement *parse = gst_element_factory_make(video ? "h264parse" : "opusparse", NULL);
	GstPad *in, *out;

	(void)bin;
	gst_caps_unref(caps);
	gst_bin_add(GST_BIN(r->m), parse);
	in = gst_element_get_static_pad(parse, "sink");
	g_assert_cmpint(gst_pad_link(pad, in), ==, GST_PAD_LINK_OK);
	gst_object_unref(in);
	out = gst_element_get_static_pad(parse, "src");
	gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_BUFFER, timed_only, NULL, NULL);
	in = gst_element_request_pad_simple(r->mux, video ? "video_%u" : "audio_%u");
	g_assert_cmpint(gst_pad_link(out, in), ==, GST_PAD_LINK_OK);
	gst_object_unref(in);
	gst_object_unref(out);
	gst_element_sync_state_with_parent(parse);
}

static void spin(int ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;

	while (g_get_monotonic_time() < end) {
		g_main_context_iteration(NULL, FALSE);
		g_usleep(5000);
	}
}

/* Share of lit pixels of the frame at `at` seconds. */
static double lit_at(const char *file, const char *at)
{
	const char *argv[] = {"sh",
	                      "-c",
	                      "ffmpeg -v error -ss \"$1\" -i \"$2\" -frames:v 1 -vf "
	                      "scale=64:36,format=gray -f rawvideo - | od -An -v -tu1",
	                      "sh",
	                      at,
	                      file,
	                      NULL};
	char *out = ecc_test_run(argv, NULL), **nums = g_strsplit_set(out, " \n", -1);
	int lit = 0, n = 0;

	for (char **x = nums; *x; x++) {
		if (!**x)
			continue;
		n++;
		lit += atoi(*x) > 40;
	}
	g_strfreev(nums);
	g_free(out);
	g_assert_cmpint(n, ==, 64 * 36);
	return (double)lit / n;
}

static void test_mix(void)
{
	struct mixrun r = {0};
	char *dir = ecc_test_tmpdir(), *probe;
	cJSON *one = cJSON_Parse("[{\"channel\":\"t1\",\"name\":\"张三\"}]");
	cJSON *two = cJSON_Parse("[{\"channel\":\"t1\",\"name\":\"张三\"},"
	                         "{\"channel\":\"t2\",\"name\":\"李律师\"}]");
	GError *err = NULL;
	GstElement *v, *a, *sink;
	ecc_mixtap *tap;
	gint64 t0, start;
	char during_at[32];
	GstBus *bus, *pbus;
	GstMessage *msg;
	bool lost = false;

	r.file = g_build_filename(dir, "mix.mp4", NULL);
	r.p = gst_parse_launch(PARTICIPANT, &err);
	g_assert_no_error(err);
	v = gst_bin_get_by_name(GST_BIN(r.p), "v");
	a = gst_bin_get_by_name(GST_BIN(r.p), "a");
	gst_element_set_state(r.p, GST_STATE_PLAYING);

	r.mix = ecc_roommix_new("t0");
	g_assert_nonnull(r.mix);
	r.m = gst_pipeline_new("mix");
	r.mux = gst_element_factory_make("mp4mux", NULL);
	g_object_set(r.mux, "fragment-duration", 500, NULL);
	sink = gst_element_factory_make("filesink", NULL);
	g_object_set(sink, "location", r.file, NULL);
	gst_bin_add_many(GST_BIN(r.m), ecc_roommix_element(r.mix), r.mux, sink, NULL);
	g_assert_true(gst_element_link(r.mux, sink));
	g_signal_connect(ecc_roommix_element(r.mix), "pad-added", G_CALLBACK(pad_added), &r);
	t0 = g_get_monotonic_time();
	ecc_roommix_expose(r.mix);
	g_test_message("outputs linked in %" G_GINT64_FORMAT " ms",
	               (g_get_monotonic_time() - t0) / 1000);
	ecc_roommix_layout(r.mix, one);
	g_assert_cmpuint(ecc_roommix_inputs(r.mix), ==, 1);
	gst_element_set_state(r.m, GST_STATE_PLAYING);
	start = g_get_monotonic_time();
	spin(1000); /* nobody's picture yet: black */

	pbus = gst_element_get_bus(r.p);
	gst_bus_set_flushing(pbus, TRUE); /* what the start said */
	gst_bus_set_flushing(pbus, FALSE);
	t0 = g_get_monotonic_time();
	tap = ecc_mixtap_new(GST_BIN(r.p), "t1", v, "h264", a, "opus", "张三");
	g_assert_nonnull(tap);
	/* made in a worker, in the pipeline on the main loop */
	while (!ecc_mixtap_ready(tap) && g_get_monotonic_time() - t0 < 20 * G_USEC_PER_SEC)
		spin(5);
	g_assert_true(ecc_mixtap_ready(tap));
	g_test_message("tap built in %" G_GINT64_FORMAT " ms",
	               (g_get_monotonic_time() - t0) / 1000);
	/* the picture 3 s after the tap is there (the file starts about when
	 * the mix does) */
	g_snprintf(during_at, sizeof(during_at), "%.1f",
	           (double)(g_get_monotonic_time() - start) / 1e6 + 3.0);
	spin(4500); /* the participant */
	/* the tap joined the playing participant without a preroll: its
	 * pipeline never lost its state (a tap that did sent everything the
	 * participant's others received 190 ms later: bench/rooms) */
	while ((msg = gst_bus_pop(pbus))) {
		GstState old, now;
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_STATE_CHANGED &&
		    GST_MESSAGE_SRC(msg) == GST_OBJECT(r.p)) {
			gst_message_parse_state_changed(msg, &old, &now, NULL);
			g_test_message("participant pipeline: %s -> %s",
			               gst_element_state_get_name(old),
			               gst_element_state_get_name(now));
			lost |= now != GST_STATE_PLAYING;
		}
		gst_message_unref(msg);
	}
	gst_object_unref(pbus);
	g_assert_false(lost);
	t0 = g_get_monotonic_time();
	ecc_roommix_layout(r.mix, two); /* a second one, without a picture */
	g_test_message("layout of two in %" G_GINT64_FORMAT " ms",
	               (g_get_monotonic_time() - t0) / 1000);
	g_assert_cmpuint(ecc_roommix_inputs(r.mix), ==, 2);
	spin(2000);
	ecc_mixtap_free(tap); /* the participant leaves its pipeline's mix */
	ecc_roommix_layout(r.mix, two);
	spin(1000);

	/* fragmented, as the recorder writes: stopped, the file reads to its
	 * last fragment (an EOS sent to a pipeline of live inter sources can
	 * wait on a source's lock for good) */
	bus = gst_element_get_bus(r.m);
	msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
	if (msg) {
		GError *e = NULL;
		char *dbg = NULL;
		gst_message_parse_error(msg, &e, &dbg);
		g_error("the mix failed: %s (%s)", e->message, dbg);
	}
	gst_object_unref(bus);
	gst_element_set_state(r.m, GST_STATE_NULL);
	gst_element_set_state(r.p, GST_STATE_NULL);

	{
		const char *argv[] = {"ffprobe",
		                      "-v",
		                      "error",
		                      "-show_entries",
		                      "stream=codec_name,width,height",
		                      "-of",
		                      "csv=p=0",
		                      r.file,
		                      NULL};
		probe = ecc_test_run(argv, NULL);
		g_strstrip(probe);
		g_test_message("mix: %s", probe);
		g_assert_nonnull(strstr(probe, "h264,1280,720"));
		g_assert_nonnull(strstr(probe, "opus"));
		g_free(probe);
	}
	{
		const char *argv[] = {"sh", "-c",   "ffmpeg -v error -i \"$1\" -f null - 2>&1",
		                      "sh", r.file, NULL};
		char *errs = ecc_test_run(argv, NULL);
		g_assert_cmpstr(g_strstrip(errs), ==, "");
		g_free(errs);
	}
	{
		double before = lit_at(r.file, "0.5"), during = lit_at(r.file, during_at);
		g_test_message("lit: %.2f before the tap, %.2f with it", before, during);
		g_assert_cmpfloat(before, <, 0.05); /* black, the clock */
		g_assert_cmpfloat(during, >, 0.3);  /* the participant's bars */
	}
	gst_object_unref(v);
	gst_object_unref(a);
	gst_object_unref(r.p);
	gst_object_unref(r.m);
	ecc_roommix_free(r.mix);
	cJSON_Delete(one);
	cJSON_Delete(two);
	if (!g_getenv("ECC_TEST_KEEP")) /* else look at it */
		ecc_test_rmtree(dir);
	else
		g_test_message("kept %s", r.file);
	g_free(dir);
	g_free(r.file);
}

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mix/grid", test_mix);
	return g_test_run();
}
