/* cases_find: which cases a message belongs to, within what the rule that
 * recognised it may move; see cases_int.h and workflow.md ("Telling which
 * case a message belongs to", "Who may move what").
 *
 * Evidence, strongest first: the robot's case tag in the subject; a
 * message of the case in In-Reply-To/References; T.C. Kimlik Nos, e-mail
 * addresses and names the rule extracted; the addressee (Kamu SM writes
 * to the person); the ticket number; the unit.  The first kind of
 * evidence that finds anything decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases_int.h"
#include "db.h"
#include "fold.h"
#include "mem.h"
#include "tckn.h"
#include "unit.h"

void
idset_add(struct idset *s, int64_t id)
{
	if (idset_has(s, id))
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = id;
}

int
idset_has(const struct idset *s, int64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return 1;
	return 0;
}

void
idset_free(struct idset *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* Academic and courtesy titles that mail puts before a name ("Doç. Dr.
 * Işıl Doğan", "Sayın Ayşe Yılmaz"), folded; they are not the name. */
static int
is_title(const char *w, size_t n)
{
	static const char *const titles[] = {
		"prof", "doc", "dr", "ogr", "uyesi", "gor", "ars", "uzm",
		"okt", "yrd", "sayin", "bay", "bayan", "hanim", "bey", "hoca",
		"hocam", NULL
	};

	while (n && w[n - 1] == '.')
		n--;
	for (int i = 0; titles[i]; i++)
		if (strlen(titles[i]) == n && memcmp(titles[i], w, n) == 0)
			return 1;
	return 0;
}

char *
cases_name_key(const char *name)
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

/* [NES-2026-0042] anywhere in the subject: "NES-", four digits, "-", and
 * digits of any number (the counter passes 9999). */
static void
find_by_tag(sqlite3 *db, const char *subject, struct idset *out)
{
	static const char sql[] = "SELECT id FROM cases WHERE tag = ?1";
	const char *p = subject;

	while (p && (p = strstr(p, "NES-")) != NULL) {
		size_t i = 4, d;

		while (p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == 8 && p[i] == '-') {
			for (d = i + 1; p[d] >= '0' && p[d] <= '9'; d++)
				;
			if (d > i + 1 && d - i < 12) {
				char *tag = xstrndup(p, d);

				collect(db, sql, tag, out);
				free(tag);
			}
		}
		p += 4;
	}
}

/* In-Reply-To / References: ids of messages known to belong to cases
 * (into cases) or to whole requests (into requests). */
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
			if (requests)
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
	char *key = cases_name_key(name);

	if (key && *key)
		collect(db, sql, key, out);
	free(key);
}

int64_t
cases_request_by_ticket(sqlite3 *db, const char *ticket)
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

/* The open cases of a request; with before set, only those not yet at
 * that step (a mail naming a whole request moves the ones it concerns). */
static void
find_by_request(sqlite3 *db, int64_t request, enum case_step before,
    struct idset *out)
{
	static const char sql[] =
	    "SELECT id, step FROM cases WHERE request = ?1 AND step <> 'closed'";
	sqlite3_stmt *st = db_stmt(db, sql);

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, request);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (before == STEP_NONE || case_step_parse((const char *)
		    sqlite3_column_text(st, 1)) < before)
			idset_add(out, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
}

int64_t
cases_find_person(sqlite3 *db, const char *tckn, const char *email)
{
	struct idset s = { 0 };
	int64_t id = 0;

	if (tckn)
		find_by_tckn(db, tckn, &s);
	else if (email)
		find_by_email(db, email, &s);
	if (s.n)
		id = s.v[0];
	idset_free(&s);
	return id;
}

/* Addresses in a ", " separated list. */
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

/* The cases the captured T.C. Kimlik Nos, addresses and case tags name.
 * A tag is captured from the text by rules that let BİDB name a case
 * there ("NES-2026-0042 iptal edilmiştir"); the subject's tag is found
 * before any capture (find_strong). */
static void
find_by_ids(sqlite3 *db, const struct rule_result *res, struct idset *out)
{
	for (size_t i = 0; i < res->ncaps; i++) {
		const struct rule_capture *c = &res->caps[i];

		if (strcmp(c->name, "tckn") == 0)
			find_by_tckn(db, c->value, out);
		else if (strcmp(c->name, "email") == 0)
			find_by_email(db, c->value, out);
		else if (strcmp(c->name, "case_tag") == 0) {
			char *t = xstrdup(c->value);

			for (char *p = t; *p; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 'a' + 'A');
			find_by_tag(db, t, out);
			free(t);
		}
	}
}

/* The cases the captured names name.  A name that fits several people
 * counts only when one of them is named already (then nothing is added)
 * or exactly one fits. */
static void
find_by_names(sqlite3 *db, const struct rule_result *res, struct idset *out)
{
	for (size_t i = 0; i < res->ncaps; i++) {
		const struct rule_capture *c = &res->caps[i];
		struct idset byname = { 0 };
		int known = 0;

		if (strcmp(c->name, "name") != 0)
			continue;
		find_by_name(db, c->value, &byname);
		for (size_t k = 0; k < byname.n; k++)
			known |= idset_has(out, byname.v[k]);
		if (!known && byname.n == 1)
			idset_add(out, byname.v[0]);
		idset_free(&byname);
	}
}

static void
find_by_captures(sqlite3 *db, const struct rule_result *res,
    struct idset *out)
{
	find_by_ids(db, res, out);
	find_by_names(db, res, out);
}

/* Open requests of the unit a capture names, whose cases wait before
 * the step. */
static void
find_by_unit(sqlite3 *db, const char *unit, enum case_step step,
    struct idset *out)
{
	static const char sql[] =
	    "SELECT id, unit FROM request WHERE unit IS NOT NULL AND "
	    "EXISTS (SELECT 1 FROM cases WHERE cases.request = request.id "
	    "AND step <> 'closed')";
	sqlite3_stmt *st = db_stmt(db, sql);
	char *want = unit_key(unit);

	if (st == NULL || want == NULL) {
		free(want);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *k = unit_key((const char *)sqlite3_column_text(st, 1));

		if (k && strcmp(k, want) == 0)
			find_by_request(db, sqlite3_column_int64(st, 0), step,
			    out);
		free(k);
	}
	sqlite3_reset(st);
	free(want);
}

/* Keeps only the cases of requests the sender made (a unit head). */
static int
keep_senders_requests(sqlite3 *db, const char *sender, struct idset *s)
{
	static const char sql[] =
	    "SELECT 1 FROM cases c JOIN request r ON r.id = c.request "
	    "WHERE c.id = ?1 AND r.requester_email = lower(?2)";
	sqlite3_stmt *st = db_stmt(db, sql);
	size_t i, o = 0;
	int dropped = 0;

	for (i = 0; st != NULL && i < s->n; i++) {
		sqlite3_bind_int64(st, 1, s->v[i]);
		db_bind_text(st, 2, sender);
		if (sqlite3_step(st) == SQLITE_ROW)
			s->v[o++] = s->v[i];
		else
			dropped++;
		sqlite3_reset(st);
	}
	s->n = o;
	return dropped;
}

/* Tag, then thread: the strongest evidence.  Requests found through the
 * thread go to reqs. */
static void
find_strong(sqlite3 *db, const struct finder *f, struct idset *out,
    struct idset *reqs)
{
	find_by_tag(db, f->msg->subject, out);
	find_by_thread(db, f->msg, out, reqs);
}

static void
find_person(sqlite3 *db, const struct finder *f, struct idset *out)
{
	find_strong(db, f, out, NULL);
	if (out->n)
		return;
	find_by_captures(db, f->res, out);
	if (out->n)
		return;
	/* Kamu SM writes to the person, and names them ("Sayın ..."): the
	 * addressee counts when no name does (two people may share one). */
	each_addr(db, f->cand->view->to_addrs, out);
}

static void
find_named(sqlite3 *db, const struct finder *f, struct idset *out)
{
	const struct rule_result *res = f->res;
	struct idset reqs = { 0 };
	size_t i;

	find_strong(db, f, out, &reqs);
	if (out->n == 0)
		for (i = 0; i < reqs.n; i++)
			find_by_request(db, reqs.v[i], STEP_NONE, out);
	idset_free(&reqs);
	if (out->n)
		return;
	find_by_captures(db, res, out);
	if (out->n)
		return;
	for (i = 0; i < res->ncaps; i++) {
		const struct rule_capture *c = &res->caps[i];
		int64_t rq;

		if (strcmp(c->name, "ticket") == 0 &&
		    (rq = cases_request_by_ticket(db, c->value)) != 0)
			find_by_request(db, rq, STEP_NONE, out);
	}
	if (out->n)
		return;
	for (i = 0; i < res->ncaps; i++)
		if (strcmp(res->caps[i].name, "unit") == 0)
			find_by_unit(db, res->caps[i].value, f->step, out);
}

void
cases_find(sqlite3 *db, const struct finder *f, struct idset *out,
    const char **why_r)
{
	enum rule_scope scope = f->cand->own_only ? SCOPE_SENDER :
	    f->res->scope;

	*why_r = NULL;
	switch (scope) {
	case SCOPE_SENDER:
		/* A first-person statement: the sender's own case only,
		 * whatever else the thread is about. */
		find_by_email(db, f->msg->from_addr, out);
		if (out->n == 0)
			*why_r = "the sender has no open case of their own";
		break;
	case SCOPE_PERSON:
		find_person(db, f, out);
		break;
	case SCOPE_UNIT:
		find_named(db, f, out);
		if (keep_senders_requests(db, f->msg->from_addr, out) &&
		    out->n == 0)
			*why_r = "it names cases of requests the sender did "
			    "not make";
		break;
	case SCOPE_NAMED:
		find_named(db, f, out);
		break;
	}
}

/* Open requests with a ticket and no form yet, newest first. */
static const char SQL_FORMLESS[] =
    "SELECT id, unit, requester_email FROM request WHERE ticket IS NOT NULL "
    "AND form_t IS NULL ORDER BY id DESC";

int64_t
cases_request_for_form(sqlite3 *db, const struct mime_msg *msg,
    const char *unit_text)
{
	sqlite3_stmt *st = db_stmt(db, SQL_FORMLESS);
	int64_t by_unit = 0, id = 0;
	int units = 0;

	if (st == NULL)
		return 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *mail = (const char *)sqlite3_column_text(st, 2);
		char *k;

		if (mail && msg->from_addr && strcmp(mail, msg->from_addr) ==
		    0) {
			id = sqlite3_column_int64(st, 0);
			break;
		}
		k = unit_key((const char *)sqlite3_column_text(st, 1));
		if (k && unit_mentioned(unit_text, k)) {
			by_unit = sqlite3_column_int64(st, 0);
			units++;
		}
		free(k);
	}
	sqlite3_reset(st);
	if (id == 0 && units == 1)
		id = by_unit;
	return id;
}

int64_t
cases_request_for_ticket(sqlite3 *db, const char *unit, const char *addrs)
{
	static const char sql[] =
	    "SELECT id, unit, requester_email FROM request WHERE ticket IS NULL "
	    "ORDER BY id DESC";
	sqlite3_stmt *st = db_stmt(db, sql);
	char *want = unit_key(unit);
	int64_t by_unit = 0, id = 0;
	int units = 0;

	if (st == NULL) {
		free(want);
		return 0;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *mail = (const char *)sqlite3_column_text(st, 2);
		char *k;

		if (mail && addrs && strstr(addrs, mail) != NULL) {
			id = sqlite3_column_int64(st, 0);
			break;
		}
		k = unit_key((const char *)sqlite3_column_text(st, 1));
		if (k && want && strcmp(k, want) == 0) {
			by_unit = sqlite3_column_int64(st, 0);
			units++;
		}
		free(k);
	}
	sqlite3_reset(st);
	free(want);
	if (id == 0 && units == 1)
		id = by_unit;
	return id;
}
