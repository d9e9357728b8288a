/* span: runs of bytes measured eight at a time; see span.h.
 *
 * A word's bytes equal to c are found without a branch per byte: x = w ^
 * c...c has a zero byte where w holds c, and ((x & 0x7f..) + 0x7f..) | x
 * has the high bit of exactly the bytes of x that are not zero (the sum
 * cannot carry from one byte into the next).  The first byte found is
 * the lowest one set on a little-endian machine, the highest on a
 * big-endian one, since the word is read from memory as it lies. */
#include <stdint.h>
#include <string.h>

#include "span.h"

#define ONES	0x0101010101010101ULL
#define HIGH	0x8080808080808080ULL
#define LOW7	0x7f7f7f7f7f7f7f7fULL

static uint64_t
load(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	return w;
}

/* The high bit of each byte of w equal to c. */
static uint64_t
eq(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);

	return ~(((x & LOW7) + LOW7) | x) & HIGH;
}

/* The index of the first byte of a word whose bit is set in m (not 0). */
static size_t
first(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(m) / 8;
#else
	return (size_t)__builtin_ctzll(m) / 8;
#endif
}

size_t
span_ascii(const void *v, size_t n)
{
	const unsigned char *p = v;
	size_t i = 0;
	uint64_t m;

	for (; i + 8 <= n; i += 8)
		if ((m = load(p + i) & HIGH) != 0)
			return i + first(m);
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

size_t
span_not3(const void *v, size_t n, unsigned char a, unsigned char b,
    unsigned char c)
{
	const unsigned char *p = v;
	size_t i = 0;
	uint64_t w, m;

	for (; i + 8 <= n; i += 8) {
		w = load(p + i);
		if ((m = eq(w, a) | eq(w, b) | eq(w, c)) != 0)
			return i + first(m);
	}
	while (i < n && p[i] != a && p[i] != b && p[i] != c)
		i++;
	return i;
}

size_t
span_pair_ci(const void *v, size_t n, unsigned char a, unsigned char b)
{
	const unsigned char *p = v;
	size_t i = 0;
	uint64_t m;

	/* | 0x20 makes a capital letter small; only the capital and the
	 * small letter themselves become the small letter. */
	for (; i + 9 <= n; i += 8) {
		m = eq(load(p + i) | ONES * 0x20, a) &
		    eq(load(p + i + 1) | ONES * 0x20, b);
		if (m != 0)
			return i + first(m);
	}
	for (; i + 1 < n; i++)
		if ((p[i] | 0x20) == a && (p[i + 1] | 0x20) == b)
			return i;
	return n;
}
