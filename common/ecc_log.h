/*
 * ecc_log: logging habits shared by every daemon.
 *
 * Each .c file defines G_LOG_DOMAIN "ecc-<module>" before including GLib, and
 * logs with g_message/g_warning/g_debug; G_MESSAGES_DEBUG selects what prints
 * (e.g. G_MESSAGES_DEBUG=ecc-telemetry). Lines about an object carry its id as
 * a structured field first: "unit=%s: ...", "stream=%s: ...".
 * Log an error once, where it is handled.
 */
#ifndef ECC_LOG_H
#define ECC_LOG_H

#include <glib.h>
#include <langinfo.h>
#include <locale.h>
#include <string.h>

/* Daemons log Chinese names: take the environment's locale, and UTF-8 when
 * it is plain C (GLib would print "?" for every non-ASCII character). */
static inline void ecc_locale_init(void)
{
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

/* Wall-clock now in UTC milliseconds (the unit of every time ECC stores). */
static inline gint64 ecc_now_ms(void)
{
	return g_get_real_time() / 1000;
}

/* Monotonic now in milliseconds, for timeouts and rates. */
static inline gint64 ecc_mono_ms(void)
{
	return g_get_monotonic_time() / 1000;
}

#endif
