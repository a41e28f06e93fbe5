/* chain: what follows a source pad, by RTP encoding-name or caps. */
#define G_LOG_DOMAIN "ecc-gw-stream"

#include "chain.h"

#include <string.h>

/* What follows a source pad, by RTP encoding-name or elementary caps. Video
 * ends in avc/hvc1 (what mp4mux takes); audio in AAC or Opus (G.711 is
 * transcoded to AAC for the recording: mp4mux cannot carry it; the video is
 * untouched). */
static const struct ecc_chain chains[] = {
#define VTEE " ! tee name=t allow-not-linked=true"
#define H264 "h264parse config-interval=-1 ! video/x-h264,stream-format=avc,alignment=au" VTEE
#define H265 "h265parse config-interval=-1 ! video/x-h265,stream-format=hvc1,alignment=au" VTEE
#define AAC  "aacparse ! audio/mpeg,mpegversion=4,stream-format=raw" VTEE
#define G711                                                                                       \
	"audioconvert ! audioresample ! avenc_aac ! aacparse ! audio/mpeg,stream-format=raw" VTEE
    {"H264", true, true, "h264", "rtph264depay ! " H264},
    {"H265", true, true, "h265", "rtph265depay ! " H265},
    {"MPEG4-GENERIC", true, false, "aac", "rtpmp4gdepay ! " AAC},
    {"MP4A-LATM", true, false, "aac", "rtpmp4adepay ! " AAC},
    /* a phone publishing over WebRTC (publish.h): mp4mux takes Opus */
    {"OPUS", true, false, "opus", "rtpopusdepay ! opusparse" VTEE},
    {"PCMA", true, false, "pcma", "rtppcmadepay ! alawdec ! " G711},
    {"PCMU", true, false, "pcmu", "rtppcmudepay ! mulawdec ! " G711},
    {"video/x-h264", false, true, "h264", H264},
    {"video/x-h265", false, true, "h265", H265},
    {"audio/mpeg", false, false, "aac", AAC},
    /* a room's mix (roommix.h) */
    {"audio/x-opus", false, false, "opus", "opusparse" VTEE},
    {"audio/x-alaw", false, false, "pcma", "alawdec ! " G711},
    {"audio/x-mulaw", false, false, "pcmu", "mulawdec ! " G711},
    {NULL, false, false, NULL, NULL},
#undef VTEE
#undef H264
#undef H265
#undef AAC
#undef G711
};

const struct ecc_chain *ecc_chain_find(GstCaps *caps)
{
	const GstStructure *st = gst_caps_get_structure(caps, 0);
	const char *name = gst_structure_get_name(st);
	bool rtp = !strcmp(name, "application/x-rtp");
	const char *key = rtp ? gst_structure_get_string(st, "encoding-name") : name;
	int mpegversion = 0;

	if (!key)
		return NULL;
	/* AAC only: MP3 (mpegversion 1) is not a field camera's audio. */
	if (!rtp && !strcmp(name, "audio/mpeg") &&
	    (!gst_structure_get_int(st, "mpegversion", &mpegversion) || mpegversion == 1))
		return NULL;
	for (const struct ecc_chain *c = chains; c->match; c++)
		if (c->rtp == rtp && !g_ascii_strcasecmp(c->match, key))
			return c;
	return NULL;
}
