/* test_quote: fresh text, quoted history and forwarded originals as the
 * mail clients write them (quote.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "quote.h"

static void
expect_fresh(const char *text, const char *want)
{
	char *f = quote_fresh_text(text);

	assert_string_equal(f, want);
	free(f);
}

/* The first forwarded original of text: its sender and subject. */
static void
expect_forward(const char *text, int hint, const char *from_addr,
    const char *subject, const char *body_starts)
{
	struct quote q;
	size_t i;

	quote_parse(text, hint, &q);
	for (i = 0; i < q.norig; i++)
		if (q.orig[i].kind == QUOTE_FORWARD)
			break;
	assert_true(i < q.norig);
	if (from_addr)
		assert_string_equal(q.orig[i].from_addr, from_addr);
	if (subject)
		assert_string_equal(q.orig[i].subject, subject);
	if (body_starts)
		assert_memory_equal(text + q.orig[i].body, body_starts,
		    strlen(body_starts));
	quote_free(&q);
}

static void
expect_no_forward(const char *text, int hint)
{
	struct quote q;

	quote_parse(text, hint, &q);
	for (size_t i = 0; i < q.norig; i++)
		assert_int_not_equal(q.orig[i].kind, QUOTE_FORWARD);
	quote_free(&q);
}

static void
test_outlook(void **state)
{
	const char *tr =
	    "Bilginize.\n\n"
	    "________________________________\n"
	    "Kimden: Kamu SM <bilgi@kamusm.gov.tr>\n"
	    "Gönderildi: 13 Aralık 2026 Pazar 10:00\n"
	    "Kime: Mehmet Öztürk <mehmet.ozturk@example.edu.tr>;\n"
	    "  BİDB <bidb@example.edu.tr>\n"
	    "Konu: Nitelikli Elektronik Sertifika Başvurunuz Hakkında\n\n"
	    "Sayın MEHMET ÖZTÜRK,\n";
	const char *en =
	    "FYI\n\n-----Original Message-----\n"
	    "From: Kamu SM [mailto:noreply@kamusm.gov.tr]\n"
	    "Sent: Sunday, December 13, 2026 10:00 AM\n"
	    "To: Ayse Yilmaz\nSubject: Basvurunuz alinmistir\n\n"
	    "Sayin AYSE YILMAZ\n";

	expect_fresh(tr, "Bilginize.");
	/* "İLT:" says forward; Outlook's block alone could be a reply. */
	expect_forward(tr, 1, "bilgi@kamusm.gov.tr",
	    "Nitelikli Elektronik Sertifika Başvurunuz Hakkında",
	    "Sayın MEHMET");
	expect_no_forward(tr, 0);
	expect_fresh(en, "FYI");
	expect_forward(en, 1, "noreply@kamusm.gov.tr", "Basvurunuz alinmistir",
	    "Sayin AYSE");
	{
		struct quote q;

		quote_parse(tr, 1, &q);
		assert_int_equal(q.norig, 1);
		assert_non_null(strstr(q.orig[0].to_addrs,
		    "mehmet.ozturk@example.edu.tr"));
		assert_non_null(strstr(q.orig[0].to_addrs,
		    "bidb@example.edu.tr"));
		quote_free(&q);
	}
}

static void
test_gmail(void **state)
{
	const char *fwd =
	    "İyi çalışmalar.\n\n"
	    "---------- Yönlendirilen ileti ---------\n"
	    "Gönderen: Kamu SM <nes-basvuru@kamusm.bilgem.tubitak.gov.tr>\n"
	    "Date: 12 Ara 2026 Cmt 14:02\n"
	    "Subject: Başvurunuz e-İmza ile onaylanmıştır\n"
	    "To: <ayse.yilmaz@example.edu.tr>\n\n"
	    "Sayın Ayşe Yılmaz,\n";
	const char *reply =
	    "Onayladım, teşekkürler.\n\n"
	    "NES Robotu <nesrobot@example.edu.tr>, 7 Ara 2026 Pzt, 09:00 "
	    "tarihinde şunu\nyazdı:\n\n"
	    "> e-Onay, e-İmza veya ıslak imza ile onaylayabilirsiniz.\n";

	expect_fresh(fwd, "İyi çalışmalar.");
	expect_forward(fwd, 0, "nes-basvuru@kamusm.bilgem.tubitak.gov.tr",
	    "Başvurunuz e-İmza ile onaylanmıştır", "Sayın Ayşe");
	expect_fresh(reply, "Onayladım, teşekkürler.");
	expect_no_forward(reply, 0);
}

static void
test_thunderbird_zimbra_roundcube(void **state)
{
	const char *tb =
	    "\n-------- İletilen Mesaj --------\n"
	    "Konu: \tKargo bilgisi\n"
	    "Tarih: \tThu, 10 Dec 2026 11:00:00 +0300\n"
	    "Kimden: \tYazı İşleri <yaziisleri@example.edu.tr>\n"
	    "Kime: \tbidb@example.edu.tr\n\n"
	    "Formlar kargoya verilmiştir.\n";
	const char *zimbra =
	    "Tamamdır.\n\n----- Orijinal Mesaj -----\n"
	    "Kimden: \"BİDB\" <bidb@example.edu.tr>\n"
	    "Kime: \"Ali Veli\" <ali.veli@example.edu.tr>\n"
	    "Gönderilenler: Pazartesi, 7 Aralık 2026 9:00:00\n"
	    "Konu: NES\n\nmerhaba\n";
	const char *roundcube =
	    "kartım elime ulaştı\n\n"
	    "07.12.2026 09:00 tarihinde, NES Robotu yazdı:\n"
	    "> Sertifikanız kurye ile gönderilmiştir.\n";

	expect_fresh(tb, "");
	expect_forward(tb, 0, "yaziisleri@example.edu.tr", "Kargo bilgisi",
	    "Formlar kargoya");
	expect_fresh(zimbra, "Tamamdır.");
	expect_no_forward(zimbra, 0);
	expect_forward(zimbra, 1, "bidb@example.edu.tr", "NES", "merhaba");
	expect_fresh(roundcube, "kartım elime ulaştı");
}

static void
test_apple_and_bottom_posting(void **state)
{
	const char *apple =
	    "Bilginize\n\nBegin forwarded message:\n\n"
	    "> From: Kamu SM <bilgi@kamusm.gov.tr>\n"
	    "> Subject: Sertifikanız kurye ile gönderilmiştir\n"
	    "> Date: 10 December 2026 at 12:00:00 GMT+3\n"
	    "> To: ayse.yilmaz@example.edu.tr\n>\n"
	    "> Sayın AYŞE YILMAZ, kartınız kuryeye teslim edilmiştir.\n";
	const char *bottom =
	    "On 7 Dec 2026, at 09:00, NES Robotu <nesrobot@example.edu.tr> "
	    "wrote:\n\n"
	    "> Başvurunuzu onaylamanız beklenmektedir.\n>\n> Saygılarımızla\n\n"
	    "e-imza ile onayladım.\n\nAyşe\n\niPhone'umdan gönderildi\n";
	struct quote q;
	char *u;

	expect_fresh(apple, "Bilginize");
	expect_forward(apple, 0, "bilgi@kamusm.gov.tr",
	    "Sertifikanız kurye ile gönderilmiştir", NULL);
	quote_parse(apple, 0, &q);
	assert_int_equal(q.orig[0].quoted, 1);
	u = quote_unquote(apple + q.orig[0].body);
	assert_memory_equal(u, "Sayın AYŞE YILMAZ, kartınız", 27);
	free(u);
	quote_free(&q);
	/* Below the quote: what the sender wrote. */
	expect_fresh(bottom, "e-imza ile onayladım.\n\nAyşe\n\niPhone'umdan "
	    "gönderildi");
}

static void
test_not_boundaries(void **state)
{
	/* Sentences that end in ':' or start with "From:" are text. */
	expect_fresh("Size iletilen belgeler şunlardır:\n- form\n",
	    "Size iletilen belgeler şunlardır:\n- form\n");
	expect_fresh("From: me, to everyone\nbye\n",
	    "From: me, to everyone\nbye\n");
	expect_fresh("-- \nAyşe\n", "-- \nAyşe\n");
	expect_fresh("----------\nimza\n", "----------\nimza\n");
	expect_no_forward("Konu: NES\nmerhaba\n", 1);
}

static void
test_subjects(void **state)
{
	assert_true(quote_subject_is_forward("İLT: NES"));
	assert_true(quote_subject_is_forward("ILT: NES"));
	assert_true(quote_subject_is_forward("FW: NES"));
	assert_true(quote_subject_is_forward("Fwd: NES"));
	assert_true(quote_subject_is_forward("TR: NES"));
	assert_true(quote_subject_is_forward("YNT: İLT: NES"));
	assert_false(quote_subject_is_forward("YNT: NES"));
	assert_false(quote_subject_is_forward("NES Yenileme: Talep"));
	assert_true(quote_subject_is_reply("YNT: NES"));
	assert_true(quote_subject_is_reply("Ynt: NES"));
	assert_true(quote_subject_is_reply("RE: NES"));
	assert_true(quote_subject_is_reply("Re[2]: NES"));
	assert_true(quote_subject_is_reply("Cevap: NES"));
	assert_false(quote_subject_is_reply("Fwd: NES"));
	assert_false(quote_subject_is_reply(NULL));
}

static void
test_addrs(void **state)
{
	char *a = quote_addrs("\"Ayşe\" <Ayse.Yilmaz@Example.edu.tr>; "
	    "b@x.org [mailto:b@x.org], noaddr, c@localhost");

	assert_string_equal(a, "ayse.yilmaz@example.edu.tr, b@x.org");
	free(a);
	assert_null(quote_addrs("Kamu Sertifikasyon Merkezi"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outlook),
		cmocka_unit_test(test_gmail),
		cmocka_unit_test(test_thunderbird_zimbra_roundcube),
		cmocka_unit_test(test_apple_and_bottom_posting),
		cmocka_unit_test(test_not_boundaries),
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_addrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
