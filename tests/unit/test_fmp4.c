/* Specifications of the fallback view's box cutter (gateway/fmp4.c): the
 * muxer's output, however it is split into buffers, comes out as the init
 * segment (up to the end of moov) and then one fragment (moof + mdat) per
 * chunk, byte for byte; a box header that makes no sense stops the stream. */
#include "fmp4.h"

#include <glib.h>
#include <string.h>

struct got {
	GPtrArray *chunks; /* GBytes* */
};

static void on_chunk(void *user, GBytes *chunk)
{
	struct got *g = user;

	g_ptr_array_add(g->chunks, chunk);
}

/* A box of `size` bytes (header included) of type t, filled with a byte. */
static void box(GByteArray *out, const char *t, guint32 size, guint8 fill)
{
	guint8 h[8] = {size >> 24, size >> 16, size >> 8, size, t[0], t[1], t[2], t[3]};

	g_byte_array_append(out, h, 8);
	for (guint32 i = 8; i < size; i++)
		g_byte_array_append(out, &fill, 1);
}

static GByteArray *stream(void)
{
	GByteArray *s = g_byte_array_new();

	box(s, "ftyp", 24, 1);
	box(s, "moov", 700, 2);
	box(s, "moof", 96, 3);
	box(s, "mdat", 5000, 4);
	box(s, "moof", 96, 5);
	box(s, "mdat", 9, 6);
	return s;
}

static void check_chunks(struct got *g, const GByteArray *s)
{
	static const gsize sizes[] = {724, 5096, 105};
	gsize off = 0;

	g_assert_cmpuint(g->chunks->len, ==, G_N_ELEMENTS(sizes));
	for (guint i = 0; i < g->chunks->len; i++) {
		gsize n;
		const guint8 *d = g_bytes_get_data(g->chunks->pdata[i], &n);
		g_assert_cmpuint(n, ==, sizes[i]);
		g_assert_cmpmem(d, n, s->data + off, n);
		off += n;
	}
}

static void test_any_split(void)
{
	GByteArray *s = stream();

	/* whole, byte by byte, and in odd pieces */
	for (gsize piece = 1; piece <= s->len; piece = piece * 3 + 4) {
		struct got g = {g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref)};
		ecc_fmp4 *f = ecc_fmp4_new_walker(on_chunk, &g);

		for (gsize off = 0; off < s->len; off += piece)
			ecc_fmp4_feed(f, s->data + off, MIN(piece, s->len - off));
		check_chunks(&g, s);
		ecc_fmp4_free(f);
		g_ptr_array_unref(g.chunks);
	}
	g_byte_array_unref(s);
}

static void test_large_size(void)
{
	struct got g = {g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref)};
	ecc_fmp4 *f = ecc_fmp4_new_walker(on_chunk, &g);
	/* a 64-bit size: 1, the type, then the size (24) */
	guint8 big[24] = {0, 0, 0, 1, 'm', 'o', 'o', 'v', 0, 0, 0, 0, 0, 0, 0, 24};

	ecc_fmp4_feed(f, big, 12);
	g_assert_cmpuint(g.chunks->len, ==, 0);
	ecc_fmp4_feed(f, big + 12, 12);
	g_assert_cmpuint(g.chunks->len, ==, 1);
	ecc_fmp4_free(f);
	g_ptr_array_unref(g.chunks);
}

static void test_nonsense_stops(void)
{
	struct got g = {g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref)};
	ecc_fmp4 *f = ecc_fmp4_new_walker(on_chunk, &g);
	GByteArray *s = g_byte_array_new();

	box(s, "moov", 16, 0);
	box(s, "moof", 4, 0); /* smaller than its own header */
	box(s, "moov", 16, 0);
	g_test_expect_message("ecc-gw-fmp4", G_LOG_LEVEL_WARNING, "*stream cut*");
	ecc_fmp4_feed(f, s->data, s->len);
	g_test_assert_expected_messages();
	g_assert_cmpuint(g.chunks->len, ==, 1);
	ecc_fmp4_feed(f, s->data, 16);
	g_assert_cmpuint(g.chunks->len, ==, 1);
	ecc_fmp4_free(f);
	g_ptr_array_unref(g.chunks);
	g_byte_array_unref(s);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fmp4/any-split", test_any_split);
	g_test_add_func("/fmp4/large-size", test_large_size);
	g_test_add_func("/fmp4/nonsense-stops", test_nonsense_stops);
	return g_test_run();
}
