/*
 * roommix: the picture and sound of a consultation room, for the record of
 * the hearing: every participant's picture in a grid with their name, one
 * wall-clock overlay, all their sound mixed, encoded once (H.264, Opus).
 *
 * Why: a hearing's recording must show who said what and when in one file
 * a court can play (issue 9); each participant's own tracks are recorded
 * too, as they came. The mix is the source of a "mix:" stream (stream.h),
 * so its recording, crash-safe segments, thumbnail and live viewers are
 * those of any stream.
 *
 * Inputs come from the participants' own pipelines (mixtap.h, which puts
 * each one's name on its picture) through GStreamer's inter elements, by
 * channel: an input whose participant has
 * no picture yet, or none any more, shows black and adds silence, and the
 * mix goes on (a black background and silence keep it running with nobody
 * in). The inputs change while it runs
 * (ecc_roommix_layout): the grid is laid out again, the recording goes on.
 * Thread: the main loop.
 */
#ifndef ECC_ROOMMIX_H
#define ECC_ROOMMIX_H

#include <cjson/cJSON.h>
#include <gst/gst.h>

typedef struct ecc_roommix ecc_roommix;

/* The mix of stream (its name in logs); NULL (logged) when an element is
 * missing. */
ecc_roommix *ecc_roommix_new(const char *stream);

/* Its bin (a floating reference until added to the pipeline). */
GstElement *ecc_roommix_element(ecc_roommix *m);

/* Adds the bin's two output pads (H.264 "video", Opus "audio") and says
 * there are no more: connect "pad-added" first. */
void ecc_roommix_expose(ecc_roommix *m);

/* The inputs, in grid order: [{"channel": "r7p3"}, ...] (other members
 * ignored)
 * (at most ECC_ROOMMIX_MAX; more are left out, logged). */
#define ECC_ROOMMIX_MAX 16
void ecc_roommix_layout(ecc_roommix *m, const cJSON *inputs);

/* The inter channel of a stream's tap and of the mix's input for it. */
char *ecc_roommix_channel(const char *stream);

/* Its input count now. */
unsigned ecc_roommix_inputs(const ecc_roommix *m);

/* A probe (buffers and downstream events) on x264enc's output that takes
 * its pictures back from the 1000 hours it offsets them by to the time
 * base of the sound beside them (the recorder compares the two). */
GstPadProbeReturn ecc_x264_unshift(GstPad *pad, GstPadProbeInfo *info, gpointer data);

/* After the pipeline holding the bin has stopped. */
void ecc_roommix_free(ecc_roommix *m);

#endif
