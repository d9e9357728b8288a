/* mail: renders the mail the robot writes and queues it (outbox.h).
 *
 * The acknowledgement of a form to the unit head who sent it is written
 * here; reminders (remind.h) and the digest (digest.h) fill their
 * templates themselves and render them through mail_render, so every
 * kind of outgoing mail is rendered here against its kind's variables.
 * RFC 3834: automatic mail is never answered. */
#ifndef ROBOT_MAIL_H
#define ROBOT_MAIL_H

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
int mail_form_ack(sqlite3 *db, const struct config *cfg,
    int64_t request_id, const struct form *form, const struct mime_msg *msg,
    time_t now);

#endif
