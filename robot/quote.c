/* quote: fresh text, quoted history and forwarded originals; see quote.h.
 *
 * The text is walked line by line.  Most lines are ordinary sentences, so
 * a line is looked at closely (folded, compared with the words below) only
 * when a cheap test says it could be a boundary: it starts with '>', '-'
 * or '_', starts with a header word, or ends with ':'. */
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"
#include "fold.h"
#include "mem.h"
#include "quote.h"

struct line {
	const char	*start;	/* first byte of the line */
	const char	*s;	/* first byte after blanks and '*' markers */
	size_t		 len;	/* of s, trailing blanks cut */
	const char	*next;	/* the next line, or NULL */
};

enum boundary {
	B_NONE,
	B_QUOTED,	/* "> ..." */
	B_ATTRIB,	/* "... yazdı:" / "... wrote:" */
	B_FORWARD,	/* a banner that says forwarded */
	B_ORIGINAL,	/* a banner clients write for replies and forwards */
	B_HEADERS	/* a Kimden:/From: header block without a banner */
};

enum hkey { H_NONE, H_FROM, H_DATE, H_TO, H_CC, H_SUBJECT, H_OTHER };

/* Header words of quoted blocks, folded (ASCII form, lower case). */
static const struct {
	const char	*word;
	enum hkey	 key;
} hwords[] = {
	{ "from", H_FROM }, { "kimden", H_FROM }, { "gonderen", H_FROM },
	{ "date", H_DATE }, { "sent", H_DATE }, { "tarih", H_DATE },
	{ "gonderildi", H_DATE }, { "gonderim", H_DATE },
	{ "gonderim tarihi", H_DATE }, { "gonderilme tarihi", H_DATE },
	{ "gonderilenler", H_DATE },
	{ "to", H_TO }, { "kime", H_TO }, { "alici", H_TO },
	{ "alicilar", H_TO },
	{ "cc", H_CC }, { "bilgi", H_CC }, { "bilgi (cc)", H_CC },
	{ "subject", H_SUBJECT }, { "konu", H_SUBJECT },
	{ "reply-to", H_OTHER }, { "yanit adresi", H_OTHER },
	{ "importance", H_OTHER }, { "onem derecesi", H_OTHER },
};

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Reads the line at p; with unquote, one leading '>' is skipped too (an
 * original forwarded inside a quote, as Apple Mail writes it). */
static void
read_line_q(const char *p, struct line *l, int unquote)
{
	const char *e = p + strcspn(p, "\n");

	l->start = p;
	l->next = *e == '\n' ? e + 1 : NULL;
	while (p < e && is_blank((unsigned char)*p))
		p++;
	if (unquote && p < e && *p == '>')
		p++;
	while (p < e && (is_blank((unsigned char)*p) || *p == '*'))
		p++;
	/* A line of underscores or dashes alone keeps them. */
	l->s = p;
	while (e > p && (is_blank((unsigned char)e[-1]) || e[-1] == '*'))
		e--;
	l->len = (size_t)(e - p);
}

static void
read_line(const char *p, struct line *l)
{
	read_line_q(p, l, 0);
}

/* The folded copy of the first n bytes of s.  Caller frees. */
static char *
fold_n(const char *s, size_t n)
{
	char *c = xstrndup(s, n), *f = fold_str(c, FOLD_ASCII);

	free(c);
	return f ? f : xstrdup("");
}

static int
ends_with(const char *f, const char *w)
{
	size_t n = strlen(f), k = strlen(w);

	return n >= k && memcmp(f + n - k, w, k) == 0;
}

/* The header word of "Word: value" lines, or H_NONE; *val_r is the value
 * (in the original text). */
static enum hkey
header_word(const struct line *l, const char **val_r)
{
	const char *colon;
	char *f;
	size_t n, i;
	enum hkey k = H_NONE;

	if (l->len == 0 || l->len > 2000)
		return H_NONE;
	colon = memchr(l->s, ':', l->len);
	if (colon == NULL || colon == l->s || (size_t)(colon - l->s) > 24)
		return H_NONE;
	n = (size_t)(colon - l->s);
	while (n > 0 && (is_blank((unsigned char)l->s[n - 1]) ||
	    l->s[n - 1] == '*'))
		n--;
	f = fold_n(l->s, n);
	for (i = 0; i < sizeof hwords / sizeof hwords[0]; i++)
		if (strcmp(f, hwords[i].word) == 0) {
			k = hwords[i].key;
			break;
		}
	free(f);
	if (k != H_NONE && val_r != NULL) {
		const char *v = colon + 1;

		while (v < l->s + l->len && (is_blank((unsigned char)*v) ||
		    *v == '*'))
			v++;
		*val_r = v;
	}
	return k;
}

/* A "From:"/"Kimden:" line followed, within three lines, by another
 * header word: a header block, not a sentence that starts "From:". */
static int
header_block_starts(const struct line *l)
{
	struct line n;
	const char *p = l->next;
	int k;

	if (header_word(l, NULL) != H_FROM)
		return 0;
	for (k = 0; k < 3 && p != NULL; k++) {
		read_line(p, &n);
		if (n.len == 0)
			return 0;
		if (header_word(&n, NULL) != H_NONE)
			return 1;
		p = n.next;
	}
	return 0;
}

/* "-----Original Message-----", "-------- İletilen İleti --------",
 * "________________", and the banners that end in ':' ("Begin forwarded
 * message:"): only those, since a sentence may end in ':' too. */
static enum boundary
banner(const struct line *l)
{
	/* Apple Mail writes "İletilen ileti başlangıcı:" in Turkish. */
	static const char *const colon_banners[] = {
		"forwarded message", "yonlendirilen ileti",
		"yonlendirilen e-posta", "yonlendirilmis ileti",
		"iletilen ileti", "iletilen mesaj", NULL
	};
	enum boundary b = B_NONE;
	char *f;
	size_t i;

	if (l->len >= 10 && strspn(l->s, "_") >= 10)
		return B_ORIGINAL;
	if (l->len >= 6 && l->s[0] == '-' && l->s[1] == '-' &&
	    l->s[l->len - 1] == '-' && l->s[l->len - 2] == '-') {
		for (i = 0; i < l->len; i++)
			if (l->s[i] != '-' && l->s[i] != ' ')
				break;
		if (i == l->len)
			return B_NONE;	/* a rule of dashes: no banner */
		f = fold_n(l->s, l->len);
		b = strstr(f, "forward") || strstr(f, "iletilen") ||
		    strstr(f, "iletilmis") || strstr(f, "yonlendir") ?
		    B_FORWARD : B_ORIGINAL;
		free(f);
		return b;
	}
	if (l->len < 8 || l->len > 60 || l->s[l->len - 1] != ':')
		return B_NONE;
	f = fold_n(l->s, l->len);
	for (i = 0; colon_banners[i]; i++)
		if (strstr(f, colon_banners[i]) != NULL)
			b = B_FORWARD;
	free(f);
	return b;
}

static int
is_attribution(const struct line *l)
{
	char *f;
	int r;

	if (l->len < 6 || l->s[l->len - 1] != ':')
		return 0;
	f = fold_n(l->s, l->len);
	r = ends_with(f, "yazdi:") || ends_with(f, "wrote:") ||
	    ends_with(f, "a ecrit :") || ends_with(f, "a ecrit:") ||
	    ends_with(f, "schrieb:");
	free(f);
	return r;
}

/* Could l be the first half of a wrapped attribution ("... tarihinde
 * şunu" / "yazdı:")? */
static int
attribution_head(const struct line *l)
{
	char *f;
	int r;

	if (l->len == 0)
		return 0;
	f = fold_n(l->s, l->len);
	r = strstr(f, "tarihinde") != NULL || strncmp(f, "on ", 3) == 0 ||
	    memchr(l->s, '@', l->len) != NULL;
	free(f);
	return r;
}

/* The cheap test: only such lines are looked at closely. */
static int
maybe_boundary(const struct line *l)
{
	unsigned char c = l->len ? (unsigned char)l->s[0] : 0;

	return c == '>' || c == '-' || c == '_' || (l->len &&
	    (l->s[l->len - 1] == ':' || memchr(l->s, ':', l->len < 26 ?
	    l->len : 26) != NULL));
}

static enum boundary
classify(const struct line *l)
{
	enum boundary b;

	if (!maybe_boundary(l))
		return B_NONE;
	if (l->s[0] == '>')
		return B_QUOTED;
	if ((b = banner(l)) != B_NONE)
		return b;
	if (is_attribution(l))
		return B_ATTRIB;
	if (header_block_starts(l))
		return B_HEADERS;
	return B_NONE;
}

/* The first non-blank line from p, or NULL. */
static const char *
next_nonblank(const char *p, struct line *l)
{
	while (p != NULL) {
		read_line(p, l);
		if (l->len > 0)
			return p;
		p = l->next;
	}
	return NULL;
}

/* "> Begin forwarded message:": a forward inside a quote. */
static int
quoted_forward(const struct line *l)
{
	struct line u;

	read_line_q(l->start, &u, 1);
	return u.len > 0 && u.s[0] != '>' && banner(&u) == B_FORWARD;
}

static const char *header_block(const char *, struct quote_orig *, int);

/* Where the text below a banner or header block at p starts. */
static const char *
past_block(const char *p, enum boundary b)
{
	struct quote_orig o;
	struct line n;
	const char *body = b == B_HEADERS ? p : NULL;

	if (b != B_HEADERS) {
		read_line(p, &n);
		body = next_nonblank(n.next, &n);
		if (body == NULL || header_word(&n, NULL) == H_NONE)
			return body;
	}
	memset(&o, 0, sizeof o);
	body = header_block(body, &o, 0);
	free(o.from);
	free(o.to);
	free(o.subject);
	free(o.date);
	return body;
}

char *
quote_fresh_text(const char *text)
{
	struct buf out = BUF_INIT;
	struct line l, n, prev = { NULL, NULL, 0, NULL };
	const char *p;
	size_t prev_at = 0;
	int cut = 0;

	if (text == NULL)
		return xstrdup("");
	for (p = text; p != NULL; prev = l, p = l.next) {
		enum boundary b;
		size_t at = out.len;

		read_line(p, &l);
		b = classify(&l);
		if (b == B_QUOTED) {
			cut = 1;
			continue;
		}
		if (b == B_ATTRIB) {
			cut = 1;
			/* A wrapped attribution: its head is not fresh. */
			if (prev.s != NULL && attribution_head(&prev)) {
				out.len = prev_at;
				if (out.s)
					out.s[out.len] = '\0';
			}
			/* Quoted lines follow: a reply may go on below them
			 * (bottom-posting).  Otherwise the history follows
			 * unmarked (HTML mail turned into text). */
			if (next_nonblank(l.next, &n) != NULL && n.s[0] == '>')
				continue;
			break;
		}
		if (b != B_NONE) {
			const char *body = past_block(p, b);

			cut = 1;
			/* The original quoted line by line under its block
			 * (Zimbra, Outlook Express): a reply may go on below
			 * it. */
			if (body != NULL && next_nonblank(body, &n) != NULL &&
			    n.s[0] == '>') {
				l.next = body;
				continue;
			}
			break;
		}
		prev_at = at;
		buf_add(&out, l.start, l.next ? (size_t)(l.next - l.start) :
		    strlen(l.start));
	}
	if (!cut) {
		buf_free(&out);
		return xstrdup(text);
	}
	while (out.len > 0 && (out.s[out.len - 1] == '\n' ||
	    is_blank((unsigned char)out.s[out.len - 1])))
		out.len--;
	if (out.s)
		out.s[out.len] = '\0';
	/* A bottom-posted reply starts after the quote's blank line. */
	if (out.s) {
		size_t lead = strspn(out.s, "\n\r");

		memmove(out.s, out.s + lead, out.len - lead + 1);
		out.len -= lead;
	}
	return buf_steal(&out);
}

static int
addr_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	    c == '+' || c == '%';
}

char *
quote_addrs(const char *s)
{
	struct buf b = BUF_INIT;
	const char *at;

	for (at = s ? strchr(s, '@') : NULL; at != NULL;
	    at = strchr(at + 1, '@')) {
		const char *a = at, *e = at + 1;
		char *one;

		while (a > s && addr_char((unsigned char)a[-1]) && a[-1] != '.')
			a--;
		while (a > s && addr_char((unsigned char)a[-1]))
			a--;
		while (addr_char((unsigned char)*e))
			e++;
		while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
			e--;
		if (a == at || e == at + 1 || memchr(at + 1, '.',
		    (size_t)(e - at - 1)) == NULL)
			continue;
		one = xstrndup(a, (size_t)(e - a));
		ascii_lower_str(one);
		/* Each address once. */
		if (b.len == 0 || !strstr(buf_str(&b), one))
			buf_printf(&b, "%s%s", b.len ? ", " : "", one);
		free(one);
	}
	return b.len ? buf_steal(&b) : NULL;
}

static void
set_field(char **f, const char *v, size_t n)
{
	if (*f == NULL)
		*f = xstrndup(v, n);
}

static void
append_field(char **f, const char *v, size_t n)
{
	struct buf b = BUF_INIT;

	if (*f == NULL) {
		*f = xstrndup(v, n);
		return;
	}
	buf_printf(&b, "%s ", *f);
	buf_add(&b, v, n);
	free(*f);
	*f = buf_steal(&b);
}

/* Reads the header block at p into o; returns where its text begins. */
static const char *
header_block(const char *p, struct quote_orig *o, int unquote)
{
	struct line l;
	char **last = NULL;
	int keys = 0, cont = 0;

	while (p != NULL) {
		const char *v = NULL;
		enum hkey k;

		read_line_q(p, &l, unquote);
		if (l.len == 0)
			return l.next;	/* the blank line ends the block */
		k = header_word(&l, &v);
		if (k == H_NONE) {
			/* A wrapped value (long To lists), at most three
			 * lines; else the text has begun. */
			if (keys == 0 || last == NULL || ++cont > 3)
				return p;
			append_field(last, l.s, l.len);
			p = l.next;
			continue;
		}
		keys++;
		cont = 0;
		last = NULL;
		switch (k) {
		case H_FROM:
			set_field(&o->from, v, (size_t)(l.s + l.len - v));
			last = &o->from;
			break;
		case H_DATE:
			set_field(&o->date, v, (size_t)(l.s + l.len - v));
			break;
		case H_TO:
		case H_CC:
			append_field(&o->to, v, (size_t)(l.s + l.len - v));
			last = &o->to;
			break;
		case H_SUBJECT:
			set_field(&o->subject, v, (size_t)(l.s + l.len - v));
			last = &o->subject;
			break;
		default:
			break;
		}
		p = l.next;
	}
	return NULL;
}

static void
push(struct quote *q, const struct quote_orig *o)
{
	q->orig = xrealloc(q->orig, (q->norig + 1) * sizeof *q->orig);
	q->orig[q->norig++] = *o;
}

void
quote_parse(const char *text, int forward_hint, struct quote *q)
{
	struct line l, prev = { NULL, NULL, 0, NULL }, n;
	const char *p, *body;

	memset(q, 0, sizeof *q);
	if (text == NULL)
		return;
	for (p = text; p != NULL; prev = l, p = l.next) {
		struct quote_orig o;
		enum boundary b;

		read_line(p, &l);
		b = classify(&l);
		if (b == B_QUOTED && quoted_forward(&l))
			b = B_FORWARD;
		if (b == B_NONE || b == B_QUOTED)
			continue;
		memset(&o, 0, sizeof o);
		o.start = (size_t)(l.start - text);
		if (b == B_ATTRIB) {
			struct buf a = BUF_INIT;

			o.kind = QUOTE_REPLY;
			if (prev.s != NULL && attribution_head(&prev)) {
				o.start = (size_t)(prev.start - text);
				buf_add(&a, prev.s, prev.len);
				buf_putc(&a, ' ');
			}
			buf_add(&a, l.s, l.len);
			o.from = buf_steal(&a);
			o.from_addr = quote_addrs(o.from);
			o.body = l.next ? (size_t)(l.next - text) : strlen(text);
			push(q, &o);
			continue;
		}
		o.kind = b == B_FORWARD || forward_hint ? QUOTE_FORWARD :
		    QUOTE_REPLY;
		body = b == B_HEADERS ? p : l.next;
		if (b != B_HEADERS && (body = next_nonblank(body, &n)) !=
		    NULL && n.s[0] == '>') {
			/* The original in a quote under its banner. */
			read_line_q(body, &n, 1);
			o.quoted = 1;
		}
		if (b != B_HEADERS && body != NULL &&
		    header_word(&n, NULL) == H_NONE)
			body = l.next;	/* a banner without a block */
		else if (body != NULL)
			body = header_block(body, &o, o.quoted);
		o.body = body ? (size_t)(body - text) : strlen(text);
		if (o.from)
			o.from_addr = quote_addrs(o.from);
		if (o.to)
			o.to_addrs = quote_addrs(o.to);
		push(q, &o);
		if (body == NULL)
			break;
		/* Go on inside the original: it may forward another. */
		l.next = body;
		l.s = NULL;
	}
}

char *
quote_unquote(const char *text)
{
	struct buf b = BUF_INIT;
	const char *p = text;

	while (p != NULL && *p) {
		const char *e = p + strcspn(p, "\n");
		const char *s = p;

		while (s < e && is_blank((unsigned char)*s))
			s++;
		if (s < e && *s == '>') {
			s++;
			if (s < e && *s == ' ')
				s++;
		} else
			s = p;
		buf_add(&b, s, (size_t)(e - s));
		buf_putc(&b, '\n');
		p = *e ? e + 1 : e;
	}
	return buf_steal(&b);
}

void
quote_free(struct quote *q)
{
	for (size_t i = 0; i < q->norig; i++) {
		struct quote_orig *o = &q->orig[i];

		free(o->from);
		free(o->from_addr);
		free(o->to);
		free(o->to_addrs);
		free(o->subject);
		free(o->date);
	}
	free(q->orig);
	memset(q, 0, sizeof *q);
}

/* The prefix words of a subject, folded, each handed to fn until it says
 * stop; 1 when fn said yes. */
static int
subject_prefixes(const char *subject, const char *const *yes,
    const char *const *no)
{
	const char *p = subject;
	int found = 0;

	for (int guard = 0; p != NULL && guard < 8; guard++) {
		const char *colon;
		char *f;
		size_t n, i;
		int known = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if ((colon = strchr(p, ':')) == NULL || colon - p > 12 ||
		    colon == p)
			break;
		n = (size_t)(colon - p);
		f = fold_n(p, n);
		/* "Re[2]", "FW " */
		for (i = strlen(f); i > 0 && (f[i - 1] == ' ' ||
		    f[i - 1] == ']' || (f[i - 1] >= '0' && f[i - 1] <= '9') ||
		    f[i - 1] == '['); i--)
			f[i - 1] = '\0';
		for (i = 0; yes[i]; i++)
			if (strcmp(f, yes[i]) == 0)
				found = known = 1;
		for (i = 0; no[i]; i++)
			if (strcmp(f, no[i]) == 0)
				known = 1;
		free(f);
		if (!known || found)
			break;
		p = colon + 1;
	}
	return found;
}

static const char *const fwd_words[] = {
	"fwd", "fw", "ilt", "tr", "ynl", "iletilen", "wg", "enc", NULL
};
static const char *const re_words[] = {
	"re", "ynt", "yanit", "cevap", "cvp", "aw", "sv", NULL
};

int
quote_subject_is_forward(const char *subject)
{
	return subject != NULL && subject_prefixes(subject, fwd_words,
	    re_words);
}

int
quote_subject_is_reply(const char *subject)
{
	return subject != NULL && subject_prefixes(subject, re_words,
	    fwd_words);
}
