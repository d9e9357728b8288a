/* test_cases: the step state machine and how a message finds its cases,
 * on an in-memory database with the shipped rules: out-of-order mail,
 * the same message twice, several people in one message, a form seen
 * twice, trust refusals, and what the digest lists of mail it could not
 * place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "cases.h"
#include "cfg.h"
#include "clock.h"
#include "db.h"
#include "digest.h"
#include "fetch.h"
#include "imap.h"
#include "ledger.h"
#include "mem.h"
#include "mime.h"
#include "rules.h"
#include "unit.h"

#define T_AYSE	"10000000146"
#define T_OMER	"12345678950"

static struct config cfg;
static struct rule_set *rules;
static const char *kamusm_domains[] = { "kamusm.gov.tr", NULL };

struct world {
	sqlite3	*db;
	time_t	 now;
	int	 n;		/* messages applied, for unique ids */
	/* What the last decision said: no template is rendered here, the
	 * effects are read as they are (pipeline.c turns them to mail). */
	char	 reason[512];
	char	 code[32];
	char	 effects[256];	/* "ack_form:REQUEST:PEOPLE bounce" */
};

static int
setup(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	char err[512];

	if (rules == NULL) {
		memset(&cfg, 0, sizeof cfg);
		cfg.institution.domain = "example.edu.tr";
		cfg.institution.bidb = "bidb@example.edu.tr";
		cfg.institution.yazi_isleri = "yaziisleri@example.edu.tr";
		cfg.institution.bys = "bys-destek@example.edu.tr";
		cfg.institution.robot = "robot@example.edu.tr";
		/* These messages carry no stamp: roles from From alone
		 * (test_trust.c is about the stamps). */
		cfg.institution.authserv_none = 1;
		cfg.smtp.from = "robot@example.edu.tr";
		cfg.kamusm.domains = (char **)kamusm_domains;
		cfg.kamusm.ndomains = 1;
		cfg.limits.max_form_rows = 100;
		cfg.reminders.acknowledge = 0;	/* no mail in this test */
		if (rules_load("rules", &rules, err, sizeof err) == -1)
			fail_msg("%s", err);
	}
	if (db_open(":memory:", &w->db, err, sizeof err) == -1)
		fail_msg("%s", err);
	clock_parse_iso("2026-12-01T10:00:00+03:00", &w->now);
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

/* Applies one message made of headers (hdrs: extra header lines, each
 * ending in CRLF, or NULL) and body; returns its outcome. */
static const char *
apply_h(struct world *w, const char *hdrs, const char *from, const char *to,
    const char *subject, const char *body, const char *mid)
{
	static char outcome[32];
	struct case_outcome out = { 0 };
	struct mime_msg *m = NULL;
	char *raw, idbuf[64];
	const char *err = NULL;
	int64_t id;

	if (mid == NULL) {
		snprintf(idbuf, sizeof idbuf, "t%d@example.edu.tr", ++w->n);
		mid = idbuf;
	}
	raw = xmalloc(8192);
	snprintf(raw, 8192, "%sFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
	    "Message-ID: <%s>\r\nDate: Tue, 01 Dec 2026 09:00:00 +0300\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", hdrs ? hdrs : "",
	    from, to, subject, mid, body);
	assert_int_equal(mime_parse(raw, strlen(raw), &m, &err), 0);
	assert_int_equal(db_exec(w->db, "INSERT INTO message(folder, "
	    "uidvalidity, uid, size, hash, seen_at) VALUES ('t', 1, "
	    "(SELECT count(*) + 1 FROM message), 1, 'h', 'now')"), 0);
	id = sqlite3_last_insert_rowid(w->db);
	assert_int_equal(db_begin(w->db), 0);
	assert_int_equal(cases_apply(w->db, &cfg, rules, id, m, w->now, &out),
	    0);
	/* The outcome on the ledger, as the pipeline writes it (the
	 * digest and reprocess read it); the effects are not carried out. */
	assert_int_equal(ledger_set_outcome(w->db, id, out.outcome, out.code,
	    buf_str(&out.reason)), 0);
	assert_int_equal(db_commit(w->db), 0);
	snprintf(outcome, sizeof outcome, "%s", out.outcome);
	snprintf(w->reason, sizeof w->reason, "%s", buf_str(&out.reason));
	snprintf(w->code, sizeof w->code, "%s", reason_key(out.code));
	w->effects[0] = '\0';
	for (size_t i = 0; i < out.neffects; i++) {
		const struct case_effect *e = &out.effects[i];
		size_t l = strlen(w->effects);

		if (e->kind == EFFECT_ACK_FORM)
			snprintf(w->effects + l, sizeof w->effects - l,
			    "%sack_form:%lld:%zu", l ? " " : "",
			    (long long)e->request, e->form->npeople);
		else
			snprintf(w->effects + l, sizeof w->effects - l,
			    "%sbounce", l ? " " : "");
	}
	cases_outcome_free(&out);
	mime_free(&m);
	free(raw);
	return outcome;
}

static const char *
apply(struct world *w, const char *from, const char *to, const char *subject,
    const char *body, const char *mid)
{
	return apply_h(w, NULL, from, to, subject, body, mid);
}

static char *
q(struct world *w, const char *sql)
{
	sqlite3_stmt *st;
	char *v = NULL;

	assert_int_equal(sqlite3_prepare_v2(w->db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = db_col_strdup(st, 0);
	sqlite3_finalize(st);
	return v ? v : xstrdup("(null)");
}

static void
assert_q(struct world *w, const char *sql, const char *want)
{
	char *v = q(w, sql);

	assert_string_equal(v, want);
	free(v);
}

static void
form(struct world *w)
{
	assert_string_equal(apply(w, "Mehmet Karaca <mehmet.karaca@example"
	    ".edu.tr>", "bidb@example.edu.tr", "NES Yenileme Talep Formu - "
	    "Talep No 48213",
	    "Ad Soyad | T.C. Kimlik No | E-posta\r\n"
	    "Ayşe Yılmaz | " T_AYSE " | ayse.yilmaz@example.edu.tr\r\n"
	    "Ömer Şahin | " T_OMER " | omer.sahin@example.edu.tr\r\n",
	    "form-48213@example.edu.tr"), "applied");
}

static void
kamusm(struct world *w, const char *body, const char *mid)
{
	assert_string_equal(apply(w, "Kamu SM <bilgi@kamusm.gov.tr>",
	    "ayse.yilmaz@example.edu.tr", "Nitelikli Elektronik Sertifika "
	    "Başvurunuz", body, mid), "applied");
}

/* The state machine decides and says what the decision calls for; it
 * renders and queues no mail itself (pipeline.c does, from the effects):
 * here with no template directory at all. */
static void
test_effects(void **state)
{
	struct world *w = *state;

	form(w);
	assert_string_equal(w->code, "form");
	assert_string_equal(w->effects, "ack_form:1:2");
	/* The same form again: nobody new, nobody to tell. */
	assert_string_equal(apply(w, "Mehmet Karaca <mehmet.karaca@example"
	    ".edu.tr>", "bidb@example.edu.tr", "NES Yenileme Talep Formu - "
	    "Talep No 48213",
	    "Ad Soyad | T.C. Kimlik No | E-posta\r\n"
	    "Ayşe Yılmaz | " T_AYSE " | ayse.yilmaz@example.edu.tr\r\n",
	    NULL), "applied");
	assert_string_equal(w->effects, "");
	kamusm(w, "Sayın Ayşe Yılmaz,\r\nBaşvurunuz alınmıştır.", NULL);
	assert_string_equal(w->code, "moved");
	assert_string_equal(w->effects, "");
	/* A delivery report: whether it is about the robot's mail is the
	 * bounce reader's question. */
	assert_string_equal(apply_h(w, "Return-Path: <>\r\n",
	    "Mail Delivery System <mailer-daemon@example.edu.tr>",
	    "robot@example.edu.tr", "Undelivered Mail Returned to Sender",
	    "This is the mail system.", NULL), "ignored");
	assert_string_equal(w->code, "automatic");
	assert_string_equal(w->effects, "bounce");
	assert_q(w, "SELECT count(*) FROM outbox", "0");
}

static void
test_steps(void **state)
{
	(void)state;
	for (int s = STEP_TICKET_OPENED; s <= STEP_LAST; s++)
		assert_int_equal(case_step_parse(case_step_key(s)), s);
	assert_int_equal(case_step_parse("approve"), STEP_NONE);
	assert_string_equal(case_step_key(STEP_SENT_TO_KAMUSM),
	    "sent_to_kamusm");
}

static void
test_form_makes_cases_once(void **state)
{
	struct world *w = *state;

	form(w);
	assert_q(w, "SELECT group_concat(tag || '=' || step, ' ') FROM cases",
	    "NES-2026-0001=form_received NES-2026-0002=form_received");
	assert_q(w, "SELECT name FROM cases WHERE tckn = '" T_OMER "'",
	    "Ömer Şahin");
	/* The same form forwarded again: no new cases. */
	assert_string_equal(apply(w, "mehmet.karaca@example.edu.tr",
	    "bidb@example.edu.tr", "FW: NES Yenileme Talep Formu - Talep No "
	    "48213", "Ad Soyad | T.C. Kimlik No\r\nAyşe Yılmaz | " T_AYSE
	    "\r\n", NULL), "applied");
	assert_q(w, "SELECT count(*) FROM cases", "2");
}

static void
test_out_of_order(void **state)
{
	struct world *w = *state;

	form(w);
	kamusm(w, "Sayın AYŞE YILMAZ,\r\nBaşvurunuz e-Onay ile "
	    "onaylanmıştır.", NULL);
	assert_q(w, "SELECT step || ' ' || approval FROM cases WHERE tckn = '"
	    T_AYSE "'", "approved e-onay");
	/* The earlier step, late: history only. */
	kamusm(w, "Sayın AYŞE YILMAZ,\r\nBaşvurunuz alınmıştır. Başvuru No: "
	    "556677", NULL);
	assert_q(w, "SELECT step FROM cases WHERE tckn = '" T_AYSE "'",
	    "approved");
	assert_q(w, "SELECT group_concat(step, ',') FROM (SELECT step FROM "
	    "event WHERE case_id = (SELECT id FROM cases WHERE tckn = '"
	    T_AYSE "') ORDER BY id)",
	    "form_received,approved,application_filled");
	/* Ömer was not named: untouched. */
	assert_q(w, "SELECT step FROM cases WHERE tckn = '" T_OMER "'",
	    "form_received");
}

static void
test_same_message_twice(void **state)
{
	struct world *w = *state;

	form(w);
	kamusm(w, "Sayın Ayşe Yılmaz,\r\nBaşvurunuz alınmıştır.",
	    "same@kamusm.gov.tr");
	kamusm(w, "Sayın Ayşe Yılmaz,\r\nBaşvurunuz alınmıştır.",
	    "same@kamusm.gov.tr");
	assert_q(w, "SELECT count(*) FROM event WHERE step = "
	    "'application_filled'", "1");
	assert_string_equal(w->reason,
	    "rule kamusm_application_filled: application_filled for "
	    "NES-2026-0001 (no step changed)");
}

static void
test_several_people(void **state)
{
	struct world *w = *state;

	form(w);
	assert_string_equal(apply(w, "yaziisleri@example.edu.tr",
	    "bidb@example.edu.tr", "Islak imzalı formlar kargoda",
	    "Islak imzalı başvuru formları Kamu SM'ye kargo ile "
	    "gönderilmiştir.\r\nKargo Takip No: 1234567890\r\n"
	    "1. Ayşe Yılmaz - " T_AYSE "\r\n2. Ömer Şahin - " T_OMER "\r\n",
	    NULL), "applied");
	assert_q(w, "SELECT group_concat(step || ' ' || approval, ',') FROM "
	    "cases", "cargo_shipped islak-imza,cargo_shipped islak-imza");
}

static void
test_masked_and_folded_names(void **state)
{
	struct world *w = *state;

	form(w);
	/* Upper case, letters stripped, title before the name. */
	kamusm(w, "Sayin Doç. Dr. OMER SAHIN,\r\nkurumunuz tarafindan "
	    "adiniza nitelikli elektronik sertifika basvurusu yapilmistir.",
	    NULL);
	assert_q(w, "SELECT step FROM cases WHERE tckn = '" T_OMER "'",
	    "kamusm_notified");
	/* A masked number names the one open case that fits. */
	kamusm(w, "T.C. Kimlik No: 100******46\r\nBaşvurunuz alınmıştır.",
	    NULL);
	assert_q(w, "SELECT step FROM cases WHERE tckn = '" T_AYSE "'",
	    "application_filled");
}

static void
test_trust(void **state)
{
	struct world *w = *state;

	form(w);
	assert_string_equal(apply(w, "Kamu SM <bilgi@kamusm.gov.tr.example."
	    "net>", "ayse.yilmaz@example.edu.tr", "Başvurunuz",
	    "Sayın AYŞE YILMAZ,\r\nBaşvurunuz e-Onay ile onaylanmıştır.",
	    NULL), "quarantined");
	assert_string_equal(apply(w, "someone@elsewhere.example",
	    "bidb@example.edu.tr", "NES Yenileme Talep Formu - Talep No 4",
	    "Ad Soyad | T.C. Kimlik No\r\nX Y | " T_OMER "\r\n", NULL),
	    "quarantined");
	assert_q(w, "SELECT count(*) FROM event WHERE step = 'approved'",
	    "0");
	assert_q(w, "SELECT count(*) FROM cases", "2");
	/* Words of a note rule (BİDB's "e-imza" mail) from anyone else are
	 * no forgery: a note moves nothing, and staff write them daily. */
	assert_string_equal(apply(w, "hasan@example.edu.tr",
	    "bidb@example.edu.tr", "e-imza kartım çalışmıyor",
	    "Yardımcı olur musunuz?", NULL), "unplaced");
}

/* Headers nobody can believe, and a claim the institution's server does
 * not back: quarantined whatever the text, with the reason. */
static void
test_forged_headers(void **state)
{
	static char *ids[] = { "mx.example.edu.tr", NULL };
	struct world *w = *state;
	const char *outcome;

	form(w);
	assert_string_equal(apply_h(w, "From: bidb@example.edu.tr\r\n",
	    "evil@evil.example", "ayse.yilmaz@example.edu.tr",
	    "[NES-2026-0001] Kapatıldı", "Süreç tamamlanmıştır.", NULL),
	    "quarantined");
	assert_string_equal(w->reason,
	    "two From headers");
	assert_string_equal(apply(w, "=?utf-8?q?bidb=40example.edu.tr?= <<>",
	    "ayse.yilmaz@example.edu.tr", "[NES-2026-0001] Kapatıldı",
	    "Süreç tamamlanmıştır.", NULL), "quarantined");
	assert_string_equal(w->reason,
	    "a From header without exactly one address that can be read");

	cfg.institution.authserv_none = 0;
	cfg.institution.authserv_id = ids;
	cfg.institution.nauthserv_id = 1;
	assert_string_equal(apply_h(w, "Authentication-Results: "
	    "mx.example.edu.tr; spf=fail smtp.mailfrom=example.edu.tr; "
	    "dmarc=fail header.from=example.edu.tr\r\nReceived: from evil "
	    "by mx.example.edu.tr; Tue, 01 Dec 2026 09:00:00 +0300\r\n",
	    "BİDB <bidb@example.edu.tr>", "ayse.yilmaz@example.edu.tr",
	    "[NES-2026-0001] Kapatıldı", "Süreç tamamlanmıştır.", NULL),
	    "quarantined");
	assert_string_equal(w->reason,
	    "From bidb@example.edu.tr, but mx.example.edu.tr stamped "
	    "spf=fail, dmarc=fail for example.edu.tr");
	/* Out-of-office replies are still just set aside. */
	assert_string_equal(apply_h(w, "Auto-Submitted: auto-replied\r\n",
	    "ayse.yilmaz@example.edu.tr", "bidb@example.edu.tr",
	    "Otomatik yanıt: izindeyim", "İzindeyim.", NULL), "ignored");
	/* The same mail stamped is BİDB's own. */
	outcome = apply_h(w, "Authentication-Results: "
	    "mx.example.edu.tr; auth=pass smtp.auth=bidb\r\nReceived: from "
	    "mail by mx.example.edu.tr; Tue, 01 Dec 2026 09:00:00 +0300\r\n",
	    "BİDB <bidb@example.edu.tr>", "ayse.yilmaz@example.edu.tr",
	    "[NES-2026-0001] Kapatıldı", "Süreç tamamlanmıştır.", NULL);
	cfg.institution.authserv_none = 1;
	cfg.institution.authserv_id = NULL;
	cfg.institution.nauthserv_id = 0;
	assert_string_not_equal(outcome, "quarantined");
	assert_q(w, "SELECT count(*) FROM event WHERE kind = 'step' AND step = "
	    "'closed'", "0");
}

/* A ledger entry for raw (parsed as m) in INBOX of that UIDVALIDITY. */
static void
entry_init(struct ledger_entry *e, const struct world *w, const char *raw,
    size_t len, struct mime_msg *m, uint32_t uidvalidity)
{
	memset(e, 0, sizeof *e);
	e->folder = "INBOX";
	e->uidvalidity = uidvalidity;
	e->raw = raw;
	e->len = len;
	e->msg = m;
	e->now = w->now;
}

/* What reprocess reads back from the ledger is judged as the poll judged
 * it: the trace fields still raw, two From headers still two. */
static void
test_ledger_keeps_headers(void **state)
{
	static const char raw[] =
	    "Authentication-Results: mx.example.edu.tr; spf=fail "
	    "smtp.helo==?utf-8?q?x=3B_dkim=3Dpass_header.d=3Dkamusm.gov.tr?="
	    "\r\nReceived: from evil by mx.example.edu.tr; Tue, 01 Dec 2026 "
	    "09:00:00 +0300\r\nFrom: Kamu SM <bilgi@kamusm.gov.tr>\r\n"
	    "From: evil@evil.example\r\nSubject: x\r\n"
	    "Message-ID: <l1@evil.example>\r\n\r\nx\r\n";
	struct world *w = *state;
	struct ledger_entry e;
	struct mime_msg *m = NULL, *back = NULL;
	struct buf why = BUF_INIT;
	const char *err = NULL;
	int64_t id;
	int dup;

	assert_int_equal(mime_parse(raw, sizeof raw - 1, &m, &err), 0);
	entry_init(&e, w, raw, sizeof raw - 1, m, 1);
	e.uid = 1;
	assert_int_equal(db_begin(w->db), 0);
	assert_int_equal(ledger_record(w->db, &e, &id, &dup), 0);
	assert_int_equal(ledger_keep_text(w->db, id, m, 0), 0);
	assert_int_equal(db_commit(w->db), 0);
	assert_int_equal(ledger_load(w->db, id, &back), 0);
	assert_string_equal(mime_header(back, "Authentication-Results"),
	    mime_header(m, "Authentication-Results"));
	assert_non_null(strstr(mime_header(back, "Authentication-Results"),
	    "=?utf-8?q?x=3B_dkim=3Dpass_header.d=3Dkamusm.gov.tr?="));
	assert_int_equal(mime_check_headers(back, &why), -1);
	assert_string_equal(buf_str(&why), "two From headers");
	buf_free(&why);
	mime_free(&back);
	mime_free(&m);
}

/* The text of a message is kept unless no rule recognised it; with
 * keep_all_text, always; a text kept stays when asked again. */
static void
test_keep_text(void **state)
{
	static const char raw[] =
	    "From: Ali <ali@example.edu.tr>\r\nSubject: Yemek listesi\r\n"
	    "Message-ID: <k1@example.edu.tr>\r\n\r\nBugün mercimek.\r\n";
	struct world *w = *state;
	struct ledger_entry e;
	struct ledger_place p;
	struct mime_msg *m = mime_decode(raw, sizeof raw - 1, 1 << 20);
	struct mime_msg *back = NULL;
	struct imap *imap = NULL;
	char why[640];
	int64_t id[3];
	int dup;

	assert_non_null(m);
	entry_init(&e, w, raw, sizeof raw - 1, m, 7);
	assert_int_equal(db_begin(w->db), 0);
	for (int i = 0; i < 3; i++) {
		e.uid = 40 + (uint32_t)i;
		/* Another Message-ID each: not duplicates of one another. */
		free(m->message_id);
		m->message_id = xstrdup(i == 0 ? "k1@example.edu.tr" :
		    i == 1 ? "k2@example.edu.tr" : "k3@example.edu.tr");
		assert_int_equal(ledger_record(w->db, &e, &id[i], &dup), 0);
		assert_int_equal(dup, 0);
	}
	assert_int_equal(ledger_set_outcome(w->db, id[0], "unplaced",
	    REASON_NO_RULE, "no rule"), 0);
	assert_int_equal(ledger_set_outcome(w->db, id[1], "unplaced",
	    REASON_NO_CASE, "no case"), 0);
	assert_int_equal(ledger_set_outcome(w->db, id[2], "unplaced",
	    REASON_NO_RULE, "no rule"), 0);
	assert_int_equal(ledger_keep_text(w->db, id[0], m, 0), 0);
	assert_int_equal(ledger_keep_text(w->db, id[1], m, 0), 0);
	assert_int_equal(ledger_keep_text(w->db, id[2], m, 1), 0);
	assert_int_equal(ledger_keep_text(w->db, id[2], m, 1), 0);
	assert_int_equal(db_commit(w->db), 0);
	assert_q(w, "SELECT group_concat(m.uid) FROM message m JOIN "
	    "message_text t ON t.message = m.id", "41,42");
	assert_q(w, "SELECT count(*) FROM message_text WHERE body LIKE "
	    "'%mercimek%'", "2");
	/* Where to fetch the one not kept again from. */
	assert_int_equal(ledger_place(w->db, id[0], &p), 0);
	assert_string_equal(p.folder, "INBOX");
	assert_int_equal(p.uidvalidity, 7);
	assert_int_equal(p.uid, 40);
	assert_string_equal(p.message_id, "k1@example.edu.tr");
	assert_int_equal(p.kept, 0);
	ledger_place_free(&p);
	assert_int_equal(ledger_place(w->db, id[1], &p), 0);
	assert_int_equal(p.kept, 1);
	ledger_place_free(&p);
	assert_int_equal(ledger_place(w->db, 999, &p), -1);
	ledger_place_free(&p);
	/* Emptied past its retention: never brought back from the server
	 * (this config names no server: a try would fail otherwise). */
	assert_int_equal(sqlite3_exec(w->db, "UPDATE message SET purged_t = 1 "
	    "WHERE uid = 40", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(fetch_load(&cfg, w->db, &imap, id[0], &back, why,
	    sizeof why), 1);
	assert_null(imap);
	assert_null(back);
	assert_non_null(strstr(why, "emptied past its retention"));
	/* A kept text is read from the ledger, no server needed. */
	assert_int_equal(fetch_load(&cfg, w->db, &imap, id[1], &back, why,
	    sizeof why), 0);
	assert_null(imap);
	assert_non_null(strstr(back->text, "mercimek"));
	mime_free(&back);
	mime_free(&m);
}

/* A form row whose address is outside the institution makes no case:
 * the row is reported, as a bad T.C. Kimlik No is. */
static void
test_form_outside_address(void **state)
{
	struct world *w = *state;

	assert_string_equal(apply(w, "Mehmet Karaca <mehmet.karaca@example"
	    ".edu.tr>", "bidb@example.edu.tr", "NES Yenileme Talep Formu - "
	    "Talep No 48213",
	    "Ad Soyad | T.C. Kimlik No | E-posta\r\n"
	    "Ayşe Yılmaz | " T_AYSE " | ayse.yilmaz@example.edu.tr\r\n"
	    "Ömer Şahin | " T_OMER " | omer.sahin@gmail.example\r\n",
	    NULL), "applied");
	assert_q(w, "SELECT group_concat(email) FROM cases",
	    "ayse.yilmaz@example.edu.tr");
	assert_q(w, "SELECT detail FROM event WHERE kind = 'form_problem'",
	    "body (text), tablonun 2. satırı: Ömer Şahin: e-posta adresi "
	    "omer.sahin@gmail.example kurum dışında");
	assert_string_equal(w->reason, "rule form_in_body: form "
	    "(body (text)): 1 new case(s), 0 already known, 1 bad "
	    "row(s)");
	assert_string_equal(w->code, "form");
}

static void
test_unplaced_and_tag(void **state)
{
	struct world *w = *state;

	assert_string_equal(apply(w, "hasan@example.edu.tr",
	    "bidb@example.edu.tr", "Yazıcı çalışmıyor", "3. kat", NULL),
	    "unplaced");
	form(w);
	/* BİDB closes a case by replying to the robot's mail about it. */
	assert_string_equal(apply(w, "bidb@example.edu.tr",
	    "omer.sahin@example.edu.tr", "YNT: [NES-2026-0002] Sertifika",
	    "Talep kapatıldı.\r\n\r\n> eski metin", NULL), "applied");
	assert_q(w, "SELECT step FROM cases WHERE tag = 'NES-2026-0002'",
	    "closed");
	assert_q(w, "SELECT step FROM cases WHERE tag = 'NES-2026-0001'",
	    "form_received");
}

/* The digest lists mail a rule recognised but no case took, and
 * forgeries, up to a hundred; mail no rule recognised (an announcement)
 * is only counted. */
static void
test_digest_lists(void **state)
{
	struct world *w = *state;
	char *subject = NULL, *text = NULL, *html = NULL;

	form(w);
	assert_string_equal(apply(w, "hasan@example.edu.tr",
	    "bidb@example.edu.tr", "Yazıcı çalışmıyor", "3. kat", NULL),
	    "unplaced");
	assert_string_equal(apply(w, "duyuru@example.edu.tr",
	    "tum@example.edu.tr", "Bahar şenliği", "Program ekte.", NULL),
	    "unplaced");
	assert_string_equal(apply(w, "Kamu SM <bilgi@kamusm.gov.tr>",
	    "veli.demir@example.edu.tr", "Nitelikli Elektronik Sertifika "
	    "Başvurunuz", "Sayın VELİ DEMİR,\r\nKurumunuz tarafından "
	    "adınıza nitelikli elektronik sertifika başvurusu yapılmıştır.",
	    NULL), "unplaced");
	assert_string_equal(apply(w, "Kamu SM <bilgi@kamusm.gov.tr.example."
	    "net>", "ayse.yilmaz@example.edu.tr", "Başvurunuz",
	    "Sayın AYŞE YILMAZ,\r\nBaşvurunuz e-Onay ile onaylanmıştır.",
	    NULL), "quarantined");
	/* A week of such mail: a hundred are listed, the rest counted. */
	for (int i = 0; i < 101; i++)
		assert_string_equal(apply(w, "Kamu SM <bilgi@kamusm.gov.tr>",
		    "x@example.edu.tr", "Nitelikli Elektronik Sertifika",
		    "Kurumunuz tarafından adınıza nitelikli elektronik "
		    "sertifika başvurusu yapılmıştır.", NULL), "unplaced");
	assert_int_equal(db_exec(w->db, "UPDATE message SET subject = "
	    "'konu-' || id || '.'"), 0);
	assert_int_equal(digest_render(w->db, &cfg, w->now, &subject, &text,
	    &html), 0);
	assert_null(strstr(text, "konu-2."));	/* no rule: counted */
	assert_null(strstr(text, "konu-3."));
	assert_non_null(strstr(text, "konu-4."));	/* no case took it */
	assert_non_null(strstr(text, "konu-5."));	/* the forgery */
	assert_non_null(strstr(text, "hiçbir kurala uymayan 2 ileti"));
	assert_non_null(strstr(text, "konu-103."));
	assert_null(strstr(text, "konu-104."));
	assert_non_null(strstr(text, "ve 3 ileti daha"));
	assert_non_null(html);
	assert_null(strstr(html, "konu-3."));
	assert_non_null(strstr(html, "hiçbir kurala uymayan 2 ileti"));
	free(subject);
	free(text);
	free(html);
}


/* Kamu SM's mail is automatic by nature: read, and its step taken.  An
 * out-of-office reply states nothing. */
static void
test_system_mail(void **state)
{
	struct world *w = *state;

	form(w);
	assert_string_equal(apply_h(w, "Auto-Submitted: auto-generated\r\n"
	    "Precedence: bulk\r\n", "Kamu SM <noreply@kamusm.gov.tr>",
	    "ayse.yilmaz@example.edu.tr", "Başvurunuz hakkında",
	    "Sayın AYŞE YILMAZ,\r\nBaşvurunuz e-Onay ile onaylanmıştır.",
	    NULL), "applied");
	assert_q(w, "SELECT step FROM cases WHERE tckn = '" T_AYSE "'",
	    "approved");
	assert_string_equal(apply_h(w, "Auto-Submitted: auto-replied\r\n",
	    "omer.sahin@example.edu.tr", "bidb@example.edu.tr",
	    "Otomatik yanıt: NES", "e-imza ile onayladım yazan iletinize "
	    "dönüşte bakacağım.", NULL), "ignored");
	assert_q(w, "SELECT step FROM cases WHERE tckn = '" T_OMER "'",
	    "form_received");
}

/* A first-person statement moves only the sender's case: a unit head's
 * reply to the acknowledgement that listed two people moves neither, and
 * is kept for BİDB as a reply. */
static void
test_scope_first_person(void **state)
{
	struct world *w = *state;

	form(w);
	assert_int_equal(db_exec(w->db, "INSERT INTO outbox(kind, request, "
	    "message_id, mail_from, rcpts, data, state, next_t, created_t) "
	    "VALUES ('ack_unit_head.tmpl', 1, 'ack1@example.edu.tr', "
	    "'robot@example.edu.tr', 'mehmet.karaca@example.edu.tr', x'', "
	    "'sent', 0, 0)"), 0);
	assert_string_equal(apply_h(w, "In-Reply-To: <ack1@example.edu.tr>"
	    "\r\n", "mehmet.karaca@example.edu.tr", "robot@example.edu.tr",
	    "YNT: [NES-2026-0001] NES yenileme formunuz alındı",
	    "Başvuruları e-onay ile onayladık.\r\n\r\n> Formdan okunan "
	    "personel", NULL), "awaiting");
	assert_q(w, "SELECT count(*) FROM event WHERE step = 'approved'",
	    "0");
	assert_q(w, "SELECT count(*) FROM event WHERE kind = 'reply' AND "
	    "request = 1", "1");
	/* The same words from Ömer move Ömer only. */
	assert_string_equal(apply_h(w, "In-Reply-To: <ack1@example.edu.tr>"
	    "\r\n", "omer.sahin@example.edu.tr", "robot@example.edu.tr",
	    "YNT: [NES-2026-0001] NES yenileme formunuz alındı",
	    "e-onay ile onayladım.", NULL), "applied");
	assert_q(w, "SELECT group_concat(tag || '=' || step, ' ') FROM cases",
	    "NES-2026-0001=form_received NES-2026-0002=approved");
	/* A reply that names one person is about that person. */
	assert_string_equal(apply_h(w, "In-Reply-To: <ack1@example.edu.tr>"
	    "\r\n", "mehmet.karaca@example.edu.tr", "robot@example.edu.tr",
	    "YNT: [NES-2026-0001] NES yenileme formunuz alındı",
	    "Ayşe Hanım kurumdan ayrıldı, talebi iptal edebilir misiniz?",
	    NULL), "awaiting");
	assert_q(w, "SELECT c.tag FROM event e JOIN cases c ON c.id = "
	    "e.case_id WHERE e.kind = 'reply'", "NES-2026-0001");
}

/* A person forwarding Kamu SM's mail about their own application moves
 * their own case; the same forward from someone else moves nothing. */
static void
test_forwarded_original(void **state)
{
	struct world *w = *state;
	const char *fwd = "Bilginize.\r\n\r\n"
	    "---------- Forwarded message ---------\r\n"
	    "From: Kamu SM <bilgi@kamusm.gov.tr>\r\n"
	    "Date: Mon, 30 Nov 2026 10:00\r\n"
	    "Subject: Nitelikli Elektronik Sertifika Başvurunuz\r\n"
	    "To: <omer.sahin@example.edu.tr>\r\n\r\n"
	    "Sayın ÖMER ŞAHİN,\r\nKurumunuz tarafından adınıza nitelikli "
	    "elektronik sertifika başvurusu yapılmıştır.\r\n";

	form(w);
	assert_string_equal(apply(w, "hasan@example.edu.tr",
	    "bidb@example.edu.tr", "Fwd: Nitelikli Elektronik Sertifika "
	    "Başvurunuz", fwd, NULL), "unplaced");
	assert_q(w, "SELECT count(*) FROM event WHERE step = "
	    "'kamusm_notified'", "0");
	assert_string_equal(apply(w, "omer.sahin@example.edu.tr",
	    "bidb@example.edu.tr", "Fwd: Nitelikli Elektronik Sertifika "
	    "Başvurunuz", fwd, NULL), "applied");
	assert_q(w, "SELECT group_concat(tag || '=' || step, ' ') FROM cases",
	    "NES-2026-0001=form_received NES-2026-0002=kamusm_notified");
	/* BİDB forwarding its own mail to Kamu SM moves what it names. */
	assert_string_equal(apply(w, "bidb@example.edu.tr",
	    "robot@example.edu.tr", "İLT: NES Yenileme Başvurusu",
	    "\r\n________________________________\r\n"
	    "Kimden: BİDB <bidb@example.edu.tr>\r\n"
	    "Gönderildi: 30 Kasım 2026 Pazartesi 09:00\r\n"
	    "Kime: nes@kamusm.gov.tr\r\n"
	    "Konu: Kurumsal NES Yenileme Başvurusu\r\n\r\n"
	    "Ekte imzalı başvuru formu sunulmuştur.\r\n"
	    "1. Ayşe Yılmaz - " T_AYSE "\r\n", NULL), "applied");
	assert_q(w, "SELECT step FROM cases WHERE tckn = '" T_AYSE "'",
	    "sent_to_kamusm");
}

/* A form without a ticket number joins the open ticket of its unit,
 * written another way; a ticket after its form joins the form's request. */
static void
test_units_and_tickets(void **state)
{
	struct world *w = *state;
	char err[256];

	assert_int_equal(unit_load("rules/units.txt", err, sizeof err), 0);
	assert_string_equal(apply_h(w, "Auto-Submitted: auto-generated\r\n",
	    "bys-destek@example.edu.tr", "mehmet.karaca@example.edu.tr",
	    "[BYS Destek #51000] Yeni destek talebi: NES yenileme",
	    "Talep No: 51000\r\nBirim: İktisadi ve İdari Bilimler "
	    "Fakültesi\r\nKategori: Nitelikli Elektronik Sertifika\r\n",
	    NULL), "applied");
	assert_string_equal(apply(w, "dekan.iibf@example.edu.tr",
	    "bidb@example.edu.tr", "e-imza yenileme listesi",
	    "İİBF Dekanlığı personeli:\r\n"
	    "Ad Soyad | T.C. Kimlik No | E-posta\r\n"
	    "Ayşe Yılmaz | " T_AYSE " | ayse.yilmaz@example.edu.tr\r\n",
	    NULL), "applied");
	assert_q(w, "SELECT r.ticket FROM cases c JOIN request r ON r.id = "
	    "c.request WHERE c.tckn = '" T_AYSE "'", "51000");
	assert_q(w, "SELECT count(*) FROM request", "1");
	/* Form first, ticket later. */
	assert_string_equal(apply(w, "mudur.myo@example.edu.tr",
	    "bidb@example.edu.tr", "NES yenileme talep formu",
	    "Ad Soyad | T.C. Kimlik No | E-posta\r\n"
	    "Ömer Şahin | " T_OMER " | omer.sahin@example.edu.tr\r\n",
	    NULL), "applied");
	assert_string_equal(apply(w, "bys-destek@example.edu.tr",
	    "mudur.myo@example.edu.tr, bidb@example.edu.tr",
	    "[BYS Destek #51001] Yeni destek talebi: e-imza yenileme",
	    "Talep No: 51001\r\nBirim: MYO\r\n", NULL), "applied");
	assert_q(w, "SELECT r.ticket FROM cases c JOIN request r ON r.id = "
	    "c.request WHERE c.tckn = '" T_OMER "'", "51001");
	assert_q(w, "SELECT count(*) FROM request", "2");
	unit_reset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps),
		cmocka_unit_test_setup_teardown(test_effects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_makes_cases_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_same_message_twice, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_several_people, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_masked_and_folded_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_trust, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_headers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_form_outside_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ledger_keeps_headers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unplaced_and_tag, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_digest_lists, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_system_mail, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scope_first_person, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forwarded_original, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_units_and_tickets, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
