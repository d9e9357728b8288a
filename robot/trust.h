/* trust: who sent a message, as far as the robot can believe it.
 *
 * A From address claims roles by its domain (the addr-spec, lower case,
 * compared as a whole domain or a subdomain: "x.kamusm.gov.tr" is Kamu SM,
 * "kamusm.gov.tr.evil.com" and "kamusm-gov.tr" are not).  The claim holds
 * only when the institution's own server vouches for it in an
 * Authentication-Results field (RFC 8601, authres.h) stamped by one of
 * [institution] authserv_id, above the topmost Received field that server
 * wrote (what lies below it the sender could have written):
 *
 *   - an address of the institution's domain (a unit head, personnel,
 *     BİDB, Yazı İşleri, BYS): auth=pass (authenticated submission; when
 *     it carries smtp.auth, that must be the From address or its local
 *     part, so a member cannot send as bidb@), or dkim=pass with header.d
 *     in the institution's domain, or spf=pass with smtp.mailfrom in it,
 *     or dmarc=pass with header.from in it;
 *   - a Kamu SM address: dkim, spf or dmarc pass for the Kamu SM domain
 *     the From is in.
 *
 * Without it the sender has no role at all.  authserv_id = none (a server
 * that stamps nothing) gives the roles of the From address alone, and the
 * robot says at every start that anyone can then forge any sender
 * (trust_config_warning). */
#ifndef ROBOT_TRUST_H
#define ROBOT_TRUST_H

#include "cfg.h"
#include "mime.h"

enum trust_role {
	ROLE_KAMUSM	= 1 << 0,	/* from a Kamu SM domain, verified */
	ROLE_BYS	= 1 << 1,	/* [institution] bys */
	ROLE_BIDB	= 1 << 2,	/* [institution] bidb */
	ROLE_YAZI	= 1 << 3,	/* [institution] yazi_isleri */
	ROLE_INTERNAL	= 1 << 4,	/* any address in the institution's domain
					 * (so also unit_head and personnel) */
	ROLE_UNIT_HEAD	= ROLE_INTERNAL,
	ROLE_PERSONNEL	= ROLE_INTERNAL
};

/* The roles of msg's sender (a bit set of enum trust_role; 0 for an
 * outsider, and for a sender whose claim no stamp of ours backs).  When
 * the From claims the institution's or Kamu SM's domain and that claim
 * fails, the caller's why (whylen bytes, TRUST_WHY_MAX is enough; NULL
 * with 0 when not wanted) says why: "From bidb@example.edu.tr, but
 * mx.example.edu.tr stamped spf=fail, dmarc=fail for example.edu.tr";
 * else it is "".  A caller that sees a claim fail quarantines the
 * message (cases.c). */
#define TRUST_WHY_MAX	1024
unsigned trust_roles(const struct config *cfg, const struct mime_msg *msg,
    char *why, size_t whylen);
/* What the robot must say loudly at every start and reload about cfg's
 * trust, or NULL: authserv_id = none. */
const char *trust_config_warning(const struct config *cfg);
/* The roles an address alone gives, with nothing checked: for an
 * original forwarded inside a message, whose headers are only text.
 * ROLE_KAMUSM for a Kamu SM domain. */
unsigned trust_addr_roles(const struct config *cfg, const char *addr);
/* 1 when addr is the robot's own ([institution] robot, [smtp] from). */
int trust_is_self(const struct config *cfg, const char *addr);
/* 1 when addr is in the institution's domain or one of [institution]
 * other_domains: a case may have it, and the robot may write to it. */
int trust_addr_local(const struct config *cfg, const char *addr);
/* Parses a role word of a rule file ("kamusm", "bys", "bidb",
 * "yazi_isleri", "unit_head", "personnel", "internal").  0 if unknown. */
unsigned trust_role_parse(const char *word);
/* 1 when addr (lower case) is in domain or one of its subdomains. */
int trust_addr_in_domain(const char *addr, const char *domain);

/* Kinds of automatic mail (RFC 3834).  The robot answers none of them;
 * what it reads differs: a system's notification (Kamu SM's, the ticket
 * system's) shows a step like any other mail, while an out-of-office
 * reply states nothing and a delivery report only says whether the
 * robot's own mail arrived. */
enum trust_auto {
	AUTO_NONE = 0,
	AUTO_SYSTEM,	/* Auto-Submitted (not auto-replied), Precedence
			 * bulk/list/junk, List-Id, a noreply@ sender */
	AUTO_REPLY,	/* Auto-Submitted: auto-replied, X-Autoreply,
			 * "Otomatik yanıt:" / "Automatic reply:" subjects */
	AUTO_REPORT	/* multipart/report, mailer-daemon/postmaster, an
			 * empty Return-Path */
};

/* What kind of automatic mail msg is; *why_r (static, or NULL for
 * AUTO_NONE) names the sign. */
enum trust_auto trust_automatic(const struct mime_msg *msg,
    const char **why_r);
/* 1 when msg is automatic mail of any kind: the robot never answers it. */
int trust_is_automatic(const struct mime_msg *msg, const char **why_r);

#endif
