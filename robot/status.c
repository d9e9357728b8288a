/* status: requests and cases as a table or JSON; one case's history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "clock.h"
#include "db.h"
#include "mem.h"
#include "remind.h"
#include "status.h"
#include "tckn.h"

/* Bytes a JSON string cannot hold as they are: controls, quote, backslash. */
static int
json_special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

void
status_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		/* The plain run is written whole: the listing of ten thousand
		 * cases is mostly plain runs. */
		for (run = p; *p && !json_special(*p); p++)
			;
		fwrite(run, 1, (size_t)(p - run), f);
		if (*p == '\0')
			break;
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default: fprintf(f, "\\u%04x", *p); break;
		}
		p++;
	}
	fputc('"', f);
}

void
status_pad(FILE *f, const char *s, int width)
{
	int n = 0;
	const char *p;

	s = s ? s : "-";
	/* Count characters, not bytes, and cut at the width. */
	for (p = s; *p && n < width; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80) {
			n++;
			if (n == width && p[1] && (int)strlen(p) > 1) {
				const char *q = p + 1;

				while (*q && ((unsigned char)*q & 0xC0) ==
				    0x80)
					q++;
				if (*q) {
					fputc('~', f);
					break;
				}
			}
		}
		fputc(*p, f);
	}
	while (*p && ((unsigned char)*p & 0xC0) == 0x80)
		fputc(*p++, f);
	for (; n < width; n++)
		fputc(' ', f);
	fputc(' ', f);
}

static void
iso(time_t t, char out[32])
{
	if (t == 0) {
		snprintf(out, 32, "-");
		return;
	}
	clock_format_iso(t, out);
}

/* A request's step: its least advanced case's (what holds it up). */
static const char requests_sql[] =
    "SELECT r.id, r.ticket, r.unit, r.requester, r.form_t, "
    "(SELECT min(CASE c.step "
    "  WHEN 'ticket_opened' THEN 1 WHEN 'form_received' THEN 2 "
    "  WHEN 'sent_to_kamusm' THEN 3 WHEN 'kamusm_notified' THEN 4 "
    "  WHEN 'application_filled' THEN 5 WHEN 'approved' THEN 6 "
    "  WHEN 'cargo_shipped' THEN 7 WHEN 'certificate_shipped' THEN 8 "
    "  ELSE 9 END) FROM cases c WHERE c.request = r.id), "
    "(SELECT group_concat(tag, ' ') FROM (SELECT tag FROM cases c "
    "  WHERE c.request = r.id ORDER BY c.id)) "
    "FROM request r ORDER BY r.id";

static const char cases_sql[] =
    "SELECT c.id, c.tag, r.ticket, coalesce(c.unit, r.unit), c.name, "
    "c.tckn, c.email, c.step, c.approval, c.updated_t, c.step_t, c.bounced "
    "FROM cases c LEFT JOIN request r ON r.id = c.request ORDER BY c.id";

static const char unplaced_sql[] =
    "SELECT id, message_id, from_addr, subject, outcome, reason, folder, "
    "uid FROM message WHERE outcome IN ('unplaced', 'quarantined', "
    "'awaiting') AND purged_t IS NULL "
    "ORDER BY id";

static const char *
request_step(sqlite3_stmt *st)
{
	if (sqlite3_column_type(st, 5) != SQLITE_NULL)
		return case_step_key((enum case_step)sqlite3_column_int(st, 5));
	return sqlite3_column_type(st, 4) != SQLITE_NULL ? "form_received" :
	    "ticket_opened";
}

static void
json_requests(sqlite3 *db, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, requests_sql);
	int first = 1;

	fputs("\"requests\":[", f);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const char *tags = (const char *)sqlite3_column_text(st, 6);
		char *copy = xstrdup(tags ? tags : ""), *tok, *save = NULL;
		int k = 0;

		fputs(first ? "\n {" : ",\n {", f);
		first = 0;
		fputs("\"ticket\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 1));
		fputs(",\"unit\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 2));
		fputs(",\"requester\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 3));
		fputs(",\"step\":", f);
		status_json_str(f, request_step(st));
		fputs(",\"cases\":[", f);
		for (tok = strtok_r(copy, " ", &save); tok;
		    tok = strtok_r(NULL, " ", &save)) {
			fputs(k++ ? "," : "", f);
			status_json_str(f, tok);
		}
		fputs("]}", f);
		free(copy);
	}
	if (st)
		sqlite3_reset(st);
	fputs("]", f);
}

static void
json_cases(sqlite3 *db, const struct config *cfg, time_t now, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, cases_sql);
	int first = 1;
	char t[32];

	fputs(",\n\"cases\":[", f);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		fputs(first ? "\n {" : ",\n {", f);
		first = 0;
		fputs("\"case\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 1));
		fputs(",\"ticket\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 2));
		fputs(",\"unit\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 3));
		fputs(",\"name\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 4));
		fputs(",\"tckn\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 5));
		fputs(",\"email\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 6));
		fputs(",\"step\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 7));
		fputs(",\"approval\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 8));
		iso((time_t)sqlite3_column_int64(st, 9), t);
		fputs(",\"updated\":", f);
		status_json_str(f, t);
		iso((time_t)sqlite3_column_int64(st, 10), t);
		fputs(",\"since\":", f);
		status_json_str(f, t);
		fprintf(f, ",\"overdue\":%s,\"reminders\":%d",
		    remind_case_overdue(db, cfg, id, now) == 1 ? "true" :
		    "false", remind_count(db, id));
		fputs(",\"bounced\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 11));
		fputs("}", f);
	}
	if (st)
		sqlite3_reset(st);
	fputs("]", f);
}

static void
json_unplaced(sqlite3 *db, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, unplaced_sql);
	int first = 1;

	fputs(",\n\"unplaced\":[", f);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		fputs(first ? "\n {" : ",\n {", f);
		first = 0;
		fputs("\"message_id\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 1));
		fputs(",\"from\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 2));
		fputs(",\"subject\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 3));
		fputs(",\"outcome\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 4));
		fputs(",\"reason\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 5));
		fputs(",\"folder\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 6));
		fprintf(f, ",\"uid\":%lld}",
		    (long long)sqlite3_column_int64(st, 7));
	}
	if (st)
		sqlite3_reset(st);
	fputs("]", f);
}

static void
table(sqlite3 *db, const struct config *cfg, time_t now, FILE *f)
{
	sqlite3_stmt *st;
	char since[32], m[12];
	int n = 0;

	fputs("REQUESTS\n", f);
	status_pad(f, "TICKET", 8);
	status_pad(f, "UNIT", 34);
	status_pad(f, "REQUESTER", 20);
	fputs("STEP\n", f);
	st = db_stmt(db, requests_sql);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		status_pad(f, (const char *)sqlite3_column_text(st, 1), 8);
		status_pad(f, (const char *)sqlite3_column_text(st, 2), 34);
		status_pad(f, (const char *)sqlite3_column_text(st, 3), 20);
		fprintf(f, "%s\n", request_step(st));
		n++;
	}
	if (st)
		sqlite3_reset(st);
	if (n == 0)
		fputs("(none)\n", f);

	fputs("\nCASES\n", f);
	status_pad(f, "CASE", 13);
	status_pad(f, "NAME", 20);
	status_pad(f, "T.C. KİMLİK", 11);
	status_pad(f, "UNIT", 24);
	status_pad(f, "STEP", 19);
	status_pad(f, "SINCE", 10);
	status_pad(f, "APPROVAL", 10);
	fputs("OVERDUE\n", f);
	n = 0;
	st = db_stmt(db, cases_sql);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 5);

		status_pad(f, (const char *)sqlite3_column_text(st, 1), 13);
		status_pad(f, (const char *)sqlite3_column_text(st, 4), 20);
		tckn_mask(t ? t : "", m);
		status_pad(f, m, 11);
		status_pad(f, (const char *)sqlite3_column_text(st, 3), 24);
		status_pad(f, (const char *)sqlite3_column_text(st, 7), 19);
		clock_format_iso((time_t)sqlite3_column_int64(st, 10), since);
		since[10] = '\0';
		status_pad(f, since, 10);
		status_pad(f, (const char *)sqlite3_column_text(st, 8), 10);
		fprintf(f, "%s\n", remind_case_overdue(db, cfg,
		    sqlite3_column_int64(st, 0), now) == 1 ? "yes" : "");
		n++;
	}
	if (st)
		sqlite3_reset(st);
	if (n == 0)
		fputs("(none)\n", f);

	fputs("\nUNPLACED AND QUARANTINED MESSAGES\n", f);
	n = 0;
	st = db_stmt(db, unplaced_sql);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		fprintf(f, "%-11s %s \"%s\"\n            %s\n",
		    sqlite3_column_text(st, 4),
		    sqlite3_column_text(st, 2) ? (const char *)
		    sqlite3_column_text(st, 2) : "-",
		    sqlite3_column_text(st, 3) ? (const char *)
		    sqlite3_column_text(st, 3) : "",
		    sqlite3_column_text(st, 5));
		n++;
	}
	if (st)
		sqlite3_reset(st);
	if (n == 0)
		fputs("(none)\n", f);
}

int
status_print(sqlite3 *db, const struct config *cfg, time_t now, int json,
    FILE *f)
{
	if (!json) {
		table(db, cfg, now, f);
		return 0;
	}
	fputs("{", f);
	json_requests(db, f);
	json_cases(db, cfg, now, f);
	json_unplaced(db, f);
	fputs("\n}\n", f);
	return 0;
}

int
status_print_case(sqlite3 *db, const char *key, FILE *f)
{
	static const char find[] =
	    "SELECT c.id, c.tag, c.name, c.tckn, c.email, c.unit, c.step, "
	    "c.approval, r.ticket, c.purged_t FROM cases c LEFT JOIN "
	    "request r ON r.id = c.request WHERE c.tag = ?1 OR c.tckn = ?1 OR "
	    "c.email = lower(?1) ORDER BY c.id DESC LIMIT 1";
	static const char hist[] =
	    "SELECT e.at_t, e.kind, e.step, e.rule, e.detail, m.subject, "
	    "m.from_addr FROM event e LEFT JOIN message m ON m.id = e.message "
	    "WHERE e.case_id = ?1 OR (e.case_id IS NULL AND e.request = "
	    "(SELECT request FROM cases WHERE id = ?1)) ORDER BY e.at_t, e.id";
	sqlite3_stmt *st = db_stmt(db, find);
	int64_t id;
	char m[12], t[32];

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, key);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		fprintf(stderr, "robot: no case matches %s\n", key);
		return -1;
	}
	id = sqlite3_column_int64(st, 0);
	tckn_mask(sqlite3_column_text(st, 3) ? (const char *)
	    sqlite3_column_text(st, 3) : "", m);
	fprintf(f, "%s  %s  (T.C. %s, %s)\nunit: %s  ticket: %s\n"
	    "step: %s  approval: %s\n",
	    sqlite3_column_text(st, 1), sqlite3_column_text(st, 2) ?
	    (const char *)sqlite3_column_text(st, 2) : "-", m,
	    sqlite3_column_text(st, 4) ? (const char *)sqlite3_column_text(st,
	    4) : "no e-mail", sqlite3_column_text(st, 5) ? (const char *)
	    sqlite3_column_text(st, 5) : "-", sqlite3_column_text(st, 8) ?
	    (const char *)sqlite3_column_text(st, 8) : "-",
	    sqlite3_column_text(st, 6), sqlite3_column_text(st, 7) ?
	    (const char *)sqlite3_column_text(st, 7) : "-");
	if (sqlite3_column_type(st, 9) != SQLITE_NULL) {
		clock_format_iso((time_t)sqlite3_column_int64(st, 9), t);
		fprintf(f, "anonymised on %.10s (robot purge)\n", t);
	}
	fputs("\nhistory:\n", f);
	sqlite3_reset(st);
	if ((st = db_stmt(db, hist)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *step = sqlite3_column_text(st, 2);
		const unsigned char *subj = sqlite3_column_text(st, 5);

		clock_format_iso((time_t)sqlite3_column_int64(st, 0), t);
		fprintf(f, "  %.16s  %-12s %-20s %s\n", t,
		    sqlite3_column_text(st, 1), step ? (const char *)step : "",
		    sqlite3_column_text(st, 4) ? (const char *)
		    sqlite3_column_text(st, 4) : "");
		if (subj)
			fprintf(f, "  %16s  from %s: \"%s\" (rule %s)\n", "",
			    sqlite3_column_text(st, 6), subj,
			    sqlite3_column_text(st, 3));
	}
	sqlite3_reset(st);
	return 0;
}
