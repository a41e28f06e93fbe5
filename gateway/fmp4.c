/* fmp4: a fallback live view's fragmented MP4, in whole boxes. */
#define G_LOG_DOMAIN "ecc-gw-fmp4"

#include "fmp4.h"

#include <gst/app/gstappsink.h>
#include <string.h>

/* A box larger than this is not a frame of live video: the stream is cut
 * (the view ends at the next key frame's request, see viewer.c). */
#define BOX_MAX (64u << 20)

struct ecc_fmp4 {
	ecc_fmp4_fn fn;
	void *user;
	GByteArray *acc; /* bytes not yet handed on */
	gsize pos;       /* start of the first box in acc not yet complete */
	bool broken;     /* a box header made no sense: nothing more is sent */
};

static guint32 be32(const guint8 *p)
{
	return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

void ecc_fmp4_feed(ecc_fmp4 *f, const guint8 *data, gsize len)
{
	if (f->broken)
		return;
	g_byte_array_append(f->acc, data, (guint)len);
	while (f->acc->len - f->pos >= 8) {
		const guint8 *h = f->acc->data + f->pos;
		guint64 size = be32(h);
		bool last;

		if (size == 1) { /* a 64-bit size follows the type */
			if (f->acc->len - f->pos < 16)
				return;
			size = (guint64)be32(h + 8) << 32 | be32(h + 12);
		}
		if (size < 8 || size > BOX_MAX) {
			g_warning("fmp4: a box of %" G_GUINT64_FORMAT " bytes ('%.4s'): stream cut",
			          size, (const char *)h + 4);
			f->broken = true;
			return;
		}
		if (f->acc->len - f->pos < size)
			return; /* the rest of this box comes in the next buffers */
		last = !memcmp(h + 4, "moov", 4) || !memcmp(h + 4, "mdat", 4);
		f->pos += (gsize)size;
		if (last) {
			f->fn(f->user, g_bytes_new(f->acc->data, f->pos));
			g_byte_array_remove_range(f->acc, 0, (guint)f->pos);
			f->pos = 0;
		}
	}
}

static GstFlowReturn on_sample(GstAppSink *sink, gpointer data)
{
	ecc_fmp4 *f = data;
	GstSample *s = gst_app_sink_pull_sample(sink);
	GstBuffer *b = s ? gst_sample_get_buffer(s) : NULL;
	GstMapInfo map;

	if (b && gst_buffer_map(b, &map, GST_MAP_READ)) {
		ecc_fmp4_feed(f, map.data, map.size);
		gst_buffer_unmap(b, &map);
	}
	if (s)
		gst_sample_unref(s);
	return GST_FLOW_OK;
}

ecc_fmp4 *ecc_fmp4_new_walker(ecc_fmp4_fn fn, void *user)
{
	ecc_fmp4 *f = g_new0(ecc_fmp4, 1);

	f->fn = fn;
	f->user = user;
	f->acc = g_byte_array_new();
	return f;
}

ecc_fmp4 *ecc_fmp4_new(GstBin *bin, bool with_audio, GstPad **video, GstPad **audio, ecc_fmp4_fn fn,
                       void *user)
{
	GstElement *mux = gst_element_factory_make("mp4mux", NULL);
	GstElement *sink = gst_element_factory_make("appsink", NULL);
	GstAppSinkCallbacks cb = {.new_sample = on_sample};
	ecc_fmp4 *f;

	*video = NULL;
	if (audio)
		*audio = NULL;
	if (!mux || !sink) {
		g_warning("fmp4: no mp4mux or appsink");
		if (mux)
			gst_object_unref(mux);
		if (sink)
			gst_object_unref(sink);
		return NULL;
	}
	f = ecc_fmp4_new_walker(fn, user);
	/* one frame a fragment, moov first (nothing is ever rewritten) */
	g_object_set(mux, "fragment-duration", 1, "streamable", TRUE, NULL);
	/* live: the muxer never blocks the stream, the sink never waits on the clock */
	g_object_set(sink, "sync", FALSE, "async", FALSE, "emit-signals", FALSE, "max-buffers", 0,
	             NULL);
	gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, f, NULL);
	gst_bin_add_many(bin, mux, sink, NULL);
	gst_element_link(mux, sink);
	*video = gst_element_request_pad_simple(mux, "video_%u");
	if (with_audio && audio)
		*audio = gst_element_request_pad_simple(mux, "audio_%u");
	return f;
}

void ecc_fmp4_free(ecc_fmp4 *f)
{
	if (!f)
		return;
	g_byte_array_unref(f->acc);
	g_free(f);
}
