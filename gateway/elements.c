/* elements: required factories and their Debian packages. */
#define G_LOG_DOMAIN "ecc-gw-elements"

#include "elements.h"

#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *factory;
	const char *package;
} required[] = {
    {"rtspsrc", "gstreamer1.0-plugins-good"},
    {"rtph264depay", "gstreamer1.0-plugins-good"},
    {"rtph265depay", "gstreamer1.0-plugins-good"},
    {"rtpmp4gdepay", "gstreamer1.0-plugins-good"},
    {"rtpmp4adepay", "gstreamer1.0-plugins-good"},
    {"rtppcmadepay", "gstreamer1.0-plugins-good"},
    {"rtppcmudepay", "gstreamer1.0-plugins-good"},
    {"alawdec", "gstreamer1.0-plugins-good"},
    {"mulawdec", "gstreamer1.0-plugins-good"},
    {"flvdemux", "gstreamer1.0-plugins-good"},
    {"rtmpsrc", "gstreamer1.0-plugins-bad"},
    {"srtsrc", "gstreamer1.0-plugins-bad"},
    {"tsdemux", "gstreamer1.0-plugins-bad"},
    {"h264parse", "gstreamer1.0-plugins-bad"},
    {"h265parse", "gstreamer1.0-plugins-bad"},
    {"aacparse", "gstreamer1.0-plugins-good"},
    {"mp4mux", "gstreamer1.0-plugins-good"},
    {"jpegenc", "gstreamer1.0-plugins-good"},
    {"avdec_h264", "gstreamer1.0-libav"},
    {"avdec_h265", "gstreamer1.0-libav"},
    {"avenc_aac", "gstreamer1.0-libav"},
    {"videoconvert", "gstreamer1.0-plugins-base"},
    {"videoscale", "gstreamer1.0-plugins-base"},
    {"audioconvert", "gstreamer1.0-plugins-base"},
    {"audioresample", "gstreamer1.0-plugins-base"},
    {"appsink", "gstreamer1.0-plugins-base"},
    {"webrtcbin", "gstreamer1.0-plugins-bad"},
    {"x264enc", "gstreamer1.0-plugins-ugly"},
    {"rtph264pay", "gstreamer1.0-plugins-good"},
    {"rtpopuspay", "gstreamer1.0-plugins-good"},
    {"opusenc", "gstreamer1.0-plugins-base"},
    {"avdec_aac", "gstreamer1.0-libav"},
    {"nicesrc", "gstreamer1.0-nice"},
    {"dtlssrtpenc", "gstreamer1.0-plugins-bad"},
    {"srtpenc", "gstreamer1.0-plugins-bad"},
    {"tee", "libgstreamer1.0-0"},
    {"queue", "libgstreamer1.0-0"},
    {"fakesink", "libgstreamer1.0-0"},
    /* a consultation room's mix (roommix.h, mixtap.h) */
    {"compositor", "gstreamer1.0-plugins-base"},
    {"audiomixer", "gstreamer1.0-plugins-base"},
    {"intervideosrc", "gstreamer1.0-plugins-bad"},
    {"intervideosink", "gstreamer1.0-plugins-bad"},
    {"interaudiosrc", "gstreamer1.0-plugins-bad"},
    {"interaudiosink", "gstreamer1.0-plugins-bad"},
    {"textoverlay", "gstreamer1.0-x"},
    {"clockoverlay", "gstreamer1.0-x"},
    {"videorate", "gstreamer1.0-plugins-base"},
    {"videotestsrc", "gstreamer1.0-plugins-base"},
    {"audiotestsrc", "gstreamer1.0-plugins-base"},
    {"opusdec", "gstreamer1.0-plugins-base"},
    {"opusparse", "gstreamer1.0-plugins-bad"},
};

int ecc_elements_check(void)
{
	int missing = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(required); i++) {
		GstElementFactory *f = gst_element_factory_find(required[i].factory);
		if (f) {
			gst_object_unref(f);
			continue;
		}
		fprintf(stderr, "ecc-gateway: GStreamer element %s is missing: install %s\n",
		        required[i].factory, required[i].package);
		missing++;
	}
	return missing;
}

static gboolean plugin_critical_is_fatal(const char *domain, GLogLevelFlags level,
                                         const char *message, gpointer data)
{
	(void)data;
	/* the critical itself has already been printed by the default handler.
	 * A plugin stopped right after it started (a source being retried when
	 * the gateway stops) once passed an unset seqnum to an event: GStreamer
	 * ignores the call, nothing is lost (seen in CI, 2026-11-23). */
	if (domain && !strcmp(domain, "GStreamer") && message &&
	    strstr(message, "gst_event_set_seqnum: assertion"))
		return FALSE;
	/* rtpmanager 1.22's RTCP thread (rtp_session_on_timeout, "doing RTCP
	 * generation") walks its table of sources with g_hash_table_foreach
	 * while another thread adds a new one (a viewer's browser sending its
	 * first reports): GLib ends that walk early, that round's reports are
	 * made in the next. Seen in CI, 2026-11-24, as a SIGTRAP of the gateway
	 * a few hundred ms after a WebRTC view began (stack: g_log <-
	 * libgstrtpmanager <- a GstTask thread). The gateway's own code never
	 * calls g_hash_table_foreach, so a critical of this kind is the
	 * plugin's. */
	if (domain && !strcmp(domain, "GLib") && message &&
	    strstr(message, "g_hash_table_foreach: assertion 'version == hash_table->version'"))
		return FALSE;
	return domain || !(level & G_LOG_LEVEL_CRITICAL);
}

void ecc_elements_tolerate_plugin_criticals(void)
{
	g_test_log_set_fatal_handler(plugin_critical_is_fatal, NULL);
}

/* ---- warming up (a thread of its own) ------------------------------------------- */

static GThread *warm_thread;

static gpointer warm(gpointer data)
{
	GError *err = NULL;
	GstElement *p = gst_parse_launch(
	    "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=64,height=36 ! "
	    "textoverlay text=\"预热\" font-desc=\"Sans 20\" ! "
	    "clockoverlay font-desc=\"Sans 16\" ! fakesink "
	    "audiotestsrc num-buffers=2 ! opusenc ! opusdec ! fakesink",
	    &err);
	GstBus *bus;
	GstMessage *m;

	(void)data;
	if (!p) {
		g_debug("no warm-up: %s", err ? err->message : "?");
		g_clear_error(&err);
		return NULL;
	}
	gst_element_set_state(p, GST_STATE_PLAYING);
	bus = gst_element_get_bus(p);
	m = gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
	if (m)
		gst_message_unref(m);
	gst_object_unref(bus);
	gst_element_set_state(p, GST_STATE_NULL);
	gst_object_unref(p);
	return NULL;
}

void ecc_elements_warm(void)
{
	if (!warm_thread)
		warm_thread = g_thread_new("ecc-warm", warm, NULL);
}

void ecc_elements_warm_join(void)
{
	if (warm_thread)
		g_thread_join(warm_thread);
	warm_thread = NULL;
}
