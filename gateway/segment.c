/* segment: reports of recorded segments, their markers and recovery. */
#define G_LOG_DOMAIN "ecc-gw-segment"

#include "segment.h"
#include "ecc_err.h"
#include "ecc_json.h"
#include "mp4.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ecc_segment_clear(struct ecc_segment *s)
{
	g_free(s->stream);
	g_free(s->unit);
	g_free(s->path);
	memset(s, 0, sizeof(*s));
}

cJSON *ecc_segment_json(const struct ecc_segment *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", "segment");
	cJSON_AddStringToObject(o, "stream", s->stream);
	cJSON_AddStringToObject(o, "unit", s->unit);
	cJSON_AddStringToObject(o, "path", s->path);
	cJSON_AddNumberToObject(o, "t0", (double)s->t0);
	cJSON_AddNumberToObject(o, "t1", (double)s->t1);
	cJSON_AddStringToObject(o, "vcodec", s->vcodec);
	cJSON_AddStringToObject(o, "acodec", s->acodec);
	cJSON_AddNumberToObject(o, "width", s->width);
	cJSON_AddNumberToObject(o, "height", s->height);
	cJSON_AddNumberToObject(o, "bytes", (double)s->bytes);
	cJSON_AddNumberToObject(o, "init_bytes", (double)s->init_bytes);
	cJSON_AddNumberToObject(o, "media_bytes", (double)s->media_bytes);
	cJSON_AddNumberToObject(o, "fragments", s->fragments);
	cJSON_AddStringToObject(o, "sha256", s->sha256);
	cJSON_AddBoolToObject(o, "closed", s->closed);
	cJSON_AddBoolToObject(o, "cut_short", s->cut_short);
	cJSON_AddNumberToObject(o, "truncated_bytes", (double)s->truncated_bytes);
	return o;
}

static char *marker_of(const char *root, const char *path)
{
	return g_strdup_printf("%s/%s.json", root, path);
}

int ecc_segment_save_marker(const char *root, const struct ecc_segment *s)
{
	cJSON *o = ecc_segment_json(s);
	char *text = cJSON_PrintUnformatted(o), *m = marker_of(root, s->path);
	int rc = g_file_set_contents(m, text, -1, NULL) ? ECC_OK : ECC_ERR_IO;

	if (rc != ECC_OK)
		g_warning("cannot write %s", m);
	cJSON_free(text);
	cJSON_Delete(o);
	g_free(m);
	return rc;
}

static void copy(char *dst, size_t n, const cJSON *o, const char *key)
{
	const char *v = "";

	ecc_json_get_string(o, key, &v);
	g_strlcpy(dst, v, n);
}

int ecc_segment_load_marker(const char *marker_path, struct ecc_segment *s)
{
	char *text = NULL, tmp[65];
	gsize len = 0;
	const char *v;
	double d;
	bool b;
	cJSON *o;

	memset(s, 0, sizeof(*s));
	if (!g_file_get_contents(marker_path, &text, &len, NULL))
		return ECC_ERR_IO;
	if (ecc_json_parse_object(text, len, 65536, &o) != ECC_OK) {
		g_free(text);
		return ECC_ERR_INVAL;
	}
	g_free(text);
	s->stream = g_strdup(ecc_json_get_string(o, "stream", &v) == ECC_OK ? v : "");
	s->unit = g_strdup(ecc_json_get_string(o, "unit", &v) == ECC_OK ? v : "");
	s->path = g_strdup(ecc_json_get_string(o, "path", &v) == ECC_OK ? v : "");
	if (ecc_json_get_number(o, "t0", &d) == ECC_OK)
		s->t0 = (int64_t)d;
	if (ecc_json_get_number(o, "t1", &d) == ECC_OK)
		s->t1 = (int64_t)d;
	copy(s->vcodec, sizeof(s->vcodec), o, "vcodec");
	copy(s->acodec, sizeof(s->acodec), o, "acodec");
	if (ecc_json_get_number(o, "width", &d) == ECC_OK)
		s->width = (int)d;
	if (ecc_json_get_number(o, "height", &d) == ECC_OK)
		s->height = (int)d;
	if (ecc_json_get_bool(o, "closed", &b) == ECC_OK)
		s->closed = b;
	if (ecc_json_get_bool(o, "cut_short", &b) == ECC_OK)
		s->cut_short = b;
	if (s->closed) {
		if (ecc_json_get_number(o, "bytes", &d) == ECC_OK)
			s->bytes = (uint64_t)d;
		if (ecc_json_get_number(o, "init_bytes", &d) == ECC_OK)
			s->init_bytes = (uint64_t)d;
		if (ecc_json_get_number(o, "media_bytes", &d) == ECC_OK)
			s->media_bytes = (uint64_t)d;
		if (ecc_json_get_number(o, "fragments", &d) == ECC_OK)
			s->fragments = (unsigned)d;
		copy(tmp, sizeof(tmp), o, "sha256");
		g_strlcpy(s->sha256, tmp, sizeof(s->sha256));
	}
	cJSON_Delete(o);
	return s->path[0] ? ECC_OK : ECC_ERR_INVAL;
}

void ecc_segment_drop_marker(const char *root, const char *path)
{
	char *m = marker_of(root, path);

	g_unlink(m);
	g_free(m);
}

static int sha256_file(const char *file, char out[65])
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	unsigned char buf[1 << 16];
	size_t n;
	FILE *f = fopen(file, "rb");

	if (!f) {
		g_checksum_free(c);
		return ECC_ERR_IO;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		g_checksum_update(c, buf, (gssize)n);
	fclose(f);
	g_strlcpy(out, g_checksum_get_string(c), 65);
	g_checksum_free(c);
	return ECC_OK;
}

int ecc_segment_finish(const char *root, struct ecc_segment *s)
{
	char *file = g_build_filename(root, s->path, NULL);
	struct ecc_mp4_layout l;
	struct stat st;
	int rc;

	if (stat(file, &st) != 0) {
		g_free(file);
		return ECC_ERR_IO;
	}
	rc = ecc_mp4_layout(file, &l);
	if (rc == ECC_OK)
		rc = sha256_file(file, s->sha256);
	if (rc == ECC_OK) {
		s->bytes = l.file_bytes;
		s->init_bytes = l.init_bytes;
		s->media_bytes = l.whole_bytes - l.init_bytes;
		s->fragments = l.fragments;
		if (!s->t1)
			s->t1 = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
		s->closed = true;
	}
	g_free(file);
	return rc;
}

/* A crash mid-write leaves the last fragment torn: no player can use it,
 * and readers stop there with an error. It is cut off (and its size
 * reported) before the file is hashed and filed. */
static void drop_torn_tail(const char *root, struct ecc_segment *s)
{
	char *file = g_build_filename(root, s->path, NULL);
	struct ecc_mp4_layout l;

	if (ecc_mp4_layout(file, &l) == ECC_OK && l.whole_bytes < l.file_bytes &&
	    truncate(file, (off_t)l.whole_bytes) == 0) {
		s->truncated_bytes = l.file_bytes - l.whole_bytes;
		g_message("segment %s: %" G_GUINT64_FORMAT " bytes of a torn last fragment removed",
		          s->path, s->truncated_bytes);
	}
	g_free(file);
}

static void walk(const char *root, const char *dir, void (*fn)(void *, struct ecc_segment *),
                 void *user)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	while ((name = g_dir_read_name(d))) {
		char *full = g_build_filename(dir, name, NULL);
		if (g_file_test(full, G_FILE_TEST_IS_DIR)) {
			walk(root, full, fn, user);
		} else if (g_str_has_suffix(name, ".mp4.json")) {
			struct ecc_segment s;
			if (ecc_segment_load_marker(full, &s) == ECC_OK) {
				if (!s.closed) {
					s.cut_short = true;
					s.t1 = 0; /* from the file's last write */
					drop_torn_tail(root, &s);
					if (ecc_segment_finish(root, &s) != ECC_OK) {
						g_warning("segment %s: unreadable after a crash",
						          s.path);
						s.closed = true; /* reported with bytes 0 */
					}
					ecc_segment_save_marker(root, &s);
				}
				fn(user, &s);
			}
			ecc_segment_clear(&s);
		}
		g_free(full);
	}
	g_dir_close(d);
}

void ecc_segment_recover(const char *root, void (*fn)(void *user, struct ecc_segment *s),
                         void *user)
{
	walk(root, root, fn, user);
}
