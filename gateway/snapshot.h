/*
 * snapshot: the wall's thumbnail of a stream: a JPEG written every
 * [gateway] snapshot_seconds to "<snapshots>/<stream>.jpg" (atomically).
 *
 * Why no decoder per stream: a 1080p decoder that lives as long as its
 * stream holds ~18 MB (frame pools, threads) for a picture wanted every few
 * seconds; bench/media measured that as four fifths of the gateway's memory.
 * Instead a probe on the video tee keeps one key frame per period, and one
 * worker thread shared by every stream decodes it (decoder ! videoscale !
 * jpegenc ! appsink, one such pipeline per codec, kept and flushed between
 * pictures: building one per picture cost twice the decoding) and writes
 * the file.
 * Thread: the probe runs in a streaming thread; decoding in the worker.
 * A job owns copies of what it needs, so a stream may go away meanwhile.
 * Ownership: ecc_snapshot_free; ecc_snapshot_shutdown at exit joins the
 * worker (queued jobs are dropped).
 */
#ifndef ECC_SNAPSHOT_H
#define ECC_SNAPSHOT_H

#include "gwconfig.h"

#include <gst/gst.h>

typedef struct ecc_snapshot ecc_snapshot;

ecc_snapshot *ecc_snapshot_new(const struct ecc_gwconfig *cfg, const char *stream);

/* Watches vtee's sink pad for key frames. vcodec: "h264" or "h265".
 * ECC_OK or ECC_ERR_INVAL (another codec: no thumbnails). */
int ecc_snapshot_attach(ecc_snapshot *s, GstElement *vtee, const char *vcodec);

void ecc_snapshot_free(ecc_snapshot *s);

/* Stops the shared worker; call once, after every stream is freed. */
void ecc_snapshot_shutdown(void);

#endif
