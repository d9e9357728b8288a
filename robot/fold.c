/* fold: Turkish-aware folding of UTF-8 text; see fold.h.
 *
 * How NFC is done: not by one u8_normalize() over the whole text, because
 * normalisation moves bytes around and the map from folded bytes back to
 * the original would then have to be rebuilt.  Instead the text is read
 * code point by code point from the original, and a base letter followed
 * by combining marks (U+0300..U+036F) is composed pair by pair with
 * libunistring's uc_composition() (the canonical compositions NFC uses:
 * I + U+0307 -> İ, s + U+0327 -> ş, g + U+0306 -> ğ, o + U+0308 -> ö, ...).
 * Every output code point then comes from one contiguous run of the
 * original, so map[] is exact.  What this skips of full NFC (reordering of
 * several marks of different classes, Hangul, singletons) does not occur
 * in Turkish mail.
 *
 * Lower case is libunistring's uc_tolower(), never the C locale's tolower,
 * with the Turkish letters by hand: İ, I, ı -> i and i + U+0307 -> i.
 *
 * Speed: one pass, one allocation for the text and one for the map; runs
 * of ASCII not followed by a combining mark take a tight loop, and the
 * letters of Turkish fold by table. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <uninorm.h>

#include "fold.h"
#include "mem.h"

/* Decodes one strict UTF-8 sequence at p (n bytes left).  Returns its
 * length and the code point in *cp, or 0 for an invalid or truncated
 * sequence (overlong, surrogate, beyond U+10FFFF). */
static size_t
utf8_dec(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c = p[0];
	size_t len, i;
	uint32_t min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static size_t
utf8_enc(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	} else if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	} else if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static uint32_t
fold_cp(uint32_t c, enum fold_form form)
{
	switch (c) {
	case 'I':
	case 0x130:	/* İ */
	case 0x131:	/* ı */
		return 'i';
	}
	c = uc_tolower(c);
	if (form != FOLD_ASCII)
		return c;
	switch (c) {
	case 0x15f:	/* ş */
		return 's';
	case 0x11f:	/* ğ */
		return 'g';
	case 0xfc:	/* ü */
	case 0xfb:	/* û */
		return 'u';
	case 0xf6:	/* ö */
		return 'o';
	case 0xe7:	/* ç */
		return 'c';
	case 0xe2:	/* â */
		return 'a';
	case 0xee:	/* î */
		return 'i';
	}
	return c;
}

/*
 * Code points below FOLD_TABLE_MAX (Latin-1 and Latin Extended-A: all of
 * Turkish) are folded from a table filled on first use, so the common case
 * makes no call into libunistring.  The table holds what fold_cp() gives,
 * for both forms.
 */
#define FOLD_TABLE_MAX	0x250
/* Zero bytes after the folded text (see fold_run). */
#define FOLD_TAIL	64

static uint16_t fold_table[2][FOLD_TABLE_MAX];
static pthread_once_t fold_table_once = PTHREAD_ONCE_INIT;

/* Once per process, whichever thread folds first (messages are decoded
 * in the fetch's prep thread while rules run in the main one). */
static void
fold_table_init(void)
{
	for (uint32_t k = 0; k < FOLD_TABLE_MAX; k++) {
		fold_table[FOLD_LOWER][k] = (uint16_t)fold_cp(k, FOLD_LOWER);
		fold_table[FOLD_ASCII][k] = (uint16_t)fold_cp(k, FOLD_ASCII);
	}
}

/* fold_cp() by table when it can; fold_table_once must have run. */
static uint32_t
fold_cp_fast(uint32_t c, enum fold_form form)
{
	if (c >= FOLD_TABLE_MAX)
		return fold_cp(c, form);
	return fold_table[form][c];
}

/* ASCII lower case of a byte below 0x80, by table. */
static const unsigned char ascii_lower[128] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
	19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, ' ', '!', '"',
	'#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=',
	'>', '?', '@', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k',
	'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y',
	'z', '[', '\\', ']', '^', '_', '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g',
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u',
	'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 127
};

/* Writes code point c at out[o], each of its bytes mapped to start (map
 * may be NULL); returns the next o.  Inline: the loop below calls it for
 * every non-ASCII letter. */
static inline size_t
put_cp(char *out, uint32_t *map, size_t o, uint32_t c, size_t start)
{
	size_t k = utf8_enc(c, out + o);

	if (map != NULL)
		for (size_t j = 0; j < k; j++)
			map[o + j] = (uint32_t)start;
	return o + k;
}

/* The worker of fold_text() and fold_str(); map may be NULL. */
static char *
fold_run(const char *in, size_t inlen, enum fold_form form, uint32_t **map_r,
    size_t *len_r)
{
	const unsigned char *p = (const unsigned char *)in;
	char *out;
	uint32_t *map = NULL;
	size_t i = 0, o = 0, n, k, start;
	uint32_t c, m, comp;

	/* One code point in gives at most one out; only a 2-byte one can grow
	 * (to 3 bytes under uc_tolower), so twice the input always fits. */
	out = xmalloc(2 * inlen + FOLD_TAIL);
	if (map_r != NULL)
		map = xmalloc((2 * inlen + 1) * sizeof(*map));

	pthread_once(&fold_table_once, fold_table_init);
	while (i < inlen) {
		/* Eight bytes at a time, lower-cased in one word.  When the
		 * word holds a non-ASCII byte, the ASCII bytes before it are
		 * kept (the word is stored whole; the bytes past them are
		 * written over next), and the loop below takes the rest.  A
		 * byte followed by a combining mark (lead byte 0xcc or 0xcd)
		 * is left to it too, to be composed. */
		while (i + 9 <= inlen) {
			uint64_t w, up, hi;

			memcpy(&w, p + i, 8);
			hi = w & 0x8080808080808080ULL;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* The sums below carry only toward the bytes after
			 * a non-ASCII one, which are not kept. */
			k = hi ? (size_t)__builtin_ctzll(hi) / 8 : 8;
#else
			k = hi ? 0 : 8;
#endif
			if (p[i + k] == 0xcc || p[i + k] == 0xcd)
				k = k > 0 ? k - 1 : 0;
			if (k == 0)
				break;
			/* Bit 7 of a byte set by the first sum when it is
			 * >= 'A', by the second when it is > 'Z'. */
			up = (w + 0x3f3f3f3f3f3f3f3fULL) &
			    ~(w + 0x2525252525252525ULL) &
			    0x8080808080808080ULL & ~hi;
			w |= up >> 2;
			memcpy(out + o, &w, 8);
			if (map != NULL)
				for (n = 0; n < k; n++)
					map[o + n] = (uint32_t)(i + n);
			o += k;
			i += k;
			if (k < 8)
				break;
		}
		if (i >= inlen)
			break;
		start = i;
		/* The common cases first, unless a combining mark (lead byte
		 * 0xcc or 0xcd) follows: ASCII, the bulk of any mail; then a
		 * two-byte letter below FOLD_TABLE_MAX, all of Turkish's. */
		if (p[i] < 0x80 && (i + 1 >= inlen ||
		    (p[i + 1] != 0xcc && p[i + 1] != 0xcd))) {
			if (map != NULL)
				map[o] = (uint32_t)i;
			out[o++] = (char)ascii_lower[p[i++]];
			continue;
		}
		if (p[i] >= 0xc2 && p[i] < 0xcc && i + 1 < inlen &&
		    (p[i + 1] & 0xc0) == 0x80 && (i + 2 >= inlen ||
		    (p[i + 2] != 0xcc && p[i + 2] != 0xcd))) {
			c = (uint32_t)(p[i] & 0x1f) << 6 | (p[i + 1] & 0x3f);
			/* Lead bytes below 0xc9 stay below FOLD_TABLE_MAX. */
			c = p[i] < 0xc9 ? fold_table[form][c] :
			    fold_cp(c, form);
			i += 2;
			o = put_cp(out, map, o, c, start);
			continue;
		}
		n = utf8_dec(p + i, inlen - i, &c);
		if (n == 0) {
			/* Invalid byte: passed through alone. */
			if (map != NULL)
				map[o] = (uint32_t)i;
			out[o++] = (char)p[i];
			i++;
			continue;
		}
		i += n;
		/* Compose following combining marks into the base. */
		while (i < inlen && (p[i] == 0xcc || p[i] == 0xcd)) {
			n = utf8_dec(p + i, inlen - i, &m);
			if (n == 0 || m < 0x300 || m > 0x36f)
				break;
			if (m == 0x307 && (c == 'i' || c == 0x131)) {
				/* i + dot above: lower case of İ. */
				c = 'i';
				i += n;
				continue;
			}
			comp = uc_composition(c, m);
			if (comp == 0)
				break;
			c = comp;
			i += n;
		}
		o = put_cp(out, map, o, fold_cp_fast(c, form), start);
	}
	/* Zeroed past the end: PCRE2's JIT reads a little past the end of
	 * the subject, and memcheck would call that tail uninitialised. */
	memset(out + o, 0, FOLD_TAIL);
	if (map != NULL) {
		map[o] = (uint32_t)inlen;
		*map_r = map;
	}
	*len_r = o;
	return out;
}

/* fold_text() with or without the map. */
static int
fold_into(const char *in, size_t inlen, enum fold_form form, int with_map,
    struct fold *out)
{
	out->s = NULL;
	out->len = 0;
	out->map = NULL;
	if (in == NULL || inlen >= (size_t)INT32_MAX)
		return -1;
	out->s = fold_run(in, inlen, form, with_map ? &out->map : NULL,
	    &out->len);
	return 0;
}

int
fold_text(const char *in, size_t inlen, enum fold_form form,
    struct fold *out)
{
	return fold_into(in, inlen, form, 1, out);
}

int
fold_text_nomap(const char *in, size_t inlen, enum fold_form form,
    struct fold *out)
{
	return fold_into(in, inlen, form, 0, out);
}

void
fold_free(struct fold *f)
{
	if (f == NULL)
		return;
	free(f->s);
	free(f->map);
	f->s = NULL;
	f->map = NULL;
	f->len = 0;
}

char *
fold_str(const char *s, enum fold_form form)
{
	size_t len;

	if (s == NULL)
		return NULL;
	return fold_run(s, strlen(s), form, NULL, &len);
}
