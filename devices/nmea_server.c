/* nmea_server: a TCP listener that feeds NMEA sentences to gpsd. */
#define G_LOG_DOMAIN "ecc-nmea"

#include "nmea_server.h"
#include "nmea.h"
#include "ecc_err.h"
#include "ecc_log.h"

#include <errno.h>
#include <glib-unix.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct client {
	ecc_nmea_server *srv;
	int fd;
	guint watch;
	char peer[INET6_ADDRSTRLEN + 8];
};

struct ecc_nmea_server {
	int lfd;
	guint accept_id;
	guint tick_id;
	GPtrArray *clients; /* struct client*, freed on removal */
	ecc_nmea_fix_fn fix;
	void *user;
	char *addr;
};

static void client_free(gpointer p)
{
	struct client *c = p;

	if (c->watch)
		g_source_remove(c->watch);
	close(c->fd);
	g_free(c);
}

static void client_drop(struct client *c, const char *why)
{
	g_message("nmea=%s: client %s left (%s)", c->srv->addr, c->peer, why);
	g_ptr_array_remove_fast(c->srv->clients, c);
}

static gboolean client_io(gint fd, GIOCondition cond, gpointer data)
{
	struct client *c = data;
	char junk[512];
	ssize_t n;

	(void)cond;
	/* gpsd sends nothing we need; read to notice the close */
	while ((n = read(fd, junk, sizeof(junk))) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		c->watch = 0; /* removed by returning G_SOURCE_REMOVE */
		client_drop(c, n == 0 ? "closed" : g_strerror(errno));
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer data)
{
	ecc_nmea_server *s = data;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int cfd;

	(void)cond;
	while ((cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
	       0) {
		struct client *c = g_new0(struct client, 1);
		char host[INET6_ADDRSTRLEN], port[8];

		c->srv = s;
		c->fd = cfd;
		if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
		                NI_NUMERICHOST | NI_NUMERICSERV) == 0)
			g_snprintf(c->peer, sizeof(c->peer), "%s:%s", host, port);
		else
			g_strlcpy(c->peer, "?", sizeof(c->peer));
		c->watch = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, client_io, c);
		g_ptr_array_add(s->clients, c);
		g_message("nmea=%s: client %s connected", s->addr, c->peer);
		len = sizeof(ss);
	}
	if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
		g_warning("nmea=%s: accept: %s", s->addr, g_strerror(errno));
	return G_SOURCE_CONTINUE;
}

static gboolean tick(gpointer data);

/* Next tick just after the next whole second of the wall clock. */
static void schedule_tick(ecc_nmea_server *s)
{
	gint64 now = ecc_now_ms();

	s->tick_id = g_timeout_add((guint)(1000 - now % 1000 + 2), tick, s);
}

static gboolean tick(gpointer data)
{
	ecc_nmea_server *s = data;
	char buf[4 * ECC_NMEA_MAX + 16];
	struct ecc_position p;
	int n;

	schedule_tick(s);
	if (s->clients->len == 0 || !s->fix(s->user, &p))
		return G_SOURCE_REMOVE;
	n = ecc_nmea_epoch(buf, sizeof(buf), &p);
	if (n < 0)
		return G_SOURCE_REMOVE;
	for (guint i = s->clients->len; i-- > 0;) {
		struct client *c = g_ptr_array_index(s->clients, i);
		ssize_t w = send(c->fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno != EAGAIN && errno != EINTR)
			client_drop(c, g_strerror(errno));
		else if (w != n)
			g_debug("nmea=%s: client %s is slow; sentences dropped", s->addr, c->peer);
	}
	return G_SOURCE_REMOVE;
}

/* Splits HOST:PORT; host NULL for ":PORT". */
static bool split_addr(const char *addr, char **host, char **port)
{
	const char *colon = strrchr(addr, ':');
	char *end;
	long p;

	if (!colon || !colon[1])
		return false;
	p = strtol(colon + 1, &end, 10);
	if (*end || p <= 0 || p > 65535)
		return false;
	*port = g_strdup(colon + 1);
	if (colon == addr) {
		*host = NULL;
	} else if (addr[0] == '[' && colon[-1] == ']') {
		*host = g_strndup(addr + 1, (gsize)(colon - addr - 2));
	} else {
		*host = g_strndup(addr, (gsize)(colon - addr));
	}
	return true;
}

static int listen_on(const char *host, const char *port, const char *addr)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res, *ai;
	int rc, fd = -1, err = 0, one = 1;

	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		g_warning("nmea=%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		            ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 8) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		g_warning("nmea=%s: cannot listen: %s", addr, g_strerror(err));
	return fd;
}

int ecc_nmea_server_new(const char *listen_addr, ecc_nmea_fix_fn fix, void *user,
                        ecc_nmea_server **out)
{
	ecc_nmea_server *s;
	char *host = NULL, *port = NULL;
	int fd;

	*out = NULL;
	if (!listen_addr || !fix || !split_addr(listen_addr, &host, &port))
		return ECC_ERR_INVAL;
	fd = listen_on(host, port, listen_addr);
	g_free(host);
	g_free(port);
	if (fd < 0)
		return ECC_ERR_IO;
	s = g_new0(ecc_nmea_server, 1);
	s->lfd = fd;
	s->fix = fix;
	s->user = user;
	s->addr = g_strdup(listen_addr);
	s->clients = g_ptr_array_new_with_free_func(client_free);
	s->accept_id = g_unix_fd_add(fd, G_IO_IN, on_accept, s);
	schedule_tick(s);
	g_message("nmea=%s: serving NMEA 0183 (gpsd -N -n tcp://%s)", s->addr, s->addr);
	*out = s;
	return ECC_OK;
}

void ecc_nmea_server_free(ecc_nmea_server *s)
{
	if (!s)
		return;
	g_source_remove(s->accept_id);
	if (s->tick_id)
		g_source_remove(s->tick_id);
	g_ptr_array_free(s->clients, TRUE);
	close(s->lfd);
	g_free(s->addr);
	g_free(s);
}
