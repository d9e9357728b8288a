/* admin: an administrator's corrections of cases.
 *
 * Mail does not say everything: a message no rule could place, a step a
 * mail misstated, a person who left the institution, a typo in a form,
 * the same person twice.  Each correction here is one transaction that
 * changes the case and adds one event of kind "admin" to its history, with
 * who made it (event.actor) and why (event.why).  Nothing is deleted: a
 * merged case stays, closed as merged, and a corrected field's old value
 * is in the history (a T.C. Kimlik No masked, as everywhere it is shown).
 *
 * A case closed otherwise than by finishing keeps step 'closed' and says
 * how in cases.closed_as: "cancelled" (by BİDB, here or by mail: rule
 * bidb_cancelled), "left" (the person left the institution: cancelled for
 * that reason), "merged" (into cases.merged_into).  So everything that
 * knows 'closed' stays right: no reminder, not open, not found by mail.
 * A paused case (cases.paused_t) gets no reminder and is not overdue
 * (remind.h) until it is resumed.
 *
 * The corrections may run while `robot run` works on the same database:
 * each is one short write transaction (BEGIN IMMEDIATE) that waits, as the
 * daemon's own do, up to SQLite's busy timeout (db.c) for the other's to
 * end.  They do not take the daemon's lock file: that lock keeps two
 * pollers from fetching the same mail, which a correction never does.
 *
 * Results: ADMIN_OK (done), ADMIN_REFUSED (nothing changed: err says why,
 * e.g. "NES-2026-0003 is already closed"), ADMIN_ERR (a database error,
 * rolled back; err says so). */
#ifndef ROBOT_ADMIN_H
#define ROBOT_ADMIN_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "cases.h"
#include "cfg.h"
#include "rules.h"

enum admin_rc {
	ADMIN_ERR = -1,
	ADMIN_OK = 0,
	ADMIN_REFUSED = 1
};

/* Who makes a correction, and why: both kept in the event. */
struct admin_by {
	const char	*who;
	const char	*why;		/* NULL only for a resume */
};

/* The cases a word of the command line names. */
struct admin_cases {
	int64_t	*v;
	size_t	 n;
};

/* What kind of word admin_find took key for. */
enum admin_key {
	ADMIN_KEY_TAG,		/* NES-2026-0042 */
	ADMIN_KEY_TCKN,		/* a valid T.C. Kimlik No */
	ADMIN_KEY_EMAIL,	/* anything with an @ */
	ADMIN_KEY_TICKET,	/* digits, #digits or BYS-digits */
	ADMIN_KEY_NAME		/* the rest: a person's name */
};
enum admin_key admin_key_kind(const char *key);

/* The cases key names: a case tag, a T.C. Kimlik No, an address, a
 * ticket number (every case of its request) or a name, compared folded
 * the Turkish way without titles ("ayse yilmaz" finds Ayşe Yılmaz; when
 * no name is equal, those holding all its words).  When several match, a
 * case merged into another is left out (the other stands for it), and
 * for a T.C. Kimlik No or an address, which name one person, the open
 * cases are kept when there are any (the older renewals are history).
 * Fills out (admin_cases_free it) and returns 0, or -1 on a database
 * error. */
int admin_find(sqlite3 *db, const char *key, struct admin_cases *out);
void admin_cases_free(struct admin_cases *c);

/* The ledger row a command-line word names: a row id ("12", as `status`
 * shows it) or a Message-ID, with or without <>.  0 when none. */
int64_t admin_message(sqlite3 *db, const char *key);

/* Who is making a correction: by when given, else $SUDO_USER (an
 * administrator working through sudo as the robot's user), else the login
 * name, else the name of the real user id.  Written into buf; returns buf,
 * or NULL when there is none or it holds a control character. */
const char *admin_who(const char *by, char *buf, size_t len);

/* A free text (a name, a why) as it is kept: white space runs made one
 * space, trimmed.  NULL when it is empty, holds another control character
 * or is longer than max bytes.  Caller frees. */
char *admin_text(const char *in, size_t max);

/* Sets the case's step (backwards too: a correction), since now.  A
 * closed case set to an open step is open again; a step before approved
 * forgets the approval way.  form_received ... closed. */
int admin_step(sqlite3 *db, int64_t id, enum case_step step,
    const struct admin_by *by, time_t now, char *err, size_t errlen);

/* Closes the case: closed_as NULL (finished), "cancelled" or "left".  A
 * closed case may be closed again only in another way (a finished case
 * found to be cancelled).  Unpauses it. */
int admin_close(sqlite3 *db, int64_t id, const char *closed_as,
    const struct admin_by *by, time_t now, char *err, size_t errlen);

/* Corrects one of the person's fields: "name", "email" (an address of the
 * institution's domain) or "tckn" (a valid T.C. Kimlik No).  An address
 * or number another open case has is refused (merge them instead).  The
 * next poll examines again the mail that waited for a case (robot.h). */
int admin_set(sqlite3 *db, const struct config *cfg, int64_t id,
    const char *field, const char *value, const struct admin_by *by,
    time_t now, char *err, size_t errlen);

/* Merges case from into case into: history, thread, reminders and the
 * robot's mail of from go to into; into keeps its own fields and takes
 * from's where it has none, and from's step when that is further; from is
 * closed as merged. */
int admin_merge(sqlite3 *db, int64_t from, int64_t into,
    const struct admin_by *by, time_t now, char *err, size_t errlen);

/* Pauses (pause 1) or resumes (0) the case's reminders. */
int admin_pause(sqlite3 *db, int64_t id, int pause, const struct admin_by *by,
    time_t now, char *err, size_t errlen);

/* Applies the recorded message msg to the case, as its rule reads it
 * (cases_read): the step it shows (never back, as mail moves a case), or
 * only a place in the case's history when it shows none (no rule, a note,
 * a sender without the rule's role).  Its outcome becomes "applied" with
 * "attached to TAG by WHO: WHY".  What it did is written into what. */
int admin_attach(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, int64_t msg, int64_t id,
    const struct admin_by *by, time_t now, struct buf *what, char *err,
    size_t errlen);

#endif
