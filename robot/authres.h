/* authres: the Authentication-Results header field (RFC 8601), parsed
 * from its raw value.
 *
 *	Authentication-Results: mx.example.edu.tr 1;
 *	    dkim=pass (2048-bit key) header.d=kamusm.gov.tr;
 *	    spf=fail smtp.mailfrom="a b"@evil.example; dmarc/1=fail
 *	    reason="policy" header.from=kamusm.gov.tr
 *
 * The value must be the one the server wrote, never RFC 2047-decoded
 * (mime.h keeps it so): the server copies text the sender chose into it
 * (a HELO name, an envelope address, a comment), and only the raw syntax
 * tells that text from the server's own words.  Comments (nested, with
 * quoted-pairs) are dropped, quoted strings unquoted, a method's version
 * dropped.  A result whose syntax is broken is left out whole, so that
 * nothing half-read can count as a pass; the others still count. */
#ifndef ROBOT_AUTHRES_H
#define ROBOT_AUTHRES_H

#include <stddef.h>

/* At most this many results and properties per result are read; more
 * are ignored (a real server writes a handful). */
#define AUTHRES_MAX_RESULTS	32
#define AUTHRES_MAX_PROPS	16

struct authres_prop {
	char	*ptype;		/* "smtp", "header", "policy" ...; lower case */
	char	*property;	/* "mailfrom", "d", "auth" ...; lower case */
	char	*value;		/* unquoted, as written */
};

struct authres_result {
	char	*method;	/* "dkim", "spf", "dmarc", "auth" ...; lower
				 * case, without its version */
	char	*result;	/* "pass", "fail", "none" ...; lower case */
	char	*reason;	/* reason=, or NULL */
	struct authres_prop props[AUTHRES_MAX_PROPS];
	size_t	 nprops;
};

struct authres {
	char	*authserv_id;	/* lower case */
	struct authres_result res[AUTHRES_MAX_RESULTS];
	size_t	 nres;		/* 0 for "none" */
};

/* Parses value into *ar (which the caller owns and frees with
 * authres_free, whatever the result).  Returns 0, or -1 when the value
 * does not even start with an authserv-id and a result list (nothing in
 * it may be believed then). */
int authres_parse(const char *value, struct authres *ar);
void authres_free(struct authres *ar);

/* The value of a result's property ptype.property (lower case names),
 * or NULL. */
const char *authres_prop(const struct authres_result *r, const char *ptype,
    const char *property);

#endif
