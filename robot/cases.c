/* cases: requests, cases, history and the step state machine; see
 * cases.h.  workflow.md is the specification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases_int.h"
#include "clock.h"
#include "db.h"
#include "fold.h"
#include "form.h"
#include "history.h"
#include "log.h"
#include "mem.h"
#include "quote.h"
#include "tckn.h"
#include "trust.h"
#include "unit.h"

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

time_t
cases_event_time(const struct mime_msg *msg, time_t now)
{
	/* A Date a little ahead of our clock is skew; far ahead is a lie. */
	if (msg && msg->date_t > 0 && msg->date_t <= now + 600)
		return msg->date_t < now ? msg->date_t : now;
	return now;
}

int
cases_move(sqlite3 *db, int64_t case_id, enum case_step step, time_t at,
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
	if (history_event(db, case_id, 0, msg_row, msg->message_id, at,
	    "step", case_step_key(step), rule, detail) == -1)
		return -1;
	if (sqlite3_changes(db) == 0)
		return 0;	/* this message was already applied here */
	history_thread(db, msg->message_id, 0, case_id);
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

const char *
cases_closed_as(const struct rule_result *res)
{
	const char *c = rules_capture(res, "closed_as");
	const char *key = NULL;
	char *f;

	if (c == NULL || (f = fold_str(c, FOLD_ASCII)) == NULL)
		return NULL;
	if (strncmp(f, "iptal", 5) == 0 || strncmp(f, "cancel", 6) == 0)
		key = "cancelled";
	free(f);
	return key;
}

static int
set_closed_as(sqlite3 *db, int64_t case_id, const char *closed_as)
{
	static const char sql[] =
	    "UPDATE cases SET closed_as = ?2, paused_t = NULL WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	db_bind_text(st, 2, closed_as);
	return db_done(db, st, "case");
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

/* The unit head of a ticket: the address the ticket system gives
 * ("Talep Eden E-posta"), else the one institutional addressee that is
 * none of the robot's, BİDB's or the ticket system's. */
static char *
ticket_requester(const struct config *cfg, const struct mime_msg *msg,
    const struct rule_result *res)
{
	const char *e = rules_capture(res, "email");
	char *copy, *tok, *save = NULL, *one = NULL;
	int n = 0;

	/* Reminders go to it: never outside the institution. */
	if (e != NULL && trust_addr_local(cfg, e))
		return xstrdup(e);
	if (msg->to_addrs == NULL)
		return NULL;
	copy = xstrdup(msg->to_addrs);
	for (tok = strtok_r(copy, ", ", &save); tok;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (!trust_addr_in_domain(tok, cfg->institution.domain) ||
		    trust_is_self(cfg, tok) || (trust_addr_roles(cfg, tok) &
		    (ROLE_BIDB | ROLE_BYS | ROLE_YAZI)))
			continue;
		if (n++ == 0)
			one = xstrdup(tok);
	}
	free(copy);
	if (n != 1) {
		free(one);
		return NULL;
	}
	return one;
}

/* Ticket opened: the request, without people yet.  A request made by a
 * form that came first (no ticket yet) takes the ticket. */
static int
apply_ticket(sqlite3 *db, const struct config *cfg, int64_t msg_row,
    const struct mime_msg *msg, const struct rule_result *res, time_t at,
    time_t now, struct case_outcome *out)
{
	static const char ins[] =
	    "INSERT INTO request(ticket, unit, requester, requester_email, "
	    "opened_t, thread_id, created_t, updated_t) VALUES (?1, ?2, ?3, "
	    "?7, ?4, ?5, ?6, ?6) "
	    "ON CONFLICT(ticket) DO UPDATE SET "
	    "unit = coalesce(request.unit, excluded.unit), "
	    "requester = coalesce(request.requester, excluded.requester), "
	    "requester_email = coalesce(request.requester_email, "
	    "excluded.requester_email), "
	    "opened_t = coalesce(request.opened_t, excluded.opened_t), "
	    "updated_t = excluded.updated_t";
	static const char adopt[] =
	    "UPDATE request SET ticket = ?1, unit = coalesce(unit, ?2), "
	    "requester = coalesce(requester, ?3), opened_t = ?4, "
	    "updated_t = ?6, requester_email = coalesce(requester_email, ?7) "
	    "WHERE id = ?8";
	const char *ticket = rules_capture(res, "ticket");
	const char *unit = rules_capture(res, "unit");
	sqlite3_stmt *st;
	int64_t rq;
	char *detail, *head;
	struct buf addrs = BUF_INIT;
	int rc = -1, adopting = 0;

	if (ticket == NULL) {
		out->outcome = "unplaced";
		out->code = REASON_NO_TICKET;
		buf_printf(&out->reason, "rule %s: no ticket number found",
		    res->rule_name);
		return 0;
	}
	head = ticket_requester(cfg, msg, res);
	if ((rq = cases_request_by_ticket(db, ticket)) == 0) {
		buf_printf(&addrs, "%s, %s", msg->to_addrs ? msg->to_addrs :
		    "", head ? head : "");
		rq = cases_request_for_ticket(db, unit, buf_str(&addrs));
		adopting = rq != 0;
	}
	if ((st = db_stmt(db, adopting ? adopt : ins)) == NULL)
		goto out;
	db_bind_text(st, 1, ticket);
	db_bind_text(st, 2, unit);
	db_bind_text(st, 3, rules_capture(res, "requester"));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)at);
	db_bind_text(st, 5, msg->message_id);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	db_bind_text(st, 7, head);
	if (adopting)
		sqlite3_bind_int64(st, 8, rq);
	if (db_done(db, st, "request") == -1)
		goto out;
	rq = cases_request_by_ticket(db, ticket);
	detail = describe_caps(res);
	if (history_event(db, 0, rq, msg_row, msg->message_id, at, "step",
	    "ticket_opened", res->rule_name, detail) == -1 ||
	    history_thread(db, msg->message_id, rq, 0) == -1) {
		free(detail);
		goto out;
	}
	free(detail);
	out->outcome = "applied";
	out->code = REASON_TICKET;
	buf_printf(&out->reason, "rule %s: ticket %s opened",
	    res->rule_name, ticket);
	rc = 0;
out:
	free(head);
	buf_free(&addrs);
	return rc;
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

	if ((tag = history_new_tag(db, now)) == NULL)
		return -1;
	key = cases_name_key(p->name);
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

/* What a form mail says of its unit, for finding the ticket it belongs
 * to: subject, sender, what the sender wrote, the units of its rows. */
static char *
form_unit_text(const struct mime_msg *msg, const struct rule_result *res,
    const struct form *form)
{
	struct buf b = BUF_INIT;
	char *fresh = quote_fresh_text(msg->text);
	const char *unit = rules_capture(res, "unit");

	buf_printf(&b, "%s\n%s\n%s\n%s\n", msg->subject ? msg->subject : "",
	    msg->from ? msg->from : "", unit ? unit : "", fresh);
	for (size_t i = 0; i < form->npeople; i++)
		if (form->people[i].unit)
			buf_printf(&b, "%s\n", form->people[i].unit);
	free(fresh);
	return buf_steal(&b);
}

/* The request a form belongs to: its ticket's, the open request of its
 * sender or unit that waits for a form, or a new one. */
static int64_t
form_request(sqlite3 *db, const struct mime_msg *msg, const char *sender,
    const struct rule_result *res, const struct form *form,
    const char *unit_text, time_t at, time_t now)
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
	int64_t rq = ticket ? cases_request_by_ticket(db, ticket) : 0;

	if (rq == 0)
		rq = cases_request_for_form(db, msg, unit_text);
	if (unit == NULL && form->npeople)
		unit = form->people[0].unit;
	if ((st = db_stmt(db, rq ? upd : ins)) == NULL)
		return -1;
	if (rq)
		sqlite3_bind_int64(st, 1, rq);
	else
		db_bind_text(st, 1, ticket);
	db_bind_text(st, 2, unit);
	db_bind_text(st, 3, sender);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)at);
	db_bind_text(st, 5, msg->message_id);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	if (db_done(db, st, "request") == -1)
		return -1;
	return rq ? rq : sqlite3_last_insert_rowid(db);
}

/* The tag of case id when its request was made by someone other than
 * sender for a unit the form's mail does not name (a unit head listing
 * another unit's people), else NULL.  Caller frees. */
static char *
foreign_case(sqlite3 *db, int64_t id, const char *sender,
    const char *unit_text)
{
	static const char sql[] =
	    "SELECT c.tag, r.requester_email, r.unit FROM cases c JOIN "
	    "request r ON r.id = c.request WHERE c.id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	char *tag = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *head = (const char *)sqlite3_column_text(st, 1);
		char *k = unit_key((const char *)sqlite3_column_text(st, 2));

		if (head != NULL && sender != NULL && strcmp(head, sender) !=
		    0 && !(k != NULL && unit_mentioned(unit_text, k)))
			tag = db_col_strdup(st, 0);
		free(k);
	}
	sqlite3_reset(st);
	return tag;
}

/* A case's address is where its reminders go: one outside the
 * institution (and [institution] other_domains) would let a form send
 * the robot's mail anywhere, so such a row is reported, not taken. */
static void
refuse_outsiders(const struct config *cfg, struct form *form)
{
	char why[300];

	for (size_t i = 0; i < form->npeople; ) {
		const char *e = form->people[i].email;

		if (e == NULL || trust_addr_local(cfg, e)) {
			i++;
			continue;
		}
		snprintf(why, sizeof why, "e-posta adresi %s kurum dışında",
		    e);
		form_refuse(form, i, why);
	}
}

static void add_effect(struct case_outcome *out,
    enum case_effect_kind kind, int64_t request, struct form *form);
static void effects_free(struct case_outcome *out);

/* Form received: one case per good row; problems go on the request. */
static int
apply_form(sqlite3 *db, const struct config *cfg, int64_t msg_row,
    const struct mime_msg *msg, const struct cand *cand,
    const struct rule_result *res, time_t at, time_t now,
    struct case_outcome *out)
{
	struct form *form = NULL;
	char **foreign = NULL, *unit_text = NULL;
	int64_t rq, id;
	int r, made = 0, known = 0, nforeign = 0, rc = -1;

	r = form_find(msg, cfg->limits.max_form_rows, &form);
	if (form != NULL)
		refuse_outsiders(cfg, form);
	if (form == NULL || form->npeople == 0) {
		out->outcome = "unplaced";
		out->code = REASON_NO_FORM;
		buf_printf(&out->reason, "rule %s: no form with people found%s%s",
		    res->rule_name, form && form->nproblems ? " (only rows "
		    "that could not be read)" : "", r == -1 ? " (an attachment "
		    "could not be read)" : "");
		form_free(&form);
		return 0;
	}
	unit_text = form_unit_text(msg, res, form);
	foreign = xcalloc(form->npeople, sizeof *foreign);
	for (size_t i = 0; i < form->npeople; i++) {
		const struct form_person *p = &form->people[i];

		id = cases_find_person(db, p->tckn, p->email);
		if (id != 0 && (foreign[i] = foreign_case(db, id,
		    cand->view->from_addr, unit_text)) != NULL)
			nforeign++;
	}
	if ((size_t)nforeign == form->npeople) {
		out->outcome = "unplaced";
		out->code = REASON_FOREIGN_UNIT;
		buf_printf(&out->reason, "rule %s: every person of the form has "
		    "a case in another unit's request (%s)", res->rule_name,
		    foreign[0]);
		rc = 0;
		goto out;
	}
	if ((rq = form_request(db, msg, cand->view->from_addr, res, form,
	    unit_text, at, now)) == -1)
		goto out;
	history_thread(db, msg->message_id, rq, 0);
	for (size_t i = 0; i < form->npeople; i++) {
		const struct form_person *p = &form->people[i];

		if (foreign[i] != NULL) {
			/* A unit head moves only their unit's requests. */
			char d[256];

			snprintf(d, sizeof d, "%s, %s: %s için başka bir "
			    "birimin talebinde %s vakası zaten var",
			    form->source, p->where ? p->where : "?", p->name ?
			    p->name : "bir kişi", foreign[i]);
			if (history_event(db, 0, rq, msg_row, NULL, at,
			    "form_problem", NULL, res->rule_name, d) == -1)
				goto out;
			continue;
		}
		if ((id = cases_find_person(db, p->tckn, p->email)) != 0) {
			known++;	/* the same form seen again */
		} else {
			const char *unit = rules_capture(res, "unit");

			if ((id = create_case(db, rq, p, unit, at, now)) == -1)
				goto out;
			made++;
		}
		if (cases_move(db, id, STEP_FORM_RECEIVED, at, now, msg_row,
		    msg, res->rule_name, NULL, form->source) == -1)
			goto out;
	}
	for (size_t i = 0; i < form->nproblems; i++) {
		char d[512];

		snprintf(d, sizeof d, "%s%s%s: %s", form->source,
		    form->problems[i].where ? ", " : "", form->problems[i].where ?
		    form->problems[i].where : "", form->problems[i].text);
		if (history_event(db, 0, rq, msg_row, NULL, at,
		    "form_problem", NULL, res->rule_name, d) == -1)
			goto out;
	}
	out->outcome = "applied";
	out->code = REASON_FORM;
	out->new_cases += made;
	buf_printf(&out->reason, "rule %s%s%s: form (%s): %d new case(s), %d "
	    "already known, %zu bad row(s)", res->rule_name, cand->via ? " " :
	    "", cand->via ? cand->via : "", form->source, made, known,
	    form->nproblems);
	if (nforeign)
		buf_printf(&out->reason, ", %d in another unit's request",
		    nforeign);
	for (size_t i = 0; i < form->npeople; i++)
		free(foreign[i]);
	free(foreign);
	foreign = NULL;
	/* New people are told to the one who sent the form. */
	if (made) {
		add_effect(out, EFFECT_ACK_FORM, rq, form);
		form = NULL;
	}
	rc = 0;
out:
	for (size_t i = 0; foreign && i < form->npeople; i++)
		free(foreign[i]);
	free(foreign);
	free(unit_text);
	form_free(&form);
	return rc;
}

static int
apply_step(sqlite3 *db, int64_t msg_row, const struct mime_msg *msg,
    const struct cand *cand, const struct rule_result *res,
    enum case_step step, time_t at, time_t now, struct case_outcome *out)
{
	static const char tagq[] = "SELECT tag FROM cases WHERE id = ?1";
	struct idset found = { 0 };
	struct finder f = { msg, cand, res, step };
	const char *approval = approval_of(res, step, cand->roles), *why;
	const char *closed_as = step == STEP_CLOSED ? cases_closed_as(res) :
	    NULL;
	char *detail = describe_caps(res);
	int rc = -1, moved = 0, r;

	if (cand->via) {
		char *d = detail;
		struct buf b = BUF_INIT;

		buf_printf(&b, "%s%s%s", cand->via, *d ? ": " : "", d);
		detail = buf_steal(&b);
		free(d);
	}
	cases_find(db, &f, &found, &why);
	if (found.n == 0) {
		out->outcome = "unplaced";
		out->code = REASON_NO_CASE;
		buf_printf(&out->reason, "rule %s (%s): no case found%s%s%s%s",
		    res->rule_name, case_step_key(step), *detail ? " for " :
		    "", detail, why ? ": " : "", why ? why : "");
		rc = 0;
		goto out;
	}
	out->outcome = "applied";
	buf_printf(&out->reason, "rule %s%s%s: %s%s%s%s for", res->rule_name,
	    cand->via ? " " : "", cand->via ? cand->via : "",
	    case_step_key(step), closed_as ? " (" : "", closed_as ?
	    closed_as : "", closed_as ? ")" : "");
	for (size_t i = 0; i < found.n; i++) {
		sqlite3_stmt *st;

		if ((r = cases_move(db, found.v[i], step, at, now, msg_row, msg,
		    res->rule_name, approval, detail)) == -1)
			goto out;
		/* Closed otherwise than by finishing: only as it closes. */
		if (r == 1 && closed_as && set_closed_as(db, found.v[i],
		    closed_as) == -1)
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
	out->code = moved ? REASON_MOVED : REASON_UNCHANGED;
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
    const struct mime_msg *msg, const struct cand *cand,
    const struct rule_result *res, time_t now, struct case_outcome *out)
{
	enum case_step step = case_step_parse(res->step);
	time_t at = cases_event_time(msg, now);

	switch (step) {
	case STEP_NONE:
		/* An event that is no step ("note"). */
		out->outcome = "ignored";
		out->code = REASON_NOTE;
		buf_printf(&out->reason, "rule %s: %s", res->rule_name,
		    res->step ? res->step : "no step");
		return 0;
	case STEP_TICKET_OPENED:
		return apply_ticket(db, cfg, id, msg, res, at, now, out);
	case STEP_FORM_RECEIVED:
		return apply_form(db, cfg, id, msg, cand, res, at, now, out);
	default:
		return apply_step(db, id, msg, cand, res, step, at, now, out);
	}
}

/* The readings of msg the rules are tried on: the message, then each
 * original it forwards.  An original's sender cannot be checked, so its
 * roles come from its address alone, and are believed as far as the one
 * who forwarded it is: BİDB's forwards move what they name; one's own
 * mail forwarded is one's own; anything else moves only the forwarder's
 * own case (a person passing on Kamu SM's mail about their application).
 * Only members of the institution are heard this way. */
struct cands {
	struct cand	 c[8];
	struct mime_msg	 views[8];
	char		*via[8];
	char		*text[8];	/* an unquoted original's text */
	size_t		 n;
	struct quote	 q;
};

static void
cands_make(const struct config *cfg, const struct mime_msg *msg,
    unsigned roles, const char *why, struct cands *cs)
{
	size_t i;

	memset(cs, 0, sizeof *cs);
	cs->c[0].view = msg;
	cs->c[0].roles = roles;
	cs->c[0].why = why;
	cs->n = 1;
	if (!(roles & ROLE_INTERNAL) || msg->text == NULL)
		return;
	quote_parse(msg->text, quote_subject_is_forward(msg->subject), &cs->q);
	for (i = 0; i < cs->q.norig && cs->n < 8; i++) {
		const struct quote_orig *o = &cs->q.orig[i];
		struct mime_msg *v = &cs->views[cs->n];
		struct cand *c = &cs->c[cs->n];
		struct buf b = BUF_INIT;

		if (o->kind != QUOTE_FORWARD || o->from_addr == NULL)
			continue;
		v->message_id = msg->message_id;
		v->subject = o->subject;
		v->from = o->from;
		v->from_addr = o->from_addr;
		v->to = o->to;
		v->to_addrs = o->to_addrs;
		v->date = o->date;
		v->date_t = msg->date_t;
		v->text = msg->text + o->body;
		if (o->quoted)
			v->text = cs->text[cs->n] = quote_unquote(v->text);
		v->att = msg->att;
		v->natt = msg->natt;
		c->view = v;
		if (roles & ROLE_BIDB)
			c->roles = trust_addr_roles(cfg, o->from_addr);
		else if (msg->from_addr && strcmp(o->from_addr,
		    msg->from_addr) == 0)
			c->roles = roles;
		else {
			c->roles = trust_addr_roles(cfg, o->from_addr);
			c->own_only = 1;
		}
		buf_printf(&b, "(forwarded by %s)", msg->from_addr);
		cs->via[cs->n] = buf_steal(&b);
		c->via = cs->via[cs->n];
		cs->n++;
	}
}

static void
cands_free(struct cands *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->via[i]);
		free(cs->text[i]);
	}
	quote_free(&cs->q);
}

/* What became of the readings that applied nothing, best first: a
 * refused role (quarantine), a rule that found no case, a note. */
struct fallback {
	struct buf	 refused;
	struct buf	 unplaced;
	struct buf	 note;
	enum reason_code unplaced_code, note_code;
	int		 limit;
};

static void
fallback_free(struct fallback *fb)
{
	buf_free(&fb->refused);
	buf_free(&fb->unplaced);
	buf_free(&fb->note);
}

/* Tries one reading.  Returns 1 when it applied something (out is
 * filled), 0 when not (fb notes why), -1 on a database error. */
static int
try_cand(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, int64_t id, const struct mime_msg *msg,
    const struct cand *c, time_t now, struct fallback *fb,
    struct case_outcome *out)
{
	struct rule_result res;
	struct case_outcome one = { 0 };
	int rc = 0;

	if (rules_eval(rules, c->view, c->roles, 0, &res) == -1) {
		fb->limit = 1;
		goto done;
	}
	if (res.rule == NULL) {
		/* From outside, a role's words are a forgery to quarantine.
		 * A member of the institution quoting them (Kamu SM's
		 * sentence in a person's mail) forges nothing: the words
		 * just move nothing. */
		struct buf *to = c->roles & ROLE_INTERNAL ? &fb->unplaced :
		    &fb->refused;

		if (res.refused && to->len == 0 && to == &fb->unplaced)
			fb->unplaced_code = REASON_ROLE_REFUSED;
		if (res.refused && to->len == 0)
			buf_printf(to, "rule %s%s%s needs a sender with role "
			    "%s; %s is not%s%s", res.refused_name, c->via ?
			    " " : "", c->via ? c->via : "", res.refused_role,
			    c->view->from_addr ? c->view->from_addr :
			    "the sender", c->why ? ": " : "", c->why ? c->why :
			    "");
		goto done;
	}
	one.outcome = "unplaced";
	if (apply_matched(db, cfg, id, msg, c, &res, now, &one) == -1) {
		rc = -1;
		goto done;
	}
	if (strcmp(one.outcome, "applied") == 0) {
		out->outcome = one.outcome;
		out->code = one.code;
		out->new_cases += one.new_cases;
		/* The effects go with the outcome. */
		out->effects = one.effects;
		out->neffects = one.neffects;
		one.effects = NULL;
		one.neffects = 0;
		buf_puts(&out->reason, buf_str(&one.reason));
		rc = 1;
	} else if (strcmp(one.outcome, "ignored") == 0) {
		if (fb->note.len == 0) {
			buf_puts(&fb->note, buf_str(&one.reason));
			fb->note_code = one.code;
		}
	} else if (fb->unplaced.len == 0) {
		buf_puts(&fb->unplaced, buf_str(&one.reason));
		fb->unplaced_code = one.code;
	}
done:
	rules_result_free(&res);
	cases_outcome_free(&one);
	return rc;
}

/* Nothing applied: the best of what the readings said, or, for a reply
 * to the robot's own mail, the reply kept for BİDB. */
static int
settle(sqlite3 *db, int64_t id, const struct mime_msg *msg, unsigned roles,
    struct fallback *fb, time_t now, struct case_outcome *out)
{
	struct idset rc = { 0 }, rr = { 0 };
	int r = 0;

	if (fb->refused.len) {
		out->outcome = "quarantined";
		out->code = REASON_ROLE_REFUSED;
		buf_puts(&out->reason, buf_str(&fb->refused));
	} else if (id > 0 && cases_reply_target(db, msg, &rc, &rr)) {
		r = cases_attach_reply(db, id, msg, &rc, &rr,
		    cases_event_time(msg, now), out);
		/* BİDB's own reply waits for nobody. */
		if (r == 0 && (roles & ROLE_BIDB))
			out->outcome = "ignored";
	} else if (fb->unplaced.len) {
		out->outcome = "unplaced";
		out->code = fb->unplaced_code;
		buf_puts(&out->reason, buf_str(&fb->unplaced));
	} else if (fb->note.len) {
		out->outcome = "ignored";
		out->code = fb->note_code;
		buf_puts(&out->reason, buf_str(&fb->note));
	} else if (fb->limit) {
		out->outcome = "unplaced";
		out->code = REASON_MATCH_LIMIT;
		buf_puts(&out->reason, "a rule hit its match limit; the "
		    "message was not examined in full");
	} else {
		out->outcome = "unplaced";
		out->code = REASON_NO_RULE;
		buf_puts(&out->reason, "no rule matched");
	}
	idset_free(&rc);
	idset_free(&rr);
	return r;
}

int
cases_apply(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, int64_t id, const struct mime_msg *msg,
    time_t now, struct case_outcome *out)
{
	struct fallback fb = { BUF_INIT, BUF_INIT, BUF_INIT, REASON_NONE,
	    REASON_NONE, 0 };
	struct cands cs;
	const char *why = NULL, *auto_why = NULL;
	char claim[TRUST_WHY_MAX];
	enum trust_auto kind;
	unsigned roles;
	int rc = 0, r;

	memset(&cs, 0, sizeof cs);
	out->outcome = "unplaced";
	out->code = REASON_NONE;
	out->new_cases = 0;
	buf_reset(&out->reason);
	effects_free(out);
	/* Two From headers, or one nobody can read: each reader may see
	 * another sender, so nothing in it is believed. */
	if (mime_check_headers(msg, &out->reason) == -1) {
		out->outcome = "quarantined";
		out->code = REASON_BAD_HEADERS;
		goto record;
	}
	if (msg->from_addr && trust_is_self(cfg, msg->from_addr)) {
		out->outcome = "ignored";
		out->code = REASON_OWN_MAIL;
		buf_puts(&out->reason, "the robot's own mail");
		goto record;
	}
	roles = trust_roles(cfg, msg, claim, sizeof claim);
	why = claim[0] != '\0' ? claim : NULL;
	/* System mail (Kamu SM's, the ticket system's) is read like any
	 * other and never answered (pipeline_ack.c); an out-of-office reply says
	 * nothing, and a delivery report only whether our mail arrived. */
	kind = trust_automatic(msg, &auto_why);
	if (kind == AUTO_REPORT || kind == AUTO_REPLY) {
		out->outcome = "ignored";
		out->code = REASON_AUTOMATIC;
		buf_printf(&out->reason, "automatic mail: %s", auto_why ?
		    auto_why : "");
		/* Whether it reports on the robot's own mail is the
		 * bounce reader's to say. */
		if (kind == AUTO_REPORT)
			add_effect(out, EFFECT_BOUNCE, 0, NULL);
		goto record;
	}
	/* A From that claims the institution or Kamu SM without our
	 * server's word for it is a forgery, whatever its text says. */
	if (why != NULL) {
		out->outcome = "quarantined";
		out->code = REASON_UNTRUSTED;
		buf_puts(&out->reason, why);
		goto record;
	}
	cands_make(cfg, msg, roles, why, &cs);
	for (size_t i = 0; i < cs.n; i++) {
		if ((r = try_cand(db, cfg, rules, id, msg, &cs.c[i], now, &fb,
		    out)) == -1) {
			rc = -1;
			goto record;
		}
		if (r == 1)
			goto record;
	}
	rc = settle(db, id, msg, roles, &fb, now, out);
record:
	cands_free(&cs);
	fallback_free(&fb);
	return rc;
}

static void
add_effect(struct case_outcome *out, enum case_effect_kind kind,
    int64_t request, struct form *form)
{
	struct case_effect *e;

	out->effects = xrealloc(out->effects, (out->neffects + 1) *
	    sizeof *out->effects);
	e = &out->effects[out->neffects++];
	e->kind = kind;
	e->request = request;
	e->form = form;
}

static void
effects_free(struct case_outcome *out)
{
	for (size_t i = 0; i < out->neffects; i++)
		form_free(&out->effects[i].form);
	free(out->effects);
	out->effects = NULL;
	out->neffects = 0;
}

void
cases_outcome_free(struct case_outcome *out)
{
	buf_free(&out->reason);
	effects_free(out);
}

/* Fills r from the reading c whose rule res shows a step. */
static void
reading_take(struct case_reading *r, const struct cand *c,
    const struct rule_result *res, enum case_step step)
{
	const char *a = approval_of(res, step, c->roles);
	const char *closed_as = step == STEP_CLOSED ? cases_closed_as(res) :
	    NULL;
	char *caps = describe_caps(res);
	struct buf b = BUF_INIT;

	r->step = step;
	r->rule = xstrdup(res->rule_name);
	r->approval = a ? xstrdup(a) : NULL;
	r->closed_as = closed_as ? xstrdup(closed_as) : NULL;
	buf_printf(&b, "%s%s%s", c->via ? c->via : "", c->via && *caps ?
	    ": " : "", caps);
	r->detail = buf_steal(&b);
	free(caps);
}

void
cases_read(const struct config *cfg, const struct rule_set *rules,
    const struct mime_msg *msg, struct case_reading *r)
{
	struct rule_result res;
	struct cands cs;
	const char *why = NULL;
	char claim[TRUST_WHY_MAX];
	enum trust_auto kind;
	unsigned roles;
	int limit = 0;

	memset(r, 0, sizeof *r);
	memset(&cs, 0, sizeof cs);
	if (msg->from_addr && trust_is_self(cfg, msg->from_addr)) {
		buf_puts(&r->why, "the robot's own mail");
		return;
	}
	kind = trust_automatic(msg, &why);
	if (kind == AUTO_REPORT || kind == AUTO_REPLY) {
		buf_printf(&r->why, "automatic mail: %s", why ? why : "");
		return;
	}
	roles = trust_roles(cfg, msg, claim, sizeof claim);
	cands_make(cfg, msg, roles, claim[0] != '\0' ? claim : NULL, &cs);
	for (size_t i = 0; i < cs.n && r->step == STEP_NONE; i++) {
		const struct cand *c = &cs.c[i];
		enum case_step step;

		if (rules_eval(rules, c->view, c->roles, 0, &res) == -1)
			limit = 1;
		step = res.rule ? case_step_parse(res.step) : STEP_NONE;
		if (step != STEP_NONE)
			reading_take(r, c, &res, step);
		else if (res.rule && r->why.len == 0)
			buf_printf(&r->why, "rule %s: %s", res.rule_name,
			    res.step ? res.step : "no step");
		else if (res.refused && r->why.len == 0)
			buf_printf(&r->why, "rule %s needs a sender with role "
			    "%s; %s is not", res.refused_name,
			    res.refused_role, c->view->from_addr ?
			    c->view->from_addr : "the sender");
		rules_result_free(&res);
	}
	cands_free(&cs);
	if (r->step == STEP_NONE && r->why.len == 0)
		buf_puts(&r->why, limit ? "a rule hit its match limit" :
		    "no rule matched");
}

void
cases_reading_free(struct case_reading *r)
{
	free(r->rule);
	free(r->approval);
	free(r->closed_as);
	free(r->detail);
	buf_free(&r->why);
	memset(r, 0, sizeof *r);
}

int64_t
cases_import_request(sqlite3 *db, const char *ticket, const char *unit,
    const char *requester_email, time_t opened, time_t now)
{
	static const char ins[] =
	    "INSERT INTO request(ticket, unit, requester_email, opened_t, "
	    "created_t, updated_t) VALUES (?1, ?2, lower(?3), ?4, ?5, ?5)";
	sqlite3_stmt *st = db_stmt(db, ins);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, ticket);
	db_bind_text(st, 2, unit);
	db_bind_text(st, 3, requester_email);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)opened);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
	if (db_done(db, st, "request") == -1)
		return -1;
	return sqlite3_last_insert_rowid(db);
}

int64_t
cases_import_case(sqlite3 *db, int64_t request, const char *tag,
    const struct form_person *p, enum case_step step, time_t since,
    time_t now)
{
	static const char ins[] =
	    "INSERT INTO cases(tag, request, name, name_key, tckn, email, "
	    "title, unit, step, step_t, created_t, updated_t) VALUES (?1, ?2, "
	    "?3, ?4, ?5, lower(?6), ?7, ?8, ?9, ?10, ?11, ?11)";
	sqlite3_stmt *st;
	char *key = cases_name_key(p->name);
	int64_t id = -1;
	long long n = 0;
	int year = 0;

	if (tag == NULL || sscanf(tag, "NES-%d-%lld", &year, &n) != 2 ||
	    (st = db_stmt(db, ins)) == NULL)
		goto out;
	db_bind_text(st, 1, tag);
	sqlite3_bind_int64(st, 2, request);
	db_bind_text(st, 3, p->name);
	db_bind_text(st, 4, key);
	db_bind_text(st, 5, p->tckn);
	db_bind_text(st, 6, p->email);
	db_bind_text(st, 7, p->title);
	db_bind_text(st, 8, p->unit);
	db_bind_text(st, 9, case_step_key(step));
	sqlite3_bind_int64(st, 10, (sqlite3_int64)since);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)now);
	if (db_done(db, st, "case") == -1)
		goto out;
	id = sqlite3_last_insert_rowid(db);
	/* Tags made later must not meet this one. */
	if (history_tag_taken(db, tag) == -1)
		id = -1;
out:
	free(key);
	return id;
}
