/* imap_body: one message's BODYSTRUCTURE, the parts to ask for, and the
 * message put back together from them; see imap_int.h.
 *
 * RFC 3501 section 6.4.5 (part numbers, HEADER, MIME, TEXT, partial
 * <origin.octets>) and 7.4.2 (BODYSTRUCTURE), RFC 2046 section 5.1.1 (the
 * delimiter lines: a part's body ends before the CRLF that precedes the
 * next delimiter), RFC 2045 section 6.8 (base64 lines).
 *
 * The decoded size of a part left out is worked out from its two ends.
 * RFC 3516's BINARY.SIZE would say it, but Dovecot 2.3.19 answers it
 * wrong for some parts (98,977 for a picture of 100,000 bytes, whose
 * BINARY[] is right), so the robot asks for the first and the last
 * IMAPB_END bytes of the part's base64 instead: with the length of its
 * first line, the lines its last bytes end, and its size in octets from
 * BODYSTRUCTURE, the letters are counted as the decoder counts them
 * (mime.c, b64_size), provided every line but the last has the first
 * line's length, as every encoder writes them.  When the ends do not
 * bear that out, the message is fetched whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap_int.h"
#include "mem.h"

/* What is fetched in parts at all: deeper or larger structures come whole,
 * as before, and the MIME reader's own limits ([limits] max_depth,
 * max_parts) judge them. */
#define IMAPB_MAX_DEPTH		16
#define IMAPB_MAX_NODES		128
#define IMAPB_SECTION		64
#define IMAPB_END		128	/* bytes of each end of a hole */

enum node_kind { NODE_LEAF, NODE_MULTI, NODE_MESSAGE };

struct node {
	enum node_kind	 kind;
	char		 section[IMAPB_SECTION];	/* "" for the top */
	int		 next;		/* next sibling, or -1 */
	int		 first;		/* MULTI: first child, or -1 */
	int		 hole;		/* left out: only its size is asked */
	char		*boundary;	/* MULTI */
	size_t		 octets;	/* a hole's size in BODYSTRUCTURE */
	/* What was fetched: the MIME header (every node but the top), the
	 * body (leaves and messages that are no holes), a hole's two ends
	 * (the body holds its first bytes, head its last). */
	char		*mime;
	size_t		 mime_len;
	char		*body;
	size_t		 body_len;
	char		*tail;
	size_t		 tail_len;
	int		 have_mime, have_body, have_tail;
};

struct imapb {
	struct node	*n;
	size_t		 nn;
	size_t		 nholes;
};

/* The strings of one leaf while leave_out looks at it. */
struct leaf_strs {
	char	*type, *subtype, *encoding, *disposition;
	char	*param[64], *dparam[64];
	size_t	 nparam, ndparam;
};

/* ASCII case-insensitive equality (strcasecmp follows the locale). */
static int
ascii_lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

static int
ascii_is(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lc((unsigned char)*a) != ascii_lc((unsigned char)*b))
			return 0;
	return *a == *b;
}

static char *
str_of(const struct imapr_val *v, int lower)
{
	char *s;

	if (v == NULL || (v->type != IMAPR_STRING && v->type != IMAPR_ATOM))
		return NULL;
	s = xstrndup(v->s, v->len);
	if (lower)
		for (char *p = s; *p; p++)
			*p = (char)ascii_lc((unsigned char)*p);
	return s;
}

/* The pairs of a parameter list ("(" name value ... ")" or NIL) into
 * out (at most max strings). */
static size_t
params(const struct imapr_fetch *f, const struct imapr_val *v, char **out,
    size_t max)
{
	size_t n = 0;

	for (int i = 0; n + 2 <= max; i += 2) {
		const struct imapr_val *k = imapr_elem(f, v, i);
		const struct imapr_val *val = imapr_elem(f, v, i + 1);

		if (k == NULL || val == NULL)
			break;
		out[n++] = str_of(k, 0);
		out[n++] = str_of(val, 0);
		if (out[n - 2] == NULL || out[n - 1] == NULL)
			break;
	}
	return n;
}

static void
leaf_free(struct leaf_strs *l)
{
	free(l->type);
	free(l->subtype);
	free(l->encoding);
	free(l->disposition);
	for (size_t i = 0; i < l->nparam; i++)
		free(l->param[i]);
	for (size_t i = 0; i < l->ndparam; i++)
		free(l->dparam[i]);
}

/* Whether leaf v (a one-part body, RFC 3501 body-type-1part) is a hole:
 * base64, large enough, and one the caller leaves out. */
static int
is_hole(const struct imapr_fetch *f, const struct imapr_val *v,
    const struct imap_fetch_fns *fns, size_t *octets_r)
{
	struct leaf_strs l;
	struct imap_part p;
	const struct imapr_val *dsp;
	uint64_t octets;
	int ext, hole = 0;

	memset(&l, 0, sizeof l);
	memset(&p, 0, sizeof p);
	l.encoding = str_of(imapr_elem(f, v, 5), 1);
	if (l.encoding == NULL || strcmp(l.encoding, "base64") != 0 ||
	    imapr_number(imapr_elem(f, v, 6), &octets) == -1 ||
	    octets < IMAP_HOLE_MIN)
		goto out;
	l.type = str_of(imapr_elem(f, v, 0), 1);
	l.subtype = str_of(imapr_elem(f, v, 1), 1);
	l.nparam = params(f, imapr_elem(f, v, 2), l.param,
	    sizeof l.param / sizeof l.param[0]);
	/* The extension data starts after the lines of a text part and
	 * after envelope, body and lines of a message/rfc822 (never a
	 * hole). */
	ext = l.type != NULL && strcmp(l.type, "text") == 0 ? 8 : 7;
	dsp = imapr_elem(f, v, ext + 1);
	if (dsp != NULL && dsp->type == IMAPR_LIST) {
		l.disposition = str_of(imapr_elem(f, dsp, 0), 1);
		l.ndparam = params(f, imapr_elem(f, dsp, 1), l.dparam,
		    sizeof l.dparam / sizeof l.dparam[0]);
	}
	p.type = l.type;
	p.subtype = l.subtype;
	p.encoding = l.encoding;
	p.octets = (size_t)octets;
	p.param = (const char *const *)l.param;
	p.nparam = l.nparam / 2;
	p.disposition = l.disposition;
	p.dparam = (const char *const *)l.dparam;
	p.ndparam = l.ndparam / 2;
	hole = fns->leave_out(fns->ctx, &p) == 1;
	*octets_r = (size_t)octets;
out:
	leaf_free(&l);
	return hole;
}

static int
new_node(struct imapb *b, enum node_kind kind, const char *section)
{
	struct node *n;

	if (b->nn >= IMAPB_MAX_NODES)
		return -1;
	n = &b->n[b->nn];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->next = n->first = -1;
	snprintf(n->section, sizeof n->section, "%s", section);
	return (int)b->nn++;
}

static int walk(struct imapb *, const struct imapr_fetch *,
    const struct imapr_val *, const char *, int,
    const struct imap_fetch_fns *);

/* A multipart (RFC 3501 body-type-mpart): its parts, then its subtype
 * and its parameters, where the boundary is. */
static int
multi(struct imapb *b, const struct imapr_fetch *f, const struct imapr_val *v,
    const char *section, int depth, const struct imap_fetch_fns *fns)
{
	char child[IMAPB_SECTION], *ps[64];
	const struct imapr_val *e;
	int self, c, prev = -1, i;
	size_t np;

	if ((self = new_node(b, NODE_MULTI, section)) < 0)
		return -1;
	for (i = 0; (e = imapr_elem(f, v, i)) != NULL && e->type == IMAPR_LIST;
	    i++) {
		if ((size_t)snprintf(child, sizeof child, "%s%s%d", section,
		    *section ? "." : "", i + 1) >= sizeof child)
			return -1;
		if ((c = walk(b, f, e, child, depth + 1, fns)) < 0)
			return -1;
		if (prev < 0)
			b->n[self].first = c;
		else
			b->n[prev].next = c;
		prev = c;
	}
	if (prev < 0)
		return -1;
	/* e is the subtype; the parameters follow it. */
	np = params(f, imapr_elem(f, v, i + 1), ps, sizeof ps / sizeof ps[0]);
	for (size_t k = 0; k + 1 < np; k += 2)
		if (b->n[self].boundary == NULL && ps[k] != NULL &&
		    ascii_is(ps[k], "boundary") && ps[k + 1] != NULL &&
		    *ps[k + 1] != '\0' && strpbrk(ps[k + 1], "\r\n") == NULL)
			b->n[self].boundary = xstrdup(ps[k + 1]);
	for (size_t k = 0; k < np; k++)
		free(ps[k]);
	return b->n[self].boundary != NULL ? self : -1;
}

static int
walk(struct imapb *b, const struct imapr_fetch *f, const struct imapr_val *v,
    const char *section, int depth, const struct imap_fetch_fns *fns)
{
	const struct imapr_val *e0;
	int self;

	if (v == NULL || v->type != IMAPR_LIST || depth > IMAPB_MAX_DEPTH)
		return -1;
	e0 = imapr_elem(f, v, 0);
	if (e0 != NULL && e0->type == IMAPR_LIST)
		return multi(b, f, v, section, depth, fns);
	/* A message/rfc822 part is fetched whole, what it holds too: its
	 * own part numbers are not needed. */
	if (imapr_is(e0, "message") && imapr_is(imapr_elem(f, v, 1), "rfc822"))
		return new_node(b, NODE_MESSAGE, section);
	if ((self = new_node(b, NODE_LEAF, section)) < 0)
		return -1;
	if ((b->n[self].hole = is_hole(f, v, fns, &b->n[self].octets)))
		b->nholes++;
	return self;
}

struct imapb *
imapb_parse(const struct imapr_fetch *f, const struct imapr_val *bs,
    const struct imap_fetch_fns *fns)
{
	struct imapb *b = xcalloc(1, sizeof *b);
	const struct imapr_val *e0 = imapr_elem(f, bs, 0);

	b->n = xcalloc(IMAPB_MAX_NODES, sizeof *b->n);
	/* The top: a multipart's parts are 1, 2, ...; a message of one part
	 * has that part as 1. */
	if ((e0 != NULL && e0->type == IMAPR_LIST ? walk(b, f, bs, "", 0,
	    fns) : walk(b, f, bs, "1", 0, fns)) != 0) {
		imapb_free(&b);
		return NULL;
	}
	return b;
}

size_t
imapb_nholes(const struct imapb *b)
{
	return b->nholes;
}

void
imapb_items(const struct imapb *b, struct buf *cmd)
{
	for (size_t i = 0; i < b->nn; i++) {
		const struct node *n = &b->n[i];

		if (n->section[0] == '\0')
			continue;	/* the top: its header comes apart */
		/* A one-part message's part 1 has the message's header. */
		if (i > 0)
			buf_printf(cmd, " BODY.PEEK[%s.MIME]", n->section);
		if (n->hole)
			buf_printf(cmd, " BODY.PEEK[%s]<0.%d> BODY.PEEK[%s]<%zu.%d>",
			    n->section, IMAPB_END, n->section,
			    n->octets - IMAPB_END, IMAPB_END);
		else if (n->kind != NODE_MULTI)
			buf_printf(cmd, " BODY.PEEK[%s]", n->section);
	}
}

/* Keeps the value of data item key in *s_r.  Returns 1 when the
 * response had it. */
static int
keep(const struct imapr_fetch *f, const char *key, char **s_r, size_t *len_r)
{
	const struct imapr_val *v;

	if ((v = imapr_get(f, key)) == NULL)
		return 0;
	free(*s_r);
	*s_r = v->type == IMAPR_NIL ? xstrdup("") : xstrndup(v->s, v->len);
	*len_r = v->type == IMAPR_NIL ? 0 : v->len;
	return 1;
}

int
imapb_take(struct imapb *b, const struct imapr_fetch *f)
{
	char key[IMAPB_SECTION + 48];
	int all = 1;

	for (size_t i = 0; i < b->nn; i++) {
		struct node *n = &b->n[i];

		if (n->section[0] == '\0')
			continue;
		if (i > 0 && !n->have_mime) {
			snprintf(key, sizeof key, "BODY[%s.MIME]", n->section);
			n->have_mime = keep(f, key, &n->mime, &n->mime_len);
		}
		if (n->hole && !n->have_body) {
			snprintf(key, sizeof key, "BODY[%s]<0>", n->section);
			n->have_body = keep(f, key, &n->body, &n->body_len);
		}
		if (n->hole && !n->have_tail) {
			snprintf(key, sizeof key, "BODY[%s]<%zu>", n->section,
			    n->octets - IMAPB_END);
			n->have_tail = keep(f, key, &n->tail, &n->tail_len);
		}
		if (!n->hole && n->kind != NODE_MULTI && !n->have_body) {
			snprintf(key, sizeof key, "BODY[%s]", n->section);
			n->have_body = keep(f, key, &n->body, &n->body_len);
		}
		if ((i > 0 && !n->have_mime) || (n->hole && !n->have_tail) ||
		    (n->kind != NODE_MULTI && !n->have_body))
			all = 0;
	}
	return all;
}

/* The letters of a base64 line as the decoder counts them: without the
 * white space, CR and '=' it ends in. */
static size_t
letters(const char *p, const char *e)
{
	while (e > p && (e[-1] == '\r' || e[-1] == '=' || e[-1] == ' ' ||
	    e[-1] == '\t'))
		e--;
	return (size_t)(e - p);
}

/* The decoded size of hole n from its two ends (see the top of the
 * file).  0 and the size, or -1 when its lines are not all alike. */
static int
hole_size(const struct node *n, size_t *size_r)
{
	const char *h = n->body, *t = n->tail, *nl, *p, *e;
	size_t width, line, eol, start, total;

	if (n->body_len != IMAPB_END || n->tail_len != IMAPB_END ||
	    n->octets < 2 * IMAPB_END)
		return -1;
	/* The first line: its letters and its line break. */
	if ((nl = memchr(h, '\n', IMAPB_END)) == NULL || nl == h)
		return -1;
	eol = nl[-1] == '\r' ? 2 : 1;
	line = (size_t)(nl - h) + 1 - eol;
	width = line + eol;
	if (letters(h, nl) != line)
		return -1;	/* a first line ending in '=' */
	/* Its second line, when it ends inside the head, is as long. */
	if ((p = memchr(nl + 1, '\n', (size_t)(h + IMAPB_END - nl - 1))) !=
	    NULL && (size_t)(p - nl) != width)
		return -1;
	/* The tail from its first whole line on is counted as it is; what
	 * comes before it must be whole lines of that width. */
	if ((nl = memchr(t, '\n', IMAPB_END)) == NULL)
		return -1;
	if (eol == 2 && (nl == t || nl[-1] != '\r'))
		return -1;
	start = n->octets - IMAPB_END + (size_t)(nl - t) + 1;
	if (start % width != 0)
		return -1;
	total = start / width * line;
	for (p = nl + 1, e = t + IMAPB_END; p < e; ) {
		const char *q = memchr(p, '\n', (size_t)(e - p));
		const char *end = q != NULL ? q : e;

		/* A whole line before the last has the first one's width. */
		if (q != NULL && q + 1 < e && letters(p, end) != 0 &&
		    (size_t)(q - p) + 1 != width)
			return -1;
		total += letters(p, end);
		p = q != NULL ? q + 1 : e;
	}
	*size_r = total / 4 * 3 + (total % 4 > 1 ? total % 4 - 1 : 0);
	return 0;
}

/* The body of node i between its delimiters: a multipart's parts, each
 * after a delimiter line and its MIME header, then the close delimiter. */
static void
emit(const struct imapb *b, int i, struct buf *out)
{
	const struct node *n = &b->n[i];

	if (n->kind != NODE_MULTI) {
		if (!n->hole)
			buf_add(out, n->body, n->body_len);
		return;
	}
	for (int c = n->first; c >= 0; c = b->n[c].next) {
		buf_printf(out, "--%s\r\n", n->boundary);
		buf_add(out, b->n[c].mime, b->n[c].mime_len);
		emit(b, c, out);
		buf_puts(out, "\r\n");
	}
	buf_printf(out, "--%s--\r\n", n->boundary);
}

char *
imapb_assemble(const struct imapb *b, const char *hdr, size_t hlen,
    size_t *len_r, struct imap_hole **holes_r, size_t *nholes_r)
{
	struct buf out = BUF_INIT;
	struct imap_hole *h;
	size_t k = 0, size;

	h = xcalloc(b->nholes ? b->nholes : 1, sizeof *h);
	for (size_t i = 0; i < b->nn; i++) {
		if (!b->n[i].hole)
			continue;
		if (hole_size(&b->n[i], &size) == -1) {
			imap_holes_free(h, k);
			return NULL;
		}
		h[k].section = xstrdup(b->n[i].section);
		h[k++].size = size;
	}
	buf_add(&out, hdr, hlen);
	emit(b, 0, &out);
	*holes_r = h;
	*nholes_r = k;
	*len_r = out.len;
	return buf_steal(&out);
}

void
imapb_free(struct imapb **bp)
{
	struct imapb *b = *bp;

	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nn; i++) {
		free(b->n[i].boundary);
		free(b->n[i].mime);
		free(b->n[i].body);
		free(b->n[i].tail);
	}
	free(b->n);
	free(b);
	*bp = NULL;
}

void
imap_holes_free(struct imap_hole *holes, size_t n)
{
	for (size_t i = 0; i < n && holes != NULL; i++)
		free(holes[i].section);
	free(holes);
}
