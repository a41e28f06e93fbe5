/*
 * ecc_err: the one error vocabulary of ECC's C code.
 *
 * Why: every module returns an int that is ECC_OK (0) or one of these values,
 * so callers can branch on a cause without parsing strings, and the HTTP layer
 * can map a cause to a status code in one table. GError appears only at the
 * GLib/GStreamer edge and is converted there.
 *
 * Thread: any. ecc_strerror returns a static string (never free it).
 */
#ifndef ECC_ERR_H
#define ECC_ERR_H

enum ecc_err {
	ECC_OK = 0,
	ECC_ERR_NOMEM,     /* allocation failed */
	ECC_ERR_INVAL,     /* malformed or out-of-range input */
	ECC_ERR_NOTFOUND,  /* no such object */
	ECC_ERR_EXISTS,    /* the object already exists */
	ECC_ERR_DB,        /* SQLite failed; the store logged sqlite3_errmsg */
	ECC_ERR_AUTH,      /* wrong credentials or no valid session */
	ECC_ERR_LOCKED,    /* account locked after failed logins */
	ECC_ERR_FORBIDDEN, /* authenticated, but the role or scope does not allow it */
	ECC_ERR_TOOBIG,    /* input over a configured limit */
	ECC_ERR_IO,        /* file or socket error */
	ECC_ERR_PROTO,     /* a peer broke its protocol */
	ECC_ERR_IGNORED,   /* well-formed input that this path does not handle */
	ECC_ERR_DUPLICATE, /* already seen (same unit, same timestamp) */
	ECC_ERR_POLICY,    /* rejected by a policy (password rules, ...) */
	ECC_ERR_UNAVAIL,   /* a peer (broker, gpsd) is not reachable now */
	ECC_ERR_RATE,      /* too many requests */
	ECC_ERR__COUNT
};

/* A short English description of err; never NULL, static storage. */
const char *ecc_strerror(int err);

#endif
