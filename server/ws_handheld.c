/* ws_handheld: the handheld page (/m/) as a unit, over the WebSocket.
 *
 * An officer whose account has a unit of its own reports as that unit:
 * positions (the phone's geolocation, live or queued while offline) go into
 * the same telemetry path as an MQTT device's, device events (SOS and its
 * cancel) into the same alert path as ecc/unit/{unit}/event, and the page
 * says when an instruction reached it (delivered_at) as a unit's ack would.
 * Every position and event carries the page's sequence number "seq"; the hub
 * answers with the numbers it took, refused ones too, so the page deletes
 * from its queue only what the hub has seen (a re-sent position is stored
 * once: positions are unique on unit and device time). */
#define G_LOG_DOMAIN "ecc-ws"

#include "ws_internal.h"
#include "alert.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "instructions.h"
#include "proto_event.h"
#include "proto_telemetry.h"
#include "telemetry.h"
#include "units.h"

#include <math.h>
#include <string.h>

/* Positions per "pos" message: a page back from a long dead zone sends its
 * queue in pieces of at most this many. */
#define POS_PER_MSG 200

/* The unit this client reports as, or NULL (and an error sent). */
static struct ecc_unit *own_unit(struct client *c)
{
	struct ecc_unit *u;

	if (c->user.role != ECC_ROLE_OFFICER || !c->user.unit[0]) {
		ecc_ws__send_error(c, "forbidden",
		                   "only an officer whose account has a unit may report as a unit");
		return NULL;
	}
	u = ecc_units_lookup(c->ws->hub->units, c->user.unit);
	if (!u)
		ecc_ws__send_error(c, "not_found", "the account's unit does not exist");
	return u;
}

static bool get_seq(const cJSON *o, double *seq)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "seq");

	if (!cJSON_IsNumber(s) || s->valuedouble < 0 || s->valuedouble > 9007199254740991.0 ||
	    floor(s->valuedouble) != s->valuedouble)
		return false;
	*seq = s->valuedouble;
	return true;
}

static void refused(cJSON *arr, double seq, const char *why)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddNumberToObject(r, "seq", seq);
	cJSON_AddStringToObject(r, "why", why);
	cJSON_AddItemToArray(arr, r);
}

/* {"type":"pos","positions":[{"seq","ts","lat","lon","acc"?,"speed"?,
 *  "heading"?,"alt"?,"battery"?},..]} -> {"type":"pos_ack","seqs":[..],
 *  "refused":[{"seq","why"}]} */
void ecc_ws__m_pos(struct client *c, const cJSON *msg)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(msg, "positions"), *it;
	struct ecc_unit *u = own_unit(c);
	cJSON *ack, *seqs, *bad;

	if (!u)
		return;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > POS_PER_MSG) {
		ecc_ws__send_error(c, "bad_request",
		                   "positions: an array of at most 200 positions");
		return;
	}
	ack = cJSON_CreateObject();
	cJSON_AddStringToObject(ack, "type", "pos_ack");
	seqs = cJSON_AddArrayToObject(ack, "seqs");
	bad = cJSON_AddArrayToObject(ack, "refused");
	cJSON_ArrayForEach(it, arr)
	{
		struct ecc_position p;
		char why[ECC_WHY_MAX] = "";
		double seq;
		char *text;
		int rc;

		if (!cJSON_IsObject(it) || !get_seq(it, &seq)) {
			ecc_ws__send_error(c, "bad_request",
			                   "each position needs a whole number seq");
			continue;
		}
		text = cJSON_PrintUnformatted(it);
		rc = text ? ecc_proto_telemetry_parse(text, strlen(text), &p, why) : ECC_ERR_INVAL;
		cJSON_free(text);
		if (rc == ECC_OK) {
			p.source = ECC_SRC_WEB;
			rc = ecc_telemetry_submit(c->ws->hub->telemetry, u->id, &p);
			if (rc != ECC_OK)
				g_strlcpy(why, "device time too far ahead or value out of range",
				          sizeof(why));
		} else {
			ecc_telemetry_count_rejected(c->ws->hub->telemetry);
		}
		if (rc == ECC_OK) {
			cJSON_AddItemToArray(seqs, cJSON_CreateNumber(seq));
		} else {
			g_message("unit=%s user=%s: position refused: %s", u->id, c->user.username,
			          why);
			refused(bad, seq, why);
		}
	}
	ecc_ws__enqueue_json(c, ack);
}

/* What a page may raise: the button events of a body camera. */
static const char *const page_events[] = {"sos", "sos_cancel", "rec_start", "rec_stop", NULL};

/* {"type":"event","seq","ts","kind","lat"?,"lon"?,"text"?} -> as an MQTT
 * event of the unit; {"type":"event_ack","seq","kind","alert"?} */
void ecc_ws__m_event(struct client *c, const cJSON *msg)
{
	struct ecc_unit *u = own_unit(c);
	struct ecc_event e;
	char why[ECC_WHY_MAX] = "";
	double seq;
	char *text;
	cJSON *ack;
	int rc, k;

	if (!u)
		return;
	if (!get_seq(msg, &seq)) {
		ecc_ws__send_error(c, "bad_request", "an event needs a whole number seq");
		return;
	}
	text = cJSON_PrintUnformatted(msg);
	rc = text ? ecc_proto_event_parse(text, strlen(text), &e, why) : ECC_ERR_INVAL;
	cJSON_free(text);
	for (k = 0; rc == ECC_OK && page_events[k] && strcmp(page_events[k], e.kind); k++)
		;
	if (rc == ECC_OK && !page_events[k]) {
		g_strlcpy(why, "kind: sos, sos_cancel, rec_start or rec_stop", sizeof(why));
		rc = ECC_ERR_INVAL;
	}
	ack = cJSON_CreateObject();
	cJSON_AddStringToObject(ack, "type", "event_ack");
	cJSON_AddNumberToObject(ack, "seq", seq);
	if (rc != ECC_OK) {
		g_message("unit=%s user=%s: event refused: %s", u->id, c->user.username, why);
		cJSON_AddStringToObject(ack, "refused", why);
		ecc_ws__enqueue_json(c, ack);
		return;
	}
	g_message("unit=%s user=%s: event %s from the handheld page", u->id, c->user.username,
	          e.kind);
	cJSON_AddStringToObject(ack, "kind", e.kind);
	/* the same path as ecc/unit/{unit}/event (bus.c) */
	ecc_telemetry_seen(c->ws->hub->telemetry, u);
	rc = ecc_alerts_from_event(c->ws->hub->alerts, u->id, &e);
	if (rc != ECC_OK && rc != ECC_ERR_IGNORED)
		cJSON_AddStringToObject(ack, "refused", "the alert could not be stored");
	ecc_ws__enqueue_json(c, ack);
}

/* {"type":"delivered","id":42}: the instruction reached the page of the
 * officer; its unit's delivery gets its delivered_at, as a unit's
 * {"op":"instruction","ok":true} on ecc/unit/{unit}/ack would set it. */
void ecc_ws__m_delivered(struct client *c, const cJSON *msg)
{
	ecc_instructions *in = c->ws->hub->instructions;
	int64_t id = 0;
	cJSON *i, *ack;
	char idtext[24];

	if (ecc_json_get_int64(msg, "id", &id) != ECC_OK || id <= 0) {
		ecc_ws__send_error(c, "bad_request", "id: an instruction id");
		return;
	}
	if (!c->user.unit[0])
		return; /* a user's own delivery is marked by the acknowledgment */
	i = ecc_instructions_get(in, id);
	if (!i || !ecc_instructions_addressed(in, i, &c->user)) {
		cJSON_Delete(i);
		ecc_ws__send_error(c, "not_found", "no such instruction for this user");
		return;
	}
	cJSON_Delete(i);
	g_snprintf(idtext, sizeof(idtext), "%" G_GINT64_FORMAT, id);
	ack = cJSON_CreateObject();
	cJSON_AddStringToObject(ack, "op", "instruction");
	cJSON_AddStringToObject(ack, "id", idtext);
	cJSON_AddBoolToObject(ack, "ok", true);
	ecc_instructions_on_unit_ack(in, c->user.unit, ack);
	cJSON_Delete(ack);
}
