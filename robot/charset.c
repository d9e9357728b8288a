/* charset: iconv-based conversion to UTF-8 with fallbacks; see charset.h.
 *
 * Charset names follow RFC 2978 (IANA registry); the windows-1254 reading
 * of ISO-8859-9 and windows-1252 reading of ISO-8859-1 follow the WHATWG
 * Encoding Standard, which is what mail clients do too. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"
#include "charset.h"
#include "mem.h"
#include "span.h"

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* Names read with another table than their own, or not through iconv. */
static const struct {
	const char	*name;
	const char	*iconv;		/* NULL: handled here */
	const char	*used;
} aliases[] = {
	{ "utf-8", NULL, "utf-8" },
	{ "utf8", NULL, "utf-8" },
	{ "us-ascii", NULL, "us-ascii" },
	{ "ascii", NULL, "us-ascii" },
	{ "ansi_x3.4-1968", NULL, "us-ascii" },
	{ "iso-8859-9", "CP1254", "windows-1254" },
	{ "iso8859-9", "CP1254", "windows-1254" },
	{ "iso_8859-9", "CP1254", "windows-1254" },
	{ "iso_8859-9:1989", "CP1254", "windows-1254" },
	{ "iso-ir-148", "CP1254", "windows-1254" },
	{ "latin5", "CP1254", "windows-1254" },
	{ "l5", "CP1254", "windows-1254" },
	{ "windows-1254", "CP1254", "windows-1254" },
	{ "cp1254", "CP1254", "windows-1254" },
	{ "x-cp1254", "CP1254", "windows-1254" },
	{ "iso-8859-1", "CP1252", "windows-1252" },
	{ "iso8859-1", "CP1252", "windows-1252" },
	{ "iso_8859-1", "CP1252", "windows-1252" },
	{ "latin1", "CP1252", "windows-1252" },
	{ "l1", "CP1252", "windows-1252" },
	{ "windows-1252", "CP1252", "windows-1252" },
	{ "cp1252", "CP1252", "windows-1252" },
	{ "x-cp1252", "CP1252", "windows-1252" },
};

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		if (n >= 2 && (p[1] & 0xc0) == 0x80)
			return 2;
		return 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)		/* overlong */
			return 0;
		if (c == 0xed && p[1] >= 0xa0)		/* surrogate */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)		/* overlong */
			return 0;
		if (c == 0xf4 && p[1] >= 0x90)		/* > U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

int
charset_utf8_valid(const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

static int
is_ascii(const unsigned char *p, size_t len)
{
	return span_ascii(p, len) == len;
}

const char *
charset_sniff(const void *s, size_t len)
{
	if (is_ascii(s, len))
		return "us-ascii";
	if (charset_utf8_valid(s, len))
		return "utf-8";
	return "windows-1254";
}

/* Copies UTF-8, replacing each invalid byte by U+FFFD.  Returns the number
 * of replacements. */
static size_t
utf8_fixup(struct buf *b, const unsigned char *p, size_t len)
{
	size_t i = 0, start = 0, bad = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) != 0) {
			i += n;
			continue;
		}
		buf_add(b, p + start, i - start);
		buf_add(b, replacement, sizeof replacement - 1);
		bad++;
		start = ++i;
	}
	buf_add(b, p + start, i - start);
	return bad;
}

/* Counts valid multibyte sequences and invalid bytes. */
static void
utf8_census(const unsigned char *p, size_t len, size_t *multi, size_t *bad)
{
	size_t i = 0, n;

	*multi = *bad = 0;
	while (i < len) {
		/* The ASCII before the next byte over 0x7f, at once. */
		if ((i += span_ascii(p + i, len - i)) == len)
			break;
		if ((n = utf8_seq(p + i, len - i)) == 0) {
			(*bad)++;
			i++;
		} else {
			(*multi)++;
			i += n;
		}
	}
}

/* Converts through iconv.  Returns -1 when iconv does not know from (then
 * nothing was appended), else the number of replaced bytes. */
static long
via_iconv(struct buf *b, const char *from, const unsigned char *in,
    size_t len)
{
	char out[8192];
	char *ip = (char *)in, *op;
	size_t il = len, ol;
	long bad = 0;
	iconv_t cd;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
		return -1;
	for (;;) {
		size_t r;

		op = out;
		ol = sizeof out;
		r = iconv(cd, il ? &ip : NULL, il ? &il : NULL, &op, &ol);
		buf_add(b, out, sizeof out - ol);
		if (r != (size_t)-1) {
			if (il == 0)
				break;
			continue;
		}
		if (errno == E2BIG)
			continue;
		buf_add(b, replacement, sizeof replacement - 1);
		bad++;
		if (errno == EILSEQ) {
			ip++;
			il--;
		} else {
			/* EINVAL: truncated multibyte sequence at the end. */
			il = 0;
		}
		if (il == 0) {
			/* Flush any shift state. */
			op = out;
			ol = sizeof out;
			iconv(cd, NULL, NULL, &op, &ol);
			buf_add(b, out, sizeof out - ol);
			break;
		}
	}
	iconv_close(cd);
	return bad;
}

/* Lower-cases and trims name into out; 0, or -1 when it cannot be a
 * charset name (iconv would otherwise also accept "//TRANSLIT" suffixes
 * and the like). */
static int
clean_name(const char *name, char *out, size_t outsz)
{
	size_t n = 0;
	const char *p = name;

	while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
		p++;
	for (; *p && *p != '"' && *p != '\'' && *p != ' ' && *p != '\t';
	    p++) {
		unsigned char c = (unsigned char)*p;

		c = (unsigned char)ascii_lower(c);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == ':' || c == '+'))
			return -1;
		if (n + 1 >= outsz)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

static void
set_used(struct charset_result *r, const char *name)
{
	snprintf(r->used, sizeof r->used, "%s", name);
}

/* Reads 8-bit text of unknown charset: UTF-8 if valid, else windows-1254. */
static void
sniffed(struct buf *b, const unsigned char *p, size_t len,
    struct charset_result *r)
{
	if (charset_utf8_valid(p, len)) {
		buf_add(b, p, len);
		set_used(r, "utf-8");
		return;
	}
	set_used(r, "windows-1254");
	if (via_iconv(b, "CP1254", p, len) > 0)
		r->flags |= CHARSET_INVALID;
}

/* Latin-1 text holding Ð Ý Þ ð ý þ: in a Turkish mailbox these are the
 * windows-1254 bytes of Ğ İ Ş ğ ı ş under an old client's Western label
 * (Icelandic's letters are not expected here). */
static int
turkish_in_latin1(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		switch (p[i]) {
		case 0xd0: case 0xdd: case 0xde: case 0xf0: case 0xfd:
		case 0xfe:
			return 1;
		}
	return 0;
}

void
charset_append_utf8(struct buf *b, const char *cs, const void *in,
    size_t len, struct charset_result *res_r)
{
	const unsigned char *p = in;
	struct charset_result r;
	char name[48];
	const char *conv = NULL;
	size_t i, multi, bad;
	int known = 0;

	memset(&r, 0, sizeof r);
	if (cs == NULL || clean_name(cs, name, sizeof name) == -1)
		name[0] = '\0';
	if (cs != NULL && *cs != '\0' && name[0] == '\0')
		r.flags |= CHARSET_UNKNOWN;	/* unusable name */
	for (i = 0; name[0] != '\0' && i < sizeof aliases / sizeof aliases[0];
	    i++) {
		if (strcmp(name, aliases[i].name) == 0) {
			known = 1;
			conv = aliases[i].iconv;
			set_used(&r, aliases[i].used);
			break;
		}
	}

	if (name[0] == '\0' || (known && strcmp(r.used, "us-ascii") == 0)) {
		if (is_ascii(p, len)) {
			set_used(&r, "us-ascii");
			buf_add(b, p, len);
		} else {
			if (!(r.flags & CHARSET_UNKNOWN))
				r.flags |= CHARSET_SNIFFED;
			sniffed(b, p, len, &r);
		}
	} else if (known && conv == NULL) {
		/* Declared UTF-8. */
		utf8_census(p, len, &multi, &bad);
		if (bad == 0)
			buf_add(b, p, len);
		else if (multi == 0) {
			r.flags |= CHARSET_MISLABEL;
			set_used(&r, "windows-1254");
			if (via_iconv(b, "CP1254", p, len) > 0)
				r.flags |= CHARSET_INVALID;
		} else {
			utf8_fixup(b, p, len);
			r.flags |= CHARSET_INVALID;
		}
	} else if (known && strcmp(conv, "CP1252") == 0 &&
	    turkish_in_latin1(p, len)) {
		r.flags |= CHARSET_MISLABEL;
		set_used(&r, "windows-1254");
		if (via_iconv(b, "CP1254", p, len) > 0)
			r.flags |= CHARSET_INVALID;
	} else {
		long nbad;

		if (!known)
			set_used(&r, name);
		nbad = via_iconv(b, known ? conv : name, p, len);
		if (nbad == -1) {
			r.flags |= CHARSET_UNKNOWN;
			sniffed(b, p, len, &r);
		} else if (nbad > 0)
			r.flags |= CHARSET_INVALID;
	}
	if (res_r != NULL)
		*res_r = r;
}

char *
charset_to_utf8(const char *cs, const void *in, size_t len,
    size_t *outlen_r, struct charset_result *res_r)
{
	struct buf b = BUF_INIT;

	charset_append_utf8(&b, cs, in, len, res_r);
	if (outlen_r != NULL)
		*outlen_r = b.len;
	return buf_steal(&b);
}

void
charset_describe(const struct charset_result *r, const char *declared,
    struct buf *b)
{
	const char *sep = "";

	if (r->flags & CHARSET_UNKNOWN) {
		buf_printf(b, "unknown charset %.40s, read as %s",
		    declared ? declared : "", r->used);
		sep = ", ";
	}
	if (r->flags & CHARSET_SNIFFED) {
		buf_printf(b, "%s8-bit text without charset, read as %s", sep,
		    r->used);
		sep = ", ";
	}
	if (r->flags & CHARSET_MISLABEL) {
		buf_printf(b, "%sdeclared %.40s but not %s, read as %s", sep,
		    declared ? declared : "utf-8", declared == NULL ||
		    ascii_ieq(declared, "utf-8") ? "UTF-8" :
		    "what its bytes are", r->used);
		sep = ", ";
	}
	if (r->flags & CHARSET_INVALID)
		buf_printf(b, "%sinvalid %s bytes replaced by U+FFFD", sep,
		    r->used);
}
