/* scrub: a person's identifiers out of a text; see scrub.h. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fold.h"
#include "mem.h"
#include "scrub.h"

/* A stretch of the original text to replace. */
struct range {
	size_t	start, end;
};

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Letters and digits, and every byte of a UTF-8 sequence (a letter the
 * folding kept, such as é). */
static int
is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c >= 0x80;
}

int
scrub_add(struct scrub *sc, const char *s)
{
	struct buf b = BUF_INIT;
	char *f, *p;

	if (s == NULL)
		return 0;
	f = fold_str(s, FOLD_ASCII);
	for (p = f; p && *p;) {
		size_t n;

		while (is_blank((unsigned char)*p))
			p++;
		for (n = 0; p[n] && !is_blank((unsigned char)p[n]); n++)
			;
		if (n) {
			if (b.len)
				buf_putc(&b, ' ');
			buf_add(&b, p, n);
		}
		p += n;
	}
	free(f);
	if (b.len < SCRUB_MIN)
		goto refuse;
	for (size_t i = 0; i < sc->n; i++)
		if (strcmp(sc->needle[i], b.s) == 0)
			goto refuse;
	sc->needle = xrealloc(sc->needle, (sc->n + 1) * sizeof *sc->needle);
	sc->needle[sc->n++] = buf_steal(&b);
	return 1;
refuse:
	buf_free(&b);
	return 0;
}

/* The length of hay that needle matches from its start (a space in the
 * needle takes one or more blanks), or 0. */
static size_t
match_at(const char *hay, size_t hlen, const char *needle)
{
	size_t i = 0;

	for (const char *q = needle; *q; q++) {
		if (*q == ' ') {
			if (i >= hlen || !is_blank((unsigned char)hay[i]))
				return 0;
			while (i < hlen && is_blank((unsigned char)hay[i]))
				i++;
		} else if (i < hlen && hay[i] == *q)
			i++;
		else
			return 0;
	}
	return i;
}

/* Adds the stretches of the original text where needle occurs. */
static void
find_needle(const struct fold *f, const char *needle, struct range **rv,
    size_t *nr)
{
	size_t first = strcspn(needle, " "), pos = 0, len;
	const char *h;

	while (pos < f->len && (h = memmem(f->s + pos, f->len - pos, needle,
	    first)) != NULL) {
		size_t at = (size_t)(h - f->s);

		pos = at + 1;
		if (at > 0 && is_word((unsigned char)f->s[at - 1]))
			continue;
		if ((len = match_at(h, f->len - at, needle)) == 0)
			continue;
		if (at + len < f->len && is_word((unsigned char)f->s[at + len]))
			continue;
		*rv = xrealloc(*rv, (*nr + 1) * sizeof **rv);
		(*rv)[*nr].start = f->map[at];
		(*rv)[*nr].end = f->map[at + len];
		(*nr)++;
		pos = at + len;
	}
}

static int
range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

char *
scrub_text(const struct scrub *sc, const char *text, size_t *hits_r)
{
	struct fold f = { 0 };
	struct range *rv = NULL;
	struct buf out = BUF_INIT;
	size_t nr = 0, nmerged = 0, at = 0, len;

	*hits_r = 0;
	if (text == NULL || sc->n == 0)
		return NULL;
	len = strlen(text);
	if (fold_text(text, len, FOLD_ASCII, &f) == -1)
		return NULL;
	for (size_t i = 0; i < sc->n; i++)
		find_needle(&f, sc->needle[i], &rv, &nr);
	fold_free(&f);
	if (nr == 0)
		return NULL;
	/* Needles may overlap (a name inside an address): one mark for
	 * each stretch they cover together. */
	qsort(rv, nr, sizeof *rv, range_cmp);
	for (size_t i = 0, m = 0; i < nr; i++) {
		if (m > 0 && rv[i].start <= rv[m - 1].end) {
			if (rv[i].end > rv[m - 1].end)
				rv[m - 1].end = rv[i].end;
			continue;
		}
		rv[m++] = rv[i];
		nmerged = m;
	}
	for (size_t i = 0; i < nmerged; i++) {
		buf_add(&out, text + at, rv[i].start - at);
		buf_puts(&out, SCRUB_MARK);
		at = rv[i].end;
	}
	buf_add(&out, text + at, len - at);
	free(rv);
	*hits_r = nr;
	return buf_steal(&out);
}

void
scrub_free(struct scrub *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		free(sc->needle[i]);
	free(sc->needle);
	sc->needle = NULL;
	sc->n = 0;
}
