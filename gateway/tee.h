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
#include <stdatomic.h>
#include <stdbool.h>

GstPad *ecc_tee_request(GstElement *tee);

/* Links the tee's new output to sinkpad. Returns the output (unref it) or
 * NULL when the link failed (logged). */
GstPad *ecc_tee_link(GstElement *tee, GstPad *sinkpad);
/* The same with the link's checks chosen: GST_PAD_LINK_CHECK_TEMPLATE_CAPS
 * skips the caps query through the whole branch (a decoder, converters,
 * an overlay: seconds of the main loop under a loaded sanitizer build,
 * mixtap.c); a branch that cannot take the caps then fails alone, as any
 * branch. */
GstPad *ecc_tee_link_full(GstElement *tee, GstPad *sinkpad, GstPadLinkCheck check);

/* Unlinks an output from sink between two buffers (an IDLE probe; waits up
 * to 1 s for the push in flight, then unlinks anyway). Main thread. */
void ecc_tee_unlink(GstPad *out, GstPad *sink);

/* A branch (a bin in the pipeline fed from a tee) that fails must fail
 * alone: its error flows back through the tee and would stop the source.
 * ecc_branch_guard drops what reaches the branch's input pad in once the
 * branch is marked broken; ecc_branch_mark_broken, called in the thread
 * that posts an error (the bus's sync-message), marks the child of pipeline
 * that holds src. The branch's owner removes it later, on the main loop.
 *
 * A branch must not hold the source back either. A serialized query from
 * upstream (an ALLOCATION query a parser or encoder sends when a tee output
 * comes or goes) waits in the branch's queue until everything before it has
 * gone downstream: behind a muxer waiting for its other track, or a
 * webrtcbin holding RTP until DTLS is up, that is for good, and the thread
 * that asked (the ingest) stops with its pads' locks held. So the guarded
 * input also answers such queries at once (upstream then uses defaults). */
void ecc_branch_guard(GstElement *bin, GstPad *in);
void ecc_branch_mark_broken(GstElement *pipeline, GstObject *src);

/* Gives an unlinked output back to its tee (and drops its ghost pad); the
 * caller still unrefs out. Main thread. */
void ecc_tee_release(GstPad *out);

/* Both: unlinks *out from sink, gives it back, unrefs it and clears *out
 * (nothing when *out is NULL). */
void ecc_tee_drop(GstPad **out, GstPad *sink);

/* Stops a branch (locked, NULL) and takes it out of pipeline. */
void ecc_branch_remove(GstBin *pipeline, GstElement *bin);

/* A branch's picture starts at a key frame: what reaches pad before the
 * first one is dropped; *seen (the caller's, outliving the probe) is set
 * then, so sound can wait for it too. ecc_branch_ask_keyframe asks the
 * source for one (an upstream force-key-unit: RTCP PLI/FIR over RTSP, an
 * IDR from an encoder); call it once pad is linked. */
void ecc_branch_from_keyframe(GstPad *pad, atomic_bool *seen);
void ecc_branch_ask_keyframe(GstPad *pad);
/* Whether ecc_branch_ask_keyframe asks at all ([webrtc] keyframe_requests;
 * off until set). Set once at start. */
void ecc_branch_keyframe_requests(bool on);

#endif
