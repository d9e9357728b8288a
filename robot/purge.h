/* purge: how long personal data is kept (KVKK, the Turkish data
 * protection law, asks that it go once its purpose is served).
 *
 * What goes, and what stays:
 *
 *  - A case closed more than [retention] cases days ago is anonymised:
 *    its name, T.C. Kimlik No, e-mail, phone, title and bounce reason go,
 *    and the details of its history; its tag, unit, steps and their dates
 *    stay, so the counts per unit and the times of each step can still be
 *    told.  The row is kept rather than deleted because the history, the
 *    outbox and the threads point at it, and a reply to its old mail
 *    still finds a closed case instead of starting a new one.  When every
 *    case of a request is anonymised, the request loses its requester.
 *  - A message loses its text, its attachments, its addresses, subject
 *    and reason when it is older than [retention] messages days, or when
 *    every case it belongs to was anonymised after it came; its row
 *    stays (Message-ID, hash, outcome, dates, folder and UID), so that a
 *    second copy is still known as a duplicate and the history still says
 *    what each message did.  A message an open case belongs to keeps
 *    everything: a purge never touches what an open case needs.
 *  - Mail kept for other people's cases (a form listing several people,
 *    a cargo mail) is scrubbed of the anonymised person (scrub.h), unless
 *    an identifier is also someone's whose case is kept (a namesake, the
 *    same person's newer case).
 *  - Sent (or failed) mail loses its bytes, recipients and subject
 *    [retention] outbox days after it went, and at once when its case or
 *    request is anonymised; its Message-ID stays, for replies.
 *
 * A case is open until its step is "closed"; a request with no case yet
 * is open.  Times: a case's closing is its step time, a message's
 * arrival the time the robot recorded it (seen_at).
 *
 * The database zeroes what it deletes (db.c: secure_delete); after a purge
 * that removed anything, the write-ahead log is checkpointed and truncated
 * so that no older copy of a page stays in it, and a database from before
 * secure_delete is vacuumed once (it needs free space as large as the
 * database, and the time to copy it). */
#ifndef ROBOT_PURGE_H
#define ROBOT_PURGE_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "cfg.h"

/* What one purge did (or, dry, would do). */
struct purge_counts {
	size_t		cases;		/* anonymised */
	size_t		requests;	/* requester removed */
	size_t		messages;	/* emptied */
	size_t		scrubbed;	/* kept texts and history lines a
					 * person was taken out of */
	size_t		outbox;		/* sent mails emptied */
	struct buf	tags;		/* the cases, space separated */
};

/* The retention purge at now, with cfg's [retention] days.  One
 * transaction; dry_run rolls it back, so the counts say exactly what a
 * real run would do.  Logs the counts (not when dry).  Returns 0, or -1
 * on a database error (logged; nothing changed). */
int purge_run(sqlite3 *db, const struct config *cfg, time_t now,
    int dry_run, struct purge_counts *c);

/* The answer to one person's request to be forgotten: the cases key
 * names (case tag, T.C. Kimlik No or e-mail address) are anonymised now,
 * whatever their age, with the messages and sent mail only they needed;
 * the person is scrubbed from every text and history line kept, and
 * every sent mail that names them is emptied.  Refuses (1, with the
 * reason in err) when no case matches or one of them is still open;
 * returns 0 when done (counts zero: already anonymised), -1 on a database
 * error. */
int purge_person(sqlite3 *db, const char *key, time_t now, int dry_run,
    struct purge_counts *c, char *err, size_t errlen);

/* purge_run once a local day, from poll and from run's minute tick
 * (unless [retention] daily = no).  0, or -1 on a database error. */
int purge_daily(sqlite3 *db, const struct config *cfg, time_t now);

/* One line: "2 case(s) anonymised (NES-2026-0001 NES-2026-0004), ..."
 * or "nothing to purge". */
void purge_describe(const struct purge_counts *c, struct buf *out);

void purge_counts_free(struct purge_counts *c);

#endif
