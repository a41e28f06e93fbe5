/*
 * mixtap: a stream's picture and sound, decoded, for a room's mix
 * (roommix.h): a branch of the stream's pipeline, from its tees into an
 * intervideosink and an interaudiosink on the stream's channel.
 *
 * Why a branch of its own: the mix runs in another pipeline (the "mix:"
 * stream's), and inter elements are how GStreamer hands raw frames across
 * pipelines, each on its own clock. The picture is decoded from a key
 * frame on, scaled to 640x360 (borders keep the aspect) at 25 frames a
 * second, with the participant's name at its lower left; the sound to
 * 48 kHz mono. (The name is drawn here, where the caps never change: a
 * textoverlay behind the mix's intervideosrc stalled for good when the
 * first picture changed that source's caps.) A muted participant's sound never gets
 * here (stream.c drops it before the tee). Like any branch it never holds
 * the ingest back (a leaky queue) and fails alone. Its elements are made
 * in a worker thread (they take long: mixtap.c) and join the pipeline on
 * the main loop when made.
 * Thread: the main loop.
 */
#ifndef ECC_MIXTAP_H
#define ECC_MIXTAP_H

#include <gst/gst.h>
#include <stdbool.h>

typedef struct ecc_mixtap ecc_mixtap;

/* A tap of pipeline fed from vtee (vcodec "h264" or "h265") and atee
 * (acodec "opus" or "aac"; may be NULL: no sound), in the pipeline once
 * ecc_mixtap_ready (a tap that cannot be made says why in the log and
 * stays out). */
ecc_mixtap *ecc_mixtap_new(GstBin *pipeline, const char *stream, GstElement *vtee,
                           const char *vcodec, GstElement *atee, const char *acodec,
                           const char *label);

/* The name on the picture. */
void ecc_mixtap_label(ecc_mixtap *t, const char *label);

/* Is src an element of the tap? (t may be NULL) */
bool ecc_mixtap_owns(const ecc_mixtap *t, GstObject *src);

/* Is the tap in its pipeline, taking the stream's picture? */
bool ecc_mixtap_ready(const ecc_mixtap *t);

/* Out of the pipeline; a tap still being made is freed when made. */
void ecc_mixtap_free(ecc_mixtap *t);

/* At exit: runs the main context until no tap is being made. */
void ecc_mixtap_drain(void);

#endif
