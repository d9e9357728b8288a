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
 * is under RULES_NEED_MIN bytes saves too little and is not kept. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "rules_priv.h"

#define RULES_NEED_MIN	3
#define RULES_NEED_MAX	64	/* words in one set; more is no filter */

/* A set of words, one of which every match contains; top: none known. */
struct set {
	char	**w;
	size_t	  n;
	int	  top;
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

/* Keeps the better of *best and cand (a concatenation needs any one of
 * its parts' sets); frees the other. */
static void
keep_best(struct set *best, struct set *cand)
{
	if (!cand->top && (best->top || set_score(cand) > set_score(best) ||
	    (set_score(cand) == set_score(best) && cand->n < best->n))) {
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

static struct set alternation(struct an *);

/* A group from its '(': the set of its content, or top for a look-around
 * (its text is not part of the match). */
static struct set
group(struct an *a)
{
	const char *s = a->s;
	struct set t;
	int look = 0;

	a->i++;
	if (a->i < a->n && s[a->i] == '*') {
		a->bad = 1;	/* a verb */
		return set_top();
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
				return set_top();
			}
			a->i = (size_t)(e - s) + 1;
		} else {
			a->bad = 1;	/* options, comments, recursion */
			return set_top();
		}
	}
	t = alternation(a);
	if (a->i >= a->n || s[a->i] != ')')
		a->bad = 1;
	else
		a->i++;
	if (look) {
		set_free(&t);
		t = set_top();
	}
	return t;
}

/* One branch: a concatenation of atoms, each maybe quantified.  Runs of
 * literal bytes make words; the branch needs the best set among them
 * and the sets of its required groups. */
static struct set
branch(struct an *a)
{
	struct set best = set_top(), cand = set_top(), atom;
	struct buf run = BUF_INIT;
	unsigned long min;
	char lit[8];
	size_t litlen;
	int q;

	while (a->i < a->n && !a->bad && a->s[a->i] != '|' &&
	    a->s[a->i] != ')') {
		unsigned char ch = (unsigned char)a->s[a->i];

		atom = set_top();
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
			set_free(&atom);
			break;
		}
		if ((q = quantifier(a, &min)) == -1) {
			a->bad = 1;
			set_free(&atom);
			break;
		}
		if (litlen > 0 && q == 0) {
			buf_add(&run, lit, litlen);
			continue;
		}
		/* Anything else ends the run of literal bytes. */
		if (run.len > 0) {
			cand = set_word(run.s, run.len);
			keep_best(&best, &cand);
			run.len = 0;
		}
		if (q == 1 && min == 0) {
			set_free(&atom);
			continue;
		}
		if (litlen > 0) {
			/* a literal repeated at least once: itself once */
			cand = set_word(lit, litlen);
			keep_best(&best, &cand);
		} else
			keep_best(&best, &atom);
	}
	if (run.len > 0) {
		cand = set_word(run.s, run.len);
		keep_best(&best, &cand);
	}
	buf_free(&run);
	return best;
}

static struct set
alternation(struct an *a)
{
	struct set all = branch(a), next;

	while (!a->bad && a->i < a->n && a->s[a->i] == '|') {
		a->i++;
		next = branch(a);
		set_union(&all, &next);
	}
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

struct rules_need *
rules_need_of(struct rule_set *rs, const char *pattern)
{
	struct an a = { pattern, 0, strlen(pattern), 0 };
	struct set t = alternation(&a);
	struct rules_need *nd;

	if (a.bad || a.i != a.n || t.top || set_score(&t) < RULES_NEED_MIN) {
		set_free(&t);
		return NULL;
	}
	set_reduce(&t);
	nd = xmalloc(sizeof(*nd));
	nd->n = t.n;
	nd->word = xmalloc(t.n * sizeof(size_t));
	for (size_t i = 0; i < t.n; i++)
		nd->word[i] = intern(rs, t.w[i]);
	set_free(&t);
	return nd;
}

void
rules_need_free(struct rules_need **ndp)
{
	if (*ndp == NULL)
		return;
	free((*ndp)->word);
	free(*ndp);
	*ndp = NULL;
}

void
rules_need_words_free(struct rule_set *rs)
{
	for (size_t i = 0; i < rs->nneedw; i++)
		free(rs->needw[i]);
	free(rs->needw);
	free(rs->needlen);
	rs->needw = NULL;
	rs->needlen = NULL;
	rs->nneedw = 0;
}
