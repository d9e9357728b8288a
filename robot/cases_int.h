/* cases_int: what cases.c (the state machine), cases_find.c (which case a
 * message belongs to) and cases_reply.c (replies to the robot's own mail)
 * share.  Not for other modules: they use cases.h. */
#ifndef ROBOT_CASES_INT_H
#define ROBOT_CASES_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "cases.h"
#include "mime.h"
#include "rules.h"

/* A small set of row ids: the cases one message moves. */
struct idset {
	int64_t	*v;
	size_t	 n, cap;
};

void idset_add(struct idset *s, int64_t id);
int idset_has(const struct idset *s, int64_t id);
void idset_free(struct idset *s);

/* One reading of a message the rules are tried on: the message itself,
 * or an original it forwards (quote.h), with the roles its sender is
 * granted there. */
struct cand {
	const struct mime_msg	*view;	/* what the rules read */
	unsigned		 roles;	/* trust_role bits for the rules */
	/* Only the case of the one who forwarded it may move: the original
	 * comes from someone else and cannot be checked (a person passing
	 * on Kamu SM's mail about their own application). */
	int			 own_only;
	const char		*via;	/* "forwarded by X", or NULL */
	const char		*why;	/* trust's reason for a withheld role */
};

/* What finding a message's cases looks at. */
struct finder {
	const struct mime_msg	*msg;	/* as received: tag, thread, sender */
	const struct cand	*cand;
	const struct rule_result *res;
	enum case_step		 step;	/* the step the rule shows */
};

/* Every case the message names, as far as the rule's scope lets it
 * (rules.h enum rule_scope).  *why_r (static) says why nothing was found
 * when the scope refused what was named, else NULL. */
void cases_find(sqlite3 *db, const struct finder *f, struct idset *out,
    const char **why_r);

/* The open case of a person (by T.C. Kimlik No, else e-mail), or 0. */
int64_t cases_find_person(sqlite3 *db, const char *tckn, const char *email);
/* The request of a ticket number, or 0. */
int64_t cases_request_by_ticket(sqlite3 *db, const char *ticket);
/* A request a form without a ticket number belongs to: the open one of
 * its sender, or of the unit it names, that has a ticket and no form yet;
 * 0 when none or more than one fits. */
int64_t cases_request_for_form(sqlite3 *db, const struct mime_msg *msg,
    const char *unit_text);
/* A request without a ticket yet that a new ticket belongs to (the form
 * came first): the one of the ticket's unit head, or the only one of its
 * unit; 0 when none. */
int64_t cases_request_for_ticket(sqlite3 *db, const char *unit,
    const char *addrs);

/* 1 when the folded text holds the folded words key as whole words (no
 * letter or digit on either side). */
int cases_has_words(const char *text, const char *key);

/* When msg replies to the robot's own mail (In-Reply-To/References name
 * an outbox Message-ID, or a reply's subject carries a case tag): the
 * cases and requests that mail was about.  Returns 1 then, else 0. */
int cases_reply_target(sqlite3 *db, const struct mime_msg *msg,
    struct idset *cases, struct idset *requests);
/* Attaches a reply that moved nothing to the case(s) it is about (those
 * its fresh text names, else the sender's, else the only one, else the
 * request) as an event "reply", and says so in out (outcome "awaiting").
 * 0 or -1. */
int cases_attach_reply(sqlite3 *db, int64_t msg_row,
    const struct mime_msg *msg, const struct idset *cases,
    const struct idset *requests, time_t at, struct case_outcome *out);

#endif
