/* reason: why a message came out as it did, as a code.
 *
 * cases decides a message's outcome (applied, unplaced, quarantined,
 * ignored, awaiting) and says why twice: a code from this list, stored in
 * message.reason_code, which programs select on (reprocess, the digest),
 * and a line of detail in English for an administrator (message.reason,
 * status --json).  What a user reads in Turkish (the digest, status) is
 * rendered from the code, never from the detail. */
#ifndef ROBOT_REASON_H
#define ROBOT_REASON_H

enum reason_code {
	REASON_NONE = 0,	/* not examined yet, or an older row */
	REASON_MOVED,		/* a rule moved cases to a step */
	REASON_UNCHANGED,	/* a rule's step, every case already there */
	REASON_TICKET,		/* a ticket opened */
	REASON_FORM,		/* a form read, cases opened */
	REASON_NO_RULE,		/* no rule recognised it */
	REASON_NO_CASE,		/* a step recognised, no case it may move */
	REASON_NO_TICKET,	/* a ticket's mail without its number */
	REASON_NO_FORM,		/* a form's mail without a readable form */
	REASON_FOREIGN_UNIT,	/* every person has another unit's case */
	REASON_NOTE,		/* a rule's note: no step */
	REASON_MATCH_LIMIT,	/* a rule hit its match limit */
	REASON_ROLE_REFUSED,	/* a rule needs a role the sender lacks */
	REASON_UNTRUSTED,	/* a role claimed without our server's word */
	REASON_BAD_HEADERS,	/* From etc. twice, or a From nobody reads */
	REASON_OWN_MAIL,	/* the robot's own mail */
	REASON_BOUNCE,		/* a bounce of the robot's mail */
	REASON_AUTOMATIC,	/* an automatic reply or report */
	REASON_REPLY,		/* a reply to the robot's mail, for BİDB */
	REASON_ADMIN,		/* attached to a case by an administrator */
	REASON_POISON,		/* the decoder crashed or timed out on it */
	REASON_COUNT
};

/* The code's key as stored ("no_case"); "" for REASON_NONE. */
const char *reason_key(enum reason_code c);
/* The key's code; REASON_NONE for NULL or a key not known. */
enum reason_code reason_parse(const char *key);
/* What the code means, in Turkish, one sentence without a full stop
 * ("adım tanındı, ama ilerletebileceği bir vaka bulunamadı"). */
const char *reason_words(enum reason_code c);

#endif
