/* remind: reminders to whoever holds a case up, on business days.
 *
 * The table of workflow.md, with the thresholds of [reminders]:
 *
 *	waiting at		reminds			rows of `reminder`
 *	ticket_opened (no form)	the unit head (request.	one per request
 *				requester_email: the
 *				ticket's "Talep Eden
 *				E-posta" or its one
 *				unit address); BİDB,
 *				told plainly that the
 *				address is unknown,
 *				when there is none or
 *				it is BİDB's own
 *	form_received		BİDB			one mail per request,
 *	sent_to_kamusm		BİDB			one row per case
 *	kamusm_notified		the person, unit head	per case
 *				in Cc from the 2nd
 *	application_filled	the person		per case
 *	approved (ıslak imza)	Yazı İşleri		one mail per request
 *	approved (e-onay,	BİDB (shipping_first,	per case
 *	e-imza), cargo_shipped	shipping_every)
 *
 * The first reminder goes when the case has waited at its step for at
 * least `first` business days (clock_business_days_between(step_t, now)),
 * the next ones `every` business days after the previous one, at most
 * max_per_step per case, step and recipient; the last of them says it is
 * the last.  Then, once, an escalation to BİDB (escalate_bidb), `every`
 * business days after the last reminder, and nothing more for that step.
 * A person or unit head whose address is not known is not reminded: BİDB
 * gets the escalation when the first reminder would have gone.  A case an
 * administrator paused gets nothing until it is resumed; what fell due
 * meanwhile goes at the next run after that.
 *
 * Mail to someone other than BİDB, and the escalation, carry "Reply-To:
 * BİDB, the robot" (outbox.h): a question in a reply reaches a person at
 * once.  The person's reminders carry the [links] pages.
 *
 * Reminders go only on business days, at or after [reminders] hour local
 * time, and never twice on one day: the `reminder` table is the memory, so
 * repeated polls are idempotent.  Each reminder (its `reminder` rows, an
 * event 'reminder' or 'escalation' on each case, the mail in the outbox)
 * commits in one transaction. */
#ifndef ROBOT_REMIND_H
#define ROBOT_REMIND_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "cases.h"
#include "cfg.h"

/* Queues every reminder and escalation due now (own transactions: call
 * outside any).  Returns the number of mails queued, or -1 on a database
 * error (what was committed before stays).  Once a run has decided for a
 * day, the next ones that day read no case until a case, a request or a
 * reminder changes, or a setting or the holidays do (db.c's migration 11
 * counts the changes). */
int remind_run(sqlite3 *db, const struct config *cfg, time_t now);

/* 1 when the case has waited at its step at least the first threshold of
 * business days (so it is, or has been, reminded about: an escalated case
 * stays overdue until it moves); 0 when not or when its step has no
 * reminder (certificate_shipped, closed) or the case is paused; -1 on a
 * database error.  The
 * hour-of-day gate does not apply: a case is overdue all day. */
int remind_case_overdue(sqlite3 *db, const struct config *cfg,
    int64_t case_id, time_t now);
/* The same from the case's own columns, for a caller that has read them
 * (step, step_t as since, approval, paused: paused_t not NULL): 1 or 0. */
int remind_overdue_of(const struct config *cfg, const char *step,
    time_t since, const char *approval, int paused, time_t now);

/* Reminders sent about the case, all steps, escalations not counted;
 * 0 on a database error. */
int remind_count(sqlite3 *db, int64_t case_id);

/* Who holds a case at step (approval: e-onay | e-imza | islak-imza or
 * NULL), in Turkish, for mail and the digest ("Birim amiri", "BİDB",
 * "Personel", "Yazı İşleri"); NULL when nobody is waited for.  Static. */
const char *remind_holder(enum case_step step, const char *approval);

/* 1 when a case at step (approval as above) waits on Kamu SM: the form
 * was sent to it, or the person approved with e-Onay or e-İmza, or the
 * wet-signed form went by cargo.  BİDB is reminded about these only to
 * follow up with Kamu SM. */
int remind_at_kamusm(enum case_step step, const char *approval);

/* addr when it is a unit head's: a plain address that is none of BİDB's,
 * Yazı İşleri's, the ticket system's or the robot's; else NULL.  A
 * ticket BİDB opened on a unit's behalf names BİDB as its requester. */
const char *remind_unit_head(const struct config *cfg, const char *addr);

#endif
