/* mem: allocation that cannot fail.
 *
 * Out of memory is one of the few conditions where nothing sane remains
 * (style.md): these wrappers log one line and exit(1) instead of returning
 * NULL, so callers never test for it.  Everything they return is owned by
 * the caller and released with free(). */
#ifndef ROBOT_MEM_H
#define ROBOT_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Copies of s (NULL gives NULL). */
char *xstrdup(const char *s);
/* Copy of the first n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);

#endif
