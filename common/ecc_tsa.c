/* ecc_tsa: RFC 3161 time-stamps: asked of a TSA, checked offline. */
#include "ecc_tsa.h"
#include "ecc_err.h"

#include <stdbool.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>
#include <string.h>

#define REPLY_MAX (1 << 20)

/* OpenSSL's last error as text, after what. */
static char *ssl_why(const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return g_strdup_printf("%s%s%s", what, buf[0] ? ": " : "", buf);
}

static char *asn1_text(int (*print)(BIO *, const void *), const void *what)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL, *out;
	long n;

	if (!b)
		return g_strdup("?");
	print(b, what);
	n = BIO_get_mem_data(b, &data);
	out = n > 0 ? g_strndup(data, (gsize)n) : g_strdup("?");
	BIO_free(b);
	return out;
}

/* The token's time as ISO 8601 UTC. */
static char *gen_time_of(TS_RESP *r)
{
	const ASN1_GENERALIZEDTIME *t = TS_TST_INFO_get_time(TS_RESP_get_tst_info(r));
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return g_strdup("?");
	return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int print_name(BIO *b, const void *n)
{
	return GENERAL_NAME_print(b, (GENERAL_NAME *)n);
}

static int print_subject(BIO *b, const void *x)
{
	return X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_ONELINE);
}

/* The TSA's name in the token, or the subject of the certificate that
 * signed it. */
static char *tsa_of(TS_RESP *r)
{
	GENERAL_NAME *n = TS_TST_INFO_get_tsa(TS_RESP_get_tst_info(r));
	PKCS7 *p7 = TS_RESP_get_token(r);
	STACK_OF(X509) *certs = p7 && PKCS7_type_is_signed(p7) ? p7->d.sign->cert : NULL;

	if (n)
		return asn1_text(print_name, n);
	if (certs && sk_X509_num(certs) > 0)
		return asn1_text(print_subject, sk_X509_value(certs, 0));
	return g_strdup("(not named)");
}

/* A granted (or granted with modifications) response; else why. */
static bool granted(TS_RESP *r, char **why)
{
	TS_STATUS_INFO *si = TS_RESP_get_status_info(r);
	long st = si ? ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si)) : -1;
	const STACK_OF(ASN1_UTF8STRING) *text = si ? TS_STATUS_INFO_get0_text(si) : NULL;
	char *said = NULL;

	if (st == 0 || st == 1)
		return true;
	if (text && sk_ASN1_UTF8STRING_num(text) > 0) {
		ASN1_UTF8STRING *s = sk_ASN1_UTF8STRING_value(text, 0);
		said =
		    g_strndup((const char *)ASN1_STRING_get0_data(s), (gsize)ASN1_STRING_length(s));
	}
	*why = g_strdup_printf("the TSA refused: status %ld%s%s", st, said ? ", " : "",
	                       said ? said : "");
	g_free(said);
	return false;
}

static TS_REQ *request_for(const uint8_t digest[32])
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	BIGNUM *bn = BN_new();
	ASN1_INTEGER *nonce = NULL;
	bool ok = req && mi && alg && bn;

	ok = ok && X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) &&
	     TS_MSG_IMPRINT_set_algo(mi, alg) &&
	     TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, 32) &&
	     TS_REQ_set_version(req, 1) && TS_REQ_set_msg_imprint(req, mi) &&
	     BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
	     (nonce = BN_to_ASN1_INTEGER(bn, NULL)) && TS_REQ_set_nonce(req, nonce) &&
	     TS_REQ_set_cert_req(req, 1); /* the TSA's certificate in the token */
	ASN1_INTEGER_free(nonce);
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	if (!ok) {
		TS_REQ_free(req);
		return NULL;
	}
	return req;
}

static GBytes *der_of(TS_RESP *r)
{
	unsigned char *der = NULL;
	int n = i2d_TS_RESP(r, &der);
	GBytes *b = n > 0 ? g_bytes_new(der, (gsize)n) : NULL;

	OPENSSL_free(der);
	return b;
}

int ecc_tsa_stamp(const char *url, const uint8_t digest[32], int timeout_s, GBytes **reply,
                  char **gen_time, char **why)
{
	char *host = NULL, *port = NULL, *path = NULL;
	int ssl = 0, rc = ECC_ERR_PROTO;
	TS_REQ *req = NULL;
	TS_RESP *r = NULL;
	TS_VERIFY_CTX *v = NULL;
	BIO *body = NULL, *answer = NULL;

	*reply = NULL;
	*gen_time = *why = NULL;
	if (!OSSL_HTTP_parse_url(url, &ssl, NULL, &host, &port, NULL, &path, NULL, NULL) || ssl) {
		*why =
		    ssl ? g_strdup_printf("%s: only http:// TSAs (their answers are signed)", url)
		        : g_strdup_printf("%s is not an http:// URL", url);
		rc = ECC_ERR_INVAL;
		goto out;
	}
	req = request_for(digest);
	body = BIO_new(BIO_s_mem());
	if (!req || !body || !i2d_TS_REQ_bio(body, req)) {
		*why = ssl_why("cannot build the time-stamp request");
		goto out;
	}
	answer = OSSL_HTTP_transfer(NULL, host, port, path, 0, NULL, NULL, NULL, NULL, NULL, NULL,
	                            0, NULL, "application/timestamp-query", body,
	                            "application/timestamp-reply", 0, REPLY_MAX, timeout_s, 0);
	if (!answer) {
		*why = ssl_why("no answer");
		rc = ECC_ERR_UNAVAIL;
		goto out;
	}
	r = d2i_TS_RESP_bio(answer, NULL);
	if (!r) {
		*why = ssl_why("the TSA's answer is not a time-stamp response");
		goto out;
	}
	if (!granted(r, why))
		goto out;
	/* its version, the digest and the nonce asked for (its signature is
	 * ecc-verify's, against the TSA's CA) */
	v = TS_REQ_to_TS_VERIFY_CTX(req, NULL);
	if (v)
		TS_VERIFY_CTX_set_flags(v, TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
	if (!v || !TS_RESP_verify_response(v, r)) {
		*why = ssl_why("the TSA's token is not for this request");
		goto out;
	}
	*reply = der_of(r);
	*gen_time = gen_time_of(r);
	rc = *reply ? ECC_OK : ECC_ERR_NOMEM;
out:
	TS_VERIFY_CTX_free(v);
	TS_RESP_free(r);
	TS_REQ_free(req);
	BIO_free(body);
	BIO_free(answer);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	return rc;
}

int ecc_tsa_check(GBytes *reply, const uint8_t digest[32], const char *ca_file, char **gen_time,
                  char **tsa, char **why)
{
	gsize len;
	const unsigned char *p = g_bytes_get_data(reply, &len);
	TS_RESP *r = d2i_TS_RESP(NULL, &p, (long)len);
	TS_VERIFY_CTX *v = NULL;
	X509_STORE *store = NULL;
	int flags = TS_VFY_VERSION | TS_VFY_IMPRINT, rc = ECC_ERR_PROTO;

	*gen_time = *tsa = *why = NULL;
	if (!r) {
		*why = ssl_why("not an RFC 3161 time-stamp response");
		goto out;
	}
	if (!granted(r, why))
		goto out;
	v = TS_VERIFY_CTX_new();
	if (!v)
		goto out;
	TS_VERIFY_CTX_set_imprint(v, OPENSSL_memdup(digest, 32), 32);
	if (ca_file) {
		store = X509_STORE_new();
		if (!store || !X509_STORE_load_file(store, ca_file)) {
			*why = ssl_why("cannot read the TSA's CA file");
			X509_STORE_free(store);
			goto out;
		}
		TS_VERIFY_CTX_set_store(v, store); /* the context's now */
		flags |= TS_VFY_SIGNATURE;
	}
	TS_VERIFY_CTX_set_flags(v, flags);
	if (!TS_RESP_verify_response(v, r)) {
		*why = ssl_why(ca_file ? "the token does not check"
		                       : "the token is not over this digest");
		goto out;
	}
	*gen_time = gen_time_of(r);
	*tsa = tsa_of(r);
	rc = ECC_OK;
out:
	TS_VERIFY_CTX_free(v);
	TS_RESP_free(r);
	return rc;
}
