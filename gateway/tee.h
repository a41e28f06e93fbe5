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

/* Unlinks an output from sink between two buffers (an IDLE probe; waits up
 * to 1 s for the push in flight, then unlinks anyway). Main thread. */
void ecc_tee_unlink(GstPad *out, GstPad *sink);

/* A branch (a bin in the pipeline fed from a tee) that fails must fail
 * alone: its error flows back through the tee and would stop the source.
 * ecc_branch_guard drops what reaches the branch's input pad in once the
 * branch is marked broken; ecc_branch_mark_broken, called in the thread
 * that posts an error (the bus's sync-message), marks the child of pipeline
 * that holds src. The branch's owner removes it later, on the main loop. */
void ecc_branch_guard(GstElement *bin, GstPad *in);
void ecc_branch_mark_broken(GstElement *pipeline, GstObject *src);

/* Gives an unlinked output back to its tee (and drops its ghost pad); the
 * caller still unrefs out. Main thread. */
void ecc_tee_release(GstPad *out);

#endif
