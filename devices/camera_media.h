/*
 * camera_media: what a simulated camera sends, and the GStreamer pipelines
 * that make it.
 *
 * Why: the per-unit cameras (camera.c, served over RTSP or pushed over SRT
 * or RTMP) and the bench cameras (bench_cameras.c) share one picture and one
 * set of encoder settings; the pipeline descriptions live in one table here
 * (CONVENTIONS.md 9), and so does the start-up check that names the Debian
 * package of a missing element.
 *
 * A unit's camera comes from its units-file entry's optional "camera"
 * member: false (no camera), absent (the defaults), or an object with any of
 *   "codec": "h264" | "h265", "width": 160..1920, "height": 90..1080 (both
 *   even), "fps": 1..60, "bitrate": kbit/s 50..20000,
 *   "audio": "aac" | "pcma" | "none", "transport": "rtsp" | "srt" | "rtmp".
 * SRT carries MPEG-TS (no G.711 in it: pcma is refused there); RTMP carries
 * FLV (no H.265 in it).
 *
 * Thread: any. Ownership: ecc_camera_media_describe returns a string to
 * g_free. Errors: see each function.
 */
#ifndef ECC_CAMERA_MEDIA_H
#define ECC_CAMERA_MEDIA_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum ecc_camera_codec { ECC_CAMERA_H264 = 0, ECC_CAMERA_H265 };
enum ecc_camera_audio { ECC_CAMERA_AAC = 0, ECC_CAMERA_PCMA, ECC_CAMERA_NO_AUDIO };
enum ecc_camera_transport { ECC_CAMERA_RTSP = 0, ECC_CAMERA_SRT, ECC_CAMERA_RTMP };

struct ecc_camera_spec {
	enum ecc_camera_codec codec;
	int width, height, fps, bitrate; /* px, frames/s, kbit/s */
	int gop;                         /* s between key frames (unasked) */
	enum ecc_camera_audio audio;
	enum ecc_camera_transport transport;
	bool transport_set; /* the units file chose the transport */
};

/* The built-in defaults: H.264 640x360@25, 800 kbit/s, a key frame every
 * 2 s, AAC, RTSP. */
void ecc_camera_spec_defaults(struct ecc_camera_spec *out);

/*
 * Fills *out from defaults overlaid with the "camera" object json (NULL: the
 * defaults). Returns ECC_OK, or ECC_ERR_INVAL with a reason in why.
 */
int ecc_camera_spec_parse(const cJSON *json, const struct ecc_camera_spec *defaults,
                          struct ecc_camera_spec *out, char *why, size_t why_len);

/* ECC_OK, or ECC_ERR_INVAL (why says) for sizes, rates and transport/codec
 * combinations that cannot work. */
int ecc_camera_spec_check(const struct ecc_camera_spec *s, char *why, size_t why_len);

const char *ecc_camera_codec_name(enum ecc_camera_codec c);
const char *ecc_camera_transport_name(enum ecc_camera_transport t);

/*
 * Checks that every element these cameras need exists: always the picture
 * and H.264 ones; H.265, SRT and RTMP ones when asked. Logs each missing
 * element with its Debian package. Returns ECC_OK or ECC_ERR_UNAVAIL.
 */
int ecc_camera_media_check(bool h265, bool srt, bool rtmp);

/* The AAC encoder found (avenc_aac, else voaacenc), or NULL (no AAC: such
 * cameras send video only). */
const char *ecc_camera_media_aac_encoder(void);

/*
 * The pipeline description of a camera with spec s and its transport: for
 * RTSP a gst-rtsp-server launch line (payloaders pay0, pay1), for SRT and
 * RTMP a whole pipeline ending in an element named "sink" whose target the
 * caller sets. The picture is drawn by the cairooverlay named "picture".
 * tone_hz is the test tone's pitch.
 */
char *ecc_camera_media_describe(const struct ecc_camera_spec *s, int tone_hz);

/* The one-time encode of the bench cameras' clip: frames frames of spec s
 * (video only, no B-frames, a keyframe every 2 s with SPS/PPS) into an
 * appsink named "sink", access units in byte-stream. */
char *ecc_camera_media_describe_clip(const struct ecc_camera_spec *s, int frames);

/* The bench cameras' RTSP launch line: an appsrc named "src" fed with the
 * clip's access units. */
char *ecc_camera_media_describe_replay(const struct ecc_camera_spec *s);

#endif
