/* restream: a live push of a stream to an RTMP or SRT destination. */
#define G_LOG_DOMAIN "ecc-gw-restream"

#include "restream.h"
#include "ecc_log.h"
#include "ecc_url.h"
#include "tee.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#define RETRY_FIRST_MS 2000
#define RETRY_MAX_MS   30000
#define PUSHING_MS     3000 /* bytes out this recently: "pushing" */

struct ecc_restream {
	char *stream, *url, *shown;
	GstBin *pipeline;
	GstElement *bin;
	GstPad *vin, *ain, *vtee_pad, *atee_pad;
	atomic_bool keyframe_seen;
	atomic_uint_fast64_t bytes;
	atomic_int_fast64_t last_out_us;
	uint64_t prev_bytes;
	gint64 prev_at;
	gint64 retry_at; /* monotonic ms; 0: not waiting */
	unsigned retry_ms, retries;
	bool refused; /* the source's codec cannot go there: no retry */
	char error[200];
};

ecc_restream *ecc_restream_new(const char *stream, const char *url)
{
	ecc_restream *r = g_new0(ecc_restream, 1);

	r->stream = g_strdup(stream);
	r->url = g_strdup(url);
	r->shown = ecc_url_redacted(url);
	r->retry_ms = RETRY_FIRST_MS;
	return r;
}

const char *ecc_restream_url(const ecc_restream *r)
{
	return r->url;
}

/* The push starts at a key frame (a platform's player needs one first,
 * ecc_branch_from_keyframe); sound before it is dropped too. */
static GstPadProbeReturn audio_gate(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_restream *r = data;

	(void)pad;
	(void)info;
	return atomic_load(&r->keyframe_seen) ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

static GstPadProbeReturn count_out(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ecc_restream *r = data;

	(void)pad;
	atomic_fetch_add(&r->bytes, gst_buffer_get_size(GST_PAD_PROBE_INFO_BUFFER(info)));
	atomic_store(&r->last_out_us, g_get_monotonic_time());
	return GST_PAD_PROBE_OK;
}

/* The branch's description for the URL and codecs, or NULL with r->error. */
static char *describe(ecc_restream *r, const char *vcodec, bool sound)
{
	bool srt = g_str_has_prefix(r->url, "srt://");
	char *loc, *d;

	if (!srt && strcmp(vcodec, "h264") != 0) {
		g_strlcpy(r->error,
		          "RTMP (FLV) carries H.264 only; push this H.265 stream over SRT",
		          sizeof(r->error));
		return NULL;
	}
	loc = g_strescape(r->url, NULL);
	if (srt)
		/* MPEG-TS wants byte-stream video and ADTS sound; 7 TS packets a
		 * datagram (DESIGN.md) */
		d = g_strdup_printf(
		    "mpegtsmux name=m alignment=7 ! srtsink name=out uri=\"%s\" "
		    "wait-for-connection=false async=false sync=false "
		    "queue name=v max-size-time=2000000000 max-size-buffers=0 max-size-bytes=0 ! "
		    "%sparse config-interval=-1 ! video/x-%s,stream-format=byte-stream ! m. %s",
		    loc, vcodec, vcodec,
		    sound ? "queue name=a max-size-time=2000000000 max-size-buffers=0 "
		            "max-size-bytes=0 ! aacparse ! audio/mpeg,stream-format=adts ! m."
		          : "");
	else
		d = g_strdup_printf("flvmux name=m streamable=true ! rtmp2sink name=out "
		                    "location=\"%s\" async=false sync=false "
		                    "queue name=v max-size-time=2000000000 max-size-buffers=0 "
		                    "max-size-bytes=0 ! m.video %s",
		                    loc,
		                    sound ? "queue name=a max-size-time=2000000000 "
		                            "max-size-buffers=0 max-size-bytes=0 ! m.audio"
		                          : "");
	g_free(loc);
	return d;
}

static GstPad *input(ecc_restream *r, const char *queue, const char *name, GstPadProbeCallback gate)
{
	GstElement *q = gst_bin_get_by_name(GST_BIN(r->bin), queue);
	GstPad *sink = gst_element_get_static_pad(q, "sink");
	GstPad *in = gst_ghost_pad_new(name, sink);

	gst_object_unref(sink);
	gst_object_unref(q);
	if (gate)
		gst_pad_add_probe(in, GST_PAD_PROBE_TYPE_BUFFER, gate, r, NULL);
	gst_element_add_pad(r->bin, in);
	ecc_branch_guard(r->bin, in);
	return in;
}

void ecc_restream_run(ecc_restream *r, GstBin *pipeline, GstElement *vtee, const char *vcodec,
                      GstElement *atee)
{
	GError *err = NULL;
	GstElement *out;
	GstPad *pad;
	char *desc;

	if (r->bin || r->refused || !vtee || (r->retry_at && ecc_mono_ms() < r->retry_at))
		return;
	desc = describe(r, vcodec, atee != NULL);
	if (!desc) {
		r->refused = true;
		g_warning("stream=%s: restream to %s refused: %s", r->stream, r->shown, r->error);
		return;
	}
	r->bin = gst_parse_bin_from_description(desc, FALSE, &err);
	g_free(desc);
	if (!r->bin) {
		g_strlcpy(r->error, err ? err->message : "cannot build the push", sizeof(r->error));
		g_clear_error(&err);
		r->retry_at = ecc_mono_ms() + r->retry_ms;
		return;
	}
	r->pipeline = pipeline;
	atomic_store(&r->last_out_us, 0);
	r->vin = input(r, "v", "video", NULL);
	ecc_branch_from_keyframe(r->vin, &r->keyframe_seen);
	r->ain = atee ? input(r, "a", "audio", audio_gate) : NULL;
	out = gst_bin_get_by_name(GST_BIN(r->bin), "out");
	pad = gst_element_get_static_pad(out, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, count_out, r, NULL);
	gst_object_unref(pad);
	gst_object_unref(out);
	gst_bin_add(pipeline, r->bin);
	gst_element_sync_state_with_parent(r->bin);
	r->vtee_pad = ecc_tee_link(vtee, r->vin);
	if (atee)
		r->atee_pad = ecc_tee_link(atee, r->ain);
	ecc_branch_ask_keyframe(r->vin);
	g_message("stream=%s: pushing to %s%s", r->stream, r->shown, r->retries ? " (again)" : "");
}

static void drop_branch(ecc_restream *r)
{
	if (!r->bin)
		return;
	ecc_tee_drop(&r->vtee_pad, r->vin);
	ecc_tee_drop(&r->atee_pad, r->ain);
	ecc_branch_remove(r->pipeline, r->bin);
	r->bin = NULL;
	r->vin = r->ain = NULL;
	r->pipeline = NULL;
}

void ecc_restream_detach(ecc_restream *r)
{
	if (r->bin)
		r->retry_at = 0; /* a new pipeline pushes at once */
	drop_branch(r);
}

bool ecc_restream_on_error(ecc_restream *r, GstObject *src, const char *why)
{
	if (!r->bin || !gst_object_has_as_ancestor(src, GST_OBJECT(r->bin)))
		return false;
	g_strlcpy(r->error, why ? why : "error", sizeof(r->error));
	g_warning("stream=%s: push to %s failed: %s; again in %u ms", r->stream, r->shown, r->error,
	          r->retry_ms);
	drop_branch(r);
	r->retries++;
	r->retry_at = ecc_mono_ms() + r->retry_ms;
	r->retry_ms = MIN(r->retry_ms * 2, RETRY_MAX_MS);
	return true;
}

cJSON *ecc_restream_json(ecc_restream *r)
{
	cJSON *o = cJSON_CreateObject();
	gint64 now = g_get_monotonic_time(), last = atomic_load(&r->last_out_us);
	uint64_t bytes = atomic_load(&r->bytes);
	const char *state = r->refused                               ? "refused"
	                    : !r->bin                                ? "retrying"
	                    : last && now - last < PUSHING_MS * 1000 ? "pushing"
	                                                             : "connecting";
	double kbps = 0;

	if (r->prev_at && now > r->prev_at)
		kbps = (double)(bytes - r->prev_bytes) * 8.0 * 1000.0 / (double)(now - r->prev_at);
	r->prev_bytes = bytes;
	r->prev_at = now;
	if (!strcmp(state, "pushing"))
		r->retry_ms = RETRY_FIRST_MS; /* it works again: the next drop retries soon */
	cJSON_AddStringToObject(o, "url", r->shown);
	cJSON_AddStringToObject(o, "state", state);
	if (r->error[0] && strcmp(state, "pushing") != 0)
		cJSON_AddStringToObject(o, "error", r->error);
	cJSON_AddNumberToObject(o, "retries", r->retries);
	cJSON_AddNumberToObject(o, "kbps", kbps);
	return o;
}

void ecc_restream_free(ecc_restream *r)
{
	if (!r)
		return;
	drop_branch(r);
	g_free(r->stream);
	g_free(r->url);
	g_free(r->shown);
	g_free(r);
}
