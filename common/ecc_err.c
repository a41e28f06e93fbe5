/* ecc_err: descriptions of enum ecc_err. */
#include "ecc_err.h"

static const char *const messages[ECC_ERR__COUNT] = {
    [ECC_OK] = "success",
    [ECC_ERR_NOMEM] = "out of memory",
    [ECC_ERR_INVAL] = "invalid input",
    [ECC_ERR_NOTFOUND] = "not found",
    [ECC_ERR_EXISTS] = "already exists",
    [ECC_ERR_DB] = "database error",
    [ECC_ERR_AUTH] = "authentication required or failed",
    [ECC_ERR_LOCKED] = "account locked",
    [ECC_ERR_FORBIDDEN] = "not allowed for this role",
    [ECC_ERR_TOOBIG] = "input too large",
    [ECC_ERR_IO] = "input/output error",
    [ECC_ERR_PROTO] = "protocol error",
    [ECC_ERR_IGNORED] = "ignored",
    [ECC_ERR_DUPLICATE] = "duplicate",
    [ECC_ERR_POLICY] = "rejected by policy",
    [ECC_ERR_UNAVAIL] = "service unavailable",
    [ECC_ERR_RATE] = "rate limited",
};

const char *ecc_strerror(int err)
{
	if (err < 0 || err >= ECC_ERR__COUNT || !messages[err])
		return "unknown error";
	return messages[err];
}
