/*
 * ecc_tsa: RFC 3161 time-stamps over a SHA-256 digest, asked of a
 * time-stamping authority (TSA) over HTTP by the hub when it exports an
 * evidence package, and checked offline by ecc-verify.
 *
 * Why: the court's Ed25519 signature shows who sealed a package, not when;
 * a token from an independent TSA shows that the package's payload
 * manifest (every file's SHA-256, the chain) existed at the TSA's time.
 * The token is the TSA's whole DER response (a TimeStampResp), which
 * `openssl ts -verify -data manifest-sha256.txt -in timestamp.tsr -CAfile
 * TSA-CA.pem` also checks.
 *
 * OpenSSL does all of it: the request and the response (TS_*), the HTTP
 * POST (OSSL_HTTP_transfer: application/timestamp-query, -reply), the
 * TSA's signature (against a CA file). Only http:// URLs: TSAs answer over
 * plain HTTP because their answers are signed.
 *
 * Thread: any (blocking; the hub calls it from its export worker).
 * Errors: ECC_ERR_INVAL (a bad URL), ECC_ERR_UNAVAIL (no answer),
 * ECC_ERR_PROTO (an answer that is not a granted token for this digest, or
 * whose signature does not check); *why says what (caller g_free()s).
 */
#ifndef ECC_TSA_H
#define ECC_TSA_H

#include <glib.h>
#include <stdint.h>

#define ECC_TSA_TOKEN "timestamp.tsr" /* the token's name in a package */

/* Asks url for a token over digest (SHA-256), with a random nonce, within
 * timeout_s. ECC_OK with *reply (the DER response, caller unrefs) and
 * *gen_time (ISO 8601 UTC, caller g_free()s). */
int ecc_tsa_stamp(const char *url, const uint8_t digest[32], int timeout_s, GBytes **reply,
                  char **gen_time, char **why);

/* Checks that reply is a granted token over digest; with ca_file (PEM),
 * also the TSA's signature and certificate chain. ECC_OK with *gen_time and
 * *tsa (the TSA's name, or its certificate's subject; both g_free()). */
int ecc_tsa_check(GBytes *reply, const uint8_t digest[32], const char *ca_file, char **gen_time,
                  char **tsa, char **why);

#endif
