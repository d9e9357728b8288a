/* Unit tests for purge.c and purge_msg.c: what a retention purge and one
 * person's purge select, on a small world in a database in memory; that
 * a dry run and a second run change nothing; the once-a-day guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "purge.h"

#define DAY	(24 * 3600)

/* 2029-01-10T10:00:00+03:00 */
static const time_t NOW = 1862722800;

struct fx {
	sqlite3		*db;
	struct config	 cfg;
};

static void
sqlf(sqlite3 *db, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (db_exec(db, sql) == -1)
		fail_msg("%s", sql);
}

static void
request(sqlite3 *db, int id, const char *requester)
{
	sqlf(db, "INSERT INTO request(id, ticket, unit, requester, "
	    "requester_email, created_t, updated_t) VALUES (%d, '%d', 'Fen', "
	    "'%s', 'head%d@example.edu.tr', 0, 0)", id, 48000 + id, requester,
	    id);
}

static void
kase(sqlite3 *db, int id, int rq, const char *step, int days_ago,
    const char *name, const char *key, const char *tckn)
{
	sqlf(db, "INSERT INTO cases(id, tag, request, name, name_key, tckn, "
	    "email, phone, title, unit, step, step_t, created_t, updated_t) "
	    "VALUES (%d, 'NES-2026-%04d', %d, '%s', '%s', '%s', "
	    "'p%d@example.edu.tr', '0532 000 00 %02d', 'Dr.', 'Fen', '%s', "
	    "%lld, 0, 0)", id, id, rq, name, key, tckn, id, id, step,
	    (long long)(NOW - (time_t)days_ago * DAY));
}

/* A message seen days_ago, with a text (and a form's bytes). */
static void
message(sqlite3 *db, int id, int days_ago, int dup_of, const char *body)
{
	char seen[32];

	clock_format_iso(NOW - (time_t)days_ago * DAY, seen);
	sqlf(db, "INSERT INTO message(id, folder, uidvalidity, uid, "
	    "message_id, from_hdr, from_addr, to_hdr, subject, size, hash, "
	    "outcome, reason, duplicate_of, seen_at) VALUES (%d, 'INBOX', 1, "
	    "%d, 'm%d@example.edu.tr', 'Birim <head@example.edu.tr>', "
	    "'head@example.edu.tr', 'BİDB', 'Konu %d', 100, 'h%d', '%s', "
	    "'why %d', %s, '%s')", id, id, dup_of ? dup_of : id, id,
	    dup_of ? dup_of : id, dup_of ? "duplicate" : "applied", id,
	    "NULL", seen);
	if (dup_of) {
		sqlf(db, "UPDATE message SET duplicate_of = %d WHERE id = %d",
		    dup_of, id);
		return;
	}
	sqlf(db, "INSERT INTO message_text(message, headers, body) VALUES "
	    "(%d, 'From: head', '%s')", id, body);
	sqlf(db, "INSERT INTO attachment(message, name, type, size, data) "
	    "VALUES (%d, 'form.csv', 'text/csv', 3, x'414243')", id);
}

/* An event of the case (0: of the request) naming the message. */
static void
event(sqlite3 *db, int case_id, int rq, int msg, const char *detail)
{
	sqlf(db, "INSERT INTO event(request, case_id, message, at_t, kind, "
	    "detail) VALUES (%d, nullif(%d, 0), %d, 0, 'step', '%s')", rq,
	    case_id, msg, detail);
}

static void
outbox(sqlite3 *db, int id, int case_id, int rq, const char *state,
    int days_ago, const char *data)
{
	time_t t = NOW - (time_t)days_ago * DAY;

	sqlf(db, "INSERT INTO outbox(id, kind, case_id, request, message_id, "
	    "mail_from, rcpts, subject, data, state, next_t, created_t, "
	    "sent_t) VALUES (%d, 'k', nullif(%d, 0), nullif(%d, 0), "
	    "'o%d@example.edu.tr', 'robot@example.edu.tr', "
	    "'p%d@example.edu.tr', 'Konu', CAST('%s' AS BLOB), '%s', %lld, "
	    "%lld, %lld)", id, case_id, rq, id, case_id, data, state,
	    (long long)t, (long long)t, strcmp(state, "sent") == 0 ?
	    (long long)t : 0LL);
	sqlf(db, "UPDATE outbox SET sent_t = NULL WHERE sent_t = 0");
	sqlf(db, "INSERT INTO outbox_rcpt(outbox, addr, day) VALUES (%d, "
	    "'p%d@example.edu.tr', '2029-01-01')", id, case_id);
}

/*
 * The world: request 1 (Ayşe, Bora) all closed long ago; request 2 Cem
 * closed long ago beside Deniz's open case; request 3 Emre closed 100
 * days ago; request 4 a ticket with no case yet; request 6 Fatma's old
 * closed case, whose T.C. Kimlik No and name are also those of her new
 * open case in request 5; request 7 Hakan's case anonymised 50 days ago.
 */
static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	char err[256];
	sqlite3 *db;

	log_init(LOG_LVL_ERR, 0);
	if (db_open(":memory:", &fx->db, err, sizeof err) == -1)
		return -1;
	db = fx->db;
	fx->cfg.retention.cases = 730;
	fx->cfg.retention.messages = 365;
	fx->cfg.retention.outbox = 30;
	fx->cfg.retention.daily = 1;
	for (int i = 1; i <= 7; i++)
		request(db, i, i == 7 ? "" : "Zeynep Arslan");
	sqlf(db, "UPDATE request SET requester = NULL, requester_email = NULL "
	    "WHERE id = 7");
	kase(db, 1, 1, "closed", 800, "Ayşe Yılmaz", "ayse yilmaz",
	    "38461590242");
	kase(db, 2, 1, "closed", 760, "Bora Kaya", "bora kaya", "52709314810");
	kase(db, 3, 2, "closed", 900, "Cem Demir", "cem demir", "61924837516");
	kase(db, 4, 2, "approved", 900, "Deniz Ak", "deniz ak", "24178653950");
	kase(db, 5, 3, "closed", 100, "Emre Tan", "emre tan", "45830261740");
	kase(db, 6, 6, "closed", 1200, "Fatma Öz", "fatma oz", "12300001502");
	kase(db, 7, 5, "kamusm_notified", 10, "Fatma Öz", "fatma oz",
	    "12300001502");
	sqlf(db, "INSERT INTO cases(id, tag, request, unit, step, step_t, "
	    "created_t, updated_t, purged_t) VALUES (8, 'NES-2026-0008', 7, "
	    "'Fen', 'closed', 0, 0, 0, %lld)", (long long)(NOW - 50 * DAY));

	message(db, 1, 900, 0, "form: Ayşe Yılmaz 38461590242, Bora Kaya");
	message(db, 2, 10, 0, "Ayşe Yılmaz teslim aldı");
	message(db, 3, 900, 0, "form: Cem Demir 61924837516 p3@example.edu.tr"
	    ", Deniz Ak 24178653950");
	message(db, 4, 900, 0, "Deniz Ak onayladı");
	message(db, 5, 400, 0, "no rule: an announcement");
	message(db, 6, 100, 0, "no rule: Emre Tan wrote");
	message(db, 7, 5, 1, NULL);
	message(db, 8, 5, 4, NULL);
	message(db, 9, 400, 0, "Emre Tan onayladı");
	message(db, 10, 20, 0, "Fatma Öz 12300001502 bilgilendirildi");
	message(db, 11, 900, 0, "ticket 48004 opened");
	message(db, 12, 10, 0, "a late reply about Hakan");

	event(db, 0, 1, 1, "form");
	event(db, 1, 1, 1, "name=Ayşe Yılmaz");
	event(db, 1, 1, 2, "name=Ayşe Yılmaz");
	event(db, 0, 2, 3, "form");
	event(db, 4, 2, 3, "name=Cem Demir name=Deniz Ak");
	event(db, 4, 2, 4, "name=Deniz Ak");
	event(db, 5, 3, 9, "name=Emre Tan");
	event(db, 7, 5, 10, "name=Fatma Öz tckn=123******02");
	event(db, 0, 4, 11, "ticket=48004");
	event(db, 8, 7, 12, "a reply");
	sqlf(db, "UPDATE event SET detail = NULL WHERE id = 10");

	outbox(db, 1, 1, 1, "sent", 5, "about Ayşe");
	outbox(db, 2, 4, 2, "sent", 40, "about Deniz, long ago");
	outbox(db, 3, 4, 2, "sent", 5, "about Deniz");
	outbox(db, 4, 4, 2, "queued", 40, "waiting for Deniz");
	outbox(db, 5, 0, 1, "sent", 5, "ack of request 1");
	outbox(db, 6, 0, 0, "failed", 40, "a digest that failed");
	outbox(db, 7, 0, 0, "sent", 3, "Subject: digest\r\n\r\nEmre Tan "
	    "bitti\r\n");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	db_close(&fx->db);
	free(fx);
	return 0;
}

static int
rows_cb(void *p, int n, char **v, char **names)
{
	struct buf *b = p;

	for (int i = 0; i < n; i++)
		buf_printf(b, "%s=%s|", names[i], v[i] ? v[i] : "NULL");
	buf_putc(b, '\n');
	return 0;
}

/* Every row of every table, as text; caller frees. */
static char *
snapshot(sqlite3 *db)
{
	static const char *const tables[] = { "request", "cases", "event",
		"message", "message_text", "attachment", "outbox",
		"outbox_rcpt", "counter", NULL };
	struct buf b = BUF_INIT;
	char sql[128];

	for (int i = 0; tables[i]; i++) {
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY rowid",
		    tables[i]);
		assert_int_equal(sqlite3_exec(db, sql, rows_cb, &b, NULL),
		    SQLITE_OK);
	}
	return buf_steal(&b);
}

static int64_t
num(sqlite3 *db, const char *sql)
{
	return db_int(db, sql, NULL, -1);
}

/* The ids of sql's rows, space separated; freed by the next call. */
static const char *
ids(sqlite3 *db, const char *sql)
{
	static struct buf b;
	sqlite3_stmt *st;

	buf_free(&b);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		buf_printf(&b, "%s%lld", b.len ? " " : "",
		    (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return buf_str(&b);
}

static void
assert_counts(const struct purge_counts *c, size_t cases, size_t requests,
    size_t messages, size_t scrubbed, size_t outbox)
{
	assert_int_equal(c->cases, cases);
	assert_int_equal(c->requests, requests);
	assert_int_equal(c->messages, messages);
	assert_int_equal(c->scrubbed, scrubbed);
	assert_int_equal(c->outbox, outbox);
}

static void
test_selects(void **state)
{
	struct fx *fx = *state;
	struct purge_counts c;
	sqlite3 *db = fx->db;

	assert_int_equal(purge_run(db, &fx->cfg, NOW, 0, &c), 0);
	/* Closed over 730 days ago: Ayşe, Bora, Cem, Fatma's old case; not
	 * Emre's (100 days), not the open ones, not Hakan's again. */
	assert_string_equal(buf_str(&c.tags),
	    "NES-2026-0001 NES-2026-0002 NES-2026-0003 NES-2026-0006");
	assert_string_equal(ids(db, "SELECT id FROM cases WHERE purged_t = "
	    "1862722800 AND coalesce(name, name_key, tckn, email, phone, "
	    "title) IS NULL AND step = 'closed' AND unit = 'Fen'"),
	    "1 2 3 6");
	assert_string_equal(ids(db, "SELECT id FROM cases WHERE name IS NOT "
	    "NULL"), "4 5 7");
	/* Requests whose every case is anonymised: 1 and 6. */
	assert_string_equal(ids(db, "SELECT id FROM request WHERE requester "
	    "IS NULL AND requester_email IS NULL"), "1 6 7");
	assert_string_equal(ids(db, "SELECT id FROM event WHERE detail IS "
	    "NULL"), "1 2 3 10");
	/* Messages: 1 (request 1's form), 2 (recent, but only Ayşe's), 5
	 * (old, no case), 7 (a copy of 1), 9 (old; Emre's case is closed).
	 * Kept: 3 and 4 (Deniz is open), 6 (recent), 8 (a copy of 4), 10
	 * (Fatma's open case), 11 (a ticket with no case yet), 12 (came
	 * after Hakan's case was anonymised). */
	assert_string_equal(ids(db, "SELECT id FROM message WHERE purged_t "
	    "IS NOT NULL"), "1 2 5 7 9");
	assert_string_equal(ids(db, "SELECT id FROM message WHERE purged_t "
	    "IS NOT NULL AND (coalesce(from_hdr, from_addr, to_hdr, subject, "
	    "reason) IS NOT NULL OR message_id IS NULL OR hash IS NULL OR "
	    "outcome IS NULL)"), "");
	assert_string_equal(ids(db, "SELECT message FROM message_text"),
	    "3 4 6 10 11 12");
	assert_string_equal(ids(db, "SELECT DISTINCT message FROM "
	    "attachment"), "3 4 6 10 11 12");
	/* Kept for Deniz, without Cem; Fatma's new case keeps her name. */
	assert_string_equal(ids(db, "SELECT message FROM message_text WHERE "
	    "body = 'form: [silindi] [silindi] [silindi], Deniz Ak "
	    "24178653950'"), "3");
	assert_string_equal(ids(db, "SELECT id FROM event WHERE detail = "
	    "'name=[silindi] name=Deniz Ak'"), "5");
	assert_string_equal(ids(db, "SELECT message FROM message_text WHERE "
	    "body LIKE '%Fatma Öz 12300001502%'"), "10");
	/* Outbox: Ayşe's, request 1's ack, Deniz's old one, the old failed
	 * one; not Deniz's recent or queued mail, nor the recent digest. */
	assert_string_equal(ids(db, "SELECT id FROM outbox WHERE rcpts = '' "
	    "AND length(data) = 0 AND subject IS NULL"), "1 2 5 6");
	assert_string_equal(ids(db, "SELECT outbox FROM outbox_rcpt"),
	    "3 4 7");
	assert_counts(&c, 4, 2, 5, 2, 4);
	purge_counts_free(&c);
}

static void
test_dry_run_then_again(void **state)
{
	struct fx *fx = *state;
	struct purge_counts c;
	char *before, *after;

	before = snapshot(fx->db);
	assert_int_equal(purge_run(fx->db, &fx->cfg, NOW, 1, &c), 0);
	assert_counts(&c, 4, 2, 5, 2, 4);
	purge_counts_free(&c);
	after = snapshot(fx->db);
	assert_string_equal(before, after);
	free(before);
	free(after);

	assert_int_equal(purge_run(fx->db, &fx->cfg, NOW, 0, &c), 0);
	assert_counts(&c, 4, 2, 5, 2, 4);
	purge_counts_free(&c);
	before = snapshot(fx->db);
	assert_int_equal(purge_run(fx->db, &fx->cfg, NOW, 0, &c), 0);
	assert_counts(&c, 0, 0, 0, 0, 0);
	purge_counts_free(&c);
	after = snapshot(fx->db);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void
test_person(void **state)
{
	struct fx *fx = *state;
	struct purge_counts c;
	sqlite3 *db = fx->db;
	char err[256] = "", *before;

	before = snapshot(db);
	assert_int_equal(purge_person(db, "24178653950", NOW, 0, &c, err,
	    sizeof err), 1);
	assert_string_equal(err, "NES-2026-0004 is open (approved): a purge "
	    "never touches an open case; nothing purged");
	purge_counts_free(&c);
	/* Fatma: one case closed, one open. */
	assert_int_equal(purge_person(db, "12300001502", NOW, 0, &c, err,
	    sizeof err), 1);
	purge_counts_free(&c);
	assert_int_equal(purge_person(db, "nobody@example.edu.tr", NOW, 0, &c,
	    err, sizeof err), 1);
	assert_string_equal(err, "no case matches nobody@example.edu.tr");
	purge_counts_free(&c);
	{
		char *after = snapshot(db);

		assert_string_equal(before, after);
		free(after);
	}
	free(before);

	/* Emre, closed 100 days ago: now, whatever the retention. */
	assert_int_equal(purge_person(db, "P5@example.edu.tr", NOW, 0, &c, err,
	    sizeof err), 0);
	assert_string_equal(buf_str(&c.tags), "NES-2026-0005");
	/* His message 9, and the digest that names him; message 6 (no
	 * case) scrubbed. */
	assert_counts(&c, 1, 1, 1, 1, 1);
	purge_counts_free(&c);
	assert_string_equal(ids(db, "SELECT id FROM message WHERE purged_t "
	    "IS NOT NULL"), "9");
	assert_string_equal(ids(db, "SELECT message FROM message_text WHERE "
	    "body = 'no rule: [silindi] wrote'"), "6");
	assert_string_equal(ids(db, "SELECT id FROM outbox WHERE length(data) "
	    "= 0"), "7");
	/* By its tag, the case is found again: nothing left to do. */
	assert_int_equal(purge_person(db, "NES-2026-0005", NOW, 0, &c, err,
	    sizeof err), 0);
	assert_counts(&c, 0, 0, 0, 0, 0);
	purge_counts_free(&c);
}

static void
test_daily(void **state)
{
	struct fx *fx = *state;
	sqlite3 *db = fx->db;

	fx->cfg.retention.daily = 0;
	assert_int_equal(purge_daily(db, &fx->cfg, NOW), 0);
	assert_int_equal(num(db, "SELECT count(*) FROM cases WHERE purged_t "
	    "IS NOT NULL"), 1);
	fx->cfg.retention.daily = 1;
	assert_int_equal(purge_daily(db, &fx->cfg, NOW), 0);
	assert_int_equal(num(db, "SELECT count(*) FROM cases WHERE purged_t "
	    "IS NOT NULL"), 5);
	assert_int_equal(num(db, "SELECT value FROM counter WHERE name = "
	    "'purge_day'"), 20290110);
	/* Emre's case comes due; not again today, but tomorrow. */
	sqlf(db, "UPDATE cases SET step_t = 0 WHERE id = 5");
	assert_int_equal(purge_daily(db, &fx->cfg, NOW + 3600), 0);
	assert_string_equal(ids(db, "SELECT id FROM cases WHERE id = 5 AND "
	    "name IS NOT NULL"), "5");
	assert_int_equal(purge_daily(db, &fx->cfg, NOW + DAY), 0);
	assert_string_equal(ids(db, "SELECT id FROM cases WHERE id = 5 AND "
	    "name IS NULL"), "5");
	assert_int_equal(num(db, "SELECT value FROM counter WHERE name = "
	    "'purge_day'"), 20290111);
}

/* A database that held mail before secure_delete is vacuumed by the first
 * purge that removes anything, once. */
static void
test_vacuum_once(void **state)
{
	struct fx *fx = *state;
	struct purge_counts c;

	assert_int_equal(num(fx->db, "SELECT count(*) FROM counter WHERE "
	    "name = 'purge_vacuum'"), 0);
	assert_int_equal(num(fx->db, "PRAGMA secure_delete"), 1);
	sqlf(fx->db, "INSERT INTO counter VALUES ('purge_vacuum', 1)");
	assert_int_equal(purge_run(fx->db, &fx->cfg, NOW - 1000 * DAY, 0,
	    &c), 0);
	assert_counts(&c, 0, 0, 0, 0, 0);
	purge_counts_free(&c);
	assert_int_equal(num(fx->db, "SELECT value FROM counter WHERE name = "
	    "'purge_vacuum'"), 1);
	assert_int_equal(purge_run(fx->db, &fx->cfg, NOW, 0, &c), 0);
	purge_counts_free(&c);
	assert_int_equal(num(fx->db, "SELECT value FROM counter WHERE name = "
	    "'purge_vacuum'"), 0);
}

static void
test_describe(void **state)
{
	struct purge_counts c;
	struct buf b = BUF_INIT;

	memset(&c, 0, sizeof c);
	purge_describe(&c, &b);
	assert_string_equal(buf_str(&b), "nothing to purge");
	buf_reset(&b);
	c.cases = 2;
	c.messages = 3;
	buf_puts(&c.tags, "NES-2026-0001 NES-2026-0004");
	purge_describe(&c, &b);
	assert_string_equal(buf_str(&b), "2 case(s) anonymised "
	    "(NES-2026-0001 NES-2026-0004), 0 request(s) anonymised, "
	    "3 message(s) emptied, 0 kept text(s) scrubbed, 0 sent mail(s) "
	    "emptied");
	buf_free(&b);
	purge_counts_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_selects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_then_again, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_person, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daily, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vacuum_once, setup,
		    teardown),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests_name("purge", tests, NULL, NULL);
}
