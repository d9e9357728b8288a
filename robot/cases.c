/* cases: requests, cases, history and the step state machine; see
 * cases.h.  workflow.md is the specification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "clock.h"
#include "db.h"
#include "fold.h"
#include "form.h"
#include "ledger.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "outbox.h"
#include "tckn.h"
#include "trust.h"

static const struct {
	const char *key;
	const char *label;
} steps[] = {
	[STEP_NONE] = { NULL, "-" },
	[STEP_TICKET_OPENED] = { "ticket_opened", "Destek talebi açıldı" },
	[STEP_FORM_RECEIVED] = { "form_received", "Talep formu alındı" },
	[STEP_SENT_TO_KAMUSM] = { "sent_to_kamusm", "Kamu SM'ye gönderildi" },
	[STEP_KAMUSM_NOTIFIED] = { "kamusm_notified",
	    "Kamu SM kişiyi bilgilendirdi" },
	[STEP_APPLICATION_FILLED] = { "application_filled",
	    "Başvuru dolduruldu" },
	[STEP_APPROVED] = { "approved", "Başvuru onaylandı" },
	[STEP_CARGO_SHIPPED] = { "cargo_shipped",
	    "Islak imzalı form kargoya verildi" },
	[STEP_CERTIFICATE_SHIPPED] = { "certificate_shipped",
	    "Sertifika kuryeyle gönderildi" },
	[STEP_CLOSED] = { "closed", "Kapatıldı" },
};

/* A small set of row ids: the cases one message moves. */
struct idset {
	int64_t	*v;
	size_t	 n, cap;
};

const char *
case_step_key(enum case_step s)
{
	return s <= STEP_LAST ? steps[s].key : NULL;
}

const char *
case_step_label(enum case_step s)
{
	return s <= STEP_LAST ? steps[s].label : "-";
}

enum case_step
case_step_parse(const char *key)
{
	if (key == NULL)
		return STEP_NONE;
	for (int s = STEP_TICKET_OPENED; s <= STEP_LAST; s++)
		if (strcmp(steps[s].key, key) == 0)
			return (enum case_step)s;
	return STEP_NONE;
}

static void
idset_add(struct idset *s, int64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = id;
}

static void
idset_free(struct idset *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

time_t
cases_event_time(const struct mime_msg *msg, time_t now)
{
	/* A Date a little ahead of our clock is skew; far ahead is a lie. */
	if (msg && msg->date_t > 0 && msg->date_t <= now + 600)
		return msg->date_t < now ? msg->date_t : now;
	return now;
}

int
cases_add_event(sqlite3 *db, int64_t case_id, int64_t request,
    int64_t message, const char *message_id, time_t at, const char *kind,
    const char *step, const char *rule, const char *detail)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO event(case_id, request, message, "
	    "message_id, at_t, kind, step, rule, detail) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9)";
	sqlite3_stmt *st = db_stmt(db, sql);

	if (st == NULL)
		return -1;
	if (case_id)
		sqlite3_bind_int64(st, 1, case_id);
	if (request)
		sqlite3_bind_int64(st, 2, request);
	if (message)
		sqlite3_bind_int64(st, 3, message);
	db_bind_text(st, 4, message_id);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)at);
	db_bind_text(st, 6, kind);
	db_bind_text(st, 7, step);
	db_bind_text(st, 8, rule);
	db_bind_text(st, 9, detail);
	return db_done(db, st, "event");
}

int
cases_add_thread(sqlite3 *db, const char *message_id, int64_t request,
    int64_t case_id)
{
	static const char sql[] =
	    "INSERT INTO thread(message_id, request, case_id) "
	    "SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM thread WHERE "
	    "message_id = ?1 AND request IS ?2 AND case_id IS ?3)";
	sqlite3_stmt *st;
	int rc;

	if (message_id == NULL || *message_id == '\0')
		return 0;
	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, message_id);
	if (request)
		sqlite3_bind_int64(st, 2, request);
	if (case_id)
		sqlite3_bind_int64(st, 3, case_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return rc;
}

/* Academic and courtesy titles that mail puts before a name ("Doç. Dr.
 * Işıl Doğan", "Sayın Ayşe Yılmaz"), folded; they are not the name. */
static int
is_title(const char *w, size_t n)
{
	static const char *const titles[] = {
		"prof", "doc", "dr", "ogr", "uyesi", "gor", "ars", "uzm",
		"okt", "yrd", "sayin", "bay", "bayan", "hanim", "bey", NULL
	};

	while (n && w[n - 1] == '.')
		n--;
	for (int i = 0; titles[i]; i++)
		if (strlen(titles[i]) == n && memcmp(titles[i], w, n) == 0)
			return 1;
	return 0;
}

/* The form names are compared in: ASCII fold, titles dropped, single
 * spaces. */
static char *
name_key(const char *name)
{
	struct buf b = BUF_INIT;
	char *f, *p;

	if (name == NULL)
		return NULL;
	f = fold_str(name, FOLD_ASCII);
	for (p = f; *p;) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		for (n = 0; p[n] && p[n] != ' ' && p[n] != '\t' &&
		    p[n] != '\n' && p[n] != '\r'; n++)
			;
		if (n && !is_title(p, n)) {
			if (b.len)
				buf_putc(&b, ' ');
			buf_add(&b, p, n);
		}
		p += n;
	}
	free(f);
	return buf_steal(&b);
}

static char *
new_tag(sqlite3 *db, time_t now)
{
	static const char up[] =
	    "INSERT INTO counter(name, value) VALUES (?1, 1) "
	    "ON CONFLICT(name) DO UPDATE SET value = value + 1";
	static const char get[] = "SELECT value FROM counter WHERE name = ?1";
	sqlite3_stmt *st;
	struct tm tm;
	char name[32], tag[32];
	int64_t n = 0;

	clock_local(now, &tm);
	snprintf(name, sizeof name, "case-%d", tm.tm_year + 1900);
	if ((st = db_stmt(db, up)) == NULL)
		return NULL;
	db_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return NULL;
	}
	sqlite3_reset(st);
	if ((st = db_stmt(db, get)) == NULL)
		return NULL;
	db_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	snprintf(tag, sizeof tag, "NES-%d-%04lld", tm.tm_year + 1900,
	    (long long)n);
	return xstrdup(tag);
}

/* Runs a one-parameter text query and adds every id it returns. */
static void
collect(sqlite3 *db, const char *sql, const char *p, struct idset *out)
{
	sqlite3_stmt *st = db_stmt(db, sql);

	if (st == NULL || p == NULL)
		return;
	db_bind_text(st, 1, p);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			idset_add(out, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
}

/* Digits of a case number read at most: more than any counter reaches. */
#define TAG_MAX_DIGITS	18

/* [NES-2026-0042] anywhere in the subject.  The number is written with at
 * least four digits (new_tag) and has more past case 9,999: it is read to
 * its last digit, so NES-2026-10000 never names NES-2026-1000. */
static void
find_by_tag(sqlite3 *db, const char *subject, struct idset *out)
{
	static const char sql[] = "SELECT id FROM cases WHERE tag = ?1";
	const char *p = subject;

	while (p && (p = strstr(p, "NES-")) != NULL) {
		char tag[32];
		size_t i, n;

		for (i = 4; i < 8 && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == 8 && p[8] == '-') {
			for (n = 0; p[9 + n] >= '0' && p[9 + n] <= '9'; n++)
				;
			if (n >= 4 && n <= TAG_MAX_DIGITS) {
				memcpy(tag, p, 9 + n);
				tag[9 + n] = '\0';
				collect(db, sql, tag, out);
			}
		}
		p += 4;
	}
}

/* In-Reply-To / References: ids of messages known to belong to cases. */
static void
find_by_thread(sqlite3 *db, const struct mime_msg *msg, struct idset *cases,
    struct idset *requests)
{
	static const char sqlc[] =
	    "SELECT case_id FROM thread WHERE message_id = ?1";
	static const char sqlr[] =
	    "SELECT request FROM thread WHERE message_id = ?1 AND "
	    "case_id IS NULL";
	const char *lists[2] = { msg->in_reply_to, msg->references };

	for (int k = 0; k < 2; k++) {
		char *copy, *tok, *save = NULL;

		if (lists[k] == NULL)
			continue;
		copy = xstrdup(lists[k]);
		for (tok = strtok_r(copy, " \t,", &save); tok;
		    tok = strtok_r(NULL, " \t,", &save)) {
			collect(db, sqlc, tok, cases);
			collect(db, sqlr, tok, requests);
		}
		free(copy);
	}
}

static void
find_by_tckn(sqlite3 *db, const char *t, struct idset *out)
{
	static const char full[] =
	    "SELECT id FROM cases WHERE tckn = ?1 AND step <> 'closed'";
	static const char open_cases[] =
	    "SELECT id, tckn FROM cases WHERE step <> 'closed' AND "
	    "tckn IS NOT NULL AND ?1 IS NOT NULL";
	sqlite3_stmt *st;
	int64_t hit = 0;
	int hits = 0;

	if (tckn_valid(t)) {
		collect(db, full, t, out);
		return;
	}
	if (strlen(t) != 11 || strpbrk(t, "*Xx") == NULL)
		return;
	/* A masked number counts only when exactly one open case fits. */
	if ((st = db_stmt(db, open_cases)) == NULL)
		return;
	db_bind_text(st, 1, t);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 1);

		if (c && tckn_masked_match(t, c)) {
			hit = sqlite3_column_int64(st, 0);
			hits++;
		}
	}
	sqlite3_reset(st);
	if (hits == 1)
		idset_add(out, hit);
}

static void
find_by_email(sqlite3 *db, const char *addr, struct idset *out)
{
	static const char sql[] =
	    "SELECT id FROM cases WHERE email = lower(?1) AND step <> 'closed'";

	collect(db, sql, addr, out);
}

static void
find_by_name(sqlite3 *db, const char *name, struct idset *out)
{
	static const char sql[] =
	    "SELECT id FROM cases WHERE name_key = ?1 AND step <> 'closed'";
	char *key = name_key(name);

	if (key && *key)
		collect(db, sql, key, out);
	free(key);
}

static int64_t
request_by_ticket(sqlite3 *db, const char *ticket)
{
	static const char sql[] = "SELECT id FROM request WHERE ticket = ?1";
	struct idset s = { 0 };
	int64_t id = 0;

	collect(db, sql, ticket, &s);
	if (s.n)
		id = s.v[0];
	idset_free(&s);
	return id;
}

static void
find_by_request(sqlite3 *db, int64_t request, struct idset *out)
{
	static const char sql[] =
	    "SELECT id FROM cases WHERE request = ?1 AND step <> 'closed'";
	char num[24];

	snprintf(num, sizeof num, "%lld", (long long)request);
	collect(db, sql, num, out);
}

/* Addresses in a ", " separated list, each passed to fn. */
static void
each_addr(sqlite3 *db, const char *list, struct idset *out)
{
	char *copy, *tok, *save = NULL;

	if (list == NULL)
		return;
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ", ", &save); tok;
	    tok = strtok_r(NULL, ", ", &save))
		find_by_email(db, tok, out);
	free(copy);
}

/* Every case the message names, strongest evidence first (cases.h). */
static void
find_cases(sqlite3 *db, const struct mime_msg *msg,
    const struct rule_result *res, unsigned roles, struct idset *out)
{
	struct idset reqs = { 0 };
	size_t i;

	find_by_tag(db, msg->subject, out);
	find_by_thread(db, msg, out, &reqs);
	if (out->n == 0)
		for (i = 0; i < reqs.n; i++)
			find_by_request(db, reqs.v[i], out);
	idset_free(&reqs);
	if (out->n)
		return;
	for (i = 0; i < res->ncaps; i++) {
		const struct rule_capture *c = &res->caps[i];

		if (strcmp(c->name, "tckn") == 0)
			find_by_tckn(db, c->value, out);
		else if (strcmp(c->name, "email") == 0)
			find_by_email(db, c->value, out);
		else if (strcmp(c->name, "name") == 0)
			find_by_name(db, c->value, out);
	}
	if (out->n)
		return;
	/* The sender, or for Kamu SM's mail the person it was written to. */
	find_by_email(db, msg->from_addr, out);
	if (out->n == 0 && (roles & ROLE_KAMUSM))
		each_addr(db, msg->to_addrs, out);
	if (out->n)
		return;
	for (i = 0; i < res->ncaps; i++) {
		const struct rule_capture *c = &res->caps[i];
		int64_t rq;

		if (strcmp(c->name, "ticket") == 0 &&
		    (rq = request_by_ticket(db, c->value)) != 0)
			find_by_request(db, rq, out);
	}
}

/* Moves one case to step (never back), records the event.  Returns 1 when
 * the case's step changed, 0 when only history was added or nothing at all
 * (the same message again), -1 on error. */
static int
move_case(sqlite3 *db, int64_t case_id, enum case_step step, time_t at,
    time_t now, int64_t msg_row, const struct mime_msg *msg,
    const char *rule, const char *approval, const char *detail)
{
	static const char get[] = "SELECT step FROM cases WHERE id = ?1";
	static const char upd[] =
	    "UPDATE cases SET step = ?2, step_t = ?3, updated_t = ?4, "
	    "approval = coalesce(?5, approval) WHERE id = ?1";
	static const char appr[] =
	    "UPDATE cases SET approval = coalesce(approval, ?2), "
	    "updated_t = ?3 WHERE id = ?1";
	sqlite3_stmt *st;
	enum case_step cur = STEP_NONE;
	int moved = 0, rc;

	if ((st = db_stmt(db, get)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		cur = case_step_parse((const char *)sqlite3_column_text(st,
		    0));
	sqlite3_reset(st);
	if (cases_add_event(db, case_id, 0, msg_row, msg->message_id, at,
	    "step", case_step_key(step), rule, detail) == -1)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;	/* this message was already applied here */
	cases_add_thread(db, msg->message_id, 0, case_id);
	if (step > cur) {
		st = db_stmt(db, upd);
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, case_id);
		db_bind_text(st, 2, case_step_key(step));
		sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
		db_bind_text(st, 5, approval);
		moved = 1;
	} else {
		/* Late mail: history only, but an approval way is news. */
		if (approval == NULL)
			return 0;
		if ((st = db_stmt(db, appr)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, case_id);
		db_bind_text(st, 2, approval);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	}
	rc = sqlite3_step(st) == SQLITE_DONE ? moved : -1;
	sqlite3_reset(st);
	return rc;
}

/* "tckn=100******46 name=Ayşe Yılmaz" from the captures (masked). */
static char *
describe_caps(const struct rule_result *res)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < res->ncaps; i++) {
		const struct rule_capture *c = &res->caps[i];
		char m[12];

		if (strcmp(c->name, "tckn") == 0 && tckn_valid(c->value)) {
			tckn_mask(c->value, m);
			buf_printf(&b, "%s%s=%s", b.len ? " " : "", c->name, m);
		} else
			buf_printf(&b, "%s%s=%s", b.len ? " " : "", c->name,
			    c->value);
	}
	return buf_steal(&b);
}

static const char *
approval_of(const struct rule_result *res, enum case_step step,
    unsigned roles)
{
	const char *a = rules_capture(res, "approval");

	if (a)
		return rules_approval_key(a);
	/* Only the wet-signature way goes through Yazı İşleri. */
	if ((step == STEP_APPROVED && (roles & ROLE_YAZI)) ||
	    step == STEP_CARGO_SHIPPED)
		return "islak-imza";
	return NULL;
}

/* Ticket opened: the request, without people yet. */
static int
apply_ticket(sqlite3 *db, int64_t msg_row, const struct mime_msg *msg,
    const struct rule_result *res, time_t at, time_t now,
    struct case_outcome *out)
{
	static const char ins[] =
	    "INSERT INTO request(ticket, unit, requester, opened_t, thread_id, "
	    "created_t, updated_t) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
	    "ON CONFLICT(ticket) DO UPDATE SET "
	    "unit = coalesce(request.unit, excluded.unit), "
	    "requester = coalesce(request.requester, excluded.requester), "
	    "opened_t = coalesce(request.opened_t, excluded.opened_t), "
	    "updated_t = excluded.updated_t";
	const char *ticket = rules_capture(res, "ticket");
	sqlite3_stmt *st;
	int64_t rq;
	char *detail;

	if (ticket == NULL) {
		out->outcome = "unplaced";
		buf_printf(&out->reason, "rule %s: no ticket number found",
		    res->rule_name);
		return 0;
	}
	if ((st = db_stmt(db, ins)) == NULL)
		return -1;
	db_bind_text(st, 1, ticket);
	db_bind_text(st, 2, rules_capture(res, "unit"));
	db_bind_text(st, 3, rules_capture(res, "requester"));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)at);
	db_bind_text(st, 5, msg->message_id);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	if (db_done(db, st, "request") == -1)
		return -1;
	rq = request_by_ticket(db, ticket);
	detail = describe_caps(res);
	if (cases_add_event(db, 0, rq, msg_row, msg->message_id, at, "step",
	    "ticket_opened", res->rule_name, detail) == -1 ||
	    cases_add_thread(db, msg->message_id, rq, 0) == -1) {
		free(detail);
		return -1;
	}
	free(detail);
	out->outcome = "applied";
	buf_printf(&out->reason, "rule %s: ticket %s opened",
	    res->rule_name, ticket);
	return 0;
}

/* The open case of this person (by T.C. Kimlik No, else e-mail), or 0. */
static int64_t
open_case_of(sqlite3 *db, const struct form_person *p)
{
	struct idset s = { 0 };
	int64_t id = 0;

	if (p->tckn)
		find_by_tckn(db, p->tckn, &s);
	else if (p->email)
		find_by_email(db, p->email, &s);
	if (s.n)
		id = s.v[0];
	idset_free(&s);
	return id;
}

static int64_t
create_case(sqlite3 *db, int64_t request, const struct form_person *p,
    const char *unit, time_t at, time_t now)
{
	static const char ins[] =
	    "INSERT INTO cases(tag, request, name, name_key, tckn, email, "
	    "title, unit, phone, step, step_t, created_t, updated_t) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'form_received', ?10, ?11, "
	    "?11)";
	sqlite3_stmt *st;
	char *tag, *key;
	int64_t id = -1;

	if ((tag = new_tag(db, now)) == NULL)
		return -1;
	key = name_key(p->name);
	if ((st = db_stmt(db, ins)) == NULL)
		goto out;
	db_bind_text(st, 1, tag);
	sqlite3_bind_int64(st, 2, request);
	db_bind_text(st, 3, p->name);
	db_bind_text(st, 4, key);
	db_bind_text(st, 5, p->tckn);
	db_bind_text(st, 6, p->email);
	db_bind_text(st, 7, p->title);
	db_bind_text(st, 8, p->unit ? p->unit : unit);
	db_bind_text(st, 9, p->phone);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)at);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)now);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db);
	else
		log_err("database: case: %s", sqlite3_errmsg(db));
	sqlite3_reset(st);
out:
	free(tag);
	free(key);
	return id;
}

/* The request a form belongs to: its ticket's, or a new one. */
static int64_t
form_request(sqlite3 *db, const struct mime_msg *msg,
    const struct rule_result *res, const struct form *form, time_t at,
    time_t now)
{
	static const char ins[] =
	    "INSERT INTO request(ticket, unit, requester_email, form_t, "
	    "thread_id, created_t, updated_t) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?6)";
	static const char upd[] =
	    "UPDATE request SET unit = coalesce(unit, ?2), requester_email = "
	    "coalesce(requester_email, ?3), form_t = coalesce(form_t, ?4), "
	    "thread_id = coalesce(thread_id, ?5), updated_t = ?6 WHERE id = ?1";
	const char *ticket = rules_capture(res, "ticket");
	const char *unit = rules_capture(res, "unit");
	sqlite3_stmt *st;
	int64_t rq = ticket ? request_by_ticket(db, ticket) : 0;

	if (unit == NULL && form->npeople)
		unit = form->people[0].unit;
	if ((st = db_stmt(db, rq ? upd : ins)) == NULL)
		return -1;
	if (rq)
		sqlite3_bind_int64(st, 1, rq);
	else
		db_bind_text(st, 1, ticket);
	db_bind_text(st, 2, unit);
	db_bind_text(st, 3, msg->from_addr);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)at);
	db_bind_text(st, 5, msg->message_id);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	if (db_done(db, st, "request") == -1)
		return -1;
	return rq ? rq : sqlite3_last_insert_rowid(db);
}

/* Form received: one case per good row; problems go on the request. */
static int
apply_form(sqlite3 *db, const struct config *cfg, int64_t msg_row,
    const struct mime_msg *msg, const struct rule_result *res, time_t at,
    time_t now, struct case_outcome *out)
{
	struct form *form = NULL;
	int64_t rq, id;
	int r, made = 0, known = 0, rc = -1;

	r = form_find(msg, cfg->limits.max_form_rows, &form);
	if (form == NULL || (form->npeople == 0 && form->nproblems == 0)) {
		out->outcome = "unplaced";
		buf_printf(&out->reason, "rule %s: no form with people found%s",
		    res->rule_name, r == -1 ? " (an attachment could not be "
		    "read)" : "");
		form_free(&form);
		return 0;
	}
	if ((rq = form_request(db, msg, res, form, at, now)) == -1)
		goto out;
	cases_add_thread(db, msg->message_id, rq, 0);
	for (size_t i = 0; i < form->npeople; i++) {
		const struct form_person *p = &form->people[i];

		if ((id = open_case_of(db, p)) != 0) {
			known++;	/* the same form seen again */
		} else {
			const char *unit = rules_capture(res, "unit");

			if ((id = create_case(db, rq, p, unit, at, now)) == -1)
				goto out;
			made++;
		}
		if (move_case(db, id, STEP_FORM_RECEIVED, at, now, msg_row,
		    msg, res->rule_name, NULL, form->source) == -1)
			goto out;
	}
	for (size_t i = 0; i < form->nproblems; i++) {
		char d[512];

		snprintf(d, sizeof d, "%s row %d: %s", form->source,
		    form->problems[i].row, form->problems[i].text);
		if (cases_add_event(db, 0, rq, msg_row, NULL, at,
		    "form_problem", NULL, res->rule_name, d) == -1)
			goto out;
	}
	if (made && notify_form_ack(db, cfg, rq, form, msg, now) == -1)
		goto out;
	out->outcome = "applied";
	out->new_cases += made;
	buf_printf(&out->reason, "rule %s: form (%s): %d new case(s), %d "
	    "already known, %zu bad row(s)", res->rule_name, form->source,
	    made, known, form->nproblems);
	rc = 0;
out:
	form_free(&form);
	return rc;
}

static int
apply_step(sqlite3 *db, int64_t msg_row, const struct mime_msg *msg,
    const struct rule_result *res, enum case_step step, unsigned roles,
    time_t at, time_t now, struct case_outcome *out)
{
	static const char tagq[] = "SELECT tag FROM cases WHERE id = ?1";
	struct idset found = { 0 };
	const char *approval = approval_of(res, step, roles);
	char *detail = describe_caps(res);
	int rc = -1, moved = 0, r;

	find_cases(db, msg, res, roles, &found);
	if (found.n == 0) {
		out->outcome = "unplaced";
		buf_printf(&out->reason, "rule %s (%s): no case found%s%s",
		    res->rule_name, case_step_key(step), *detail ? " for " :
		    "", detail);
		rc = 0;
		goto out;
	}
	out->outcome = "applied";
	buf_printf(&out->reason, "rule %s: %s for", res->rule_name,
	    case_step_key(step));
	for (size_t i = 0; i < found.n; i++) {
		sqlite3_stmt *st;

		if ((r = move_case(db, found.v[i], step, at, now, msg_row, msg,
		    res->rule_name, approval, detail)) == -1)
			goto out;
		moved += r;
		if ((st = db_stmt(db, tagq)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, found.v[i]);
		if (sqlite3_step(st) == SQLITE_ROW)
			buf_printf(&out->reason, " %s",
			    sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	if (moved == 0)
		buf_puts(&out->reason, " (no step changed)");
	rc = 0;
out:
	free(detail);
	idset_free(&found);
	return rc;
}

static int
apply_matched(sqlite3 *db, const struct config *cfg, int64_t id,
    const struct mime_msg *msg, const struct rule_result *res,
    unsigned roles, time_t now, struct case_outcome *out)
{
	enum case_step step = case_step_parse(res->step);
	time_t at = cases_event_time(msg, now);

	switch (step) {
	case STEP_NONE:
		/* An event that is no step ("note"): history if placed. */
		out->outcome = "ignored";
		buf_printf(&out->reason, "rule %s: %s", res->rule_name,
		    res->step ? res->step : "no step");
		return 0;
	case STEP_TICKET_OPENED:
		return apply_ticket(db, id, msg, res, at, now, out);
	case STEP_FORM_RECEIVED:
		return apply_form(db, cfg, id, msg, res, at, now, out);
	default:
		return apply_step(db, id, msg, res, step, roles, at, now, out);
	}
}

int
cases_apply(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, int64_t id, const struct mime_msg *msg,
    time_t now, struct case_outcome *out)
{
	struct rule_result res;
	const char *why = NULL, *auto_why = NULL;
	unsigned roles;
	int rc = 0;

	memset(&res, 0, sizeof res);
	out->outcome = "unplaced";
	out->new_cases = 0;
	buf_reset(&out->reason);
	if (msg->from_addr && outbox_is_self(cfg, msg->from_addr)) {
		out->outcome = "ignored";
		buf_puts(&out->reason, "the robot's own mail");
		goto record;
	}
	roles = trust_roles(cfg, msg, &why);
	/* The ticket system's mail is automatic by nature, and the steps it
	 * shows are taken; the robot still never answers it. */
	if (!(roles & ROLE_BYS) && trust_is_automatic(msg, &auto_why)) {
		out->outcome = "ignored";
		if (notify_bounce(db, cfg, msg, now) == 1)
			buf_printf(&out->reason, "bounce of the robot's mail, "
			    "recorded on its case");
		else
			buf_printf(&out->reason, "automatic mail: %s",
			    auto_why ? auto_why : "");
		goto record;
	}
	if (rules_eval(rules, msg, roles, 0, &res) == -1) {
		out->outcome = "unplaced";
		buf_puts(&out->reason, "a rule hit its match limit; the "
		    "message was not examined in full");
		goto record;
	}
	if (res.rule == NULL) {
		if (res.refused) {
			out->outcome = "quarantined";
			buf_printf(&out->reason, "rule %s needs a sender with "
			    "role %s; %s is not%s%s", res.refused_name,
			    res.refused_role, msg->from_addr ? msg->from_addr :
			    "the sender", why ? ": " : "", why ? why : "");
		} else {
			out->outcome = "unplaced";
			buf_puts(&out->reason, CASES_NO_RULE);
		}
		goto record;
	}
	rc = apply_matched(db, cfg, id, msg, &res, roles, now, out);
record:
	rules_result_free(&res);
	if (rc == 0 && id > 0)
		rc = ledger_set_outcome(db, id, out->outcome,
		    buf_str(&out->reason));
	return rc;
}

void
cases_outcome_free(struct case_outcome *out)
{
	buf_free(&out->reason);
}

int
cases_reprocess(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, time_t now, int waiting)
{
	static const char all[] =
	    "SELECT id FROM message WHERE outcome = 'unplaced' ORDER BY id";
	static const char nocase[] =
	    "SELECT id FROM message WHERE outcome = 'unplaced' AND "
	    "reason LIKE '%no case found%' ORDER BY id";
	sqlite3_stmt *st = db_stmt(db, waiting ? nocase : all);
	struct idset ids = { 0 };
	struct case_outcome out = { 0 };
	int applied = 0;

	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		idset_add(&ids, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	for (size_t i = 0; i < ids.n; i++) {
		struct mime_msg *m = NULL;
		int r;

		if (ledger_load(db, ids.v[i], &m) == -1)
			continue;
		if (db_begin(db) == -1) {
			mime_free(&m);
			goto fail;
		}
		r = cases_apply(db, cfg, rules, ids.v[i], m, now, &out);
		mime_free(&m);
		if (r == -1) {
			db_rollback(db);
			goto fail;
		}
		if (db_commit(db) == -1)
			goto fail;
		if (strcmp(out.outcome, "applied") == 0)
			applied++;
	}
	idset_free(&ids);
	cases_outcome_free(&out);
	return applied;
fail:
	idset_free(&ids);
	cases_outcome_free(&out);
	return -1;
}
