/* ecc_evidence_key: the court's Ed25519 key, its fingerprint, sign and verify. */
#include "ecc_evidence.h"
#include "ecc_err.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

int ecc_ev_key_load(const char *path, bool create, uint8_t sk[ECC_EV_SK_BYTES],
                    uint8_t pk[ECC_EV_PK_BYTES], bool *created)
{
	char hex[2 * ECC_EV_SK_BYTES + 2], *text = NULL;
	gsize len = 0;
	size_t bin = 0;

	*created = false;
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		if (!create)
			return ECC_ERR_IO;
		crypto_sign_keypair(pk, sk);
		sodium_bin2hex(hex, sizeof(hex) - 1, sk, ECC_EV_SK_BYTES);
		strcat(hex, "\n");
		if (!g_file_set_contents_full(path, hex, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
		                              NULL)) {
			sodium_memzero(hex, sizeof(hex));
			sodium_memzero(sk, ECC_EV_SK_BYTES);
			return ECC_ERR_IO;
		}
		sodium_memzero(hex, sizeof(hex));
		*created = true;
		return ECC_OK;
	}
	if (!g_file_get_contents(path, &text, &len, NULL))
		return ECC_ERR_IO;
	g_strstrip(text);
	if (strlen(text) != 2 * ECC_EV_SK_BYTES ||
	    sodium_hex2bin(sk, ECC_EV_SK_BYTES, text, strlen(text), NULL, &bin, NULL) != 0 ||
	    bin != ECC_EV_SK_BYTES) {
		sodium_memzero(text, len);
		g_free(text);
		return ECC_ERR_INVAL;
	}
	sodium_memzero(text, len);
	g_free(text);
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	return ECC_OK;
}

char *ecc_ev_pk_base64(const uint8_t pk[ECC_EV_PK_BYTES])
{
	return g_base64_encode(pk, ECC_EV_PK_BYTES);
}

char *ecc_ev_fingerprint(const uint8_t pk[ECC_EV_PK_BYTES])
{
	char hex[ECC_EV_HEX];

	ecc_ev_sha256_hex(pk, ECC_EV_PK_BYTES, hex);
	return g_strconcat("SHA256:", hex, NULL);
}

bool ecc_ev_pk_parse(const char *text, uint8_t pk[ECC_EV_PK_BYTES])
{
	char *t = g_strstrip(g_strdup(text));
	bool ok = ecc_ev_unhex32(t, pk);

	if (!ok && strlen(t) == 44) {
		gsize n = 0;
		guchar *b = g_base64_decode(t, &n);
		if (n == ECC_EV_PK_BYTES) {
			memcpy(pk, b, ECC_EV_PK_BYTES);
			ok = true;
		}
		g_free(b);
	}
	g_free(t);
	return ok;
}

void ecc_ev_sign(const uint8_t sk[ECC_EV_SK_BYTES], const void *msg, size_t len,
                 uint8_t sig[ECC_EV_SIG])
{
	crypto_sign_detached(sig, NULL, msg, len, sk);
}

bool ecc_ev_verify(const uint8_t pk[ECC_EV_PK_BYTES], const void *msg, size_t len,
                   const uint8_t sig[ECC_EV_SIG])
{
	return crypto_sign_verify_detached(sig, msg, len, pk) == 0;
}
