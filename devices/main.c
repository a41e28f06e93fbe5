/* ecc-devsim: simulated field units with cameras (default), telemetry load
 * (bench), RTSP camera load (cameras), or the town's streets as GeoJSON
 * (roads). Only wiring lives here. */
#define G_LOG_DOMAIN "ecc-devsim"

#include "bench.h"
#include "bench_cameras.h"
#include "camera.h"
#include "camera_picture.h"
#include "nmea_server.h"
#include "roads.h"
#include "sim.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <glib-unix.h>
#include <glib.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static char *host = "127.0.0.1", *center = "47.138,129.286", *units_file, *nmea_listen, *nmea_unit,
            *username, *password, *prefix = "bench-";
static int port = 1883, qos = 1, count = 100, connections = 1;
static double rate = 1, events_every = 120, duration = 10;
static gint64 seed = 1;
static gboolean nmea_only, no_cameras;
static char *rtsp_address = "127.0.0.1", *rtsp_user, *rtsp_password, *srt_target, *rtmp_target,
            *camera_size = "640x360", *codec = "h264";
static int rtsp_port = 8554, camera_fps = 25, camera_bitrate = 800, cam_count = 4, width = 1920,
           height = 1080, fps = 25, bitrate = 2000, clip_s = 10;

static const GOptionEntry common_options[] = {
    {"mqtt-host", 0, 0, G_OPTION_ARG_STRING, &host, "Broker address (127.0.0.1)", "HOST"},
    {"mqtt-port", 0, 0, G_OPTION_ARG_INT, &port, "Broker port (1883)", "PORT"},
    {"center", 0, 0, G_OPTION_ARG_STRING, &center, "Town centre (47.138,129.286)", "LAT,LON"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Town and behaviour seed (1)", "N"},
    {"rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate, "Telemetry per unit per second (1)", "HZ"},
    {"qos", 0, 0, G_OPTION_ARG_INT, &qos, "Telemetry QoS (1)", "Q"},
    {NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL}};

static const GOptionEntry sim_options[] = {
    {"units", 0, 0, G_OPTION_ARG_FILENAME, &units_file, "Units file (JSON array)", "FILE"},
    {"events-every", 0, 0, G_OPTION_ARG_DOUBLE, &events_every,
     "Mean seconds between button events, 0 for none (120)", "S"},
    {"nmea-listen", 0, 0, G_OPTION_ARG_STRING, &nmea_listen, "Serve NMEA 0183 on", "HOST:PORT"},
    {"nmea-unit", 0, 0, G_OPTION_ARG_STRING, &nmea_unit, "The vehicle whose GPS is served", "ID"},
    {"nmea-only", 0, 0, G_OPTION_ARG_NONE, &nmea_only, "That unit sends NMEA only", NULL},
    {"no-cameras", 0, 0, G_OPTION_ARG_NONE, &no_cameras, "Units carry no camera", NULL},
    {"rtsp-port", 0, 0, G_OPTION_ARG_INT, &rtsp_port, "RTSP port (8554)", "PORT"},
    {"rtsp-address", 0, 0, G_OPTION_ARG_STRING, &rtsp_address, "RTSP address (127.0.0.1)", "A"},
    {"rtsp-user", 0, 0, G_OPTION_ARG_STRING, &rtsp_user, "RTSP digest user (none)", "U"},
    {"rtsp-password", 0, 0, G_OPTION_ARG_STRING, &rtsp_password, "RTSP digest password", "P"},
    {"srt-target", 0, 0, G_OPTION_ARG_STRING, &srt_target, "Drones push SRT to", "srt://H:P"},
    {"rtmp-target", 0, 0, G_OPTION_ARG_STRING, &rtmp_target, "First vehicle pushes RTMP to",
     "rtmp://H:P/APP"},
    {"camera-size", 0, 0, G_OPTION_ARG_STRING, &camera_size, "Default size (640x360)", "WxH"},
    {"camera-fps", 0, 0, G_OPTION_ARG_INT, &camera_fps, "Default frame rate (25)", "FPS"},
    {"camera-bitrate", 0, 0, G_OPTION_ARG_INT, &camera_bitrate, "Default kbit/s (800)", "K"},
    {NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL}};

static const GOptionEntry cameras_options[] = {
    {"count", 0, 0, G_OPTION_ARG_INT, &cam_count, "Mounts /cam0000.. (4)", "N"},
    {"width", 0, 0, G_OPTION_ARG_INT, &width, "Width (1920)", "PX"},
    {"height", 0, 0, G_OPTION_ARG_INT, &height, "Height (1080)", "PX"},
    {"fps", 0, 0, G_OPTION_ARG_INT, &fps, "Frame rate (25)", "FPS"},
    {"bitrate", 0, 0, G_OPTION_ARG_INT, &bitrate, "kbit/s (2000)", "K"},
    {"codec", 0, 0, G_OPTION_ARG_STRING, &codec, "h264 or h265 (h264)", "C"},
    {"clip-seconds", 0, 0, G_OPTION_ARG_INT, &clip_s, "Looped clip length (10)", "S"},
    {"rtsp-port", 0, 0, G_OPTION_ARG_INT, &rtsp_port, "RTSP port (8554)", "PORT"},
    {"rtsp-address", 0, 0, G_OPTION_ARG_STRING, &rtsp_address, "RTSP address (127.0.0.1)", "A"},
    {NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL}};

static const GOptionEntry bench_options[] = {
    {"count", 0, 0, G_OPTION_ARG_INT, &count, "Units (100)", "N"},
    {"duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration, "Seconds of publishing (10)", "S"},
    {"username", 0, 0, G_OPTION_ARG_STRING, &username, "MQTT user", "U"},
    {"password", 0, 0, G_OPTION_ARG_STRING, &password, "MQTT password", "P"},
    {"prefix", 0, 0, G_OPTION_ARG_STRING, &prefix, "Unit id prefix (bench-)", "P"},
    {"connections", 0, 0, G_OPTION_ARG_INT, &connections, "MQTT connections (1)", "C"},
    {NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL}};

struct app {
	GMainLoop *loop;
	ecc_sim *sim;
};

static gboolean on_signal(gpointer data)
{
	g_message("stopping");
	g_main_loop_quit(((struct app *)data)->loop);
	return G_SOURCE_CONTINUE;
}

static bool nmea_fix(void *user, struct ecc_position *out)
{
	return ecc_sim_position(((struct app *)user)->sim, nmea_unit, out);
}

static int make_cameras(ecc_cameras **out)
{
	struct ecc_cameras_config cc = {.address = rtsp_address,
	                                .port = rtsp_port,
	                                .user = rtsp_user,
	                                .password = rtsp_password,
	                                .srt_target = srt_target,
	                                .rtmp_target = rtmp_target};

	ecc_camera_spec_defaults(&cc.defaults);
	cc.defaults.fps = camera_fps;
	cc.defaults.bitrate = camera_bitrate;
	if (sscanf(camera_size, "%dx%d", &cc.defaults.width, &cc.defaults.height) != 2)
		cc.defaults.width = 0; /* refused by the check */
	*out = NULL;
	return no_cameras ? ECC_OK : ecc_cameras_new(&cc, out);
}

static int run_cameras(GMainLoop *loop)
{
	struct ecc_bench_cameras_config bc = {
	    .address = rtsp_address, .port = rtsp_port, .count = cam_count, .clip_s = clip_s};
	ecc_bench_cameras *b = NULL;
	int rc;

	bc.spec = (struct ecc_camera_spec){.codec = strcmp(codec, "h265") == 0 ? ECC_CAMERA_H265
	                                                                       : ECC_CAMERA_H264,
	                                   .width = width,
	                                   .height = height,
	                                   .fps = fps,
	                                   .bitrate = bitrate,
	                                   .gop = 2,
	                                   .audio = ECC_CAMERA_NO_AUDIO};
	rc = strcmp(codec, "h264") && strcmp(codec, "h265") ? ECC_ERR_INVAL
	                                                    : ecc_bench_cameras_new(&bc, &b);
	if (rc == ECC_OK)
		rc = ecc_bench_cameras_start(b);
	if (rc == ECC_OK)
		g_main_loop_run(loop);
	ecc_bench_cameras_free(b);
	return rc;
}

static bool parse(int *argc, char ***argv, const char *args, const GOptionEntry *entries,
                  double *lat, double *lon)
{
	GOptionContext *ctx = g_option_context_new(args);
	GError *err = NULL;
	bool ok;

	g_option_context_add_main_entries(ctx, common_options, NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, &err);
	if (!ok) {
		fprintf(stderr, "ecc-devsim: %s\n", err->message);
		g_error_free(err);
	} else if (sscanf(center, "%lf,%lf", lat, lon) != 2 || *lat < -85 || *lat > 85 ||
	           *lon < -180 || *lon > 180) {
		fprintf(stderr, "ecc-devsim: --center wants LAT,LON\n");
		ok = false;
	}
	g_option_context_free(ctx);
	return ok;
}

int main(int argc, char **argv)
{
	struct app app = {0};
	const char *mode = argc > 1 && argv[1][0] != '-' ? argv[1] : "sim";
	ecc_nmea_server *nmea = NULL;
	ecc_bench *bench = NULL;
	double lat, lon;
	int rc = ECC_ERR_INVAL;
	guint sig[2];

	g_set_prgname("ecc-devsim");
	ecc_locale_init();
	if (strcmp(mode, "sim") != 0) {
		argc--;
		argv++;
	}
	if (strcmp(mode, "roads") == 0) {
		if (!parse(&argc, &argv, "- the town's streets as GeoJSON", sim_options, &lat,
		           &lon))
			return 2;
		ecc_roads *r = ecc_roads_new(lat, lon, (uint64_t)seed);
		char *json = ecc_roads_geojson(r);
		puts(json);
		g_free(json);
		ecc_roads_free(r);
		return 0;
	}
	if (strcmp(mode, "bench") == 0) {
		if (!parse(&argc, &argv, "- telemetry load", bench_options, &lat, &lon))
			return 2;
	} else if (strcmp(mode, "cameras") == 0) {
		if (!parse(&argc, &argv, "- RTSP cameras from one clip", cameras_options, &lat,
		           &lon))
			return 2;
	} else if (strcmp(mode, "sim") != 0 ||
	           !parse(&argc, &argv, "[bench|cameras|roads] - simulated field units",
	                  sim_options, &lat, &lon)) {
		return 2;
	}
	gst_init(NULL, NULL);
	app.loop = g_main_loop_new(NULL, FALSE);
	sig[0] = g_unix_signal_add(SIGINT, on_signal, &app);
	sig[1] = g_unix_signal_add(SIGTERM, on_signal, &app);
	if (strcmp(mode, "bench") == 0) {
		struct ecc_bench_config bc = {.mqtt_host = host,
		                              .mqtt_port = port,
		                              .username = username,
		                              .password = password,
		                              .prefix = prefix,
		                              .count = count,
		                              .rate = rate,
		                              .qos = qos,
		                              .duration = duration,
		                              .connections = connections,
		                              .lat0 = lat,
		                              .lon0 = lon,
		                              .seed = (uint64_t)seed};
		rc = ecc_bench_new(&bc, app.loop, &bench);
		if (rc == ECC_OK && ecc_bench_start(bench) == ECC_OK) {
			g_main_loop_run(app.loop);
			rc = ecc_bench_report(bench, stdout);
		}
		ecc_bench_free(bench);
	} else if (strcmp(mode, "cameras") == 0) {
		rc = run_cameras(app.loop);
	} else {
		struct ecc_sim_config sc = {.units_file = units_file,
		                            .mqtt_host = host,
		                            .mqtt_port = port,
		                            .lat0 = lat,
		                            .lon0 = lon,
		                            .seed = (uint64_t)seed,
		                            .rate = rate,
		                            .events_every = events_every,
		                            .qos = qos,
		                            .nmea_unit = nmea_unit,
		                            .nmea_only = nmea_only};
		if (!units_file || (nmea_listen && !nmea_unit) || (nmea_unit && !nmea_listen))
			g_printerr("ecc-devsim: --units FILE is required; --nmea-listen and "
			           "--nmea-unit go together\n");
		else if ((rc = make_cameras(&sc.cameras)) == ECC_OK)
			rc = ecc_sim_new(&sc, &app.sim);
		if (rc == ECC_OK && sc.cameras)
			rc = ecc_cameras_start(sc.cameras);
		if (rc == ECC_OK && nmea_listen)
			rc = ecc_nmea_server_new(nmea_listen, nmea_fix, &app, &nmea);
		if (rc == ECC_OK && ecc_sim_start(app.sim) == ECC_OK)
			g_main_loop_run(app.loop);
		ecc_nmea_server_free(nmea);
		ecc_sim_free(app.sim);
		ecc_cameras_free(sc.cameras);
	}
	g_source_remove(sig[0]);
	g_source_remove(sig[1]);
	g_main_loop_unref(app.loop);
	gst_deinit();
	ecc_camera_picture_cleanup();
	if (rc != ECC_OK)
		g_printerr("ecc-devsim: %s\n", ecc_strerror(rc));
	return rc == ECC_OK ? 0 : 1;
}
