/* Unit tests: a phone's camera into the gateway (publish.c): webrtcbin
 * answers Chromium's offer (tests/fixtures/webrtc/chromium-publish-offer.sdp,
 * captured from Debian's Chromium publishing like publisher.js: H.264
 * first, sound sendrecv) with the picture received and the sound both
 * ways; the chain for its Opus (chain.c); candidates on the configured
 * addresses only (ice.c). */
#include "chain.h"
#include "ecc_err.h"
#include "ice.h"
#include "publish.h"
#include "testutil.h"

#include <gst/gst.h>
#include <string.h>

struct got {
	char *answer, *ended;
};

static void on_answer(void *user, const char *session, const char *sdp)
{
	struct got *g = user;

	g_assert_cmpstr(session, ==, "ptest");
	g->answer = g_strdup(sdp);
}

static void on_ice(void *user, const char *session, unsigned mline, const char *cand)
{
	(void)user;
	(void)session;
	(void)mline;
	(void)cand;
}

static void on_ended(void *user, const char *session, const char *why)
{
	struct got *g = user;

	(void)session;
	g->ended = g_strdup(why);
}

/* The m= section of sdp that starts with "m=<kind>" (caller frees). */
static char *section(const char *sdp, const char *kind)
{
	char *m = g_strdup_printf("m=%s ", kind);
	const char *a = strstr(sdp, m), *b;

	g_free(m);
	g_assert_nonnull(a);
	b = strstr(a + 2, "\nm=");
	return b ? g_strndup(a, (gsize)(b - a)) : g_strdup(a);
}

static void test_answer(void)
{
	struct ecc_gwconfig cfg;
	struct ecc_publisher_cb cb = {on_answer, on_ice, on_ended};
	struct got got = {0};
	char *offer = ecc_test_fixture("webrtc/chromium-publish-offer.sdp", NULL), *video, *audio;
	GstElement *pipeline = gst_pipeline_new(NULL);
	ecc_publisher *p;
	gint64 end;
	bool sound = false;

	ecc_gwconfig_init(&cfg);
	p = ecc_publisher_new(&cfg, "s1", ECC_PUBLISHER_CAMERA, &cb, &got);
	g_assert_nonnull(p);
	gst_bin_add(GST_BIN(pipeline), ecc_publisher_element(p));
	g_assert_true(ecc_publisher_talkback(p, GST_BIN(pipeline)));
	g_assert_cmpint(gst_element_set_state(pipeline, GST_STATE_PLAYING), !=,
	                GST_STATE_CHANGE_FAILURE);
	g_assert_cmpint(ecc_publisher_offer(p, "ptest", "not sdp", &sound), ==, ECC_ERR_INVAL);
	g_assert_null(ecc_publisher_session(p));
	g_assert_cmpint(ecc_publisher_offer(p, "ptest", offer, &sound), ==, ECC_OK);
	g_assert_true(sound);
	g_assert_cmpint(ecc_publisher_offer(p, "pother", offer, &sound), ==, ECC_ERR_EXISTS);
	g_assert_cmpint(
	    ecc_publisher_ice(p, "pother", 0, "candidate:1 1 udp 1 127.0.0.1 9 typ host"), ==,
	    ECC_ERR_NOTFOUND);
	g_assert_cmpint(ecc_publisher_ice(p, "ptest", 0, "not a candidate"), ==, ECC_ERR_INVAL);
	end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (!got.answer && !got.ended && g_get_monotonic_time() < end)
		if (!g_main_context_iteration(NULL, FALSE))
			g_usleep(10000);
	g_assert_null(got.ended);
	g_assert_nonnull(got.answer);
	/* the picture: received, H.264 with the offer's payload type */
	video = section(got.answer, "video");
	g_assert_nonnull(strstr(video, "a=recvonly"));
	g_assert_nonnull(strstr(video, "a=rtpmap:108 H264/90000"));
	/* the sound: both ways (the talk-back goes to the phone), Opus */
	audio = section(got.answer, "audio");
	g_assert_nonnull(strstr(audio, "a=sendrecv"));
	g_assert_nonnull(strstr(audio, "a=rtpmap:111 OPUS/48000/2"));
	g_free(video);
	g_free(audio);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);
	ecc_publisher_free(p);
	ecc_gwconfig_clear(&cfg);
	g_free(offer);
	g_free(got.answer);
	/* notes still queued for the main loop (candidates) */
	while (g_main_context_iteration(NULL, FALSE))
		;
}

static void test_chain(void)
{
	GstCaps *caps = gst_caps_from_string(
	    "application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111");
	const struct ecc_chain *c = ecc_chain_find(caps);

	g_assert_nonnull(c);
	g_assert_cmpstr(c->codec, ==, "opus");
	g_assert_false(c->video);
	gst_caps_unref(caps);
	caps = gst_caps_from_string("application/x-rtp,media=video,encoding-name=VP8");
	g_assert_null(ecc_chain_find(caps)); /* not used: the phone sends H.264 */
	gst_caps_unref(caps);
}

static void test_ice_allowed(void)
{
	struct ecc_gwconfig cfg;
	char *addrs[] = {"127.0.0.1", NULL};

	ecc_gwconfig_init(&cfg);
	g_assert_true(ecc_ice_allowed(&cfg, "candidate:1 1 UDP 2122 192.168.1.5 5000 typ host"));
	cfg.webrtc_addresses = addrs;
	g_assert_true(ecc_ice_allowed(&cfg, "candidate:1 1 UDP 2122 127.0.0.1 5000 typ host"));
	g_assert_false(ecc_ice_allowed(&cfg, "candidate:1 1 UDP 2122 192.168.1.5 5000 typ host"));
	g_assert_false(ecc_ice_allowed(&cfg, "candidate:garbage"));
	cfg.webrtc_addresses = NULL;
	ecc_gwconfig_clear(&cfg);
}

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/publish/answer", test_answer);
	g_test_add_func("/publish/chain", test_chain);
	g_test_add_func("/publish/ice_allowed", test_ice_allowed);
	return g_test_run();
}
