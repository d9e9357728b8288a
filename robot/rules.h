/* rules: the rule files of rules/ -> compiled PCRE2 -> which step a decoded
 * message shows, and what it names.
 *
 * The format is documented at the top of rules/nes.rules and in the
 * README.  Patterns are matched, with PCRE2_UTF | PCRE2_UCP and JIT,
 * against Turkish-folded text (fold.h, ASCII form: lower case, diacritics
 * stripped), and the literal letters of the patterns are folded the same
 * way, so matching ignores case and "başvurunuz" matches BAŞVURUNUZ and
 * Basvurunuz.  Captures are cut from the original text.  Match and depth
 * limits bound every match so no message can hang the robot.
 *
 * A rule set keeps one set of PCRE2 match buffers: evaluate with it from
 * one thread at a time. */
#ifndef ROBOT_RULES_H
#define ROBOT_RULES_H

#include <stddef.h>

#include "buf.h"
#include "mime.h"

struct rule_set;
struct rule;

/* Whose cases a rule's message may move (workflow.md, "who may move
 * what"): a first-person statement moves the sender's own case only;
 * Kamu SM writes to one person at a time; BİDB and Yazı İşleri move
 * whatever they name; a unit head only the requests they made. */
enum rule_scope {
	SCOPE_NAMED,	/* every case it names: tag, thread, T.C. Kimlik No,
			 * address, name, ticket, unit */
	SCOPE_SENDER,	/* only the case whose e-mail is the sender's */
	SCOPE_PERSON,	/* cases named one by one (tag, T.C. Kimlik No,
			 * name, address, the addressee), never a whole
			 * request through its thread or ticket */
	SCOPE_UNIT	/* as named, within the requests the sender made */
};

/* One value a rule extracted through a named group. */
struct rule_capture {
	char	*name;		/* "tckn", "name", "ticket", "email", "unit",
				 * "basvuru_no", "tracking", "approval", ... */
	char	*value;		/* from the original text, trimmed */
};

struct rule_result {
	const struct rule *rule;	/* the rule that matched, or NULL */
	const char *rule_name;		/* its name, or NULL */
	const char *step;		/* its step or event key, or NULL */
	enum rule_scope scope;		/* its scope (SCOPE_NAMED if none) */
	struct rule_capture *caps;	/* every capture of every extract
					 * pattern, all matches, in order */
	size_t	 ncaps;
	/* When no rule matched with the right sender, but a rule's conditions
	 * matched a sender without the needed role: that rule, for the
	 * quarantine reason. */
	const struct rule *refused;
	const char *refused_name;
	const char *refused_role;	/* the role word it required */
	/* When explain was asked: one line per rule saying why it did not
	 * match ("kamusm_notified: subject did not match"). */
	struct buf explain;
	/* When a match or depth limit was hit: the rule (or "[extract]")
	 * whose pattern hit it; then nothing is reported as matched. */
	const char *limit_rule;
};

/* Loads every "*.rules" file of dir (in name order) into a new set, and
 * dir/units.txt, when there is one, as the table of unit names (unit.h).
 * Returns 0, or -1 with "FILE:LINE: problem" in err; then nothing is
 * loaded: the robot never runs with half its rules. */
int rules_load(const char *dir, struct rule_set **rs_r, char *err,
    size_t errlen);
void rules_free(struct rule_set **rs);
size_t rules_count(const struct rule_set *rs);

/* Evaluates rules in file order against msg; the first rule whose
 * conditions match and whose required role is among sender_roles (a
 * trust_roles() bit set) wins.  res is filled (rules_result_free it).
 * The [extract] block's captures (case_tag) are taken whether or not a
 * rule matched.  Captures called "approval" come normalised
 * (rules_approval_key).  Returns 0, or -1 when a match limit was hit (then
 * res says nothing matched and res->limit_rule names the rule; a warning
 * is logged). */
int rules_eval(const struct rule_set *rs, const struct mime_msg *msg,
    unsigned sender_roles, int explain, struct rule_result *res);
void rules_result_free(struct rule_result *res);

/* First capture called name in res, or NULL. */
const char *rules_capture(const struct rule_result *res, const char *name);

/* The approval way named by a captured text: "e-Onay", "E-ONAY", "eonay"
 * -> "e-onay"; "e-İmza", "e-imza" -> "e-imza"; "ıslak imza", "Islak
 * imzalı" -> "islak-imza".  NULL when it names none.  Static string.
 * rules_eval already applies it to every capture called "approval". */
const char *rules_approval_key(const char *captured);

#endif
