/* ecc_url: what people see of media URLs. */
#include "ecc_url.h"

#include <glib.h>

static void check_masked(const char *in, const char *want)
{
	char *got = ecc_url_masked(in);

	g_assert_cmpstr(got, ==, want);
	g_free(got);
}

static void test_masked(void)
{
	/* a camera's password goes, its user, host, port and path stay */
	check_masked("rtsp://cam:S3cret-9@127.0.0.1:8554/bc-tcp",
	             "rtsp://cam:***@127.0.0.1:8554/bc-tcp");
	check_masked("rtsp://admin@10.0.0.5/stream1", "rtsp://admin@10.0.0.5/stream1");
	check_masked("rtsp://10.0.0.5:554/live", "rtsp://10.0.0.5:554/live");
	/* an @ in the path is not userinfo */
	check_masked("rtmp://h/live/a@b", "rtmp://h/live/a@b");
	/* secret query values go, others stay, order kept */
	check_masked("srt://127.0.0.1:9000?mode=listener&passphrase=abcdefghij&latency=200",
	             "srt://127.0.0.1:9000?mode=listener&passphrase=***&latency=200");
	check_masked("rtmp://u:p@h:1935/app/s?token=xyz", "rtmp://u:***@h:1935/app/s?token=***");
	check_masked("srt://h:1?PASSPHRASE=x", "srt://h:1?PASSPHRASE=***");
	check_masked("srt://h:1?mode=caller", "srt://h:1?mode=caller");
	check_masked("not a url", "not a url");
	check_masked("rtsp://u:p@h", "rtsp://u:***@h");
}

static void test_redacted(void)
{
	char *r = ecc_url_redacted("rtmp://live.example.com/app/KEY123");

	g_assert_cmpstr(r, ==, "rtmp://live.example.com/…");
	g_free(r);
	r = ecc_url_redacted("rtsp://u:p@h:554/x?y");
	g_assert_cmpstr(r, ==, "rtsp://h:554/…");
	g_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/url/masked", test_masked);
	g_test_add_func("/url/redacted", test_redacted);
	return g_test_run();
}
