/* ws_views: the WebSocket's live-view messages (watch, answer, ice,
 * unwatch) and what views.c sends back on a client's connection: JSON
 * signalling and the binary fallback video. */
#define G_LOG_DOMAIN "ecc-ws"

#include "ecc_err.h"
#include "ecc_json.h"
#include "views.h"
#include "ws_internal.h"

#include <string.h>

static void send_view(void *client, cJSON *msg)
{
	ecc_ws__enqueue_json(client, msg);
}

static bool send_view_media(void *client, const char *view, const void *data, size_t len)
{
	struct client *c = client;
	size_t idlen = strlen(view);
	GString *m;

	if (c->mediaq_bytes + len > MEDIAQ_MAX_BYTES || idlen > 255)
		return false;
	m = g_string_sized_new(LWS_PRE + 1 + idlen + len);
	g_string_set_size(m, LWS_PRE);
	g_string_append_c(m, (char)idlen);
	g_string_append_len(m, view, (gssize)idlen);
	g_string_append_len(m, data, (gssize)len);
	g_queue_push_tail(c->mediaq, m);
	c->mediaq_bytes += m->len;
	ecc_ws__want_write(c);
	return true;
}

/* watch {stream, ref?, mode?: webrtc or fmp4}: watching {view, stream, ref,
 * unit, mode, ice_servers} follows, or an error that names the stream and
 * ref. */
void ecc_ws__m_watch(struct client *c, const cJSON *msg)
{
	int64_t stream = 0;
	char view[24];
	const char *why = "watch needs a stream id", *ref = NULL, *code = "bad_request",
	           *mode = NULL;
	enum ecc_view_mode vmode = ECC_VIEW_WEBRTC;
	cJSON *o;
	int rc = ECC_ERR_INVAL;

	if (ecc_json_get_string(msg, "ref", &ref) == ECC_ERR_INVAL || (ref && strlen(ref) > 64))
		ref = NULL;
	if (ecc_json_get_string(msg, "mode", &mode) == ECC_ERR_INVAL ||
	    !ecc_view_mode_parse(mode, &vmode))
		why = "mode is webrtc or fmp4";
	else if (ecc_json_get_int64(msg, "stream", &stream) == ECC_OK && stream != 0)
		rc = ecc_views_watch(c->ws->hub->views, c, &c->user, c->ip, stream, vmode, ref,
		                     view, &why);
	if (rc == ECC_OK)
		return;
	code = rc == ECC_ERR_FORBIDDEN  ? "forbidden"
	       : rc == ECC_ERR_NOTFOUND ? "not_found"
	       : rc == ECC_ERR_TOOBIG   ? "too_many"
	       : rc == ECC_ERR_UNAVAIL  ? "unavailable"
	                                : code;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "error");
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "message", why);
	cJSON_AddNumberToObject(o, "stream", (double)stream);
	if (ref)
		cJSON_AddStringToObject(o, "ref", ref);
	ecc_ws__enqueue_json(c, o);
}

/* answer {view, sdp}, ice {view, mline, candidate}, unwatch {view} */
void ecc_ws__m_view_signal(struct client *c, const cJSON *msg)
{
	const char *type = NULL, *view = NULL, *text = NULL;
	double mline = 0;
	int rc = ECC_ERR_INVAL;

	ecc_json_get_string(msg, "type", &type);
	if (ecc_json_get_string(msg, "view", &view) != ECC_OK) {
		ecc_ws__send_error(c, "bad_request", "a view message needs its view id");
		return;
	}
	if (!strcmp(type, "unwatch"))
		rc = ecc_views_stop(c->ws->hub->views, c, view);
	else if (!strcmp(type, "answer") && ecc_json_get_string(msg, "sdp", &text) == ECC_OK &&
	         strlen(text) < 65536)
		rc = ecc_views_answer(c->ws->hub->views, c, view, text);
	else if (!strcmp(type, "ice") && ecc_json_get_string(msg, "candidate", &text) == ECC_OK &&
	         strlen(text) < 1024 && ecc_json_get_number(msg, "mline", &mline) == ECC_OK &&
	         mline >= 0 && mline < 16)
		rc = ecc_views_ice(c->ws->hub->views, c, view, (unsigned)mline, text);
	if (rc == ECC_ERR_NOTFOUND)
		ecc_ws__send_error(c, "not_found", "no such view on this connection");
	else if (rc != ECC_OK)
		ecc_ws__send_error(c, "bad_request",
		                   "answer needs sdp; ice needs mline and candidate");
}

void ecc_ws__views_attach(ecc_views *views)
{
	ecc_views_set_sender(views, send_view, send_view_media);
}
