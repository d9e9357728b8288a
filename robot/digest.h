/* digest: the weekly summary for BİDB ([digest] to, weekday, hour).
 *
 * What moved over the seven days before now (cases per step change);
 * counts of open cases per step, and per unit with the requests still
 * waiting for their form; every overdue case (remind_case_overdue) and
 * every request waiting for its form past the ticket threshold, with who
 * holds it and since when, those waiting on Kamu SM shown as such and
 * those escalated marked with the day; cases closed, new requests,
 * unplaced and quarantined messages, replies waiting for BİDB and mail
 * that could not be delivered.  At the top, a warning when the holiday
 * file lacks a year the next CLOCK_HOLIDAYS_AHEAD days reach.
 *
 * With [digest] unit_heads, each unit head with an open request gets the
 * part about their own requests at the same time (digest_head.c). */
#ifndef ROBOT_DIGEST_H
#define ROBOT_DIGEST_H

#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

#include "cfg.h"

/* Renders templates/digest.tmpl for now.  Returns 0 with the subject, text
 * and HTML body (html may be NULL) owned by the caller, or -1 (logged)
 * with nothing to free. */
int digest_render(sqlite3 *db, const struct config *cfg, time_t now,
    char **subject_r, char **text_r, char **html_r);

/* On [digest] weekday at or after its hour (local time), once per week
 * (table digest, keyed by the week's Monday), queues the digest, and the
 * unit heads' when [digest] unit_heads is set.  Own
 * transaction: call outside any.  Returns 1 queued, 0 not due (or already
 * sent this week), -1 on an error. */
int digest_run(sqlite3 *db, const struct config *cfg, time_t now);

/* The `digest` command: writes the text body to f.  0 or -1. */
int digest_print(sqlite3 *db, const struct config *cfg, time_t now, FILE *f);

/* `digest --send`: queues the digest now, whatever the day, records it as
 * this week's (so the scheduled one does not follow it the same week)
 * and sends the due outbox.  0 or -1. */
int digest_send_now(sqlite3 *db, const struct config *cfg, time_t now);

#endif
