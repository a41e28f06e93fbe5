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
