/* cases: requests, cases and their history; which case a message belongs
 * to; the step state machine.
 *
 * A request is one ticket and one form from one unit; a case is one person
 * in a request (workflow.md).  A case's step is the furthest one it has
 * reached: mail is not ordered, so an earlier step arriving late is kept in
 * the history (table event) without moving the case back.  The same
 * message never adds the same event twice.
 *
 * A message finds its cases strongest first: the case tag in the subject
 * ([NES-2026-0042]) or In-Reply-To/References pointing at a message of the
 * case; else every case it names by T.C. Kimlik No (a masked one matches
 * by its visible digits among open cases), by e-mail address or by name
 * (folded the Turkish way); else the cases of the ticket it names. */
#ifndef ROBOT_CASES_H
#define ROBOT_CASES_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "cfg.h"
#include "form.h"
#include "mime.h"
#include "reason.h"
#include "rules.h"

/* The steps of workflow.md, in order; the rank is the enum value. */
enum case_step {
	STEP_NONE = 0,
	STEP_TICKET_OPENED,
	STEP_FORM_RECEIVED,
	STEP_SENT_TO_KAMUSM,
	STEP_KAMUSM_NOTIFIED,
	STEP_APPLICATION_FILLED,
	STEP_APPROVED,
	STEP_CARGO_SHIPPED,
	STEP_CERTIFICATE_SHIPPED,
	STEP_CLOSED
};
#define STEP_LAST STEP_CLOSED

/* "ticket_opened" ... "closed" (workflow.md's keys); NULL for STEP_NONE. */
const char *case_step_key(enum case_step s);
/* The key's step, or STEP_NONE. */
enum case_step case_step_parse(const char *key);
/* A Turkish label for mail and tables ("Kamu SM'ye gönderildi"). */
const char *case_step_label(enum case_step s);

/* What a decision asks of the rest of the pipeline (pipeline.h): the
 * state machine changes cases and their history itself, and only says
 * what mail or other record the change calls for. */
enum case_effect_kind {
	EFFECT_ACK_FORM,	/* acknowledge form (request) to its sender */
	EFFECT_BOUNCE		/* a delivery report: look for our mail */
};

struct case_effect {
	enum case_effect_kind	 kind;
	int64_t			 request;	/* EFFECT_ACK_FORM */
	struct form		*form;		/* EFFECT_ACK_FORM; owned */
};

/* What one message did. */
struct case_outcome {
	const char	*outcome;	/* applied | unplaced | quarantined |
					 * ignored | awaiting (static) */
	enum reason_code code;		/* why, for programs and Turkish */
	struct buf	 reason;	/* why, one line of detail */
	int		 new_cases;	/* cases created (a form) */
	struct case_effect *effects;	/* in the order they are to be done */
	size_t		 neffects;
};

/* Examines a recorded message (ledger row id, 0 for none) and decides:
 * trust, rules, form, which cases, their steps and history.  The outcome,
 * its reason and the effects are returned in out; the ledger and the mail
 * are the pipeline's (pipeline_apply).  Runs inside the caller's
 * transaction.  Returns 0, or -1 on a database error (roll back). */
int cases_apply(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, int64_t id, const struct mime_msg *msg,
    time_t now, struct case_outcome *out);
void cases_outcome_free(struct case_outcome *out);

/* The time an event of msg counts from: its Date when plausible (not in
 * the future of now), else now. */
time_t cases_event_time(const struct mime_msg *msg, time_t now);

/* What a message shows, read as cases_apply reads it (trust, the message,
 * then the originals it forwards), without looking for a case: for an
 * administrator who names the case (admin.h).  A rule whose sender lacks
 * its role shows nothing here either. */
struct case_reading {
	enum case_step	 step;		/* STEP_NONE: it shows no step */
	char		*rule;		/* the rule that showed it */
	char		*approval;	/* e-onay | e-imza | islak-imza */
	char		*closed_as;	/* with STEP_CLOSED: "cancelled" */
	char		*detail;	/* what it extracted (masked) */
	struct buf	 why;		/* with STEP_NONE: why none */
};
void cases_read(const struct config *cfg, const struct rule_set *rules,
    const struct mime_msg *msg, struct case_reading *r);
void cases_reading_free(struct case_reading *r);

/* Moves a case to step, never back, and records the event (kind "step")
 * with the message msg_row / msg->message_id and the rule.  Returns 1 when
 * the case's step changed, 0 when only history was added or nothing at
 * all (the same message was already applied to it), -1 on error. */
int cases_move(sqlite3 *db, int64_t case_id, enum case_step step,
    time_t at, time_t now, int64_t msg_row, const struct mime_msg *msg,
    const char *rule, const char *approval, const char *detail);

/* How a closing rule's message closes a case: its capture "closed_as"
 * ("iptal", "cancelled") gives "cancelled"; NULL when it just finishes
 * it.  A cancelled case is a closed one (step closed) with closed_as set,
 * so everything that knows 'closed' stays right: no reminder, not open. */
const char *cases_closed_as(const struct rule_result *res);

/* The name in the form names are compared in: folded, titles dropped,
 * single spaces.  Caller frees; NULL for NULL. */
char *cases_name_key(const char *name);

/* Records a request / a case as given, for loading a state known from
 * elsewhere (the evaluation corpus's world, robot rules eval).  The case
 * keeps its tag (NES-YYYY-N) and the year's counter moves past it.
 * Return the new row id, or -1. */
int64_t cases_import_request(sqlite3 *db, const char *ticket,
    const char *unit, const char *requester_email, time_t opened,
    time_t now);
struct form_person;
int64_t cases_import_case(sqlite3 *db, int64_t request, const char *tag,
    const struct form_person *p, enum case_step step, time_t since,
    time_t now);

#endif
