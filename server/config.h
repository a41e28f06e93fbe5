/*
 * config: the hub's settings, from a GLib key file (ecc-hub --config FILE).
 *
 * Why: one place that knows every key, its default and its limits; modules
 * get a const pointer and never parse settings themselves. Every key is
 * documented in README.md (a test checks that the README names each one).
 * Lifecycle: ecc_config_init (defaults) -> ecc_config_load (file) ->
 * ecc_config_check; reload = load into a fresh copy, check, swap.
 *
 * Thread: the main loop. Ownership: the caller owns the struct and frees its
 * strings with ecc_config_clear.
 * Errors: ECC_ERR_IO (unreadable file), ECC_ERR_INVAL (a bad value); the
 * reason is written into why (a buffer of ECC_CONFIG_WHY bytes).
 */
#ifndef ECC_CONFIG_H
#define ECC_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define ECC_CONFIG_WHY 256
#define ECC_GPS_MAX    16

struct ecc_gps_receiver {
	char *name; /* the [gps.NAME] group */
	char *host;
	int port;
	char *unit; /* the unit this receiver's fixes belong to */
};

struct ecc_config {
	/* [hub] */
	char *listen; /* address the HTTP/WebSocket server binds */
	int port;
	char *www;      /* folder of the built wallboard */
	char *database; /* SQLite file */
	char *tls_cert; /* PEM; TLS is on when both are set */
	char *tls_key;
	char *court_name;          /* shown in the wallboard's header */
	char *admin_password_file; /* where the first start writes admin's one-time password */

	/* [mqtt] */
	char *mqtt_host;
	int mqtt_port;
	char *mqtt_client_id;
	char *mqtt_username;
	char *mqtt_password;
	char *mqtt_cafile;
	int mqtt_session_expiry; /* s */
	bool mqtt_provision;     /* create device identities via dynamic security */

	/* [auth] */
	int idle_timeout; /* s */
	int lockout_attempts;
	int lockout_seconds;
	int password_min_length;
	int password_min_classes; /* of lower, upper, digit, other */

	/* [limits] */
	int http_body_max;  /* bytes */
	int ws_message_max; /* bytes */
	int ws_rate;        /* messages per second per connection */

	/* [telemetry] */
	int batch_ms;         /* positions flush period */
	int offline_after;    /* s without a report -> offline */
	int battery_low;      /* percent */
	int max_future_skew;  /* s a device clock may run ahead */
	int max_track_points; /* cap of the track API */

	/* [alerts] */
	int escalate_after; /* s without acknowledgment -> escalate to commander */

	/* [duty] */
	int duty_signin_grace; /* s into a shift with nobody signed in -> an alert */

	/* [recordings] */
	int retention_days;  /* segments older than this are deleted (unless locked) */
	int retention_check; /* s between retention passes */

	/* [map] */

	double map_center_lat, map_center_lon;
	int map_zoom;
	char *map_tiles; /* tile URL template, empty: offline outlines only */
	char *map_tiles_attribution;
	bool map_tiles_gcj02; /* the tile server draws GCJ-02 (some Chinese services): shift WGS-84
	                       */
	char *map_overlay;    /* a GeoJSON file drawn over the basemap, or empty */

	/* [webrtc]: ICE servers the browsers get with each live view (viewers
	 * behind NAT), e.g. stun:stun.court.example:3478 and a coturn relay
	 * turn:turn.court.example:3478 with its user and password */
	char *webrtc_stun, *webrtc_turn, *webrtc_turn_username, *webrtc_turn_password;

	/* [cases]: the holiday calendar folder (one YYYY.json per year) and how
	 * often open flow nodes are checked for being overdue */
	char *cases_calendars;
	int cases_scan_seconds;

	/* [instructions]: an unacknowledged delivery is re-sent every
	 * resend_after seconds, and after resend_max re-sends raises an
	 * instruction_unacked alert; [reports] escalate_after: a report up that a
	 * leader has not acknowledged raises report_unacked; [incidents]: the
	 * default arrival radius and the urgent response deadline (seed 001:
	 * urgent requests within 2 hours) */
	int instr_resend_after, instr_resend_max;
	int reports_escalate_after;
	int incidents_radius, incidents_urgent_deadline;
	/* [evidence]: the court's Ed25519 signing key (a file in the database's
	 * folder unless absolute; created on first start, mode 0600) */
	char *evidence_key;
	/* an RFC 3161 time-stamping authority (http:// URL; "": none) asked
	 * for a token over each package's payload manifest, and how long to
	 * wait for it (s) */
	char *evidence_tsa_url;
	int evidence_tsa_timeout;

	/* [gps.NAME] groups */
	struct ecc_gps_receiver gps[ECC_GPS_MAX];
	int gps_count;
};

void ecc_config_init(struct ecc_config *c);
int ecc_config_load(struct ecc_config *c, const char *path, char *why);
int ecc_config_check(const struct ecc_config *c, char *why);
void ecc_config_clear(struct ecc_config *c);

/* Prints every key as "group.key<TAB>default" (for the README check). */
void ecc_config_print_keys(void);

#endif
