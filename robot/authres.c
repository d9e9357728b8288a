/* authres: RFC 8601 Authentication-Results; see authres.h.
 *
 * The grammar (RFC 8601 section 2.2, with RFC 5322 CFWS and RFC 2045
 * value = token / quoted-string):
 *
 *	authres-payload = [CFWS] authserv-id [CFWS authres-version]
 *	                  ( no-result / 1*resinfo ) [CFWS]
 *	no-result       = [CFWS] ";" [CFWS] "none"
 *	resinfo         = [CFWS] ";" methodspec [CFWS reasonspec]
 *	                  [CFWS 1*propspec]
 *	methodspec      = [CFWS] method [CFWS] "=" [CFWS] result
 *	method          = Keyword [[CFWS] "/" [CFWS] method-version]
 *	reasonspec      = "reason" [CFWS] "=" [CFWS] value
 *	propspec        = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *	pvalue          = [CFWS] (value / [[local-part] "@"] domain-name)
 *
 * Only ASCII case folding (ascii.h): a Turkish locale's tolower() turns
 * "I" into "ı". */
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "authres.h"
#include "buf.h"
#include "mem.h"

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Keyword (RFC 8601): letters, digits, '-'; '_' too, as servers write
 * it in x- methods. */
static int
is_keyword(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Skips white space and comments, nested, with quoted-pairs.  An
 * unclosed comment runs to the end. */
static const char *
skip_cfws(const char *p)
{
	int depth;

	for (;;) {
		while (is_space((unsigned char)*p))
			p++;
		if (*p != '(')
			return p;
		for (depth = 0; *p != '\0'; p++) {
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

/* A quoted string at p ('"'): its content unquoted into out.  Returns
 * the end, or NULL when it is not closed. */
static const char *
quoted(const char *p, struct buf *out)
{
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return NULL;
		if (*p == '\\' && p[1] != '\0')
			p++;
		buf_putc(out, *p);
	}
	return p + 1;
}

/* A Keyword, lower case, into *kw_r (caller frees); NULL when there is
 * none at p. */
static const char *
keyword(const char *p, char **kw_r)
{
	const char *s = p;

	*kw_r = NULL;
	while (is_keyword((unsigned char)*p))
		p++;
	if (p == s)
		return NULL;
	*kw_r = xstrndup(s, (size_t)(p - s));
	ascii_lower_str(*kw_r);
	return p;
}

/* A value (token or quoted string), or a pvalue's
 * [[local-part] "@"] domain-name, into *v_r (caller frees).  Unquoted,
 * it runs to white space, ';', '(' or '"'; a quoted local part may be
 * followed by "@domain".  NULL when there is none at p. */
static const char *
value(const char *p, char **v_r)
{
	struct buf b = BUF_INIT;

	*v_r = NULL;
	if (*p == '"') {
		if ((p = quoted(p, &b)) == NULL) {
			buf_free(&b);
			return NULL;
		}
		if (*p != '@')
			goto done;
	}
	while (*p != '\0' && !is_space((unsigned char)*p) && *p != ';' &&
	    *p != '(' && *p != ')' && *p != '"')
		buf_putc(&b, *p++);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
done:
	*v_r = buf_steal(&b);	/* "" for an empty quoted string */
	return p;
}

static void
result_free(struct authres_result *r)
{
	free(r->method);
	free(r->result);
	free(r->reason);
	for (size_t i = 0; i < r->nprops; i++) {
		free(r->props[i].ptype);
		free(r->props[i].property);
		free(r->props[i].value);
	}
	memset(r, 0, sizeof *r);
}

/* One propspec or reasonspec at p into r.  Returns the end, or NULL
 * when it does not parse. */
static const char *
prop(const char *p, struct authres_result *r)
{
	char *ptype = NULL, *property = NULL, *v = NULL;

	if ((p = keyword(p, &ptype)) == NULL)
		return NULL;
	p = skip_cfws(p);
	if (*p == '=' && strcmp(ptype, "reason") == 0 && r->reason == NULL) {
		free(ptype);
		if ((p = value(skip_cfws(p + 1), &r->reason)) == NULL)
			return NULL;
		return p;
	}
	if (*p != '.')
		goto fail;
	if ((p = keyword(skip_cfws(p + 1), &property)) == NULL)
		goto fail;
	p = skip_cfws(p);
	if (*p != '=')
		goto fail;
	if ((p = value(skip_cfws(p + 1), &v)) == NULL)
		goto fail;
	if (r->nprops == AUTHRES_MAX_PROPS) {
		free(ptype);
		free(property);
		free(v);
		return p;
	}
	r->props[r->nprops].ptype = ptype;
	r->props[r->nprops].property = property;
	r->props[r->nprops].value = v;
	r->nprops++;
	return p;
fail:
	free(ptype);
	free(property);
	return NULL;
}

/* One resinfo after its ';' into r.  Returns the end (at ';' or the
 * end of the value), or NULL when it does not parse.  "none" alone is
 * a result with no method: r stays empty. */
static const char *
resinfo(const char *p, struct authres_result *r)
{
	const char *q;

	if ((p = keyword(skip_cfws(p), &r->method)) == NULL)
		return NULL;
	p = skip_cfws(p);
	if (strcmp(r->method, "none") == 0 && (*p == '\0' || *p == ';')) {
		free(r->method);
		r->method = NULL;
		return p;
	}
	if (*p == '/') {
		q = skip_cfws(p + 1);
		for (p = q; *p >= '0' && *p <= '9'; p++)
			;
		if (p == q)
			return NULL;
		p = skip_cfws(p);
	}
	if (*p != '=')
		return NULL;
	if ((p = keyword(skip_cfws(p + 1), &r->result)) == NULL)
		return NULL;
	for (;;) {
		/* Each spec is set off by CFWS; a comment alone will do. */
		q = p;
		p = skip_cfws(p);
		if (*p == '\0' || *p == ';')
			return p;
		if (p == q || (p = prop(p, r)) == NULL)
			return NULL;
	}
}

/* The next ';' outside quoted strings and comments, or the end. */
static const char *
next_resinfo(const char *p)
{
	while (*p != '\0' && *p != ';') {
		if (*p == '"') {
			struct buf junk = BUF_INIT;

			p = quoted(p, &junk);
			buf_free(&junk);
			if (p == NULL)
				return "";
		} else if (*p == '(')
			p = skip_cfws(p);
		else
			p++;
	}
	return p;
}

int
authres_parse(const char *v, struct authres *ar)
{
	const char *p, *q;

	memset(ar, 0, sizeof *ar);
	if (v == NULL || (p = value(skip_cfws(v), &ar->authserv_id)) == NULL)
		return -1;
	ascii_lower_str(ar->authserv_id);
	/* An authres-version needs CFWS before it. */
	q = skip_cfws(p);
	if (q > p && *q >= '0' && *q <= '9') {
		while (*q >= '0' && *q <= '9')
			q++;
		q = skip_cfws(q);
	}
	if (*q != ';')
		return -1;
	for (p = q; *p == ';'; ) {
		struct authres_result *r = &ar->res[ar->nres];

		if (ar->nres == AUTHRES_MAX_RESULTS)
			break;
		if ((q = resinfo(p + 1, r)) == NULL) {
			/* Left out whole; the next one may still be read. */
			result_free(r);
			p = next_resinfo(p + 1);
			continue;
		}
		p = q;
		if (r->method == NULL)
			continue;	/* "none" */
		ar->nres++;
	}
	return 0;
}

void
authres_free(struct authres *ar)
{
	free(ar->authserv_id);
	for (size_t i = 0; i < ar->nres; i++)
		result_free(&ar->res[i]);
	/* A result left out is freed where it failed. */
	memset(ar, 0, sizeof *ar);
}

const char *
authres_prop(const struct authres_result *r, const char *ptype,
    const char *property)
{
	for (size_t i = 0; i < r->nprops; i++)
		if (strcmp(r->props[i].ptype, ptype) == 0 &&
		    strcmp(r->props[i].property, property) == 0)
			return r->props[i].value;
	return NULL;
}
