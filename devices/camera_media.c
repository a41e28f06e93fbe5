/* camera_media: camera specs, the pipeline description table, and the
 * start-up element check. */
#define G_LOG_DOMAIN "ecc-camera-media"

#include "camera_media.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

/* ---- the pipeline pieces ------------------------------------------------- */

/* Each piece is a description with {NAME} placeholders filled from struct
 * vars by expand(). */
enum piece {
	P_VIDEO,
	P_CLIP,
	P_H264,
	P_H265,
	P_TONE,
	P_AAC,
	P_PCMA,
	P_RTSP_H264,
	P_RTSP_H265,
	P_RTSP_AAC,
	P_RTSP_PCMA,
	P_SRT,
	P_RTMP,
	P_MUX_AAC,
	P_MUX_PCMA,
	P_CLIP_SINK,
	P_REPLAY,
};

static const char *const pieces[] = {
    [P_VIDEO] = "videotestsrc is-live=true pattern=smpte ! video/x-raw,format=BGRx,width={W},"
                "height={H},framerate={FPS}/1,pixel-aspect-ratio=1/1 ! cairooverlay "
                "name=picture ! videoconvert ! video/x-raw,format=I420",
    [P_CLIP] = "videotestsrc num-buffers={FRAMES} pattern=smpte horizontal-speed=4 ! "
               "video/x-raw,format=BGRx,width={W},height={H},framerate={FPS}/1,"
               "pixel-aspect-ratio=1/1 ! cairooverlay name=picture ! videoconvert ! "
               "video/x-raw,format=I420",
    [P_H264] = "x264enc tune=zerolatency speed-preset=ultrafast threads={THREADS} "
               "bitrate={KBPS} key-int-max={GOP} ! video/x-h264,profile=constrained-baseline",
    [P_H265] = "x265enc tune=zerolatency speed-preset=ultrafast bitrate={KBPS} key-int-max={GOP}",
    [P_TONE] = "audiotestsrc is-live=true wave=sine freq={TONE} volume=0.05 "
               "samplesperbuffer={SPB} ! audio/x-raw,rate={RATE},channels=1 ! audioconvert",
    [P_AAC] = "{AAC} bitrate=32000",
    [P_PCMA] = "alawenc",
    [P_RTSP_H264] = "rtph264pay name=pay0 pt=96 config-interval=-1",
    [P_RTSP_H265] = "rtph265pay name=pay0 pt=96 config-interval=-1",
    [P_RTSP_AAC] = "rtpmp4gpay name=pay1 pt=97",
    [P_RTSP_PCMA] = "rtppcmapay name=pay1 pt=8",
    [P_SRT] = "{PARSE} config-interval=-1 ! queue ! mpegtsmux name=mux alignment=7 ! srtsink "
              "name=sink latency=200",
    [P_RTMP] = "h264parse ! queue ! flvmux name=mux streamable=true ! rtmp2sink name=sink",
    [P_MUX_AAC] = "aacparse ! queue ! mux.",
    [P_MUX_PCMA] = "queue ! mux.",
    [P_CLIP_SINK] = "{PARSE} config-interval=-1 ! {CAPS},stream-format=byte-stream,"
                    "alignment=au ! appsink name=sink sync=false",
    [P_REPLAY] = "( appsrc name=src is-live=true do-timestamp=true format=time ! {PAY} "
                 "name=pay0 pt=96 config-interval=-1 )",
};

/* A placeholder's value: s when set, else i. */
struct var {
	const char *name;
	int i;
	const char *s;
};

/* Appends piece p to d with its placeholders filled from vars (n of them). */
static void expand(GString *d, enum piece p, const struct var *vars, size_t n)
{
	const char *s = pieces[p];

	for (;;) {
		const char *open = strchr(s, '{'), *close = open ? strchr(open, '}') : NULL;
		size_t i, len;

		if (!close) {
			g_string_append(d, s);
			return;
		}
		g_string_append_len(d, s, open - s);
		len = (size_t)(close - open - 1);
		for (i = 0; i < n; i++)
			if (strlen(vars[i].name) == len &&
			    strncmp(vars[i].name, open + 1, len) == 0)
				break;
		g_assert(i < n); /* a piece names only the variables its caller gives */
		if (vars[i].s)
			g_string_append(d, vars[i].s);
		else
			g_string_append_printf(d, "%d", vars[i].i);
		s = close + 1;
	}
}

/* ---- elements and their packages ----------------------------------------- */

enum need { N_ALWAYS, N_H265, N_SRT, N_RTMP };

static const struct element {
	const char *name, *package;
	enum need need;
} elements[] = {
    {"videotestsrc", "gstreamer1.0-plugins-base", N_ALWAYS},
    {"audiotestsrc", "gstreamer1.0-plugins-base", N_ALWAYS},
    {"videoconvert", "gstreamer1.0-plugins-base", N_ALWAYS},
    {"audioconvert", "gstreamer1.0-plugins-base", N_ALWAYS},
    {"appsrc", "gstreamer1.0-plugins-base", N_ALWAYS},
    {"appsink", "gstreamer1.0-plugins-base", N_ALWAYS},
    {"cairooverlay", "gstreamer1.0-plugins-good", N_ALWAYS},
    {"rtph264pay", "gstreamer1.0-plugins-good", N_ALWAYS},
    {"rtpmp4gpay", "gstreamer1.0-plugins-good", N_ALWAYS},
    {"rtppcmapay", "gstreamer1.0-plugins-good", N_ALWAYS},
    {"alawenc", "gstreamer1.0-plugins-good", N_ALWAYS},
    {"x264enc", "gstreamer1.0-plugins-ugly", N_ALWAYS},
    {"h264parse", "gstreamer1.0-plugins-bad", N_ALWAYS},
    {"x265enc", "gstreamer1.0-plugins-bad", N_H265},
    {"h265parse", "gstreamer1.0-plugins-bad", N_H265},
    {"rtph265pay", "gstreamer1.0-plugins-good", N_H265},
    {"mpegtsmux", "gstreamer1.0-plugins-bad", N_SRT},
    {"srtsink", "gstreamer1.0-plugins-bad", N_SRT},
    {"aacparse", "gstreamer1.0-plugins-good", N_SRT},
    {"flvmux", "gstreamer1.0-plugins-good", N_RTMP},
    {"rtmp2sink", "gstreamer1.0-plugins-bad", N_RTMP},
    {"aacparse", "gstreamer1.0-plugins-good", N_RTMP},
};

/* Preferred first: voaacenc costs less CPU than avenc_aac. */
static const struct element aac_encoders[] = {
    {"voaacenc", "gstreamer1.0-plugins-bad", N_ALWAYS},
    {"avenc_aac", "gstreamer1.0-libav", N_ALWAYS},
};

static bool element_exists(const char *name)
{
	GstElementFactory *f = gst_element_factory_find(name);

	if (!f)
		return false;
	gst_object_unref(f);
	return true;
}

int ecc_camera_media_check(bool h265, bool srt, bool rtmp)
{
	bool want[] = {[N_ALWAYS] = true, [N_H265] = h265, [N_SRT] = srt, [N_RTMP] = rtmp};
	int missing = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(elements); i++) {
		if (!want[elements[i].need] || element_exists(elements[i].name))
			continue;
		g_warning("GStreamer element %s missing: install %s", elements[i].name,
		          elements[i].package);
		missing++;
	}
	if (!ecc_camera_media_aac_encoder())
		g_warning("no AAC encoder (voaacenc from %s, avenc_aac from %s): cameras send no "
		          "AAC audio",
		          aac_encoders[0].package, aac_encoders[1].package);
	return missing ? ECC_ERR_UNAVAIL : ECC_OK;
}

const char *ecc_camera_media_aac_encoder(void)
{
	static const char *found;
	static gsize once;

	if (g_once_init_enter(&once)) {
		for (size_t i = 0; i < G_N_ELEMENTS(aac_encoders) && !found; i++)
			if (element_exists(aac_encoders[i].name))
				found = aac_encoders[i].name;
		g_once_init_leave(&once, 1);
	}
	return found;
}

/* ---- specs --------------------------------------------------------------- */

static const char *const codec_names[] = {"h264", "h265"};
static const char *const audio_names[] = {"aac", "pcma", "none"};
static const char *const transport_names[] = {"rtsp", "srt", "rtmp"};

void ecc_camera_spec_defaults(struct ecc_camera_spec *out)
{
	*out = (struct ecc_camera_spec){.codec = ECC_CAMERA_H264,
	                                .width = 640,
	                                .height = 360,
	                                .fps = 25,
	                                .bitrate = 800,
	                                .gop = 2,
	                                .audio = ECC_CAMERA_AAC,
	                                .transport = ECC_CAMERA_RTSP};
}

const char *ecc_camera_codec_name(enum ecc_camera_codec c)
{
	return codec_names[c];
}

const char *ecc_camera_transport_name(enum ecc_camera_transport t)
{
	return transport_names[t];
}

/* A string member that must be one of names; *out untouched when absent. */
static int get_enum(const cJSON *o, const char *key, const char *const *names, size_t n, int *out)
{
	const char *v;
	int rc = ecc_json_get_string(o, key, &v);

	if (rc == ECC_ERR_NOTFOUND)
		return ECC_OK;
	for (size_t i = 0; rc == ECC_OK && i < n; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = (int)i;
			return ECC_OK;
		}
	}
	return ECC_ERR_INVAL;
}

static int get_int(const cJSON *o, const char *key, int *out)
{
	int64_t v;
	int rc = ecc_json_get_int64(o, key, &v);

	if (rc == ECC_ERR_NOTFOUND)
		return ECC_OK;
	if (rc != ECC_OK || v < 0 || v > 100000)
		return ECC_ERR_INVAL;
	*out = (int)v;
	return ECC_OK;
}

int ecc_camera_spec_parse(const cJSON *json, const struct ecc_camera_spec *defaults,
                          struct ecc_camera_spec *out, char *why, size_t why_len)
{
	int codec, audio, transport = -1;

	*out = *defaults;
	out->transport_set = false;
	if (!json)
		return ecc_camera_spec_check(out, why, why_len);
	if (!cJSON_IsObject(json)) {
		snprintf(why, why_len, "\"camera\" must be false or an object");
		return ECC_ERR_INVAL;
	}
	codec = (int)out->codec;
	audio = (int)out->audio;
	if (get_enum(json, "codec", codec_names, G_N_ELEMENTS(codec_names), &codec) != ECC_OK ||
	    get_enum(json, "audio", audio_names, G_N_ELEMENTS(audio_names), &audio) != ECC_OK ||
	    get_enum(json, "transport", transport_names, G_N_ELEMENTS(transport_names),
	             &transport) != ECC_OK) {
		snprintf(why, why_len,
		         "camera codec is h264|h265, audio aac|pcma|none, transport rtsp|srt|rtmp");
		return ECC_ERR_INVAL;
	}
	if (get_int(json, "width", &out->width) != ECC_OK ||
	    get_int(json, "height", &out->height) != ECC_OK ||
	    get_int(json, "fps", &out->fps) != ECC_OK ||
	    get_int(json, "bitrate", &out->bitrate) != ECC_OK ||
	    get_int(json, "gop", &out->gop) != ECC_OK) {
		snprintf(why, why_len, "camera width, height, fps, bitrate and gop are integers");
		return ECC_ERR_INVAL;
	}
	out->codec = (enum ecc_camera_codec)codec;
	out->audio = (enum ecc_camera_audio)audio;
	if (transport >= 0) {
		out->transport = (enum ecc_camera_transport)transport;
		out->transport_set = true;
	}
	return ecc_camera_spec_check(out, why, why_len);
}

int ecc_camera_spec_check(const struct ecc_camera_spec *s, char *why, size_t why_len)
{
	if (s->width < 160 || s->width > 1920 || s->height < 90 || s->height > 1080 ||
	    s->width % 2 || s->height % 2) {
		snprintf(why, why_len, "camera size %dx%d: even, 160x90 to 1920x1080", s->width,
		         s->height);
		return ECC_ERR_INVAL;
	}
	if (s->fps < 1 || s->fps > 60 || s->bitrate < 50 || s->bitrate > 20000) {
		snprintf(why, why_len, "camera fps 1..60 and bitrate 50..20000 kbit/s");
		return ECC_ERR_INVAL;
	}
	if (s->gop < 1 || s->gop > 60) {
		snprintf(why, why_len, "camera gop (seconds between key frames) 1..60");
		return ECC_ERR_INVAL;
	}
	if (s->transport == ECC_CAMERA_SRT && s->audio == ECC_CAMERA_PCMA) {
		snprintf(why, why_len, "srt carries MPEG-TS, which has no G.711 (pcma): use aac");
		return ECC_ERR_INVAL;
	}
	if (s->transport == ECC_CAMERA_RTMP && s->codec == ECC_CAMERA_H265) {
		snprintf(why, why_len, "rtmp carries FLV, which has no H.265: use h264");
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

/* ---- descriptions -------------------------------------------------------- */

static void append_video(GString *d, const struct ecc_camera_spec *s, int clip_frames)
{
	/* one encoder thread up to 720p (cheapest per camera), x264's choice above */
	int threads = s->width * s->height > 1280 * 720 ? 0 : 1;
	const struct var v[] = {{"W", s->width, NULL},         {"H", s->height, NULL},
	                        {"FPS", s->fps, NULL},         {"FRAMES", clip_frames, NULL},
	                        {"THREADS", threads, NULL},    {"KBPS", s->bitrate, NULL},
	                        {"GOP", s->gop * s->fps, NULL}};

	expand(d, clip_frames ? P_CLIP : P_VIDEO, v, G_N_ELEMENTS(v));
	g_string_append(d, " ! ");
	expand(d, s->codec == ECC_CAMERA_H265 ? P_H265 : P_H264, v, G_N_ELEMENTS(v));
	g_string_append(d, " ! ");
}

/* The audio branch up to its encoder and " ! "; false when there is none. */
static bool append_audio(GString *d, const struct ecc_camera_spec *s, int tone_hz)
{
	const char *aac = ecc_camera_media_aac_encoder();
	bool pcma = s->audio == ECC_CAMERA_PCMA;
	const struct var v[] = {{"TONE", tone_hz, NULL},
	                        {"SPB", pcma ? 160 : 1024, NULL},
	                        {"RATE", pcma ? 8000 : 16000, NULL},
	                        {"AAC", 0, aac}};

	if (s->audio == ECC_CAMERA_NO_AUDIO || (s->audio == ECC_CAMERA_AAC && !aac))
		return false;
	g_string_append_c(d, ' ');
	expand(d, P_TONE, v, G_N_ELEMENTS(v));
	g_string_append(d, " ! ");
	expand(d, pcma ? P_PCMA : P_AAC, v, G_N_ELEMENTS(v));
	g_string_append(d, " ! ");
	return true;
}

char *ecc_camera_media_describe(const struct ecc_camera_spec *s, int tone_hz)
{
	GString *d = g_string_new(s->transport == ECC_CAMERA_RTSP ? "( " : "");
	bool h265 = s->codec == ECC_CAMERA_H265, pcma = s->audio == ECC_CAMERA_PCMA;
	const struct var v[] = {{"PARSE", 0, h265 ? "h265parse" : "h264parse"}};

	append_video(d, s, 0);
	switch (s->transport) {
	case ECC_CAMERA_RTSP:
		expand(d, h265 ? P_RTSP_H265 : P_RTSP_H264, v, G_N_ELEMENTS(v));
		if (append_audio(d, s, tone_hz))
			expand(d, pcma ? P_RTSP_PCMA : P_RTSP_AAC, v, G_N_ELEMENTS(v));
		g_string_append(d, " )");
		break;
	case ECC_CAMERA_SRT:
		expand(d, P_SRT, v, G_N_ELEMENTS(v));
		if (append_audio(d, s, tone_hz))
			expand(d, P_MUX_AAC, v, G_N_ELEMENTS(v));
		break;
	case ECC_CAMERA_RTMP:
		expand(d, P_RTMP, v, G_N_ELEMENTS(v));
		if (append_audio(d, s, tone_hz))
			expand(d, pcma ? P_MUX_PCMA : P_MUX_AAC, v, G_N_ELEMENTS(v));
		break;
	}
	return g_string_free(d, FALSE);
}

char *ecc_camera_media_describe_clip(const struct ecc_camera_spec *s, int frames)
{
	GString *d = g_string_new(NULL);
	bool h265 = s->codec == ECC_CAMERA_H265;
	const struct var v[] = {{"PARSE", 0, h265 ? "h265parse" : "h264parse"},
	                        {"CAPS", 0, h265 ? "video/x-h265" : "video/x-h264"}};

	append_video(d, s, frames);
	expand(d, P_CLIP_SINK, v, G_N_ELEMENTS(v));
	return g_string_free(d, FALSE);
}

char *ecc_camera_media_describe_replay(const struct ecc_camera_spec *s)
{
	GString *d = g_string_new(NULL);
	const struct var v[] = {
	    {"PAY", 0, s->codec == ECC_CAMERA_H265 ? "rtph265pay" : "rtph264pay"}};

	expand(d, P_REPLAY, v, G_N_ELEMENTS(v));
	return g_string_free(d, FALSE);
}
