/* sender: the outbox sent while a poll is still fetching.
 *
 * A first poll queues its acknowledgements as it goes, and each mail
 * waits on the SMTP server for a few tens of milliseconds: sent only
 * after the fetch, they would add that time to the poll's.  So the first
 * new message of a `poll` or of a `run`'s poll starts a thread for the
 * rest of the poll (robot_apply) that sends what is due with
 * outbox_send_due_over (outbox.h), on a database connection and one SMTP
 * connection of its own, looking again every SENDER_LOOK_MS.  Every
 * guarantee of the outbox holds as it is: a row is claimed in its own
 * transaction before it is sent and recorded right after the server's
 * 250, and the process's write transactions take turns (db.h), the fetch
 * ending its batch early when the thread waits (fetch.c), so the thread
 * waits for one message of the fetch, not a batch.  When the fetch and
 * the steps after it (reminders, digest) are done, sender_finish sends
 * what they queued, over the same connection, and ends the thread.
 *
 * The thread touches no case or rule: what it does is the outbox's send
 * path (with the daily limit's notice to BİDB, from its template) and
 * the log. */
#ifndef ROBOT_SENDER_H
#define ROBOT_SENDER_H

#include <time.h>

#include "cfg.h"

#define SENDER_LOOK_MS	100

struct sender;

/* Starts the thread at the poll's now (its clock runs on from there);
 * cfg must outlive it.  NULL when it cannot (logged: then the caller
 * sends after the poll, with outbox_send_due). */
struct sender *sender_start(const struct config *cfg, time_t now);

/* Sends what is due at now (0: the thread's clock), then stops and frees
 * the thread (*sp becomes NULL; NULL is a no-op).  Returns the number of
 * mails the thread sent in all, or -1 when a run of it failed on the
 * database (logged). */
int sender_finish(struct sender **sp, time_t now);

#endif
