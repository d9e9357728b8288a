/* Unit tests of trust and authres: sender roles, the Authentication-Results
 * grammar and where a stamp counts, automatic mail. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "buf.h"
#include "mem.h"
#include "mime.h"
#include "trust.h"

static char *kamusm_domains[] = {
	"kamusm.gov.tr", "kamusm.bilgem.tubitak.gov.tr", NULL
};

/* The MX and the submission server stamp with different names. */
static char *authserv_ids[] = {
	"mx.example.edu.tr", "smtp.example.edu.tr", NULL
};
static char *other_domains[] = { "tip.example.edu.tr", NULL };

/* authserv_id NULL: the opt-out, roles from the From address alone. */
static void
init_cfg(struct config *cfg, const char *authserv_id)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->institution.domain = "example.edu.tr";
	cfg->institution.bidb = "bidb@example.edu.tr";
	cfg->institution.yazi_isleri = "yaziisleri@example.edu.tr";
	cfg->institution.bys = "bys-destek@example.edu.tr";
	if (authserv_id == NULL)
		cfg->institution.authserv_none = 1;
	else {
		cfg->institution.authserv_id = authserv_ids;
		cfg->institution.nauthserv_id = 2;
	}
	cfg->institution.other_domains = other_domains;
	cfg->institution.nother_domains = 1;
	cfg->kamusm.domains = kamusm_domains;
	cfg->kamusm.ndomains = 2;
}

/* A message from `from` with the headers given as name, value pairs,
 * NULL-terminated. */
static struct mime_msg *
mkmsg(const char *from, ...)
{
	struct mime_msg *m = xcalloc(1, sizeof(*m));
	const char *name, *value;
	va_list ap;

	m->from_addr = xstrdup(from);
	va_start(ap, from);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		m->headers = xrealloc(m->headers,
		    (m->nheaders + 1) * sizeof(*m->headers));
		m->headers[m->nheaders].name = xstrdup(name);
		m->headers[m->nheaders].value = xstrdup(value);
		m->nheaders++;
	}
	va_end(ap);
	return m;
}

static void
freemsg(struct mime_msg *m)
{
	size_t i;

	for (i = 0; i < m->nheaders; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
	}
	free(m->headers);
	free(m->from_addr);
	free(m->return_path);
	free(m);
}

static unsigned
roles_of(const char *authserv_id, struct mime_msg *m, const char **why)
{
	static char claim[TRUST_WHY_MAX];	/* the tests' own, one at a time */
	struct config cfg;
	unsigned r;

	init_cfg(&cfg, authserv_id);
	r = trust_roles(&cfg, m, claim, sizeof claim);
	if (why != NULL)
		*why = claim[0] != '\0' ? claim : NULL;
	freemsg(m);
	return r;
}

static void
test_institution_roles(void **state)
{
	unsigned r;

	r = roles_of(NULL, mkmsg("bidb@example.edu.tr", NULL), NULL);
	assert_true(r & ROLE_BIDB);
	assert_true(r & ROLE_INTERNAL);
	assert_false(r & ROLE_KAMUSM);
	r = roles_of(NULL, mkmsg("yaziisleri@example.edu.tr", NULL), NULL);
	assert_int_equal(r, ROLE_YAZI | ROLE_INTERNAL);
	r = roles_of(NULL, mkmsg("bys-destek@example.edu.tr", NULL), NULL);
	assert_int_equal(r, ROLE_BYS | ROLE_INTERNAL);
	r = roles_of(NULL, mkmsg("ayse.yilmaz@example.edu.tr", NULL), NULL);
	assert_int_equal(r, ROLE_INTERNAL);
	r = roles_of(NULL, mkmsg("hoca@muh.example.edu.tr", NULL), NULL);
	assert_int_equal(r, ROLE_INTERNAL);
	/* Look-alikes of the institution are outsiders. */
	assert_int_equal(roles_of(NULL, mkmsg("bidb@example.edu.tr.evil.example",
	    NULL), NULL), 0);
	assert_int_equal(roles_of(NULL, mkmsg("bidb@xexample.edu.tr", NULL),
	    NULL), 0);
	assert_int_equal(roles_of(NULL, mkmsg("someone@gmail.com", NULL),
	    NULL), 0);
}

static void
test_kamusm_domains(void **state)
{
	assert_int_equal(roles_of(NULL, mkmsg("bilgi@kamusm.gov.tr", NULL),
	    NULL), ROLE_KAMUSM);
	assert_int_equal(roles_of(NULL, mkmsg("bilgilendirme@kamusm.gov.tr",
	    NULL), NULL), ROLE_KAMUSM);
	assert_int_equal(roles_of(NULL, mkmsg("noreply@mail.kamusm.gov.tr",
	    NULL), NULL), ROLE_KAMUSM);
	assert_int_equal(roles_of(NULL,
	    mkmsg("bilgi@kamusm.bilgem.tubitak.gov.tr", NULL), NULL),
	    ROLE_KAMUSM);
	assert_int_equal(roles_of(NULL,
	    mkmsg("bilgi@kamusm.gov.tr.evil.example", NULL), NULL), 0);
	assert_int_equal(roles_of(NULL, mkmsg("bilgi@kamusm-gov.tr", NULL),
	    NULL), 0);
	assert_int_equal(roles_of(NULL, mkmsg("bilgi@xkamusm.gov.tr", NULL),
	    NULL), 0);
	assert_int_equal(roles_of(NULL, mkmsg("bilgi@bilgem.tubitak.gov.tr",
	    NULL), NULL), 0);

	assert_true(trust_addr_in_domain("a@kamusm.gov.tr", "kamusm.gov.tr"));
	assert_true(trust_addr_in_domain("kamusm.gov.tr", "kamusm.gov.tr"));
	assert_false(trust_addr_in_domain("a@gov.tr", "kamusm.gov.tr"));
	assert_false(trust_addr_in_domain("a@kamusm.gov.tr", ""));
}

#define AS "mx.example.edu.tr"
/* What the MX writes on taking a message: its Received, and its stamp
 * above it (RFC 8601 section 5: at the top). */
#define RCVD "from mail.sender.example (mail.sender.example [192.0.2.9]) " \
	"by mx.example.edu.tr (Postfix) with ESMTPS id 4T2B; " \
	"Tue, 01 Dec 2026 09:00:00 +0300"

/* ---- RFC 8601 ---------------------------------------------------------- */

static void
test_authres_grammar(void **state)
{
	struct authres ar;
	const struct authres_result *r;

	/* Comments, nested and with quoted-pairs, anywhere CFWS may be;
	 * a version after the authserv-id and after a method; reason=;
	 * a quoted local part; the properties of each result. */
	assert_int_equal(authres_parse(" (top (nested \\) ) comment)"
	    "MX.Example.EDU.tr (x) 1 ; dkim/1 (v) = pass (2048-bit key; "
	    "ok) reason=\"good sig\" header.d=kamusm.gov.tr header.i="
	    "@kamusm.gov.tr;spf=fail smtp.mailfrom=\"a b\"@evil.example; "
	    "dmarc = none (p=none dis=none) header.from = kamusm.gov.tr",
	    &ar), 0);
	assert_string_equal(ar.authserv_id, "mx.example.edu.tr");
	assert_int_equal(ar.nres, 3);
	r = &ar.res[0];
	assert_string_equal(r->method, "dkim");
	assert_string_equal(r->result, "pass");
	assert_string_equal(r->reason, "good sig");
	assert_string_equal(authres_prop(r, "header", "d"), "kamusm.gov.tr");
	assert_string_equal(authres_prop(r, "header", "i"), "@kamusm.gov.tr");
	assert_null(authres_prop(r, "smtp", "mailfrom"));
	r = &ar.res[1];
	assert_string_equal(r->method, "spf");
	assert_string_equal(r->result, "fail");
	assert_string_equal(authres_prop(r, "smtp", "mailfrom"),
	    "a b@evil.example");
	r = &ar.res[2];
	assert_string_equal(r->method, "dmarc");
	assert_string_equal(r->result, "none");
	assert_string_equal(authres_prop(r, "header", "from"),
	    "kamusm.gov.tr");
	authres_free(&ar);

	/* "none": no result at all. */
	assert_int_equal(authres_parse("mx.example.edu.tr; none", &ar), 0);
	assert_int_equal(ar.nres, 0);
	authres_free(&ar);
	assert_int_equal(authres_parse("\"mx.example.edu.tr\" 1;none", &ar),
	    0);
	assert_string_equal(ar.authserv_id, "mx.example.edu.tr");
	assert_int_equal(ar.nres, 0);
	authres_free(&ar);

	/* Not even an authserv-id and a result list: nothing is read. */
	assert_int_equal(authres_parse("", &ar), -1);
	authres_free(&ar);
	assert_int_equal(authres_parse("mx.example.edu.tr dkim=pass "
	    "header.d=kamusm.gov.tr", &ar), -1);
	authres_free(&ar);
	assert_int_equal(authres_parse("(only a comment", &ar), -1);
	authres_free(&ar);

	/* A broken result is left out whole; the others are read. */
	assert_int_equal(authres_parse("mx; dkim=pass header.d=kamusm.gov.tr "
	    "garbage; spf=pass smtp.mailfrom=x@y; dmarc=pass header.from="
	    "\"unclosed; auth=pass", &ar), 0);
	assert_int_equal(ar.nres, 1);
	assert_string_equal(ar.res[0].method, "spf");
	authres_free(&ar);
	assert_int_equal(authres_parse("mx; dkim=pass header.d=a (unclosed; "
	    "spf=pass smtp.mailfrom=b", &ar), 0);
	assert_int_equal(ar.nres, 1);
	assert_string_equal(authres_prop(&ar.res[0], "header", "d"), "a");
	authres_free(&ar);
	/* Properties need CFWS between them and a ptype.property name. */
	assert_int_equal(authres_parse("mx; dkim=pass.header.d=a; spf=pass "
	    "smtp=b; dmarc=pass header.from=c header.from", &ar), 0);
	assert_int_equal(ar.nres, 0);
	authres_free(&ar);
}

/* The attack of issue 11: text the sender chose, echoed by the server in
 * a comment, in smtp.helo or in smtp.mailfrom, must never become a
 * result.  Decoded as RFC 2047, each of these reads "...; dkim=pass
 * header.d=kamusm.gov.tr". */
static void
test_authres_echo_attack(void **state)
{
	static const char *const values[] = {
		AS "; spf=fail smtp.helo==?utf-8?q?x=3B_dkim=3Dpass_header.d="
		    "=3Dkamusm.gov.tr?= smtp.mailfrom=bilgi@kamusm.gov.tr",
		AS "; spf=fail smtp.mailfrom==?utf-8?b?eDsgZGtpbT1wYXNzIGhl"
		    "YWRlci5kPWthbXVzbS5nb3YudHI=?=@evil.example",
		AS "; spf=fail (=?utf-8?q?evil=3B_dkim=3Dpass_header.d=3D"
		    "kamusm.gov.tr?= is not allowed) smtp.mailfrom="
		    "bilgi@kamusm.gov.tr",
		AS "; spf=fail (mail.evil; dkim=pass header.d=kamusm.gov.tr)"
		    " smtp.mailfrom=bilgi@kamusm.gov.tr",
		AS "; spf=fail smtp.helo=\"x; dkim=pass header.d=kamusm.gov."
		    "tr\" smtp.mailfrom=bilgi@kamusm.gov.tr",
		NULL
	};
	struct mime_msg *m;
	struct buf raw = BUF_INIT;
	struct config cfg;
	const char *errstr;
	char claim[TRUST_WHY_MAX];
	struct authres ar;

	init_cfg(&cfg, AS);
	for (size_t i = 0; values[i] != NULL; i++) {
		/* Through the decoder, as a poll reads it. */
		buf_reset(&raw);
		buf_printf(&raw, "Authentication-Results: %s\r\nReceived: %s"
		    "\r\nFrom: Kamu SM <bilgi@kamusm.gov.tr>\r\nSubject: x\r\n"
		    "\r\nbody\r\n", values[i], RCVD);
		assert_int_equal(mime_parse(raw.s, raw.len, &m, &errstr), 0);
		assert_int_equal(trust_roles(&cfg, m, claim, sizeof claim), 0);
		assert_string_not_equal(claim, "");
		assert_null(strstr(claim, "dkim=pass"));
		/* Kept raw: the encoded word is still there as written. */
		assert_int_equal(authres_parse(mime_header(m,
		    "Authentication-Results"), &ar), 0);
		for (size_t k = 0; k < ar.nres; k++)
			assert_string_not_equal(ar.res[k].method, "dkim");
		authres_free(&ar);
		mime_free(&m);
	}
	buf_free(&raw);
}

/* ---- who is believed ----------------------------------------------------- */

/* A message from `from` with an MX stamp ar (NULL: none) above the MX's
 * Received. */
static struct mime_msg *
stamped(const char *from, const char *ar)
{
	if (ar == NULL)
		return mkmsg(from, "Received", RCVD, NULL);
	return mkmsg(from, "Authentication-Results", ar, "Received", RCVD,
	    NULL);
}

/* The reason is written where the caller says: one call leaves what
 * another wrote alone, and a short buffer gets a cut reason. */
static void
test_why_is_the_callers(void **state)
{
	struct config cfg;
	struct mime_msg *a, *b;
	char wa[TRUST_WHY_MAX], wb[TRUST_WHY_MAX], small[5];

	init_cfg(&cfg, AS);
	a = stamped("bidb@example.edu.tr", AS "; spf=fail "
	    "smtp.mailfrom=example.edu.tr");
	b = stamped("dekan.muh@example.edu.tr", NULL);
	assert_int_equal(trust_roles(&cfg, a, wa, sizeof wa), 0);
	assert_int_equal(trust_roles(&cfg, b, wb, sizeof wb), 0);
	assert_string_equal(wa, "From bidb@example.edu.tr, but "
	    "mx.example.edu.tr stamped spf=fail for example.edu.tr");
	assert_non_null(strstr(wb, "From dekan.muh@example.edu.tr, but no "));
	assert_int_equal(trust_roles(&cfg, a, small, sizeof small), 0);
	assert_string_equal(small, "From");
	assert_int_equal(trust_roles(&cfg, a, NULL, 0), 0);
	freemsg(a);
	freemsg(b);
	/* A claim that holds leaves "". */
	a = stamped("bidb@example.edu.tr", AS "; auth=pass smtp.auth=bidb");
	assert_int_equal(trust_roles(&cfg, a, wa, sizeof wa),
	    ROLE_BIDB | ROLE_INTERNAL);
	assert_string_equal(wa, "");
	freemsg(a);
}

static void
test_internal_roles_need_stamp(void **state)
{
	const char *why;
	unsigned r;

	/* The forgery: bidb@ from outside, the MX said fail. */
	r = roles_of(AS, stamped("bidb@example.edu.tr", AS "; spf=fail "
	    "smtp.mailfrom=example.edu.tr; dkim=none; dmarc=fail "
	    "header.from=example.edu.tr"), &why);
	assert_int_equal(r, 0);
	assert_string_equal(why, "From bidb@example.edu.tr, but "
	    "mx.example.edu.tr stamped spf=fail, dkim=none, dmarc=fail for "
	    "example.edu.tr");
	/* No stamp of ours at all: a unit head's forged form. */
	r = roles_of(AS, stamped("dekan.muh@example.edu.tr", NULL), &why);
	assert_int_equal(r, 0);
	assert_string_equal(why, "From dekan.muh@example.edu.tr, but no "
	    "Authentication-Results of mx.example.edu.tr or "
	    "smtp.example.edu.tr above its Received header vouches for it");
	r = roles_of(AS, stamped("dekan.muh@example.edu.tr", AS "; none"),
	    &why);
	assert_int_equal(r, 0);
	assert_string_equal(why, "From dekan.muh@example.edu.tr, but "
	    "mx.example.edu.tr stamped no auth, dkim, spf or dmarc result");

	/* Authenticated submission. */
	r = roles_of(AS, stamped("bidb@example.edu.tr", AS "; auth=pass "
	    "smtp.auth=bidb"), &why);
	assert_int_equal(r, ROLE_BIDB | ROLE_INTERNAL);
	assert_null(why);
	assert_int_equal(roles_of(AS, stamped("yaziisleri@example.edu.tr",
	    AS "; auth=pass smtp.auth=YaziIsleri@Example.edu.tr"), &why),
	    ROLE_YAZI | ROLE_INTERNAL);
	assert_int_equal(roles_of(AS, stamped("dekan.muh@example.edu.tr",
	    AS "; auth=pass (PLAIN sasl)"), &why), ROLE_INTERNAL);
	/* ... but a member logged in as himself is not BİDB. */
	r = roles_of(AS, stamped("bidb@example.edu.tr", AS "; auth=pass "
	    "smtp.auth=ayse.yilmaz"), &why);
	assert_int_equal(r, 0);
	assert_string_equal(why, "From bidb@example.edu.tr, but "
	    "mx.example.edu.tr stamped auth=pass for ayse.yilmaz");
	assert_int_equal(roles_of(AS, stamped("bidb@example.edu.tr", AS
	    "; auth=pass smtp.auth=bidb@example.edu.tr.evil"), &why), 0);
	assert_int_equal(roles_of(AS, stamped("bidb@example.edu.tr", AS
	    "; auth=fail smtp.auth=bidb"), &why), 0);

	/* DKIM, SPF, DMARC for the institution's domain. */
	assert_int_equal(roles_of(AS, stamped("bys-destek@example.edu.tr", AS
	    "; dkim=pass header.d=example.edu.tr"), &why),
	    ROLE_BYS | ROLE_INTERNAL);
	assert_int_equal(roles_of(AS, stamped("hoca@muh.example.edu.tr", AS
	    "; spf=pass smtp.mailfrom=<hoca@muh.example.edu.tr>"), &why),
	    ROLE_INTERNAL);
	assert_int_equal(roles_of(AS, stamped("ayse@example.edu.tr", AS
	    "; dmarc=pass header.from=example.edu.tr"), &why),
	    ROLE_INTERNAL);
	/* A pass for somebody else's domain is no pass for ours. */
	r = roles_of(AS, stamped("bidb@example.edu.tr", AS "; dkim=pass "
	    "header.d=evil.example; spf=pass smtp.mailfrom=x@evil.example; "
	    "dmarc=pass header.from=example.edu.tr.evil.example"), &why);
	assert_int_equal(r, 0);
	assert_string_equal(why, "From bidb@example.edu.tr, but "
	    "mx.example.edu.tr stamped dkim=pass for evil.example, spf=pass "
	    "for evil.example, dmarc=pass for example.edu.tr.evil.example");
	/* Any method other than these four says nothing of the sender. */
	assert_int_equal(roles_of(AS, stamped("bidb@example.edu.tr", AS
	    "; iprev=pass policy.iprev=192.0.2.9; x-foo=pass "
	    "header.d=example.edu.tr"), &why), 0);
}

static void
test_kamusm_needs_stamp(void **state)
{
	const char *why;
	unsigned r;

	r = roles_of(AS, stamped("bilgi@kamusm.gov.tr", AS "; dkim=pass "
	    "(2048-bit key) header.d=kamusm.gov.tr header.i=@kamusm.gov.tr; "
	    "spf=none"), &why);
	assert_int_equal(r, ROLE_KAMUSM);
	assert_null(why);
	assert_int_equal(roles_of(AS, stamped("bilgi@kamusm.gov.tr", AS
	    " 1; spf=pass smtp.mailfrom=bilgi@kamusm.gov.tr; dkim=none"),
	    &why), ROLE_KAMUSM);
	assert_int_equal(roles_of(AS, stamped("noreply@mail.kamusm.gov.tr",
	    AS "; dmarc=pass header.from=kamusm.gov.tr"), &why),
	    ROLE_KAMUSM);
	/* authserv-id without case; quoted values unquoted. */
	assert_int_equal(roles_of(AS, stamped("bilgi@kamusm.gov.tr",
	    "MX.Example.EDU.tr; dkim=PASS header.d=\"kamusm.gov.tr\""), &why),
	    ROLE_KAMUSM);
	/* The failing stamp of the story's forgery. */
	r = roles_of(AS, stamped("bilgi@kamusm.gov.tr", AS "; dkim=fail "
	    "header.d=kamusm.gov.tr; spf=softfail "
	    "smtp.mailfrom=bilgi@kamusm.gov.tr"), &why);
	assert_int_equal(r, 0);
	assert_string_equal(why, "From bilgi@kamusm.gov.tr, but "
	    "mx.example.edu.tr stamped dkim=fail, spf=softfail for "
	    "kamusm.gov.tr");
	/* The pass must be for the Kamu SM domain the From is in. */
	assert_int_equal(roles_of(AS, stamped("bilgi@kamusm.gov.tr", AS
	    "; dkim=pass header.d=kamusm.bilgem.tubitak.gov.tr"), &why), 0);
	assert_int_equal(roles_of(AS, stamped("bilgi@kamusm.gov.tr", AS
	    "; dkim=pass header.d=kamusm.gov.tr.evil.example"), &why), 0);
	/* Logging in at our server is for our own people only. */
	assert_int_equal(roles_of(AS, stamped("bilgi@kamusm.gov.tr", AS
	    "; auth=pass smtp.auth=bilgi@kamusm.gov.tr"), &why), 0);
	/* An outsider claims nothing: no role and no reason. */
	assert_int_equal(roles_of(AS, stamped("someone@gmail.com", AS
	    "; dkim=pass header.d=gmail.com"), &why), 0);
	assert_null(why);
	assert_int_equal(roles_of(AS, stamped("bilgi@kamusm-gov.tr", NULL),
	    &why), 0);
	assert_null(why);
}

static void
test_stamp_position(void **state)
{
	const char *why;
	unsigned r;

	/* A passing stamp below the MX's Received is the sender's own
	 * writing, even with our authserv-id. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=fail header.d=kamusm.gov.tr",
	    "Received", RCVD,
	    "Authentication-Results", AS "; dkim=pass header.d=kamusm.gov.tr",
	    NULL), &why);
	assert_int_equal(r, 0);
	assert_string_equal(why, "From bilgi@kamusm.gov.tr, but "
	    "mx.example.edu.tr stamped dkim=fail for kamusm.gov.tr (an "
	    "Authentication-Results below the institution's Received header "
	    "was ignored: the sender may have written it)");
	r = roles_of(AS, mkmsg("bidb@example.edu.tr",
	    "Received", RCVD,
	    "Authentication-Results", AS "; auth=pass smtp.auth=bidb",
	    NULL), &why);
	assert_int_equal(r, 0);
	assert_non_null(strstr(why, "no Authentication-Results of "));
	assert_non_null(strstr(why, "was ignored"));
	/* The sender's own "Received: ... by mx" lower down changes
	 * nothing: the topmost one counts. */
	r = roles_of(AS, mkmsg("bidb@example.edu.tr",
	    "Received", "from localhost by imap.example.edu.tr with LMTP",
	    "Authentication-Results", AS "; spf=fail "
	    "smtp.mailfrom=example.edu.tr",
	    "Received", RCVD,
	    "Authentication-Results", AS "; auth=pass smtp.auth=bidb",
	    "Received", "from x by mx.example.edu.tr with ESMTP",
	    NULL), &why);
	assert_int_equal(r, 0);
	/* Stamps of both our servers above the MX's Received count; the
	 * LMTP hop above them is no Received of ours. */
	r = roles_of(AS, mkmsg("bidb@example.edu.tr",
	    "Received", "from mx.example.edu.tr by imap.example.edu.tr with "
	    "LMTP",
	    "Authentication-Results", AS "; spf=none",
	    "Authentication-Results", "smtp.example.edu.tr; auth=pass "
	    "smtp.auth=bidb",
	    "Received", RCVD,
	    NULL), &why);
	assert_int_equal(r, ROLE_BIDB | ROLE_INTERNAL);
	/* A HELO name cannot hide the MX's "by": an unclosed "(" in it
	 * does not swallow the rest. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=fail header.d=kamusm.gov.tr",
	    "Received", "from evil( (evil [192.0.2.66]) by mx.example.edu.tr "
	    "with ESMTP",
	    "Authentication-Results", AS "; dkim=pass header.d=kamusm.gov.tr",
	    NULL), &why);
	assert_int_equal(r, 0);
	/* When no Received names our server, the first Received of any
	 * kind ends what we believe. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Received", "from a by mx1.example.edu.tr",
	    "Authentication-Results", AS "; dkim=pass header.d=kamusm.gov.tr",
	    NULL), &why);
	assert_int_equal(r, 0);
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=pass header.d=kamusm.gov.tr",
	    "Received", "from a by mx1.example.edu.tr",
	    NULL), &why);
	assert_int_equal(r, ROLE_KAMUSM);
	/* With no Received at all every field is above. */
	assert_int_equal(roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=pass header.d=kamusm.gov.tr",
	    NULL), &why), ROLE_KAMUSM);
	/* Stamps of other servers are anybody's words. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", "evil.example; dkim=pass "
	    "header.d=kamusm.gov.tr", "Received", RCVD, NULL), &why);
	assert_int_equal(r, 0);
	assert_non_null(strstr(why, "no Authentication-Results"));
}

static void
test_opt_out(void **state)
{
	struct config cfg;
	const char *why;

	/* authserv_id = none: the From alone, and a loud warning. */
	assert_int_equal(roles_of(NULL, mkmsg("bidb@example.edu.tr", NULL),
	    &why), ROLE_BIDB | ROLE_INTERNAL);
	assert_null(why);
	init_cfg(&cfg, NULL);
	assert_non_null(trust_config_warning(&cfg));
	assert_non_null(strstr(trust_config_warning(&cfg), "anyone can "
	    "forge any sender"));
	init_cfg(&cfg, AS);
	assert_null(trust_config_warning(&cfg));
}

static void
test_addr_local(void **state)
{
	struct config cfg;

	init_cfg(&cfg, AS);
	assert_true(trust_addr_local(&cfg, "ayse@example.edu.tr"));
	assert_true(trust_addr_local(&cfg, "hoca@muh.example.edu.tr"));
	assert_true(trust_addr_local(&cfg, "dr@tip.example.edu.tr"));
	assert_false(trust_addr_local(&cfg, "ayse@gmail.com"));
	assert_false(trust_addr_local(&cfg, "x@example.edu.tr.evil.example"));
	assert_false(trust_addr_local(&cfg, "example.edu.tr"));
	assert_false(trust_addr_local(&cfg, NULL));
}

static void
test_role_words(void **state)
{
	assert_int_equal(trust_role_parse("kamusm"), ROLE_KAMUSM);
	assert_int_equal(trust_role_parse("bys"), ROLE_BYS);
	assert_int_equal(trust_role_parse("bidb"), ROLE_BIDB);
	assert_int_equal(trust_role_parse("yazi_isleri"), ROLE_YAZI);
	assert_int_equal(trust_role_parse("unit_head"), ROLE_INTERNAL);
	assert_int_equal(trust_role_parse("personnel"), ROLE_INTERNAL);
	assert_int_equal(trust_role_parse("internal"), ROLE_INTERNAL);
	assert_int_equal(trust_role_parse("kamu_sm"), 0);
	assert_int_equal(trust_role_parse(""), 0);
}

static int
automatic(struct mime_msg *m, const char **why)
{
	int r = trust_is_automatic(m, why);

	freemsg(m);
	return r;
}

static void
test_automatic(void **state)
{
	const char *why;
	struct mime_msg *m;

	assert_true(automatic(mkmsg("ayse@example.edu.tr", "Auto-Submitted",
	    "auto-replied", NULL), &why));
	assert_string_equal(why, "an automatic reply (out of office)");
	assert_true(automatic(mkmsg("bilgi@kamusm.gov.tr", "Auto-Submitted",
	    "auto-generated", NULL), &why));
	assert_string_equal(why, "Auto-Submitted");
	assert_false(automatic(mkmsg("ayse@example.edu.tr", "Auto-Submitted",
	    "no", NULL), &why));
	assert_null(why);
	assert_true(automatic(mkmsg("ayse@example.edu.tr", "Precedence",
	    "bulk", NULL), &why));
	assert_true(automatic(mkmsg("ayse@example.edu.tr", "Precedence",
	    "List", NULL), &why));
	assert_false(automatic(mkmsg("ayse@example.edu.tr", "Precedence",
	    "urgent", NULL), &why));
	assert_true(automatic(mkmsg("duyuru@example.edu.tr", "List-Id",
	    "Duyurular <duyuru.example.edu.tr>", NULL), &why));
	assert_true(automatic(mkmsg("MAILER-DAEMON@mx.example.edu.tr", NULL),
	    &why));
	assert_true(automatic(mkmsg("postmaster@example.edu.tr", NULL), &why));
	assert_true(automatic(mkmsg("x@example.edu.tr", "Content-Type",
	    "multipart/report; report-type=delivery-status; boundary=x",
	    NULL), &why));
	m = mkmsg("x@example.edu.tr", NULL);
	m->return_path = xstrdup("");
	assert_true(automatic(m, &why));
	assert_false(automatic(mkmsg("ayse@example.edu.tr", "Subject", "Merhaba",
	    "Content-Type", "text/plain; charset=utf-8", NULL), &why));
	assert_false(automatic(mkmsg("daemonic@example.edu.tr", NULL), &why));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_institution_roles),
		cmocka_unit_test(test_kamusm_domains),
		cmocka_unit_test(test_authres_grammar),
		cmocka_unit_test(test_authres_echo_attack),
		cmocka_unit_test(test_why_is_the_callers),
		cmocka_unit_test(test_internal_roles_need_stamp),
		cmocka_unit_test(test_kamusm_needs_stamp),
		cmocka_unit_test(test_stamp_position),
		cmocka_unit_test(test_opt_out),
		cmocka_unit_test(test_addr_local),
		cmocka_unit_test(test_role_words),
		cmocka_unit_test(test_automatic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
