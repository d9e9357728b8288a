/* trust: who sent a message, as far as the robot can believe it.
 *
 * A sender's roles come from its From address (the addr-spec, lower case,
 * compared as a whole domain or a subdomain: "x.kamusm.gov.tr" is Kamu SM,
 * "kamusm.gov.tr.evil.com" and "kamusm-gov.tr" are not) and, when
 * [institution] authserv_id is set, from the topmost Authentication-Results
 * header stamped by that authserv-id (RFC 8601): the Kamu SM role needs
 * dkim=pass with header.d in the Kamu SM domains, or spf=pass with
 * smtp.mailfrom in them.  Authentication-Results from any other authserv-id
 * are ignored: anyone can write one. */
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
 * outsider).  When the From domain is Kamu SM's but the authentication
 * check fails, ROLE_KAMUSM is withheld and *why_r (static string or NULL)
 * says why, e.g. "Authentication-Results from mx.example.edu.tr: dkim=fail
 * for kamusm.gov.tr". */
unsigned trust_roles(const struct config *cfg, const struct mime_msg *msg,
    const char **why_r);
/* The roles an address alone gives, with nothing checked: for an
 * original forwarded inside a message, whose headers are only text.
 * ROLE_KAMUSM for a Kamu SM domain. */
unsigned trust_addr_roles(const struct config *cfg, const char *addr);
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
