/*
 * camera: the simulated units' cameras: one RTSP server per ecc-devsim
 * (gst-rtsp-server) with a mount per camera unit, and pushing cameras (SRT,
 * RTMP; camera_push.h).
 *
 * Why: the gateway ingests field video the way real hardware offers it:
 * body cameras and 4G units serve RTSP (rtsp://ADDR:PORT/{unit}), drones push
 * MPEG-TS over SRT, some vehicles push RTMP. Each mount's media is shared by
 * its clients and runs only while one is connected (the encoder starts on
 * the first DESCRIBE, stops when the last session goes). RTSP is offered
 * over UDP and TCP, never multicast; server-side RTP/RTCP sockets bind to the
 * RTSP address. With a user and password every mount requires RTSP digest
 * authentication.
 *
 * Which transport: the camera's "transport" (camera_media.h) if the units
 * file gives one; else SRT for drones when an SRT target is configured, RTMP
 * for the first vehicle when an RTMP target is configured, else RTSP.
 *
 * Camera off (ecc_cameras_set_on false): the mount disappears (404), and
 * the connections of clients playing it are closed and their sessions
 * removed; a pushing camera stops its pipeline. On: the mount is back, or
 * the push starts again.
 *
 * Thread: the default GMainContext; gst-rtsp-server handles each client on
 * a thread of its own and pipelines on theirs (the picture is drawn there).
 * Ownership: ecc_cameras_new returns an object freed with ecc_cameras_free
 * (NULL accepted; closes every client and stops every pipeline). Config
 * strings are copied. gst_init must have run.
 * Errors: see each function.
 */
#ifndef ECC_CAMERA_H
#define ECC_CAMERA_H

#include "camera_media.h"
#include "mover.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct ecc_cameras ecc_cameras;

struct ecc_cameras_config {
	const char *address; /* RTSP listen address, 127.0.0.1 */
	int port;            /* RTSP port, 8554 */
	const char *user;    /* NULL: no authentication */
	const char *password;
	const char *srt_target;  /* srt://HOST:PORT or NULL */
	const char *rtmp_target; /* rtmp://HOST:PORT/APP or NULL */
	struct ecc_camera_spec defaults;
};

/* Returns ECC_OK, or ECC_ERR_INVAL (bad option, logged). */
int ecc_cameras_new(const struct ecc_cameras_config *cfg, ecc_cameras **out);

/*
 * Adds the camera of unit (title: name, or the id) from its units-file
 * "camera" member (NULL when absent). Returns ECC_OK, ECC_ERR_INVAL (a bad
 * camera member, logged with the unit) or ECC_ERR_EXISTS.
 */
int ecc_cameras_add(ecc_cameras *c, const char *unit, enum ecc_unit_kind kind, const char *name,
                    const cJSON *camera);

/*
 * Checks the GStreamer elements, starts listening and starts the pushes.
 * Returns ECC_OK, ECC_ERR_UNAVAIL (an element is missing; logged with its
 * package) or ECC_ERR_IO (cannot listen on the RTSP address and port).
 */
int ecc_cameras_start(ecc_cameras *c);

/*
 * The URL a gateway ingests unit's camera from, as the unit announces it:
 * rtsp://[USER:PASSWORD@]ADDR:PORT/{unit}, srt://HOST:PORT?mode=listener
 * (the gateway listens where the drone pushes) or rtmp://HOST:PORT/APP/{unit}
 * (pulled from the RTMP server). ECC_OK, ECC_ERR_NOTFOUND (no camera) or
 * ECC_ERR_TOOBIG (buf too small).
 */
int ecc_cameras_url(const ecc_cameras *c, const char *unit, char *buf, size_t size);

/* Turns unit's camera off or on. ECC_OK, or ECC_ERR_NOTFOUND (no camera). */
int ecc_cameras_set_on(ecc_cameras *c, const char *unit, bool on);

void ecc_cameras_free(ecc_cameras *c);

#endif
