/* charset: bytes in a declared charset -> UTF-8, never losing the text.
 *
 * Conversion goes through iconv, but unlike libetpan's charconv nothing is
 * dropped silently: a byte that is invalid in the charset, and an
 * incomplete multibyte sequence at the end, become U+FFFD and are flagged.
 *
 * Fallback rules (Turkish mail mislabels its charset often):
 *  - ISO-8859-9 (and latin5) is read with the windows-1254 table, its
 *    superset; ISO-8859-1 (latin1) with windows-1252, unless it holds
 *    the bytes of Ğ İ Ş ğ ı ş (Ð Ý Þ ð ý þ in Latin-1): then it is
 *    windows-1254 mislabelled by an old client.
 *  - No charset, or us-ascii, with 8-bit bytes, and a charset iconv does
 *    not know: sniffed.  Valid UTF-8 is read as UTF-8, anything else as
 *    windows-1254.
 *  - Declared UTF-8 that holds no valid multibyte sequence but invalid
 *    bytes: read as windows-1254 (a mislabel, not damage). */
#ifndef ROBOT_CHARSET_H
#define ROBOT_CHARSET_H

#include <stddef.h>

struct buf;

/* What a conversion had to do beyond plain decoding. */
enum {
	CHARSET_UNKNOWN = 1,	/* the declared charset is unknown: sniffed */
	CHARSET_SNIFFED = 2,	/* no charset (or us-ascii), 8-bit: sniffed */
	CHARSET_INVALID = 4,	/* invalid bytes became U+FFFD */
	CHARSET_MISLABEL = 8	/* declared UTF-8 or Latin-1, read as
				 * windows-1254 */
};

struct charset_result {
	int	 flags;		/* CHARSET_* */
	char	 used[48];	/* lower-case name of the charset read */
};

/* Converts len bytes of in, declared to be in charset cs (NULL or "" for
 * none), to UTF-8.  Returns a NUL-terminated copy owned by the caller
 * (never NULL); *outlen_r (may be NULL) gets its length.  res_r (may be
 * NULL) says what was done.  NUL bytes in the input are kept, so use
 * *outlen_r for binary-safe length. */
char *charset_to_utf8(const char *cs, const void *in, size_t len,
    size_t *outlen_r, struct charset_result *res_r);

/* Appends the UTF-8 conversion of in to b, as charset_to_utf8. */
void charset_append_utf8(struct buf *b, const char *cs, const void *in,
    size_t len, struct charset_result *res_r);

/* 1 when s (len bytes) is valid UTF-8 (no overlongs, no surrogates). */
int charset_utf8_valid(const void *s, size_t len);

/* "us-ascii", "utf-8" or "windows-1254": what the sniff would read s as. */
const char *charset_sniff(const void *s, size_t len);

/* Appends to b a short English description of what r records, for
 * mime_msg notes, e.g. "unknown charset x-foo, read as windows-1254".
 * Appends nothing when r->flags is 0.  declared may be NULL. */
void charset_describe(const struct charset_result *r, const char *declared,
    struct buf *b);

#endif
