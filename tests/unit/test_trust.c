/* Unit tests of trust: sender roles, Authentication-Results, automatic
 * mail. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "trust.h"

static char *kamusm_domains[] = {
	"kamusm.gov.tr", "kamusm.bilgem.tubitak.gov.tr", NULL
};

static void
init_cfg(struct config *cfg, const char *authserv_id)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->institution.domain = "example.edu.tr";
	cfg->institution.bidb = "bidb@example.edu.tr";
	cfg->institution.yazi_isleri = "yaziisleri@example.edu.tr";
	cfg->institution.bys = "bys-destek@example.edu.tr";
	cfg->institution.authserv_id = (char *)authserv_id;
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
	struct config cfg;
	unsigned r;

	init_cfg(&cfg, authserv_id);
	r = trust_roles(&cfg, m, why);
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

static void
test_authentication_results(void **state)
{
	const char *why;
	unsigned r;

	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=pass (2048-bit key) "
	    "header.d=kamusm.gov.tr header.i=@kamusm.gov.tr; spf=none",
	    NULL), &why);
	assert_int_equal(r, ROLE_KAMUSM);
	assert_null(why);

	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS " 1; spf=pass "
	    "smtp.mailfrom=bilgi@kamusm.gov.tr; dkim=none", NULL), &why);
	assert_int_equal(r, ROLE_KAMUSM);

	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; spf=pass "
	    "smtp.mailfrom=kamusm.gov.tr", NULL), &why);
	assert_int_equal(r, ROLE_KAMUSM);

	/* A failing signature withholds the role and says why. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=fail header.d=kamusm.gov.tr;"
	    " spf=softfail smtp.mailfrom=bilgi@kamusm.gov.tr", NULL), &why);
	assert_int_equal(r, 0);
	assert_non_null(why);
	assert_non_null(strstr(why, "dkim=fail for kamusm.gov.tr"));
	assert_non_null(strstr(why, AS));

	/* A pass for somebody else's domain is no pass for Kamu SM. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=pass "
	    "header.d=kamusm.gov.tr.evil.example; spf=pass "
	    "smtp.mailfrom=x@evil.example", NULL), &why);
	assert_int_equal(r, 0);
	assert_non_null(why);

	/* Results stamped by another authserv-id are the sender's word. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", "evil.example; dkim=pass "
	    "header.d=kamusm.gov.tr", NULL), &why);
	assert_int_equal(r, 0);
	assert_non_null(why);
	assert_non_null(strstr(why, "no Authentication-Results"));

	/* Only the topmost of our own counts: a forged one below is ignored. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=none; spf=fail "
	    "smtp.mailfrom=bilgi@kamusm.gov.tr",
	    "Authentication-Results", AS "; dkim=pass header.d=kamusm.gov.tr",
	    NULL), &why);
	assert_int_equal(r, 0);

	/* authserv-id compared without case; quoted values unquoted. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr",
	    "Authentication-Results", "MX.Example.EDU.tr; dkim=PASS "
	    "header.d=\"kamusm.gov.tr\"", NULL), &why);
	assert_int_equal(r, ROLE_KAMUSM);

	/* No header at all. */
	r = roles_of(AS, mkmsg("bilgi@kamusm.gov.tr", NULL), &why);
	assert_int_equal(r, 0);
	assert_non_null(why);

	/* Internal roles do not depend on it. */
	r = roles_of(AS, mkmsg("bidb@example.edu.tr", NULL), &why);
	assert_int_equal(r, ROLE_BIDB | ROLE_INTERNAL);
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
		cmocka_unit_test(test_authentication_results),
		cmocka_unit_test(test_role_words),
		cmocka_unit_test(test_automatic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
