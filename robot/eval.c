/* eval: the labelled corpus run; see eval.h. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ascii.h"
#include "buf.h"
#include "cases.h"
#include "clock.h"
#include "db.h"
#include "eval.h"
#include "form.h"
#include "ledger.h"
#include "mem.h"
#include "outbox.h"
#include "pipeline.h"

#define NSTEPS	(STEP_LAST + 1)	/* STEP_NONE .. STEP_CLOSED */

/* A list of strings. */
struct strv {
	char	**v;
	size_t	 n;
};

static void
strv_add(struct strv *s, const char *x)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = xstrdup(x);
}

static int
strv_has(const struct strv *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return 1;
	return 0;
}

static void
strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* One label. */
struct expect {
	enum case_step	 step;		/* STEP_NONE for step=none */
	struct strv	 cases;		/* tags, or "new:ADDRESS" */
	char		*ticket;
	char		*outcome;
	char		*why;
};

/* What the robot did with one message. */
struct got {
	struct strv	 keys;		/* case keys moved ... */
	enum case_step	*steps;		/* ... and to which step */
	struct strv	 tickets;	/* requests given ticket_opened */
	struct strv	 replies;	/* cases a reply was attached to */
	char		*form_ticket;	/* the ticket of a form's request */
	char		*outcome;
	char		*reason;
};

struct run {
	const struct config	*cfg;
	const struct rule_set	*rules;
	sqlite3			*db;
	time_t			 now;
	FILE			*out;
	struct eval_score	*score;
	int			 expected[NSTEPS], recalled[NSTEPS];
	int			 moved[NSTEPS], moved_ok[NSTEPS];
	int			 confusion[NSTEPS][NSTEPS + 1];
	struct buf		 wrong, missed, outcomes;
};

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Splits a line at tabs into at most max fields. */
static size_t
fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (line != NULL && n < max) {
		char *tab = strchr(line, '\t');

		if (tab)
			*tab++ = '\0';
		f[n++] = trim(line);
		line = tab;
	}
	return n;
}

static int
day(const char *iso, time_t *t)
{
	int y, m, d;

	if (clock_parse_iso(iso, t) == 0)
		return 0;
	if (sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		return -1;
	*t = clock_make_local(y, m, d, 9);
	return 0;
}

/* world.tsv: now, request, case and robot_mail lines (eval.h). */
static int
load_world(struct run *r, const char *path)
{
	struct buf b = BUF_INIT;
	struct strv keys = { 0 };
	int64_t *ids = NULL;
	char *line, *next;
	int lineno = 0, rc = -1;

	if (buf_read_file(&b, path) == -1) {
		fprintf(stderr, "robot: %s: %s\n", path, buf_read_error());
		goto out;
	}
	buf_putc(&b, '\0');
	for (line = b.s; line != NULL; line = next) {
		char *f[12];
		size_t n;
		time_t t;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*trim(line) == '\0' || *trim(line) == '#')
			continue;
		n = fields(line, f, 12);
		if (strcmp(f[0], "now") == 0 && n >= 2 &&
		    clock_parse_iso(f[1], &r->now) == 0)
			continue;
		if (strcmp(f[0], "request") == 0 && n >= 6 &&
		    day(f[5], &t) == 0) {
			int64_t id = cases_import_request(r->db,
			    strcmp(f[2], "-") == 0 ? NULL : f[2], f[3], f[4], t,
			    r->now);

			if (id == -1)
				goto bad;
			strv_add(&keys, f[1]);
			ids = xrealloc(ids, keys.n * sizeof *ids);
			ids[keys.n - 1] = id;
			continue;
		}
		if (strcmp(f[0], "case") == 0 && n >= 9 &&
		    day(f[8], &t) == 0) {
			struct form_person p = { 0 };
			size_t k;

			for (k = 0; k < keys.n && strcmp(keys.v[k], f[2]); k++)
				;
			if (k == keys.n || case_step_parse(f[7]) == STEP_NONE)
				goto bad;
			p.name = f[3];
			p.tckn = f[4];
			p.email = f[5];
			p.title = f[6];
			if (cases_import_case(r->db, ids[k], f[1], &p,
			    case_step_parse(f[7]), t, r->now) == -1)
				goto bad;
			continue;
		}
		if (strcmp(f[0], "robot_mail") == 0 && n >= 5) {
			int64_t cid = 0, rq = 0, listed[64];
			char *tags = f[4], *tag, *save = NULL;
			size_t count = 0;
			int rc2;

			for (tag = strtok_r(tags, ",", &save); tag &&
			    count < 64; tag = strtok_r(NULL, ",", &save)) {
				cid = db_int(r->db, "SELECT id FROM cases WHERE "
				    "tag = ?1", trim(tag), 0);
				rq = db_int(r->db, "SELECT request FROM cases "
				    "WHERE tag = ?1", trim(tag), 0);
				if (cid == 0)
					goto bad;
				listed[count++] = cid;
			}
			/* A mail about several people is their request's,
			 * listing them (the acknowledgement, BİDB's
			 * reminders). */
			if (count == 1)
				rc2 = outbox_record_sent(r->db, f[2], f[1], f[3],
				    cid, 0, NULL, 0, r->now);
			else
				rc2 = outbox_record_sent(r->db, f[2], f[1], f[3],
				    0, rq, listed, count, r->now);
			if (count == 0 || rc2 == -1)
				goto bad;
			continue;
		}
bad:
		fprintf(stderr, "robot: %s:%d: not a world line (now, request, "
		    "case, robot_mail) or names what is not there\n", path,
		    lineno);
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	strv_free(&keys);
	free(ids);
	return rc;
}

/* The *.eml files under dir, sorted, relative to dir. */
static void
walk(const char *dir, const char *rel, struct strv *files)
{
	struct dirent *de;
	DIR *d;
	char path[4096], sub[4096];

	snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		size_t n = strlen(de->d_name);
		char full[8192];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name);
		snprintf(full, sizeof full, "%s/%s", dir, sub);
		if (stat(full, &sb) == -1)
			continue;
		if (S_ISDIR(sb.st_mode))
			walk(dir, sub, files);
		else if (n > 4 && strcmp(de->d_name + n - 4, ".eml") == 0)
			strv_add(files, sub);
	}
	closedir(d);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Takes every X-Corpus-* field (with its folded lines) out of the header
 * of raw, in place; returns the new length and copies X-Corpus-Expect's
 * value into label. */
static size_t
strip_labels(char *raw, size_t len, struct buf *label)
{
	size_t i = 0, o = 0;
	int drop = 0;

	while (i < len) {
		size_t e = i;

		while (e < len && raw[e] != '\n')
			e++;
		if (e < len)
			e++;
		/* The blank line ends the header. */
		if ((e - i == 1) || (e - i == 2 && raw[i] == '\r')) {
			memmove(raw + o, raw + i, len - i);
			return o + (len - i);
		}
		if (raw[i] != ' ' && raw[i] != '\t')
			drop = e - i > 9 && ascii_prefix_ci(raw + i,
			    "X-Corpus-");
		if (drop) {
			if (ascii_prefix_ci(raw + i, "X-Corpus-Expect:"))
				buf_add(label, raw + i + 16, e - i - 16);
			else if (raw[i] == ' ' || raw[i] == '\t')
				buf_add(label, raw + i, e - i);
		} else {
			memmove(raw + o, raw + i, e - i);
			o += e - i;
		}
		i = e;
	}
	return o;
}

static int
parse_label(char *s, struct expect *x)
{
	char *f, *save = NULL;
	int have_step = 0;

	memset(x, 0, sizeof *x);
	for (char *p = s; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	for (f = strtok_r(s, ";", &save); f; f = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(f, '='), *k, *v;

		if (eq == NULL)
			continue;
		*eq = '\0';
		k = trim(f);
		v = trim(eq + 1);
		if (strcmp(k, "step") == 0) {
			have_step = 1;
			x->step = strcmp(v, "none") == 0 ? STEP_NONE :
			    case_step_parse(v);
			if (x->step == STEP_NONE && strcmp(v, "none") != 0)
				return -1;
		} else if (strcmp(k, "cases") == 0) {
			char *c, *s2 = NULL;

			for (c = strtok_r(v, ",", &s2); c;
			    c = strtok_r(NULL, ",", &s2))
				if (*trim(c))
					strv_add(&x->cases, trim(c));
		} else if (strcmp(k, "ticket") == 0)
			x->ticket = xstrdup(v);
		else if (strcmp(k, "outcome") == 0)
			x->outcome = xstrdup(v);
		else if (strcmp(k, "why") == 0)
			x->why = xstrdup(v);
	}
	return have_step ? 0 : -1;
}

static void
expect_free(struct expect *x)
{
	strv_free(&x->cases);
	free(x->ticket);
	free(x->outcome);
	free(x->why);
}

static void
got_free(struct got *g)
{
	strv_free(&g->keys);
	free(g->steps);
	strv_free(&g->tickets);
	strv_free(&g->replies);
	free(g->form_ticket);
	free(g->outcome);
	free(g->reason);
}

/* Reads what message row id did, inside the transaction. */
static void
collect(sqlite3 *db, int64_t id, int64_t first_new, struct got *g)
{
	static const char moves[] =
	    "SELECT c.id, c.tag, coalesce(c.email, c.name), e.step FROM "
	    "event e JOIN cases c ON "
	    "c.id = e.case_id WHERE e.message = ?1 AND e.kind = 'step' "
	    "ORDER BY e.id";
	static const char tickets[] =
	    "SELECT r.ticket FROM event e JOIN request r ON r.id = e.request "
	    "WHERE e.message = ?1 AND e.kind = 'step' AND e.case_id IS NULL "
	    "AND e.step = 'ticket_opened'";
	/* A reply kept on a whole request is about each of its people. */
	static const char replies[] =
	    "SELECT c.tag FROM event e JOIN cases c ON c.id = e.case_id "
	    "WHERE e.message = ?1 AND e.kind = 'reply' UNION "
	    "SELECT c.tag FROM event e JOIN cases c ON c.request = e.request "
	    "WHERE e.message = ?1 AND e.kind = 'reply' AND e.case_id IS NULL";
	static const char form[] =
	    "SELECT r.ticket FROM event e JOIN cases c ON c.id = e.case_id "
	    "JOIN request r ON r.id = c.request WHERE e.message = ?1 AND "
	    "e.step = 'form_received' LIMIT 1";
	sqlite3_stmt *st;

	if ((st = db_stmt(db, moves)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct buf k = BUF_INIT;

			if (sqlite3_column_int64(st, 0) >= first_new)
				buf_printf(&k, "new:%s",
				    sqlite3_column_text(st, 2));
			else
				buf_puts(&k, (const char *)
				    sqlite3_column_text(st, 1));
			strv_add(&g->keys, buf_str(&k));
			g->steps = xrealloc(g->steps, g->keys.n *
			    sizeof *g->steps);
			g->steps[g->keys.n - 1] = case_step_parse((const char *)
			    sqlite3_column_text(st, 3));
			buf_free(&k);
		}
		sqlite3_reset(st);
	}
	if ((st = db_stmt(db, tickets)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW)
			strv_add(&g->tickets, sqlite3_column_text(st, 0) ?
			    (const char *)sqlite3_column_text(st, 0) : "-");
		sqlite3_reset(st);
	}
	if ((st = db_stmt(db, replies)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW)
			strv_add(&g->replies, (const char *)
			    sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	if ((st = db_stmt(db, form)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			g->form_ticket = db_col_strdup(st, 0);
		sqlite3_reset(st);
	}
}

/* Records and applies one message as poll does, then rolls it back. */
static int
apply_one(struct run *r, const char *raw, size_t len, struct got *g)
{
	struct case_outcome out = { 0 };
	struct ledger_entry e;
	struct mime_msg *m;
	int64_t id, first_new;
	int dup, rc = -1;

	memset(g, 0, sizeof *g);
	if ((m = mime_decode(raw, len, r->cfg->limits.max_message)) == NULL)
		return -1;
	memset(&e, 0, sizeof e);
	e.folder = "(rules eval)";
	e.uid = 1;
	e.raw = raw;
	e.len = len;
	e.msg = m;
	e.now = r->now;
	first_new = db_int(r->db, "SELECT coalesce(max(id), 0) + 1 FROM "
	    "cases", NULL, 1);
	if (db_begin(r->db) == -1)
		goto out;
	if (ledger_record(r->db, &e, &id, &dup) == 0 &&
	    pipeline_apply(r->db, r->cfg, r->rules, id, m, r->now, &out) == 0) {
		collect(r->db, id, first_new, g);
		g->outcome = xstrdup(out.outcome);
		g->reason = xstrdup(buf_str(&out.reason));
		rc = 0;
	}
	db_rollback(r->db);
out:
	cases_outcome_free(&out);
	mime_free(&m);
	return rc;
}

static const char *
short_step(enum case_step s)
{
	static const char *const names[NSTEPS + 1] = {
		"none", "tick", "form", "sent", "noti", "fill", "appr", "carg",
		"cert", "clos", "mix"
	};

	return names[s];
}

static const char *
step_name(enum case_step s)
{
	return s == STEP_NONE ? "none" : case_step_key(s);
}

/* 1 when every string of a is in b. */
static int
all_in(const struct strv *a, const struct strv *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strv_has(b, a->v[i]))
			return 0;
	return 1;
}

/* Compares one message's result with its label and counts it. */
static void
judge(struct run *r, const char *file, const struct expect *x,
    const struct got *g)
{
	struct eval_score *sc = r->score;
	enum case_step col = STEP_NONE;
	struct buf wrong = BUF_INIT;
	int mixed = 0, recalled = 1, moved_at[NSTEPS] = { 0 },
	    bad_at[NSTEPS] = { 0 };
	size_t i;

	for (i = 0; i < g->keys.n; i++) {
		enum case_step s = g->steps[i];

		if (col != STEP_NONE && col != s)
			mixed = 1;
		col = s;
		moved_at[s] = 1;
		if (s != x->step || !strv_has(&x->cases, g->keys.v[i])) {
			bad_at[s] = 1;
			buf_printf(&wrong, " %s->%s", g->keys.v[i],
			    step_name(s));
		}
	}
	for (i = 0; i < g->tickets.n; i++) {
		if (col != STEP_NONE && col != STEP_TICKET_OPENED)
			mixed = 1;
		col = STEP_TICKET_OPENED;
		moved_at[STEP_TICKET_OPENED] = 1;
		if (x->step != STEP_TICKET_OPENED || x->ticket == NULL ||
		    strcmp(x->ticket, g->tickets.v[i]) != 0) {
			bad_at[STEP_TICKET_OPENED] = 1;
			buf_printf(&wrong, " ticket %s->ticket_opened",
			    g->tickets.v[i]);
		}
	}
	if (x->step == STEP_TICKET_OPENED)
		recalled = x->ticket && strv_has(&g->tickets, x->ticket);
	else if (x->step != STEP_NONE) {
		for (i = 0; i < x->cases.n && recalled; i++) {
			size_t k;

			for (k = 0; k < g->keys.n; k++)
				if (g->steps[k] == x->step && strcmp(
				    g->keys.v[k], x->cases.v[i]) == 0)
					break;
			recalled = k < g->keys.n;
		}
		if (x->cases.n == 0)
			recalled = moved_at[x->step];
		/* A form must join the request of its ticket. */
		if (recalled && x->step == STEP_FORM_RECEIVED && x->ticket &&
		    (g->form_ticket == NULL || strcmp(g->form_ticket,
		    x->ticket) != 0))
			recalled = 0;
	}
	for (int s = 1; s < NSTEPS; s++) {
		r->moved[s] += moved_at[s];
		r->moved_ok[s] += moved_at[s] && !bad_at[s];
	}
	r->confusion[x->step][mixed ? NSTEPS : col]++;
	if (x->step != STEP_NONE) {
		r->expected[x->step]++;
		sc->with_step++;
		if (recalled) {
			r->recalled[x->step]++;
			sc->recalled++;
		} else
			buf_printf(&r->missed, "  %s: expected %s%s%s; got %s: "
			    "%s%s%s\n", file, step_name(x->step),
			    x->cases.n ? " for " : "", x->cases.n ?
			    x->cases.v[0] : "", g->outcome, g->reason,
			    x->why ? " [" : "", x->why ? x->why : "");
	}
	if (wrong.len) {
		sc->wrong_moves++;
		buf_printf(&r->wrong, "  %s: moved%s (expected %s): %s%s%s\n",
		    file, buf_str(&wrong), step_name(x->step), g->reason,
		    x->why ? " [" : "", x->why ? x->why : "");
	}
	if (x->outcome == NULL || (strcmp(x->outcome, g->outcome) == 0 &&
	    (strcmp(x->outcome, "awaiting") != 0 || all_in(&x->cases,
	    &g->replies))))
		sc->outcome_ok++;
	else
		buf_printf(&r->outcomes, "  %s: %s, expected %s: %s%s%s\n",
		    file, g->outcome, x->outcome, g->reason, x->why ? " [" :
		    "", x->why ? x->why : "");
	buf_free(&wrong);
}

static int
one_file(struct run *r, const char *dir, const char *file)
{
	struct buf raw = BUF_INIT, label = BUF_INIT;
	struct expect x;
	struct got g;
	char path[8192];
	size_t len;
	int rc = -1;

	memset(&g, 0, sizeof g);
	memset(&x, 0, sizeof x);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (buf_read_file(&raw, path) == -1) {
		fprintf(r->out, "  %s: %s\n", file, buf_read_error());
		goto out;
	}
	len = strip_labels(raw.s, raw.len, &label);
	buf_putc(&label, '\0');
	if (parse_label(label.s, &x) == -1) {
		fprintf(r->out, "  %s: no X-Corpus-Expect with a step\n", file);
		goto out;
	}
	if (apply_one(r, raw.s, len, &g) == -1) {
		fprintf(r->out, "  %s: could not be applied\n", file);
		goto out;
	}
	judge(r, file, &x, &g);
	rc = 0;
out:
	if (rc == -1)
		r->score->errors++;
	expect_free(&x);
	got_free(&g);
	buf_free(&raw);
	buf_free(&label);
	return rc;
}

static double
pct(int a, int b)
{
	return b ? 100.0 * a / b : 100.0;
}

static void
report(struct run *r)
{
	struct eval_score *sc = r->score;
	FILE *o = r->out;
	int s, c, moved = 0, moved_ok = 0;

	fprintf(o, "%-20s %5s %8s %10s\n", "step", "msgs", "recall",
	    "precision");
	for (s = 1; s < NSTEPS; s++) {
		fprintf(o, "%-20s %5d %7.1f%% %9.1f%%\n", case_step_key(s),
		    r->expected[s], pct(r->recalled[s], r->expected[s]),
		    pct(r->moved_ok[s], r->moved[s]));
		moved += r->moved[s];
		moved_ok += r->moved_ok[s];
	}
	fprintf(o, "%-20s %5d %7.1f%% %9.1f%%\n", "all steps", sc->with_step,
	    pct(sc->recalled, sc->with_step), pct(moved_ok, moved));
	fprintf(o, "%-20s %5d\n", "no step expected",
	    sc->messages - sc->with_step - sc->errors);
	fprintf(o, "outcomes as labelled: %d of %d (%.1f%%)\n\n",
	    sc->outcome_ok, sc->messages - sc->errors,
	    pct(sc->outcome_ok, sc->messages - sc->errors));
	fprintf(o, "confusion (rows: the label's step; columns: the step the "
	    "robot moved cases to)\n%-20s", "");
	for (c = 1; c <= NSTEPS; c++)
		fprintf(o, " %4s", short_step(c == NSTEPS ? NSTEPS : c));
	fprintf(o, " %4s\n", "none");
	for (s = 0; s < NSTEPS; s++) {
		fprintf(o, "%-20s", step_name(s));
		for (c = 1; c <= NSTEPS; c++)
			if (r->confusion[s][c])
				fprintf(o, " %4d", r->confusion[s][c]);
			else
				fprintf(o, " %4s", ".");
		fprintf(o, " %4d\n", r->confusion[s][0]);
	}
	fprintf(o, "\nwrong moves (%d):\n%s", sc->wrong_moves,
	    r->wrong.len ? buf_str(&r->wrong) : "  none\n");
	fprintf(o, "\nmissed (%d):\n%s", sc->with_step - sc->recalled,
	    r->missed.len ? buf_str(&r->missed) : "  none\n");
	fprintf(o, "\noutcome differs from the label (%d):\n%s",
	    sc->messages - sc->errors - sc->outcome_ok,
	    r->outcomes.len ? buf_str(&r->outcomes) : "  none\n");
}

int
eval_run(const struct config *cfg, const struct rule_set *rules,
    const char *dir, FILE *out, struct eval_score *score)
{
	struct run r;
	struct strv files = { 0 };
	char path[4096], err[512];
	double recall;
	int rc = -1;

	memset(&r, 0, sizeof r);
	memset(score, 0, sizeof *score);
	r.cfg = cfg;
	r.rules = rules;
	r.out = out;
	r.score = score;
	if (db_open(":memory:", &r.db, err, sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		return -1;
	}
	if (clock_now(&r.now, err, sizeof err) == -1) {
		fprintf(stderr, "robot: %s\n", err);
		goto out;
	}
	snprintf(path, sizeof path, "%s/world.tsv", dir);
	if (load_world(&r, path) == -1)
		goto out;
	walk(dir, "", &files);
	if (files.n == 0) {
		fprintf(stderr, "robot: %s: no *.eml files\n", dir);
		goto out;
	}
	qsort(files.v, files.n, sizeof *files.v, cmpstr);
	fprintf(out, "rules eval: %zu message(s) in %s\n", files.n, dir);
	for (size_t i = 0; i < files.n; i++) {
		score->messages++;
		one_file(&r, dir, files.v[i]);
	}
	fputc('\n', out);
	report(&r);
	recall = score->with_step ? (double)score->recalled /
	    score->with_step : 1.0;
	rc = recall >= EVAL_MIN_RECALL && score->wrong_moves == 0 &&
	    score->errors == 0 ? 0 : 1;
	fprintf(out, "\nrules eval: %s: recall %.1f%% (at least %.0f%%), %d "
	    "wrong move(s), %d unreadable\n", rc == 0 ? "PASS" : "FAIL",
	    100.0 * recall, 100.0 * EVAL_MIN_RECALL, score->wrong_moves,
	    score->errors);
out:
	strv_free(&files);
	buf_free(&r.wrong);
	buf_free(&r.missed);
	buf_free(&r.outcomes);
	db_close(&r.db);
	return rc;
}
