/* bench: steady telemetry load over a few MQTT connections. */
#define G_LOG_DOMAIN "ecc-bench"

#include "bench.h"
#include "mover.h"
#include "proto_telemetry.h"
#include "rng.h"
#include "roads.h"
#include "ecc_err.h"
#include "ecc_mqtt.h"
#include "ecc_topic.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#define TICK_MS      2
#define CONNECT_US   (10 * G_USEC_PER_SEC)
#define DRAIN_US     (10 * G_USEC_PER_SEC)
#define MAX_BEHIND_S 0.25 /* a stalled loop skips what it owes past this */

struct conn {
	ecc_bench *b;
	ecc_mqtt *mqtt;
	char *client_id;
};

struct bunit {
	ecc_mover *mover;
	char *topic;
	gint64 stepped_us;
};

enum state { CONNECTING, RUNNING, DRAINING, DONE };

struct ecc_bench {
	struct ecc_bench_config cfg;
	char *host, *user, *pass, *prefix;
	GMainLoop *loop;
	ecc_roads *roads;
	struct bunit *units;
	struct conn *conns;
	enum state state;
	guint tick_id, poll_id;
	gint64 t_begin, t0, t_end, t_last; /* monotonic us */
	guint64 due_skipped;               /* owed messages skipped after a stall */
	guint64 sent, acked, failed, errors, cursor;
	bool unreachable;
};

static void on_published(void *user, int mid, int reason)
{
	struct conn *c = user;

	(void)mid;
	if (c->b->state != RUNNING && c->b->state != DRAINING)
		return;
	if (reason < 128)
		c->b->acked++;
	else
		c->b->failed++;
	c->b->t_last = g_get_monotonic_time();
}

static void finish(ecc_bench *b)
{
	b->state = DONE;
	g_main_loop_quit(b->loop);
}

static void publish_one(ecc_bench *b, gint64 now)
{
	guint i = (guint)(b->cursor++ % (guint64)b->cfg.count);
	struct bunit *u = &b->units[i];
	struct conn *c = &b->conns[i % (guint)b->cfg.connections];
	struct ecc_position p;
	char buf[256];
	int n, rc;

	ecc_mover_step(u->mover, (double)(now - u->stepped_us) / 1e6);
	u->stepped_us = now;
	ecc_mover_position(u->mover, g_get_real_time() / 1000, &p);
	n = ecc_proto_telemetry_format(&p, buf, sizeof(buf));
	rc = n < 0 ? ECC_ERR_TOOBIG
	           : ecc_mqtt_publish(c->mqtt, u->topic, buf, (size_t)n, b->cfg.qos, false, NULL);
	if (rc == ECC_OK)
		b->sent++;
	else
		b->errors++;
}

static gboolean drain_poll(gpointer data)
{
	ecc_bench *b = data;
	gint64 now = g_get_monotonic_time();

	if (b->acked + b->failed >= b->sent || now - b->t_end > DRAIN_US) {
		b->poll_id = 0;
		finish(b);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean tick(gpointer data)
{
	ecc_bench *b = data;
	gint64 now = g_get_monotonic_time();
	double per_s = b->cfg.count * b->cfg.rate;
	double elapsed = (double)(now - b->t0) / 1e6;
	guint64 due;

	if (elapsed >= b->cfg.duration) {
		/* what the schedule still owes for the last tick */
		due = (guint64)(b->cfg.duration * per_s) - b->due_skipped;
		while (b->sent + b->errors < due)
			publish_one(b, now);
		b->tick_id = 0;
		b->t_end = now;
		b->state = DRAINING;
		b->poll_id = g_timeout_add(10, drain_poll, b);
		return G_SOURCE_REMOVE;
	}
	due = (guint64)(elapsed * per_s) - b->due_skipped;
	if (due > b->sent + b->errors + (guint64)(per_s * MAX_BEHIND_S) + 1) {
		guint64 skip = due - (b->sent + b->errors) - (guint64)(per_s * MAX_BEHIND_S);
		b->due_skipped += skip;
		due -= skip;
	}
	while (b->sent + b->errors < due)
		publish_one(b, now);
	return G_SOURCE_CONTINUE;
}

static gboolean connect_poll(gpointer data)
{
	ecc_bench *b = data;
	gint64 now = g_get_monotonic_time();
	int up = 0;

	for (int i = 0; i < b->cfg.connections; i++)
		up += ecc_mqtt_connected(b->conns[i].mqtt);
	if (up == b->cfg.connections) {
		g_message("bench: %d connection(s) up; %d units x %.2f Hz at QoS %d for %.1f s", up,
		          b->cfg.count, b->cfg.rate, b->cfg.qos, b->cfg.duration);
		b->state = RUNNING;
		b->t0 = now;
		for (int i = 0; i < b->cfg.count; i++)
			b->units[i].stepped_us = now;
		b->tick_id = g_timeout_add(TICK_MS, tick, b);
		b->poll_id = 0;
		return G_SOURCE_REMOVE;
	}
	if (now - b->t_begin > CONNECT_US) {
		g_warning("bench: only %d of %d connection(s) to %s:%d up after %d s "
		          "(credentials refused or broker unreachable)",
		          up, b->cfg.connections, b->cfg.mqtt_host, b->cfg.mqtt_port,
		          (int)(CONNECT_US / G_USEC_PER_SEC));
		b->unreachable = true;
		b->poll_id = 0;
		finish(b);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

int ecc_bench_new(const struct ecc_bench_config *cfg, GMainLoop *loop, ecc_bench **out)
{
	ecc_bench *b;
	int width;

	*out = NULL;
	if (!cfg || !loop || !cfg->mqtt_host || cfg->count <= 0 || !(cfg->rate > 0) ||
	    cfg->qos < 0 || cfg->qos > 2 || !(cfg->duration > 0) || cfg->connections <= 0 ||
	    cfg->connections > 1000 || !cfg->prefix) {
		g_warning("bench: bad options: --count N > 0, --rate HZ > 0, --qos 0..2, "
		          "--duration S > 0, --connections 1..1000");
		return ECC_ERR_INVAL;
	}
	b = g_new0(ecc_bench, 1);
	b->cfg = *cfg;
	b->cfg.mqtt_host = b->host = g_strdup(cfg->mqtt_host);
	b->cfg.username = b->user = g_strdup(cfg->username);
	b->cfg.password = b->pass = g_strdup(cfg->password);
	b->cfg.prefix = b->prefix = g_strdup(cfg->prefix);
	b->loop = loop;
	b->roads = ecc_roads_new(cfg->lat0, cfg->lon0, cfg->seed);
	b->units = g_new0(struct bunit, (gsize)cfg->count);
	width = MAX(4, (int)floor(log10(cfg->count)) + 1);
	for (int i = 0; i < cfg->count; i++) {
		char id[ECC_ID_MAX + 16];
		enum ecc_unit_kind k = (enum ecc_unit_kind)(i % 4);

		g_snprintf(id, sizeof(id), "%s%0*d", cfg->prefix, width, i);
		b->units[i].topic = ecc_topic_unit(id, "telemetry");
		if (!b->units[i].topic) {
			g_warning("bench: \"%s\" is not a valid unit id (prefix?)", id);
			b->cfg.count = i;
			ecc_bench_free(b);
			return ECC_ERR_INVAL;
		}
		b->units[i].mover =
		    ecc_mover_new(b->roads, k, ecc_rng_derive(cfg->seed, (uint64_t)i));
	}
	*out = b;
	return ECC_OK;
}

int ecc_bench_start(ecc_bench *b)
{
	struct ecc_mqtt_callbacks cb = {.published = on_published};

	b->conns = g_new0(struct conn, (gsize)b->cfg.connections);
	b->t_begin = g_get_monotonic_time();
	for (int i = 0; i < b->cfg.connections; i++) {
		struct conn *c = &b->conns[i];
		struct ecc_mqtt_options o = {.host = b->cfg.mqtt_host,
		                             .port = b->cfg.mqtt_port,
		                             .username = b->cfg.username,
		                             .password = b->cfg.password,
		                             .clean_start = true};

		c->b = b;
		c->client_id = g_strdup_printf("%sbench-%d-%d", b->cfg.prefix, (int)getpid(), i);
		o.client_id = c->client_id;
		/*
		 * At QoS 1 each connection keeps at most "send maximum" PUBLISHes
		 * unacknowledged: libmosquitto's default is 20, lowered to the
		 * broker's CONNACK receive-maximum when it sends one (mosquitto:
		 * max_inflight_messages). The rest wait inside libmosquitto, so
		 * one connection tops out near 20 / round-trip; use --connections
		 * to go past it.
		 */
		c->mqtt = ecc_mqtt_new(&o, &cb, c);
		if (c->mqtt)
			ecc_mqtt_start(c->mqtt);
	}
	b->poll_id = g_timeout_add(20, connect_poll, b);
	return ECC_OK;
}

int ecc_bench_report(const ecc_bench *b, FILE *f)
{
	gint64 end = MAX(b->t_end ? b->t_end : g_get_monotonic_time(), b->t_last);
	double secs = b->t0 ? (double)(end - b->t0) / 1e6 : 0;

	fprintf(f,
	        "{\"sent\":%llu,\"acked\":%llu,\"failed\":%llu,\"seconds\":%.3f,\"rate\":%.1f}\n",
	        (unsigned long long)b->sent, (unsigned long long)b->acked,
	        (unsigned long long)b->failed, secs, secs > 0 ? (double)b->acked / secs : 0.0);
	fflush(f);
	if (b->errors || b->due_skipped)
		g_warning("bench: %llu publish(es) refused by libmosquitto, %llu skipped behind "
		          "schedule",
		          (unsigned long long)b->errors, (unsigned long long)b->due_skipped);
	if (b->unreachable)
		return ECC_ERR_UNAVAIL;
	if (b->state != DONE || b->failed || b->acked < b->sent)
		return ECC_ERR_PROTO;
	return ECC_OK;
}

void ecc_bench_free(ecc_bench *b)
{
	if (!b)
		return;
	if (b->tick_id)
		g_source_remove(b->tick_id);
	if (b->poll_id)
		g_source_remove(b->poll_id);
	for (int i = 0; b->conns && i < b->cfg.connections; i++) {
		ecc_mqtt_free(b->conns[i].mqtt);
		g_free(b->conns[i].client_id);
	}
	g_free(b->conns);
	for (int i = 0; i < b->cfg.count; i++) {
		ecc_mover_free(b->units[i].mover);
		g_free(b->units[i].topic);
	}
	g_free(b->units);
	ecc_roads_free(b->roads);
	g_free(b->host);
	g_free(b->user);
	g_free(b->pass);
	g_free(b->prefix);
	g_free(b);
}
