/* history: the record of what happened to cases and requests, and the
 * numbers the robot counts.  The one owner of the tables event, thread
 * and counter (and so of the case tags' sequence): the state machine
 * (cases), the corrections (admin), the outbox, the reminders and the
 * bounces all write them through here.  Only the retention (purge.h)
 * also empties them, as it does every table.
 *
 *	event	one line of a case's or request's history: a step, a
 *		reminder, a reply, a bounce, a correction
 *	thread	Message-IDs (received or sent) of a case or request, so
 *		that a reply finds them by In-Reply-To/References
 *	counter	named numbers: the year's case tags, the day of the last
 *		purge, a reprocess asked for */
#ifndef ROBOT_HISTORY_H
#define ROBOT_HISTORY_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

/* Records an event on a case or a request (case_id / request 0 for
 * none); message (ledger row, 0 for none), message_id, step, rule and
 * detail may be NULL/0.  The same message never adds the same event
 * twice.  0 or -1. */
int history_event(sqlite3 *db, int64_t case_id, int64_t request,
    int64_t message, const char *message_id, time_t at, const char *kind,
    const char *step, const char *rule, const char *detail);

/* Records an administrator's correction of a case (kind "admin") with
 * who made it and why.  0 or -1. */
int history_correction(sqlite3 *db, int64_t case_id, int64_t message,
    time_t at, const char *step, const char *what, const char *who,
    const char *why);

/* Remembers that message_id (sent or received) belongs to the case or
 * request.  Nothing for an empty message_id.  0 or -1. */
int history_thread(sqlite3 *db, const char *message_id, int64_t request,
    int64_t case_id);

/* The next case tag of now's year ("NES-2026-0042"); caller frees; NULL
 * on a database error. */
char *history_new_tag(sqlite3 *db, time_t now);
/* A tag made elsewhere (an import) is taken: the year's sequence moves
 * past it.  0 or -1; -1 too for a tag not of the form NES-YYYY-N. */
int history_tag_taken(sqlite3 *db, const char *tag);

/* The counter that asks for a reprocess of the mail waiting for a case
 * (1) after the poll: new cases, a corrected name or address. */
#define HISTORY_REPROCESS	"reprocess"

/* A named counter's value, or def when it has none. */
int64_t history_counter(sqlite3 *db, const char *name, int64_t def);
/* Sets a named counter.  0 or -1. */
int history_counter_set(sqlite3 *db, const char *name, int64_t value);

#endif
