/*
 * tee: a new output of a track's tee, usable from the pipeline's top level.
 *
 * Why: each track's chain (depayloader, parser, tee) is a bin of its own;
 * a pad inside it cannot be linked to an element outside it (GStreamer
 * refuses links across bin levels), so each request pad is exposed as a
 * ghost pad on that bin.
 * Thread: any (streaming threads included). Returns a new reference the
 * caller unrefs, or NULL.
 */
#ifndef ECC_TEE_H
#define ECC_TEE_H

#include <gst/gst.h>

GstPad *ecc_tee_request(GstElement *tee);

/* Links the tee's new output to sinkpad. Returns the output (unref it) or
 * NULL when the link failed (logged). */
GstPad *ecc_tee_link(GstElement *tee, GstPad *sinkpad);

/* Gives an unlinked output back to its tee (and drops its ghost pad); the
 * caller still unrefs out. Main thread. */
void ecc_tee_release(GstPad *out);

#endif
