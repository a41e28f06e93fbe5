/* Unit tests: the recorder's segments (record.c) on real GStreamer
 * pipelines, read back by ffprobe: whatever the sound does, every file
 * plays. */
#include "record.h"
#include "roommix.h"
#include "testutil.h"

#include <gst/gst.h>
#include <string.h>

/* x264enc offsets its times by 1000 hours (a DTS must not go below 0),
 * its segment with them. A camera's depayloaded picture and sound share
 * one time base, and the recorder compares their times: the picture is
 * taken back to the sound's base (ecc_x264_unshift, the room mix's). */

/* A live 25 fps H.264 picture with a key frame each second into tee "v",
 * and the sound (audio, ending in tee "a"). */
/* Takes the times off the first picture (a key frame) and the 41st (between
 * key frames), as a source may hand a picture over with none. */
static GstPadProbeReturn untime(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	static int n;
	GstBuffer *b;

	(void)pad;
	(void)data;
	if (n++ != 0 && n != 41)
		return GST_PAD_PROBE_OK;
	b = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
	GST_BUFFER_PTS(b) = GST_BUFFER_DTS(b) = GST_CLOCK_TIME_NONE;
	GST_PAD_PROBE_INFO_DATA(info) = b;
	return GST_PAD_PROBE_OK;
}

/* untimed: some pictures come with no time (untime). */
static GstElement *source(const char *audio, bool untimed)
{
	char *desc = g_strdup_printf(
	    "videotestsrc is-live=true pattern=ball ! "
	    "video/x-raw,width=320,height=240,framerate=25/1,format=I420 ! "
	    "x264enc tune=zerolatency key-int-max=25 speed-preset=ultrafast ! h264parse name=h ! "
	    "video/x-h264,stream-format=avc,alignment=au ! tee name=v allow-not-linked=true "
	    "%s ! tee name=a allow-not-linked=true",
	    audio);
	GError *err = NULL;
	GstElement *p = gst_parse_launch(desc, &err), *h;
	GstPad *out;

	g_assert_no_error(err);
	g_free(desc);
	h = gst_bin_get_by_name(GST_BIN(p), "h");
	out = gst_element_get_static_pad(h, "src");
	gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
	                  ecc_x264_unshift, NULL, NULL);
	if (untimed)
		gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_BUFFER, untime, NULL, NULL);
	gst_object_unref(out);
	gst_object_unref(h);
	return p;
}

struct run {
	struct ecc_gwconfig cfg;
	char *dir;             /* the recordings */
	GstElement *p, *v, *a; /* the pipeline, its tees "v" and "a" */
	ecc_recorder *rec;
	GPtrArray *files; /* absolute paths of the reported segments */
};

static void on_segment(void *user, struct ecc_segment *s)
{
	struct run *run = user;

	g_ptr_array_add(run->files, g_build_filename(run->dir, s->path, NULL));
}

static gboolean on_bus(GstBus *bus, GstMessage *m, gpointer data)
{
	struct run *run = data;

	(void)bus;
	if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
		GError *e = NULL;
		gst_message_parse_error(m, &e, NULL);
		g_error("pipeline error: %s", e->message);
	}
	ecc_recorder_on_message(run->rec, m);
	return G_SOURCE_CONTINUE;
}

static gboolean tick(gpointer data)
{
	struct run *run = data;

	g_assert_true(ecc_recorder_tick(run->rec));
	return G_SOURCE_CONTINUE;
}

/* Runs the main loop for ms, or until done(run) (then true). */
static bool spin(struct run *run, int ms, bool (*done)(struct run *))
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;

	while (g_get_monotonic_time() < end) {
		if (done && done(run))
			return true;
		g_main_context_iteration(NULL, FALSE);
		g_usleep(5000);
	}
	return done && done(run);
}

static bool all_closed(struct run *run)
{
	return !ecc_recorder_open(run->rec);
}

/* ffprobe's codec names of the file's streams ("h264,opus"); fails the
 * test when ffprobe cannot read it. */
static char *codecs(const char *file)
{
	const char *argv[] = {"ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of",
	                      "csv=p=0", file, NULL};
	char *err = NULL, *out = ecc_test_run(argv, &err);

	if (err[0])
		g_error("ffprobe cannot read %s: %s", file, err);
	g_strstrip(out);
	g_strdelimit(out, "\n", ',');
	g_free(err);
	return out;
}

/* A recorder of p's tees in segments of the given length, playing. */
static void run_start(struct run *run, GstElement *p, int segment_seconds, const char *acodec)
{
	run->dir = ecc_test_tmpdir();
	run->files = g_ptr_array_new_with_free_func(g_free);
	run->p = p;
	run->v = gst_bin_get_by_name(GST_BIN(p), "v");
	run->a = gst_bin_get_by_name(GST_BIN(p), "a");
	ecc_gwconfig_init(&run->cfg);
	g_free(run->cfg.recordings);
	run->cfg.recordings = g_strdup(run->dir);
	run->cfg.segment_seconds = segment_seconds;
	run->rec = ecc_recorder_new(&run->cfg, "s1", "u1", on_segment, run);
	gst_element_set_state(p, GST_STATE_PLAYING);
	g_assert_cmpint(
	    ecc_recorder_attach(run->rec, GST_BIN(p), run->v, run->a, "h264", acodec, 320, 240), ==,
	    0);
}

static void run_stop(struct run *run)
{
	gst_element_set_state(run->p, GST_STATE_NULL);
	ecc_recorder_free(run->rec);
	gst_object_unref(run->v);
	gst_object_unref(run->a);
	gst_object_unref(run->p);
	g_ptr_array_unref(run->files);
	ecc_gwconfig_clear(&run->cfg);
	ecc_test_rmtree(run->dir);
	g_free(run->dir);
}

/* Records about 5 s in 2 s segments with the given sound and acodec; every
 * segment must read as want (ffprobe's codecs). */
static void record(const char *audio, const char *acodec, const char *want, bool untimed)
{
	struct run run = {0};
	GstBus *bus;
	guint watch, ticker;

	run_start(&run, source(audio, untimed), 2, acodec);
	bus = gst_element_get_bus(run.p);
	watch = gst_bus_add_watch(bus, on_bus, &run);
	ticker = g_timeout_add(1000, tick, &run);
	spin(&run, 5500, NULL);
	g_assert_true(ecc_recorder_finish(run.rec));
	g_assert_true(spin(&run, 10000, all_closed));
	g_assert_cmpuint(run.files->len, >=, 2);
	for (guint i = 0; i < run.files->len; i++) {
		char *got = codecs(g_ptr_array_index(run.files, i));
		if (strcmp(got, want))
			g_error("segment %u of %u (%s) has %s, not %s", i + 1, run.files->len,
			        (char *)g_ptr_array_index(run.files, i), got, want);
		g_free(got);
	}
	g_source_remove(ticker);
	g_source_remove(watch);
	gst_object_unref(bus);
	run_stop(&run);
}

/* Sound all along: picture and sound in every segment. */
static void test_sound(void)
{
	record("audiotestsrc is-live=true ! opusenc ! opusparse", "opus", "h264,opus", false);
}

/* The sound's caps came, no sample did (a phone's microphone that gives
 * nothing): each segment has an empty sound track of those caps, and reads. */
static void test_silent_with_caps(void)
{
	record("audiotestsrc is-live=true ! opusenc ! opusparse ! "
	       "valve drop=true drop-mode=forward-sticky-events",
	       "opus", "h264,opus", false);
}

/* Not even the sound's caps came: the empty track takes the codec's. */
static void test_silent_without_caps(void)
{
	record("appsrc is-live=true format=time", "aac", "h264,aac", false);
}

static char *stuck_report;

/* The stuck warning is expected (kept, not fatal), and so is the
 * unreadable file of the segment that muxer never wrote. */
static gboolean keep_stuck_report(const char *domain, GLogLevelFlags level, const char *msg,
                                  gpointer data)
{
	(void)level;
	(void)data;
	if (g_strcmp0(domain, "ecc-gw-record"))
		return TRUE;
	if (strstr(msg, "unreadable"))
		return FALSE;
	if (!strstr(msg, "muxer is stuck"))
		return TRUE;
	g_free(stuck_report);
	stuck_report = g_strdup(msg);
	return FALSE;
}

/* A muxer that takes no more picture (here: not live, it waits for sound
 * that never comes) fills the 5 s input queue: the next tick says the
 * recording is stuck, and reports what each muxer input holds. */
static void test_stuck_report(void)
{
	GError *err = NULL;
	GstElement *p = gst_parse_launch(
	    "videotestsrc num-buffers=400 ! video/x-raw,width=160,height=120,framerate=25/1 ! "
	    "x264enc key-int-max=25 speed-preset=ultrafast ! h264parse ! "
	    "video/x-h264,stream-format=avc,alignment=au ! tee name=v allow-not-linked=true "
	    "appsrc format=time ! tee name=a allow-not-linked=true",
	    &err);
	struct run run = {0};
	gint64 end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
	bool stuck = false;

	g_assert_no_error(err);
	run_start(&run, p, 60, "aac");
	g_test_log_set_fatal_handler(keep_stuck_report, NULL);
	while (!stuck && g_get_monotonic_time() < end) {
		g_usleep(200 * 1000);
		stuck = !ecc_recorder_tick(run.rec);
	}
	g_assert_true(stuck);
	g_assert_nonnull(stuck_report);
	/* the muxer holds a picture; its sound input has nothing and no caps */
	g_assert_true(g_pattern_match_simple("*video_0[next dts *audio_0[nothing queued, no caps]*",
	                                     stuck_report));
	g_clear_pointer(&stuck_report, g_free);
	run_stop(&run);
	g_test_log_set_fatal_handler(NULL, NULL);
}

/* Pictures with no time (the first, a key frame, and one between key
 * frames): the muxer is never stuck (each tick checks), and every segment
 * reads. Before, mp4mux kept such a picture at the head of its input and
 * took nothing after it. */
static void test_untimed(void)
{
	record("audiotestsrc is-live=true ! opusenc ! opusparse", "opus", "h264,opus", true);
}

static GstPadProbeReturn count(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	(void)pad;
	(void)info;
	g_atomic_int_inc((gint *)data);
	return GST_PAD_PROBE_OK;
}

/* Recording turned off on a running stream (a hearing's recording
 * stopped): its open segment closes whole, the branch leaves, and the
 * source goes on, undisturbed, before, during and after. */
static void test_close_goes_on(void)
{
	struct run run = {0};
	GstElement *h;
	GstPad *out;
	GstBus *bus;
	gint frames = 0, before;
	guint watch;

	run_start(&run, source("audiotestsrc is-live=true ! opusenc ! opusparse", false), 60,
	          "opus");
	h = gst_bin_get_by_name(GST_BIN(run.p), "h");
	out = gst_element_get_static_pad(h, "src");
	gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_BUFFER, count, &frames, NULL);
	bus = gst_element_get_bus(run.p);
	watch = gst_bus_add_watch(bus, on_bus, &run);
	spin(&run, 2500, NULL);
	g_assert_true(ecc_recorder_close(run.rec));
	g_assert_true(spin(&run, 5000, all_closed));
	ecc_recorder_detach(run.rec, GST_BIN(run.p));
	g_assert_cmpuint(run.files->len, ==, 1);
	{
		char *got = codecs(g_ptr_array_index(run.files, 0));
		g_assert_cmpstr(got, ==, "h264,opus");
		g_free(got);
	}
	before = g_atomic_int_get(&frames);
	spin(&run, 1500, NULL);
	/* 25 fps: about 37 more; a stopped source gives none */
	g_assert_cmpint(g_atomic_int_get(&frames) - before, >, 20);
	g_source_remove(watch);
	gst_object_unref(bus);
	gst_object_unref(out);
	gst_object_unref(h);
	run_stop(&run);
}

int main(int argc, char **argv)
{
	int rc;

	gst_init(&argc, &argv);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/record/sound", test_sound);
	g_test_add_func("/record/silent_with_caps", test_silent_with_caps);
	g_test_add_func("/record/silent_without_caps", test_silent_without_caps);
	g_test_add_func("/record/stuck_report", test_stuck_report);
	g_test_add_func("/record/untimed", test_untimed);
	g_test_add_func("/record/close_goes_on", test_close_goes_on);
	rc = g_test_run();
	gst_deinit();
	return rc;
}
