/* Unit tests for ascii: case-insensitive comparison of ASCII words that
 * leaves every other byte alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ascii.h"

static void
test_case(void **state)
{
	assert_int_equal(ascii_lower('A'), 'a');
	assert_int_equal(ascii_lower('Z'), 'z');
	assert_int_equal(ascii_lower('a'), 'a');
	assert_int_equal(ascii_lower('@'), '@');
	assert_int_equal(ascii_lower('['), '[');
	assert_int_equal(ascii_lower(0xc4), 0xc4);	/* İ's first byte */
	assert_int_equal(ascii_lower(-1), -1);
	assert_int_equal(ascii_upper('i'), 'I');
	assert_int_equal(ascii_upper('`'), '`');
	assert_int_equal(ascii_upper('{'), '{');
	assert_int_equal(ascii_upper(0xb1), 0xb1);	/* ı's second byte */
}

static void
test_ieq(void **state)
{
	assert_true(ascii_ieq("Content-Type", "content-TYPE"));
	assert_true(ascii_ieq("SUBJECT", "subject"));	/* I, not İ */
	assert_true(ascii_ieq("", ""));
	assert_false(ascii_ieq("subject", "subjec"));
	assert_false(ascii_ieq("subjec", "subject"));
	assert_false(ascii_ieq("[", "{"));	/* differ by 0x20, no letters */
	/* Turkish letters are not ASCII: never folded here. */
	assert_false(ascii_ieq("\xc4\xb0", "i"));	/* İ */
	assert_false(ascii_ieq("\xc4\xb1", "I"));	/* ı */
	assert_true(ascii_ieq("\xc4\xb0stanbul", "\xc4\xb0STANBUL"));
}

static void
test_ieqn(void **state)
{
	assert_true(ascii_ieqn("X-Corpus-Expect: a", "x-corpus-", 9));
	assert_false(ascii_ieqn("X-Corpus", "x-corpus-", 9));
	assert_true(ascii_ieqn("abc", "ABC", 10));	/* both end at 3 */
	assert_false(ascii_ieqn("abc", "ABCD", 10));
	assert_true(ascii_ieqn("abc", "xyz", 0));
	assert_true(ascii_prefix_ci("MAILTO:a@b", "mailto:"));
	assert_false(ascii_prefix_ci("mail", "mailto:"));
	assert_true(ascii_suffix_ci("FORM.XLSX", ".xlsx"));
	assert_false(ascii_suffix_ci("xlsx", ".xlsx"));
	assert_false(ascii_suffix_ci(NULL, ".xlsx"));
	assert_true(ascii_suffix_ci("", ""));
}

static void
test_find(void **state)
{
	const char *s = "Content-Type: Multipart/Report; report-type=x";

	assert_ptr_equal(ascii_find_ci(s, "multipart/report"), s + 14);
	assert_ptr_equal(ascii_find_ci(s, "REPORT-TYPE"), s + 32);
	assert_ptr_equal(ascii_find_ci(s, ""), s);
	assert_null(ascii_find_ci(s, "report-type=xy"));
	assert_null(ascii_find_ci("", "a"));
	assert_null(ascii_find_ci(NULL, "a"));
	assert_string_equal(ascii_find_ci("aaab", "AAB"), "aab");
}

static void
test_str(void **state)
{
	char s[] = "Ali.VELI@Example.EDU.tr \xc4\xb0I";

	ascii_lower_str(s);
	assert_string_equal(s, "ali.veli@example.edu.tr \xc4\xb0i");
	ascii_upper_str(s);
	assert_string_equal(s, "ALI.VELI@EXAMPLE.EDU.TR \xc4\xb0I");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_ieq),
		cmocka_unit_test(test_ieqn),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
