/* Unit tests for charset.c: every path to UTF-8 keeps the Turkish letters
 * and nothing is dropped silently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "charset.h"

#define TR_UTF8	"İıŞşĞğÜüÖöÇç"
/* The same letters in ISO-8859-9 / windows-1254. */
#define TR_8859	"\xdd\xfd\xde\xfe\xd0\xf0\xdc\xfc\xd6\xf6\xc7\xe7"

static char *
conv(const char *cs, const char *in, size_t len, struct charset_result *r)
{
	size_t n;
	char *s = charset_to_utf8(cs, in, len, &n, r);

	assert_int_equal(n, strlen(s));
	return s;
}

static void
test_utf8_passes(void **state)
{
	struct charset_result r;
	char *s = conv("UTF-8", TR_UTF8, strlen(TR_UTF8), &r);

	assert_string_equal(s, TR_UTF8);
	assert_int_equal(r.flags, 0);
	assert_string_equal(r.used, "utf-8");
	free(s);
}

static void
test_iso8859_9_via_1254(void **state)
{
	struct charset_result r;
	char *s = conv("ISO-8859-9", TR_8859, 12, &r);

	assert_string_equal(s, TR_UTF8);
	assert_int_equal(r.flags, 0);
	assert_string_equal(r.used, "windows-1254");
	free(s);
	/* 0x80 is a C1 control in ISO-8859-9 but the euro sign in
	 * windows-1254, which is what senders meant. */
	s = conv("iso-8859-9", "100 \x80", 5, &r);
	assert_string_equal(s, "100 €");
	free(s);
	s = conv("latin5", TR_8859, 12, &r);
	assert_string_equal(s, TR_UTF8);
	free(s);
}

static void
test_windows_1254(void **state)
{
	struct charset_result r;
	char *s = conv("windows-1254", "Ba\xfevuru " TR_8859, 20, &r);

	assert_string_equal(s, "Başvuru " TR_UTF8);
	assert_int_equal(r.flags, 0);
	free(s);
}

static void
test_latin1_as_1252(void **state)
{
	struct charset_result r;
	char *s = conv("ISO-8859-1", "\x93\xdcr\xfcn\x94 \xd6\xf6\xc7\xe7", 11,
	    &r);

	assert_string_equal(s, "“Ürün” ÖöÇç");
	assert_string_equal(r.used, "windows-1252");
	free(s);
}

static void
test_other_iconv_charset(void **state)
{
	struct charset_result r;
	char *s = conv("koi8-r", "\xf0\xd2\xc9", 3, &r);

	assert_string_equal(s, "При");
	assert_int_equal(r.flags, 0);
	free(s);
}

static void
test_no_charset_sniffs(void **state)
{
	struct charset_result r;
	char *s;

	s = conv(NULL, "plain ascii", 11, &r);
	assert_string_equal(s, "plain ascii");
	assert_int_equal(r.flags, 0);
	free(s);

	s = conv(NULL, TR_UTF8, strlen(TR_UTF8), &r);
	assert_string_equal(s, TR_UTF8);
	assert_int_equal(r.flags, CHARSET_SNIFFED);
	assert_string_equal(r.used, "utf-8");
	free(s);

	s = conv("us-ascii", TR_8859, 12, &r);
	assert_string_equal(s, TR_UTF8);
	assert_int_equal(r.flags, CHARSET_SNIFFED);
	assert_string_equal(r.used, "windows-1254");
	free(s);
}

static void
test_unknown_charset(void **state)
{
	struct charset_result r;
	struct buf b = BUF_INIT;
	char *s;

	s = conv("x-turkish-unknown", "Ba\xfevuru", 7, &r);
	assert_string_equal(s, "Başvuru");
	assert_int_equal(r.flags, CHARSET_UNKNOWN);
	assert_string_equal(r.used, "windows-1254");
	charset_describe(&r, "x-turkish-unknown", &b);
	assert_string_equal(buf_str(&b),
	    "unknown charset x-turkish-unknown, read as windows-1254");
	buf_free(&b);
	free(s);

	s = conv("x-foo", "Başvuru", strlen("Başvuru"), &r);
	assert_string_equal(s, "Başvuru");
	assert_int_equal(r.flags, CHARSET_UNKNOWN);
	assert_string_equal(r.used, "utf-8");
	free(s);

	/* iconv would take "//TRANSLIT" as an option: not a charset. */
	s = conv("utf-8//TRANSLIT", "Ba\xfe", 3, &r);
	assert_string_equal(s, "Baş");
	assert_true(r.flags & CHARSET_UNKNOWN);
	free(s);
}

static void
test_truncated_utf8_not_dropped(void **state)
{
	struct charset_result r;
	char *s = conv("utf-8", "Ba\xc5\x9fvuru Ba\xc5", 12, &r);

	/* libetpan's charconv drops the trailing \xc5 silently. */
	assert_string_equal(s, "Başvuru Ba\xef\xbf\xbd");
	assert_int_equal(r.flags, CHARSET_INVALID);
	free(s);
}

static void
test_utf8_mislabel(void **state)
{
	struct charset_result r;
	struct buf b = BUF_INIT;
	char *s = conv("utf-8", "Ba\xfevuru Hakk\xfdnda", 16, &r);

	assert_string_equal(s, "Başvuru Hakkında");
	assert_int_equal(r.flags, CHARSET_MISLABEL);
	charset_describe(&r, "utf-8", &b);
	assert_string_equal(buf_str(&b),
	    "declared utf-8 but not UTF-8, read as windows-1254");
	buf_free(&b);
	free(s);
}

static void
test_invalid_bytes_marked(void **state)
{
	struct charset_result r;
	char *s;

	/* 0x81 has no character in windows-1254. */
	s = conv("windows-1254", "a\x81z", 3, &r);
	assert_string_equal(s, "a\xef\xbf\xbdz");
	assert_int_equal(r.flags, CHARSET_INVALID);
	free(s);
	/* A truncated UTF-16 unit at the end. */
	s = conv("UTF-16LE", "A\0B", 3, &r);
	assert_string_equal(s, "A\xef\xbf\xbd");
	assert_int_equal(r.flags, CHARSET_INVALID);
	free(s);
}

static void
test_append_and_nul(void **state)
{
	struct buf b = BUF_INIT;
	size_t n;
	char *s;

	buf_puts(&b, "x=");
	charset_append_utf8(&b, "iso-8859-9", "\xfe", 1, NULL);
	assert_string_equal(buf_str(&b), "x=ş");
	buf_free(&b);
	s = charset_to_utf8("utf-8", "a\0b", 3, &n, NULL);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "a\0b", 3);
	free(s);
}

static void
test_validity_and_sniff(void **state)
{
	assert_true(charset_utf8_valid(TR_UTF8, strlen(TR_UTF8)));
	assert_false(charset_utf8_valid("\xc0\xaf", 2));	/* overlong */
	assert_false(charset_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(charset_utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(charset_utf8_valid("\xc5", 1));
	assert_string_equal(charset_sniff("abc", 3), "us-ascii");
	assert_string_equal(charset_sniff("ş", 2), "utf-8");
	assert_string_equal(charset_sniff("\xfe", 1), "windows-1254");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_passes),
		cmocka_unit_test(test_iso8859_9_via_1254),
		cmocka_unit_test(test_windows_1254),
		cmocka_unit_test(test_latin1_as_1252),
		cmocka_unit_test(test_other_iconv_charset),
		cmocka_unit_test(test_no_charset_sniffs),
		cmocka_unit_test(test_unknown_charset),
		cmocka_unit_test(test_truncated_utf8_not_dropped),
		cmocka_unit_test(test_utf8_mislabel),
		cmocka_unit_test(test_invalid_bytes_marked),
		cmocka_unit_test(test_append_and_nul),
		cmocka_unit_test(test_validity_and_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
