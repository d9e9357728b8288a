/* rules_priv: the compiled form of a rule set, shared by rules_parse.c
 * (which builds it) and rules.c (which matches with it).  Not for other
 * modules: they use rules.h. */
#ifndef ROBOT_RULES_PRIV_H
#define ROBOT_RULES_PRIV_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "rules.h"

/* What a condition or extract pattern is matched against. */
enum rfield {
	RF_SUBJECT,
	RF_BODY,	/* the whole decoded text */
	RF_FRESH,	/* quote_fresh_text() of the text */
	RF_FROM_ADDR,
	RF_TO,
	RF_CC,
	RF_ATTACHMENT,	/* attachment names and types, one a line */
	RF_TEXT,	/* the subject, a line break, the fresh text */
	RF_RCPT,	/* the To and Cc headers, one a line */
	RF_HEADER,	/* every header called hdrs[hdr], one a line */
	RF_NFIXED = RF_HEADER
};

/* Words one of which every match of a pattern contains (rules_need.c):
 * indices into the rule set's table of such words, which each is once,
 * so that a message is searched for each word once.  next: another such
 * set, which every match must hold a word of too. */
struct rules_need {
	size_t		*word;
	size_t		 n;
	struct rules_need *next;
};

/* One top-level branch of a condition's pattern, compiled alone. */
struct rule_alt {
	pcre2_code	*re;
	struct rules_need *need;
};

struct rule_cond {
	enum rfield	 field;
	int		 hdr;		/* index into rule_set.hdrs, or -1 */
	int		 neg;		/* "not FIELD = ..." */
	int		 line;
	pcre2_code	*re;
	struct rules_need *need;	/* NULL: nothing known, always run re */
	/* A pattern "A|B|C" holds where one of A, B, C matches: each is
	 * compiled alone with its own words, so that only the branches whose
	 * words a text holds are run, each with PCRE2's search for its own
	 * first letters (the whole alternation starts a try at nearly every
	 * letter of a text).  nalt 0: re runs whole (one branch, or a
	 * pattern rules_need.c does not understand). */
	struct rule_alt	*alt;
	size_t		 nalt;
};

struct rule_extract {
	enum rfield	 field;
	int		 hdr;
	int		 line;
	pcre2_code	*re;
	struct rules_need *need;
	uint32_t	*groups;	/* group numbers of the named groups */
	char	       **names;
	uint32_t	 ngroups;
};

struct rule {
	char		*name;
	char		*file;
	int		 line;
	const char	*step;		/* static: one of the step keys */
	unsigned	 roles;		/* trust_role bits, any one will do */
	int		 anyone;	/* from = anyone */
	char		*roles_str;	/* "kamusm" or "bidb,internal" */
	enum rule_scope	 scope;		/* whose cases it may move */
	int		 scope_set;	/* given by a scope line */
	struct rule_cond *conds;	/* cheapest field first */
	size_t		 nconds;
	struct rule_extract *ex;
	size_t		 nex;
};

struct rule_set {
	struct rule	*rules;
	size_t		 nrules;
	struct rule_extract *gex;	/* [extract]: applied to every message */
	size_t		 ngex;
	char	       **hdrs;		/* header names the rules look at */
	size_t		 nhdrs;
	char	       **needw;		/* the words patterns need */
	size_t		*needlen;
	size_t		 nneedw;
	/* rules_need_index: a bit for each hash of a word's first three
	 * bytes, and the words by that hash's low bits. */
	uint64_t	*needbits;
	uint32_t	*needstart;	/* NEED_BUCKETS + 1 */
	uint32_t	*needorder;	/* word indices, bucket by bucket */

	pcre2_compile_context	*cctx;
	/* Matching state, reused by every rules_eval: a rule set serves one
	 * thread at a time. */
	pcre2_match_context	*mctx;
	pcre2_jit_stack		*jit;
	pcre2_match_data	*md;
	/* Whether PCRE2 makes JIT code here (built with it, and the system
	 * lets it map executable memory): each pattern is made JIT code at
	 * its first match (rules.c), not at load. */
	int			 jit_works;
};

/* Frees n branches of a condition (rules.c). */
void rules_alts_free(struct rule_alt *alt, size_t n);

/* Match limits: generous for real mail (a 10 KB text needs a few thousand
 * steps per pattern), small enough that a hostile text fails fast. */
#define RULES_MATCH_LIMIT	1000000
#define RULES_DEPTH_LIMIT	10000

/* Sets up mctx, jit and md once every pattern is compiled.  0 or -1. */
int rules_runtime_init(struct rule_set *rs);

/* The words one of which every match of a folded pattern must contain,
 * added to rs's table, or NULL when the pattern says nothing sure (or
 * nothing worth a search): a text that holds none of them cannot match
 * the pattern.  The chain's further links are further such sets. */
struct rules_need *rules_need_of(struct rule_set *rs,
    const char *folded_pattern);
/* The top-level branches of a folded pattern: how many (0 when under
 * two, or when the pattern holds a construct the analysis does not know,
 * which could tie the branches together), and in *ends_r (to free) the
 * offset where each ends; the next starts one byte after, past its '|'. */
size_t rules_need_branches(const char *folded_pattern, size_t **ends_r);
void rules_need_free(struct rules_need **needp);
/* Indexes the table of words once every pattern is compiled, so that a
 * text can be searched for all of them in one pass. */
void rules_need_index(struct rule_set *rs);
/* For each word w of the table with seen[w] 0 (not yet looked for), sets
 * seen[w] to 2 when text s holds it, else to 1; in one pass over s. */
void rules_need_scan(const struct rule_set *rs, const char *s, size_t len,
    unsigned char *seen);
/* Frees the table of words and its index. */
void rules_need_words_free(struct rule_set *rs);

#endif
