/* history: events, threads, counters and case tags; see history.h. */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "history.h"
#include "mem.h"

int
history_event(sqlite3 *db, int64_t case_id, int64_t request,
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
history_correction(sqlite3 *db, int64_t case_id, int64_t message,
    time_t at, const char *step, const char *what, const char *who,
    const char *why)
{
	static const char sql[] =
	    "INSERT INTO event(case_id, message, at_t, kind, step, detail, "
	    "actor, why) VALUES (?1, ?2, ?3, 'admin', ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = db_stmt(db, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	if (message)
		sqlite3_bind_int64(st, 2, message);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	db_bind_text(st, 4, step);
	db_bind_text(st, 5, what);
	db_bind_text(st, 6, who);
	db_bind_text(st, 7, why);
	return db_done(db, st, "event");
}

int
history_thread(sqlite3 *db, const char *message_id, int64_t request,
    int64_t case_id)
{
	static const char sql[] =
	    "INSERT INTO thread(message_id, request, case_id) "
	    "SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM thread WHERE "
	    "message_id = ?1 AND request IS ?2 AND case_id IS ?3)";
	sqlite3_stmt *st;

	if (message_id == NULL || *message_id == '\0')
		return 0;
	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, message_id);
	if (request)
		sqlite3_bind_int64(st, 2, request);
	if (case_id)
		sqlite3_bind_int64(st, 3, case_id);
	return db_done(db, st, "thread");
}

/* The counter of a year's tags. */
static void
tag_counter(int year, char *name, size_t len)
{
	snprintf(name, len, "case-%d", year);
}

char *
history_new_tag(sqlite3 *db, time_t now)
{
	static const char up[] =
	    "INSERT INTO counter(name, value) VALUES (?1, 1) "
	    "ON CONFLICT(name) DO UPDATE SET value = value + 1";
	sqlite3_stmt *st;
	struct tm tm;
	char name[32], tag[48];
	int64_t n;

	clock_local(now, &tm);
	tag_counter(tm.tm_year + 1900, name, sizeof name);
	if ((st = db_stmt(db, up)) == NULL)
		return NULL;
	db_bind_text(st, 1, name);
	if (db_done(db, st, "counter") == -1 ||
	    (n = history_counter(db, name, -1)) < 0)
		return NULL;
	snprintf(tag, sizeof tag, "NES-%d-%04lld", tm.tm_year + 1900,
	    (long long)n);
	return xstrdup(tag);
}

int
history_tag_taken(sqlite3 *db, const char *tag)
{
	static const char up[] =
	    "INSERT INTO counter(name, value) VALUES (?1, ?2) "
	    "ON CONFLICT(name) DO UPDATE SET value = max(value, ?2)";
	sqlite3_stmt *st;
	char name[32];
	long long n = 0;
	int year = 0;

	if (tag == NULL || sscanf(tag, "NES-%d-%lld", &year, &n) != 2)
		return -1;
	if ((st = db_stmt(db, up)) == NULL)
		return -1;
	tag_counter(year, name, sizeof name);
	db_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, n);
	return db_done(db, st, "counter");
}

int64_t
history_counter(sqlite3 *db, const char *name, int64_t def)
{
	static const char sql[] = "SELECT value FROM counter WHERE name = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	int64_t v = def;

	if (st == NULL)
		return def;
	db_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

int
history_counter_set(sqlite3 *db, const char *name, int64_t value)
{
	static const char sql[] =
	    "INSERT INTO counter(name, value) VALUES (?1, ?2) "
	    "ON CONFLICT(name) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st = db_stmt(db, sql);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, value);
	return db_done(db, st, "counter");
}
