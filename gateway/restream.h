/*
 * restream: a stream pushed live to a streaming platform (全媒体直播), from
 * the same ingest, the picture not transcoded.
 *
 * Why: a court broadcasts major enforcement actions live. A commander
 * starts and stops the push on the hub; the gateway holding the stream adds
 * a branch "queue ! (flvmux ! rtmp2sink | mpegtsmux ! srtsink)" fed from the
 * stream's tees, starting at a key frame. A destination that drops (its
 * error on the bus) ends the branch; the stream's tick builds it again with
 * backoff (2 s, doubling to 30 s), forever, until the push is stopped.
 * RTMP (FLV) carries H.264 and AAC only: an H.265 stream is refused with a
 * clear error; SRT (MPEG-TS) carries both.
 *
 * Thread: the main loop. Ownership: ecc_restream_free removes the branch.
 */
#ifndef ECC_RESTREAM_H
#define ECC_RESTREAM_H

#include <cjson/cJSON.h>
#include <gst/gst.h>
#include <stdbool.h>

typedef struct ecc_restream ecc_restream;

/* A push of stream to url (rtmp://, rtmps:// or srt://: check it with
 * ecc_url_push_ok), not yet running. */
ecc_restream *ecc_restream_new(const char *stream, const char *url);

const char *ecc_restream_url(const ecc_restream *r);

/* Builds the branch in pipeline from the tees (atee may be NULL: no sound),
 * now, or at the retry time after a failure; call from the stream's tick
 * and whenever the tees change. Does nothing while the branch runs. */
void ecc_restream_run(ecc_restream *r, GstBin *pipeline, GstElement *vtee, const char *vcodec,
                      GstElement *atee);

/* The pipeline is going away: the branch goes with it (no retry counted). */
void ecc_restream_detach(ecc_restream *r);

/* An error from src: is it this branch's? Then the branch ends and waits
 * for its retry (true). */
bool ecc_restream_on_error(ecc_restream *r, GstObject *src, const char *why);

/* {"url" (credentials hidden), "state": "connecting"|"pushing"|"retrying"|
 * "refused", "error"?, "retries", "kbps"} */
cJSON *ecc_restream_json(ecc_restream *r);

void ecc_restream_free(ecc_restream *r);

#endif
