/*
 * proto_event: device events on ecc/unit/{unit}/event:
 *   {"ts":ms,"kind":"sos"|"rec_start"|"rec_stop"|"battery_low"|...,
 *    "lat":..,"lon":..,"text":"..."}
 * kind is required ([a-z0-9_], 1..31 characters); a position and a short
 * text (at most ECC_EVENT_TEXT_MAX bytes of UTF-8) may come with it.
 *
 * Thread: any. Returns ECC_OK, ECC_ERR_TOOBIG or ECC_ERR_INVAL; why
 * (ECC_WHY_MAX bytes, or NULL) names the cause.
 */
#ifndef ECC_PROTO_EVENT_H
#define ECC_PROTO_EVENT_H

#include "position.h"

#include <stddef.h>

#define ECC_EVENT_MAX_BYTES 4096
#define ECC_EVENT_KIND_MAX  31
#define ECC_EVENT_TEXT_MAX  255

struct ecc_event {
	int64_t ts;
	char kind[ECC_EVENT_KIND_MAX + 1];
	double lat, lon; /* NAN when absent */
	char text[ECC_EVENT_TEXT_MAX + 1];
};

int ecc_proto_event_parse(const char *buf, size_t len, struct ecc_event *out, char *why);

#endif
