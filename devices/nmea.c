/* nmea: NMEA 0183 sentence builders (pure functions). */
#define G_LOG_DOMAIN "ecc-nmea"

#include "nmea.h"

#include <glib.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define KNOTS_PER_MS 1.943844492
#define KMH_PER_MS   3.6

unsigned ecc_nmea_checksum(const char *s, size_t len)
{
	unsigned x = 0;

	for (size_t i = 0; i < len; i++)
		x ^= (unsigned char)s[i];
	return x;
}

/* Formats "$" fmt "*HH\r\n" into buf. */
static int sentence(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int sentence(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	if (size < 2)
		return -1;
	buf[0] = '$';
	va_start(ap, fmt);
	n = vsnprintf(buf + 1, size - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 >= size)
		return -1;
	m = snprintf(buf + 1 + n, size - 1 - (size_t)n, "*%02X\r\n",
	             ecc_nmea_checksum(buf + 1, (size_t)n));
	if (m < 0 || (size_t)(1 + n + m) >= size)
		return -1;
	return 1 + n + m;
}

/* hhmmss.ss and ddmmyy of a UTC ms time; false when out of range. */
static bool utc_fields(int64_t ts, char *hms, size_t hsize, char *dmy, size_t dsize)
{
	time_t secs;
	struct tm tm;

	if (ts <= 0)
		return false;
	secs = (time_t)(ts / 1000);
	if (!gmtime_r(&secs, &tm))
		return false;
	snprintf(hms, hsize, "%02d%02d%02d.%02d", tm.tm_hour, tm.tm_min, tm.tm_sec,
	         (int)(ts % 1000) / 10);
	snprintf(dmy, dsize, "%02d%02d%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year % 100);
	return true;
}

/* ddmm.mmmmm (or dddmm.mmmmm) and its hemisphere letter. */
static void coord(char *out, size_t size, double v, int degdigits, char pos, char neg, char *hemi)
{
	long long t = llround(fabs(v) * 60.0 * 100000.0); /* units of 1e-5 minute */
	long long deg = t / 6000000, min = t % 6000000;

	snprintf(out, size, "%0*lld%02lld.%05lld", degdigits, deg, min / 100000, min % 100000);
	*hemi = v < 0 ? neg : pos;
}

static bool usable(const struct ecc_position *p)
{
	return p->ts > 0 && isfinite(p->lat) && isfinite(p->lon) && fabs(p->lat) <= 90 &&
	       fabs(p->lon) <= 180;
}

static void opt(char *out, size_t size, double v, double scale, int decimals)
{
	if (isfinite(v))
		snprintf(out, size, "%.*f", decimals, v * scale);
	else
		out[0] = '\0';
}

int ecc_nmea_rmc(char *buf, size_t size, const struct ecc_position *p)
{
	char hms[32], dmy[32], lat[32], lon[32], kn[16], crs[16], ns, ew;

	if (!usable(p) || !utc_fields(p->ts, hms, sizeof(hms), dmy, sizeof(dmy)))
		return -1;
	coord(lat, sizeof(lat), p->lat, 2, 'N', 'S', &ns);
	coord(lon, sizeof(lon), p->lon, 3, 'E', 'W', &ew);
	opt(kn, sizeof(kn), p->speed, KNOTS_PER_MS, 2);
	opt(crs, sizeof(crs), p->heading, 1.0, 1);
	return sentence(buf, size, "GPRMC,%s,A,%s,%c,%s,%c,%s,%s,%s,,,A", hms, lat, ns, lon, ew, kn,
	                crs, dmy);
}

int ecc_nmea_gga(char *buf, size_t size, const struct ecc_position *p, int sats, double hdop)
{
	char hms[32], dmy[32], lat[32], lon[32], alt[16], ns, ew;

	if (!usable(p) || !utc_fields(p->ts, hms, sizeof(hms), dmy, sizeof(dmy)))
		return -1;
	coord(lat, sizeof(lat), p->lat, 2, 'N', 'S', &ns);
	coord(lon, sizeof(lon), p->lon, 3, 'E', 'W', &ew);
	opt(alt, sizeof(alt), p->alt, 1.0, 1);
	/* geoid separation left empty: gpsd then uses its own model */
	return sentence(buf, size, "GPGGA,%s,%s,%c,%s,%c,1,%02d,%.1f,%s,M,,M,,", hms, lat, ns, lon,
	                ew, sats, hdop, alt);
}

int ecc_nmea_gsa(char *buf, size_t size, int sats, double pdop, double hdop, double vdop)
{
	static const int prn[12] = {2, 5, 6, 9, 12, 13, 17, 19, 20, 25, 28, 29};
	char ids[64];
	int n = 0;

	for (int i = 0; i < 12; i++) {
		if (i < sats)
			n += snprintf(ids + n, sizeof(ids) - (size_t)n, "%02d,", prn[i]);
		else
			n += snprintf(ids + n, sizeof(ids) - (size_t)n, ",");
	}
	return sentence(buf, size, "GPGSA,A,3,%s%.1f,%.1f,%.1f", ids, pdop, hdop, vdop);
}

int ecc_nmea_vtg(char *buf, size_t size, const struct ecc_position *p)
{
	char crs[16], kn[16], kmh[16];

	opt(crs, sizeof(crs), p->heading, 1.0, 1);
	opt(kn, sizeof(kn), p->speed, KNOTS_PER_MS, 2);
	opt(kmh, sizeof(kmh), p->speed, KMH_PER_MS, 2);
	return sentence(buf, size, "GPVTG,%s,T,,M,%s,N,%s,K,A", crs, kn, kmh);
}

int ecc_nmea_epoch(char *buf, size_t size, const struct ecc_position *p)
{
	/* a receiver with ~5 m accuracy in town sees about 8 satellites, HDOP ~1 */
	double hdop = isfinite(p->acc) ? CLAMP(p->acc / 4.0, 0.6, 9.9) : 1.0;
	int sats = CLAMP((int)lround(12 - 2 * hdop), 4, 12);
	int total = 0, n;

	if (size < 4 * ECC_NMEA_MAX)
		return -1;
	n = ecc_nmea_rmc(buf, size, p);
	if (n < 0)
		return -1;
	total += n;
	n = ecc_nmea_gga(buf + total, size - (size_t)total, p, sats, hdop);
	if (n < 0)
		return -1;
	total += n;
	n = ecc_nmea_gsa(buf + total, size - (size_t)total, sats, hdop * 1.6, hdop, hdop * 1.3);
	if (n < 0)
		return -1;
	total += n;
	n = ecc_nmea_vtg(buf + total, size - (size_t)total, p);
	if (n < 0)
		return -1;
	return total + n;
}
