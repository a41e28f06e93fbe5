/* stream_record: a running stream's recording turned on and off without
 * touching the rest of its pipeline (its source, its viewers, a room
 * participant's connection). */
#define G_LOG_DOMAIN "ecc-gw-stream"

#include "stream.h"
#include "stream_internal.h"
#include "ecc_log.h"

#include <string.h>

#define CLOSE_MS 3000 /* a recording turned off closes its segment within */

GstElement *ecc_stream__recorded_sound(ecc_stream *s)
{
	/* a phone's sound mixed with the walls talking to it (publish.h); a
	 * room participant's (nobody talks to it) and any other source's as
	 * it is */
	GstElement *mixed = s->pub && !s->no_talkback && s->atee && !strcmp(s->acodec, "opus")
	                        ? ecc_publisher_record_tee(s->pub, s->atee)
	                        : NULL;

	return mixed ? mixed : s->atee;
}

bool ecc_stream_record_on(ecc_stream *s)
{
	if (s->record)
		return true;
	s->record = true;
	g_message("stream=%s: recording on", s->id);
	if (!s->pipeline || s->rec)
		return true; /* the next build records */
	s->rec = ecc_recorder_new(s->cfg, s->id, s->unit, s->cb.segment, s->user);
	/* tracks known: the recorder starts from the cached GOP at once;
	 * else attach_branches starts it with the others */
	if (atomic_load(&s->attached))
		ecc_recorder_attach(s->rec, GST_BIN(s->pipeline), s->vtee,
		                    ecc_stream__recorded_sound(s), s->vcodec, s->acodec, 0, 0);
	return true;
}

/* The closing recorder leaves the pipeline: its segment closed (or not in
 * time: then reported cut short). */
static void retire(ecc_stream *s)
{
	if (!s->rec_closing)
		return;
	if (s->pipeline)
		ecc_recorder_detach(s->rec_closing, GST_BIN(s->pipeline));
	ecc_recorder_free(s->rec_closing);
	s->rec_closing = NULL;
	g_message("stream=%s: recording off", s->id);
}

void ecc_stream_record_off(ecc_stream *s)
{
	if (!s->record)
		return;
	s->record = false;
	if (!s->rec)
		return;
	retire(s); /* on, off, on, off within CLOSE_MS: the older one goes now */
	s->rec_closing = s->rec;
	s->rec = NULL;
	s->rec_closing_ms = ecc_mono_ms();
	/* its open segment ends on the last frame in (EOS into the branch),
	 * whole; a recorder with none (or failed) goes at once */
	if (!s->pipeline || !ecc_recorder_close(s->rec_closing))
		retire(s);
	else
		g_message("stream=%s: recording off: closing the open segment", s->id);
}

bool ecc_stream__rec_closing_message(ecc_stream *s, GstMessage *m)
{
	if (!s->rec_closing)
		return false;
	if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
		if (!ecc_recorder_owns(s->rec_closing, GST_MESSAGE_SRC(m)))
			return false;
		g_warning("stream=%s: the recording failed while closing", s->id);
		retire(s);
		return true;
	}
	if (!ecc_recorder_on_message(s->rec_closing, m))
		return false;
	if (!ecc_recorder_open(s->rec_closing))
		retire(s);
	return true;
}

void ecc_stream__rec_closing_tick(ecc_stream *s)
{
	if (s->rec_closing && ecc_mono_ms() - s->rec_closing_ms >= CLOSE_MS) {
		g_warning("stream=%s: the last segment did not close in %d ms", s->id, CLOSE_MS);
		retire(s);
	}
}

void ecc_stream__rec_closing_free(ecc_stream *s)
{
	ecc_recorder_free(s->rec_closing); /* reports a segment still open as cut short */
	s->rec_closing = NULL;
}
