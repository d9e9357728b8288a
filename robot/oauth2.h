/* oauth2: access tokens for SASL XOAUTH2 and OAUTHBEARER, from the
 * [oauth2] token endpoint.
 *
 * RFC 6749 (OAuth 2.0: the refresh_token grant, section 6, and the
 * client_credentials grant, 4.4; the token response, 5.1, and its errors,
 * 5.2), RFC 6750 (bearer tokens), RFC 7628 (SASL OAUTHBEARER) and the
 * XOAUTH2 mechanism as Google and Microsoft document it.
 *
 * The token endpoint is asked with a POST over HTTPS through libcurl, the
 * certificate checked against [oauth2] ca_file or the system store, no
 * redirect followed; its JSON answer is read with jansson.  An access
 * token is kept in the process and given again until OAUTH2_MARGIN
 * seconds before the end of its expires_in; one that lives less than that
 * is used for one login only.  When a server refuses a kept token the
 * caller asks again with renew set, once (imap.c, smtp.c).
 *
 * The refresh token is read from [oauth2] refresh_token_file for each
 * request, under an exclusive lock on the file, so that two robot
 * processes never spend the same one.  When the endpoint answers with a
 * new one (Microsoft rotates them) the file is replaced before the access
 * token is handed out: a new file with mode 600 beside it, written and
 * synced, renamed over the old one, and the directory synced; a crash
 * leaves either the old token or the new one, never half of one.  If the
 * file cannot be replaced, the new token is kept in memory for this
 * process and the failure logged as an error.
 *
 * No token, secret or request body ever reaches the log or err; of the
 * endpoint's answer only its error code and description are quoted.  Not
 * thread-safe: the robot asks from its main thread only. */
#ifndef ROBOT_OAUTH2_H
#define ROBOT_OAUTH2_H

#include <stddef.h>

#include "cfg.h"

/* Seconds before its end that a kept access token is no longer given. */
#define OAUTH2_MARGIN		120
/* The lifetime assumed when the endpoint gives no expires_in. */
#define OAUTH2_DEFAULT_LIFE	3600
/* The largest answer read from the endpoint. */
#define OAUTH2_MAX_ANSWER	(64 * 1024)

/* Graded by what the caller should do (style.md). */
enum oauth2_result {
	OAUTH2_OK = 0,
	OAUTH2_TEMP = -1,	/* no answer, a timeout, or a server error:
				 * try again later */
	OAUTH2_REFUSED = -2	/* the endpoint refused the client or the
				 * grant, or its answer is unusable: [oauth2]
				 * or the grant must be fixed by a person */
};

/* An access token for cfg's [oauth2] account: the kept one, unless renew
 * is set or it is about to expire; else a new one from the endpoint.
 * Returns an enum oauth2_result; on OAUTH2_OK *token_r is a copy (free it
 * with oauth2_free, which wipes it) and *fresh_r is 1 when the endpoint
 * issued it in this call (asking again would not help if a server
 * refuses it), 0 when it was kept.  On failure err holds one line that
 * says what to do, e.g. "oauth2: https://HOST/token refused the request:
 * invalid_client (...); check [oauth2] client_id and client_secret". */
int oauth2_token(const struct config *cfg, int renew, char **token_r,
    int *fresh_r, char *err, size_t errlen);

/* Wipes and frees *s (a token or a SASL response), sets it to NULL. */
void oauth2_free(char **s);

/* The base64 SASL client response of mech (CFG_AUTH_XOAUTH2 or
 * CFG_AUTH_OAUTHBEARER) for user with token: XOAUTH2 is
 * "user=USER^Aauth=Bearer TOKEN^A^A"; OAUTHBEARER (RFC 7628 3.1) is
 * "n,a=USER,^Ahost=HOST^Aport=PORT^Aauth=Bearer TOKEN^A^A", with ',' and
 * '=' in USER escaped as "=2C" and "=3D".  Free with oauth2_free. */
char *oauth2_sasl(enum cfg_auth mech, const char *user, const char *host,
    int port, const char *token);

/* What a token endpoint answered (RFC 6749 5.1). */
struct oauth2_answer {
	char	*access_token;
	char	*refresh_token;		/* NULL: none issued */
	long	 expires_in;		/* seconds; -1: not given */
};

/* Reads the endpoint's answer: body (len bytes) with HTTP status code.
 * Returns OAUTH2_OK with a filled *a (free with oauth2_answer_free), or
 * OAUTH2_TEMP (a 5xx or 429 status) or OAUTH2_REFUSED (an error answer,
 * RFC 6749 5.2, or anything unusable) with one line in err. */
int oauth2_parse(const char *body, size_t len, long status,
    struct oauth2_answer *a, char *err, size_t errlen);
void oauth2_answer_free(struct oauth2_answer *a);

/* Forgets the kept access token: the next oauth2_token asks the
 * endpoint. */
void oauth2_forget(void);

#endif
