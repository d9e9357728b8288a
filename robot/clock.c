/* clock: now, Europe/Istanbul local time, business days; see clock.h.
 *
 * Local time never depends on the process's TZ.  Since 2016-09-07 the
 * IANA zone Europe/Istanbul is a fixed UTC+03:00 with no DST, so for those
 * instants the conversion is plain arithmetic (and the same on every
 * machine, whatever its TZ).  For earlier instants the zone file is
 * consulted by switching TZ to Europe/Istanbul around localtime_r/mktime
 * and restoring the caller's TZ afterwards; the robot is single-threaded.
 * If Turkey ever brings back DST, FIXED_SINCE below must move to the last
 * transition the zone file knows of. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "clock.h"
#include "mem.h"

#define ZONE		"Europe/Istanbul"
#define FIXED_OFFSET	(3 * 3600)
/* 2016-09-07T00:00:00+03:00: the zone is UTC+03:00 from here on. */
#define FIXED_SINCE	((time_t)1473195600)
#define DAY		86400

/* Fixed public holidays (Law 2429): month * 100 + day. */
static const int fixed_holidays[] = {
	101,	/* Yılbaşı */
	423,	/* Ulusal Egemenlik ve Çocuk Bayramı */
	501,	/* Emek ve Dayanışma Günü */
	519,	/* Atatürk'ü Anma, Gençlik ve Spor Bayramı */
	715,	/* Demokrasi ve Millî Birlik Günü */
	830,	/* Zafer Bayramı */
	1029,	/* Cumhuriyet Bayramı */
};

/* Ramazan and Kurban Bayramı days from the holiday file, as day numbers
 * (days since 1970-01-01), sorted. */
static long *holidays;
static size_t nholidays;

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil); m is 1..12, d may run past the month's end. */
static long
days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y_r, int *m_r, int *d_r)
{
	long era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d_r = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m_r = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y_r = (int)(y + (*m_r <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/* Runs TZ=Europe/Istanbul for the duration of one libc call. */
static char *saved_tz;
static int tz_saved_unset;

static void
zone_enter(void)
{
	const char *tz = getenv("TZ");

	saved_tz = xstrdup(tz);
	tz_saved_unset = tz == NULL;
	setenv("TZ", ZONE, 1);
	tzset();
}

static void
zone_leave(void)
{
	if (tz_saved_unset)
		unsetenv("TZ");
	else
		setenv("TZ", saved_tz, 1);
	free(saved_tz);
	saved_tz = NULL;
	tzset();
}

void
clock_local(time_t t, struct tm *tm_r)
{
	if (t >= FIXED_SINCE) {
		time_t lt = t + FIXED_OFFSET;

		gmtime_r(&lt, tm_r);
		tm_r->tm_isdst = 0;
		tm_r->tm_gmtoff = FIXED_OFFSET;
		tm_r->tm_zone = "+03";
		return;
	}
	zone_enter();
	localtime_r(&t, tm_r);
	zone_leave();
}

time_t
clock_make_local(int y, int m, int d, int hh)
{
	struct tm tm;
	long days;
	time_t t;

	/* Normalise the month so days_from_civil sees 1..12. */
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	if (m < 1) {
		m += 12;
		y--;
	}
	days = days_from_civil(y, m, d);
	t = (time_t)days * DAY + (time_t)hh * 3600 - FIXED_OFFSET;
	if (t >= FIXED_SINCE)
		return t;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_isdst = -1;
	zone_enter();
	t = mktime(&tm);
	zone_leave();
	return t;
}

/* The local day number (days since 1970-01-01) of t. */
static long
local_day(time_t t)
{
	struct tm tm;

	clock_local(t, &tm);
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int
two_digits(const char *s, int *v_r)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return -1;
	*v_r = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/* "YYYY-MM-DD" at s; checks the date exists. */
static int
parse_date(const char *s, int *y_r, int *m_r, int *d_r)
{
	int c, y, m, d;

	if (two_digits(s, &c) == -1 || two_digits(s + 2, &y) == -1 ||
	    s[4] != '-' || two_digits(s + 5, &m) == -1 || s[7] != '-' ||
	    two_digits(s + 8, &d) == -1)
		return -1;
	y += c * 100;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*y_r = y;
	*m_r = m;
	*d_r = d;
	return 0;
}

int
clock_parse_iso(const char *s, time_t *t_r)
{
	int y, mo, d, h, mi, sec = 0, oh, om, sign;
	const char *p;

	if (s == NULL || parse_date(s, &y, &mo, &d) == -1)
		return -1;
	p = s + 10;
	if (*p != 'T' && *p != 't')
		return -1;
	p++;
	if (two_digits(p, &h) == -1 || p[2] != ':' ||
	    two_digits(p + 3, &mi) == -1)
		return -1;
	p += 5;
	if (*p == ':') {
		if (two_digits(p + 1, &sec) == -1)
			return -1;
		p += 3;
	}
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		oh = om = 0;
		sign = 1;
	} else if ((*p == '+' || *p == '-') && two_digits(p + 1, &oh) == 0 &&
	    p[3] == ':' && two_digits(p + 4, &om) == 0 && p[6] == '\0') {
		if (oh > 23 || om > 59)
			return -1;
		sign = *p == '-' ? -1 : 1;
	} else
		return -1;
	*t_r = (time_t)days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 +
	    sec - sign * (oh * 3600 + om * 60);
	return 0;
}

void
clock_format_iso(time_t t, char out[32])
{
	struct tm tm;
	int off;

	clock_local(t, &tm);
	off = (int)(tm.tm_gmtoff % 86400);
	/* The modulos change nothing; they let the compiler see it fits. */
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u",
	    (unsigned)(tm.tm_year + 1900) % 10000u,
	    (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
	    (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
	    (unsigned)tm.tm_sec % 100u, off < 0 ? '-' : '+',
	    (unsigned)abs(off) / 3600u % 100u,
	    (unsigned)abs(off) % 3600u / 60u);
}

int
clock_now(time_t *now_r, char *err, size_t errlen)
{
	const char *env = getenv("ROBOT_NOW");

	/* An empty ROBOT_NOW is how a shell clears it: the real clock. */
	if (env == NULL || *env == '\0') {
		*now_r = time(NULL);
		return 0;
	}
	if (clock_parse_iso(env, now_r) == -1) {
		snprintf(err, errlen, "ROBOT_NOW: \"%s\" is not an ISO 8601 "
		    "time like 2026-12-07T09:00:00+03:00", env);
		return -1;
	}
	return 0;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

int
clock_load_holidays(const char *path, char *err, size_t errlen)
{
	FILE *fp = NULL;
	char *line = NULL;
	size_t linesz = 0, n = 0, alloc = 0;
	long *days = NULL;
	int lineno = 0, y, m, d;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		goto fail;
	}
	while (getline(&line, &linesz, fp) != -1) {
		char *p = line;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		if (parse_date(p, &y, &m, &d) == -1 ||
		    (p[10] != '\0' && !isspace((unsigned char)p[10]))) {
			snprintf(err, errlen, "%s:%d: not a date "
			    "(YYYY-MM-DD)", path, lineno);
			goto fail;
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			days = xrealloc(days, alloc * sizeof *days);
		}
		days[n++] = days_from_civil(y, m, d);
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", path,
		    strerror(errno));
		goto fail;
	}
	fclose(fp);
	free(line);
	qsort(days, n, sizeof *days, cmp_long);
	free(holidays);
	holidays = days;
	nholidays = n;
	return 0;

fail:
	if (fp != NULL)
		fclose(fp);
	free(line);
	free(days);
	return -1;
}

static int
is_business_daynum(long day)
{
	int y, m, d, wd;
	size_t i;

	/* 1970-01-01 was a Thursday: wd is 0 = Monday ... 6 = Sunday. */
	wd = (int)(((day % 7) + 7 + 3) % 7);
	if (wd >= 5)
		return 0;
	civil_from_days(day, &y, &m, &d);
	for (i = 0; i < sizeof fixed_holidays / sizeof fixed_holidays[0]; i++)
		if (fixed_holidays[i] == m * 100 + d)
			return 0;
	if (nholidays > 0 && bsearch(&day, holidays, nholidays,
	    sizeof *holidays, cmp_long) != NULL)
		return 0;
	return 1;
}

uint64_t
clock_holidays_digest(void)
{
	return nholidays == 0 ? 0 :
	    XXH3_64bits(holidays, nholidays * sizeof *holidays);
}

int
clock_holidays_missing_year(time_t now, int days)
{
	long first = local_day(now), last = first + (days > 0 ? days : 0);
	int y, y0, y1, m, d;
	size_t i;

	civil_from_days(first, &y0, &m, &d);
	civil_from_days(last, &y1, &m, &d);
	for (y = y0; y <= y1; y++) {
		long jan1 = days_from_civil(y, 1, 1);
		long dec31 = days_from_civil(y, 12, 31);

		/* Sorted: the first day not before 1 January decides. */
		for (i = 0; i < nholidays && holidays[i] < jan1; i++)
			;
		if (i == nholidays || holidays[i] > dec31)
			return y;
	}
	return 0;
}

int
clock_is_business_day(time_t t)
{
	return is_business_daynum(local_day(t));
}

int
clock_business_days_between(time_t from, time_t to)
{
	long day, last;
	int n = 0;

	if (to <= from)
		return 0;
	last = local_day(to);
	for (day = local_day(from) + 1; day <= last; day++)
		n += is_business_daynum(day);
	return n;
}

void
clock_format_date(time_t t, char out[40])
{
	struct tm tm;

	clock_local(t, &tm);
	snprintf(out, 40, "%02d.%02d.%04d", tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year + 1900);
}
