/*
 * snapshot: the wall's thumbnail of a stream: a JPEG written every
 * [gateway] snapshot_seconds to "<snapshots>/<stream>.jpg" (atomically).
 *
 * Why keyframes only: decoding every frame of every stream for a thumbnail
 * would cost more than the rest of the gateway; a probe passes one key frame
 * per period to the decoder and drops the rest before it.
 * Thread: attach runs in a streaming thread; files are written from the
 * appsink's streaming thread. Ownership: ecc_snapshot_free.
 */
#ifndef ECC_SNAPSHOT_H
#define ECC_SNAPSHOT_H

#include "gwconfig.h"

#include <gst/gst.h>

typedef struct ecc_snapshot ecc_snapshot;

ecc_snapshot *ecc_snapshot_new(const struct ecc_gwconfig *cfg, const char *stream);

/* Adds "queue ! <decoder> ! videoconvert ! videoscale ! jpegenc ! appsink"
 * fed from vtee. vcodec: "h264" or "h265". ECC_OK or ECC_ERR_INVAL. */
int ecc_snapshot_attach(ecc_snapshot *s, GstBin *bin, GstElement *vtee, const char *vcodec);

void ecc_snapshot_free(ecc_snapshot *s);

#endif
