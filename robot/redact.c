/* redact: form access passwords out of decoded mail; see redact.h.
 *
 * The label is matched letter by letter rather than on a folded copy
 * (fold.h): this runs on every message, and almost none holds the label,
 * so the scan only stops where "er" is written, of either case, found
 * eight bytes at a time (span.h). */
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"
#include "mem.h"
#include "redact.h"
#include "span.h"

#define SEP_MAX		512	/* bytes between the label and the password */
#define TAG_MAX		256	/* bytes of one HTML tag skipped */
#define TOKEN_MAX	256	/* bytes of a password replaced */
#define BREAKS_MAX	2	/* line breaks between label and password */

/* The bytes of one letter of the label at p matching want (an ASCII
 * lower-case letter), or 0.  'i' also takes I, ı and İ, 's' also ş and Ş:
 * the label is written with and without the Turkish letters. */
static size_t
letter(const unsigned char *p, char want)
{
	if (ascii_lower(p[0]) == want)
		return 1;
	if (want == 'i' && p[0] == 0xc4 && (p[1] == 0xb1 || p[1] == 0xb0))
		return 2;
	if (want == 's' && p[0] == 0xc5 && (p[1] == 0x9f || p[1] == 0x9e))
		return 2;
	return 0;
}

/* The bytes of word (ASCII lower case) at p, or 0. */
static size_t
word(const unsigned char *p, const char *w)
{
	size_t off = 0, n;

	for (; *w; w++) {
		if ((n = letter(p + off, *w)) == 0)
			return 0;
		off += n;
	}
	return off;
}

/* The bytes of a blank at p (space, tab, CR, LF, no-break space, or the
 * entities &nbsp; and &#160;), or 0. */
static size_t
blank(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		return 1;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (strncmp((const char *)p, "&nbsp;", 6) == 0)
		return 6;
	if (strncmp((const char *)p, "&#160;", 6) == 0)
		return 6;
	return 0;
}

/* The rest of a word at p: ASCII letters and any non-ASCII letter. */
static size_t
word_rest(const unsigned char *p)
{
	size_t off = 0;

	while (((p[off] | 0x20) >= 'a' && (p[off] | 0x20) <= 'z') ||
	    (p[off] >= 0x80 && !(p[off] == 0xc2 && p[off + 1] == 0xa0)))
		off++;
	return off;
}

/* The label at p ("erişim" blanks "parola…" or "şifre…"): its length in
 * bytes, or 0. */
static size_t
label(const unsigned char *p)
{
	size_t off, n, blanks = 0;

	if ((off = word(p, "erisim")) == 0)
		return 0;
	while ((n = blank(p + off)) != 0 && blanks < 4) {
		off += n;
		blanks++;
	}
	if (blanks == 0)
		return 0;
	if ((n = word(p + off, "parola")) == 0 &&
	    (n = word(p + off, "sifre")) == 0)
		return 0;
	off += n;
	return off + word_rest(p + off);
}

/* What follows a label at p: *sep_r bytes of separator, then *tok_r bytes
 * of password.  Returns 1 when it is a password to replace. */
static int
password_at(const unsigned char *p, size_t *sep_r, size_t *tok_r)
{
	size_t off = 0, n, tok;
	int strong = 0, breaks = 0, digit = 0;
	const unsigned char *gt;

	while (off < SEP_MAX) {
		if ((n = blank(p + off)) != 0) {
			if (p[off] == '\n' && ++breaks > BREAKS_MAX)
				return 0;
			off += n;
		} else if (p[off] == ':' || p[off] == '=' || p[off] == '|') {
			strong = 1;
			off++;
		} else if (p[off] == '<' && (gt = memchr(p + off, '>',
		    strnlen((const char *)p + off, TAG_MAX))) != NULL) {
			strong = 1;	/* </td><td>, <b> */
			off = (size_t)(gt - p) + 1;
		} else
			break;
	}
	for (tok = 0; p[off + tok] != '\0' && tok < TOKEN_MAX &&
	    blank(p + off + tok) == 0 && p[off + tok] != '<'; tok++)
		if (p[off + tok] >= '0' && p[off + tok] <= '9')
			digit = 1;
	*sep_r = off;
	*tok_r = tok;
	return tok > 0 && (strong || digit);
}

int
redact_access_passwords(char **sp)
{
	const unsigned char *s, *p, *end;
	struct buf out = BUF_INIT;
	size_t from = 0, lab, sep, tok;
	int n = 0;

	if (sp == NULL || *sp == NULL)
		return 0;
	s = (const unsigned char *)*sp;
	end = s + strlen(*sp);
	for (p = s; (p += span_pair_ci(p, (size_t)(end - p), 'e', 'r')) <
	    end; p++) {
		if ((lab = label(p)) == 0)
			continue;
		if (!password_at(p + lab, &sep, &tok))
			continue;
		buf_add(&out, (const char *)s + from, (size_t)(p - s) + lab +
		    sep - from);
		buf_puts(&out, REDACT_MARK);
		p += lab + sep + tok - 1;
		from = (size_t)(p - s) + 1;
		n++;
	}
	if (n == 0)
		return 0;
	buf_puts(&out, (const char *)s + from);
	free(*sp);
	*sp = buf_steal(&out);
	return n;
}
