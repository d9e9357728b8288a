/* clock: "now", Europe/Istanbul, business days and holidays.
 *
 * ROBOT_NOW (ISO 8601 with offset, "2026-12-07T09:00:00+03:00") replaces
 * the system clock in every command, so tests replay weeks in seconds.
 * Turkey keeps UTC+03:00 all year (no DST since 2016); local dates are
 * computed with the IANA zone Europe/Istanbul all the same.
 *
 * A business day is a weekday that is not a Turkish public holiday: the
 * fixed ones (1 Jan, 23 Apr, 1 May, 19 May, 15 Jul, 30 Aug, 29 Oct) and the
 * Ramazan and Kurban Bayramı days listed in the holiday file (one ISO date
 * per line, "YYYY-MM-DD  comment"; '#' starts a comment; a half day, the
 * arife, is listed only when it should count as a holiday). */
#ifndef ROBOT_CLOCK_H
#define ROBOT_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Now: ROBOT_NOW if set (returns -1 and says why in err when it is
 * malformed), else the system clock. */
int clock_now(time_t *now_r, char *err, size_t errlen);

/* Parses ISO 8601 "YYYY-MM-DDTHH:MM:SS" with "Z" or "+HH:MM"/"-HH:MM"
 * (seconds optional).  Returns 0 or -1. */
int clock_parse_iso(const char *s, time_t *t_r);
/* Formats t as ISO 8601 in Europe/Istanbul ("2026-12-07T09:00:00+03:00")
 * into out (at least 26 bytes). */
void clock_format_iso(time_t t, char out[32]);

/* Loads the holiday file (replacing any loaded before).  Returns 0, or -1
 * with "FILE:LINE: problem" in err. */
int clock_load_holidays(const char *path, char *err, size_t errlen);
/* A hash of the days the loaded holiday file lists: another list makes
 * another (remind.c). */
uint64_t clock_holidays_digest(void);
/* How far ahead the holiday file looks: a warning (digest, `rules
 * check`) when it does not cover this many days from now. */
#define CLOCK_HOLIDAYS_AHEAD	90
/* The first calendar year among those the days [now, now + days] touch
 * for which the loaded holiday file lists no day, or 0 when it lists a
 * day of each.  Every year has its Ramazan and Kurban Bayramı, and the
 * file is kept a year at a time, so a year without a line is a year
 * nobody has filled in yet: its Bayram days would count as business
 * days. */
int clock_holidays_missing_year(time_t now, int days);
/* 1 when the local (Europe/Istanbul) date of t is a business day. */
int clock_is_business_day(time_t t);
/* Business days passed from `from` to `to`: the number of business-day
 * boundaries (local midnights starting a business day) crossed after
 * from's local date up to and including to's local date.  So a case that
 * entered a step on Friday is 1 business day old on Monday.  0 when
 * to <= from. */
int clock_business_days_between(time_t from, time_t to);
/* The local date of t as Turkish mail writes it, "07.12.2026", into out
 * (at least 11 bytes). */
void clock_format_date(time_t t, char out[40]);
/* Local (Europe/Istanbul) broken-down time of t. */
void clock_local(time_t t, struct tm *tm_r);
/* t of the local date y-m-d at hh:00 in Europe/Istanbul. */
time_t clock_make_local(int y, int m, int d, int hh);

#endif
