/*
 * ecc_topic: the MQTT topic table of DESIGN.md, as builders and a parser.
 *
 * Why: hub, gateway and simulators must agree on every topic string, and ids
 * that end up inside topics must never carry MQTT wildcards or separators
 * ('/', '+', '#'), or a device could write where it must not.
 *
 * Thread: any. Builders return newly allocated strings (g_free).
 */
#ifndef ECC_TOPIC_H
#define ECC_TOPIC_H

#include <stdbool.h>
#include <stddef.h>

#define ECC_ID_MAX 64

/* The kinds of topic the hub receives. */
enum ecc_topic_kind {
	ECC_TOPIC_UNKNOWN = 0,
	ECC_TOPIC_UNIT_TELEMETRY, /* ecc/unit/{unit}/telemetry */
	ECC_TOPIC_UNIT_EVENT,     /* ecc/unit/{unit}/event */
	ECC_TOPIC_UNIT_ACK,       /* ecc/unit/{unit}/ack */
	ECC_TOPIC_UNIT_STREAM,    /* ecc/unit/{unit}/stream: the unit announces its video URL */

	ECC_TOPIC_OWNTRACKS, /* owntracks/{user}/{device} */
	ECC_TOPIC_GW_STATUS, /* ecc/gw/{gw}/status */
	ECC_TOPIC_GW_EVT,    /* ecc/gw/{gw}/evt */
	ECC_TOPIC_GW_LIVE,   /* ecc/gw/{gw}/live/{view}: a fallback view's fMP4 bytes */
};

struct ecc_topic {
	enum ecc_topic_kind kind;
	char id[ECC_ID_MAX + 1];     /* unit, gateway or OwnTracks user */
	char device[ECC_ID_MAX + 1]; /* OwnTracks device, live view, else empty */
};

/*
 * True when id is 1..ECC_ID_MAX characters of [A-Za-z0-9_.-] and not "." or
 * "..": safe inside a topic, a file name and a URL path segment.
 */
bool ecc_id_valid(const char *id);

/* Parses topic into *out. Returns true for a known kind with valid ids. */
bool ecc_topic_parse(const char *topic, struct ecc_topic *out);

/* ecc/unit/{unit}/{leaf}; NULL when unit is not a valid id. */
char *ecc_topic_unit(const char *unit, const char *leaf);

/* ecc/gw/{gw}/{leaf}; NULL when gw is not a valid id. */
char *ecc_topic_gw(const char *gw, const char *leaf);

/* ecc/gw/{gw}/live/{view}; NULL when an id is not valid. */
char *ecc_topic_gw_live(const char *gw, const char *view);

#endif
