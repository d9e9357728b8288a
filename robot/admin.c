/* admin: an administrator's corrections of cases, each one transaction
 * and one "admin" event with who and why; see admin.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "ascii.h"
#include "clock.h"
#include "db.h"
#include "fetch.h"
#include "history.h"
#include "imap.h"
#include "ledger.h"
#include "mem.h"
#include "tckn.h"
#include "trust.h"

/* What a correction needs to know of a case. */
struct admin_case {
	int64_t		 id;
	char		*tag, *name, *tckn, *email, *closed_as;
	enum case_step	 step;
	time_t		 step_t, paused_t;
	int64_t		 merged_into;
};

static void
case_free(struct admin_case *c)
{
	free(c->tag);
	free(c->name);
	free(c->tckn);
	free(c->email);
	free(c->closed_as);
	memset(c, 0, sizeof *c);
}

/* 0, or -1 when there is no such case (or a database error). */
static int
case_load(sqlite3 *db, int64_t id, struct admin_case *c)
{
	static const char sql[] =
	    "SELECT tag, name, tckn, email, step, step_t, closed_as, "
	    "merged_into, paused_t FROM cases WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc = -1;

	memset(c, 0, sizeof *c);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		c->id = id;
		c->tag = db_col_strdup(st, 0);
		c->name = db_col_strdup(st, 1);
		c->tckn = db_col_strdup(st, 2);
		c->email = db_col_strdup(st, 3);
		c->step = case_step_parse((const char *)sqlite3_column_text(st,
		    4));
		c->step_t = (time_t)sqlite3_column_int64(st, 5);
		c->closed_as = db_col_strdup(st, 6);
		c->merged_into = sqlite3_column_int64(st, 7);
		c->paused_t = (time_t)sqlite3_column_int64(st, 8);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

static int
refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ADMIN_REFUSED;
}

/* A merged case stands for nothing any more: its corrections go to the
 * case it was merged into.  Loads c; ADMIN_OK or ADMIN_REFUSED. */
static int
load_live(sqlite3 *db, int64_t id, struct admin_case *c, char *err,
    size_t errlen)
{
	struct admin_case into;
	int rc;

	if (case_load(db, id, c) == -1)
		return refuse(err, errlen, "no case #%lld", (long long)id);
	if (c->closed_as == NULL || strcmp(c->closed_as, "merged") != 0)
		return ADMIN_OK;
	rc = case_load(db, c->merged_into, &into);
	refuse(err, errlen, "%s was merged into %s: correct that case", c->tag,
	    rc == 0 ? into.tag : "another case");
	case_free(&into);
	return ADMIN_REFUSED;
}

/* The event of a correction. */
static int
admin_event(sqlite3 *db, int64_t id, int64_t msg, time_t now,
    enum case_step step, const char *what, const struct admin_by *by)
{
	return history_correction(db, id, msg, now, case_step_key(step), what,
	    by->who, by->why);
}

/* Runs a statement whose parameters are given as "i" (int64) or "t"
 * (text, NULL for null) in kinds, in order. */
static int
run(sqlite3 *db, const char *sql, const char *kinds, ...)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	va_list ap;
	int i = 1;

	if (st == NULL)
		return -1;
	va_start(ap, kinds);
	for (const char *k = kinds; *k; k++, i++) {
		if (*k == 'i')
			sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
		else
			db_bind_text(st, i, va_arg(ap, const char *));
	}
	va_end(ap);
	return db_done(db, st, "correction");
}

/* BEGIN IMMEDIATE, which waits out the busy timeout for `run`'s own
 * transaction; the refusal is the caller's one line, not a log line
 * too. */
static int
begin(sqlite3 *db, char *err, size_t errlen)
{
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK)
		return 0;
	snprintf(err, errlen, "the database is busy or cannot be written "
	    "(%s); nothing was changed", db_errmsg(db));
	return -1;
}

/* Commits, or rolls back after a failure; the result for the caller. */
static int
end(sqlite3 *db, int failed, char *err, size_t errlen)
{
	if (!failed && db_commit(db) == 0)
		return ADMIN_OK;
	snprintf(err, errlen, "database: %s; nothing was changed",
	    db_errmsg(db));
	db_rollback(db);
	return ADMIN_ERR;
}

/* "cancelled", "left", "merged", or the step's key. */
static const char *
state_of(const struct admin_case *c)
{
	if (c->step == STEP_CLOSED && c->closed_as)
		return c->closed_as;
	return case_step_key(c->step);
}

int
admin_step(sqlite3 *db, int64_t id, enum case_step step,
    const struct admin_by *by, time_t now, char *err, size_t errlen)
{
	static const char upd[] =
	    "UPDATE cases SET step = ?2, step_t = ?3, updated_t = ?3, "
	    "closed_as = NULL, paused_t = CASE WHEN ?2 = 'closed' THEN NULL "
	    "ELSE paused_t END, approval = CASE WHEN ?4 THEN NULL ELSE "
	    "approval END WHERE id = ?1";
	struct admin_case c;
	char what[128];
	int rc;

	if (step < STEP_FORM_RECEIVED || step > STEP_LAST)
		return refuse(err, errlen, "a case's step is one of "
		    "form_received ... closed");
	if ((rc = load_live(db, id, &c, err, errlen)) != ADMIN_OK)
		goto out;
	if (c.step == step && (step != STEP_CLOSED || c.closed_as == NULL)) {
		rc = refuse(err, errlen, "%s is already at %s", c.tag,
		    case_step_key(step));
		goto out;
	}
	snprintf(what, sizeof what, "step: %s -> %s", state_of(&c),
	    case_step_key(step));
	if (begin(db, err, errlen) == -1) {
		rc = ADMIN_ERR;
		goto out;
	}
	rc = end(db, run(db, upd, "itii", id, case_step_key(step),
	    (int64_t)now, (int64_t)(step < STEP_APPROVED)) == -1 ||
	    admin_event(db, id, 0, now, step, what, by) == -1, err, errlen);
out:
	case_free(&c);
	return rc;
}

int
admin_close(sqlite3 *db, int64_t id, const char *closed_as,
    const struct admin_by *by, time_t now, char *err, size_t errlen)
{
	/* A finished case found to be cancelled keeps its date. */
	static const char upd[] =
	    "UPDATE cases SET step_t = CASE WHEN step = 'closed' THEN step_t "
	    "ELSE ?3 END, step = 'closed', updated_t = ?3, closed_as = ?2, "
	    "paused_t = NULL WHERE id = ?1";
	struct admin_case c;
	const char *as = closed_as ? closed_as : "closed";
	char what[160];
	int rc;

	if ((rc = load_live(db, id, &c, err, errlen)) != ADMIN_OK)
		goto out;
	if (c.step == STEP_CLOSED && (c.closed_as == NULL ? closed_as ==
	    NULL : closed_as != NULL && strcmp(c.closed_as, closed_as) == 0)) {
		rc = refuse(err, errlen, "%s is already %s", c.tag, as);
		goto out;
	}
	if (closed_as && strcmp(closed_as, "left") == 0)
		snprintf(what, sizeof what, "left: the person left the "
		    "institution; cancelled (was %s)", state_of(&c));
	else
		snprintf(what, sizeof what, "%s (was %s)", closed_as ?
		    closed_as : "closed", state_of(&c));
	if (begin(db, err, errlen) == -1) {
		rc = ADMIN_ERR;
		goto out;
	}
	rc = end(db, run(db, upd, "iti", id, closed_as,
	    (int64_t)now) == -1 || admin_event(db, id, 0, now, STEP_CLOSED,
	    what, by) == -1, err, errlen);
out:
	case_free(&c);
	return rc;
}

/* The open case other than id that already has column = value, or 0. */
static int64_t
other_open(sqlite3 *db, const char *column, const char *value, int64_t id)
{
	static const char by_tckn[] = "SELECT id FROM cases WHERE tckn = ?1 "
	    "AND id <> ?2 AND step <> 'closed' LIMIT 1";
	static const char by_email[] = "SELECT id FROM cases WHERE email = ?1 "
	    "AND id <> ?2 AND step <> 'closed' LIMIT 1";
	sqlite3_stmt *st = db_stmt(db, strcmp(column, "tckn") == 0 ? by_tckn :
	    by_email);
	int64_t other = 0;

	if (st == NULL)
		return 0;
	db_bind_text(st, 1, value);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		other = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return other;
}

/* A plain address: one @, something on both sides, no space or bracket. */
static int
plain_addr(const char *a)
{
	const char *at = strchr(a, '@');

	return at != NULL && at != a && at[1] != '\0' && strchr(at + 1, '@') ==
	    NULL && strpbrk(a, " <>,;\"()[]\\") == NULL;
}

/* Checks and normalises a new value of field into *v_r; ADMIN_OK or
 * ADMIN_REFUSED. */
static int
check_value(sqlite3 *db, const struct config *cfg, const struct admin_case *c,
    const char *field, const char *value, char **v_r, char *err,
    size_t errlen)
{
	const char *dom = cfg->institution.domain;
	int64_t other;
	char *v = NULL;

	*v_r = NULL;
	if (strcmp(field, "name") == 0) {
		char *key;

		v = admin_text(value, 200);
		key = v ? cases_name_key(v) : NULL;
		if (key == NULL || *key == '\0') {
			free(key);
			free(v);
			return refuse(err, errlen, "not a name: %s", value);
		}
		free(key);
	} else if (strcmp(field, "email") == 0) {
		v = xstrdup(value);
		ascii_lower_str(v);
		if (!plain_addr(v) || (dom && *dom &&
		    !trust_addr_in_domain(v, dom))) {
			refuse(err, errlen, "%s is not an address of %s", value,
			    dom && *dom ? dom : "the institution");
			free(v);
			return ADMIN_REFUSED;
		}
	} else if (strcmp(field, "tckn") == 0) {
		if (!tckn_valid(value))
			return refuse(err, errlen, "not a valid T.C. Kimlik No "
			    "(11 digits with its check digits)");
		v = xstrdup(value);
	} else
		return refuse(err, errlen, "cannot set %s: name, email or tckn",
		    field);
	if (strcmp(field, "name") != 0 && (other = other_open(db, field, v,
	    c->id)) != 0) {
		struct admin_case o;

		if (case_load(db, other, &o) == 0)
			refuse(err, errlen, "%s has that %s already: merge the "
			    "two cases instead", o.tag, field);
		case_free(&o);
		free(v);
		return ADMIN_REFUSED;
	}
	*v_r = v;
	return ADMIN_OK;
}

int
admin_set(sqlite3 *db, const struct config *cfg, int64_t id,
    const char *field, const char *value, const struct admin_by *by,
    time_t now, char *err, size_t errlen)
{
	static const char name[] = "UPDATE cases SET name = ?2, name_key = ?3, "
	    "updated_t = ?4 WHERE id = ?1";
	static const char email[] = "UPDATE cases SET email = ?2, "
	    "updated_t = ?3 WHERE id = ?1";
	static const char tckn[] = "UPDATE cases SET tckn = ?2, "
	    "updated_t = ?3 WHERE id = ?1";
	struct admin_case c;
	struct buf what = BUF_INIT;
	char *v = NULL, *key = NULL, mo[12], mn[12];
	const char *old;
	int rc, failed;

	if ((rc = load_live(db, id, &c, err, errlen)) != ADMIN_OK ||
	    (rc = check_value(db, cfg, &c, field, value, &v, err, errlen)) !=
	    ADMIN_OK)
		goto out;
	old = strcmp(field, "name") == 0 ? c.name : strcmp(field, "email") ==
	    0 ? c.email : c.tckn;
	if (old && strcmp(old, v) == 0) {
		rc = refuse(err, errlen, "%s's %s is already that", c.tag,
		    field);
		goto out;
	}
	if (strcmp(field, "tckn") == 0) {
		tckn_mask(old ? old : "", mo);
		tckn_mask(v, mn);
		buf_printf(&what, "set tckn: %s -> %s", old ? mo : "(none)",
		    mn);
	} else
		buf_printf(&what, "set %s: %s -> %s", field, old ? old :
		    "(none)", v);
	if (begin(db, err, errlen) == -1) {
		rc = ADMIN_ERR;
		goto out;
	}
	if (strcmp(field, "name") == 0) {
		key = cases_name_key(v);
		failed = run(db, name, "itti", id, v, key, (int64_t)now) == -1;
	} else
		failed = run(db, strcmp(field, "email") == 0 ? email : tckn,
		    "iti", id, v, (int64_t)now) == -1;
	failed = failed || admin_event(db, id, 0, now, STEP_NONE,
	    buf_str(&what), by) == -1 ||
	    history_counter_set(db, HISTORY_REPROCESS, 1) == -1;
	rc = end(db, failed, err, errlen);
out:
	case_free(&c);
	buf_free(&what);
	free(v);
	free(key);
	return rc;
}

int
admin_merge(sqlite3 *db, int64_t from, int64_t into,
    const struct admin_by *by, time_t now, char *err, size_t errlen)
{
	/* An event the other case has already (the same message applied to
	 * both) stays with the merged case: the index event_once allows one. */
	static const char events[] =
	    "UPDATE OR IGNORE event SET case_id = ?2 WHERE case_id = ?1";
	static const char thread[] =
	    "UPDATE thread SET case_id = ?2 WHERE case_id = ?1";
	static const char reminders[] =
	    "UPDATE reminder SET case_id = ?2 WHERE case_id = ?1";
	static const char mail[] =
	    "UPDATE outbox SET case_id = ?2 WHERE case_id = ?1";
	static const char fill[] =
	    "UPDATE cases SET (name, name_key, tckn, email, title, unit, "
	    "phone, approval) = (SELECT coalesce(cases.name, f.name), "
	    "coalesce(cases.name_key, f.name_key), coalesce(cases.tckn, "
	    "f.tckn), coalesce(cases.email, f.email), coalesce(cases.title, "
	    "f.title), coalesce(cases.unit, f.unit), coalesce(cases.phone, "
	    "f.phone), coalesce(cases.approval, f.approval) FROM cases f "
	    "WHERE f.id = ?1), updated_t = ?3 WHERE id = ?2";
	static const char further[] =
	    "UPDATE cases SET step = (SELECT step FROM cases WHERE id = ?1), "
	    "step_t = (SELECT step_t FROM cases WHERE id = ?1) WHERE id = ?2";
	static const char closing[] =
	    "UPDATE cases SET step = 'closed', step_t = ?3, updated_t = ?3, "
	    "closed_as = 'merged', merged_into = ?2, paused_t = NULL "
	    "WHERE id = ?1";
	struct admin_case f, t;
	char w1[160], w2[160];
	int rc, failed;

	memset(&t, 0, sizeof t);
	if (from == into) {
		rc = refuse(err, errlen, "a case cannot be merged into itself");
		memset(&f, 0, sizeof f);
		goto out;
	}
	if ((rc = load_live(db, from, &f, err, errlen)) != ADMIN_OK ||
	    (rc = load_live(db, into, &t, err, errlen)) != ADMIN_OK)
		goto out;
	snprintf(w1, sizeof w1, "merge: %s (%s) merged into this case", f.tag,
	    state_of(&f));
	snprintf(w2, sizeof w2, "merge: merged into %s (was %s)", t.tag,
	    state_of(&f));
	if (begin(db, err, errlen) == -1) {
		rc = ADMIN_ERR;
		goto out;
	}
	failed = run(db, events, "ii", from, into) == -1 ||
	    run(db, thread, "ii", from, into) == -1 ||
	    run(db, reminders, "ii", from, into) == -1 ||
	    run(db, mail, "ii", from, into) == -1 ||
	    run(db, fill, "iii", from, into, (int64_t)now) == -1;
	/* The furthest step wins, as with mail; a cancellation does not
	 * carry over. */
	if (!failed && f.step > t.step && f.closed_as == NULL)
		failed = run(db, further, "ii", from, into) == -1;
	failed = failed || run(db, closing, "iii", from, into, (int64_t)now) ==
	    -1 || admin_event(db, into, 0, now, STEP_NONE, w1, by) == -1 ||
	    admin_event(db, from, 0, now, STEP_CLOSED, w2, by) == -1;
	rc = end(db, failed, err, errlen);
out:
	case_free(&f);
	case_free(&t);
	return rc;
}

int
admin_pause(sqlite3 *db, int64_t id, int pause, const struct admin_by *by,
    time_t now, char *err, size_t errlen)
{
	static const char upd[] =
	    "UPDATE cases SET paused_t = nullif(?2, 0), updated_t = ?3 "
	    "WHERE id = ?1";
	struct admin_case c;
	char what[128], d[40];
	int rc;

	if ((rc = load_live(db, id, &c, err, errlen)) != ADMIN_OK)
		goto out;
	if (c.step == STEP_CLOSED) {
		rc = refuse(err, errlen, "%s is %s: it gets no reminder", c.tag,
		    state_of(&c));
		goto out;
	}
	if ((c.paused_t != 0) == (pause != 0)) {
		rc = refuse(err, errlen, "%s is %s", c.tag, pause ?
		    "already paused" : "not paused");
		goto out;
	}
	if (pause)
		snprintf(what, sizeof what, "pause: no reminders until "
		    "resumed");
	else {
		clock_format_date(c.paused_t, d);
		snprintf(what, sizeof what, "resume: reminders again (paused "
		    "since %s)", d);
	}
	if (begin(db, err, errlen) == -1) {
		rc = ADMIN_ERR;
		goto out;
	}
	rc = end(db, run(db, upd, "iii", id, (int64_t)(pause ? now : 0),
	    (int64_t)now) == -1 || admin_event(db, id, 0, now, STEP_NONE, what,
	    by) == -1, err, errlen);
out:
	case_free(&c);
	return rc;
}

/* 1 when msg already moved the case or was attached to it (a reply kept
 * in its history may still be attached: that places it). */
static int
in_history(sqlite3 *db, int64_t msg, int64_t id)
{
	static const char sql[] = "SELECT 1 FROM event WHERE case_id = ?1 AND "
	    "message = ?2 AND kind IN ('step', 'attached')";
	sqlite3_stmt *st = db_stmt(db, sql);
	int found;

	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, msg);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

/* The message's outcome and, for a second copy, the first one's row. */
static int
message_state(sqlite3 *db, int64_t msg, char **outcome_r, char **reason_r,
    int64_t *dup_r)
{
	static const char sql[] = "SELECT outcome, reason, duplicate_of FROM "
	    "message WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, msg);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*outcome_r = db_col_strdup(st, 0);
		*reason_r = db_col_strdup(st, 1);
		*dup_r = sqlite3_column_int64(st, 2);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/* Inside the transaction: the step the reading shows, or a place in the
 * history; the admin event; the message's outcome. */
static int
attach_apply(sqlite3 *db, const struct case_reading *rd, int64_t msg,
    const struct mime_msg *m, const struct admin_case *c,
    const struct admin_by *by, const char *old_outcome, const char *old_reason,
    time_t now, struct buf *what)
{
	static const char cancel[] = "UPDATE cases SET closed_as = ?2, "
	    "paused_t = NULL WHERE id = ?1";
	struct buf detail = BUF_INIT, reason = BUF_INIT;
	time_t at = cases_event_time(m, now);
	int moved = 0, rc = -1;

	buf_printf(&detail, "attached by %s%s%s", by->who, rd->detail &&
	    *rd->detail ? ": " : "", rd->detail ? rd->detail : "");
	if (rd->step != STEP_NONE) {
		if ((moved = cases_move(db, c->id, rd->step, at, now, msg, m,
		    rd->rule, rd->approval, buf_str(&detail))) == -1)
			goto out;
		if (moved && rd->closed_as && run(db, cancel, "it", c->id,
		    rd->closed_as) == -1)
			goto out;
		buf_printf(what, "rule %s: %s%s%s%s", rd->rule,
		    case_step_key(rd->step), rd->closed_as ? " (" : "",
		    rd->closed_as ? rd->closed_as : "", rd->closed_as ? ")" :
		    "");
		buf_puts(what, moved ? "; the case moved" : "; the case is "
		    "further already: history only");
	} else {
		if (history_event(db, c->id, 0, msg, m->message_id, at,
		    "attached", NULL, NULL, buf_str(&detail)) == -1 ||
		    history_thread(db, m->message_id, 0, c->id) == -1)
			goto out;
		buf_printf(what, "no step (%s): history only",
		    buf_str(&rd->why));
	}
	if (admin_event(db, c->id, msg, now, moved ? rd->step : STEP_NONE,
	    buf_str(what), by) == -1)
		goto out;
	/* An applied message keeps what it did before. */
	if (old_outcome && strcmp(old_outcome, "applied") == 0 && old_reason)
		buf_printf(&reason, "%s; ", old_reason);
	buf_printf(&reason, "attached to %s by %s: %s", c->tag, by->who,
	    by->why);
	rc = ledger_set_outcome(db, msg, "applied", REASON_ADMIN,
	    buf_str(&reason));
out:
	buf_free(&detail);
	buf_free(&reason);
	return rc;
}

/* Message msg read back (fetched again when its text is not kept). */
static int
read_back(sqlite3 *db, const struct config *cfg, int64_t msg,
    struct mime_msg **m_r, char *err, size_t errlen)
{
	struct imap *imap = NULL;
	char why[640];
	int r;

	r = fetch_load(cfg, db, &imap, msg, m_r, why, sizeof why);
	imap_close(&imap);
	if (r == 0)
		return ADMIN_OK;
	if (r == -1)
		return refuse(err, errlen, "message #%lld cannot be read back",
		    (long long)msg);
	return refuse(err, errlen, "%s", why);
}

int
admin_attach(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, int64_t msg, int64_t id,
    const struct admin_by *by, time_t now, struct buf *what, char *err,
    size_t errlen)
{
	struct case_reading rd;
	struct admin_case c;
	struct mime_msg *m = NULL;
	char *outcome = NULL, *reason = NULL;
	int64_t dup = 0;
	int rc;

	memset(&rd, 0, sizeof rd);
	if ((rc = load_live(db, id, &c, err, errlen)) != ADMIN_OK)
		goto out;
	if (message_state(db, msg, &outcome, &reason, &dup) == -1) {
		rc = refuse(err, errlen, "no message #%lld", (long long)msg);
		goto out;
	}
	if (dup) {
		rc = refuse(err, errlen, "message #%lld is a second copy of "
		    "#%lld: attach that one", (long long)msg, (long long)dup);
		goto out;
	}
	if (in_history(db, msg, id)) {
		rc = refuse(err, errlen, "message #%lld is in %s's history "
		    "already", (long long)msg, c.tag);
		goto out;
	}
	if ((rc = read_back(db, cfg, msg, &m, err, errlen)) != ADMIN_OK)
		goto out;
	cases_read(cfg, rules, m, &rd);
	if (begin(db, err, errlen) == -1) {
		rc = ADMIN_ERR;
		goto out;
	}
	/* In a case's history now: its text is kept from here on. */
	rc = end(db, attach_apply(db, &rd, msg, m, &c, by, outcome, reason,
	    now, what) == -1 || ledger_keep_text(db, msg, m, 1) == -1, err,
	    errlen);
out:
	cases_reading_free(&rd);
	case_free(&c);
	mime_free(&m);
	free(outcome);
	free(reason);
	return rc;
}
