/* timecode: the timestamp strip's layout, bits and CRC; and a luma reader. */
#define G_LOG_DOMAIN "ecc-timecode"

#include "timecode.h"

#define VALUE_MASK   ((UINT64_C(1) << ECC_TIMECODE_BITS) - 1)
#define MIN_CONTRAST 64 /* white reference minus black reference, of 255 */

bool ecc_timecode_geometry(int width, int height, struct ecc_timecode_geometry *out)
{
	int c = width / 40;

	if (height / 8 < c)
		c = height / 8;
	if (c < ECC_TIMECODE_MIN_CELL)
		return false;
	out->cell = c;
	out->x0 = c / 2;
	out->y0 = c / 2;
	return true;
}

void ecc_timecode_cell_xy(const struct ecc_timecode_geometry *g, int i, int *x, int *y)
{
	*x = g->x0 + (i % ECC_TIMECODE_COLS) * g->cell;
	*y = g->y0 + (i / ECC_TIMECODE_COLS) * g->cell;
}

unsigned ecc_timecode_crc4(uint64_t value)
{
	unsigned crc = 0;

	for (int i = ECC_TIMECODE_BITS - 1; i >= 0; i--) {
		unsigned feedback = ((crc >> 3) ^ (unsigned)(value >> i)) & 1;

		crc = (crc << 1) & 0xf;
		if (feedback)
			crc ^= 0x3;
	}
	return crc;
}

void ecc_timecode_cells(int64_t value, bool white[ECC_TIMECODE_CELLS])
{
	uint64_t v = (uint64_t)value & VALUE_MASK;
	unsigned crc = ecc_timecode_crc4(v);

	white[0] = true;
	white[1] = false;
	for (int i = 0; i < ECC_TIMECODE_BITS; i++)
		white[2 + i] = (v >> (ECC_TIMECODE_BITS - 1 - i)) & 1;
	for (int i = 0; i < 4; i++)
		white[2 + ECC_TIMECODE_BITS + i] = (crc >> (3 - i)) & 1;
}

/* Mean luma of the middle half of cell i. */
static unsigned cell_mean(const uint8_t *luma, size_t stride, const struct ecc_timecode_geometry *g,
                          int i)
{
	int x, y, q = g->cell / 4, n = 0;
	unsigned long sum = 0;

	ecc_timecode_cell_xy(g, i, &x, &y);
	for (int yy = y + q; yy < y + g->cell - q; yy++) {
		for (int xx = x + q; xx < x + g->cell - q; xx++) {
			sum += luma[(size_t)yy * stride + (size_t)xx];
			n++;
		}
	}
	return n ? (unsigned)(sum / (unsigned long)n) : 0;
}

int64_t ecc_timecode_decode(const uint8_t *luma, size_t stride, int width, int height)
{
	struct ecc_timecode_geometry g;
	unsigned hi, lo, mid, crc = 0;
	uint64_t v = 0;

	if (!luma || !ecc_timecode_geometry(width, height, &g))
		return -1;
	hi = cell_mean(luma, stride, &g, 0);
	lo = cell_mean(luma, stride, &g, 1);
	if (hi < lo + MIN_CONTRAST)
		return -1;
	mid = (hi + lo) / 2;
	for (int i = 0; i < ECC_TIMECODE_BITS; i++)
		v = (v << 1) | (cell_mean(luma, stride, &g, 2 + i) > mid);
	for (int i = 0; i < 4; i++)
		crc = (crc << 1) | (cell_mean(luma, stride, &g, 2 + ECC_TIMECODE_BITS + i) > mid);
	return crc == ecc_timecode_crc4(v) ? (int64_t)v : -1;
}
