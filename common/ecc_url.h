/*
 * ecc_url: media URLs as people may see them.
 *
 * Why: a destination or camera URL carries secrets (user:password@, an
 * RTMP stream key in the path, an SRT passphrase in the query). Logs, the
 * audit log and the API show "scheme://host:port/…" instead.
 */
#ifndef ECC_URL_H
#define ECC_URL_H

#include <stdbool.h>

/* "scheme://host[:port]/…" of url (caller g_free), "?" when it has no
 * scheme. */
char *ecc_url_redacted(const char *url);

/* url with its secrets masked but its place kept, for lists people read:
 * a password in user:password@ and the values of query parameters that
 * carry secrets (passphrase, key, password, pass, pwd, token, secret,
 * streamkey) become "***" (caller g_free). */
char *ecc_url_masked(const char *url);

/* url is a live-push destination the gateway can send to: rtmp://,
 * rtmps:// or srt:// with a host. */
bool ecc_url_push_ok(const char *url);

#endif
