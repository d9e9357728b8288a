/* Unit tests for tckn: checksum, mask, masked match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "tckn.h"

static void
test_valid(void **state)
{
	assert_true(tckn_valid("10000000146"));
	assert_true(tckn_valid("12345678950"));
	assert_true(tckn_valid("78901234510"));
	/* 7*odd - even is negative here (7 - 36): the remainder must be
	 * taken non-negative. */
	assert_true(tckn_valid("19090909018"));
	assert_true(tckn_valid("10203040550"));
}

static void
test_invalid(void **state)
{
	assert_false(tckn_valid("10000000147"));	/* d11 wrong */
	assert_false(tckn_valid("10000000156"));	/* d10 wrong */
	assert_false(tckn_valid("12345678901"));
	assert_false(tckn_valid("00000000000"));	/* first digit 0 */
	assert_false(tckn_valid("1000000014"));		/* 10 digits */
	assert_false(tckn_valid("100000001460"));	/* 12 digits */
	assert_false(tckn_valid("1000000014a"));
	assert_false(tckn_valid("100 0000 0146"));
	assert_false(tckn_valid(""));
	assert_false(tckn_valid(NULL));
}

static void
test_mask(void **state)
{
	char m[12];

	tckn_mask("10000000146", m);
	assert_string_equal(m, "100******46");
	tckn_mask("12345678950", m);
	assert_string_equal(m, "123******50");
	tckn_mask("123", m);
	assert_string_equal(m, "***********");
	tckn_mask("1234567895a", m);
	assert_string_equal(m, "***********");
	tckn_mask(NULL, m);
	assert_string_equal(m, "***********");
}

/* tckn_mask_text on s must give want. */
static void
masked_as(const char *s, const char *want)
{
	char buf[256];

	snprintf(buf, sizeof buf, "%s", s);
	tckn_mask_text(buf);
	assert_string_equal(buf, want);
}

static void
test_mask_text(void **state)
{
	/* As people write it: next to letters, grouped, dotted. */
	masked_as("TC38461590242", "TC384******42");
	masked_as("TCKN:38461590242.", "TCKN:384******42.");
	masked_as("T.C. 384 615 902 42 nolu", "T.C. 384 *** *** 42 nolu");
	masked_as("384.615.902.42", "384.***.***.42");
	masked_as("384-615-902-42", "384-***-***-42");
	masked_as("384 - 615 - 902 - 42", "384 - *** - *** - 42");
	masked_as("3846 1590 242", "384* **** *42");
	masked_as("384  615  902  42", "384  ***  ***  42");
	masked_as("384\xc2\xa0" "615\xc2\xa0" "902\xc2\xa0" "42",
	    "384\xc2\xa0" "***\xc2\xa0" "***\xc2\xa0" "42");
	/* Failing the checksum, or not a T.C. Kimlik No at all: masked. */
	masked_as("38461590241", "384******41");
	masked_as("a 10000000146 b 12345678950 c",
	    "a 100******46 b 123******50 c");
	/* A stray number before it does not save it. */
	masked_as("Sıra 1 384 615 902 42", "Sıra 1 384 *** *** 42");
	/* Not 11 digits: left alone. */
	masked_as("100000001460", "100000001460");
	masked_as("1000000014", "1000000014");
	masked_as("[NES-2026-10000] 48213", "[NES-2026-10000] 48213");
	masked_as("2026-12-07T09:00:00+03:00", "2026-12-07T09:00:00+03:00");
	masked_as("UID 12345, 300 message(s)", "UID 12345, 300 message(s)");
	masked_as("", "");
	tckn_mask_text(NULL);
}

static void
test_masked_match(void **state)
{
	assert_true(tckn_masked_match("123******50", "12345678950"));
	assert_true(tckn_masked_match("123XXXXXX50", "12345678950"));
	assert_true(tckn_masked_match("123xxxxxx50", "12345678950"));
	assert_true(tckn_masked_match("12345678950", "12345678950"));
	assert_true(tckn_masked_match("*****678950", "12345678950"));
	assert_false(tckn_masked_match("124******50", "12345678950"));
	assert_false(tckn_masked_match("123******51", "12345678950"));
	assert_false(tckn_masked_match("123*****50", "12345678950"));
	assert_false(tckn_masked_match("123-*****50", "12345678950"));
	/* Too little visible to name anyone. */
	assert_false(tckn_masked_match("***********", "12345678950"));
	assert_false(tckn_masked_match("1*********0", "12345678950"));
	assert_false(tckn_masked_match(NULL, "12345678950"));
	assert_false(tckn_masked_match("123******50", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_mask_text),
		cmocka_unit_test(test_masked_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
