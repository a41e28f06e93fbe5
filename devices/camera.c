/* camera: the RTSP server and each unit's camera (served or pushed). */
#define G_LOG_DOMAIN "ecc-camera"

#include "camera.h"
#include "camera_picture.h"
#include "camera_push.h"
#include "ecc_err.h"

#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <stdio.h>
#include <string.h>

#define ROLE            "ecc-camera-viewer"
#define RTP_PORT_MIN    30000 /* below Linux's ephemeral range */
#define RTP_PORT_MAX    32767
#define SESSION_CLEANUP 2 /* s between sweeps of timed-out RTSP sessions */

struct cam {
	char *unit, *path; /* path: "/{unit}" */
	struct ecc_camera_spec spec;
	ecc_camera_picture *picture;
	GstRTSPMediaFactory *factory; /* RTSP cameras; we keep a reference */
	ecc_camera_push *push;        /* SRT and RTMP cameras */
	bool on;
};

struct ecc_cameras {
	struct ecc_cameras_config cfg; /* strings point into the copies below */
	char *address, *user, *password, *srt_target, *rtmp_target;
	GHashTable *cams; /* unit -> struct cam* */
	GPtrArray *order; /* struct cam*, in units-file order */
	bool rtmp_taken, started;
	GstRTSPServer *server;
	GstRTSPMountPoints *mounts;
	GstRTSPAddressPool *pool;
	GstRTSPAuth *auth;
	guint server_source, cleanup_timer;
};

/* What a factory's media-configure handler needs; owned by the factory. */
struct mount {
	char *unit;
	ecc_camera_picture *picture;
};

/* ---- a media's life (client and media threads) --------------------------- */

static void mount_free(gpointer data, GClosure *closure)
{
	struct mount *m = data;

	(void)closure;
	ecc_camera_picture_unref(m->picture);
	g_free(m->unit);
	g_free(m);
}

static void on_unprepared(GstRTSPMedia *media, gpointer data)
{
	(void)media;
	g_message("unit=%s: camera idle (no viewer)", (const char *)data);
}

static void on_media_configure(GstRTSPMediaFactory *f, GstRTSPMedia *media, gpointer data)
{
	struct mount *m = data;
	GstElement *bin = gst_rtsp_media_get_element(media);
	GstElement *overlay = gst_bin_get_by_name(GST_BIN(bin), "picture");

	(void)f;
	if (overlay) {
		ecc_camera_picture_attach(m->picture, overlay);
		gst_object_unref(overlay);
	}
	gst_object_unref(bin);
	g_signal_connect_data(media, "unprepared", G_CALLBACK(on_unprepared), g_strdup(m->unit),
	                      (GClosureNotify)(void (*)(void))g_free, 0);
	g_message("unit=%s: camera encoding for a viewer", m->unit);
}

/* ---- closing a mount's clients (camera off) ------------------------------ */

struct match {
	const char *path;
	bool found;
};

static GstRTSPFilterResult media_match(GstRTSPSession *sess, GstRTSPSessionMedia *sm, gpointer data)
{
	struct match *m = data;
	gint matched = 0;

	(void)sess;
	if (gst_rtsp_session_media_matches(sm, m->path, &matched) &&
	    (size_t)matched == strlen(m->path))
		m->found = true;
	return GST_RTSP_FILTER_KEEP;
}

static GstRTSPFilterResult session_match(GstRTSPClient *client, GstRTSPSession *sess, gpointer data)
{
	(void)client;
	g_list_free_full(gst_rtsp_session_filter(sess, media_match, data), g_object_unref);
	return GST_RTSP_FILTER_KEEP;
}

static GstRTSPFilterResult client_playing(GstRTSPServer *server, GstRTSPClient *client,
                                          gpointer data)
{
	struct match *m = data, mine = {.path = m ? m->path : NULL};

	(void)server;
	if (!m)
		return GST_RTSP_FILTER_REMOVE; /* every client */
	g_list_free_full(gst_rtsp_client_session_filter(client, session_match, &mine),
	                 g_object_unref);
	return mine.found ? GST_RTSP_FILTER_REMOVE : GST_RTSP_FILTER_KEEP;
}

static GstRTSPFilterResult session_playing(GstRTSPSessionPool *pool, GstRTSPSession *sess,
                                           gpointer data)
{
	struct match *m = data, mine = {.path = m ? m->path : NULL};

	(void)pool;
	if (!m)
		return GST_RTSP_FILTER_REMOVE;
	g_list_free_full(gst_rtsp_session_filter(sess, media_match, &mine), g_object_unref);
	return mine.found ? GST_RTSP_FILTER_REMOVE : GST_RTSP_FILTER_KEEP;
}

/* Closes the clients and sessions playing path (every one when NULL). */
static void close_viewers(ecc_cameras *c, const char *path)
{
	struct match m = {.path = path};
	GstRTSPSessionPool *pool = gst_rtsp_server_get_session_pool(c->server);

	g_list_free_full(gst_rtsp_server_client_filter(c->server, client_playing, path ? &m : NULL),
	                 g_object_unref);
	g_list_free_full(gst_rtsp_session_pool_filter(pool, session_playing, path ? &m : NULL),
	                 g_object_unref);
	g_object_unref(pool);
}

static gboolean on_cleanup(gpointer data)
{
	GstRTSPSessionPool *pool = gst_rtsp_server_get_session_pool(((ecc_cameras *)data)->server);

	gst_rtsp_session_pool_cleanup(pool);
	g_object_unref(pool);
	return G_SOURCE_CONTINUE;
}

/* ---- cameras ------------------------------------------------------------- */

static void cam_free(gpointer data)
{
	struct cam *cam = data;

	ecc_camera_push_free(cam->push);
	if (cam->factory)
		g_object_unref(cam->factory);
	ecc_camera_picture_unref(cam->picture);
	g_free(cam->unit);
	g_free(cam->path);
	g_free(cam);
}

static int tone_for(const char *unit)
{
	return 300 + (int)(g_str_hash(unit) % 600); /* each unit hums its own note */
}

static GstRTSPMediaFactory *make_factory(ecc_cameras *c, struct cam *cam)
{
	GstRTSPMediaFactory *f = gst_rtsp_media_factory_new();
	char *launch = ecc_camera_media_describe(&cam->spec, tone_for(cam->unit));
	struct mount *m = g_new0(struct mount, 1);

	gst_rtsp_media_factory_set_launch(f, launch);
	g_debug("unit=%s: %s", cam->unit, launch);
	g_free(launch);
	gst_rtsp_media_factory_set_shared(f, TRUE);
	gst_rtsp_media_factory_set_protocols(f,
	                                     GST_RTSP_LOWER_TRANS_UDP | GST_RTSP_LOWER_TRANS_TCP);
	if (c->pool)
		gst_rtsp_media_factory_set_address_pool(f, c->pool);
	if (c->auth)
		gst_rtsp_media_factory_add_role(
		    f, ROLE, GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
		    GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, NULL);
	m->unit = g_strdup(cam->unit);
	m->picture = ecc_camera_picture_ref(cam->picture);
	g_signal_connect_data(f, "media-configure", G_CALLBACK(on_media_configure), m, mount_free,
	                      0);
	return f;
}

int ecc_cameras_add(ecc_cameras *c, const char *unit, enum ecc_unit_kind kind, const char *name,
                    const cJSON *camera)
{
	struct cam *cam;
	char why[160];
	char *title;

	if (g_hash_table_contains(c->cams, unit))
		return ECC_ERR_EXISTS;
	cam = g_new0(struct cam, 1);
	if (ecc_camera_spec_parse(camera, &c->cfg.defaults, &cam->spec, why, sizeof(why)) !=
	    ECC_OK) {
		g_warning("unit=%s: %s", unit, why);
		g_free(cam);
		return ECC_ERR_INVAL;
	}
	if (!cam->spec.transport_set && kind == ECC_UNIT_DRONE && c->srt_target)
		cam->spec.transport = ECC_CAMERA_SRT;
	if (!cam->spec.transport_set && kind == ECC_UNIT_VEHICLE && c->rtmp_target &&
	    !c->rtmp_taken) {
		cam->spec.transport = ECC_CAMERA_RTMP;
		c->rtmp_taken = true;
	}
	if ((cam->spec.transport == ECC_CAMERA_SRT && !c->srt_target) ||
	    (cam->spec.transport == ECC_CAMERA_RTMP && !c->rtmp_target) ||
	    ecc_camera_spec_check(&cam->spec, why, sizeof(why)) != ECC_OK) {
		g_warning("unit=%s: %s", unit,
		          cam->spec.transport == ECC_CAMERA_SRT ? "transport srt needs --srt-target"
		          : cam->spec.transport == ECC_CAMERA_RTMP
		              ? "transport rtmp needs --rtmp-target"
		              : why);
		g_free(cam);
		return ECC_ERR_INVAL;
	}
	cam->unit = g_strdup(unit);
	cam->path = g_strconcat("/", unit, NULL);
	title = name && *name ? g_strdup_printf("%s  %s", name, unit) : g_strdup(unit);
	cam->picture =
	    ecc_camera_picture_new(title, cam->spec.width, cam->spec.height, ECC_PICTURE_WALL, 0);
	g_free(title);
	if (cam->spec.transport == ECC_CAMERA_RTSP)
		cam->factory = make_factory(c, cam);
	else
		cam->push = ecc_camera_push_new(
		    unit, &cam->spec,
		    cam->spec.transport == ECC_CAMERA_SRT ? c->srt_target : c->rtmp_target,
		    cam->picture, tone_for(unit));
	g_hash_table_insert(c->cams, cam->unit, cam);
	g_ptr_array_add(c->order, cam);
	return ECC_OK;
}

int ecc_cameras_url(const ecc_cameras *c, const char *unit, char *buf, size_t size)
{
	const struct cam *cam = unit ? g_hash_table_lookup(c->cams, unit) : NULL;
	int n;

	if (!cam)
		return ECC_ERR_NOTFOUND;
	if (cam->spec.transport == ECC_CAMERA_SRT)
		n = snprintf(buf, size, "%s?mode=listener", c->srt_target);
	else if (cam->spec.transport == ECC_CAMERA_RTMP)
		n = snprintf(buf, size, "%s/%s", c->rtmp_target, unit);
	else if (c->user)
		n = snprintf(buf, size, "rtsp://%s:%s@%s:%d%s", c->user, c->password, c->address,
		             c->cfg.port, cam->path);
	else
		n = snprintf(buf, size, "rtsp://%s:%d%s", c->address, c->cfg.port, cam->path);
	return n < 0 || (size_t)n >= size ? ECC_ERR_TOOBIG : ECC_OK;
}

int ecc_cameras_set_on(ecc_cameras *c, const char *unit, bool on)
{
	struct cam *cam = unit ? g_hash_table_lookup(c->cams, unit) : NULL;

	if (!cam)
		return ECC_ERR_NOTFOUND;
	if (cam->on == on)
		return ECC_OK;
	cam->on = on;
	if (cam->push) {
		ecc_camera_push_set_on(cam->push, on);
	} else if (on) {
		gst_rtsp_mount_points_add_factory(c->mounts, cam->path, g_object_ref(cam->factory));
	} else {
		gst_rtsp_mount_points_remove_factory(c->mounts, cam->path);
		close_viewers(c, cam->path);
	}
	if (c->started)
		g_message("unit=%s: camera %s", unit, on ? "on" : "off");
	return ECC_OK;
}

/* ---- the server ---------------------------------------------------------- */

int ecc_cameras_new(const struct ecc_cameras_config *cfg, ecc_cameras **out)
{
	ecc_cameras *c;
	GstRTSPThreadPool *tp;
	char why[160], port[8];

	*out = NULL;
	if (!cfg->address || cfg->port < 1 || cfg->port > 65535 || !cfg->user != !cfg->password ||
	    (cfg->srt_target && !g_str_has_prefix(cfg->srt_target, "srt://")) ||
	    (cfg->rtmp_target && !g_str_has_prefix(cfg->rtmp_target, "rtmp://"))) {
		g_warning("bad camera options: --rtsp-port 1..65535, --rtsp-user and "
		          "--rtsp-password together, --srt-target srt://HOST:PORT, --rtmp-target "
		          "rtmp://HOST:PORT/APP");
		return ECC_ERR_INVAL;
	}
	if (ecc_camera_spec_check(&cfg->defaults, why, sizeof(why)) != ECC_OK) {
		g_warning("bad camera defaults: %s", why);
		return ECC_ERR_INVAL;
	}
	c = g_new0(ecc_cameras, 1);
	c->cfg = *cfg;
	c->cfg.address = c->address = g_strdup(cfg->address);
	c->cfg.user = c->user = g_strdup(cfg->user);
	c->cfg.password = c->password = g_strdup(cfg->password);
	c->cfg.srt_target = c->srt_target = g_strdup(cfg->srt_target);
	c->cfg.rtmp_target = c->rtmp_target = g_strdup(cfg->rtmp_target);
	c->cams = g_hash_table_new(g_str_hash, g_str_equal);
	c->order = g_ptr_array_new_with_free_func(cam_free);
	c->server = gst_rtsp_server_new();
	g_snprintf(port, sizeof(port), "%d", cfg->port);
	gst_rtsp_server_set_address(c->server, c->address);
	gst_rtsp_server_set_service(c->server, port);
	c->mounts = gst_rtsp_server_get_mount_points(c->server);
	/* one thread per client: a DESCRIBE waits for the first frame */
	tp = gst_rtsp_server_get_thread_pool(c->server);
	gst_rtsp_thread_pool_set_max_threads(tp, -1);
	g_object_unref(tp);
	if (g_hostname_is_ip_address(c->address) && strcmp(c->address, "0.0.0.0") != 0 &&
	    strcmp(c->address, "::") != 0) {
		c->pool = gst_rtsp_address_pool_new();
		gst_rtsp_address_pool_add_range(c->pool, c->address, c->address, RTP_PORT_MIN,
		                                RTP_PORT_MAX, 0);
	}
	if (c->user) {
		GstRTSPToken *token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE,
		                                         G_TYPE_STRING, ROLE, NULL);

		c->auth = gst_rtsp_auth_new();
		gst_rtsp_auth_set_supported_methods(c->auth, GST_RTSP_AUTH_DIGEST);
		gst_rtsp_auth_add_digest(c->auth, c->user, c->password, token);
		gst_rtsp_token_unref(token);
		gst_rtsp_server_set_auth(c->server, c->auth);
	}
	*out = c;
	return ECC_OK;
}

int ecc_cameras_start(ecc_cameras *c)
{
	bool h265 = false, srt = false, rtmp = false;
	guint served = 0;
	int rc;

	for (guint i = 0; i < c->order->len; i++) {
		const struct cam *cam = g_ptr_array_index(c->order, i);

		h265 |= cam->spec.codec == ECC_CAMERA_H265;
		srt |= cam->spec.transport == ECC_CAMERA_SRT;
		rtmp |= cam->spec.transport == ECC_CAMERA_RTMP;
	}
	rc = ecc_camera_media_check(h265, srt, rtmp);
	if (rc != ECC_OK)
		return rc;
	c->server_source = gst_rtsp_server_attach(c->server, NULL);
	if (!c->server_source) {
		g_warning("cannot serve RTSP on %s:%d (address in use?)", c->address, c->cfg.port);
		return ECC_ERR_IO;
	}
	c->cleanup_timer = g_timeout_add_seconds(SESSION_CLEANUP, on_cleanup, c);
	for (guint i = 0; i < c->order->len; i++) {
		struct cam *cam = g_ptr_array_index(c->order, i);

		served += cam->factory != NULL;
		ecc_cameras_set_on(c, cam->unit, true);
	}
	c->started = true;
	g_message("cameras: %u served on rtsp://%s:%d/{unit}%s, %u pushed", served, c->address,
	          c->cfg.port, c->auth ? " (digest authentication)" : "", c->order->len - served);
	return ECC_OK;
}

void ecc_cameras_free(ecc_cameras *c)
{
	if (!c)
		return;
	if (c->cleanup_timer)
		g_source_remove(c->cleanup_timer);
	if (c->server_source) {
		close_viewers(c, NULL);
		g_source_remove(c->server_source);
	}
	g_ptr_array_free(c->order, TRUE);
	g_hash_table_destroy(c->cams);
	g_object_unref(c->mounts);
	if (c->auth)
		g_object_unref(c->auth);
	if (c->pool)
		g_object_unref(c->pool);
	g_object_unref(c->server);
	gst_rtsp_thread_pool_cleanup(); /* waits for the client and media threads */
	g_free(c->address);
	g_free(c->user);
	g_free(c->password);
	g_free(c->srt_target);
	g_free(c->rtmp_target);
	g_free(c);
}
