/* imap_resp: reading and parsing FETCH responses; see imap_resp.h.
 *
 * RFC 3501 section 9 (the formal syntax: literals, quoted strings, lists,
 * NIL); RFC 3516's "~{N}" literal is read too. */
#include <stdlib.h>
#include <string.h>

#include "imap_resp.h"
#include "mem.h"

/* Lists in lists: BODYSTRUCTURE nests one level per MIME level, and
 * Dovecot gives up on MIME structures deeper than a hundred or so. */
#define IMAPR_MAX_DEPTH	256

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

static int
same_ci(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n && b[i] != '\0'; i++)
		if (lc((unsigned char)a[i]) != lc((unsigned char)b[i]))
			return 0;
	return i == n && b[i] == '\0';
}

/* Moves n bytes from the stream to b, straight into its room.  0 or
 * -1. */
static int
take(mailstream *s, struct buf *b, size_t n)
{
	ssize_t r;

	if (buf_reserve(b, n) == -1)
		return -1;
	while (n > 0) {
		if ((r = mailstream_read(s, b->s + b->len, n)) <= 0)
			return -1;
		b->len += (size_t)r;
		n -= (size_t)r;
	}
	b->s[b->len] = '\0';
	return 0;
}

/* Moves one line, through its LF, from the stream to b.  0 or -1. */
static int
read_line(mailstream *s, struct buf *b)
{
	const char *nl;
	size_t k;

	for (;;) {
		if (s->read_buffer_len == 0) {
			if (mailstream_feed_read_buffer(s) <= 0)
				return -1;
			continue;
		}
		nl = memchr(s->read_buffer, '\n', s->read_buffer_len);
		k = nl != NULL ? (size_t)(nl - s->read_buffer) + 1 :
		    s->read_buffer_len;
		if (take(s, b, k) == -1)
			return -1;
		if (nl != NULL)
			return 0;
	}
}

/* The N of a line that ends in "{N}" (and its line break), or -1. */
static long long
literal_at_end(const char *line, size_t n)
{
	long long v = 0, mult = 1;

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n < 3 || line[--n] != '}')
		return -1;
	if (n > 0 && line[n - 1] == '+')	/* LITERAL+, from a client */
		n--;
	for (; n > 0 && line[n - 1] >= '0' && line[n - 1] <= '9'; n--) {
		if (mult > 1000000000000LL)
			return -1;
		v += (line[n - 1] - '0') * mult;
		mult *= 10;
	}
	return n > 0 && line[n - 1] == '{' && mult > 1 ? v : -1;
}

int
imapr_read(mailstream *s, struct buf *b)
{
	size_t start;
	long long lit;

	buf_reset(b);
	b->truncated = 0;
	for (;;) {
		start = b->len;
		if (read_line(s, b) == -1)
			return -1;
		if ((lit = literal_at_end(b->s + start, b->len - start)) < 0)
			return 0;
		if (take(s, b, (size_t)lit) == -1)
			return -1;
	}
}

enum imapr_kind
imapr_kind(const char *p, size_t n, uint32_t *tag_r, int *ok_r)
{
	size_t i = 0;
	uint64_t tag = 0;

	*tag_r = 0;
	*ok_r = 0;
	if (n >= 2 && p[0] == '*' && p[1] == ' ') {
		i = 2;
		if (n - i >= 3 && same_ci(p + i, 3, "BYE"))
			return IMAPR_BYE;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i > 2 && i < n && p[i] == ' ' && n - i - 1 >= 7 &&
		    same_ci(p + i + 1, 6, "FETCH ") && p[i + 7] == '(')
			return IMAPR_FETCH;
		return IMAPR_UNTAGGED;
	}
	if (n < 2 || p[0] != 'F')
		return IMAPR_OTHER;
	for (i = 1; i < n && p[i] >= '0' && p[i] <= '9' && tag < UINT32_MAX;
	    i++)
		tag = tag * 10 + (uint64_t)(p[i] - '0');
	if (i == 1 || i >= n || p[i] != ' ' || tag > UINT32_MAX)
		return IMAPR_OTHER;
	*tag_r = (uint32_t)tag;
	*ok_r = n - i - 1 >= 2 && same_ci(p + i + 1, 2, "OK") &&
	    (n - i - 1 == 2 || p[i + 3] == ' ' || p[i + 3] == '\r' ||
	    p[i + 3] == '\n');
	return IMAPR_TAGGED;
}

/* ---- parsing ----------------------------------------------------------- */

struct cursor {
	char		*p;
	char		*end;
	struct imapr_fetch *f;
};

static int
new_val(struct imapr_fetch *f, enum imapr_type type)
{
	if (f->nv == f->vcap) {
		f->vcap = f->vcap ? f->vcap * 2 : 64;
		f->v = xrealloc(f->v, f->vcap * sizeof *f->v);
	}
	memset(&f->v[f->nv], 0, sizeof f->v[f->nv]);
	f->v[f->nv].type = type;
	f->v[f->nv].first = f->v[f->nv].next = -1;
	return (int)f->nv++;
}

static int
is_delim(char c)
{
	return c == ' ' || c == '(' || c == ')' || c == '\r' || c == '\n' ||
	    c == '"' || c == '{';
}

/* A quoted string, unescaped where it lies. */
static int
quoted(struct cursor *c, int v)
{
	char *w, *start;

	start = w = ++c->p;
	for (; c->p < c->end && *c->p != '"'; c->p++) {
		if (*c->p == '\\' && c->p + 1 < c->end)
			c->p++;
		else if (*c->p == '\r' || *c->p == '\n')
			return -1;
		*w++ = *c->p;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	c->f->v[v].s = start;
	c->f->v[v].len = (size_t)(w - start);
	return 0;
}

/* "{N}" CRLF and N bytes. */
static int
literal(struct cursor *c, int v)
{
	unsigned long long n = 0;
	char *q = c->p + 1;

	if (*c->p == '~')
		q++;
	for (; q < c->end && *q >= '0' && *q <= '9'; q++) {
		if (n > 1ULL << 40)
			return -1;
		n = n * 10 + (unsigned long long)(*q - '0');
	}
	if (q >= c->end || *q++ != '}')
		return -1;
	if (q < c->end && *q == '\r')
		q++;
	if (q >= c->end || *q++ != '\n' || n > (unsigned long long)(c->end - q))
		return -1;
	c->f->v[v].s = q;
	c->f->v[v].len = (size_t)n;
	c->p = q + n;
	return 0;
}

static int value(struct cursor *c, int depth);

static int
list(struct cursor *c, int v, int depth)
{
	int prev = -1, e;

	c->p++;
	for (;;) {
		while (c->p < c->end && *c->p == ' ')
			c->p++;
		if (c->p >= c->end)
			return -1;
		if (*c->p == ')') {
			c->p++;
			return 0;
		}
		if ((e = value(c, depth + 1)) < 0)
			return -1;
		if (prev < 0)
			c->f->v[v].first = e;
		else
			c->f->v[prev].next = e;
		prev = e;
	}
}

/* Parses one value at c->p; returns its index or -1. */
static int
value(struct cursor *c, int depth)
{
	char *start;
	int v;

	if (c->p >= c->end || depth > IMAPR_MAX_DEPTH)
		return -1;
	switch (*c->p) {
	case '(':
		v = new_val(c->f, IMAPR_LIST);
		return list(c, v, depth) == 0 ? v : -1;
	case '"':
		v = new_val(c->f, IMAPR_STRING);
		return quoted(c, v) == 0 ? v : -1;
	case '{':
		v = new_val(c->f, IMAPR_STRING);
		return literal(c, v) == 0 ? v : -1;
	case '~':
		if (c->p + 1 < c->end && c->p[1] == '{') {
			v = new_val(c->f, IMAPR_STRING);
			return literal(c, v) == 0 ? v : -1;
		}
		break;
	default:
		break;
	}
	start = c->p;
	while (c->p < c->end && !is_delim(*c->p))
		c->p++;
	/* Flags and keys may hold brackets: "\Seen", "BODY[1]". */
	if (c->p == start)
		return -1;
	if (c->p - start == 3 && same_ci(start, 3, "NIL"))
		return new_val(c->f, IMAPR_NIL);
	v = new_val(c->f, IMAPR_ATOM);
	c->f->v[v].s = start;
	c->f->v[v].len = (size_t)(c->p - start);
	return v;
}

/* A data item's key: an atom, with a [section] that may hold spaces and
 * parentheses ("BODY[HEADER.FIELDS (From)]") and a <origin>. */
static int
key(struct cursor *c, const char **k_r, size_t *len_r)
{
	char *start = c->p;

	while (c->p < c->end && *c->p != ' ' && *c->p != '[' &&
	    *c->p != '(' && *c->p != ')')
		c->p++;
	if (c->p < c->end && *c->p == '[') {
		char *close = memchr(c->p, ']', (size_t)(c->end - c->p));

		if (close == NULL)
			return -1;
		c->p = close + 1;
		if (c->p < c->end && *c->p == '<') {
			char *gt = memchr(c->p, '>', (size_t)(c->end - c->p));

			if (gt == NULL)
				return -1;
			c->p = gt + 1;
		}
	}
	if (c->p == start)
		return -1;
	*k_r = start;
	*len_r = (size_t)(c->p - start);
	return 0;
}

int
imapr_parse_fetch(char *p, size_t n, struct imapr_fetch *f)
{
	struct cursor c = { p, p + n, f };
	uint64_t seq = 0;

	f->natt = 0;
	f->nv = 0;
	f->seq = 0;
	if (n < 2 || p[0] != '*' || p[1] != ' ')
		return -1;
	for (c.p = p + 2; c.p < c.end && *c.p >= '0' && *c.p <= '9'; c.p++)
		if ((seq = seq * 10 + (uint64_t)(*c.p - '0')) > UINT32_MAX)
			return -1;
	f->seq = (uint32_t)seq;
	if (c.end - c.p < 8 || !same_ci(c.p, 7, " FETCH ") || c.p[7] != '(')
		return -1;
	c.p += 8;
	for (;;) {
		struct imapr_att *a;
		const char *k;
		size_t klen;
		int v;

		while (c.p < c.end && *c.p == ' ')
			c.p++;
		if (c.p >= c.end)
			return -1;
		if (*c.p == ')')
			return 0;
		if (key(&c, &k, &klen) == -1 || c.p >= c.end || *c.p++ != ' ')
			return -1;
		if ((v = value(&c, 0)) < 0)
			return -1;
		if (f->natt == f->attcap) {
			f->attcap = f->attcap ? f->attcap * 2 : 16;
			f->att = xrealloc(f->att, f->attcap * sizeof *f->att);
		}
		a = &f->att[f->natt++];
		a->key = k;
		a->klen = klen;
		a->val = v;
	}
}

void
imapr_fetch_free(struct imapr_fetch *f)
{
	free(f->att);
	free(f->v);
	memset(f, 0, sizeof *f);
}

const struct imapr_val *
imapr_get(const struct imapr_fetch *f, const char *k)
{
	for (size_t i = 0; i < f->natt; i++)
		if (same_ci(f->att[i].key, f->att[i].klen, k))
			return &f->v[f->att[i].val];
	return NULL;
}

const struct imapr_val *
imapr_elem(const struct imapr_fetch *f, const struct imapr_val *v, int i)
{
	int e;

	if (v == NULL || v->type != IMAPR_LIST)
		return NULL;
	for (e = v->first; e >= 0 && i > 0; e = f->v[e].next)
		i--;
	return e >= 0 ? &f->v[e] : NULL;
}

int
imapr_number(const struct imapr_val *v, uint64_t *n_r)
{
	uint64_t n = 0;

	if (v == NULL || (v->type != IMAPR_ATOM && v->type != IMAPR_STRING) ||
	    v->len == 0 || v->len > 19)
		return -1;
	for (size_t i = 0; i < v->len; i++) {
		if (v->s[i] < '0' || v->s[i] > '9')
			return -1;
		n = n * 10 + (uint64_t)(v->s[i] - '0');
	}
	*n_r = n;
	return 0;
}

int
imapr_is(const struct imapr_val *v, const char *s)
{
	return v != NULL && (v->type == IMAPR_ATOM ||
	    v->type == IMAPR_STRING) && same_ci(v->s, v->len, s);
}
