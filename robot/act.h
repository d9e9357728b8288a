/* act: what the robot does after each poll, in this order: reminders
 * (remind_run), the weekly digest (digest_run), then the outbox
 * (outbox_send_due, or the last runs of the poll's sender threads), so that
 * mail decided now leaves in the same poll. */
#ifndef ROBOT_ACT_H
#define ROBOT_ACT_H

#include <sqlite3.h>
#include <time.h>

#include "cfg.h"

struct sender;

/* Runs the three steps with their own transactions (call outside any).
 * A failing step is logged and the later ones still run, so a template
 * error cannot hold the outbox back.  When sender (may be NULL) holds the
 * poll's sender threads, their last runs send the outbox and end them
 * (*sender becomes NULL).  Returns 0, or -1 when any step failed. */
int act_after_poll(sqlite3 *db, const struct config *cfg, time_t now,
    struct sender **sender);

#endif
