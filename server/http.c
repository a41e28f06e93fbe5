/* http: lws context on the GLib loop, static files, REST request lifecycle. */
#define G_LOG_DOMAIN "ecc-http"

#include "http.h"
#include "ecc_err.h"
#include "router.h"
#include "ws.h"

#include <fcntl.h>
#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct ecc_http {
	struct ecc_hub *hub;
	struct lws_context *ctx;
	struct lws_vhost *vh;
	char *www;
	int port;
};

/* Per HTTP connection. */
struct http_pss {
	struct ecc_req *req;
};

/* ---- requests ----------------------------------------------------------- */

struct ecc_req *ecc_req_ref(struct ecc_req *r)
{
	r->refs++;
	return r;
}

void ecc_req_unref(struct ecc_req *r)
{
	if (!r || --r->refs > 0)
		return;
	for (int i = 0; i < r->nparams; i++)
		g_free(r->params[i]);
	g_free(r->query);
	g_free(r->range);
	g_free(r->body_type);
	if (r->file_fd >= 0)
		close(r->file_fd);
	if (r->src)
		r->src->release(r->src_ctx);
	g_free(r->src_buf);
	if (r->qtable)
		g_hash_table_destroy(r->qtable);
	if (r->body)
		g_string_free(r->body, TRUE);
	cJSON_Delete(r->json);
	g_free(r->resp_body);
	g_ptr_array_free(r->resp_headers, TRUE);
	g_free(r);
}

const char *ecc_req_query(struct ecc_req *r, const char *name)
{
	if (!r->qtable) {
		/* lws already URL-decoded the arguments: split on & and the first =;
		 * the first occurrence of a name wins. */
		gchar **pairs = g_strsplit(r->query ? r->query : "", "&", 64);
		r->qtable = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		for (gchar **p = pairs; *p; p++) {
			char *eq = strchr(*p, '=');
			if (!eq || eq == *p)
				continue;
			*eq = '\0';
			if (!g_hash_table_contains(r->qtable, *p))
				g_hash_table_insert(r->qtable, g_strdup(*p), g_strdup(eq + 1));
		}
		g_strfreev(pairs);
	}
	return g_hash_table_lookup(r->qtable, name);
}

void ecc_req_json(struct ecc_req *r, int status, cJSON *body)
{
	g_free(r->resp_body);
	r->status = status;
	r->resp_body = cJSON_PrintUnformatted(body);
	r->resp_len = r->resp_body ? strlen(r->resp_body) : 0;
	r->content_type = "application/json; charset=utf-8";
	r->answered = true;
	cJSON_Delete(body);
}

void ecc_req_error(struct ecc_req *r, int status, const char *code, const char *message)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");

	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	ecc_req_json(r, status, o);
}

/* Parses "bytes=A-B", "bytes=A-" or "bytes=-N" against size into [*a, *b). */
static bool parse_range(const char *h, uint64_t size, uint64_t *a, uint64_t *b)
{
	unsigned long long x = 0, y = 0;
	char *end;

	if (!g_str_has_prefix(h, "bytes=") || strchr(h, ','))
		return false;
	h += 6;
	if (*h == '-') {
		y = strtoull(h + 1, &end, 10);
		if (*end || y == 0 || end == h + 1)
			return false;
		*a = y >= size ? 0 : size - y;
		*b = size;
		return size > 0;
	}
	x = strtoull(h, &end, 10);
	if (end == h || *end != '-' || x >= size)
		return false;
	h = end + 1;
	if (!*h) {
		*a = x;
		*b = size;
		return true;
	}
	y = strtoull(h, &end, 10);
	if (*end || y < x)
		return false;
	*a = x;
	*b = MIN(y + 1, size);
	return true;
}

void ecc_req_file(struct ecc_req *r, const char *path, const char *content_type)
{
	struct stat st;
	uint64_t a = 0, b;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		ecc_req_error(r, 404, "not_found",
		              "the file is not there (deleted, or on another box)");
		return;
	}
	b = (uint64_t)st.st_size;
	ecc_req_header(r, "accept-ranges:", "bytes");
	if (r->range) {
		char cr[96];
		if (!parse_range(r->range, (uint64_t)st.st_size, &a, &b)) {
			close(fd);
			g_snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long)st.st_size);
			ecc_req_header(r, "content-range:", cr);
			ecc_req_error(r, 416, "range_not_satisfiable",
			              "the range is outside the file");
			return;
		}
		g_snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long)a,
		           (unsigned long long)(b - 1), (unsigned long long)st.st_size);
		ecc_req_header(r, "content-range:", cr);
	}
	g_free(r->resp_body);
	r->resp_body = NULL;
	r->status = r->range ? 206 : 200;
	r->content_type = content_type;
	r->file_fd = fd;
	r->file_pos = a;
	r->file_end = b;
	r->resp_len = b - a;
	r->answered = true;
}

/* A streamed answer is written in pieces of this size. */
#define STREAM_CHUNK (4 * 1024 * 1024)

void ecc_req_stream(struct ecc_req *r, const char *content_type, const struct ecc_req_source *src,
                    void *ctx)
{
	g_free(r->resp_body);
	r->resp_body = NULL;
	r->status = 200;
	r->content_type = content_type;
	r->src = src;
	r->src_ctx = ctx;
	r->src_buf = g_malloc(LWS_PRE + STREAM_CHUNK);
	/* a long stream: a send buffer that takes whole pieces */
	if (r->wsi) {
		int fd = lws_get_socket_fd(r->wsi), size = STREAM_CHUNK;
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	}
	r->resp_len = 0;
	r->answered = true;
}

void ecc_req_header(struct ecc_req *r, const char *name, const char *value)

{
	g_ptr_array_add(r->resp_headers, g_strdup(name));
	g_ptr_array_add(r->resp_headers, g_strdup(value));
}

void ecc_req_finish(struct ecc_req *r)
{
	if (r->wsi)
		lws_callback_on_writable(r->wsi);
}

/* ---- writing the answer ------------------------------------------------- */

static const char *const api_headers[][2] = {
    {"cache-control:", "no-store"},
    {"x-content-type-options:", "nosniff"},
    {"referrer-policy:", "no-referrer"},
    {"x-frame-options:", "DENY"},
};

static int add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p,
                      unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
	                                   (const unsigned char *)value, (int)strlen(value), p,
	                                   end);
}

/* The next piece of a streamed answer; the connection closes after the
 * last (the answer has no Content-Length). Returns as write_answer. */
static int write_stream(struct lws *wsi, struct http_pss *pss)
{
	struct ecc_req *r = pss->req;
	long n = r->src->read(r->src_ctx, r->src_buf + LWS_PRE, STREAM_CHUNK);

	if (n == 0)
		return 0; /* the producer calls ecc_req_finish when it has more */
	if (n > 0) {
		if (lws_write(wsi, r->src_buf + LWS_PRE, (size_t)n, LWS_WRITE_HTTP) != (int)n)
			return -1;
		r->resp_sent += (size_t)n;
		lws_callback_on_writable(wsi);
		return 0;
	}
	r->wsi = NULL;
	ecc_req_unref(r);
	pss->req = NULL;
	if (n != -1)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Returns -1 to close the connection, 0 to go on. */
static int write_answer(struct lws *wsi, struct http_pss *pss)
{
	struct ecc_req *r = pss->req;
	unsigned char buf[LWS_PRE + 16384];
	unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
	size_t chunk;
	bool final;

	if (!r->headers_sent) {
		if (lws_add_http_common_headers(wsi, (unsigned)r->status, r->content_type,
		                                r->src ? LWS_ILLEGAL_HTTP_CONTENT_LEN : r->resp_len,
		                                &p, end))
			return -1;
		for (size_t i = 0; i < G_N_ELEMENTS(api_headers); i++)
			if (add_header(wsi, api_headers[i][0], api_headers[i][1], &p, end))
				return -1;
		for (guint i = 0; i + 1 < r->resp_headers->len; i += 2)
			if (add_header(wsi, g_ptr_array_index(r->resp_headers, i),
			               g_ptr_array_index(r->resp_headers, i + 1), &p, end))
				return -1;
		if (lws_finalize_write_http_header(wsi, start, &p, end))
			return -1;
		r->headers_sent = true;
		lws_callback_on_writable(wsi);
		return 0;
	}
	if (r->src)
		return write_stream(wsi, pss);
	chunk = MIN(r->resp_len - r->resp_sent, sizeof(buf) - LWS_PRE - 1);
	final = r->resp_sent + chunk == r->resp_len;
	if (r->file_fd >= 0) {
		ssize_t n = pread(r->file_fd, start, chunk, (off_t)(r->file_pos + r->resp_sent));
		if (n != (ssize_t)chunk)
			return -1; /* the file shrank under us: close the connection */
	} else {
		memcpy(start, r->resp_body + r->resp_sent, chunk);
	}
	if (lws_write(wsi, start, chunk, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
	    (int)chunk)
		return -1;
	r->resp_sent += chunk;
	if (!final) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	r->wsi = NULL;
	ecc_req_unref(r);
	pss->req = NULL;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* ---- static files ------------------------------------------------------- */

static const char *const mimes[][2] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".geojson", "application/geo+json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".map", "application/json"},
    {".wav", "audio/wav"},
    {".ogg", "audio/ogg"},
    {".mp3", "audio/mpeg"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < G_N_ELEMENTS(mimes); i++)
		if (!g_ascii_strcasecmp(dot, mimes[i][0]))
			return mimes[i][1];
	return NULL;
}

/* A request path is safe when it is absolute, has no "..", no empty or
 * hidden segment, no backslash and no control character. */
static bool path_safe(const char *path)
{
	if (path[0] != '/' || strstr(path, "..") || strstr(path, "//") || strstr(path, "/.") ||
	    strchr(path, '\\'))
		return false;
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	return true;
}

/* Pages by their clean URLs. */
static const char *const pages[][2] = {
    {"/", "/index.html"},
    {"/login", "/login.html"},
    {"/m", "/m/index.html"},
    {"/m/", "/m/index.html"},
};

static const char *csp = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:;"
                         " connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline';"
                         " script-src 'self'; object-src 'none'; frame-ancestors 'none';"
                         " base-uri 'none'; form-action 'self'";

static int serve_static(struct ecc_http *h, struct lws *wsi, const char *uri)
{
	unsigned char hdrs[1024], *p = hdrs, *end = hdrs + sizeof(hdrs);
	const char *rel = uri, *mime;
	char *full;
	int n;

	if (!lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) &&
	    !lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI)) {
		lws_return_http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, NULL);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(pages); i++)
		if (!strcmp(uri, pages[i][0]))
			rel = pages[i][1];
	/* a consultation room's page: /room/{id} */
	if (g_str_has_prefix(uri, "/room/") && uri[6] &&
	    strspn(uri + 6, "0123456789") == strlen(uri + 6))
		rel = "/room.html";
	mime = mime_of(rel);
	if (!path_safe(rel) || !mime) {
		lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	full = g_strconcat(h->www, rel, NULL);
	if (!g_file_test(full, G_FILE_TEST_IS_REGULAR)) {
		g_free(full);
		lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	if (add_header(wsi, "content-security-policy:", csp, &p, end) ||
	    add_header(wsi, "x-content-type-options:", "nosniff", &p, end) ||
	    add_header(wsi, "referrer-policy:", "no-referrer", &p, end) ||
	    add_header(wsi, "cache-control:",
	               g_str_has_prefix(rel, "/vendor/") ? "public, max-age=86400" : "no-cache", &p,
	               end)) {
		g_free(full);
		return -1;
	}
	n = lws_serve_http_file(wsi, full, mime, (const char *)hdrs, (int)(p - hdrs));
	g_free(full);
	if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
}

/* ---- REST requests ------------------------------------------------------ */

static const struct {
	enum lws_token_indexes token;
	const char *method;
	bool body;
} methods[] = {
    {WSI_TOKEN_GET_URI, "GET", false},         {WSI_TOKEN_POST_URI, "POST", true},
    {WSI_TOKEN_PUT_URI, "PUT", true},          {WSI_TOKEN_PATCH_URI, "PATCH", true},
    {WSI_TOKEN_DELETE_URI, "DELETE", false},   {WSI_TOKEN_HEAD_URI, "HEAD", false},
    {WSI_TOKEN_OPTIONS_URI, "OPTIONS", false},
};

static char *copy_header(struct lws *wsi, enum lws_token_indexes t)
{
	int n = lws_hdr_total_length(wsi, t);
	char *v;

	if (n <= 0)
		return NULL;
	v = g_malloc((size_t)n + 1);
	if (lws_hdr_copy(wsi, v, n + 1, t) < 0) {
		g_free(v);
		return NULL;
	}
	return v;
}

static char *copy_query(struct lws *wsi)
{
	GString *q = g_string_new(NULL);
	char frag[512];

	for (int i = 0; i < 64; i++) {
		int n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag), WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n < 0)
			break;
		if (q->len)
			g_string_append_c(q, '&');
		g_string_append_len(q, frag, n);
	}
	return g_string_free(q, FALSE);
}

/* Session token from "Authorization: Bearer T" or the ecc_session cookie. */
static void read_token(struct lws *wsi, char token[ECC_TOKEN_CHARS + 1])
{
	char *v = copy_header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);

	token[0] = '\0';
	if (v && g_str_has_prefix(v, "Bearer ")) {
		g_strlcpy(token, g_strstrip(v + 7), ECC_TOKEN_CHARS + 1);
		g_free(v);
		return;
	}
	g_free(v);
	ecc_http_cookie_token(wsi, token);
}

void ecc_http_cookie_token(struct lws *wsi, char token[ECC_TOKEN_CHARS + 1])
{
	char *v = copy_header(wsi, WSI_TOKEN_HTTP_COOKIE);
	gchar **parts;

	if (!v)
		return;
	parts = g_strsplit(v, ";", 32);
	for (gchar **c = parts; *c; c++) {
		char *kv = g_strstrip(*c);
		if (g_str_has_prefix(kv, ECC_SESSION_COOKIE "="))
			g_strlcpy(token, kv + strlen(ECC_SESSION_COOKIE "="), ECC_TOKEN_CHARS + 1);
	}
	g_strfreev(parts);
	g_free(v);
}

bool ecc_http_origin_ok(struct lws *wsi)
{
	char *origin = copy_header(wsi, WSI_TOKEN_ORIGIN);
	char *host = copy_header(wsi, WSI_TOKEN_HOST);
	bool ok = true;

	if (origin) {
		const char *o = strstr(origin, "://");
		ok = host && o && !strcmp(o + 3, host);
	}
	g_free(origin);
	g_free(host);
	return ok;
}

static int begin_api(struct ecc_http *h, struct lws *wsi, struct http_pss *pss, const char *uri)
{
	struct ecc_req *r = g_new0(struct ecc_req, 1);
	char *len_s;
	bool has_body = false;

	r->refs = 1;
	r->wsi = wsi;
	r->hub = h->hub;
	r->file_fd = -1;
	r->range = copy_header(wsi, WSI_TOKEN_HTTP_RANGE);

	r->resp_headers = g_ptr_array_new_with_free_func(g_free);
	g_strlcpy(r->path, uri, sizeof(r->path));
	for (size_t i = 0; i < G_N_ELEMENTS(methods); i++) {
		if (lws_hdr_total_length(wsi, methods[i].token)) {
			g_strlcpy(r->method, methods[i].method, sizeof(r->method));
			has_body = methods[i].body;
			break;
		}
	}
	r->query = copy_query(wsi);
	read_token(wsi, r->token);
	lws_get_peer_simple(wsi, r->ip, sizeof(r->ip));
	r->tls = lws_is_ssl(wsi);
	r->origin_ok = ecc_http_origin_ok(wsi);
	r->body_type = copy_header(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
	r->body_max = ecc_router_body_max(h->hub->cfg, r->method, r->path);
	pss->req = r;

	len_s = copy_header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
	if (has_body && len_s && atoll(len_s) > 0) {
		long long n = atoll(len_s);
		g_free(len_s);
		if ((unsigned long long)n > r->body_max) {
			r->too_big = true;
			r->dispatched = true;
			ecc_router_dispatch(r);
			return write_answer(wsi, pss);
		}
		r->body = g_string_sized_new((gsize)n);
		return 0; /* wait for LWS_CALLBACK_HTTP_BODY_COMPLETION */
	}
	g_free(len_s);
	r->dispatched = true;
	ecc_router_dispatch(r);

	if (r->answered)
		lws_callback_on_writable(wsi);
	return 0;
}

/* ---- the lws protocol --------------------------------------------------- */

static int http_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
	struct http_pss *pss = user;
	struct lws_vhost *vh = lws_get_vhost(wsi);
	struct ecc_http *h = vh ? lws_vhost_user(vh) : NULL;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		if (!h)
			return -1;
		if (g_str_has_prefix(in, "/api/") || !strcmp(in, "/metrics"))
			return begin_api(h, wsi, pss, in);
		return serve_static(h, wsi, in);

	case LWS_CALLBACK_HTTP_BODY:
		if (!pss || !pss->req || !pss->req->body)
			return 0;
		if (pss->req->body->len + len > pss->req->body_max)
			pss->req->too_big = true;
		else
			g_string_append_len(pss->req->body, in, (gssize)len);
		return 0;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!pss || !pss->req)
			return -1;
		/* lws also completes an empty body (Content-Length: 0), which
		 * begin_api already dispatched. */
		if (pss->req->dispatched)
			return 0;
		pss->req->dispatched = true;
		ecc_router_dispatch(pss->req);

		if (pss->req->answered)
			lws_callback_on_writable(wsi);
		return 0;

	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!pss || !pss->req || !pss->req->answered)
			return 0;
		return write_answer(wsi, pss);

	case LWS_CALLBACK_CLOSED_HTTP:
		/* a connection closed before its first request (a browser's
		 * speculative preconnect) has no session data */
		if (pss && pss->req) {
			pss->req->wsi = NULL;
			ecc_req_unref(pss->req);
			pss->req = NULL;
		}
		return 0;

	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

/* ---- context ------------------------------------------------------------ */

static void lws_log(int level, const char *line)
{
	gsize n = strlen(line);

	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (level & LLL_ERR)
		g_warning("lws: %.*s", (int)n, line);
	else
		g_message("lws: %.*s", (int)n, line);
}

ecc_http *ecc_http_new(struct ecc_hub *hub)
{
	const struct ecc_config *c = hub->cfg;
	struct lws_context_creation_info info;
	static struct lws_protocols protocols[3];
	void *foreign[1];
	ecc_http *h = g_new0(ecc_http, 1);

	h->hub = hub;
	h->www = g_strdup(c->www);
	protocols[0] = (struct lws_protocols){
	    .name = "http",
	    .callback = http_cb,
	    .per_session_data_size = sizeof(struct http_pss),
	};
	protocols[1] = ecc_ws_protocol(hub->cfg);
	protocols[2] = (struct lws_protocols){0};

	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
	memset(&info, 0, sizeof(info));
	foreign[0] = hub->loop;
	info.foreign_loops = foreign;
	info.options = LWS_SERVER_OPTION_GLIB | LWS_SERVER_OPTION_VALIDATE_UTF8 |
	               LWS_SERVER_OPTION_DISABLE_IPV6;
	info.port = c->port;
	info.iface = *c->listen ? c->listen : NULL;
	info.protocols = protocols;
	info.user = h;
	info.vhost_name = "ecc";
	info.max_http_header_data = 8192;
	info.timeout_secs = 30;
	/* lws drains what a socket did not take in pieces of this size, one per
	 * loop turn: the default 4 KiB held a streamed evidence export to
	 * about 100 MB/s; one streamed piece per turn instead */
	info.pt_serv_buf_size = STREAM_CHUNK + LWS_PRE;
	if (*c->tls_cert) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = c->tls_cert;
		info.ssl_private_key_filepath = c->tls_key;
	}
	h->ctx = lws_create_context(&info);
	if (!h->ctx) {
		g_warning("could not create the HTTP server on %s:%d", c->listen, c->port);
		ecc_http_free(h);
		return NULL;
	}
	h->vh = lws_get_vhost_by_name(h->ctx, "ecc");
	h->port = h->vh ? lws_get_vhost_listen_port(h->vh) : c->port;
	g_message("serving %s on %s://%s:%d", h->www, *c->tls_cert ? "https" : "http", c->listen,
	          h->port);
	return h;
}

int ecc_http_port(const ecc_http *h)
{
	return h->port;
}

void ecc_http_free(ecc_http *h)
{
	if (!h)
		return;
	if (h->ctx)
		lws_context_destroy(h->ctx);
	g_free(h->www);
	g_free(h);
}
