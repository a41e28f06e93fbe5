/*
 * transcode: an H.264 copy of an H.265 stream's picture, and an Opus copy
 * of a stream's sound, for live viewers.
 *
 * Why: Chromium decodes no H.265 over WebRTC. A stream's H.265 is recorded
 * as it came; for live viewing one branch decodes it and encodes H.264
 * (constrained baseline, low latency, a key frame every 2 s or on request),
 * shared by all of the stream's viewers, and only while someone watches
 * (stream.c creates it with the first viewer and frees it with the last).
 * Thread: the main loop. Ownership: ecc_transcode_free removes the branch.
 */
#ifndef ECC_TRANSCODE_H
#define ECC_TRANSCODE_H

#include <gst/gst.h>
#include <stdbool.h>

typedef struct ecc_transcode ecc_transcode;

/* A branch of pipeline fed from vtee (H.265). NULL (logged) on failure. */
ecc_transcode *ecc_transcode_new(GstBin *pipeline, GstElement *vtee, const char *stream);

/* A branch fed from atee (AAC) making Opus, shared by the viewers the same
 * way (WebRTC browsers take Opus, not AAC). */
ecc_transcode *ecc_transcode_opus(GstBin *pipeline, GstElement *atee, const char *stream);
/* The same the other way: a phone's Opus as AAC, for the fallback (MSE). */
ecc_transcode *ecc_transcode_aac(GstBin *pipeline, GstElement *atee, const char *stream);

/* The tee carrying the H.264 or Opus (owned by the branch). */
GstElement *ecc_transcode_tee(ecc_transcode *t);

/* Is src an element of the branch? (t may be NULL) */
bool ecc_transcode_owns(const ecc_transcode *t, GstObject *src);

void ecc_transcode_free(ecc_transcode *t);

#endif
