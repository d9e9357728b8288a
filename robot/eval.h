/* eval: how well the rules read mail they were not written for.
 *
 * `robot rules eval DIR` reads a labelled corpus (tests/corpus/README.md
 * is the reference): DIR/world.tsv, the requests, cases and robot mail a
 * database holds, and every *.eml under DIR, each with one header
 *
 *	X-Corpus-Expect: step=approved; cases=NES-2026-0003; outcome=applied
 *
 * saying what a careful robot does with it.  The world is loaded into a
 * database in memory; each message is then recorded and applied as `poll`
 * would, against that same world, and rolled back.  X-Corpus-* headers
 * are taken out before the robot sees the message.
 *
 * It prints, per step, how many messages expected it, recall and
 * precision; a confusion table (expected step by what the robot did); the
 * messages that moved a case they should not have (wrong moves), those
 * that missed their step, and those whose outcome differs. */
#ifndef ROBOT_EVAL_H
#define ROBOT_EVAL_H

#include <stdio.h>

#include "cfg.h"
#include "rules.h"

/* The thresholds of `make test`. */
#define EVAL_MIN_RECALL	0.97

struct eval_score {
	int	 messages;
	int	 with_step;	/* messages expecting a step */
	int	 recalled;	/* ... that got it, on exactly its cases */
	int	 wrong_moves;	/* messages that moved what they should not */
	int	 outcome_ok;	/* messages whose outcome is the label's */
	int	 errors;	/* unreadable files or labels */
};

/* Runs the corpus in dir; prints the report on out.  Returns 0 when the
 * thresholds hold (recall >= EVAL_MIN_RECALL, no wrong move, no error),
 * 1 when not, -1 when the corpus cannot be read at all (said on
 * stderr). */
int eval_run(const struct config *cfg, const struct rule_set *rules,
    const char *dir, FILE *out, struct eval_score *score);

#endif
