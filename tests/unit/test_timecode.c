/* Specification of the timestamp strip burned into simulated camera frames
 * (devices/timecode.h); tests/lib/timecode.mjs reads the same layout. */
#include "timecode.h"

#include <glib.h>
#include <string.h>

#define NOW_MS INT64_C(1767225600123) /* 2026-01-01 00:00:00.123 UTC */

/* CRC by polynomial long division of value * x^4 by x^4 + x + 1. */
static unsigned crc_by_division(uint64_t value)
{
	uint64_t r = (value & ((UINT64_C(1) << 42) - 1)) << 4;

	for (int bit = 45; bit >= 4; bit--)
		if (r >> bit & 1)
			r ^= UINT64_C(0x13) << (bit - 4);
	return (unsigned)r;
}

/* A frame of mid-grey noise with the strip for value painted in (luma 16 and
 * 235, as a limited-range encoder would make them). */
static uint8_t *render(int width, int height, int64_t value)
{
	uint8_t *y = g_malloc((size_t)width * height);
	struct ecc_timecode_geometry g;
	bool white[ECC_TIMECODE_CELLS];
	GRand *rand = g_rand_new_with_seed((guint32)value);

	for (int i = 0; i < width * height; i++)
		y[i] = (uint8_t)g_rand_int_range(rand, 60, 200);
	g_rand_free(rand);
	g_assert_true(ecc_timecode_geometry(width, height, &g));
	ecc_timecode_cells(value, white);
	for (int i = 0; i < ECC_TIMECODE_CELLS; i++) {
		int x0, y0;

		ecc_timecode_cell_xy(&g, i, &x0, &y0);
		for (int yy = y0; yy < y0 + g.cell; yy++)
			memset(y + (size_t)yy * width + x0, white[i] ? 235 : 16, (size_t)g.cell);
	}
	return y;
}

static void test_geometry_is_a_fraction_of_the_width(void)
{
	static const int sizes[][3] = {
	    {640, 360, 16}, {1280, 720, 32}, {1920, 1080, 48}, {480, 270, 12}, {320, 180, 8}};
	struct ecc_timecode_geometry g;

	for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
		g_assert_true(ecc_timecode_geometry(sizes[i][0], sizes[i][1], &g));
		g_assert_cmpint(g.cell, ==, sizes[i][2]);
		g_assert_cmpint(g.x0, ==, sizes[i][2] / 2);
		g_assert_cmpint(g.y0, ==, sizes[i][2] / 2);
	}
}

static void test_strip_fits_every_frame_size(void)
{
	for (int w = 160; w <= 1920; w += 2) {
		for (int h = 90; h <= 1080; h += 98) {
			struct ecc_timecode_geometry g;
			int x, y;

			if (!ecc_timecode_geometry(w, h, &g))
				continue;
			ecc_timecode_cell_xy(&g, ECC_TIMECODE_CELLS - 1, &x, &y);
			g_assert_cmpint(x + g.cell, <=, w);
			g_assert_cmpint(y + g.cell, <=, h);
			g_assert_cmpint(g.cell, >=, ECC_TIMECODE_MIN_CELL);
		}
	}
}

static void test_too_small_frames_have_no_strip(void)
{
	struct ecc_timecode_geometry g;

	g_assert_false(ecc_timecode_geometry(150, 90, &g));
	g_assert_false(ecc_timecode_geometry(640, 30, &g));
}

static void test_crc_is_the_polynomial_remainder(void)
{
	GRand *rand = g_rand_new_with_seed(42);

	g_assert_cmpuint(ecc_timecode_crc4(0), ==, 0);
	for (int i = 0; i < 10000; i++) {
		uint64_t v = ((uint64_t)g_rand_int(rand) << 32 | g_rand_int(rand)) >> 22;

		g_assert_cmpuint(ecc_timecode_crc4(v), ==, crc_by_division(v));
	}
	g_rand_free(rand);
}

static void test_cells_are_references_then_bits_msb_first_then_crc(void)
{
	bool white[ECC_TIMECODE_CELLS];

	ecc_timecode_cells(1, white);
	g_assert_true(white[0]);
	g_assert_false(white[1]);
	for (int i = 2; i < 43; i++)
		g_assert_false(white[i]);
	g_assert_true(white[43]);
	ecc_timecode_cells(INT64_C(1) << 41, white);
	g_assert_true(white[2]);
	for (int i = 3; i < 44; i++)
		g_assert_false(white[i]);
	ecc_timecode_cells(NOW_MS, white);
	for (int i = 0; i < 4; i++)
		g_assert_cmpint(white[44 + i], ==, (ecc_timecode_crc4(NOW_MS) >> (3 - i)) & 1);
}

static void test_decode_reads_what_was_drawn(void)
{
	static const int sizes[][2] = {{640, 360}, {1920, 1080}, {480, 270}, {1280, 720}};

	for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++) {
		for (int64_t v = NOW_MS; v < NOW_MS + 2000; v += 40) {
			uint8_t *y = render(sizes[s][0], sizes[s][1], v);

			g_assert_cmpint(
			    ecc_timecode_decode(y, (size_t)sizes[s][0], sizes[s][0], sizes[s][1]),
			    ==, v);
			g_free(y);
		}
	}
}

static void test_decode_reads_a_frame_scaled_down_as_a_whole(void)
{
	uint8_t *big = render(1920, 1080, NOW_MS), *small = g_malloc(640 * 360);

	for (int y = 0; y < 360; y++) {
		for (int x = 0; x < 640; x++) {
			unsigned sum = 0;

			for (int dy = 0; dy < 3; dy++)
				for (int dx = 0; dx < 3; dx++)
					sum += big[(size_t)(3 * y + dy) * 1920 + 3 * x + dx];
			small[y * 640 + x] = (uint8_t)(sum / 9);
		}
	}
	g_assert_cmpint(ecc_timecode_decode(small, 640, 640, 360), ==, NOW_MS);
	g_free(big);
	g_free(small);
}

static void test_a_flipped_cell_decodes_as_nothing(void)
{
	struct ecc_timecode_geometry g;

	g_assert_true(ecc_timecode_geometry(640, 360, &g));
	for (int cell = 2; cell < ECC_TIMECODE_CELLS; cell++) {
		uint8_t *y = render(640, 360, NOW_MS);
		int x0, y0;

		ecc_timecode_cell_xy(&g, cell, &x0, &y0);
		for (int yy = y0; yy < y0 + g.cell; yy++)
			for (int xx = x0; xx < x0 + g.cell; xx++)
				y[yy * 640 + xx] = (uint8_t)(251 - y[yy * 640 + xx]);
		g_assert_cmpint(ecc_timecode_decode(y, 640, 640, 360), ==, -1);
		g_free(y);
	}
}

static void test_a_frame_without_strip_decodes_as_nothing(void)
{
	uint8_t *y = g_malloc(640 * 360);

	memset(y, 128, 640 * 360);
	g_assert_cmpint(ecc_timecode_decode(y, 640, 640, 360), ==, -1);
	g_assert_cmpint(ecc_timecode_decode(NULL, 640, 640, 360), ==, -1);
	g_free(y);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/timecode/cells are 1 of 40 of the width, the strip at half a cell",
	                test_geometry_is_a_fraction_of_the_width);
	g_test_add_func("/timecode/the strip fits every frame from 160x90 to 1920x1080",
	                test_strip_fits_every_frame_size);
	g_test_add_func("/timecode/frames too small for 4 px cells have no strip",
	                test_too_small_frames_have_no_strip);
	g_test_add_func("/timecode/the CRC is the remainder by x^4 + x + 1",
	                test_crc_is_the_polynomial_remainder);
	g_test_add_func("/timecode/cells are white, black, 42 bits MSB first, then the CRC",
	                test_cells_are_references_then_bits_msb_first_then_crc);
	g_test_add_func("/timecode/decoding a drawn strip gives its millisecond back",
	                test_decode_reads_what_was_drawn);
	g_test_add_func("/timecode/a 1080p frame scaled to 640x360 still decodes",
	                test_decode_reads_a_frame_scaled_down_as_a_whole);
	g_test_add_func("/timecode/one flipped cell decodes as nothing, never a wrong time",
	                test_a_flipped_cell_decodes_as_nothing);
	g_test_add_func("/timecode/a frame without a strip decodes as nothing",
	                test_a_frame_without_strip_decodes_as_nothing);
	return g_test_run();
}
