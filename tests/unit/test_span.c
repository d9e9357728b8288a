/* Unit tests for span: runs of bytes measured eight at a time must end
 * exactly where a loop over each byte says, at every alignment, for every
 * length, whatever bytes sit beside the one sought. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "span.h"

#define LEN	80
#define ROUNDS	20000

/* Bytes that lie next to the ones sought, in value or under | 0x20. */
static const unsigned char near[] = {
	'e', 'E', 'r', 'R', 'a', '=', '\r', '\n', 0x45, 0x65, 0x52, 0x72,
	0x7f, 0x80, 0xc4, 0xc5, 0xb1, 0xff, 0x00, 0x3d, 0x2d, 0x0c, 0x25,
	0x5d, 0x1d, 0xbd, 0xe5, 0xc5
};

static size_t
naive_ascii(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

static size_t
naive_not3(const unsigned char *p, size_t n, int a, int b, int c)
{
	size_t i = 0;

	while (i < n && p[i] != a && p[i] != b && p[i] != c)
		i++;
	return i;
}

static size_t
naive_pair(const unsigned char *p, size_t n, int a, int b)
{
	for (size_t i = 0; i + 1 < n; i++)
		if ((p[i] == a || p[i] == a - 32) &&
		    (p[i + 1] == b || p[i + 1] == b - 32))
			return i;
	return n;
}

/* A random buffer: mostly plain letters, some bytes from near[]. */
static void
fill(unsigned char *p, size_t n, unsigned *seed)
{
	for (size_t i = 0; i < n; i++) {
		unsigned r = (unsigned)rand_r(seed);

		p[i] = r % 8 == 0 ? near[(r >> 3) % sizeof near] :
		    (unsigned char)('f' + (r >> 3) % 8);
	}
}

static void
test_examples(void **state)
{
	assert_int_equal(span_ascii("abc", 3), 3);
	assert_int_equal(span_ascii("ab\xc4\xb1", 4), 2);
	assert_int_equal(span_ascii("0123456789\xc5\x9f", 12), 10);
	assert_int_equal(span_ascii("", 0), 0);
	assert_int_equal(span_not3("Merhaba=C4=B1", 13, '=', '\r', '\n'), 7);
	assert_int_equal(span_not3("a long line, no stop at all", 27, '=',
	    '\r', '\n'), 27);
	assert_int_equal(span_not3("x\r\n", 3, '=', '\r', '\n'), 1);
	/* "er" of either case, never across 0x20 but for letters. */
	assert_int_equal(span_pair_ci("Parola: ERISIM", 14, 'e', 'r'), 8);
	assert_int_equal(span_pair_ci("kullanici eRisim", 16, 'e', 'r'), 10);
	assert_int_equal(span_pair_ci("\x45\x52", 2, 'e', 'r'), 0);
	assert_int_equal(span_pair_ci("e", 1, 'e', 'r'), 1);
	assert_int_equal(span_pair_ci("e2", 2, 'e', 'r'), 2);
	/* 'E' | 0x20 is 'e', but '%' | 0x20 is not, nor 'R' - 0x20. */
	assert_int_equal(span_pair_ci("%2 e\x32", 5, 'e', 'r'), 5);
	/* The pair across the eight-byte step is found. */
	assert_int_equal(span_pair_ci("abcdefgeR", 9, 'e', 'r'), 7);
	assert_int_equal(span_pair_ci("abcdefgEr.......", 16, 'e', 'r'), 7);
}

static void
test_against_bytes(void **state)
{
	unsigned char buf[LEN + 8];
	unsigned seed = 20261206;

	for (int round = 0; round < ROUNDS; round++) {
		size_t off = (size_t)round % 8;
		size_t n = (size_t)rand_r(&seed) % (LEN + 1);
		unsigned char *p = buf + off;

		fill(p, n, &seed);
		assert_int_equal(span_ascii(p, n), naive_ascii(p, n));
		assert_int_equal(span_not3(p, n, '=', '\r', '\n'),
		    naive_not3(p, n, '=', '\r', '\n'));
		assert_int_equal(span_not3(p, n, 0x00, 0xff, 'e'),
		    naive_not3(p, n, 0x00, 0xff, 'e'));
		assert_int_equal(span_pair_ci(p, n, 'e', 'r'),
		    naive_pair(p, n, 'e', 'r'));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_against_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
