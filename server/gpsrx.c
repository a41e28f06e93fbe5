/* gpsrx: gpsd JSON over TCP on fd watches, with reconnect. */
#define G_LOG_DOMAIN "ecc-gps"

#include "gpsrx.h"
#include "ecc_err.h"
#include "proto_gpsd.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RETRY_MIN_MS 500
#define RETRY_MAX_MS 5000

struct receiver {
	struct ecc_gps *owner;
	const struct ecc_gps_receiver *conf;
	int fd;
	bool connected;
	guint watch;
	guint retry;
	unsigned retry_ms;
	GString *line;
	bool overlong; /* dropping the rest of a line over the limit */
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
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->connected = false;
	g_string_truncate(r->line, 0);
	r->overlong = false;
}

static void lost(struct receiver *r, const char *why)
{
	if (r->connected)
		g_warning("gps=%s: lost gpsd at %s:%d (%s); reconnecting", r->conf->name,
		          r->conf->host, r->conf->port, why);
	close_rx(r);
	schedule(r);
}

static void handle_line(struct receiver *r)
{
	struct ecc_position p;
	char why[ECC_WHY_MAX] = "";
	int rc = ecc_proto_gpsd_parse(r->line->str, r->line->len, &p, why);

	if (rc == ECC_OK) {
		r->owner->fixes++;
		rc = ecc_telemetry_submit(r->owner->t, r->conf->unit, &p);
		if (rc != ECC_OK)
			g_debug("gps=%s unit=%s: fix refused: %s", r->conf->name, r->conf->unit,
			        ecc_strerror(rc));
	} else if (rc != ECC_ERR_IGNORED) {
		g_debug("gps=%s: report dropped: %s", r->conf->name, why);
	}
}

static gboolean readable(gint fd, GIOCondition cond, gpointer data)
{
	struct receiver *r = data;
	char buf[4096];
	ssize_t n;

	(void)cond;
	n = read(fd, buf, sizeof(buf));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		r->watch = 0; /* G_SOURCE_REMOVE below */
		lost(r, n == 0 ? "closed" : g_strerror(errno));
		return G_SOURCE_REMOVE;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (!r->overlong)
				handle_line(r);
			g_string_truncate(r->line, 0);
			r->overlong = false;
		} else if (r->line->len >= ECC_GPSD_MAX_BYTES) {
			if (!r->overlong)
				g_debug("gps=%s: a line over %d bytes dropped", r->conf->name,
				        ECC_GPSD_MAX_BYTES);
			r->overlong = true;
		} else if (!r->overlong) {
			g_string_append_c(r->line, buf[i]);
		}
	}
	return G_SOURCE_CONTINUE;
}

/* The non-blocking connect finished (or failed). */
static gboolean connected_cb(gint fd, GIOCondition cond, gpointer data)
{
	struct receiver *r = data;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)cond;
	r->watch = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
		g_debug("gps=%s: gpsd at %s:%d: %s", r->conf->name, r->conf->host, r->conf->port,
		        g_strerror(err ? err : errno));
		close_rx(r);
		schedule(r);
		return G_SOURCE_REMOVE;
	}
	if (write(fd, ECC_GPSD_WATCH, strlen(ECC_GPSD_WATCH)) != (ssize_t)strlen(ECC_GPSD_WATCH)) {
		close_rx(r);
		schedule(r);
		return G_SOURCE_REMOVE;
	}
	r->connected = true;
	r->retry_ms = RETRY_MIN_MS;
	r->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, readable, r);
	g_message("gps=%s: connected to gpsd at %s:%d for unit %s", r->conf->name, r->conf->host,
	          r->conf->port, r->conf->unit);
	return G_SOURCE_REMOVE;
}

static gboolean connect_cb(gpointer data)
{
	struct receiver *r = data;
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	char port[8];
	int rc;

	r->retry = 0;
	g_snprintf(port, sizeof(port), "%d", r->conf->port);
	/* Receivers are on loopback or the court LAN; a host name resolves
	 * once per attempt (blocking, as libgps did). */
	if (getaddrinfo(r->conf->host, port, &hints, &ai) != 0 || !ai) {
		schedule(r);
		return G_SOURCE_REMOVE;
	}
	r->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	rc = r->fd < 0 ? -1 : connect(r->fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (r->fd < 0 || (rc != 0 && errno != EINPROGRESS)) {
		close_rx(r);
		schedule(r);
		return G_SOURCE_REMOVE;
	}
	r->watch = g_unix_fd_add(r->fd, G_IO_OUT | G_IO_ERR | G_IO_HUP, connected_cb, r);
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
		r->fd = -1;
		r->line = g_string_sized_new(512);
		r->retry_ms = RETRY_MIN_MS;
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
		g_string_free(g->rx[i].line, TRUE);
	}
	g_free(g->rx);
	g_free(g);
}

unsigned long ecc_gps_fixes(const ecc_gps *g)
{
	return g->fixes;
}
