/* robot: the stage after the ledger, and the commands other than poll and
 * run (those are in main.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "act.h"
#include "cases.h"
#include "clock.h"
#include "db.h"
#include "digest.h"
#include "eval.h"
#include "history.h"
#include "lazy.h"
#include "ledger.h"
#include "mail.h"
#include "mem.h"
#include "pipeline.h"
#include "purge.h"
#include "robot.h"
#include "rules.h"
#include "sender.h"
#include "status.h"
#include "tmpl.h"
#include "trust.h"
#include "unit.h"

enum log_level
robot_log_level(const struct config *cfg)
{
	const char *l = cfg->robot.log_level ? cfg->robot.log_level : "info";

	if (strcmp(l, "error") == 0)
		return LOG_LVL_ERR;
	if (strcmp(l, "warning") == 0)
		return LOG_LVL_WARN;
	if (strcmp(l, "debug") == 0)
		return LOG_LVL_DEBUG;
	return LOG_LVL_INFO;
}

int
robot_load_reading(struct robot *r)
{
	char err[512];

	if (lazy_reading(err, sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		return -1;
	}
	return robot_load_rules(r);
}

int
robot_load_rules(struct robot *r)
{
	char err[1024];

	if (r->rules)
		return 0;
	if (rules_load(r->cfg->robot.rules_dir, &r->rules, err,
	    sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		return -1;
	}
	return 0;
}

static int
now_or_fail(time_t *now)
{
	char err[256];

	if (clock_now(now, err, sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		return -1;
	}
	return 0;
}

int
robot_apply(void *ctx, sqlite3 *db, int64_t id, const struct mime_msg *msg,
    int dup, time_t now)
{
	struct robot *r = ctx;
	struct case_outcome out = { 0 };
	int rc;

	if (dup)
		return 0;	/* recorded as a duplicate; nothing twice */
	/* The poll's sender starts with its first new message: what it
	 * queues can leave while the fetch goes on.  Once a poll, whether
	 * the thread starts or not (sender_start says why not). */
	if (r->polling) {
		r->polling = 0;
		r->sender = sender_start(r->cfg, now);
	}
	rc = pipeline_apply(db, r->cfg, r->rules, id, msg, now, &out);
	if (rc == 0)
		log_debug("message #%lld: %s: %s", (long long)id, out.outcome,
		    buf_str(&out.reason));
	/* New cases may place mail that came before its form: noted here, in
	 * the message's transaction, and done once after the poll. */
	if (rc == 0 && out.new_cases > 0 &&
	    history_counter_set(db, HISTORY_REPROCESS, 1) == -1)
		rc = -1;
	cases_outcome_free(&out);
	return rc;
}

/* status [--json|--csv] [--unmasked] [--unit UNIT] [--step STEP]
 * [--overdue] */
static int
status_args(int argc, char **argv, struct status_opts *o,
    const char **unit_r)
{
	/* An option given twice is a mistake worth saying. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && !o->json)
			o->json = 1;
		else if (strcmp(argv[i], "--csv") == 0 && !o->csv)
			o->csv = 1;
		else if (strcmp(argv[i], "--unmasked") == 0 && !o->unmasked)
			o->unmasked = 1;
		else if (strcmp(argv[i], "--overdue") == 0 && !o->overdue)
			o->overdue = 1;
		else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc &&
		    *unit_r == NULL)
			*unit_r = argv[++i];
		else if (strcmp(argv[i], "--step") == 0 && i + 1 < argc) {
			if ((o->step = case_step_parse(argv[++i])) ==
			    STEP_NONE) {
				fprintf(stderr, "robot: --step %s: not a step "
				    "(ticket_opened ... closed)\n", argv[i]);
				return -1;
			}
		} else
			return -1;
	}
	return o->json && o->csv ? -1 : 0;
}

int
robot_cmd_status(struct robot *r, int argc, char **argv)
{
	struct status_opts o;
	const char *unit = NULL;
	time_t now;
	int rc;

	memset(&o, 0, sizeof o);
	if (status_args(argc, argv, &o, &unit) == -1)
		return 2;
	if (now_or_fail(&now) == -1)
		return 1;
	/* Unit names are compared through rules/units.txt, which comes
	 * with the rules. */
	if (unit && robot_load_rules(r) == -1)
		return 1;
	if (unit && ((o.unit_key = unit_key(unit)) == NULL ||
	    *o.unit_key == '\0')) {
		fprintf(stderr, "robot: --unit %s: not a unit's name\n", unit);
		free(o.unit_key);
		return 2;
	}
	rc = status_print(r->db, r->cfg, now, &o, stdout) == 0 ? 0 : 1;
	free(o.unit_key);
	return rc;
}

/* The holiday file must know the Bayram days ahead, or reminders fall on
 * them: said on stderr, in the administrator's language, not an error. */
static void
warn_holidays(const struct config *cfg, time_t now)
{
	int y = clock_holidays_missing_year(now, CLOCK_HOLIDAYS_AHEAD);

	if (y == 0)
		return;
	fflush(stdout);
	fprintf(stderr, "robot: uyarı: %s: %d yılının Ramazan ve Kurban "
	    "Bayramı günleri yok; önümüzdeki %d günün iş günleri yanlış "
	    "sayılabilir: bu günleri dosyaya ekleyiniz\n",
	    cfg->robot.holidays_file, y, CLOCK_HOLIDAYS_AHEAD);
}

int
robot_cmd_rules_check(struct robot *r, int argc, char **argv)
{
	char err[1024];
	time_t now;

	(void)argv;
	if (argc != 2)
		return 2;
	if (robot_load_rules(r) == -1 || now_or_fail(&now) == -1)
		return 1;
	if (mail_check_dir(r->cfg->robot.templates_dir, err, sizeof err) ==
	    -1) {
		fprintf(stderr, "robot: %s\n", err);
		return 1;
	}
	printf("rules: %zu rule(s) compiled from %s; templates in %s are "
	    "good\n", rules_count(r->rules), r->cfg->robot.rules_dir,
	    r->cfg->robot.templates_dir);
	if (trust_config_warning(r->cfg) != NULL)
		printf("warning: %s\n", trust_config_warning(r->cfg));
	warn_holidays(r->cfg, now);
	return 0;
}

int
robot_cmd_templates_check(struct robot *r, int argc, char **argv)
{
	char err[1024];

	(void)argv;
	if (argc != 2)
		return 2;
	if (mail_check_dir(r->cfg->robot.templates_dir, err, sizeof err) ==
	    -1) {
		fprintf(stderr, "robot: %s\n", err);
		return 1;
	}
	printf("templates in %s are good\n", r->cfg->robot.templates_dir);
	return 0;
}

static char *
read_file(const char *path, size_t *len_r)
{
	struct buf b = BUF_INIT;

	if (buf_read_file(&b, path) == -1) {
		fprintf(stderr, "robot: %s: %s\n", path, buf_read_error());
		buf_free(&b);
		return NULL;
	}
	*len_r = b.len;
	return buf_steal(&b);
}

static void
print_roles(unsigned roles, const char *why)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ ROLE_KAMUSM, "kamusm" }, { ROLE_BYS, "bys" },
		{ ROLE_BIDB, "bidb" }, { ROLE_YAZI, "yazi_isleri" },
		{ ROLE_INTERNAL, "internal" },
	};
	int any = 0;

	printf("sender roles: ");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (roles & names[i].bit) {
			printf("%s%s", any ? ", " : "", names[i].name);
			any = 1;
		}
	/* A claim our server does not back gives no role either. */
	printf("%s%s%s\n", any ? "" : why ? "none" :
	    "none (outside the institution)", why ? "; " : "", why ? why : "");
}

int
robot_cmd_rules_test(struct robot *r, int argc, char **argv)
{
	struct case_outcome out = { 0 };
	struct rule_result res;
	struct ledger_entry e;
	struct mime_msg *m = NULL;
	const char *why = NULL, *path;
	char claim[TRUST_WHY_MAX];
	unsigned roles;
	char *raw;
	size_t len;
	int verbose = 0, rc = 1;
	int64_t id;
	int dup;
	time_t now;

	memset(&res, 0, sizeof res);
	if (argc == 4 && strcmp(argv[2], "-v") == 0) {
		verbose = 1;
		path = argv[3];
	} else if (argc == 3)
		path = argv[2];
	else
		return 2;
	if (robot_load_reading(r) == -1 || now_or_fail(&now) == -1)
		return 1;
	if ((raw = read_file(path, &len)) == NULL)
		return 1;
	if ((m = mime_decode(raw, len, r->cfg->limits.max_message)) == NULL) {
		fprintf(stderr, "robot: %s: empty message\n", path);
		goto out;
	}
	printf("From:       %s\nTo:         %s\nCc:         %s\n"
	    "Subject:    %s\nDate:       %s\nMessage-ID: %s\n",
	    m->from ? m->from : "", m->to ? m->to : "", m->cc ? m->cc : "",
	    m->subject ? m->subject : "", m->date ? m->date : "",
	    m->message_id ? m->message_id : "");
	for (size_t i = 0; i < m->natt; i++) {
		const struct mime_attachment *a = &m->att[i];

		printf("Attachment: %s (%s, %zu bytes", a->name ? a->name :
		    "(no name)", a->type, a->size);
		if (a->len == 0 && a->size > 0)
			printf(", not kept)\n");	/* a picture, a PDF */
		else if (a->len < a->size)
			printf(", %zu kept)\n", a->len);	/* cut */
		else
			printf(")\n");
	}
	if (m->notes)
		printf("Decoding:   %s\n", m->notes);
	printf("\n--- text the rules see ---\n%s\n--- end of text ---\n\n",
	    m->text ? m->text : "");
	if (trust_is_automatic(m, &why))
		printf("automatic mail (%s): the robot ignores it\n", why);
	roles = trust_roles(r->cfg, m, claim, sizeof claim);
	print_roles(roles, claim[0] != '\0' ? claim : NULL);
	rules_eval(r->rules, m, roles, verbose, &res);
	if (res.rule) {
		printf("matched:      rule %s -> %s\n", res.rule_name,
		    res.step);
		for (size_t i = 0; i < res.ncaps; i++)
			printf("  extracted:  %s = %s\n", res.caps[i].name,
			    res.caps[i].value);
	} else if (res.refused)
		printf("matched:      rule %s, but it needs a sender with "
		    "role %s\n", res.refused_name, res.refused_role);
	else
		printf("matched:      no rule\n");
	if (verbose && res.explain.len)
		printf("\nwhy the other rules did not match:\n%s",
		    buf_str(&res.explain));
	/* What it would change: apply it in a transaction rolled back. */
	memset(&e, 0, sizeof e);
	e.folder = "(rules test)";
	e.raw = raw;
	e.len = len;
	e.msg = m;
	e.now = now;
	if (db_begin(r->db) == -1)
		goto out;
	if (ledger_record(r->db, &e, &id, &dup) == 0 &&
	    pipeline_apply(r->db, r->cfg, r->rules, id, m, now, &out) == 0)
		printf("would be:     %s: %s\n", out.outcome,
		    buf_str(&out.reason));
	db_rollback(r->db);
	rc = 0;
out:
	rules_result_free(&res);
	cases_outcome_free(&out);
	mime_free(&m);
	free(raw);
	return rc;
}

int
robot_cmd_rules_eval(struct robot *r, int argc, char **argv)
{
	struct eval_score score;
	int rc;

	if (argc != 3)
		return 2;
	if (robot_load_reading(r) == -1)
		return 1;
	/* What the robot would log of four hundred messages drowns the
	 * report: only errors. */
	log_init(LOG_LVL_ERR, 0);
	rc = eval_run(r->cfg, r->rules, argv[2], stdout, &score);
	return rc == 0 ? 0 : 1;
}

int
robot_cmd_reprocess(struct robot *r, int argc, char **argv)
{
	time_t now;
	int n;

	(void)argv;
	if (argc != 1)
		return 2;
	if (robot_load_reading(r) == -1 || now_or_fail(&now) == -1)
		return 1;
	if ((n = pipeline_reprocess(r->db, r->cfg, r->rules, now, 0)) == -1) {
		fprintf(stderr, "robot: reprocess failed (see above)\n");
		return 1;
	}
	printf("reprocess: %d message(s) applied now\n", n);
	return 0;
}

void
robot_poll_begin(struct robot *r)
{
	r->polling = r->sender == NULL;
}

int
robot_poll_end(struct robot *r)
{
	r->polling = 0;
	return sender_finish(&r->sender, 0) == -1 ? -1 : 0;
}

int
robot_after_poll(struct robot *r)
{
	time_t now;
	int rc;

	r->polling = 0;
	if (now_or_fail(&now) == -1) {
		robot_poll_end(r);
		return -1;
	}
	if (history_counter(r->db, HISTORY_REPROCESS, 0) == 1) {
		/* A crash before the counter is reset only means looking
		 * again next time. */
		if (robot_load_reading(r) == -1 ||
		    pipeline_reprocess(r->db, r->cfg, r->rules, now, 1) == -1 ||
		    history_counter_set(r->db, HISTORY_REPROCESS, 0) == -1) {
			robot_poll_end(r);
			return -1;
		}
	}
	rc = act_after_poll(r->db, r->cfg, now, &r->sender);
	if (purge_daily(r->db, r->cfg, now) == -1)
		rc = -1;
	return rc;
}

int
robot_cmd_digest(struct robot *r, int argc, char **argv)
{
	time_t now;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--send") != 0))
		return 2;
	if (now_or_fail(&now) == -1)
		return 1;
	if (argc == 2) {
		if (digest_send_now(r->db, r->cfg, now) == -1) {
			fprintf(stderr, "robot: digest not sent (see above)\n");
			return 1;
		}
		printf("digest: sent to BİDB\n");
		return 0;
	}
	return digest_print(r->db, r->cfg, now, stdout) == 0 ? 0 : 1;
}

/* purge [--dry-run] [--case KEY] */
int
robot_cmd_purge(struct robot *r, int argc, char **argv)
{
	struct purge_counts c;
	struct buf b = BUF_INIT;
	const char *key = NULL;
	char err[512];
	int dry = 0, rc;
	time_t now;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0 && !dry)
			dry = 1;
		else if (strcmp(argv[i], "--case") == 0 && key == NULL &&
		    i + 1 < argc && *argv[i + 1] != '\0')
			key = argv[++i];
		else
			return 2;
	}
	if (now_or_fail(&now) == -1)
		return 1;
	if (key != NULL)
		rc = purge_person(r->db, key, now, dry, &c, err, sizeof err);
	else
		rc = purge_run(r->db, r->cfg, now, dry, &c);
	if (rc == 1)
		fprintf(stderr, "robot: %s\n", err);
	else if (rc == -1)
		fprintf(stderr, "robot: purge failed (see above)\n");
	else {
		purge_describe(&c, &b);
		printf("purge%s: %s\n", dry ? " (dry run: nothing changed), "
		    "would be" : "", buf_str(&b));
	}
	buf_free(&b);
	purge_counts_free(&c);
	return rc == 0 ? 0 : 1;
}
