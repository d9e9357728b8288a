/* Unit tests for outbox.c (and bounce.c): what is
 * queued and what is refused, the daily cap, and the send state machine
 * with a fake SMTP sender.  Run from the project's top directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "mime.h"
#include "bounce.h"
#include "outbox.h"
#include "smtp.h"

struct fx {
	sqlite3		*db;
	struct config	 cfg;
};

/* The fake SMTP server: answers from a script, counts the calls. */
static int fake_calls;
static int fake_script[16];
static int fake_n;
static int fake_default = SMTP_OK;	/* after the script */

static int
fake_send(const struct config *cfg, const char *from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t len,
    char *err, size_t errlen)
{
	int rc = fake_calls < fake_n ? fake_script[fake_calls] :
	    fake_default;

	(void)cfg; (void)from; (void)rcpts; (void)msg; (void)len;
	assert_true(nrcpt >= 1);
	fake_calls++;
	snprintf(err, errlen, "%s", rc == SMTP_OK ? "" : rc == SMTP_TEMP ?
	    "451 try later" : "550 no such user");
	return rc;
}

static void
fake_reset(const int *script, int n)
{
	fake_calls = 0;
	fake_n = n;
	fake_default = SMTP_OK;
	for (int i = 0; i < n; i++)
		fake_script[i] = script[i];
}

/* The request and the case the queued mail is about. */
static void
seed(sqlite3 *db)
{
	assert_int_equal(db_exec(db, "INSERT INTO request(id, unit, "
	    "created_t, updated_t) VALUES (1, 'Fen', 0, 0); INSERT INTO "
	    "cases(id, tag, request, step, step_t, created_t, updated_t) "
	    "VALUES (7, 'NES-2026-0007', 1, 'kamusm_notified', 0, 0, 0)"), 0);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	char err[256];

	log_init(LOG_LVL_ERR, 0);
	if (db_open(":memory:", &fx->db, err, sizeof err) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	fx->cfg.smtp.from = "robot@example.edu.tr";
	fx->cfg.smtp.max_per_recipient_day = 20;
	fx->cfg.institution.domain = "example.edu.tr";
	fx->cfg.institution.bidb = "bidb@example.edu.tr";
	fx->cfg.institution.robot = "nes-robot@example.edu.tr";
	seed(fx->db);
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
queue_to(struct fx *fx, const char *to, const char *cc, time_t now,
    int64_t *id_r)
{
	struct outbox_mail m;
	int r;

	memset(&m, 0, sizeof m);
	m.kind = "remind_notified_person.tmpl";
	m.case_id = 7;
	m.request = 1;
	m.case_tag = "NES-2026-0007";
	m.to = &to;
	m.nto = 1;
	m.cc = &cc;
	m.ncc = cc ? 1 : 0;
	m.subject = "[NES-2026-0007] NES yenileme: başvurunuz bekleniyor";
	m.text = "Sayın Ayşe Yılmaz,\n";
	m.in_reply_to = "form.1@example.edu.tr";
	assert_int_equal(db_begin(fx->db), 0);
	r = outbox_queue(fx->db, &fx->cfg, &m, now, id_r);
	assert_int_equal(db_commit(fx->db), 0);
	return r;
}

/* The first column of sql (bound to id) as a string, or NULL.  Owned by
 * a small ring here, so assertions can use it in place. */
static const char *
row_text(sqlite3 *db, const char *sql, int64_t id)
{
	static char *ring[8];
	static size_t next;
	sqlite3_stmt *st;
	char *s = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		s = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	free(ring[next]);
	ring[next] = s;
	next = (next + 1) % 8;
	return s;
}

static int64_t
row_int(sqlite3 *db, const char *sql, int64_t id)
{
	const char *s = row_text(db, sql, id);

	return s ? strtoll(s, NULL, 10) : -1;
}

static void
test_queue_builds_and_threads(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);
	int64_t id;
	const char *data, *mid, *rcpts;

	assert_int_equal(queue_to(fx, "Ayse@Example.edu.tr",
	    "dekan@example.edu.tr", now, &id), 1);
	data = row_text(fx->db, "SELECT data FROM outbox WHERE id = ?1", id);
	mid = row_text(fx->db, "SELECT message_id FROM outbox WHERE id = ?1",
	    id);
	rcpts = row_text(fx->db, "SELECT rcpts FROM outbox WHERE id = ?1", id);
	assert_non_null(data);
	assert_string_equal(rcpts, "ayse@example.edu.tr, dekan@example.edu.tr");
	assert_non_null(strstr(mid, "@example.edu.tr"));
	assert_non_null(strstr(data, "Auto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(data, "X-NES-Case: NES-2026-0007\r\n"));
	assert_non_null(strstr(data, "In-Reply-To: <form.1@example.edu.tr>"));
	assert_non_null(strstr(data, mid));
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM thread WHERE "
	    "case_id = ?1 AND message_id = (SELECT message_id FROM outbox "
	    "WHERE id = 1)", 7), 1);
	assert_string_equal(row_text(fx->db, "SELECT state FROM outbox WHERE "
	    "id = ?1", id), "queued");
}

/* Never the robot itself, never an empty or malformed address. */
static void
test_queue_refuses_self_and_empty(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);

	assert_int_equal(queue_to(fx, "robot@example.edu.tr", NULL, now,
	    NULL), 0);
	assert_int_equal(queue_to(fx, "NES-Robot@example.edu.tr", NULL, now,
	    NULL), 0);
	assert_int_equal(queue_to(fx, "", NULL, now, NULL), 0);
	assert_int_equal(queue_to(fx, "not an address", NULL, now, NULL), 0);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "?1", 1), 0);
	/* The robot in Cc is dropped, the mail still goes. */
	assert_int_equal(queue_to(fx, "ayse@example.edu.tr",
	    "robot@example.edu.tr", now, NULL), 1);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "rcpts = 'ayse@example.edu.tr' AND ?1", 1), 1);
}

/* At most max_per_recipient_day mails a day to one address. */
static void
test_queue_daily_cap(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);

	fx->cfg.smtp.max_per_recipient_day = 2;
	assert_int_equal(queue_to(fx, "ayse@example.edu.tr", NULL, now, NULL),
	    1);
	assert_int_equal(queue_to(fx, "ayse@example.edu.tr", NULL, now + 60,
	    NULL), 1);
	assert_int_equal(queue_to(fx, "AYSE@example.edu.tr", NULL, now + 120,
	    NULL), 0);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM event WHERE "
	    "case_id = ?1 AND kind = 'note'", 7), 1);
	/* Another address, and the next day, are fine. */
	assert_int_equal(queue_to(fx, "b@example.edu.tr", NULL, now + 180,
	    NULL), 1);
	assert_int_equal(queue_to(fx, "ayse@example.edu.tr", NULL,
	    now + 86400, NULL), 1);
}

/* Nobody outside the institution is written to, whatever a case holds:
 * only the domain, [institution] other_domains and configured addresses. */
static void
test_queue_outside(void **state)
{
	static char *other[] = { "tip.example.edu.tr", NULL };
	static char *digest_to[] = { "nes.izleme@partner.example", NULL };
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);

	fx->cfg.institution.other_domains = other;
	fx->cfg.institution.nother_domains = 1;
	fx->cfg.digest.to = digest_to;
	fx->cfg.digest.nto = 1;
	assert_int_equal(queue_to(fx, "attacker@evil.example", NULL, now,
	    NULL), 0);
	assert_int_equal(queue_to(fx, "ayse@example.edu.tr.evil.example",
	    NULL, now, NULL), 0);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "?1", 1), 0);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM event WHERE "
	    "case_id = ?1 AND kind = 'note' AND detail LIKE '%outside the "
	    "institution'", 7), 2);
	/* An outside Cc is dropped, the mail still goes. */
	assert_int_equal(queue_to(fx, "ayse@example.edu.tr",
	    "evil@gmail.example", now, NULL), 1);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "rcpts = 'ayse@example.edu.tr' AND ?1", 1), 1);
	assert_int_equal(queue_to(fx, "dr@tip.example.edu.tr", NULL, now,
	    NULL), 1);
	assert_int_equal(queue_to(fx, "Nes.Izleme@partner.example", NULL, now,
	    NULL), 1);
	assert_true(outbox_may_mail(&fx->cfg, "bidb@example.edu.tr"));
	assert_false(outbox_may_mail(&fx->cfg, "bidb@example.edu"));
}

/* At most [smtp] max_per_day mails a day in all: the rest stays queued
 * for the next day, and BİDB is told once, past the cap. */
static void
test_send_day_cap(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);
	char to[64];
	int i;

	fx->cfg.smtp.max_per_day = 3;
	for (i = 0; i < 5; i++) {
		snprintf(to, sizeof to, "p%d@example.edu.tr", i);
		assert_int_equal(queue_to(fx, to, NULL, now, NULL), 1);
	}
	fake_reset(NULL, 0);
	/* Three of the five, and the notice. */
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now,
	    fake_send), 4);
	assert_int_equal(fake_calls, 4);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "state = 'queued' AND ?1", 1), 2);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "kind = '" OUTBOX_KIND_CAP "' AND state = 'sent' AND rcpts = "
	    "'bidb@example.edu.tr' AND instr(data, 'bekleyen 2 e-posta') > 0 "
	    "AND ?1", 1), 1);
	/* Later the same day: nothing more, and no second notice. */
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now + 3600,
	    fake_send), 0);
	assert_int_equal(fake_calls, 4);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "kind = '" OUTBOX_KIND_CAP "' AND ?1", 1), 1);
	/* The next day the two that waited leave. */
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now + 86400,
	    fake_send), 2);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "state = 'queued' AND ?1", 1), 0);
}

/* A second run on its own connection, started by the fake server while
 * the first run's mail is on its way (as the sender's connections run
 * side by side, sender.h). */
static sqlite3 *nested_db;
static const struct config *nested_cfg;
static time_t nested_now;
static int nested_sent;

static int
fake_send_nesting(const struct config *cfg, const char *from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t len,
    char *err, size_t errlen)
{
	sqlite3 *db = nested_db;

	if (db != NULL) {
		nested_db = NULL;
		nested_sent = outbox_send_due_with(db, nested_cfg, nested_now,
		    fake_send);
	}
	return fake_send(cfg, from, rcpts, nrcpt, msg, len, err, errlen);
}

/* Runs side by side share the day's limit: the mail the other run is
 * sending counts, so the two send no more than max_per_day between them,
 * no row twice, and BİDB is told once. */
static void
test_send_day_cap_side_by_side(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);
	char dir[] = "/tmp/test_outbox.XXXXXX", path[64], err[256], to[64];
	sqlite3 *other = NULL;
	int i;

	/* Two connections need a file. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/robot.db", dir);
	db_close(&fx->db);
	assert_int_equal(db_open(path, &fx->db, err, sizeof err), 0);
	assert_int_equal(db_open(path, &other, err, sizeof err), 0);
	seed(fx->db);
	fx->cfg.smtp.max_per_day = 3;
	for (i = 0; i < 5; i++) {
		snprintf(to, sizeof to, "p%d@example.edu.tr", i);
		assert_int_equal(queue_to(fx, to, NULL, now, NULL), 1);
	}
	fake_reset(NULL, 0);
	nested_db = other;
	nested_cfg = &fx->cfg;
	nested_now = now;
	/* The first run's first mail, and while it is on its way the
	 * other run's two and the notice; then nothing more. */
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now,
	    fake_send_nesting), 1);
	assert_null(nested_db);
	assert_int_equal(nested_sent, 3);
	assert_int_equal(fake_calls, 4);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "state = 'sent' AND kind <> '" OUTBOX_KIND_CAP "' AND ?1", 1), 3);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "state = 'queued' AND ?1", 1), 2);
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "kind = '" OUTBOX_KIND_CAP "' AND state = 'sent' AND ?1", 1), 1);
	assert_int_equal(row_int(fx->db, "SELECT sum(attempts) FROM outbox "
	    "WHERE ?1", 1), 4);
	db_close(&other);
	unlink(path);
	snprintf(path, sizeof path, "%s/robot.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/robot.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

/* queued -> sending -> sent, once; a second run sends nothing. */
static void
test_send_once(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);
	int64_t id;

	assert_int_equal(queue_to(fx, "ayse@example.edu.tr", NULL, now, &id),
	    1);
	fake_reset(NULL, 0);
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now,
	    fake_send), 1);
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now + 600,
	    fake_send), 0);
	assert_int_equal(fake_calls, 1);
	assert_string_equal(row_text(fx->db, "SELECT state FROM outbox WHERE "
	    "id = ?1", id), "sent");
	assert_int_equal(row_int(fx->db, "SELECT sent_t FROM outbox WHERE "
	    "id = ?1", id), now);
}

/* 4xx: back to queued after 5 min, 15 min, 1 h, 4 h; then sent. */
static void
test_send_backoff(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);
	static const int script[] = { SMTP_TEMP, SMTP_TEMP, SMTP_TEMP,
	    SMTP_TEMP, SMTP_TEMP, SMTP_OK };
	static const time_t waits[] = { 300, 900, 3600, 14400, 14400 };
	int64_t id;

	assert_int_equal(queue_to(fx, "ayse@example.edu.tr", NULL, now, &id),
	    1);
	fake_reset(script, 6);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now,
		    fake_send), 0);
		assert_int_equal(fake_calls, i + 1);
		assert_string_equal(row_text(fx->db, "SELECT state FROM outbox"
		    " WHERE id = ?1", id), "queued");
		assert_int_equal(row_int(fx->db, "SELECT attempts FROM outbox"
		    " WHERE id = ?1", id), i + 1);
		assert_int_equal(row_int(fx->db, "SELECT next_t FROM outbox "
		    "WHERE id = ?1", id), now + waits[i]);
		/* Not before its time. */
		assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg,
		    now + waits[i] - 1, fake_send), 0);
		assert_int_equal(fake_calls, i + 1);
		now += waits[i];
	}
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now,
	    fake_send), 1);
	assert_string_equal(row_text(fx->db, "SELECT state FROM outbox WHERE "
	    "id = ?1", id), "sent");
	assert_null(row_text(fx->db, "SELECT last_error FROM outbox WHERE "
	    "id = ?1", id));
}

/* 5xx fails at once; 4xx for three days fails too. */
static void
test_send_failures(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);
	static const int perm[] = { SMTP_PERM };
	int64_t a, b;
	const char *e;

	assert_int_equal(queue_to(fx, "ayse@example.edu.tr", NULL, now, &a),
	    1);
	fake_reset(perm, 1);
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now,
	    fake_send), 0);
	assert_string_equal(row_text(fx->db, "SELECT state FROM outbox WHERE "
	    "id = ?1", a), "failed");
	e = row_text(fx->db, "SELECT last_error FROM outbox WHERE id = ?1", a);
	assert_string_equal(e, "550 no such user");

	assert_int_equal(queue_to(fx, "b@example.edu.tr", NULL, now, &b), 1);
	fake_reset(NULL, 0);
	fake_default = SMTP_TEMP;
	for (time_t t = now; t < now + 4 * 86400; t += 3600)
		outbox_send_due_with(fx->db, &fx->cfg, t, fake_send);
	assert_string_equal(row_text(fx->db, "SELECT state FROM outbox WHERE "
	    "id = ?1", b), "failed");
	assert_true(row_int(fx->db, "SELECT attempts FROM outbox WHERE "
	    "id = ?1", b) >= 10);
}

/* A row a crash left 'sending' is sent again, once, but only after it
 * is stale (a live conversation might still be going on). */
static void
test_send_recovers_crash(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);
	char sql[128];
	int64_t id;

	assert_int_equal(queue_to(fx, "ayse@example.edu.tr", NULL, now, &id),
	    1);
	snprintf(sql, sizeof sql, "UPDATE outbox SET state = 'sending', "
	    "next_t = %lld", (long long)now);
	assert_int_equal(db_exec(fx->db, sql), 0);
	fake_reset(NULL, 0);
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg, now + 60,
	    fake_send), 0);
	assert_int_equal(fake_calls, 0);
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg,
	    now + OUTBOX_STALE, fake_send), 1);
	assert_int_equal(outbox_send_due_with(fx->db, &fx->cfg,
	    now + 2 * OUTBOX_STALE, fake_send), 0);
	assert_int_equal(fake_calls, 1);
}

/* A DSN naming our Message-ID fails the row and marks the case. */
static void
test_bounce_recorded(void **state)
{
	struct fx *fx = *state;
	time_t now = clock_make_local(2026, 6, 1, 9);
	struct buf raw = BUF_INIT;
	struct mime_msg *msg = NULL;
	const char *errstr = NULL;
	char *mid;
	const char *why;
	int64_t id;

	assert_int_equal(queue_to(fx, "ayse@example.edu.tr", NULL, now, &id),
	    1);
	mid = strdup(row_text(fx->db, "SELECT message_id FROM outbox WHERE "
	    "id = ?1", id));
	buf_printf(&raw,
	    "From: Mail Delivery System <MAILER-DAEMON@mail.example.edu.tr>\r\n"
	    "To: robot@example.edu.tr\r\n"
	    "Subject: Undelivered Mail Returned to Sender\r\n"
	    "Message-ID: <dsn.1@mail.example.edu.tr>\r\n"
	    "Auto-Submitted: auto-replied\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"B\"\r\n\r\n"
	    "--B\r\nContent-Type: text/plain\r\n\r\n"
	    "Your message could not be delivered.\r\n"
	    "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
	    "Reporting-MTA: dns; mail.example.edu.tr\r\n\r\n"
	    "Final-Recipient: rfc822; ayse@example.edu.tr\r\n"
	    "Action: failed\r\nStatus: 5.1.1\r\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
	    "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
	    "From: robot@example.edu.tr\r\nMessage-ID: <%s>\r\n"
	    "--B--\r\n", mid);
	assert_int_equal(mime_parse(raw.s, raw.len, &msg, &errstr), 0);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(bounce_apply(fx->db, &fx->cfg, msg, now + 60), 1);
	assert_int_equal(db_commit(fx->db), 0);
	assert_string_equal(row_text(fx->db, "SELECT state FROM outbox WHERE "
	    "id = ?1", id), "failed");
	why = row_text(fx->db, "SELECT bounced FROM cases WHERE id = ?1", 7);
	assert_non_null(why);
	assert_non_null(strstr(why, "User unknown"));
	assert_int_equal(row_int(fx->db, "SELECT count(*) FROM event WHERE "
	    "case_id = ?1 AND kind = 'bounce'", 7), 1);
	/* An ordinary message is not a bounce. */
	mime_free(&msg);
	buf_reset(&raw);
	buf_printf(&raw, "From: ayse@example.edu.tr\r\nSubject: Re: x\r\n"
	    "In-Reply-To: <%s>\r\n\r\nteşekkürler\r\n", mid);
	assert_int_equal(mime_parse(raw.s, raw.len, &msg, &errstr), 0);
	assert_int_equal(bounce_apply(fx->db, &fx->cfg, msg, now), 0);
	mime_free(&msg);
	buf_free(&raw);
	free(mid);
}

static void
test_backoff_table(void **state)
{
	(void)state;
	assert_int_equal(outbox_backoff(1), 300);
	assert_int_equal(outbox_backoff(2), 900);
	assert_int_equal(outbox_backoff(3), 3600);
	assert_int_equal(outbox_backoff(4), 14400);
	assert_int_equal(outbox_backoff(9), 14400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queue_builds_and_threads,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_queue_refuses_self_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_daily_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue_outside, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_send_day_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_send_day_cap_side_by_side, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_send_backoff, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_send_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_send_recovers_crash,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_recorded, setup,
		    teardown),
		cmocka_unit_test(test_backoff_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
