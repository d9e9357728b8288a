/* mime: one raw message -> UTF-8 headers, text and attachments; see mime.h.
 *
 * RFC 5322 (header fields, addresses, dates), RFC 2045-2049 (MIME body
 * structure and transfer encodings, through libetpan), RFC 2047 (encoded
 * words, decoded here so that unknown charsets and bad bytes are caught),
 * RFC 2231 (parameter value continuations and charsets, which libetpan
 * leaves raw).
 *
 * Top-level headers are split by our own scanner rather than libetpan's
 * so that every header survives in order, however broken, and 8-bit bytes
 * in them can be sniffed. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "buf.h"
#include "charset.h"
#include "html.h"
#include "mem.h"
#include "mime.h"

/* The [limits] of cfg.h, set once at start-up (mime_set_limits). */
static int mime_max_depth = 20;		/* nested multiparts/messages */
static int mime_max_parts = 200;	/* leaf parts read per message */
static size_t mime_max_attachment = 10 * 1024 * 1024;	/* decoded bytes */
#define MAX_SEGMENTS	64		/* RFC 2231 continuations kept */

struct hdr {
	const char	*name;
	size_t		 nlen;
	const char	*val;		/* raw, may hold folding CRLFs */
	size_t		 vlen;
};

struct ctx {
	struct buf		 text;
	struct buf		 html;
	struct buf		 notes;
	struct mime_attachment	*att;
	size_t			 natt;
	size_t			 attsz;
	int			 nparts;
	int			 depth_noted;
	int			 parts_noted;
};

struct param {
	const char	*name;
	const char	*value;
};

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* ASCII-only case folding: tolower() would turn "I" into "ı" under a
 * Turkish locale. */
static int
ascii_casecmp_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = lc((unsigned char)a[i]), cb = lc((unsigned char)b[i]);

		if (ca != cb)
			return ca - cb;
		if (ca == 0)
			return 0;
	}
	return 0;
}

static int
ascii_casecmp(const char *a, const char *b)
{
	return ascii_casecmp_n(a, b, SIZE_MAX);
}

static void
ascii_lower(char *s)
{
	for (; s != NULL && *s; s++)
		*s = (char)lc((unsigned char)*s);
}

static void
note(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->notes.len > 0)
		buf_puts(&c->notes, "; ");
	va_start(ap, fmt);
	buf_vprintf(&c->notes, fmt, ap);
	va_end(ap);
}

/* Replaces control characters (CR, LF, tab, ...) by spaces from offset
 * from on, so no header value or name can carry a line break. */
static void
scrub_controls(struct buf *b, size_t from)
{
	for (size_t i = from; i < b->len; i++)
		if ((unsigned char)b->s[i] < 0x20 || b->s[i] == 0x7f)
			b->s[i] = ' ';
}

/* ---- RFC 2047 ---------------------------------------------------------- */

/* The base64 alphabet as a table: bodies of attachments run through this
 * for every byte, so it must not branch.  Constant, so that messages may be
 * decoded in two threads at once. */
static const signed char b64tab[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int
b64val(int c)
{
	return b64tab[c & 0xff];
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lc(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Tolerant base64: skips what is not in the alphabet, stops at '='. */
static void
b64_decode(struct buf *out, const char *p, size_t n)
{
	unsigned int acc = 0;
	int bits = 0, v;

	for (size_t i = 0; i < n && p[i] != '='; i++) {
		if ((v = b64val((unsigned char)p[i])) < 0)
			continue;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)((acc >> bits) & 0xff));
		}
	}
}

static void
q_decode(struct buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (p[i] == '_')
			buf_putc(out, ' ');
		else if (p[i] == '=' && i + 2 < n &&
		    (hi = hexval((unsigned char)p[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)p[i + 2])) >= 0) {
			buf_putc(out, (char)(hi * 16 + lo));
			i += 2;
		} else
			buf_putc(out, p[i]);
	}
}

/* Recognises "=?charset?X?text?=" at p.  Returns its length, 0 if p does
 * not start an encoded word. */
static size_t
encoded_word(const char *p, size_t n, char *cs, size_t cssz, char *enc,
    const char **txt, size_t *txtlen)
{
	size_t i = 2, cslen;

	if (n < 8 || p[0] != '=' || p[1] != '?')
		return 0;
	while (i < n && p[i] != '?' && p[i] > ' ' && p[i] < 0x7f)
		i++;
	cslen = i - 2;
	if (i + 2 >= n || p[i] != '?' || cslen == 0 || cslen >= cssz)
		return 0;
	memcpy(cs, p + 2, cslen);
	cs[cslen] = '\0';
	/* RFC 2231 section 5: charset*language. */
	if (strchr(cs, '*') != NULL)
		*strchr(cs, '*') = '\0';
	*enc = (char)lc((unsigned char)p[i + 1]);
	if ((*enc != 'b' && *enc != 'q') || p[i + 2] != '?')
		return 0;
	*txt = p + i + 3;
	for (i += 3; i + 1 < n; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			return 0;
		if (p[i] == '?' && p[i + 1] == '=') {
			*txtlen = (size_t)(p + i - *txt);
			return i + 2;
		}
	}
	return 0;
}

static void
describe(struct buf *why, const struct charset_result *r, const char *cs)
{
	if (why == NULL || r->flags == 0)
		return;
	if (why->len > 0)
		buf_puts(why, ", ");
	charset_describe(r, cs, why);
}

static int
only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/* Decodes a raw header value (len bytes) into out: unfolded, encoded words
 * decoded, 8-bit bytes sniffed, controls replaced by spaces, trimmed.
 * What had to be guessed is described in why (may be NULL). */
static void
decode_value(const char *v, size_t len, struct buf *out, struct buf *why)
{
	struct buf u = BUF_INIT, enc = BUF_INIT;
	struct charset_result r;
	char cs[48], wcs[48], e;
	const char *txt;
	size_t i, lit, wl, tl, start = out->len, s, t;
	int have = 0, gap;

	/* Unfold: drop CR and LF, keep the white space after them. */
	for (i = 0, s = 0; i < len; i++) {
		if (v[i] == '\r' || v[i] == '\n') {
			buf_add(&u, v + s, i - s);
			s = i + 1;
		} else if (v[i] == '\t') {
			buf_add(&u, v + s, i - s);
			buf_putc(&u, ' ');
			s = i + 1;
		}
	}
	buf_add(&u, v + s, len - s);

	cs[0] = '\0';
	for (i = 0, lit = 0; i < u.len; ) {
		if (u.s[i] != '=' || (wl = encoded_word(u.s + i, u.len - i,
		    wcs, sizeof wcs, &e, &txt, &tl)) == 0) {
			i++;
			continue;
		}
		/* White space between adjacent encoded words disappears
		 * (RFC 2047 section 6.2); the bytes of words in one charset
		 * are converted together, since senders split multibyte
		 * characters across words. */
		gap = have && only_space(u.s + lit, i - lit);
		if (have && (!gap || ascii_casecmp(cs, wcs) != 0)) {
			charset_append_utf8(out, cs, enc.s, enc.len, &r);
			describe(why, &r, cs);
			buf_reset(&enc);
			have = 0;
		}
		if (!gap && i > lit) {
			charset_append_utf8(out, NULL, u.s + lit, i - lit, &r);
			describe(why, &r, NULL);
		}
		memcpy(cs, wcs, sizeof cs);
		if (e == 'b')
			b64_decode(&enc, txt, tl);
		else
			q_decode(&enc, txt, tl);
		have = 1;
		i += wl;
		lit = i;
	}
	if (have) {
		charset_append_utf8(out, cs, enc.s, enc.len, &r);
		describe(why, &r, cs);
	}
	if (u.len > lit) {
		charset_append_utf8(out, NULL, u.s + lit, u.len - lit, &r);
		describe(why, &r, NULL);
	}
	buf_free(&u);
	buf_free(&enc);

	scrub_controls(out, start);
	/* Trim. */
	for (s = start; s < out->len && out->s[s] == ' '; s++)
		;
	for (t = out->len; t > s && out->s[t - 1] == ' '; t--)
		;
	if (s > start)
		memmove(out->s + start, out->s + s, t - s);
	out->len = start + (t - s);
	if (out->s != NULL)
		out->s[out->len] = '\0';
}

char *
mime_decode_header(const char *value)
{
	struct buf b = BUF_INIT;

	if (value == NULL)
		return xstrdup("");
	decode_value(value, strlen(value), &b, NULL);
	return buf_steal(&b);
}

/* ---- header block ------------------------------------------------------ */

/* Splits the header block at p into h (grown as needed).  Returns the
 * offset where the body starts.  A line that is neither a field nor a
 * continuation ends the headers (a message without headers starts its
 * body at once). */
static size_t
scan_headers(const char *p, size_t len, struct hdr **h_r, size_t *n_r)
{
	struct hdr *h = NULL;
	size_t n = 0, sz = 0, i = 0, e, ll, k;
	const char *nl;

	/* An mbox separator line is not a header. */
	if (len >= 5 && memcmp(p, "From ", 5) == 0) {
		nl = memchr(p, '\n', len);
		i = nl ? (size_t)(nl - p) + 1 : len;
	}
	while (i < len) {
		nl = memchr(p + i, '\n', len - i);
		e = nl ? (size_t)(nl - p) : len;
		ll = e - i;
		if (ll > 0 && p[e - 1] == '\r')
			ll--;
		if (ll == 0) {
			i = e < len ? e + 1 : len;
			break;
		}
		if (p[i] == ' ' || p[i] == '\t') {
			if (n == 0)
				break;
			h[n - 1].vlen = e - (size_t)(h[n - 1].val - p);
			i = e < len ? e + 1 : len;
			continue;
		}
		for (k = 0; k < ll && p[i + k] != ':' && p[i + k] > ' ' &&
		    p[i + k] < 0x7f; k++)
			;
		if (k == 0)
			break;
		/* Obsolete syntax allows white space before the colon. */
		while (k < ll && (p[i + k] == ' ' || p[i + k] == '\t'))
			k++;
		if (k >= ll || p[i + k] != ':')
			break;
		if (n == sz) {
			sz = sz ? sz * 2 : 32;
			h = xrealloc(h, sz * sizeof *h);
		}
		h[n].name = p + i;
		h[n].nlen = k;
		while (h[n].nlen > 0 && (h[n].name[h[n].nlen - 1] == ' ' ||
		    h[n].name[h[n].nlen - 1] == '\t'))
			h[n].nlen--;
		h[n].val = p + i + k + 1;
		h[n].vlen = e - (i + k + 1);
		n++;
		i = e < len ? e + 1 : len;
	}
	*h_r = h;
	*n_r = n;
	return i;
}

static const struct hdr *
find_hdr(const struct hdr *h, size_t n, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (h[i].nlen == nl &&
		    ascii_casecmp_n(h[i].name, name, nl) == 0)
			return &h[i];
	return NULL;
}

static char *
decode_hdr(const struct hdr *h, struct ctx *c)
{
	struct buf b = BUF_INIT, why = BUF_INIT;

	decode_value(h->val, h->vlen, &b, &why);
	if (why.len > 0 && c != NULL) {
		note(c, "header %.*s: %s", (int)(h->nlen > 40 ? 40 : h->nlen),
		    h->name, buf_str(&why));
	}
	buf_free(&why);
	return buf_steal(&b);
}

/* ---- structured fields ------------------------------------------------- */

/* The ids in <...> of v, without brackets, space separated; bare tokens
 * when there are no brackets.  NULL when there are none. */
static char *
ids(const char *v)
{
	struct buf b = BUF_INIT;
	const char *p = v, *q;

	if (v == NULL)
		return NULL;
	if (strchr(v, '<') != NULL) {
		while ((p = strchr(p, '<')) != NULL &&
		    (q = strchr(p, '>')) != NULL) {
			p++;
			if (q > p) {
				if (b.len > 0)
					buf_putc(&b, ' ');
				for (; p < q; p++)
					if (*p != ' ')
						buf_putc(&b, *p);
			}
			p = q + 1;
		}
	} else {
		while (*p) {
			while (*p == ' ' || *p == ',')
				p++;
			for (q = p; *q && *q != ' ' && *q != ','; q++)
				;
			if (q > p) {
				if (b.len > 0)
					buf_putc(&b, ' ');
				buf_add(&b, p, (size_t)(q - p));
			}
			p = q;
		}
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static char *
first_id(const char *v)
{
	char *all = ids(v), *sp;

	if (all != NULL && (sp = strchr(all, ' ')) != NULL)
		*sp = '\0';
	return all;
}

static int
addr_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr(".-_+%=!#$&'*/?^`{|}~", c) != NULL);
}

/* Last resort for headers libetpan cannot parse: every a@b in the text. */
static void
scrape_addrs(const char *v, struct buf *addrs)
{
	const char *at = v, *s, *e;

	while ((at = strchr(at, '@')) != NULL) {
		for (s = at; s > v && addr_char((unsigned char)s[-1]); s--)
			;
		for (e = at + 1; addr_char((unsigned char)*e) && *e != '?' &&
		    *e != '=' && *e != '/'; e++)
			;
		if (s < at && e > at + 1) {
			size_t from = addrs->len;

			if (addrs->len > 0)
				buf_puts(addrs, ", ");
			from = addrs->len;
			buf_add(addrs, s, (size_t)(e - s));
			ascii_lower(addrs->s + from);
		}
		at = e > at ? e : at + 1;
	}
}

/* libetpan is lenient enough to return "a<<b c@d" as an addr-spec. */
static int
plausible_addr(const char *a)
{
	const char *at = strchr(a, '@');

	if (at == NULL || at == a || at[1] == '\0')
		return 0;
	for (; *a; a++)
		if ((unsigned char)*a <= ' ' || strchr("<>()[],;:\\\"", *a))
			return 0;
	return 1;
}

static void
add_mailbox(struct mailimf_mailbox *mb, struct buf *disp, struct buf *addrs)
{
	size_t from;

	if (mb == NULL || mb->mb_addr_spec == NULL)
		return;
	if (disp->len > 0)
		buf_puts(disp, ", ");
	if (mb->mb_display_name != NULL && *mb->mb_display_name != '\0') {
		from = disp->len;
		decode_value(mb->mb_display_name, strlen(mb->mb_display_name),
		    disp, NULL);
		if (disp->len > from)
			buf_putc(disp, ' ');
		buf_printf(disp, "<%s>", mb->mb_addr_spec);
	} else
		buf_puts(disp, mb->mb_addr_spec);
	if (addrs->len > 0)
		buf_puts(addrs, ", ");
	from = addrs->len;
	buf_puts(addrs, mb->mb_addr_spec);
	ascii_lower(addrs->s + from);
}

static int
only_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* Whether any address libetpan returned is not a plausible addr-spec. */
static int
suspect(const struct mailimf_address_list *al)
{
	clistiter *it, *jt;

	for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			struct mailimf_mailbox *mb = a->ad_data.ad_mailbox;

			if (mb == NULL || !plausible_addr(mb->mb_addr_spec))
				return 1;
		} else if (a->ad_type == MAILIMF_ADDRESS_GROUP &&
		    a->ad_data.ad_group->grp_mb_list != NULL) {
			clist *l = a->ad_data.ad_group->grp_mb_list->mb_list;

			for (jt = clist_begin(l); jt; jt = clist_next(jt)) {
				struct mailimf_mailbox *mb = clist_content(jt);

				if (!plausible_addr(mb->mb_addr_spec))
					return 1;
			}
		}
	}
	return 0;
}

/* Parses an address-list header into its display form and its lower-case
 * addr-specs (appended to addrs, ", " separated).  Returns the display
 * form (caller frees). */
static char *
addresses(const struct hdr *h, struct buf *addrs)
{
	struct mailimf_address_list *al = NULL;
	struct buf disp = BUF_INIT;
	size_t idx = 0, before = addrs->len;
	clistiter *it, *jt;

	if (mailimf_address_list_parse(h->val, h->vlen, &idx, &al) ==
	    MAILIMF_NO_ERROR && al != NULL && !suspect(al) &&
	    only_blank(h->val + idx, h->vlen - idx)) {
		for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
			struct mailimf_address *a = clist_content(it);

			struct mailimf_group *g = a->ad_data.ad_group;

			if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
				add_mailbox(a->ad_data.ad_mailbox, &disp,
				    addrs);
			else if (a->ad_type == MAILIMF_ADDRESS_GROUP &&
			    g->grp_mb_list != NULL) {
				for (jt = clist_begin(g->grp_mb_list->mb_list);
				    jt; jt = clist_next(jt))
					add_mailbox(clist_content(jt), &disp,
					    addrs);
			}
		}
	}
	if (al != NULL)
		mailimf_address_list_free(al);
	if (addrs->len == before) {
		char *dec = decode_hdr(h, NULL);

		buf_reset(&disp);
		buf_puts(&disp, dec);
		scrape_addrs(dec, addrs);
		free(dec);
	}
	return buf_steal(&disp);
}

/* The addr-spec of Return-Path (lower case; "" for <>). */
static char *
angle_addr(const char *v)
{
	const char *p = strchr(v, '<'), *q;
	char *r;

	if (p != NULL && (q = strchr(p, '>')) != NULL)
		r = xstrndup(p + 1, (size_t)(q - p - 1));
	else
		r = xstrdup(v);
	ascii_lower(r);
	return r;
}

static time_t
parse_date(const char *v)
{
	struct mailimf_date_time *dt = NULL;
	struct tm tm;
	size_t idx = 0;
	time_t t;
	int z, off, year;

	if (v == NULL || mailimf_date_time_parse(v, strlen(v), &idx, &dt) !=
	    MAILIMF_NO_ERROR || dt == NULL)
		return 0;
	year = dt->dt_year;
	if (year < 50)
		year += 2000;
	else if (year < 1000)
		year += 1900;
	if (year < 1970 || year > 9999 || dt->dt_month < 1 ||
	    dt->dt_month > 12 || dt->dt_day < 1 || dt->dt_day > 31 ||
	    dt->dt_hour < 0 || dt->dt_hour > 23 || dt->dt_min < 0 ||
	    dt->dt_min > 59 || dt->dt_sec < 0 || dt->dt_sec > 60 ||
	    dt->dt_zone < -9959 || dt->dt_zone > 9959) {
		/* (a zone is four digits; libetpan takes any number) */
		mailimf_date_time_free(dt);
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	z = dt->dt_zone < 0 ? -dt->dt_zone : dt->dt_zone;
	off = (z / 100) * 3600 + (z % 100) * 60;
	if (dt->dt_zone < 0)
		off = -off;
	mailimf_date_time_free(dt);
	t = timegm(&tm);
	return t == (time_t)-1 ? 0 : t - off;
}

static void
top_fields(struct mime_msg *msg, const struct hdr *h, size_t nh,
    struct ctx *c)
{
	const struct hdr *f;
	struct buf addrs = BUF_INIT, dummy = BUF_INIT;
	const char *v;

	msg->headers = xcalloc(nh ? nh : 1, sizeof *msg->headers);
	for (size_t i = 0; i < nh; i++) {
		struct buf nb = BUF_INIT;

		buf_add(&nb, h[i].name, h[i].nlen);
		msg->headers[i].name = buf_steal(&nb);
		msg->headers[i].value = decode_hdr(&h[i], c);
	}
	msg->nheaders = nh;

	msg->message_id = first_id(mime_header(msg, "Message-ID"));
	msg->in_reply_to = ids(mime_header(msg, "In-Reply-To"));
	msg->references = ids(mime_header(msg, "References"));
	msg->date = xstrdup(mime_header(msg, "Date"));
	msg->date_t = parse_date(msg->date);
	msg->subject = xstrdup(mime_header(msg, "Subject"));
	if ((f = find_hdr(h, nh, "From")) != NULL) {
		msg->from = addresses(f, &dummy);
		if (dummy.len > 0) {
			char *comma = strchr(dummy.s, ',');

			if (comma != NULL)
				*comma = '\0';
			msg->from_addr = xstrdup(dummy.s);
		}
	}
	if ((f = find_hdr(h, nh, "To")) != NULL)
		msg->to = addresses(f, &addrs);
	if ((f = find_hdr(h, nh, "Cc")) != NULL)
		msg->cc = addresses(f, &addrs);
	if (addrs.len > 0)
		msg->to_addrs = buf_steal(&addrs);
	if ((v = mime_header(msg, "Return-Path")) != NULL)
		msg->return_path = angle_addr(v);
	buf_reset(&dummy);
	if ((f = find_hdr(h, nh, "Sender")) != NULL) {
		free(addresses(f, &dummy));
		if (dummy.len > 0) {
			char *comma = strchr(dummy.s, ',');

			if (comma != NULL)
				*comma = '\0';
			msg->sender_addr = xstrdup(dummy.s);
		}
	}
	if (msg->sender_addr == NULL && msg->return_path != NULL &&
	    *msg->return_path != '\0')
		msg->sender_addr = xstrdup(msg->return_path);
	buf_free(&dummy);
	buf_free(&addrs);
}

/* ---- body parts -------------------------------------------------------- */

static char *
content_type(const struct mailmime_content *ct)
{
	struct buf b = BUF_INIT;
	const char *t = "application";

	if (ct == NULL || ct->ct_type == NULL)
		return xstrdup("text/plain");
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		const struct mailmime_discrete_type *d =
		    ct->ct_type->tp_data.tp_discrete_type;

		switch (d->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT:
			t = "text";
			break;
		case MAILMIME_DISCRETE_TYPE_IMAGE:
			t = "image";
			break;
		case MAILMIME_DISCRETE_TYPE_AUDIO:
			t = "audio";
			break;
		case MAILMIME_DISCRETE_TYPE_VIDEO:
			t = "video";
			break;
		case MAILMIME_DISCRETE_TYPE_EXTENSION:
			if (d->dt_extension != NULL)
				t = d->dt_extension;
			break;
		}
	} else {
		const struct mailmime_composite_type *m =
		    ct->ct_type->tp_data.tp_composite_type;

		if (m->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE)
			t = "message";
		else if (m->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART)
			t = "multipart";
		else if (m->ct_token != NULL)
			t = m->ct_token;
	}
	buf_printf(&b, "%s/%s", t, ct->ct_subtype ? ct->ct_subtype : "");
	scrub_controls(&b, 0);
	ascii_lower(b.s);
	return buf_steal(&b);
}

static void
pct_decode(struct buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (p[i] == '%' && i + 2 < n &&
		    (hi = hexval((unsigned char)p[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)p[i + 2])) >= 0) {
			buf_putc(out, (char)(hi * 16 + lo));
			i += 2;
		} else
			buf_putc(out, p[i]);
	}
}

/* The value of parameter base among ps, decoded to UTF-8: RFC 2231
 * (base*, base*0*, base*1 ...) before the plain one, which may hold
 * RFC 2047 words or raw 8-bit bytes.  NULL when absent. */
static char *
param_value(const struct param *ps, size_t n, const char *base)
{
	const char *plain = NULL, *ext = NULL, *seg[MAX_SEGMENTS];
	int segenc[MAX_SEGMENTS];
	size_t bl = strlen(base);
	struct buf raw = BUF_INIT, out = BUF_INIT;
	char cs[48];

	memset(seg, 0, sizeof seg);
	for (size_t i = 0; i < n; i++) {
		const char *nm = ps[i].name, *r;
		char *end;
		long idx;

		if (nm == NULL || ps[i].value == NULL ||
		    ascii_casecmp_n(nm, base, bl) != 0)
			continue;
		r = nm + bl;
		if (*r == '\0') {
			plain = ps[i].value;
			continue;
		}
		if (*r++ != '*')
			continue;
		if (*r == '\0') {
			ext = ps[i].value;
			continue;
		}
		if (*r < '0' || *r > '9')
			continue;
		idx = strtol(r, &end, 10);
		if (idx < 0 || idx >= MAX_SEGMENTS ||
		    (*end != '\0' && strcmp(end, "*") != 0))
			continue;
		seg[idx] = ps[i].value;
		segenc[idx] = *end == '*';
	}

	cs[0] = '\0';
	if (ext != NULL || seg[0] != NULL) {
		const char *v = ext ? ext : seg[0];
		int enc = ext ? 1 : segenc[0];

		for (int i = 0; i < MAX_SEGMENTS && v != NULL; ) {
			if (enc && i == 0) {
				/* charset'language'value */
				const char *q1 = strchr(v, '\''), *q2;

				if (q1 != NULL && (q2 = strchr(q1 + 1, '\'')) !=
				    NULL) {
					snprintf(cs, sizeof cs, "%.*s",
					    (int)(q1 - v), v);
					v = q2 + 1;
				}
			}
			if (enc)
				pct_decode(&raw, v, strlen(v));
			else
				buf_puts(&raw, v);
			if (ext != NULL || ++i >= MAX_SEGMENTS)
				break;
			v = seg[i];
			enc = v ? segenc[i] : 0;
		}
		charset_append_utf8(&out, cs[0] ? cs : NULL, raw.s, raw.len,
		    NULL);
		scrub_controls(&out, 0);
	} else if (plain != NULL)
		decode_value(plain, strlen(plain), &out, NULL);
	buf_free(&raw);
	if (out.len == 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}

/* The part's file name: Content-Disposition filename, else Content-Type
 * name.  Also says whether the disposition is "attachment". */
static char *
part_name(const struct mailmime *m, int *attachment_r)
{
	struct param ps[128];
	size_t n = 0;
	char *name = NULL;
	clistiter *it, *jt;

	*attachment_r = 0;
	if (m->mm_mime_fields != NULL) {
		for (it = clist_begin(m->mm_mime_fields->fld_list); it;
		    it = clist_next(it)) {
			struct mailmime_field *f = clist_content(it);
			struct mailmime_disposition *d;

			if (f->fld_type != MAILMIME_FIELD_DISPOSITION)
				continue;
			d = f->fld_data.fld_disposition;
			if (d->dsp_type != NULL && d->dsp_type->dsp_type ==
			    MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
				*attachment_r = 1;
			for (jt = clist_begin(d->dsp_parms); jt &&
			    n < sizeof ps / sizeof ps[0]; jt = clist_next(jt)) {
				struct mailmime_disposition_parm *dp =
				    clist_content(jt);

				if (dp->pa_type ==
				    MAILMIME_DISPOSITION_PARM_FILENAME) {
					ps[n].name = "filename";
					ps[n++].value = dp->pa_data.pa_filename;
				} else if (dp->pa_type ==
				    MAILMIME_DISPOSITION_PARM_PARAMETER) {
					ps[n].name =
					    dp->pa_data.pa_parameter->pa_name;
					ps[n++].value =
					    dp->pa_data.pa_parameter->pa_value;
				}
			}
			break;
		}
	}
	if (n > 0)
		name = param_value(ps, n, "filename");
	if (name == NULL && m->mm_content_type != NULL) {
		n = 0;
		for (it = clist_begin(m->mm_content_type->ct_parameters); it &&
		    n < sizeof ps / sizeof ps[0]; it = clist_next(it)) {
			struct mailmime_parameter *p = clist_content(it);

			ps[n].name = p->pa_name;
			ps[n++].value = p->pa_value;
		}
		name = param_value(ps, n, "name");
	}
	return name;
}

static const char *
ct_param(const struct mailmime *m, const char *name)
{
	clistiter *it;

	if (m->mm_content_type == NULL)
		return NULL;
	for (it = clist_begin(m->mm_content_type->ct_parameters); it;
	    it = clist_next(it)) {
		struct mailmime_parameter *p = clist_content(it);

		if (p->pa_name != NULL && ascii_casecmp(p->pa_name, name) == 0)
			return p->pa_value;
	}
	return NULL;
}

/* A base64 body decoded in one pass, as libetpan decodes it (characters
 * outside the alphabet skipped, '=' too; a last group of one to three
 * characters gives one or two bytes), and flagged when damaged: libetpan
 * decodes junk without complaint, so characters outside the alphabet and
 * impossible lengths are noted.  Caller frees. */
static unsigned char *
b64_body(const char *p, size_t n, size_t *len_r, int *damaged_r)
{
	unsigned char *out = xmalloc(n / 4 * 3 + 4), *o = out;
	unsigned int acc = 0;
	size_t sig = 0;
	int k = 0, v;

	*damaged_r = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		/* Whole groups of four inside a line: the bulk of it. */
		while (k == 0 && i + 4 <= n) {
			int a = b64tab[(unsigned char)p[i]];
			int b = b64tab[(unsigned char)p[i + 1]];
			int c = b64tab[(unsigned char)p[i + 2]];
			int d = b64tab[(unsigned char)p[i + 3]];

			if ((a | b | c | d) < 0)
				break;
			acc = (unsigned int)a << 18 | (unsigned int)b << 12 |
			    (unsigned int)c << 6 | (unsigned int)d;
			*o++ = (unsigned char)(acc >> 16);
			*o++ = (unsigned char)(acc >> 8);
			*o++ = (unsigned char)acc;
			acc = 0;
			sig += 4;
			i += 4;
		}
		if (i >= n)
			break;
		ch = (unsigned char)p[i];
		if ((v = b64tab[ch]) < 0) {
			if (ch != '=' && ch != '\r' && ch != '\n' &&
			    ch != ' ' && ch != '\t')
				*damaged_r = 1;
			continue;
		}
		sig++;
		acc = (acc << 6) | (unsigned int)v;
		if (++k == 4) {
			*o++ = (unsigned char)(acc >> 16);
			*o++ = (unsigned char)(acc >> 8);
			*o++ = (unsigned char)acc;
			acc = 0;
			k = 0;
		}
	}
	if (k > 0) {
		acc <<= 6 * (4 - k);
		*o++ = (unsigned char)(acc >> 16);
		if (k == 3)
			*o++ = (unsigned char)(acc >> 8);
	}
	if (sig % 4 == 1)
		*damaged_r = 1;
	*o = '\0';
	*len_r = (size_t)(o - out);
	return out;
}

/* libetpan's hex digit: anything else counts as 0. */
static int
qp_nib(int c)
{
	int v = hexval(c);

	return v < 0 ? 0 : v;
}

/* A quoted-printable body decoded in one pass, as libetpan decodes it
 * (every line break becomes CRLF, soft breaks vanish, a lone CR at the end
 * is dropped), but without copying byte by byte through its growing
 * string, and without its read past the end of a part ending in "=X".
 * Caller frees. */
static unsigned char *
qp_body(const char *p, size_t n, size_t *len_r)
{
	unsigned char *out = xmalloc(2 * n + 1), *o = out;
	size_t i = 0;

	while (i < n) {
		const char *q;
		size_t run;

		/* Copy the plain stretch up to the next special byte. */
		for (q = p + i; q < p + n && *q != '=' && *q != '\n' &&
		    *q != '\r'; q++)
			;
		run = (size_t)(q - (p + i));
		memcpy(o, p + i, run);
		o += run;
		i += run;
		if (i >= n)
			break;
		if (p[i] == '\n') {
			*o++ = '\r';
			*o++ = '\n';
			i++;
		} else if (p[i] == '\r') {
			if (i + 1 >= n)
				break;
			*o++ = '\r';
			*o++ = '\n';
			i += p[i + 1] == '\n' ? 2 : 1;
		} else if (i + 1 >= n) {
			*o++ = '=';
			i++;
		} else if (p[i + 1] == '\n')
			i += 2;
		else if (p[i + 1] == '\r') {
			if (i + 2 >= n)
				break;
			i += p[i + 2] == '\n' ? 3 : 2;
		} else if (i + 2 >= n) {
			*o++ = (unsigned char)p[i + 1];
			i += 2;
		} else {
			*o++ = (unsigned char)(qp_nib((unsigned char)p[i + 1])
			    << 4 | qp_nib((unsigned char)p[i + 2]));
			i += 3;
		}
	}
	*o = '\0';
	*len_r = (size_t)(o - out);
	return out;
}

/* The part's bytes with the transfer encoding undone; caller frees. */
static unsigned char *
part_bytes(struct ctx *c, const struct mailmime *m, int partno,
    size_t *len_r)
{
	const struct mailmime_data *d = m->mm_data.mm_single;
	const char *p;
	unsigned char *out;
	size_t n;
	int enc, damaged;

	*len_r = 0;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return xcalloc(1, 1);
	p = d->dt_data.dt_text.dt_data;
	n = d->dt_data.dt_text.dt_length;
	enc = d->dt_encoded ? d->dt_encoding : MAILMIME_MECHANISM_8BIT;
	if (enc == MAILMIME_MECHANISM_BASE64) {
		out = b64_body(p, n, len_r, &damaged);
		if (damaged)
			note(c, "part %d: base64 damaged", partno);
		return out;
	}
	if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE)
		return qp_body(p, n, len_r);
	if (enc == MAILMIME_MECHANISM_TOKEN)
		note(c, "part %d: unknown transfer encoding, read as 8bit",
		    partno);
	out = xmalloc(n + 1);
	memcpy(out, p, n);
	out[n] = '\0';
	*len_r = n;
	return out;
}

/* Appends s to b with CRLF and lone CR made LF and NUL made U+FFFD. */
static void
add_lines(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '\r' && s[i] != '\0')
			continue;
		buf_add(b, s + start, i - start);
		if (s[i] == '\0')
			buf_puts(b, "\xef\xbf\xbd");
		else if (i + 1 >= n || s[i + 1] != '\n')
			buf_putc(b, '\n');
		start = i + 1;
	}
	buf_add(b, s + start, n - start);
}

/* Appends one part's text, parts separated by a blank line. */
static void
add_text(struct ctx *c, const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (s[0] == '\n' || s[0] == '\r')) {
		s++;
		n--;
	}
	if (n == 0)
		return;
	if (c->text.len > 0)
		buf_puts(&c->text, "\n\n");
	add_lines(&c->text, s, n);
}

static void
add_attachment(struct ctx *c, char *name, char *type, unsigned char *data,
    size_t len)
{
	struct mime_attachment *a;

	if (c->natt == c->attsz) {
		c->attsz = c->attsz ? c->attsz * 2 : 8;
		c->att = xrealloc(c->att, c->attsz * sizeof *c->att);
	}
	a = &c->att[c->natt++];
	a->name = name;
	a->type = type;
	a->data = data;
	a->len = len;
}

/* The charset an HTML part declares in a <meta> near its top. */
static void
meta_charset(const unsigned char *p, size_t n, char *cs, size_t cssz)
{
	static const char key[] = "charset=";
	size_t i, k, lim = n < 2048 ? n : 2048;

	cs[0] = '\0';
	for (i = 0; i + sizeof key - 1 < lim; i++) {
		if (ascii_casecmp_n((const char *)p + i, key,
		    sizeof key - 1) != 0)
			continue;
		i += sizeof key - 1;
		while (i < lim && (p[i] == '"' || p[i] == '\'' || p[i] == ' '))
			i++;
		for (k = 0; i + k < lim && k + 1 < cssz &&
		    (b64val(p[i + k]) >= 0 || p[i + k] == '-' ||
		    p[i + k] == '_'); k++)
			cs[k] = (char)p[i + k];
		cs[k] = '\0';
		return;
	}
}

static void
text_part(struct ctx *c, const struct mailmime *m, int partno, int is_html,
    int notext, unsigned char *data, size_t len)
{
	struct charset_result r;
	struct buf u = BUF_INIT, why = BUF_INIT;
	const char *cs = ct_param(m, "charset");
	char meta[48];

	if ((cs == NULL || *cs == '\0') && is_html) {
		meta_charset(data, len, meta, sizeof meta);
		if (meta[0] != '\0')
			cs = meta;
	}
	charset_append_utf8(&u, cs, data, len, &r);
	if (r.flags != 0) {
		charset_describe(&r, cs, &why);
		note(c, "part %d: %s", partno, buf_str(&why));
	}
	if (is_html) {
		if (c->html.len > 0)
			buf_putc(&c->html, '\n');
		add_lines(&c->html, buf_str(&u), u.len);
		if (!notext) {
			char *t = html_to_text(buf_str(&u), u.len);

			add_text(c, t, strlen(t));
			free(t);
		}
	} else if (!notext)
		add_text(c, buf_str(&u), u.len);
	buf_free(&u);
	buf_free(&why);
	free(data);
}

static void
single(struct ctx *c, const struct mailmime *m, int notext)
{
	char *type, *name;
	unsigned char *data;
	size_t len;
	int partno, attach, is_html;

	if (c->nparts >= mime_max_parts) {
		if (!c->parts_noted)
			note(c, "more than %d parts, the rest skipped",
			    mime_max_parts);
		c->parts_noted = 1;
		return;
	}
	partno = ++c->nparts;
	type = content_type(m->mm_content_type);
	name = part_name(m, &attach);
	data = part_bytes(c, m, partno, &len);
	is_html = strcmp(type, "text/html") == 0;
	if (!attach && name == NULL && (is_html ||
	    strcmp(type, "text/plain") == 0)) {
		text_part(c, m, partno, is_html, notext, data, len);
		free(type);
		return;
	}
	if (len > mime_max_attachment) {
		note(c, "part %d: %s of %zu bytes cut to the %zu-byte limit",
		    partno, name != NULL ? name : type, len,
		    mime_max_attachment);
		len = mime_max_attachment;
		data = xrealloc(data, len + 1);
		data[len] = '\0';
	}
	add_attachment(c, name, type, data, len);
}

static void walk(struct ctx *, const struct mailmime *, int, int);

static int
is_plain_text(const struct mailmime *m)
{
	char *type, *name;
	int attach, r;

	if (m->mm_type != MAILMIME_SINGLE)
		return 0;
	type = content_type(m->mm_content_type);
	name = part_name(m, &attach);
	r = strcmp(type, "text/plain") == 0 && !attach && name == NULL;
	free(type);
	free(name);
	return r;
}

/* Whether the multipart's body holds its closing "--boundary--" (a cut
 * message still parses; the note says it was cut). */
static int
closed(const struct mailmime *m)
{
	const char *bd = ct_param(m, "boundary");
	const struct mailmime_data *d = m->mm_body;
	char delim[80];
	int n;

	if (bd == NULL || d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return 1;
	n = snprintf(delim, sizeof delim, "--%s--", bd);
	if (n < 0 || (size_t)n >= sizeof delim)
		return 1;
	return memmem(d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length,
	    delim, (size_t)n) != NULL;
}

/* Whether a single part decodes to white space only (an empty text/plain
 * beside the real HTML). */
static int
blank_part(const struct mailmime *m)
{
	const struct mailmime_data *d = m->mm_data.mm_single;
	const char *p;
	char *res = NULL;
	size_t n, rlen = 0, idx = 0, i;
	int enc, blank = 1;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return 1;
	p = d->dt_data.dt_text.dt_data;
	n = d->dt_data.dt_text.dt_length;
	enc = d->dt_encoded ? d->dt_encoding : MAILMIME_MECHANISM_8BIT;
	if ((enc == MAILMIME_MECHANISM_BASE64 ||
	    enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE) &&
	    mailmime_part_parse(p, n, &idx, enc, &res, &rlen) ==
	    MAILIMF_NO_ERROR && res != NULL) {
		p = res;
		n = rlen;
	}
	for (i = 0; i < n && blank; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			blank = 0;
	if (res != NULL)
		mmap_string_unref(res);
	return blank;
}

static void
multipart(struct ctx *c, const struct mailmime *m, int depth, int notext)
{
	const struct mailmime *pick = NULL, *ch;
	clist *l = m->mm_data.mm_multipart.mm_mp_list;
	char *type = content_type(m->mm_content_type);
	clistiter *it;

	if (l == NULL) {
		free(type);
		return;
	}
	if (!closed(m))
		note(c, "%s: closing boundary missing", type);
	if (strcmp(type, "multipart/alternative") == 0) {
		/* The plain text is read; the other versions only give their
		 * HTML (for forms) and attachments. */
		for (it = clist_begin(l); it && pick == NULL;
		    it = clist_next(it))
			if (is_plain_text(clist_content(it)) &&
			    !blank_part(clist_content(it)))
				pick = clist_content(it);
		for (it = clist_begin(l); it && pick == NULL;
		    it = clist_next(it)) {
			char *t;

			ch = clist_content(it);
			t = content_type(ch->mm_content_type);
			if (strcmp(t, "text/html") == 0 ||
			    ch->mm_type == MAILMIME_MULTIPLE)
				pick = ch;
			free(t);
		}
		if (pick == NULL && clist_begin(l) != NULL)
			pick = clist_content(clist_begin(l));
	}
	free(type);
	for (it = clist_begin(l); it; it = clist_next(it)) {
		ch = clist_content(it);
		walk(c, ch, depth + 1, notext || (pick != NULL && ch != pick));
	}
}

/* A forwarded message/rfc822: its From/Date/Subject, then its parts. */
static void
forwarded(struct ctx *c, const struct mailmime *m, int depth, int notext)
{
	static const char *show[] = { "From", "Date", "Subject" };
	const struct mailmime_data *d = m->mm_body;
	struct hdr *h = NULL;
	struct buf b = BUF_INIT;
	size_t nh = 0;

	if (!notext && d != NULL && d->dt_type == MAILMIME_DATA_TEXT) {
		scan_headers(d->dt_data.dt_text.dt_data,
		    d->dt_data.dt_text.dt_length, &h, &nh);
		for (size_t i = 0; i < sizeof show / sizeof show[0]; i++) {
			const struct hdr *f = find_hdr(h, nh, show[i]);
			char *v;

			if (f == NULL)
				continue;
			v = decode_hdr(f, NULL);
			buf_printf(&b, "%s%s: %s", b.len ? "\n" : "", show[i],
			    v);
			free(v);
		}
		add_text(c, buf_str(&b), b.len);
		buf_free(&b);
		free(h);
	}
	if (m->mm_data.mm_message.mm_msg_mime != NULL)
		walk(c, m->mm_data.mm_message.mm_msg_mime, depth + 1, notext);
}

static void
walk(struct ctx *c, const struct mailmime *m, int depth, int notext)
{
	if (m == NULL)
		return;
	if (depth > mime_max_depth) {
		if (!c->depth_noted)
			note(c, "MIME nesting deeper than %d, inner parts "
			    "skipped", mime_max_depth);
		c->depth_noted = 1;
		return;
	}
	switch (m->mm_type) {
	case MAILMIME_SINGLE:
		single(c, m, notext);
		break;
	case MAILMIME_MULTIPLE:
		multipart(c, m, depth, notext);
		break;
	case MAILMIME_MESSAGE:
		if (m->mm_parent == NULL)
			walk(c, m->mm_data.mm_message.mm_msg_mime, depth,
			    notext);
		else
			forwarded(c, m, depth, notext);
		break;
	}
}

/* No MIME structure to speak of: the body is sniffed plain text. */
static void
plain_body(struct ctx *c, const char *p, size_t n)
{
	struct charset_result r;
	struct buf u = BUF_INIT, why = BUF_INIT;

	charset_append_utf8(&u, NULL, p, n, &r);
	if (r.flags != 0) {
		charset_describe(&r, NULL, &why);
		note(c, "body: %s", buf_str(&why));
	}
	add_text(c, buf_str(&u), u.len);
	buf_free(&u);
	buf_free(&why);
}

void
mime_set_limits(int max_depth, int max_parts, size_t max_attachment)
{
	if (max_depth > 0)
		mime_max_depth = max_depth;
	if (max_parts > 0)
		mime_max_parts = max_parts;
	if (max_attachment > 0)
		mime_max_attachment = max_attachment;
}

int
mime_parse(const char *raw, size_t len, struct mime_msg **msg_r,
    const char **errstr)
{
	struct ctx c;
	struct mime_msg *msg;
	struct mailmime *mime = NULL;
	struct hdr *h = NULL;
	size_t nh = 0, body, idx = 0;

	*msg_r = NULL;
	if (raw == NULL || len == 0) {
		if (errstr != NULL)
			*errstr = "empty message";
		return -1;
	}
	memset(&c, 0, sizeof c);
	msg = xcalloc(1, sizeof *msg);
	body = scan_headers(raw, len, &h, &nh);
	top_fields(msg, h, nh, &c);

	if (nh == 0)
		plain_body(&c, raw + body, len - body);
	else if (mailmime_parse(raw, len, &idx, &mime) != MAILIMF_NO_ERROR ||
	    mime == NULL) {
		note(&c, "MIME structure unreadable, body read as plain text");
		plain_body(&c, raw + body, len - body);
	} else {
		walk(&c, mime, 0, 0);
		mailmime_free(mime);
	}
	free(h);

	msg->text = buf_steal(&c.text);
	msg->html = c.html.len > 0 ? buf_steal(&c.html) : NULL;
	buf_free(&c.html);
	msg->att = c.att;
	msg->natt = c.natt;
	if (c.notes.len > 0) {
		scrub_controls(&c.notes, 0);
		msg->notes = buf_steal(&c.notes);
	}
	*msg_r = msg;
	return 0;
}

void
mime_free(struct mime_msg **msgp)
{
	struct mime_msg *msg;

	if (msgp == NULL || (msg = *msgp) == NULL)
		return;
	free(msg->message_id);
	free(msg->in_reply_to);
	free(msg->references);
	free(msg->date);
	free(msg->from);
	free(msg->from_addr);
	free(msg->sender_addr);
	free(msg->return_path);
	free(msg->to);
	free(msg->cc);
	free(msg->to_addrs);
	free(msg->subject);
	for (size_t i = 0; i < msg->nheaders; i++) {
		free(msg->headers[i].name);
		free(msg->headers[i].value);
	}
	free(msg->headers);
	free(msg->text);
	free(msg->html);
	for (size_t i = 0; i < msg->natt; i++) {
		free(msg->att[i].name);
		free(msg->att[i].type);
		free(msg->att[i].data);
	}
	free(msg->att);
	free(msg->notes);
	free(msg);
	*msgp = NULL;
}

const char *
mime_header(const struct mime_msg *msg, const char *name)
{
	if (msg == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < msg->nheaders; i++)
		if (ascii_casecmp(msg->headers[i].name, name) == 0)
			return msg->headers[i].value;
	return NULL;
}
