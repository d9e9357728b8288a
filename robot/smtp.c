/* smtp: sending messages with libcurl; see smtp.h.
 *
 * RFC 5321, RFC 3207, RFC 8314, RFC 4954.  libcurl speaks the protocol and
 * dot-stuffs the data; this module chooses the security, turns libcurl's
 * result and the server's reply code into SMTP_OK/TEMP/PERM/CONFIG, and
 * keeps the server's last reply (never anything we sent, so never the
 * password) for the error text.
 *
 * The messages of one struct smtp go through one libcurl handle, whose
 * cache keeps the connection open between them: libcurl reuses it only
 * for the same server, TLS settings and credentials (the access token
 * included), checks that it is still alive first, and says QUIT when the
 * handle is cleaned up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ascii.h"
#include "buf.h"
#include "lazy.h"
#include "log.h"
#include "mem.h"
#include "oauth2.h"
#include "smtp.h"

#define SMTP_CONNECT_TIMEOUT	30L
#define SMTP_TIMEOUT		120L

struct smtp {
	const struct config	*cfg;
	CURL			*h;	/* NULL until the first message */
};

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* The server's most recent reply (all lines of it). */
struct reply {
	struct buf	 b;
	int		 last_in;	/* the previous line came from the server */
};

static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct reply *r = arg;
	size_t i;

	(void)h;
	if (type == CURLINFO_HEADER_OUT || type == CURLINFO_DATA_OUT) {
		r->last_in = 0;
		return 0;
	}
	if (type != CURLINFO_HEADER_IN)
		return 0;
	if (!r->last_in)
		buf_reset(&r->b);
	r->last_in = 1;
	if (r->b.len > 0 && r->b.len < 400)
		buf_putc(&r->b, ' ');
	for (i = 0; i < size && r->b.len < 400; i++) {
		if (data[i] == '\r' || data[i] == '\n')
			continue;
		buf_putc(&r->b, (unsigned char)data[i] < 0x20 ? ' ' : data[i]);
	}
	return 0;
}

static int
addr_ok(const char *a)
{
	const char *p;

	if (a == NULL || *a == '\0')
		return 0;
	for (p = a; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '<' || *p == '>')
			return 0;
	return strchr(a, '@') != NULL;
}

/* One SMTP transaction on s's handle: on the connection kept from the
 * message before when libcurl can reuse it, else on a new one.  token:
 * the access token for smtp.auth xoauth2 or oauthbearer, else NULL.
 * Returns libcurl's result; the server's last reply code in *code_r, its
 * text in reply, libcurl's error text in cerr. */
static CURLcode
smtp_once(struct smtp *s, int implicit_tls, const char *mail_from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t len,
    const char *token, long *code_r, struct reply *reply, char *cerr)
{
	const struct config *cfg = s->cfg;
	struct curl_slist *rl = NULL;
	struct upload up;
	CURLcode rc;
	CURL *h;
	size_t i;

	*code_r = 0;
	cerr[0] = '\0';
	if (s->h == NULL && (s->h = sym_curl_easy_init()) == NULL) {
		snprintf(cerr, CURL_ERROR_SIZE, "curl_easy_init failed");
		return CURLE_FAILED_INIT;
	}
	h = s->h;
	for (i = 0; i < nrcpt; i++)
		rl = sym_curl_slist_append(rl, rcpts[i]);
	up.p = msg;
	up.left = len;
	reply->last_in = 0;
	sym_curl_easy_setopt(h, CURLOPT_URL, cfg->smtp.url);
	sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	sym_curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from);
	sym_curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rl);
	sym_curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	sym_curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	sym_curl_easy_setopt(h, CURLOPT_READDATA, &up);
	sym_curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	if (!implicit_tls && cfg->smtp.tls == CFG_TLS_STARTTLS)
		sym_curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->smtp.ca_file != NULL)
		sym_curl_easy_setopt(h, CURLOPT_CAINFO, cfg->smtp.ca_file);
	if (cfg->smtp.user != NULL && token != NULL) {
		sym_curl_easy_setopt(h, CURLOPT_USERNAME, cfg->smtp.user);
		sym_curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, token);
		/* Only the mechanism asked for: libcurl would take
		 * OAUTHBEARER first whenever the server offers both. */
		sym_curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS,
		    cfg->smtp.auth == CFG_AUTH_OAUTHBEARER ?
		    "AUTH=OAUTHBEARER" : "AUTH=XOAUTH2");
	} else if (cfg->smtp.user != NULL) {
		sym_curl_easy_setopt(h, CURLOPT_USERNAME, cfg->smtp.user);
		sym_curl_easy_setopt(h, CURLOPT_PASSWORD,
		    cfg->smtp.password ? cfg->smtp.password : "");
	}
	sym_curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, SMTP_CONNECT_TIMEOUT);
	sym_curl_easy_setopt(h, CURLOPT_TIMEOUT, SMTP_TIMEOUT);
	sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	/* the debug callback only ever keeps what the server said */
	sym_curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	sym_curl_easy_setopt(h, CURLOPT_DEBUGDATA, reply);
	sym_curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);

	rc = sym_curl_easy_perform(h);
	sym_curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code_r);
	/* Every option back to its default, the connection cache kept: the
	 * handle must hold no pointer to this call's reply, error text or
	 * recipients once it returns (the QUIT at smtp_close would go to
	 * debug_cb with a reply long gone). */
	sym_curl_easy_reset(h);
	/* A failed message closes the connection (smtp.h): a server may end
	 * the session after its refusal (msmtpd does, after a delivery that
	 * failed), and libcurl's cache would otherwise offer that connection
	 * to the next message before it has seen the close, which then meets
	 * a reset instead of the server's answer. */
	if (rc != CURLE_OK) {
		sym_curl_easy_cleanup(h);
		s->h = NULL;
	}
	sym_curl_slist_free_all(rl);
	return rc;
}

struct smtp *
smtp_open(const struct config *cfg)
{
	struct smtp *s = xcalloc(1, sizeof *s);

	s->cfg = cfg;
	return s;
}

void
smtp_close(struct smtp **sp)
{
	if (*sp == NULL)
		return;
	if ((*sp)->h != NULL)
		sym_curl_easy_cleanup((*sp)->h);
	free(*sp);
	*sp = NULL;
}

int
smtp_send_on(struct smtp *s, const char *mail_from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t len,
    char *err, size_t errlen)
{
	const struct config *cfg = s->cfg;
	char cerr[CURL_ERROR_SIZE];
	struct reply reply = { BUF_INIT, 0 };
	CURLU *url = NULL;
	CURLcode rc;
	char *scheme = NULL, *host = NULL, *token = NULL;
	long code = 0;
	size_t i;
	int res = SMTP_TEMP, implicit_tls, attempt, fresh = 0, r;
	int by_token = cfg->smtp.user != NULL &&
	    cfg->smtp.auth != CFG_AUTH_PASSWORD;

	/* libcurl, at the first mail of the process (lazy.h); without it
	 * the mail stays queued and the log says why. */
	if (lazy_curl(err, errlen) == -1)
		return SMTP_TEMP;
	snprintf(err, errlen, "not sent");

	/* what the message and addresses must be */
	if (!addr_ok(mail_from) || nrcpt == 0) {
		snprintf(err, errlen, "bad sender or no recipient");
		return SMTP_PERM;
	}
	for (i = 0; i < nrcpt; i++)
		if (!addr_ok(rcpts[i])) {
			snprintf(err, errlen, "bad recipient address");
			return SMTP_PERM;
		}
	for (i = 0; i < len; i++)
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r')) {
			snprintf(err, errlen, "message has a bare LF");
			return SMTP_PERM;
		}

	/* how to reach the server */
	if (cfg->smtp.url == NULL || (url = sym_curl_url()) == NULL ||
	    sym_curl_url_set(url, CURLUPART_URL, cfg->smtp.url, 0) !=
	    CURLUE_OK ||
	    sym_curl_url_get(url, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    sym_curl_url_get(url, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen, "smtp.url: cannot parse");
		res = SMTP_CONFIG;
		goto done;
	}
	if (ascii_ieq(scheme, "smtps"))
		implicit_tls = 1;
	else if (ascii_ieq(scheme, "smtp"))
		implicit_tls = 0;
	else {
		snprintf(err, errlen, "smtp.url: scheme must be smtp or smtps");
		res = SMTP_CONFIG;
		goto done;
	}
	if (!implicit_tls && cfg->smtp.tls != CFG_TLS_STARTTLS &&
	    !cfg_is_loopback(host)) {
		snprintf(err, errlen, "smtp: refusing plain text to %s "
		    "(set tls = starttls or use smtps://)", host);
		res = SMTP_CONFIG;
		goto done;
	}

	/* A kept access token that the server refuses may have been
	 * revoked or have ended early: one new token, one more try.  AUTH
	 * comes before MAIL, so nothing was sent the first time. */
	for (attempt = 0; ; attempt++) {
		if (by_token) {
			r = oauth2_token(cfg, attempt > 0, &token, &fresh, err,
			    errlen);
			if (r != OAUTH2_OK) {
				res = r == OAUTH2_TEMP ? SMTP_TEMP :
				    SMTP_CONFIG;
				goto done;
			}
		}
		buf_reset(&reply.b);
		rc = smtp_once(s, implicit_tls, mail_from, rcpts, nrcpt, msg,
		    len, token, &code, &reply, cerr);
		oauth2_free(&token);
		if (rc != CURLE_LOGIN_DENIED || !by_token || fresh ||
		    attempt > 0)
			break;
		log_info("smtp: %s refused the kept access token; asking the "
		    "token endpoint for a new one", host);
	}
	if (rc == CURLE_OK) {
		res = SMTP_OK;
		snprintf(err, errlen, "%s", reply.b.len ? buf_str(&reply.b) :
		    "accepted");
		goto done;
	}
	switch (rc) {
	case CURLE_LOGIN_DENIED:
		res = SMTP_CONFIG;
		break;
	case CURLE_FAILED_INIT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
		res = SMTP_TEMP;
		break;
	default:
		if (code >= 500 && code <= 599)
			res = SMTP_PERM;
		else
			res = SMTP_TEMP;
		break;
	}
	snprintf(err, errlen, "%s%s%s%s", cerr[0] ? cerr :
	    sym_curl_easy_strerror(rc), reply.b.len ? " (" : "",
	    reply.b.len ? buf_str(&reply.b) : "", reply.b.len ? ")" : "");

done:
	sym_curl_free(scheme);
	sym_curl_free(host);
	if (url != NULL)
		sym_curl_url_cleanup(url);
	buf_free(&reply.b);
	return res;
}
