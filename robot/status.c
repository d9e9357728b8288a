/* status: requests and cases as a table, JSON or CSV (status_csv.c),
 * narrowed by unit, step or lateness; one case's history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cases.h"
#include "clock.h"
#include "db.h"
#include "mem.h"
#include "reason.h"
#include "remind.h"
#include "status.h"
#include "tckn.h"
#include "unit.h"

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

/* The columns status_csv.c reads too: see status.h. */
const char status_cases_sql[] =
    "SELECT c.id, c.tag, r.ticket, coalesce(c.unit, r.unit), c.name, "
    "c.tckn, c.email, c.step, c.approval, c.updated_t, c.step_t, c.bounced, "
    "c.closed_as, (SELECT tag FROM cases m WHERE m.id = c.merged_into), "
    "c.paused_t FROM cases c LEFT JOIN request r ON r.id = c.request "
    "ORDER BY c.id";

/* The row's own step, step_t, approval and paused_t: the listing of ten
 * thousand cases reads no case twice. */
int
status_row_overdue(const struct config *cfg, time_t now, sqlite3_stmt *st)
{
	return remind_overdue_of(cfg, (const char *)sqlite3_column_text(st, 7),
	    (time_t)sqlite3_column_int64(st, 10),
	    (const char *)sqlite3_column_text(st, 8),
	    sqlite3_column_type(st, 14) != SQLITE_NULL, now);
}

static const char unplaced_sql[] =
    "SELECT id, message_id, from_addr, subject, outcome, reason, folder, "
    "uid, reason_code FROM message WHERE outcome IN ('unplaced', "
    "'quarantined', 'awaiting') AND purged_t IS NULL ORDER BY id";

static const char *
request_step(sqlite3_stmt *st)
{
	if (sqlite3_column_type(st, 5) != SQLITE_NULL)
		return case_step_key((enum case_step)sqlite3_column_int(st, 5));
	return sqlite3_column_type(st, 4) != SQLITE_NULL ? "form_received" :
	    "ticket_opened";
}

/* The cases of a request, for its filter. */
static const char request_cases_sql[] =
    "SELECT c.id, coalesce(c.unit, r.unit), c.step FROM cases c JOIN "
    "request r ON r.id = c.request WHERE c.request = ?1";

int
status_filtered(const struct status_opts *o)
{
	return o->unit_key != NULL || o->step != STEP_NONE || o->overdue;
}

/* 1 when the unit written as unit is the one the filter's key names: the
 * same unit key (unit.h: "Müh. Fak." is Mühendislik Fakültesi), or one
 * holding all the filter's words ("Mühendislik" finds its faculty and
 * its departments). */
static int
unit_matches(const char *want, const char *unit)
{
	char *k = unit ? unit_key(unit) : NULL;
	const char *w = want;
	int ok = k != NULL;

	while (ok && *w) {
		size_t n = strcspn(w, " ");
		const char *p = k;

		ok = 0;
		while (*p && !ok) {
			size_t m = strcspn(p, " ");

			ok = m == n && memcmp(p, w, n) == 0;
			p += m;
			while (*p == ' ')
				p++;
		}
		w += n;
		while (*w == ' ')
			w++;
	}
	free(k);
	return ok;
}

int
status_case_shown(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, int64_t id, const char *unit,
    const char *step)
{
	if (o->unit_key && !unit_matches(o->unit_key, unit))
		return 0;
	if (o->step != STEP_NONE && case_step_parse(step) != o->step)
		return 0;
	if (o->overdue && (id == 0 || remind_case_overdue(db, cfg, id, now) !=
	    1))
		return 0;
	return 1;
}

/* A request is listed when one of its cases is; one without cases (a
 * ticket waiting for its form) by its own unit and step, never as late. */
static int
request_shown(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, sqlite3_stmt *rq)
{
	sqlite3_stmt *st;
	int shown = 0, any = 0;

	if (!status_filtered(o))
		return 1;
	if ((st = db_stmt(db, request_cases_sql)) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, sqlite3_column_int64(rq, 0));
	while (!shown && sqlite3_step(st) == SQLITE_ROW) {
		any = 1;
		shown = status_case_shown(db, cfg, now, o,
		    sqlite3_column_int64(st, 0), (const char *)
		    sqlite3_column_text(st, 1), (const char *)
		    sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	if (!any)
		shown = status_case_shown(db, cfg, now, o, 0, (const char *)
		    sqlite3_column_text(rq, 2), request_step(rq));
	return shown;
}

static int
case_row_shown(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, sqlite3_stmt *st)
{
	return !status_filtered(o) || status_case_shown(db, cfg, now, o,
	    sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st,
	    3), (const char *)sqlite3_column_text(st, 7));
}

const char *
status_state(const char *step, const char *closed_as, int paused)
{
	if (step && strcmp(step, "closed") == 0)
		return closed_as ? closed_as : "closed";
	return paused ? "paused" : "open";
}

void
status_tckn(const struct status_opts *o, const char *t, char out[12])
{
	if (o->unmasked && t && strlen(t) == 11)
		memcpy(out, t, 12);
	else
		tckn_mask(t ? t : "", out);
}

static void
json_requests(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, requests_sql);
	int first = 1;

	fputs("\"requests\":[", f);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const char *tags = (const char *)sqlite3_column_text(st, 6);
		char *copy, *tok, *save = NULL;
		int k = 0;

		if (!request_shown(db, cfg, now, o, st))
			continue;
		copy = xstrdup(tags ? tags : "");
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
json_cases(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, status_cases_sql);
	int first = 1;
	char t[32];

	fputs(",\n\"cases\":[", f);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (!case_row_shown(db, cfg, now, o, st))
			continue;
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
		    status_row_overdue(cfg, now, st) ? "true" : "false",
		    remind_count(db, id));
		fputs(",\"bounced\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 11));
		fputs(",\"closed_as\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 12));
		fputs(",\"merged_into\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 13));
		fprintf(f, ",\"paused\":%s}", sqlite3_column_type(st, 14) !=
		    SQLITE_NULL ? "true" : "false");
	}
	if (st)
		sqlite3_reset(st);
	fputs("]", f);
}

/* Unplaced mail belongs to no unit or step: a filtered listing has
 * none. */
static void
json_unplaced(sqlite3 *db, const struct status_opts *o, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, unplaced_sql);
	int first = 1;

	fputs(",\n\"unplaced\":[", f);
	while (st && !status_filtered(o) && sqlite3_step(st) == SQLITE_ROW) {
		fputs(first ? "\n {" : ",\n {", f);
		first = 0;
		fprintf(f, "\"id\":%lld,\"message_id\":",
		    (long long)sqlite3_column_int64(st, 0));
		status_json_str(f, (const char *)sqlite3_column_text(st, 1));
		fputs(",\"from\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 2));
		fputs(",\"subject\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 3));
		fputs(",\"outcome\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 4));
		fputs(",\"reason\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 5));
		fputs(",\"reason_code\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 8));
		fputs(",\"folder\":", f);
		status_json_str(f, (const char *)sqlite3_column_text(st, 6));
		fprintf(f, ",\"uid\":%lld}",
		    (long long)sqlite3_column_int64(st, 7));
	}
	if (st)
		sqlite3_reset(st);
	fputs("]", f);
}

/* The tables speak Turkish, as the mail does: the words of a step, an
 * approval, a way of closing, an outcome.  The keys stay in --json and
 * --csv, for programs. */
static const char *
closed_words(const char *closed_as)
{
	if (closed_as == NULL)
		return "Kapatıldı";
	if (strcmp(closed_as, "cancelled") == 0)
		return "İptal edildi";
	if (strcmp(closed_as, "left") == 0)
		return "Kurumdan ayrıldı";
	if (strcmp(closed_as, "merged") == 0)
		return "Birleştirildi";
	return closed_as;
}

static const char *
approval_words(const char *a)
{
	if (a == NULL)
		return "-";
	if (strcmp(a, "e-onay") == 0)
		return "e-Onay";
	if (strcmp(a, "e-imza") == 0)
		return "e-İmza";
	if (strcmp(a, "islak-imza") == 0)
		return "Islak imza";
	return a;
}

static const char *
outcome_words(const char *o)
{
	if (o == NULL)
		return "-";
	if (strcmp(o, "unplaced") == 0)
		return "yerleşmedi";
	if (strcmp(o, "quarantined") == 0)
		return "karantina";
	if (strcmp(o, "awaiting") == 0)
		return "yanıt";
	return o;
}

/* The step column: a closed case says how it was closed. */
static const char *
step_shown(sqlite3_stmt *st)
{
	const char *step = (const char *)sqlite3_column_text(st, 7);
	enum case_step s = case_step_parse(step);

	if (s == STEP_CLOSED)
		return closed_words((const char *)sqlite3_column_text(st, 12));
	return s == STEP_NONE ? step : case_step_label(s);
}

/* Who the case waits for: the one its reminders go to, or Kamu SM. */
static const char *
waiting_for(sqlite3_stmt *st)
{
	enum case_step s = case_step_parse((const char *)
	    sqlite3_column_text(st, 7));
	const char *a = (const char *)sqlite3_column_text(st, 8), *h;

	if (s == STEP_NONE || s == STEP_CLOSED)
		return "-";
	if (remind_at_kamusm(s, a))
		return "Kamu SM";
	return (h = remind_holder(s, a)) != NULL ? h : "-";
}

static void
table_requests(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, FILE *f)
{
	sqlite3_stmt *st;
	int n = 0;

	fputs("TALEPLER\n", f);
	status_pad(f, "TALEP NO", 8);
	status_pad(f, "BİRİM", 34);
	status_pad(f, "TALEP EDEN", 20);
	fputs("ADIM\n", f);
	st = db_stmt(db, requests_sql);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		if (!request_shown(db, cfg, now, o, st))
			continue;
		status_pad(f, (const char *)sqlite3_column_text(st, 1), 8);
		status_pad(f, (const char *)sqlite3_column_text(st, 2), 34);
		status_pad(f, (const char *)sqlite3_column_text(st, 3), 20);
		fprintf(f, "%s\n", case_step_label(case_step_parse(
		    request_step(st))));
		n++;
	}
	if (st)
		sqlite3_reset(st);
	if (n == 0)
		fputs("(yok)\n", f);
}

static void
table_cases(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, FILE *f)
{
	sqlite3_stmt *st;
	char since[32], m[12];
	int n = 0;

	fputs("\nVAKALAR\n", f);
	status_pad(f, "VAKA", 14);
	status_pad(f, "AD SOYAD", 20);
	status_pad(f, "T.C. KİMLİK", 11);
	status_pad(f, "BİRİM", 24);
	status_pad(f, "ADIM", 28);
	status_pad(f, "BEKLENEN", 12);
	status_pad(f, "TARİH", 10);
	status_pad(f, "ONAY", 10);
	fputs("GECİKME\n", f);
	st = db_stmt(db, status_cases_sql);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		if (!case_row_shown(db, cfg, now, o, st))
			continue;
		status_pad(f, (const char *)sqlite3_column_text(st, 1), 14);
		status_pad(f, (const char *)sqlite3_column_text(st, 4), 20);
		status_tckn(o, (const char *)sqlite3_column_text(st, 5), m);
		status_pad(f, m, 11);
		status_pad(f, (const char *)sqlite3_column_text(st, 3), 24);
		status_pad(f, step_shown(st), 28);
		status_pad(f, waiting_for(st), 12);
		clock_format_iso((time_t)sqlite3_column_int64(st, 10), since);
		since[10] = '\0';
		status_pad(f, since, 10);
		status_pad(f, approval_words((const char *)
		    sqlite3_column_text(st, 8)), 10);
		/* A paused case is late for nobody: it says so instead. */
		if (sqlite3_column_type(st, 14) != SQLITE_NULL &&
		    sqlite3_column_type(st, 12) == SQLITE_NULL)
			fputs("duraklatıldı\n", f);
		else
			fprintf(f, "%s\n", status_row_overdue(cfg, now, st) ?
			    "gecikti" : "");
		n++;
	}
	if (st)
		sqlite3_reset(st);
	if (n == 0)
		fputs("(yok)\n", f);
}

static void
table_unplaced(sqlite3 *db, FILE *f)
{
	sqlite3_stmt *st;
	int n = 0;

	fputs("\nYERLEŞMEYEN, KARANTİNADAKİ VE YANIT BEKLEYEN İLETİLER\n", f);
	st = db_stmt(db, unplaced_sql);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		/* The row id names the message to `case attach`; the line
		 * of detail is in `status --json`. */
		fprintf(f, "#%-5lld ", (long long)sqlite3_column_int64(st, 0));
		status_pad(f, outcome_words((const char *)
		    sqlite3_column_text(st, 4)), 11);
		fprintf(f, "%s \"%s\"\n            %s\n",
		    sqlite3_column_text(st, 2) ? (const char *)
		    sqlite3_column_text(st, 2) : "-",
		    sqlite3_column_text(st, 3) ? (const char *)
		    sqlite3_column_text(st, 3) : "",
		    reason_words(reason_parse((const char *)
		    sqlite3_column_text(st, 8))));
		n++;
	}
	if (st)
		sqlite3_reset(st);
	if (n == 0)
		fputs("(yok)\n", f);
}

/* A stream for the output: f itself when nothing is to be masked, else
 * one that masks what is written to it, a run of whole lines at a time,
 * and passes it on to f.  tckn_mask_text never looks past a line break
 * (a number's groups are joined by blanks, '.', '-' or '/'), so masking
 * line by line masks what masking the whole would; the output of 10,000
 * cases is never held at once. */
struct out {
	FILE	*f;		/* where the output goes */
	FILE	*mem;		/* the masking stream, or NULL */
	struct buf pend;	/* written, not yet masked and passed on */
	int	 err;
};

#define OUT_CHUNK	(64 * 1024)

/* Masks and writes the lines of the pending text up to its last line
 * break, or all of it at the end. */
static void
out_pass(struct out *o, int all)
{
	char *nl, keep;
	size_t n;

	if (all)
		n = o->pend.len;
	else if ((nl = memrchr(o->pend.s, '\n', o->pend.len)) != NULL)
		n = (size_t)(nl - o->pend.s) + 1;
	else
		return;
	keep = o->pend.s[n];		/* buf keeps a '\0' after len */
	o->pend.s[n] = '\0';
	tckn_mask_text(o->pend.s);
	o->pend.s[n] = keep;
	if (fwrite(o->pend.s, 1, n, o->f) != n)
		o->err = 1;
	memmove(o->pend.s, o->pend.s + n, o->pend.len - n);
	o->pend.len -= n;
	o->pend.s[o->pend.len] = '\0';
}

static ssize_t
out_write(void *cookie, const char *data, size_t len)
{
	struct out *o = cookie;

	if (buf_add(&o->pend, data, len) == -1)
		o->err = 1;
	else if (o->pend.len >= OUT_CHUNK)
		out_pass(o, 0);
	return o->err ? -1 : (ssize_t)len;
}

static FILE *
out_open(struct out *o, FILE *f, int unmasked)
{
	cookie_io_functions_t io = { NULL, out_write, NULL, NULL };

	memset(o, 0, sizeof *o);
	o->f = f;
	if (unmasked)
		return f;
	o->mem = fopencookie(o, "w", io);
	return o->mem;
}

static int
out_close(struct out *o)
{
	int rc = 0;

	if (o->mem == NULL)
		return 0;
	if (fclose(o->mem) != 0)
		rc = -1;
	if (o->pend.len > 0)
		out_pass(o, 1);
	if (o->err)
		rc = -1;
	buf_free(&o->pend);
	return rc;
}

int
status_print(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, FILE *f)
{
	struct out w;
	FILE *out;
	int rc = 0;

	/* Every 11-digit run of the output masked, unless asked. */
	if ((out = out_open(&w, f, o->unmasked)) == NULL)
		return -1;
	if (o->csv)
		rc = status_csv(db, cfg, now, o, out);
	else if (!o->json) {
		table_requests(db, cfg, now, o, out);
		table_cases(db, cfg, now, o, out);
		/* Unplaced mail belongs to no unit or step. */
		if (!status_filtered(o))
			table_unplaced(db, out);
	} else {
		fputs("{", out);
		json_requests(db, cfg, now, o, out);
		json_cases(db, cfg, now, o, out);
		json_unplaced(db, o, out);
		fputs("\n}\n", out);
	}
	if (out_close(&w) == -1)
		rc = -1;
	return rc;
}

/* The case columns of the one-line summary and the history's head. */
static const char case_sql[] =
    "SELECT c.id, c.tag, c.name, c.tckn, c.email, coalesce(c.unit, r.unit), "
    "c.step, c.approval, r.ticket, c.closed_as, (SELECT tag FROM cases m "
    "WHERE m.id = c.merged_into), c.paused_t, c.purged_t FROM cases c "
    "LEFT JOIN request r ON r.id = c.request WHERE c.id = ?1";

#define COL(st, i) (sqlite3_column_text((st), (i)) ? \
    (const char *)sqlite3_column_text((st), (i)) : "-")

/* The step of a case_sql row in words; a closed case says how. */
static const char *
step_words(sqlite3_stmt *st)
{
	enum case_step s = case_step_parse((const char *)
	    sqlite3_column_text(st, 6));

	if (s == STEP_CLOSED)
		return closed_words((const char *)sqlite3_column_text(st, 9));
	return s == STEP_NONE ? COL(st, 6) : case_step_label(s);
}

void
status_case_line(sqlite3 *db, int64_t id, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, case_sql);
	char m[12];

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		tckn_mask(sqlite3_column_text(st, 3) ? (const char *)
		    sqlite3_column_text(st, 3) : "", m);
		fprintf(f, "  %-14s %s (T.C. %s, %s), %s, talep %s: %s",
		    COL(st, 1), COL(st, 2), m, COL(st, 4), COL(st, 5),
		    COL(st, 8), step_words(st));
		if (sqlite3_column_type(st, 10) != SQLITE_NULL)
			fprintf(f, " (%s ile)", COL(st, 10));
		else if (sqlite3_column_type(st, 11) != SQLITE_NULL &&
		    sqlite3_column_type(st, 9) == SQLITE_NULL)
			fputs(" (hatırlatmalar duraklatıldı)", f);
		fputc('\n', f);
	}
	sqlite3_reset(st);
}

/* The head of the history: who, where, and how the case stands. */
static int
case_head(sqlite3 *db, int64_t id, FILE *f)
{
	sqlite3_stmt *st = db_stmt(db, case_sql);
	char m[12], d[40];

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	tckn_mask(sqlite3_column_text(st, 3) ? (const char *)
	    sqlite3_column_text(st, 3) : "", m);
	fprintf(f, "%s  %s  (T.C. %s, %s)\nbirim: %s  talep: %s\n"
	    "adım: %s", COL(st, 1), COL(st, 2), m,
	    sqlite3_column_text(st, 4) ? (const char *)sqlite3_column_text(st,
	    4) : "e-posta yok", COL(st, 5), COL(st, 8), step_words(st));
	if (sqlite3_column_type(st, 10) != SQLITE_NULL)
		fprintf(f, " (%s ile)", COL(st, 10));
	fprintf(f, "  onay: %s\n", approval_words((const char *)
	    sqlite3_column_text(st, 7)));
	if (sqlite3_column_type(st, 11) != SQLITE_NULL &&
	    sqlite3_column_type(st, 9) == SQLITE_NULL) {
		clock_format_date((time_t)sqlite3_column_int64(st, 11), d);
		fprintf(f, "hatırlatmalar: %s tarihinden beri duraklatıldı\n",
		    d);
	}
	if (sqlite3_column_type(st, 12) != SQLITE_NULL) {
		char iso[32];

		clock_format_iso((time_t)sqlite3_column_int64(st, 12), iso);
		fprintf(f, "%.10s tarihinde anonimleştirildi (robot purge)\n",
		    iso);
	}
	fputs("\ngeçmiş:\n", f);
	sqlite3_reset(st);
	return 0;
}

int
status_print_case(sqlite3 *db, int64_t id, FILE *f)
{
	static const char hist[] =
	    "SELECT e.at_t, e.kind, e.step, e.rule, e.detail, m.subject, "
	    "m.from_addr, e.actor, e.why FROM event e LEFT JOIN message m ON "
	    "m.id = e.message WHERE e.case_id = ?1 OR (e.case_id IS NULL AND "
	    "e.request = (SELECT request FROM cases WHERE id = ?1)) "
	    "ORDER BY e.at_t, e.id";
	sqlite3_stmt *st;
	struct out o;
	char t[32];
	FILE *out;

	/* Every 11-digit run of a history masked: a number in a subject, a
	 * reason, what a rule extracted. */
	if ((out = out_open(&o, f, 0)) == NULL)
		return -1;
	f = out;
	if (case_head(db, id, f) == -1 || (st = db_stmt(db, hist)) == NULL) {
		out_close(&o);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *step = sqlite3_column_text(st, 2);
		const unsigned char *subj = sqlite3_column_text(st, 5);

		clock_format_iso((time_t)sqlite3_column_int64(st, 0), t);
		fprintf(f, "  %.16s  %-12s %-20s %s\n", t,
		    sqlite3_column_text(st, 1), step ? (const char *)step : "",
		    sqlite3_column_text(st, 4) ? (const char *)
		    sqlite3_column_text(st, 4) : "");
		/* A correction says who made it and why. */
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			fprintf(f, "  %16s  by %s%s%s\n", "", COL(st, 7),
			    sqlite3_column_type(st, 8) != SQLITE_NULL ? ": " :
			    "", sqlite3_column_type(st, 8) != SQLITE_NULL ?
			    COL(st, 8) : "");
		if (subj)
			fprintf(f, "  %16s  from %s: \"%s\" (rule %s)\n", "",
			    sqlite3_column_text(st, 6), subj,
			    sqlite3_column_text(st, 3) ? (const char *)
			    sqlite3_column_text(st, 3) : "-");
	}
	sqlite3_reset(st);
	return out_close(&o);
}
