/*
 * bench_cameras: `ecc-devsim cameras`, many RTSP cameras for the gateway's
 * benchmarks, encoded once.
 *
 * Why: a gateway bench needs tens of 1080p streams, and encoding each one
 * would measure the simulator's CPU, not the gateway's. So a clip of
 * clip_s seconds (a moving test pattern with the timestamp strip, a
 * keyframe every 2 s with SPS/PPS in band, no B-frames) is encoded once at
 * start into memory, and every mount rtsp://ADDR:PORT/cam0000... replays it
 * in a loop from an appsrc. One feeder thread paces the frames on the wall
 * clock: frame k of the clip goes out when (UTC ms) mod (clip_s * 1000)
 * equals k's clip time, so the strip (clip time, ECC_PICTURE_LOOP) plus the
 * loop period gives the wall-clock send time (tests/lib/timecode.mjs
 * resolveLoopTime). A mount's media starts at the next keyframe (within 2 s)
 * and runs only while a client is connected; timestamps come from the
 * pipeline clock, so they rise monotonically across loops.
 *
 * When ready it prints one JSON line on stdout:
 *   {"ready":true,"mounts":N,"url":"rtsp://ADDR:PORT/cam%04d","period_ms":P}
 *
 * Thread: the default GMainContext; the feeder thread only pushes buffers
 * into the appsrcs it finds, under a mutex, in a list the RTSP client and
 * media threads update (a DESCRIBE blocks its client thread until the media
 * has its first frame, so the main loop could not be the feeder).
 * Ownership: ecc_bench_cameras_new returns an object freed with
 * ecc_bench_cameras_free (NULL accepted). gst_init must have run.
 * Errors: ecc_bench_cameras_new returns ECC_OK, ECC_ERR_INVAL (bad options),
 * ECC_ERR_UNAVAIL (an element is missing) or ECC_ERR_IO (the clip did not
 * encode); ecc_bench_cameras_start ECC_OK or ECC_ERR_IO (cannot listen).
 */
#ifndef ECC_BENCH_CAMERAS_H
#define ECC_BENCH_CAMERAS_H

#include "camera_media.h"

typedef struct ecc_bench_cameras ecc_bench_cameras;

struct ecc_bench_cameras_config {
	const char *address; /* 127.0.0.1 */
	int port;
	int count;  /* mounts, 1..1000 */
	int clip_s; /* clip length, even, 2..60 s */
	struct ecc_camera_spec spec;
};

int ecc_bench_cameras_new(const struct ecc_bench_cameras_config *cfg, ecc_bench_cameras **out);
int ecc_bench_cameras_start(ecc_bench_cameras *b);
void ecc_bench_cameras_free(ecc_bench_cameras *b);

#endif
