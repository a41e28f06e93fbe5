/*
 * record: a stream's recording branch: tee -> queue -> one "mp4mux !
 * filesink" per segment, writing fragmented MP4 segments of [gateway]
 * segment_seconds, each starting on a key frame, that survive kill -9
 * (every 1 s fragment is whole on disk).
 *
 * Why fragmented MP4 (DESIGN.md, Media, leaves the choice to measurement):
 * after kill -9 the open file plays to within about one fragment (1 s) of
 * the kill (the media kill test), Chromium plays it, and timeline
 * playback serves its fragments as HLS byte ranges (EXT-X-MAP) to hls.js
 * without remuxing. The reserved-moov alternative also survives a kill but
 * cannot be served as HLS byte ranges without rewriting the file.
 *
 * Why not splitmuxsink: to know where to split it holds each GOP back
 * until the next key frame, so a kill -9 lost a GOP plus a fragment (3 s
 * with a 2 s GOP, measured). Here a probe on the queue's output starts the
 * next file at the first key frame past the segment length, and every
 * frame goes straight into its muxer.
 *
 * Each segment is announced by a marker file (see segment.h) when it opens
 * and reported through the callback, on the main loop, when its muxer has
 * finished the file.
 * Thread: segments open in the video streaming thread, audio follows in
 * its own; reports, reaping and teardown on the main loop.
 */
#ifndef ECC_RECORD_H
#define ECC_RECORD_H

#include "gwconfig.h"
#include "segment.h"

#include <gst/gst.h>
#include <stdbool.h>

typedef struct ecc_recorder ecc_recorder;
typedef void (*ecc_segment_fn)(void *user, struct ecc_segment *s);

ecc_recorder *ecc_recorder_new(const struct ecc_gwconfig *cfg, const char *stream, const char *unit,
                               ecc_segment_fn fn, void *user);

/* Adds the branch to bin, fed from vtee (and atee, may be NULL). Called from
 * a streaming thread (no-more-pads). ECC_OK or ECC_ERR_INVAL. */
int ecc_recorder_attach(ecc_recorder *r, GstBin *bin, GstElement *vtee, GstElement *atee,
                        const char *vcodec, const char *acodec, int width, int height);

/* Ends the current segment: EOS into the branch. Returns false when there
 * is nothing to close (no segment open). */
bool ecc_recorder_finish(ecc_recorder *r);

/* Ends the recording for good: the branch off the tees, then its open
 * segment ended on the last frame it took (false: none open). Then
 * ecc_recorder_detach once it has closed. Main loop. */
bool ecc_recorder_close(ecc_recorder *r);
/* True while a segment is open and not yet reported. */
bool ecc_recorder_open(ecc_recorder *r);

/* Handles the segments' forwarded messages (their end); true when the
 * message was theirs. */
bool ecc_recorder_on_message(ecc_recorder *r, GstMessage *m);

/* True when msg came from inside the recording branch. */
bool ecc_recorder_owns(ecc_recorder *r, GstObject *src);

/* Drops the branch after an error inside it (a full disk, a muxer that
 * refuses a stream): the open segment is reported cut short; the rest of
 * the pipeline goes on, and ecc_recorder_attach may start it again. */
void ecc_recorder_fail(ecc_recorder *r, GstBin *bin, const char *why);

bool ecc_recorder_failed(ecc_recorder *r);
/* Takes the branch out of bin, the stream going on without a recording
 * (after ecc_recorder_finish has closed its segment: one still open is
 * reported cut short). Main loop. */
void ecc_recorder_detach(ecc_recorder *r, GstBin *bin);

/* About once a second (main loop): ends the audio of a segment whose audio
 * stopped before the split, or of every open segment when the sound has
 * stopped, and drops finished muxers. False when the muxer is stuck (its
 * input ran full): the caller fails the recorder and attaches it again. */
bool ecc_recorder_tick(ecc_recorder *r);

void ecc_recorder_free(ecc_recorder *r);

#endif
