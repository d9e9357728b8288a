/* rules_parse: reading *.rules files into a compiled rule set; see rules.h
 * and the comment block at the top of rules/nes.rules for the format.
 *
 * Every problem stops the load with "FILE:LINE: problem": the robot never
 * runs with half its rules.  Patterns are compiled once here (PCRE2 with
 * JIT); rules.c only matches. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ascii.h"
#include "fold.h"
#include "mem.h"
#include "rules_priv.h"
#include "trust.h"
#include "unit.h"

#define RULES_MAX_FILE	((size_t)1 << 20)	/* a rules file is small */

static const char *const steps[] = {
	"ticket_opened", "form_received", "sent_to_kamusm", "kamusm_notified",
	"application_filled", "approved", "cargo_shipped",
	"certificate_shipped", "closed", "note", NULL
};

static const struct {
	const char	*word;
	enum rfield	 field;
} fields[] = {
	{ "subject", RF_SUBJECT },
	{ "body", RF_BODY },
	{ "fresh", RF_FRESH },
	{ "from_addr", RF_FROM_ADDR },
	{ "to", RF_TO },
	{ "cc", RF_CC },
	{ "attachment", RF_ATTACHMENT },
	{ "text", RF_TEXT },
	{ "rcpt", RF_RCPT },
	{ "header", RF_HEADER },
	{ NULL, 0 }
};

struct parser {
	struct rule_set	*rs;
	const char	*file;
	int		 line;
	struct rule	*cur;		/* rule being read, or NULL */
	int		 in_extract;	/* inside the [extract] block */
	char		*err;
	size_t		 errlen;
};

static int perr(struct parser *, const char *, ...)
	__attribute__((format(printf, 2, 3)));

static int
perr(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->file, p->line, msg);
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* The pattern as it is compiled.  The text is matched folded (fold.h,
 * ASCII form: lower case, Turkish diacritics stripped), so the pattern's
 * literal letters are folded the same way and it is compiled without
 * PCRE2_CASELESS.  (Caseless UCP matching would also be slow: 'k' and 's'
 * have non-ASCII case twins, the Kelvin sign and long s, which turn off
 * PCRE2's fast search for the first letter.)  What is not a literal keeps
 * its case: escapes (\S \D \b \p{Lu} \x{130}), group names, verbs.
 * A run of spaces outside a character class becomes (?:\s+), so that a
 * phrase matches across the line breaks of wrapped mail.  omap[i] is the
 * offset in src of output byte i, to report compile errors where the user
 * wrote them. */
struct pat {
	const char	*src;
	size_t		 n, i;
	struct buf	 out;
	size_t		*omap;
	size_t		 mapsize;
};

static void
emit(struct pat *p, const char *s, size_t len, size_t from)
{
	size_t k;

	if (p->out.len + len + 1 > p->mapsize) {
		p->mapsize = (p->out.len + len + 1) * 2;
		p->omap = xrealloc(p->omap, p->mapsize * sizeof(*p->omap));
	}
	for (k = 0; k < len; k++)
		p->omap[p->out.len + k] = from;
	buf_add(&p->out, s, len);
}

/* Copies src[i..] verbatim up to and including the byte `end`. */
static void
verbatim_to(struct pat *p, char end)
{
	size_t j = p->i;

	while (j < p->n && p->src[j] != end)
		j++;
	if (j < p->n)
		j++;
	for (; p->i < j; p->i++)
		emit(p, p->src + p->i, 1, p->i);
}

/* Emits one literal character (ASCII or UTF-8) folded. */
static void
literal(struct pat *p)
{
	unsigned char c = (unsigned char)p->src[p->i];
	size_t len = 1;
	char *f, *g, low;

	if (c < 0x80) {
		low = (char)ascii_lower(c);
		emit(p, &low, 1, p->i++);
		return;
	}
	while (p->i + len < p->n &&
	    ((unsigned char)p->src[p->i + len] & 0xc0) == 0x80)
		len++;
	f = xstrndup(p->src + p->i, len);
	g = fold_str(f, FOLD_ASCII);
	emit(p, g ? g : f, strlen(g ? g : f), p->i);
	free(g);
	free(f);
	p->i += len;
}

static void
escape(struct pat *p)
{
	const char *s = p->src;
	char c;

	emit(p, s + p->i, 1, p->i);	/* the backslash */
	if (++p->i >= p->n)
		return;
	c = s[p->i];
	if ((unsigned char)c >= 0x80) {	/* an escaped letter: a literal */
		p->out.len--;
		literal(p);
		return;
	}
	if (strchr("pPxNgkoc", c) && p->i + 1 < p->n && (s[p->i + 1] == '{' ||
	    s[p->i + 1] == '<' || s[p->i + 1] == '\'')) {
		verbatim_to(p, s[p->i + 1] == '{' ? '}' :
		    s[p->i + 1] == '<' ? '>' : '\'');
		if (s[p->i - 1] == '\'' && p->i < p->n)
			verbatim_to(p, '\'');
		return;
	}
	emit(p, s + p->i, 1, p->i);
	p->i++;
	if ((c == 'p' || c == 'P' || c == 'c') && p->i < p->n) {
		emit(p, s + p->i, 1, p->i);	/* \pL, \cA */
		p->i++;
	} else if (c == 'Q') {
		/* \Q...\E: literal text, folded. */
		while (p->i < p->n && !(s[p->i] == '\\' && p->i + 1 < p->n &&
		    s[p->i + 1] == 'E'))
			literal(p);
	}
}

static char *
fold_pattern(const char *src, size_t **omap_r)
{
	struct pat p;
	const char *s = src;
	int incls = 0, clsstart = 0;
	size_t j;

	memset(&p, 0, sizeof(p));
	p.src = src;
	p.n = strlen(src);
	p.out.cap = 1 << 20;
	while (p.i < p.n) {
		if (s[p.i] == '\\') {
			escape(&p);
			clsstart = 0;
			continue;
		}
		if (incls) {
			/* A ']' right after '[' or '[^' is a literal. */
			if (s[p.i] == ']' && !clsstart)
				incls = 0;
			clsstart = 0;
			if (s[p.i] == '[' && p.i + 1 < p.n && s[p.i + 1] == ':')
				verbatim_to(&p, ']');	/* [:alpha:] */
			else
				literal(&p);
			continue;
		}
		if (s[p.i] == '[') {
			incls = clsstart = 1;
			emit(&p, s + p.i, 1, p.i);
			if (++p.i < p.n && s[p.i] == '^') {
				emit(&p, s + p.i, 1, p.i);
				p.i++;
			}
			continue;
		}
		if (s[p.i] == '(' && p.i + 2 < p.n &&
		    (s[p.i + 1] == '*' || (s[p.i + 1] == '?' &&
		    (strchr("P'&(C", s[p.i + 2]) || (s[p.i + 2] == '<' &&
		    p.i + 3 < p.n && s[p.i + 3] != '=' && s[p.i + 3] != '!'))))) {
			/* (?<name> (?P<name> (?'name' (?&name) (*VERB)
			 * (?(cond) (?C): names are not text. */
			verbatim_to(&p, s[p.i + 2] == '\'' ? '\'' :
			    s[p.i + 2] == '<' || (s[p.i + 2] == 'P' &&
			    p.i + 3 < p.n && s[p.i + 3] == '<') ? '>' : ')');
			if (s[p.i - 1] == '\'' && p.i - 1 > 0 &&
			    s[p.i - 2] == '?')
				verbatim_to(&p, '\'');
			continue;
		}
		if (s[p.i] == ' ') {
			j = p.i;
			while (p.i < p.n && s[p.i] == ' ')
				p.i++;
			emit(&p, "(?:\\s+)", 7, j);
			continue;
		}
		literal(&p);
	}
	emit(&p, "", 0, p.n);
	if (p.mapsize == 0)
		p.omap = xcalloc(1, sizeof(*p.omap));
	else
		p.omap[p.out.len] = p.n;
	*omap_r = p.omap;
	return buf_steal(&p.out);
}

#define PATTERN_OPTIONS \
	(PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_DOTALL)

/* c's folded pattern pat cut into its top-level branches, each compiled
 * alone with its own words (struct rule_cond says why).  Should one
 * branch not compile alone, c keeps its whole pattern: never a worse
 * verdict, only a slower one. */
static void
split_cond(struct parser *p, struct rule_cond *c, const char *pat)
{
	struct rule_alt *alt;
	size_t *ends, n, i, start = 0, eoff;
	char *branch;
	int ecode;

	if ((n = rules_need_branches(pat, &ends)) == 0)
		return;
	alt = xcalloc(n, sizeof(*alt));
	for (i = 0; i < n; i++) {
		alt[i].re = pcre2_compile((PCRE2_SPTR)pat + start,
		    ends[i] - start, PATTERN_OPTIONS, &ecode, &eoff,
		    p->rs->cctx);
		if (alt[i].re == NULL)
			goto fail;
		branch = xstrndup(pat + start, ends[i] - start);
		alt[i].need = rules_need_of(p->rs, branch);
		free(branch);
		start = ends[i] + 1;
	}
	c->alt = alt;
	c->nalt = n;
	free(ends);
	return;
fail:
	rules_alts_free(alt, n);
	free(ends);
}

/* Compiles src folded; *need_r the words a match needs (rules_need.c).
 * With cond, a condition's pattern: split into its branches when it
 * has several, and then the whole is only kept.  No JIT code yet: that
 * is made at a pattern's first match (rules.c), since making it for
 * every rule took most of a load's time, and a poll that finds nothing
 * new loads the rules and matches nothing. */
static pcre2_code *
compile(struct parser *p, const char *src, struct rules_need **need_r,
    struct rule_cond *cond)
{
	pcre2_code *re;
	char *pat, emsg[256], msg[400];
	size_t *omap, eoff;
	int ecode;

	*need_r = NULL;
	if (*src == '\0') {
		perr(p, "empty pattern");
		return NULL;
	}
	pat = fold_pattern(src, &omap);
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PATTERN_OPTIONS, &ecode, &eoff, p->rs->cctx);
	if (re == NULL) {
		pcre2_get_error_message(ecode, (PCRE2_UCHAR *)emsg,
		    sizeof(emsg));
		snprintf(msg, sizeof(msg), "pattern: %s at offset %zu", emsg,
		    omap[eoff]);
		perr(p, "%s", msg);
		goto done;
	}
	if (cond != NULL)
		split_cond(p, cond, pat);
	*need_r = rules_need_of(p->rs, pat);
done:
	free(pat);
	free(omap);
	return re;
}

/* "not header List-Id" / "subject" / "header X-Foo" -> cond fields. */
static int
parse_field(struct parser *p, char *key, int allow_not, int *neg_r,
    enum rfield *field_r, int *hdr_r)
{
	char *w, *rest;
	size_t i;

	*neg_r = 0;
	*hdr_r = -1;
	w = trim(key);
	if (allow_not && strncmp(w, "not", 3) == 0 &&
	    (w[3] == ' ' || w[3] == '\t')) {
		*neg_r = 1;
		w = trim(w + 3);
	}
	rest = w + strcspn(w, " \t");
	if (*rest != '\0') {
		*rest++ = '\0';
		rest = trim(rest);
	}
	for (i = 0; fields[i].word; i++)
		if (strcmp(fields[i].word, w) == 0)
			break;
	if (fields[i].word == NULL)
		return perr(p, "unknown field '%s'", w);
	*field_r = fields[i].field;
	if (*field_r == RF_HEADER) {
		if (*rest == '\0' || strpbrk(rest, " \t:") != NULL)
			return perr(p, "header needs one header name, e.g. "
			    "'header List-Id'");
		for (i = 0; i < p->rs->nhdrs; i++)
			if (ascii_ieq(p->rs->hdrs[i], rest))
				break;
		if (i == p->rs->nhdrs) {
			p->rs->hdrs = xrealloc(p->rs->hdrs,
			    (i + 1) * sizeof(*p->rs->hdrs));
			p->rs->hdrs[i] = xstrdup(rest);
			p->rs->nhdrs++;
		}
		*hdr_r = (int)i;
	} else if (*rest != '\0')
		return perr(p, "unexpected '%s' after the field name", rest);
	return 0;
}

/* Cheap fields first: most rules fail on the subject, and the body is
 * folded only for rules that get that far. */
static int
field_cost(enum rfield f)
{
	switch (f) {
	case RF_BODY:
		return 3;
	case RF_FRESH:
	case RF_TEXT:
		return 2;
	default:
		return 1;
	}
}

static int
add_extract(struct parser *p, struct rule_extract **ex, size_t *nex,
    char *val)
{
	struct rule_extract *e;
	char *colon, *tab;
	uint32_t count, size, i;
	PCRE2_SPTR table;
	int neg;

	if ((colon = strchr(val, ':')) == NULL)
		return perr(p, "extract needs 'FIELD: PATTERN'");
	*colon = '\0';
	*ex = xrealloc(*ex, (*nex + 1) * sizeof(**ex));
	e = &(*ex)[*nex];
	memset(e, 0, sizeof(*e));
	if (parse_field(p, val, 0, &neg, &e->field, &e->hdr) == -1)
		return -1;
	e->line = p->line;
	if ((e->re = compile(p, trim(colon + 1), &e->need, NULL)) == NULL)
		return -1;
	(*nex)++;
	pcre2_pattern_info(e->re, PCRE2_INFO_NAMECOUNT, &count);
	if (count == 0)
		return perr(p, "extract pattern has no named group "
		    "(?<name>...)");
	pcre2_pattern_info(e->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(e->re, PCRE2_INFO_NAMETABLE, &table);
	e->groups = xcalloc(count, sizeof(*e->groups));
	e->names = xcalloc(count, sizeof(*e->names));
	for (i = 0; i < count; i++) {
		tab = (char *)table + (size_t)i * size;
		e->groups[i] = ((unsigned char)tab[0] << 8) |
		    (unsigned char)tab[1];
		e->names[i] = xstrdup(tab + 2);
	}
	e->ngroups = count;
	return 0;
}

/* Without a scope line: what the first role of 'from' says (rules.h). */
static enum rule_scope
default_scope(const struct rule *r)
{
	size_t n = strcspn(r->roles_str ? r->roles_str : "", ",");

	if (r->roles_str == NULL)
		return SCOPE_NAMED;
	if (n == 9 && strncmp(r->roles_str, "personnel", n) == 0)
		return SCOPE_SENDER;
	if (n == 9 && strncmp(r->roles_str, "unit_head", n) == 0)
		return SCOPE_UNIT;
	if (n == 6 && strncmp(r->roles_str, "kamusm", n) == 0)
		return SCOPE_PERSON;
	return SCOPE_NAMED;
}

static int
finish_rule(struct parser *p)
{
	struct rule *r = p->cur;
	size_t i, j;

	if (r == NULL)
		return 0;
	p->cur = NULL;
	/* These errors point at the rule's [rule NAME] line. */
	if (r->step == NULL || (r->roles == 0 && !r->anyone) ||
	    r->nconds == 0)
		p->line = r->line;
	if (r->step == NULL)
		return perr(p, "rule %s has no step", r->name);
	if (r->roles == 0 && !r->anyone)
		return perr(p, "rule %s has no 'from' (the sender's role; "
		    "'anyone' if any sender will do)", r->name);
	if (r->nconds == 0)
		return perr(p, "rule %s has no condition", r->name);
	if (!r->scope_set)
		r->scope = default_scope(r);
	/* Stable insertion sort by cost. */
	for (i = 1; i < r->nconds; i++) {
		struct rule_cond c = r->conds[i];

		for (j = i; j > 0 && field_cost(r->conds[j - 1].field) >
		    field_cost(c.field); j--)
			r->conds[j] = r->conds[j - 1];
		r->conds[j] = c;
	}
	return 0;
}

static int
parse_section(struct parser *p, char *s)
{
	char *end = strchr(s, ']'), *name;
	size_t i;

	if (end == NULL || *trim(end + 1) != '\0')
		return perr(p, "malformed section line");
	*end = '\0';
	s = trim(s + 1);
	if (finish_rule(p) == -1)
		return -1;
	p->in_extract = 0;
	if (strcmp(s, "extract") == 0) {
		p->in_extract = 1;
		return 0;
	}
	if (strncmp(s, "rule", 4) != 0 || (s[4] != ' ' && s[4] != '\t'))
		return perr(p, "unknown section [%s] (want [rule NAME] or "
		    "[extract])", s);
	name = trim(s + 4);
	if (*name == '\0')
		return perr(p, "rule without a name");
	for (i = 0; name[i]; i++)
		if (!islower((unsigned char)name[i]) &&
		    !isdigit((unsigned char)name[i]) && name[i] != '_')
			return perr(p, "rule name '%s': use a-z, 0-9 and _",
			    name);
	for (i = 0; i < p->rs->nrules; i++)
		if (strcmp(p->rs->rules[i].name, name) == 0)
			return perr(p, "duplicate rule name '%s'", name);
	p->rs->rules = xrealloc(p->rs->rules,
	    (p->rs->nrules + 1) * sizeof(*p->rs->rules));
	p->cur = &p->rs->rules[p->rs->nrules++];
	memset(p->cur, 0, sizeof(*p->cur));
	p->cur->name = xstrdup(name);
	p->cur->file = xstrdup(p->file);
	p->cur->line = p->line;
	return 0;
}

/* A ';' or '#' after the value of step/from starts a comment. */
static char *
plain_value(char *v)
{
	v[strcspn(v, ";#")] = '\0';
	return trim(v);
}

static int
parse_roles(struct parser *p, struct rule *r, char *v)
{
	struct buf words = BUF_INIT;
	char *w, *next;
	unsigned bit;

	v = plain_value(v);
	if (*v == '\0')
		return perr(p, "from needs a role");
	for (w = v; w != NULL; w = next) {
		if ((next = strchr(w, ',')) != NULL)
			*next++ = '\0';
		w = trim(w);
		if (strcmp(w, "anyone") == 0)
			r->anyone = 1;
		else if ((bit = trust_role_parse(w)) == 0) {
			buf_free(&words);
			return perr(p, "unknown role '%s' (kamusm, bys, bidb, "
			    "yazi_isleri, unit_head, personnel, internal, "
			    "anyone)", w);
		} else
			r->roles |= bit;
		buf_printf(&words, "%s%s", words.len ? "," : "", w);
	}
	free(r->roles_str);
	r->roles_str = buf_steal(&words);
	return 0;
}

/* scope = sender | person | named | unit (rules.h). */
static int
parse_scope(struct parser *p, struct rule *r, char *v)
{
	static const struct {
		const char	*word;
		enum rule_scope	 scope;
	} words[] = {
		{ "sender", SCOPE_SENDER }, { "person", SCOPE_PERSON },
		{ "named", SCOPE_NAMED }, { "unit", SCOPE_UNIT },
	};

	if (r->scope_set)
		return perr(p, "rule has two scopes");
	v = plain_value(v);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(v, words[i].word) == 0) {
			r->scope = words[i].scope;
			r->scope_set = 1;
			return 0;
		}
	return perr(p, "unknown scope '%s' (sender, person, named, unit)", v);
}

static int
parse_line(struct parser *p, char *s)
{
	struct rule *r = p->cur;
	struct rule_cond *c;
	char *eq, *key, *val;
	size_t i;

	s = trim(s);
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return parse_section(p, s);
	if ((eq = strchr(s, '=')) == NULL)
		return perr(p, "expected 'field = value'");
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (p->in_extract) {
		if (strcmp(key, "extract") != 0)
			return perr(p, "only 'extract' lines belong in "
			    "[extract], not '%s'", key);
		return add_extract(p, &p->rs->gex, &p->rs->ngex, val);
	}
	if (r == NULL)
		return perr(p, "'%s' outside a [rule NAME] section", key);
	if (strcmp(key, "step") == 0) {
		if (r->step != NULL)
			return perr(p, "rule has two steps");
		val = plain_value(val);
		for (i = 0; steps[i]; i++)
			if (strcmp(steps[i], val) == 0)
				break;
		if (steps[i] == NULL)
			return perr(p, "unknown step '%s'", val);
		r->step = steps[i];
		return 0;
	}
	if (strcmp(key, "from") == 0)
		return parse_roles(p, r, val);
	if (strcmp(key, "scope") == 0)
		return parse_scope(p, r, val);
	if (strcmp(key, "extract") == 0)
		return add_extract(p, &r->ex, &r->nex, val);
	r->conds = xrealloc(r->conds, (r->nconds + 1) * sizeof(*r->conds));
	c = &r->conds[r->nconds];
	memset(c, 0, sizeof(*c));
	if (parse_field(p, key, 1, &c->neg, &c->field, &c->hdr) == -1)
		return -1;
	c->line = p->line;
	if ((c->re = compile(p, val, &c->need, c)) == NULL)
		return -1;
	r->nconds++;
	return 0;
}

static int
load_file(struct parser *p, const char *path)
{
	struct buf b = BUF_INIT;
	char *s, *nl;
	int rv = -1;

	p->file = path;
	p->line = 0;
	b.cap = RULES_MAX_FILE;
	if (buf_read_file(&b, path) == -1) {
		snprintf(p->err, p->errlen, "%s:0: %s", path,
		    buf_read_error());
		goto fail;
	}
	for (s = b.s; s != NULL && *s != '\0'; s = nl) {
		if ((nl = strchr(s, '\n')) != NULL)
			*nl++ = '\0';
		p->line++;
		if (parse_line(p, s) == -1)
			goto fail;
	}
	if (finish_rule(p) == -1)
		goto fail;
	p->in_extract = 0;
	rv = 0;
fail:
	p->cur = NULL;
	buf_free(&b);
	return rv;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rules_load(const char *dir, struct rule_set **rs_r, char *err, size_t errlen)
{
	struct parser p;
	struct rule_set *rs;
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t nnames = 0, i, len;

	*rs_r = NULL;
	memset(&p, 0, sizeof(p));
	p.err = err;
	p.errlen = errlen;
	rs = p.rs = xcalloc(1, sizeof(*rs));
	rs->cctx = pcre2_compile_context_create(NULL);
	pcre2_set_newline(rs->cctx, PCRE2_NEWLINE_ANYCRLF);
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s:0: %s", dir, strerror(errno));
		goto fail;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 7 ||
		    strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		names = xrealloc(names, (nnames + 1) * sizeof(*names));
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(d);
	d = NULL;
	qsort(names, nnames, sizeof(*names), namecmp);
	if (nnames == 0) {
		snprintf(err, errlen, "%s:0: no *.rules file", dir);
		goto fail;
	}
	for (i = 0; i < nnames; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (load_file(&p, path) == -1)
			goto fail;
	}
	if (rules_runtime_init(rs) == -1) {
		snprintf(err, errlen, "%s:0: cannot set up PCRE2 matching",
		    dir);
		goto fail;
	}
	/* The units' usual names live beside the rules; last, so that a
	 * broken rule file leaves the table in use alone. */
	snprintf(path, sizeof(path), "%s/units.txt", dir);
	if (access(path, F_OK) == 0 && unit_load(path, err, errlen) == -1)
		goto fail;
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	*rs_r = rs;
	return 0;
fail:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	rules_free(&rs);
	return -1;
}
