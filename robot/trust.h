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
/* Parses a role word of a rule file ("kamusm", "bys", "bidb",
 * "yazi_isleri", "unit_head", "personnel", "internal").  0 if unknown. */
unsigned trust_role_parse(const char *word);
/* 1 when addr (lower case) is in domain or one of its subdomains. */
int trust_addr_in_domain(const char *addr, const char *domain);

/* 1 when msg is automatic mail the robot must never answer and never take
 * a step from: Auto-Submitted other than "no", Precedence bulk/list/junk,
 * List-Id, an empty Return-Path, mailer-daemon/postmaster senders, or a
 * delivery report (multipart/report).  *why_r names which. */
int trust_is_automatic(const struct mime_msg *msg, const char **why_r);

#endif
