/*
 * ecc-verify PACKAGE [--key PUBKEY] [--tsa-ca PEM]: checks an ECC evidence
 * package offline.
 *
 * PACKAGE is the tar the hub delivered (or a folder it was extracted to).
 * Every payload and tag file is checked against manifest-sha256.txt and
 * tagmanifest-sha256.txt; every missing, added or altered file is named;
 * the chain in data/chain.json is recomputed from the segment files' own
 * hashes; the Ed25519 signature over tagmanifest-sha256.txt is checked
 * against --key (base64 or hex, or a file holding it, e.g. the output of
 * `ecc-hub evidence-key`) or, without it, against the key bag-info.txt
 * names (and ecc-verify says so); an RFC 3161 time-stamp (timestamp.tsr)
 * is checked to be over manifest-sha256.txt, and with --tsa-ca (the TSA's
 * CA certificates, PEM) its signature too. One line per fault; exit 0 only when
 * everything holds, 1 when something does not, 2 on a usage error.
 */
#include "bagread.h"
#include "ecc_err.h"
#include "ecc_evidence.h"
#include "ecc_tsa.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct check {
	GHashTable *files; /* path -> struct bag_file */
	GHashTable *info;  /* bag-info label -> GPtrArray of values */
	int faults;
};

static void fail(struct check *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	c->faults++;
	fputs("FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static struct bag_file *file(struct check *c, const char *rel)
{
	return g_hash_table_lookup(c->files, rel);
}

/* A kept file's bytes, or NULL. */
static const char *text(struct check *c, const char *rel, gsize *len)
{
	struct bag_file *f = file(c, rel);

	return f && f->content ? g_bytes_get_data(f->content, len) : NULL;
}

static const char *info1(struct check *c, const char *label)
{
	GPtrArray *v = g_hash_table_lookup(c->info, label);

	return v && v->len ? g_ptr_array_index(v, 0) : NULL;
}

/* ---- bagit.txt and bag-info.txt ---------------------------------------------------- */

static void check_bagit(struct check *c)
{
	gsize len = 0;
	const char *t = text(c, "bagit.txt", &len);

	if (!t)
		fail(c, "missing: bagit.txt (this is not a BagIt bag)");
	else if (len != strlen(ECC_EV_BAGIT_TXT) || memcmp(t, ECC_EV_BAGIT_TXT, len))
		fail(c, "bagit.txt: not \"BagIt-Version: 1.0\" with UTF-8 tag files");
}

static void parse_info(struct check *c)
{
	gsize len = 0;
	const char *t = text(c, "bag-info.txt", &len);
	char *copy, **lines, *last = NULL;

	c->info = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                (GDestroyNotify)g_ptr_array_unref);
	if (!t)
		return;
	copy = g_strndup(t, len);
	lines = g_strsplit(copy, "\n", -1);
	for (char **l = lines; *l; l++) {
		char *colon = strchr(*l, ':');
		GPtrArray *v;
		g_strchomp(*l);
		if (!**l)
			continue;
		if ((**l == ' ' || **l == '\t') && last) { /* a continued value */
			v = g_hash_table_lookup(c->info, last);
			char *joined = g_strconcat(g_ptr_array_index(v, v->len - 1), " ",
			                           g_strstrip(*l), NULL);
			g_free(g_ptr_array_index(v, v->len - 1));
			g_ptr_array_index(v, v->len - 1) = joined;
			continue;
		}
		if (!colon)
			continue;
		*colon = '\0';
		v = g_hash_table_lookup(c->info, *l);
		if (!v) {
			v = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(c->info, g_strdup(*l), v);
		}
		g_ptr_array_add(v, g_strstrip(g_strdup(colon + 1)));
		last = *l;
	}
	g_strfreev(lines);
	g_free(copy);
}

/* ---- manifests ------------------------------------------------------------------------ */

/* Checks the files a manifest lists; marks them in seen. Returns the number
 * of entries, -1 when the manifest is missing or malformed. */
static int check_manifest(struct check *c, const char *name, GHashTable *seen)
{
	gsize len = 0;
	const char *t = text(c, name, &len);
	char *why = NULL;
	GHashTable *m;
	GHashTableIter it;
	gpointer k, v;
	int n = 0;

	if (!t) {
		if (!file(c, name))
			fail(c, "missing: %s", name);
		else
			fail(c, "%s: too large to be a manifest", name);
		return -1;
	}
	m = ecc_ev_manifest_parse(t, len, &why);
	if (!m) {
		fail(c, "%s: %s", name, why);
		g_free(why);
		return -1;
	}
	g_hash_table_iter_init(&it, m);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct bag_file *f = file(c, k);
		n++;
		g_hash_table_add(seen, g_strdup(k));
		if (!f)
			fail(c, "missing: %s (listed in %s, not in the package)", (char *)k, name);
		else if (strcmp(f->hex, v))
			fail(c, "altered: %s (SHA-256 %s, %s says %s)", (char *)k, f->hex, name,
			     (char *)v);
	}
	g_hash_table_unref(m);
	return n;
}

/* Files that no manifest lists, and the payload's size and count. */
static void check_added(struct check *c, GHashTable *seen)
{
	GHashTableIter it;
	gpointer k, v;
	uint64_t bytes = 0, files = 0;
	const char *oxum = info1(c, "Payload-Oxum");
	char *mine;

	g_hash_table_iter_init(&it, c->files);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *rel = k;
		struct bag_file *f = v;
		if (g_str_has_prefix(rel, "data/")) {
			bytes += f->size;
			files++;
		}
		if (g_hash_table_contains(seen, rel) || !strcmp(rel, ECC_EV_TAGMANIFEST) ||
		    !strcmp(rel, ECC_EV_SIGNATURE))
			continue;
		fail(c, "added: %s (in the package, in no manifest)", rel);
	}
	mine = ecc_ev_oxum(bytes, files);
	if (!oxum)
		fail(c, "bag-info.txt: no Payload-Oxum");
	else if (strcmp(oxum, mine))
		fail(c, "bag-info.txt: Payload-Oxum %s, the payload has %s (bytes.files)", oxum,
		     mine);
	g_free(mine);
}

/* ---- the chain ---------------------------------------------------------------------- */

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void check_chain(struct check *c)
{
	gsize len = 0;
	const char *t = text(c, ECC_EV_CHAIN, &len);
	cJSON *o = t ? cJSON_ParseWithLength(t, len) : NULL;
	const cJSON *links = cJSON_GetObjectItemCaseSensitive(o, "links"), *l;
	GHashTable *in_chain = g_hash_table_new(g_str_hash, g_str_equal);
	uint8_t prev[32] = {0}, seg[32], want[32], got[32];
	const char *head = info1(c, "ECC-Chain-Head");
	char hex[ECC_EV_HEX];
	GHashTableIter it;
	gpointer k;
	int n = 0, before = c->faults;

	if (!cJSON_IsArray(links)) {
		fail(c, "chain: %s is missing or not a chain", ECC_EV_CHAIN);
		cJSON_Delete(o);
		g_hash_table_unref(in_chain);
		return;
	}
	cJSON_ArrayForEach(l, links)
	{
		const char *name = jstr(l, "file"), *rec = jstr(l, "segment_sha256");
		struct bag_file *f = file(c, name);
		n++;
		g_hash_table_add(in_chain, (gpointer)name);
		if (!ecc_ev_unhex32(jstr(l, "link"), want) || !ecc_ev_unhex32(rec, seg)) {
			fail(c, "chain: link %d is malformed", n);
			continue;
		}
		if (!f) {
			fail(c, "chain: link %d: %s is missing", n, name);
		} else {
			if (strcmp(f->hex, rec))
				fail(c, "chain: link %d: %s has SHA-256 %s, recorded %s", n, name,
				     f->hex, rec);
			ecc_ev_unhex32(f->hex, seg); /* the file's own hash */
		}
		ecc_ev_chain_link(prev, seg, got);
		if (memcmp(got, want, 32))
			fail(c, "chain: link %d (%s) is broken", n, name);
		memcpy(prev, want, 32); /* go on from the recorded link: name each break once */
	}
	ecc_ev_hex32(prev, hex);
	if (strcmp(jstr(o, "head"), hex))
		fail(c, "chain: the head in %s is not the last link", ECC_EV_CHAIN);
	if (!head || strcmp(head, hex))
		fail(c, "chain: bag-info.txt's ECC-Chain-Head %s is not the chain's head %s",
		     head ? head : "(none)", hex);
	g_hash_table_iter_init(&it, c->files);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (g_str_has_prefix(k, "data/segments/") && !g_hash_table_contains(in_chain, k))
			fail(c, "chain: %s is in no link of the chain", (char *)k);
	if (c->faults == before)
		printf("ok   chain of %d links, head %s\n", n, hex);
	g_hash_table_unref(in_chain);
	cJSON_Delete(o);
}

/* ---- the signature -------------------------------------------------------------------- */

static bool read_key(const char *arg, uint8_t pk[ECC_EV_PK_BYTES])
{
	char *t = NULL;
	bool ok;

	if (g_file_get_contents(arg, &t, NULL, NULL)) {
		char *nl = strchr(t, '\n');
		if (nl)
			*nl = '\0'; /* ecc-hub evidence-key prints the key first */
		ok = ecc_ev_pk_parse(t, pk);
		g_free(t);
		return ok;
	}
	return ecc_ev_pk_parse(arg, pk);
}

static void check_signature(struct check *c, const char *key_arg)
{
	gsize tlen = 0, slen = 0;
	const char *tm = text(c, ECC_EV_TAGMANIFEST, &tlen);
	const char *sig = text(c, ECC_EV_SIGNATURE, &slen);
	const char *named = info1(c, "ECC-Signer-Public-Key");
	const char *named_fp = info1(c, "ECC-Signer-Fingerprint");
	uint8_t pk[ECC_EV_PK_BYTES], npk[ECC_EV_PK_BYTES];
	bool have_named = named && ecc_ev_pk_parse(named, npk);
	char *fp;

	if (have_named) {
		fp = ecc_ev_fingerprint(npk);
		if (!named_fp || strcmp(fp, named_fp))
			fail(c,
			     "bag-info.txt: ECC-Signer-Fingerprint is not the fingerprint of "
			     "ECC-Signer-Public-Key (%s)",
			     fp);
		g_free(fp);
	}
	if (key_arg) {
		if (!read_key(key_arg, pk)) {
			fail(c, "signature: --key %s is not an Ed25519 public key (base64 or hex)",
			     key_arg);
			return;
		}
		if (have_named && memcmp(pk, npk, sizeof(pk)))
			fail(c, "signature: bag-info.txt names signer %s, not the key given",
			     named_fp ? named_fp : "(no fingerprint)");
	} else if (have_named) {
		memcpy(pk, npk, sizeof(pk));
	} else {
		fail(c, "signature: no --key given and bag-info.txt names no signer");
		return;
	}
	fp = ecc_ev_fingerprint(pk);
	if (!tm)
		fail(c, "signature: %s is missing", ECC_EV_TAGMANIFEST);
	else if (!sig || slen != ECC_EV_SIG)
		fail(c, "signature: %s is missing or not %d bytes", ECC_EV_SIGNATURE, ECC_EV_SIG);
	else if (!ecc_ev_verify(pk, tm, tlen, (const uint8_t *)sig))
		fail(c, "signature: %s does not verify %s under key %s", ECC_EV_SIGNATURE,
		     ECC_EV_TAGMANIFEST, fp);
	else if (key_arg)
		printf("ok   signature by the given key %s\n", fp);
	else
		printf("ok   signature by %s, the key bag-info.txt names: no --key was given, so "
		       "this shows integrity, not who signed\n",
		       fp);
	g_free(fp);
}

/* ---- the time-stamp ------------------------------------------------------------------- */

/* The RFC 3161 token over manifest-sha256.txt, when the package has one
 * (or tsa_ca asks for one): its digest, and with tsa_ca its signature. */
static void check_timestamp(struct check *c, const char *tsa_ca)
{
	struct bag_file *tok = file(c, ECC_TSA_TOKEN), *man = file(c, ECC_EV_MANIFEST);
	const char *failed = info1(c, "ECC-Timestamp-Failed");
	char *when = NULL, *tsa = NULL, *why = NULL;
	uint8_t digest[32];

	if (!tok || !tok->content) {
		if (info1(c, "ECC-Timestamp"))
			fail(c, "time-stamp: bag-info.txt names %s, which is missing",
			     ECC_TSA_TOKEN);
		else if (tsa_ca)
			fail(c, "time-stamp: --tsa-ca given, but the package has none%s%s",
			     failed ? ": the TSA failed at export: " : "", failed ? failed : "");
		else if (failed)
			printf("note no time-stamp: the TSA failed at export: %s\n", failed);
		return;
	}
	if (!man || !ecc_ev_unhex32(man->hex, digest)) {
		fail(c, "time-stamp: no %s to check it against", ECC_EV_MANIFEST);
		return;
	}
	if (ecc_tsa_check(tok->content, digest, tsa_ca, &when, &tsa, &why) != ECC_OK)
		fail(c, "time-stamp: %s: %s", ECC_TSA_TOKEN, why);
	else if (tsa_ca)
		printf("ok   time-stamp: %s existed at %s (TSA %s, its signature checked against "
		       "%s)\n",
		       ECC_EV_MANIFEST, when, tsa, tsa_ca);
	else
		printf("ok   time-stamp: %s existed at %s by the token of TSA %s (its signature "
		       "not checked: no --tsa-ca given)\n",
		       ECC_EV_MANIFEST, when, tsa);
	g_free(when);
	g_free(tsa);
	g_free(why);
}

/* What the hub itself found when it exported. */
static void check_declared(struct check *c)
{
	static const char *const labels[] = {"ECC-Altered-Before-Export",
	                                     "ECC-Missing-Before-Export"};

	for (size_t i = 0; i < G_N_ELEMENTS(labels); i++) {
		GPtrArray *v = g_hash_table_lookup(c->info, labels[i]);
		for (guint j = 0; v && j < v->len; j++)
			fail(c, "declared by the exporting hub: %s: %s", labels[i],
			     (char *)g_ptr_array_index(v, j));
	}
}

int main(int argc, char **argv)
{
	const char *pkg = NULL, *key = NULL, *tsa_ca = NULL;
	struct check c = {0};
	GHashTable *seen;
	char *why = NULL;
	int payload;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--key") && i + 1 < argc)
			key = argv[++i];
		else if (!strcmp(argv[i], "--tsa-ca") && i + 1 < argc)
			tsa_ca = argv[++i];
		else if (argv[i][0] != '-' && !pkg)
			pkg = argv[i];
		else {
			pkg = NULL;
			break;
		}
	}
	if (!pkg) {
		fprintf(
		    stderr,
		    "usage: ecc-verify PACKAGE(.tar or folder) [--key PUBKEY] [--tsa-ca PEM]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 2;
	c.files = bagread(pkg, &why);
	if (!c.files) {
		printf("FAIL %s\necc-verify: %s: FAILED\n", why, pkg);
		g_free(why);
		return 1;
	}
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	check_bagit(&c);
	parse_info(&c);
	payload = check_manifest(&c, ECC_EV_MANIFEST, seen);
	check_manifest(&c, ECC_EV_TAGMANIFEST, seen);
	check_added(&c, seen);
	if (!c.faults)
		printf("ok   %d payload files and their tag files match the manifests\n", payload);
	check_chain(&c);
	check_signature(&c, key);
	check_timestamp(&c, tsa_ca);
	check_declared(&c);
	if (c.faults)
		printf("ecc-verify: %s: FAILED, %d fault%s\n", pkg, c.faults,
		       c.faults == 1 ? "" : "s");
	else
		printf("ecc-verify: %s: verified\n", pkg);
	g_hash_table_unref(seen);
	g_hash_table_unref(c.info);
	g_hash_table_unref(c.files);
	return c.faults ? 1 : 0;
}
