/* trust: sender roles and automatic mail; see trust.h.
 *
 * RFC 8601 (Authentication-Results), RFC 3834 (Auto-Submitted), RFC 2919
 * (List-Id), RFC 6522 (multipart/report).
 *
 * Protocol words and domains are compared with ascii.h, never with the
 * locale's case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "authres.h"
#include "buf.h"
#include "fold.h"
#include "mem.h"
#include "trust.h"

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
		return ascii_ieq(d, domain);
	/* A subdomain: "x.kamusm.gov.tr", never "xkamusm.gov.tr". */
	return n > dl && d[n - dl - 1] == '.' && ascii_ieq(d + n - dl, domain);
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

unsigned
trust_addr_roles(const struct config *cfg, const char *addr)
{
	const char *inst = cfg->institution.domain;
	unsigned roles = 0;

	if (addr == NULL || strchr(addr, '@') == NULL)
		return 0;
	if (inst != NULL && trust_addr_in_domain(addr, inst)) {
		roles |= ROLE_INTERNAL;
		if (cfg->institution.bidb &&
		    ascii_ieq(addr, cfg->institution.bidb))
			roles |= ROLE_BIDB;
		if (cfg->institution.yazi_isleri &&
		    ascii_ieq(addr, cfg->institution.yazi_isleri))
			roles |= ROLE_YAZI;
		if (cfg->institution.bys &&
		    ascii_ieq(addr, cfg->institution.bys))
			roles |= ROLE_BYS;
	}
	if (in_kamusm(cfg, addr))
		roles |= ROLE_KAMUSM;
	return roles;
}

int
trust_is_self(const struct config *cfg, const char *addr)
{
	if (addr == NULL)
		return 0;
	return (cfg->institution.robot &&
	    ascii_ieq(addr, cfg->institution.robot)) ||
	    (cfg->smtp.from && ascii_ieq(addr, cfg->smtp.from));
}

int
trust_addr_local(const struct config *cfg, const char *addr)
{
	size_t i;

	if (addr == NULL || strchr(addr, '@') == NULL)
		return 0;
	if (trust_addr_in_domain(addr, cfg->institution.domain))
		return 1;
	for (i = 0; i < cfg->institution.nother_domains; i++)
		if (trust_addr_in_domain(addr,
		    cfg->institution.other_domains[i]))
			return 1;
	return 0;
}

static int
is_authserv(const struct config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->institution.nauthserv_id; i++)
		if (ascii_ieq(id, cfg->institution.authserv_id[i]))
			return 1;
	return 0;
}

/* Whether a Received field names one of our authserv-ids as its "by"
 * host.  Any "by NAME" pair anywhere counts, parentheses or not: the
 * sender chooses the HELO name in "from HELO (...)" and could otherwise
 * hide the real "by" in an unclosed comment. */
static int
received_by_us(const struct config *cfg, const char *v)
{
	char prev[16] = "", word[256];
	size_t n;

	while (*v != '\0') {
		while (*v != '\0' && strchr(" \t\r\n();", *v) != NULL)
			v++;
		for (n = 0; v[n] != '\0' && strchr(" \t\r\n();", v[n]) == NULL;
		    n++)
			;
		if (n == 0)
			break;
		snprintf(word, sizeof word, "%.*s", (int)n, v);
		if (ascii_ieq(prev, "by") && n < sizeof word &&
		    is_authserv(cfg, word))
			return 1;
		snprintf(prev, sizeof prev, "%.*s", (int)n, v);
		v += n;
	}
	return 0;
}

/* Where the headers our servers wrote end: the first Received whose
 * "by" host is one of our authserv-ids (what the MX writes on taking
 * the message), else the first Received of any kind, else the end.
 * Everything from there down may be the sender's own writing. */
static size_t
trusted_top(const struct config *cfg, const struct mime_msg *msg)
{
	size_t i, first = msg->nheaders;

	for (i = 0; i < msg->nheaders; i++) {
		if (msg->headers[i].name == NULL ||
		    !ascii_ieq(msg->headers[i].name, "Received"))
			continue;
		if (first == msg->nheaders)
			first = i;
		if (msg->headers[i].value != NULL &&
		    received_by_us(cfg, msg->headers[i].value))
			return i;
	}
	return first;
}

/* An address or domain a property names, without the angle brackets
 * some servers put around smtp.mailfrom. */
static void
bare(const char *v, char *out, size_t outlen)
{
	size_t n;

	if (*v == '<')
		v++;
	n = strcspn(v, ">");
	snprintf(out, outlen, "%.*s", (int)(n < outlen ? n : outlen - 1), v);
	if (n >= outlen)
		out[0] = '\0';	/* cut: it must not match a shorter name */
}

/* What one result says for a sender from `from` of domain `dom`: the
 * property it vouches for (into what, for the reason) and whether it is
 * a pass that counts.  auth counts only for the institution's own
 * senders, and only for the From itself: smtp.auth, when written, is the
 * From address or its local part, so a member cannot pass as bidb@. */
static int
result_vouches(const struct authres_result *r, const char *from,
    const char *dom, int internal, char *what, size_t whatlen)
{
	const char *v = NULL, *at;
	char a[256];

	what[0] = '\0';
	if (strcmp(r->method, "dkim") == 0) {
		if ((v = authres_prop(r, "header", "d")) == NULL)
			v = authres_prop(r, "header", "i");
	} else if (strcmp(r->method, "spf") == 0)
		v = authres_prop(r, "smtp", "mailfrom");
	else if (strcmp(r->method, "dmarc") == 0)
		v = authres_prop(r, "header", "from");
	else if (strcmp(r->method, "auth") == 0) {
		if (!internal)
			return 0;
		if ((v = authres_prop(r, "smtp", "auth")) == NULL)
			return strcmp(r->result, "pass") == 0;
		bare(v, a, sizeof a);
		snprintf(what, whatlen, "%s", a);
		at = strchr(from, '@');
		return strcmp(r->result, "pass") == 0 && (ascii_ieq(a, from) ||
		    (at != NULL && strlen(a) == (size_t)(at - from) &&
		    ascii_ieqn(a, from, strlen(a))));
	} else
		return 0;
	if (v == NULL)
		return 0;
	bare(v, a, sizeof a);
	snprintf(what, whatlen, "%s", (at = strrchr(a, '@')) != NULL ?
	    at + 1 : a);
	return strcmp(r->result, "pass") == 0 && a[0] != '\0' &&
	    trust_addr_in_domain(a, dom);
}

/* The domain a sender's role is claimed in: the institution's, or the
 * Kamu SM domain the address is in. */
static const char *
claimed_domain(const struct config *cfg, const char *addr, unsigned roles)
{
	size_t i;

	if (roles & ROLE_INTERNAL)
		return cfg->institution.domain;
	for (i = 0; cfg->kamusm.domains != NULL && cfg->kamusm.domains[i];
	    i++)
		if (trust_addr_in_domain(addr, cfg->kamusm.domains[i]))
			return cfg->kamusm.domains[i];
	return NULL;
}

/* The methods that say who sent a message. */
static int
relevant(const char *method)
{
	return strcmp(method, "auth") == 0 || strcmp(method, "dkim") == 0 ||
	    strcmp(method, "spf") == 0 || strcmp(method, "dmarc") == 0;
}

/* Our configured spelling of an authserv-id (the parsed one is freed
 * with its field). */
static const char *
authserv_name(const struct config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->institution.nauthserv_id; i++)
		if (ascii_ieq(id, cfg->institution.authserv_id[i]))
			return cfg->institution.authserv_id[i];
	return id;
}

/* What our servers stamped that bears on a sender, for the reason of a
 * refusal: "spf=fail, dmarc=fail for example.edu.tr". */
struct stamps {
	char	 item[16][48];		/* "dkim=fail" */
	char	 what[16][128];		/* the domain or login it was for */
	size_t	 n;
	size_t	 ours;			/* our fields above trusted_top */
	size_t	 below;			/* ours further down: ignored */
	const char *id;			/* the authserv-id that stamped */
};

static void
stamps_add(struct stamps *st, const struct authres_result *r,
    const char *what)
{
	if (st->n == sizeof st->item / sizeof st->item[0])
		return;
	snprintf(st->item[st->n], sizeof st->item[0], "%s=%s", r->method,
	    r->result);
	snprintf(st->what[st->n], sizeof st->what[0], "%s", what);
	st->n++;
}

/* "From bidb@example.edu.tr, but mx.example.edu.tr stamped spf=fail,
 * dmarc=fail for example.edu.tr" and the like. */
static void
explain(const struct config *cfg, const char *from, const struct stamps *st,
    struct buf *why)
{
	const char *common = NULL;
	size_t i, same = 1;

	buf_printf(why, "From %s, but ", from);
	if (st->ours == 0) {
		buf_puts(why, "no Authentication-Results of ");
		for (i = 0; i < cfg->institution.nauthserv_id; i++)
			buf_printf(why, "%s%s", i == 0 ? "" :
			    i + 1 < cfg->institution.nauthserv_id ? ", " :
			    " or ", cfg->institution.authserv_id[i]);
		buf_puts(why, " above its Received header vouches for it");
	} else if (st->n == 0)
		buf_printf(why, "%s stamped no auth, dkim, spf or dmarc result",
		    st->id);
	else {
		/* One "for DOMAIN" at the end when every result that names
		 * something names the same. */
		for (i = 0; i < st->n; i++)
			if (st->what[i][0] != '\0') {
				if (common == NULL)
					common = st->what[i];
				else if (strcmp(st->what[i], common) != 0)
					same = 0;
			}
		buf_printf(why, "%s stamped ", st->id);
		for (i = 0; i < st->n; i++) {
			buf_printf(why, "%s%s", i ? ", " : "", st->item[i]);
			if (!same && st->what[i][0] != '\0')
				buf_printf(why, " for %s", st->what[i]);
		}
		if (same && common != NULL)
			buf_printf(why, " for %s", common);
	}
	if (st->below)
		buf_puts(why, " (an Authentication-Results below the "
		    "institution's Received header was ignored: the sender "
		    "may have written it)");
}

/* The results our servers stamped above trusted_top: 1 when one of them
 * vouches for from in dom; otherwise why says what they did stamp. */
static int
stamped_pass(const struct config *cfg, const struct mime_msg *msg,
    const char *from, const char *dom, int internal, struct buf *why)
{
	struct stamps st;
	struct authres ar;
	size_t top = trusted_top(cfg, msg), i, k;
	char what[256];
	int pass = 0;

	memset(&st, 0, sizeof st);
	for (i = 0; i < msg->nheaders && !pass; i++) {
		if (msg->headers[i].name == NULL ||
		    !ascii_ieq(msg->headers[i].name, "Authentication-Results"))
			continue;
		if (authres_parse(msg->headers[i].value, &ar) == 0 &&
		    is_authserv(cfg, ar.authserv_id)) {
			if (i > top)
				st.below++;
			else {
				st.ours++;
				if (st.id == NULL)
					st.id = authserv_name(cfg,
					    ar.authserv_id);
				for (k = 0; k < ar.nres && !pass; k++) {
					pass = result_vouches(&ar.res[k], from,
					    dom, internal, what, sizeof what);
					if (relevant(ar.res[k].method))
						stamps_add(&st, &ar.res[k],
						    what);
				}
			}
		}
		authres_free(&ar);
	}
	if (!pass)
		explain(cfg, from, &st, why);
	return pass;
}

unsigned
trust_roles(const struct config *cfg, const struct mime_msg *msg,
    char *why, size_t whylen)
{
	struct buf b = BUF_INIT;
	const char *from = msg->from_addr, *dom;
	unsigned roles;

	if (whylen > 0)
		why[0] = '\0';
	if ((roles = trust_addr_roles(cfg, from)) == 0)
		return 0;		/* an outsider claims nothing */
	if (cfg->institution.authserv_none)
		return roles;		/* the documented opt-out */
	dom = claimed_domain(cfg, from, roles);
	if (dom != NULL && stamped_pass(cfg, msg, from, dom,
	    (roles & ROLE_INTERNAL) != 0, &b)) {
		buf_free(&b);
		return roles;
	}
	if (whylen > 0)
		snprintf(why, whylen, "%s", buf_str(&b));
	buf_free(&b);
	return 0;
}

const char *
trust_config_warning(const struct config *cfg)
{
	if (!cfg->institution.authserv_none)
		return NULL;
	return "[institution] authserv_id = none: sender roles come from the "
	    "From header alone, so anyone can forge any sender (BİDB, a unit "
	    "head, Kamu SM) and move any case";
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
		    ascii_ieq(msg->headers[i].name, name))
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
	return ascii_ieqn(v, w, n) && (v[n] == '\0' || strchr(" \t;\r\n", v[n]));
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
			local[o++] = (char)ascii_lower((unsigned char)addr[i]);
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
	    strlen(msg->from_addr), (n == 13 && ascii_ieqn(msg->from_addr,
	    "mailer-daemon", 13)) || (n == 10 && ascii_ieqn(msg->from_addr,
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
