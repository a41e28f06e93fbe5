/*
 * ecc_evidence: the parts of a tamper-evident evidence package that the hub
 * (which writes packages) and ecc-verify (which checks them offline) share:
 * streaming SHA-256, BagIt manifests (RFC 8493), the hash chain over
 * segments, and the court's Ed25519 key, signature and fingerprint.
 *
 * Why: one implementation of each rule, so a package the hub writes is
 * checked by exactly the rules that wrote it, and a third-party BagIt
 * validator sees an ordinary bag.
 *
 * Layout of a package (a tar of one folder, or that folder extracted):
 *   bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt,
 *   signature.ed25519 (64 raw bytes: crypto_sign_detached of the exact bytes
 *   of tagmanifest-sha256.txt), data/segments/NAME.mp4, data/positions.geojson,
 *   data/events.json, data/audit.json, data/chain.json; with a configured
 *   TSA, timestamp.tsr (a tag file: an RFC 3161 token over the SHA-256 of
 *   manifest-sha256.txt; ecc_tsa.h).
 * The chain: link_0 = 32 zero bytes, link_i = SHA-256(link_{i-1} ||
 * segment_sha256_i) over the raw 32-byte values, segments in t0 order.
 *
 * SHA-256 is OpenSSL's (EVP): with the CPU's SHA instructions it runs about
 * three times as fast as libsodium's portable crypto_hash_sha256, and
 * hashing is what an export and a verification spend their time on.
 * Signatures are libsodium's.
 *
 * Thread: any; nothing here keeps global state (sodium_init() must have run
 * before the key functions). Errors: ECC_ERR_IO, ECC_ERR_INVAL, ECC_ERR_NOMEM.
 */
#ifndef ECC_EVIDENCE_H
#define ECC_EVIDENCE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECC_EV_HEX      65 /* 64 hex digits and the NUL */
#define ECC_EV_PK_BYTES 32
#define ECC_EV_SK_BYTES 64
#define ECC_EV_SIG      64

#define ECC_EV_BAGIT_TXT   "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
#define ECC_EV_MANIFEST    "manifest-sha256.txt"
#define ECC_EV_TAGMANIFEST "tagmanifest-sha256.txt"
#define ECC_EV_SIGNATURE   "signature.ed25519"
#define ECC_EV_CHAIN       "data/chain.json"
#define ECC_EV_CHAIN_FORMULA                                                                       \
	"link = SHA-256(prev_link || segment_sha256), first prev = 32 zero bytes"

/* ---- SHA-256 ------------------------------------------------------------- */

typedef struct ecc_ev_hash ecc_ev_hash;

/* A streaming SHA-256; ecc_ev_hash_free accepts NULL. */
ecc_ev_hash *ecc_ev_hash_new(void);
void ecc_ev_hash_update(ecc_ev_hash *h, const void *data, size_t len);
/* Writes the digest as lower-case hex (and raw into out32 when not NULL);
 * the hash may be used again after ecc_ev_hash_reset. */
void ecc_ev_hash_final(ecc_ev_hash *h, char hex[ECC_EV_HEX], uint8_t *out32);
void ecc_ev_hash_reset(ecc_ev_hash *h);
void ecc_ev_hash_free(ecc_ev_hash *h);

/* SHA-256 of a buffer, as hex. */
void ecc_ev_sha256_hex(const void *data, size_t len, char hex[ECC_EV_HEX]);

/* Hex <-> 32 bytes; ecc_ev_unhex32 is false unless hex is exactly 64 hex
 * digits (either case). */
bool ecc_ev_unhex32(const char *hex, uint8_t out[32]);
void ecc_ev_hex32(const uint8_t in[32], char hex[ECC_EV_HEX]);

/* ---- manifests (RFC 8493 section 2.1.3) ---------------------------------- */

/* Appends one manifest line "HEX  PATH\n" to m, PATH percent-encoded as
 * the RFC asks (CR as %0D, LF as %0A, '%' as %25). */
void ecc_ev_manifest_add(GString *m, const char hex[ECC_EV_HEX], const char *path);

/*
 * Parses a manifest: every line is CHECKSUM, one or more spaces or tabs,
 * FILEPATH (percent-decoded); LF or CRLF endings. Returns a table path ->
 * lower-case hex (caller g_hash_table_unref()s), or NULL with *why set
 * (caller g_free()s) on a malformed line, a checksum that is not 64 hex
 * digits, a path that is absolute or has "..", or a path listed twice.
 */
GHashTable *ecc_ev_manifest_parse(const char *text, size_t len, char **why);

/* Payload-Oxum "OCTETCOUNT.STREAMCOUNT". */
char *ecc_ev_oxum(uint64_t bytes, uint64_t files);

/* ---- the chain ------------------------------------------------------------ */

/* next = SHA-256(prev || seg). */
void ecc_ev_chain_link(const uint8_t prev[32], const uint8_t seg[32], uint8_t next[32]);

/* ---- the court's key ------------------------------------------------------ */

/*
 * Loads the key file at path (the 64-byte libsodium secret key, hex, one
 * line), or when there is none creates it (mode 0600) and says so in
 * *created. ECC_ERR_IO when it cannot be read or written, ECC_ERR_INVAL when
 * it holds something else.
 */
int ecc_ev_key_load(const char *path, bool create, uint8_t sk[ECC_EV_SK_BYTES],
                    uint8_t pk[ECC_EV_PK_BYTES], bool *created);

/* The public key as base64 (caller g_free()s), and its fingerprint:
 * "SHA256:" and the hex SHA-256 of the 32 key bytes (caller g_free()s). */
char *ecc_ev_pk_base64(const uint8_t pk[ECC_EV_PK_BYTES]);
char *ecc_ev_fingerprint(const uint8_t pk[ECC_EV_PK_BYTES]);

/* Reads a public key written as base64 or 64 hex digits (surrounding
 * whitespace allowed). False when it is neither. */
bool ecc_ev_pk_parse(const char *text, uint8_t pk[ECC_EV_PK_BYTES]);

void ecc_ev_sign(const uint8_t sk[ECC_EV_SK_BYTES], const void *msg, size_t len,
                 uint8_t sig[ECC_EV_SIG]);
bool ecc_ev_verify(const uint8_t pk[ECC_EV_PK_BYTES], const void *msg, size_t len,
                   const uint8_t sig[ECC_EV_SIG]);

#endif
