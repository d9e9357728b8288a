/* cmd_admin: the `case` command: one case's history, and an
 * administrator's corrections (admin.h).
 *
 *	case FIND
 *	case attach MESSAGE CASE --why TEXT
 *	case step CASE STEP --why TEXT
 *	case close|cancel|left CASE --why TEXT
 *	case set CASE name|email|tckn VALUE --why TEXT
 *	case merge CASE INTO --why TEXT
 *	case pause CASE --why TEXT
 *	case resume CASE [--why TEXT]
 *
 * Every correction also takes --by NAME.  A CASE that names no case, or
 * several (they are listed), fails with exit 1 before anything changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "clock.h"
#include "robot.h"
#include "status.h"

/* The longest why kept: a sentence or two, not a letter. */
#define WHY_MAX	500

struct args {
	const char	*pos[4];	/* the words after the subcommand */
	int		 npos;
	const char	*why;
	const char	*by;
};

/* Splits argv[first..] into words and --why / --by; -1 on a usage
 * error. */
static int
parse(int argc, char **argv, int first, struct args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = first; i < argc; i++) {
		const char **opt = NULL;

		if (strcmp(argv[i], "--why") == 0)
			opt = &a->why;
		else if (strcmp(argv[i], "--by") == 0)
			opt = &a->by;
		if (opt != NULL) {
			if (i + 1 >= argc || *opt != NULL)
				return -1;
			*opt = argv[++i];
		} else if (strncmp(argv[i], "--", 2) == 0 ||
		    a->npos == (int)(sizeof a->pos / sizeof a->pos[0]))
			return -1;
		else
			a->pos[a->npos++] = argv[i];
	}
	return 0;
}

/* The one case key names, or 0: none (said), several (listed on stdout,
 * said on stderr), a database error. */
static int64_t
one_case(struct robot *r, const char *key)
{
	struct admin_cases c;
	int64_t id = 0;

	if (admin_find(r->db, key, &c) == -1) {
		fprintf(stderr, "robot: cannot look for %s (see above)\n", key);
		return 0;
	}
	if (c.n == 0)
		fprintf(stderr, "robot: no case matches %s\n", key);
	else if (c.n == 1)
		id = c.v[0];
	else {
		fprintf(stderr, "robot: %s matches %zu cases; name one by its "
		    "tag\n", key, c.n);
		for (size_t i = 0; i < c.n; i++)
			status_case_line(r->db, c.v[i], stdout);
	}
	admin_cases_free(&c);
	return id;
}

/* Who and why, checked; exit code 0, or 2 (said). */
static int
who_and_why(const struct args *a, int need_why, char *who, size_t wholen,
    char **why_r)
{
	*why_r = NULL;
	if (admin_who(a->by, who, wholen) == NULL) {
		fprintf(stderr, "robot: cannot tell who makes this correction: "
		    "give --by NAME\n");
		return 2;
	}
	if (a->why == NULL && !need_why)
		return 0;
	if (a->why == NULL || (*why_r = admin_text(a->why, WHY_MAX)) == NULL) {
		fprintf(stderr, "robot: --why TEXT is required: say why, in at "
		    "most %d bytes\n", WHY_MAX);
		return 2;
	}
	return 0;
}

/* The words each subcommand takes, and whether it needs --why. */
static const struct sub {
	const char	*name;
	int		 npos;
	int		 need_why;
} subs[] = {
	{ "attach", 2, 1 }, { "step", 2, 1 }, { "close", 1, 1 },
	{ "cancel", 1, 1 }, { "left", 1, 1 }, { "set", 3, 1 },
	{ "merge", 2, 1 }, { "pause", 1, 1 }, { "resume", 1, 0 },
};

/* Runs one correction on the case(s) resolved; returns the admin_rc. */
static int
correct(struct robot *r, const char *sub, const struct args *a, int64_t id,
    const struct admin_by *by, time_t now, char *err, size_t errlen)
{
	struct buf what = BUF_INIT;
	int64_t other, msg;
	int rc;

	if (strcmp(sub, "step") == 0)
		return admin_step(r->db, id, case_step_parse(a->pos[1]), by,
		    now, err, errlen);
	if (strcmp(sub, "close") == 0)
		return admin_close(r->db, id, NULL, by, now, err, errlen);
	if (strcmp(sub, "cancel") == 0)
		return admin_close(r->db, id, "cancelled", by, now, err,
		    errlen);
	if (strcmp(sub, "left") == 0)
		return admin_close(r->db, id, "left", by, now, err, errlen);
	if (strcmp(sub, "set") == 0)
		return admin_set(r->db, r->cfg, id, a->pos[1], a->pos[2], by,
		    now, err, errlen);
	if (strcmp(sub, "pause") == 0 || strcmp(sub, "resume") == 0)
		return admin_pause(r->db, id, strcmp(sub, "pause") == 0, by,
		    now, err, errlen);
	if (strcmp(sub, "merge") == 0) {
		if ((other = one_case(r, a->pos[1])) == 0)
			return ADMIN_REFUSED;
		return admin_merge(r->db, id, other, by, now, err, errlen);
	}
	/* attach MESSAGE CASE: id is the case, a->pos[0] the message. */
	if ((msg = admin_message(r->db, a->pos[0])) == 0) {
		snprintf(err, errlen, "no message matches %s (a number or "
		    "Message-ID that `status` shows)", a->pos[0]);
		return ADMIN_REFUSED;
	}
	if (robot_load_reading(r) == -1)
		return ADMIN_ERR;
	rc = admin_attach(r->db, r->cfg, r->rules, msg, id, by, now, &what,
	    err, errlen);
	if (rc == ADMIN_OK)
		printf("message #%lld: %s\n", (long long)msg, buf_str(&what));
	buf_free(&what);
	return rc;
}

static int
cmd_correct(struct robot *r, const struct sub *s, int argc, char **argv)
{
	struct args a;
	struct admin_by by;
	char who[128], err[1024] = "", *why = NULL;
	const char *key;
	time_t now;
	int64_t id;
	int rc;

	if (parse(argc, argv, 2, &a) == -1 || a.npos != s->npos)
		return 2;
	if (strcmp(s->name, "step") == 0 &&
	    case_step_parse(a.pos[1]) < STEP_FORM_RECEIVED) {
		fprintf(stderr, "robot: %s: not a case's step (form_received "
		    "... closed)\n", a.pos[1]);
		return 2;
	}
	if ((rc = who_and_why(&a, s->need_why, who, sizeof who, &why)) != 0)
		return rc;
	by.who = who;
	by.why = why;
	if (clock_now(&now, err, sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		free(why);
		return 1;
	}
	key = strcmp(s->name, "attach") == 0 ? a.pos[1] : a.pos[0];
	if ((id = one_case(r, key)) == 0) {
		free(why);
		return 1;
	}
	rc = correct(r, s->name, &a, id, &by, now, err, sizeof err);
	free(why);
	if (rc != ADMIN_OK) {
		if (*err)
			fprintf(stderr, "robot: %s\n", err);
		return 1;
	}
	status_case_line(r->db, id, stdout);
	return 0;
}

int
robot_cmd_case(struct robot *r, int argc, char **argv)
{
	int64_t id;

	if (argc >= 2)
		for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
			if (strcmp(argv[1], subs[i].name) == 0)
				return cmd_correct(r, &subs[i], argc, argv);
	if (argc != 2)
		return 2;
	if ((id = one_case(r, argv[1])) == 0)
		return 1;
	return status_print_case(r->db, id, stdout) == 0 ? 0 : 1;
}
