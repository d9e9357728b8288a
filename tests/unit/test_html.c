/* Unit tests for html.c: what a reader of an HTML-only mail sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "html.h"

static void
check(const char *html, const char *want)
{
	/* An exact-size copy, not NUL-terminated, catches over-reads under
	 * the sanitizers. */
	size_t n = strlen(html);
	char *in = malloc(n ? n : 1), *t;

	memcpy(in, html, n);
	t = html_to_text(in, n);
	assert_string_equal(t, want);
	free(t);
	free(in);
}

static void
test_table_rows(void **state)
{
	check("<table><tr><th>Ad Soyad</th><th>T.C. Kimlik No</th>"
	    "<th>Unvan</th></tr>\n<tr><td> Ayşe\n  Yılmaz </td>"
	    "<td>10000000146</td><td>Dr. Öğr. Üyesi</td></tr>"
	    "<tr><td>İsmail Çağlar</td><td>23456789060</td><td></td></tr>"
	    "</table>",
	    "Ad Soyad | T.C. Kimlik No | Unvan\n"
	    "Ayşe Yılmaz | 10000000146 | Dr. Öğr. Üyesi\n"
	    "İsmail Çağlar | 23456789060 |");
}

static void
test_blocks_inside_cells_stay_on_row(void **state)
{
	check("<table><tr><td><p>Ayşe</p><div>Yılmaz</div></td>"
	    "<td>Birim<br>Mühendislik</td></tr></table>",
	    "Ayşe Yılmaz | Birim Mühendislik");
}

static void
test_blocks_and_br(void **state)
{
	check("<p>Sayın BİDB,</p><p>Liste aşağıdadır.<br>Talep No: 48213</p>"
	    "<div>Saygılarımla,</div><div>Gülşen Öztürk</div>",
	    "Sayın BİDB,\n\nListe aşağıdadır.\nTalep No: 48213\n\n"
	    "Saygılarımla,\nGülşen Öztürk");
	check("satır1<br><br>satır3", "satır1\n\nsatır3");
	check("<ul><li>e-Onay</li><li>e-İmza</li><li>ıslak imza</li></ul>",
	    "e-Onay\ne-İmza\nıslak imza");
}

static void
test_script_style_head_dropped(void **state)
{
	check("<html><head><title>Başlık</title><style>p{color:red}</style>"
	    "</head><body><script>var x = '<p>no</p>';</script>"
	    "<p>Merhaba</p><noscript>js yok</noscript></body></html>",
	    "Merhaba");
}

static void
test_entities_and_space(void **state)
{
	check("<p>Ar&#351;. G&ouml;r. &amp; &lt;Uzman&gt;&nbsp;&nbsp;Yazı"
	    "\t\t  İşleri</p>",
	    "Arş. Gör. & <Uzman> Yazı İşleri");
	check("<b>e-</b><i>İmza</i>  ile   onaylandı", "e-İmza ile onaylandı");
}

static void
test_pre_kept(void **state)
{
	check("<pre>Ad    Soyad\nAyşe  Yılmaz</pre>",
	    "Ad    Soyad\nAyşe  Yılmaz");
}

static void
test_meta_charset_ignored(void **state)
{
	/* The text was converted to UTF-8 already; a stale <meta> must not
	 * make libxml2 read it a second time as ISO-8859-9. */
	check("<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=iso-8859-9\"></head>"
	    "<body>Başvurunuz alınmıştır</body></html>",
	    "Başvurunuz alınmıştır");
}

static void
test_empty_and_broken(void **state)
{
	char *t = html_to_text(NULL, 0);

	assert_string_equal(t, "");
	free(t);
	check("", "");
	check("<html><body></body></html>", "");
	check("<p>yarım <b>kalmış <table><tr><td>hücre", "yarım kalmış\nhücre");
	check("düz metin, etiketsiz", "düz metin, etiketsiz");
}

static void
test_deep_nesting(void **state)
{
	struct buf b = BUF_INIT;
	char *t;

	for (int i = 0; i < 5000; i++)
		buf_puts(&b, "<div><span>");
	buf_puts(&b, "derin");
	t = html_to_text(b.s, b.len);
	/* libxml2 may cut the tree; the walk must just not crash. */
	assert_non_null(t);
	free(t);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_blocks_inside_cells_stay_on_row),
		cmocka_unit_test(test_blocks_and_br),
		cmocka_unit_test(test_script_style_head_dropped),
		cmocka_unit_test(test_entities_and_space),
		cmocka_unit_test(test_pre_kept),
		cmocka_unit_test(test_meta_charset_ignored),
		cmocka_unit_test(test_empty_and_broken),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
