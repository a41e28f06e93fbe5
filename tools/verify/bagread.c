/* bagread: a package's files and their SHA-256, read once, from a tar or folder. */
#include "bagread.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK    (1024 * 1024)
#define KEEP_MAX (64 * 1024 * 1024)

static void file_free(gpointer p)
{
	struct bag_file *f = p;

	if (f->content)
		g_bytes_unref(f->content);
	g_free(f);
}

/* Tag files and the chain are kept whole; name is the full path read. */
static bool keep(const char *name, uint64_t size)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	return size <= KEEP_MAX &&
	       (g_str_has_suffix(base, ".txt") || g_str_has_suffix(base, ".ed25519") ||
	        g_str_has_suffix(base, ".tsr") || !strcmp(base, "chain.json"));
}

/* ---- tar ---------------------------------------------------------------------- */

static GHashTable *read_tar(const char *path, char **why)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, file_free);
	ecc_ev_hash *h = ecc_ev_hash_new();
	int rc;

	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, path, BLOCK) != ARCHIVE_OK) {
		*why = g_strdup_printf("cannot read %s: %s", path, archive_error_string(a));
		goto fail;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		struct bag_file *f;
		GByteArray *content = NULL;
		const void *buf;
		size_t len;
		la_int64_t off;

		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		if (archive_entry_filetype(e) != AE_IFREG) {
			*why = g_strdup_printf("%s is not a regular file", name);
			goto fail;
		}
		while (g_str_has_prefix(name, "./"))
			name += 2;
		f = g_new0(struct bag_file, 1);
		if (keep(name, (uint64_t)archive_entry_size(e)))
			content = g_byte_array_new();
		ecc_ev_hash_reset(h);
		while ((rc = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
			ecc_ev_hash_update(h, buf, len);
			f->size += len;
			if (content)
				g_byte_array_append(content, buf, (guint)len);
		}
		ecc_ev_hash_final(h, f->hex, NULL);
		if (content)
			f->content = g_byte_array_free_to_bytes(content);
		if (g_hash_table_contains(t, name)) {
			*why = g_strdup_printf("%s is in the tar twice", name);
			file_free(f);
			goto fail;
		}
		g_hash_table_insert(t, g_strdup(name), f);
		if (rc != ARCHIVE_EOF) {
			*why = g_strdup_printf("%s: %s", name, archive_error_string(a));
			goto fail;
		}
	}
	if (rc != ARCHIVE_EOF) {
		*why = g_strdup_printf("%s: %s", path, archive_error_string(a));
		goto fail;
	}
	archive_read_free(a);
	ecc_ev_hash_free(h);
	return t;
fail:
	archive_read_free(a);
	ecc_ev_hash_free(h);
	g_hash_table_unref(t);
	return NULL;
}

/* ---- folder ------------------------------------------------------------------- */

static bool hash_file(const char *full, struct bag_file *f, const char *rel, ecc_ev_hash *h,
                      guint8 *buf, char **why)
{
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	struct stat st;
	GByteArray *content = NULL;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) != 0) {
		*why = g_strdup_printf("cannot read %s: %s", full, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (keep(rel, (uint64_t)st.st_size))
		content = g_byte_array_new();
	ecc_ev_hash_reset(h);
	while ((n = read(fd, buf, BLOCK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = g_strdup_printf("cannot read %s: %s", full, g_strerror(errno));
			close(fd);
			if (content)
				g_byte_array_free(content, TRUE);
			return false;
		}
		ecc_ev_hash_update(h, buf, (size_t)n);
		f->size += (uint64_t)n;
		if (content)
			g_byte_array_append(content, buf, (guint)n);
	}
	close(fd);
	ecc_ev_hash_final(h, f->hex, NULL);
	if (content)
		f->content = g_byte_array_free_to_bytes(content);
	return true;
}

static bool walk(const char *root, const char *rel, GHashTable *t, ecc_ev_hash *h, guint8 *buf,
                 char **why)
{
	char *dir = rel ? g_build_filename(root, rel, NULL) : g_strdup(root);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	bool ok = true;

	if (!d) {
		*why = g_strdup_printf("cannot list %s", dir);
		g_free(dir);
		return false;
	}
	while (ok && (n = g_dir_read_name(d))) {
		char *r = rel ? g_strconcat(rel, "/", n, NULL) : g_strdup(n);
		char *full = g_build_filename(root, r, NULL);
		struct stat st;
		if (lstat(full, &st) != 0) {
			*why = g_strdup_printf("cannot read %s", full);
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			ok = walk(root, r, t, h, buf, why);
		} else if (!S_ISREG(st.st_mode)) {
			*why = g_strdup_printf("%s is not a regular file", full);
			ok = false;
		} else {
			struct bag_file *f = g_new0(struct bag_file, 1);
			ok = hash_file(full, f, r, h, buf, why);
			if (ok)
				g_hash_table_insert(t, g_strdup(r), f);
			else
				file_free(f);
		}
		g_free(full);
		g_free(r);
	}
	g_dir_close(d);
	g_free(dir);
	return ok;
}

static GHashTable *read_dir(const char *path, char **why)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, file_free);
	ecc_ev_hash *h = ecc_ev_hash_new();
	guint8 *buf = g_malloc(BLOCK);
	bool ok = walk(path, NULL, t, h, buf, why);

	g_free(buf);
	ecc_ev_hash_free(h);
	if (!ok) {
		g_hash_table_unref(t);
		return NULL;
	}
	return t;
}

/* ---- the bag's folder ----------------------------------------------------------- */

/* Renames every path relative to the folder holding the shallowest
 * bagit.txt. */
static GHashTable *rebase(GHashTable *t)
{
	GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, file_free);
	GHashTableIter it;
	gpointer k, v;
	char *prefix = NULL;
	int depth = G_MAXINT;

	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *name = k;
		int d = 0;
		if (strcmp(name, "bagit.txt") && !g_str_has_suffix(name, "/bagit.txt"))
			continue;
		for (const char *c = name; *c; c++)
			d += *c == '/';
		if (d < depth) {
			depth = d;
			g_free(prefix);
			prefix = g_strndup(name, strlen(name) - strlen("bagit.txt"));
		}
	}
	if (!prefix)
		prefix = g_strdup("");
	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *name = k;
		char *rel = g_str_has_prefix(name, prefix) ? g_strdup(name + strlen(prefix))
		                                           : g_strconcat("../", name, NULL);
		g_hash_table_insert(out, rel, v);
		g_hash_table_iter_steal(&it);
		g_free(k);
	}
	g_free(prefix);
	g_hash_table_unref(t);
	return out;
}

GHashTable *bagread(const char *path, char **why)
{
	GHashTable *t;

	*why = NULL;
	if (g_file_test(path, G_FILE_TEST_IS_DIR))
		t = read_dir(path, why);
	else
		t = read_tar(path, why);
	return t ? rebase(t) : NULL;
}
