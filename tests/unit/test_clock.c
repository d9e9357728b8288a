/* Unit tests for clock.c: ISO times, Europe/Istanbul, business days.
 * Run from the project's top directory (reads rules/holidays.txt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"

#define HOLIDAYS	"rules/holidays.txt"

static time_t
at(const char *iso)
{
	time_t t;

	assert_int_equal(clock_parse_iso(iso, &t), 0);
	return t;
}

static int
between(const char *from, const char *to)
{
	return clock_business_days_between(at(from), at(to));
}

static int
setup_holidays(void **state)
{
	char err[256];

	if (clock_load_holidays(HOLIDAYS, err, sizeof err) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

/* Writes text to a new temporary file; its path goes to path (64 bytes). */
static void
temp_file(char path[64], const char *text)
{
	const char *dir = getenv("TMPDIR");
	FILE *fp;
	int fd;

	snprintf(path, 64, "%s/test_clock.XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_parse_iso(void **state)
{
	time_t t;

	assert_int_equal(clock_parse_iso("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(clock_parse_iso("2026-12-07T09:00:00+03:00", &t), 0);
	assert_int_equal(t, 1796623200);
	/* Same instant written with other offsets, and without seconds. */
	assert_int_equal(at("2026-12-07T06:00:00Z"), 1796623200);
	assert_int_equal(at("2026-12-07T01:30:00-04:30"), 1796623200);
	assert_int_equal(at("2026-12-07T09:00+03:00"), 1796623200);
	assert_int_equal(at("2028-02-29T12:00:00Z"), 1835438400);

	assert_int_equal(clock_parse_iso("2026-12-07T09:00:00", &t), -1);
	assert_int_equal(clock_parse_iso("2026-12-07 09:00:00Z", &t), -1);
	assert_int_equal(clock_parse_iso("2026-13-07T09:00:00Z", &t), -1);
	assert_int_equal(clock_parse_iso("2026-02-29T09:00:00Z", &t), -1);
	assert_int_equal(clock_parse_iso("2026-12-07T24:00:00Z", &t), -1);
	assert_int_equal(clock_parse_iso("2026-12-07T09:00:00+0300", &t), -1);
	assert_int_equal(clock_parse_iso("2026-12-07T09:00:00Zjunk", &t), -1);
	assert_int_equal(clock_parse_iso("yesterday", &t), -1);
	assert_int_equal(clock_parse_iso("", &t), -1);
	assert_int_equal(clock_parse_iso(NULL, &t), -1);
}

static void
test_format_and_local(void **state)
{
	char out[32];
	struct tm tm;

	clock_format_iso(at("2026-12-07T06:00:00Z"), out);
	assert_string_equal(out, "2026-12-07T09:00:00+03:00");
	/* 21:30 UTC on 31 Dec is already New Year in Istanbul. */
	clock_format_iso(at("2026-12-31T21:30:00Z"), out);
	assert_string_equal(out, "2027-01-01T00:30:00+03:00");
	clock_local(at("2026-12-31T21:30:00Z"), &tm);
	assert_int_equal(tm.tm_year, 127);
	assert_int_equal(tm.tm_mon, 0);
	assert_int_equal(tm.tm_mday, 1);
	assert_int_equal(tm.tm_wday, 5);	/* Friday */

	/* Before 2016 Istanbul had DST: summer +03:00, winter +02:00. */
	clock_format_iso(at("2015-07-01T12:00:00Z"), out);
	assert_string_equal(out, "2015-07-01T15:00:00+03:00");
	clock_format_iso(at("2015-01-01T12:00:00Z"), out);
	assert_string_equal(out, "2015-01-01T14:00:00+02:00");

	assert_int_equal(clock_make_local(2026, 12, 7, 9),
	    at("2026-12-07T09:00:00+03:00"));
	assert_int_equal(clock_make_local(2015, 1, 1, 14),
	    at("2015-01-01T14:00:00+02:00"));
	/* Month 13 is January of the next year. */
	assert_int_equal(clock_make_local(2026, 13, 1, 0),
	    at("2027-01-01T00:00:00+03:00"));
}

static void
test_local_ignores_process_tz(void **state)
{
	char out[32];

	setenv("TZ", "America/New_York", 1);
	clock_format_iso(at("2026-06-01T00:00:00Z"), out);
	assert_string_equal(out, "2026-06-01T03:00:00+03:00");
	clock_format_iso(at("2015-01-01T12:00:00Z"), out);
	assert_string_equal(out, "2015-01-01T14:00:00+02:00");
	/* The caller's TZ is left as it was. */
	assert_string_equal(getenv("TZ"), "America/New_York");
	unsetenv("TZ");
}

static void
test_now(void **state)
{
	char err[256];
	time_t t, before;

	setenv("ROBOT_NOW", "2026-12-07T09:00:00+03:00", 1);
	assert_int_equal(clock_now(&t, err, sizeof err), 0);
	assert_int_equal(t, 1796623200);

	setenv("ROBOT_NOW", "next monday", 1);
	err[0] = '\0';
	assert_int_equal(clock_now(&t, err, sizeof err), -1);
	assert_non_null(strstr(err, "ROBOT_NOW"));
	assert_non_null(strstr(err, "next monday"));

	unsetenv("ROBOT_NOW");
	before = time(NULL);
	assert_int_equal(clock_now(&t, err, sizeof err), 0);
	assert_true(t >= before && t <= time(NULL));

	setenv("ROBOT_NOW", "", 1);
	assert_int_equal(clock_now(&t, err, sizeof err), 0);
	assert_true(t >= before && t <= time(NULL));
	unsetenv("ROBOT_NOW");
}

static void
test_business_day(void **state)
{
	/* A plain Monday and the Saturday before it. */
	assert_int_equal(clock_is_business_day(at("2026-12-07T09:00:00+03:00")), 1);
	assert_int_equal(clock_is_business_day(at("2026-12-05T09:00:00+03:00")), 0);
	/* Fixed holidays on weekdays. */
	assert_int_equal(clock_is_business_day(at("2026-10-29T12:00:00+03:00")), 0);
	assert_int_equal(clock_is_business_day(at("2026-04-23T12:00:00+03:00")), 0);
	assert_int_equal(clock_is_business_day(at("2027-01-01T12:00:00+03:00")), 0);
	assert_int_equal(clock_is_business_day(at("2026-07-15T12:00:00+03:00")), 0);
	/* 28 Oct (half day) works. */
	assert_int_equal(clock_is_business_day(at("2026-10-28T12:00:00+03:00")), 1);
	/* Kurban Bayramı 2026: arife 26 May works, 27-29 May are off. */
	assert_int_equal(clock_is_business_day(at("2026-05-26T12:00:00+03:00")), 1);
	assert_int_equal(clock_is_business_day(at("2026-05-27T12:00:00+03:00")), 0);
	assert_int_equal(clock_is_business_day(at("2026-05-29T12:00:00+03:00")), 0);
	/* Ramazan Bayramı 2026 (Friday 20 Mar) and 2025 (Monday 31 Mar). */
	assert_int_equal(clock_is_business_day(at("2026-03-20T12:00:00+03:00")), 0);
	assert_int_equal(clock_is_business_day(at("2026-03-19T12:00:00+03:00")), 1);
	assert_int_equal(clock_is_business_day(at("2025-03-31T12:00:00+03:00")), 0);
	/* Local date counts: 22:00 UTC Sunday is Monday 01:00 in Istanbul. */
	assert_int_equal(clock_is_business_day(at("2026-12-06T22:00:00Z")), 1);
	assert_int_equal(clock_is_business_day(at("2026-12-06T20:00:00Z")), 0);
}

static void
test_between(void **state)
{
	/* Friday -> Monday is 1: the weekend does not count. */
	assert_int_equal(between("2026-12-04T10:00:00+03:00",
	    "2026-12-07T09:00:00+03:00"), 1);
	/* Monday -> Tuesday, whatever the hours. */
	assert_int_equal(between("2026-12-07T17:59:00+03:00",
	    "2026-12-08T08:00:00+03:00"), 1);
	/* Same day, and backwards, are 0. */
	assert_int_equal(between("2026-12-07T08:00:00+03:00",
	    "2026-12-07T18:00:00+03:00"), 0);
	assert_int_equal(between("2026-12-08T08:00:00+03:00",
	    "2026-12-07T08:00:00+03:00"), 0);
	/* Two full weeks. */
	assert_int_equal(between("2026-11-30T09:00:00+03:00",
	    "2026-12-14T09:00:00+03:00"), 10);
	/* Kurban Bayramı 2026: of 26 May - 1 Jun only Tue 26 and Mon 1 count. */
	assert_int_equal(between("2026-05-25T10:00:00+03:00",
	    "2026-06-01T10:00:00+03:00"), 2);
	/* Ramazan Bayramı 2026: Thu 19 (arife) -> Mon 23 Mar is 1 (Mon). */
	assert_int_equal(between("2026-03-19T10:00:00+03:00",
	    "2026-03-23T10:00:00+03:00"), 1);
	/* 28 Oct -> 2 Nov 2026: 29 Oct is off, Fri 30 and Mon 2 count. */
	assert_int_equal(between("2026-10-28T10:00:00+03:00",
	    "2026-11-02T10:00:00+03:00"), 2);
	/* 22 Apr -> 24 Apr 2026: 23 Apr is off. */
	assert_int_equal(between("2026-04-22T10:00:00+03:00",
	    "2026-04-24T10:00:00+03:00"), 1);
	/* Year boundary: Thu 31 Dec 2026 -> Mon 4 Jan 2027; 1 Jan is off. */
	assert_int_equal(between("2026-12-31T10:00:00+03:00",
	    "2027-01-04T10:00:00+03:00"), 1);
	/* Year boundary measured in UTC: the local dates decide. */
	assert_int_equal(between("2026-12-30T22:00:00Z",
	    "2026-12-31T20:59:59Z"), 0);
	/* A whole year 2026: 261 weekdays, minus 1 Jan, 23 Apr, 1 May,
	 * 19 May, 15 Jul, 29 Oct, 20 Mar, 27-29 May on weekdays (30 Aug is
	 * a Sunday) = 251; counted from 31 Dec 2025. */
	assert_int_equal(between("2025-12-31T12:00:00+03:00",
	    "2026-12-31T12:00:00+03:00"), 251);
}

static void
test_holiday_file_errors(void **state)
{
	char path[64], err[256];

	assert_int_equal(clock_load_holidays("no/such/holidays.txt", err,
	    sizeof err), -1);
	assert_string_equal(err,
	    "no/such/holidays.txt: cannot open: No such file or directory");

	temp_file(path, "# c\n2026-01-02 x\n\n2026-02-30 bad\n");
	assert_int_equal(clock_load_holidays(path, err, sizeof err), -1);
	assert_non_null(strstr(err, ":4: not a date (YYYY-MM-DD)"));
	unlink(path);

	temp_file(path, "2026-01-021\n");
	assert_int_equal(clock_load_holidays(path, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1: not a date"));
	unlink(path);

	/* A failed load keeps the holidays loaded before. */
	assert_int_equal(clock_is_business_day(at("2026-05-27T12:00:00+03:00")), 0);

	/* A good file replaces them: Fri 2 Jan 2026 becomes a holiday. */
	temp_file(path, "  # a bridge day\n2026-01-02\tidari izin\n");
	assert_int_equal(clock_load_holidays(path, err, sizeof err), 0);
	unlink(path);
	assert_int_equal(clock_is_business_day(at("2026-01-02T12:00:00+03:00")), 0);
	assert_int_equal(clock_is_business_day(at("2026-05-27T12:00:00+03:00")), 1);
	assert_int_equal(setup_holidays(NULL), 0);
}

static void
test_holiday_file_content(void **state)
{
	static const char *const days[] = {
		"2025-03-30", "2025-04-01", "2025-06-06", "2025-06-09",
		"2026-03-20", "2026-03-22", "2026-05-27", "2026-05-30",
		"2027-05-16", "2027-05-19", "2028-05-05", "2028-05-08",
		"2029-04-24", "2030-04-16",
	};
	char iso[32];
	size_t i;

	for (i = 0; i < sizeof days / sizeof days[0]; i++) {
		snprintf(iso, sizeof iso, "%sT12:00:00+03:00", days[i]);
		if (clock_is_business_day(at(iso)))
			fail_msg("%s should be a holiday", days[i]);
	}
	/* Weekday holidays per year (fixed and movable, counted once when
	 * they overlap, as on a printed calendar): 2025..2030. */
	static const int expect[] = { 10, 10, 11, 6, 12, 11 };
	for (int y = 2025; y <= 2030; y++) {
		char from[32], to[32];
		int weekdays = 0, off;

		snprintf(from, sizeof from, "%d-12-31T12:00:00+03:00", y - 1);
		snprintf(to, sizeof to, "%d-12-31T12:00:00+03:00", y);
		for (time_t t = at(from) + 86400; t <= at(to); t += 86400) {
			struct tm tm;

			clock_local(t, &tm);
			weekdays += tm.tm_wday != 0 && tm.tm_wday != 6;
		}
		off = weekdays - between(from, to);
		if (off != expect[y - 2025])
			fail_msg("%d: %d weekday holidays, expected %d", y, off,
			    expect[y - 2025]);
	}
}

/* The shipped file lists 2025-2030: the next 90 days are covered until
 * they reach into 2031; a file with a year left out is caught at once. */
static void
test_holiday_coverage(void **state)
{
	char path[64], err[256];

	(void)state;
	assert_int_equal(clock_holidays_missing_year(
	    at("2026-06-01T09:00:00+03:00"), CLOCK_HOLIDAYS_AHEAD), 0);
	assert_int_equal(clock_holidays_missing_year(
	    at("2030-10-02T09:00:00+03:00"), CLOCK_HOLIDAYS_AHEAD), 0);
	assert_int_equal(clock_holidays_missing_year(
	    at("2030-10-03T09:00:00+03:00"), CLOCK_HOLIDAYS_AHEAD), 2031);
	assert_int_equal(clock_holidays_missing_year(
	    at("2024-12-01T09:00:00+03:00"), CLOCK_HOLIDAYS_AHEAD), 2024);
	temp_file(path, "2026-03-20\n2028-02-26\n");
	assert_int_equal(clock_load_holidays(path, err, sizeof err), 0);
	unlink(path);
	assert_int_equal(clock_holidays_missing_year(
	    at("2026-11-01T09:00:00+03:00"), CLOCK_HOLIDAYS_AHEAD), 2027);
	assert_int_equal(clock_holidays_missing_year(
	    at("2026-06-01T09:00:00+03:00"), CLOCK_HOLIDAYS_AHEAD), 0);
	temp_file(path, "# nothing yet\n");
	assert_int_equal(clock_load_holidays(path, err, sizeof err), 0);
	unlink(path);
	assert_int_equal(clock_holidays_missing_year(
	    at("2026-06-01T09:00:00+03:00"), CLOCK_HOLIDAYS_AHEAD), 2026);
	assert_int_equal(setup_holidays(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_iso),
		cmocka_unit_test(test_format_and_local),
		cmocka_unit_test(test_local_ignores_process_tz),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_business_day),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_holiday_file_errors),
		cmocka_unit_test(test_holiday_file_content),
		cmocka_unit_test(test_holiday_coverage),
	};

	return cmocka_run_group_tests(tests, setup_holidays, NULL);
}
