/* Unit tests for digest.c, digest_parts.c and digest_head.c: what moved
 * this week, escalated cases marked, requests without a form in the
 * unit table, cases waiting on Kamu SM shown as such, the holiday file's
 * warning, and the unit heads' own digests.  Run from the project's top
 * directory (reads rules/holidays.txt and templates/). */
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
#include "digest.h"
#include "log.h"
#include "mime.h"

#define HOLIDAYS	"rules/holidays.txt"

struct fx {
	sqlite3		*db;
	struct config	 cfg;
};

static char *digest_to[] = { "bidb@example.edu.tr", NULL };

static long long
at(int m, int d)
{
	return (long long)clock_make_local(2026, m, d, 10);
}

static void
exec(sqlite3 *db, const char *sql)
{
	if (db_exec(db, sql) != 0)
		fail_msg("%s", sql);
}

/* Three requests: 48213 of Mühendislik (its unit head known; one case
 * notified this week after being sent to Kamu SM before it, one waiting
 * on Kamu SM for six weeks and escalated, one closed this week), 48300 of
 * Fen still without its form, 48400 of Tıp whose form came this week.
 * A fourth request names BİDB as its unit head. */
static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	struct buf b = BUF_INIT;
	char err[256];

	log_init(LOG_LVL_ERR, 0);
	if (clock_load_holidays(HOLIDAYS, err, sizeof err) == -1 ||
	    db_open(":memory:", &fx->db, err, sizeof err) == -1) {
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
	fx->cfg.robot.holidays_file = HOLIDAYS;
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
	fx->cfg.digest.to = digest_to;
	fx->cfg.digest.nto = 1;
	fx->cfg.digest.weekday = 1;
	fx->cfg.digest.hour = 9;

	buf_printf(&b, "INSERT INTO request(id, ticket, unit, requester, "
	    "requester_email, opened_t, form_t, created_t, updated_t) VALUES "
	    "(1, '48213', 'Mühendislik Fakültesi', 'Ali Veli', "
	    "'Dekan@example.edu.tr', %lld, %lld, %lld, %lld), "
	    "(2, '48300', 'Fen Fakültesi', 'Veli Ali', NULL, %lld, NULL, %lld, "
	    "%lld), "
	    "(3, '48400', 'Tıp Fakültesi', NULL, 'tip.dekan@example.edu.tr', "
	    "%lld, %lld, %lld, %lld), "
	    "(4, '48500', 'Hukuk Fakültesi', 'Hasan Koç', "
	    "'bidb@example.edu.tr', %lld, %lld, %lld, %lld);",
	    at(4, 27), at(4, 28), at(4, 27), at(4, 28),
	    at(5, 4), at(5, 4), at(5, 4),
	    at(6, 11), at(6, 12), at(6, 11), at(6, 12),
	    at(6, 1), at(6, 2), at(6, 1), at(6, 2));
	buf_printf(&b, "INSERT INTO cases(id, tag, request, name, unit, step, "
	    "step_t, approval, created_t, updated_t) VALUES "
	    "(1, 'NES-2026-0001', 1, 'Ayşe Yılmaz', NULL, 'kamusm_notified', "
	    "%lld, NULL, 0, 0), "
	    "(2, 'NES-2026-0002', 1, 'Can Demir', NULL, 'sent_to_kamusm', "
	    "%lld, NULL, 0, 0), "
	    "(3, 'NES-2026-0003', 1, 'Ece Kaya', NULL, 'closed', %lld, "
	    "'e-onay', 0, 0), "
	    "(4, 'NES-2026-0004', 3, 'Deniz Ak', NULL, 'form_received', %lld, "
	    "NULL, 0, 0), "
	    "(5, 'NES-2026-0005', 4, 'Filiz Er', NULL, 'approved', %lld, "
	    "'e-imza', 0, 0);",
	    at(6, 10), at(5, 4), at(6, 11), at(6, 12), at(6, 2));
	buf_printf(&b, "INSERT INTO event(case_id, at_t, kind, step) VALUES "
	    "(1, %lld, 'step', 'form_received'), "
	    "(1, %lld, 'step', 'sent_to_kamusm'), "
	    "(1, %lld, 'step', 'kamusm_notified'), "
	    "(2, %lld, 'step', 'sent_to_kamusm'), "
	    "(3, %lld, 'step', 'approved'), (3, %lld, 'step', 'closed'), "
	    "(4, %lld, 'step', 'form_received'), "
	    "(5, %lld, 'step', 'approved');",
	    at(4, 28), at(6, 1), at(6, 10), at(5, 4), at(6, 1), at(6, 11),
	    at(6, 12), at(6, 2));
	/* Can's three reminders went unanswered: escalated on 1 June. */
	buf_printf(&b, "INSERT INTO reminder(case_id, request, step, "
	    "recipient, n, sent_t) VALUES (2, 1, 'sent_to_kamusm', "
	    "'escalation', 1, %lld)", at(6, 1));
	exec(fx->db, buf_str(&b));
	buf_free(&b);
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

static char *
render(struct fx *fx, const char *iso)
{
	char *subject, *text, *html;
	time_t now;

	assert_int_equal(clock_parse_iso(iso, &now), 0);
	assert_int_equal(digest_render(fx->db, &fx->cfg, now, &subject, &text,
	    &html), 0);
	free(subject);
	free(html);
	return text;
}

/* The digest's run on Monday 15 June 2026 at 09:30, which queues it;
 * returns that time. */
static time_t
run_monday(struct fx *fx)
{
	time_t now;

	assert_int_equal(clock_parse_iso("2026-06-15T09:30:00+03:00", &now),
	    0);
	assert_int_equal(digest_run(fx->db, &fx->cfg, now), 1);
	return now;
}

static void
has(const char *text, const char *needle, int want)
{
	if ((strstr(text, needle) != NULL) != want)
		fail_msg("the digest %s \"%s\":\n%s", want ? "lacks" : "has",
		    needle, text);
}

static void
test_bidb_digest(void **state)
{
	struct fx *fx = *state;
	char *t = render(fx, "2026-06-15T09:30:00+03:00");

	/* What moved this week, per step change. */
	has(t, "Bu hafta ilerleyen: 3", 1);
	has(t, "  Talep formu alındı -> Kamu SM kişiyi bilgilendirdi", 0);
	has(t, "  Kamu SM'ye gönderildi -> Kamu SM kişiyi bilgilendirdi: "
	    "1 kişi\n      Ayşe Yılmaz [NES-2026-0001]\n", 1);
	has(t, "  Yeni kayıt -> Talep formu alındı: 1 kişi\n"
	    "      Deniz Ak [NES-2026-0004]\n", 1);
	has(t, "  Başvuru onaylandı -> Kapatıldı: 1 kişi\n", 1);
	/* Can waited the whole week: he did not move. */
	has(t, "Can Demir [", 0);
	/* The unit table counts requests still without a form. */
	has(t, "  Fen Fakültesi: 0 kayıt, 1 talep formu bekleniyor\n", 1);
	has(t, "  Mühendislik Fakültesi: 2 kayıt\n", 1);
	/* Waiting on Kamu SM, and escalated, shown as such. */
	has(t, "Kamu SM'de bekleyen: 2", 1);
	has(t, "Geciken: 2 (BİDB'ye devredilen: 1)", 1);
	has(t, "  [NES-2026-0002] Can Demir, Mühendislik Fakültesi: Kamu SM'ye "
	    "gönderildi; Kamu SM'de bekliyor (takip: BİDB); 04.05.2026 "
	    "tarihinden beri", 1);
	has(t, "      ! Hatırlatmalar sonuçsuz kaldı: 01.06.2026 tarihinde "
	    "BİDB'ye devredildi.\n", 1);
	has(t, "  [BYS #48300] Fen Fakültesi: Destek talebi açıldı; bekleyen: "
	    "Birim amiri; 04.05.2026", 1);
	/* Ayşe is not overdue yet; her line would say Personel. */
	has(t, "NES-2026-0001] Ayşe", 0);
	has(t, "UYARI: Tatil", 0);
	free(t);
}

/* Four years on the holiday file lists no 2031: the digest says so at
 * the top, naming the file and the year. */
static void
test_holiday_warning(void **state)
{
	struct fx *fx = *state;
	char *t = render(fx, "2030-10-14T09:30:00+03:00");

	has(t, "UYARI: Tatil dosyası (rules/holidays.txt) 2031 yılının "
	    "Ramazan ve Kurban Bayramı günlerini içermiyor. Önümüzdeki 90 gün",
	    1);
	assert_true(strstr(t, "UYARI") < strstr(t, "Açık kayıt:"));
	free(t);
	t = render(fx, "2030-10-02T09:30:00+03:00");
	has(t, "UYARI", 0);
	free(t);
}

/* The n-th mail to addr: its decoded text, or a header of it. */
static char *
mail_to(struct fx *fx, const char *addr, const char *header)
{
	static const char q[] =
	    "SELECT data FROM outbox WHERE rcpts = ?1 ORDER BY id LIMIT 1";
	struct mime_msg *msg = NULL;
	const char *why, *h;
	sqlite3_stmt *st;
	char *out;

	assert_int_equal(sqlite3_prepare_v2(fx->db, q, -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(mime_parse(sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), &msg, &why), 0);
	sqlite3_finalize(st);
	if (header == NULL)
		out = strdup(msg->text);
	else
		out = strdup((h = mime_header(msg, header)) ? h : "");
	mime_free(&msg);
	return out;
}

/* [digest] unit_heads: with BİDB's digest, each unit head with an open
 * request gets their own part, once a week; BİDB named as a requester
 * gets none, nor does a request whose unit head is unknown. */
static void
test_unit_heads(void **state)
{
	struct fx *fx = *state;
	time_t now;
	char *t;

	fx->cfg.digest.unit_heads = 1;
	now = run_monday(fx);
	assert_int_equal(digest_run(fx->db, &fx->cfg, now + 3600), 0);
	assert_int_equal(db_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "kind = 'digest.tmpl'", NULL, 0), 1);
	assert_int_equal(db_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "kind = 'digest_unit_head.tmpl'", NULL, 0), 2);
	assert_int_equal(db_int(fx->db, "SELECT count(*) FROM outbox WHERE "
	    "kind = 'digest_unit_head.tmpl' AND rcpts IN "
	    "('dekan@example.edu.tr', 'tip.dekan@example.edu.tr')", NULL, 0),
	    2);

	t = mail_to(fx, "dekan@example.edu.tr", NULL);
	has(t, "Sayın Ali Veli,", 1);
	has(t, "Açık kayıt: 2    Geciken: 1    Kamu SM'de bekleyen: 1    "
	    "Bu hafta ilerleyen: 2", 1);
	has(t, "  [NES-2026-0001] Ayşe Yılmaz: Kamu SM kişiyi bilgilendirdi; "
	    "bekleyen: Personel; 10.06.2026 tarihinden beri (3 iş günü)\n", 1);
	has(t, "  [NES-2026-0002] Can Demir: Kamu SM'ye gönderildi; Kamu SM'de "
	    "bekliyor; 04.05.2026 tarihinden beri", 1);
	has(t, "(gecikti); 01.06.2026 tarihinde BİDB'ye devredildi\n", 1);
	has(t, "Kamu SM'ye gönderildi -> Kamu SM kişiyi bilgilendirdi: "
	    "Ayşe Yılmaz [NES-2026-0001]\n", 1);
	has(t, "  [NES-2026-0003] Ece Kaya: 11.06.2026\n", 1);
	/* Only their own requests. */
	has(t, "Deniz Ak", 0);
	has(t, "Fen Fakültesi", 0);
	has(t, "Filiz Er", 0);
	free(t);
	t = mail_to(fx, "dekan@example.edu.tr", "Reply-To");
	has(t, "<bidb@example.edu.tr>", 1);
	free(t);

	t = mail_to(fx, "tip.dekan@example.edu.tr", NULL);
	has(t, "Sayın Birim Amiri,", 1);
	has(t, "[NES-2026-0004] Deniz Ak: Talep formu alındı; bekleyen: BİDB",
	    1);
	has(t, "Ayşe", 0);
	free(t);
}

/* Without unit_heads, BİDB's digest alone. */
static void
test_unit_heads_off(void **state)
{
	struct fx *fx = *state;

	run_monday(fx);
	assert_int_equal(db_int(fx->db, "SELECT count(*) FROM outbox", NULL,
	    0), 1);
}

/* A paused case is late for nobody: the digest counts it open, not
 * overdue, and does not mark it. */
static void
test_paused_not_late(void **state)
{
	struct fx *fx = *state;
	char *t;

	fx->cfg.digest.unit_heads = 1;
	assert_int_equal(db_exec(fx->db, "UPDATE cases SET paused_t = 1 "
	    "WHERE tag = 'NES-2026-0002'"), 0);
	run_monday(fx);
	t = mail_to(fx, "dekan@example.edu.tr", NULL);
	has(t, "Açık kayıt: 2    Geciken: 0", 1);
	has(t, "(gecikti)", 0);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bidb_digest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_holiday_warning, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_paused_not_late, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unit_heads, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unit_heads_off, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
