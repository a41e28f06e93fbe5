/*
 * router: REST routes as one static table, walked by one dispatcher, and by
 * the authorization test (through `ecc-hub routes`).
 *
 * Why: every route names its method, path pattern ({name} segments become
 * req->params), the roles allowed and whether it takes a JSON body; the
 * dispatcher checks the session (401), the role (403), the body size (413)
 * and JSON (400) before any handler runs, so a route cannot be added without
 * those checks. Handlers check scope (an officer's own team) themselves.
 * Errors map to HTTP through one table (ecc_router_fail).
 *
 * Thread: the main loop.
 */
#ifndef ECC_ROUTER_H
#define ECC_ROUTER_H

#include "http.h"

enum {
	ECC_ROUTE_PUBLIC = 1 << 0, /* no session needed */
	ECC_ROUTE_JSON = 1 << 1,   /* the body must be a JSON object */
	ECC_ROUTE_UPLOAD = 1 << 2, /* a file: the body may be ECC_UPLOAD_MAX bytes */
};

/* The largest body of an ECC_ROUTE_UPLOAD route (a photo from a phone). */
#define ECC_UPLOAD_MAX (8u << 20)

/* A handler answers with ecc_req_json/ecc_req_error before returning, or
 * takes a reference and answers later (ecc_req_finish). */
typedef void (*ecc_route_fn)(struct ecc_req *req);

struct ecc_route {
	const char *method;
	const char *pattern; /* "/api/v1/units/{id}/track" */
	unsigned roles;      /* ECC_ROLE_BIT mask; ignored with ECC_ROUTE_PUBLIC */
	unsigned flags;
	ecc_route_fn fn;
	const char *summary; /* one line, for docs/api.md */
};

/* The table, terminated by an entry with method NULL. */
extern const struct ecc_route ecc_routes[];

/* The largest body a request to method path may carry: [limits]
 * http_body_max, or ECC_UPLOAD_MAX for an upload route. */
size_t ecc_router_body_max(const struct ecc_config *cfg, const char *method, const char *path);

/* Runs the checks and the handler for req. */
void ecc_router_dispatch(struct ecc_req *req);

/* Answers req with the HTTP status and code that err maps to; message may be
 * NULL (then ecc_strerror(err)). */
void ecc_router_fail(struct ecc_req *req, int err, const char *message);
/* The error code of that table for err ("internal" for one it lacks), for
 * answers that are not HTTP (WebSocket errors). */
const char *ecc_router_err_code(int err);

/* Prints the table (and the WebSocket channels) as JSON on stdout. */
void ecc_routes_print(void);

#endif
