/* Unit tests of rules: the engine (folding, captures, negation, roles,
 * limits, errors), the fresh-text cut, and the shipped rules/nes.rules over
 * the mails of tests/fixtures/rules/ (expected.txt says what each shows).
 * Run from the top of the tree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "mem.h"
#include "mime.h"
#include "quote.h"
#include "rules.h"
#include "rules_priv.h"
#include "trust.h"

#define FIXDIR	"tests/fixtures/rules"
#define ALL	(ROLE_KAMUSM | ROLE_BYS | ROLE_BIDB | ROLE_YAZI | ROLE_INTERNAL)

/* ------------------------------------------------------------ helpers */

static char tmpdir[512];

/* Writes text as the only rules file of a fresh directory and loads it.
 * Returns the load's result; err gets its message. */
static int
load_text(const char *text, struct rule_set **rs, char *err, size_t errlen)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir;
	char path[600];
	FILE *fp;
	int rv;

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_rules.XXXXXX", base);
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.rules", tmpdir);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	rv = rules_load(tmpdir, rs, err, errlen);
	unlink(path);
	rmdir(tmpdir);
	return rv;
}

static struct rule_set *
load_ok(const char *text)
{
	struct rule_set *rs = NULL;
	char err[512];

	if (load_text(text, &rs, err, sizeof(err)) != 0)
		fail_msg("load failed: %s", err);
	return rs;
}

static struct mime_msg *
mkmsg(const char *from, const char *subject, const char *text)
{
	struct mime_msg *m = xcalloc(1, sizeof(*m));

	m->from_addr = xstrdup(from);
	m->subject = xstrdup(subject);
	m->text = xstrdup(text);
	return m;
}

static void
freemsg(struct mime_msg *m)
{
	size_t i;

	for (i = 0; i < m->natt; i++)
		free(m->att[i].name);
	free(m->att);
	free(m->from_addr);
	free(m->subject);
	free(m->text);
	free(m);
}

/* The step rs gives to a message with this subject and text (or "-"). */
static const char *
step_of(struct rule_set *rs, const char *subject, const char *text,
    unsigned roles)
{
	static char step[64];
	struct mime_msg *m = mkmsg("x@example.edu.tr", subject, text);
	struct rule_result res;

	assert_int_equal(rules_eval(rs, m, roles, 0, &res), 0);
	snprintf(step, sizeof(step), "%s", res.step ? res.step : "-");
	rules_result_free(&res);
	freemsg(m);
	return step;
}

/* ------------------------------------------------------------ engine */

static void
test_turkish_folding(void **state)
{
	struct rule_set *rs = load_ok(
	    "[rule r]\nstep = kamusm_notified\nfrom = anyone\n"
	    "subject = nitelikli elektronik sertifika başvurunuz\n");

	assert_string_equal(step_of(rs, "NİTELİKLİ ELEKTRONİK SERTİFİKA "
	    "BAŞVURUNUZ HAKKINDA", "", 0), "kamusm_notified");
	assert_string_equal(step_of(rs, "Nitelikli Elektronik Sertifika "
	    "Başvurunuz Hakkında", "", 0), "kamusm_notified");
	assert_string_equal(step_of(rs, "Nitelikli Elektronik Sertifika "
	    "Basvurunuz Hakkinda", "", 0), "kamusm_notified");
	assert_string_equal(step_of(rs, "Fwd: NITELIKLI ELEKTRONIK SERTIFIKA "
	    "BASVURUNUZ", "", 0), "kamusm_notified");
	assert_string_equal(step_of(rs, "Nitelikli Elektronik Sertifika "
	    "Başvurusu", "", 0), "-");
	rules_free(&rs);
	assert_null(rs);

	/* Upper-case Turkish in the pattern, ASCII escapes kept. */
	rs = load_ok("[rule r]\nstep = approved\nfrom = anyone\n"
	    "body = ISLAK İMZALI\\S+\\s\\D\n");
	assert_string_equal(step_of(rs, "", "ıslak imzalı. x", 0), "approved");
	assert_string_equal(step_of(rs, "", "ıslak imzalı x", 0), "-");
	rules_free(&rs);
}

static void
test_space_spans_line_breaks(void **state)
{
	struct rule_set *rs = load_ok(
	    "[rule r]\nstep = kamusm_notified\nfrom = anyone\n"
	    "body = kurumunuz tarafından adınıza\n");

	assert_string_equal(step_of(rs, "", "... kurumunuz\r\ntarafından  "
	    "adınıza nitelikli", 0), "kamusm_notified");
	assert_string_equal(step_of(rs, "", "kurumunuz tarafındanadınıza", 0),
	    "-");
	rules_free(&rs);
}

static void
test_captures(void **state)
{
	struct rule_set *rs = load_ok(
	    "[rule r]\nstep = kamusm_notified\nfrom = anyone\n"
	    "body = kurumunuz\n"
	    "extract = body: sayın (?<name>[^,\\n]{3,60}),\n"
	    "extract = body: (?<tckn>\\b\\d{3}\\*{6}\\d{2}\\b|\\b[1-9]\\d{10}\\b)\n");
	struct mime_msg *m = mkmsg("bilgi@kamusm.gov.tr", "x",
	    "SAYIN AYŞE YILMAZ, kurumunuz tarafından (100******46)\n"
	    "Sayın  Çağrı \t Öztürk , 10000000146 ve yine 10000000146.\n");
	struct rule_result res;

	assert_int_equal(rules_eval(rs, m, 0, 0, &res), 0);
	assert_string_equal(res.step, "kamusm_notified");
	assert_string_equal(res.rule_name, "r");
	/* Original letters and case; white space trimmed and collapsed;
	 * the same value twice is one capture. */
	assert_int_equal(res.ncaps, 4);
	assert_string_equal(res.caps[0].name, "name");
	assert_string_equal(res.caps[0].value, "AYŞE YILMAZ");
	assert_string_equal(res.caps[1].name, "name");
	assert_string_equal(res.caps[1].value, "Çağrı Öztürk");
	assert_string_equal(res.caps[2].name, "tckn");
	assert_string_equal(res.caps[2].value, "100******46");
	assert_string_equal(res.caps[3].value, "10000000146");
	assert_string_equal(rules_capture(&res, "tckn"), "100******46");
	assert_null(rules_capture(&res, "ticket"));
	rules_result_free(&res);
	freemsg(m);
	rules_free(&rs);
}

/* Letters of literals fold; escapes and group names keep their case. */
static void
test_pattern_case(void **state)
{
	struct rule_set *rs = load_ok(
	    "[rule r]\nstep = note\nfrom = anyone\nbody = KOD\\D\\d\n"
	    "extract = body: kod\\D(?<Kod>[A-Z0-9]{4})\n");
	struct mime_msg *m = mkmsg("x@example.edu.tr", "", "Kod:aB3x. kod:5");
	struct rule_result res;

	assert_int_equal(rules_eval(rs, m, 0, 0, &res), 0);
	assert_string_equal(res.step, "note");
	assert_string_equal(rules_capture(&res, "Kod"), "aB3x");
	rules_result_free(&res);
	freemsg(m);
	/* \D stays "not a digit": "kod55" has none after "kod". */
	assert_string_equal(step_of(rs, "", "kod55", 0), "-");
	rules_free(&rs);
}

static void
test_negation_and_and(void **state)
{
	struct rule_set *rs = load_ok(
	    "# comment\n; also a comment\n"
	    "[rule r]\nstep = closed   ; a comment\nfrom = anyone\n"
	    "body = teslim\nbody = aldım\nnot body = almadım\n");

	assert_string_equal(step_of(rs, "", "kartı teslim aldım", 0),
	    "closed");
	assert_string_equal(step_of(rs, "", "teslim edildi", 0), "-");
	assert_string_equal(step_of(rs, "", "teslim aldım? hayır, almadım",
	    0), "-");
	rules_free(&rs);
}

static void
test_first_rule_wins_and_roles(void **state)
{
	struct rule_set *rs = load_ok(
	    "[rule specific]\nstep = approved\nfrom = kamusm\n"
	    "body = e-onay ile onaylanmıştır\n"
	    "[rule general]\nstep = kamusm_notified\nfrom = kamusm, bys\n"
	    "body = başvuru\n"
	    "[rule anybody]\nstep = note\nfrom = internal\nbody = onay\n");
	struct mime_msg *m = mkmsg("bilgi@kamusm-gov.tr", "x",
	    "Başvurunuz e-Onay ile onaylanmıştır. Başvuru No: 1");
	struct rule_result res;

	assert_int_equal(rules_eval(rs, m, ROLE_KAMUSM, 0, &res), 0);
	assert_string_equal(res.rule_name, "specific");
	assert_null(res.refused);
	rules_result_free(&res);

	/* Without the role nothing matches, and the first rule refused says
	 * why, for the quarantine. */
	assert_int_equal(rules_eval(rs, m, 0, 1, &res), 0);
	assert_null(res.rule);
	assert_null(res.step);
	assert_non_null(res.refused);
	assert_string_equal(res.refused_name, "specific");
	assert_string_equal(res.refused_role, "kamusm");
	assert_non_null(strstr(buf_str(&res.explain),
	    "specific: sender lacks role kamusm"));
	rules_result_free(&res);

	/* A later rule with the right role wins, and clears the refusal. */
	assert_int_equal(rules_eval(rs, m, ROLE_INTERNAL, 0, &res), 0);
	assert_string_equal(res.rule_name, "anybody");
	assert_string_equal(res.step, "note");
	assert_null(res.refused);
	rules_result_free(&res);

	assert_int_equal(rules_eval(rs, m, ROLE_BYS, 1, &res), 0);
	assert_string_equal(res.rule_name, "general");
	assert_non_null(strstr(buf_str(&res.explain), "general: matched"));
	rules_result_free(&res);
	freemsg(m);
	rules_free(&rs);
}

static void
test_fields_and_global_extract(void **state)
{
	struct rule_set *rs = load_ok(
	    "[extract]\n"
	    "extract = subject: \\[(?<case_tag>NES-\\d{4}-\\d{4})\\]\n"
	    "[rule sent]\nstep = sent_to_kamusm\nfrom = bidb\n"
	    "to = @kamusm\\.gov\\.tr\\b\nattachment = \\.p7s$\n"
	    "header X-Mailer = outlook\n"
	    "fresh = ekte\n"
	    "extract = attachment: ^(?<file>[^\\n]+\\.pdf)$\n");
	struct mime_msg *m = mkmsg("bidb@example.edu.tr",
	    "YNT: [NES-2026-0042] Kurumsal NES", "Ekte gönderilmiştir.\n\n"
	    "> ekte olmayan\n");
	struct rule_result res;

	m->to = xstrdup("Kamu SM <bilgi@kamusm.gov.tr>");
	m->natt = 2;
	m->att = xcalloc(2, sizeof(*m->att));
	m->att[0].name = xstrdup("Form.pdf");
	m->att[1].name = xstrdup("Form.pdf.p7s");
	m->nheaders = 1;
	m->headers = xcalloc(1, sizeof(*m->headers));
	m->headers[0].name = "x-mailer";
	m->headers[0].value = "Microsoft Outlook 16.0";

	assert_int_equal(rules_eval(rs, m, ROLE_BIDB, 0, &res), 0);
	assert_string_equal(res.step, "sent_to_kamusm");
	assert_string_equal(rules_capture(&res, "file"), "Form.pdf");
	assert_string_equal(rules_capture(&res, "case_tag"), "NES-2026-0042");
	rules_result_free(&res);

	/* The case tag is taken even when no rule matched. */
	assert_int_equal(rules_eval(rs, m, ROLE_INTERNAL, 0, &res), 0);
	assert_null(res.step);
	assert_string_equal(rules_capture(&res, "case_tag"), "NES-2026-0042");
	rules_result_free(&res);

	/* "fresh" ignores the quoted "ekte". */
	free(m->text);
	m->text = xstrdup("Tamam.\n\n> Ekte gönderilmiştir.\n");
	assert_int_equal(rules_eval(rs, m, ROLE_BIDB, 0, &res), 0);
	assert_null(res.step);
	rules_result_free(&res);
	m->nheaders = 0;
	free(m->headers);
	free(m->to);
	freemsg(m);
	rules_free(&rs);
}

static void
test_match_limit(void **state)
{
	struct rule_set *rs = load_ok(
	    "[rule evil]\nstep = note\nfrom = anyone\nbody = (a+)+$\n"
	    "[rule later]\nstep = closed\nfrom = anyone\nbody = a\n");
	struct buf b = BUF_INIT;
	struct mime_msg *m;
	struct rule_result res;
	int i;

	for (i = 0; i < 5000; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "!");
	m = mkmsg("x@example.edu.tr", "x", buf_str(&b));
	/* Bounded: returns, says the limit was hit, matches nothing. */
	assert_int_equal(rules_eval(rs, m, 0, 1, &res), -1);
	assert_null(res.rule);
	assert_null(res.step);
	assert_int_equal(res.ncaps, 0);
	assert_string_equal(res.limit_rule, "evil");
	assert_non_null(strstr(buf_str(&res.explain), "limit"));
	rules_result_free(&res);
	freemsg(m);
	buf_free(&b);
	rules_free(&rs);
}

static void
expect_error(const char *text, const char *want)
{
	struct rule_set *rs = (struct rule_set *)1;
	char err[512];

	assert_int_equal(load_text(text, &rs, err, sizeof(err)), -1);
	assert_null(rs);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	assert_non_null(strstr(err, "/t.rules:"));
}

static size_t
jit_size(pcre2_code *re)
{
	size_t size = 0;

	assert_int_equal(pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &size),
	    0);
	return size;
}

/* A load makes no JIT code (a poll with nothing new matches nothing); a
 * pattern gets it at its first match, and only the patterns a message
 * reached; the verdicts are the same before and after. */
static void
test_jit_at_first_match(void **state)
{
	struct rule_set *rs = load_ok(
	    "[rule first]\nstep = note\nfrom = anyone\nsubject = kargo\n"
	    "[rule second]\nstep = closed\nfrom = anyone\n"
	    "subject = sertifika\n");
	size_t i;

	(void)state;
	for (i = 0; i < rs->nrules; i++)
		assert_int_equal(jit_size(rs->rules[i].conds[0].re), 0);
	assert_string_equal(step_of(rs, "Kargo gönderildi", "-", 0), "note");
	if (rs->jit_works)
		assert_true(jit_size(rs->rules[0].conds[0].re) > 0);
	else
		print_message("PCRE2 makes no JIT code here: only the "
		    "verdicts checked\n");
	/* The first rule won: the second was not run. */
	assert_int_equal(jit_size(rs->rules[1].conds[0].re), 0);
	assert_string_equal(step_of(rs, "Kargo gönderildi", "-", 0), "note");
	assert_string_equal(step_of(rs, "Sertifika", "-", 0), "closed");
	if (rs->jit_works)
		assert_true(jit_size(rs->rules[1].conds[0].re) > 0);
	rules_free(&rs);
}

static void
test_errors(void **state)
{
	expect_error("[rule a]\nstep = closed\nfrom = anyone\n"
	    "subjekt = x\n", "t.rules:4: unknown field 'subjekt'");
	expect_error("# x\n[rule a]\nstep = closed\nfrom = anyone\n"
	    "body = ab(c\n", "t.rules:5: pattern: missing closing "
	    "parenthesis at offset 4");
	/* The offset is where the user wrote it, Turkish letters and all. */
	expect_error("[rule a]\nstep = closed\nfrom = anyone\n"
	    "body = şş(c\n", "at offset 6");
	expect_error("[rule a]\nstep = closed\nfrom = anyone\nbody = x\n"
	    "[rule a]\nstep = closed\nfrom = anyone\nbody = y\n",
	    "t.rules:5: duplicate rule name 'a'");
	expect_error("[rule a]\nfrom = anyone\nbody = x\n",
	    "t.rules:1: rule a has no step");
	expect_error("[rule a]\nstep = closed\nfrom = kamusm, registry\n",
	    "t.rules:3: unknown role 'registry'");
	expect_error("[rule a]\nstep = done\n", "unknown step 'done'");
	expect_error("[rule a]\nstep = closed\nbody = x\n", "has no 'from'");
	expect_error("[rule a]\nstep = closed\nfrom = anyone\n",
	    "has no condition");
	expect_error("[rule a]\nstep = closed\nfrom = anyone\nbody = x\n"
	    "extract = body: (x)\n", "t.rules:5: extract pattern has no named");
	expect_error("step = closed\n", "t.rules:1: 'step' outside");
	expect_error("[rules a]\n", "unknown section");
	expect_error("[rule a]\nstep = closed\nfrom = anyone\n"
	    "header = x\n", "header needs one header name");
}

static void
test_approval_key(void **state)
{
	assert_string_equal(rules_approval_key("e-Onay"), "e-onay");
	assert_string_equal(rules_approval_key("E-ONAY"), "e-onay");
	assert_string_equal(rules_approval_key("eonay"), "e-onay");
	assert_string_equal(rules_approval_key("e-İmza"), "e-imza");
	assert_string_equal(rules_approval_key("E-İMZA"), "e-imza");
	assert_string_equal(rules_approval_key("e-imza"), "e-imza");
	assert_string_equal(rules_approval_key("ıslak imza"), "islak-imza");
	assert_string_equal(rules_approval_key("ISLAK İMZALI"), "islak-imza");
	assert_string_equal(rules_approval_key("islak imzali"), "islak-imza");
	assert_null(rules_approval_key("imza"));
	assert_null(rules_approval_key(""));
	assert_null(rules_approval_key(NULL));
}

static void
expect_fresh(const char *text, const char *want)
{
	char *f = quote_fresh_text(text);

	assert_string_equal(f, want);
	free(f);
}

static void
test_fresh_text(void **state)
{
	expect_fresh("e-onay ile onayladım.\n\n> Sayın Ayşe Yılmaz,\n> "
	    "e-Onay, e-İmza veya ıslak imza ile onaylayabilirsiniz.\n",
	    "e-onay ile onayladım.");
	expect_fresh("Teslim aldım, teşekkürler.\n\n"
	    "Kimden: NES Robotu <robot@example.edu.tr>\n"
	    "Gönderildi: 7 Aralık 2026 Pazartesi 09:00\n"
	    "Kime: Ayşe Yılmaz\nKonu: [NES-2026-0042] Sertifikanız\n\n"
	    "Sertifikanız kurye ile gönderilmiştir.\n",
	    "Teslim aldım, teşekkürler.");
	expect_fresh("Onayladım.\n\nAyşe Yılmaz <ayse@example.edu.tr>, "
	    "7 Ara 2026 Pzt, 09:00 tarihinde şunu\nyazdı:\n\n"
	    "> e-onay ile onaylayabilirsiniz\n", "Onayladım.");
	expect_fresh("Tamam.\nOn Mon, 7 Dec 2026 at 09:00, Robot "
	    "<robot@example.edu.tr> wrote:\n> x\n", "Tamam.");
	expect_fresh("Bilginize.\n\n-----Original Message-----\nFrom: x\n"
	    "Sent: y\n\nkapatıldı\n", "Bilginize.");
	expect_fresh("İletiyorum.\n\n-------- İletilen İleti --------\n"
	    "Konu: NES\nTarih: x\n\nBaşvurunuz alınmıştır\n", "İletiyorum.");
	expect_fresh("Bilgi için.\n\n---------- Forwarded message ---------\n"
	    "From: Kamu SM <bilgi@kamusm.gov.tr>\n", "Bilgi için.");
	expect_fresh("Bilgi.\n________________________________\n"
	    "Kimden: x\nGönderildi: y\n", "Bilgi.");
	/* Nothing quoted: the whole text.  "From:" in a sentence stays. */
	expect_fresh("From: me, to everyone: e-onay ile onayladım\nbye\n",
	    "From: me, to everyone: e-onay ile onayladım\nbye\n");
	expect_fresh("-- \nAyşe\n", "-- \nAyşe\n");
	expect_fresh("> all quoted\n", "");
	{
		char *f = quote_fresh_text(NULL);

		assert_string_equal(f, "");
		free(f);
	}
}

/* ------------------------------------------------------------ fixtures */

static char *kamusm_domains[] = {
	"kamusm.gov.tr", "kamusm.bilgem.tubitak.gov.tr", NULL
};

static void
fixture_cfg(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->institution.domain = "example.edu.tr";
	cfg->institution.bidb = "bidb@example.edu.tr";
	cfg->institution.yazi_isleri = "yaziisleri@example.edu.tr";
	cfg->institution.bys = "bys-destek@example.edu.tr";
	/* The fixtures are as senders wrote them, unstamped: roles from
	 * the From address alone (expected.txt). */
	cfg->institution.authserv_none = 1;
	cfg->kamusm.domains = kamusm_domains;
	cfg->kamusm.ndomains = 2;
}

static char *
read_all(const char *path, size_t *len_r)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	*len_r = b.len;
	return buf_steal(&b);
}

static struct mime_msg *
parse_fixture(const char *name)
{
	struct mime_msg *m = NULL;
	const char *errstr;
	char path[512], *raw;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", FIXDIR, name);
	if ((raw = read_all(path, &len)) == NULL)
		fail_msg("cannot read %s", path);
	if (mime_parse(raw, len, &m, &errstr) != 0)
		fail_msg("%s: mime_parse: %s", path, errstr);
	free(raw);
	return m;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* What the robot makes of one fixture: "auto", "refused:RULE",
 * "RULE/STEP" or "none". */
static int
check_fixture(struct rule_set *rs, char *line)
{
	struct config cfg;
	struct mime_msg *m;
	struct rule_result res;
	const char *why;
	char *file, *want, *cap, *next, *eq, got[128];
	size_t i;
	int bad = 0, found;

	fixture_cfg(&cfg);
	file = trim(strsep(&line, "|"));
	want = trim(strsep(&line, "|"));
	m = parse_fixture(file);
	memset(&res, 0, sizeof(res));
	if (trust_is_automatic(m, &why))
		snprintf(got, sizeof(got), "auto");
	else {
		if (rules_eval(rs, m, trust_roles(&cfg, m, NULL, 0), 1,
		    &res) != 0)
			snprintf(got, sizeof(got), "limit:%s", res.limit_rule);
		else if (res.rule != NULL)
			snprintf(got, sizeof(got), "%s/%s", res.rule_name,
			    res.step);
		else if (res.refused != NULL)
			snprintf(got, sizeof(got), "refused:%s",
			    res.refused_name);
		else
			snprintf(got, sizeof(got), "none");
	}
	if (strcmp(got, want) != 0) {
		print_error("%s: expected %s, got %s\n%s", file, want, got,
		    buf_str(&res.explain));
		bad = 1;
	}
	/* Every capture listed must be among the captures. */
	for (cap = line; cap != NULL; cap = next) {
		next = cap;
		cap = trim(strsep(&next, "|"));
		if (*cap == '\0')
			continue;
		if ((eq = strchr(cap, '=')) == NULL) {
			print_error("%s: bad capture '%s'\n", file, cap);
			bad = 1;
			continue;
		}
		*eq = '\0';
		for (i = 0, found = 0; i < res.ncaps && !found; i++)
			found = strcmp(res.caps[i].name, cap) == 0 &&
			    strcmp(res.caps[i].value, eq + 1) == 0;
		if (!found) {
			print_error("%s: no capture %s=%s; got:\n", file, cap,
			    eq + 1);
			for (i = 0; i < res.ncaps; i++)
				print_error("    %s=%s\n", res.caps[i].name,
				    res.caps[i].value);
			bad = 1;
		}
	}
	rules_result_free(&res);
	mime_free(&m);
	return bad;
}

static void
test_shipped_rules_fixtures(void **state)
{
	struct rule_set *rs = NULL;
	char err[512], *list, *line, *next, *p, *name, *copy;
	struct buf listed = BUF_INIT;
	DIR *d;
	struct dirent *de;
	size_t len;
	int bad = 0, n = 0;

	if (rules_load("rules", &rs, err, sizeof(err)) != 0)
		fail_msg("rules/nes.rules: %s", err);
	assert_true(rules_count(rs) >= 10);
	assert_non_null(list = read_all(FIXDIR "/expected.txt", &len));
	for (line = list; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		copy = xstrdup(p);
		bad += check_fixture(rs, copy) ? 1 : 0;
		free(copy);
		buf_printf(&listed, "\n%.*s\n", (int)strcspn(p, " |"), p);
		n++;
	}
	/* Every fixture is listed: none can be left out silently. */
	assert_non_null(d = opendir(FIXDIR));
	while ((de = readdir(d)) != NULL) {
		char key[300];

		name = de->d_name;
		len = strlen(name);
		if (len <= 4 || strcmp(name + len - 4, ".eml") != 0)
			continue;
		snprintf(key, sizeof(key), "\n%s\n", name);
		if (strstr(buf_str(&listed), key) == NULL) {
			print_error("%s is not in expected.txt\n", name);
			bad++;
		}
	}
	closedir(d);
	buf_free(&listed);
	free(list);
	rules_free(&rs);
	print_message("%d fixtures checked\n", n);
	assert_true(n >= 20);
	assert_int_equal(bad, 0);
}

/* Not an assertion: prints how many messages per second the whole shipped
 * rule set evaluates, over a 10 KB message that reaches every rule. */
static void
test_benchmark(void **state)
{
	struct rule_set *rs = NULL;
	struct buf b = BUF_INIT;
	struct mime_msg *m;
	struct rule_result res;
	struct timespec t0, t1;
	char err[512];
	double secs;
	int i, n = 3000;

	if (rules_load("rules", &rs, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	buf_puts(&b, "Sayın Ayşe Yılmaz,\n\n");
	while (b.len < 10 * 1024)
		buf_puts(&b, "Birimimiz personelinin nitelikli elektronik "
		    "sertifika işlemleri hakkında bilgilerinize sunarız; "
		    "gereğini rica ederim. Çağrı Öztürk 100******46\n");
	m = mkmsg("ayse.yilmaz@example.edu.tr",
	    "YNT: NES Yenileme Talep Formu hakkında", buf_str(&b));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		rules_eval(rs, m, ROLE_INTERNAL, 0, &res);
		rules_result_free(&res);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("benchmark: %zu rules, %zu-byte message: %.0f "
	    "messages/s\n", rules_count(rs), b.len, n / secs);
	freemsg(m);
	buf_free(&b);
	rules_free(&rs);
}

/* The words of each set of need, sorted and joined by spaces, the sets
 * in their order joined by " & " ("-" for NULL). */
static char *
need_words(const struct rule_set *rs, const struct rules_need *nd)
{
	struct buf b = BUF_INIT;
	const char *w[64];
	size_t i, j, n;

	if (nd == NULL)
		return xstrdup("-");
	for (; nd != NULL; nd = nd->next) {
		n = nd->n < 64 ? nd->n : 64;
		for (i = 0; i < n; i++)
			w[i] = rs->needw[nd->word[i]];
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && strcmp(w[j - 1], w[j]) > 0;
			    j--) {
				const char *t = w[j];

				w[j] = w[j - 1];
				w[j - 1] = t;
			}
		if (b.len > 0)
			buf_puts(&b, " & ");
		for (i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i ? " " : "", w[i]);
	}
	return buf_steal(&b);
}

/* What the prefilter knows of a folded pattern (where a space of the rule
 * is "(?:\s+)"): the words one of which a match must hold, and nothing
 * at all when it cannot be sure. */
static void
test_need_words(void **state)
{
	static const char *cases[][2] = {
		{ "(^|[^a-z])onayla(dim|dik)\\b|basvurumu(?:\\s+).{0,40}onayladim",
		  "basvurumu onayla" },
		/* a concatenation needs each of its parts: the cheapest
		 * set (fewest words) first */
		{ "onay(imi|i)?(?:\\s+)(verdim|vermis(?:\\s+)bulunuyorum)",
		  "onay & bulunuyorum verdim" },
		{ "\\[nes-\\d{4}-\\d+\\]", "[nes-" },
		{ "(?<tckn>\\b[1-9][0-9]{10}\\b)|kimlik no", "-" },
		{ "kart(?:\\s+)geldi|teslim aldim", "geldi teslim aldim" },
		{ "(?:kargo|kurye)+(?:\\s+)takip", "takip & kargo kurye" },
		/* at most three sets, the longest words first, each once */
		{ "kart(?:\\s+)teslim(?:\\s+)kart(?:\\s+)geldi(?:\\s+)"
		  "gonderildi", "gonderildi & teslim & geldi" },
		{ "kart(?:\\s+)(?:kart|kart)(?:\\s+)ab", "kart" },
		{ "a(bcd)?e", "-" },
		{ "(?=onay)x", "-" },
		{ "(?i)onay", "-" },
		{ "\\Qonay\\E", "-" },
		{ "onay{,3}", "-" },
		{ "(*UTF)onaylar", "-" },
		{ "onay|x", "-" },
		{ "[a-z]*(onaylandi|onaylanmistir)", "onaylandi onaylanmistir" },
		{ "(onayla|onaylandi)+x", "onayla" },
		{ "\\x{130}stanbul", "-" },	/* escapes it does not know */
	};
	struct rule_set rs;
	struct rules_need *nd;
	char *got;

	(void)state;
	memset(&rs, 0, sizeof(rs));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nd = rules_need_of(&rs, cases[i][0]);
		got = need_words(&rs, nd);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i][0],
			    got, cases[i][1]);
		free(got);
		rules_need_free(&nd);
	}
	rules_need_words_free(&rs);
}

/* Where a pattern is cut into its top-level branches, and where not:
 * never inside a class, a group or after an escape, never when a
 * construct could tie the branches together. */
static void
test_need_branches(void **state)
{
	static const struct {
		const char	*pat;
		const char	*want;	/* the branches joined by " / " */
	} cases[] = {
		{ "onayladim|teslim aldim|x", "onayladim / teslim aldim / x" },
		{ "(a|b)c", "" },
		{ "a[|]b", "" },
		{ "a\\|b", "" },
		{ "(?:kart|kargo) geldi|^ok$", "(?:kart|kargo) geldi / ^ok$" },
		{ "a|b|", "a / b / " },
		{ "(?i)a|b", "" },		/* options reach past a '|' */
		{ "(a)|\\1", "" },		/* a back reference */
		{ "a|(b", "" },
		{ "onay", "" },
	};
	struct buf b = BUF_INIT;
	size_t *ends, n, i, start;

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		n = rules_need_branches(cases[k].pat, &ends);
		buf_free(&b);
		buf_puts(&b, "");
		for (i = 0, start = 0; i < n; start = ends[i++] + 1)
			buf_printf(&b, "%s%.*s", i ? " / " : "",
			    (int)(ends[i] - start), cases[k].pat + start);
		if (strcmp(buf_str(&b), cases[k].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[k].pat,
			    buf_str(&b), cases[k].want);
		free(ends);
	}
	buf_free(&b);
}

/* The one-pass search for the rules' words finds what memmem finds for
 * each, on texts made of the words themselves cut at random, leaving
 * alone the words already looked for. */
static void
test_need_scan(void **state)
{
	struct rule_set *rs;
	struct buf t = BUF_INIT;
	unsigned char *seen, *before;
	char err[4096];
	unsigned seed = 20261206;
	size_t found = 0, kept = 0;

	(void)state;
	assert_int_equal(rules_load("rules", &rs, err, sizeof(err)), 0);
	assert_true(rs->nneedw > 50);
	seen = xmalloc(rs->nneedw);
	before = xmalloc(rs->nneedw);
	for (int k = 0; k < 3000; k++) {
		buf_free(&t);
		buf_puts(&t, "");
		/* first each word alone: a text that is the word ends where
		 * it ends */
		if ((size_t)k < rs->nneedw)
			buf_puts(&t, rs->needw[k]);
		for (int j = k < (int)rs->nneedw ? 0 : rand_r(&seed) % 10;
		    j > 0; j--) {
			const char *w = rs->needw[rand_r(&seed) % rs->nneedw];
			size_t n = strlen(w);

			/* whole, or cut at either end */
			switch (rand_r(&seed) % 4) {
			case 0: buf_add(&t, w + 1, n - 1); break;
			case 1: buf_add(&t, w, n - 1); break;
			default: buf_add(&t, w, n); break;
			}
			if (rand_r(&seed) % 2)
				buf_puts(&t, rand_r(&seed) % 2 ? " " : "ş");
		}
		for (size_t w = 0; w < rs->nneedw; w++)
			before[w] = seen[w] = rand_r(&seed) % 8 == 0 ? 1 : 0;
		rules_need_scan(rs, t.s, t.len, seen);
		for (size_t w = 0; w < rs->nneedw; w++) {
			int want = memmem(t.s, t.len, rs->needw[w],
			    rs->needlen[w]) != NULL ? 2 : 1;

			if (before[w] != 0) {
				/* looked for before: left alone */
				if (seen[w] != before[w])
					fail_msg("\"%s\" was known, the scan "
					    "changed it", rs->needw[w]);
				kept += want == 2;
				continue;
			}
			if (seen[w] != want)
				fail_msg("\"%s\" in \"%s\": scan says %d, "
				    "memmem %d", rs->needw[w], buf_str(&t),
				    seen[w], want);
			found += want == 2;
		}
	}
	assert_true(found > 3000);
	assert_true(kept > 100);
	free(seen);
	free(before);
	buf_free(&t);
	rules_free(&rs);
}

/* Whether text t holds a word of each set of nd (NULL: nothing known). */
static int
need_holds(const struct rule_set *rs, const struct rules_need *nd,
    const char *t)
{
	size_t w;

	for (; nd != NULL; nd = nd->next) {
		for (w = 0; w < nd->n; w++)
			if (strstr(t, rs->needw[nd->word[w]]) != NULL)
				break;
		if (w == nd->n)
			return 0;
	}
	return 1;
}

/* The prefilter is sound on the shipped rules: over texts made of the
 * patterns' own words and random letters, every text a pattern matches
 * holds a word of each set the prefilter wants for it, and so does every
 * text a branch of a split pattern matches; and a split pattern holds
 * exactly where the whole pattern does. */
static void
test_need_sound(void **state)
{
	static const char *bits[] = { "onay", "la", "dim", " ", "basvuru",
	    "mu", "teslim", "aldim", "kart", "nes", "-", "2026", "islak",
	    "imza", "\n", "kargo", "takip", "no", ":", "gonderil", "di",
	    "verdim", "application", "i have ", "approved", "my ", "the ",
	    "ulasti", "elime", "form", "liste", "talep", "[", "]", "x",
	    "geldi", "paket", "formu", "evrak", "yazi isleri", "card",
	    "arrived", "doldurdum", "alin", "mistir", "imzaladim" };
	const size_t nb = sizeof(bits) / sizeof(bits[0]);
	struct rule_set *rs;
	pcre2_match_data *md;
	struct buf t = BUF_INIT;
	char err[4096];
	unsigned seed = 20261205;
	size_t checked = 0, skipped = 0, split = 0, alts = 0;

	(void)state;
	assert_int_equal(rules_load("rules", &rs, err, sizeof(err)), 0);
	md = pcre2_match_data_create(64, NULL);
	for (int k = 0; k < 20000; k++) {
		t.len = 0;
		for (int j = 1 + (int)(rand_r(&seed) % 12); j > 0; j--)
			buf_puts(&t, bits[rand_r(&seed) % nb]);
		for (size_t r = 0; r < rs->nrules; r++)
			for (size_t c = 0; c < rs->rules[r].nconds; c++) {
				const struct rule_cond *rc =
				    &rs->rules[r].conds[c];
				int whole, any = 0;

				for (size_t a = 0; a < rc->nalt; a++) {
					if (pcre2_match(rc->alt[a].re,
					    (PCRE2_SPTR)buf_str(&t), t.len, 0,
					    0, md, NULL) < 0)
						continue;
					any = 1;
					alts++;
					if (!need_holds(rs, rc->alt[a].need,
					    buf_str(&t)))
						fail_msg("line %d, branch %zu "
						    "matches \"%s\" without "
						    "its words", rc->line, a,
						    buf_str(&t));
				}
				whole = pcre2_match(rc->re,
				    (PCRE2_SPTR)buf_str(&t), t.len, 0, 0, md,
				    NULL) >= 0;
				if (rc->nalt > 0 && any != whole)
					fail_msg("line %d: the whole pattern "
					    "says %d, its branches %d on "
					    "\"%s\"", rc->line, whole, any,
					    buf_str(&t));
				split += rc->nalt > 0 && whole;
				if (!whole) {
					skipped++;
					continue;
				}
				checked++;
				if (!need_holds(rs, rc->need, buf_str(&t)))
					fail_msg("line %d matches \"%s\" which "
					    "lacks its words", rc->line,
					    buf_str(&t));
			}
	}
	/* The texts must make some patterns match, split ones among them,
	 * or this proves nothing. */
	assert_true(checked > 1000);
	assert_true(split > 500 && alts >= split);
	assert_true(skipped > 0);
	pcre2_match_data_free(md);
	buf_free(&t);
	rules_free(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turkish_folding),
		cmocka_unit_test(test_space_spans_line_breaks),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_pattern_case),
		cmocka_unit_test(test_negation_and_and),
		cmocka_unit_test(test_first_rule_wins_and_roles),
		cmocka_unit_test(test_fields_and_global_extract),
		cmocka_unit_test(test_match_limit),
		cmocka_unit_test(test_jit_at_first_match),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_approval_key),
		cmocka_unit_test(test_fresh_text),
		cmocka_unit_test(test_shipped_rules_fixtures),
		cmocka_unit_test(test_need_words),
		cmocka_unit_test(test_need_branches),
		cmocka_unit_test(test_need_scan),
		cmocka_unit_test(test_need_sound),
		cmocka_unit_test(test_benchmark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
