/*
 * mp4: the top-level boxes of a recorded (fragmented) MP4 segment.
 *
 * Why: timeline playback serves each segment to the browser as an HLS
 * fMP4 byte range: the init part (ftyp + moov) and the media part (moof +
 * mdat fragments). This walks box headers only (never samples) to find
 * where the init part ends and how much of the file is whole fragments (a
 * segment cut short by a crash ends in a partial box, left out).
 *
 * Thread: any. Returns ECC_OK, ECC_ERR_IO, ECC_ERR_INVAL (not an MP4 with a
 * moov box).
 */
#ifndef ECC_MP4_H
#define ECC_MP4_H

#include <stdint.h>

struct ecc_mp4_layout {
	uint64_t init_bytes;  /* ftyp + moov */
	uint64_t whole_bytes; /* up to the end of the last complete fragment (its mdat) */
	uint64_t file_bytes;
	unsigned fragments; /* moof boxes */
};

int ecc_mp4_layout(const char *path, struct ecc_mp4_layout *out);

#endif
