/* bench_cameras: N RTSP mounts replaying one clip encoded once. */
#define G_LOG_DOMAIN "ecc-bench-cameras"

#include "bench_cameras.h"
#include "camera_picture.h"
#include "ecc_err.h"

#include <gst/app/gstappsrc.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <stdio.h>
#include <string.h>

#define QUEUE_BYTES (8 * 1024 * 1024) /* per appsrc, if a media stops reading */

struct feed {
	GstAppSrc *src; /* referenced */
	bool started;   /* sent a keyframe already */
};

struct ecc_bench_cameras {
	struct ecc_bench_cameras_config cfg;
	char *address;
	GPtrArray *frames; /* GstBuffer*: access units, clip order */
	GArray *keyframe;  /* gboolean per frame */
	GstCaps *caps;     /* of the access units */
	GstRTSPServer *server;
	GstRTSPAddressPool *pool;
	guint server_source, cleanup_timer;
	GThread *feeder;
	GMutex lock; /* guards feeds and quit */
	GCond wake;
	GPtrArray *feeds; /* struct feed* */
	bool quit;
};

/* ---- the clip ------------------------------------------------------------ */

static int encode_clip(ecc_bench_cameras *b)
{
	int frames = b->cfg.clip_s * b->cfg.spec.fps;
	char *desc = ecc_camera_media_describe_clip(&b->cfg.spec, frames);
	GError *err = NULL;
	GstElement *pipeline = gst_parse_launch(desc, &err), *overlay, *sink;
	ecc_camera_picture *picture;
	GstSample *sample;
	GstMessage *msg;
	GstBus *bus;
	gint64 t0 = g_get_monotonic_time();

	g_debug("clip: %s", desc);
	g_free(desc);
	if (!pipeline || err) {
		g_warning("clip pipeline: %s", err ? err->message : "?");
		g_clear_error(&err);
		if (pipeline)
			gst_object_unref(pipeline);
		return ECC_ERR_IO;
	}
	overlay = gst_bin_get_by_name(GST_BIN(pipeline), "picture");
	sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
	picture = ecc_camera_picture_new("bench camera / 基准摄像机", b->cfg.spec.width,
	                                 b->cfg.spec.height, ECC_PICTURE_LOOP,
	                                 (int64_t)b->cfg.clip_s * 1000);
	ecc_camera_picture_attach(picture, overlay);
	ecc_camera_picture_unref(picture);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	while ((sample = gst_app_sink_pull_sample(GST_APP_SINK(sink)))) {
		GstBuffer *buf = gst_sample_get_buffer(sample);
		gboolean key = !GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT);

		if (!b->caps)
			b->caps = gst_caps_ref(gst_sample_get_caps(sample));
		g_ptr_array_add(b->frames, gst_buffer_ref(buf));
		g_array_append_val(b->keyframe, key);
		gst_sample_unref(sample);
	}
	bus = gst_element_get_bus(pipeline);
	msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
	if (msg) {
		gst_message_parse_error(msg, &err, NULL);
		g_warning("clip: %s", err->message);
		g_error_free(err);
		gst_message_unref(msg);
	}
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(overlay);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	if (b->frames->len != (guint)frames || !b->caps ||
	    !g_array_index(b->keyframe, gboolean, 0)) {
		g_warning("clip: %u of %d frames encoded", b->frames->len, frames);
		return ECC_ERR_IO;
	}
	g_message("clip: %d frames %dx%d@%d %s encoded in %.1f s", frames, b->cfg.spec.width,
	          b->cfg.spec.height, b->cfg.spec.fps, ecc_camera_codec_name(b->cfg.spec.codec),
	          (double)(g_get_monotonic_time() - t0) / 1e6);
	return ECC_OK;
}

/* ---- the feeder thread --------------------------------------------------- */

static void push_frame(ecc_bench_cameras *b, guint k, GstClockTime duration)
{
	GstBuffer *au = g_ptr_array_index(b->frames, k);
	gboolean key = g_array_index(b->keyframe, gboolean, k);

	for (guint i = 0; i < b->feeds->len; i++) {
		struct feed *f = g_ptr_array_index(b->feeds, i);
		GstBuffer *copy;

		if (!f->started && !key)
			continue;
		f->started = true;
		copy = gst_buffer_copy(au); /* metadata only; the bytes are shared */
		GST_BUFFER_PTS(copy) = GST_BUFFER_DTS(copy) = GST_CLOCK_TIME_NONE;
		GST_BUFFER_DURATION(copy) = duration;
		gst_app_src_push_buffer(f->src, copy);
	}
}

static gpointer feeder(gpointer data)
{
	ecc_bench_cameras *b = data;
	gint64 fps = b->cfg.spec.fps, frames = b->frames->len;
	/* frame n (counted from 1970) is due at n / fps s of UTC */
	gint64 n = g_get_real_time() * fps / G_USEC_PER_SEC + 1;

	g_mutex_lock(&b->lock);
	while (!b->quit) {
		gint64 due = n * G_USEC_PER_SEC / fps, now = g_get_real_time();

		if (due > now) {
			g_cond_wait_until(&b->wake, &b->lock, g_get_monotonic_time() + (due - now));
			continue;
		}
		push_frame(b, (guint)(n % frames), GST_SECOND / (GstClockTime)fps);
		n++;
	}
	g_mutex_unlock(&b->lock);
	return NULL;
}

/* ---- mounts -------------------------------------------------------------- */

static void on_unprepared(GstRTSPMedia *media, gpointer data)
{
	ecc_bench_cameras *b = data;
	GstElement *bin = gst_rtsp_media_get_element(media);
	GstElement *src = gst_bin_get_by_name(GST_BIN(bin), "src");

	g_mutex_lock(&b->lock);
	for (guint i = 0; i < b->feeds->len; i++) {
		struct feed *f = g_ptr_array_index(b->feeds, i);

		if ((GstElement *)f->src == src) {
			g_ptr_array_remove_index_fast(b->feeds, i);
			break;
		}
	}
	g_mutex_unlock(&b->lock);
	gst_object_unref(src);
	gst_object_unref(bin);
}

static void on_media_configure(GstRTSPMediaFactory *factory, GstRTSPMedia *media, gpointer data)
{
	ecc_bench_cameras *b = data;
	GstElement *bin = gst_rtsp_media_get_element(media);
	struct feed *f = g_new0(struct feed, 1);

	(void)factory;
	f->src = GST_APP_SRC(gst_bin_get_by_name(GST_BIN(bin), "src"));
	gst_app_src_set_caps(f->src, b->caps);
	g_object_set(f->src, "max-bytes", (guint64)QUEUE_BYTES, NULL);
	gst_object_unref(bin);
	g_signal_connect(media, "unprepared", G_CALLBACK(on_unprepared), b);
	g_mutex_lock(&b->lock);
	g_ptr_array_add(b->feeds, f);
	g_mutex_unlock(&b->lock);
}

static void feed_free(gpointer data)
{
	struct feed *f = data;

	gst_object_unref(f->src);
	g_free(f);
}

static gboolean on_cleanup(gpointer data)
{
	GstRTSPSessionPool *pool = gst_rtsp_server_get_session_pool(data);

	gst_rtsp_session_pool_cleanup(pool);
	g_object_unref(pool);
	return G_SOURCE_CONTINUE;
}

static GstRTSPFilterResult remove_client(GstRTSPServer *server, GstRTSPClient *client,
                                         gpointer data)
{
	(void)server;
	(void)client;
	(void)data;
	return GST_RTSP_FILTER_REMOVE;
}

static GstRTSPFilterResult remove_session(GstRTSPSessionPool *pool, GstRTSPSession *sess,
                                          gpointer data)
{
	(void)pool;
	(void)sess;
	(void)data;
	return GST_RTSP_FILTER_REMOVE;
}

static void add_mounts(ecc_bench_cameras *b)
{
	GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points(b->server);
	char *launch = ecc_camera_media_describe_replay(&b->cfg.spec);

	for (int i = 0; i < b->cfg.count; i++) {
		GstRTSPMediaFactory *f = gst_rtsp_media_factory_new();
		char path[32];

		gst_rtsp_media_factory_set_launch(f, launch);
		gst_rtsp_media_factory_set_shared(f, TRUE);
		gst_rtsp_media_factory_set_protocols(f, GST_RTSP_LOWER_TRANS_UDP |
		                                            GST_RTSP_LOWER_TRANS_TCP);
		if (b->pool)
			gst_rtsp_media_factory_set_address_pool(f, b->pool);
		g_signal_connect(f, "media-configure", G_CALLBACK(on_media_configure), b);
		g_snprintf(path, sizeof(path), "/cam%04d", i);
		gst_rtsp_mount_points_add_factory(mounts, path, f);
	}
	g_free(launch);
	g_object_unref(mounts);
}

/* ---- public -------------------------------------------------------------- */

int ecc_bench_cameras_new(const struct ecc_bench_cameras_config *cfg, ecc_bench_cameras **out)
{
	ecc_bench_cameras *b;
	GstRTSPThreadPool *tp;
	char why[160], port[8];
	int rc;

	*out = NULL;
	if (!cfg->address || cfg->port < 1 || cfg->port > 65535 || cfg->count < 1 ||
	    cfg->count > 1000 || cfg->clip_s < 2 || cfg->clip_s > 60 || cfg->clip_s % 2 ||
	    ecc_camera_spec_check(&cfg->spec, why, sizeof(why)) != ECC_OK) {
		g_warning("bad options: --count 1..1000, --rtsp-port 1..65535, --clip-seconds even "
		          "2..60, width 160..1920, height 90..1080, fps 1..60, bitrate 50..20000");
		return ECC_ERR_INVAL;
	}
	rc = ecc_camera_media_check(cfg->spec.codec == ECC_CAMERA_H265, false, false);
	if (rc != ECC_OK)
		return rc;
	b = g_new0(ecc_bench_cameras, 1);
	b->cfg = *cfg;
	b->cfg.address = b->address = g_strdup(cfg->address);
	b->frames = g_ptr_array_new_with_free_func((GDestroyNotify)gst_buffer_unref);
	b->keyframe = g_array_new(FALSE, FALSE, sizeof(gboolean));
	b->feeds = g_ptr_array_new_with_free_func(feed_free);
	g_mutex_init(&b->lock);
	g_cond_init(&b->wake);
	*out = b;
	rc = encode_clip(b);
	if (rc != ECC_OK)
		return rc;
	b->server = gst_rtsp_server_new();
	g_snprintf(port, sizeof(port), "%d", cfg->port);
	gst_rtsp_server_set_address(b->server, b->address);
	gst_rtsp_server_set_service(b->server, port);
	tp = gst_rtsp_server_get_thread_pool(b->server);
	gst_rtsp_thread_pool_set_max_threads(tp, -1); /* DESCRIBEs wait for a keyframe */
	g_object_unref(tp);
	if (g_hostname_is_ip_address(b->address) && strcmp(b->address, "0.0.0.0") != 0) {
		b->pool = gst_rtsp_address_pool_new();
		gst_rtsp_address_pool_add_range(b->pool, b->address, b->address, 30000, 32767, 0);
	}
	add_mounts(b);
	return ECC_OK;
}

int ecc_bench_cameras_start(ecc_bench_cameras *b)
{
	b->server_source = gst_rtsp_server_attach(b->server, NULL);
	if (!b->server_source) {
		g_warning("cannot serve RTSP on %s:%d (address in use?)", b->address, b->cfg.port);
		return ECC_ERR_IO;
	}
	b->cleanup_timer = g_timeout_add_seconds(2, on_cleanup, b->server);
	b->feeder = g_thread_new("ecc-cam-feeder", feeder, b);
	printf(
	    "{\"ready\":true,\"mounts\":%d,\"url\":\"rtsp://%s:%d/cam%%04d\",\"period_ms\":%d}\n",
	    b->cfg.count, b->address, b->cfg.port, b->cfg.clip_s * 1000);
	fflush(stdout);
	return ECC_OK;
}

void ecc_bench_cameras_free(ecc_bench_cameras *b)
{
	if (!b)
		return;
	if (b->cleanup_timer)
		g_source_remove(b->cleanup_timer);
	if (b->server_source) {
		GstRTSPSessionPool *pool = gst_rtsp_server_get_session_pool(b->server);

		g_list_free_full(gst_rtsp_server_client_filter(b->server, remove_client, NULL),
		                 g_object_unref);
		g_list_free_full(gst_rtsp_session_pool_filter(pool, remove_session, NULL),
		                 g_object_unref);
		g_object_unref(pool);
		g_source_remove(b->server_source);
	}
	if (b->feeder) {
		g_mutex_lock(&b->lock);
		b->quit = true;
		g_cond_signal(&b->wake);
		g_mutex_unlock(&b->lock);
		g_thread_join(b->feeder);
	}
	if (b->server)
		g_object_unref(b->server);
	if (b->pool)
		g_object_unref(b->pool);
	gst_rtsp_thread_pool_cleanup();
	g_ptr_array_free(b->feeds, TRUE);
	g_ptr_array_free(b->frames, TRUE);
	g_array_free(b->keyframe, TRUE);
	if (b->caps)
		gst_caps_unref(b->caps);
	g_mutex_clear(&b->lock);
	g_cond_clear(&b->wake);
	g_free(b->address);
	g_free(b);
}
