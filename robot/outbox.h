/* outbox: the mail the robot sends, queued in the database and sent
 * exactly once (with one documented exception).
 *
 * Queueing and sending are separate steps (style.md: one transaction per
 * decision).  outbox_queue() builds the finished message (compose.h) and
 * stores it as a row of table outbox inside the caller's transaction, so a
 * decision and the mail it causes commit together or not at all.
 * outbox_send_due() later hands each due row to the SMTP server.
 *
 * States of a row:
 *
 *	queued --claim--> sending --250--> sent
 *	   ^                 |
 *	   +----4xx, no -----+--5xx or 3 days of 4xx--> failed
 *	        connection
 *
 * The claim (state 'sending') is committed BEFORE the SMTP conversation,
 * and 'sent' is committed right after the server's 250.  If the robot dies
 * between the two, the row stays 'sending'.  Such a row is queued again
 * once it has been 'sending' for OUTBOX_STALE seconds (no live SMTP
 * conversation lasts that long), and sent again.
 *
 * The duplicate window: a crash after the server accepted the message
 * (250) and before the 'sent' commit means that message is sent a second
 * time.  The robot prefers a rare duplicate to a lost reminder; the window
 * runs from the end of DATA (the server's own time to accept the message)
 * to the 250 and one SQLite commit, and SMTP offers nothing to close it.
 * No other
 * path sends a row twice: a row is only sent after its claim committed,
 * and a claim only succeeds on a row that is still 'queued'.  So runs at
 * once (the poll's sender threads, sender.h, and `digest --send` in
 * another process, say) never send one row twice either; and as a run
 * claims the next due row in the transaction that counts the day's mail,
 * the rows being sent included, they send no more than max_per_day
 * between them.
 *
 * Loop safety: the robot never queues mail to its own address (config
 * institution.robot and smtp.from) nor to an empty or malformed address,
 * and sends at most smtp.max_per_recipient_day mails per recipient and
 * local day; a recipient over the cap is dropped from that mail (logged,
 * and an event 'note' on the case). */
#ifndef ROBOT_OUTBOX_H
#define ROBOT_OUTBOX_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"

/* A 'sending' row older than this (seconds) was left by a crash. */
#define OUTBOX_STALE	(15 * 60)
/* Temporary failures are retried for this long, then the row fails. */
#define OUTBOX_GIVE_UP	(3 * 24 * 3600)

/* The kind (template) of the one mail a day that tells BİDB the daily
 * cap held mail back. */
#define OUTBOX_KIND_CAP	"cap_reached_bidb.tmpl"

/* One mail to queue: everything already rendered. */
struct outbox_mail {
	const char	*kind;		/* template name, e.g. "digest.tmpl" */
	int64_t		 case_id;	/* 0: none */
	int64_t		 request;	/* 0: none */
	const char	*case_tag;	/* X-NES-Case header, or NULL */
	const char *const *to;		/* addr-specs */
	size_t		 nto;
	const char *const *cc;
	size_t		 ncc;
	const char	*subject;
	const char	*text;
	const char	*html;		/* or NULL */
	const char	*in_reply_to;	/* ids, with or without <>, or NULL */
	const char	*references;	/* space separated, or NULL */
	/* The people a mail about a request lists (the acknowledgement,
	 * BİDB's and Yazı İşleri's reminders): a reply to it is about
	 * them, not the whole request. */
	const int64_t	*cases;
	size_t		 ncases;
	int		 uncapped;	/* the cap notice: no recipient cap */
	/* 1: "Reply-To: BİDB, the robot", for mail whose replies may need
	 * a person (a question, a correction): BİDB reads them at once
	 * instead of in next week's digest, and the robot still reads a
	 * reply that states a step.  Left out when [institution] bidb is
	 * not a plain address. */
	int		 reply_to_bidb;
};

/* Queues m inside the caller's transaction: builds the message with a new
 * Message-ID <random@institution domain>, inserts a row (state queued,
 * next_t = now) and records the Message-ID on the case/request (table
 * thread).  Recipients that are the robot itself, empty, malformed or over
 * the daily cap are dropped; when no To recipient remains nothing is
 * queued.  Returns 1 (queued; the row id in *id_r when id_r is not NULL),
 * 0 (nothing queued: no recipient left, or the message could not be built;
 * logged), or -1 on a database error (roll back). */
int outbox_queue(sqlite3 *db, const struct config *cfg,
    const struct outbox_mail *m, time_t now, int64_t *id_r);

/* A fake sender for tests: smtp_send_on's arguments, with the config in
 * place of the connection. */
typedef int (*outbox_send_fn)(const struct config *cfg,
    const char *mail_from, const char *const *rcpts, size_t nrcpt,
    const char *msg, size_t len, char *err, size_t errlen);

/* Sends every queued row with next_t <= now, oldest first, each in its own
 * claim/send/record cycle (own transactions: call outside any), all over
 * one connection to the server while it lasts (smtp_open); rows queued
 * while it runs are sent too, and a run beside it takes its share.  First
 * re-queues rows left 'sending' by a crash (see above).  A temporary
 * failure re-queues the row after outbox_backoff(); a permanent one marks
 * it failed with the server's reply; SMTP_CONFIG leaves it queued and
 * stops the run.  Returns the number of rows sent, or -1 on a database
 * error. */
int outbox_send_due(sqlite3 *db, const struct config *cfg, time_t now);
/* The same with another sender (NULL: the [smtp] server). */
int outbox_send_due_with(sqlite3 *db, const struct config *cfg, time_t now,
    outbox_send_fn send);

/* The same over the caller's SMTP connection: *smtp (NULL: one is opened
 * when a row is due) is left open in *smtp for the next run, so a caller
 * that sends again soon (the sender thread, sender.h) logs in once;
 * smtp_close it at the end. */
struct smtp;
int outbox_send_due_over(sqlite3 *db, const struct config *cfg, time_t now,
    struct smtp **smtp);
/* 1 when a row is queued with next_t <= now, 0 when none, -1 on a
 * database error: a read, which never waits for a writer. */
int outbox_has_due(sqlite3 *db, time_t now);

/* Seconds to wait after the n-th failed attempt (n >= 1): 5 min, 15 min,
 * 1 h, then every 4 h. */
time_t outbox_backoff(int n);

/* Records a mail the robot sent without this database (another
 * installation, the evaluation corpus's world): a row 'sent' with no
 * data, and its Message-ID on the case or request and on each of the
 * ncases people it listed, so replies to it are known.  0 or -1. */
int outbox_record_sent(sqlite3 *db, const char *kind, const char *message_id,
    const char *to, int64_t case_id, int64_t request, const int64_t *cases,
    size_t ncases, time_t at);

/* 1 when the robot may write to addr: an address of the institution's
 * domain or of [institution] other_domains, or one the config names
 * (bidb, yazi_isleri, bys, [digest] to).  outbox_queue drops every other
 * recipient (logged, and a note on the case). */
int outbox_may_mail(const struct config *cfg, const char *addr);

#endif
