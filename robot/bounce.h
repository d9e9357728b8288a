/* bounce: reads delivery reports of the robot's own mail.
 *
 * RFC 3464 (delivery status notifications, multipart/report). */
#ifndef ROBOT_BOUNCE_H
#define ROBOT_BOUNCE_H

#include <sqlite3.h>
#include <time.h>

#include "cfg.h"
#include "mime.h"

/* When msg is a delivery failure report (multipart/report, or from
 * mailer-daemon/postmaster, or with an empty Return-Path) that names one
 * of the robot's outbox Message-IDs (In-Reply-To, References, or any
 * Message-ID in its text or attached headers): marks that outbox row
 * failed with the reason (the report's Diagnostic-Code or Status, else its
 * subject), sets cases.bounced and adds an event 'bounce' on the case.
 * Inside the caller's transaction.  Returns 1 when it was a bounce of the
 * robot's mail, 0 when not, -1 on a database error. */
int bounce_apply(sqlite3 *db, const struct config *cfg,
    const struct mime_msg *msg, time_t now);

#endif
