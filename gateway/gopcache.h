/* gopcache: a stream's picture since its last key frame, so that a viewer
 * joining between key frames starts at once where the source cannot be
 * asked for a key frame (RTMP, SRT: no back channel). The joining branch
 * gets the cached frames first, stamped a millisecond apart just before the
 * live frame it joins at: the browser decodes them in a burst and shows the
 * present, not a GOP behind it. The frames are held by reference (the
 * buffers the tee passes on anyway), at most 30 s, 1500 frames or 16 MiB of
 * a GOP. */
#ifndef ECC_GW_GOPCACHE_H
#define ECC_GW_GOPCACHE_H

#include <gst/gst.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct ecc_gopcache ecc_gopcache;

/* Caches what passes the sink pad of tee (a stream's video tee), for as
 * long as the tee lives. */
void ecc_gopcache_attach(GstElement *tee);

/* The cache of tee, or NULL. */
ecc_gopcache *ecc_gopcache_of(GstElement *tee);

/* Frames held and the time they span (ms), for the stream's health. */
void ecc_gopcache_span(ecc_gopcache *c, unsigned *frames, unsigned *ms);

/* The cached frames before cur (by time), held, with their own times; the
 * first is a key frame. NULL when there are none (or c is NULL). Any
 * thread; the caller unrefs the array. A recording starts with these. */
GPtrArray *ecc_gopcache_before(ecc_gopcache *c, GstBuffer *cur);

/* The time of the cached key frame, or GST_CLOCK_TIME_NONE. */
GstClockTime ecc_gopcache_first_pts(ecc_gopcache *c);

/* Caches what passes the sink pad of atee (a stream's sound tee): the last
 * MAX_SPAN of sound (at most 2 MiB), for a recording that starts from the
 * cached GOP. The picture's cache alone gave the first segment a picture
 * from the key frame on and sound only from the attach, which mp4mux put
 * at the segment's start: 1.3 s ahead of its picture in a test run. */
void ecc_gopcache_attach_sound(GstElement *atee);

/* The cached sound from `from` on (PTS) and before cur, held, in order;
 * NULL when there is none. Any thread; the caller unrefs the array. */
GPtrArray *ecc_gopcache_sound_between(ecc_gopcache *c, GstClockTime from, GstBuffer *cur);

/* The source pad of a branch's first queue drops pictures until a key
 * frame (as ecc_branch_from_keyframe, which it is without a cache). With a
 * cache (c), the branch starts from the cached GOP instead of waiting for
 * the next key frame, and a key frame asked for downstream (a browser's
 * PLI) is answered from the cache too (the source has no back channel).
 * seen: the branch's. */
void ecc_gopcache_start_branch(GstPad *pad, atomic_bool *seen, ecc_gopcache *c);

#endif
