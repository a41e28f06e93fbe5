/* stream: an ingest pipeline per field stream, its health and reconnects. */
#define G_LOG_DOMAIN "ecc-gw-stream"

#include "stream.h"
#include "stream_internal.h"
#include "chain.h"
#include "gopcache.h"
#include "ecc_err.h"
#include "ecc_log.h"
#include "ecc_url.h"
#include "restream.h"
#include "snapshot.h"
#include "tee.h"
#include "transcode.h"

#include <gst/video/video.h>
#include <stdatomic.h>
#include <string.h>

#define STALL_MS           3000
#define RESTART_STALLED_MS 6000
#define FIRST_FRAME_MS     15000
#define RETRY_MAX_MS       5000
#define FINISH_MS          3000
#define TRACKS_MS          1500
#define SOUND_MS           6000 /* how long an announced sound track is waited for */
#define REC_RETRY_MS       5000 /* a failed recording branch starts again after */
#define KEY_MS             2000 /* a publishing phone is asked for a key frame this often */

static const char *const state_names[] = {"starting", "waiting",  "live",
                                          "stalled",  "retrying", "stopped"};

/* ---- health probe (streaming thread) -------------------------------------- */

static GstPadProbeReturn count_frame(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_stream *s = data;
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);

	(void)pad;
	atomic_fetch_add(&s->frames, 1);
	atomic_fetch_add(&s->bytes, gst_buffer_get_size(b));
	atomic_store(&s->last_frame_us, g_get_monotonic_time());
	return GST_PAD_PROBE_OK;
}

/* The sound of a participant the host muted goes nowhere: not to the
 * others, whatever its page does (streaming thread). */
static GstPadProbeReturn drop_if_muted(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_stream *s = data;

	(void)pad;
	(void)info;
	return atomic_load(&s->muted) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* ---- building the pipeline (pad-added runs in a streaming thread) --------- */

static void pad_added(GstElement *src, GstPad *pad, gpointer data)
{
	ecc_stream *s = data;
	GstCaps *caps = gst_pad_get_current_caps(pad);
	const struct ecc_chain *c;
	GstElement *bin;
	GstPad *sink;
	GError *err = NULL;

	(void)src;
	if (!caps)
		caps = gst_pad_query_caps(pad, NULL);
	c = ecc_chain_find(caps);
	if (!c || (c->video && s->vtee) || (!c->video && s->atee)) {
		/* an unknown or a second track: drained and ignored */
		GstElement *sinkel = gst_element_factory_make("fakesink", NULL);
		char *d = gst_caps_to_string(caps);
		g_message("stream=%s: track not used: %.120s", s->id, d);
		g_free(d);
		g_object_set(sinkel, "sync", FALSE, "async", FALSE, NULL);
		gst_bin_add(GST_BIN(s->pipeline), sinkel);
		gst_element_sync_state_with_parent(sinkel);
		sink = gst_element_get_static_pad(sinkel, "sink");
		gst_pad_link(pad, sink);
		gst_object_unref(sink);
		gst_caps_unref(caps);
		return;
	}
	gst_caps_unref(caps);
	bin = gst_parse_bin_from_description(c->desc, TRUE, &err);
	if (!bin) {
		g_warning("stream=%s: %s", s->id, err ? err->message : "bad chain");
		g_clear_error(&err);
		return;
	}
	gst_bin_add(GST_BIN(s->pipeline), bin);
	/* active before linked: a source pushing into an inactive pad gets
	 * FLUSHING back and stops its task */
	gst_element_sync_state_with_parent(bin);
	sink = gst_element_get_static_pad(bin, "sink");
	if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK)
		g_warning("stream=%s: cannot link the %s track", s->id, c->codec);
	gst_object_unref(sink);

	if (c->video) {
		GstPad *tp;
		s->vtee = gst_bin_get_by_name(GST_BIN(bin), "t");
		g_strlcpy(s->vcodec, c->codec, sizeof(s->vcodec));
		tp = gst_element_get_static_pad(s->vtee, "sink");
		gst_pad_add_probe(tp, GST_PAD_PROBE_TYPE_BUFFER, count_frame, s, NULL);
		gst_object_unref(tp);
		/* a source with no back channel for key-frame requests: joining
		 * viewers start from the cached GOP */
		if (!g_str_has_prefix(s->url, "rtsp") || !s->cfg->keyframe_requests)
			ecc_gopcache_attach(s->vtee);
	} else {
		GstPad *tp;
		s->atee = gst_bin_get_by_name(GST_BIN(bin), "t");
		g_strlcpy(s->acodec, c->codec, sizeof(s->acodec));
		tp = gst_element_get_static_pad(s->atee, "sink");
		gst_pad_add_probe(tp, GST_PAD_PROBE_TYPE_BUFFER, drop_if_muted, s, NULL);
		gst_object_unref(tp);
		/* the sound of the picture's cache, for a recording's start */
		if (!g_str_has_prefix(s->url, "rtsp") || !s->cfg->keyframe_requests)
			ecc_gopcache_attach_sound(s->atee);
	}
}

/* All tracks are known (some demuxers never say so: the tick also attaches
 * once video has flowed for TRACKS_MS). */
static void no_more_pads(GstElement *src, gpointer data)
{
	ecc_stream *s = data;

	(void)src;
	atomic_store(&s->all_tracks, true);
}

/* The recording and the thumbnail start (main loop). */
static void attach_branches(ecc_stream *s)
{
	if (atomic_exchange(&s->attached, true))
		return;
	if (s->rec)
		ecc_recorder_attach(s->rec, GST_BIN(s->pipeline), s->vtee,
		                    ecc_stream__recorded_sound(s), s->vcodec, s->acodec, 0, 0);
	ecc_snapshot_attach(s->snap, s->vtee, s->vcodec);
	ecc_stream__mix_attach(s);
}

/* rtspsrc, before it sets up each stream of the session description: a
 * sound track announced there is worth waiting for (over UDP its first
 * packets may come well after the picture's). */
static gboolean select_stream(GstElement *src, guint num, GstCaps *caps, gpointer data)
{
	ecc_stream *s = data;
	const GstStructure *st = caps ? gst_caps_get_structure(caps, 0) : NULL;

	(void)src;
	(void)num;
	if (st && !g_strcmp0(gst_structure_get_string(st, "media"), "audio"))
		atomic_store(&s->audio_announced, true);
	return TRUE;
}

/* The source part of the pipeline, by URL scheme. */
static GstElement *make_source(ecc_stream *s, GstElement **demux)
{
	GstElement *src = NULL;

	*demux = NULL;
	if (g_str_has_prefix(s->url, "rtsp://") || g_str_has_prefix(s->url, "rtsps://")) {
		src = gst_element_factory_make("rtspsrc", NULL);
		/* user:password@ in the URL becomes digest (or basic) credentials.
		 * Not max-ts-offset-adjustment: bounding lip-sync corrections to
		 * 1 ms a frame made the sound's timestamps run seconds ahead of the
		 * picture, and the recording's muxer stuck in 4 of 4 test runs
		 * (0 of 3 without it). */
		g_object_set(src, "location", s->url, "latency", (guint)s->cfg->rtsp_latency_ms,
		             "tcp-timeout", (guint64)5000000, "timeout", (guint64)5000000,
		             "protocols",
		             !g_strcmp0(s->transport, "udp") ? 1 /* UDP */ : 4 /* TCP */, NULL);
		g_signal_connect(src, "select-stream", G_CALLBACK(select_stream), s);
		*demux = src;
	} else if (g_str_has_prefix(s->url, "rtmp://")) {
		/* librtmp's rtmpsrc, not rtmp2src: on a server that answers with
		 * garbage, rtmp2src (1.22) spins in its chunk parser and its state
		 * change to NULL never returns, which would freeze the gateway. */
		src = gst_element_factory_make("rtmpsrc", NULL);
		*demux = gst_element_factory_make("flvdemux", NULL);
		if (src)
			g_object_set(src, "location", s->url, "timeout", 5, NULL);
	} else if (!strcmp(s->url, "webrtc:")) {
		/* a phone publishing (publish.h): the pipeline holds the publisher's */
		s->pub = s->cb.publish.answer
		             ? ecc_publisher_new(s->cfg, s->id, ECC_PUBLISHER_CAMERA,
		                                 &s->cb.publish, s->user)
		             : NULL;
		src = *demux = s->pub ? ecc_publisher_element(s->pub) : NULL;
	} else if (!strcmp(s->url, "mix:")) {
		src = *demux = ecc_stream__mix_source(s); /* a room's hearing */
	} else if (g_str_has_prefix(s->url, "srt://")) {
		src = gst_element_factory_make("srtsrc", NULL);
		*demux = gst_element_factory_make("tsdemux", NULL);
		if (src)
			g_object_set(src, "uri", s->url, NULL);
	}
	return src;
}

static gboolean on_bus(GstBus *bus, GstMessage *m, gpointer data);
static void set_state(ecc_stream *s, enum state st);

static void on_sync_error(GstBus *bus, GstMessage *m, gpointer pipeline)
{
	(void)bus;
	ecc_branch_mark_broken(pipeline, GST_MESSAGE_SRC(m));
}

static int build(ecc_stream *s)
{
	GstElement *src, *demux;
	GstBus *bus;

	s->pipeline = gst_pipeline_new(s->id);
	src = make_source(s, &demux);
	if (!src || !demux) {
		g_snprintf(s->error, sizeof(s->error),
		           "unsupported URL (rtsp, rtmp, srt, webrtc or mix)");
		if (src && src != demux)
			gst_object_unref(src);
		if (demux && demux != src)
			gst_object_unref(demux);
		gst_object_unref(s->pipeline);
		s->pipeline = NULL;
		return ECC_ERR_INVAL;
	}
	gst_bin_add(GST_BIN(s->pipeline), src);
	if (demux != src) {
		gst_bin_add(GST_BIN(s->pipeline), demux);
		gst_element_link(src, demux);
	}
	if (s->pub && !s->no_talkback && !ecc_publisher_talkback(s->pub, GST_BIN(s->pipeline)))
		g_warning("stream=%s: no push-to-talk to the phone", s->id);
	g_signal_connect(demux, "pad-added", G_CALLBACK(pad_added), s);
	g_signal_connect(demux, "no-more-pads", G_CALLBACK(no_more_pads), s);
	s->vtee = s->atee = NULL;
	s->vcodec[0] = s->acodec[0] = '\0';
	atomic_store(&s->attached, false);
	atomic_store(&s->all_tracks, false);
	atomic_store(&s->audio_announced, false);
	atomic_store(&s->last_frame_us, 0);
	s->first_frame_ms = 0;
	ecc_stream__mix_built(s); /* a room's mix: its pads now (pad_added) */
	s->rec =
	    s->record ? ecc_recorder_new(s->cfg, s->id, s->unit, s->cb.segment, s->user) : NULL;
	s->snap = ecc_snapshot_new(s->cfg, s->id);
	bus = gst_element_get_bus(s->pipeline);
	s->bus_watch = gst_bus_add_watch(bus, on_bus, s);
	/* an error is seen in the thread that posts it, before the failing
	 * branch hands it back through a tee (tee.h) */
	gst_bus_enable_sync_message_emission(bus);
	g_signal_connect(bus, "sync-message::error", G_CALLBACK(on_sync_error), s->pipeline);
	gst_object_unref(bus);
	return ECC_OK;
}

/* ---- starting, stopping, retrying ------------------------------------------ */

/* Every viewer ends (told why): its branch goes with the pipeline. */
static void end_viewers(ecc_stream *s, const char *why)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, s->viewers);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		g_hash_table_iter_steal(&it);
		ecc_viewer_end(v, why);
		ecc_viewer_free(v);
		g_free(k);
	}
	ecc_transcode_free(s->h264);
	ecc_transcode_free(s->sound);
	s->h264 = s->sound = NULL;
}

static void teardown(ecc_stream *s)
{
	ecc_stream__untalk(s, NULL, "the phone reconnects"); /* out of the pipeline first */
	end_viewers(s, "reconnecting");
	ecc_stream__mix_teardown(s);
	if (s->push)
		ecc_restream_detach(s->push);
	if (s->finish_id)
		g_source_remove(s->finish_id);
	s->finish_id = 0;
	if (s->bus_watch)
		g_source_remove(s->bus_watch);
	s->bus_watch = 0;
	if (s->pipeline) {
		gst_element_set_state(s->pipeline, GST_STATE_NULL);
		if (s->vtee)
			gst_object_unref(s->vtee);
		if (s->atee)
			gst_object_unref(s->atee);
		s->vtee = s->atee = NULL;
		gst_object_unref(s->pipeline);
		s->pipeline = NULL;
	}
	ecc_stream__mix_free(s);
	if (s->pub)
		ecc_publisher_end(s->pub, "reconnecting"); /* the phone publishes again */
	ecc_publisher_free(s->pub);
	s->pub = NULL;
	ecc_recorder_free(s->rec); /* reports a segment it could not close as cut short */
	s->rec = NULL;
	ecc_stream__rec_closing_free(s);
	ecc_snapshot_free(s->snap);
	s->snap = NULL;
}

static gboolean retry_cb(gpointer data);

static void schedule_retry(ecc_stream *s)
{
	set_state(s, ST_RETRYING);
	s->retry_id = g_timeout_add(s->retry_ms, retry_cb, s);
	s->retry_ms = MIN(s->retry_ms * 2, RETRY_MAX_MS);
}

static gboolean finished_cb(gpointer data)
{
	ecc_stream *s = data;

	s->finish_id = 0;
	teardown(s);
	schedule_retry(s);
	return G_SOURCE_REMOVE;
}

/* Tears down (after closing the open segment) and retries with backoff. */
void ecc_stream__restart(ecc_stream *s, const char *why)
{
	if (s->state == ST_RETRYING || s->finish_id)
		return;
	g_message("stream=%s: %s; reconnecting", s->id, why);
	g_strlcpy(s->error, why, sizeof(s->error));
	if (s->rec && ecc_recorder_finish(s->rec)) {
		s->finish_id = g_timeout_add(FINISH_MS, finished_cb, s);
		return;
	}
	teardown(s);
	schedule_retry(s);
}

static void start(ecc_stream *s)
{
	if (build(s) != ECC_OK) {
		g_warning("stream=%s: %s", s->id, s->error);
		set_state(s, ST_RETRYING);
		s->retry_id = g_timeout_add(RETRY_MAX_MS, retry_cb, s);
		return;
	}
	/* an SRT listener waits for its caller, a webrtc: stream for its phone */
	set_state(s, g_str_has_prefix(s->url, "srt://") || s->pub ? ST_WAITING : ST_STARTING);
	if (gst_element_set_state(s->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		ecc_stream__restart(s, "the source did not start");
	else
		ecc_stream__apply_pending(s);
}

static gboolean retry_cb(gpointer data)
{
	ecc_stream *s = data;

	s->retry_id = 0;
	s->reconnects++;
	start(s);
	return G_SOURCE_REMOVE;
}

/* ---- the bus (main loop) ---------------------------------------------------- */

/* Is src inside a viewer's branch or a live transcode? */
static bool live_branch(ecc_stream *s, GstObject *src)
{
	GHashTableIter it;
	gpointer v;

	if (ecc_transcode_owns(s->h264, src) || ecc_transcode_owns(s->sound, src))
		return true;
	g_hash_table_iter_init(&it, s->viewers);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (ecc_viewer_owns(v, src))
			return true;
	return false;
}

static gboolean on_bus(GstBus *bus, GstMessage *m, gpointer data)
{
	ecc_stream *s = data;
	GError *err = NULL;
	char *dbg = NULL;

	(void)bus;
	if (ecc_stream__rec_closing_message(s, m))
		return G_SOURCE_CONTINUE; /* a recording turned off, closing */
	switch (GST_MESSAGE_TYPE(m)) {
	case GST_MESSAGE_ERROR:
		gst_message_parse_error(m, &err, &dbg);
		if (s->rec && ecc_recorder_owns(s->rec, GST_MESSAGE_SRC(m))) {
			/* a full disk: drop the recording, keep ingest and live view */
			char *why = g_strdup_printf("%s (%s)", err->message, dbg ? dbg : "");
			ecc_recorder_fail(s->rec, GST_BIN(s->pipeline), why);
			g_free(why);
			s->rec_failed_ms = ecc_mono_ms();
		} else if (s->push &&
		           ecc_restream_on_error(s->push, GST_MESSAGE_SRC(m), err->message)) {
			/* the platform dropped us: the push alone waits for its retry */
		} else if (ecc_stream__mix_owns(s, GST_MESSAGE_SRC(m))) {
			/* the tap into a room's mix: out of it, logged */
		} else if (live_branch(s, GST_MESSAGE_SRC(m))) {
			/* a viewer's branch or a live transcode: viewers watch again */
			g_warning("stream=%s: live view failed: %s", s->id, err->message);
			end_viewers(s, err->message);
		} else {
			/* which element, and its details: the restart alone says little */
			g_message("stream=%s: error from %s: %s (%s)", s->id,
			          GST_MESSAGE_SRC_NAME(m) ? GST_MESSAGE_SRC_NAME(m) : "?",
			          err->message, dbg ? dbg : "");
			ecc_stream__restart(s, err->message);
		}
		g_clear_error(&err);
		g_free(dbg);
		break;
	case GST_MESSAGE_EOS:
		ecc_stream__restart(s, "the source ended the stream");
		break;
	case GST_MESSAGE_ELEMENT:
		if (s->rec && ecc_recorder_on_message(s->rec, m) && s->finish_id &&
		    !ecc_recorder_open(s->rec)) {
			/* the open segment closed: finish the restart now */
			g_source_remove(s->finish_id);
			finished_cb(s);
		}
		break;
	case GST_MESSAGE_WARNING:
		gst_message_parse_warning(m, &err, &dbg);
		g_debug("stream=%s: warning: %s", s->id, err->message);
		g_clear_error(&err);
		g_free(dbg);
		break;
	default:
		break;
	}
	return G_SOURCE_CONTINUE;
}

/* ---- health (main loop, every second) -------------------------------------- */

static void set_state(ecc_stream *s, enum state st)
{
	if (s->state == st)
		return;
	s->state = st;
	s->state_since = ecc_mono_ms();
	if (st == ST_LIVE) {
		s->retry_ms = RETRY_MIN_MS;
		s->error[0] = '\0';
	}
	g_message("stream=%s unit=%s: %s", s->id, s->unit, state_names[st]);
	if (s->cb.state)
		s->cb.state(s->user, s, state_names[st]);
}

static gboolean tick(gpointer data)
{
	ecc_stream *s = data;
	gint64 last = atomic_load(&s->last_frame_us), now = g_get_monotonic_time();
	gint64 age_ms = last ? (now - last) / 1000 : -1;

	if (s->pipeline && s->vtee && last && !atomic_load(&s->attached)) {
		if (!s->first_frame_ms)
			s->first_frame_ms = ecc_mono_ms();
		gint64 waited = ecc_mono_ms() - s->first_frame_ms;
		bool sound_due = atomic_load(&s->audio_announced) && !s->atee;
		/* a session that announced sound waits for its track even after
		 * no-more-pads: a recording started without it has none at all */
		if ((atomic_load(&s->all_tracks) && !sound_due) ||
		    waited >= (sound_due ? SOUND_MS : TRACKS_MS))
			attach_branches(s);
	}
	if (s->push && s->pipeline && s->vtee && atomic_load(&s->attached))
		ecc_restream_run(s->push, GST_BIN(s->pipeline), s->vtee, s->vcodec, s->atee);
	ecc_stream__rec_closing_tick(s);
	if (s->rec && s->pipeline && atomic_load(&s->attached)) {
		if (!ecc_recorder_failed(s->rec)) {
			if (!ecc_recorder_tick(s->rec)) {
				/* built again at the next tick, not after REC_RETRY_MS */
				ecc_recorder_fail(s->rec, GST_BIN(s->pipeline),
				                  "its muxer was stuck");
				s->rec_failed_ms = ecc_mono_ms() - REC_RETRY_MS + 1000;
			}
		} else if (ecc_mono_ms() - s->rec_failed_ms >= REC_RETRY_MS) {
			/* a full disk may have room again; a muxer error was one stream's */
			g_message("stream=%s: recording again", s->id);
			s->rec_failed_ms = ecc_mono_ms();
			ecc_recorder_attach(s->rec, GST_BIN(s->pipeline), s->vtee,
			                    ecc_stream__recorded_sound(s), s->vcodec, s->acodec, 0,
			                    0);
		}
	}
	if (s->pub && s->vtee && s->state == ST_LIVE && ecc_mono_ms() - s->key_asked >= KEY_MS) {
		/* a phone's encoder sends key frames only when asked (RTCP PLI):
		 * the recording splits and viewers join at them */
		GstPad *p = gst_element_get_static_pad(s->vtee, "sink");
		gst_pad_push_event(
		    p, gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
		gst_object_unref(p);
		s->key_asked = ecc_mono_ms();
	}
	switch (s->state) {
	case ST_STARTING:
	case ST_STALLED:
		if (age_ms >= 0 && age_ms < STALL_MS)
			set_state(s, ST_LIVE);
		else if (s->state == ST_STARTING && ecc_mono_ms() - s->state_since > FIRST_FRAME_MS)
			ecc_stream__restart(s, "no video from the source");
		else if (s->state == ST_STALLED && age_ms >= RESTART_STALLED_MS)
			ecc_stream__restart(s, "the source stalled");
		break;
	case ST_WAITING: /* an SRT listener waits for its caller, a webrtc: source its phone */
		if (age_ms >= 0 && age_ms < STALL_MS)
			set_state(s, ST_LIVE);
		break;
	case ST_LIVE:
		if (age_ms >= STALL_MS)
			set_state(s, ST_STALLED);
		break;
	default:
		break;
	}
	return G_SOURCE_CONTINUE;
}

cJSON *ecc_stream_health_json(ecc_stream *s)
{
	cJSON *o = cJSON_CreateObject();
	uint64_t frames = atomic_load(&s->frames), bytes = atomic_load(&s->bytes);
	gint64 now = ecc_mono_ms(), last = atomic_load(&s->last_frame_us);
	double secs = s->prev_at ? (double)(now - s->prev_at) / 1000.0 : 0;
	int width = 0, height = 0;

	if (s->vtee && s->state != ST_RETRYING) {
		GstPad *p = gst_element_get_static_pad(s->vtee, "sink");
		GstCaps *caps = gst_pad_get_current_caps(p);
		if (caps) {
			const GstStructure *st = gst_caps_get_structure(caps, 0);
			gst_structure_get_int(st, "width", &width);
			gst_structure_get_int(st, "height", &height);
			gst_caps_unref(caps);
		}
		gst_object_unref(p);
	}
	cJSON_AddStringToObject(o, "stream", s->id);
	cJSON_AddStringToObject(o, "unit", s->unit);
	cJSON_AddStringToObject(o, "state", state_names[s->state]);
	cJSON_AddNumberToObject(o, "fps", secs > 0 ? (double)(frames - s->prev_frames) / secs : 0);
	cJSON_AddNumberToObject(o, "bitrate",
	                        secs > 0 ? 8.0 * (double)(bytes - s->prev_bytes) / secs : 0);
	cJSON_AddNumberToObject(o, "width", width);
	cJSON_AddNumberToObject(o, "height", height);
	cJSON_AddStringToObject(o, "vcodec", s->vcodec);
	cJSON_AddStringToObject(o, "acodec", s->acodec);
	if (last)
		cJSON_AddNumberToObject(o, "last_frame_age",
		                        (double)(g_get_monotonic_time() - last) / 1000);
	else
		cJSON_AddNullToObject(o, "last_frame_age");
	cJSON_AddNumberToObject(o, "reconnects", s->reconnects);
	cJSON_AddBoolToObject(o, "recording",
	                      s->rec && !ecc_recorder_failed(s->rec) && ecc_recorder_open(s->rec));
	cJSON_AddNumberToObject(o, "viewers", g_hash_table_size(s->viewers));
	if (s->vtee && ecc_gopcache_of(s->vtee)) {
		unsigned frames_held, ms;
		cJSON *g = cJSON_AddObjectToObject(o, "gop");

		ecc_gopcache_span(ecc_gopcache_of(s->vtee), &frames_held, &ms);
		cJSON_AddNumberToObject(g, "frames", frames_held);
		cJSON_AddNumberToObject(g, "ms", ms);
	}
	if (s->push)
		cJSON_AddItemToObject(o, "restream", ecc_restream_json(s->push));
	if (s->error[0])
		cJSON_AddStringToObject(o, "error", s->error);
	else
		cJSON_AddNullToObject(o, "error");
	s->prev_frames = frames;
	s->prev_bytes = bytes;
	s->prev_at = now;
	return o;
}

/* ---- lifecycle -------------------------------------------------------------- */

ecc_stream *ecc_stream_new(const struct ecc_gwconfig *cfg, const struct ecc_stream_spec *spec,
                           const struct ecc_stream_callbacks *cb, void *user)
{
	ecc_stream *s = g_new0(ecc_stream, 1);

	s->viewers =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)ecc_viewer_free);

	s->cfg = cfg;
	s->id = g_strdup(spec->id);
	s->unit = g_strdup(spec->unit);
	s->url = g_strdup(spec->url);
	s->transport = g_strdup(spec->transport ? spec->transport : "tcp");
	s->record = spec->record;
	s->no_talkback = spec->no_talkback;
	if (cb)
		s->cb = *cb;
	s->user = user;
	s->retry_ms = RETRY_MIN_MS;
	s->state = ST_STOPPED;
	s->pending_ice = g_ptr_array_new_with_free_func(g_free);
	s->tick_id = g_timeout_add_seconds(1, tick, s);
	start(s);
	return s;
}

/* Closes the open segment, waiting for the muxer on this thread (bounded):
 * the hub must get the segment before the stream is gone. */
static void finish_now(ecc_stream *s)
{
	gint64 end = g_get_monotonic_time() + FINISH_MS * 1000;
	bool rec = s->pipeline && s->rec && ecc_recorder_finish(s->rec);
	bool closing = s->pipeline && s->rec_closing && ecc_recorder_open(s->rec_closing);
	GstBus *bus;

	if (!rec && !closing)
		return;
	if (s->bus_watch)
		g_source_remove(s->bus_watch);
	s->bus_watch = 0;
	bus = gst_element_get_bus(s->pipeline);
	while (((rec && ecc_recorder_open(s->rec)) ||
	        (closing && ecc_recorder_open(s->rec_closing))) &&
	       g_get_monotonic_time() < end) {
		GstMessage *m = gst_bus_timed_pop_filtered(bus, 100 * GST_MSECOND,
		                                           GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
		if (m) {
			if (rec)
				ecc_recorder_on_message(s->rec, m);
			if (closing)
				ecc_recorder_on_message(s->rec_closing, m);
			gst_message_unref(m);
		}
	}
	gst_object_unref(bus);
}

void ecc_stream_free(ecc_stream *s)
{
	if (!s)
		return;
	g_source_remove(s->tick_id);
	if (s->retry_id)
		g_source_remove(s->retry_id);
	finish_now(s);
	teardown(s);
	g_message("stream=%s: stopped", s->id);
	g_free(s->id);
	g_free(s->unit);
	g_free(s->url);
	g_free(s->transport);
	g_hash_table_destroy(s->viewers);
	ecc_restream_free(s->push);
	g_free(s->pending);
	g_free(s->pending_sdp);
	g_ptr_array_free(s->pending_ice, TRUE);
	cJSON_Delete(s->mix_inputs);
	g_free(s->mix_label);
	g_free(s);
}

/* With no viewer left, the H.264 transcode stops. */
static void unwatched(ecc_stream *s)
{
	if ((s->h264 || s->sound) && !g_hash_table_size(s->viewers)) {
		ecc_transcode_free(s->h264);
		ecc_transcode_free(s->sound);
		s->h264 = s->sound = NULL;
		g_message("stream=%s: live transcodes stopped (no viewer)", s->id);
	}
}

ecc_viewer *ecc_stream_watch(ecc_stream *s, const char *view, enum ecc_viewer_mode mode,
                             const struct ecc_viewer_cb *cb, void *user, const char **why)
{
	GstElement *stee = NULL;
	ecc_viewer *v;
	GstElement *htee;
	bool opus_src = !strcmp(s->acodec, "opus");

	if (!s->pipeline || !s->vtee || !atomic_load(&s->last_frame_us)) {
		*why = "no picture yet";
		return NULL;
	}
	if (g_hash_table_contains(s->viewers, view)) {
		*why = "that view exists";
		return NULL;
	}
	if (!strcmp(s->vcodec, "h265") && !s->h264)
		s->h264 = ecc_transcode_new(GST_BIN(s->pipeline), s->vtee, s->id);
	htee = !strcmp(s->vcodec, "h264") ? s->vtee : s->h264 ? ecc_transcode_tee(s->h264) : NULL;
	/* sound, when the stream has it: the tee carries AAC (for the recording),
	 * which MP4 takes as is and WebRTC needs in Opus; or a phone's Opus,
	 * which WebRTC takes as is and the fallback's MSE needs in AAC */
	if (s->atee && !s->sound && (mode == ECC_VIEWER_WEBRTC) != opus_src)
		s->sound = opus_src ? ecc_transcode_aac(GST_BIN(s->pipeline), s->atee, s->id)
		                    : ecc_transcode_opus(GST_BIN(s->pipeline), s->atee, s->id);
	if (s->atee)
		stee = (mode == ECC_VIEWER_WEBRTC) == opus_src ? s->atee
		       : s->sound                              ? ecc_transcode_tee(s->sound)
		                                               : NULL;
	v = htee ? ecc_viewer_new(s->cfg, view, mode, GST_BIN(s->pipeline), htee, stee, cb, user)
	         : NULL;
	if (!v) {
		*why = "the live branch could not be built";
		unwatched(s);
		return NULL;
	}
	g_hash_table_insert(s->viewers, g_strdup(view), v);
	g_message("stream=%s: view %s started, %s (%u watching)", s->id, view,
	          mode == ECC_VIEWER_FMP4 ? "fmp4" : "webrtc", g_hash_table_size(s->viewers));
	return v;
}

int ecc_stream_set_restream(ecc_stream *s, const char *url)
{
	if (url && !ecc_url_push_ok(url))
		return ECC_ERR_INVAL;
	if (!s->push && !url)
		return ECC_OK;
	if (s->push && url && !strcmp(ecc_restream_url(s->push), url))
		return ECC_OK;
	ecc_restream_free(s->push); /* its branch leaves the pipeline */
	s->push = url ? ecc_restream_new(s->id, url) : NULL;
	g_message("stream=%s: restream %s", s->id, url ? "on" : "off");
	if (s->push && s->pipeline && s->vtee && atomic_load(&s->attached))
		ecc_restream_run(s->push, GST_BIN(s->pipeline), s->vtee, s->vcodec, s->atee);
	return ECC_OK;
}

bool ecc_stream_records(const ecc_stream *s)
{
	return s->record;
}

ecc_viewer *ecc_stream_viewer(ecc_stream *s, const char *view)
{
	return g_hash_table_lookup(s->viewers, view);
}

bool ecc_stream_unwatch(ecc_stream *s, const char *view)
{
	bool had = g_hash_table_remove(s->viewers, view);

	if (had)
		g_message("stream=%s: view %s ended (%u watching)", s->id, view,
		          g_hash_table_size(s->viewers));
	unwatched(s);
	return had;
}

const char *ecc_stream_id(const ecc_stream *s)
{
	return s->id;
}

const char *ecc_stream_url(const ecc_stream *s)
{
	return s->url;
}

const char *ecc_stream_state(const ecc_stream *s)
{
	return state_names[s->state];
}
