/* fold: Turkish-aware folding of UTF-8 text for matching.
 *
 * PCRE2 10.42 cannot match İ/ı case-insensitively, so rules match a folded
 * copy of the text and the patterns are folded the same way.  Folding is
 * NFC normalisation (libunistring), then lower case with the Turkish
 * letters handled by hand: İ, I, ı -> i (and i + U+0307 -> i).  The
 * "ascii" form also strips the diacritics of the Turkish alphabet:
 * ş->s, ğ->g, ü->u, ö->o, ç->c (â, î, û -> a, i, u), so one pattern matches
 * BAŞVURUNUZ, Başvurunuz and Basvurunuz.
 *
 * Captures are taken from the original text: fold_text() records, for each
 * byte of the folded text, the offset of the original byte it came from. */
#ifndef ROBOT_FOLD_H
#define ROBOT_FOLD_H

#include <stddef.h>
#include <stdint.h>

enum fold_form {
	FOLD_LOWER,	/* Turkish lower case, letters kept */
	FOLD_ASCII	/* lower case, Turkish diacritics stripped */
};

struct fold {
	char	*s;	/* folded text, NUL-terminated */
	size_t	 len;
	uint32_t *map;	/* map[i] = offset in the original of folded byte i;
			 * map[len] = length of the original (4 bytes a
			 * byte, not 8: it is written for every byte of
			 * every message) */
};

/* Folds the UTF-8 string in (inlen bytes).  Invalid UTF-8 bytes are passed
 * through one by one.  Returns 0, or -1 for nothing to fold (NULL in, or
 * 2 GiB and more, beyond what the map can hold). */
int fold_text(const char *in, size_t inlen, enum fold_form form,
    struct fold *out);
/* fold_text() without the map (out->map is NULL): the same folded bytes
 * for a third of the work, for text that may never need a capture cut
 * from it (fold_text() on the same input makes the map later). */
int fold_text_nomap(const char *in, size_t inlen, enum fold_form form,
    struct fold *out);
void fold_free(struct fold *f);

/* Convenience: the folded copy of s without a map.  Caller frees. */
char *fold_str(const char *s, enum fold_form form);

#endif
