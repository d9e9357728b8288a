/* digest: the weekly summary; see digest.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cases.h"
#include "clock.h"
#include "db.h"
#include "digest.h"
#include "digest_int.h"
#include "log.h"
#include "mail.h"
#include "mem.h"
#include "outbox.h"
#include "reason.h"
#include "remind.h"
#include "tckn.h"
#include "tmpl.h"


static const char SQL_STEPS[] =
    "SELECT step, count(*) FROM cases WHERE step <> 'closed' GROUP BY step";
static const char SQL_TICKETS_OPEN[] =
    "SELECT count(*) FROM request r WHERE r.form_t IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id)";
static const char SQL_FINISHED[] =
    "SELECT c.tag, c.name, coalesce(c.unit, r.unit, ''), c.step_t"
    " FROM cases c LEFT JOIN request r ON r.id = c.request"
    " WHERE c.step = 'closed' AND c.step_t >= ?1 ORDER BY c.step_t";
static const char SQL_REQUESTS[] =
    "SELECT (SELECT tag FROM cases c WHERE c.request = r.id ORDER BY id"
    " LIMIT 1), r.ticket, coalesce(r.unit, ''),"
    " (SELECT count(*) FROM cases c WHERE c.request = r.id),"
    " coalesce(r.form_t, r.opened_t, r.created_t)"
    " FROM request r WHERE r.created_t >= ?1 ORDER BY r.created_t";
/* Mail a rule recognised but no case took, and forgeries, one by one; mail
 * no rule recognised only counted: an institutional mailbox gets hundreds
 * of those a week. */
static const char SQL_QUARANTINED[] =
    "SELECT coalesce(date_t, 0), seen_at, coalesce(from_addr, from_hdr, ''),"
    " coalesce(subject, ''), outcome, reason_code FROM message"
    " WHERE outcome IN ('unplaced', 'quarantined') AND seen_at >= ?1"
    " AND NOT (outcome = 'unplaced' AND reason_code IS 'no_rule')"
    " ORDER BY id";
/* A week of a broken rule could leave thousands unplaced: the digest lists
 * this many and counts the rest, so it stays a mail one can read. */
#define DIGEST_MAX_LISTED	100
static const char SQL_UNRECOGNISED[] =
    "SELECT count(*) FROM message WHERE outcome = 'unplaced'"
    " AND reason_code IS 'no_rule' AND seen_at >= ?1";
/* Replies to the robot's mail that state no step: BİDB reads and answers
 * them. */
static const char SQL_REPLIES[] =
    "SELECT coalesce(m.date_t, 0), m.seen_at,"
    " coalesce(m.from_addr, m.from_hdr, ''), coalesce(m.subject, ''),"
    " (SELECT group_concat(c.tag, ' ') FROM event e JOIN cases c"
    "  ON c.id = e.case_id WHERE e.message = m.id AND e.kind = 'reply'),"
    " (SELECT detail FROM event e WHERE e.message = m.id"
    "  AND e.kind = 'reply' LIMIT 1)"
    " FROM message m WHERE m.outcome = 'awaiting' AND m.seen_at >= ?1"
    " ORDER BY m.id";
static const char SQL_UNDELIVERED[] =
    "SELECT created_t, rcpts, coalesce(subject, ''),"
    " coalesce(last_error, '') FROM outbox WHERE state = 'failed'"
    " AND created_t >= ?1 ORDER BY id";
static const char SQL_WEEK_DONE[] =
    "SELECT count(*) FROM digest WHERE week = ?1";
static const char SQL_WEEK_ADD[] =
    "INSERT OR IGNORE INTO digest(week, outbox, created_t)"
    " VALUES (?1, ?2, ?3)";

static const char *
text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

/* Runs st (bound) to its end; 0, or -1 on an error. */
static int
done(sqlite3 *db, sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_err("digest: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

static int
add_counts(sqlite3 *db, struct tmpl_vars *v, long *open_r)
{
	long counts[STEP_LAST + 1] = { 0 };
	sqlite3_stmt *st;
	int rc;

	counts[STEP_TICKET_OPENED] = (long)db_int(db, SQL_TICKETS_OPEN, NULL,
	    0);
	if ((st = db_stmt(db, SQL_STEPS)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum case_step s = case_step_parse(text(st, 0));

		counts[s] += sqlite3_column_int(st, 1);
	}
	if (done(db, st, rc) == -1)
		return -1;
	*open_r = 0;
	for (int s = STEP_TICKET_OPENED; s < STEP_CLOSED; s++) {
		struct tmpl_vars *row = tmpl_list_add(v, "steps");

		tmpl_set(row, "label", case_step_label((enum case_step)s));
		tmpl_set_int(row, "count", counts[s]);
		*open_r += counts[s];
	}
	return digest_add_units(db, v);
}

/* Every overdue request and case, with who holds it, and the totals. */
static int
add_overdue(sqlite3 *db, const struct config *cfg, struct tmpl_vars *v,
    time_t now, struct digest_counts *c)
{
	memset(c, 0, sizeof *c);
	if (digest_add_tickets(db, cfg, v, "overdue", now, NULL, 1, c) == -1 ||
	    digest_add_cases(db, cfg, v, "overdue", now, NULL, 1, c) == -1)
		return -1;
	return 0;
}

static int
add_week(sqlite3 *db, struct tmpl_vars *v, time_t start, long *finished_r)
{
	sqlite3_stmt *st;
	char d[40], iso[32];
	int rc, listed = 0;

	*finished_r = 0;
	if ((st = db_stmt(db, SQL_FINISHED)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)start);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tmpl_vars *row = tmpl_list_add(v, "finished");

		tmpl_set(row, "case_tag", text(st, 0));
		tmpl_set(row, "name", text(st, 1));
		tmpl_set(row, "unit", text(st, 2));
		clock_format_date((time_t)sqlite3_column_int64(st, 3), d);
		tmpl_set(row, "closed_on", d);
		(*finished_r)++;
	}
	if (done(db, st, rc) == -1)
		return -1;

	if ((st = db_stmt(db, SQL_REQUESTS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)start);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tmpl_vars *row = tmpl_list_add(v, "requests");

		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			tmpl_set(row, "case_tag", text(st, 0));
		else if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			tmpl_setf(row, "case_tag", "BYS #%s", text(st, 1));
		else
			tmpl_set(row, "case_tag", "NES");
		tmpl_set(row, "ticket", text(st, 1));
		tmpl_set(row, "unit", text(st, 2));
		tmpl_set_int(row, "people", sqlite3_column_int(st, 3));
		clock_format_date((time_t)sqlite3_column_int64(st, 4), d);
		tmpl_set(row, "received", d);
	}
	if (done(db, st, rc) == -1)
		return -1;

	clock_format_iso(start, iso);
	if ((st = db_stmt(db, SQL_QUARANTINED)) == NULL)
		return -1;
	db_bind_text(st, 1, iso);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tmpl_vars *row;
		time_t t = (time_t)sqlite3_column_int64(st, 0);

		if (++listed > DIGEST_MAX_LISTED)
			continue;	/* counted below, not listed */
		row = tmpl_list_add(v, "quarantined");

		if (t != 0)
			clock_format_date(t, d);
		else
			snprintf(d, sizeof d, "%.10s", text(st, 1));
		tmpl_set(row, "date", d);
		tmpl_set(row, "from", text(st, 2));
		tmpl_set(row, "subject", text(st, 3));
		tmpl_setf(row, "reason", "%s: %s", strcmp(text(st, 4),
		    "quarantined") == 0 ? "karantina" : "yerleştirilemedi",
		    reason_words(reason_parse(text(st, 5))));
	}
	if (done(db, st, rc) == -1)
		return -1;
	if (listed > DIGEST_MAX_LISTED)
		tmpl_set_int(v, "quarantined_more", listed - DIGEST_MAX_LISTED);

	if ((st = db_stmt(db, SQL_UNRECOGNISED)) == NULL)
		return -1;
	db_bind_text(st, 1, iso);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0) > 0)
			tmpl_set_int(v, "unrecognised",
			    sqlite3_column_int(st, 0));
		rc = sqlite3_step(st);
	}
	if (done(db, st, rc) == -1)
		return -1;

	if ((st = db_stmt(db, SQL_REPLIES)) == NULL)
		return -1;
	db_bind_text(st, 1, iso);
	listed = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tmpl_vars *row;
		time_t t = (time_t)sqlite3_column_int64(st, 0);

		if (++listed > DIGEST_MAX_LISTED)
			continue;
		row = tmpl_list_add(v, "replies");
		if (t != 0)
			clock_format_date(t, d);
		else
			snprintf(d, sizeof d, "%.10s", text(st, 1));
		tmpl_set(row, "date", d);
		tmpl_set(row, "from", text(st, 2));
		tmpl_set(row, "subject", text(st, 3));
		tmpl_set(row, "cases", text(st, 4));
		tmpl_set(row, "gist", text(st, 5));
	}
	if (done(db, st, rc) == -1)
		return -1;
	if (listed > DIGEST_MAX_LISTED)
		tmpl_set_int(v, "replies_more", listed - DIGEST_MAX_LISTED);

	if ((st = db_stmt(db, SQL_UNDELIVERED)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)start);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tmpl_vars *row = tmpl_list_add(v, "undelivered");

		clock_format_date((time_t)sqlite3_column_int64(st, 0), d);
		tmpl_set(row, "date", d);
		tmpl_set(row, "to", text(st, 1));
		tmpl_set(row, "subject", text(st, 2));
		/* The server's own words, quoted after ours. */
		tmpl_setf(row, "reason", "gönderilemedi%s%s%s", *text(st, 3) ?
		    " (sunucunun yanıtı: " : "", text(st, 3), *text(st, 3) ?
		    ")" : "");
	}
	return done(db, st, rc);
}

int
digest_render(sqlite3 *db, const struct config *cfg, time_t now,
    char **subject_r, char **text_r, char **html_r)
{
	struct tmpl_vars *v = tmpl_vars_new();
	struct digest_counts c;
	time_t start = now - DIGEST_WEEK;
	long open = 0, finished = 0, moved = 0;
	char err[512];
	int ret = -1, year;

	*subject_r = *text_r = *html_r = NULL;
	digest_set_period(v, cfg, now);
	/* The Bayram days of the coming months must be in the file, or
	 * reminders fall on them: said at the top, every week. */
	if ((year = clock_holidays_missing_year(now,
	    CLOCK_HOLIDAYS_AHEAD)) != 0)
		tmpl_set_int(v, "holidays_missing", year);
	tmpl_set(v, "holidays_file", cfg->robot.holidays_file ?
	    cfg->robot.holidays_file : "");
	tmpl_set_int(v, "holidays_ahead", CLOCK_HOLIDAYS_AHEAD);
	if (add_counts(db, v, &open) == -1 ||
	    add_overdue(db, cfg, v, now, &c) == -1 ||
	    digest_add_moves(db, v, start, NULL, &moved) == -1 ||
	    add_week(db, v, start, &finished) == -1)
		goto out;
	tmpl_set_int(v, "open_total", open);
	tmpl_set_int(v, "overdue_total", c.overdue);
	tmpl_set_int(v, "escalated_total", c.escalated);
	tmpl_set_int(v, "kamusm_total", c.kamusm);
	tmpl_set_int(v, "moved_total", moved);
	tmpl_set_int(v, "finished_total", finished);
	if (mail_render(cfg->robot.templates_dir, "digest.tmpl", v, subject_r,
	    text_r, html_r, err, sizeof err) == -1) {
		log_err("digest: %s", err);
		goto out;
	}
	/* Printed or sent, the digest shows no T.C. Kimlik No in full,
	 * not even one a subject or a reason carries. */
	tckn_mask_text(*subject_r);
	tckn_mask_text(*text_r);
	tckn_mask_text(*html_r);
	ret = 0;
out:
	tmpl_vars_free(&v);
	return ret;
}

/* The ISO date of the Monday of now's local week. */
static void
week_key(time_t now, char out[40])
{
	struct tm tm;
	int back;
	time_t mon;

	clock_local(now, &tm);
	back = tm.tm_wday == 0 ? 6 : tm.tm_wday - 1;
	/* Noon, so that stepping back whole days cannot cross midnight. */
	mon = clock_make_local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    12) - (time_t)back * 24 * 3600;
	clock_local(mon, &tm);
	snprintf(out, 40, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
}

/* Queues the digest and records the week, in one transaction. */
static int
queue_digest(sqlite3 *db, const struct config *cfg, time_t now,
    const char *week)
{
	char *subject = NULL, *txt = NULL, *html = NULL;
	const char *bidb = cfg->institution.bidb;
	struct outbox_mail m;
	sqlite3_stmt *st;
	int64_t oid = 0;
	int q, ret = -1;

	if (digest_render(db, cfg, now, &subject, &txt, &html) == -1)
		return -1;
	memset(&m, 0, sizeof m);
	m.kind = "digest.tmpl";
	if (cfg->digest.nto > 0) {
		m.to = (const char *const *)cfg->digest.to;
		m.nto = cfg->digest.nto;
	} else {
		m.to = &bidb;
		m.nto = bidb ? 1 : 0;
	}
	m.subject = subject;
	m.text = txt;
	m.html = html;
	if (db_begin(db) == -1)
		goto out;
	if ((q = outbox_queue(db, cfg, &m, now, &oid)) == -1)
		goto rollback;
	/* The unit heads' parts go with it, recorded by the same week. */
	if (cfg->digest.unit_heads && digest_queue_heads(db, cfg, now) == -1)
		goto rollback;
	if ((st = db_stmt(db, SQL_WEEK_ADD)) == NULL)
		goto rollback;
	db_bind_text(st, 1, week);
	if (oid)
		sqlite3_bind_int64(st, 2, oid);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_err("digest: %s", db_errmsg(db));
		sqlite3_reset(st);
		goto rollback;
	}
	sqlite3_reset(st);
	if (db_commit(db) == -1)
		goto rollback;
	log_info("digest: week of %s %s", week, q ? "queued" :
	    "not queued (see above)");
	ret = q;
	goto out;
rollback:
	db_rollback(db);
out:
	free(subject);
	free(txt);
	free(html);
	return ret;
}

int
digest_run(sqlite3 *db, const struct config *cfg, time_t now)
{
	struct tm tm;
	char week[40];
	int wd;

	clock_local(now, &tm);
	wd = tm.tm_wday == 0 ? 7 : tm.tm_wday;
	if (wd != (cfg->digest.weekday ? cfg->digest.weekday : 1) ||
	    tm.tm_hour < cfg->digest.hour)
		return 0;
	week_key(now, week);
	if (db_int(db, SQL_WEEK_DONE, week, 0) > 0)
		return 0;
	return queue_digest(db, cfg, now, week);
}

int
digest_print(sqlite3 *db, const struct config *cfg, time_t now, FILE *f)
{
	char *subject, *txt, *html;

	if (digest_render(db, cfg, now, &subject, &txt, &html) == -1)
		return -1;
	fputs(txt, f);
	free(subject);
	free(txt);
	free(html);
	return ferror(f) ? -1 : 0;
}

int
digest_send_now(sqlite3 *db, const struct config *cfg, time_t now)
{
	char week[40];

	week_key(now, week);
	if (queue_digest(db, cfg, now, week) != 1)
		return -1;
	return outbox_send_due(db, cfg, now) == -1 ? -1 : 0;
}
