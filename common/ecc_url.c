/* ecc_url: redacted media URLs. */
#include "ecc_url.h"

#include <glib.h>
#include <string.h>

char *ecc_url_redacted(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL, *host, *end, *at;

	if (!p)
		return g_strdup("?");
	host = p + 3;
	end = host + strcspn(host, "/?");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	return g_strdup_printf("%.*s://%.*s/…", (int)(p - url), url, (int)(end - host), host);
}

static bool secret_key(const char *k, size_t n)
{
	static const char *const keys[] = {"passphrase", "key",       "password",
	                                   "pass",       "pwd",       "token",
	                                   "secret",     "streamkey", "streamid_key"};

	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strlen(keys[i]) == n && !g_ascii_strncasecmp(k, keys[i], n))
			return true;
	return false;
}

char *ecc_url_masked(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL, *host, *end, *at, *colon, *q;
	GString *s;

	if (!p)
		return g_strdup(url ? url : "");
	host = p + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	s = g_string_new_len(url, colon ? colon + 1 - url : end - url);
	if (colon)
		g_string_append(s, "***");
	if (colon)
		g_string_append_len(s, at, end - at);
	q = strchr(end, '?');
	g_string_append_len(s, end, q ? q - end : (gssize)strlen(end));
	while (q && *q) {
		const char *k = q + 1, *amp = k + strcspn(k, "&#"),
		           *eq = memchr(k, '=', (size_t)(amp - k));

		g_string_append_c(s, *q);
		if (eq && secret_key(k, (size_t)(eq - k))) {
			g_string_append_len(s, k, eq + 1 - k);
			g_string_append(s, "***");
		} else {
			g_string_append_len(s, k, amp - k);
		}
		q = *amp == '&' ? amp : NULL;
		if (!q && *amp)
			g_string_append(s, amp);
	}
	return g_string_free(s, FALSE);
}

bool ecc_url_push_ok(const char *url)
{
	const char *host;

	if (!url || strlen(url) > 1024 || strpbrk(url, " \"'\\\n\r\t"))
		return false;
	if (g_str_has_prefix(url, "rtmp://"))
		host = url + 7;
	else if (g_str_has_prefix(url, "rtmps://"))
		host = url + 8;
	else if (g_str_has_prefix(url, "srt://"))
		host = url + 6;
	else
		return false;
	return host[0] && host[0] != '/' && host[0] != ':';
}
