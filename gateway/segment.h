/*
 * segment: what the gateway reports when a recorded segment is complete.
 *
 * Why: the hub files every segment under its unit and stream from this
 * report alone (it never opens the gateway's disk to discover files). The
 * same report is written next to the file as "<file>.json" while the segment
 * is open and until the broker has it, so a crash loses no report: at start
 * the gateway re-sends what is there (ecc_segment_recover).
 *
 * Thread: main. Ownership: caller frees with ecc_segment_clear.
 */
#ifndef ECC_SEGMENT_H
#define ECC_SEGMENT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

struct ecc_segment {
	char *stream, *unit;
	char *path;     /* relative to the recordings folder */
	int64_t t0, t1; /* wall clock, UTC ms, of the first and last frame */
	char vcodec[16], acodec[16];
	int width, height;
	/* filled when the segment is closed (or found after a crash) */
	uint64_t bytes, init_bytes, media_bytes;
	unsigned fragments;
	char sha256[65];
	bool closed;              /* the report is complete */
	bool cut_short;           /* the gateway stopped before closing it */
	uint64_t truncated_bytes; /* a torn last fragment removed at recovery */
};

void ecc_segment_clear(struct ecc_segment *s);

/* The report as JSON (type "segment"); caller frees. */
cJSON *ecc_segment_json(const struct ecc_segment *s);

/* Writes/reads the marker "<root>/<path>.json". ECC_OK or ECC_ERR_IO. */
int ecc_segment_save_marker(const char *root, const struct ecc_segment *s);
int ecc_segment_load_marker(const char *marker_path, struct ecc_segment *s);
void ecc_segment_drop_marker(const char *root, const char *path);

/* Closes a segment: size, hash, MP4 layout, t1 (when 0: the file's
 * modification time). ECC_OK, ECC_ERR_IO, ECC_ERR_INVAL (not a playable
 * MP4: an empty or headerless file). */
int ecc_segment_finish(const char *root, struct ecc_segment *s);

/* Calls fn for every marker under root (segments whose report may not have
 * reached the broker); markers of open segments become cut_short. */
void ecc_segment_recover(const char *root, void (*fn)(void *user, struct ecc_segment *s),
                         void *user);

#endif
