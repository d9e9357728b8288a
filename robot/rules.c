/* rules: matching a decoded message against the compiled rule set; see
 * rules.h.  The file parser is in rules_parse.c.
 *
 * Each field a rule looks at is folded once per message (fold.h, ASCII
 * form) and only when a rule first needs it, so a message that fails every
 * rule on its subject never has its body folded.  Captures are located in
 * the folded text and cut, through the fold map, from the original; the
 * map is made only for a field something was found in to capture, since
 * most mail never gets that far. */
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "fold.h"
#include "log.h"
#include "mem.h"
#include "quote.h"
#include "rules_priv.h"
#include "trust.h"

enum { LIMIT = -2 };

/* One field of the message being evaluated, folded on first use. */
struct field {
	int		 ready;
	char		*orig;		/* owned when own is set */
	size_t		 orig_len;	/* bytes of orig folded */
	int		 own;
	int		 alias;		/* f borrowed from the body field */
	struct fold	 f;		/* f.map made by field_map() */
	unsigned char	*seen;		/* per word of rs->needw: 0 not yet
					 * looked for, 1 absent, 2 there */
	int		 searches;	/* memmem calls so far */
};

struct evalctx {
	const struct rule_set	*rs;
	const struct mime_msg	*msg;
	struct field		*fields;	/* RF_NFIXED + rs->nhdrs */
	const char		*limit_rule;
};

static const char *const field_words[] = {
	"subject", "body", "fresh", "from_addr", "to", "cc", "attachment",
	"text", "rcpt", "header"
};

/* PCRE2 in UTF mode refuses invalid UTF-8; fold.h passes such bytes
 * through, so they are replaced here (same length: the map stays right)
 * and the match can skip PCRE2's own check. */
static void
utf8_sanitize(char *s, size_t len)
{
	unsigned char *p = (unsigned char *)s;
	size_t i = 0, n, k;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			n = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			n = 4;
		else
			n = 0;
		for (k = 1; n && k < n; k++)
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				n = 0;
		if (n == 3 && ((p[i] == 0xe0 && p[i + 1] < 0xa0) ||
		    (p[i] == 0xed && p[i + 1] >= 0xa0)))
			n = 0;
		if (n == 4 && ((p[i] == 0xf0 && p[i + 1] < 0x90) ||
		    (p[i] == 0xf4 && p[i + 1] >= 0x90)))
			n = 0;
		if (n == 0) {
			p[i++] = '?';
			continue;
		}
		i += n;
	}
}

static char *
header_values(const struct mime_msg *msg, const char *name)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < msg->nheaders; i++)
		if (msg->headers[i].name != NULL &&
		    ascii_ieq(msg->headers[i].name, name))
			buf_printf(&b, "%s%s", b.len ? "\n" : "",
			    msg->headers[i].value ? msg->headers[i].value : "");
	return buf_steal(&b);
}

static struct field *get_field(struct evalctx *, enum rfield, int);

/* Folds orig_len bytes of fl->orig into fl->f, without the map. */
static void
field_fold(struct field *fl)
{
	if (fold_text_nomap(fl->orig, fl->orig_len, FOLD_ASCII, &fl->f) ==
	    -1) {
		memset(&fl->f, 0, sizeof(fl->f));
		fl->f.s = xstrdup("");
	}
	utf8_sanitize(fl->f.s, fl->f.len);
}

/* Makes fl's map, by folding its text again with one: the folded bytes
 * come out the same, so matches found in fl->f.s stay where they are. */
static void
field_map(struct evalctx *c, struct field *fl)
{
	struct fold m;

	if (fl->f.map != NULL)
		return;
	if (fl->alias) {
		struct field *body = get_field(c, RF_BODY, -1);

		field_map(c, body);
		fl->f.map = body->f.map;
		return;
	}
	if (fold_text(fl->orig, fl->orig_len, FOLD_ASCII, &m) == 0 &&
	    m.len == fl->f.len) {
		fl->f.map = m.map;
		m.map = NULL;
	} else
		fl->f.map = xcalloc(fl->f.len + 1, sizeof(*fl->f.map));
	fold_free(&m);
}

static struct field *
get_field(struct evalctx *c, enum rfield f, int hdr)
{
	const struct mime_msg *m = c->msg;
	struct field *fl;
	struct buf b = BUF_INIT;
	const char *src = NULL;
	size_t i;

	fl = &c->fields[f == RF_HEADER ? RF_NFIXED + hdr : (int)f];
	if (fl->ready)
		return fl;
	switch (f) {
	case RF_SUBJECT:
		src = m->subject;
		break;
	case RF_BODY:
		src = m->text;
		break;
	case RF_FRESH: {
		/* Not always a prefix of the body: a bottom-posted reply's
		 * fresh lines come after the quote.  Mail that quotes nothing
		 * is its own fresh text: the body's folding serves. */
		struct field *body;

		fl->orig = quote_fresh_text(m->text);
		fl->own = 1;
		body = get_field(c, RF_BODY, -1);
		if (strlen(fl->orig) != body->orig_len)
			break;
		fl->orig_len = body->orig_len;
		fl->f = body->f;
		fl->alias = 1;
		fl->ready = 1;
		return fl;
	}
	case RF_FROM_ADDR:
		src = m->from_addr;
		break;
	case RF_TO:
		src = m->to;
		break;
	case RF_CC:
		src = m->cc;
		break;
	case RF_ATTACHMENT:
		/* The name and the type, each on a line of its own: a form
		 * may come as "e-imza", typed as a spreadsheet. */
		for (i = 0; i < m->natt; i++) {
			if (m->att[i].name != NULL)
				buf_printf(&b, "%s%s", b.len ? "\n" : "",
				    m->att[i].name);
			if (m->att[i].type != NULL)
				buf_printf(&b, "%s%s", b.len ? "\n" : "",
				    m->att[i].type);
		}
		fl->orig = buf_steal(&b);
		fl->own = 1;
		break;
	case RF_TEXT: {
		const struct field *fresh = get_field(c, RF_FRESH, -1);

		buf_puts(&b, m->subject ? m->subject : "");
		buf_putc(&b, '\n');
		buf_add(&b, fresh->orig, fresh->orig_len);
		fl->orig = buf_steal(&b);
		fl->own = 1;
		break;
	}
	case RF_RCPT:
		buf_puts(&b, m->to ? m->to : "");
		buf_putc(&b, '\n');
		buf_puts(&b, m->cc ? m->cc : "");
		fl->orig = buf_steal(&b);
		fl->own = 1;
		break;
	case RF_HEADER:
		fl->orig = header_values(m, c->rs->hdrs[hdr]);
		fl->own = 1;
		break;
	}
	if (!fl->own)
		fl->orig = (char *)(src ? src : "");
	fl->orig_len = strlen(fl->orig);
	field_fold(fl);
	fl->ready = 1;
	return fl;
}

/* Whether fl holds a word of each set of need (NULL: maybe, so 1); each
 * word is looked for once per field and message.  The first few with
 * memmem, which goes over a text faster than anything byte by byte but
 * once per word; a field asked for more (the personnel's rules ask the
 * fresh text for some twenty words) is then read once for every word
 * not yet looked for (rules_need_scan). */
#define NEED_LAZY	6

static int
need_found(const struct rule_set *rs, const struct rules_need *need,
    struct field *fl)
{
	size_t i, w;

	if (need != NULL && fl->seen == NULL)
		fl->seen = xcalloc(rs->nneedw, 1);
	for (; need != NULL; need = need->next) {
		for (i = 0; i < need->n; i++) {
			w = need->word[i];
			if (fl->seen[w] == 0 && fl->searches >= NEED_LAZY)
				rules_need_scan(rs, fl->f.s, fl->f.len,
				    fl->seen);
			if (fl->seen[w] == 0) {
				fl->seen[w] = memmem(fl->f.s, fl->f.len,
				    rs->needw[w], rs->needlen[w]) != NULL ?
				    2 : 1;
				fl->searches++;
			}
			if (fl->seen[w] == 2)
				break;
		}
		if (i == need->n)
			return 0;
	}
	return 1;
}

/* Makes re JIT code unless it is already (rules_parse.c's compile says
 * why this waits for a first match).  Should that fail, the interpreter
 * still matches, with the same limits. */
static void
jit_once(const struct rule_set *rs, pcre2_code *re)
{
	size_t size = 0;

	if (rs->jit_works &&
	    pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &size) == 0 &&
	    size == 0)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
}

/* 1 match, 0 none, LIMIT when a limit stopped it.  From the start of the
 * text, a text without any word the pattern needs is no match without
 * asking PCRE2 (rules_need.c). */
static int
match_at(const struct rule_set *rs, pcre2_code *re,
    const struct rules_need *need, struct field *fl, size_t start)
{
	int rc;

	if (start == 0 && !need_found(rs, need, fl))
		return 0;
	jit_once(rs, re);
	rc = pcre2_match(re, (PCRE2_SPTR)fl->f.s, fl->f.len, start,
	    PCRE2_NO_UTF_CHECK, rs->md, rs->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	/* Match, depth, heap or JIT stack limits, or anything else that
	 * stopped the match: never taken as a verdict. */
	return LIMIT;
}

/* 1 when rc's pattern matches fl (one of its branches, when it is split),
 * 0 when not, LIMIT. */
static int
cond_match(const struct rule_set *rs, const struct rule_cond *rc,
    struct field *fl)
{
	size_t i;
	int m;

	if (rc->nalt == 0)
		return match_at(rs, rc->re, rc->need, fl, 0);
	for (i = 0; i < rc->nalt; i++)
		if ((m = match_at(rs, rc->alt[i].re, rc->alt[i].need, fl,
		    0)) != 0)
			return m;
	return 0;
}

/* 1 when every condition of r holds, 0 (and why) when one does not,
 * LIMIT. */
static int
conds_hold(struct evalctx *c, const struct rule *r, const struct rule_cond
    **failed_r)
{
	size_t i;
	int m;

	for (i = 0; i < r->nconds; i++) {
		const struct rule_cond *rc = &r->conds[i];

		m = cond_match(c->rs, rc, get_field(c, rc->field, rc->hdr));
		if (m == LIMIT)
			return LIMIT;
		if (m == rc->neg) {
			*failed_r = rc;
			return 0;
		}
	}
	return 1;
}

/* Trims and collapses white space runs to one space. */
static char *
clean_copy(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t i, o = 0;
	int sp = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
		    ch == '\v' || ch == '\f') {
			sp = 1;
			continue;
		}
		/* U+00A0, no-break space, from HTML mail */
		if (ch == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) {
			i++;
			sp = 1;
			continue;
		}
		if (sp && o > 0)
			out[o++] = ' ';
		sp = 0;
		out[o++] = (char)ch;
	}
	out[o] = '\0';
	return out;
}

static void
add_capture(struct rule_result *res, const char *name, char *value)
{
	const char *key;
	size_t i;

	if (strcmp(name, "approval") == 0 &&
	    (key = rules_approval_key(value)) != NULL) {
		free(value);
		value = xstrdup(key);
	}
	if (*value == '\0') {
		free(value);
		return;
	}
	/* The same person named twice in one mail is one capture. */
	for (i = 0; i < res->ncaps; i++)
		if (strcmp(res->caps[i].name, name) == 0 &&
		    strcmp(res->caps[i].value, value) == 0) {
			free(value);
			return;
		}
	res->caps = xrealloc(res->caps, (res->ncaps + 1) * sizeof(*res->caps));
	res->caps[res->ncaps].name = xstrdup(name);
	res->caps[res->ncaps].value = value;
	res->ncaps++;
}

/* Every match of e over its field, every named group set in it.  0 or
 * LIMIT. */
static int
run_extract(struct evalctx *c, const struct rule_extract *e,
    struct rule_result *res)
{
	const struct rule_set *rs = c->rs;
	struct field *fl = get_field(c, e->field, e->hdr);
	PCRE2_SIZE *ov;
	size_t start = 0, s, t;
	uint32_t g;
	int m;

	while (start <= fl->f.len) {
		if ((m = match_at(rs, e->re, e->need, fl, start)) != 1)
			return m == LIMIT ? LIMIT : 0;
		ov = pcre2_get_ovector_pointer(rs->md);
		field_map(c, fl);
		for (g = 0; g < e->ngroups; g++) {
			s = ov[2 * e->groups[g]];
			t = ov[2 * e->groups[g] + 1];
			if (s == PCRE2_UNSET || t < s)
				continue;
			add_capture(res, e->names[g],
			    clean_copy(fl->orig + fl->f.map[s],
			    fl->f.map[t] - fl->f.map[s]));
		}
		if (ov[1] > ov[0])
			start = ov[1];
		else {
			/* Empty match: step over one UTF-8 character. */
			start = ov[1] + 1;
			while (start < fl->f.len &&
			    ((unsigned char)fl->f.s[start] & 0xc0) == 0x80)
				start++;
		}
	}
	return 0;
}

static void
explain_line(struct rule_result *res, const struct rule *r,
    const struct rule_cond *fc, const struct rule_set *rs)
{
	if (fc->field == RF_HEADER)
		buf_printf(&res->explain, "%s: %sheader %s %s (line %d)\n",
		    r->name, fc->neg ? "not " : "", rs->hdrs[fc->hdr],
		    fc->neg ? "matched" : "did not match", fc->line);
	else
		buf_printf(&res->explain, "%s: %s%s %s (line %d)\n", r->name,
		    fc->neg ? "not " : "", field_words[fc->field],
		    fc->neg ? "matched" : "did not match", fc->line);
}

int
rules_eval(const struct rule_set *rs, const struct mime_msg *msg,
    unsigned sender_roles, int explain, struct rule_result *res)
{
	struct evalctx c;
	const struct rule *win = NULL, *r;
	const struct rule_cond *fc;
	size_t i, n;
	int m, rv = 0, pass, allowed;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.rs = rs;
	c.msg = msg;
	c.fields = xcalloc(RF_NFIXED + rs->nhdrs, sizeof(*c.fields));
	/* Rules the sender may not trigger are tried only when no other
	 * rule matched, and only to name the refused one: the result is the
	 * same as one pass in file order, but a message that matches skips
	 * most of the Kamu SM rules.  explain wants a line for every rule,
	 * so it makes one pass. */
	/* A member of the institution is never taken for a forger of a
	 * role's words (cases.c), so for them the second pass is only
	 * wanted to explain. */
	for (pass = explain ? 1 : 0; pass < ((sender_roles & ROLE_INTERNAL) &&
	    !explain ? 1 : 2) && win == NULL; pass++)
		for (i = 0; i < rs->nrules; i++) {
			r = &rs->rules[i];
			allowed = r->anyone || (r->roles & sender_roles) != 0;
			if ((pass == 0 && !allowed) || (pass == 1 && !explain &&
			    allowed))
				continue;
			/* A note moves nothing, so the same words from
			 * another sender are no forgery to quarantine
			 * (staff write "e-imza" all the time): such mail is
			 * simply not recognised. */
			if (!allowed && strcmp(r->step, "note") == 0) {
				if (explain)
					buf_printf(&res->explain, "%s: sender "
					    "lacks role %s (a note: not "
					    "tried)\n", r->name, r->roles_str);
				continue;
			}
			fc = NULL;
			if ((m = conds_hold(&c, r, &fc)) == LIMIT) {
				c.limit_rule = r->name;
				goto limit;
			}
			if (m == 0) {
				if (explain)
					explain_line(res, r, fc, rs);
				continue;
			}
			if (allowed) {
				win = r;
				break;
			}
			if (explain)
				buf_printf(&res->explain,
				    "%s: sender lacks role %s\n", r->name,
				    r->roles_str);
			if (res->refused == NULL) {
				res->refused = r;
				res->refused_name = r->name;
				res->refused_role = r->roles_str;
				if (!explain)
					break;
			}
		}
	if (win != NULL) {
		res->rule = win;
		res->rule_name = win->name;
		res->step = win->step;
		res->scope = win->scope;
		res->refused = NULL;
		res->refused_name = res->refused_role = NULL;
		if (explain)
			buf_printf(&res->explain, "%s: matched (%s:%d)\n",
			    win->name, win->file, win->line);
		for (n = 0; n < win->nex; n++)
			if (run_extract(&c, &win->ex[n], res) == LIMIT) {
				c.limit_rule = win->name;
				goto limit;
			}
	}
	for (n = 0; n < rs->ngex; n++)
		if (run_extract(&c, &rs->gex[n], res) == LIMIT) {
			c.limit_rule = "[extract]";
			goto limit;
		}
	goto done;
limit:
	log_warn("rules: match limit hit in rule %s (message %s): "
	    "treated as no match", c.limit_rule,
	    msg->message_id ? msg->message_id : "without Message-ID");
	for (n = 0; n < res->ncaps; n++) {
		free(res->caps[n].name);
		free(res->caps[n].value);
	}
	free(res->caps);
	res->caps = NULL;
	res->ncaps = 0;
	res->rule = res->refused = NULL;
	res->rule_name = res->step = res->refused_name = NULL;
	res->refused_role = NULL;
	res->limit_rule = c.limit_rule;
	if (explain)
		buf_printf(&res->explain, "%s: match limit hit\n",
		    c.limit_rule);
	rv = -1;
done:
	for (n = 0; n < RF_NFIXED + rs->nhdrs; n++) {
		if (!c.fields[n].ready)
			continue;
		if (!c.fields[n].alias)
			fold_free(&c.fields[n].f);
		if (c.fields[n].own)
			free(c.fields[n].orig);
		free(c.fields[n].seen);
	}
	free(c.fields);
	return rv;
}

void
rules_result_free(struct rule_result *res)
{
	size_t i;

	for (i = 0; i < res->ncaps; i++) {
		free(res->caps[i].name);
		free(res->caps[i].value);
	}
	free(res->caps);
	buf_free(&res->explain);
	memset(res, 0, sizeof(*res));
}

const char *
rules_capture(const struct rule_result *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->ncaps; i++)
		if (strcmp(res->caps[i].name, name) == 0)
			return res->caps[i].value;
	return NULL;
}

size_t
rules_count(const struct rule_set *rs)
{
	return rs ? rs->nrules : 0;
}

/* Whether a pattern can be made JIT code here: PCRE2 may be built
 * without it, or the system may refuse it executable memory.  Asked once
 * so that each match does not try again (and fail again) on such a
 * system. */
static int
jit_probe(const struct rule_set *rs)
{
	pcre2_code *re;
	size_t eoff;
	int ecode, ok;

	re = pcre2_compile((PCRE2_SPTR)"a", 1, 0, &ecode, &eoff, rs->cctx);
	if (re == NULL)
		return 0;
	ok = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
	pcre2_code_free(re);
	return ok;
}

int
rules_runtime_init(struct rule_set *rs)
{
	uint32_t cap, max = 1;
	size_t i, j;

	for (i = 0; i < rs->nrules; i++)
		for (j = 0; j < rs->rules[i].nex; j++) {
			pcre2_pattern_info(rs->rules[i].ex[j].re,
			    PCRE2_INFO_CAPTURECOUNT, &cap);
			if (cap + 1 > max)
				max = cap + 1;
		}
	for (j = 0; j < rs->ngex; j++) {
		pcre2_pattern_info(rs->gex[j].re, PCRE2_INFO_CAPTURECOUNT,
		    &cap);
		if (cap + 1 > max)
			max = cap + 1;
	}
	rules_need_index(rs);
	rs->jit_works = jit_probe(rs);
	rs->mctx = pcre2_match_context_create(NULL);
	rs->jit = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	rs->md = pcre2_match_data_create(max, NULL);
	if (rs->mctx == NULL || rs->jit == NULL || rs->md == NULL)
		return -1;
	pcre2_set_match_limit(rs->mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(rs->mctx, RULES_DEPTH_LIMIT);
	pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit);
	return 0;
}

static void
free_extracts(struct rule_extract *ex, size_t n)
{
	size_t i;
	uint32_t g;

	for (i = 0; i < n; i++) {
		pcre2_code_free(ex[i].re);
		rules_need_free(&ex[i].need);
		for (g = 0; g < ex[i].ngroups; g++)
			free(ex[i].names[g]);
		free(ex[i].names);
		free(ex[i].groups);
	}
	free(ex);
}

void
rules_alts_free(struct rule_alt *alt, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pcre2_code_free(alt[i].re);
		rules_need_free(&alt[i].need);
	}
	free(alt);
}

void
rules_free(struct rule_set **rsp)
{
	struct rule_set *rs = *rsp;
	size_t i, j;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++) {
		struct rule *r = &rs->rules[i];

		for (j = 0; j < r->nconds; j++) {
			pcre2_code_free(r->conds[j].re);
			rules_need_free(&r->conds[j].need);
			rules_alts_free(r->conds[j].alt, r->conds[j].nalt);
		}
		free(r->conds);
		free_extracts(r->ex, r->nex);
		free(r->name);
		free(r->file);
		free(r->roles_str);
	}
	free(rs->rules);
	free_extracts(rs->gex, rs->ngex);
	rules_need_words_free(rs);
	for (i = 0; i < rs->nhdrs; i++)
		free(rs->hdrs[i]);
	free(rs->hdrs);
	pcre2_match_data_free(rs->md);
	pcre2_jit_stack_free(rs->jit);
	pcre2_match_context_free(rs->mctx);
	pcre2_compile_context_free(rs->cctx);
	free(rs);
	*rsp = NULL;
}

const char *
rules_approval_key(const char *captured)
{
	char *f, *p, *q;
	const char *key = NULL;

	if (captured == NULL || (f = fold_str(captured, FOLD_ASCII)) == NULL)
		return NULL;
	/* Keep letters only: "e-Onay", "e onay", "eonay" all read "eonay". */
	for (p = q = f; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*q++ = *p;
	*q = '\0';
	if (strncmp(f, "eonay", 5) == 0)
		key = "e-onay";
	else if (strncmp(f, "eimza", 5) == 0)
		key = "e-imza";
	else if (strncmp(f, "islak", 5) == 0)
		key = "islak-imza";
	free(f);
	return key;
}
