/* cases_reply: replies to the robot's own mail; see cases_int.h.
 *
 * The acknowledgement and the reminders ask people to reply.  A reply
 * that states a step is applied like any other mail; one that states none
 * ("Teşekkürler", "Ayşe Hanım ayrıldı") is kept in the history of the case
 * it is about and shown to BİDB, never lost as mail no rule recognised.
 * One robot mail may be about several people (the acknowledgement lists
 * every person of a form, each with their tag): the reply is about those
 * its fresh text names, by tag, T.C. Kimlik No or name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases_int.h"
#include "db.h"
#include "fold.h"
#include "history.h"
#include "mem.h"
#include "quote.h"

/* The cases and request a mail of the robot's was about: its outbox row,
 * and the people it listed (table thread). */
static int
outbox_target(sqlite3 *db, const char *mid, struct idset *cases,
    struct idset *requests)
{
	static const char sql[] =
	    "SELECT case_id, request FROM outbox WHERE message_id = ?1 OR "
	    "message_id = '<' || ?1 || '>'";
	static const char listed[] =
	    "SELECT case_id FROM thread WHERE message_id = ?1 AND "
	    "case_id IS NOT NULL";
	sqlite3_stmt *st = db_stmt(db, sql);
	int found = 0, named = 0;
	int64_t rq = 0;

	if (st == NULL)
		return 0;
	db_bind_text(st, 1, mid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			idset_add(cases, sqlite3_column_int64(st, 0));
			named = 1;
		} else if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			rq = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (found && !named && (st = db_stmt(db, listed)) != NULL) {
		db_bind_text(st, 1, mid);
		while (sqlite3_step(st) == SQLITE_ROW) {
			idset_add(cases, sqlite3_column_int64(st, 0));
			named = 1;
		}
		sqlite3_reset(st);
	}
	if (found && rq)
		idset_add(requests, rq);
	return found;
}

/* A case tag of the subject: the case. */
static int
subject_tags(sqlite3 *db, const char *subject, struct idset *cases)
{
	static const char sql[] = "SELECT id FROM cases WHERE tag = ?1";
	const char *p = subject;
	int found = 0;

	while (p && (p = strstr(p, "[NES-")) != NULL) {
		size_t n = strcspn(p + 1, "]");
		sqlite3_stmt *st;
		char *tag;

		if (p[1 + n] != ']' || n > 24) {
			p++;
			continue;
		}
		tag = xstrndup(p + 1, n);
		if ((st = db_stmt(db, sql)) != NULL) {
			db_bind_text(st, 1, tag);
			if (sqlite3_step(st) == SQLITE_ROW) {
				idset_add(cases, sqlite3_column_int64(st, 0));
				found = 1;
			}
			sqlite3_reset(st);
		}
		free(tag);
		p += 1 + n;
	}
	return found;
}

int
cases_reply_target(sqlite3 *db, const struct mime_msg *msg,
    struct idset *cases, struct idset *requests)
{
	const char *lists[2] = { msg->in_reply_to, msg->references };
	int found = 0;

	for (int k = 0; k < 2; k++) {
		char *copy, *tok, *save = NULL;

		if (lists[k] == NULL)
			continue;
		copy = xstrdup(lists[k]);
		for (tok = strtok_r(copy, " \t,<>", &save); tok;
		    tok = strtok_r(NULL, " \t,<>", &save))
			found |= outbox_target(db, tok, cases, requests);
		free(copy);
	}
	/* A client that dropped In-Reply-To still keeps "YNT: [NES-...]". */
	if (!found && quote_subject_is_reply(msg->subject))
		found = subject_tags(db, msg->subject, cases);
	return found;
}

/* The cases of the requests too: the people a request-wide mail (the
 * acknowledgement, BİDB's reminders) was about. */
static void
expand_requests(sqlite3 *db, const struct idset *requests,
    struct idset *cases)
{
	static const char sql[] = "SELECT id FROM cases WHERE request = ?1";

	for (size_t i = 0; i < requests->n; i++) {
		sqlite3_stmt *st = db_stmt(db, sql);

		if (st == NULL)
			return;
		sqlite3_bind_int64(st, 1, requests->v[i]);
		while (sqlite3_step(st) == SQLITE_ROW)
			idset_add(cases, sqlite3_column_int64(st, 0));
		sqlite3_reset(st);
	}
}

/* The cases among all that the fresh text names: tag, T.C. Kimlik No,
 * or name (folded, without titles). */
static void
named_in(sqlite3 *db, const char *fresh, const struct idset *all,
    struct idset *out)
{
	static const char sql[] =
	    "SELECT tag, tckn, name_key FROM cases WHERE id = ?1";
	char *f = fold_str(fresh, FOLD_ASCII), *words = cases_name_key(fresh);

	for (size_t i = 0; f && words && i < all->n; i++) {
		sqlite3_stmt *st = db_stmt(db, sql);
		char *tag;

		if (st == NULL)
			break;
		sqlite3_bind_int64(st, 1, all->v[i]);
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 0);
			const char *n = (const char *)sqlite3_column_text(st, 1);
			const char *k = (const char *)sqlite3_column_text(st, 2);

			tag = t ? fold_str(t, FOLD_ASCII) : NULL;
			if ((tag && strstr(f, tag)) || (n && strstr(fresh, n)) ||
			    (k && *k && cases_has_words(words, k)))
				idset_add(out, all->v[i]);
			free(tag);
		}
		sqlite3_reset(st);
	}
	free(f);
	free(words);
}

/* The one case among all whose first name the fresh text uses ("Ayşe
 * Hanım ayrıldı"), when no other shares that first name. */
static void
first_name_in(sqlite3 *db, const char *fresh, const struct idset *all,
    struct idset *out)
{
	static const char sql[] = "SELECT name_key FROM cases WHERE id = ?1";
	char *words = cases_name_key(fresh);
	int64_t hit = 0;
	int hits = 0;

	for (size_t i = 0; words && i < all->n; i++) {
		sqlite3_stmt *st = db_stmt(db, sql);

		if (st == NULL)
			break;
		sqlite3_bind_int64(st, 1, all->v[i]);
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *k = (const char *)sqlite3_column_text(st, 0);
			char *first = k ? xstrndup(k, strcspn(k, " ")) : NULL;

			if (first && strlen(first) >= 3 &&
			    cases_has_words(words, first)) {
				hit = all->v[i];
				hits++;
			}
			free(first);
		}
		sqlite3_reset(st);
	}
	free(words);
	if (hits == 1)
		idset_add(out, hit);
}

/* The first line of what the sender wrote, for the history. */
static char *
gist(const char *fresh)
{
	struct buf b = BUF_INIT;
	const char *p = fresh;

	while (*p == '\n' || *p == ' ' || *p == '\r' || *p == '\t')
		p++;
	for (; *p && b.len < 200; p++)
		buf_putc(&b, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
	return buf_steal(&b);
}

int
cases_attach_reply(sqlite3 *db, int64_t msg_row, const struct mime_msg *msg,
    const struct idset *cases, const struct idset *requests, time_t at,
    struct case_outcome *out)
{
	static const char tagq[] = "SELECT tag FROM cases WHERE id = ?1";
	struct idset all = { 0 }, pick = { 0 };
	char *fresh = quote_fresh_text(msg->text), *detail = gist(fresh);
	size_t i;
	int rc = -1;

	/* The people the mail listed; for a mail about a whole request
	 * that listed nobody, every person of it. */
	for (i = 0; i < cases->n; i++)
		idset_add(&all, cases->v[i]);
	if (all.n == 0)
		expand_requests(db, requests, &all);
	named_in(db, fresh, &all, &pick);
	if (pick.n == 0)
		first_name_in(db, fresh, &all, &pick);
	if (pick.n == 0 && msg->from_addr) {
		static const char own[] =
		    "SELECT id FROM cases WHERE email = lower(?1)";
		sqlite3_stmt *st = db_stmt(db, own);

		if (st == NULL)
			goto out;
		db_bind_text(st, 1, msg->from_addr);
		while (sqlite3_step(st) == SQLITE_ROW)
			if (idset_has(&all, sqlite3_column_int64(st, 0)))
				idset_add(&pick, sqlite3_column_int64(st, 0));
		sqlite3_reset(st);
	}
	if (pick.n == 0 && all.n == 1)
		idset_add(&pick, all.v[0]);
	out->outcome = "awaiting";
	out->code = REASON_REPLY;
	buf_puts(&out->reason, "a reply to the robot's mail, awaiting BİDB:");
	for (i = 0; i < pick.n; i++) {
		sqlite3_stmt *st;

		if (history_event(db, pick.v[i], 0, msg_row, msg->message_id,
		    at, "reply", NULL, NULL, detail) == -1 ||
		    history_thread(db, msg->message_id, 0, pick.v[i]) == -1)
			goto out;
		if ((st = db_stmt(db, tagq)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, pick.v[i]);
		if (sqlite3_step(st) == SQLITE_ROW)
			buf_printf(&out->reason, " %s",
			    sqlite3_column_text(st, 0));
		sqlite3_reset(st);
	}
	/* About a whole request: the history of the request. */
	for (i = 0; pick.n == 0 && i < requests->n; i++)
		if (history_event(db, 0, requests->v[i], msg_row,
		    msg->message_id, at, "reply", NULL, NULL, detail) == -1)
			goto out;
	if (pick.n == 0)
		buf_puts(&out->reason, requests->n ? " its request" :
		    " (no case of it is open)");
	rc = 0;
out:
	idset_free(&all);
	idset_free(&pick);
	free(fresh);
	free(detail);
	return rc;
}
