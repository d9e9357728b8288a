/* pipeline: a recorded message through the state machine and out again.
 *
 *	ledger row --> cases_apply (decides: outcome, reason, effects)
 *	           --> effects: the acknowledgement of a form (rendered by
 *	               mail.h, queued in the outbox), a report on the
 *	               robot's own mail (bounce.h)
 *	           --> the outcome and its reason on the ledger row
 *
 * All in the caller's transaction (the fetch's savepoint per message):
 * a decision, the mail it causes and the outcome land together or not
 * at all. */
#ifndef ROBOT_PIPELINE_H
#define ROBOT_PIPELINE_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "cases.h"
#include "cfg.h"
#include "mime.h"
#include "rules.h"

/* Decides on the message of ledger row id (0: none, nothing recorded),
 * does what the decision calls for and records its outcome.  Returns 0,
 * or -1 on a database error (roll back). */
int pipeline_apply(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, int64_t id, const struct mime_msg *msg,
    time_t now, struct case_outcome *out);

/* Queues ack_unit_head.tmpl to the form's sender (msg->from_addr), listing
 * the people of request_id's form (T.C. Kimlik No masked, with their case
 * tags) and the rows that could not be read, In-Reply-To the form mail.
 * Inside the caller's transaction.  Nothing is sent when [reminders]
 * acknowledge is 0, when the sender is unknown, is the robot itself, or
 * the message is automatic (RFC 3834).  Returns 1 queued, 0 not, -1 on a
 * database error.  (pipeline_ack.c) */
int pipeline_ack_form(sqlite3 *db, const struct config *cfg,
    int64_t request_id, const struct form *form, const struct mime_msg *msg,
    time_t now);

/* Re-examines unplaced messages: every one (after a rule change), or with
 * waiting set only those a rule recognised but no case was found for
 * (after new cases).  Each is read back by fetch_load: from the ledger,
 * or, when its text is not kept, from the server (connected on first
 * need); one gone from the server stays unplaced (logged).  One
 * transaction per message.  Returns the number applied now, or -1 (also
 * when the server could not be reached: the messages whose text is kept
 * are re-examined all the same). */
int pipeline_reprocess(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, time_t now, int waiting);

#endif
