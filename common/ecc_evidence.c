/* ecc_evidence: SHA-256, BagIt manifests and the segment hash chain. */
#include "ecc_evidence.h"

#include <openssl/evp.h>
#include <string.h>

/* ---- SHA-256 ------------------------------------------------------------- */

struct ecc_ev_hash {
	EVP_MD_CTX *ctx;
};

ecc_ev_hash *ecc_ev_hash_new(void)
{
	ecc_ev_hash *h = g_new0(ecc_ev_hash, 1);

	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		g_error("OpenSSL cannot start a SHA-256");
	return h;
}

void ecc_ev_hash_update(ecc_ev_hash *h, const void *data, size_t len)
{
	if (len)
		EVP_DigestUpdate(h->ctx, data, len);
}

void ecc_ev_hash_final(ecc_ev_hash *h, char hex[ECC_EV_HEX], uint8_t *out32)
{
	uint8_t d[32];
	unsigned n = 0;

	EVP_DigestFinal_ex(h->ctx, d, &n);
	ecc_ev_hex32(d, hex);
	if (out32)
		memcpy(out32, d, 32);
}

void ecc_ev_hash_reset(ecc_ev_hash *h)
{
	EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void ecc_ev_hash_free(ecc_ev_hash *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	g_free(h);
}

void ecc_ev_sha256_hex(const void *data, size_t len, char hex[ECC_EV_HEX])
{
	ecc_ev_hash *h = ecc_ev_hash_new();

	ecc_ev_hash_update(h, data, len);
	ecc_ev_hash_final(h, hex, NULL);
	ecc_ev_hash_free(h);
}

void ecc_ev_hex32(const uint8_t in[32], char hex[ECC_EV_HEX])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[in[i] >> 4];
		hex[2 * i + 1] = digits[in[i] & 15];
	}
	hex[64] = '\0';
}

bool ecc_ev_unhex32(const char *hex, uint8_t out[32])
{
	if (!hex || strlen(hex) != 64)
		return false;
	for (int i = 0; i < 32; i++) {
		int a = g_ascii_xdigit_value(hex[2 * i]), b = g_ascii_xdigit_value(hex[2 * i + 1]);
		if (a < 0 || b < 0)
			return false;
		out[i] = (uint8_t)(a << 4 | b);
	}
	return true;
}

/* ---- manifests ------------------------------------------------------------ */

void ecc_ev_manifest_add(GString *m, const char hex[ECC_EV_HEX], const char *path)
{
	g_string_append(m, hex);
	g_string_append(m, "  ");
	for (const char *c = path; *c; c++) {
		if (*c == '\r')
			g_string_append(m, "%0D");
		else if (*c == '\n')
			g_string_append(m, "%0A");
		else if (*c == '%')
			g_string_append(m, "%25");
		else
			g_string_append_c(m, *c);
	}
	g_string_append_c(m, '\n');
}

/* Undoes the RFC's three escapes; any other '%' stays as it is. */
static char *path_decode(const char *p)
{
	GString *s = g_string_new(NULL);

	for (; *p; p++) {
		if (g_str_has_prefix(p, "%0D") || g_str_has_prefix(p, "%0d")) {
			g_string_append_c(s, '\r');
			p += 2;
		} else if (g_str_has_prefix(p, "%0A") || g_str_has_prefix(p, "%0a")) {
			g_string_append_c(s, '\n');
			p += 2;
		} else if (g_str_has_prefix(p, "%25")) {
			g_string_append_c(s, '%');
			p += 2;
		} else {
			g_string_append_c(s, *p);
		}
	}
	return g_string_free(s, FALSE);
}

static bool path_ok(const char *p)
{
	gchar **parts;
	bool ok = true;

	if (!*p || p[0] == '/' || strchr(p, '\\'))
		return false;
	parts = g_strsplit(p, "/", -1);
	for (gchar **c = parts; *c; c++)
		if (!**c || !strcmp(*c, ".") || !strcmp(*c, ".."))
			ok = false;
	g_strfreev(parts);
	return ok;
}

GHashTable *ecc_ev_manifest_parse(const char *text, size_t len, char **why)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	gchar *copy = g_strndup(text, len);
	gchar **lines = g_strsplit(copy, "\n", -1);
	int n = 0;

	*why = NULL;
	if (strlen(copy) != len)
		*why = g_strdup("a NUL byte in the manifest");
	for (gchar **l = lines; !*why && *l; l++) {
		char *line = *l, *sep, *path, hex[ECC_EV_HEX];
		size_t ll = strlen(line);
		uint8_t raw[32];

		n++;
		if (ll && line[ll - 1] == '\r')
			line[--ll] = '\0';
		if (!ll) {
			if (l[1]) /* only the end of the file may be empty */
				*why = g_strdup_printf("line %d is empty", n);
			continue;
		}
		sep = line + strcspn(line, " \t");
		if (!*sep) {
			*why = g_strdup_printf("line %d has no file path", n);
			break;
		}
		*sep++ = '\0';
		sep += strspn(sep, " \t");
		if (!ecc_ev_unhex32(line, raw)) {
			*why = g_strdup_printf("line %d: the checksum is not 64 hex digits", n);
			break;
		}
		ecc_ev_hex32(raw, hex);
		path = path_decode(sep);
		if (!path_ok(path)) {
			*why = g_strdup_printf("line %d: the path \"%s\" is not inside the bag", n,
			                       path);
			g_free(path);
			break;
		}
		if (g_hash_table_contains(t, path)) {
			*why = g_strdup_printf("line %d: \"%s\" is listed twice", n, path);
			g_free(path);
			break;
		}
		g_hash_table_insert(t, path, g_strdup(hex));
	}
	g_strfreev(lines);
	g_free(copy);
	if (*why) {
		g_hash_table_unref(t);
		return NULL;
	}
	return t;
}

char *ecc_ev_oxum(uint64_t bytes, uint64_t files)
{
	return g_strdup_printf("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT, (guint64)bytes,
	                       (guint64)files);
}

/* ---- the chain ------------------------------------------------------------ */

void ecc_ev_chain_link(const uint8_t prev[32], const uint8_t seg[32], uint8_t next[32])
{
	ecc_ev_hash *h = ecc_ev_hash_new();
	char hex[ECC_EV_HEX];

	ecc_ev_hash_update(h, prev, 32);
	ecc_ev_hash_update(h, seg, 32);
	ecc_ev_hash_final(h, hex, next);
	ecc_ev_hash_free(h);
}
