/*
 * timecode: the machine-readable timestamp strip burned into every simulated
 * camera frame.
 *
 * Why: latency and sync tests (camera -> gateway -> recording or WebRTC ->
 * browser) must read, from a decoded picture, when that picture was taken.
 * Digits need OCR; a strip of large black and white cells survives H.264 and
 * H.265 at low bitrates, scaling, and a canvas grab, and a 4-bit CRC turns a
 * misread into "no value" instead of a wrong time.
 *
 * The strip (tests/lib/timecode.mjs decodes the same layout):
 *   cell size c = min(width / 40, height / 8) px (integer division), at least
 *   4; 640x360 -> 16, 1280x720 -> 32, 1920x1080 -> 48, 480x270 -> 12;
 *   48 cells in 2 rows of 24, the strip's top-left corner at (c/2, c/2);
 *   cell i sits at x = c/2 + (i % 24) * c, y = c/2 + (i / 24) * c;
 *   cell 0 is white, cell 1 black (references for the threshold);
 *   cells 2..43 are the 42 bits of the value, most significant first;
 *   cells 44..47 are its CRC-4 (polynomial x^4 + x + 1, initial 0, over the
 *   42 bits MSB first), most significant first; white = 1.
 * The value is UTC milliseconds since 1970 (42 bits last until 2109) of the
 * frame's capture, i.e. the wall-clock time of its presentation timestamp;
 * the bench cameras' looped clip carries that time modulo the loop period.
 * Because every size is a fixed fraction of the width, a frame scaled as a
 * whole still decodes with the geometry of its new size.
 *
 * Thread: any; pure functions.
 */
#ifndef ECC_TIMECODE_H
#define ECC_TIMECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECC_TIMECODE_COLS     24
#define ECC_TIMECODE_ROWS     2
#define ECC_TIMECODE_CELLS    48
#define ECC_TIMECODE_BITS     42
#define ECC_TIMECODE_MIN_CELL 4

struct ecc_timecode_geometry {
	int cell;   /* px */
	int x0, y0; /* top-left corner of cell 0 */
};

/* The strip's geometry in a width x height frame; false when the frame is
 * too small for cells of ECC_TIMECODE_MIN_CELL px. */
bool ecc_timecode_geometry(int width, int height, struct ecc_timecode_geometry *out);

/* Top-left corner of cell i (0..47). */
void ecc_timecode_cell_xy(const struct ecc_timecode_geometry *g, int i, int *x, int *y);

/* CRC-4 (x^4 + x + 1, initial 0) of the low 42 bits of value, MSB first. */
unsigned ecc_timecode_crc4(uint64_t value);

/* Colours of the 48 cells for value (reduced modulo 2^42): true = white. */
void ecc_timecode_cells(int64_t value, bool white[ECC_TIMECODE_CELLS]);

/*
 * Reads the strip from an 8-bit luma plane (row stride in bytes). Returns the
 * value, or -1 when there is no readable strip (references not contrasted
 * enough, or a CRC mismatch).
 */
int64_t ecc_timecode_decode(const uint8_t *luma, size_t stride, int width, int height);

#endif
