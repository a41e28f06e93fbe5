/* ecc-devsim: simulated field units (default), telemetry load (bench), or the
 * town's streets as GeoJSON (roads). Only wiring lives here. */
#define G_LOG_DOMAIN "ecc-devsim"

#include "bench.h"
#include "nmea_server.h"
#include "roads.h"
#include "sim.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static char *host = "127.0.0.1", *center = "47.138,129.286", *units_file, *nmea_listen, *nmea_unit,
            *username, *password, *prefix = "bench-";
static int port = 1883, qos = 1, count = 100, connections = 1;
static double rate = 1, events_every = 120, duration = 10;
static gint64 seed = 1;
static gboolean nmea_only;

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
	} else if (strcmp(mode, "sim") != 0 ||
	           !parse(&argc, &argv, "[bench|roads] - simulated field units", sim_options, &lat,
	                  &lon)) {
		return 2;
	}
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
		else
			rc = ecc_sim_new(&sc, &app.sim);
		if (rc == ECC_OK && nmea_listen)
			rc = ecc_nmea_server_new(nmea_listen, nmea_fix, &app, &nmea);
		if (rc == ECC_OK && ecc_sim_start(app.sim) == ECC_OK)
			g_main_loop_run(app.loop);
		ecc_nmea_server_free(nmea);
		ecc_sim_free(app.sim);
	}
	g_source_remove(sig[0]);
	g_source_remove(sig[1]);
	g_main_loop_unref(app.loop);
	if (rc != ECC_OK)
		g_printerr("ecc-devsim: %s\n", ecc_strerror(rc));
	return rc == ECC_OK ? 0 : 1;
}
