/* rules_need: the words a pattern cannot match without, found before
 * PCRE2 is asked.
 *
 * Most mail is no step of the procedure, and most patterns never match
 * it; yet PCRE2 tries a pattern such as "(^|[^a-z])onayla(dım|...)|
 * başvurumu .{0,40}onayladım" at every position of the text before it
 * says no.  Every match of that pattern contains "onayla" or "basvurumu"
 * (folded), so a text holding neither cannot match, and memmem says so
 * at a fraction of the cost.  The analysis reads the folded pattern
 * (rules_parse.c) and is conservative: it knows groups, alternation,
 * quantifiers, classes and escapes, and for anything else (inline
 * options, \Q, verbs, a brace that may or may not be a quantifier) it
 * says nothing, so the pattern is always run.  A set whose shortest word
 * is under RULES_NEED_MIN bytes saves too little and is not kept.
 *
 * A concatenation needs every one of its parts: "(kart|kargo)\w* .{0,30}
 * (geldi|ulasti)" needs "kart" or "kargo", and "geldi" or "ulasti" too.
 * Up to RULES_NEED_SETS such sets are kept, the cheapest to search first,
 * and a text must hold a word of each: one set alone let most of the
 * staff's mail through for some patterns ("teslim" is in most of it on
 * the bench's mailbox), where the pair lets through the few about a
 * card. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "rules_priv.h"

#define RULES_NEED_MIN	3
#define RULES_NEED_MAX	64	/* words in one set; more is no filter */
#define RULES_NEED_SETS	3	/* sets all of which a match needs */

/* A set of words, one of which every match contains; top: none known. */
struct set {
	char	**w;
	size_t	  n;
	int	  top;
};

/* Sets every one of which a match needs; none: nothing known. */
struct conj {
	struct set	*s;
	size_t		 n;
};

struct an {
	const char	*s;
	size_t		 i, n;
	int		 bad;	/* a construct not understood: say nothing */
};

static void
set_free(struct set *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->w[i]);
	free(t->w);
	t->w = NULL;
	t->n = 0;
}

static struct set
set_top(void)
{
	struct set t = { NULL, 0, 1 };

	return t;
}

static struct set
set_word(const char *s, size_t len)
{
	struct set t = { xmalloc(sizeof(char *)), 1, 0 };

	t.w[0] = xmalloc(len + 1);
	memcpy(t.w[0], s, len);
	t.w[0][len] = '\0';
	return t;
}

/* The shortest word of t: how much the set is worth as a filter. */
static size_t
set_score(const struct set *t)
{
	size_t m = (size_t)-1;

	if (t->top || t->n == 0)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->w[i]) < m)
			m = strlen(t->w[i]);
	return m;
}

/* Whether a is a better filter than b: a longer shortest word, or as
 * long and fewer words. */
static int
set_better(const struct set *a, const struct set *b)
{
	return set_score(a) > set_score(b) ||
	    (set_score(a) == set_score(b) && a->n < b->n);
}

/* Keeps the better of *best and cand (a concatenation needs any one of
 * its parts' sets); frees the other. */
static void
keep_best(struct set *best, struct set *cand)
{
	if (!cand->top && (best->top || set_better(cand, best))) {
		set_free(best);
		*best = *cand;
	} else
		set_free(cand);
	*cand = set_top();
}

/* a | b: a match of either contains a word of its own set. */
static void
set_union(struct set *a, struct set *b)
{
	if (a->top || b->top || a->n + b->n > RULES_NEED_MAX) {
		set_free(a);
		set_free(b);
		*a = set_top();
		*b = set_top();
		return;
	}
	a->w = xrealloc(a->w, (a->n + b->n) * sizeof(char *));
	memcpy(a->w + a->n, b->w, b->n * sizeof(char *));
	a->n += b->n;
	free(b->w);
	*b = set_top();
}

static void
conj_free(struct conj *c)
{
	for (size_t i = 0; i < c->n; i++)
		set_free(&c->s[i]);
	free(c->s);
	c->s = NULL;
	c->n = 0;
}

/* Adds *t to c (a set worth nothing is dropped); *t is taken. */
static void
conj_add(struct conj *c, struct set *t)
{
	if (t->top || set_score(t) < RULES_NEED_MIN) {
		set_free(t);
		*t = set_top();
		return;
	}
	c->s = xrealloc(c->s, (c->n + 1) * sizeof(*c->s));
	c->s[c->n++] = *t;
	*t = set_top();
}

/* Moves every set of *from into c. */
static void
conj_merge(struct conj *c, struct conj *from)
{
	for (size_t i = 0; i < from->n; i++)
		conj_add(c, &from->s[i]);
	free(from->s);
	from->s = NULL;
	from->n = 0;
}

/* The best set of c, alone, c emptied: what a branch of an alternation
 * gives to the union of the branches. */
static struct set
conj_best(struct conj *c)
{
	struct set best = set_top();

	for (size_t i = 0; i < c->n; i++)
		keep_best(&best, &c->s[i]);
	free(c->s);
	c->s = NULL;
	c->n = 0;
	return best;
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A quantifier at the cursor: consumed, its minimum in *min.  0 when
 * there is none, -1 (bad) on a brace that is not plainly one. */
static int
quantifier(struct an *a, unsigned long *min)
{
	const char *s = a->s;
	size_t j;

	if (a->i >= a->n)
		return 0;
	switch (s[a->i]) {
	case '?':
	case '*':
		*min = 0;
		a->i++;
		break;
	case '+':
		*min = 1;
		a->i++;
		break;
	case '{':
		j = a->i + 1;
		if (j >= a->n || !digit(s[j]))
			return -1;
		*min = strtoul(s + j, NULL, 10);
		while (j < a->n && digit(s[j]))
			j++;
		if (j < a->n && s[j] == ',')
			for (j++; j < a->n && digit(s[j]); j++)
				;
		if (j >= a->n || s[j] != '}')
			return -1;
		a->i = j + 1;
		break;
	default:
		return 0;
	}
	/* lazy or possessive */
	if (a->i < a->n && (s[a->i] == '?' || s[a->i] == '+'))
		a->i++;
	return 1;
}

/* Skips a character class from its '['. */
static void
skip_class(struct an *a)
{
	const char *s = a->s;

	a->i++;
	if (a->i < a->n && s[a->i] == '^')
		a->i++;
	if (a->i < a->n && s[a->i] == ']')
		a->i++;
	while (a->i < a->n && s[a->i] != ']') {
		if (s[a->i] == '\\' && a->i + 1 < a->n)
			a->i++;
		else if (s[a->i] == '[' && a->i + 1 < a->n &&
		    s[a->i + 1] == ':') {
			const char *e = strstr(s + a->i + 2, ":]");

			if (e == NULL) {
				a->bad = 1;
				return;
			}
			a->i = (size_t)(e - s) + 1;
		}
		a->i++;
	}
	if (a->i >= a->n)
		a->bad = 1;
	else
		a->i++;
}

/* Skips "{...}" after an escape letter, when there. */
static void
skip_braces(struct an *a)
{
	const char *e;

	if (a->i < a->n && a->s[a->i] == '{') {
		if ((e = memchr(a->s + a->i, '}', a->n - a->i)) == NULL)
			a->bad = 1;
		else
			a->i = (size_t)(e - a->s) + 1;
	}
}

/* An escape from its '\\': 1 with the literal byte in *c, 0 for one that
 * matches no fixed text (a class, an assertion), bad for the rest. */
static int
escape(struct an *a, char *c)
{
	char e;

	if (a->i + 1 >= a->n) {
		a->bad = 1;
		return 0;
	}
	e = a->s[a->i + 1];
	a->i += 2;
	if ((unsigned char)e < 0x80 && !(e >= 'a' && e <= 'z') &&
	    !(e >= 'A' && e <= 'Z') && !digit(e)) {
		*c = e;
		return 1;
	}
	if (strchr("dDwWsShHvVRXNCbBAzZGK", e) != NULL)
		return 0;
	if (e == 'p' || e == 'P') {
		if (a->i < a->n && a->s[a->i] == '{')
			skip_braces(a);
		else if (a->i < a->n)
			a->i++;
		return 0;
	}
	a->bad = 1;
	return 0;
}

static struct conj alternation(struct an *);

/* A group from its '(': the sets of its content, or none for a
 * look-around (its text is not part of the match). */
static struct conj
group(struct an *a)
{
	const char *s = a->s;
	struct conj t = { NULL, 0 };
	int look = 0;

	a->i++;
	if (a->i < a->n && s[a->i] == '*') {
		a->bad = 1;	/* a verb */
		return t;
	}
	if (a->i < a->n && s[a->i] == '?') {
		const char *r = s + a->i + 1;

		if (*r == ':' || *r == '|' || *r == '>')
			a->i += 2;
		else if (*r == '=' || *r == '!') {
			a->i += 2;
			look = 1;
		} else if (*r == '<' && (r[1] == '=' || r[1] == '!')) {
			a->i += 3;
			look = 1;
		} else if (*r == '<') {
			const char *e = strchr(r, '>');

			if (e == NULL) {
				a->bad = 1;
				return t;
			}
			a->i = (size_t)(e - s) + 1;
		} else {
			a->bad = 1;	/* options, comments, recursion */
			return t;
		}
	}
	t = alternation(a);
	if (a->i >= a->n || s[a->i] != ')')
		a->bad = 1;
	else
		a->i++;
	if (look)
		conj_free(&t);
	return t;
}

/* One branch: a concatenation of atoms, each maybe quantified.  Runs of
 * literal bytes make words; the branch needs each of them and the sets
 * of its required groups. */
static struct conj
branch(struct an *a)
{
	struct conj all = { NULL, 0 }, atom;
	struct set cand = set_top();
	struct buf run = BUF_INIT;
	unsigned long min;
	char lit[8];
	size_t litlen;
	int q;

	while (a->i < a->n && !a->bad && a->s[a->i] != '|' &&
	    a->s[a->i] != ')') {
		unsigned char ch = (unsigned char)a->s[a->i];

		atom.s = NULL;
		atom.n = 0;
		litlen = 0;
		if (ch == '(')
			atom = group(a);
		else if (ch == '[')
			skip_class(a);
		else if (ch == '\\') {
			if (escape(a, lit) == 1)
				litlen = 1;
		} else if (ch == '.' || ch == '^' || ch == '$')
			a->i++;
		else if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
			a->bad = 1;	/* a quantifier with nothing before */
			break;
		} else {
			/* a literal character, all its UTF-8 bytes */
			do
				lit[litlen++] = a->s[a->i++];
			while (a->i < a->n && litlen < sizeof(lit) &&
			    ((unsigned char)a->s[a->i] & 0xc0) == 0x80 &&
			    ch >= 0xc0);
		}
		if (a->bad) {
			conj_free(&atom);
			break;
		}
		if ((q = quantifier(a, &min)) == -1) {
			a->bad = 1;
			conj_free(&atom);
			break;
		}
		if (litlen > 0 && q == 0) {
			buf_add(&run, lit, litlen);
			continue;
		}
		/* Anything else ends the run of literal bytes. */
		if (run.len > 0) {
			cand = set_word(run.s, run.len);
			conj_add(&all, &cand);
			run.len = 0;
		}
		if (q == 1 && min == 0) {
			conj_free(&atom);
			continue;
		}
		if (litlen > 0) {
			/* a literal repeated at least once: itself once */
			cand = set_word(lit, litlen);
			conj_add(&all, &cand);
		} else
			conj_merge(&all, &atom);
	}
	if (run.len > 0) {
		cand = set_word(run.s, run.len);
		conj_add(&all, &cand);
	}
	buf_free(&run);
	return all;
}

/* Of several branches, a match needs one branch's: the union of each
 * branch's best set (one branch with nothing known, nothing). */
static struct conj
alternation(struct an *a)
{
	struct conj all = branch(a), next;
	struct set u, b;

	if (a->bad || a->i >= a->n || a->s[a->i] != '|')
		return all;
	u = conj_best(&all);
	while (!a->bad && a->i < a->n && a->s[a->i] == '|') {
		a->i++;
		next = branch(a);
		b = conj_best(&next);
		set_union(&u, &b);
	}
	conj_add(&all, &u);
	return all;
}

/* Drops each word that holds another word of the set: a text with the
 * longer one has the shorter one too, so one search is enough. */
static void
set_reduce(struct set *t)
{
	size_t i, j, k = 0;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->n; j++)
			if (j != i && t->w[j] != NULL &&
			    strstr(t->w[i], t->w[j]) != NULL &&
			    (strlen(t->w[j]) < strlen(t->w[i]) || j < i))
				break;
		if (j < t->n) {
			free(t->w[i]);
			t->w[i] = NULL;
		}
	}
	for (i = 0; i < t->n; i++)
		if (t->w[i] != NULL)
			t->w[k++] = t->w[i];
	t->n = k;
}

/* The index of word w in rs's table, added when new. */
static size_t
intern(struct rule_set *rs, const char *w)
{
	size_t i;

	for (i = 0; i < rs->nneedw; i++)
		if (strcmp(rs->needw[i], w) == 0)
			return i;
	rs->needw = xrealloc(rs->needw, (i + 1) * sizeof(char *));
	rs->needlen = xrealloc(rs->needlen, (i + 1) * sizeof(size_t));
	rs->needw[i] = xstrdup(w);
	rs->needlen[i] = strlen(w);
	rs->nneedw = i + 1;
	return i;
}

/* One link of the chain rules_need_of gives: t's words. */
static struct rules_need *
need_link(struct rule_set *rs, const struct set *t)
{
	struct rules_need *nd;

	nd = xmalloc(sizeof(*nd));
	nd->n = t->n;
	nd->word = xmalloc(t->n * sizeof(size_t));
	for (size_t i = 0; i < t->n; i++)
		nd->word[i] = intern(rs, t->w[i]);
	nd->next = NULL;
	return nd;
}

/* Whether a and b hold the same words. */
static int
set_same(const struct set *a, const struct set *b)
{
	size_t i, j;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n && strcmp(a->w[i], b->w[j]) != 0; j++)
			;
		if (j == b->n)
			return 0;
	}
	return 1;
}

struct rules_need *
rules_need_of(struct rule_set *rs, const char *pattern)
{
	struct an a = { pattern, 0, strlen(pattern), 0 };
	struct conj c = alternation(&a);
	struct rules_need *first = NULL, **tail = &first;
	size_t i, j, k, kept = 0;

	if (a.bad || a.i != a.n) {
		conj_free(&c);
		return NULL;
	}
	/* Each set once, the cheapest first (one search a word), the better
	 * filter first among as cheap ones: most texts are turned away by
	 * the first set. */
	for (i = 0; i < c.n; i++)
		set_reduce(&c.s[i]);
	for (i = 0; i < c.n; i++)
		for (j = i + 1; j < c.n; j++)
			if (c.s[j].n < c.s[i].n || (c.s[j].n == c.s[i].n &&
			    set_better(&c.s[j], &c.s[i]))) {
				struct set t = c.s[i];

				c.s[i] = c.s[j];
				c.s[j] = t;
			}
	for (i = 0; i < c.n && kept < RULES_NEED_SETS; i++) {
		for (k = 0; k < i && !set_same(&c.s[k], &c.s[i]); k++)
			;
		if (k < i)
			continue;
		*tail = need_link(rs, &c.s[i]);
		tail = &(*tail)->next;
		kept++;
	}
	conj_free(&c);
	return first;
}

size_t
rules_need_branches(const char *pattern, size_t **ends_r)
{
	struct an a = { pattern, 0, strlen(pattern), 0 };
	struct conj t;
	size_t *ends = NULL, n = 0;

	*ends_r = NULL;
	for (;;) {
		t = branch(&a);
		conj_free(&t);
		if (a.bad)
			break;
		ends = xrealloc(ends, (n + 1) * sizeof(*ends));
		ends[n++] = a.i;
		if (a.i >= a.n || a.s[a.i] != '|')
			break;
		a.i++;
	}
	if (a.bad || a.i != a.n || n < 2) {
		free(ends);
		return 0;
	}
	*ends_r = ends;
	return n;
}

void
rules_need_free(struct rules_need **ndp)
{
	struct rules_need *nd = *ndp, *next;

	for (; nd != NULL; nd = next) {
		next = nd->next;
		free(nd->word);
		free(nd);
	}
	*ndp = NULL;
}

/* The index of the words: at each offset of a text, the hash of its next
 * three bytes (every word has at least three) says whether a word may
 * start there (a bit in 2^16) and which words to compare (a bucket of
 * 2^12). */
#define NEED_HASH_BITS	16
#define NEED_BUCKETS	4096

static uint32_t
hash3(const unsigned char *p)
{
	uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16;

	return (k * 0x9e3779b1u) >> (32 - NEED_HASH_BITS);
}

void
rules_need_index(struct rule_set *rs)
{
	uint32_t h, b, *fill;
	size_t w;

	rs->needbits = xcalloc((1u << NEED_HASH_BITS) / 64, sizeof(uint64_t));
	rs->needstart = xcalloc(NEED_BUCKETS + 1, sizeof(uint32_t));
	rs->needorder = xcalloc(rs->nneedw + 1, sizeof(uint32_t));
	for (w = 0; w < rs->nneedw; w++) {
		h = hash3((const unsigned char *)rs->needw[w]);
		rs->needbits[h / 64] |= (uint64_t)1 << (h % 64);
		rs->needstart[h % NEED_BUCKETS + 1]++;
	}
	for (b = 0; b < NEED_BUCKETS; b++)
		rs->needstart[b + 1] += rs->needstart[b];
	fill = xcalloc(NEED_BUCKETS, sizeof(uint32_t));
	for (w = 0; w < rs->nneedw; w++) {
		b = hash3((const unsigned char *)rs->needw[w]) % NEED_BUCKETS;
		rs->needorder[rs->needstart[b] + fill[b]++] = (uint32_t)w;
	}
	free(fill);
}

void
rules_need_scan(const struct rule_set *rs, const char *s, size_t len,
    unsigned char *seen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, w, left = 0;
	uint32_t h, j;

	for (w = 0; w < rs->nneedw; w++)
		left += seen[w] == 0;
	for (i = 0; i + RULES_NEED_MIN <= len && left > 0; i++) {
		h = hash3(p + i);
		if ((rs->needbits[h / 64] & (uint64_t)1 << (h % 64)) == 0)
			continue;
		h %= NEED_BUCKETS;
		for (j = rs->needstart[h]; j < rs->needstart[h + 1]; j++) {
			w = rs->needorder[j];
			if (seen[w] == 0 && rs->needlen[w] <= len - i &&
			    memcmp(p + i, rs->needw[w], rs->needlen[w]) == 0) {
				seen[w] = 2;
				left--;
			}
		}
	}
	for (w = 0; w < rs->nneedw; w++)
		if (seen[w] == 0)
			seen[w] = 1;
}

void
rules_need_words_free(struct rule_set *rs)
{
	for (size_t i = 0; i < rs->nneedw; i++)
		free(rs->needw[i]);
	free(rs->needw);
	free(rs->needlen);
	free(rs->needbits);
	free(rs->needstart);
	free(rs->needorder);
	rs->needw = NULL;
	rs->needlen = NULL;
	rs->needbits = NULL;
	rs->needstart = rs->needorder = NULL;
	rs->nneedw = 0;
}
