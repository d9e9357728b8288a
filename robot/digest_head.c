/* digest_head: each unit head's part of the weekly digest ([digest]
 * unit_heads); see digest_int.h.
 *
 * A dean wants to know where their own people stand, not the whole
 * university's: the open cases of the requests they made (who holds each
 * up, since when, which are overdue or handed to BİDB), their tickets
 * still waiting for the form, and what moved or was closed this week. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "digest_int.h"
#include "log.h"
#include "mail.h"
#include "mem.h"
#include "outbox.h"
#include "remind.h"

/* The unit heads with a request still open, and a name to greet each
 * with (the latest requester the ticket system gave for them). */
static const char SQL_HEADS[] =
    "SELECT lower(r.requester_email),"
    " (SELECT r2.requester FROM request r2 WHERE lower(r2.requester_email)"
    "  = lower(r.requester_email) AND r2.requester IS NOT NULL"
    "  ORDER BY r2.id DESC LIMIT 1)"
    " FROM request r WHERE r.requester_email IS NOT NULL"
    " AND (EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id"
    "  AND c.step <> 'closed')"
    " OR (r.form_t IS NULL AND r.opened_t IS NOT NULL"
    "  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id)))"
    " GROUP BY lower(r.requester_email) ORDER BY 1";
static const char SQL_FINISHED[] =
    "SELECT c.tag, c.name, coalesce(c.unit, r.unit, ''), c.step_t"
    " FROM cases c JOIN request r ON r.id = c.request"
    " WHERE c.step = 'closed' AND c.step_t >= ?1"
    " AND lower(r.requester_email) = ?2 ORDER BY c.step_t";

struct head {
	char	*addr;		/* lower case */
	char	*name;		/* or NULL */
};

static int
add_finished(sqlite3 *db, struct tmpl_vars *v, time_t start,
    const char *head)
{
	sqlite3_stmt *st;
	char d[40];
	int rc;

	if ((st = db_stmt(db, SQL_FINISHED)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)start);
	db_bind_text(st, 2, head);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tmpl_vars *row = tmpl_list_add(v, "finished");
		const char *s;

		s = (const char *)sqlite3_column_text(st, 0);
		tmpl_set(row, "case_tag", s ? s : "");
		s = (const char *)sqlite3_column_text(st, 1);
		tmpl_set(row, "name", s ? s : "");
		s = (const char *)sqlite3_column_text(st, 2);
		tmpl_set(row, "unit", s ? s : "");
		clock_format_date((time_t)sqlite3_column_int64(st, 3), d);
		tmpl_set(row, "closed_on", d);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Renders and queues one head's digest.  1 queued, 0 not, -1. */
static int
queue_one(sqlite3 *db, const struct config *cfg, const struct head *h,
    time_t now)
{
	struct tmpl_vars *v = tmpl_vars_new();
	struct digest_counts c;
	struct outbox_mail m;
	char *subject = NULL, *text = NULL, *html = NULL, err[512];
	const char *to = h->addr;
	long moved = 0;
	int ret = -1;

	memset(&c, 0, sizeof c);
	digest_set_period(v, cfg, now);
	tmpl_set(v, "recipient_name", h->name ? h->name : "");
	if (digest_add_tickets(db, cfg, v, "tickets", now, h->addr, 0,
	    &c) == -1 || digest_add_cases(db, cfg, v, "cases", now, h->addr,
	    0, &c) == -1 || digest_add_moves(db, v, now - DIGEST_WEEK,
	    h->addr, &moved) == -1 || add_finished(db, v, now - DIGEST_WEEK,
	    h->addr) == -1)
		goto out;
	tmpl_set_int(v, "open_total", c.open);
	tmpl_set_int(v, "overdue_total", c.overdue);
	tmpl_set_int(v, "kamusm_total", c.kamusm);
	tmpl_set_int(v, "moved_total", moved);
	if (mail_render(cfg->robot.templates_dir, "digest_unit_head.tmpl", v,
	    &subject, &text, &html, err, sizeof err) == -1) {
		log_err("digest: %s", err);
		ret = 0;
		goto out;
	}
	memset(&m, 0, sizeof m);
	m.kind = "digest_unit_head.tmpl";
	m.to = &to;
	m.nto = 1;
	m.subject = subject;
	m.text = text;
	m.html = html;
	/* A dean's answer to it is a question for BİDB. */
	m.reply_to_bidb = 1;
	ret = outbox_queue(db, cfg, &m, now, NULL);
out:
	free(subject);
	free(text);
	free(html);
	tmpl_vars_free(&v);
	return ret;
}

int
digest_queue_heads(sqlite3 *db, const struct config *cfg, time_t now)
{
	struct head *hs = NULL;
	sqlite3_stmt *st;
	size_t n = 0, i;
	int rc, r, total = 0;

	if ((st = db_stmt(db, SQL_HEADS)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);

		/* BİDB named as a requester is no unit head. */
		if (remind_unit_head(cfg, a) == NULL)
			continue;
		hs = xrealloc(hs, (n + 1) * sizeof *hs);
		hs[n].addr = xstrdup(a);
		hs[n].name = db_col_strdup(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		total = -1;
	for (i = 0; i < n && total != -1; i++) {
		if ((r = queue_one(db, cfg, &hs[i], now)) == -1)
			total = -1;
		else
			total += r;
	}
	if (total == -1)
		log_err("digest: %s", db_errmsg(db));
	for (i = 0; i < n; i++) {
		free(hs[i].addr);
		free(hs[i].name);
	}
	free(hs);
	return total;
}
