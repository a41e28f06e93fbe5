/* ecc-gateway: wires the media gateway's modules and runs its GLib loop. */
#define G_LOG_DOMAIN "ecc-gateway"

#include "control.h"
#include "ecc_log.h"
#include "elements.h"
#include "gwconfig.h"
#include "mixtap.h"
#include "snapshot.h"
#include "tee.h"

#include <glib-unix.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static gboolean on_signal(gpointer loop)
{
	g_message("stopping");
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
	struct ecc_gwconfig cfg;
	char why[256] = "";
	ecc_control *control;
	GMainLoop *loop;
	int rc = 0;

	signal(SIGPIPE, SIG_IGN);
	ecc_locale_init();
	gst_init(NULL, NULL);
	ecc_elements_tolerate_plugin_criticals();
	ecc_gwconfig_init(&cfg);
	if (argc > 2 && !strcmp(argv[1], "--config") &&
	    ecc_gwconfig_load(&cfg, argv[2], why) != 0) {
		fprintf(stderr, "ecc-gateway: %s\n", why);
		ecc_gwconfig_clear(&cfg);
		return 2;
	}
	if (ecc_elements_check() > 0) {
		ecc_gwconfig_clear(&cfg);
		return 1;
	}
	ecc_branch_keyframe_requests(cfg.keyframe_requests);
	ecc_elements_warm();
	control = ecc_control_new(&cfg);
	if (!control) {
		fprintf(stderr, "ecc-gateway: bad MQTT settings\n");
		ecc_gwconfig_clear(&cfg);
		return 2;
	}
	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGINT, on_signal, loop);
	g_unix_signal_add(SIGTERM, on_signal, loop);
	ecc_control_start(control);
	g_message("gateway %s: recordings in %s", cfg.id, cfg.recordings);
	g_main_loop_run(loop);
	ecc_control_free(control);
	ecc_mixtap_drain(); /* taps still being made when their streams ended */
	ecc_snapshot_shutdown();
	ecc_elements_warm_join();
	g_main_loop_unref(loop);
	ecc_gwconfig_clear(&cfg);
	gst_deinit();
	return rc;
}
