/* ecc-hub: wires the hub's modules together and runs the GLib main loop. */
#define G_LOG_DOMAIN "ecc-hub"

#include "bus.h"
#include "cases.h"
#include "cli.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "gateways.h"
#include "gpsrx.h"
#include "operations.h"
#include "recordings.h"
#include "streams.h"
#include "duty.h"
#include "incidents.h"
#include "instructions.h"
#include "upreports.h"
#include "evidence.h"
#include "views.h"
#include "publish.h"
#include "rooms.h"

#include "http.h"
#include "hub.h"
#include "provision.h"
#include "ws.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static gboolean on_signal(gpointer loop)
{
	g_message("stopping");
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

/* The first start prints admin's one-time password (and writes it to
 * [hub] admin_password_file, mode 0600, when set). */
static int bootstrap_admin(struct ecc_hub *hub)
{
	char pw[64];
	bool created;

	if (ecc_auth_bootstrap(hub->auth, pw, sizeof(pw), &created) != ECC_OK)
		return -1;
	if (!created)
		return 0;
	printf("ecc-hub: first start: user admin, one-time password %s\n", pw);
	fflush(stdout);
	if (*hub->cfg->admin_password_file &&
	    !g_file_set_contents_full(hub->cfg->admin_password_file, pw, -1,
	                              G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL))
		g_warning("could not write %s", hub->cfg->admin_password_file);
	sodium_memzero(pw, sizeof(pw));
	return 0;
}

static int run(const struct ecc_config *cfg)
{
	struct ecc_hub hub = {.cfg = cfg, .started_ms = ecc_now_ms()};
	char why[ECC_CASES_WHY] = "";
	int rc = 1;

	hub.loop = g_main_loop_new(NULL, FALSE);
	if (ecc_store_open(cfg->database, &hub.store) != ECC_OK)
		goto out;
	hub.events = ecc_events_new();
	hub.auth = ecc_auth_new(hub.store, cfg);
	if (bootstrap_admin(&hub) != 0)
		goto out;
	hub.units = ecc_units_new(hub.store, hub.events);
	if (!hub.units)
		goto out;
	hub.alerts = ecc_alerts_new(hub.store, cfg, hub.events);
	hub.cases = ecc_cases_new(&hub, why);
	if (!hub.cases) {
		fprintf(stderr, "ecc-hub: %s\n", why);
		goto out;
	}
	hub.telemetry = ecc_telemetry_new(hub.store, cfg, hub.units, hub.alerts, hub.events);
	if (!hub.telemetry)
		goto out;

	hub.bus = ecc_bus_new(&hub);
	if (!hub.bus)
		goto out;
	hub.provision = ecc_provision_new(hub.bus, cfg);
	hub.gateways = ecc_gateways_new(&hub);
	hub.streams = ecc_streams_new(&hub);
	if (!hub.streams)
		goto out;
	hub.recordings = ecc_recordings_new(&hub);
	hub.operations = ecc_operations_new(&hub);
	if (!hub.operations)
		goto out;
	hub.views = ecc_views_new(&hub);
	hub.publish = ecc_publish_new(&hub);
	hub.duty = ecc_duty_new(&hub);
	hub.instructions = ecc_instructions_new(&hub);
	hub.upreports = ecc_upreports_new(&hub);
	hub.incidents = ecc_incidents_new(&hub);
	hub.evidence = ecc_evidence_new(&hub);
	if (!hub.evidence)
		goto out;
	hub.rooms = ecc_rooms_new(&hub);
	hub.gps = ecc_gps_new(cfg, hub.telemetry);
	hub.ws = ecc_ws_new(&hub);
	hub.http = ecc_http_new(&hub);
	if (!hub.http)
		goto out;
	ecc_bus_start(hub.bus);
	g_unix_signal_add(SIGINT, on_signal, hub.loop);
	g_unix_signal_add(SIGTERM, on_signal, hub.loop);
	printf("ecc-hub: listening on %s://%s:%d\n", *cfg->tls_cert ? "https" : "http", cfg->listen,
	       ecc_http_port(hub.http));
	fflush(stdout);
	g_main_loop_run(hub.loop);
	rc = 0;
out:
	ecc_http_free(hub.http);
	ecc_evidence_free(hub.evidence);
	ecc_ws_free(hub.ws);
	ecc_rooms_free(hub.rooms);
	ecc_duty_free(hub.duty);
	ecc_views_free(hub.views);
	ecc_publish_free(hub.publish);
	ecc_gps_free(hub.gps);
	ecc_recordings_free(hub.recordings);
	ecc_streams_free(hub.streams);
	ecc_gateways_free(hub.gateways);
	ecc_provision_free(hub.provision);
	ecc_bus_free(hub.bus);
	ecc_telemetry_free(hub.telemetry);
	ecc_incidents_free(hub.incidents);
	ecc_upreports_free(hub.upreports);
	ecc_instructions_free(hub.instructions);
	ecc_cases_free(hub.cases);
	ecc_operations_free(hub.operations); /* listens to positions: after telemetry */
	ecc_alerts_free(hub.alerts);
	ecc_units_free(hub.units);
	ecc_auth_free(hub.auth);
	ecc_events_free(hub.events);
	ecc_store_close(hub.store);
	g_main_loop_unref(hub.loop);
	return rc;
}

int main(int argc, char **argv)
{
	struct ecc_config cfg;
	char why[ECC_CONFIG_WHY] = "";
	const char *path = NULL;
	int first = 1, rc;

	if (argc > 2 && !strcmp(argv[1], "--config")) {
		path = argv[2];
		first = 3;
	} else if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: ecc-hub [--config FILE] [COMMAND ...]\n"
		       "  without a command: run the hub\n"
		       "  commands: user add, unit add, gateway add, audit verify, routes,"
		       " config keys, evidence-key\n");
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	ecc_locale_init();
	ecc_config_init(&cfg);

	if ((path && ecc_config_load(&cfg, path, why) != ECC_OK) ||
	    ecc_config_check(&cfg, why) != ECC_OK) {
		fprintf(stderr, "ecc-hub: %s\n", why);
		ecc_config_clear(&cfg);
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "ecc-hub: libsodium failed to start\n");
		ecc_config_clear(&cfg);
		return 1;
	}
	if (ecc_cli_is_command(argc - first, argv + first))
		rc = ecc_cli_run(&cfg, argc - first, argv + first);
	else
		rc = run(&cfg);
	ecc_config_clear(&cfg);
	return rc;
}
