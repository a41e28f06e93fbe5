/* Specifications of ecc_evidence: BagIt manifests exactly as RFC 8493 has
 * them, the segment hash chain, and the court's key, fingerprint and
 * detached signatures. SHA-256 results are checked against GLib's own
 * implementation (GChecksum), not against the code under test. */
#include "ecc_err.h"
#include "ecc_evidence.h"
#include "testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

static char *glib_sha256(const void *data, size_t len)
{
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
}

/* ---- SHA-256 ---------------------------------------------------------------- */

static void test_hash_in_pieces(void)
{
	char *big = ecc_test_repeat("evidence-", 100000), *want = glib_sha256(big, strlen(big));
	char hex[ECC_EV_HEX];
	ecc_ev_hash *h = ecc_ev_hash_new();

	for (size_t off = 0, n = 1; off < strlen(big); off += n, n = n * 3 + 1)
		ecc_ev_hash_update(h, big + off, MIN(n, strlen(big) - off));
	ecc_ev_hash_final(h, hex, NULL);
	g_assert_cmpstr(hex, ==, want);
	ecc_ev_hash_reset(h);
	ecc_ev_hash_final(h, hex, NULL);
	g_assert_cmpstr(hex, ==,
	                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ecc_ev_hash_free(h);
	g_free(want);
	g_free(big);
}

/* ---- manifests ---------------------------------------------------------------- */

#define H1 "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define H2 "00000000000000000000000000000000000000000000000000000000000000ff"

static void test_manifest_lines_are_rfc8493(void)
{
	GString *m = g_string_new(NULL);

	ecc_ev_manifest_add(m, H1, "data/segments/u1_20261124-130501.000_r1.mp4");
	ecc_ev_manifest_add(m, H2, "data/odd\nname\r100%.txt");
	/* checksum, whitespace, path; one line per file; CR, LF and % encoded */
	g_assert_cmpstr(m->str, ==,
	                H1 "  data/segments/u1_20261124-130501.000_r1.mp4\n" H2
	                   "  data/odd%0Aname%0D100%25.txt\n");
	g_string_free(m, TRUE);
}

static void test_manifest_parses_what_it_writes(void)
{
	GString *m = g_string_new(NULL);
	char *why = NULL;
	GHashTable *t;

	ecc_ev_manifest_add(m, H1, "data/a b.mp4");
	ecc_ev_manifest_add(m, H2, "data/odd\nname\r100%.txt");
	t = ecc_ev_manifest_parse(m->str, m->len, &why);
	g_assert_null(why);
	g_assert_cmpuint(g_hash_table_size(t), ==, 2);
	g_assert_cmpstr(g_hash_table_lookup(t, "data/a b.mp4"), ==, H1);
	g_assert_cmpstr(g_hash_table_lookup(t, "data/odd\nname\r100%.txt"), ==, H2);
	g_hash_table_unref(t);
	g_string_free(m, TRUE);
}

static void test_manifest_accepts_other_validators_spacing(void)
{
	/* a single space or a tab, CRLF endings, upper-case hex: all RFC 8493 */
	const char *text =
	    "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90 data/x\r\n" H2
	    "\tdata/y\n";
	char *why = NULL;
	GHashTable *t = ecc_ev_manifest_parse(text, strlen(text), &why);

	g_assert_null(why);
	g_assert_cmpstr(g_hash_table_lookup(t, "data/x"), ==, H1);
	g_assert_cmpstr(g_hash_table_lookup(t, "data/y"), ==, H2);
	g_hash_table_unref(t);
}

static void test_manifest_refuses_bad_lines(void)
{
	static const char *const bad[] = {
	    H1 "\n",                           /* no path */
	    "abc  data/x\n",                   /* short checksum */
	    H1 "  /etc/passwd\n",              /* absolute */
	    H1 "  data/../../x\n",             /* outside the bag */
	    H1 "  data/x\n" H2 "  data/x\n",   /* twice */
	    H1 "  data/x\n\n" H2 "  data/y\n", /* an empty line inside */
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *why = NULL;
		GHashTable *t = ecc_ev_manifest_parse(bad[i], strlen(bad[i]), &why);
		g_assert_null(t);
		g_assert_nonnull(why);
		g_test_message("%s", why);
		g_free(why);
	}
}

static void test_oxum(void)
{
	char *o = ecc_ev_oxum(18000000000ULL, 723);

	g_assert_cmpstr(o, ==, "18000000000.723");
	g_free(o);
}

/* ---- the chain ------------------------------------------------------------------- */

static void test_chain_link_is_sha256_of_prev_and_segment(void)
{
	uint8_t prev[32] = {0}, seg[32], next[32], buf[64];
	char hex[ECC_EV_HEX], *want;

	g_assert_true(ecc_ev_unhex32(H1, seg));
	ecc_ev_chain_link(prev, seg, next);
	memcpy(buf, prev, 32);
	memcpy(buf + 32, seg, 32);
	want = glib_sha256(buf, 64);
	ecc_ev_hex32(next, hex);
	g_assert_cmpstr(hex, ==, want);
	g_free(want);
	/* the second link starts from the first */
	memcpy(buf, next, 32);
	ecc_ev_chain_link(next, seg, next);
	want = glib_sha256(buf, 64);
	ecc_ev_hex32(next, hex);
	g_assert_cmpstr(hex, ==, want);
	g_free(want);
	g_assert_false(ecc_ev_unhex32("zz", seg));
	g_assert_false(ecc_ev_unhex32(H1 "00", seg));
}

/* ---- the key and signatures ---------------------------------------------------------- */

static void test_key_is_created_private_and_reloaded(void)
{
	char *dir = ecc_test_tmpdir(), *path = g_build_filename(dir, "evidence.key", NULL);
	uint8_t sk[ECC_EV_SK_BYTES], pk[ECC_EV_PK_BYTES], sk2[ECC_EV_SK_BYTES],
	    pk2[ECC_EV_PK_BYTES];
	bool created = false;
	GStatBuf st;

	g_assert_cmpint(ecc_ev_key_load(path, false, sk, pk, &created), ==, ECC_ERR_IO);
	g_assert_cmpint(ecc_ev_key_load(path, true, sk, pk, &created), ==, ECC_OK);
	g_assert_true(created);
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_assert_cmpint(ecc_ev_key_load(path, true, sk2, pk2, &created), ==, ECC_OK);
	g_assert_false(created);
	g_assert_cmpmem(pk, sizeof(pk), pk2, sizeof(pk2));
	g_assert_cmpmem(sk, sizeof(sk), sk2, sizeof(sk2));

	g_assert_true(g_file_set_contents(path, "not a key\n", -1, NULL));
	g_assert_cmpint(ecc_ev_key_load(path, true, sk2, pk2, &created), ==, ECC_ERR_INVAL);
	ecc_test_rmtree(dir);
	g_free(path);
	g_free(dir);
}

static void test_signature_holds_only_for_its_key_and_bytes(void)
{
	uint8_t pk[ECC_EV_PK_BYTES], sk[ECC_EV_SK_BYTES], pk2[ECC_EV_PK_BYTES],
	    sk2[ECC_EV_SK_BYTES], sig[ECC_EV_SIG], parsed[ECC_EV_PK_BYTES];
	const char *tm = H1 "  bagit.txt\n" H2 "  bag-info.txt\n";
	char *b64, *fp, *want, hex[ECC_EV_HEX];

	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	ecc_ev_sign(sk, tm, strlen(tm), sig);
	g_assert_true(ecc_ev_verify(pk, tm, strlen(tm), sig));
	g_assert_false(ecc_ev_verify(pk2, tm, strlen(tm), sig));
	g_assert_false(ecc_ev_verify(pk, tm, strlen(tm) - 1, sig));
	/* libsodium's detached signature: what crypto_sign_verify_detached takes */
	g_assert_cmpint(crypto_sign_verify_detached(sig, (const guchar *)tm, strlen(tm), pk), ==,
	                0);

	b64 = ecc_ev_pk_base64(pk);
	g_assert_true(ecc_ev_pk_parse(b64, parsed));
	g_assert_cmpmem(parsed, sizeof(parsed), pk, sizeof(pk));
	ecc_ev_hex32(pk, hex);
	g_assert_true(ecc_ev_pk_parse(hex, parsed));
	g_assert_cmpmem(parsed, sizeof(parsed), pk, sizeof(pk));
	g_assert_false(ecc_ev_pk_parse("c2hvcnQ=", parsed));
	fp = ecc_ev_fingerprint(pk);
	want = glib_sha256(pk, sizeof(pk));
	g_assert_true(g_str_has_prefix(fp, "SHA256:"));
	g_assert_cmpstr(fp + 7, ==, want);
	g_free(want);
	g_free(fp);
	g_free(b64);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add_func("/evidence/sha256 in pieces is the sha256 of the whole",
	                test_hash_in_pieces);
	g_test_add_func("/evidence/manifest lines are checksum, whitespace, encoded path",
	                test_manifest_lines_are_rfc8493);
	g_test_add_func("/evidence/a manifest parses back to what was written",
	                test_manifest_parses_what_it_writes);
	g_test_add_func("/evidence/a manifest from another validator parses",
	                test_manifest_accepts_other_validators_spacing);
	g_test_add_func("/evidence/a malformed or escaping manifest is refused",
	                test_manifest_refuses_bad_lines);
	g_test_add_func("/evidence/payload-oxum is bytes dot files", test_oxum);
	g_test_add_func("/evidence/a chain link is sha256 of the previous link and the segment",
	                test_chain_link_is_sha256_of_prev_and_segment);
	g_test_add_func("/evidence/the key is created private and read back the same",
	                test_key_is_created_private_and_reloaded);
	g_test_add_func("/evidence/a signature holds only for its key and its exact bytes",
	                test_signature_holds_only_for_its_key_and_bytes);
	return g_test_run();
}
