/*
 * viewer: one browser watching a stream live over WebRTC.
 *
 * Why: the command center watches the scene as it happens. Each viewer is
 * a branch of the stream's pipeline, "queue ! rtph264pay ! webrtcbin",
 * fed from an H.264 tee (the ingest's own for H.264 sources, a shared
 * transcode for H.265 ones): no per-viewer decoding. A viewer starts at a
 * key frame (and asks the source for one), and offers ICE candidates only
 * on the configured addresses ([webrtc] addresses; none: all of libnice's).
 *
 * The fallback (fmp4) branch is "queue ! mp4mux ! appsink" instead, and
 * hands its bytes to the data callback.
 *
 * Signalling: the viewer makes the offer; its SDP, its ICE candidates and
 * its end are handed to the callbacks on the main loop, by view id (the
 * viewer may be gone by then). Thread: create, answer, ice and free on the
 * main loop. Ownership: ecc_viewer_free removes the branch.
 */
#ifndef ECC_VIEWER_H
#define ECC_VIEWER_H

#include "gwconfig.h"

#include <gst/gst.h>
#include <stdbool.h>

typedef struct ecc_viewer ecc_viewer;

/* WebRTC (webrtcbin, Opus sound), or the fallback where WebRTC cannot
 * connect: fragmented MP4 (fmp4.h, AAC sound) that the hub relays to the
 * browser's MediaSource. */
enum ecc_viewer_mode { ECC_VIEWER_WEBRTC, ECC_VIEWER_FMP4 };

struct ecc_viewer_cb {
	void (*offer)(void *user, const char *view, const char *sdp);
	void (*ice)(void *user, const char *view, unsigned mline, const char *candidate);
	void (*ended)(void *user, const char *view, const char *why);
	/* fmp4: the init segment, then each fragment, in order (borrowed) */
	void (*data)(void *user, const char *view, GBytes *chunk);
};

/* Adds a viewer of the H.264 tee htee (and of the sound tee stee, may be
 * NULL: no sound; Opus for WebRTC, AAC for fmp4) to pipeline. NULL
 * (logged) when the branch cannot be built. */
ecc_viewer *ecc_viewer_new(const struct ecc_gwconfig *cfg, const char *view,
                           enum ecc_viewer_mode mode, GstBin *pipeline, GstElement *htee,
                           GstElement *stee, const struct ecc_viewer_cb *cb, void *user);

/* Is src an element of this viewer's branch? (its errors end the viewer,
 * not the stream) */
bool ecc_viewer_owns(const ecc_viewer *v, GstObject *src);

/* The browser's answer (SDP text). ECC_OK or ECC_ERR_INVAL (and for an
 * fmp4 viewer, which has no signalling). */
int ecc_viewer_answer(ecc_viewer *v, const char *sdp);

/* One of the browser's ICE candidates ("candidate:..." text). */
int ecc_viewer_ice(ecc_viewer *v, unsigned mline, const char *candidate);

/* Tells the callbacks the viewer ends (why), before it is freed. */
void ecc_viewer_end(ecc_viewer *v, const char *why);

void ecc_viewer_free(ecc_viewer *v);

#endif
