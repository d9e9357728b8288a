/* scrub: takes a person's identifiers out of a text.
 *
 * When a case is anonymised (purge.h), the mail kept for other people's
 * cases may still name its person: a form lists everyone of a unit, a
 * cargo mail several people.  Such a text keeps its words and loses the
 * person's: every occurrence of a needle (a name, a T.C. Kimlik No, an
 * e-mail address, a phone number) becomes SCRUB_MARK.
 *
 * Needles are matched the way the rules match (fold.h): Turkish-folded,
 * without diacritics, so "Ayşe Yılmaz", "AYŞE YILMAZ" and "Ayse Yilmaz"
 * are one needle; a space in a needle matches any run of blanks and line
 * breaks; a match must start and end at a word's edge, so "Ali Can" is not
 * found inside "Ali Cantürk".  A name written with HTML entities
 * (&#350;) is not found. */
#ifndef ROBOT_SCRUB_H
#define ROBOT_SCRUB_H

#include <stddef.h>

#define SCRUB_MARK	"[silindi]"

/* Needles shorter than this (folded bytes) are refused: they would hit
 * ordinary words. */
#define SCRUB_MIN	5

struct scrub {
	char	**needle;	/* folded, single spaces */
	size_t	  n;
};

/* Adds s (as written anywhere: folded here) as a needle.  Returns 1, or
 * 0 when it is refused (NULL, shorter than SCRUB_MIN, already there). */
int scrub_add(struct scrub *sc, const char *s);

/* A copy of text with every needle replaced by SCRUB_MARK (caller frees),
 * and the number of replacements in *hits_r; NULL (and 0) when no needle
 * occurs or text is NULL. */
char *scrub_text(const struct scrub *sc, const char *text, size_t *hits_r);

void scrub_free(struct scrub *sc);

#endif
