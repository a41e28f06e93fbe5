/* ecc-gateway: wires the media gateway's modules and runs its GLib loop.
 * Today it holds its place on the bus (retained status with a last will);
 * the media pipelines come with the media gateway issue. */
#define G_LOG_DOMAIN "ecc-gateway"

#include "ecc_err.h"
#include "ecc_log.h"
#include "ecc_mqtt.h"
#include "ecc_topic.h"
#include "status.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

struct gw_config {
	char *id, *host, *username, *password;
	int port, capacity;
};

static int load(const char *path, struct gw_config *c)
{
	GKeyFile *kf = g_key_file_new();
	GError *err = NULL;

	c->id = g_strdup("gw1");
	c->host = g_strdup("127.0.0.1");
	c->port = 1883;
	c->capacity = 64;
	if (path && !g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
		fprintf(stderr, "ecc-gateway: %s: %s\n", path, err->message);
		g_error_free(err);
		g_key_file_free(kf);
		return -1;
	}
#define STR(g, k, f)                                                                               \
	if (g_key_file_has_key(kf, g, k, NULL)) {                                                  \
		g_free(f);                                                                         \
		f = g_key_file_get_string(kf, g, k, NULL);                                         \
	}
#define INT(g, k, f)                                                                               \
	if (g_key_file_has_key(kf, g, k, NULL))                                                    \
		f = g_key_file_get_integer(kf, g, k, NULL);
	STR("gateway", "id", c->id);
	INT("gateway", "capacity", c->capacity);
	STR("mqtt", "host", c->host);
	INT("mqtt", "port", c->port);
	STR("mqtt", "username", c->username);
	STR("mqtt", "password", c->password);
#undef STR
#undef INT
	g_key_file_free(kf);
	if (!ecc_id_valid(c->id)) {
		fprintf(stderr, "ecc-gateway: [gateway] id must be [A-Za-z0-9_.-]{1,64}\n");
		return -1;
	}
	return 0;
}

struct gw {
	ecc_mqtt *mqtt;
	ecc_gw_status *status;
};

static void on_connected(void *user, bool session_present)
{
	struct gw *g = user;

	(void)session_present;
	if (g->status)
		ecc_gw_status_publish(g->status);
}

static gboolean on_signal(gpointer loop)
{
	g_message("stopping");
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

static void config_clear(struct gw_config *c)
{
	g_free(c->id);
	g_free(c->host);
	g_free(c->username);
	g_free(c->password);
}

int main(int argc, char **argv)
{
	struct gw_config c = {0};
	struct gw g = {0};
	struct ecc_mqtt_callbacks cb = {.connected = on_connected};
	char *will_topic = NULL, *will = NULL, *client_id;
	GMainLoop *loop;

	signal(SIGPIPE, SIG_IGN);
	ecc_locale_init();
	if (load(argc > 2 && !strcmp(argv[1], "--config") ? argv[2] : NULL, &c) != 0) {
		config_clear(&c);
		return 2;
	}
	ecc_gw_status_will(c.id, &will_topic, &will);
	client_id = g_strdup_printf("ecc-gw-%s", c.id);
	g.mqtt = ecc_mqtt_new(&(struct ecc_mqtt_options){.host = c.host,
	                                                 .port = c.port,
	                                                 .client_id = client_id,
	                                                 .username = c.username ? c.username : c.id,
	                                                 .password = c.password,
	                                                 .clean_start = true,
	                                                 .will_topic = will_topic,
	                                                 .will_payload = will,
	                                                 .will_retain = true,
	                                                 .keepalive_s = 10},
	                      &cb, &g);
	if (!g.mqtt) {
		fprintf(stderr, "ecc-gateway: bad MQTT settings\n");
		config_clear(&c);
		return 2;
	}
	g.status = ecc_gw_status_new(g.mqtt,
	                             &(struct ecc_gw_identity){.id = c.id, .capacity = c.capacity});
	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGINT, on_signal, loop);
	g_unix_signal_add(SIGTERM, on_signal, loop);
	ecc_mqtt_start(g.mqtt);
	g_message("gateway %s starting (broker %s:%d)", c.id, c.host, c.port);
	g_main_loop_run(loop);
	ecc_gw_status_free(g.status); /* publishes "offline" */
	ecc_mqtt_free(g.mqtt);
	g_main_loop_unref(loop);
	g_free(will_topic);
	g_free(will);
	g_free(client_id);
	config_clear(&c);
	return 0;
}
