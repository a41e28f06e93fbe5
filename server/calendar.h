/*
 * calendar: the State Council's holiday calendar and working-day deadlines.
 *
 * Why: legal deadlines of enforcement cases count working days (工作日):
 * Monday to Friday, less the public holidays (放假), plus the adjusted working
 * weekend days (调休上班) that the General Office of the State Council
 * publishes each November for the next year. Each year is one data file,
 * `YYYY.json` in the folder [cases] calendars, so a new year is added by
 * dropping in a file (no code). A deadline that reaches into a year with no
 * file is computed with plain Monday-to-Friday weeks and flagged provisional.
 *
 * Counting: the day an event happens (filing, a decision) is not counted;
 * "n working days" ends on the n-th working day after it; 0 working days is
 * the same day. "n days" (calendar days) ends n days after; when that day is
 * not a working day, the period ends on the next working day (民事诉讼法
 * 第八十五条: a period whose last day is a holiday ends on the first day after
 * the holiday).
 *
 * Days are GDate Julian day numbers (1 = 0001-01-01). "Today" is the date in
 * Asia/Shanghai.
 *
 * Thread: any (a loaded calendar is read-only). Ownership: ecc_calendar_load
 * returns a calendar freed with ecc_calendar_free (NULL accepted).
 * Errors: ECC_ERR_IO (no such folder), ECC_ERR_INVAL (a malformed file; why
 * names the file and the reason).
 */
#ifndef ECC_CALENDAR_H
#define ECC_CALENDAR_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#define ECC_CALENDAR_WHY 256
#define ECC_DATE_LEN     11 /* "YYYY-MM-DD" and its NUL */

typedef struct ecc_calendar ecc_calendar;

/* Reads every YYYY.json of dir. An empty folder gives an empty calendar
 * (every deadline provisional). */
int ecc_calendar_load(const char *dir, ecc_calendar **out, char why[ECC_CALENDAR_WHY]);

/* Parses one year's file from memory (name is used in messages only). */
int ecc_calendar_add_json(ecc_calendar *c, const char *text, size_t len, const char *name,
                          char why[ECC_CALENDAR_WHY]);

/* An empty calendar (tests, and a hub without a calendar folder). */
ecc_calendar *ecc_calendar_new(void);
void ecc_calendar_free(ecc_calendar *c);

/* True when year has a file. */
bool ecc_calendar_has_year(const ecc_calendar *c, int year);

/* Is day a working day? *known (may be NULL) is false when day's year has no
 * file (then Monday to Friday count as working days). */
bool ecc_calendar_is_workday(const ecc_calendar *c, uint32_t day, bool *known);

/* The name of the holiday day falls in, or NULL. */
const char *ecc_calendar_holiday(const ecc_calendar *c, uint32_t day);

/* The n-th working day after from (n >= 0; 0 gives from). *provisional is
 * set when a day counted lies in a year without a file. */
uint32_t ecc_calendar_add_workdays(const ecc_calendar *c, uint32_t from, int n, bool *provisional);

/* n calendar days after from, moved to the next working day when it is not
 * one. *provisional as above. */
uint32_t ecc_calendar_add_days(const ecc_calendar *c, uint32_t from, int n, bool *provisional);

/* Working days after from up to and including to (0 when to <= from). */
int ecc_calendar_workdays_between(const ecc_calendar *c, uint32_t from, uint32_t to);

/* A digest of the loaded files' contents: it changes when any file does. */
const char *ecc_calendar_fingerprint(const ecc_calendar *c);

/* {"years":[{"year":2025,"source":"...","holidays":[..],"workdays":[..]}]} */
cJSON *ecc_calendar_json(const ecc_calendar *c);

/* "YYYY-MM-DD" -> day; ECC_OK or ECC_ERR_INVAL (also for impossible dates). */
int ecc_date_parse(const char *s, uint32_t *day);
/* day -> "YYYY-MM-DD" in buf (ECC_DATE_LEN bytes); returns buf. */
char *ecc_date_format(uint32_t day, char buf[ECC_DATE_LEN]);
/* The year of day. */
int ecc_date_year(uint32_t day);
/* Today's date in Asia/Shanghai (UTC+8, no daylight saving). */
uint32_t ecc_date_today(void);
/* The date in Asia/Shanghai of a UTC time in milliseconds. */
uint32_t ecc_date_of_ms(int64_t ms);

#endif
