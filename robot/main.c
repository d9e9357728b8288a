/* main: the command line.  `poll` and `run` share one code path: `run`
 * (daemon.c) polls with the same fetch_folders and robot_after_poll, waiting
 * in IDLE in between.  `poll` and `run` hold the database's lock, so a
 * `poll` while `run` is up refuses.  Exit 0 success, 1 failure, 2 usage
 * error; errors are one line on stderr, results go to stdout. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "clock.h"
#include "daemon.h"
#include "db.h"
#include "imap.h"
#include "log.h"
#include "fetch.h"
#include "robot.h"
#include "rules.h"
#include "trust.h"

#define ROBOT_VERSION "0.1.0"

/* For `run`, which reads the config again on SIGHUP. */
static const char *main_cfgpath;
static int main_verbose;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: robot [-v] -c CONFIG COMMAND [ARGS]\n"
	    "       robot --help | --version\n"
	    "\n"
	    "commands:\n"
	    "  poll                 one pass over the folders: fetch, record, "
	    "act, exit\n"
	    "  run                  poll in a loop (IDLE where offered); "
	    "SIGHUP reloads,\n"
	    "                       SIGTERM stops\n"
	    "  status [--json|--csv] [--unmasked] [--unit UNIT] [--step STEP] "
	    "[--overdue]\n"
	    "                       requests and cases, and what is unplaced;\n"
	    "                       --unmasked shows T.C. Kimlik Nos in full\n"
	    "  case FIND            one case's history; FIND is a case tag, "
	    "a T.C.\n"
	    "                       Kimlik No, an address, a name or a ticket "
	    "number\n"
	    "  case attach MESSAGE CASE --why TEXT\n"
	    "                       apply a recorded message (its number or "
	    "Message-ID)\n"
	    "                       to a case\n"
	    "  case step CASE STEP --why TEXT\n"
	    "                       set a case's step\n"
	    "  case close CASE --why TEXT\n"
	    "                       close a case\n"
	    "  case cancel CASE --why TEXT\n"
	    "                       cancel a case: closed, no more reminders\n"
	    "  case left CASE --why TEXT\n"
	    "                       the person left the institution: cancel "
	    "the case\n"
	    "  case set CASE name|email|tckn VALUE --why TEXT\n"
	    "                       correct the person's name, address or "
	    "T.C. Kimlik No\n"
	    "  case merge CASE INTO --why TEXT\n"
	    "                       merge a case into another (history, "
	    "thread, reminders)\n"
	    "  case pause CASE --why TEXT\n"
	    "                       no reminders for a case until resumed\n"
	    "  case resume CASE [--why TEXT]\n"
	    "                       reminders for a case again\n"
	    "  rules check          compile every rule and template\n"
	    "  rules test [-v] FILE.eml\n"
	    "                       what the rules make of one message "
	    "(no changes)\n"
	    "  rules eval DIR       score the rules on a labelled corpus "
	    "(no changes)\n"
	    "  templates check      check every template\n"
	    "  reprocess            examine unplaced messages again\n"
	    "  digest [--send]      print the weekly digest, or send it now\n"
	    "  purge [--dry-run] [--case ID|TCKN|EMAIL]\n"
	    "                       remove personal data past its retention,"
	    "\n"
	    "                       or one closed case's person now\n"
	    "\n"
	    "Corrections (case attach ... resume) are recorded with who makes "
	    "them\n"
	    "(--by NAME, else $SUDO_USER, else the login name) and why.\n"
	    "ROBOT_NOW=2026-12-07T09:00:00+03:00 replaces the clock.\n");
}

/* The robot holds passwords and personal data: whatever it creates is its
 * own (umask 077: the database, its WAL, the lock file), and its memory is
 * shown to nobody, neither in a core dump nor to a debugger of the same
 * user (PR_SET_DUMPABLE, which also makes /proc/PID/environ root's).
 * LeakSanitizer inspects the process through ptrace, so a sanitizer build
 * stays dumpable. */
static void
process_private(void)
{
	struct rlimit none = { 0, 0 };

	umask(077);
	if (setrlimit(RLIMIT_CORE, &none) == -1)
		fprintf(stderr, "robot: cannot turn core dumps off: %s\n",
		    strerror(errno));
#ifndef __SANITIZE_ADDRESS__
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fprintf(stderr, "robot: cannot turn core dumps off: %s\n",
		    strerror(errno));
#endif
}

/* Opens what every command needs: config, clock check, holidays, and
 * the database unless nodb is set. */
int
robot_open(const char *cfgpath, struct robot *r, int nodb)
{
	char err[1024];
	time_t now;

	memset(r, 0, sizeof *r);
	if (cfg_load(cfgpath, &r->cfg, err, sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		return -1;
	}
	mime_set_limits(r->cfg->limits.max_depth, r->cfg->limits.max_parts,
	    r->cfg->limits.max_attachment);
	if (clock_now(&now, err, sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		goto fail;
	}
	if (r->cfg->robot.holidays_file && clock_load_holidays(
	    r->cfg->robot.holidays_file, err, sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		goto fail;
	}
	if (!nodb && db_open(r->cfg->database.path, &r->db, err,
	    sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		goto fail;
	}
	return 0;
fail:
	robot_close(r);
	return -1;
}

void
robot_close(struct robot *r)
{
	robot_poll_end(r);
	rules_free(&r->rules);
	db_close(&r->db);
	cfg_free(&r->cfg);
}

/* One poll over imap, a connection made for it (closed here). */
static int
poll_once(struct robot *r, struct imap **imap)
{
	struct fetch_stats st;
	char err[1024];
	int rc;

	memset(&st, 0, sizeof st);
	robot_poll_begin(r);
	rc = fetch_folders(r->cfg, r->db, *imap, robot_apply, r, NULL, &st,
	    err, sizeof err);
	imap_close(imap);
	printf("poll: %u folder(s), %u message(s) fetched, %u recorded "
	    "(%u duplicate)\n", st.folders, st.fetched, st.recorded,
	    st.duplicates);
	fflush(stdout);
	if (rc != IMAP_OK) {
		fprintf(stderr, "robot: %s\n", err);
		robot_poll_end(r);
		return -1;
	}
	return robot_after_poll(r);
}

/* The database lock: one robot per database.  Returns its descriptor,
 * or -1 (said on stderr). */
static int
take_lock(struct robot *r)
{
	char err[1024];
	int lock;

	if ((lock = daemon_lock(r->cfg->database.path, err, sizeof err)) ==
	    -1)
		fprintf(stderr, "robot: %s\n", err);
	return lock;
}

static int
cmd_poll(struct robot *r, int argc, char **argv)
{
	struct imap_pending *conn;
	struct imap *imap = NULL;
	char err[1024];
	int lock, rc;

	(void)argv;
	if (argc != 1)
		return 2;
	if ((lock = take_lock(r)) == -1)
		return 1;
	/* The login goes on while the rules load: the server's part of it
	 * (Dovecot starts a process for each connection; a remote server
	 * adds its round trips) takes longer than they do.  A broken rule
	 * file is said at once; the exit then waits for the login's end
	 * (at most [imap] timeout, against a server that never answers). */
	conn = imap_connect_start(r->cfg);
	if (robot_load_rules(r) == -1) {
		imap_connect_wait(conn, NULL, NULL, 0);
		rc = 1;
	} else if (imap_connect_wait(conn, &imap, err, sizeof err) !=
	    IMAP_OK) {
		fprintf(stderr, "robot: %s\n", err);
		rc = 1;
	} else {
		rc = poll_once(r, &imap) == 0 ? 0 : 1;
	}
	close(lock);
	return rc;
}

static int
cmd_run(struct robot *r, int argc, char **argv)
{
	int lock, rc;

	(void)argv;
	if (argc != 1)
		return 2;
	if ((lock = take_lock(r)) == -1)
		return 1;
	if (robot_load_rules(r) == -1) {
		close(lock);
		return 1;
	}
	daemon_signals();
	rc = daemon_run(r, main_cfgpath, main_verbose) == 0 ? 0 : 1;
	close(lock);
	return rc;
}

struct command {
	const char	*name;
	const char	*sub;		/* second word, or NULL */
	int		 (*fn)(struct robot *, int, char **);
	int		 nodb;		/* needs no database */
};

static const struct command commands[] = {
	{ "poll", NULL, cmd_poll, 0 },
	{ "run", NULL, cmd_run, 0 },
	{ "status", NULL, robot_cmd_status, 0 },
	{ "case", NULL, robot_cmd_case, 0 },
	{ "rules", "check", robot_cmd_rules_check, 0 },
	{ "rules", "test", robot_cmd_rules_test, 0 },
	{ "rules", "eval", robot_cmd_rules_eval, 1 },
	{ "templates", "check", robot_cmd_templates_check, 0 },
	{ "reprocess", NULL, robot_cmd_reprocess, 0 },
	{ "digest", NULL, robot_cmd_digest, 0 },
	{ "purge", NULL, robot_cmd_purge, 0 },
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfgpath = NULL, *warning;
	struct robot r;
	int ch, verbose = 0, rc;

	process_private();
	signal(SIGPIPE, SIG_IGN);	/* a dropped TLS connection */
	while ((ch = getopt_long(argc, argv, "+c:vhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			/* Where the default rules and templates are read
			 * from: what an administrator asks first. */
			printf("robot %s\ndata directory: %s\n", ROBOT_VERSION,
			    cfg_datadir());
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	main_cfgpath = cfgpath;
	main_verbose = verbose;
	if (argc < 1 || cfgpath == NULL) {
		fprintf(stderr, "robot: %s\n", cfgpath ? "no command given" :
		    "no configuration given (-c CONFIG)");
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct command *c = &commands[i];

		if (strcmp(argv[0], c->name) != 0)
			continue;
		if (c->sub && (argc < 2 || strcmp(argv[1], c->sub) != 0))
			continue;
		if (robot_open(cfgpath, &r, c->nodb) == -1)
			return 1;
		log_init(verbose ? LOG_LVL_DEBUG : robot_log_level(r.cfg),
		    r.cfg->robot.log && strcmp(r.cfg->robot.log, "syslog") ==
		    0);
		if ((warning = trust_config_warning(r.cfg)) != NULL)
			log_warn("%s", warning);
		rc = c->fn(&r, argc, argv);
		robot_close(&r);
		if (rc == 2) {
			fprintf(stderr, "robot: %s: bad arguments\n",
			    argv[0]);
			usage(stderr);
		}
		return rc;
	}
	fprintf(stderr, "robot: unknown command: %s\n", argv[0]);
	usage(stderr);
	return 2;
}
