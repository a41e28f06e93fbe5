/*
 * http: the lws context on the GLib loop, the HTTP request lifecycle and the
 * static files of the wallboard.
 *
 * Why: libwebsockets runs as a source on the hub's GMainLoop
 * (LWS_SERVER_OPTION_GLIB, foreign_loops[0] = the GMainLoop*). This module
 * owns the context and vhost, serves [hub] www (pages and the npm libraries
 * copied there by the build) with safe paths and security headers, collects
 * REST requests under /api/ (bodies up to [limits] http_body_max, else 413)
 * and hands them to the router; the WebSocket protocol is ws.c's.
 * TLS is on when [hub] tls_cert and tls_key are set.
 *
 * Thread: the main loop. A struct ecc_req is reference-counted: the
 * connection holds one reference, an asynchronous handler takes another
 * (ecc_req_ref) and answers later with ecc_req_finish; when the client left
 * in between, req->wsi is NULL and the answer is dropped.
 */
#ifndef ECC_HTTP_H
#define ECC_HTTP_H

#include "auth.h"
#include "hub.h"

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct lws;

#define ECC_REQ_MAX_PARAMS 4

struct ecc_req {
	int refs;
	struct lws *wsi; /* NULL once the connection closed */
	struct ecc_hub *hub;
	char method[8];
	char path[256];
	char *query;                      /* raw, already URL-decoded by lws; may be "" */
	GHashTable *qtable;               /* parsed query, on first use */
	char *params[ECC_REQ_MAX_PARAMS]; /* path parameters, set by the router */
	int nparams;
	GString *body;
	cJSON *json; /* the parsed body, when the route takes one */
	char token[ECC_TOKEN_CHARS + 1];
	bool authed;
	struct ecc_user user;
	char ip[64];
	bool tls;
	bool origin_ok; /* no Origin header, or it names this host */
	bool too_big;
	bool dispatched;
	char *range;     /* the Range header, or NULL */
	char *body_type; /* the Content-Type header, or NULL */
	size_t body_max; /* the largest body this request may carry */

	/* the answer */
	int status;
	int file_fd; /* a file answer: the bytes file_pos..file_end-1 follow */
	uint64_t file_pos, file_end;
	char *resp_body;
	size_t resp_len, resp_sent;
	const char *content_type;
	GPtrArray *resp_headers; /* "name:" and value, alternating, owned */
	bool answered;
	bool headers_sent;

	/* a streamed answer (ecc_req_stream) */
	const struct ecc_req_source *src;
	void *src_ctx;
	unsigned char *src_buf;
};

/*
 * The producer of a streamed answer of unknown length (sent without a
 * Content-Length, the connection closes after it). read fills buf (up to
 * cap bytes) and returns how many, 0 when nothing is ready yet (the
 * producer calls ecc_req_finish, on the main loop, when there is), -1 at
 * the end, -2 on a failure (the connection is cut: the client sees a
 * truncated body). release runs once when the request is freed.
 */
struct ecc_req_source {
	long (*read)(void *ctx, unsigned char *buf, size_t cap);
	void (*release)(void *ctx);
};

#define ECC_SESSION_COOKIE "ecc_session"

ecc_http *ecc_http_new(struct ecc_hub *hub);
void ecc_http_free(ecc_http *h);

/* The port actually bound (useful with [hub] port = 0). */
int ecc_http_port(const ecc_http *h);

struct ecc_req *ecc_req_ref(struct ecc_req *r);
void ecc_req_unref(struct ecc_req *r);

/* A query parameter's value (borrowed from an internal table), or NULL. */
const char *ecc_req_query(struct ecc_req *r, const char *name);

/* Sets the answer: body is consumed (cJSON_Delete'd). */
void ecc_req_json(struct ecc_req *r, int status, cJSON *body);
/* {"error":{"code":code,"message":message}} with status. */
void ecc_req_error(struct ecc_req *r, int status, const char *code, const char *message);
/* Adds a response header, name with its colon ("set-cookie:"). */
void ecc_req_header(struct ecc_req *r, const char *name, const char *value);

/* Answers with a file (Range: bytes=A-B honoured: 206, or 416 when out of
 * the file); content_type e.g. "video/mp4". 404 when it cannot be opened. */
void ecc_req_file(struct ecc_req *r, const char *path, const char *content_type);

/* Answers with a stream (status 200, content_type); ctx is released
 * through src->release when the request ends, however it ends. */
void ecc_req_stream(struct ecc_req *r, const char *content_type, const struct ecc_req_source *src,
                    void *ctx);

/* Sends the answer set above (for asynchronous handlers). */

void ecc_req_finish(struct ecc_req *r);

/* Helpers shared with ws.c (valid while the handshake headers are). */
void ecc_http_cookie_token(struct lws *wsi, char token[ECC_TOKEN_CHARS + 1]);
/* True when there is no Origin header or it names the Host that was asked. */
bool ecc_http_origin_ok(struct lws *wsi);

#endif
