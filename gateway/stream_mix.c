/* stream_mix: a stream in a room's mix (its tap), and a "mix:" stream's
 * source (the room's mix). */
#define G_LOG_DOMAIN "ecc-gw-stream"

#include "stream.h"
#include "stream_internal.h"

#include <string.h>

GstElement *ecc_stream__mix_source(ecc_stream *s)
{
	s->mix = ecc_roommix_new(s->id);
	return s->mix ? ecc_roommix_element(s->mix) : NULL;
}

void ecc_stream__mix_built(ecc_stream *s)
{
	if (!s->mix)
		return;
	ecc_roommix_expose(s->mix);
	if (s->mix_inputs)
		ecc_roommix_layout(s->mix, s->mix_inputs);
}

void ecc_stream__mix_attach(ecc_stream *s)
{
	if (s->mixed && !s->tap && s->pipeline && s->vtee)
		s->tap = ecc_mixtap_new(GST_BIN(s->pipeline), s->id, s->vtee, s->vcodec, s->atee,
		                        s->acodec, s->mix_label);
}

void ecc_stream__mix_teardown(ecc_stream *s)
{
	ecc_mixtap_free(s->tap);
	s->tap = NULL;
}

void ecc_stream__mix_free(ecc_stream *s)
{
	ecc_roommix_free(s->mix); /* after its pipeline stopped */
	s->mix = NULL;
}

bool ecc_stream__mix_owns(ecc_stream *s, GstObject *src)
{
	if (!ecc_mixtap_owns(s->tap, src))
		return false;
	/* the mix shows this one black; the stream and its recording go on */
	g_warning("stream=%s: out of the room's mix after an error", s->id);
	ecc_mixtap_free(s->tap);
	s->tap = NULL;
	return true;
}

void ecc_stream_set_mixed(ecc_stream *s, bool on, const char *label)
{
	if (g_strcmp0(s->mix_label, label) != 0) {
		g_free(s->mix_label);
		s->mix_label = g_strdup(label);
		if (s->tap)
			ecc_mixtap_label(s->tap, label);
	}
	if (s->mixed == on)
		return;
	s->mixed = on;
	if (!on) {
		ecc_stream__mix_teardown(s);
		g_message("stream=%s: out of the room's mix", s->id);
	} else if (atomic_load(&s->attached)) {
		ecc_stream__mix_attach(s);
	}
}

void ecc_stream_set_mix(ecc_stream *s, const cJSON *inputs)
{
	if (!g_str_has_prefix(s->url, "mix:") || !cJSON_IsArray(inputs))
		return;
	if (s->mix_inputs && cJSON_Compare(s->mix_inputs, inputs, true))
		return;
	cJSON_Delete(s->mix_inputs);
	s->mix_inputs = cJSON_Duplicate(inputs, true);
	if (s->mix)
		ecc_roommix_layout(s->mix, s->mix_inputs);
}
