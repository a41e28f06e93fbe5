/*
 * camera_push: a simulated camera that pushes its stream to a server, as the
 * drones' 4G units (SRT, MPEG-TS, caller mode) and some vehicles (RTMP, FLV)
 * do.
 *
 * Why: the gateway's SRT listener and an RTMP server (nginx-rtmp) must see
 * what a real pushing device does: connect, stream, and when the far end is
 * missing or goes away, try again. A push runs its own pipeline all the time
 * it is on (the far end, not a viewer, decides whether anyone watches). On
 * an error (no listener, connection lost) the pipeline is torn down and
 * started again RETRY_MS later; libsrt itself waits up to 3 s for a listener
 * before it gives up, so an absent SRT listener is tried about every 4 s,
 * an absent RTMP server about every second.
 *
 * SRT: the sink's uri is the target (srt://HOST:PORT, caller mode) and its
 * streamid "#!::r={unit},m=publish" (SRT access-control syntax). RTMP: the
 * location is {target}/{unit}.
 *
 * Thread: the default GMainContext (bus watch, retry timer). Ownership:
 * ecc_camera_push_new returns an object freed with ecc_camera_push_free
 * (NULL accepted; stops the pipeline). The picture is referenced.
 * Errors: ecc_camera_push_new returns NULL when the description does not
 * parse (logged).
 */
#ifndef ECC_CAMERA_PUSH_H
#define ECC_CAMERA_PUSH_H

#include "camera_media.h"
#include "camera_picture.h"

#include <stdbool.h>

typedef struct ecc_camera_push ecc_camera_push;

ecc_camera_push *ecc_camera_push_new(const char *unit, const struct ecc_camera_spec *spec,
                                     const char *target, ecc_camera_picture *picture, int tone_hz);

/* Starts (on) or stops (off) pushing; idempotent. */
void ecc_camera_push_set_on(ecc_camera_push *p, bool on);

void ecc_camera_push_free(ecc_camera_push *p);

#endif
