/* status_csv: the cases as CSV for a spreadsheet (RFC 4180); see status.h.
 *
 * UTF-8 with a byte order mark: without it Excel reads the file in the
 * machine's ANSI code page and "Ayşe Yılmaz" comes out as "AyÅŸe
 * YÄ±lmaz".  Dates are local ("2026-12-04 10:00"), which spreadsheets
 * take for dates, unlike ISO 8601 with an offset. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "remind.h"
#include "status.h"

void
status_csv_field(FILE *f, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	/* A field that starts like a formula would run as one in Excel
	 * ("=HYPERLINK(...)" in a name on a form). */
	if (strchr("=+-@\t\r", *s) != NULL) {
		fputs("\"'", f);
	} else if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	} else
		fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
local_time(time_t t, char out[32])
{
	struct tm tm;

	out[0] = '\0';
	if (t == 0)
		return;
	clock_local(t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

static const char *const columns[] = {
	"case", "ticket", "unit", "name", "tckn", "email", "step", "state",
	"approval", "since", "updated", "overdue", "reminders", "merged_into",
	NULL
};

int
status_csv(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, status_cases_sql);
	char m[12], since[32], upd[32], n[16];
	int rc;

	if (st == NULL)
		return -1;
	fputs("\xEF\xBB\xBF", f);
	for (int i = 0; columns[i]; i++)
		fprintf(f, "%s%s", i ? "," : "", columns[i]);
	fputs("\r\n", f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *step = (const char *)sqlite3_column_text(st, 7);
		const char *f12 = (const char *)sqlite3_column_text(st, 12);
		const char *t = (const char *)sqlite3_column_text(st, 5);
		const char *fields[14];
		int paused = sqlite3_column_type(st, 14) != SQLITE_NULL;

		if (status_filtered(o) && !status_case_shown(db, cfg, now, o,
		    id, (const char *)sqlite3_column_text(st, 3), step))
			continue;
		status_tckn(o, t, m);
		local_time((time_t)sqlite3_column_int64(st, 10), since);
		local_time((time_t)sqlite3_column_int64(st, 9), upd);
		snprintf(n, sizeof n, "%d", remind_count(db, id));
		fields[0] = (const char *)sqlite3_column_text(st, 1);
		fields[1] = (const char *)sqlite3_column_text(st, 2);
		fields[2] = (const char *)sqlite3_column_text(st, 3);
		fields[3] = (const char *)sqlite3_column_text(st, 4);
		fields[4] = t ? m : NULL;
		fields[5] = (const char *)sqlite3_column_text(st, 6);
		fields[6] = step;
		fields[7] = status_state(step, f12, paused);
		fields[8] = (const char *)sqlite3_column_text(st, 8);
		fields[9] = since;
		fields[10] = upd;
		fields[11] = status_row_overdue(cfg, now, st) ? "yes" : "";
		fields[12] = n;
		fields[13] = (const char *)sqlite3_column_text(st, 13);
		for (int i = 0; i < 14; i++) {
			if (i)
				fputc(',', f);
			status_csv_field(f, fields[i]);
		}
		fputs("\r\n", f);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return ferror(f) ? -1 : 0;
}
