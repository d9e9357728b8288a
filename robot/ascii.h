/* ascii: case-insensitive comparison of protocol and file-format words.
 *
 * Header names, MIME types, URL schemes, domains, addresses' local parts
 * and config words are ASCII and compared without regard to ASCII case
 * only.  strcasecmp(), strncasecmp() and tolower() follow the locale, and
 * in a Turkish one 'I' is not the upper case of 'i': "SUBJECT" and
 * "subject" would differ.  These functions fold 'A'-'Z' alone and leave
 * every other byte, UTF-8 included, as it is.  Text people wrote is folded
 * by fold.h instead. */
#ifndef ROBOT_ASCII_H
#define ROBOT_ASCII_H

#include <stddef.h>

/* c with 'A'-'Z' made 'a'-'z'; any other value (EOF, bytes >= 0x80)
 * unchanged. */
int ascii_lower(int c);
/* c with 'a'-'z' made 'A'-'Z'; any other value unchanged. */
int ascii_upper(int c);
/* 1 when a and b are equal but for ASCII case, else 0. */
int ascii_ieq(const char *a, const char *b);
/* 1 when the first n bytes of a and b (fewer where both end together, as
 * strncasecmp counts) are equal but for ASCII case, else 0. */
int ascii_ieqn(const char *a, const char *b, size_t n);
/* 1 when s starts with prefix, ASCII case aside. */
int ascii_prefix_ci(const char *s, const char *prefix);
/* 1 when s (NULL: no) ends with suffix, ASCII case aside. */
int ascii_suffix_ci(const char *s, const char *suffix);
/* The first place in hay (NULL: none) where needle occurs, ASCII case
 * aside; a pointer into hay, or NULL.  An empty needle is found at hay. */
const char *ascii_find_ci(const char *hay, const char *needle);
/* Makes s (NULL: nothing) lower case (upper case) in place, ASCII
 * letters only. */
void ascii_lower_str(char *s);
void ascii_upper_str(char *s);

#endif
