/*
 * chain: the elements that follow a source's pad, by what it carries (an
 * RTP encoding-name, or elementary caps from a demuxer), ending in a tee
 * named "t". Video ends in avc/hvc1 and sound in AAC or Opus: what mp4mux
 * takes. No video is transcoded; G.711 sound becomes AAC (mp4mux cannot
 * carry it).
 *
 * Thread: any. ecc_chain_find returns a static entry, or NULL for a track
 * that is not used.
 */
#ifndef ECC_CHAIN_H
#define ECC_CHAIN_H

#include <gst/gst.h>
#include <stdbool.h>

struct ecc_chain {
	const char *match; /* encoding-name or caps name */
	bool rtp;
	bool video;
	const char *codec; /* h264, h265, aac, pcma, pcmu, opus */
	const char *desc;  /* gst_parse_bin_from_description text */
};

const struct ecc_chain *ecc_chain_find(GstCaps *caps);

#endif
