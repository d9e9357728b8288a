/* purge_msg: the messages half of the retention purge, and the scrubbing
 * of texts kept for others; see purge.h and purge_int.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "mem.h"
#include "mime.h"
#include "purge_int.h"
#include "scrub.h"
#include "tckn.h"

/*
 * A message is due (?1: received before this, 0 for none by age) when it
 * is not needed by an open case, and it is old, or every case it belongs
 * to was anonymised after it came.  It belongs to a case through the
 * events that name it (event.message), to a request's cases through the
 * request's own events.  A request with no case yet counts as open.
 * Duplicates follow their original (SQL_DUE_DUPS).
 */
#define OPEN_LINK \
    "((e.case_id IS NOT NULL AND EXISTS (SELECT 1 FROM cases c" \
    "   WHERE c.id = e.case_id AND c.step <> 'closed'))" \
    " OR (e.case_id IS NULL AND e.request IS NOT NULL" \
    "  AND (NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = e.request)" \
    "  OR EXISTS (SELECT 1 FROM cases c WHERE c.request = e.request" \
    "   AND c.step <> 'closed'))))"
#define KEPT_LINK \
    "((e.case_id IS NOT NULL AND EXISTS (SELECT 1 FROM cases c" \
    "   WHERE c.id = e.case_id AND (c.purged_t IS NULL OR c.purged_t < m.s)))" \
    " OR (e.case_id IS NULL AND e.request IS NOT NULL" \
    "  AND (NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = e.request)" \
    "  OR EXISTS (SELECT 1 FROM cases c WHERE c.request = e.request" \
    "   AND (c.purged_t IS NULL OR c.purged_t < m.s)))))"

static const char SQL_DUE[] =
    "WITH m AS (SELECT id, CAST(strftime('%s', seen_at) AS INTEGER) AS s"
    " FROM message WHERE purged_t IS NULL AND duplicate_of IS NULL)"
    " SELECT m.id FROM m WHERE (m.s < ?1"
    "  OR (EXISTS (SELECT 1 FROM event e WHERE e.message = m.id"
    "   AND (e.case_id IS NOT NULL OR e.request IS NOT NULL))"
    "  AND NOT EXISTS (SELECT 1 FROM event e WHERE e.message = m.id AND "
    KEPT_LINK ")))"
    " AND NOT EXISTS (SELECT 1 FROM event e WHERE e.message = m.id AND "
    OPEN_LINK ") ORDER BY m.id";
static const char SQL_DUE_DUPS[] =
    "SELECT d.id FROM message d JOIN message o ON o.id = d.duplicate_of"
    " WHERE d.purged_t IS NULL AND o.purged_t IS NOT NULL ORDER BY d.id";
static const char SQL_DEL_TEXT[] =
    "DELETE FROM message_text WHERE message = ?1";
static const char SQL_DEL_ATT[] =
    "DELETE FROM attachment WHERE message = ?1";
/* What stays: id, folder, uidvalidity, uid, message_id, date, date_t,
 * size, hash, outcome, duplicate_of, seen_at. */
static const char SQL_EMPTY[] =
    "UPDATE message SET in_reply_to = NULL, refs = NULL, from_hdr = NULL,"
    " from_addr = NULL, to_hdr = NULL, cc_hdr = NULL, to_addrs = NULL,"
    " subject = NULL, notes = NULL, reason = NULL, purged_t = ?2"
    " WHERE id = ?1";

/* Scrubbing: the kept messages and history lines of the anonymised
 * cases (?1) and their requests, or every one. */
static const char SQL_SCOPE_MSG[] =
    "SELECT DISTINCT e.message FROM event e JOIN message m"
    " ON m.id = e.message WHERE m.purged_t IS NULL"
    " AND (e.case_id = ?1 OR e.request = ?2)";
static const char SQL_ALL_MSG[] =
    "SELECT message FROM message_text";
static const char SQL_SCOPE_EVENTS[] =
    "SELECT id, detail FROM event WHERE detail IS NOT NULL"
    " AND (request = ?1 OR message = ?2)";
static const char SQL_ALL_EVENTS[] =
    "SELECT id, detail FROM event WHERE detail IS NOT NULL";
static const char SQL_SET_EVENT[] =
    "UPDATE event SET detail = ?2 WHERE id = ?1";
static const char SQL_GET_MSG[] =
    "SELECT m.subject, m.from_hdr, m.from_addr, m.to_hdr, m.cc_hdr,"
    " m.to_addrs, m.reason, t.headers, t.body, t.html FROM message m"
    " LEFT JOIN message_text t ON t.message = m.id WHERE m.id = ?1";
static const char SQL_SET_MSG[] =
    "UPDATE message SET subject = ?2, from_hdr = ?3, from_addr = ?4,"
    " to_hdr = ?5, cc_hdr = ?6, to_addrs = ?7, reason = ?8 WHERE id = ?1";
static const char SQL_SET_TEXT[] =
    "UPDATE message_text SET headers = ?2, body = ?3, html = ?4"
    " WHERE message = ?1";

/* One person's request: the sent mail that names them, whatever its
 * age (its bytes are MIME: read, not scrubbed). */
static const char SQL_SENT[] =
    "SELECT id, rcpts, data FROM outbox WHERE state IN ('sent', 'failed')"
    " AND (rcpts <> '' OR length(data) > 0)";
static const char SQL_EMPTY_SENT[] =
    "UPDATE outbox SET rcpts = '', subject = NULL, data = x'',"
    " last_error = NULL WHERE id = ?1";

/* Identifiers also of someone whose data is kept: never scrubbed. */
static const char SQL_KEPT_TCKN[] =
    "SELECT count(*) FROM cases WHERE purged_t IS NULL AND tckn = ?1";
static const char SQL_KEPT_MASK[] =
    "SELECT count(*) FROM cases WHERE purged_t IS NULL"
    " AND substr(tckn, 1, 3) = substr(?1, 1, 3)"
    " AND substr(tckn, 10, 2) = substr(?1, 10, 2)";
static const char SQL_KEPT_EMAIL[] =
    "SELECT (SELECT count(*) FROM cases WHERE purged_t IS NULL"
    " AND email = lower(?1)) + (SELECT count(*) FROM request"
    " WHERE requester_email = lower(?1))";
static const char SQL_KEPT_NAME[] =
    "SELECT count(*) FROM cases WHERE purged_t IS NULL AND name_key = ?1";
static const char SQL_KEPT_PHONE[] =
    "SELECT count(*) FROM cases WHERE purged_t IS NULL AND phone = ?1";
static const char SQL_REQUESTERS[] =
    "SELECT requester FROM request WHERE requester IS NOT NULL";

#define NCOLS_MSG	7	/* SQL_GET_MSG's message columns */
#define NCOLS		10

/* A list of row ids. */
struct ids {
	int64_t	*v;
	size_t	 n, cap;
};

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the list and drops repeats. */
static void
ids_uniq(struct ids *s)
{
	size_t m = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof *s->v, id_cmp);
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] != s->v[m])
			s->v[++m] = s->v[i];
	s->n = m + 1;
}

static void
ids_add(struct ids *s, int64_t id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = id;
}

static void
ids_free(struct ids *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int
collect_ids(sqlite3 *db, const char *sql, int64_t p1, int64_t p2,
    struct ids *out)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	if (p1)
		sqlite3_bind_int64(st, 1, p1);
	if (p2)
		sqlite3_bind_int64(st, 2, p2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids_add(out, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
empty_message(struct purge_job *j, int64_t id)
{
	static const char *const sqls[] = { SQL_DEL_TEXT, SQL_DEL_ATT,
		SQL_EMPTY };
	sqlite3_stmt *st;

	for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
		if ((st = db_stmt(j->db, sqls[i])) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		if (sqls[i] == SQL_EMPTY)
			sqlite3_bind_int64(st, 2, (sqlite3_int64)j->now);
		if (db_done(j->db, st, "purge: message") == -1)
			return -1;
	}
	j->c->messages++;
	return 0;
}

int
purge_messages(struct purge_job *j)
{
	struct ids ids = { 0 }, dups = { 0 };
	sqlite3_stmt *st;
	int rc = -1;

	if ((st = db_stmt(j->db, SQL_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)j->messages_before);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids_add(&ids, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_err("purge: messages: %s", db_errmsg(j->db));
		rc = -1;
		goto out;
	}
	rc = -1;
	for (size_t i = 0; i < ids.n; i++)
		if (empty_message(j, ids.v[i]) == -1)
			goto out;
	/* Then the copies of what is now emptied (and of what was before). */
	if (collect_ids(j->db, SQL_DUE_DUPS, 0, 0, &dups) == -1)
		goto out;
	for (size_t i = 0; i < dups.n; i++)
		if (empty_message(j, dups.v[i]) == -1)
			goto out;
	rc = 0;
out:
	ids_free(&ids);
	ids_free(&dups);
	return rc;
}

static int
kept(sqlite3 *db, const char *sql, const char *v)
{
	return db_int(db, sql, v, 1) != 0;
}

/* 1 when a requester still on record bears the name key (a unit head
 * who is also one of the people, titles and all). */
static int
is_requester(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = db_stmt(db, SQL_REQUESTERS);
	struct scrub one = { 0 };
	size_t hits;
	char *s;
	int found = 0;

	if (st == NULL)
		return 1;
	scrub_add(&one, key);
	while (!found && sqlite3_step(st) == SQLITE_ROW) {
		s = scrub_text(&one, (const char *)sqlite3_column_text(st, 0),
		    &hits);
		found = s != NULL;
		free(s);
	}
	sqlite3_reset(st);
	scrub_free(&one);
	return found;
}

/* The needles of one anonymised person: what no kept case shares. */
static void
add_needles(sqlite3 *db, const struct purge_case *pc, struct scrub *sc)
{
	char mask[12], digits[32];
	size_t n = 0;

	if (pc->tckn && !kept(db, SQL_KEPT_TCKN, pc->tckn)) {
		scrub_add(sc, pc->tckn);
		/* The masked form is what Kamu SM and the history write. */
		if (tckn_valid(pc->tckn) && !kept(db, SQL_KEPT_MASK,
		    pc->tckn)) {
			tckn_mask(pc->tckn, mask);
			scrub_add(sc, mask);
		}
	}
	if (pc->email && !kept(db, SQL_KEPT_EMAIL, pc->email))
		scrub_add(sc, pc->email);
	/* A name of one word would hit ordinary words. */
	if (pc->name_key && strchr(pc->name_key, ' ') &&
	    !kept(db, SQL_KEPT_NAME, pc->name_key) &&
	    !is_requester(db, pc->name_key))
		scrub_add(sc, pc->name_key);
	if (pc->phone && !kept(db, SQL_KEPT_PHONE, pc->phone)) {
		scrub_add(sc, pc->phone);
		/* Written with and without its spaces. */
		for (const char *p = pc->phone; *p && n + 1 < sizeof digits;
		    p++)
			if (*p >= '0' && *p <= '9')
				digits[n++] = *p;
		digits[n] = '\0';
		if (n >= 10)
			scrub_add(sc, digits);
	}
}

/* Binds column i of from, scrubbed when a needle occurs in it, as
 * parameter param of to (*keep holds the scrubbed copy until the step);
 * 1 when it changed. */
static int
bind_scrubbed(const struct scrub *sc, sqlite3_stmt *from, int i,
    sqlite3_stmt *to, int param, char **keep)
{
	const char *v = (const char *)sqlite3_column_text(from, i);
	size_t hits;
	char *s = scrub_text(sc, v, &hits);

	*keep = s;
	db_bind_text(to, param, s ? s : v);
	return s != NULL;
}

static int
scrub_message(struct purge_job *j, const struct scrub *sc, int64_t id)
{
	sqlite3_stmt *get = db_stmt(j->db, SQL_GET_MSG), *set, *text;
	char *keep[NCOLS] = { 0 };
	int hits = 0, thits = 0, rc = -1;

	if (get == NULL || (set = db_stmt(j->db, SQL_SET_MSG)) == NULL ||
	    (text = db_stmt(j->db, SQL_SET_TEXT)) == NULL)
		return -1;
	sqlite3_bind_int64(get, 1, id);
	if (sqlite3_step(get) != SQLITE_ROW) {
		sqlite3_reset(get);
		return 0;
	}
	sqlite3_bind_int64(set, 1, id);
	sqlite3_bind_int64(text, 1, id);
	for (int i = 0; i < NCOLS_MSG; i++)
		hits += bind_scrubbed(sc, get, i, set, i + 2, &keep[i]);
	for (int i = NCOLS_MSG; i < NCOLS; i++)
		thits += bind_scrubbed(sc, get, i, text, i - NCOLS_MSG + 2,
		    &keep[i]);
	sqlite3_reset(get);
	if (hits && db_done(j->db, set, "purge: scrub") == -1)
		goto out;
	if (thits && db_done(j->db, text, "purge: scrub") == -1)
		goto out;
	if (hits || thits)
		j->c->scrubbed++;
	rc = 0;
out:
	sqlite3_reset(set);
	sqlite3_reset(text);
	sqlite3_clear_bindings(set);
	sqlite3_clear_bindings(text);
	for (int i = 0; i < NCOLS; i++)
		free(keep[i]);
	return rc;
}

/* The history lines in scope: every one, or those of a request and of
 * a message. */
static int
scrub_events(struct purge_job *j, const struct scrub *sc, int64_t request,
    int64_t message)
{
	sqlite3_stmt *st = db_stmt(j->db, j->everywhere ? SQL_ALL_EVENTS :
	    SQL_SCOPE_EVENTS), *set;
	struct ids ids = { 0 };
	char **vals = NULL;
	int rc;

	if (st == NULL)
		return -1;
	if (!j->everywhere) {
		sqlite3_bind_int64(st, 1, request);
		sqlite3_bind_int64(st, 2, message);
	}
	/* Read first, written after: the statement walks the table. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t hits;
		char *s = scrub_text(sc, (const char *)sqlite3_column_text(st,
		    1), &hits);

		if (s == NULL)
			continue;
		vals = xrealloc(vals, (ids.n + 1) * sizeof *vals);
		vals[ids.n] = s;
		ids_add(&ids, sqlite3_column_int64(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		rc = -1;
	else
		rc = 0;
	for (size_t i = 0; i < ids.n; i++) {
		if (rc == 0 && (set = db_stmt(j->db, SQL_SET_EVENT)) != NULL) {
			sqlite3_bind_int64(set, 1, ids.v[i]);
			db_bind_text(set, 2, vals[i]);
			if (db_done(j->db, set, "purge: scrub") == -1)
				rc = -1;
			else
				j->c->scrubbed++;
		} else
			rc = -1;
		free(vals[i]);
	}
	free(vals);
	ids_free(&ids);
	return rc;
}

/* 1 when any needle occurs in s. */
static int
names(const struct scrub *sc, const char *s)
{
	size_t hits;
	char *t = scrub_text(sc, s, &hits);

	free(t);
	return t != NULL;
}

/* 1 when the mail (recipients, then the decoded message) names anyone
 * of sc. */
static int
mail_names(const struct scrub *sc, const char *rcpts, const void *data,
    size_t len)
{
	struct mime_msg *m = NULL;
	const char *why;
	int found = names(sc, rcpts);

	if (!found && len > 0 && mime_parse(data, len, &m, &why) == 0) {
		found = names(sc, m->to) || names(sc, m->cc) ||
		    names(sc, m->subject) || names(sc, m->text) ||
		    names(sc, m->html);
		mime_free(&m);
	}
	return found;
}

static int
scrub_outbox(struct purge_job *j, const struct scrub *sc)
{
	sqlite3_stmt *st = db_stmt(j->db, SQL_SENT);
	struct ids ids = { 0 };
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (mail_names(sc, (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st,
		    2)))
			ids_add(&ids, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		if ((st = db_stmt(j->db, SQL_EMPTY_SENT)) == NULL) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(st, 1, ids.v[i]);
		if ((rc = db_done(j->db, st, "purge: outbox")) == 0)
			j->c->outbox++;
	}
	ids_free(&ids);
	return rc;
}

int
purge_scrub(struct purge_job *j)
{
	struct scrub sc = { 0 };
	struct ids msgs = { 0 };
	int rc = -1;

	for (size_t i = 0; i < j->ncases; i++)
		add_needles(j->db, &j->cases[i], &sc);
	if (sc.n == 0)
		return 0;
	if (j->everywhere) {
		if (collect_ids(j->db, SQL_ALL_MSG, 0, 0, &msgs) == -1)
			goto out;
	} else
		for (size_t i = 0; i < j->ncases; i++)
			if (collect_ids(j->db, SQL_SCOPE_MSG, j->cases[i].id,
			    j->cases[i].request, &msgs) == -1)
				goto out;
	ids_uniq(&msgs);
	for (size_t i = 0; i < msgs.n; i++)
		if (scrub_message(j, &sc, msgs.v[i]) == -1)
			goto out;
	if (j->everywhere) {
		if (scrub_events(j, &sc, 0, 0) == -1 ||
		    scrub_outbox(j, &sc) == -1)
			goto out;
	} else {
		for (size_t i = 0; i < j->ncases; i++)
			if (scrub_events(j, &sc, j->cases[i].request, 0) == -1)
				goto out;
		for (size_t i = 0; i < msgs.n; i++)
			if (scrub_events(j, &sc, 0, msgs.v[i]) == -1)
				goto out;
	}
	rc = 0;
out:
	ids_free(&msgs);
	scrub_free(&sc);
	return rc;
}
