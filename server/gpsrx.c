/* gpsrx: libgps sockets as GLib watches, with reconnect. */
#define G_LOG_DOMAIN "ecc-gps"

#include "gpsrx.h"
#include "ecc_err.h"
#include "proto_gpsd.h"

#include <errno.h>
#include <glib-unix.h>
#include <gps.h>
#include <stdio.h>
#include <string.h>

#define RETRY_MIN_MS 500
#define RETRY_MAX_MS 5000

struct receiver {
	struct ecc_gps *owner;
	const struct ecc_gps_receiver *conf;
	struct gps_data_t data;
	bool open;
	guint watch;
	guint retry;
	unsigned retry_ms;
	char port[8];
};

struct ecc_gps {
	ecc_telemetry *t;
	struct receiver *rx;
	int n;
	unsigned long fixes;
};

static void schedule(struct receiver *r);

static void close_rx(struct receiver *r)
{
	if (r->watch)
		g_source_remove(r->watch);
	r->watch = 0;
	if (r->open)
		gps_close(&r->data);
	r->open = false;
}

static gboolean readable(gint fd, GIOCondition cond, gpointer data)
{
	struct receiver *r = data;
	struct ecc_position p;
	char why[ECC_WHY_MAX];

	(void)fd;
	(void)cond;
	do {
		if (gps_read(&r->data, NULL, 0) < 0) {
			g_warning("gps=%s: lost gpsd at %s:%d; reconnecting", r->conf->name,
			          r->conf->host, r->conf->port);
			r->watch = 0; /* removed by returning G_SOURCE_REMOVE */
			if (r->open)
				gps_close(&r->data);
			r->open = false;
			schedule(r);
			return G_SOURCE_REMOVE;
		}
		if (ecc_proto_gpsd_from_data(&r->data, &p, why) == ECC_OK) {
			int rc = ecc_telemetry_submit(r->owner->t, r->conf->unit, &p);
			r->owner->fixes++;
			if (rc != ECC_OK)
				g_debug("gps=%s unit=%s: fix refused: %s", r->conf->name,
				        r->conf->unit, ecc_strerror(rc));
		}
		r->data.set = 0;
	} while (gps_waiting(&r->data, 0));
	return G_SOURCE_CONTINUE;
}

static gboolean connect_cb(gpointer data)
{
	struct receiver *r = data;

	r->retry = 0;
	memset(&r->data, 0, sizeof(r->data));
	if (gps_open(r->conf->host, r->port, &r->data) != 0) {
		g_debug("gps=%s: gpsd at %s:%d: %s", r->conf->name, r->conf->host, r->conf->port,
		        gps_errstr(errno));
		schedule(r);
		return G_SOURCE_REMOVE;
	}
	r->open = true;
	if (gps_stream(&r->data, WATCH_ENABLE | WATCH_JSON, NULL) != 0) {
		close_rx(r);
		schedule(r);
		return G_SOURCE_REMOVE;
	}
	r->retry_ms = RETRY_MIN_MS;
	r->watch = g_unix_fd_add(r->data.gps_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, readable, r);
	g_message("gps=%s: connected to gpsd at %s:%d for unit %s", r->conf->name, r->conf->host,
	          r->conf->port, r->conf->unit);
	return G_SOURCE_REMOVE;
}

static void schedule(struct receiver *r)
{
	if (r->retry)
		return;
	r->retry = g_timeout_add(r->retry_ms, connect_cb, r);
	r->retry_ms = MIN(r->retry_ms * 2, RETRY_MAX_MS);
}

ecc_gps *ecc_gps_new(const struct ecc_config *cfg, ecc_telemetry *t)
{
	ecc_gps *g = g_new0(ecc_gps, 1);

	g->t = t;
	g->n = cfg->gps_count;
	g->rx = g_new0(struct receiver, g->n > 0 ? g->n : 1);
	for (int i = 0; i < g->n; i++) {
		struct receiver *r = &g->rx[i];
		r->owner = g;
		r->conf = &cfg->gps[i];
		r->retry_ms = RETRY_MIN_MS;
		g_snprintf(r->port, sizeof(r->port), "%d", r->conf->port);
		r->retry = g_idle_add(connect_cb, r);
	}
	return g;
}

void ecc_gps_free(ecc_gps *g)
{
	if (!g)
		return;
	for (int i = 0; i < g->n; i++) {
		close_rx(&g->rx[i]);
		if (g->rx[i].retry)
			g_source_remove(g->rx[i].retry);
	}
	g_free(g->rx);
	g_free(g);
}

unsigned long ecc_gps_fixes(const ecc_gps *g)
{
	return g->fixes;
}
