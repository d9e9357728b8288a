/* digest_int.h: the sections that BİDB's weekly digest and the unit
 * heads' own share (digest_parts.c), for digest.c alone.
 *
 * head narrows a section to the requests whose unit head (request.
 * requester_email) is that address, compared without case; NULL is every
 * request.  Rows are appended to the list called list of v, with the
 * fields templates/README.md names for it. */
#ifndef ROBOT_DIGEST_INT_H
#define ROBOT_DIGEST_INT_H

#include <sqlite3.h>
#include <time.h>

#include "cfg.h"
#include "tmpl.h"

/* The period a digest looks back on. */
#define DIGEST_WEEK	(7 * 24 * 3600)

/* What a pass over open cases or waiting tickets counted. */
struct digest_counts {
	long	 listed;	/* rows added */
	long	 open;		/* cases or tickets looked at */
	long	 overdue;	/* past their first reminder threshold */
	long	 escalated;	/* ... and handed to BİDB by an escalation */
	long	 kamusm;	/* waiting on Kamu SM (remind_at_kamusm) */
};

/* Requests with a ticket and no form yet, oldest first, as rows
 * (case_tag "BYS #ticket", ticket, name "", unit, step_label, holder,
 * at_kamusm, since, days, overdue, escalated); with overdue_only only
 * those past the ticket threshold.  Adds to *c.  0 or -1. */
int digest_add_tickets(sqlite3 *db, const struct config *cfg,
    struct tmpl_vars *v, const char *list, time_t now, const char *head,
    int overdue_only, struct digest_counts *c);

/* Cases not closed, longest waiting first, as rows (case_tag, name,
 * unit, step_label, holder, at_kamusm, since, days, overdue, escalated);
 * with overdue_only only the overdue ones.  Adds to *c.  0 or -1. */
int digest_add_cases(sqlite3 *db, const struct config *cfg,
    struct tmpl_vars *v, const char *list, time_t now, const char *head,
    int overdue_only, struct digest_counts *c);

/* What moved since start: one row per step change (from, to, count,
 * cases: "Ad Soyad [NES-…]" joined, at_kamusm), from being the furthest
 * step a case had reached before start ("Yeni kayıt" for a case made
 * since) and to its step now.  *n_r is the number of cases that moved.
 * 0 or -1. */
int digest_add_moves(sqlite3 *db, struct tmpl_vars *v, time_t start,
    const char *head, long *n_r);

/* Open cases and requests still waiting for their form, per unit
 * (unit, count, waiting_form).  0 or -1. */
int digest_add_units(sqlite3 *db, struct tmpl_vars *v);

/* The variables every digest has: today, period_start, period_end
 * (the seven days before now), bidb_address, robot_address. */
void digest_set_period(struct tmpl_vars *v, const struct config *cfg,
    time_t now);

/* Queues digest_unit_head.tmpl to every unit head (remind_unit_head)
 * with a request still open (a case not closed, or a ticket waiting for
 * its form): their cases, their tickets, what moved and what was closed
 * this week.  Inside the caller's transaction.  Returns the number
 * queued, or -1 on a database error (a template that does not render is
 * logged and skipped). */
int digest_queue_heads(sqlite3 *db, const struct config *cfg, time_t now);

#endif
