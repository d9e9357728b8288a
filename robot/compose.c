/* compose: one outgoing message as bytes; see compose.h.
 *
 * RFC 5322, RFC 2045 (quoted-printable), RFC 2046 (multipart/alternative),
 * RFC 2047 (B-encoded words), RFC 3834 (Auto-Submitted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ascii.h"
#include "buf.h"
#include "charset.h"
#include "compose.h"
#include "mem.h"

#define LINE_MAX_HDR	78	/* RFC 5322 2.1.1 "SHOULD" */
#define LINE_MAX_QP	76	/* RFC 2045 6.7 (5) */
/* 42 bytes of UTF-8 are 56 base64 characters: "=?UTF-8?B?" + 56 + "?="
 * is 68, which fits after "Subject: " (9) within 78 and is below the 75
 * RFC 2047 allows for one encoded word. */
#define EW_RAW_MAX	42

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char hexd[] = "0123456789ABCDEF";

/* A header line being written, folded at the spaces we choose. */
struct hline {
	struct buf	*out;
	size_t		 col;
};

static void
hl_start(struct hline *h, struct buf *out, const char *name)
{
	h->out = out;
	buf_printf(out, "%s:", name);
	h->col = strlen(name) + 1;
}

/* Appends a word preceded by a space, folding before it when the line
 * would pass 78 characters. */
static void
hl_word(struct hline *h, const char *w, size_t n)
{
	if (h->col + 1 + n > LINE_MAX_HDR && h->col > 1) {
		buf_puts(h->out, "\r\n ");
		h->col = 1;
	} else {
		buf_putc(h->out, ' ');
		h->col++;
	}
	buf_add(h->out, w, n);
	h->col += n;
}

/* Appends to the current word with no folding point (e.g. a comma). */
static void
hl_glue(struct hline *h, const char *w)
{
	buf_puts(h->out, w);
	h->col += strlen(w);
}

static void
hl_end(struct hline *h)
{
	buf_puts(h->out, "\r\n");
}

static int
has_crlfnul(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

/* 1 when s can be written as is: printable ASCII words, none too long,
 * and nothing a decoder would take for an encoded word. */
static int
plain_ascii(const char *s)
{
	const char *p;
	size_t word = 0;

	if (strstr(s, "=?") != NULL)
		return 0;
	for (p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
		word = *p == ' ' ? 0 : word + 1;
		if (word > LINE_MAX_HDR - 12)
			return 0;
	}
	return 1;
}

static void
hl_encoded(struct hline *h, const char *s, size_t len)
{
	const unsigned char *u;
	char word[16 + EW_RAW_MAX * 4 / 3 + 8];
	size_t n, i, w;
	unsigned v;

	while (len > 0) {
		n = len < EW_RAW_MAX ? len : EW_RAW_MAX;
		/* never split a UTF-8 character between two words */
		while (n < len && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			n = len < EW_RAW_MAX ? len : EW_RAW_MAX;
		u = (const unsigned char *)s;
		memcpy(word, "=?UTF-8?B?", 10);
		w = 10;
		for (i = 0; i < n; i += 3) {
			v = u[i] << 16;
			if (i + 1 < n)
				v |= u[i + 1] << 8;
			if (i + 2 < n)
				v |= u[i + 2];
			word[w++] = b64[(v >> 18) & 63];
			word[w++] = b64[(v >> 12) & 63];
			word[w++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
			word[w++] = i + 2 < n ? b64[v & 63] : '=';
		}
		word[w++] = '?';
		word[w++] = '=';
		hl_word(h, word, w);
		s += n;
		len -= n;
	}
}

/* Writes value as unstructured text: words as they are when plain ASCII,
 * else encoded words. */
static void
hl_text(struct hline *h, const char *value)
{
	const char *p, *e;

	if (!plain_ascii(value)) {
		hl_encoded(h, value, strlen(value));
		return;
	}
	for (p = value; *p; p = e) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = p;
		while (*e && *e != ' ')
			e++;
		hl_word(h, p, e - p);
	}
}

int
compose_header_text(struct buf *out, const char *name, const char *value)
{
	struct hline h;

	if (has_crlfnul(value) || !charset_utf8_valid((const unsigned char *)value,
	    strlen(value)))
		return -1;
	hl_start(&h, out, name);
	hl_text(&h, value);
	hl_end(&h);
	return 0;
}

int
compose_addr_valid(const char *addr)
{
	const char *at = NULL, *p;

	if (addr == NULL || *addr == '\0' || strlen(addr) > 254)
		return 0;
	for (p = addr; *p; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("<>,;:\"()[]\\", *p) != NULL)
			return 0;
		if (*p == '@') {
			if (at != NULL)
				return 0;
			at = p;
		}
	}
	return at != NULL && at != addr && at[1] != '\0' && at[1] != '.' &&
	    p[-1] != '.';
}

/* 1 when a display name needs no quoting: atext and spaces only. */
static int
name_is_atoms(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == ' ' ||
		    strchr("!#$%&'*+-/=?^_`{|}~", *s) != NULL))
			return 0;
	return 1;
}

static int
check_addr(const struct compose_addr *a, const char *field, char *err,
    size_t errlen)
{
	if (!compose_addr_valid(a->addr)) {
		snprintf(err, errlen, "bad address in %s", field);
		return -1;
	}
	if (a->name != NULL && (has_crlfnul(a->name) ||
	    !charset_utf8_valid((const unsigned char *)a->name, strlen(a->name)))) {
		snprintf(err, errlen, "bad display name in %s", field);
		return -1;
	}
	return 0;
}

static void
hl_addr(struct hline *h, const struct compose_addr *a)
{
	struct buf q = BUF_INIT;
	struct buf ang = BUF_INIT;
	const char *p;

	if (a->name != NULL && *a->name != '\0') {
		if (!plain_ascii(a->name))
			hl_encoded(h, a->name, strlen(a->name));
		else if (name_is_atoms(a->name))
			hl_text(h, a->name);
		else {
			buf_putc(&q, '"');
			for (p = a->name; *p; p++) {
				if (*p == '"' || *p == '\\')
					buf_putc(&q, '\\');
				buf_putc(&q, *p);
			}
			buf_putc(&q, '"');
			hl_word(h, q.s, q.len);
			buf_free(&q);
		}
		buf_printf(&ang, "<%s>", a->addr);
		hl_word(h, ang.s, ang.len);
		buf_free(&ang);
	} else
		hl_word(h, a->addr, strlen(a->addr));
}

static void
put_addrs(struct buf *out, const char *field, const struct compose_addr *a,
    size_t n)
{
	struct hline h;
	size_t i;

	hl_start(&h, out, field);
	for (i = 0; i < n; i++) {
		hl_addr(&h, &a[i]);
		if (i + 1 < n)
			hl_glue(&h, ",");
	}
	hl_end(&h);
}

/* Checks a list of message ids (space separated, brackets optional) and
 * writes them bracketed into a folded header.  -1 when one is bad. */
static int
put_ids(struct buf *out, const char *field, const char *ids, int max)
{
	struct hline h;
	struct buf id = BUF_INIT;
	const char *p, *e, *s;
	size_t n;
	int count = 0;

	if (has_crlfnul(ids))
		return -1;
	hl_start(&h, out, field);
	for (p = ids; *p; p = e) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		e = p;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		s = p;
		n = e - p;
		if (*s == '<') {
			if (n < 3 || s[n - 1] != '>')
				goto fail;
			s++;
			n -= 2;
		}
		if (n == 0 || memchr(s, '@', n) == NULL || n > 250)
			goto fail;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] <= 0x20 ||
			    (unsigned char)s[i] >= 0x7f ||
			    strchr("<>\"(),;:\\[]", s[i]) != NULL)
				goto fail;
		buf_reset(&id);
		buf_printf(&id, "<%.*s>", (int)n, s);
		hl_word(&h, id.s, id.len);
		if (++count > max)
			goto fail;
	}
	if (count == 0)
		goto fail;
	hl_end(&h);
	buf_free(&id);
	return 0;
fail:
	buf_free(&id);
	return -1;
}

void
compose_qp(struct buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	char tok[16];
	size_t i, tl, col = 0, n, k;
	unsigned c;
	int at_eol;

	for (i = 0; i < len; i++) {
		c = u[i];
		if (c == '\r' && i + 1 < len && u[i + 1] == '\n')
			continue;
		if (c == '\n') {
			buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		at_eol = i + 1 == len || u[i + 1] == '\n' ||
		    (u[i + 1] == '\r' && i + 2 < len && u[i + 2] == '\n');
		tl = 0;
		if ((c == ' ' || c == '\t') && !at_eol)
			tok[tl++] = c;
		else if (c > 32 && c < 127 && c != '=' &&
		    !(col == 0 && c == 'F' && len - i >= 5 &&
		    memcmp(s + i, "From ", 5) == 0))
			tok[tl++] = c;
		else if (c >= 0xc2 && c <= 0xf4) {
			/* keep one UTF-8 character on one line */
			n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
			if (i + n > len)
				n = len - i;
			for (k = 0; k < n; k++) {
				if (k > 0 && (u[i + k] & 0xc0) != 0x80)
					break;
				tok[tl++] = '=';
				tok[tl++] = hexd[u[i + k] >> 4];
				tok[tl++] = hexd[u[i + k] & 15];
			}
			i += k - 1;
		} else {
			tok[tl++] = '=';
			tok[tl++] = hexd[c >> 4];
			tok[tl++] = hexd[c & 15];
		}
		if (col + tl > LINE_MAX_QP - 1) {
			buf_puts(out, "=\r\n");
			col = 0;
		}
		buf_add(out, tok, tl);
		col += tl;
	}
	if (col > 0)
		buf_puts(out, "\r\n");
}

static void
put_date(struct buf *out, time_t t)
{
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	time_t local = t + 3 * 3600;

	/* Names spelt out here: strftime would follow a Turkish locale. */
	gmtime_r(&local, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0300\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
make_boundary(char out[40])
{
	unsigned char r[12];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		/* not secret, only unlikely to collide; "=_" does the rest */
		unsigned long x = (unsigned long)time(NULL) ^
		    ((unsigned long)getpid() << 16);
		for (i = 0; i < sizeof(r); i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			r[i] = x >> 56;
		}
	}
	memcpy(out, "=_nes_", 6);
	for (i = 0; i < sizeof(r); i++) {
		out[6 + 2 * i] = hexd[r[i] >> 4];
		out[7 + 2 * i] = hexd[r[i] & 15];
	}
	out[6 + 2 * sizeof(r)] = '\0';
}

static int
extra_ok(const struct compose_header *x)
{
	static const char *ours[] = { "from", "to", "cc", "bcc", "subject",
	    "date", "message-id", "in-reply-to", "references", "sender",
	    "reply-to", "mime-version", "auto-submitted",
	    "x-auto-response-suppress", "return-path", NULL };
	const char *p;
	size_t i;

	if (x->name == NULL || *x->name == '\0' || x->value == NULL)
		return 0;
	for (p = x->name; *p; p++)
		if ((unsigned char)*p <= 32 || (unsigned char)*p >= 127 ||
		    *p == ':')
			return 0;
	for (p = x->value; *p; p++)
		if ((unsigned char)*p < 32 || (unsigned char)*p >= 127)
			return 0;
	if (ascii_prefix_ci(x->name, "content-"))
		return 0;
	for (i = 0; ours[i] != NULL; i++)
		if (ascii_ieq(x->name, ours[i]))
			return 0;
	return 1;
}

static void
part_headers(struct buf *out, const char *type)
{
	buf_printf(out, "Content-Type: %s; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", type);
}

int
compose_build(const struct compose_msg *m, char **msg_r, size_t *len_r,
    char *err, size_t errlen)
{
	struct buf out = BUF_INIT;
	char boundary[40];
	size_t i;

	*msg_r = NULL;
	*len_r = 0;

	/* everything is checked before the first byte is written */
	if (check_addr(&m->from, "From", err, errlen) == -1)
		return -1;
	if (m->nto == 0) {
		snprintf(err, errlen, "no To address");
		return -1;
	}
	for (i = 0; i < m->nto; i++)
		if (check_addr(&m->to[i], "To", err, errlen) == -1)
			return -1;
	for (i = 0; i < m->ncc; i++)
		if (check_addr(&m->cc[i], "Cc", err, errlen) == -1)
			return -1;
	for (i = 0; i < m->nreply_to; i++)
		if (check_addr(&m->reply_to[i], "Reply-To", err, errlen) == -1)
			return -1;
	if (m->subject == NULL || has_crlfnul(m->subject)) {
		snprintf(err, errlen, "subject missing or contains CR/LF");
		return -1;
	}
	if (!charset_utf8_valid((const unsigned char *)m->subject,
	    strlen(m->subject))) {
		snprintf(err, errlen, "subject is not valid UTF-8");
		return -1;
	}
	if (m->text == NULL || !charset_utf8_valid((const unsigned char *)m->text,
	    strlen(m->text)) || (m->html != NULL && !charset_utf8_valid(
	    (const unsigned char *)m->html, strlen(m->html)))) {
		snprintf(err, errlen, "body missing or not valid UTF-8");
		return -1;
	}
	for (i = 0; i < m->nextra; i++)
		if (!extra_ok(&m->extra[i])) {
			snprintf(err, errlen, "bad extra header");
			return -1;
		}

	put_addrs(&out, "From", &m->from, 1);
	put_addrs(&out, "To", m->to, m->nto);
	if (m->ncc > 0)
		put_addrs(&out, "Cc", m->cc, m->ncc);
	if (m->nreply_to > 0)
		put_addrs(&out, "Reply-To", m->reply_to, m->nreply_to);
	compose_header_text(&out, "Subject", m->subject);
	put_date(&out, m->date);
	if (m->message_id == NULL ||
	    put_ids(&out, "Message-ID", m->message_id, 1) == -1) {
		snprintf(err, errlen, "bad Message-ID");
		goto fail;
	}
	if (m->in_reply_to != NULL && *m->in_reply_to != '\0' &&
	    put_ids(&out, "In-Reply-To", m->in_reply_to, 1) == -1) {
		snprintf(err, errlen, "bad In-Reply-To");
		goto fail;
	}
	if (m->references != NULL && *m->references != '\0' &&
	    put_ids(&out, "References", m->references, 100) == -1) {
		snprintf(err, errlen, "bad References");
		goto fail;
	}
	buf_puts(&out, "Auto-Submitted: auto-generated\r\n"
	    "X-Auto-Response-Suppress: All\r\n");
	for (i = 0; i < m->nextra; i++)
		buf_printf(&out, "%s: %s\r\n", m->extra[i].name,
		    m->extra[i].value);
	buf_puts(&out, "MIME-Version: 1.0\r\n");

	if (m->html == NULL) {
		part_headers(&out, "text/plain");
		compose_qp(&out, m->text, strlen(m->text));
	} else {
		make_boundary(boundary);
		buf_printf(&out, "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n\r\n"
		    "This is a MIME message in two forms.\r\n", boundary);
		buf_printf(&out, "\r\n--%s\r\n", boundary);
		part_headers(&out, "text/plain");
		compose_qp(&out, m->text, strlen(m->text));
		buf_printf(&out, "\r\n--%s\r\n", boundary);
		part_headers(&out, "text/html");
		compose_qp(&out, m->html, strlen(m->html));
		buf_printf(&out, "\r\n--%s--\r\n", boundary);
	}
	if (out.truncated) {
		snprintf(err, errlen, "message too large");
		goto fail;
	}
	*len_r = out.len;
	*msg_r = buf_steal(&out);
	return 0;
fail:
	buf_free(&out);
	return -1;
}
