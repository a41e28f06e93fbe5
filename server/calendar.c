/* calendar: holiday files, working days, dates in Asia/Shanghai. */
#define G_LOG_DOMAIN "ecc-calendar"

#include "calendar.h"
#include "ecc_err.h"
#include "ecc_json.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CAL_FILE_MAX (256 * 1024)

enum day_kind { DAY_DEFAULT = 0, DAY_HOLIDAY, DAY_WORKDAY };

struct cal_year {
	int year;
	uint32_t jan1; /* Julian day of 1 January */
	char *source;
	char *text; /* the file as read, for the fingerprint */
	uint8_t kind[366];
	const char *holiday[366]; /* names, owned by names */
	GPtrArray *names;
};

struct ecc_calendar {
	GHashTable *years; /* GINT_TO_POINTER(year) -> struct cal_year* */
	char fingerprint[65];
};

static void why_set(char *why, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void why_set(char *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, ECC_CALENDAR_WHY, fmt, ap);
	va_end(ap);
}

/* ---- dates -------------------------------------------------------------- */

int ecc_date_parse(const char *s, uint32_t *day)
{
	unsigned y, m, d;
	char tail;
	GDate g;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
		return ECC_ERR_INVAL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
			return ECC_ERR_INVAL;
	if (y < 1900 || y > 9999 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return ECC_ERR_INVAL;
	g_date_clear(&g, 1);
	g_date_set_dmy(&g, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	*day = g_date_get_julian(&g);
	return ECC_OK;
}

static void to_gdate(uint32_t day, GDate *g)
{
	g_date_clear(g, 1);
	g_date_set_julian(g, day);
}

char *ecc_date_format(uint32_t day, char buf[ECC_DATE_LEN])
{
	GDate g;

	if (!g_date_valid_julian(day)) {
		g_strlcpy(buf, "0000-00-00", ECC_DATE_LEN);
		return buf;
	}
	to_gdate(day, &g);
	g_snprintf(buf, ECC_DATE_LEN, "%04u-%02u-%02u", (unsigned)g_date_get_year(&g),
	           (unsigned)g_date_get_month(&g), (unsigned)g_date_get_day(&g));
	return buf;
}

int ecc_date_year(uint32_t day)
{
	GDate g;

	to_gdate(day, &g);
	return g_date_get_year(&g);
}

static uint32_t weekday(uint32_t day) /* 1 Monday .. 7 Sunday */
{
	/* Julian day 1 (0001-01-01) was a Monday. */
	return (day - 1) % 7 + 1;
}

uint32_t ecc_date_of_ms(int64_t ms)
{
	/* Asia/Shanghai has been UTC+8 without daylight saving since 1991. */
	int64_t days = (ms + 8 * 3600 * 1000LL) / 86400000LL;
	GDate g;

	g_date_clear(&g, 1);
	g_date_set_dmy(&g, 1, G_DATE_JANUARY, 1970);
	return g_date_get_julian(&g) + (uint32_t)days;
}

uint32_t ecc_date_today(void)
{
	return ecc_date_of_ms(g_get_real_time() / 1000);
}

/* ---- loading ------------------------------------------------------------ */

static void year_free(gpointer p)
{
	struct cal_year *y = p;

	g_free(y->source);
	g_free(y->text);
	g_ptr_array_unref(y->names);
	g_free(y);
}

ecc_calendar *ecc_calendar_new(void)
{
	ecc_calendar *c = g_new0(ecc_calendar, 1);

	c->years = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, year_free);
	g_strlcpy(c->fingerprint, "empty", sizeof(c->fingerprint));
	return c;
}

void ecc_calendar_free(ecc_calendar *c)
{
	if (!c)
		return;
	g_hash_table_destroy(c->years);
	g_free(c);
}

static gint by_year(gconstpointer a, gconstpointer b)
{
	const struct cal_year *x = *(struct cal_year *const *)a, *y = *(struct cal_year *const *)b;

	return x->year - y->year;
}

static GPtrArray *sorted_years(const ecc_calendar *c)
{
	GPtrArray *arr = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, c->years);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_add(arr, v);
	g_ptr_array_sort(arr, by_year);
	return arr;
}

static void update_fingerprint(ecc_calendar *c)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	GPtrArray *ys = sorted_years(c);

	for (guint i = 0; i < ys->len; i++) {
		const struct cal_year *y = g_ptr_array_index(ys, i);
		g_checksum_update(sum, (const guchar *)y->text, (gssize)strlen(y->text) + 1);
	}
	g_strlcpy(c->fingerprint, ys->len ? g_checksum_get_string(sum) : "empty",
	          sizeof(c->fingerprint));
	g_ptr_array_unref(ys);
	g_checksum_free(sum);
}

/* A date of the file's own year, as an index into its days. */
static int day_in_year(const struct cal_year *y, const char *s, const char *name, const char *what,
                       char *why)
{
	uint32_t day;

	if (!s || ecc_date_parse(s, &day) != ECC_OK) {
		why_set(why, "%s: %s: \"%s\" is not a date (YYYY-MM-DD)", name, what, s ? s : "");
		return -1;
	}
	if (ecc_date_year(day) != y->year) {
		why_set(why, "%s: %s: %s is not in %d", name, what, s, y->year);
		return -1;
	}
	return (int)(day - y->jan1);
}

static int parse_holidays(struct cal_year *y, const cJSON *arr, const char *name, char *why)
{
	const cJSON *h;

	if (!cJSON_IsArray(arr)) {
		why_set(why, "%s: \"holidays\" must be an array", name);
		return ECC_ERR_INVAL;
	}
	cJSON_ArrayForEach(h, arr)
	{
		const char *hn = NULL, *from = NULL, *to = NULL;
		int a, b;
		char *owned;

		if (ecc_json_get_string(h, "name", &hn) != ECC_OK ||
		    ecc_json_get_string(h, "from", &from) != ECC_OK ||
		    ecc_json_get_string(h, "to", &to) != ECC_OK) {
			why_set(why, "%s: each holiday needs \"name\", \"from\" and \"to\"", name);
			return ECC_ERR_INVAL;
		}
		if ((a = day_in_year(y, from, name, hn, why)) < 0 ||
		    (b = day_in_year(y, to, name, hn, why)) < 0)
			return ECC_ERR_INVAL;
		if (b < a || b - a > 15) {
			why_set(why, "%s: %s: %s..%s is not a holiday span", name, hn, from, to);
			return ECC_ERR_INVAL;
		}
		owned = g_strdup(hn);
		g_ptr_array_add(y->names, owned);
		for (int i = a; i <= b; i++) {
			if (y->kind[i] != DAY_DEFAULT) {
				why_set(why, "%s: %s overlaps another holiday", name, hn);
				return ECC_ERR_INVAL;
			}
			y->kind[i] = DAY_HOLIDAY;
			y->holiday[i] = owned;
		}
	}
	return ECC_OK;
}

static int parse_workdays(struct cal_year *y, const cJSON *arr, const char *name, char *why)
{
	const cJSON *w;

	if (!cJSON_IsArray(arr)) {
		why_set(why, "%s: \"workdays\" must be an array", name);
		return ECC_ERR_INVAL;
	}
	cJSON_ArrayForEach(w, arr)
	{
		int i = day_in_year(y, cJSON_GetStringValue(w), name, "workdays", why);

		if (i < 0)
			return ECC_ERR_INVAL;
		/* An adjusted working day is a Saturday or Sunday by definition;
		 * anything else is a typo in the file. */
		if (weekday(y->jan1 + (uint32_t)i) < 6 || y->kind[i] != DAY_DEFAULT) {
			why_set(why, "%s: workday %s is not a weekend day outside the holidays",
			        name, cJSON_GetStringValue(w));
			return ECC_ERR_INVAL;
		}
		y->kind[i] = DAY_WORKDAY;
	}
	return ECC_OK;
}

int ecc_calendar_add_json(ecc_calendar *c, const char *text, size_t len, const char *name,
                          char why[ECC_CALENDAR_WHY])
{
	cJSON *root = NULL;
	struct cal_year *y;
	int64_t year = 0;
	const char *source = "";
	char jan1[ECC_DATE_LEN];
	int rc;

	if (ecc_json_parse_object(text, len, CAL_FILE_MAX, &root) != ECC_OK) {
		why_set(why, "%s: not a JSON object", name);
		return ECC_ERR_INVAL;
	}
	if (ecc_json_get_int64(root, "year", &year) != ECC_OK || year < 1991 || year > 9999) {
		why_set(why, "%s: \"year\" must be a year", name);
		cJSON_Delete(root);
		return ECC_ERR_INVAL;
	}
	if (g_hash_table_contains(c->years, GINT_TO_POINTER((int)year))) {
		why_set(why, "%s: %d is given twice", name, (int)year);
		cJSON_Delete(root);
		return ECC_ERR_INVAL;
	}
	ecc_json_get_string(root, "source", &source);
	y = g_new0(struct cal_year, 1);
	y->year = (int)year;
	y->names = g_ptr_array_new_with_free_func(g_free);
	y->source = g_strdup(source);
	y->text = g_strndup(text, len);
	g_snprintf(jan1, sizeof(jan1), "%04d-01-01", y->year);
	ecc_date_parse(jan1, &y->jan1);
	rc = parse_holidays(y, cJSON_GetObjectItemCaseSensitive(root, "holidays"), name, why);
	if (rc == ECC_OK)
		rc = parse_workdays(y, cJSON_GetObjectItemCaseSensitive(root, "workdays"), name,
		                    why);
	cJSON_Delete(root);
	if (rc != ECC_OK) {
		year_free(y);
		return rc;
	}
	g_hash_table_insert(c->years, GINT_TO_POINTER(y->year), y);
	update_fingerprint(c);
	return ECC_OK;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ecc_calendar_load(const char *dir, ecc_calendar **out, char why[ECC_CALENDAR_WHY])
{
	GError *err = NULL;
	GDir *d = g_dir_open(dir, 0, &err);
	GPtrArray *files;
	ecc_calendar *c;
	const char *n;
	int rc = ECC_OK;

	*out = NULL;
	if (!d) {
		why_set(why, "calendar folder %s: %s", dir, err->message);
		g_error_free(err);
		return ECC_ERR_IO;
	}
	files = g_ptr_array_new_with_free_func(g_free);
	while ((n = g_dir_read_name(d)))
		if (strlen(n) == 9 && g_str_has_suffix(n, ".json") && g_ascii_isdigit(n[0]) &&
		    g_ascii_isdigit(n[1]) && g_ascii_isdigit(n[2]) && g_ascii_isdigit(n[3]))
			g_ptr_array_add(files, g_strdup(n));
	g_dir_close(d);
	g_ptr_array_sort(files, by_name);
	c = ecc_calendar_new();
	for (guint i = 0; i < files->len && rc == ECC_OK; i++) {
		const char *fn = g_ptr_array_index(files, i);
		char *path = g_build_filename(dir, fn, NULL), *text = NULL;
		gsize len = 0;

		if (!g_file_get_contents(path, &text, &len, &err)) {
			why_set(why, "%s: %s", path, err->message);
			g_clear_error(&err);
			rc = ECC_ERR_IO;
		} else {
			rc = ecc_calendar_add_json(c, text, len, fn, why);
			if (rc == ECC_OK &&
			    !ecc_calendar_has_year(c, (int)g_ascii_strtoll(fn, NULL, 10))) {
				why_set(why, "%s: the file's name and its \"year\" differ", fn);
				rc = ECC_ERR_INVAL;
			}
		}
		g_free(text);
		g_free(path);
	}
	g_ptr_array_unref(files);
	if (rc != ECC_OK) {
		ecc_calendar_free(c);
		return rc;
	}
	*out = c;
	return ECC_OK;
}

/* ---- working days ------------------------------------------------------- */

static const struct cal_year *year_of(const ecc_calendar *c, uint32_t day, int *idx)
{
	const struct cal_year *y =
	    g_hash_table_lookup(c->years, GINT_TO_POINTER(ecc_date_year(day)));

	if (y)
		*idx = (int)(day - y->jan1);
	return y;
}

bool ecc_calendar_has_year(const ecc_calendar *c, int year)
{
	return g_hash_table_contains(c->years, GINT_TO_POINTER(year));
}

bool ecc_calendar_is_workday(const ecc_calendar *c, uint32_t day, bool *known)
{
	int i = 0;
	const struct cal_year *y = year_of(c, day, &i);

	if (known)
		*known = y != NULL;
	if (y && y->kind[i] == DAY_HOLIDAY)
		return false;
	if (y && y->kind[i] == DAY_WORKDAY)
		return true;
	return weekday(day) < 6;
}

const char *ecc_calendar_holiday(const ecc_calendar *c, uint32_t day)
{
	int i = 0;
	const struct cal_year *y = year_of(c, day, &i);

	return y && y->kind[i] == DAY_HOLIDAY ? y->holiday[i] : NULL;
}

uint32_t ecc_calendar_add_workdays(const ecc_calendar *c, uint32_t from, int n, bool *provisional)
{
	uint32_t day = from;
	bool prov = false, known;

	while (n > 0) {
		day++;
		if (ecc_calendar_is_workday(c, day, &known))
			n--;
		prov |= !known;
	}
	if (provisional)
		*provisional = prov;
	return day;
}

uint32_t ecc_calendar_add_days(const ecc_calendar *c, uint32_t from, int n, bool *provisional)
{
	uint32_t day = from + (uint32_t)(n > 0 ? n : 0);
	bool prov = false, known;

	while (!ecc_calendar_is_workday(c, day, &known)) {
		prov |= !known;
		day++;
	}
	prov |= !known;
	if (provisional)
		*provisional = prov;
	return day;
}

int ecc_calendar_workdays_between(const ecc_calendar *c, uint32_t from, uint32_t to)
{
	int n = 0;

	for (uint32_t d = from + 1; d <= to; d++)
		n += ecc_calendar_is_workday(c, d, NULL);
	return n;
}

const char *ecc_calendar_fingerprint(const ecc_calendar *c)
{
	return c->fingerprint;
}

cJSON *ecc_calendar_json(const ecc_calendar *c)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "years");
	GPtrArray *ys = sorted_years(c);
	char buf[ECC_DATE_LEN];

	for (guint i = 0; i < ys->len; i++) {
		const struct cal_year *y = g_ptr_array_index(ys, i);
		cJSON *yo = cJSON_CreateObject(), *hol, *wd;

		cJSON_AddNumberToObject(yo, "year", y->year);
		cJSON_AddStringToObject(yo, "source", y->source);
		hol = cJSON_AddArrayToObject(yo, "holidays");
		wd = cJSON_AddArrayToObject(yo, "workdays");
		for (int d = 0; d < 366; d++) {
			if (y->kind[d] == DAY_HOLIDAY &&
			    (d == 0 || y->holiday[d - 1] != y->holiday[d])) {
				cJSON *h = cJSON_CreateObject();
				int e = d;
				while (e + 1 < 366 && y->holiday[e + 1] == y->holiday[d])
					e++;
				cJSON_AddStringToObject(h, "name", y->holiday[d]);
				cJSON_AddStringToObject(
				    h, "from", ecc_date_format(y->jan1 + (uint32_t)d, buf));
				cJSON_AddStringToObject(
				    h, "to", ecc_date_format(y->jan1 + (uint32_t)e, buf));
				cJSON_AddItemToArray(hol, h);
			} else if (y->kind[d] == DAY_WORKDAY) {
				cJSON_AddItemToArray(wd, cJSON_CreateString(ecc_date_format(
				                             y->jan1 + (uint32_t)d, buf)));
			}
		}
		cJSON_AddItemToArray(arr, yo);
	}
	g_ptr_array_unref(ys);
	cJSON_AddStringToObject(o, "fingerprint", c->fingerprint);
	return o;
}
