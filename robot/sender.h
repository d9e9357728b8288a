/* sender: the outbox sent while a poll is still fetching.
 *
 * A first poll queues its acknowledgements as it goes, and each mail
 * waits on the SMTP server for a few tens of milliseconds: sent only
 * after the fetch, they would add that time to the poll's.  So the first
 * new message of a `poll` or of a `run`'s poll starts threads for the
 * rest of the poll (robot_apply), [smtp] connections of them, that send
 * what is due with outbox_send_due_over (outbox.h), each on a database
 * connection and an SMTP connection of its own (opened at its first
 * mail), looking again every SENDER_LOOK_MS: a server that takes its time
 * over each mail takes the next one on another connection meanwhile.
 * Every guarantee of the outbox holds as it is: a row is claimed in its
 * own transaction before it is sent and recorded right after the
 * server's 250, so the threads share the rows without sending one twice,
 * and the day's limit counts the rows another thread is sending; the
 * process's write transactions take turns (db.h), the fetch ending its
 * batch early when a thread waits (fetch.c), so a thread waits for one
 * message of the fetch, not a batch.  When the fetch and the steps after
 * it (reminders, digest) are done, sender_finish sends what they queued,
 * over the same connections, and ends the threads.
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

/* Starts the threads at the poll's now (their clock runs on from there);
 * cfg must outlive them.  Fewer than [smtp] connections when no more can
 * start (logged); NULL when none can (then the caller sends after the
 * poll, with outbox_send_due). */
struct sender *sender_start(const struct config *cfg, time_t now);

/* Sends what is due at now (0: the threads' clock), then stops and frees
 * the threads (*sp becomes NULL; NULL is a no-op).  Returns the number of
 * mails they sent in all, or -1 when a run of one failed on the database
 * (logged). */
int sender_finish(struct sender **sp, time_t now);

#endif
