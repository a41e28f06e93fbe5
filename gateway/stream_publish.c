/* stream_publish: a phone's publisher sessions on a webrtc: stream. */
#define G_LOG_DOMAIN "ecc-gw-stream"

#include "ecc_err.h"
#include "stream_internal.h"

#include <stdlib.h>
#include <string.h>

static void clear_pending(ecc_stream *s)
{
	g_clear_pointer(&s->pending, g_free);
	g_clear_pointer(&s->pending_sdp, g_free);
	g_ptr_array_set_size(s->pending_ice, 0);
}

void ecc_stream__apply_pending(ecc_stream *s)
{
	bool audio = false;

	if (!s->pending || !s->pub)
		return;
	if (ecc_publisher_offer(s->pub, s->pending, s->pending_sdp, &audio) != ECC_OK) {
		s->cb.publish.ended(s->user, s->pending, "the offer is not SDP");
		clear_pending(s);
		return;
	}
	/* the recording waits for the announced sound, as for a camera's */
	atomic_store(&s->audio_announced, audio);
	for (guint i = 0; i < s->pending_ice->len; i++) {
		char *mline = g_ptr_array_index(s->pending_ice, i), *cand = strchr(mline, ' ');
		ecc_publisher_ice(s->pub, s->pending, (unsigned)atoi(mline), cand + 1);
	}
	clear_pending(s);
}

int ecc_stream_publish(ecc_stream *s, const char *session, const char *sdp)
{
	if (strcmp(s->url, "webrtc:") != 0)
		return ECC_ERR_INVAL;
	if (s->pending)
		s->cb.publish.ended(s->user, s->pending, "a newer session replaced it");
	clear_pending(s);
	s->pending = g_strdup(session);
	s->pending_sdp = g_strdup(sdp);
	if (s->pub && !ecc_publisher_session(s->pub) && s->pipeline && !s->finish_id &&
	    s->state == ST_WAITING) {
		ecc_stream__apply_pending(s);
		return ECC_OK;
	}
	/* a new session records into a new segment, from a new pipeline */
	s->retry_ms = RETRY_MIN_MS;
	ecc_stream__restart(s, "a new publisher session");
	return ECC_OK;
}

int ecc_stream_publish_ice(ecc_stream *s, const char *session, unsigned mline, const char *cand)
{
	if (s->pending && !strcmp(s->pending, session)) {
		if (strncmp(cand, "candidate:", 10) != 0)
			return ECC_ERR_INVAL;
		g_ptr_array_add(s->pending_ice, g_strdup_printf("%u %s", mline, cand));
		return ECC_OK;
	}
	return s->pub ? ecc_publisher_ice(s->pub, session, mline, cand) : ECC_ERR_NOTFOUND;
}

bool ecc_stream_unpublish(ecc_stream *s, const char *session, const char *why)
{
	if (s->pending && !strcmp(s->pending, session)) {
		clear_pending(s);
		return true;
	}
	if (!s->pub || g_strcmp0(ecc_publisher_session(s->pub), session) != 0)
		return false;
	/* the open segment closes; the stream waits for the phone again */
	ecc_stream__restart(s, why);
	return true;
}

/* ---- push-to-talk: a wall's voice to the phone ---------------------------------- */

bool ecc_stream__untalk(ecc_stream *s, const char *session, const char *why)
{
	if (!s->talk || (session && g_strcmp0(ecc_publisher_session(s->talk), session) != 0))
		return false;
	if (why)
		ecc_publisher_end(s->talk, why);
	ecc_publisher_free(s->talk); /* its branch leaves the pipeline */
	s->talk = NULL;
	return true;
}

int ecc_stream_talk(ecc_stream *s, const char *session, const char *sdp)
{
	bool audio = false;

	if (!s->pub || !s->pipeline || s->finish_id || !ecc_publisher_session(s->pub))
		return ECC_ERR_UNAVAIL;
	ecc_stream__untalk(s, NULL, "another wall talks");
	s->talk = s->cb.talk.answer
	              ? ecc_publisher_new(s->cfg, s->id, ECC_PUBLISHER_TALK, &s->cb.talk, s->user)
	              : NULL;
	if (!s->talk || !ecc_publisher_talk_start(s->talk, s->pub, GST_BIN(s->pipeline)) ||
	    ecc_publisher_offer(s->talk, session, sdp, &audio) != ECC_OK || !audio) {
		ecc_stream__untalk(s, NULL, NULL);
		return ECC_ERR_INVAL;
	}
	return ECC_OK;
}

int ecc_stream_talk_ice(ecc_stream *s, const char *session, unsigned mline, const char *cand)
{
	return s->talk ? ecc_publisher_ice(s->talk, session, mline, cand) : ECC_ERR_NOTFOUND;
}

bool ecc_stream_untalk(ecc_stream *s, const char *session)
{
	return ecc_stream__untalk(s, session, NULL);
}

/* ---- a room participant muted by the host --------------------------------------- */

void ecc_stream_set_muted(ecc_stream *s, bool muted)
{
	if (atomic_exchange(&s->muted, muted) != muted)
		g_message("stream=%s: sound %s", s->id, muted ? "muted" : "on");
}
