/* trust: sender roles and automatic mail; see trust.h.
 *
 * RFC 8601 (Authentication-Results), RFC 3834 (Auto-Submitted), RFC 2919
 * (List-Id), RFC 6522 (multipart/report).
 *
 * Only ASCII case folding is used on protocol words and domains: a
 * Turkish locale's tolower() would turn "I" into "ı". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "mem.h"
#include "trust.h"

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

static int
ieq_n(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

static int
ieq(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && ieq_n(a, b, strlen(a));
}

int
trust_addr_in_domain(const char *addr, const char *domain)
{
	const char *at, *d;
	size_t dl, n;

	if (addr == NULL || domain == NULL || *domain == '\0')
		return 0;
	/* A bare domain (header.d=) is compared as it is. */
	d = (at = strrchr(addr, '@')) != NULL ? at + 1 : addr;
	n = strlen(d);
	dl = strlen(domain);
	if (n == dl)
		return ieq(d, domain);
	/* A subdomain: "x.kamusm.gov.tr", never "xkamusm.gov.tr". */
	return n > dl && d[n - dl - 1] == '.' && ieq(d + n - dl, domain);
}

static int
in_kamusm(const struct config *cfg, const char *addr)
{
	size_t i;

	for (i = 0; cfg->kamusm.domains != NULL && cfg->kamusm.domains[i];
	    i++)
		if (trust_addr_in_domain(addr, cfg->kamusm.domains[i]))
			return 1;
	return 0;
}

/* Skips white space and RFC 5322 comments "(...)", nested. */
static const char *
skip_cfws(const char *p)
{
	int depth;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		for (depth = 0; *p; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
		}
	}
}

/* Copies the next token (up to white space, ';', '(' or '=') into out,
 * lower case; a quoted string is unquoted. */
static const char *
token(const char *p, char *out, size_t outlen, int stop_eq)
{
	size_t o = 0;

	p = skip_cfws(p);
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (o + 1 < outlen)
				out[o++] = (char)lower((unsigned char)*p);
		}
		if (*p == '"')
			p++;
	} else
		for (; *p && !strchr(" \t\r\n;(", *p) &&
		    !(stop_eq && *p == '='); p++)
			if (o + 1 < outlen)
				out[o++] = (char)lower((unsigned char)*p);
	out[o] = '\0';
	return p;
}

/* One Authentication-Results value: 1 when it carries dkim=pass with
 * header.d (or header.i) in a Kamu SM domain, or spf=pass with
 * smtp.mailfrom in one.  Sets *seen_r to a description of what it did
 * find, for the quarantine reason. */
static int
ar_passes(const struct config *cfg, const char *v, char *seen, size_t seenlen)
{
	char method[32], result[32], ptype[64], pval[256];
	const char *p = strchr(v, ';');
	int pass = 0, relevant;
	size_t sl;

	seen[0] = '\0';
	while (p != NULL && *p == ';') {
		p = token(p + 1, method, sizeof(method), 1);
		p = skip_cfws(p);
		if (*p != '=') {
			/* "none", or garbage: skip to the next resinfo */
			p = strchr(p, ';');
			continue;
		}
		p = token(p + 1, result, sizeof(result), 1);
		relevant = strcmp(method, "dkim") == 0 ||
		    strcmp(method, "spf") == 0;
		/* properties: ptype.property=value ... until ';' */
		for (;;) {
			p = skip_cfws(p);
			if (*p == '\0' || *p == ';')
				break;
			p = token(p, ptype, sizeof(ptype), 1);
			p = skip_cfws(p);
			if (*p != '=') {
				if (ptype[0] == '\0')
					p++;
				continue;
			}
			p = token(p + 1, pval, sizeof(pval), 0);
			if (!relevant || !in_kamusm(cfg, pval))
				continue;
			if ((strcmp(method, "dkim") == 0 &&
			    (strcmp(ptype, "header.d") == 0 ||
			    strcmp(ptype, "header.i") == 0)) ||
			    (strcmp(method, "spf") == 0 &&
			    strcmp(ptype, "smtp.mailfrom") == 0)) {
				if (strcmp(result, "pass") == 0)
					pass = 1;
				sl = strlen(seen);
				snprintf(seen + sl, seenlen - sl, "%s%s=%s for %s",
				    sl ? ", " : "", method, result, pval);
			}
		}
	}
	return pass;
}

unsigned
trust_addr_roles(const struct config *cfg, const char *addr)
{
	const char *inst = cfg->institution.domain;
	unsigned roles = 0;

	if (addr == NULL || strchr(addr, '@') == NULL)
		return 0;
	if (inst != NULL && trust_addr_in_domain(addr, inst)) {
		roles |= ROLE_INTERNAL;
		if (cfg->institution.bidb && ieq(addr, cfg->institution.bidb))
			roles |= ROLE_BIDB;
		if (cfg->institution.yazi_isleri &&
		    ieq(addr, cfg->institution.yazi_isleri))
			roles |= ROLE_YAZI;
		if (cfg->institution.bys && ieq(addr, cfg->institution.bys))
			roles |= ROLE_BYS;
	}
	if (in_kamusm(cfg, addr))
		roles |= ROLE_KAMUSM;
	return roles;
}

unsigned
trust_roles(const struct config *cfg, const struct mime_msg *msg,
    const char **why_r)
{
	static char why[512];
	const char *from = msg->from_addr;
	char id[256], seen[384];
	unsigned roles = 0;
	size_t i;

	if (why_r != NULL)
		*why_r = NULL;
	roles = trust_addr_roles(cfg, from) & ~ROLE_KAMUSM;
	if (from == NULL || !in_kamusm(cfg, from))
		return roles;
	if (cfg->institution.authserv_id == NULL)
		return roles | ROLE_KAMUSM;
	/* Only the topmost header of our own server counts: the ones below
	 * it, or from other ids, may have been written by the sender. */
	for (i = 0; i < msg->nheaders; i++) {
		const char *v = msg->headers[i].value;

		if (msg->headers[i].name == NULL || v == NULL ||
		    !ieq(msg->headers[i].name, "Authentication-Results"))
			continue;
		token(v, id, sizeof(id), 0);
		if (!ieq(id, cfg->institution.authserv_id))
			continue;
		if (ar_passes(cfg, v, seen, sizeof(seen)))
			return roles | ROLE_KAMUSM;
		snprintf(why, sizeof(why), "Authentication-Results from %s: "
		    "%s", cfg->institution.authserv_id, seen[0] ? seen :
		    "no dkim or spf pass for a Kamu SM domain");
		if (why_r != NULL)
			*why_r = why;
		return roles;
	}
	snprintf(why, sizeof(why), "no Authentication-Results from %s for a "
	    "mail from a Kamu SM domain", cfg->institution.authserv_id);
	if (why_r != NULL)
		*why_r = why;
	return roles;
}

unsigned
trust_role_parse(const char *word)
{
	static const struct {
		const char	*word;
		unsigned	 role;
	} roles[] = {
		{ "kamusm", ROLE_KAMUSM },
		{ "bys", ROLE_BYS },
		{ "bidb", ROLE_BIDB },
		{ "yazi_isleri", ROLE_YAZI },
		{ "unit_head", ROLE_UNIT_HEAD },
		{ "personnel", ROLE_PERSONNEL },
		{ "internal", ROLE_INTERNAL },
		{ NULL, 0 }
	};
	size_t i;

	for (i = 0; word != NULL && roles[i].word; i++)
		if (strcmp(word, roles[i].word) == 0)
			return roles[i].role;
	return 0;
}

/* The first header called name.  (mime_header() does the same; kept
 * here so trust depends on struct mime_msg only.) */
static const char *
hdr(const struct mime_msg *msg, const char *name)
{
	size_t i;

	for (i = 0; i < msg->nheaders; i++)
		if (msg->headers[i].name != NULL &&
		    ieq(msg->headers[i].name, name))
			return msg->headers[i].value ? msg->headers[i].value : "";
	return NULL;
}

/* The header's first word (up to ';' or white space), for comparison. */
static int
first_word_is(const char *v, const char *w)
{
	size_t n = strlen(w);

	while (*v == ' ' || *v == '\t')
		v++;
	return ieq_n(v, w, n) && (v[n] == '\0' || strchr(" \t;\r\n", v[n]));
}

/* An out-of-office subject: "Otomatik yanıt: ...", "OTOMATİK YANIT",
 * "Automatic reply: ...", "Out of Office: ...", "Ofis Dışında: ...". */
static int
autoreply_subject(const char *subject)
{
	static const char *const prefixes[] = {
		"otomatik yanit", "otomatik cevap", "automatic reply", "auto:",
		"autoreply", "auto reply", "out of office", "ofis disinda",
		"abwesenheitsnotiz", NULL
	};
	char head[64], *f;
	int r = 0;

	if (subject == NULL)
		return 0;
	while (*subject == ' ' || *subject == '\t')
		subject++;
	snprintf(head, sizeof head, "%s", subject);
	if ((f = fold_str(head, FOLD_ASCII)) == NULL)
		return 0;
	for (size_t i = 0; prefixes[i] && !r; i++)
		r = strncmp(f, prefixes[i], strlen(prefixes[i])) == 0;
	free(f);
	return r;
}

/* A local part that says nobody reads the mailbox: noreply, no-reply,
 * donotreply, do-not-reply, bildirim-noreply ... */
static int
noreply_sender(const char *addr)
{
	const char *at = addr ? strchr(addr, '@') : NULL;
	char local[128];
	size_t n, o = 0;

	if (at == NULL || (n = (size_t)(at - addr)) >= sizeof local)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (addr[i] != '-' && addr[i] != '_' && addr[i] != '.')
			local[o++] = (char)lower((unsigned char)addr[i]);
	local[o] = '\0';
	return strstr(local, "noreply") != NULL ||
	    strstr(local, "donotreply") != NULL;
}

enum trust_auto
trust_automatic(const struct mime_msg *msg, const char **why_r)
{
	const char *v, *why = NULL, *at;
	enum trust_auto kind = AUTO_NONE;
	size_t n;

	if ((v = hdr(msg, "Content-Type")) != NULL &&
	    first_word_is(v, "multipart/report")) {
		why = "delivery report (multipart/report)";
		kind = AUTO_REPORT;
	} else if (msg->return_path != NULL && msg->return_path[0] == '\0') {
		why = "empty Return-Path (a bounce)";
		kind = AUTO_REPORT;
	} else if (msg->from_addr != NULL && ((at = strchr(msg->from_addr,
	    '@')), n = at ? (size_t)(at - msg->from_addr) :
	    strlen(msg->from_addr), (n == 13 && ieq_n(msg->from_addr,
	    "mailer-daemon", 13)) || (n == 10 && ieq_n(msg->from_addr,
	    "postmaster", 10)))) {
		why = "sent by mailer-daemon/postmaster";
		kind = AUTO_REPORT;
	} else if (((v = hdr(msg, "Auto-Submitted")) != NULL &&
	    first_word_is(v, "auto-replied")) || hdr(msg, "X-Autoreply") ||
	    hdr(msg, "X-Autorespond") || ((v = hdr(msg, "Precedence")) !=
	    NULL && first_word_is(v, "auto_reply")) ||
	    autoreply_subject(msg->subject)) {
		why = "an automatic reply (out of office)";
		kind = AUTO_REPLY;
	} else if ((v = hdr(msg, "Auto-Submitted")) != NULL &&
	    !first_word_is(v, "no")) {
		why = "Auto-Submitted";
		kind = AUTO_SYSTEM;
	} else if ((v = hdr(msg, "Precedence")) != NULL &&
	    (first_word_is(v, "bulk") || first_word_is(v, "list") ||
	    first_word_is(v, "junk"))) {
		why = "Precedence bulk/list/junk";
		kind = AUTO_SYSTEM;
	} else if (hdr(msg, "List-Id") != NULL) {
		why = "List-Id";
		kind = AUTO_SYSTEM;
	} else if (noreply_sender(msg->from_addr)) {
		why = "a noreply sender";
		kind = AUTO_SYSTEM;
	}
	if (why_r != NULL)
		*why_r = why;
	return kind;
}

int
trust_is_automatic(const struct mime_msg *msg, const char **why_r)
{
	return trust_automatic(msg, why_r) != AUTO_NONE;
}
