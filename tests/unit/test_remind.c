/* Unit tests for remind.c: who is reminded on which business day, the cap
 * and the escalation, the Cc of the unit head, idempotence within a day.
 * Run from the project's top directory (reads rules/holidays.txt and
 * templates/). */
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
#include "mime.h"
#include "outbox.h"
#include "remind.h"

#define HOLIDAYS	"rules/holidays.txt"

struct fx {
	sqlite3		*db;
	struct config	 cfg;
};

static char *digest_to[] = { "bidb@example.edu.tr", NULL };

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	char err[256];

	log_init(LOG_LVL_ERR, 0);
	if (clock_load_holidays(HOLIDAYS, err, sizeof err) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (db_open(":memory:", &fx->db, err, sizeof err) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	fx->cfg.smtp.from = "robot@example.edu.tr";
	fx->cfg.smtp.max_per_recipient_day = 20;
	fx->cfg.institution.domain = "example.edu.tr";
	fx->cfg.institution.bidb = "bidb@example.edu.tr";
	fx->cfg.institution.yazi_isleri = "yaziisleri@example.edu.tr";
	fx->cfg.institution.robot = "robot@example.edu.tr";
	fx->cfg.robot.templates_dir = "templates";
	fx->cfg.reminders.hour = 9;
	fx->cfg.reminders.max_per_step = 3;
	fx->cfg.reminders.ticket_first = 3;
	fx->cfg.reminders.ticket_every = 3;
	fx->cfg.reminders.form_first = 2;
	fx->cfg.reminders.form_every = 1;
	fx->cfg.reminders.sent_first = 5;
	fx->cfg.reminders.sent_every = 5;
	fx->cfg.reminders.notified_first = 5;
	fx->cfg.reminders.notified_every = 5;
	fx->cfg.reminders.filled_first = 3;
	fx->cfg.reminders.filled_every = 3;
	fx->cfg.reminders.wet_first = 2;
	fx->cfg.reminders.wet_every = 2;
	fx->cfg.reminders.shipping_first = 10;
	fx->cfg.reminders.shipping_every = 5;
	fx->cfg.reminders.acknowledge = 1;
	fx->cfg.digest.to = digest_to;
	fx->cfg.digest.nto = 1;
	fx->cfg.digest.weekday = 1;
	fx->cfg.digest.hour = 9;
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

static void
exec(sqlite3 *db, const char *sql)
{
	assert_int_equal(db_exec(db, sql), 0);
}

/* Runs remind_run at 08:00 (before the hour: nothing), then twice at
 * 09:30 and once at 16:00, every day from (y, m, d) for ndays; appends
 * "DD.MM role rcpts" for each mail queued to out. */
static void
replay(struct fx *fx, int y, int m, int d, int ndays, struct buf *out)
{
	static const char q[] =
	    "SELECT o.id, o.created_t, o.rcpts, o.kind FROM outbox o"
	    " WHERE o.id > ?1 ORDER BY o.id";
	int64_t last = db_int(fx->db, "SELECT ifnull(max(id), 0) FROM outbox",
	    NULL, 0);

	for (int i = 0; i < ndays; i++) {
		time_t day = clock_make_local(y, m, d, 12) + (time_t)i * 86400;
		struct tm tm;
		sqlite3_stmt *st;

		clock_local(day, &tm);
		assert_int_equal(remind_run(fx->db, &fx->cfg,
		    clock_make_local(tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, 8)), 0);
		for (int k = 0; k < 3; k++)
			assert_true(remind_run(fx->db, &fx->cfg,
			    clock_make_local(tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, k == 2 ? 16 : 9) + 1800) >= 0);
		assert_int_equal(sqlite3_prepare_v2(fx->db, q, -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_int64(st, 1, last);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct tm t;

			last = sqlite3_column_int64(st, 0);
			clock_local((time_t)sqlite3_column_int64(st, 1), &t);
			buf_printf(out, "%02d.%02d %s %s\n", t.tm_mday,
			    t.tm_mon + 1, sqlite3_column_text(st, 3),
			    sqlite3_column_text(st, 2));
		}
		sqlite3_finalize(st);
	}
}

static void
add_request(struct fx *fx, const char *values)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "INSERT INTO request(id, ticket, unit, requester, "
	    "requester_email, opened_t, form_t, created_t, updated_t) "
	    "VALUES %s", values);
	exec(fx->db, buf_str(&b));
	buf_free(&b);
}

static void
add_case(struct fx *fx, int id, int request, const char *email,
    const char *step, time_t step_t, const char *approval)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "INSERT INTO cases(id, tag, request, name, tckn, email, "
	    "unit, step, step_t, approval, created_t, updated_t) VALUES (%d, "
	    "'NES-2026-%04d', %d, 'Ayşe Yılmaz %d', '10000000146', %s%s%s, "
	    "'Mühendislik Fakültesi', '%s', %lld, %s%s%s, %lld, %lld)", id, id,
	    request, id, email ? "'" : "", email ? email : "NULL",
	    email ? "'" : "", step, (long long)step_t, approval ? "'" : "",
	    approval ? approval : "NULL", approval ? "'" : "",
	    (long long)step_t, (long long)step_t);
	exec(fx->db, buf_str(&b));
	buf_free(&b);
}

/* The person at kamusm_notified since Monday 18 May 2026 (19 May is a
 * holiday, 27-30 May Kurban Bayramı): 5 business days pass on Tuesday
 * 26 May; then every 5 business days, unit head in Cc from the 2nd; after
 * 3, one escalation to BİDB and nothing more. */
static void
test_person_across_holidays(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT;

	add_request(fx, "(1, '48213', 'Mühendislik Fakültesi', 'Ali Veli', "
	    "'dekan@example.edu.tr', 0, 0, 0, 0)");
	add_case(fx, 1, 1, "ayse@example.edu.tr", "kamusm_notified",
	    clock_make_local(2026, 5, 18, 10), NULL);
	replay(fx, 2026, 5, 18, 45, &got);
	assert_string_equal(buf_str(&got),
	    "26.05 remind_notified_person.tmpl ayse@example.edu.tr\n"
	    "05.06 remind_notified_person.tmpl ayse@example.edu.tr, "
	    "dekan@example.edu.tr\n"
	    "12.06 remind_notified_person.tmpl ayse@example.edu.tr, "
	    "dekan@example.edu.tr\n"
	    "19.06 escalate_bidb.tmpl bidb@example.edu.tr\n");
	assert_int_equal(remind_count(fx->db, 1), 3);
	assert_int_equal(db_int(fx->db, "SELECT count(*) FROM event WHERE "
	    "case_id = 1 AND kind = 'reminder'", NULL, 0), 3);
	assert_int_equal(db_int(fx->db, "SELECT count(*) FROM event WHERE "
	    "case_id = 1 AND kind = 'escalation'", NULL, 0), 1);
	/* The mail itself names the person and carries the case tag. */
	assert_int_equal(db_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "kind = 'remind_notified_person.tmpl' AND instr(data, "
	    "'X-NES-Case: NES-2026-0001') > 0 AND "
	    "instr(data, 'Cc: dekan@') > 0",
	    NULL, 0), 2);
	buf_free(&got);
}

/* BİDB holding a form since Friday 22 May: 2 business days on Tuesday
 * 26 May, then every business day (1 June after the Bayram and the
 * weekend), one mail per request for both its people. */
static void
test_form_group_cap_escalation(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT;
	time_t t = clock_make_local(2026, 5, 22, 15);

	add_request(fx, "(1, '48213', 'Mühendislik Fakültesi', 'Ali Veli', "
	    "'dekan@example.edu.tr', 0, 0, 0, 0)");
	add_case(fx, 1, 1, "a@example.edu.tr", "form_received", t, NULL);
	add_case(fx, 2, 1, "b@example.edu.tr", "form_received", t, NULL);
	replay(fx, 2026, 5, 21, 20, &got);
	assert_string_equal(buf_str(&got),
	    "26.05 remind_form_bidb.tmpl bidb@example.edu.tr\n"
	    "01.06 remind_form_bidb.tmpl bidb@example.edu.tr\n"
	    "02.06 remind_form_bidb.tmpl bidb@example.edu.tr\n"
	    "03.06 escalate_bidb.tmpl bidb@example.edu.tr\n");
	assert_int_equal(remind_count(fx->db, 1), 3);
	assert_int_equal(remind_count(fx->db, 2), 3);
	/* Both people are listed in the one mail. */
	assert_int_equal(db_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "kind = 'remind_form_bidb.tmpl' AND instr(data, 'NES-2026-0001')"
	    " > 0 AND instr(data, 'NES-2026-0002') > 0", NULL, 0), 3);
	buf_free(&got);
}

/* Many requests at once, their people listed in ids that alternate
 * between requests (as forms come in): each request's people share their
 * one mail and no other request's person is in it; the tickets waiting
 * for a form are read too (more entries than the run first makes room
 * for) and are not due yet. */
static void
test_many_requests_grouped(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT, want = BUF_INIT;
	time_t t = clock_make_local(2026, 5, 22, 15);
	char v[256], a[64], b[64];
	int r;

	fx->cfg.smtp.max_per_recipient_day = 0;		/* no cap here */
	for (r = 1; r <= 70; r++) {
		snprintf(v, sizeof v, "(%d, '%d', 'Fen Fakültesi', 'Ali Veli', "
		    "'dekan%d@example.edu.tr', %lld, NULL, 0, 0)", r,
		    48000 + r, r, (long long)t);
		add_request(fx, v);
	}
	/* Forms for the first 40: cases r and r + 40. */
	for (r = 1; r <= 40; r++) {
		add_case(fx, r, r, "a@example.edu.tr", "form_received", t,
		    NULL);
		add_case(fx, r + 40, r, "b@example.edu.tr", "form_received", t,
		    NULL);
	}
	exec(fx->db, "UPDATE request SET form_t = opened_t WHERE id <= 40");
	replay(fx, 2026, 5, 26, 1, &got);
	for (r = 1; r <= 40; r++)
		buf_printf(&want, "26.05 remind_form_bidb.tmpl "
		    "bidb@example.edu.tr\n");
	assert_string_equal(buf_str(&got), buf_str(&want));
	for (r = 1; r <= 40; r++) {
		snprintf(a, sizeof a, "NES-2026-%04d", r);
		snprintf(b, sizeof b, "NES-2026-%04d", r + 40);
		snprintf(v, sizeof v, "SELECT count(*) FROM outbox WHERE "
		    "instr(data, '%s') > 0 AND instr(data, '%s') > 0", a, b);
		assert_int_equal(db_int(fx->db, v, NULL, 0), 1);
		/* ... and in no other mail. */
		snprintf(v, sizeof v, "SELECT count(*) FROM outbox WHERE "
		    "instr(data, '%s') > 0 OR instr(data, '%s') > 0", a, b);
		assert_int_equal(db_int(fx->db, v, NULL, 0), 1);
		assert_int_equal(remind_count(fx->db, r), 1);
		assert_int_equal(remind_count(fx->db, r + 40), 1);
	}
	buf_free(&got);
	buf_free(&want);
}

/* A ticket without a form, the unit head unknown: BİDB is reminded. */
static void
test_ticket_unknown_head(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT;
	char v[256];

	snprintf(v, sizeof v, "(1, '48213', 'Fen Fakültesi', NULL, NULL, "
	    "%lld, NULL, %lld, %lld)",
	    (long long)clock_make_local(2026, 6, 3, 11),
	    (long long)clock_make_local(2026, 6, 3, 11),
	    (long long)clock_make_local(2026, 6, 3, 11));
	add_request(fx, v);
	replay(fx, 2026, 6, 3, 9, &got);
	/* Wed 3 June + 3 business days = Mon 8 June; then every 3: Thu. */
	assert_string_equal(buf_str(&got),
	    "08.06 remind_ticket_unit_head.tmpl bidb@example.edu.tr\n"
	    "11.06 remind_ticket_unit_head.tmpl bidb@example.edu.tr\n");
	buf_free(&got);
}

/* Islak imza: Yazı İşleri; e-onay: BİDB after 10 business days. */
static void
test_approved_routes(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT;
	time_t t = clock_make_local(2026, 6, 1, 10);

	add_request(fx, "(1, NULL, 'Fen Fakültesi', NULL, NULL, 0, 0, 0, 0)");
	add_case(fx, 1, 1, "a@example.edu.tr", "approved", t, "islak-imza");
	add_case(fx, 2, 1, "b@example.edu.tr", "approved", t, "e-onay");
	replay(fx, 2026, 6, 1, 16, &got);
	assert_string_equal(buf_str(&got),
	    "03.06 remind_wet_yazi.tmpl yaziisleri@example.edu.tr\n"
	    "05.06 remind_wet_yazi.tmpl yaziisleri@example.edu.tr\n"
	    "09.06 remind_wet_yazi.tmpl yaziisleri@example.edu.tr\n"
	    "11.06 escalate_bidb.tmpl bidb@example.edu.tr\n"
	    "15.06 remind_shipping_bidb.tmpl bidb@example.edu.tr\n");
	buf_free(&got);
}

/* Overdue from the first threshold on, all day; not before. */
static void
test_overdue(void **state)
{
	struct fx *fx = *state;

	add_request(fx, "(1, NULL, 'Fen Fakültesi', NULL, NULL, 0, 0, 0, 0)");
	add_case(fx, 1, 1, "a@example.edu.tr", "application_filled",
	    clock_make_local(2026, 6, 5, 10), NULL);
	add_case(fx, 2, 1, "a@example.edu.tr", "closed",
	    clock_make_local(2026, 1, 5, 10), NULL);
	/* Fri 5 June + 3 business days = Wed 10 June. */
	assert_int_equal(remind_case_overdue(fx->db, &fx->cfg, 1,
	    clock_make_local(2026, 6, 9, 23)), 0);
	assert_int_equal(remind_case_overdue(fx->db, &fx->cfg, 1,
	    clock_make_local(2026, 6, 10, 0) + 60), 1);
	assert_int_equal(remind_case_overdue(fx->db, &fx->cfg, 2,
	    clock_make_local(2026, 6, 10, 12)), 0);
	/* Nothing on a Saturday, even when due. */
	assert_int_equal(remind_run(fx->db, &fx->cfg,
	    clock_make_local(2026, 6, 13, 10)), 0);
	assert_int_equal(remind_run(fx->db, &fx->cfg,
	    clock_make_local(2026, 6, 15, 10)), 1);
	assert_int_equal(remind_count(fx->db, 1), 1);
}

/* The same from a case's columns (the listings' way): the step's first
 * threshold, the wet-signature one after approval on paper, never when
 * paused or at a step without reminders. */
static void
test_overdue_of(void **state)
{
	struct fx *fx = *state;
	time_t fri = clock_make_local(2026, 6, 5, 10);
	time_t tue = clock_make_local(2026, 6, 9, 12);	/* 2 business days */
	time_t wed = clock_make_local(2026, 6, 10, 12);	/* 3 */

	assert_int_equal(remind_overdue_of(&fx->cfg, "application_filled",
	    fri, NULL, 0, tue), 0);
	assert_int_equal(remind_overdue_of(&fx->cfg, "application_filled",
	    fri, NULL, 0, wed), 1);
	assert_int_equal(remind_overdue_of(&fx->cfg, "application_filled",
	    fri, NULL, 1, wed), 0);
	assert_int_equal(remind_overdue_of(&fx->cfg, "approved", fri,
	    "islak-imza", 0, tue), 1);
	assert_int_equal(remind_overdue_of(&fx->cfg, "approved", fri,
	    "e-onay", 0, tue), 0);
	assert_int_equal(remind_overdue_of(&fx->cfg, "certificate_shipped",
	    fri, NULL, 0, wed + 30 * 86400), 0);
	assert_int_equal(remind_overdue_of(&fx->cfg, "closed", fri, NULL, 0,
	    wed + 30 * 86400), 0);
}

/* A person without an address: BİDB is told when the first reminder
 * would have gone, once. */
static void
test_person_without_address(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT;

	add_request(fx, "(1, NULL, 'Fen Fakültesi', NULL, NULL, 0, 0, 0, 0)");
	add_case(fx, 1, 1, NULL, "application_filled",
	    clock_make_local(2026, 6, 5, 10), NULL);
	replay(fx, 2026, 6, 5, 14, &got);
	assert_string_equal(buf_str(&got),
	    "10.06 escalate_bidb.tmpl bidb@example.edu.tr\n");
	buf_free(&got);
}

/* The n-th mail (1 = the first) of kind: its decoded text body, or a
 * header of it when header is set, as a new string ("" when absent). */
static char *
mail_part(struct fx *fx, const char *kind, int n, const char *header)
{
	static const char q[] =
	    "SELECT data FROM outbox WHERE kind = ?1 ORDER BY id LIMIT 1 "
	    "OFFSET ?2";
	struct mime_msg *msg = NULL;
	const char *why, *h;
	sqlite3_stmt *st;
	char *out;

	assert_int_equal(sqlite3_prepare_v2(fx->db, q, -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, n - 1);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(mime_parse(sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), &msg, &why), 0);
	sqlite3_finalize(st);
	if (header == NULL)
		out = strdup(msg->text ? msg->text : "");
	else if (strcmp(header, "Subject") == 0)
		out = strdup(msg->subject ? msg->subject : "");
	else
		out = strdup((h = mime_header(msg, header)) ? h : "");
	mime_free(&msg);
	return out;
}

/* Asserts that the n-th mail of kind has (want 1) or lacks (want 0) the
 * text needle in its body, or in header when set. */
static void
mail_has(struct fx *fx, const char *kind, int n, const char *header,
    const char *needle, int want)
{
	char *s = mail_part(fx, kind, n, header);

	if ((strstr(s, needle) != NULL) != want)
		fail_msg("mail %d of %s %s \"%s\":\n%s", n, kind,
		    want ? "lacks" : "has", needle, s);
	free(s);
}

static int
count_of(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		n++;
	return n;
}

/* The ticket names its requester and a unit head's address: the unit
 * head is reminded by name, three times, the third saying it is the
 * last, each with a Reply-To that reaches BİDB; then the escalation. */
static void
test_ticket_head_known(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT;
	char v[256];
	time_t t = clock_make_local(2026, 6, 3, 11);

	snprintf(v, sizeof v, "(1, '48213', 'Fen Fakültesi', 'Ali Veli', "
	    "'dekan@example.edu.tr', %lld, NULL, %lld, %lld)", (long long)t,
	    (long long)t, (long long)t);
	add_request(fx, v);
	replay(fx, 2026, 6, 3, 20, &got);
	assert_string_equal(buf_str(&got),
	    "08.06 remind_ticket_unit_head.tmpl dekan@example.edu.tr\n"
	    "11.06 remind_ticket_unit_head.tmpl dekan@example.edu.tr\n"
	    "16.06 remind_ticket_unit_head.tmpl dekan@example.edu.tr\n"
	    "19.06 escalate_bidb.tmpl bidb@example.edu.tr\n");
	mail_has(fx, "remind_ticket_unit_head.tmpl", 1, NULL,
	    "Sayın Ali Veli,", 1);
	mail_has(fx, "remind_ticket_unit_head.tmpl", 1, NULL,
	    "Bu, bu konudaki 1. hatırlatmadır.", 1);
	mail_has(fx, "remind_ticket_unit_head.tmpl", 1, NULL,
	    "son hatırlatma", 0);
	mail_has(fx, "remind_ticket_unit_head.tmpl", 2, "Subject",
	    "son hatırlatma", 0);
	mail_has(fx, "remind_ticket_unit_head.tmpl", 3, NULL,
	    "Bu, bu konudaki 3. ve son hatırlatmadır.", 1);
	mail_has(fx, "remind_ticket_unit_head.tmpl", 3, "Subject",
	    "NES yenileme talebiniz: başvuru formu bekleniyor "
	    "(son hatırlatma)", 1);
	for (int i = 1; i <= 3; i++) {
		mail_has(fx, "remind_ticket_unit_head.tmpl", i, "Reply-To",
		    "<bidb@example.edu.tr>", 1);
		mail_has(fx, "remind_ticket_unit_head.tmpl", i, "Reply-To",
		    "<robot@example.edu.tr>", 1);
	}
	mail_has(fx, "escalate_bidb.tmpl", 1, "Reply-To",
	    "<bidb@example.edu.tr>", 1);
	mail_has(fx, "escalate_bidb.tmpl", 1, NULL,
	    "dekan@example.edu.tr", 1);
	buf_free(&got);
}

/* The ticket names its requester but no address of a unit head, or
 * BİDB's own: the reminder goes to BİDB, says plainly that the unit
 * head's address is unknown, and greets BİDB, not the requester. */
static void
test_ticket_head_is_bidb(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT;
	char v[512];
	time_t t = clock_make_local(2026, 6, 3, 11);

	snprintf(v, sizeof v, "(1, '48213', 'Fen Fakültesi', 'Ali Veli', "
	    "'BIDB@example.edu.tr', %lld, NULL, %lld, %lld), (2, '48214', "
	    "'Tıp Fakültesi', 'Veli Ali', NULL, %lld, NULL, %lld, %lld)",
	    (long long)t, (long long)t, (long long)t, (long long)t,
	    (long long)t, (long long)t);
	add_request(fx, v);
	replay(fx, 2026, 6, 3, 6, &got);
	assert_string_equal(buf_str(&got),
	    "08.06 remind_ticket_unit_head.tmpl bidb@example.edu.tr\n"
	    "08.06 remind_ticket_unit_head.tmpl bidb@example.edu.tr\n");
	for (int i = 1; i <= 2; i++) {
		mail_has(fx, "remind_ticket_unit_head.tmpl", i, NULL,
		    "Sayın BİDB NES Sorumlusu,", 1);
		mail_has(fx, "remind_ticket_unit_head.tmpl", i, NULL,
		    "Birim amirinin adresi bilinmiyor.", 1);
		mail_has(fx, "remind_ticket_unit_head.tmpl", i, "Subject",
		    "Birim amirinin adresi bilinmiyor", 1);
		mail_has(fx, "remind_ticket_unit_head.tmpl", i, NULL,
		    "Sayın Ali", 0);
		mail_has(fx, "remind_ticket_unit_head.tmpl", i, NULL,
		    "Sayın Veli", 0);
		/* BİDB is the one reminded: no Reply-To back to itself. */
		mail_has(fx, "remind_ticket_unit_head.tmpl", i, "Reply-To",
		    "bidb", 0);
	}
	mail_has(fx, "remind_ticket_unit_head.tmpl", 1, NULL,
	    "Talep eden:  Ali Veli", 1);
	mail_has(fx, "remind_ticket_unit_head.tmpl", 2, NULL,
	    "Talep eden:  Veli Ali", 1);
	buf_free(&got);
}

/* The person's reminders carry the [links] pages (an empty one leaves
 * its line out), the third says it is the last, and replies reach BİDB;
 * BİDB's own reminders carry no Reply-To. */
static void
test_person_links_last(void **state)
{
	struct fx *fx = *state;
	struct buf got = BUF_INIT;
	char *text;

	fx->cfg.links.application = "https://kamusm.example/online";
	fx->cfg.links.e_onay = "https://bidb.example.edu.tr/e-onay";
	fx->cfg.links.e_onay_activation = "https://bidb.example.edu.tr/izin";
	fx->cfg.links.e_imza = "https://bidb.example.edu.tr/e-imza";
	fx->cfg.links.islak_imza = "";
	fx->cfg.links.videos = "https://bidb.example.edu.tr/video";
	add_request(fx, "(1, NULL, 'Fen Fakültesi', NULL, "
	    "'bidb@example.edu.tr', 0, 0, 0, 0)");
	add_case(fx, 1, 1, "a@example.edu.tr", "application_filled",
	    clock_make_local(2026, 6, 5, 10), NULL);
	add_case(fx, 2, 1, "b@example.edu.tr", "kamusm_notified",
	    clock_make_local(2026, 6, 5, 10), NULL);
	add_case(fx, 3, 1, "c@example.edu.tr", "form_received",
	    clock_make_local(2026, 6, 5, 10), NULL);
	replay(fx, 2026, 6, 5, 16, &got);
	text = mail_part(fx, "remind_filled_person.tmpl", 1, NULL);
	assert_non_null(strstr(text, "Nasıl yapılır: "
	    "https://bidb.example.edu.tr/e-onay\n"));
	assert_non_null(strstr(text, "e-Onay izni vermek için: "
	    "https://bidb.example.edu.tr/izin\n"));
	assert_non_null(strstr(text, "Nasıl yapılır: "
	    "https://bidb.example.edu.tr/e-imza\n"));
	assert_non_null(strstr(text, "Kamu SM Online İşlemler: "
	    "https://kamusm.example/online\n"));
	assert_non_null(strstr(text, "videolar: "
	    "https://bidb.example.edu.tr/video\n"));
	/* islak_imza is empty: two "how to" lines, not three. */
	assert_int_equal(count_of(text, "Nasıl yapılır:"), 2);
	assert_null(strstr(text, "son hatırlatma"));
	free(text);
	mail_has(fx, "remind_filled_person.tmpl", 3, NULL,
	    "3. ve son hatırlatmadır", 1);
	mail_has(fx, "remind_filled_person.tmpl", 3, "Subject",
	    "(son hatırlatma)", 1);
	mail_has(fx, "remind_filled_person.tmpl", 2, NULL,
	    "son hatırlatma", 0);
	mail_has(fx, "remind_filled_person.tmpl", 1, "Reply-To",
	    "<bidb@example.edu.tr>", 1);
	mail_has(fx, "remind_notified_person.tmpl", 1, NULL,
	    "Online İşlemler: https://kamusm.example/online\n", 1);
	mail_has(fx, "remind_notified_person.tmpl", 1, NULL,
	    "şimdiden verebilirsiniz: https://bidb.example.edu.tr/izin", 1);
	/* The request names BİDB as its unit head: nobody in Cc. */
	mail_has(fx, "remind_notified_person.tmpl", 2, "Cc", "bidb", 0);
	mail_has(fx, "remind_notified_person.tmpl", 2, NULL,
	    "birim amirinize de", 0);
	mail_has(fx, "remind_form_bidb.tmpl", 1, "Reply-To", "@", 0);
	mail_has(fx, "remind_form_bidb.tmpl", 3, NULL,
	    "3. ve son hatırlatmadır", 1);
	buf_free(&got);
}

/* sqlite3_trace_v2's callback: counts the statements that read the open
 * cases (remind.c's SQL_CASES). */
static int
count_case_reads(unsigned type, void *ctx, void *p, void *x)
{
	const char *sql = sqlite3_sql(p);

	(void)type;
	(void)x;
	if (sql != NULL && strstr(sql, "FROM cases c LEFT JOIN request") !=
	    NULL)
		(*(int *)ctx)++;
	return 0;
}

/* remind_run at hh:mm of Tuesday 9 June 2026; *reads the times it read
 * the open cases. */
static int
run_at(struct fx *fx, int hh, int mm, int day, int *reads)
{
	int n;

	*reads = 0;
	sqlite3_trace_v2(fx->db, SQLITE_TRACE_STMT, count_case_reads, reads);
	n = remind_run(fx->db, &fx->cfg, clock_make_local(2026, 6, day, hh) +
	    mm * 60);
	sqlite3_trace_v2(fx->db, 0, NULL, NULL);
	return n;
}

/* Once a run has decided for a day, a poll with nothing new does not read
 * the cases again that day; whatever could make something due does make
 * the next run decide again: a case added, or changed, by any writer, a
 * reminder taken away, another setting; and the next day. */
static void
test_quiet_day(void **state)
{
	struct fx *fx = *state;
	int reads;

	add_request(fx, "(1, '48213', 'Mühendislik Fakültesi', 'Ali Veli', "
	    "'dekan@example.edu.tr', 0, 0, 0, 0)");
	/* Notified on Tuesday 2 June: 5 business days on 9 June. */
	add_case(fx, 1, 1, "a@example.edu.tr", "kamusm_notified",
	    clock_make_local(2026, 6, 2, 10), NULL);
	/* Since Monday 8 June, and Thursday 4 June: not yet. */
	add_case(fx, 3, 1, "c@example.edu.tr", "kamusm_notified",
	    clock_make_local(2026, 6, 8, 10), NULL);
	add_case(fx, 4, 1, "d@example.edu.tr", "kamusm_notified",
	    clock_make_local(2026, 6, 4, 10), NULL);
	assert_int_equal(run_at(fx, 9, 30, 9, &reads), 1);
	assert_int_equal(reads, 1);
	assert_int_equal(run_at(fx, 10, 0, 9, &reads), 0);
	assert_int_equal(reads, 0);
	assert_int_equal(run_at(fx, 16, 0, 9, &reads), 0);
	assert_int_equal(reads, 0);

	/* Another writer adds a case long waiting. */
	add_case(fx, 2, 1, "b@example.edu.tr", "kamusm_notified",
	    clock_make_local(2026, 5, 20, 10), NULL);
	assert_int_equal(run_at(fx, 16, 5, 9, &reads), 1);
	assert_int_equal(remind_count(fx->db, 2), 1);
	assert_int_equal(run_at(fx, 16, 6, 9, &reads), 0);
	assert_int_equal(reads, 0);

	/* ... or moves one's date back. */
	exec(fx->db, "UPDATE cases SET step_t = step_t - 14 * 86400 "
	    "WHERE id = 3");
	assert_int_equal(run_at(fx, 16, 10, 9, &reads), 1);
	assert_int_equal(remind_count(fx->db, 3), 1);

	/* A reminder taken away (an administrator's merge, the purge). */
	exec(fx->db, "DELETE FROM reminder WHERE case_id = 1");
	assert_int_equal(run_at(fx, 16, 15, 9, &reads), 1);
	assert_int_equal(remind_count(fx->db, 1), 1);

	/* A setting: case 4 is 3 business days in. */
	assert_int_equal(run_at(fx, 16, 20, 9, &reads), 0);
	assert_int_equal(reads, 0);
	fx->cfg.reminders.notified_first = 3;
	assert_int_equal(run_at(fx, 16, 25, 9, &reads), 1);
	assert_int_equal(remind_count(fx->db, 4), 1);

	/* The next day is decided again (nothing due on it). */
	assert_int_equal(run_at(fx, 9, 30, 10, &reads), 0);
	assert_int_equal(reads, 1);
	assert_int_equal(run_at(fx, 9, 35, 10, &reads), 0);
	assert_int_equal(reads, 0);
}

/* A reminder whose template would not render is neither sent nor
 * recorded, and the day is not noted as decided: once the template is
 * mended (the settings unchanged), the next poll that day sends it. */
static void
test_quiet_day_template_mended(void **state)
{
	struct fx *fx = *state;
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir;
	char dir[512], cmd[1200];
	int reads;

	snprintf(dir, sizeof dir, "%s/test_remind.XXXXXX", base);
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "cp templates/*.tmpl %s/ && "
	    "rm %s/remind_notified_person.tmpl", dir, dir);
	assert_int_equal(system(cmd), 0);
	fx->cfg.robot.templates_dir = dir;
	add_request(fx, "(1, '48213', 'Mühendislik Fakültesi', 'Ali Veli', "
	    "'dekan@example.edu.tr', 0, 0, 0, 0)");
	add_case(fx, 1, 1, "a@example.edu.tr", "kamusm_notified",
	    clock_make_local(2026, 6, 2, 10), NULL);
	assert_int_equal(run_at(fx, 9, 30, 9, &reads), 0);
	assert_int_equal(remind_count(fx->db, 1), 0);
	snprintf(cmd, sizeof cmd, "cp templates/remind_notified_person.tmpl "
	    "%s/", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(run_at(fx, 10, 0, 9, &reads), 1);
	assert_int_equal(reads, 1);
	assert_int_equal(remind_count(fx->db, 1), 1);
	snprintf(cmd, sizeof cmd, "rm -r %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_person_across_holidays,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_group_cap_escalation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_requests_grouped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticket_unknown_head,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_approved_routes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overdue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overdue_of, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_person_without_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticket_head_known, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ticket_head_is_bidb,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_day, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_quiet_day_template_mended,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_person_links_last, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
