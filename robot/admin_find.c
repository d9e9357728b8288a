/* admin_find: what the words of an administrator's command name: a case
 * (by tag, T.C. Kimlik No, address, ticket or name), a recorded message,
 * the administrator; see admin.h. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "ascii.h"
#include "db.h"
#include "mem.h"
#include "tckn.h"

static void
add(struct admin_cases *c, int64_t id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i] == id)
			return;
	c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	c->v[c->n++] = id;
}

void
admin_cases_free(struct admin_cases *c)
{
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The ticket number in "48213", "#48213" or "BYS-48213", or NULL. */
static const char *
ticket_of(const char *key)
{
	if (*key == '#')
		key++;
	else if (ascii_prefix_ci(key, "BYS-"))
		key += 4;
	return all_digits(key) ? key : NULL;
}

enum admin_key
admin_key_kind(const char *key)
{
	if (ascii_prefix_ci(key, "NES-"))
		return ADMIN_KEY_TAG;
	if (tckn_valid(key))
		return ADMIN_KEY_TCKN;
	if (strchr(key, '@') != NULL)
		return ADMIN_KEY_EMAIL;
	if (ticket_of(key) != NULL)
		return ADMIN_KEY_TICKET;
	return ADMIN_KEY_NAME;
}

/* Adds every id a one-parameter query returns. */
static int
collect(sqlite3 *db, const char *sql, const char *p, struct admin_cases *out)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, p);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add(out, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* 1 when the n bytes at w are one of the words of key (a name key:
 * folded, single spaces). */
static int
has_word(const char *key, const char *w, size_t n)
{
	while (*key) {
		size_t m = strcspn(key, " ");

		if (m == n && memcmp(key, w, n) == 0)
			return 1;
		key += m;
		while (*key == ' ')
			key++;
	}
	return 0;
}

/* 1 when every word of want is a word of key. */
static int
has_all_words(const char *key, const char *want)
{
	while (*want) {
		size_t n = strcspn(want, " ");

		if (!has_word(key, want, n))
			return 0;
		want += n;
		while (*want == ' ')
			want++;
	}
	return 1;
}

static int
find_name(sqlite3 *db, const char *name, struct admin_cases *out)
{
	static const char equal[] = "SELECT id FROM cases WHERE name_key = ?1 "
	    "ORDER BY id";
	static const char every[] = "SELECT id, name_key FROM cases "
	    "WHERE name_key IS NOT NULL ORDER BY id";
	char *key = cases_name_key(name);
	sqlite3_stmt *st;
	int rc = -1;

	if (key == NULL || *key == '\0') {
		free(key);
		return 0;
	}
	if (collect(db, equal, key, out) == -1)
		goto out;
	if (out->n == 0) {
		if ((st = db_stmt(db, every)) == NULL)
			goto out;
		while (sqlite3_step(st) == SQLITE_ROW)
			if (has_all_words((const char *)sqlite3_column_text(st,
			    1), key))
				add(out, sqlite3_column_int64(st, 0));
		sqlite3_reset(st);
	}
	rc = 0;
out:
	free(key);
	return rc;
}

/* Keeps the cases for which the query (one id parameter) returns a row,
 * when that leaves any. */
static void
prefer(sqlite3 *db, const char *sql, struct admin_cases *c)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	size_t i, k = 0;
	int64_t *keep;

	if (st == NULL || c->n < 2)
		return;
	keep = xmalloc(c->n * sizeof *keep);
	for (i = 0; i < c->n; i++) {
		sqlite3_bind_int64(st, 1, c->v[i]);
		if (sqlite3_step(st) == SQLITE_ROW)
			keep[k++] = c->v[i];
		sqlite3_reset(st);
	}
	if (k > 0) {
		memcpy(c->v, keep, k * sizeof *keep);
		c->n = k;
	}
	free(keep);
}

int
admin_find(sqlite3 *db, const char *key, struct admin_cases *out)
{
	static const char by_tag[] =
	    "SELECT id FROM cases WHERE tag = upper(?1)";
	static const char by_tckn[] = "SELECT id FROM cases WHERE tckn = ?1 "
	    "ORDER BY id";
	static const char by_email[] = "SELECT id FROM cases WHERE email = "
	    "lower(?1) ORDER BY id";
	static const char by_ticket[] = "SELECT c.id FROM cases c JOIN "
	    "request r ON r.id = c.request WHERE r.ticket = ?1 ORDER BY c.id";
	static const char unmerged[] = "SELECT 1 FROM cases WHERE id = ?1 AND "
	    "closed_as IS NOT 'merged'";
	static const char open[] = "SELECT 1 FROM cases WHERE id = ?1 AND "
	    "step <> 'closed'";
	enum admin_key kind = admin_key_kind(key);
	int rc;

	memset(out, 0, sizeof *out);
	switch (kind) {
	case ADMIN_KEY_TAG:
		rc = collect(db, by_tag, key, out);
		break;
	case ADMIN_KEY_TCKN:
		rc = collect(db, by_tckn, key, out);
		break;
	case ADMIN_KEY_EMAIL:
		rc = collect(db, by_email, key, out);
		break;
	case ADMIN_KEY_TICKET:
		rc = collect(db, by_ticket, ticket_of(key), out);
		break;
	default:
		rc = find_name(db, key, out);
		break;
	}
	if (rc == -1)
		return -1;
	prefer(db, unmerged, out);
	if (kind == ADMIN_KEY_TCKN || kind == ADMIN_KEY_EMAIL)
		prefer(db, open, out);
	return 0;
}

int64_t
admin_message(sqlite3 *db, const char *key)
{
	static const char by_id[] = "SELECT id FROM message WHERE id = ?1";
	static const char by_mid[] = "SELECT id FROM message WHERE message_id "
	    "IN (?1, '<' || ?1 || '>') ORDER BY outcome = 'duplicate', id "
	    "LIMIT 1";
	sqlite3_stmt *st;
	char *mid;
	size_t n;
	int64_t id = 0;

	if (*key == '#')
		key++;
	if (all_digits(key)) {
		if ((st = db_stmt(db, by_id)) == NULL)
			return 0;
		sqlite3_bind_int64(st, 1, strtoll(key, NULL, 10));
	} else {
		if (*key == '<')
			key++;
		n = strcspn(key, ">");
		if (n == 0 || (st = db_stmt(db, by_mid)) == NULL)
			return 0;
		mid = xstrndup(key, n);
		db_bind_text(st, 1, mid);
		free(mid);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

static const char *
clean_name(const char *name, char *buf, size_t len)
{
	if (name == NULL || *name == '\0' || strlen(name) >= len)
		return NULL;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	snprintf(buf, len, "%s", name);
	return buf;
}

const char *
admin_who(const char *by, char *buf, size_t len)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;
	char login[256];

	if (by != NULL)
		return clean_name(by, buf, len);
	if (sudo != NULL && *sudo != '\0')
		return clean_name(sudo, buf, len);
	/* getlogin_r fails without a controlling terminal (cron, a test). */
	if (getlogin_r(login, sizeof login) == 0)
		return clean_name(login, buf, len);
	if ((pw = getpwuid(getuid())) != NULL)
		return clean_name(pw->pw_name, buf, len);
	return NULL;
}

char *
admin_text(const char *in, size_t max)
{
	struct buf b = BUF_INIT;
	int space = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = b.len > 0;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			buf_free(&b);
			return NULL;
		}
		if (space)
			buf_putc(&b, ' ');
		space = 0;
		buf_putc(&b, (char)*p);
	}
	if (b.len == 0 || b.len > max) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}
