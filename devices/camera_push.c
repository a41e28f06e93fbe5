/* camera_push: an SRT or RTMP pushing camera that reconnects. */
#define G_LOG_DOMAIN "ecc-camera-push"

#include "camera_push.h"

#include <gst/gst.h>

#define RETRY_MS   1000
#define HEALTHY_MS 5000

struct ecc_camera_push {
	char *unit, *description, *uri, *streamid;
	enum ecc_camera_transport transport;
	ecc_camera_picture *picture;
	GstElement *pipeline; /* NULL while off or waiting to retry */
	guint bus_watch, retry, healthy;
	bool on, streaming;
	unsigned attempts;
};

static void start(ecc_camera_push *p);

static void teardown(ecc_camera_push *p)
{
	if (p->bus_watch)
		g_source_remove(p->bus_watch);
	if (p->healthy)
		g_source_remove(p->healthy);
	p->bus_watch = p->healthy = 0;
	if (p->pipeline) {
		gst_element_set_state(p->pipeline, GST_STATE_NULL);
		gst_object_unref(p->pipeline);
		p->pipeline = NULL;
	}
	p->streaming = false;
}

static gboolean on_retry(gpointer data)
{
	ecc_camera_push *p = data;

	p->retry = 0;
	start(p);
	return G_SOURCE_REMOVE;
}

static void fail(ecc_camera_push *p, const char *why)
{
	/* the first failure in a row says why; the retries stay quiet */
	if (p->streaming || p->attempts == 1)
		g_message("unit=%s transport=%s: %s (%s); retrying every %d ms", p->unit,
		          ecc_camera_transport_name(p->transport), why, p->uri, RETRY_MS);
	else
		g_debug("unit=%s: attempt %u: %s", p->unit, p->attempts, why);
	teardown(p);
	if (p->on && !p->retry)
		p->retry = g_timeout_add(RETRY_MS, on_retry, p);
}

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data)
{
	ecc_camera_push *p = data;
	GError *err = NULL;

	(void)bus;
	switch (GST_MESSAGE_TYPE(msg)) {
	case GST_MESSAGE_ERROR:
		gst_message_parse_error(msg, &err, NULL);
		p->bus_watch = 0; /* removed by returning FALSE below */
		fail(p, err->message);
		g_error_free(err);
		return G_SOURCE_REMOVE;
	case GST_MESSAGE_EOS:
		p->bus_watch = 0;
		fail(p, "end of stream");
		return G_SOURCE_REMOVE;
	default:
		break;
	}
	return G_SOURCE_CONTINUE;
}

/* No error for HEALTHY_MS after a start: the far end takes the stream. */
static gboolean on_healthy(gpointer data)
{
	ecc_camera_push *p = data;

	p->healthy = 0;
	if (p->pipeline) {
		g_message("unit=%s transport=%s: pushing to %s%s", p->unit,
		          ecc_camera_transport_name(p->transport), p->uri,
		          p->attempts > 1 ? " (reconnected)" : "");
		p->streaming = true;
		p->attempts = 0;
	}
	return G_SOURCE_REMOVE;
}

static void start(ecc_camera_push *p)
{
	GError *err = NULL;
	GstElement *sink, *overlay;
	GstBus *bus;

	p->attempts++;
	p->pipeline = gst_parse_launch(p->description, &err);
	if (!p->pipeline || err) {
		g_warning("unit=%s: pipeline: %s", p->unit, err ? err->message : "?");
		g_clear_error(&err);
		if (p->pipeline)
			gst_object_unref(p->pipeline);
		p->pipeline = NULL;
		return;
	}
	sink = gst_bin_get_by_name(GST_BIN(p->pipeline), "sink");
	overlay = gst_bin_get_by_name(GST_BIN(p->pipeline), "picture");
	if (p->transport == ECC_CAMERA_SRT)
		g_object_set(sink, "uri", p->uri, "streamid", p->streamid, NULL);
	else
		g_object_set(sink, "location", p->uri, NULL);
	ecc_camera_picture_attach(p->picture, overlay);
	gst_object_unref(overlay);
	gst_object_unref(sink);
	bus = gst_element_get_bus(p->pipeline);
	p->bus_watch = gst_bus_add_watch(bus, on_bus, p);
	gst_object_unref(bus);
	if (gst_element_set_state(p->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		g_debug("unit=%s: PLAYING failed; the bus says why", p->unit);
	if (!p->healthy)
		p->healthy = g_timeout_add(HEALTHY_MS, on_healthy, p);
}

ecc_camera_push *ecc_camera_push_new(const char *unit, const struct ecc_camera_spec *spec,
                                     const char *target, ecc_camera_picture *picture, int tone_hz)
{
	ecc_camera_push *p = g_new0(ecc_camera_push, 1);

	p->unit = g_strdup(unit);
	p->transport = spec->transport;
	p->description = ecc_camera_media_describe(spec, tone_hz);
	if (spec->transport == ECC_CAMERA_SRT) {
		p->uri = g_strdup(target);
		p->streamid = g_strdup_printf("#!::r=%s,m=publish", unit);
	} else {
		p->uri = g_strdup_printf("%s/%s", target, unit);
	}
	p->picture = ecc_camera_picture_ref(picture);
	g_debug("unit=%s: %s", unit, p->description);
	return p;
}

void ecc_camera_push_set_on(ecc_camera_push *p, bool on)
{
	if (p->on == on)
		return;
	p->on = on;
	if (on) {
		p->attempts = 0;
		start(p);
		return;
	}
	if (p->retry)
		g_source_remove(p->retry);
	p->retry = 0;
	teardown(p);
}

void ecc_camera_push_free(ecc_camera_push *p)
{
	if (!p)
		return;
	ecc_camera_push_set_on(p, false);
	ecc_camera_picture_unref(p->picture);
	g_free(p->unit);
	g_free(p->description);
	g_free(p->uri);
	g_free(p->streamid);
	g_free(p);
}
