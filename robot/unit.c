/* unit: unit keys and the alias table; see unit.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fold.h"
#include "mem.h"
#include "unit.h"

struct pair {
	char	*from;		/* normalised */
	char	*to;		/* normalised; NULL for an office */
};

struct table {
	struct pair	*words;		/* short word -> long word */
	size_t		 nwords;
	struct pair	*offices;	/* phrases dropped */
	size_t		 noffices;
	struct pair	*units;		/* alias -> unit key; key -> key */
	size_t		 nunits;
};

static struct table tab;

static void
pairs_free(struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].from);
		free(p[i].to);
	}
	free(p);
}

static void
table_free(struct table *t)
{
	pairs_free(t->words, t->nwords);
	pairs_free(t->offices, t->noffices);
	pairs_free(t->units, t->nunits);
	memset(t, 0, sizeof *t);
}

void
unit_reset(void)
{
	table_free(&tab);
}

/* Folded, lower case, letters and digits only, single spaces. */
static char *
plain(const char *s)
{
	char *f = fold_str(s, FOLD_ASCII), *o, *p;
	int sp = 0;

	if (f == NULL)
		return xstrdup("");
	for (p = o = f; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (sp && o > f)
				*o++ = ' ';
			sp = 0;
			*o++ = (char)c;
		} else
			sp = 1;
	}
	*o = '\0';
	return f;
}

/* Every word of s written out through t's [words]. */
static char *
expand(const struct table *t, const char *s)
{
	struct buf b = BUF_INIT;
	const char *p = s;

	while (*p) {
		size_t n = strcspn(p, " "), i;
		const char *w = p;
		size_t wn = n;

		for (i = 0; i < t->nwords; i++)
			if (strlen(t->words[i].from) == n &&
			    memcmp(t->words[i].from, p, n) == 0) {
				w = t->words[i].to;
				wn = strlen(w);
				break;
			}
		if (b.len)
			buf_putc(&b, ' ');
		buf_add(&b, w, wn);
		p += n;
		while (*p == ' ')
			p++;
	}
	return buf_steal(&b);
}

/* Offset of phrase in s as whole words from start, or -1. */
static long
find_words(const char *s, const char *phrase, size_t start)
{
	size_t n = strlen(phrase), len = strlen(s);
	const char *p;

	if (n == 0)
		return -1;
	for (p = s + start; (p = strstr(p, phrase)) != NULL; p++) {
		size_t at = (size_t)(p - s);

		if ((at == 0 || s[at - 1] == ' ') && (at + n == len ||
		    s[at + n] == ' '))
			return (long)at;
	}
	return -1;
}

/* s without t's office phrases. */
static char *
drop_offices(const struct table *t, char *s)
{
	for (size_t i = 0; i < t->noffices; i++) {
		long at;

		while ((at = find_words(s, t->offices[i].from, 0)) >= 0) {
			size_t n = strlen(t->offices[i].from);
			char *rest = s + at + n;

			while (*rest == ' ')
				rest++;
			memmove(s + at, rest, strlen(rest) + 1);
			n = strlen(s);
			while (n > 0 && s[n - 1] == ' ')
				s[--n] = '\0';
		}
	}
	return s;
}

/* plain + expand: the form every phrase is compared in. */
static char *
norm(const struct table *t, const char *s)
{
	char *p = plain(s), *e = expand(t, p);

	free(p);
	return e;
}

static char *
key_in(const struct table *t, const char *name)
{
	char *k;

	if (name == NULL)
		return NULL;
	k = drop_offices(t, norm(t, name));
	for (size_t i = 0; i < t->nunits; i++)
		if (strcmp(t->units[i].from, k) == 0) {
			free(k);
			k = xstrdup(t->units[i].to);
			break;
		}
	if (*k == '\0') {
		free(k);
		return NULL;
	}
	return k;
}

char *
unit_key(const char *name)
{
	return key_in(&tab, name);
}

static void
add_pair(struct pair **v, size_t *n, char *from, char *to)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].from = from;
	(*v)[*n].to = to;
	(*n)++;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

enum section { S_NONE, S_WORDS, S_OFFICES, S_UNITS };

/* One "[units]" line: "Name = alias, alias". */
static int
units_line(struct table *t, char *s)
{
	char *eq = strchr(s, '='), *key, *a, *next;

	if (eq)
		*eq = '\0';
	/* The unit's own key: folded and written out, offices dropped. */
	key = drop_offices(t, norm(t, trim(s)));
	if (*key == '\0') {
		free(key);
		return -1;
	}
	add_pair(&t->units, &t->nunits, xstrdup(key), xstrdup(key));
	for (a = eq ? eq + 1 : NULL; a != NULL; a = next) {
		char *k;

		if ((next = strchr(a, ',')) != NULL)
			*next++ = '\0';
		k = drop_offices(t, norm(t, trim(a)));
		if (*k == '\0') {
			free(k);
			continue;
		}
		add_pair(&t->units, &t->nunits, k, xstrdup(key));
	}
	free(key);
	return 0;
}

static int
parse(struct table *t, const char *path, char *text, char *err,
    size_t errlen)
{
	enum section sec = S_NONE;
	char *line, *next;
	int lineno = 0;

	for (line = text; line != NULL; line = next) {
		char *s, *eq;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (strcmp(s, "[words]") == 0 || strcmp(s, "[offices]") == 0 ||
		    strcmp(s, "[units]") == 0) {
			sec = s[1] == 'w' ? S_WORDS : s[1] == 'o' ? S_OFFICES :
			    S_UNITS;
			continue;
		}
		switch (sec) {
		case S_NONE:
			snprintf(err, errlen, "%s:%d: a line before [words], "
			    "[offices] or [units]", path, lineno);
			return -1;
		case S_WORDS:
			if ((eq = strchr(s, '=')) == NULL) {
				snprintf(err, errlen, "%s:%d: expected 'short "
				    "= long'", path, lineno);
				return -1;
			}
			*eq = '\0';
			add_pair(&t->words, &t->nwords, plain(trim(s)),
			    plain(trim(eq + 1)));
			break;
		case S_OFFICES:
			add_pair(&t->offices, &t->noffices, norm(t, s), NULL);
			break;
		case S_UNITS:
			if (units_line(t, s) == -1) {
				snprintf(err, errlen, "%s:%d: a unit without a "
				    "name", path, lineno);
				return -1;
			}
			break;
		}
	}
	return 0;
}

int
unit_load(const char *path, char *err, size_t errlen)
{
	struct table t = { 0 };
	struct buf b = BUF_INIT;

	if (buf_read_file(&b, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, buf_read_error());
		buf_free(&b);
		return -1;
	}
	buf_putc(&b, '\0');
	if (parse(&t, path, b.s, err, errlen) == -1) {
		table_free(&t);
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	table_free(&tab);
	tab = t;
	return 0;
}

/* 1 when the occurrence [at, at+n) of a phrase in s lies inside a longer
 * unit phrase of the table that also occurs there. */
static int
shadowed(const char *s, size_t at, size_t n)
{
	for (size_t i = 0; i < tab.nunits; i++) {
		const char *p = tab.units[i].from;
		size_t pn = strlen(p);
		long o;

		if (pn <= n)
			continue;
		for (o = find_words(s, p, 0); o >= 0; o = find_words(s, p,
		    (size_t)o + 1))
			if ((size_t)o <= at && (size_t)o + pn >= at + n)
				return 1;
	}
	return 0;
}

static int
phrase_in(const char *s, const char *phrase)
{
	long o;

	for (o = find_words(s, phrase, 0); o >= 0; o = find_words(s, phrase,
	    (size_t)o + 1))
		if (!shadowed(s, (size_t)o, strlen(phrase)))
			return 1;
	return 0;
}

int
unit_mentioned(const char *text, const char *key)
{
	char *s;
	int found = 0;

	if (text == NULL || key == NULL || *key == '\0')
		return 0;
	s = norm(&tab, text);
	found = phrase_in(s, key);
	for (size_t i = 0; !found && i < tab.nunits; i++)
		if (strcmp(tab.units[i].to, key) == 0)
			found = phrase_in(s, tab.units[i].from);
	free(s);
	return found;
}
