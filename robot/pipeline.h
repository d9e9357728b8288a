/* pipeline: a recorded message through the state machine and out again.
 *
 *	ledger row --> cases_apply (decides: outcome, reason, effects)
 *	           --> effects: mail (the acknowledgement of a form),
 *	               bounce (a report on the robot's own mail)
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

/* Re-examines unplaced messages, without fetching them again: every one
 * (after a rule change), or with waiting set only those a rule recognised
 * but no case was found for (after new cases).  One transaction per
 * message.  Returns the number applied now, or -1. */
int pipeline_reprocess(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, time_t now, int waiting);

#endif
