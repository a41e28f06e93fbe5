/* evidence_bag: the worker that writes one package as a tar of a BagIt bag. */
#define G_LOG_DOMAIN "ecc-evidence"

#include "evidence_internal.h"
#include "ecc_err.h"
#include "ecc_tsa.h"

#include <archive.h>
#include <archive_entry.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Pieces handed to the HTTP side, and the read size of segment files. */
#define PIECE (4 * 1024 * 1024)
#define READ  (1024 * 1024)

struct bag {
	struct evidence__job *j;
	struct archive *a;
	GByteArray *cur;      /* the piece being filled */
	GString *manifest;    /* manifest-sha256.txt */
	GString *tagmanifest; /* tagmanifest-sha256.txt */
	uint64_t oxum_bytes, oxum_files;
	int64_t mtime;
};

/* ---- libarchive's output: pieces into the pipe --------------------------------- */

static la_ssize_t out_write(struct archive *a, void *ud, const void *buf, size_t len)
{
	struct bag *b = ud;

	g_byte_array_append(b->cur, buf, (guint)len);
	b->j->bytes_out += len;
	if (b->cur->len >= PIECE) {
		GBytes *piece = g_byte_array_free_to_bytes(b->cur);
		b->cur = g_byte_array_sized_new(PIECE + READ);
		if (!evidence__push(b->j, piece)) {
			archive_set_error(a, ECANCELED, "the client left");
			return -1;
		}
	}
	return (la_ssize_t)len;
}

static int out_close(struct archive *a, void *ud)
{
	struct bag *b = ud;
	GBytes *piece;

	(void)a;
	if (!b->cur->len)
		return ARCHIVE_OK;
	piece = g_byte_array_free_to_bytes(b->cur);
	b->cur = g_byte_array_new();
	return evidence__push(b->j, piece) ? ARCHIVE_OK : ARCHIVE_FATAL;
}

/* ---- entries ------------------------------------------------------------------------ */

static void fault(struct evidence__job *j, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void fault(struct evidence__job *j, const char *fmt, ...)
{
	va_list ap;

	if (j->faults->len)
		g_string_append(j->faults, "; ");
	va_start(ap, fmt);
	g_string_append_vprintf(j->faults, fmt, ap);
	va_end(ap);
}

static bool header(struct bag *b, const char *rel, uint64_t size)
{
	struct archive_entry *e = archive_entry_new();
	char *name = g_strconcat(b->j->pkg->bag, "/", rel, NULL);
	int rc;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, (time_t)b->mtime, 0);
	rc = archive_write_header(b->a, e);
	archive_entry_free(e);
	g_free(name);
	return rc == ARCHIVE_OK;
}

/* A file from memory; its hash goes into manifest m (when not NULL). */
static bool add_mem(struct bag *b, const char *rel, const void *data, size_t len, GString *m)
{
	char hex[ECC_EV_HEX];

	if (!header(b, rel, len) || (len && archive_write_data(b->a, data, len) != (la_ssize_t)len))
		return false;
	if (m) {
		ecc_ev_sha256_hex(data, len, hex);
		ecc_ev_manifest_add(m, hex, rel);
	}
	if (m == b->manifest) {
		b->oxum_bytes += len;
		b->oxum_files++;
	}
	return true;
}

/* Copies one segment into the bag, hashing it on the way. A file shorter
 * than it was when stat()ed is padded with zeros (and named). */
static bool add_segment(struct bag *b, struct ecc_ev_segment *s, ecc_ev_hash *h, guint8 *buf,
                        GPtrArray *altered, GPtrArray *missing)
{
	char rel[512], hex[ECC_EV_HEX];
	struct stat st;
	uint64_t left;
	int fd = open(s->file, O_RDONLY | O_CLOEXEC);

	g_snprintf(rel, sizeof(rel), "data/segments/%s", s->name);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		fault(b->j, "%s (recording %" G_GINT64_FORMAT ") is missing on disk", rel,
		      (gint64)s->id);
		g_ptr_array_add(missing, g_strdup_printf("%s (recording %" G_GINT64_FORMAT ")", rel,
		                                         (gint64)s->id));
		return true;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	left = (uint64_t)st.st_size;
	if (!header(b, rel, left)) {
		close(fd);
		return false;
	}
	ecc_ev_hash_reset(h);
	while (left) {
		ssize_t n = read(fd, buf, MIN(left, READ));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) { /* shrank under us: keep the tar whole */
			n = (ssize_t)MIN(left, READ);
			memset(buf, 0, (size_t)n);
			fault(b->j, "%s shrank while it was exported", rel);
		}
		ecc_ev_hash_update(h, buf, (size_t)n);
		if (archive_write_data(b->a, buf, (size_t)n) != n) {
			close(fd);
			return false;
		}
		left -= (uint64_t)n;
	}
	close(fd);
	ecc_ev_hash_final(h, hex, NULL);
	ecc_ev_manifest_add(b->manifest, hex, rel);
	b->oxum_bytes += (uint64_t)st.st_size;
	b->oxum_files++;
	if (g_ascii_strcasecmp(hex, s->sha256)) {
		fault(b->j,
		      "%s (recording %" G_GINT64_FORMAT ") does not match its recorded SHA-256",
		      rel, (gint64)s->id);
		g_ptr_array_add(altered, g_strdup_printf("%s (recording %" G_GINT64_FORMAT
		                                         ", recorded %s, file %s)",
		                                         rel, (gint64)s->id, s->sha256, hex));
	}
	return true;
}

/* data/chain.json: the recorded hashes in t0 order and their links. */
static char *chain_json(struct evidence__job *j)
{
	cJSON *o = cJSON_CreateObject(), *links;
	uint8_t prev[32] = {0}, seg[32];
	char hex[ECC_EV_HEX], *text;

	cJSON_AddStringToObject(o, "formula", ECC_EV_CHAIN_FORMULA);
	ecc_ev_hex32(prev, hex);
	cJSON_AddStringToObject(o, "genesis", hex);
	links = cJSON_AddArrayToObject(o, "links");
	for (guint i = 0; i < j->pkg->segments->len; i++) {
		struct ecc_ev_segment *s = g_ptr_array_index(j->pkg->segments, i);
		cJSON *l = cJSON_CreateObject();
		char *file = g_strconcat("data/segments/", s->name, NULL);
		if (!ecc_ev_unhex32(s->sha256, seg))
			memset(seg, 0, sizeof(seg));
		ecc_ev_chain_link(prev, seg, prev);
		ecc_ev_hex32(prev, hex);
		cJSON_AddNumberToObject(l, "seq", i + 1);
		cJSON_AddStringToObject(l, "file", file);
		cJSON_AddNumberToObject(l, "recording", (double)s->id);
		cJSON_AddStringToObject(l, "unit", s->unit);
		cJSON_AddNumberToObject(l, "t0", (double)s->t0);
		cJSON_AddNumberToObject(l, "t1", (double)s->t1);
		cJSON_AddNumberToObject(l, "bytes", (double)s->bytes);
		cJSON_AddStringToObject(l, "segment_sha256", s->sha256);
		cJSON_AddStringToObject(l, "link", hex);
		cJSON_AddItemToArray(links, l);
		g_free(file);
	}
	ecc_ev_hex32(prev, hex);
	g_strlcpy(j->head, hex, sizeof(j->head));
	cJSON_AddStringToObject(o, "head", hex);
	text = cJSON_Print(o);
	cJSON_Delete(o);
	return text;
}

static char *bag_info(struct bag *b, GPtrArray *altered, GPtrArray *missing)
{
	struct evidence__job *j = b->j;
	GString *s = g_string_new(NULL);
	GDateTime *now = g_date_time_new_now_utc();
	char *date = g_date_time_format(now, "%Y-%m-%d"), *oxum, *pk, *fp;

	oxum = ecc_ev_oxum(b->oxum_bytes, b->oxum_files);
	pk = ecc_ev_pk_base64(j->pk);
	fp = ecc_ev_fingerprint(j->pk);
	g_string_append_printf(s, "Source-Organization: %s\n", j->court);
	g_string_append_printf(s, "Bagging-Date: %s\n", date);
	g_string_append(s, "Bag-Software-Agent: ecc-hub\n");
	g_string_append_printf(s, "Payload-Oxum: %s\n", oxum);
	for (guint i = 0; i < j->pkg->info->len; i++)
		g_string_append_printf(s, "%s\n", (char *)g_ptr_array_index(j->pkg->info, i));
	g_string_append_printf(s, "ECC-Segments: %u\n", j->pkg->segments->len);
	g_string_append_printf(s, "ECC-Chain-Formula: %s\n", ECC_EV_CHAIN_FORMULA);
	g_string_append_printf(s, "ECC-Chain-Head: %s\n", j->head);
	g_string_append_printf(s, "ECC-Signer-Public-Key: %s\n", pk);
	g_string_append_printf(s, "ECC-Signer-Fingerprint: %s\n", fp);
	g_string_append(s, "ECC-Signature: " ECC_EV_SIGNATURE
	                   " (Ed25519, detached, over the bytes of " ECC_EV_TAGMANIFEST ")\n");
	if (j->stamped)
		g_string_append_printf(s,
		                       "ECC-Timestamp: " ECC_TSA_TOKEN
		                       " (RFC 3161, over the SHA-256 of " ECC_EV_MANIFEST
		                       ", from %s, at %s)\n",
		                       j->tsa_url, j->stamped);
	if (j->stamp_why)
		g_string_append_printf(s, "ECC-Timestamp-Failed: %s: %s\n", j->tsa_url,
		                       j->stamp_why);
	for (guint i = 0; i < altered->len; i++)
		g_string_append_printf(s, "ECC-Altered-Before-Export: %s\n",
		                       (char *)g_ptr_array_index(altered, i));
	for (guint i = 0; i < missing->len; i++)
		g_string_append_printf(s, "ECC-Missing-Before-Export: %s\n",
		                       (char *)g_ptr_array_index(missing, i));
	g_free(oxum);
	g_free(pk);
	g_free(fp);
	g_free(date);
	g_date_time_unref(now);
	return g_string_free(s, FALSE);
}

/* The TSA's token over the payload manifest (complete once the chain is
 * in), which the tag manifest then lists and the signature covers; NULL
 * with j->stamp_why when the TSA gave none: the package goes out without
 * one, and says so. */
static GBytes *stamp(struct evidence__job *j, GString *manifest)
{
	char hex[ECC_EV_HEX], *why = NULL;
	uint8_t digest[32];
	GBytes *token = NULL;

	ecc_ev_sha256_hex(manifest->str, manifest->len, hex);
	if (!ecc_ev_unhex32(hex, digest) ||
	    ecc_tsa_stamp(j->tsa_url, digest, j->tsa_timeout, &token, &j->stamped, &why) != ECC_OK)
		j->stamp_why = why ? why : g_strdup("no token");
	return token;
}

static bool write_all(struct bag *b)
{
	struct evidence__job *j = b->j;
	struct ecc_ev_package *p = j->pkg;
	GPtrArray *altered = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *missing = g_ptr_array_new_with_free_func(g_free);
	ecc_ev_hash *h = ecc_ev_hash_new();
	guint8 *buf = g_malloc(READ);
	char *text = NULL, *info = NULL;
	GBytes *token = NULL;
	uint8_t sig[ECC_EV_SIG];
	bool ok = true;

	for (guint i = 0; ok && i < p->segments->len; i++)
		ok = add_segment(b, g_ptr_array_index(p->segments, i), h, buf, altered, missing);
	for (guint i = 0; ok && i + 1 < p->files->len; i += 2) {
		char *rel = g_strconcat("data/", (char *)g_ptr_array_index(p->files, i), NULL);
		gsize n;
		const void *d = g_bytes_get_data(g_ptr_array_index(p->files, i + 1), &n);
		ok = add_mem(b, rel, d, n, b->manifest);
		g_free(rel);
	}
	if (ok) {
		text = chain_json(j);
		ok = add_mem(b, ECC_EV_CHAIN, text, strlen(text), b->manifest);
	}
	if (ok && j->tsa_url)
		token = stamp(j, b->manifest);
	if (ok && token)
		ok = add_mem(b, ECC_TSA_TOKEN, g_bytes_get_data(token, NULL),
		             g_bytes_get_size(token), b->tagmanifest);
	if (ok) {
		info = bag_info(b, altered, missing);
		ok = add_mem(b, ECC_EV_MANIFEST, b->manifest->str, b->manifest->len,
		             b->tagmanifest) &&
		     add_mem(b, "bagit.txt", ECC_EV_BAGIT_TXT, strlen(ECC_EV_BAGIT_TXT),
		             b->tagmanifest) &&
		     add_mem(b, "bag-info.txt", info, strlen(info), b->tagmanifest);
	}
	if (ok) {
		ecc_ev_sign(j->sk, b->tagmanifest->str, b->tagmanifest->len, sig);
		ok = add_mem(b, ECC_EV_TAGMANIFEST, b->tagmanifest->str, b->tagmanifest->len,
		             NULL) &&
		     add_mem(b, ECC_EV_SIGNATURE, sig, sizeof(sig), NULL);
	}
	g_free(text);
	g_free(info);
	if (token)
		g_bytes_unref(token);
	g_free(buf);
	ecc_ev_hash_free(h);
	g_ptr_array_free(altered, TRUE);
	g_ptr_array_free(missing, TRUE);
	return ok;
}

bool evidence__write_bag(struct evidence__job *j)
{
	struct bag b = {.j = j, .mtime = g_get_real_time() / G_USEC_PER_SEC};
	bool ok;

	b.cur = g_byte_array_sized_new(PIECE + READ);
	b.manifest = g_string_new(NULL);
	b.tagmanifest = g_string_new(NULL);
	b.a = archive_write_new();
	/* pax: no 8 GiB file limit, no 100-character names; no blocking, the
	 * pipe makes its own pieces */
	ok = archive_write_set_format_pax_restricted(b.a) == ARCHIVE_OK &&
	     archive_write_set_bytes_per_block(b.a, 0) == ARCHIVE_OK &&
	     archive_write_open2(b.a, &b, NULL, out_write, out_close, NULL) == ARCHIVE_OK;
	ok = ok && write_all(&b);
	if (!ok && !j->cancelled)
		g_warning("export %s failed: %s", j->pkg->bag, archive_error_string(b.a));
	if (archive_write_close(b.a) != ARCHIVE_OK)
		ok = false;
	archive_write_free(b.a);
	g_byte_array_free(b.cur, TRUE);
	g_string_free(b.manifest, TRUE);
	g_string_free(b.tagmanifest, TRUE);
	return ok;
}
