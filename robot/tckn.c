/* tckn: the T.C. Kimlik No checksum and masks; see tckn.h. */
#include <string.h>

#include "tckn.h"

#define TCKN_LEN	11
/* A mask with fewer visible digits than this matches nothing: a fully
 * hidden "***********" would otherwise name every open case. */
#define TCKN_MIN_VISIBLE	4

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
