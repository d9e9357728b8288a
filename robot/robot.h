/* robot: what the commands share: the loaded config, database, rules and
 * templates, and the stage that follows the ledger.  main.c parses the
 * command line; the commands live in cmd_*.c. */
#ifndef ROBOT_ROBOT_H
#define ROBOT_ROBOT_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"
#include "log.h"
#include "mime.h"

struct rule_set;
struct sender;

struct robot {
	struct config	*cfg;
	sqlite3		*db;
	struct rule_set	*rules;		/* loaded on demand (robot_rules) */
	struct sender	*sender;	/* during a poll, from its first new
					 * message (robot_poll_begin) */
	int		 polling;	/* a poll on, its sender not tried */
};

/* Opens config, checks ROBOT_NOW, loads holidays, opens the database
 * (unless nodb).  Prints one line on stderr and returns -1 on failure. */
int robot_open(const char *cfgpath, struct robot *r, int nodb);
void robot_close(struct robot *r);
/* Loads the rule files once (a bad file: one line on stderr, -1). */
int robot_load_rules(struct robot *r);
/* Loads what reading mail takes, once: the rule files, and libxml2 and
 * libzip (lazy.h), which HTML and forms need.  A bad file or a library
 * missing: one line on stderr, -1, before any message is read.  (A poll
 * loads the libraries when a folder has something new: fetch.c.) */
int robot_load_reading(struct robot *r);
enum log_level robot_log_level(const struct config *cfg);

/* The stage after the ledger (a fetch_apply_fn; ctx is the struct robot). */
int robot_apply(void *ctx, sqlite3 *db, int64_t id,
    const struct mime_msg *msg, int dup, time_t now);
/* Before a poll's fetch: its first new message (robot_apply) starts
 * sending the outbox while the fetch goes on (sender.h).  A poll with
 * nothing new starts no thread: what is due goes in robot_after_poll.
 * robot_after_poll, or robot_poll_end after a failed fetch, ends the
 * poll. */
void robot_poll_begin(struct robot *r);
/* Sends what is due and ends the poll's sender, if any.  0 or -1. */
int robot_poll_end(struct robot *r);
/* What follows a successful poll: mail that waited for new cases is
 * examined again, then reminders, digest, outbox (the poll's sender's
 * last run, when it has one), and once a day the retention purge.  0 or
 * -1. */
int robot_after_poll(struct robot *r);

/* Commands: argv[0] is the command word; return an exit code. */
int robot_cmd_status(struct robot *r, int argc, char **argv);
int robot_cmd_case(struct robot *r, int argc, char **argv);
int robot_cmd_rules_check(struct robot *r, int argc, char **argv);
int robot_cmd_rules_test(struct robot *r, int argc, char **argv);
int robot_cmd_rules_eval(struct robot *r, int argc, char **argv);
int robot_cmd_templates_check(struct robot *r, int argc, char **argv);
int robot_cmd_reprocess(struct robot *r, int argc, char **argv);
int robot_cmd_digest(struct robot *r, int argc, char **argv);
int robot_cmd_purge(struct robot *r, int argc, char **argv);

#endif
