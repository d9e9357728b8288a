/* oauth2: access tokens from the [oauth2] token endpoint; see oauth2.h.
 *
 * RFC 6749 sections 4.4, 5.1, 5.2 and 6; RFC 6750; RFC 7628 3.1.  The
 * client authenticates with client_id and client_secret in the request
 * body (RFC 6749 2.3.1), as Microsoft's and Google's endpoints document;
 * a public client (no secret) sends its client_id alone. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "ascii.h"
#include "buf.h"
#include "lazy.h"
#include "log.h"
#include "mem.h"
#include "oauth2.h"
#include "oauth2_file.h"

/* The kept token, and whose it is. */
static struct {
	char	*owner;		/* what identifies the [oauth2] account */
	char	*access;	/* NULL: none kept */
	time_t	 expires;	/* on mono_secs()' clock */
	char	*unsaved;	/* a new refresh token the file did not take */
} kept;
/* IMAP's login and the sender threads' SMTP logins (sender.h) may all
 * ask for the token. */
static pthread_mutex_t kept_mu = PTHREAD_MUTEX_INITIALIZER;

/* Seconds on a clock that neither jumps with the wall clock nor stops
 * while the machine sleeps (token lifetimes run on regardless). */
static time_t
mono_secs(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) == -1)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void
oauth2_free(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

static void
forget_locked(void)
{
	oauth2_free(&kept.access);
	kept.expires = 0;
}

void
oauth2_forget(void)
{
	pthread_mutex_lock(&kept_mu);
	forget_locked();
	pthread_mutex_unlock(&kept_mu);
}

/* A new account (a reload changed [oauth2]) starts from nothing. */
static void
oauth2_owner(const struct config *cfg)
{
	struct buf b = BUF_INIT;
	const char *f = cfg->oauth2.refresh_token_file;
	char *owner;

	buf_printf(&b, "%s\n%s\n%d\n%s\n%s", cfg->oauth2.token_url,
	    cfg->oauth2.client_id, (int)cfg->oauth2.grant,
	    cfg->oauth2.scope ? cfg->oauth2.scope : "", f ? f : "");
	owner = buf_steal(&b);
	if (kept.owner != NULL && strcmp(kept.owner, owner) == 0) {
		free(owner);
		return;
	}
	forget_locked();
	oauth2_free(&kept.unsaved);
	free(kept.owner);
	kept.owner = owner;
}

/* ---- the SASL responses -------------------------------------------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of s[0..n), in memory of its own so it can be wiped. */
static char *
base64(const unsigned char *s, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
		*o++ = b64[v & 63];
	}
	if (i < n) {
		v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 :
		    0);
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* The GS2 authzid of RFC 5801: ',' and '=' escaped. */
static void
put_saslname(char *dst, size_t *at, const char *user)
{
	for (; *user != '\0'; user++) {
		if (*user == ',')
			memcpy(dst + *at, "=2C", 3), *at += 3;
		else if (*user == '=')
			memcpy(dst + *at, "=3D", 3), *at += 3;
		else
			dst[(*at)++] = *user;
	}
}

static void
put(char *dst, size_t *at, const char *s)
{
	size_t n = strlen(s);

	memcpy(dst + *at, s, n);
	*at += n;
}

char *
oauth2_sasl(enum cfg_auth mech, const char *user, const char *host,
    int port, const char *token)
{
	char portstr[16], *raw, *out;
	size_t cap, at = 0;

	snprintf(portstr, sizeof portstr, "%d", port);
	/* Sized by hand, not a growing buf: it holds the token, and every
	 * copy of it must be wiped. */
	cap = 3 * strlen(user) + strlen(host) + strlen(token) + 64;
	raw = xmalloc(cap);
	if (mech == CFG_AUTH_OAUTHBEARER) {
		put(raw, &at, "n,a=");
		put_saslname(raw, &at, user);
		put(raw, &at, ",\001host=");
		put(raw, &at, host);
		put(raw, &at, "\001port=");
		put(raw, &at, portstr);
		put(raw, &at, "\001auth=Bearer ");
	} else {
		put(raw, &at, "user=");
		put(raw, &at, user);
		put(raw, &at, "\001auth=Bearer ");
	}
	put(raw, &at, token);
	put(raw, &at, "\001\001");
	out = base64((const unsigned char *)raw, at);
	explicit_bzero(raw, cap);
	free(raw);
	return out;
}

/* ---- the endpoint's answer ----------------------------------------- */

/* A token goes into SASL strings and a file line: visible ASCII only
 * (RFC 6750's b64token is narrower still). */
static int
token_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Copies what the endpoint said about an error, for a log line: control
 * characters become spaces, at most 200 bytes. */
static void
quote_text(struct buf *b, const char *s)
{
	size_t n;

	for (n = 0; *s != '\0' && n < 200; s++, n++)
		buf_putc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
	if (*s != '\0')
		buf_puts(b, "...");
}

static const char *
error_hint(const char *code)
{
	if (strcmp(code, "invalid_client") == 0 ||
	    strcmp(code, "unauthorized_client") == 0)
		return "; check [oauth2] client_id and client_secret";
	if (strcmp(code, "invalid_grant") == 0)
		return "; the refresh token is expired, revoked or already "
		    "used: get a new one and put it in [oauth2] "
		    "refresh_token_file";
	if (strcmp(code, "invalid_scope") == 0)
		return "; check [oauth2] scope";
	return "";
}

/* An error answer of RFC 6749 5.2, or whatever else a 4xx carried. */
static int
parse_error(json_t *root, long status, char *err, size_t errlen)
{
	json_t *code = json_object_get(root, "error");
	json_t *desc = json_object_get(root, "error_description");
	struct buf b = BUF_INIT;

	if (!json_is_string(code)) {
		snprintf(err, errlen, "refused the request (HTTP %ld)",
		    status);
		return OAUTH2_REFUSED;
	}
	buf_puts(&b, "refused the request: ");
	quote_text(&b, json_string_value(code));
	if (json_is_string(desc)) {
		buf_puts(&b, " (");
		quote_text(&b, json_string_value(desc));
		buf_puts(&b, ")");
	}
	buf_puts(&b, error_hint(json_string_value(code)));
	snprintf(err, errlen, "%s", buf_str(&b));
	buf_free(&b);
	return OAUTH2_REFUSED;
}

/* expires_in is a number; some endpoints send it as a string. */
static long
parse_expires(json_t *v)
{
	const char *s;
	char *end;
	long n;

	if (json_is_integer(v))
		return json_integer_value(v) < 0 ? -1 :
		    json_integer_value(v) > 100L * 365 * 86400 ?
		    100L * 365 * 86400 : (long)json_integer_value(v);
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	errno = 0;
	n = strtol(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0)
		return -1;
	return n;
}

int
oauth2_parse(const char *body, size_t len, long status,
    struct oauth2_answer *a, char *err, size_t errlen)
{
	json_t *root = NULL, *at, *rt, *type;
	json_error_t je;
	int ret = OAUTH2_REFUSED;

	memset(a, 0, sizeof *a);
	a->expires_in = -1;
	if (status >= 500 || status == 429) {
		snprintf(err, errlen, "answered HTTP %ld; trying again later",
		    status);
		return OAUTH2_TEMP;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL || !json_is_object(root)) {
		if (status != 200)
			snprintf(err, errlen, "answered HTTP %ld", status);
		else
			snprintf(err, errlen, "answered something that is "
			    "not a JSON object; is [oauth2] token_url the "
			    "token endpoint?");
		goto out;
	}
	if (status != 200) {
		ret = parse_error(root, status, err, errlen);
		goto out;
	}
	at = json_object_get(root, "access_token");
	rt = json_object_get(root, "refresh_token");
	type = json_object_get(root, "token_type");
	if (!json_is_string(at) || !token_ok(json_string_value(at))) {
		snprintf(err, errlen, "answered without a usable "
		    "access_token");
		goto out;
	}
	/* RFC 6749 5.1: case-insensitive; only bearer tokens go in SASL. */
	if (type != NULL && (!json_is_string(type) ||
	    !ascii_ieq(json_string_value(type), "bearer"))) {
		snprintf(err, errlen, "issued a token that is not a bearer "
		    "token");
		goto out;
	}
	if (rt != NULL && (!json_is_string(rt) ||
	    !token_ok(json_string_value(rt)))) {
		snprintf(err, errlen, "answered with an unusable "
		    "refresh_token");
		goto out;
	}
	a->access_token = xstrdup(json_string_value(at));
	if (rt != NULL)
		a->refresh_token = xstrdup(json_string_value(rt));
	a->expires_in = parse_expires(json_object_get(root, "expires_in"));
	ret = OAUTH2_OK;
out:
	json_decref(root);
	return ret;
}

void
oauth2_answer_free(struct oauth2_answer *a)
{
	oauth2_free(&a->access_token);
	oauth2_free(&a->refresh_token);
}

/* ---- the request ---------------------------------------------------- */

/* The answer, capped; wiped when freed, it holds tokens. */
struct answer {
	char	*p;
	size_t	 len;
	int	 over;
};

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct answer *a = arg;
	size_t n = size * nmemb;

	if (a->len + n > OAUTH2_MAX_ANSWER) {
		a->over = 1;
		return 0;
	}
	memcpy(a->p + a->len, data, n);
	a->len += n;
	return n;
}

/* The request body "n1=v1&n2=v2...", values form-encoded (RFC 6749
 * appendix B), for the n pairs whose value is not NULL.  Built in one
 * allocation of its own size (a growing buf would leave copies of the
 * secret behind); free with oauth2_free. */
static char *
form_body(CURL *h, const char *const *names, const char *const *values,
    size_t n)
{
	char *esc[8], *body;
	size_t i, len = 0, at = 0;

	if (n > sizeof esc / sizeof esc[0])
		abort();
	for (i = 0; i < n; i++) {
		esc[i] = NULL;
		if (values[i] == NULL)
			continue;
		if ((esc[i] = sym_curl_easy_escape(h, values[i], 0)) == NULL) {
			log_err("out of memory");
			exit(1);
		}
		len += strlen(names[i]) + strlen(esc[i]) + 2;
	}
	body = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		if (esc[i] == NULL)
			continue;
		if (at > 0)
			put(body, &at, "&");
		put(body, &at, names[i]);
		put(body, &at, "=");
		put(body, &at, esc[i]);
		explicit_bzero(esc[i], strlen(esc[i]));
		sym_curl_free(esc[i]);
	}
	body[at] = '\0';
	return body;
}

/* POSTs the grant and reads the answer into *ans. */
static int
request(const struct config *cfg, const char *refresh_token,
    struct oauth2_answer *ans, char *err, size_t errlen)
{
	char cerr[CURL_ERROR_SIZE], why[512];
	struct curl_slist *hdr = NULL;
	struct answer a = { NULL, 0, 0 };
	const char *names[] = { "grant_type", "refresh_token", "client_id",
		"client_secret", "scope" };
	const char *values[] = { refresh_token != NULL ? "refresh_token" :
		"client_credentials", refresh_token, cfg->oauth2.client_id,
		cfg->oauth2.client_secret, cfg->oauth2.scope };
	char *body = NULL;
	const char *url = cfg->oauth2.token_url;
	long status = 0, timeout = cfg->oauth2.timeout > 0 ?
	    cfg->oauth2.timeout : 30;
	CURLcode rc;
	CURL *h;
	int ret = OAUTH2_TEMP;

	if ((h = sym_curl_easy_init()) == NULL) {
		snprintf(err, errlen, "oauth2: cannot start libcurl");
		return OAUTH2_TEMP;
	}
	body = form_body(h, names, values, sizeof names / sizeof names[0]);
	a.p = xmalloc(OAUTH2_MAX_ANSWER);
	hdr = sym_curl_slist_append(hdr, "Accept: application/json");
	cerr[0] = '\0';
	sym_curl_easy_setopt(h, CURLOPT_URL, url);
	sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	sym_curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	sym_curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	sym_curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	sym_curl_easy_setopt(h, CURLOPT_USERAGENT, "nes-robot");
	sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->oauth2.ca_file != NULL)
		sym_curl_easy_setopt(h, CURLOPT_CAINFO, cfg->oauth2.ca_file);
	sym_curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
	sym_curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	sym_curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);

	rc = sym_curl_easy_perform(h);
	sym_curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "oauth2: cannot ask %s: %s", url,
		    a.over ? "answer too large" : cerr[0] ? cerr :
		    sym_curl_easy_strerror(rc));
		goto out;
	}
	ret = oauth2_parse(a.p, a.len, status, ans, why, sizeof why);
	if (ret != OAUTH2_OK)
		snprintf(err, errlen, "oauth2: %s %s", url, why);
out:
	sym_curl_easy_cleanup(h);
	sym_curl_slist_free_all(hdr);
	explicit_bzero(a.p, OAUTH2_MAX_ANSWER);
	free(a.p);
	oauth2_free(&body);
	return ret;
}

/* Keeps a rotated refresh token (issued, in place of used): in the
 * file, else in memory.  One the file did not take before is tried
 * again. */
static void
keep_refresh_token(const struct config *cfg, const char *used,
    const char *issued)
{
	const char *path = cfg->oauth2.refresh_token_file;
	const char *want;
	char err[512];

	if (issued != NULL && strcmp(issued, used) != 0)
		want = issued;
	else if (kept.unsaved != NULL)
		want = kept.unsaved;
	else
		return;
	if (oauth2_file_replace(path, want, err, sizeof err) == 0) {
		log_info("oauth2: the token endpoint issued a new refresh "
		    "token; %s now holds it", path);
		oauth2_free(&kept.unsaved);
		return;
	}
	log_err("oauth2: the token endpoint issued a new refresh token, but "
	    "%s could not be replaced: %s; it is kept in memory until the "
	    "robot stops, and the old one in the file may no longer work: "
	    "let the robot write that directory", path, err);
	if (kept.unsaved != want) {
		oauth2_free(&kept.unsaved);
		kept.unsaved = xstrdup(want);
	}
}

/* A new access token from the endpoint, into kept. */
static int
fetch(const struct config *cfg, char *err, size_t errlen)
{
	const char *path = cfg->oauth2.refresh_token_file;
	struct oauth2_answer ans;
	char *rt = NULL;
	int fd = -1, ret;

	memset(&ans, 0, sizeof ans);
	if (cfg->oauth2.grant == CFG_GRANT_REFRESH_TOKEN) {
		/* Held until the new refresh token is in the file. */
		if ((fd = oauth2_file_lock(path, err, errlen)) == -1)
			return OAUTH2_REFUSED;
		if (kept.unsaved != NULL)
			rt = xstrdup(kept.unsaved);
		else if (oauth2_file_read(fd, path, &rt, err, errlen) == -1) {
			close(fd);
			return OAUTH2_REFUSED;
		}
	}
	ret = request(cfg, rt, &ans, err, errlen);
	if (ret == OAUTH2_OK) {
		if (rt != NULL)
			keep_refresh_token(cfg, rt, ans.refresh_token);
		forget_locked();
		kept.access = ans.access_token;
		ans.access_token = NULL;
		kept.expires = mono_secs() + (ans.expires_in >= 0 ?
		    ans.expires_in : OAUTH2_DEFAULT_LIFE);
		log_debug("oauth2: new access token for %ld s",
		    ans.expires_in >= 0 ? ans.expires_in :
		    (long)OAUTH2_DEFAULT_LIFE);
	}
	if (fd != -1)
		close(fd);
	oauth2_free(&rt);
	oauth2_answer_free(&ans);
	return ret;
}

static int
token_locked(const struct config *cfg, int renew, char **token_r,
    int *fresh_r, char *err, size_t errlen)
{
	int ret;

	*token_r = NULL;
	*fresh_r = 0;
	if (cfg->oauth2.token_url == NULL || cfg->oauth2.client_id == NULL) {
		snprintf(err, errlen, "oauth2: [oauth2] token_url and "
		    "client_id are not set");
		return OAUTH2_REFUSED;
	}
	if (lazy_curl(err, errlen) == -1)	/* lazy.h */
		return OAUTH2_TEMP;
	oauth2_owner(cfg);
	if (!renew && kept.access != NULL &&
	    mono_secs() + OAUTH2_MARGIN < kept.expires) {
		*token_r = xstrdup(kept.access);
		return OAUTH2_OK;
	}
	if ((ret = fetch(cfg, err, errlen)) != OAUTH2_OK)
		return ret;
	*token_r = xstrdup(kept.access);
	*fresh_r = 1;
	return OAUTH2_OK;
}

int
oauth2_token(const struct config *cfg, int renew, char **token_r,
    int *fresh_r, char *err, size_t errlen)
{
	int ret;

	pthread_mutex_lock(&kept_mu);
	ret = token_locked(cfg, renew, token_r, fresh_r, err, errlen);
	pthread_mutex_unlock(&kept_mu);
	return ret;
}
