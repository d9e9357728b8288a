/* test_admin: an administrator's corrections (admin.c, admin_find.c) on an
 * in-memory database: finding a case by tag, T.C. Kimlik No, address,
 * ticket and folded name; each correction, its refusals and its "admin"
 * event; a paused case neither reminded nor overdue; attaching a recorded
 * message; BİDB's "iptal" by mail (rule bidb_cancelled); the CSV field
 * quoting of status.  Run from the project's top directory (reads rules/,
 * templates/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "admin.h"
#include "buf.h"
#include "cases.h"
#include "clock.h"
#include "db.h"
#include "ledger.h"
#include "log.h"
#include "mem.h"
#include "pipeline.h"
#include "remind.h"
#include "rules.h"
#include "status.h"

#define T_AYSE	"10000000146"
#define T_AYSE2	"12345678950"
#define T_ISMAIL "23456789138"
#define T_NEW	"34567891238"

static struct config cfg;
static struct rule_set *rules;
static const char *kamusm_domains[] = { "kamusm.gov.tr", NULL };
static char *digest_to[] = { "bidb@example.edu.tr", NULL };

struct world {
	sqlite3	*db;
	time_t	 now;
	char	 err[512];
	struct admin_by by;
};

static void
config_once(void)
{
	char err[512];

	if (rules != NULL)
		return;
	log_init(LOG_LVL_ERR, 0);
	memset(&cfg, 0, sizeof cfg);
	cfg.institution.domain = "example.edu.tr";
	cfg.institution.bidb = "bidb@example.edu.tr";
	cfg.institution.yazi_isleri = "yaziisleri@example.edu.tr";
	cfg.institution.bys = "bys-destek@example.edu.tr";
	cfg.institution.robot = "robot@example.edu.tr";
	/* The messages carry no stamp of the mail server. */
	cfg.institution.authserv_none = 1;
	cfg.smtp.from = "robot@example.edu.tr";
	cfg.smtp.max_per_recipient_day = 20;
	cfg.kamusm.domains = (char **)kamusm_domains;
	cfg.kamusm.ndomains = 1;
	cfg.limits.max_form_rows = 100;
	cfg.robot.templates_dir = "templates";
	cfg.reminders.hour = 9;
	cfg.reminders.max_per_step = 3;
	cfg.reminders.notified_first = 5;
	cfg.reminders.notified_every = 5;
	cfg.reminders.form_first = 2;
	cfg.reminders.form_every = 1;
	cfg.digest.to = digest_to;
	cfg.digest.nto = 1;
	cfg.digest.weekday = 1;
	cfg.digest.hour = 9;
	if (clock_load_holidays("rules/holidays.txt", err, sizeof err) == -1 ||
	    rules_load("rules", &rules, err, sizeof err) == -1)
		fail_msg("%s", err);
}

static void
exec(sqlite3 *db, const char *sql)
{
	assert_int_equal(db_exec(db, sql), 0);
}

/* Two requests; Ayşe Yılmaz twice (two people of one name), İsmail Çelik,
 * and a closed older case of the first Ayşe. */
static int
setup(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	char sql[2048];

	config_once();
	if (db_open(":memory:", &w->db, w->err, sizeof w->err) == -1)
		fail_msg("%s", w->err);
	w->now = clock_make_local(2026, 12, 4, 10);
	w->by.who = "ali";
	w->by.why = "test";
	snprintf(sql, sizeof sql,
	    "INSERT INTO request(id, ticket, unit, requester_email, opened_t, "
	    "form_t, created_t, updated_t) VALUES "
	    "(1, '48213', 'Mühendislik Fakültesi', 'dekan@example.edu.tr', "
	    "%1$lld, %1$lld, %1$lld, %1$lld), "
	    "(2, '48391', 'İktisadi ve İdari Bilimler Fakültesi', NULL, "
	    "%1$lld, %1$lld, %1$lld, %1$lld);"
	    "INSERT INTO cases(id, tag, request, name, name_key, tckn, email, "
	    "unit, step, step_t, created_t, updated_t) VALUES "
	    "(1, 'NES-2026-0001', 1, 'Ayşe Yılmaz', 'ayse yilmaz', '%2$s', "
	    "'ayse.yilmaz@example.edu.tr', NULL, 'kamusm_notified', %1$lld, "
	    "%1$lld, %1$lld), "
	    "(2, 'NES-2026-0002', 2, 'Ayşe Yılmaz', 'ayse yilmaz', '%3$s', "
	    "'ayse.y2@example.edu.tr', NULL, 'form_received', %1$lld, %1$lld, "
	    "%1$lld), "
	    "(3, 'NES-2026-0003', 1, 'İsmail Çelik', 'ismail celik', '%4$s', "
	    "'ismail.celik@example.edu.tr', NULL, 'kamusm_notified', %1$lld, "
	    "%1$lld, %1$lld), "
	    "(4, 'NES-2023-0007', 1, 'Ayşe Yılmaz', 'ayse yilmaz', '%2$s', "
	    "'ayse.yilmaz@example.edu.tr', NULL, 'closed', %1$lld, %1$lld, "
	    "%1$lld)",
	    (long long)clock_make_local(2026, 12, 1, 10), T_AYSE, T_AYSE2,
	    T_ISMAIL);
	exec(w->db, sql);
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	db_close(&w->db);
	free(w);
	return 0;
}

static char *
col(struct world *w, const char *sql)
{
	sqlite3_stmt *st;
	char *v = NULL;

	assert_int_equal(sqlite3_prepare_v2(w->db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v ? v : xstrdup("(null)");
}

#define assert_col(w, sql, want) do {					\
	char *v_ = col((w), (sql));					\
	assert_string_equal(v_, (want));				\
	free(v_);							\
} while (0)

/* The ids key finds, as "1 3". */
static char *
found(struct world *w, const char *key)
{
	struct admin_cases c;
	struct buf b = BUF_INIT;

	assert_int_equal(admin_find(w->db, key, &c), 0);
	for (size_t i = 0; i < c.n; i++)
		buf_printf(&b, "%s%lld", i ? " " : "", (long long)c.v[i]);
	admin_cases_free(&c);
	return buf_steal(&b);
}

#define assert_found(w, key, want) do {					\
	char *f_ = found((w), (key));					\
	assert_string_equal(f_, (want));				\
	free(f_);							\
} while (0)

static void
test_key_kinds(void **state)
{
	(void)state;
	assert_int_equal(admin_key_kind("NES-2026-0001"), ADMIN_KEY_TAG);
	assert_int_equal(admin_key_kind("nes-2026-0001"), ADMIN_KEY_TAG);
	assert_int_equal(admin_key_kind(T_AYSE), ADMIN_KEY_TCKN);
	/* 11 digits with a bad check digit: a number, so a ticket. */
	assert_int_equal(admin_key_kind("10000000147"), ADMIN_KEY_TICKET);
	assert_int_equal(admin_key_kind("a@example.edu.tr"), ADMIN_KEY_EMAIL);
	assert_int_equal(admin_key_kind("48213"), ADMIN_KEY_TICKET);
	assert_int_equal(admin_key_kind("#48213"), ADMIN_KEY_TICKET);
	assert_int_equal(admin_key_kind("BYS-48213"), ADMIN_KEY_TICKET);
	assert_int_equal(admin_key_kind("ayse yilmaz"), ADMIN_KEY_NAME);
	assert_int_equal(admin_key_kind("#"), ADMIN_KEY_NAME);
}

static void
test_find(void **state)
{
	struct world *w = *state;

	assert_found(w, "NES-2026-0003", "3");
	assert_found(w, "nes-2026-0003", "3");
	/* A person's number or address: the open case, not the 2023 one. */
	assert_found(w, T_AYSE, "1");
	assert_found(w, "AYSE.YILMAZ@example.edu.tr", "1");
	assert_found(w, "48213", "1 3 4");
	assert_found(w, "#48391", "2");
	/* Names, folded the Turkish way: two people share this one. */
	assert_found(w, "ayse yilmaz", "1 2 4");
	assert_found(w, "AYŞE YILMAZ", "1 2 4");
	assert_found(w, "Dr. İsmail ÇELİK", "3");
	assert_found(w, "ismail", "3");
	assert_found(w, "celik ismail", "3");
	assert_found(w, "ismail yilmaz", "");
	assert_found(w, "Dr.", "");
	assert_found(w, "NES-1999-0001", "");
	/* Once the old case is closed and the new one too, both count. */
	exec(w->db, "UPDATE cases SET step = 'closed' WHERE id = 1");
	assert_found(w, T_AYSE, "1 4");
	/* A case merged into another gives way to it. */
	exec(w->db, "UPDATE cases SET closed_as = 'merged', merged_into = 1 "
	    "WHERE id = 4");
	assert_found(w, T_AYSE, "1");
	assert_found(w, "NES-2023-0007", "4");
}

static void
test_message_key(void **state)
{
	struct world *w = *state;

	exec(w->db, "INSERT INTO message(id, folder, uidvalidity, uid, "
	    "message_id, size, hash, seen_at) VALUES (7, 'INBOX', 1, 1, "
	    "'a.b@example.org', 1, 'h', 'now'), (8, 'Sent', 1, 1, "
	    "'a.b@example.org', 1, 'h', 'now')");
	exec(w->db, "UPDATE message SET outcome = 'duplicate', "
	    "duplicate_of = 7 WHERE id = 8");
	assert_int_equal(admin_message(w->db, "7"), 7);
	assert_int_equal(admin_message(w->db, "#8"), 8);
	assert_int_equal(admin_message(w->db, "9"), 0);
	/* By Message-ID: the first copy, not the duplicate. */
	assert_int_equal(admin_message(w->db, "<a.b@example.org>"), 7);
	assert_int_equal(admin_message(w->db, "a.b@example.org"), 7);
	assert_int_equal(admin_message(w->db, "<>"), 0);
}

static void
test_who_and_text(void **state)
{
	char buf[64], *t;

	(void)state;
	setenv("SUDO_USER", "ali", 1);
	assert_string_equal(admin_who(NULL, buf, sizeof buf), "ali");
	assert_string_equal(admin_who("Hüseyin Kaya", buf, sizeof buf),
	    "Hüseyin Kaya");
	assert_null(admin_who("a\nb", buf, sizeof buf));
	assert_null(admin_who("", buf, sizeof buf));
	unsetenv("SUDO_USER");
	/* Whoever runs the test has a name. */
	assert_non_null(admin_who(NULL, buf, sizeof buf));
	assert_string_equal(t = admin_text("  Kişi\tayrıldı\r\n  gitti ",
	    100), "Kişi ayrıldı gitti");
	free(t);
	assert_null(admin_text(" \t\n", 100));
	assert_null(admin_text("a\x01b", 100));
	assert_null(admin_text("abcdef", 5));
}

/* The admin events of case id, as "step|detail|actor|why" lines. */
static char *
events(struct world *w, int id)
{
	sqlite3_stmt *st;
	struct buf b = BUF_INIT;

	assert_int_equal(sqlite3_prepare_v2(w->db, "SELECT ifnull(step, ''), "
	    "detail, actor, ifnull(why, '') FROM event WHERE kind = 'admin' "
	    "AND case_id = ?1 ORDER BY id", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		buf_printf(&b, "%s|%s|%s|%s\n", sqlite3_column_text(st, 0),
		    sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
		    sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	return buf_steal(&b);
}

#define assert_events(w, id, want) do {					\
	char *e_ = events((w), (id));					\
	assert_string_equal(e_, (want));				\
	free(e_);							\
} while (0)

static void
test_step(void **state)
{
	struct world *w = *state;

	exec(w->db, "UPDATE cases SET step = 'approved', approval = 'e-onay' "
	    "WHERE id = 1");
	assert_int_equal(admin_step(w->db, 1, STEP_APPROVED, &w->by, w->now,
	    w->err, sizeof w->err), ADMIN_REFUSED);
	assert_string_equal(w->err, "NES-2026-0001 is already at approved");
	/* Back: the approval way goes with the step it came with. */
	assert_int_equal(admin_step(w->db, 1, STEP_APPLICATION_FILLED, &w->by,
	    w->now, w->err, sizeof w->err), ADMIN_OK);
	assert_col(w, "SELECT step || '|' || (step_t = updated_t) || '|' || "
	    "ifnull(approval, '-') FROM cases WHERE id = 1",
	    "application_filled|1|-");
	assert_events(w, 1, "application_filled|step: approved -> "
	    "application_filled|ali|test\n");
	assert_int_equal(admin_step(w->db, 1, STEP_TICKET_OPENED, &w->by,
	    w->now, w->err, sizeof w->err), ADMIN_REFUSED);
	/* A closed case set to an open step is open again. */
	assert_int_equal(admin_close(w->db, 3, "cancelled", &w->by, w->now,
	    w->err, sizeof w->err), ADMIN_OK);
	assert_int_equal(admin_step(w->db, 3, STEP_KAMUSM_NOTIFIED, &w->by,
	    w->now, w->err, sizeof w->err), ADMIN_OK);
	assert_col(w, "SELECT step || '|' || ifnull(closed_as, '-') FROM "
	    "cases WHERE id = 3", "kamusm_notified|-");
	assert_int_equal(admin_step(w->db, 99, STEP_CLOSED, &w->by, w->now,
	    w->err, sizeof w->err), ADMIN_REFUSED);
	assert_string_equal(w->err, "no case #99");
}

static void
test_close_cancel_left(void **state)
{
	struct world *w = *state;

	exec(w->db, "UPDATE cases SET paused_t = 1 WHERE id = 1");
	assert_int_equal(admin_close(w->db, 1, "cancelled", &w->by, w->now,
	    w->err, sizeof w->err), ADMIN_OK);
	assert_col(w, "SELECT step || '|' || closed_as || '|' || "
	    "ifnull(paused_t, '-') FROM cases WHERE id = 1",
	    "closed|cancelled|-");
	assert_int_equal(admin_close(w->db, 1, "cancelled", &w->by, w->now,
	    w->err, sizeof w->err), ADMIN_REFUSED);
	assert_string_equal(w->err, "NES-2026-0001 is already cancelled");
	/* Found to be finished after all: closed, keeping its date. */
	assert_int_equal(admin_close(w->db, 1, NULL, &w->by, w->now + 60,
	    w->err, sizeof w->err), ADMIN_OK);
	assert_col(w, "SELECT ifnull(closed_as, '-') || '|' || (step_t = "
	    "updated_t - 60) FROM cases WHERE id = 1", "-|1");
	assert_int_equal(admin_close(w->db, 1, NULL, &w->by, w->now,
	    w->err, sizeof w->err), ADMIN_REFUSED);
	assert_string_equal(w->err, "NES-2026-0001 is already closed");
	assert_int_equal(admin_close(w->db, 3, "left", &w->by, w->now,
	    w->err, sizeof w->err), ADMIN_OK);
	assert_events(w, 3, "closed|left: the person left the institution; "
	    "cancelled (was kamusm_notified)|ali|test\n");
	assert_events(w, 1, "closed|cancelled (was kamusm_notified)|ali|test\n"
	    "closed|closed (was cancelled)|ali|test\n");
	/* A case closed otherwise than by finishing is still closed. */
	assert_int_equal(remind_case_overdue(w->db, &cfg, 3, w->now + 86400 *
	    30), 0);
}

static void
test_set(void **state)
{
	struct world *w = *state;

	assert_int_equal(admin_set(w->db, &cfg, 3, "tckn", "12345678901",
	    &w->by, w->now, w->err, sizeof w->err), ADMIN_REFUSED);
	assert_string_equal(w->err, "not a valid T.C. Kimlik No (11 digits "
	    "with its check digits)");
	assert_int_equal(admin_set(w->db, &cfg, 3, "tckn", T_AYSE, &w->by,
	    w->now, w->err, sizeof w->err), ADMIN_REFUSED);
	assert_string_equal(w->err, "NES-2026-0001 has that tckn already: "
	    "merge the two cases instead");
	assert_int_equal(admin_set(w->db, &cfg, 3, "tckn", T_NEW, &w->by,
	    w->now, w->err, sizeof w->err), ADMIN_OK);
	assert_int_equal(admin_set(w->db, &cfg, 3, "tckn", T_NEW, &w->by,
	    w->now, w->err, sizeof w->err), ADMIN_REFUSED);
	assert_int_equal(admin_set(w->db, &cfg, 3, "email",
	    "ismail@gmail.com", &w->by, w->now, w->err, sizeof w->err),
	    ADMIN_REFUSED);
	assert_int_equal(admin_set(w->db, &cfg, 3, "email",
	    "ismail@example.edu.tr.evil.org", &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_REFUSED);
	assert_int_equal(admin_set(w->db, &cfg, 3, "email",
	    "a b@example.edu.tr", &w->by, w->now, w->err, sizeof w->err), ADMIN_REFUSED);
	assert_int_equal(admin_set(w->db, &cfg, 3, "email",
	    "Ismail.Celik@Example.EDU.tr", &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_REFUSED);	/* the same, lower-cased */
	assert_int_equal(admin_set(w->db, &cfg, 3, "email",
	    "ICELIK@example.edu.tr", &w->by, w->now, w->err, sizeof w->err),
	    ADMIN_OK);
	assert_int_equal(admin_set(w->db, &cfg, 3, "name", "  Doç. Dr.  "
	    "İsmail Hakkı\tÇelik ", &w->by, w->now, w->err, sizeof w->err),
	    ADMIN_OK);
	assert_int_equal(admin_set(w->db, &cfg, 3, "name", "Dr.", &w->by,
	    w->now, w->err, sizeof w->err), ADMIN_REFUSED);
	assert_int_equal(admin_set(w->db, &cfg, 3, "phone", "1", &w->by,
	    w->now, w->err, sizeof w->err), ADMIN_REFUSED);
	assert_col(w, "SELECT tckn || '|' || email || '|' || name || '|' || "
	    "name_key FROM cases WHERE id = 3", T_NEW "|icelik@example.edu.tr|"
	    "Doç. Dr. İsmail Hakkı Çelik|ismail hakki celik");
	/* The old values are kept; a T.C. Kimlik No only masked. */
	assert_events(w, 3,
	    "|set tckn: 234******38 -> 345******38|ali|test\n"
	    "|set email: ismail.celik@example.edu.tr -> icelik@example.edu.tr"
	    "|ali|test\n"
	    "|set name: İsmail Çelik -> Doç. Dr. İsmail Hakkı Çelik|ali|test\n");
	/* The mail that named the right person is looked at again. */
	assert_col(w, "SELECT value FROM counter WHERE name = 'reprocess'",
	    "1");
	assert_found(w, "ismail hakki celik", "3");
}

static void
test_merge(void **state)
{
	struct world *w = *state;

	/* Case 5: İsmail again, from a second form with no T.C. Kimlik No,
	 * already further; a message applied to both, a reminder, a thread,
	 * a mail of the robot. */
	exec(w->db, "INSERT INTO cases(id, tag, request, name, name_key, "
	    "email, phone, step, step_t, approval, created_t, updated_t) "
	    "VALUES (5, 'NES-2026-0005', 2, 'Ismail Celik', 'ismail celik', "
	    "NULL, '5551234567', 'approved', 1000, 'e-imza', 0, 0);"
	    "INSERT INTO event(case_id, message_id, at_t, kind, step) VALUES "
	    "(5, 'm1', 1, 'step', 'form_received'), (3, 'm1', 1, 'step', "
	    "'form_received'), (5, 'm2', 2, 'step', 'approved');"
	    "INSERT INTO thread(message_id, case_id) VALUES ('m2', 5);"
	    "INSERT INTO reminder(case_id, step, recipient, n, sent_t) VALUES "
	    "(5, 'application_filled', 'person', 1, 5);"
	    "INSERT INTO outbox(id, kind, case_id, message_id, mail_from, "
	    "rcpts, data, next_t, created_t) VALUES (1, 'x', 5, 'o1', 'r', "
	    "'p', 'd', 0, 0)");
	assert_int_equal(admin_merge(w->db, 5, 5, &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_REFUSED);
	assert_int_equal(admin_merge(w->db, 5, 3, &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_OK);
	/* Into keeps its own fields, takes the missing ones and the further
	 * step with its date. */
	assert_col(w, "SELECT name || '|' || tckn || '|' || email || '|' || "
	    "phone || '|' || step || '|' || step_t || '|' || approval FROM "
	    "cases WHERE id = 3", "İsmail Çelik|" T_ISMAIL
	    "|ismail.celik@example.edu.tr|5551234567|approved|1000|e-imza");
	assert_col(w, "SELECT step || '|' || closed_as || '|' || merged_into "
	    "FROM cases WHERE id = 5", "closed|merged|3");
	assert_col(w, "SELECT (SELECT count(*) FROM event WHERE case_id = 3 "
	    "AND kind = 'step') || '|' || (SELECT group_concat(message_id) "
	    "FROM event WHERE case_id = 5 AND kind = 'step') || '|' || "
	    "(SELECT case_id FROM thread WHERE message_id = 'm2') || '|' || "
	    "(SELECT case_id FROM reminder) || '|' || (SELECT case_id FROM "
	    "outbox)", "2|m1|3|3|3");
	assert_events(w, 3, "|merge: NES-2026-0005 (approved) merged into "
	    "this case|ali|test\n");
	assert_events(w, 5, "closed|merge: merged into NES-2026-0003 (was "
	    "approved)|ali|test\n");
	/* A merged case is corrected through the one it went into. */
	assert_int_equal(admin_pause(w->db, 5, 1, &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_REFUSED);
	assert_string_equal(w->err, "NES-2026-0005 was merged into "
	    "NES-2026-0003: correct that case");
	assert_int_equal(admin_merge(w->db, 1, 5, &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_REFUSED);
	assert_found(w, "ismail celik", "3");
}

/* Case 1 waits at kamusm_notified since 1 December: 5 business days pass
 * on the 8th.  Paused, it is neither reminded nor overdue. */
static void
test_pause(void **state)
{
	struct world *w = *state;
	time_t due = clock_make_local(2026, 12, 8, 10);

	exec(w->db, "DELETE FROM cases WHERE id <> 1");
	assert_int_equal(admin_pause(w->db, 1, 0, &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_REFUSED);
	assert_string_equal(w->err, "NES-2026-0001 is not paused");
	assert_int_equal(admin_pause(w->db, 1, 1, &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_OK);
	assert_int_equal(admin_pause(w->db, 1, 1, &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_REFUSED);
	assert_int_equal(remind_case_overdue(w->db, &cfg, 1, due), 0);
	assert_int_equal(remind_run(w->db, &cfg, due), 0);
	assert_int_equal(remind_count(w->db, 1), 0);
	w->by.why = NULL;	/* a resume needs none */
	assert_int_equal(admin_pause(w->db, 1, 0, &w->by, due + 60, w->err,
	    sizeof w->err), ADMIN_OK);
	assert_int_equal(remind_case_overdue(w->db, &cfg, 1, due + 120), 1);
	assert_int_equal(remind_run(w->db, &cfg, due + 120), 1);
	assert_int_equal(remind_count(w->db, 1), 1);
	assert_events(w, 1, "|pause: no reminders until resumed|ali|test\n"
	    "|resume: reminders again (paused since 04.12.2026)|ali|\n");
	exec(w->db, "UPDATE cases SET step = 'closed' WHERE id = 1");
	assert_int_equal(admin_pause(w->db, 1, 1, &w->by, w->now, w->err,
	    sizeof w->err), ADMIN_REFUSED);
}

/* Records raw as a message of the ledger, applies it as a poll would,
 * and returns its row id. */
static int64_t
record(struct world *w, const char *raw)
{
	struct ledger_entry e;
	struct case_outcome out = { 0 };
	struct mime_msg *m = mime_decode(raw, strlen(raw), 1 << 20);
	static uint32_t uid;
	int64_t id;
	int dup;

	assert_non_null(m);
	memset(&e, 0, sizeof e);
	e.folder = "INBOX";
	e.uidvalidity = 1;
	e.uid = ++uid;
	e.raw = raw;
	e.len = strlen(raw);
	e.msg = m;
	e.now = w->now;
	assert_int_equal(db_begin(w->db), 0);
	assert_int_equal(ledger_record(w->db, &e, &id, &dup), 0);
	assert_int_equal(pipeline_apply(w->db, &cfg, rules, id, m, w->now, &out),
	    0);
	assert_int_equal(ledger_keep_text(w->db, id, m, 0), 0);
	assert_int_equal(db_commit(w->db), 0);
	cases_outcome_free(&out);
	mime_free(&m);
	return id;
}

#define KAMUSM_FILLED							\
	"From: Kamu SM <bilgi@kamusm.gov.tr>\r\n"			\
	"To: ayse.kaya@example.edu.tr\r\n"				\
	"Subject: Nitelikli Elektronik Sertifika Basvurunuz Alinmistir\r\n" \
	"Date: Thu, 03 Dec 2026 10:00:00 +0300\r\n"			\
	"Message-ID: <filled-1@kamusm.gov.tr>\r\n"			\
	"Content-Type: text/plain; charset=utf-8\r\n\r\n"		\
	"Sayın Ayşe Yılmaz Kaya,\r\n\r\n"				\
	"Nitelikli Elektronik Sertifika başvurunuz alınmıştır.\r\n"

static void
test_attach(void **state)
{
	struct world *w = *state;
	struct buf what = BUF_INIT;
	int64_t id = record(w, KAMUSM_FILLED), forged;

	assert_col(w, "SELECT outcome FROM message", "unplaced");
	assert_int_equal(admin_attach(w->db, &cfg, rules, id, 1, &w->by,
	    w->now, &what, w->err, sizeof w->err), ADMIN_OK);
	assert_string_equal(buf_str(&what), "rule kamusm_application_filled: "
	    "application_filled; the case moved");
	assert_col(w, "SELECT step FROM cases WHERE id = 1",
	    "application_filled");
	assert_col(w, "SELECT outcome || '|' || reason FROM message",
	    "applied|attached to NES-2026-0001 by ali: test");
	assert_col(w, "SELECT count(*) FROM thread WHERE case_id = 1 AND "
	    "message_id = 'filled-1@kamusm.gov.tr'", "1");
	assert_int_equal(admin_attach(w->db, &cfg, rules, id, 1, &w->by,
	    w->now, &what, w->err, sizeof w->err), ADMIN_REFUSED);
	/* To a case further on: history only, the step kept. */
	exec(w->db, "UPDATE cases SET step = 'approved' WHERE id = 3");
	buf_reset(&what);
	assert_int_equal(admin_attach(w->db, &cfg, rules, id, 3, &w->by,
	    w->now, &what, w->err, sizeof w->err), ADMIN_OK);
	assert_string_equal(buf_str(&what), "rule kamusm_application_filled: "
	    "application_filled; the case is further already: history only");
	assert_col(w, "SELECT step FROM cases WHERE id = 3", "approved");
	/* An applied message keeps what it did before. */
	assert_col(w, "SELECT reason FROM message", "attached to NES-2026-0001 "
	    "by ali: test; attached to NES-2026-0003 by ali: test");
	/* A forged Kamu SM sender: its rule shows nothing, so history only. */
	forged = record(w, "From: Kamu SM <bilgi@kamusm-gov.tr.example.org>\r\n"
	    "To: ismail.celik@example.edu.tr\r\n"
	    "Subject: Nitelikli Elektronik Sertifika Basvurunuz Alinmistir\r\n"
	    "Message-ID: <forged-1@example.org>\r\n\r\n"
	    "Sayın İsmail Çelik,\r\n\r\nNitelikli Elektronik Sertifika "
	    "başvurunuz alınmıştır.\r\n");
	assert_col(w, "SELECT outcome FROM message WHERE message_id = "
	    "'forged-1@example.org'", "quarantined");
	exec(w->db, "UPDATE cases SET step = 'kamusm_notified' WHERE id = 3");
	buf_reset(&what);
	assert_int_equal(admin_attach(w->db, &cfg, rules, forged, 3, &w->by,
	    w->now, &what, w->err, sizeof w->err), ADMIN_OK);
	assert_string_equal(buf_str(&what), "no step (rule "
	    "kamusm_application_filled needs a sender with role kamusm; "
	    "bilgi@kamusm-gov.tr.example.org is not): history only");
	assert_col(w, "SELECT step FROM cases WHERE id = 3", "kamusm_notified");
	assert_col(w, "SELECT count(*) FROM event WHERE case_id = 3 AND "
	    "kind = 'attached'", "1");
	assert_int_equal(admin_attach(w->db, &cfg, rules, 99, 3, &w->by,
	    w->now, &what, w->err, sizeof w->err), ADMIN_REFUSED);
	buf_free(&what);
}

#define BIDB_REPLY(mid, tag, body)					\
	"From: BIDB <bidb@example.edu.tr>\r\n"				\
	"To: robot@example.edu.tr\r\n"					\
	"Subject: YNT: [" tag "] NES yenileme\r\n"			\
	"Date: Thu, 03 Dec 2026 10:00:00 +0300\r\n"			\
	"Message-ID: <" mid "@example.edu.tr>\r\n"			\
	"Content-Type: text/plain; charset=utf-8\r\n\r\n"		\
	body "\r\n\r\nBİDB\r\n\r\n> Başvurunuz iptal edilmedi mi?\r\n"

static void
test_cancel_by_mail(void **state)
{
	struct world *w = *state;

	exec(w->db, "UPDATE cases SET paused_t = 1 WHERE id = 3");
	record(w, BIDB_REPLY("c1", "NES-2026-0003", "Başvuru iptal "
	    "edilmiştir."));
	assert_col(w, "SELECT step || '|' || closed_as || '|' || "
	    "ifnull(paused_t, '-') FROM cases WHERE id = 3",
	    "closed|cancelled|-");
	assert_col(w, "SELECT reason FROM message WHERE message_id = "
	    "'c1@example.edu.tr'", "rule bidb_cancelled: closed (cancelled) "
	    "for NES-2026-0003");
	/* A negation, a question: nothing. */
	record(w, BIDB_REPLY("c2", "NES-2026-0001", "Başvuru iptal "
	    "edilmedi."));
	record(w, BIDB_REPLY("c3", "NES-2026-0001", "Bu başvuru iptal mi "
	    "edildi?"));
	assert_col(w, "SELECT step FROM cases WHERE id = 1", "kamusm_notified");
	/* "kapatıldı" closes without cancelling. */
	record(w, BIDB_REPLY("c4", "NES-2026-0001", "Kart teslim edildi, "
	    "kapatıldı."));
	assert_col(w, "SELECT step || '|' || ifnull(closed_as, '-') FROM "
	    "cases WHERE id = 1", "closed|-");
	/* Someone else's "iptal" cancels nothing. */
	record(w, "From: Ayse <ayse.y2@example.edu.tr>\r\n"
	    "To: robot@example.edu.tr\r\nSubject: YNT: [NES-2026-0002] NES\r\n"
	    "Message-ID: <c5@example.edu.tr>\r\n\r\nBaşvurumu iptal ediyorum."
	    "\r\n");
	assert_col(w, "SELECT step FROM cases WHERE id = 2", "form_received");
}

static char *
csv(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	status_csv_field(f, s);
	fclose(f);
	return out;
}

#define assert_csv(s, want) do {					\
	char *c_ = csv(s);						\
	assert_string_equal(c_, (want));				\
	free(c_);							\
} while (0)

static void
test_csv_field(void **state)
{
	(void)state;
	assert_csv("Ayşe Yılmaz", "Ayşe Yılmaz");
	assert_csv(NULL, "");
	assert_csv("Yılmaz, Ayşe", "\"Yılmaz, Ayşe\"");
	assert_csv("the \"B\" unit", "\"the \"\"B\"\" unit\"");
	assert_csv("two\r\nlines", "\"two\r\nlines\"");
	/* What Excel would run as a formula is made text. */
	assert_csv("=HYPERLINK(\"http://x\")",
	    "\"'=HYPERLINK(\"\"http://x\"\")\"");
	assert_csv("+90 555", "\"'+90 555\"");
	assert_csv("-1", "\"'-1\"");
	assert_csv("@SUM(A1)", "\"'@SUM(A1)\"");
	assert_csv("a=b", "a=b");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_kinds),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_key, setup,
		    teardown),
		cmocka_unit_test(test_who_and_text),
		cmocka_unit_test_setup_teardown(test_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_cancel_left, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_by_mail, setup,
		    teardown),
		cmocka_unit_test(test_csv_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
