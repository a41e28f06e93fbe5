/* Specifications of calendar: the shipped 2025 and 2026 holiday files, the
 * working-day deadlines they give (the filing day itself not counted, the
 * adjusted working weekends counted), and the provisional flag for a deadline
 * that reaches into a year without a file. */
#include "calendar.h"
#include "ecc_err.h"
#include "testutil.h"

#include <glib.h>
#include <string.h>

#ifndef ECC_CALENDAR_SRC
#error "ECC_CALENDAR_SRC must name data/calendar"
#endif

static ecc_calendar *shipped(void)
{
	ecc_calendar *c = NULL;
	char why[ECC_CALENDAR_WHY] = "";

	g_assert_cmpint(ecc_calendar_load(ECC_CALENDAR_SRC, &c, why), ==, ECC_OK);
	g_assert_nonnull(c);
	return c;
}

static uint32_t day(const char *s)
{
	uint32_t d = 0;

	g_assert_cmpint(ecc_date_parse(s, &d), ==, ECC_OK);
	return d;
}

/* Known deadlines, worked out by hand from the State Council's notices
 * (DOMAIN.md) and checked against an independent count. */
static const struct {
	const char *from;
	int n;
	const char *due;
	const char *why;
} workday_table[] = {
    {"2025-03-03", 3, "2025-03-06", "an ordinary week"},
    {"2025-03-07", 1, "2025-03-10", "a Friday filing: the weekend is skipped"},
    {"2025-02-01", 0, "2025-02-01", "0 working days: the same day (854 day 1)"},
    {"2025-01-24", 3, "2025-02-05", "Sunday 26 Jan worked, then Spring Festival 28 Jan-4 Feb"},
    {"2025-01-27", 1, "2025-02-05", "the day before Spring Festival"},
    {"2025-02-07", 1, "2025-02-08", "Saturday 8 Feb is an adjusted working day"},
    {"2025-04-25", 1, "2025-04-27", "Sunday 27 Apr is an adjusted working day"},
    {"2025-04-30", 1, "2025-05-06", "Labour Day 1-5 May"},
    {"2025-05-30", 1, "2025-06-03", "Dragon Boat 31 May-2 Jun"},
    {"2025-09-30", 1, "2025-10-09", "National Day 1-8 Oct"},
    {"2025-09-30", 3, "2025-10-11", "Saturday 11 Oct is an adjusted working day"},
    {"2025-10-03", 1, "2025-10-09", "filed on a holiday"},
    {"2025-12-31", 1, "2026-01-04", "New Year 1-3 Jan 2026, Sunday 4 Jan worked"},
    {"2025-12-29", 10, "2026-01-13", "ten working days across the new year"},
    {"2026-02-13", 1, "2026-02-14", "Saturday 14 Feb 2026 is an adjusted working day"},
    {"2026-02-13", 2, "2026-02-24", "Spring Festival 15-23 Feb 2026"},
    {"2026-02-13", 5, "2026-02-27", "the week after Spring Festival"},
    {"2026-02-13", 6, "2026-02-28", "Saturday 28 Feb 2026 is an adjusted working day"},
    {"2026-04-03", 1, "2026-04-07", "Qingming 4-6 Apr 2026"},
    {"2026-04-30", 1, "2026-05-06", "Labour Day 1-5 May 2026"},
    {"2026-05-08", 1, "2026-05-09", "Saturday 9 May 2026 is an adjusted working day"},
    {"2026-06-18", 1, "2026-06-22", "Dragon Boat 19-21 Jun 2026"},
    {"2026-09-18", 1, "2026-09-20", "Sunday 20 Sep 2026 is an adjusted working day"},
    {"2026-09-24", 1, "2026-09-28", "Mid-Autumn 25-27 Sep 2026"},
    {"2026-09-30", 1, "2026-10-08", "National Day 1-7 Oct 2026"},
    {"2026-09-30", 3, "2026-10-10", "Saturday 10 Oct 2026 is an adjusted working day"},
};

static void test_workday_table(void)
{
	ecc_calendar *c = shipped();
	char got[ECC_DATE_LEN];

	for (guint i = 0; i < G_N_ELEMENTS(workday_table); i++) {
		bool prov = true;
		uint32_t d = ecc_calendar_add_workdays(c, day(workday_table[i].from),
		                                       workday_table[i].n, &prov);
		g_test_message("%s + %d working days: %s (%s)", workday_table[i].from,
		               workday_table[i].n, ecc_date_format(d, got), workday_table[i].why);
		g_assert_cmpstr(got, ==, workday_table[i].due);
		g_assert_false(prov);
	}
	ecc_calendar_free(c);
}

static void test_calendar_days(void)
{
	static const struct {
		const char *from;
		int n;
		const char *due;
	} t[] = {
	    {"2025-03-03", 7, "2025-03-10"}, /* a Monday: plain */
	    {"2025-09-26", 7, "2025-10-09"}, /* ends on 3 Oct, a holiday: the next working day */
	    {"2026-02-10", 7, "2026-02-24"}, /* ends in Spring Festival 2026 */
	    {"2025-01-22", 4, "2025-01-26"}, /* ends on Sunday 26 Jan, a working day */
	};
	ecc_calendar *c = shipped();
	char got[ECC_DATE_LEN];

	for (guint i = 0; i < G_N_ELEMENTS(t); i++) {
		bool prov = true;
		ecc_date_format(ecc_calendar_add_days(c, day(t[i].from), t[i].n, &prov), got);
		g_assert_cmpstr(got, ==, t[i].due);
		g_assert_false(prov);
	}
	ecc_calendar_free(c);
}

static void test_shipped_days(void)
{
	static const char *const holidays[] = {
	    "2025-01-01", "2025-01-28", "2025-02-04", "2025-04-04", "2025-04-06",
	    "2025-05-01", "2025-05-05", "2025-05-31", "2025-06-02", "2025-10-01",
	    "2025-10-08", "2026-01-01", "2026-01-03", "2026-02-15", "2026-02-23",
	    "2026-04-04", "2026-04-06", "2026-05-01", "2026-05-05", "2026-06-19",
	    "2026-06-21", "2026-09-25", "2026-09-27", "2026-10-01", "2026-10-07"};
	static const char *const worked[] = {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28",
	                                     "2025-10-11", "2026-01-04", "2026-02-14", "2026-02-28",
	                                     "2026-05-09", "2026-09-20", "2026-10-10"};
	static const char *const ordinary[] = {"2025-10-09", "2026-10-08", "2026-02-24",
	                                       "2025-06-03"};
	ecc_calendar *c = shipped();
	bool known = false;

	g_assert_true(ecc_calendar_has_year(c, 2025));
	g_assert_true(ecc_calendar_has_year(c, 2026));
	g_assert_false(ecc_calendar_has_year(c, 2027));
	for (guint i = 0; i < G_N_ELEMENTS(holidays); i++) {
		g_test_message("holiday %s", holidays[i]);
		g_assert_false(ecc_calendar_is_workday(c, day(holidays[i]), &known));
		g_assert_true(known);
		g_assert_nonnull(ecc_calendar_holiday(c, day(holidays[i])));
	}
	for (guint i = 0; i < G_N_ELEMENTS(worked); i++)
		g_assert_true(ecc_calendar_is_workday(c, day(worked[i]), NULL));
	for (guint i = 0; i < G_N_ELEMENTS(ordinary); i++)
		g_assert_true(ecc_calendar_is_workday(c, day(ordinary[i]), NULL));
	g_assert_cmpstr(ecc_calendar_holiday(c, day("2025-01-30")), ==, "春节");
	/* 248 working days in each year: 2025 is 365 days less 104 weekend
	 * days and 18 holidays on weekdays, plus 5 adjusted working days; 2026
	 * less 104 and 19, plus 6. */
	g_assert_cmpint(ecc_calendar_workdays_between(c, day("2024-12-31"), day("2025-12-31")), ==,
	                248);
	g_assert_cmpint(ecc_calendar_workdays_between(c, day("2025-12-31"), day("2026-12-31")), ==,
	                248);
	ecc_calendar_free(c);
}

static void test_provisional(void)
{
	static const char y2027[] =
	    "{\"year\":2027,\"source\":\"test\",\"holidays\":[{\"name\":\"元旦\","
	    "\"from\":\"2027-01-01\",\"to\":\"2027-01-01\"}],\"workdays\":[]}";
	ecc_calendar *c = shipped();
	char got[ECC_DATE_LEN], why[ECC_CALENDAR_WHY] = "", fp[65];
	bool prov = false;

	/* Inside 2026: known. */
	ecc_date_format(ecc_calendar_add_workdays(c, day("2026-12-28"), 3, &prov), got);
	g_assert_cmpstr(got, ==, "2026-12-31");
	g_assert_false(prov);
	/* Reaches into 2027, which has no file: Monday to Friday, provisional. */
	ecc_date_format(ecc_calendar_add_workdays(c, day("2026-12-30"), 3, &prov), got);
	g_assert_cmpstr(got, ==, "2027-01-04");
	g_assert_true(prov);
	ecc_calendar_add_days(c, day("2026-12-28"), 7, &prov);
	g_assert_true(prov);
	/* The 2027 file arrives: the same deadline is recomputed and final. */
	g_strlcpy(fp, ecc_calendar_fingerprint(c), sizeof(fp));
	g_assert_cmpint(ecc_calendar_add_json(c, y2027, strlen(y2027), "2027.json", why), ==,
	                ECC_OK);
	g_assert_cmpstr(fp, !=, ecc_calendar_fingerprint(c));
	ecc_date_format(ecc_calendar_add_workdays(c, day("2026-12-30"), 3, &prov), got);
	g_assert_cmpstr(got, ==, "2027-01-05");
	g_assert_false(prov);
	ecc_calendar_free(c);
}

static void test_bad_files(void)
{
	static const struct {
		const char *json;
		const char *want;
	} t[] = {
	    {"{\"year\":2027,\"holidays\":[],\"workdays\":[\"2027-01-05\"]}", "not a weekend"},
	    {"{\"year\":2027,\"holidays\":[{\"name\":\"x\",\"from\":\"2026-12-31\",\"to\":"
	     "\"2027-01-01\"}],\"workdays\":[]}",
	     "not in 2027"},
	    {"{\"year\":2027,\"holidays\":[{\"name\":\"x\",\"from\":\"2027-02-30\",\"to\":"
	     "\"2027-03-01\"}],\"workdays\":[]}",
	     "not a date"},
	    {"{\"holidays\":[],\"workdays\":[]}", "\"year\""},
	    {"[1,2]", "not a JSON object"},
	    {"{\"year\":2025,\"holidays\":[],\"workdays\":[]}", "given twice"},
	};
	ecc_calendar *c = shipped();

	for (guint i = 0; i < G_N_ELEMENTS(t); i++) {
		char why[ECC_CALENDAR_WHY] = "";
		g_assert_cmpint(
		    ecc_calendar_add_json(c, t[i].json, strlen(t[i].json), "bad.json", why), ==,
		    ECC_ERR_INVAL);
		g_test_message("why: %s", why);
		g_assert_nonnull(strstr(why, t[i].want));
	}
	ecc_calendar_free(c);
}

static void test_folder(void)
{
	char *dir = ecc_test_tmpdir(), *p = g_build_filename(dir, "2028.json", NULL);
	char why[ECC_CALENDAR_WHY] = "";
	ecc_calendar *c = NULL;

	g_assert_cmpint(ecc_calendar_load(dir, &c, why), ==, ECC_OK);
	g_assert_false(ecc_calendar_has_year(c, 2025));
	ecc_calendar_free(c);
	g_assert_true(
	    g_file_set_contents(p, "{\"year\":2029,\"holidays\":[],\"workdays\":[]}", -1, NULL));
	g_assert_cmpint(ecc_calendar_load(dir, &c, why), ==, ECC_ERR_INVAL);
	g_assert_null(c);
	g_assert_nonnull(strstr(why, "2028.json"));
	g_assert_cmpint(ecc_calendar_load("/nonexistent/calendar", &c, why), ==, ECC_ERR_IO);
	ecc_test_rmtree(dir);
	g_free(p);
	g_free(dir);
}

static void test_dates(void)
{
	uint32_t d;
	char buf[ECC_DATE_LEN];

	g_assert_cmpint(ecc_date_parse("2025-02-29", &d), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_date_parse("2025-2-28", &d), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_date_parse("2025-02-28x", &d), ==, ECC_ERR_INVAL);
	g_assert_cmpint(ecc_date_parse("2024-02-29", &d), ==, ECC_OK);
	g_assert_cmpstr(ecc_date_format(d, buf), ==, "2024-02-29");
	/* 2025-12-31 16:30 UTC is 2026-01-01 00:30 in Shanghai. */
	g_assert_cmpstr(ecc_date_format(ecc_date_of_ms(1767198600000LL), buf), ==, "2026-01-01");
	g_assert_cmpstr(ecc_date_format(ecc_date_of_ms(1767195000000LL), buf), ==, "2025-12-31");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/calendar/working-day deadlines across holidays and adjusted weekends",
	                test_workday_table);
	g_test_add_func("/calendar/calendar-day periods ending on a holiday move to the next "
	                "working day",
	                test_calendar_days);
	g_test_add_func("/calendar/the shipped files hold the State Council's 2025 and 2026 days",
	                test_shipped_days);
	g_test_add_func("/calendar/a deadline into a year without a file is provisional",
	                test_provisional);
	g_test_add_func("/calendar/a malformed file is refused with its reason", test_bad_files);
	g_test_add_func("/calendar/a folder loads its YYYY.json files", test_folder);
	g_test_add_func("/calendar/dates parse strictly and today is Shanghai's", test_dates);
	return g_test_run();
}
