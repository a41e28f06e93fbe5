/*
 * fmp4: the muxer of a fallback live view, "mp4mux ! appsink", cut into
 * whole MP4 boxes for a browser's MediaSource.
 *
 * Why: where WebRTC cannot connect (a firewall that passes only HTTP, a
 * browser with WebRTC turned off), the player still shows the scene from
 * fragmented MP4 relayed by the hub. mp4mux makes one fragment per frame
 * (fragment-duration=1), so a frame waits for nothing; the appsink's
 * buffers are regrouped into the init segment (ftyp + moov) and then one
 * fragment (moof + mdat) per chunk, each handed to fn whole, in order.
 *
 * Thread: new and free on the main loop (free after the bin is stopped);
 * fn runs in the streaming thread. Ownership: the chunk passed to fn is
 * the callee's (g_bytes_unref).
 */
#ifndef ECC_FMP4_H
#define ECC_FMP4_H

#include <gst/gst.h>
#include <stdbool.h>

typedef struct ecc_fmp4 ecc_fmp4;
typedef void (*ecc_fmp4_fn)(void *user, GBytes *chunk);

/* Adds the muxer and its sink to bin. *video (and *audio when with_audio,
 * else NULL) receive the muxer's input pads (new references). NULL (logged)
 * when an element is missing. */
ecc_fmp4 *ecc_fmp4_new(GstBin *bin, bool with_audio, GstPad **video, GstPad **audio, ecc_fmp4_fn fn,
                       void *user);
void ecc_fmp4_free(ecc_fmp4 *f);

/* Cuts bytes into whole boxes: the pure part, for tests. Appends data; calls
 * fn with each complete init segment (up to the end of moov) or fragment
 * (up to the end of mdat). */
void ecc_fmp4_feed(ecc_fmp4 *f, const guint8 *data, gsize len);

/* A walker alone (no elements), for tests. */
ecc_fmp4 *ecc_fmp4_new_walker(ecc_fmp4_fn fn, void *user);

#endif
