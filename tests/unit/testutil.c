/* testutil: temporary folders, fixtures and generated payloads for tests. */
#include "testutil.h"

#include <glib/gstdio.h>
#include <string.h>

#ifndef ECC_FIXTURES_DIR
#define ECC_FIXTURES_DIR "tests/fixtures"
#endif

char *ecc_test_tmpdir(void)
{
	GError *err = NULL;
	char *dir = g_dir_make_tmp("ecc-unit-XXXXXX", &err);

	g_assert_no_error(err);
	g_assert_nonnull(dir);
	return dir;
}

void ecc_test_rmtree(const char *path)
{
	GDir *d;
	const char *name;

	if (!path)
		return;
	if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		g_unlink(path);
		return;
	}
	d = g_dir_open(path, 0, NULL);
	while (d && (name = g_dir_read_name(d))) {
		char *child = g_build_filename(path, name, NULL);
		ecc_test_rmtree(child);
		g_free(child);
	}
	if (d)
		g_dir_close(d);
	g_assert_cmpint(g_rmdir(path), ==, 0);
}

char *ecc_test_fixture(const char *rel, size_t *len)
{
	const char *base = g_getenv("ECC_FIXTURES");
	char *path = g_build_filename(base && *base ? base : ECC_FIXTURES_DIR, rel, NULL);
	GError *err = NULL;
	char *text = NULL;
	gsize n = 0;

	if (!g_file_get_contents(path, &text, &n, &err))
		g_error("fixture %s: %s", path, err->message);
	g_free(path);
	if (len)
		*len = n;
	return text;
}

char *ecc_test_repeat(const char *unit, size_t n)
{
	size_t k = strlen(unit);
	char *s = g_malloc(k * n + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * k, unit, k);
	s[k * n] = '\0';
	return s;
}

char *ecc_test_nested(const char *prefix, const char *open, const char *middle, const char *close,
                      const char *suffix, size_t depth)
{
	char *o = ecc_test_repeat(open, depth), *c = ecc_test_repeat(close, depth);
	char *s = g_strconcat(prefix, o, middle, c, suffix, NULL);

	g_free(o);
	g_free(c);
	return s;
}

char *ecc_test_run(const char *const *argv, char **err)
{
	char *out = NULL, *errs = NULL;
	int status = 0;
	GError *e = NULL;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
	                           &errs, &status, &e));
	g_assert_no_error(e);
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("%s failed: %s", argv[0], errs);
	if (err)
		*err = errs;
	else
		g_free(errs);
	return out;
}
