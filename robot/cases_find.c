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

#include "ascii.h"
#include "cases_int.h"
#include "db.h"
#include "fold.h"
#include "mem.h"
#include "quote.h"
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

/* In-Reply-To / References: ids of messages known to belong to cases.
 * A message of one case goes to cases; the people a mail about a
 * request listed go to group; a message of a whole request (no person
 * named) to requests.  group and requests may be NULL. */
static void
find_by_thread(sqlite3 *db, const struct mime_msg *msg, struct idset *cases,
    struct idset *group, struct idset *requests)
{
	static const char sqlc[] =
	    "SELECT case_id FROM thread WHERE message_id = ?1 AND "
	    "case_id IS NOT NULL";
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
			struct idset one = { 0 };

			collect(db, sqlc, tok, &one);
			for (size_t i = 0; i < one.n; i++)
				if (one.n == 1)
					idset_add(cases, one.v[i]);
				else if (group)
					idset_add(group, one.v[i]);
			idset_free(&one);
			if (requests)
				collect(db, sqlr, tok, requests);
		}
		free(copy);
	}
}

/* The open case of a T.C. Kimlik No (a masked one: the one open case it
 * fits); with closed_too, a full number's latest closed case when it has
 * no open one. */
static void
find_by_tckn(sqlite3 *db, const char *t, int closed_too, struct idset *out)
{
	static const char full[] =
	    "SELECT id FROM cases WHERE tckn = ?1 AND step <> 'closed'";
	/* A full number is the person: their latest closed case gains
	 * history when they have no open one. */
	static const char full_closed[] =
	    "SELECT id FROM cases WHERE tckn = ?1 AND step = 'closed' "
	    "ORDER BY step_t DESC, id DESC LIMIT 1";
	static const char open_cases[] =
	    "SELECT id, tckn FROM cases WHERE step <> 'closed' AND "
	    "tckn IS NOT NULL AND ?1 IS NOT NULL";
	sqlite3_stmt *st;
	int64_t hit = 0;
	int hits = 0;

	if (tckn_valid(t)) {
		size_t before = out->n;

		collect(db, full, t, out);
		if (closed_too && out->n == before)
			collect(db, full_closed, t, out);
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

/* The person's open case; else their latest closed one, which only
 * gains history (the card arrived after BİDB closed the case).  An old
 * case never stands in for an open one. */
static void
find_own(sqlite3 *db, const char *addr, struct idset *out)
{
	static const char closed[] =
	    "SELECT id FROM cases WHERE email = lower(?1) AND step = 'closed' "
	    "ORDER BY step_t DESC, id DESC LIMIT 1";
	size_t before = out->n;

	find_by_email(db, addr, out);
	if (out->n == before)
		collect(db, closed, addr, out);
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
	/* Closed cases too: a late mail about a request (its first sending
	 * to Kamu SM, seen after a case closed) is history of each case,
	 * and a closed case never moves back. */
	static const char sql[] =
	    "SELECT id, step FROM cases WHERE request = ?1";
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
		find_by_tckn(db, tckn, 0, &s);
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
		find_own(db, tok, out);
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
			find_by_tckn(db, c->value, 1, out);
		else if (strcmp(c->name, "email") == 0)
			find_by_email(db, c->value, out);
		else if (strcmp(c->name, "case_tag") == 0) {
			char *t = xstrdup(c->value);

			ascii_upper_str(t);
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

int
cases_has_words(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	if (n == 0)
		return 0;
	for (p = text; (p = strstr(p, key)) != NULL; p++) {
		unsigned char b = p == text ? ' ' : (unsigned char)p[-1];
		unsigned char a = (unsigned char)p[n];

		if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) &&
		    !((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9')))
			return 1;
	}
	return 0;
}

/* 1 when every line of text that writes the name key says the step is
 * not done yet ("Şükrü Doğan'ın formu henüz ulaşmamıştır"): a mail
 * naming who was shipped may also name who was not. */
static int
only_said_not_done(const char *text, const char *key)
{
	static const char *const not_yet[] = {
		"henuz", "ulasmami", "ulasmadi", "gonderilmemi", "gonderilmedi",
		"gonderilecek", "iletilecek", "bekleniyor", "beklemekte",
		"eksik", "gelmedi", "gelmemi", "not yet", NULL
	};
	const char *p = text;
	int said = 0, done = 0;

	while (*p) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n), *f = cases_name_key(line);

		if (f && cases_has_words(f, key)) {
			int neg = 0;

			said = 1;
			for (int i = 0; not_yet[i] && !neg; i++)
				neg = strstr(f, not_yet[i]) != NULL;
			done |= !neg;
		}
		free(f);
		free(line);
		p += n;
		if (*p)
			p++;
	}
	return said && !done;
}

/* 1 when case id is in the request of one of the cases of s (not
 * itself). */
static int
same_request_as_any(sqlite3 *db, int64_t id, const struct idset *s)
{
	static const char sql[] =
	    "SELECT count(*) FROM cases a JOIN cases b ON a.request = "
	    "b.request WHERE a.id = ?1 AND b.id = ?2 AND a.id <> b.id";
	sqlite3_stmt *st = db_stmt(db, sql);
	int hit = 0;

	for (size_t i = 0; st != NULL && !hit && i < s->n; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, s->v[i]);
		if (sqlite3_step(st) == SQLITE_ROW)
			hit = sqlite3_column_int(st, 0) > 0;
		sqlite3_reset(st);
	}
	return hit;
}

/* The open cases whose full name (two words or more) the text writes, in
 * any form: "Gökhan Türkmen (Mühendislik)", "- Şef Şeyma Baysal",
 * "GÖKHAN TÜRKMEN<tab>298******54", an HTML table's cell.  A name two
 * open cases share names neither, unless keep_shared (both) or one of
 * them is in the request of another person the text names. */
static void
find_names_in(sqlite3 *db, const char *text, int keep_shared,
    struct idset *out)
{
	static const char sql[] =
	    "SELECT id, name_key FROM cases WHERE step <> 'closed' AND "
	    "name_key LIKE '% %'";
	sqlite3_stmt *st = db_stmt(db, sql);
	char *words = cases_name_key(text);
	struct idset hits = { 0 };
	char **keys = NULL;

	if (st == NULL || words == NULL || *words == '\0') {
		free(words);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 1);

		if (k == NULL || !cases_has_words(words, k) ||
		    (!keep_shared && only_said_not_done(text, k)))
			continue;
		idset_add(&hits, sqlite3_column_int64(st, 0));
		keys = xrealloc(keys, hits.n * sizeof *keys);
		keys[hits.n - 1] = xstrdup(k);
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < hits.n; i++) {
		int shared = 0;

		for (size_t j = 0; j < hits.n; j++)
			shared |= i != j && strcmp(keys[i], keys[j]) == 0;
		if (!shared || keep_shared)
			idset_add(out, hits.v[i]);
	}
	/* A name two people share counts for the one in the request of
	 * the others the text names. */
	for (size_t i = 0; !keep_shared && i < hits.n; i++) {
		int64_t pick = 0;
		int n = 0;

		for (size_t j = 0; j < hits.n; j++)
			if (strcmp(keys[i], keys[j]) == 0 &&
			    same_request_as_any(db, hits.v[j], out)) {
				pick = hits.v[j];
				n++;
			}
		if (n == 1)
			idset_add(out, pick);
	}
	for (size_t i = 0; i < hits.n; i++)
		free(keys[i]);
	free(keys);
	idset_free(&hits);
	free(words);
}

/* The subject and what the sender wrote: where a mail names people. */
static char *
said(const struct mime_msg *m)
{
	struct buf b = BUF_INIT;
	char *fresh = quote_fresh_text(m->text);

	buf_puts(&b, m->subject ? m->subject : "");
	buf_putc(&b, '\n');
	buf_puts(&b, fresh);
	free(fresh);
	return buf_steal(&b);
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
    struct idset *group, struct idset *reqs)
{
	struct idset g = { 0 }, r = { 0 };

	find_by_thread(db, f->msg, out, &g, &r);
	/* A reply to a mail about a whole request (the acknowledgement,
	 * BİDB's reminders) carries that mail's subject, tagged with the
	 * request's first case: the tag names nobody in particular. */
	if (out->n > 0 || (g.n == 0 && r.n == 0))
		find_by_tag(db, f->msg->subject, out);
	for (size_t i = 0; group && i < g.n; i++)
		idset_add(group, g.v[i]);
	for (size_t i = 0; reqs && i < r.n; i++)
		idset_add(reqs, r.v[i]);
	idset_free(&g);
	idset_free(&r);
}

static void
find_person(sqlite3 *db, const struct finder *f, struct idset *out)
{
	find_strong(db, f, out, NULL, NULL);
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
find_named_in_text(sqlite3 *db, const struct finder *f, struct idset *out)
{
	char *t = said(f->cand->view);

	find_names_in(db, t, 0, out);
	free(t);
}

static void
find_named(sqlite3 *db, const struct finder *f, struct idset *out)
{
	const struct rule_result *res = f->res;
	struct idset group = { 0 }, reqs = { 0 };
	size_t i;

	find_strong(db, f, out, &group, &reqs);
	if (out->n) {
		idset_free(&group);
		idset_free(&reqs);
		return;
	}
	/* The people a mail names, by number, address or name in any
	 * form, before the whole request of a thread: Yazı İşleri answers
	 * a reminder about five people naming the two it shipped. */
	find_by_ids(db, res, out);
	if (out->n == 0) {
		find_by_names(db, res, out);
		find_named_in_text(db, f, out);
	}
	/* Then the people the mail it answers listed, then its request. */
	if (out->n == 0 && group.n > 0)
		for (i = 0; i < group.n; i++)
			idset_add(out, group.v[i]);
	else if (out->n == 0)
		for (i = 0; i < reqs.n; i++)
			find_by_request(db, reqs.v[i], STEP_NONE, out);
	idset_free(&group);
	idset_free(&reqs);
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

/* 1 when what the sender wrote names another person with a case and
 * not the sender ("Mehmet Bey'in kartı geldi"): a statement about
 * someone else moves no case of the sender's. */
/* text cut at its sign-off ("Saygılarımla", "--", "İyi çalışmalar" on a
 * short line of their own): the sender's name below it is a signature,
 * not something said. */
static void
cut_signoff(char *text)
{
	static const char *const signoffs[] = {
		"saygilarimla", "saygilar", "iyi calismalar", "kolay gelsin",
		"selamlar", "sevgiler", "best regards", "kind regards",
		"regards", "--", NULL
	};
	char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n > 0 && n <= 30) {
			char *line = xstrndup(p, n), *f = fold_str(line,
			    FOLD_ASCII);
			int hit = 0;

			for (int i = 0; f && signoffs[i] && !hit; i++)
				hit = strncmp(f + strspn(f, " \t"), signoffs[i],
				    strlen(signoffs[i])) == 0;
			free(f);
			free(line);
			if (hit) {
				*p = '\0';
				return;
			}
		}
		p += n;
		if (*p)
			p++;
	}
}

static int
speaks_of_other(sqlite3 *db, const struct mime_msg *m,
    const struct idset *own)
{
	struct idset named = { 0 };
	char *t = said(m);

	cut_signoff(t);
	int other = 0, self = 0;

	find_names_in(db, t, 1, &named);
	for (size_t i = 0; i < named.n; i++) {
		if (idset_has(own, named.v[i]))
			self = 1;
		else
			other = 1;
	}
	idset_free(&named);
	free(t);
	return other && !self;
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
		 * whatever else the thread is about.  The sender of an
		 * original BİDB forwards is its writer; of anyone else's
		 * forward, the forwarder. */
		find_own(db, f->cand->own_only ? f->msg->from_addr :
		    f->cand->view->from_addr, out);
		if (out->n == 0)
			*why_r = "the sender has no case of their own";
		else if (speaks_of_other(db, f->cand->view, out)) {
			out->n = 0;
			*why_r = "it speaks of another person, not the sender";
		}
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
