/* mime: one raw message -> UTF-8 headers, text and attachments; see mime.h.
 *
 * RFC 2045-2049 (MIME body structure and transfer encodings, through
 * libetpan), RFC 2231 (parameter value continuations and charsets, which
 * libetpan leaves raw), RFC 5322 (the header fields, decoded in
 * mime_header.c, and those of forwarded messages).
 *
 * This file walks the body parts; mime_header.c decodes the header
 * fields, RFC 2047 encoded words included. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "buf.h"
#include "charset.h"
#include "html.h"
#include "mem.h"
#include "mime.h"
#include "mime_int.h"
#include "span.h"

/* The [limits] of cfg.h, set once at start-up (mime_set_limits). */
static int mime_max_depth = 20;		/* nested multiparts/messages */
static int mime_max_parts = 200;	/* leaf parts read per message */
static size_t mime_max_attachment = 10 * 1024 * 1024;	/* decoded bytes */
#define MAX_SEGMENTS	64		/* RFC 2231 continuations kept */

struct param {
	const char	*name;
	const char	*value;
};

/* Notes go to msg->notes, "; " separated (see mime_int.h). */
void
mime_note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->notes.len > 0)
		buf_puts(&c->notes, "; ");
	va_start(ap, fmt);
	buf_vprintf(&c->notes, fmt, ap);
	va_end(ap);
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
	ascii_lower_str(b.s);
	return buf_steal(&b);
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
		    !ascii_ieqn(nm, base, bl))
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
				hex_unescape(&raw, v, strlen(v), '%', 0);
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
		mimeh_decode_value(plain, strlen(plain), &out, NULL);
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

		if (p->pa_name != NULL && ascii_ieq(p->pa_name, name))
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
			int a = mimeh_b64tab[(unsigned char)p[i]];
			int b = mimeh_b64tab[(unsigned char)p[i + 1]];
			int c = mimeh_b64tab[(unsigned char)p[i + 2]];
			int d = mimeh_b64tab[(unsigned char)p[i + 3]];

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
		if ((v = mimeh_b64tab[ch]) < 0) {
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

/* libetpan's hex digit value, anything else counting as 0, and the bytes
 * a quoted-printable scan stops at ('=', CR, LF), as tables: the decoder
 * below looks at every byte of every text part. */
static unsigned char qp_nib[256];
static unsigned char qp_stop[256];

static void
qp_tables(void)
{
	for (int c = 0; c < 256; c++)
		qp_nib[c] = (unsigned char)(hexval(c) < 0 ? 0 : hexval(c));
	qp_stop['='] = qp_stop['\r'] = qp_stop['\n'] = 1;
}

/* A quoted-printable body decoded in one pass, as libetpan decodes it
 * (every line break becomes CRLF, soft breaks vanish, a lone CR at the end
 * is dropped), but without copying byte by byte through its growing
 * string, and without its read past the end of a part ending in "=X".
 * The common cases come first: a plain byte, then "=XY".  Caller frees. */
static unsigned char *
qp_body(const char *p, size_t n, size_t *len_r)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const unsigned char *s = (const unsigned char *)p;
	unsigned char *out = xmalloc(2 * n + 1), *o = out;
	size_t i = 0;

	pthread_once(&once, qp_tables);
	while (i < n) {
		unsigned char c = s[i];
		size_t run;

		if (!qp_stop[c]) {
			/* The plain bytes up to the next '=' or line break,
			 * found eight at a time, copied at once. */
			run = span_not3(s + i, n - i, '=', '\r', '\n');
			memcpy(o, s + i, run);
			o += run;
			i += run;
		} else if (c == '\n') {
			*o++ = '\r';
			*o++ = '\n';
			i++;
		} else if (c == '\r') {
			if (i + 1 >= n)
				break;
			*o++ = '\r';
			*o++ = '\n';
			i += s[i + 1] == '\n' ? 2 : 1;
		} else if (i + 2 < n && s[i + 1] != '\n' && s[i + 1] != '\r') {
			*o++ = (unsigned char)(qp_nib[s[i + 1]] << 4 |
			    qp_nib[s[i + 2]]);
			i += 3;
		} else if (i + 1 >= n) {
			*o++ = '=';
			i++;
		} else if (s[i + 1] == '\n')
			i += 2;		/* soft line break */
		else if (s[i + 1] == '\r') {
			if (i + 2 >= n)
				break;
			i += s[i + 2] == '\n' ? 3 : 2;
		} else {
			*o++ = s[i + 1];	/* "=X" at the very end */
			i += 2;
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
			mime_note(c, "part %d: base64 damaged", partno);
		return out;
	}
	if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE)
		return qp_body(p, n, len_r);
	if (enc == MAILMIME_MECHANISM_TOKEN)
		mime_note(c, "part %d: unknown transfer encoding, read as 8bit",
		    partno);
	out = xmalloc(n + 1);
	memcpy(out, p, n);
	out[n] = '\0';
	*len_r = n;
	return out;
}

/* Appends s to b with CRLF and lone CR made LF and NUL made U+FFFD.  A NUL
 * ends every caller's buffer, at s[n] or a little after it (trimmed white
 * space), so strcspn() can find the next CR or NUL a word at a time. */
static void
add_lines(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		i += strcspn(s + i, "\r");
		if (i >= n)
			break;
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
    size_t len, size_t size)
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
	a->size = size;
}

/* The charset an HTML part declares in a <meta> near its top. */
static void
meta_charset(const unsigned char *p, size_t n, char *cs, size_t cssz)
{
	static const char key[] = "charset=";
	size_t i, k, lim = n < 2048 ? n : 2048;

	cs[0] = '\0';
	for (i = 0; i + sizeof key - 1 < lim; i++) {
		if (!ascii_ieqn((const char *)p + i, key, sizeof key - 1))
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
		mime_note(c, "part %d: %s", partno, buf_str(&why));
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

/* Media no part of the robot reads: a form is a spreadsheet, a document,
 * CSV or text, never a picture, a PDF or a signature. */
static int
opaque(const char *type, const char *name)
{
	static const char *prefixes[] = { "image/", "audio/", "video/",
	    "application/pdf", "application/pkcs7-signature",
	    "application/x-pkcs7-signature" };
	static const char *suffixes[] = { ".pdf", ".jpg", ".jpeg", ".png",
	    ".gif", ".p7s" };

	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(type, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
		if (ascii_suffix_ci(name, suffixes[i]))
			return 1;
	return 0;
}

int
mime_part_unread(const char *type, const char *name)
{
	return opaque(type != NULL ? type : "", name);
}

char *
mime_part_name(const char *const *dparam, size_t ndparam,
    const char *const *param, size_t nparam)
{
	struct param ps[128];
	size_t n;
	char *name = NULL;

	for (n = 0; n < ndparam && n < sizeof ps / sizeof ps[0]; n++) {
		ps[n].name = dparam[2 * n];
		ps[n].value = dparam[2 * n + 1];
	}
	if (n > 0)
		name = param_value(ps, n, "filename");
	if (name != NULL)
		return name;
	for (n = 0; n < nparam && n < sizeof ps / sizeof ps[0]; n++) {
		ps[n].name = param[2 * n];
		ps[n].value = param[2 * n + 1];
	}
	return n > 0 ? param_value(ps, n, "name") : NULL;
}

/* The decoded size of a base64 part, counted without decoding it: three
 * bytes per four letters, line breaks and padding left out.  Returns 0
 * when the part is not base64. */
static int
b64_size(const struct mailmime *m, size_t *size_r)
{
	const struct mailmime_data *d = m->mm_data.mm_single;
	const char *p, *end, *nl;
	size_t letters = 0;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT || !d->dt_encoded ||
	    d->dt_encoding != MAILMIME_MECHANISM_BASE64)
		return 0;
	p = d->dt_data.dt_text.dt_data;
	end = p + d->dt_data.dt_text.dt_length;
	while (p < end) {
		const char *e;

		nl = memchr(p, '\n', (size_t)(end - p));
		e = nl != NULL ? nl : end;
		while (e > p && (e[-1] == '\r' || e[-1] == '=' ||
		    e[-1] == ' ' || e[-1] == '\t'))
			e--;
		letters += (size_t)(e - p);
		p = nl != NULL ? nl + 1 : end;
	}
	*size_r = letters / 4 * 3 + (letters % 4 > 1 ? letters % 4 - 1 : 0);
	return 1;
}

/* The part the fetch left out at section sec, or NULL. */
static const struct mime_hole *
find_hole(const struct ctx *c, const char *sec)
{
	for (size_t i = 0; i < c->nholes; i++)
		if (strcmp(c->holes[i].section, sec) == 0)
			return &c->holes[i];
	return NULL;
}

static void
single(struct ctx *c, const struct mailmime *m, int notext, const char *sec)
{
	const struct mime_hole *hole;
	char *type, *name;
	unsigned char *data;
	size_t len, size;
	int partno, attach, is_html;

	if (c->nparts >= mime_max_parts) {
		if (!c->parts_noted)
			mime_note(c, "more than %d parts, the rest skipped",
			    mime_max_parts);
		c->parts_noted = 1;
		return;
	}
	partno = ++c->nparts;
	type = content_type(m->mm_content_type);
	name = part_name(m, &attach);
	/* Left out by the fetch: its body never came, only its size. */
	if ((hole = find_hole(c, *sec ? sec : "1")) != NULL) {
		add_attachment(c, name, type, xcalloc(1, 1), 0, hole->size);
		return;
	}
	if (opaque(type, name) && b64_size(m, &size)) {
		add_attachment(c, name, type, xcalloc(1, 1), 0, size);
		return;
	}
	data = part_bytes(c, m, partno, &len);
	size = len;
	is_html = strcmp(type, "text/html") == 0;
	if (!attach && name == NULL && (is_html ||
	    strcmp(type, "text/plain") == 0)) {
		text_part(c, m, partno, is_html, notext, data, len);
		free(type);
		return;
	}
	if (len > mime_max_attachment) {
		mime_note(c,
		    "part %d: %s of %zu bytes cut to the %zu-byte limit",
		    partno, name != NULL ? name : type, len,
		    mime_max_attachment);
		len = mime_max_attachment;
		data = xrealloc(data, len + 1);
		data[len] = '\0';
	}
	add_attachment(c, name, type, data, len, size);
}

static void walk(struct ctx *, const struct mailmime *, int, int,
    const char *);

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
	unsigned char *res = NULL;
	size_t n, i;
	int enc, blank = 1, damaged;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return 1;
	p = d->dt_data.dt_text.dt_data;
	n = d->dt_data.dt_text.dt_length;
	enc = d->dt_encoded ? d->dt_encoding : MAILMIME_MECHANISM_8BIT;
	/* Most text starts with a letter: a quoted-printable byte that is
	 * neither white space nor an escape stands for itself, so the part
	 * is not blank and need not be decoded twice. */
	if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE) {
		for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t' ||
		    p[i] == '\r' || p[i] == '\n'); i++)
			;
		if (i < n && p[i] != '=')
			return 0;
	}
	/* Our own decoders, as in part_bytes(): libetpan's reads past a
	 * part that ends in "=X". */
	if (enc == MAILMIME_MECHANISM_BASE64)
		res = b64_body(p, n, &n, &damaged);
	else if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE)
		res = qp_body(p, n, &n);
	if (res != NULL)
		p = (const char *)res;
	for (i = 0; i < n && blank; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			blank = 0;
	free(res);
	return blank;
}

static void
multipart(struct ctx *c, const struct mailmime *m, int depth, int notext,
    const char *sec)
{
	char sub[MIME_SECTION];
	int i = 0;
	const struct mailmime *pick = NULL, *ch;
	clist *l = m->mm_data.mm_multipart.mm_mp_list;
	char *type = content_type(m->mm_content_type);
	clistiter *it;

	if (l == NULL) {
		free(type);
		return;
	}
	if (!closed(m))
		mime_note(c, "%s: closing boundary missing", type);
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
		snprintf(sub, sizeof sub, "%s%s%d", sec, *sec ? "." : "", ++i);
		walk(c, ch, depth + 1, notext || (pick != NULL && ch != pick),
		    sub);
	}
}

/* A forwarded message/rfc822: a banner and its From/Date/Subject/To/Cc,
 * as Gmail writes an inline forward, then its parts; so quote.c reads
 * both kinds of forward alike. */
static void
forwarded(struct ctx *c, const struct mailmime *m, int depth, int notext)
{
	static const char *show[] = { "From", "Date", "Subject", "To", "Cc" };
	const struct mailmime_data *d = m->mm_body;
	struct hdr *h = NULL;
	struct buf b = BUF_INIT;
	size_t nh = 0;

	if (!notext && d != NULL && d->dt_type == MAILMIME_DATA_TEXT) {
		mimeh_scan_headers(d->dt_data.dt_text.dt_data,
		    d->dt_data.dt_text.dt_length, &h, &nh);
		for (size_t i = 0; i < sizeof show / sizeof show[0]; i++) {
			const struct hdr *f = mimeh_find_hdr(h, nh, show[i]);
			char *v;

			if (f == NULL)
				continue;
			v = mimeh_decode_hdr(f, NULL);
			if (b.len == 0)
				buf_puts(&b, "---------- Forwarded message "
				    "---------");
			buf_printf(&b, "\n%s: %s", show[i], v);
			free(v);
		}
		add_text(c, buf_str(&b), b.len);
		buf_free(&b);
		free(h);
	}
	if (m->mm_data.mm_message.mm_msg_mime != NULL)
		walk(c, m->mm_data.mm_message.mm_msg_mime, depth + 1, notext,
		    "-");
}

static void
walk(struct ctx *c, const struct mailmime *m, int depth, int notext,
    const char *sec)
{
	if (m == NULL)
		return;
	if (depth > mime_max_depth) {
		if (!c->depth_noted)
			mime_note(c, "MIME nesting deeper than %d, inner parts "
			    "skipped", mime_max_depth);
		c->depth_noted = 1;
		return;
	}
	switch (m->mm_type) {
	case MAILMIME_SINGLE:
		single(c, m, notext, sec);
		break;
	case MAILMIME_MULTIPLE:
		multipart(c, m, depth, notext, sec);
		break;
	case MAILMIME_MESSAGE:
		if (m->mm_parent == NULL)
			walk(c, m->mm_data.mm_message.mm_msg_mime, depth,
			    notext, sec);
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
		mime_note(c, "body: %s", buf_str(&why));
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
	return mime_parse_holes(raw, len, NULL, 0, msg_r, errstr);
}

int
mime_parse_holes(const char *raw, size_t len, const struct mime_hole *holes,
    size_t nholes, struct mime_msg **msg_r, const char **errstr)
{
	struct ctx c;
	struct mime_msg *msg;
	struct mailmime *mime = NULL;
	struct mime_shape shape;
	struct hdr *h = NULL;
	size_t nh = 0, body, idx = 0;

	*msg_r = NULL;
	if (raw == NULL || len == 0) {
		if (errstr != NULL)
			*errstr = "empty message";
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.holes = holes;
	c.nholes = nholes;
	msg = xcalloc(1, sizeof *msg);
	body = mimeh_scan_headers(raw, len, &h, &nh);
	mimeh_top_fields(msg, h, nh, &c);

	if (nh > 0)
		mimes_measure(raw, len, h, nh, body, mime_max_depth,
		    mime_max_parts, &shape);
	if (nh == 0)
		plain_body(&c, raw + body, len - body);
	else if (shape.depth > mime_max_depth)
		mime_note(&c, "MIME nesting deeper than %d: headers only",
		    mime_max_depth);
	else if (shape.parts > mime_max_parts)
		mime_note(&c, "more than %d parts: headers only",
		    mime_max_parts);
	else if (mailmime_parse(raw, len, &idx, &mime) != MAILIMF_NO_ERROR ||
	    mime == NULL) {
		mime_note(&c,
		    "MIME structure unreadable, body read as plain text");
		plain_body(&c, raw + body, len - body);
	} else {
		walk(&c, mime, 0, 0, "");
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
		if (ascii_ieq(msg->headers[i].name, name))
			return msg->headers[i].value;
	return NULL;
}

int
mime_check_headers(const struct mime_msg *msg, struct buf *why)
{
	/* RFC 5322 section 3.6: each at most once.  Two of them let two
	 * readers see two different messages. */
	static const char *const once[] = { "From", "Sender", "Subject",
	    "Message-ID", "In-Reply-To", "References", NULL };
	static const char *const words[] = { "no", "one", "two", "three" };
	size_t n, i, k;

	for (k = 0; once[k] != NULL; k++) {
		for (i = 0, n = 0; i < msg->nheaders; i++)
			if (msg->headers[i].name != NULL &&
			    ascii_ieq(msg->headers[i].name, once[k]))
				n++;
		if (n < 2)
			continue;
		if (n < sizeof words / sizeof words[0])
			buf_printf(why, "%s %s headers", words[n], once[k]);
		else
			buf_printf(why, "%zu %s headers", n, once[k]);
		return -1;
	}
	if (mime_header(msg, "From") != NULL && msg->from_addr == NULL) {
		buf_puts(why, "a From header without exactly one address that "
		    "can be read");
		return -1;
	}
	return 0;
}
