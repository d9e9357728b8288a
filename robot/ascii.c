/* ascii: case-insensitive comparison of protocol and file-format words,
 * independent of the locale (ascii.h). */
#include <string.h>

#include "ascii.h"

int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
ascii_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

int
ascii_ieqn(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ascii_lower((unsigned char)a[i]) !=
		    ascii_lower((unsigned char)b[i]))
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

int
ascii_ieq(const char *a, const char *b)
{
	return ascii_ieqn(a, b, (size_t)-1);
}

int
ascii_prefix_ci(const char *s, const char *prefix)
{
	return ascii_ieqn(s, prefix, strlen(prefix));
}

int
ascii_suffix_ci(const char *s, const char *suffix)
{
	size_t n, k;

	if (s == NULL)
		return 0;
	n = strlen(s);
	k = strlen(suffix);
	return n >= k && ascii_ieqn(s + n - k, suffix, k);
}

const char *
ascii_find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (hay == NULL)
		return NULL;
	for (;; hay++) {
		if (ascii_ieqn(hay, needle, n))
			return hay;
		if (*hay == '\0')
			return NULL;
	}
}

void
ascii_lower_str(char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		*s = (char)ascii_lower((unsigned char)*s);
}

void
ascii_upper_str(char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		*s = (char)ascii_upper((unsigned char)*s);
}
