/* digest_parts: the sections BİDB's digest and the unit heads' share;
 * see digest_int.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"
#include "cases.h"
#include "clock.h"
#include "db.h"
#include "digest_int.h"
#include "log.h"
#include "mem.h"
#include "remind.h"

/* ?9 is the unit head, lower case, or NULL for every request. */
#define HEAD_IS	" (?9 IS NULL OR lower(r.requester_email) = ?9)"

static const char SQL_TICKETS[] =
    "SELECT r.id, r.ticket, coalesce(r.unit, ''), r.opened_t FROM request r"
    " WHERE r.form_t IS NULL AND r.opened_t IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id) AND"
    HEAD_IS " ORDER BY r.opened_t, r.id";
/* Every case not closed, with what the counts need: the row itself is
 * read again only when it is listed. */
static const char SQL_CASES[] =
    "SELECT c.id, c.step, c.approval, c.step_t, c.paused_t FROM cases c"
    " LEFT JOIN request r"
    " ON r.id = c.request WHERE c.step <> 'closed' AND" HEAD_IS
    " ORDER BY c.step_t, c.id";
static const char SQL_CASE[] =
    "SELECT c.tag, c.name, coalesce(c.unit, r.unit, ''), c.step, c.step_t,"
    " c.approval FROM cases c LEFT JOIN request r ON r.id = c.request"
    " WHERE c.id = ?1";
static const char SQL_ESC_CASE[] =
    "SELECT max(sent_t) FROM reminder WHERE case_id = ?1 AND step = ?2"
    " AND recipient = 'escalation'";
static const char SQL_ESC_TICKET[] =
    "SELECT max(sent_t) FROM reminder WHERE request = ?1 AND case_id IS NULL"
    " AND step = 'ticket_opened' AND recipient = 'escalation'";
/* The cases that reached their step since ?1, with every step their
 * history had shown before it. */
static const char SQL_MOVES[] =
    "SELECT c.tag, coalesce(c.name, ''), c.step, c.approval,"
    " (SELECT group_concat(e.step, ' ') FROM event e WHERE e.case_id = c.id"
    "  AND e.kind = 'step' AND e.at_t < ?1)"
    " FROM cases c LEFT JOIN request r ON r.id = c.request"
    " WHERE c.step_t >= ?1 AND" HEAD_IS " ORDER BY c.step_t, c.id";
static const char SQL_UNITS[] =
    "SELECT u, sum(n), sum(w) FROM ("
    " SELECT coalesce(c.unit, r.unit, '?') AS u, 1 AS n, 0 AS w FROM cases c"
    " LEFT JOIN request r ON r.id = c.request WHERE c.step <> 'closed'"
    " UNION ALL"
    " SELECT coalesce(r.unit, '?'), 0, 1 FROM request r WHERE r.form_t IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id))"
    " GROUP BY u ORDER BY u";

static const char *
text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

/* Runs st to its end; 0, or -1 on an error. */
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

static void
bind_head(sqlite3_stmt *st, const char *head, struct buf *low)
{
	buf_reset(low);
	if (head == NULL)
		return;
	for (const char *p = head; *p; p++)
		buf_putc(low, ascii_lower((unsigned char)*p));
	db_bind_text(st, 9, buf_str(low));
}

/* When the case (or the ticket, case_id 0) was handed to BİDB by an
 * escalation at its step, as a date in out; "" when it was not. */
static int
escalated_on(sqlite3 *db, int64_t case_id, int64_t request,
    const char *step, char out[40])
{
	sqlite3_stmt *st = db_stmt(db, case_id ? SQL_ESC_CASE :
	    SQL_ESC_TICKET);
	int rc;

	out[0] = '\0';
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id ? case_id : request);
	if (case_id)
		db_bind_text(st, 2, step);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			clock_format_date((time_t)sqlite3_column_int64(st, 0),
			    out);
		rc = sqlite3_step(st);
	}
	return done(db, st, rc);
}

int
digest_add_tickets(sqlite3 *db, const struct config *cfg,
    struct tmpl_vars *v, const char *list, time_t now, const char *head,
    int overdue_only, struct digest_counts *c)
{
	struct buf low = BUF_INIT;
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	time_t *since = NULL;
	char **tickets = NULL, **units = NULL, d[40], esc[40];
	size_t n = 0, i;
	int rc, ret = -1, first = cfg->reminders.ticket_first;

	/* Read first: escalated_on uses a statement of its own. */
	if ((st = db_stmt(db, SQL_TICKETS)) == NULL)
		goto out;
	bind_head(st, head, &low);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		since = xrealloc(since, (n + 1) * sizeof *since);
		tickets = xrealloc(tickets, (n + 1) * sizeof *tickets);
		units = xrealloc(units, (n + 1) * sizeof *units);
		ids[n] = sqlite3_column_int64(st, 0);
		tickets[n] = db_col_strdup(st, 1);
		units[n] = xstrdup(text(st, 2));
		since[n] = (time_t)sqlite3_column_int64(st, 3);
		n++;
	}
	if (done(db, st, rc) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		int days = clock_business_days_between(since[i], now);
		int overdue = days >= (first < 1 ? 1 : first);
		struct tmpl_vars *row;

		c->open++;
		if (!overdue && overdue_only)
			continue;
		if (escalated_on(db, 0, ids[i], NULL, esc) == -1)
			goto out;
		c->overdue += overdue;
		c->escalated += overdue && *esc;
		c->listed++;
		row = tmpl_list_add(v, list);
		if (tickets[i])
			tmpl_setf(row, "case_tag", "BYS #%s", tickets[i]);
		else
			tmpl_set(row, "case_tag", "NES");
		tmpl_set(row, "ticket", tickets[i] ? tickets[i] : "");
		tmpl_set(row, "name", "");
		tmpl_set(row, "unit", units[i]);
		tmpl_set(row, "step_label", case_step_label(
		    STEP_TICKET_OPENED));
		tmpl_set(row, "holder", remind_holder(STEP_TICKET_OPENED,
		    NULL));
		tmpl_set(row, "at_kamusm", "");
		clock_format_date(since[i], d);
		tmpl_set(row, "since", d);
		tmpl_set_int(row, "days", days);
		tmpl_set(row, "overdue", overdue ? "1" : "");
		tmpl_set(row, "escalated", esc);
	}
	ret = 0;
out:
	for (i = 0; i < n; i++) {
		free(tickets[i]);
		free(units[i]);
	}
	free(tickets);
	free(units);
	free(ids);
	free(since);
	buf_free(&low);
	return ret;
}

/* Fills row from case id; *esc_r is 1 when it was escalated at its
 * step.  0, or -1. */
static int
case_row(sqlite3 *db, int64_t id, time_t now, int overdue,
    struct tmpl_vars *row, int *esc_r)
{
	sqlite3_stmt *st;
	enum case_step s;
	const char *h, *appr;
	char d[40], esc[40], *step = NULL;
	time_t since;

	if ((st = db_stmt(db, SQL_CASE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	s = case_step_parse(text(st, 3));
	since = (time_t)sqlite3_column_int64(st, 4);
	appr = (const char *)sqlite3_column_text(st, 5);
	h = remind_holder(s, appr);
	tmpl_set(row, "case_tag", text(st, 0));
	tmpl_set(row, "name", text(st, 1));
	tmpl_set(row, "unit", text(st, 2));
	tmpl_set(row, "step_label", case_step_label(s));
	tmpl_set(row, "holder", h ? h : "");
	tmpl_set(row, "at_kamusm", remind_at_kamusm(s, appr) ? "1" : "");
	clock_format_date(since, d);
	tmpl_set(row, "since", d);
	tmpl_set_int(row, "days", clock_business_days_between(since, now));
	tmpl_set(row, "overdue", overdue ? "1" : "");
	step = xstrdup(text(st, 3));
	sqlite3_reset(st);
	if (escalated_on(db, id, 0, step, esc) == -1) {
		free(step);
		return -1;
	}
	free(step);
	tmpl_set(row, "escalated", esc);
	*esc_r = *esc != '\0';
	return 0;
}

int
digest_add_cases(sqlite3 *db, const struct config *cfg,
    struct tmpl_vars *v, const char *list, time_t now, const char *head,
    int overdue_only, struct digest_counts *c)
{
	struct buf low = BUF_INIT;
	sqlite3_stmt *st;
	struct { int64_t id; int late; } *rows = NULL;
	size_t n = 0, cap = 0, i;
	int rc, ret = -1, late;

	if ((st = db_stmt(db, SQL_CASES)) == NULL)
		goto out;
	bind_head(st, head, &low);
	/* Counted from the row (ten thousand cases are not read twice);
	 * the rows listed are read after the query ends. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		late = remind_overdue_of(cfg, text(st, 1),
		    (time_t)sqlite3_column_int64(st, 3),
		    (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_type(st, 4) != SQLITE_NULL, now);
		c->open++;
		c->kamusm += remind_at_kamusm(case_step_parse(text(st, 1)),
		    (const char *)sqlite3_column_text(st, 2));
		c->overdue += late;
		if (!late && overdue_only)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		rows[n].id = sqlite3_column_int64(st, 0);
		rows[n++].late = late;
	}
	if (done(db, st, rc) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		struct tmpl_vars *row = tmpl_list_add(v, list);
		int esc;

		if (case_row(db, rows[i].id, now, rows[i].late, row,
		    &esc) == -1)
			goto out;
		c->listed++;
		c->escalated += rows[i].late && esc;
	}
	ret = 0;
out:
	if (ret == -1)
		log_err("digest: %s", db_errmsg(db));
	free(rows);
	buf_free(&low);
	return ret;
}

/* One step change and the cases that made it. */
struct move {
	enum case_step	 from, to;
	int		 kamusm;
	long		 count;
	struct buf	 cases;
};

static struct move *
move_slot(struct move **ms, size_t *n, enum case_step from,
    enum case_step to, int kamusm)
{
	struct move *m;

	for (size_t i = 0; i < *n; i++)
		if ((*ms)[i].from == from && (*ms)[i].to == to &&
		    (*ms)[i].kamusm == kamusm)
			return &(*ms)[i];
	*ms = xrealloc(*ms, (*n + 1) * sizeof **ms);
	m = &(*ms)[(*n)++];
	memset(m, 0, sizeof *m);
	m->from = from;
	m->to = to;
	m->kamusm = kamusm;
	return m;
}

static int
move_cmp(const void *a, const void *b)
{
	const struct move *x = a, *y = b;

	if (x->to != y->to)
		return (int)x->to - (int)y->to;
	if (x->from != y->from)
		return (int)x->from - (int)y->from;
	return x->kamusm - y->kamusm;
}

/* The furthest step among space-separated keys; STEP_NONE for none. */
static enum case_step
furthest(const char *keys)
{
	enum case_step best = STEP_NONE, s;
	char *copy = xstrdup(keys), *p = copy, *e;

	while (*p) {
		if ((e = strchr(p, ' ')) != NULL)
			*e = '\0';
		if ((s = case_step_parse(p)) > best)
			best = s;
		if (e == NULL)
			break;
		p = e + 1;
	}
	free(copy);
	return best;
}

int
digest_add_moves(sqlite3 *db, struct tmpl_vars *v, time_t start,
    const char *head, long *n_r)
{
	struct buf low = BUF_INIT;
	struct move *ms = NULL;
	sqlite3_stmt *st;
	size_t n = 0, i;
	int rc, ret = -1;

	*n_r = 0;
	if ((st = db_stmt(db, SQL_MOVES)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)start);
	bind_head(st, head, &low);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum case_step to = case_step_parse(text(st, 2));
		enum case_step from = furthest(text(st, 4));
		struct move *m;

		/* A late mail of an earlier step moved nothing. */
		if (from >= to)
			continue;
		m = move_slot(&ms, &n, from, to, remind_at_kamusm(to,
		    (const char *)sqlite3_column_text(st, 3)));
		buf_printf(&m->cases, "%s%s [%s]", m->count ? ", " : "",
		    text(st, 1), text(st, 0));
		m->count++;
		(*n_r)++;
	}
	if (done(db, st, rc) == -1)
		goto out;
	if (n > 1)
		qsort(ms, n, sizeof *ms, move_cmp);
	for (i = 0; i < n; i++) {
		struct tmpl_vars *row = tmpl_list_add(v, "moves");

		tmpl_set(row, "from", ms[i].from == STEP_NONE ? "Yeni kayıt" :
		    case_step_label(ms[i].from));
		tmpl_set(row, "to", case_step_label(ms[i].to));
		tmpl_set_int(row, "count", ms[i].count);
		tmpl_set(row, "cases", buf_str(&ms[i].cases));
		tmpl_set(row, "at_kamusm", ms[i].kamusm ? "1" : "");
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		buf_free(&ms[i].cases);
	free(ms);
	buf_free(&low);
	return ret;
}

int
digest_add_units(sqlite3 *db, struct tmpl_vars *v)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_UNITS)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tmpl_vars *row = tmpl_list_add(v, "units");

		tmpl_set(row, "unit", text(st, 0));
		tmpl_set_int(row, "count", sqlite3_column_int(st, 1));
		tmpl_set_int(row, "waiting_form", sqlite3_column_int(st, 2));
	}
	return done(db, st, rc);
}

void
digest_set_period(struct tmpl_vars *v, const struct config *cfg,
    time_t now)
{
	char d[40];

	clock_format_date(now, d);
	tmpl_set(v, "today", d);
	tmpl_set(v, "period_end", d);
	clock_format_date(now - DIGEST_WEEK, d);
	tmpl_set(v, "period_start", d);
	tmpl_set(v, "bidb_address", cfg->institution.bidb ?
	    cfg->institution.bidb : "");
	tmpl_set(v, "robot_address", cfg->institution.robot ?
	    cfg->institution.robot : cfg->smtp.from ? cfg->smtp.from : "");
}
