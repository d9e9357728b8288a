/* digest: the weekly summary for BİDB ([digest] to, weekday, hour).
 *
 * Counts of open cases per step and per unit; every overdue case
 * (remind_case_overdue) and every request still waiting for its form past
 * the ticket threshold, with who holds it and since when; cases closed,
 * new requests, unplaced and quarantined messages and mail that could not
 * be delivered, all over the seven days before now. */
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
 * (table digest, keyed by the week's Monday), queues the digest.  Own
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
