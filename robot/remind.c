/* remind: reminders and escalations; see remind.h for the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "buf.h"
#include "cases.h"
#include "cfg.h"
#include "clock.h"
#include "compose.h"
#include "db.h"
#include "history.h"
#include "log.h"
#include "mail.h"
#include "mem.h"
#include "outbox.h"
#include "remind.h"
#include "tckn.h"
#include "tmpl.h"
#include "trust.h"

/* Recipients, as stored in reminder.recipient. */
#define RCPT_UNIT_HEAD	"unit_head"
#define RCPT_BIDB	"bidb"
#define RCPT_PERSON	"person"
#define RCPT_YAZI	"yazi_isleri"
#define RCPT_ESCALATION	"escalation"

/* Counters (history.h): the changes to cases, requests and reminders,
 * which db.c's triggers count; and what the last run that decided for a
 * whole day rested on (quiet_key). */
#define REMIND_CHANGES	"remind_changes"
#define REMIND_QUIET	"remind_quiet"

/* What the table says about one step. */
struct rule {
	const char	*role;
	const char	*tmpl;
	int		 group;		/* one mail per request */
	int		 first, every;
};

/* One thing waiting: a request (group) or one case. */
struct waiting {
	enum case_step	 step;
	int64_t		 request;	/* 0: none */
	int64_t		 case_id;	/* 0 for a group */
	time_t		 since;
	char		*approval;
	char		*ticket, *unit, *requester, *requester_email;
	char		*thread_id;
	/* the case (or the group's first case) */
	char		*tag, *name, *tckn, *email;
	int64_t		*cases;		/* a group's cases */
	size_t		 ncases;
};

static const char SQL_CASES[] =
    "SELECT c.id, c.request, c.step, c.step_t, c.approval, c.tag, c.name,"
    " c.tckn, c.email, coalesce(c.unit, r.unit), r.ticket, r.requester,"
    " r.requester_email, r.thread_id"
    " FROM cases c LEFT JOIN request r ON r.id = c.request"
    " WHERE c.step NOT IN ('certificate_shipped', 'closed')"
    " AND c.paused_t IS NULL"	/* an administrator paused it (admin.h) */
    " ORDER BY c.request, c.id";
static const char SQL_TICKETS[] =
    "SELECT r.id, r.opened_t, r.ticket, r.unit, r.requester,"
    " r.requester_email, r.thread_id FROM request r"
    " WHERE r.form_t IS NULL AND r.opened_t IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id)"
    " ORDER BY r.id";
static const char SQL_STATE_CASE[] =
    "SELECT ifnull(max(n), 0), max(sent_t) FROM reminder"
    " WHERE case_id = ?1 AND step = ?2 AND recipient = ?3";
static const char SQL_STATE_REQ[] =
    "SELECT ifnull(max(n), 0), max(sent_t) FROM reminder"
    " WHERE request = ?1 AND step = ?2 AND recipient = ?3";
static const char SQL_INSERT[] =
    "INSERT INTO reminder(case_id, request, step, recipient, n, sent_t,"
    " outbox) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_ONE_CASE[] =
    "SELECT step, step_t, approval, paused_t FROM cases WHERE id = ?1";
static const char SQL_COUNT[] =
    "SELECT count(*) FROM reminder WHERE case_id = ?1"
    " AND recipient <> 'escalation'";

static int
rule_for(const struct config *cfg, enum case_step step, const char *approval,
    struct rule *r)
{
#define RULE(role, tmpl, group, f)					\
	*r = (struct rule){ role, tmpl, group,				\
	    cfg->reminders.f##_first, cfg->reminders.f##_every }

	memset(r, 0, sizeof *r);
	switch (step) {
	case STEP_TICKET_OPENED:
		RULE(RCPT_UNIT_HEAD, "remind_ticket_unit_head.tmpl", 1, ticket);
		break;
	case STEP_FORM_RECEIVED:
		RULE(RCPT_BIDB, "remind_form_bidb.tmpl", 1, form);
		break;
	case STEP_SENT_TO_KAMUSM:
		RULE(RCPT_BIDB, "remind_sent_bidb.tmpl", 1, sent);
		break;
	case STEP_KAMUSM_NOTIFIED:
		RULE(RCPT_PERSON, "remind_notified_person.tmpl", 0, notified);
		break;
	case STEP_APPLICATION_FILLED:
		RULE(RCPT_PERSON, "remind_filled_person.tmpl", 0, filled);
		break;
	case STEP_APPROVED:
		if (approval && strcmp(approval, "islak-imza") == 0) {
			RULE(RCPT_YAZI, "remind_wet_yazi.tmpl", 1, wet);
			break;
		}
		/* FALLTHROUGH */
	case STEP_CARGO_SHIPPED:
		RULE(RCPT_BIDB, "remind_shipping_bidb.tmpl", 0, shipping);
		break;
	default:
		return -1;
	}
#undef RULE
	/* 0 would remind on every poll of the day it comes due. */
	if (r->first < 1)
		r->first = 1;
	if (r->every < 1)
		r->every = 1;
	return 0;
}

const char *
remind_holder(enum case_step step, const char *approval)
{
	struct rule r;
	static const struct config zero;

	if (rule_for(&zero, step, approval, &r) == -1)
		return NULL;
	if (strcmp(r.role, RCPT_UNIT_HEAD) == 0)
		return "Birim amiri";
	if (strcmp(r.role, RCPT_BIDB) == 0)
		return "BİDB";
	if (strcmp(r.role, RCPT_PERSON) == 0)
		return "Personel";
	return "Yazı İşleri";
}

int
remind_at_kamusm(enum case_step step, const char *approval)
{
	switch (step) {
	case STEP_SENT_TO_KAMUSM:
	case STEP_CARGO_SHIPPED:
		return 1;
	case STEP_APPROVED:
		return approval == NULL || strcmp(approval, "islak-imza") != 0;
	default:
		return 0;
	}
}

static int
same_day(time_t a, time_t b)
{
	struct tm ta, tb;

	clock_local(a, &ta);
	clock_local(b, &tb);
	return ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday;
}

static void
waiting_free(struct waiting *w)
{
	free(w->approval);
	free(w->ticket);
	free(w->unit);
	free(w->requester);
	free(w->requester_email);
	free(w->thread_id);
	free(w->tag);
	free(w->name);
	free(w->tckn);
	free(w->email);
	free(w->cases);
	memset(w, 0, sizeof *w);
}

const char *
remind_unit_head(const struct config *cfg, const char *a)
{
	if (a == NULL || !compose_addr_valid(a) || trust_is_self(cfg, a) ||
	    (trust_addr_roles(cfg, a) & (ROLE_BIDB | ROLE_BYS | ROLE_YAZI)))
		return NULL;
	return a;
}

/* The request's unit head: a reminder to "Sayın <the dean>" must not
 * land at BİDB. */
static const char *
unit_head_addr(const struct config *cfg, const struct waiting *w)
{
	return remind_unit_head(cfg, w->requester_email);
}

/* The address the role's mail goes to, or NULL when unknown. */
static const char *
role_addr(const struct config *cfg, const char *role,
    const struct waiting *w)
{
	const char *a = NULL;

	if (strcmp(role, RCPT_UNIT_HEAD) == 0)
		a = unit_head_addr(cfg, w);
	else if (strcmp(role, RCPT_BIDB) == 0 ||
	    strcmp(role, RCPT_ESCALATION) == 0)
		a = cfg->institution.bidb;
	else if (strcmp(role, RCPT_PERSON) == 0)
		a = w->email;
	else if (strcmp(role, RCPT_YAZI) == 0)
		a = cfg->institution.yazi_isleri;
	return a && *a ? a : NULL;
}

/* n and the time of the last reminder for w at its step to role. */
static int
state(sqlite3 *db, const struct waiting *w, const char *role, int *n_r,
    time_t *last_r)
{
	sqlite3_stmt *st;
	int by_case = w->case_id != 0;

	st = db_stmt(db, by_case ? SQL_STATE_CASE : SQL_STATE_REQ);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, by_case ? w->case_id : w->request);
	db_bind_text(st, 2, case_step_key(w->step));
	db_bind_text(st, 3, role);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	*n_r = sqlite3_column_int(st, 0);
	*last_r = (time_t)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return 0;
}

static void
set_link(struct tmpl_vars *v, const char *name, const char *url)
{
	tmpl_set(v, name, url ? url : "");
}

/* Fills the variables every reminder template may use; the templates
 * check which they need. */
static void
set_common(struct tmpl_vars *v, const struct config *cfg,
    const struct waiting *w, time_t now)
{
	char d[40], m[12];

	set_link(v, "link_application", cfg->links.application);
	set_link(v, "link_e_onay", cfg->links.e_onay);
	set_link(v, "link_e_onay_activation", cfg->links.e_onay_activation);
	set_link(v, "link_e_imza", cfg->links.e_imza);
	set_link(v, "link_islak_imza", cfg->links.islak_imza);
	set_link(v, "link_videos", cfg->links.videos);

	clock_format_date(now, d);
	tmpl_set(v, "today", d);
	tmpl_set(v, "bidb_address", cfg->institution.bidb ?
	    cfg->institution.bidb : "");
	tmpl_set(v, "robot_address", cfg->institution.robot ?
	    cfg->institution.robot : cfg->smtp.from ? cfg->smtp.from : "");
	if (w->tag)
		tmpl_set(v, "case_tag", w->tag);
	else if (w->ticket)
		tmpl_setf(v, "case_tag", "BYS #%s", w->ticket);
	else
		tmpl_set(v, "case_tag", "NES");
	tmpl_set(v, "name", w->case_id ? (w->name ? w->name : "") : "");
	tmpl_set(v, "unit", w->unit ? w->unit : "");
	tmpl_set(v, "step_label", case_step_label(w->step));
	clock_format_date(w->since, d);
	tmpl_set(v, "since", d);
	tmpl_set(v, "sent_on", d);
	tmpl_set_int(v, "days", clock_business_days_between(w->since, now));
	tmpl_set_int(v, "max_reminders", cfg->reminders.max_per_step);
	if (w->case_id && w->tckn && strlen(w->tckn) == 11) {
		tckn_mask(w->tckn, m);
		tmpl_set(v, "tckn_masked", m);
	} else
		tmpl_set(v, "tckn_masked", "");
	tmpl_set(v, "ticket", w->ticket ? w->ticket : "");
	tmpl_set(v, "email", w->case_id && w->email ? w->email : "");
	tmpl_set(v, "approval", w->approval ? w->approval : "");
	tmpl_set(v, "basvuru_no", "");
	tmpl_set(v, "tracking", "");
	tmpl_set(v, "unit_head_cc", "");
	tmpl_set(v, "recipient_name", "");
	tmpl_set(v, "requester", w->requester ? w->requester : "");
	tmpl_set(v, "unit_head_unknown", "");
	tmpl_set(v, "is_last", "");
}

/* The cases of a group as the list "cases". */
static int
set_cases(sqlite3 *db, struct tmpl_vars *v, const struct waiting *w,
    time_t now)
{
	static const char sql[] =
	    "SELECT tag, name, unit, tckn, email, step, step_t FROM cases"
	    " WHERE id = ?1";
	sqlite3_stmt *st;
	char d[40], m[12];

	for (size_t i = 0; i < w->ncases; i++) {
		struct tmpl_vars *row;
		const char *t;

		if ((st = db_stmt(db, sql)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, w->cases[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			continue;
		}
		row = tmpl_list_add(v, "cases");
#define COL(i) ((const char *)sqlite3_column_text(st, (i)))
		tmpl_set(row, "case_tag", COL(0) ? COL(0) : "");
		tmpl_set(row, "name", COL(1) ? COL(1) : "");
		tmpl_set(row, "unit", COL(2) ? COL(2) : (w->unit ? w->unit :
		    ""));
		t = COL(3);
		if (t && strlen(t) == 11) {
			tckn_mask(t, m);
			tmpl_set(row, "tckn_masked", m);
		} else
			tmpl_set(row, "tckn_masked", "");
		tmpl_set(row, "email", COL(4) ? COL(4) : "");
		tmpl_set(row, "step_label", case_step_label(
		    case_step_parse(COL(5))));
		clock_format_date((time_t)sqlite3_column_int64(st, 6), d);
		tmpl_set(row, "since", d);
		tmpl_set_int(row, "days", clock_business_days_between(
		    (time_t)sqlite3_column_int64(st, 6), now));
#undef COL
		sqlite3_reset(st);
	}
	return 0;
}

/* What send_one returns when a template would not render: nothing was
 * queued or recorded, and the next run tries again. */
#define NOT_RENDERED	2

/* Renders, queues and records one reminder or escalation for w.
 * Returns 1 queued, 0 nothing queued (recorded all the same),
 * NOT_RENDERED, -1. */
static int
send_one(sqlite3 *db, const struct config *cfg, const struct waiting *w,
    const struct rule *r, int escalate, int n, time_t last, time_t now)
{
	struct tmpl_vars *v = tmpl_vars_new();
	char *subject = NULL, *text = NULL, *html = NULL, err[512], d[40];
	const char *role = escalate ? RCPT_ESCALATION : r->role;
	const char *tmpl = escalate ? "escalate_bidb.tmpl" : r->tmpl;
	const char *to, *cc = NULL, *holder_addr, *head;
	struct outbox_mail m;
	struct buf detail = BUF_INIT;
	sqlite3_stmt *st;
	int64_t oid = 0;
	int q, ret = -1, newn = n + 1, head_unknown = 0;

	set_common(v, cfg, w, now);
	tmpl_set_int(v, "reminder_no", newn);
	holder_addr = role_addr(cfg, r->role, w);
	head = unit_head_addr(cfg, w);
	if (escalate) {
		tmpl_set(v, "holder", remind_holder(w->step, w->approval));
		tmpl_set(v, "holder_address", holder_addr ? holder_addr :
		    "bilinmiyor");
		tmpl_set_int(v, "reminders_sent", n);
		clock_format_date(last, d);
		tmpl_set(v, "last_reminder", d);
	} else {
		tmpl_set(v, "holder", "");
		tmpl_set(v, "holder_address", "");
		tmpl_set_int(v, "reminders_sent", n);
		tmpl_set(v, "last_reminder", "");
		/* After the last one comes the escalation: it says so. */
		if (newn >= cfg->reminders.max_per_step)
			tmpl_set(v, "is_last", "1");
		/* The name is the ticket's requester's: only for the mail
		 * that goes to that requester. */
		if (strcmp(r->role, RCPT_UNIT_HEAD) == 0 && head != NULL &&
		    w->requester)
			tmpl_set(v, "recipient_name", w->requester);
		head_unknown = strcmp(r->role, RCPT_UNIT_HEAD) == 0 &&
		    head == NULL;
		tmpl_set(v, "unit_head_unknown", head_unknown ? "1" : "");
	}
	to = role_addr(cfg, role, w);
	/* A unit head nobody knows: the ticket reminder goes to BİDB. */
	if (head_unknown)
		to = cfg->institution.bidb;
	if (!escalate && w->step == STEP_KAMUSM_NOTIFIED && newn >= 2 &&
	    head != NULL) {
		cc = head;
		tmpl_set(v, "unit_head_cc", head);
	}
	if (r->group && set_cases(db, v, w, now) == -1)
		goto out;
	if (mail_render(cfg->robot.templates_dir, tmpl, v, &subject, &text,
	    &html, err, sizeof err) == -1) {
		log_err("remind: %s", err);
		ret = NOT_RENDERED;
		goto out;
	}

	if (db_begin(db) == -1)
		goto out;
	memset(&m, 0, sizeof m);
	m.kind = tmpl;
	/* A mail listing a request's people is the request's, so that a
	 * reply to it is not taken as one about its first person. */
	m.case_id = w->case_id;
	m.request = w->request;
	m.cases = w->cases;
	m.ncases = w->ncases;
	m.case_tag = w->tag;
	m.to = &to;
	m.nto = to ? 1 : 0;
	m.cc = &cc;
	m.ncc = cc ? 1 : 0;
	m.subject = subject;
	m.text = text;
	m.html = html;
	/* Replies that need a person: a question from the one reminded,
	 * or BİDB's own staff answering an escalation, which hands the
	 * case to them.  BİDB's routine reminders are answered by doing
	 * the step, not by a reply. */
	m.reply_to_bidb = escalate || (strcmp(role, RCPT_BIDB) != 0 &&
	    !head_unknown);
	if (w->thread_id && (strcmp(role, RCPT_UNIT_HEAD) == 0 ||
	    strcmp(role, RCPT_BIDB) == 0)) {
		m.in_reply_to = w->thread_id;
		m.references = w->thread_id;
	}
	if ((q = outbox_queue(db, cfg, &m, now, &oid)) == -1)
		goto rollback;
	buf_printf(&detail, "%s %d (%s) to %s", escalate ? "escalation" :
	    "reminder", newn, role, to ? to : "nobody (address unknown)");
	if (cc)
		buf_printf(&detail, ", cc %s", cc);
	if (q == 0)
		buf_puts(&detail, "; not queued (see log)");
	/* One row per case, so every case of a group knows its count; a
	 * request without cases gets one row of its own. */
	for (size_t i = 0; i < (w->ncases ? w->ncases : 1); i++) {
		int64_t cid = w->case_id ? w->case_id :
		    (w->ncases ? w->cases[i] : 0);

		if ((st = db_stmt(db, SQL_INSERT)) == NULL)
			goto rollback;
		if (cid)
			sqlite3_bind_int64(st, 1, cid);
		if (w->request)
			sqlite3_bind_int64(st, 2, w->request);
		db_bind_text(st, 3, case_step_key(w->step));
		db_bind_text(st, 4, role);
		sqlite3_bind_int(st, 5, newn);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
		if (oid)
			sqlite3_bind_int64(st, 7, oid);
		if (sqlite3_step(st) != SQLITE_DONE) {
			log_err("remind: %s", db_errmsg(db));
			sqlite3_reset(st);
			goto rollback;
		}
		sqlite3_reset(st);
		if (history_event(db, cid, cid ? 0 : w->request, 0, NULL,
		    now, escalate ? "escalation" : "reminder",
		    case_step_key(w->step), NULL, buf_str(&detail)) == -1)
			goto rollback;
	}
	if (db_commit(db) == -1)
		goto rollback;
	log_info("remind: %s %s: %s", w->tag ? w->tag : "request",
	    case_step_key(w->step), buf_str(&detail));
	ret = q;
	goto out;
rollback:
	db_rollback(db);
out:
	buf_free(&detail);
	free(subject);
	free(text);
	free(html);
	tmpl_vars_free(&v);
	return ret;
}

/* What to send for one waiting thing (decide). */
struct due {
	int		 yes;
	struct rule	 r;
	int		 escalate;
	int		 n;		/* reminders so far */
	time_t		 last;		/* the last one's time */
};

/* Decides for one waiting thing, reading only.  0 or -1. */
static int
decide(sqlite3 *db, const struct config *cfg, const struct waiting *w,
    time_t now, struct due *d)
{
	int esc_n, max = cfg->reminders.max_per_step;
	time_t esc_last;
	const char *addr;

	memset(d, 0, sizeof *d);
	if (rule_for(cfg, w->step, w->approval, &d->r) == -1)
		return 0;
	if (state(db, w, RCPT_ESCALATION, &esc_n, &esc_last) == -1 ||
	    state(db, w, d->r.role, &d->n, &d->last) == -1)
		return -1;
	if (esc_n > 0)
		return 0;		/* escalated: nothing more */
	addr = role_addr(cfg, d->r.role, w);
	if (addr == NULL && strcmp(d->r.role, RCPT_UNIT_HEAD) == 0)
		addr = cfg->institution.bidb;
	if (addr == NULL || d->n >= max)
		d->escalate = 1;
	if (d->last != 0 && same_day(d->last, now))
		return 0;
	if (d->n == 0) {
		if (clock_business_days_between(w->since, now) < d->r.first)
			return 0;
	} else if (clock_business_days_between(d->last, now) < d->r.every)
		return 0;
	d->yes = 1;
	return 0;
}

static char *
col(sqlite3_stmt *st, int i)
{
	return db_col_strdup(st, i);
}

/* A new zeroed entry at the end of *ws (n of cap used): grown by
 * doubling, since a run reads every open case (thousands at a large
 * institution) on every poll. */
static struct waiting *
waiting_add(struct waiting **ws, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*ws = xrealloc(*ws, *cap * sizeof **ws);
	}
	memset(&(*ws)[*n], 0, sizeof **ws);
	return &(*ws)[(*n)++];
}

/* What a run's decisions rest on besides the rows it reads: the local
 * day (decide() counts whole days, and sends nothing twice in one), the
 * settings and the holidays; and how many changes those rows had seen
 * when it read them. */
static int64_t
quiet_key(const struct config *cfg, time_t now, int64_t changes)
{
	struct tm tm;
	int64_t v[5];

	clock_local(now, &tm);
	v[0] = tm.tm_year;
	v[1] = tm.tm_yday;
	v[2] = changes;
	v[3] = (int64_t)cfg_digest(cfg);
	v[4] = (int64_t)clock_holidays_digest();
	return (int64_t)XXH3_64bits(v, sizeof v);
}

/* Notes that a run decided for everything under key.  A failure only
 * costs the next run its skip. */
static void
note_quiet(sqlite3 *db, int64_t key)
{
	if (db_begin(db) == -1)
		return;
	if (history_counter_set(db, REMIND_QUIET, key) == -1 ||
	    db_commit(db) == -1)
		db_rollback(db);
}

int
remind_run(sqlite3 *db, const struct config *cfg, time_t now)
{
	struct waiting *ws = NULL;
	struct due *dues = NULL;
	size_t nws = 0, cap = 0, req_from = 0, i;
	int64_t req_last = -1, changes, quiet;
	sqlite3_stmt *st;
	struct tm tm;
	int total = 0, r, rc;

	if (!clock_is_business_day(now))
		return 0;
	clock_local(now, &tm);
	if (tm.tm_hour < cfg->reminders.hour)
		return 0;

	/* Read and decide everything in one read transaction first (each
	 * query alone would take and drop the database's locks, a thousand
	 * system calls at a few hundred cases), then act: acting opens
	 * transactions of its own.  Only one robot works on a database at a
	 * time (its lock file), so nothing changes in between. */
	if (db_exec(db, "BEGIN") == -1)
		return -1;
	/* A run that decided for today under these settings, with nothing
	 * changed since it read the rows, found nothing it has not sent
	 * (what it sent is "sent today" now): a poll with nothing new then
	 * reads no case (some 9 microseconds an open case).  Changes made
	 * while a run works are counted, and the next run works again. */
	changes = history_counter(db, REMIND_CHANGES, -1);
	quiet = quiet_key(cfg, now, changes);
	if (changes >= 0 && history_counter(db, REMIND_QUIET, 0) == quiet) {
		db_commit(db);
		return 0;
	}
	if ((st = db_stmt(db, SQL_TICKETS)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct waiting *w = waiting_add(&ws, &nws, &cap);

		w->step = STEP_TICKET_OPENED;
		w->request = sqlite3_column_int64(st, 0);
		w->since = (time_t)sqlite3_column_int64(st, 1);
		w->ticket = col(st, 2);
		w->unit = col(st, 3);
		w->requester = col(st, 4);
		w->requester_email = col(st, 5);
		w->thread_id = col(st, 6);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;

	if ((st = db_stmt(db, SQL_CASES)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct waiting *w = NULL;
		struct rule rl;
		int64_t cid = sqlite3_column_int64(st, 0);
		int64_t rq = sqlite3_column_int64(st, 1);
		enum case_step step = case_step_parse(
		    (const char *)sqlite3_column_text(st, 2));
		const char *appr = (const char *)sqlite3_column_text(st, 4);
		time_t since = (time_t)sqlite3_column_int64(st, 3);

		if (rule_for(cfg, step, appr, &rl) == -1)
			continue;
		/* The cases come by request: a request's entries are the
		 * ones made since its first case (the tickets' are of
		 * requests without cases). */
		if (rq != req_last) {
			req_last = rq;
			req_from = nws;
		}
		/* A group: the request's cases at this step share one
		 * mail, waiting since the oldest of them. */
		if (rl.group && rq != 0)
			for (i = req_from; i < nws; i++)
				if (ws[i].case_id == 0 && ws[i].request == rq &&
				    ws[i].step == step) {
					w = &ws[i];
					break;
				}
		if (w != NULL) {
			w->cases = xrealloc(w->cases, (w->ncases + 1) *
			    sizeof *w->cases);
			w->cases[w->ncases++] = cid;
			if (since < w->since)
				w->since = since;
			continue;
		}
		w = waiting_add(&ws, &nws, &cap);
		w->step = step;
		w->request = rq;
		w->since = since;
		w->approval = col(st, 4);
		w->tag = col(st, 5);
		w->name = col(st, 6);
		w->tckn = col(st, 7);
		w->email = col(st, 8);
		w->unit = col(st, 9);
		w->ticket = col(st, 10);
		w->requester = col(st, 11);
		w->requester_email = col(st, 12);
		w->thread_id = col(st, 13);
		if (rl.group && rq != 0) {
			w->cases = xmalloc(sizeof *w->cases);
			w->cases[0] = cid;
			w->ncases = 1;
		} else
			w->case_id = cid;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;

	dues = xcalloc(nws + 1, sizeof *dues);
	for (i = 0; i < nws; i++)
		if (decide(db, cfg, &ws[i], now, &dues[i]) == -1)
			goto fail;
	if (db_commit(db) == -1)
		goto fail;
	for (i = 0; i < nws; i++) {
		if (!dues[i].yes)
			continue;
		if ((r = send_one(db, cfg, &ws[i], &dues[i].r,
		    dues[i].escalate, dues[i].n, dues[i].last, now)) == -1)
			goto fail;
		if (r == NOT_RENDERED)
			changes = -1;	/* a fixed template must not wait */
		else
			total += r;
	}
	if (changes >= 0)
		note_quiet(db, quiet);
	for (i = 0; i < nws; i++)
		waiting_free(&ws[i]);
	free(ws);
	free(dues);
	return total;
fail:
	log_err("remind: %s", db_errmsg(db));
	db_rollback(db);
	for (i = 0; i < nws; i++)
		waiting_free(&ws[i]);
	free(ws);
	free(dues);
	return -1;
}

int
remind_case_overdue(sqlite3 *db, const struct config *cfg, int64_t case_id,
    time_t now)
{
	sqlite3_stmt *st;
	int ret;

	if ((st = db_stmt(db, SQL_ONE_CASE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	ret = remind_overdue_of(cfg, (const char *)sqlite3_column_text(st, 0),
	    (time_t)sqlite3_column_int64(st, 1),
	    (const char *)sqlite3_column_text(st, 2),
	    sqlite3_column_type(st, 3) != SQLITE_NULL, now);
	sqlite3_reset(st);
	return ret;
}

int
remind_overdue_of(const struct config *cfg, const char *step, time_t since,
    const char *approval, int paused, time_t now)
{
	struct rule r;

	/* Paused: nobody is to be chased, so nobody is late. */
	if (paused || rule_for(cfg, case_step_parse(step), approval, &r) != 0)
		return 0;
	return clock_business_days_between(since, now) >= r.first;
}

int
remind_count(sqlite3 *db, int64_t case_id)
{
	sqlite3_stmt *st;
	int n = 0;

	if ((st = db_stmt(db, SQL_COUNT)) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, case_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}
