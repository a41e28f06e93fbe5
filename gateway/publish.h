/*
 * publish: the source of a stream that a browser publishes (a phone's
 * camera and microphone, the handheld page's "开始执法记录"): a webrtcbin
 * that receives H.264 and Opus, in place of rtspsrc for a camera.
 *
 * Why: a phone is a unit's camera like any other; its picture goes through
 * the same chain (depayloader, parser, tee) into the recording's crash-safe
 * segments, the thumbnail and the live viewers. webrtcbin answers the
 * browser's offer; a receiving webrtcbin needs its RECVONLY transceivers
 * before the offer arrives (DESIGN.md), so they are added at once: H.264
 * for the picture (what the viewers take without transcoding) and Opus for
 * the sound. Candidates go out on the configured addresses only (ice.h).
 *
 * Push-to-talk (对讲): a wall talks to the phone through a second,
 * receive-only webrtcbin in the same pipeline (a talk), whose voice is
 * mixed into the camera's talk-back; the phone's own sound comes to the
 * wall as the stream's sound, like a camera's. The recording takes the
 * phone's sound mixed with the walls' voices (ecc_publisher_record_tee).
 *
 * One publisher session at a time: the stream (stream.c) builds a new
 * pipeline, with a new publisher, for each session, so a reconnecting
 * phone's recording resumes in a new segment.
 *
 * Signalling: the answer, the gateway's ICE candidates and the session's end
 * (ICE failed) go to the callbacks on the main loop, by session id (the
 * publisher may be gone by then). Thread: the main loop, except where said.
 */
#ifndef ECC_GW_PUBLISH_H
#define ECC_GW_PUBLISH_H

#include "gwconfig.h"

#include <gst/gst.h>
#include <stdbool.h>

typedef struct ecc_publisher ecc_publisher;

struct ecc_publisher_cb {
	void (*answer)(void *user, const char *session, const char *sdp);
	void (*ice)(void *user, const char *session, unsigned mline, const char *candidate);
	void (*ended)(void *user, const char *session, const char *why);
};

/* A phone's camera (H.264 and Opus in; the talk-back out on the sound's
 * m-line), or a wall talking to that phone (push-to-talk: Opus in). */
enum ecc_publisher_kind { ECC_PUBLISHER_CAMERA, ECC_PUBLISHER_TALK };

/* A publisher for stream (its name in logs); NULL (logged) without
 * webrtcbin. */
ecc_publisher *ecc_publisher_new(const struct ecc_gwconfig *cfg, const char *stream,
                                 enum ecc_publisher_kind kind, const struct ecc_publisher_cb *cb,
                                 void *user);

/* A camera's talk-back, added to pipeline (after its webrtcbin, before the
 * offer): silence mixed with the voices of the walls talking to the
 * phone, sent to it as Opus. false (logged) when it cannot be built. */
bool ecc_publisher_talkback(ecc_publisher *p, GstBin *pipeline);

/* The sound a camera's recording takes: the phone's (atee, Opus) mixed
 * with the voices of the walls that talk to it, in Opus; a tee in the
 * pipeline, made on the first call (main loop), or NULL (logged). */
GstElement *ecc_publisher_record_tee(ecc_publisher *p, GstElement *atee);

/* A talk t (kind TALK) into camera cam's talk-back: its webrtcbin joins
 * pipeline (cam's), and the wall's voice, decoded, goes into cam's mixer
 * once it flows. cam outlives t; ecc_publisher_free(t) takes it out. */
bool ecc_publisher_talk_start(ecc_publisher *t, ecc_publisher *cam, GstBin *pipeline);

/* Its webrtcbin (borrowed; add it to the pipeline, connect "pad-added"). */
GstElement *ecc_publisher_element(ecc_publisher *p);

/* The browser's offer for session: webrtcbin answers (cb->answer).
 * *audio: the offer sends sound. ECC_OK, ECC_ERR_INVAL (a bad SDP), or
 * ECC_ERR_EXISTS (a session runs already). */
int ecc_publisher_offer(ecc_publisher *p, const char *session, const char *sdp, bool *audio);

/* One of the browser's candidates; ignored unless for the running session. */
int ecc_publisher_ice(ecc_publisher *p, const char *session, unsigned mline, const char *candidate);

/* The running session, or NULL. */
const char *ecc_publisher_session(const ecc_publisher *p);

/* Tells the callbacks the running session ends (why), if there is one. */
void ecc_publisher_end(ecc_publisher *p, const char *why);

/* Frees (after the pipeline holding its webrtcbin stopped). */
void ecc_publisher_free(ecc_publisher *p);

#endif
