/* tckn: the T.C. Kimlik No checksum and masks; see tckn.h. */
#include <string.h>

#include "tckn.h"

#define TCKN_LEN	11
/* A mask with fewer visible digits than this matches nothing: a fully
 * hidden "***********" would otherwise name every open case. */
#define TCKN_MIN_VISIBLE	4
/* Digit groups of one run looked at: 11 one-digit groups at most make a
 * number. */
#define TCKN_MAX_GROUPS	TCKN_LEN

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
tckn_valid(const char *s)
{
	int d[TCKN_LEN], odd, even, sum, d10, i;

	if (s == NULL || strlen(s) != TCKN_LEN || !all_digits(s, TCKN_LEN) ||
	    s[0] == '0')
		return 0;
	for (i = 0; i < TCKN_LEN; i++)
		d[i] = s[i] - '0';
	odd = d[0] + d[2] + d[4] + d[6] + d[8];
	even = d[1] + d[3] + d[5] + d[7];
	d10 = ((7 * odd - even) % 10 + 10) % 10;
	if (d[9] != d10)
		return 0;
	sum = 0;
	for (i = 0; i < 10; i++)
		sum += d[i];
	return d[10] == sum % 10;
}

void
tckn_mask(const char *s, char out[12])
{
	if (s == NULL || strlen(s) != TCKN_LEN || !all_digits(s, TCKN_LEN)) {
		memset(out, '*', TCKN_LEN);
		out[TCKN_LEN] = '\0';
		return;
	}
	memcpy(out, s, 3);
	memset(out + 3, '*', 6);
	memcpy(out + 9, s + 9, 2);
	out[TCKN_LEN] = '\0';
}

int
tckn_masked_match(const char *masked, const char *full)
{
	int visible = 0, i;

	if (masked == NULL || full == NULL || strlen(masked) != TCKN_LEN ||
	    strlen(full) != TCKN_LEN || !all_digits(full, TCKN_LEN))
		return 0;
	for (i = 0; i < TCKN_LEN; i++) {
		if (masked[i] == '*' || masked[i] == 'X' || masked[i] == 'x')
			continue;
		if (masked[i] != full[i])
			return 0;
		visible++;
	}
	return visible >= TCKN_MIN_VISIBLE;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_blank(const char *s, size_t *n_r)
{
	if (*s == ' ' || *s == '\t') {
		*n_r = 1;
		return 1;
	}
	if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0) {
		*n_r = 2;	/* U+00A0, no-break space */
		return 1;
	}
	return 0;
}

/* The length of what joins two digit groups of one number at s, or 0: at
 * most two blanks (space, tab, no-break space), or one '.', '-' or '/'
 * with at most one blank on each side. */
static size_t
group_sep(const char *s)
{
	size_t off = 0, n;
	int blanks = 0;

	while (blanks < 2 && is_blank(s + off, &n)) {
		off += n;
		blanks++;
	}
	if (s[off] == '.' || s[off] == '-' || s[off] == '/') {
		if (blanks > 1)
			return 0;
		off++;
		if (is_blank(s + off, &n))
			off += n;
	}
	return off;
}

/* Hides the digits 4 to 9 of the 11 digits starting at s (separators
 * between them are kept). */
static void
hide_middle(char *s)
{
	int k = 0;

	for (; k < TCKN_LEN; s++) {
		if (!is_digit(*s))
			continue;
		if (k >= 3 && k < 9)
			*s = '*';
		k++;
	}
}

void
tckn_mask_text(char *s)
{
	char *start[TCKN_MAX_GROUPS];
	size_t len[TCKN_MAX_GROUPS], n, sep, i, sum;
	char *p = s, *g;

	if (s == NULL)
		return;
	while (*p) {
		if (!is_digit(*p)) {
			p++;
			continue;
		}
		/* A run of digit groups joined by single separators.  After
		 * each group, the stretch of groups ending with it that holds
		 * exactly 11 digits, if any, is masked and spent. */
		n = 0;
		for (;;) {
			for (g = p; is_digit(*p); p++)
				;
			if (n == TCKN_MAX_GROUPS) {
				memmove(start, start + 1, (n - 1) *
				    sizeof start[0]);
				memmove(len, len + 1, (n - 1) * sizeof len[0]);
				n--;
			}
			start[n] = g;
			len[n++] = (size_t)(p - g);
			for (sum = 0, i = n; i > 0 && sum < TCKN_LEN; )
				sum += len[--i];
			if (sum == TCKN_LEN) {
				hide_middle(start[i]);
				n = 0;
			}
			if ((sep = group_sep(p)) == 0 || !is_digit(p[sep]))
				break;
			p += sep;
		}
	}
}
