/* tmpl: mail templates; see tmpl.h for the syntax and contracts.
 *
 * A template is parsed into a small tree (text, variable, if, each) which
 * is checked against its kind's variable set before anything is rendered,
 * so a typo in a branch that is rarely taken still fails `templates check`
 * instead of a reminder on a Monday morning. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"
#include "mem.h"
#include "tmpl.h"

#define TMPL_MAX_FILE	(1024 * 1024)	/* a template is a few KiB */
#define TMPL_MAX_OUT	((size_t)16 << 20)
#define TMPL_MAX_DEPTH	16


/* ---- variables ---- */

struct tmpl_val {
	char		 *name;
	char		 *value;	/* NULL for a list */
	struct tmpl_vars **rows;
	size_t		  nrows;
};

struct tmpl_vars {
	struct tmpl_val	*v;
	size_t		 n;
};

struct tmpl_vars *
tmpl_vars_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_vars));
}

static void
val_clear(struct tmpl_val *tv)
{
	size_t i;

	free(tv->value);
	tv->value = NULL;
	for (i = 0; i < tv->nrows; i++)
		tmpl_vars_free(&tv->rows[i]);
	free(tv->rows);
	tv->rows = NULL;
	tv->nrows = 0;
}

void
tmpl_vars_free(struct tmpl_vars **vp)
{
	struct tmpl_vars *v = *vp;
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		val_clear(&v->v[i]);
		free(v->v[i].name);
	}
	free(v->v);
	free(v);
	*vp = NULL;
}

static struct tmpl_val *
vars_find(const struct tmpl_vars *v, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strlen(v->v[i].name) == len &&
		    memcmp(v->v[i].name, name, len) == 0)
			return &v->v[i];
	return NULL;
}

static struct tmpl_val *
vars_slot(struct tmpl_vars *v, const char *name)
{
	struct tmpl_val *tv;

	if ((tv = vars_find(v, name, strlen(name))) != NULL) {
		val_clear(tv);
		return tv;
	}
	v->v = xrealloc(v->v, (v->n + 1) * sizeof(*v->v));
	tv = &v->v[v->n++];
	memset(tv, 0, sizeof(*tv));
	tv->name = xstrdup(name);
	return tv;
}

void
tmpl_set(struct tmpl_vars *v, const char *name, const char *value)
{
	struct tmpl_val *tv;
	size_t i;

	if (value == NULL) {
		if ((tv = vars_find(v, name, strlen(name))) == NULL)
			return;
		val_clear(tv);
		free(tv->name);
		i = tv - v->v;
		memmove(tv, tv + 1, (v->n - i - 1) * sizeof(*tv));
		v->n--;
		return;
	}
	tv = vars_slot(v, name);
	tv->value = xstrdup(value);
}

void
tmpl_setf(struct tmpl_vars *v, const char *name, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tmpl_set(v, name, buf_str(&b));
	buf_free(&b);
}

void
tmpl_set_int(struct tmpl_vars *v, const char *name, long n)
{
	tmpl_setf(v, name, "%ld", n);
}

struct tmpl_vars *
tmpl_list_add(struct tmpl_vars *v, const char *name)
{
	struct tmpl_val *tv;

	tv = vars_find(v, name, strlen(name));
	if (tv == NULL || tv->value != NULL)
		tv = vars_slot(v, name);
	tv->rows = xrealloc(tv->rows, (tv->nrows + 1) * sizeof(*tv->rows));
	tv->rows[tv->nrows] = tmpl_vars_new();
	return tv->rows[tv->nrows++];
}

/* ---- parsing ---- */

enum node_type { N_TEXT, N_VAR, N_IF, N_EACH };

struct node {
	enum node_type	 type;
	int		 line;
	char		*s;		/* text, or the variable's name */
	size_t		 len;
	struct node	*kids;		/* if: then-branch; each: body */
	struct node	*alt;		/* if: else-branch */
	struct node	*next;
};

enum tok { T_EOF, T_TEXT, T_VAR, T_IF, T_ELSE, T_ENDIF, T_EACH, T_ENDEACH,
    T_COMMENT };

struct parser {
	const char	*file;
	const char	*p, *end;
	int		 line;
	int		 at_bol;	/* p is at the start of a line */
	/* the token just read */
	enum tok	 tok;
	const char	*ts;
	size_t		 tlen;
	int		 tline;
	/* a tag read ahead while scanning the text before it */
	int		 pending;
	enum tok	 ptok;
	const char	*ps, *pnext;
	size_t		 plen;
	int		 pline, pnextline;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static void
perr(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
perr(struct parser *ps, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%d: %s", ps->file, line, msg);
}

static int
is_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int
count_nl(const char *s, const char *e)
{
	int n = 0;

	for (; s < e; s++)
		if (*s == '\n')
			n++;
	return n;
}

/*
 * Classifies the tag "{{...}}" at q (q points at "{{").  Sets ts and tlen to
 * the name for T_VAR/T_IF/T_EACH and *after to the byte after "}}".
 * Returns -1 on a malformed tag.
 */
static int
read_tag(struct parser *ps, const char *q, int line, enum tok *t,
    const char **ts, size_t *tlen, const char **after)
{
	const char *c = q + 2, *e, *ce;
	size_t n;

	if ((ce = memmem(c, ps->end - c, "}}", 2)) == NULL) {
		perr(ps, line, "unclosed '{{'");
		return -1;
	}
	*after = ce + 2;
	if (c < ce && *c == '!') {
		*t = T_COMMENT;
		return 0;
	}
	for (e = c; e < ce; e++)
		if (*e == '\n') {
			perr(ps, line, "tag spans lines");
			return -1;
		}
	while (c < ce && (*c == ' ' || *c == '\t'))
		c++;
	e = ce;
	while (e > c && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = e - c;
	*ts = NULL;
	*tlen = 0;
	if (n == 4 && memcmp(c, "else", 4) == 0)
		*t = T_ELSE;
	else if (n == 3 && memcmp(c, "/if", 3) == 0)
		*t = T_ENDIF;
	else if (n == 5 && memcmp(c, "/each", 5) == 0)
		*t = T_ENDEACH;
	else if (n > 4 && memcmp(c, "#if", 3) == 0 &&
	    (c[3] == ' ' || c[3] == '\t')) {
		*t = T_IF;
		c += 4;
	} else if (n > 6 && memcmp(c, "#each", 5) == 0 &&
	    (c[5] == ' ' || c[5] == '\t')) {
		*t = T_EACH;
		c += 6;
	} else
		*t = T_VAR;
	if (*t == T_VAR || *t == T_IF || *t == T_EACH) {
		while (c < e && (*c == ' ' || *c == '\t'))
			c++;
		if (!is_name(c, e - c)) {
			perr(ps, line, "bad tag '{{%.*s}}'", (int)(ce - q - 2),
			    q + 2);
			return -1;
		}
		*ts = c;
		*tlen = e - c;
	}
	return 0;
}

/* Reads the next token into ps->tok/ts/tlen/tline.  Returns -1 on error. */
static int
next_tok(struct parser *ps)
{
	const char *q, *ls, *after, *r, *ts = NULL;
	size_t tlen = 0;
	enum tok t;
	int line;

	if (ps->pending) {
		ps->pending = 0;
		ps->tok = ps->ptok;
		ps->ts = ps->ps;
		ps->tlen = ps->plen;
		ps->tline = ps->pline;
		ps->p = ps->pnext;
		ps->line = ps->pnextline;
		ps->at_bol = ps->p == ps->end || ps->p[-1] == '\n';
		return 0;
	}
	if (ps->p >= ps->end) {
		ps->tok = T_EOF;
		ps->tline = ps->line;
		return 0;
	}
	q = memmem(ps->p, ps->end - ps->p, "{{", 2);
	if (q == NULL)
		q = ps->end;
	if (q == ps->end) {
		ps->tok = T_TEXT;
		ps->ts = ps->p;
		ps->tlen = q - ps->p;
		ps->tline = ps->line;
		ps->line += count_nl(ps->p, q);
		ps->p = q;
		return 0;
	}
	line = ps->line + count_nl(ps->p, q);
	if (read_tag(ps, q, line, &t, &ts, &tlen, &after) == -1)
		return -1;

	/* A block tag or comment alone on its line eats the line. */
	if (t != T_VAR) {
		ls = q;
		while (ls > ps->p && (ls[-1] == ' ' || ls[-1] == '\t'))
			ls--;
		if ((ls == ps->p && ps->at_bol) ||
		    (ls > ps->p && ls[-1] == '\n')) {
			r = after;
			while (r < ps->end && (*r == ' ' || *r == '\t'))
				r++;
			if (r == ps->end || *r == '\n') {
				q = ls;
				if (r < ps->end)
					r++;
				after = r;
			}
		}
	}
	if (q > ps->p) {
		/* text first, then the tag */
		ps->tok = T_TEXT;
		ps->ts = ps->p;
		ps->tlen = q - ps->p;
		ps->tline = ps->line;
		ps->pending = 1;
		ps->ptok = t;
		ps->ps = ts;
		ps->plen = tlen;
		ps->pline = line;
		ps->pnext = after;
		ps->pnextline = line + count_nl(q, after);
		ps->line = line;
		ps->p = q;
		return 0;
	}
	ps->tok = t;
	ps->ts = ts;
	ps->tlen = tlen;
	ps->tline = line;
	ps->line = line + count_nl(q, after);
	ps->p = after;
	ps->at_bol = ps->p == ps->end || ps->p[-1] == '\n';
	return 0;
}

static void
nodes_free(struct node *n)
{
	struct node *next;

	for (; n != NULL; n = next) {
		next = n->next;
		nodes_free(n->kids);
		nodes_free(n->alt);
		free(n->s);
		free(n);
	}
}

static struct node *
node_new(enum node_type type, int line, const char *s, size_t len)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = line;
	n->s = xstrndup(s, len);
	n->len = len;
	return n;
}

/*
 * Parses a sequence up to EOF or a closing tag, which is left in ps->tok.
 * open/oline describe the enclosing block for error messages.
 */
static struct node *
parse_seq(struct parser *ps, int depth)
{
	struct node *head = NULL, **tail = &head, *n = NULL;
	enum tok open;
	int oline;

	for (;;) {
		if (next_tok(ps) == -1)
			goto fail;
		switch (ps->tok) {
		case T_EOF:
		case T_ELSE:
		case T_ENDIF:
		case T_ENDEACH:
			return head;
		case T_COMMENT:
			continue;
		case T_TEXT:
			n = node_new(N_TEXT, ps->tline, ps->ts, ps->tlen);
			break;
		case T_VAR:
			n = node_new(N_VAR, ps->tline, ps->ts, ps->tlen);
			break;
		case T_IF:
		case T_EACH:
			open = ps->tok;
			oline = ps->tline;
			if (depth >= TMPL_MAX_DEPTH) {
				perr(ps, oline, "blocks nested too deep");
				goto fail;
			}
			n = node_new(open == T_IF ? N_IF : N_EACH, oline,
			    ps->ts, ps->tlen);
			*tail = n;
			tail = &n->next;
			n->kids = parse_seq(ps, depth + 1);
			if (ps->failed)
				goto fail;
			if (open == T_IF && ps->tok == T_ELSE) {
				n->alt = parse_seq(ps, depth + 1);
				if (ps->failed)
					goto fail;
				if (ps->tok == T_ELSE) {
					perr(ps, ps->tline, "second {{else}} "
					    "in {{#if %s}} of line %d", n->s,
					    oline);
					goto fail;
				}
			}
			if (ps->tok == T_EOF) {
				perr(ps, oline, "unclosed {{#%s %s}}",
				    open == T_IF ? "if" : "each", n->s);
				goto fail;
			}
			if ((open == T_IF && ps->tok != T_ENDIF) ||
			    (open == T_EACH && ps->tok != T_ENDEACH)) {
				perr(ps, ps->tline, "%s closes {{#%s %s}} of "
				    "line %d", ps->tok == T_ELSE ? "{{else}}" :
				    ps->tok == T_ENDIF ? "{{/if}}" :
				    "{{/each}}", open == T_IF ? "if" : "each",
				    n->s, oline);
				goto fail;
			}
			continue;
		}
		*tail = n;
		tail = &n->next;
	}
fail:
	nodes_free(head);
	return NULL;
}

/* Parses one section; a stray closing tag at the top level is an error. */
static struct node *
parse_section(struct parser *ps, const char *s, const char *e, int line)
{
	struct node *n;

	ps->p = s;
	ps->end = e;
	ps->line = line;
	ps->at_bol = 1;
	ps->pending = 0;
	n = parse_seq(ps, 0);
	if (!ps->failed && ps->tok != T_EOF) {
		perr(ps, ps->tline, "%s without an open block",
		    ps->tok == T_ELSE ? "{{else}}" : ps->tok == T_ENDIF ?
		    "{{/if}}" : "{{/each}}");
		nodes_free(n);
		return NULL;
	}
	return n;
}

struct tmpl {
	struct node	*subject;
	struct node	*text;
	struct node	*html;
	int		 has_html;
};

static void
tmpl_free(struct tmpl *t)
{
	nodes_free(t->subject);
	nodes_free(t->text);
	nodes_free(t->html);
	memset(t, 0, sizeof(*t));
}

static int
line_is(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return (size_t)(e - s) == n && memcmp(s, word, n) == 0;
}

/* Splits src into its sections and parses each. */
static int
tmpl_parse(const char *file, const char *src, size_t len, struct tmpl *t,
    char *err, size_t errlen)
{
	struct parser ps;
	const char *p = src, *end = src + len, *eol, *subj = NULL, *subje = NULL;
	const char *text = NULL, *texte = NULL, *html = NULL;
	int line = 1, subjline = 0, textline = 0, htmlline = 0, in_comment;

	memset(t, 0, sizeof(*t));
	memset(&ps, 0, sizeof(ps));
	ps.file = file;
	ps.err = err;
	ps.errlen = errlen;
	if (memchr(src, '\0', len) != NULL) {
		perr(&ps, 1, "NUL byte in template");
		return -1;
	}

	/* header section */
	in_comment = 0;
	for (; p < end; p = eol + 1, line++) {
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		if (in_comment) {
			if (memmem(p, eol - p, "}}", 2) != NULL)
				in_comment = 0;
			continue;
		}
		if (line_is(p, eol, "---- text")) {
			text = eol < end ? eol + 1 : end;
			textline = line + 1;
			break;
		}
		if (line_is(p, eol, ""))
			continue;
		if (eol - p >= 3 && memcmp(p, "{{!", 3) == 0) {
			if (memmem(p, eol - p, "}}", 2) == NULL)
				in_comment = 1;
			continue;
		}
		if (eol - p >= 8 && ascii_prefix_ci(p, "Subject:")) {
			if (subj != NULL) {
				perr(&ps, line, "second Subject line");
				return -1;
			}
			subj = p + 8;
			while (subj < eol && (*subj == ' ' || *subj == '\t'))
				subj++;
			subje = eol;
			while (subje > subj && (subje[-1] == ' ' ||
			    subje[-1] == '\t' || subje[-1] == '\r'))
				subje--;
			subjline = line;
			continue;
		}
		perr(&ps, line, "unknown header line (expected \"Subject:\" or "
		    "\"---- text\")");
		return -1;
	}
	if (in_comment) {
		perr(&ps, line, "unclosed '{{!'");
		return -1;
	}
	if (subj == NULL) {
		perr(&ps, 1, "no Subject line");
		return -1;
	}
	if (text == NULL) {
		perr(&ps, line, "no \"---- text\" line");
		return -1;
	}

	/* find "---- html" */
	line = textline;
	for (p = text; p < end; p = eol + 1, line++) {
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		if (line_is(p, eol, "---- html")) {
			texte = p;
			html = eol < end ? eol + 1 : end;
			htmlline = line + 1;
			break;
		}
		if (line_is(p, eol, "---- text")) {
			perr(&ps, line, "second \"---- text\" line");
			return -1;
		}
		if (eol == end)
			break;
	}
	if (texte == NULL)
		texte = end;
	if (html != NULL) {
		for (p = html, line = htmlline; p < end; p = eol + 1, line++) {
			if ((eol = memchr(p, '\n', end - p)) == NULL)
				eol = end;
			if (line_is(p, eol, "---- html") ||
			    line_is(p, eol, "---- text")) {
				perr(&ps, line, "unexpected section line");
				return -1;
			}
			if (eol == end)
				break;
		}
	}

	t->subject = parse_section(&ps, subj, subje, subjline);
	if (ps.failed)
		goto fail;
	t->text = parse_section(&ps, text, texte, textline);
	if (ps.failed)
		goto fail;
	if (html != NULL) {
		t->has_html = 1;
		t->html = parse_section(&ps, html, end, htmlline);
		if (ps.failed)
			goto fail;
	}
	return 0;
fail:
	tmpl_free(t);
	return -1;
}

/* ---- checking names against a kind's set ---- */

/* 1 when the word w (prefix + name) is in the space separated set. */
static int
set_has(const char *set, const char *prefix, const char *name, int as_prefix)
{
	size_t pl = strlen(prefix), nl = strlen(name), wl;
	const char *w = set, *e;

	while (*w) {
		while (*w == ' ')
			w++;
		e = w;
		while (*e && *e != ' ')
			e++;
		wl = e - w;
		if (wl >= pl + nl && memcmp(w, prefix, pl) == 0 &&
		    memcmp(w + pl, name, nl) == 0 &&
		    (as_prefix ? (wl > pl + nl && w[pl + nl] == '.') :
		    wl == pl + nl))
			return 1;
		w = e;
	}
	return 0;
}

struct scope_names {
	const char		*prefix;	/* "" or "cases." or "a.b." */
	const struct scope_names *up;
};

/* Finds which scope declares name; gives its full prefix in pre (the
 * prefix of the innermost scope that has it). */
static int
check_name(const char *set, const struct scope_names *sc, const char *name,
    const char **prefix_r)
{
	for (; sc != NULL; sc = sc->up)
		if (set_has(set, sc->prefix, name, 0)) {
			*prefix_r = sc->prefix;
			return 1;
		}
	return 0;
}

static int
check_nodes(const char *file, const char *set, const struct node *n,
    const struct scope_names *sc, char *err, size_t errlen)
{
	struct scope_names inner;
	const char *pre;
	char *np;
	int islist, rc;
	size_t len;

	for (; n != NULL; n = n->next) {
		if (n->type == N_TEXT)
			continue;
		if (!check_name(set, sc, n->s, &pre)) {
			snprintf(err, errlen, "%s:%d: unknown variable '%s'",
			    file, n->line, n->s);
			return -1;
		}
		islist = set_has(set, pre, n->s, 1);
		if (n->type == N_VAR && islist) {
			snprintf(err, errlen, "%s:%d: '%s' is a list: use "
			    "{{#each %s}}", file, n->line, n->s, n->s);
			return -1;
		}
		if (n->type == N_EACH && !islist) {
			snprintf(err, errlen, "%s:%d: '%s' is not a list",
			    file, n->line, n->s);
			return -1;
		}
		if (n->type == N_IF) {
			if (check_nodes(file, set, n->kids, sc, err,
			    errlen) == -1 || check_nodes(file, set, n->alt, sc,
			    err, errlen) == -1)
				return -1;
		} else if (n->type == N_EACH) {
			len = strlen(pre) + strlen(n->s) + 2;
			np = xmalloc(len);
			snprintf(np, len, "%s%s.", pre, n->s);
			inner.prefix = np;
			inner.up = sc;
			rc = check_nodes(file, set, n->kids, &inner, err,
			    errlen);
			free(np);
			if (rc == -1)
				return -1;
		}
	}
	return 0;
}

static int
tmpl_check_names(const char *file, const char *vars, const struct tmpl *t,
    char *err, size_t errlen)
{
	struct scope_names top = { "", NULL };

	if (vars == NULL)
		return 0;
	if (check_nodes(file, vars, t->subject, &top, err, errlen) == -1 ||
	    check_nodes(file, vars, t->text, &top, err, errlen) == -1 ||
	    check_nodes(file, vars, t->html, &top, err, errlen) == -1)
		return -1;
	return 0;
}

/* ---- rendering ---- */

enum esc { ESC_TEXT, ESC_HTML, ESC_SUBJECT };

struct scope {
	const struct tmpl_vars	*v;
	const struct scope	*up;
};

static const struct tmpl_val *
lookup(const struct scope *sc, const char *name)
{
	const struct tmpl_val *tv;

	for (; sc != NULL; sc = sc->up)
		if ((tv = vars_find(sc->v, name, strlen(name))) != NULL)
			return tv;
	return NULL;
}

/* Appends s escaped for esc, copying the runs that need no escape whole:
 * the digest puts thousands of values. */
static void
put_value(struct buf *out, const char *s, enum esc esc)
{
	size_t n;

	switch (esc) {
	case ESC_TEXT:
		buf_puts(out, s);
		break;
	case ESC_HTML:
		for (; *s; s++) {
			if ((n = strcspn(s, "&<>\"'")) > 0) {
				buf_add(out, s, n);
				if (*(s += n) == '\0')
					break;
			}
			buf_puts(out, *s == '&' ? "&amp;" : *s == '<' ? "&lt;" :
			    *s == '>' ? "&gt;" : *s == '"' ? "&quot;" :
			    "&#39;");
		}
		break;
	case ESC_SUBJECT:
		/* never a line break (or any control) in a header */
		for (; *s; s++)
			buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ?
			    ' ' : *s);
		break;
	}
}

static int
truthy(const struct tmpl_val *tv)
{
	if (tv == NULL)
		return 0;
	if (tv->value == NULL)
		return tv->nrows > 0;
	return tv->value[0] != '\0' && strcmp(tv->value, "0") != 0;
}

static int
render_nodes(const char *file, const struct node *n, const struct scope *sc,
    enum esc esc, struct buf *out, char *err, size_t errlen)
{
	const struct tmpl_val *tv;
	struct scope inner;
	size_t i;

	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case N_TEXT:
			buf_add(out, n->s, n->len);
			break;
		case N_VAR:
			if ((tv = lookup(sc, n->s)) == NULL) {
				snprintf(err, errlen, "%s:%d: variable '%s' "
				    "not set", file, n->line, n->s);
				return -1;
			}
			if (tv->value == NULL) {
				snprintf(err, errlen, "%s:%d: '%s' is a list",
				    file, n->line, n->s);
				return -1;
			}
			put_value(out, tv->value, esc);
			break;
		case N_IF:
			if (render_nodes(file, truthy(lookup(sc, n->s)) ?
			    n->kids : n->alt, sc, esc, out, err, errlen) == -1)
				return -1;
			break;
		case N_EACH:
			tv = lookup(sc, n->s);
			if (tv == NULL)
				break;	/* an unset list is an empty one */
			if (tv->value != NULL) {
				snprintf(err, errlen, "%s:%d: '%s' is not a "
				    "list", file, n->line, n->s);
				return -1;
			}
			for (i = 0; i < tv->nrows; i++) {
				inner.v = tv->rows[i];
				inner.up = sc;
				if (render_nodes(file, n->kids, &inner, esc,
				    out, err, errlen) == -1)
					return -1;
			}
			break;
		}
		if (out->truncated) {
			snprintf(err, errlen, "%s:%d: output too large", file,
			    n->line);
			return -1;
		}
	}
	return 0;
}

/* Trims trailing blank lines and ensures one final newline. */
static char *
finish_body(struct buf *b)
{
	while (b->len > 0 && (b->s[b->len - 1] == '\n' ||
	    b->s[b->len - 1] == ' ' || b->s[b->len - 1] == '\t' ||
	    b->s[b->len - 1] == '\r'))
		b->len--;
	if (b->s != NULL)
		b->s[b->len] = '\0';
	buf_putc(b, '\n');
	return buf_steal(b);
}

int
tmpl_render_mem(const char *name, const char *vars, const char *src,
    size_t len, const struct tmpl_vars *v, char **subject_r, char **text_r,
    char **html_r, char *err, size_t errlen)
{
	struct tmpl t;
	struct scope top = { v, NULL };
	struct buf subj = BUF_INIT, text = BUF_INIT, html = BUF_INIT;
	const char *s;
	char c;
	size_t i, j;

	*subject_r = *text_r = *html_r = NULL;
	subj.cap = text.cap = html.cap = TMPL_MAX_OUT;
	if (tmpl_parse(name, src, len, &t, err, errlen) == -1)
		return -1;
	if (tmpl_check_names(name, vars, &t, err, errlen) == -1)
		goto fail;
	if (render_nodes(name, t.subject, &top, ESC_SUBJECT, &subj, err,
	    errlen) == -1 ||
	    render_nodes(name, t.text, &top, ESC_TEXT, &text, err,
	    errlen) == -1 ||
	    (t.has_html && render_nodes(name, t.html, &top, ESC_HTML, &html,
	    err, errlen) == -1))
		goto fail;
	tmpl_free(&t);

	/* subject: one line, runs of blanks squeezed, trimmed; controls
	 * written in the template itself (a stray CR) are blanks too */
	s = buf_str(&subj);
	*subject_r = xmalloc(subj.len + 1);
	for (i = j = 0; s[i]; i++) {
		c = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
		if (c == ' ' && (j == 0 || (*subject_r)[j - 1] == ' '))
			continue;
		(*subject_r)[j++] = c;
	}
	while (j > 0 && (*subject_r)[j - 1] == ' ')
		j--;
	(*subject_r)[j] = '\0';
	buf_free(&subj);
	*text_r = finish_body(&text);
	if (t.has_html || html.len > 0)
		*html_r = finish_body(&html);
	else
		buf_free(&html);
	return 0;
fail:
	tmpl_free(&t);
	buf_free(&subj);
	buf_free(&text);
	buf_free(&html);
	return -1;
}

static char *
read_file(const char *path, size_t *len_r, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;

	b.cap = TMPL_MAX_FILE;
	if (buf_read_file(&b, path) == -1) {
		snprintf(err, errlen, "%s:0: %s", path, buf_read_error());
		buf_free(&b);
		return NULL;
	}
	*len_r = b.len;
	return buf_steal(&b);
}

static char *
join_path(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s/%s", dir, name);
	return buf_steal(&b);
}

int
tmpl_render(const char *dir, const char *kind, const char *vars,
    const struct tmpl_vars *v, char **subject_r, char **text_r,
    char **html_r, char *err, size_t errlen)
{
	char *path, *src;
	size_t len;
	int rc = -1;

	*subject_r = *text_r = *html_r = NULL;
	path = join_path(dir, kind);
	if ((src = read_file(path, &len, err, errlen)) != NULL) {
		rc = tmpl_render_mem(path, vars, src, len, v, subject_r,
		    text_r, html_r, err, errlen);
		free(src);
	}
	free(path);
	return rc;
}

int
tmpl_check_file(const char *path, const char *vars, char *err, size_t errlen)
{
	struct tmpl t;
	char *src;
	size_t len;
	int rc;

	if ((src = read_file(path, &len, err, errlen)) == NULL)
		return -1;
	rc = tmpl_parse(path, src, len, &t, err, errlen);
	if (rc == 0) {
		rc = tmpl_check_names(path, vars, &t, err, errlen);
		tmpl_free(&t);
	}
	free(src);
	return rc;
}
