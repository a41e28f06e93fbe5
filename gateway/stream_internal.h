/*
 * stream_internal: what stream.c and stream_publish.c share about a
 * stream. Not for other modules (stream.h is the interface).
 */
#ifndef ECC_STREAM_INTERNAL_H
#define ECC_STREAM_INTERNAL_H

#include "gopcache.h"
#include "mixtap.h"
#include "publish.h"
#include "record.h"
#include "restream.h"
#include "roommix.h"
#include "snapshot.h"
#include "stream.h"
#include "transcode.h"

#include <stdatomic.h>

#define RETRY_MIN_MS 500 /* the first retry of a source, after */

enum state { ST_STARTING, ST_WAITING, ST_LIVE, ST_STALLED, ST_RETRYING, ST_STOPPED };

struct ecc_stream {
	const struct ecc_gwconfig *cfg;
	char *id, *unit, *url, *transport;
	bool record, no_talkback;
	struct ecc_stream_callbacks cb;
	void *user;

	GstElement *pipeline;
	guint bus_watch;
	GstElement *vtee, *atee; /* owned by the pipeline; set from streaming threads */
	char vcodec[16], acodec[16];
	atomic_bool attached;        /* recording and thumbnail branches added */
	atomic_bool all_tracks;      /* the demuxer said no-more-pads */
	atomic_bool audio_announced; /* the RTSP session description has sound */
	atomic_bool muted;           /* a room participant's sound is dropped (the host muted it) */
	gint64 first_frame_ms;       /* monotonic, of the first video frame of this start */
	ecc_recorder *rec;
	ecc_recorder *rec_closing; /* turned off, its last segment closing */
	gint64 rec_closing_ms;     /* monotonic, since */
	ecc_snapshot *snap;
	GHashTable *viewers;  /* view id -> ecc_viewer*, owned */
	ecc_transcode *h264;  /* H.265 sources: H.264 for viewers, while any watch */
	ecc_transcode *sound; /* the sound for viewers (AAC -> Opus, Opus -> AAC), while watched */
	ecc_restream *push;   /* a live push to a streaming platform, or NULL */
	ecc_publisher *pub;   /* the webrtc: source of a phone's camera, or NULL */
	ecc_publisher *talk;  /* a wall talking to the phone, or NULL */
	char *pending, *pending_sdp; /* a publisher session waiting for a new pipeline */
	GPtrArray *pending_ice;      /* its candidates meanwhile: "mline candidate" */
	gint64 key_asked;            /* monotonic ms */
	ecc_roommix *mix;            /* a "mix:" stream's source: a room's mix, or NULL */
	cJSON *mix_inputs;           /* its inputs, kept across restarts (roommix.h) */
	ecc_mixtap *tap;             /* this stream's picture and sound in a room's mix */
	bool mixed;                  /* the hub wants it in its room's mix */
	char *mix_label;             /* its name on its picture there */

	atomic_uint_fast64_t frames, bytes;
	atomic_int_fast64_t last_frame_us; /* monotonic */
	uint64_t prev_frames, prev_bytes;
	gint64 prev_at;

	enum state state;
	gint64 state_since; /* monotonic ms */
	unsigned reconnects;
	unsigned retry_ms;
	guint retry_id, finish_id, tick_id;
	gint64 rec_failed_ms; /* when the recording branch last failed */
	char error[256];
};

/* stream.c: tears down (after closing the open segment) and retries with
 * backoff. */
void ecc_stream__restart(ecc_stream *s, const char *why);

/* stream_publish.c: the talk ends (its session, or any with NULL; told
 * why), its branch leaves the pipeline. false: no such talk. */
bool ecc_stream__untalk(ecc_stream *s, const char *session, const char *why);

/* stream_publish.c: the waiting publisher session's offer (and candidates)
 * to the new pipeline's publisher; right after a start. */
void ecc_stream__apply_pending(ecc_stream *s);

/* stream_record.c: the sound the recording takes; the recorder turned
 * off while its segment closes: its bus messages (true: its), its time
 * limit (every tick), its end with the pipeline's. */
GstElement *ecc_stream__recorded_sound(ecc_stream *s);
bool ecc_stream__rec_closing_message(ecc_stream *s, GstMessage *m);
void ecc_stream__rec_closing_tick(ecc_stream *s);
void ecc_stream__rec_closing_free(ecc_stream *s);

/* stream_mix.c: a "mix:" stream's source (make_source), its pads once
 * "pad-added" is connected (build), the tap added with the other branches
 * and dropped with them, the mix freed after the pipeline; an error inside
 * the tap takes it out (true: it was the tap's). */
GstElement *ecc_stream__mix_source(ecc_stream *s);
void ecc_stream__mix_built(ecc_stream *s);
void ecc_stream__mix_attach(ecc_stream *s);
void ecc_stream__mix_teardown(ecc_stream *s);
void ecc_stream__mix_free(ecc_stream *s);
bool ecc_stream__mix_owns(ecc_stream *s, GstObject *src);

#endif
