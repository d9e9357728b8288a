/* mime_header: header fields of one raw message -> UTF-8; see mime.h and
 * mime_int.h.
 *
 * RFC 5322 (header fields, addresses, dates), RFC 2047 (encoded words,
 * decoded here so that unknown charsets and bad bytes are caught),
 * RFC 2231 section 5 (a language after the charset of an encoded word).
 *
 * Top-level headers are split by our own scanner rather than libetpan's
 * so that every header survives in order, however broken, and 8-bit bytes
 * in them can be sniffed. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "buf.h"
#include "charset.h"
#include "mem.h"
#include "mime.h"
#include "mime_int.h"

/* ---- RFC 2047 ---------------------------------------------------------- */

/* The base64 alphabet as a table: bodies of attachments run through this
 * for every byte, so it must not branch.  Constant, so that messages may be
 * decoded in two threads at once. */
const signed char mimeh_b64tab[256] = {
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
	*enc = (char)ascii_lower((unsigned char)p[i + 1]);
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

/* A raw header value (len bytes) into out: unfolded, encoded words decoded
 * when words is set, 8-bit bytes sniffed, controls replaced by spaces,
 * trimmed.  What had to be guessed is described in why (may be NULL). */
static void
decode_value(const char *v, size_t len, struct buf *out, struct buf *why,
    int words)
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
		if (!words || u.s[i] != '=' || (wl = encoded_word(u.s + i,
		    u.len - i, wcs, sizeof wcs, &e, &txt, &tl)) == 0) {
			i++;
			continue;
		}
		/* White space between adjacent encoded words disappears
		 * (RFC 2047 section 6.2); the bytes of words in one charset
		 * are converted together, since senders split multibyte
		 * characters across words. */
		gap = have && only_space(u.s + lit, i - lit);
		if (have && (!gap || !ascii_ieq(cs, wcs))) {
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
			hex_unescape(&enc, txt, tl, '=', 1);
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

void
mimeh_decode_value(const char *v, size_t len, struct buf *out, struct buf *why)
{
	decode_value(v, len, out, why, 1);
}

void
mimeh_raw_value(const char *v, size_t len, struct buf *out, struct buf *why)
{
	decode_value(v, len, out, why, 0);
}

char *
mime_decode_header(const char *value)
{
	struct buf b = BUF_INIT;

	if (value == NULL)
		return xstrdup("");
	mimeh_decode_value(value, strlen(value), &b, NULL);
	return buf_steal(&b);
}

/* ---- header block ------------------------------------------------------ */

/* Splits the header block at p into h (grown as needed).  Returns the
 * offset where the body starts.  A line that is neither a field nor a
 * continuation ends the headers (a message without headers starts its
 * body at once). */
size_t
mimeh_scan_headers(const char *p, size_t len, struct hdr **h_r, size_t *n_r)
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

const struct hdr *
mimeh_find_hdr(const struct hdr *h, size_t n, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (h[i].nlen == nl &&
		    ascii_ieqn(h[i].name, name, nl))
			return &h[i];
	return NULL;
}

char *
mimeh_decode_hdr(const struct hdr *h, struct ctx *c)
{
	struct buf b = BUF_INIT, why = BUF_INIT;

	mimeh_decode_value(h->val, h->vlen, &b, &why);
	if (why.len > 0 && c != NULL) {
		mime_note(c, "header %.*s: %s",
		    (int)(h->nlen > 40 ? 40 : h->nlen), h->name,
		    buf_str(&why));
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
			ascii_lower_str(addrs->s + from);
		}
		at = e > at ? e : at + 1;
	}
}

/* libetpan is lenient enough to return "a<<b c@d" as an addr-spec. */
static int
plausible_addr(const char *a)
{
	const char *at = strchr(a, '@');

	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@'))
		return 0;
	for (; *a; a++)
		if ((unsigned char)*a <= ' ' || strchr("<>()[],;:\\\"", *a))
			return 0;
	return 1;
}

static void
add_mailbox(struct mailimf_mailbox *mb, struct buf *disp, struct buf *addrs,
    size_t *n)
{
	size_t from;

	if (mb == NULL || mb->mb_addr_spec == NULL)
		return;
	(*n)++;
	if (disp->len > 0)
		buf_puts(disp, ", ");
	if (mb->mb_display_name != NULL && *mb->mb_display_name != '\0') {
		from = disp->len;
		mimeh_decode_value(mb->mb_display_name,
		    strlen(mb->mb_display_name), disp, NULL);
		if (disp->len > from)
			buf_putc(disp, ' ');
		buf_printf(disp, "<%s>", mb->mb_addr_spec);
	} else
		buf_puts(disp, mb->mb_addr_spec);
	if (addrs->len > 0)
		buf_puts(addrs, ", ");
	from = addrs->len;
	buf_puts(addrs, mb->mb_addr_spec);
	ascii_lower_str(addrs->s + from);
}

static int
only_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* Whether libetpan's mailbox is no plausible addr-spec; with strict
 * (From, Sender), also one not written as such in the raw value h: it
 * joins "BİDB bidb@x" into the local part "BİDBbidb", an address nobody
 * wrote. */
static int
bad_mailbox(const struct mailimf_mailbox *mb, const struct hdr *h,
    int strict)
{
	if (mb == NULL || !plausible_addr(mb->mb_addr_spec))
		return 1;
	return strict && memmem(h->val, h->vlen, mb->mb_addr_spec,
	    strlen(mb->mb_addr_spec)) == NULL;
}

/* Whether any address libetpan returned is bad (bad_mailbox). */
static int
suspect(const struct mailimf_address_list *al, const struct hdr *h,
    int strict)
{
	clistiter *it, *jt;

	for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			if (bad_mailbox(a->ad_data.ad_mailbox, h, strict))
				return 1;
		} else if (a->ad_type == MAILIMF_ADDRESS_GROUP &&
		    a->ad_data.ad_group->grp_mb_list != NULL) {
			clist *l = a->ad_data.ad_group->grp_mb_list->mb_list;

			for (jt = clist_begin(l); jt; jt = clist_next(jt))
				if (bad_mailbox(clist_content(jt), h, strict))
					return 1;
		}
	}
	return 0;
}

/* s without its RFC 5322 comments (nested, with quoted-pairs; quoted
 * strings kept), trimmed, into out: "MAILER-DAEMON@x (Mail Delivery
 * System)" is an address and a comment.  -1 for an unclosed comment or
 * quoted string. */
static int
strip_comments(const char *s, struct buf *out)
{
	int depth = 0, quoted = 0;
	size_t a, b;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0' && (depth || quoted)) {
			if (!depth)
				buf_add(out, s, 2);
			s++;
		} else if (quoted) {
			buf_putc(out, *s);
			quoted = *s != '"';
		} else if (*s == '(')
			depth++;
		else if (*s == ')' && depth > 0)
			depth--;
		else if (!depth) {
			buf_putc(out, *s);
			quoted = *s == '"';
		}
	}
	if (depth || quoted)
		return -1;
	buf_putc(out, '\0');
	out->len--;
	for (a = 0; out->s[a] == ' '; a++)
		;
	for (b = out->len; b > a && out->s[b - 1] == ' '; b--)
		;
	memmove(out->s, out->s + a, b - a);
	out->len = b - a;
	out->s[out->len] = '\0';
	return 0;
}

/* The fallback for a From or Sender libetpan could not read, on the raw
 * value: a bare addr-spec, or exactly one <addr-spec> ending the value.
 * Nothing is ever taken out of display text: "=?utf-8?q?bidb=40x?= <<"
 * would otherwise make its display name the sender.  Appends the address
 * (lower case) to addrs; returns 1, or 0 when there is none. */
static int
strict_addr(const struct hdr *h, struct buf *addrs)
{
	struct buf u = BUF_INIT, c = BUF_INIT;
	const char *s, *lt;
	char *a = NULL;
	size_t n, from;
	int ok;

	mimeh_raw_value(h->val, h->vlen, &u, NULL);
	if (strip_comments(buf_str(&u), &c) == -1) {
		buf_free(&u);
		buf_free(&c);
		return 0;
	}
	buf_free(&u);
	u = c;
	s = buf_str(&u);
	n = u.len;
	lt = strchr(s, '<');
	if (n > 0 && s[n - 1] == '>' && lt != NULL && lt == strrchr(s, '<') &&
	    strchr(s, '>') == s + n - 1)
		a = xstrndup(lt + 1, (size_t)(s + n - 1 - (lt + 1)));
	else if (lt == NULL && strchr(s, '>') == NULL)
		a = xstrdup(s);
	ok = a != NULL && plausible_addr(a);
	if (ok) {
		from = addrs->len;
		buf_puts(addrs, a);
		ascii_lower_str(addrs->s + from);
	}
	free(a);
	buf_free(&u);
	return ok;
}

/* Parses an address-list header into its display form and its lower-case
 * addr-specs (appended to addrs, ", " separated; *n_r counts them).
 * With strict (From, Sender) an unreadable value gives at most the
 * address strict_addr finds; otherwise every a@b of its decoded text.
 * Returns the display form (caller frees). */
static char *
addresses(const struct hdr *h, struct buf *addrs, int strict, size_t *n_r)
{
	struct mailimf_address_list *al = NULL;
	struct buf disp = BUF_INIT;
	size_t idx = 0, before = addrs->len, n = 0;
	clistiter *it, *jt;

	if (mailimf_address_list_parse(h->val, h->vlen, &idx, &al) ==
	    MAILIMF_NO_ERROR && al != NULL && !suspect(al, h, strict) &&
	    only_blank(h->val + idx, h->vlen - idx)) {
		for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
			struct mailimf_address *a = clist_content(it);

			struct mailimf_group *g = a->ad_data.ad_group;

			if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
				add_mailbox(a->ad_data.ad_mailbox, &disp,
				    addrs, &n);
			else if (a->ad_type == MAILIMF_ADDRESS_GROUP &&
			    g->grp_mb_list != NULL) {
				for (jt = clist_begin(g->grp_mb_list->mb_list);
				    jt; jt = clist_next(jt))
					add_mailbox(clist_content(jt), &disp,
					    addrs, &n);
			}
		}
	}
	if (al != NULL)
		mailimf_address_list_free(al);
	if (addrs->len == before) {
		char *dec = mimeh_decode_hdr(h, NULL);

		buf_reset(&disp);
		buf_puts(&disp, dec);
		if (strict)
			n = (size_t)strict_addr(h, addrs);
		else
			scrape_addrs(dec, addrs);
		free(dec);
	}
	if (n_r != NULL)
		*n_r = n;
	return buf_steal(&disp);
}

/* The one address of a From or Sender field, or NULL when it has none
 * the robot can read or several (who of them would be the sender?).
 * *disp_r (when not NULL) gets the display form. */
static char *
one_mailbox(const struct hdr *h, char **disp_r)
{
	struct buf a = BUF_INIT;
	size_t n = 0;
	char *disp = addresses(h, &a, 1, &n);

	if (disp_r != NULL)
		*disp_r = disp;
	else
		free(disp);
	if (n != 1) {
		buf_free(&a);
		return NULL;
	}
	return buf_steal(&a);
}

/* Header fields whose value is syntax other fields are judged by: an
 * RFC 2047 encoded word in them is text their server copied from the
 * sender (a HELO name, an envelope address), never to be decoded. */
static int
raw_field(const struct hdr *h)
{
	static const char *const names[] = { "Authentication-Results",
	    "ARC-Authentication-Results", "Received", "Received-SPF",
	    "DKIM-Signature", NULL };

	for (size_t i = 0; names[i] != NULL; i++)
		if (h->nlen == strlen(names[i]) &&
		    ascii_ieqn(h->name, names[i], h->nlen))
			return 1;
	return 0;
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
	ascii_lower_str(r);
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

void
mimeh_top_fields(struct mime_msg *msg, const struct hdr *h, size_t nh,
    struct ctx *c)
{
	const struct hdr *f;
	struct buf addrs = BUF_INIT;
	const char *v;

	msg->headers = xcalloc(nh ? nh : 1, sizeof *msg->headers);
	for (size_t i = 0; i < nh; i++) {
		struct buf nb = BUF_INIT;

		buf_add(&nb, h[i].name, h[i].nlen);
		msg->headers[i].name = buf_steal(&nb);
		if (raw_field(&h[i])) {
			struct buf rv = BUF_INIT;

			mimeh_raw_value(h[i].val, h[i].vlen, &rv, NULL);
			msg->headers[i].value = buf_steal(&rv);
		} else
			msg->headers[i].value = mimeh_decode_hdr(&h[i], c);
	}
	msg->nheaders = nh;

	msg->message_id = first_id(mime_header(msg, "Message-ID"));
	msg->in_reply_to = ids(mime_header(msg, "In-Reply-To"));
	msg->references = ids(mime_header(msg, "References"));
	msg->date = xstrdup(mime_header(msg, "Date"));
	msg->date_t = parse_date(msg->date);
	msg->subject = xstrdup(mime_header(msg, "Subject"));
	if ((f = mimeh_find_hdr(h, nh, "From")) != NULL)
		msg->from_addr = one_mailbox(f, &msg->from);
	if ((f = mimeh_find_hdr(h, nh, "To")) != NULL)
		msg->to = addresses(f, &addrs, 0, NULL);
	if ((f = mimeh_find_hdr(h, nh, "Cc")) != NULL)
		msg->cc = addresses(f, &addrs, 0, NULL);
	if (addrs.len > 0)
		msg->to_addrs = buf_steal(&addrs);
	if ((v = mime_header(msg, "Return-Path")) != NULL)
		msg->return_path = angle_addr(v);
	if ((f = mimeh_find_hdr(h, nh, "Sender")) != NULL)
		msg->sender_addr = one_mailbox(f, NULL);
	if (msg->sender_addr == NULL && msg->return_path != NULL &&
	    *msg->return_path != '\0')
		msg->sender_addr = xstrdup(msg->return_path);
	buf_free(&addrs);
}
