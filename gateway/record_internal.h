/* record_internal: what the recorder's two files share (record.c builds,
 * reports and reaps segments on the main loop; record_route.c routes each
 * buffer into its segment in the streaming threads). Not for other
 * modules: they use record.h. */
#ifndef ECC_GW_RECORD_INTERNAL_H
#define ECC_GW_RECORD_INTERNAL_H

#include "record.h"
#include "gopcache.h"

#include <stdatomic.h>

/* One segment's muxer and file: a bin with "video" and "audio" sink pads.
 * Its messages are forwarded (message-forward) so its EOS reaches the bus. */
struct out {
	GstElement *bin;
	GstPad *vpad, *apad;
	struct ecc_segment *s;
	GstClockTime first_pts;  /* the key frame it starts with */
	GstClockTime end_pts;    /* after its last video frame */
	gint64 split_at;         /* monotonic us when video moved on, or 0 */
	GstClockTime vdts, adts; /* the last decoding times written, per track */
	unsigned restamped;      /* buffers keep_order moved */
	bool audio_eos;          /* its audio pad has had EOS */
	bool sound;              /* some audio went into it */
};

struct ecc_recorder {
	const struct ecc_gwconfig *cfg;
	char *stream, *unit;
	ecc_segment_fn fn;
	void *user;
	GstElement *branch;    /* bin: queue (video), queue (audio), one out per segment */
	GstPad *vsink, *asink; /* the branch's ghost pads, linked from the tees */
	GstPad *vtee_pad, *atee_pad;
	char vcodec[16], acodec[16];
	int width, height;
	bool failed;
	/* Every segment starts on a key frame: until the first one, video and
	 * audio are dropped (streaming threads: atomics). */
	atomic_bool keyframe_seen;
	atomic_uint_fast64_t first_pts;
	/* The stream's cached GOP (gopcache.h), or NULL: a recording attached
	 * between key frames starts from the cached key frame, with the
	 * frames' own times, instead of losing up to a GOP (20 s from a drone).
	 * replay_due: the gate let a picture through on the cache's word, the
	 * route puts the cached frames before it. */
	ecc_gopcache *cache;
	atomic_bool replay_due;
	/* The stream's cached sound (gopcache.h), or NULL; sound_due: the
	 * cached sound from the key frame on goes before the first sound the
	 * route takes once the first segment is open. */
	ecc_gopcache *sound_cache;
	atomic_bool sound_due;
	/* Attached again to the same tee after a failure: the picture was
	 * recorded up to recorded_end, and a cached GOP that starts before it
	 * would record those frames twice, in two overlapping files (the
	 * timeline could not place them). Such a recording waits for the next
	 * key frame instead. fed_by: the tee of the last attach (compared, not
	 * held). */
	GstElement *fed_by;
	GstClockTime recorded_end;
	/* Sound that stops (a camera's microphone, a lost RTP track) must not
	 * hold back the picture: a muxer waits for both, and the picture would
	 * fill its queue and stop the source. heard_us: monotonic us of the last
	 * sample in; sound_lost: segments are closed to sound until it returns. */
	atomic_int_fast64_t heard_us;
	atomic_bool sound_lost;
	/* The muxer is stuck: an input queue ran full (it took nothing for
	 * 5 s; the leaky queues then drop their oldest rather than stop the
	 * source), or muxer_stuck saw it hold the picture back. */
	atomic_bool stuck;
	unsigned drained; /* overruns that drained (muxer_stuck), told once a minute */
	atomic_uint_fast64_t last_apts; /* the last sound routed, for that report */
	atomic_uint untimed;            /* pictures that came with no time (route) */
	/* guards outs, vcur, acur and the outs' fields (the video
	 * and audio streaming threads switch outputs; the main loop reaps) */
	GMutex lock;
	GList *outs;            /* struct out*, oldest first, until reaped */
	struct out *vcur;       /* where video goes */
	struct out *acur;       /* where audio goes (moves on with the samples' times) */
	GstClockTime last_key;  /* the last key frame routed (r->lock) */
	GstClockTime tick_vend; /* the picture's end at the last tick (main loop) */
};

/* A new segment's "mp4mux ! filesink", starting with b (record.c). */
struct out *ecc_rec_out_new(ecc_recorder *r, GstPad *pad, GstBuffer *b);

/* EOS into each pad now, or from a pool thread (never the main loop's
 * wait); both take the list and its references. An audio pad that got no
 * sound first gets the caps of sound (the audio input's pad; NULL: none
 * known) or else empty (may be NULL), or its file would be unreadable. */
void ecc_rec_send_eos(GSList *pads, GstPad *sound, GstCaps *empty);
void ecc_rec_send_eos_later(ecc_recorder *r, GSList *pads);

/* Audio pads of segments that will get no more audio, marked (r->lock). */
GSList *ecc_rec_audio_ends(ecc_recorder *r, struct out *keep, bool before);

/* The inputs' probes: gates on the branch's ghost pads, routes on the
 * queues' source pads (record_route.c). */
GstPadProbeReturn ecc_rec_video_gate(GstPad *pad, GstPadProbeInfo *info, gpointer data);
GstPadProbeReturn ecc_rec_audio_gate(GstPad *pad, GstPadProbeInfo *info, gpointer data);
GstPadProbeReturn ecc_rec_video_route(GstPad *pad, GstPadProbeInfo *info, gpointer data);
GstPadProbeReturn ecc_rec_audio_route(GstPad *pad, GstPadProbeInfo *info, gpointer data);

#endif
