/* imap: read-only IMAP over libetpan; see imap.h.
 *
 * RFC 3501 (IMAP4rev1), RFC 2177 (IDLE), RFC 8314 (implicit TLS), RFC 2595
 * (STARTTLS), RFC 6125 (host name check, done by GnuTLS). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "buf.h"
#include "cfg.h"
#include "imap.h"
#include "imap_auth.h"
#include "imap_int.h"
#include "log.h"
#include "mem.h"
#include "oauth2.h"

/* Bytes of each protocol line shown in the debug log: enough to follow
 * the dialogue.  The mail itself (the literals of FETCH) is never shown:
 * it holds personal data in forms no mask can read (base64, QP). */
#define IMAP_LOG_CHUNK	200

/* The N of a line that ends in "{N}" CRLF (a literal of N bytes follows),
 * or 0. */
static size_t
literal_size(const char *line, size_t n)
{
	size_t v = 0, mult = 1;

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n < 3 || line[--n] != '}')
		return 0;
	for (; n > 0 && line[n - 1] >= '0' && line[n - 1] <= '9' &&
	    mult <= 1000000000; n--, mult *= 10)
		v += (size_t)(line[n - 1] - '0') * mult;
	return n > 0 && line[n - 1] == '{' ? v : 0;
}

/* Logs what the server sent, line by line, leaving literals out. */
static void
imap_log_received(struct imap *imap, const char *s, size_t n)
{
	const char *nl;
	char look[IMAP_LOG_TAIL + IMAP_LOG_CHUNK];
	size_t line, k, lit;

	while (n > 0) {
		if (imap->log_literal > 0) {
			k = n < imap->log_literal ? n : imap->log_literal;
			imap->log_literal -= k;
			s += k;
			n -= k;
			continue;
		}
		nl = memchr(s, '\n', n);
		line = nl != NULL ? (size_t)(nl - s) + 1 : n;
		log_debug("imap: < %.*s%s", (int)(line < IMAP_LOG_CHUNK ?
		    line : IMAP_LOG_CHUNK), s, line > IMAP_LOG_CHUNK ? " ..." :
		    "");
		/* The line's end, with what an earlier read left of it. */
		k = line < IMAP_LOG_CHUNK ? line : IMAP_LOG_CHUNK;
		memcpy(look, imap->log_tail, imap->log_tail_len);
		memcpy(look + imap->log_tail_len, s + line - k, k);
		k += imap->log_tail_len;
		imap->log_tail_len = 0;
		if (nl == NULL) {
			/* cut: keep its end for the next read */
			imap->log_tail_len = k < IMAP_LOG_TAIL ? k :
			    IMAP_LOG_TAIL;
			memcpy(imap->log_tail, look + k - imap->log_tail_len,
			    imap->log_tail_len);
		} else if ((lit = literal_size(look, k)) > 0) {
			imap->log_literal = lit;
			log_debug("imap: < (%zu bytes of mail, not logged)",
			    lit);
		}
		s += line;
		n -= line;
	}
}

static void
imap_logger(mailimap *m, int type, const char *str, size_t size, void *ctx)
{
	struct imap *imap = ctx;

	if (str == NULL)
		return;
	switch (type) {
	case MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE:
		/* LOGIN's password, AUTHENTICATE's token: never logged, not
		 * even their length. */
		log_debug("imap: > (LOGIN or AUTHENTICATE not logged)");
		return;
	case MAILSTREAM_LOG_TYPE_DATA_SENT:
		log_debug("imap: > %.*s%s", (int)(size < IMAP_LOG_CHUNK ?
		    size : IMAP_LOG_CHUNK), str, size > IMAP_LOG_CHUNK ?
		    " ..." : "");
		return;
	case MAILSTREAM_LOG_TYPE_DATA_RECEIVED:
		imap_log_received(imap, str, size);
		return;
	default:
		return;
	}
}

static int
is_ip_literal(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/* SNI only for names (RFC 6066 forbids literal addresses in it). */
static void
imap_sni(struct mailstream_ssl_context *ssl, void *data)
{
	const char *host = data;

	if (!is_ip_literal(host))
		mailstream_ssl_set_server_name(ssl, (char *)host);
}

/* Checks the peer's chain against ca_file (or the system store) and
 * host; fills err and returns -1 when it fails. */
static int
imap_verify(struct imap *imap, const char *ca_file, char *err, size_t errlen)
{
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_x509_crt_t *crts = NULL;
	gnutls_datum_t out = { NULL, 0 };
	gnutls_typed_vdata_st vdata[2];
	carray *chain = NULL;
	unsigned int i, n = 0, status = 0, other;
	int r, ret = -1;

	chain = mailstream_get_certificate_chain(imap->m->imap_stream);
	if (chain == NULL || carray_count(chain) == 0) {
		snprintf(err, errlen, "certificate of %s not trusted: "
		    "no certificate presented", imap->host);
		goto fail;
	}
	if (gnutls_x509_trust_list_init(&tl, 0) < 0) {
		snprintf(err, errlen, "certificate of %s not trusted: "
		    "cannot set up GnuTLS", imap->host);
		tl = NULL;
		goto fail;
	}
	if (ca_file != NULL)
		r = gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
	else
		r = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	if (r <= 0) {
		snprintf(err, errlen, "certificate of %s not trusted: "
		    "no CA certificate loaded from %s", imap->host,
		    ca_file != NULL ? ca_file : "the system store");
		goto fail;
	}

	crts = xcalloc(carray_count(chain), sizeof *crts);
	for (i = 0; i < carray_count(chain); i++) {
		MMAPString *der = carray_get(chain, i);
		gnutls_datum_t d;

		if (gnutls_x509_crt_init(&crts[n]) < 0)
			break;
		d.data = (unsigned char *)der->str;
		d.size = (unsigned int)der->len;
		if (gnutls_x509_crt_import(crts[n], &d,
		    GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crts[n]);
			break;
		}
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "certificate of %s not trusted: "
		    "unreadable certificate", imap->host);
		goto fail;
	}

	memset(vdata, 0, sizeof vdata);
	vdata[0].type = GNUTLS_DT_DNS_HOSTNAME;
	vdata[0].data = (unsigned char *)imap->host;
	vdata[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vdata[1].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	r = gnutls_x509_trust_list_verify_crt2(tl, crts, n, vdata, 2, 0,
	    &status, NULL);
	if (r < 0) {
		snprintf(err, errlen, "certificate of %s not trusted: %s",
		    imap->host, gnutls_strerror(r));
		goto fail;
	}
	/* A chain that fails for any reason but the name is "not trusted";
	 * only a good chain for another name is reported as a mismatch. */
	other = status & ~(GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER);
	if (other != 0) {
		if (gnutls_certificate_verification_status_print(other,
		    GNUTLS_CRT_X509, &out, 0) == 0) {
			size_t l = strlen((char *)out.data);

			while (l > 0 && out.data[l - 1] == ' ')
				out.data[--l] = '\0';
			snprintf(err, errlen, "certificate of %s not trusted: "
			    "%s", imap->host, (char *)out.data);
		} else
			snprintf(err, errlen, "certificate of %s not trusted: "
			    "status 0x%x", imap->host, other);
		goto fail;
	}
	if (status != 0) {
		snprintf(err, errlen, "certificate does not match host name %s",
		    imap->host);
		goto fail;
	}
	ret = 0;
fail:
	gnutls_free(out.data);
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	free(crts);
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	if (chain != NULL)
		mailstream_certificate_chain_free(chain);
	return ret;
}

const char *
imap_errname(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		return "connection lost or timed out";
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		/* libetpan's word for every failed connect() or lookup. */
		return "connection failed";
	case MAILIMAP_ERROR_SSL:
		return "TLS handshake failed";
	case MAILIMAP_ERROR_STARTTLS:
		return "STARTTLS failed";
	case MAILIMAP_ERROR_PARSE:
		return "unparsable server response";
	case MAILIMAP_ERROR_MEMORY:
		return "out of memory";
	default:
		return "protocol error";
	}
}

int
imap_bad_conn(int r)
{
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
	    r == MAILIMAP_ERROR_SSL || r == MAILIMAP_ERROR_MEMORY;
}

/* Logs in with an access token: imap.auth xoauth2 or oauthbearer.  A
 * kept token that the server refuses may have been revoked or have ended
 * early: then one new token and one more try. */
static int
imap_login_token(struct imap *imap, const struct config *cfg, char *err,
    size_t errlen)
{
	const char *mech = cfg->imap.auth == CFG_AUTH_XOAUTH2 ? "XOAUTH2" :
	    "OAUTHBEARER";
	struct mailimap_capability_data *caps = NULL;
	char *tok = NULL, *resp = NULL;
	int r, fresh = 0, attempt, ir;

	/* What the greeting announced may predate STARTTLS. */
	r = mailimap_capability(imap->m, &caps);
	if (r == MAILIMAP_NO_ERROR)
		mailimap_capability_data_free(caps);
	else if (imap_bad_conn(r)) {
		snprintf(err, errlen, "cannot connect to %s:%d: %s",
		    imap->host, imap->port, imap_errname(r));
		return -1;
	}
	if (!mailimap_has_authentication(imap->m, mech)) {
		snprintf(err, errlen, "imap %s does not offer AUTHENTICATE %s; "
		    "set [imap] auth to a mechanism it offers", imap->host,
		    mech);
		return -1;
	}
	ir = mailimap_has_extension(imap->m, "SASL-IR");
	for (attempt = 0; attempt < 2 && !fresh; attempt++) {
		if (oauth2_token(cfg, attempt > 0, &tok, &fresh, err,
		    errlen) != OAUTH2_OK)
			return -1;
		resp = oauth2_sasl(cfg->imap.auth, cfg->imap.user,
		    imap->host, imap->port, tok);
		oauth2_free(&tok);
		r = imap_auth_sasl(imap->m, mech, resp, ir);
		oauth2_free(&resp);
		if (r == MAILIMAP_NO_ERROR)
			return 0;
		if (imap_bad_conn(r)) {
			snprintf(err, errlen, "cannot connect to %s:%d: %s",
			    imap->host, imap->port, imap_errname(r));
			return -1;
		}
		if (!fresh)
			log_info("imap: %s refused the kept access token; "
			    "asking the token endpoint for a new one",
			    imap->host);
	}
	snprintf(err, errlen, "login refused for %s (%s)%s%s", cfg->imap.user,
	    mech, imap->m->imap_response != NULL ? ": " : "",
	    imap->m->imap_response != NULL ? imap->m->imap_response : "");
	return -1;
}

/* Drops the capabilities libetpan keeps (the greeting's), so that a list
 * the login's answer brings is known for what it is. */
static void
forget_caps(struct imap *imap)
{
	struct mailimap_connection_info *ci = imap->m->imap_connection_info;

	if (ci != NULL && ci->imap_capability != NULL) {
		mailimap_capability_data_free(ci->imap_capability);
		ci->imap_capability = NULL;
	}
}

/* Whether libetpan keeps a capability list (an answer since brought one). */
static int
have_caps(const struct imap *imap)
{
	const struct mailimap_connection_info *ci =
	    imap->m->imap_connection_info;

	return ci != NULL && ci->imap_capability != NULL;
}

/* imap_connect without its "logged in" line. */
static int
connect_login(const struct config *cfg, struct imap **imap_r, char *err,
    size_t errlen)
{
	struct imap *imap = NULL;
	struct mailimap_capability_data *caps = NULL;
	const char *host = cfg->imap.host;
	int r, port = cfg->imap.port, ask = 1;

	*imap_r = NULL;
	/* A server that drops a TLS connection would otherwise kill the
	 * process on the next write. */
	signal(SIGPIPE, SIG_IGN);

	if (host == NULL || port <= 0 || port > 65535) {
		snprintf(err, errlen, "cannot connect to %s:%d: "
		    "bad host or port", host != NULL ? host : "(none)", port);
		return IMAP_CONN_BAD;
	}
	if (cfg->imap.tls == CFG_TLS_NONE && !cfg_is_loopback(host)) {
		snprintf(err, errlen, "cannot connect to %s:%d: tls = none is "
		    "allowed only on loopback", host, port);
		return IMAP_CONN_BAD;
	}

	imap = xcalloc(1, sizeof *imap);
	imap->host = xstrdup(host);
	imap->port = port;
	imap->m = mailimap_new(0, NULL);
	if (imap->m == NULL) {
		snprintf(err, errlen, "cannot connect to %s:%d: out of memory",
		    host, port);
		goto fail;
	}
	mailimap_set_timeout(imap->m,
	    cfg->imap.timeout > 0 ? cfg->imap.timeout : 60);
	mailimap_set_logger(imap->m, imap_logger, imap);

	if (cfg->imap.tls == CFG_TLS_IMAPS)
		r = mailimap_ssl_connect_with_callback(imap->m, host,
		    (uint16_t)port, imap_sni, imap->host);
	else
		r = mailimap_socket_connect(imap->m, host, (uint16_t)port);
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		snprintf(err, errlen, "cannot connect to %s:%d: %s", host, port,
		    imap_errname(r));
		goto fail;
	}
	if (cfg->imap.tls == CFG_TLS_STARTTLS) {
		r = mailimap_socket_starttls_with_callback(imap->m, imap_sni,
		    imap->host);
		if (r != MAILIMAP_NO_ERROR) {
			snprintf(err, errlen, "cannot connect to %s:%d: "
			    "STARTTLS failed", host, port);
			goto fail;
		}
	}
	if (cfg->imap.tls != CFG_TLS_NONE &&
	    imap_verify(imap, cfg->imap.ca_file, err, errlen) == -1)
		goto fail;

	if (imap->m->imap_state != MAILIMAP_STATE_AUTHENTICATED &&
	    cfg->imap.auth != CFG_AUTH_PASSWORD) {
		if (imap_login_token(imap, cfg, err, errlen) == -1)
			goto fail;
	} else if (imap->m->imap_state != MAILIMAP_STATE_AUTHENTICATED) {
		forget_caps(imap);
		r = mailimap_login(imap->m, cfg->imap.user,
		    cfg->imap.password != NULL ? cfg->imap.password : "");
		if (r != MAILIMAP_NO_ERROR) {
			if (imap_bad_conn(r))
				snprintf(err, errlen, "cannot connect to "
				    "%s:%d: %s", host, port, imap_errname(r));
			else
				snprintf(err, errlen, "login refused for %s",
				    cfg->imap.user);
			goto fail;
		}
		ask = !have_caps(imap);
	}
	/* The greeting's capabilities predate the login.  Many servers send
	 * the new list with their answer to LOGIN (a CAPABILITY response
	 * code or line, RFC 3501 6.2.3 and 7.2.1; Dovecot does), which
	 * libetpan keeps for mailimap_has_idle: a round trip less.  Else,
	 * and after AUTHENTICATE, ask. */
	if (ask) {
		if (mailimap_capability(imap->m, &caps) == MAILIMAP_NO_ERROR)
			mailimap_capability_data_free(caps);
		else
			log_debug("imap: CAPABILITY failed on %s", host);
	}
	imap->has_idle = mailimap_has_idle(imap->m);
	*imap_r = imap;
	return IMAP_OK;
fail:
	imap_close(&imap);
	return IMAP_CONN_BAD;
}

static void
logged_in(const struct imap *imap, const struct config *cfg)
{
	log_info("imap: logged in to %s:%d as %s", imap->host, imap->port,
	    cfg->imap.user);
}

int
imap_connect(const struct config *cfg, struct imap **imap_r, char *err,
    size_t errlen)
{
	int rc;

	if ((rc = connect_login(cfg, imap_r, err, errlen)) == IMAP_OK)
		logged_in(*imap_r, cfg);
	return rc;
}

struct imap_pending {
	const struct config	*cfg;
	pthread_t		 thread;
	int			 started;
	/* The thread's until it is joined: */
	int			 rc;
	struct imap		*imap;
	char			 err[1024];
};

static void *
imap_connect_thread(void *arg)
{
	struct imap_pending *p = arg;

	p->rc = connect_login(p->cfg, &p->imap, p->err, sizeof p->err);
	return NULL;
}

struct imap_pending *
imap_connect_start(const struct config *cfg)
{
	struct imap_pending *p = xcalloc(1, sizeof *p);

	p->cfg = cfg;
	p->started = pthread_create(&p->thread, NULL, imap_connect_thread,
	    p) == 0;
	return p;
}

int
imap_connect_wait(struct imap_pending *p, struct imap **imap_r, char *err,
    size_t errlen)
{
	int rc;

	if (!p->started)
		imap_connect_thread(p);
	else
		pthread_join(p->thread, NULL);
	rc = p->rc;
	if (imap_r == NULL) {
		imap_close(&p->imap);	/* dropped: nothing to say */
	} else {
		if (rc == IMAP_OK)
			logged_in(p->imap, p->cfg);
		else
			snprintf(err, errlen, "%s", p->err);
		*imap_r = p->imap;
	}
	free(p);
	return rc;
}

void
imap_close(struct imap **imapp)
{
	struct imap *imap = *imapp;

	if (imap == NULL)
		return;
	if (imap->m != NULL) {
		if (imap->m->imap_stream != NULL)
			mailimap_logout(imap->m);
		mailimap_free(imap->m);
	}
	free(imap->host);
	free(imap);
	*imapp = NULL;
}

/* Folder names travel in modified UTF-7 (RFC 3501 5.1.3): "Gönderilmiş
 * Öğeler" is "G&APY-nderilmi&AV8- &ANYBHw-eler".  Config names are UTF-8;
 * invalid UTF-8 is sent as it is.  Returns a string to free(). */
static char *
imap_mutf7(const char *s)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	const unsigned char *p = (const unsigned char *)s;
	struct buf b = BUF_INIT;
	uint32_t cp, bits = 0;
	int nbits = 0, in64 = 0, n, i;

	while (*p != '\0') {
		if (*p >= 0x20 && *p <= 0x7e) {
			if (in64) {
				if (nbits > 0)
					buf_putc(&b, b64[(bits << (6 - nbits)) &
					    0x3f]);
				buf_putc(&b, '-');
				in64 = 0;
				nbits = 0;
				bits = 0;
			}
			if (*p == '&')
				buf_puts(&b, "&-");
			else
				buf_putc(&b, (char)*p);
			p++;
			continue;
		}
		if (*p < 0x80) {
			cp = *p;
			n = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07;
			n = 3;
		} else
			goto raw;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				goto raw;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		p += n + 1;
		if (!in64) {
			buf_putc(&b, '&');
			in64 = 1;
		}
		/* UTF-16, then base64 six bits at a time. */
		for (i = 0; i < 2; i++) {
			uint32_t u;

			if (cp >= 0x10000)
				u = i == 0 ? 0xd800 | ((cp - 0x10000) >> 10) :
				    0xdc00 | ((cp - 0x10000) & 0x3ff);
			else if (i == 0)
				u = cp;
			else
				break;
			bits = (bits << 16) | u;
			nbits += 16;
			while (nbits >= 6) {
				nbits -= 6;
				buf_putc(&b, b64[(bits >> nbits) & 0x3f]);
			}
			bits &= (1u << nbits) - 1;
		}
	}
	if (in64) {
		if (nbits > 0)
			buf_putc(&b, b64[(bits << (6 - nbits)) & 0x3f]);
		buf_putc(&b, '-');
	}
	return buf_steal(&b);
raw:
	buf_free(&b);
	return xstrdup(s);
}

int
imap_examine(struct imap *imap, const char *folder, uint32_t *uidvalidity_r,
    uint32_t *uidnext_r, char *err, size_t errlen)
{
	char *name;
	int r;

	name = imap_mutf7(folder);
	r = mailimap_examine(imap->m, name);
	free(name);
	if (r != MAILIMAP_NO_ERROR) {
		if (imap_bad_conn(r)) {
			snprintf(err, errlen, "imap %s: EXAMINE %s: %s",
			    imap->host, folder, imap_errname(r));
			return IMAP_CONN_BAD;
		}
		snprintf(err, errlen, "imap %s: cannot open folder %s: %s",
		    imap->host, folder, imap->m->imap_response != NULL ?
		    imap->m->imap_response : "refused");
		return IMAP_FOLDER_BAD;
	}
	*uidvalidity_r = imap->m->imap_selection_info->sel_uidvalidity;
	*uidnext_r = imap->m->imap_selection_info->sel_uidnext;
	return IMAP_OK;
}

int
imap_has_idle(const struct imap *imap)
{
	return imap->has_idle;
}

/* Waits for the stream to become readable; data already buffered by
 * libetpan counts, since poll() cannot see it. */
static int
imap_wait(struct imap *imap, int ms)
{
	struct pollfd pfd;

	if (imap->m->imap_stream->read_buffer_len > 0)
		return 1;
	pfd.fd = mailimap_idle_get_fd(imap->m);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (pfd.fd < 0)
		return -1;
	if (poll(&pfd, 1, ms) < 0)
		return errno == EINTR ? 0 : -1;
	return pfd.revents != 0;
}

int
imap_idle(struct imap *imap, int timeout, char *err, size_t errlen)
{
	struct mailimap_selection_info *sel = imap->m->imap_selection_info;
	uint32_t exists;
	time_t deadline, now;
	int r, ready, changed = 0;

	if (sel == NULL) {
		snprintf(err, errlen, "imap %s: no folder examined",
		    imap->host);
		return IMAP_CONN_BAD;
	}
	if (!imap->has_idle) {
		snprintf(err, errlen, "imap %s: server has no IDLE",
		    imap->host);
		return IMAP_CONN_BAD;
	}
	if (timeout > 29 * 60)
		timeout = 29 * 60;
	exists = sel->sel_exists;
	deadline = time(NULL) + timeout;
	/* Servers also wake IDLE for keep-alives ("* OK Still here"): only
	 * a grown EXISTS count means new mail, anything else re-IDLEs. */
	while (!changed && (now = time(NULL)) < deadline) {
		r = mailimap_idle(imap->m);
		if (r != MAILIMAP_NO_ERROR)
			goto bad;
		ready = imap_wait(imap, (int)(deadline - now) * 1000);
		r = mailimap_idle_done(imap->m);
		if (r != MAILIMAP_NO_ERROR)
			goto bad;
		if (ready < 0) {
			r = MAILIMAP_ERROR_STREAM;
			goto bad;
		}
		sel = imap->m->imap_selection_info;
		if (sel != NULL && sel->sel_exists != exists)
			changed = 1;
		if (!ready)
			break;
	}
	return changed;
bad:
	snprintf(err, errlen, "imap %s: IDLE: %s", imap->host,
	    imap_errname(r));
	return IMAP_CONN_BAD;
}
