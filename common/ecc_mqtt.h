/*
 * ecc_mqtt: one libmosquitto client as a source on the GLib main loop.
 *
 * Why: the hub, the gateway and the simulators each run one GMainLoop and no
 * network threads (DESIGN.md); libmosquitto's socket becomes a GSource that
 * reads when readable and writes when libmosquitto wants to, plus a 1 s timer
 * for keepalives. The client speaks MQTT v5, keeps a persistent session when
 * asked (clean_start false + a session expiry), resubscribes after a
 * reconnect the broker did not remember, and reconnects forever with backoff
 * (first retry after retry_min_ms, doubling up to retry_max_ms).
 *
 * Thread: the thread that runs the default GMainContext.
 * Ownership: ecc_mqtt_new returns an object the caller frees with
 * ecc_mqtt_free (NULL accepted), which disconnects cleanly. Callback
 * arguments are borrowed for the duration of the call.
 * Errors: ECC_ERR_INVAL for bad arguments, ECC_ERR_UNAVAIL when not
 * connected (QoS 1 and 2 publishes are still queued and sent on reconnect).
 */
#ifndef ECC_MQTT_H
#define ECC_MQTT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ecc_mqtt ecc_mqtt;

struct ecc_mqtt_options {
	const char *host;
	int port;
	const char *client_id;
	const char *username; /* NULL for none */
	const char *password;
	bool clean_start;          /* false: persistent session */
	unsigned session_expiry_s; /* MQTT v5 session expiry (persistent sessions) */
	int keepalive_s;           /* default 30 */
	unsigned retry_min_ms;     /* default 500 */
	unsigned retry_max_ms;     /* default 5000 */
	const char *will_topic;    /* NULL for no last will */
	const char *will_payload;
	bool will_retain;
	const char *cafile;       /* TLS to the broker when set */
	unsigned receive_maximum; /* inflight QoS>0 messages from the broker; 0 = default */
};

struct ecc_mqtt_callbacks {
	/* Connected (again). session_present: the broker kept our session. */
	void (*connected)(void *user, bool session_present);
	/* Lost the connection; a reconnect is already scheduled. */
	void (*disconnected)(void *user, int reason);
	/* A message arrived on a subscription. payload is not NUL-terminated. */
	void (*message)(void *user, const char *topic, const void *payload, size_t len, int qos,
	                bool retain);
	/* A QoS>0 publish was acknowledged; reason is the MQTT v5 reason code
	 * (0 success, 135 not authorized, ...). */
	void (*published)(void *user, int mid, int reason);
};

ecc_mqtt *ecc_mqtt_new(const struct ecc_mqtt_options *opts, const struct ecc_mqtt_callbacks *cb,
                       void *user);

/* Starts connecting (and retrying) on the default main context. ECC_OK or
 * ECC_ERR_INVAL. A broker that is down is not an error: it is retried. */
int ecc_mqtt_start(ecc_mqtt *m);

/* Subscribes now if connected, and again after each reconnect that lost the
 * session. Returns ECC_OK or ECC_ERR_INVAL. */
int ecc_mqtt_subscribe(ecc_mqtt *m, const char *pattern, int qos);

/* Publishes; *mid (may be NULL) receives the message id for `published`.
 * Returns ECC_OK, ECC_ERR_UNAVAIL (not connected and qos 0: dropped),
 * ECC_ERR_TOOBIG, or ECC_ERR_INVAL. */
int ecc_mqtt_publish(ecc_mqtt *m, const char *topic, const void *payload, size_t len, int qos,
                     bool retain, int *mid);

/* Stops (or resumes) reading from the broker: messages wait in the kernel
 * and the broker (QoS 1 in the session, QoS 0 up to its queue limits) while
 * a consumer catches up. Keepalives still go out. */
void ecc_mqtt_pause(ecc_mqtt *m, bool paused);

bool ecc_mqtt_connected(const ecc_mqtt *m);

/* Number of connections made so far (1 after the first CONNACK). */
unsigned ecc_mqtt_connect_count(const ecc_mqtt *m);

/* Disconnects (the broker then drops any last will) and frees. */
void ecc_mqtt_free(ecc_mqtt *m);

#endif
