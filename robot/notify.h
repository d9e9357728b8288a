/* notify: the mail that answers a message: the acknowledgement of a form
 * to the unit head who sent it, and the record of a bounce of the robot's
 * own mail.
 *
 * RFC 3464 (delivery status notifications, multipart/report), RFC 3834
 * (never answer automatic mail). */
#ifndef ROBOT_NOTIFY_H
#define ROBOT_NOTIFY_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"
#include "form.h"
#include "mime.h"

/* Queues ack_unit_head.tmpl to the form's sender (msg->from_addr), listing
 * the people of request_id's form (T.C. Kimlik No masked, with their case
 * tags) and the rows that could not be read, In-Reply-To the form mail.
 * Inside the caller's transaction.  Nothing is sent when [reminders]
 * acknowledge is 0, when the sender is unknown, is the robot itself, or
 * the message is automatic (trust_is_automatic).  Returns 1 queued, 0 not,
 * -1 on a database error. */
int notify_form_ack(sqlite3 *db, const struct config *cfg,
    int64_t request_id, const struct form *form, const struct mime_msg *msg,
    time_t now);

/* When msg is a delivery failure report (multipart/report, or from
 * mailer-daemon/postmaster, or with an empty Return-Path) that names one
 * of the robot's outbox Message-IDs (In-Reply-To, References, or any
 * Message-ID in its text or attached headers): marks that outbox row
 * failed with the reason (the report's Diagnostic-Code or Status, else its
 * subject), sets cases.bounced and adds an event 'bounce' on the case.
 * Inside the caller's transaction.  Returns 1 when it was a bounce of the
 * robot's mail, 0 when not, -1 on a database error. */
int notify_bounce(sqlite3 *db, const struct config *cfg,
    const struct mime_msg *msg, time_t now);

#endif
