/* mime_scan: the shape of a message's MIME structure, measured on its raw
 * bytes before libetpan parses it; see mime_int.h.
 *
 * RFC 2046 section 5 (multipart delimiters, message/rfc822, the
 * message/rfc822 default of multipart/digest).
 *
 * libetpan's parser recurses once per level of nesting and cannot be
 * stopped part way: 50,000 nested message/rfc822 parts (2.2 MB) overflow
 * its stack, and deeply nested multiparts cost it minutes.  This scan is
 * iterative, keeps one frame per open multipart and stops as soon as the
 * message is deeper or has more parts than the limits: a message over
 * them is never handed to libetpan.  It reads header blocks only where a
 * part starts, and of the bodies only the lines that begin with "--",
 * found with memmem. */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "mime_int.h"

#define BOUNDARY_MAX	256	/* bytes of a boundary compared */

enum kind { KIND_LEAF, KIND_MULTI, KIND_MESSAGE };

/* An open multipart. */
struct frame {
	char	 bd[BOUNDARY_MAX];
	size_t	 bdlen;
	int	 depth;		/* the multipart's own */
	int	 digest;	/* parts default to message/rfc822 */
};

static int
ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips white space and (comments) in [p, e). */
static const char *
skip_cfws(const char *p, const char *e)
{
	int level;

	for (;;) {
		while (p < e && ws(*p))
			p++;
		if (p >= e || *p != '(')
			return p;
		for (level = 0; p < e; p++) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '(')
				level++;
			else if (*p == ')' && --level == 0) {
				p++;
				break;
			}
		}
	}
}

/* A token of [p, e) (up to white space, '/', ';', '=' or a quote): its
 * end. */
static const char *
token_end(const char *p, const char *e)
{
	while (p < e && !ws(*p) && *p != '/' && *p != ';' && *p != '=' &&
	    *p != '"' && *p != '(')
		p++;
	return p;
}

static int
token_is(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) == n && ascii_ieqn(p, word, n);
}

/* What the Content-Type value v (n raw bytes) makes of an entity; a
 * multipart's boundary into f. */
static enum kind
content_kind(const char *v, size_t n, struct frame *f)
{
	const char *p = v, *e = v + n, *t, *te, *st, *ste, *nm, *nme;
	int multi, message;

	t = skip_cfws(p, e);
	te = token_end(t, e);
	p = skip_cfws(te, e);
	if (p >= e || *p != '/')
		return KIND_LEAF;
	st = skip_cfws(p + 1, e);
	ste = token_end(st, e);
	multi = token_is(t, te, "multipart");
	message = token_is(t, te, "message") && token_is(st, ste, "rfc822");
	if (message)
		return KIND_MESSAGE;
	if (!multi)
		return KIND_LEAF;
	f->digest = token_is(st, ste, "digest");
	f->bdlen = 0;
	for (p = ste; ; ) {
		p = skip_cfws(p, e);
		if (p >= e || *p != ';')
			break;
		nm = skip_cfws(p + 1, e);
		nme = token_end(nm, e);
		p = skip_cfws(nme, e);
		if (p >= e || *p != '=')
			continue;
		p = skip_cfws(p + 1, e);
		if (!token_is(nm, nme, "boundary")) {
			/* Skip the value. */
			if (p < e && *p == '"')
				for (p++; p < e && *p != '"'; p++)
					p += *p == '\\' && p + 1 < e;
			else
				p = token_end(p, e);
			p += p < e && *p == '"';
			continue;
		}
		if (p < e && *p == '"') {
			for (p++; p < e && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < e)
					p++;
				if (f->bdlen < BOUNDARY_MAX)
					f->bd[f->bdlen++] = *p;
			}
		} else
			for (; p < e && !ws(*p) && *p != ';' &&
			    f->bdlen < BOUNDARY_MAX; p++)
				f->bd[f->bdlen++] = *p;
		break;
	}
	/* No boundary: libetpan cannot split it either. */
	return f->bdlen > 0 ? KIND_MULTI : KIND_LEAF;
}

/* The kind of the entity whose nh header fields are h; a parent that is
 * multipart/digest makes message/rfc822 the default. */
static enum kind
entity_kind(const struct hdr *h, size_t nh, int in_digest, struct frame *f)
{
	const struct hdr *ct = mimeh_find_hdr(h, nh, "Content-Type");

	if (ct == NULL)
		return in_digest ? KIND_MESSAGE : KIND_LEAF;
	return content_kind(ct->val, ct->vlen, f);
}

/* The start of the line after the one at p (or end). */
static const char *
next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl + 1 : end;
}

/* The start of the next line after p that begins with "--" (or end):
 * memmem finds it at the speed of memory, where stopping at every line
 * cost a call per 78 bytes of base64. */
static const char *
next_dash_line(const char *p, const char *end)
{
	const char *q = memmem(p, (size_t)(end - p), "\n--", 3);

	return q != NULL ? q + 1 : end;
}

void
mimes_measure(const char *raw, size_t len, const struct hdr *top,
    size_t ntop, size_t body, int max_depth, int max_parts,
    struct mime_shape *shape)
{
	const char *end = raw + len, *p;
	struct frame *fr;
	struct hdr *h = NULL;
	size_t nh = 0, hb;
	int nf = 0, depth = 0, i, in_digest = 0, kind;

	memset(shape, 0, sizeof *shape);
	fr = xcalloc((size_t)max_depth + 2, sizeof *fr);
	kind = entity_kind(top, ntop, 0, &fr[0]);
	p = raw + body;
	for (;;) {
		/* An entity at depth, with its headers read: p is its body. */
		if (depth > shape->depth)
			shape->depth = depth;
		if (depth > max_depth)
			break;
		if (kind == KIND_MESSAGE) {
			/* The body is a message: its headers follow at once. */
			depth++;
			in_digest = 0;
		} else {
			if (kind == KIND_LEAF && ++shape->parts > max_parts)
				break;
			if (kind == KIND_MULTI) {
				fr[nf].depth = depth;
				nf++;
			}
			/* The next delimiter of an open multipart. */
			for (i = -1; p < end; p = next_dash_line(p, end)) {
				if (end - p < 2 || p[0] != '-' || p[1] != '-')
					continue;
				for (i = nf - 1; i >= 0; i--)
					if ((size_t)(end - p - 2) >= fr[i].bdlen &&
					    memcmp(p + 2, fr[i].bd,
					    fr[i].bdlen) == 0)
						break;
				if (i < 0)
					continue;
				nf = i + 1;	/* inner ones end here */
				if ((size_t)(end - p - 2) >= fr[i].bdlen + 2 &&
				    memcmp(p + 2 + fr[i].bdlen, "--", 2) == 0) {
					nf = i;	/* closed */
					i = -1;
					continue;
				}
				break;
			}
			if (p >= end || i < 0)
				break;
			/* A part of fr[i] starts on the next line. */
			p = next_line(p, end);
			depth = fr[i].depth + 1;
			in_digest = fr[i].digest;
		}
		free(h);
		hb = mimeh_scan_headers(p, (size_t)(end - p), &h, &nh);
		kind = nf <= max_depth ? entity_kind(h, nh, in_digest,
		    &fr[nf]) : KIND_LEAF;
		p += hb;
	}
	free(h);
	free(fr);
}
