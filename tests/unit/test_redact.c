/* Unit tests for redact: Kamu SM's form access password never survives
 * decoding, in any of the ways the label is written, in text and HTML;
 * text that only talks about the password stays as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "mime.h"
#include "redact.h"

/* redact_access_passwords on in must give want and n replacements. */
static void
redacts(const char *in, const char *want, int n)
{
	char *s = xstrdup(in);

	assert_int_equal(redact_access_passwords(&s), n);
	assert_string_equal(s, want);
	free(s);
}

static void
test_labels(void **state)
{
	redacts("Başvuru Formu Erişim Parolası: X7K2P9\n",
	    "Başvuru Formu Erişim Parolası: ******\n", 1);
	redacts("Erişim Parolası: X7K2P9", "Erişim Parolası: ******", 1);
	redacts("Form Erişim Şifresi: kRtY-77a", "Form Erişim Şifresi: ******",
	    1);
	redacts("BAŞVURU FORMU ERİŞİM PAROLASI : X7K2P9.",
	    "BAŞVURU FORMU ERİŞİM PAROLASI : ******", 1);
	redacts("basvuru formu erisim parolasi: x7k2p9 ile girin",
	    "basvuru formu erisim parolasi: ****** ile girin", 1);
	redacts("FORM ERISIM SIFRESI=QWERTY", "FORM ERISIM SIFRESI=******", 1);
	/* On the next line, after blanks only: it has a digit. */
	redacts("Erişim parolanız\r\n  X7K2P9\r\n",
	    "Erişim parolanız\r\n  ******\r\n", 1);
	/* Two notifications forwarded in one message. */
	redacts("Erişim Parolası: AAA111\n> Erişim Parolası: BBB222\n",
	    "Erişim Parolası: ******\n> Erişim Parolası: ******\n", 2);
}

static void
test_html(void **state)
{
	redacts("<tr><td>Erişim Parolası</td><td><b>X7K2P9</b></td></tr>",
	    "<tr><td>Erişim Parolası</td><td><b>******</b></td></tr>", 1);
	redacts("Erişim&nbsp;Parolası:&nbsp;X7K2P9<br>",
	    "Erişim&nbsp;Parolası:&nbsp;******<br>", 1);
	/* html_to_text's table rows */
	redacts("Erişim Parolası | X7K2P9", "Erişim Parolası | ******", 1);
}

static void
test_left_alone(void **state)
{
	redacts("Erişim parolanızı kimseyle paylaşmayınız.",
	    "Erişim parolanızı kimseyle paylaşmayınız.", 0);
	redacts("Erişim parolası", "Erişim parolası", 0);
	redacts("Erişim parolası:", "Erişim parolası:", 0);
	redacts("parola: X7K2P9", "parola: X7K2P9", 0);
	redacts("erişimparolası: X7K2P9", "erişimparolası: X7K2P9", 0);
	redacts("", "", 0);
	assert_int_equal(redact_access_passwords(NULL), 0);
}

/* The decoder the robot uses never hands the password on: not in the text,
 * the HTML, the subject or the stored headers. */
static void
test_decoded_message(void **state)
{
	static const char raw[] =
	    "From: Kamu SM <bilgi@kamusm.gov.tr>\r\n"
	    "To: ayse.yilmaz@example.edu.tr\r\n"
	    "Subject: =?utf-8?q?Eri=C5=9Fim_Parolas=C4=B1=3A_X7K2P9?=\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "Ba=C5=9Fvuru Formu Eri=C5=9Fim Parolas=C4=B1: X7K2P9\r\n"
	    "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	    "<p>Ba\xc5\x9fvuru Formu Eri\xc5\x9fim Parolas\xc4\xb1: "
	    "<b>X7K2P9</b></p>\r\n--b--\r\n";
	struct mime_msg *m = mime_decode(raw, sizeof raw - 1, 1 << 20);

	assert_non_null(m);
	assert_null(strstr(m->text, "X7K2P9"));
	assert_non_null(strstr(m->text, "Parolası: " REDACT_MARK));
	assert_non_null(m->html);
	assert_null(strstr(m->html, "X7K2P9"));
	assert_null(strstr(m->subject, "X7K2P9"));
	for (size_t i = 0; i < m->nheaders; i++)
		assert_null(strstr(m->headers[i].value, "X7K2P9"));
	mime_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_left_alone),
		cmocka_unit_test(test_decoded_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
