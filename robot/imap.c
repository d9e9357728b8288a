/* imap: read-only IMAP over libetpan; see imap.h.
 *
 * RFC 3501 (IMAP4rev1), RFC 2177 (IDLE), RFC 8314 (implicit TLS), RFC 2595
 * (STARTTLS), RFC 6125 (host name check, done by GnuTLS). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
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
#include "log.h"
#include "mem.h"
#include "oauth2.h"

/* Bytes of each protocol line shown in the debug log: enough to follow
 * the dialogue.  The mail itself (the literals of FETCH) is never shown:
 * it holds personal data in forms no mask can read (base64, QP). */
#define IMAP_LOG_CHUNK	200
#define IMAP_LOG_TAIL	32	/* end of a line kept across reads */

struct imap {
	mailimap	*m;
	char		*host;
	int		 port;
	int		 has_idle;

	/* The debug log's view of what the server sends: bytes of a
	 * literal still to come (not logged), and the end of a line cut
	 * between two reads (to see its "{N}"). */
	size_t		 log_literal;
	char		 log_tail[IMAP_LOG_TAIL];
	size_t		 log_tail_len;

	/* State of the fetch in progress, read by the libetpan callbacks
	 * in the reader thread. */
	struct imap_queue *q;
	uint32_t	 lo, hi;	/* the UID range asked for */
	uint32_t	 last_uid;	/* highest UID queued */
};

/*
 * The fetch overlaps the network with the work on each message, in three
 * threads: a reader runs the UID FETCH loop and queues each message as it
 * arrives; a prep thread runs fns->prep (decoding) on each queued message
 * in turn; the calling thread takes the prepared messages one by one, in
 * UID order, and hands them to fn.  Only the reader touches the connection
 * while the fetch runs (libetpan is not thread-safe across one
 * connection); only the caller runs fn, so the database sees one thread as
 * before.  Reading, decoding and recording each take a good share of the
 * work, so with all three apart none waits for another while there is a
 * core free.  The queue is bounded so memory does not grow with the
 * mailbox: the reader waits when IMAP_QUEUE_BYTES of raw messages (each
 * with what prep made of it) are waiting, but always queues at least one
 * message however large.  A megabyte is enough to keep the threads busy.
 */
#define IMAP_QUEUE_BYTES	(1u << 20)
#define IMAP_QUEUE_MSGS		64

struct imap_item {
	struct imap_item	*next;
	uint32_t		 uid;
	time_t			 date;
	size_t			 len;
	int			 ready;		/* prep has run (or was skipped) */
	double			 prep_start;	/* when prep took it (monotonic
						 * s), 0 before */
	void			*prepared;	/* what fns->prep gave */
	char			 data[];	/* len bytes and a NUL */
};

struct imap_queue {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;	/* an item, ready, room, done or stop */
	struct imap_item	*head, *tail;
	struct imap_item	*unprepped;	/* first item prep has not taken */
	size_t			 bytes, count;
	int			 done;	/* the reader has finished */
	int			 stop;	/* fn asked to stop: queue no more */

	/* The reader's arguments and outcome (read after the join). */
	const struct imap_fetch_fns *fns;
	struct imap		*imap;
	uint32_t		 first_uid;
	int			 batch;
	int			 ret;
	char			 err[512];
};

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

static const char *
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

static int
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

int
imap_connect(const struct config *cfg, struct imap **imap_r, char *err,
    size_t errlen)
{
	struct imap *imap = NULL;
	struct mailimap_capability_data *caps = NULL;
	const char *host = cfg->imap.host;
	int r, port = cfg->imap.port;

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
	}
	/* The greeting's capabilities predate LOGIN; ask again.  libetpan
	 * keeps its own copy for mailimap_has_idle. */
	if (mailimap_capability(imap->m, &caps) == MAILIMAP_NO_ERROR)
		mailimap_capability_data_free(caps);
	else
		log_debug("imap: CAPABILITY failed on %s", host);
	imap->has_idle = mailimap_has_idle(imap->m);
	log_info("imap: logged in to %s:%d as %s", host, port, cfg->imap.user);
	*imap_r = imap;
	return IMAP_OK;
fail:
	imap_close(&imap);
	return IMAP_CONN_BAD;
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

static time_t
imap_date(const struct mailimap_date_time *dt)
{
	struct tm tm;
	int zone, off;
	time_t t;

	if (dt == NULL)
		return (time_t)-1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return t;
	/* libetpan keeps the zone as the decimal number +HHMM. */
	zone = dt->dt_zone < 0 ? -dt->dt_zone : dt->dt_zone;
	off = (zone / 100) * 3600 + (zone % 100) * 60;
	return dt->dt_zone < 0 ? t + off : t - off;
}

/* Seconds of the monotonic clock. */
static double
imap_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for the next message to take.  With fns->stall_seconds, wakes
 * every second to see whether prep has been at the first one too long;
 * then hands it to fns->stalled (with the lock released). */
static void
imap_wait_head(struct imap_queue *q)
{
	const struct imap_fetch_fns *fns = q->fns;
	struct timespec ts;
	uint32_t uid;

	if (fns->stall_seconds <= 0 || fns->stalled == NULL) {
		pthread_cond_wait(&q->cv, &q->mu);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	pthread_cond_timedwait(&q->cv, &q->mu, &ts);
	if (q->head != NULL && !q->head->ready && q->head->prep_start > 0 &&
	    imap_mono() - q->head->prep_start > fns->stall_seconds) {
		uid = q->head->uid;
		pthread_mutex_unlock(&q->mu);
		fns->stalled(fns->ctx, uid);
		pthread_mutex_lock(&q->mu);	/* not reached */
	}
}

/* Queues a copy of one message, waiting for room; dropped once fn has
 * asked to stop. */
static void
imap_queue_put(struct imap_queue *q, uint32_t uid, const char *data,
    size_t len, time_t date)
{
	struct imap_item *it;

	it = xmalloc(sizeof *it + len + 1);
	it->next = NULL;
	it->uid = uid;
	it->date = date;
	it->len = len;
	it->ready = q->fns->prep == NULL;
	it->prep_start = 0;
	it->prepared = NULL;
	memcpy(it->data, data, len);
	it->data[len] = '\0';
	pthread_mutex_lock(&q->mu);
	while (!q->stop && q->count > 0 && (q->bytes + len >
	    IMAP_QUEUE_BYTES || q->count >= IMAP_QUEUE_MSGS))
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->stop) {
		pthread_mutex_unlock(&q->mu);
		free(it);
		return;
	}
	if (q->tail != NULL)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	if (q->unprepped == NULL && !it->ready)
		q->unprepped = it;
	q->bytes += len;
	q->count++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* The prep thread: fns->prep on each queued message, in order.  Once fn
 * has asked to stop, the rest are only marked ready, to be dropped. */
static void *
imap_prepper(void *arg)
{
	struct imap_queue *q = arg;
	struct imap_item *it;
	int stop;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->unprepped == NULL && !q->done)
			pthread_cond_wait(&q->cv, &q->mu);
		if ((it = q->unprepped) == NULL)
			break;		/* the reader is done, all prepared */
		q->unprepped = it->next;
		stop = q->stop;
		it->prep_start = imap_mono();
		pthread_mutex_unlock(&q->mu);
		/* Outside the lock: the work that overlaps the others. */
		if (!stop)
			it->prepared = q->fns->prep(q->fns->ctx, it->data,
			    it->len);
		pthread_mutex_lock(&q->mu);
		it->ready = 1;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* libetpan hands over each FETCH response as soon as it is parsed and
 * frees it afterwards, so only the queue's few messages are in memory. */
static void
imap_on_msg(struct mailimap_msg_att *att, void *ctx)
{
	struct imap *imap = ctx;
	clistiter *it;
	uint32_t uid = 0;
	const char *data = NULL;
	size_t len = 0;
	time_t date = (time_t)-1;
	int have_body = 0;

	if (att == NULL)
		return;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_INTERNALDATE:
			date = imap_date(st->att_data.att_internal_date);
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			have_body = 1;
			data = st->att_data.att_body_section->sec_body_part;
			len = st->att_data.att_body_section->sec_length;
			break;
		default:
			break;
		}
	}
	/* Unsolicited FETCH (flag changes by others) carries no body; and
	 * "UID FETCH n:m" may answer with a message outside n:m. */
	if (!have_body || uid < imap->lo || uid > imap->hi ||
	    uid <= imap->last_uid)
		return;
	if (data == NULL) {
		data = "";
		len = 0;
	}
	imap->last_uid = uid;
	imap_queue_put(imap->q, uid, data, len, date);
}

/* Only there because libetpan 1.9.4 ignores the message handler unless a
 * progress callback is set as well. */
static void
imap_progress(size_t current, size_t maximum, void *ctx)
{
}

static struct mailimap_fetch_type *
imap_fetch_type(void)
{
	struct mailimap_fetch_type *ft;

	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_internaldate());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(
	    mailimap_section_new(NULL)));
	return ft;
}

/* The reader thread: the UID FETCH loop, batch after batch. */
static void *
imap_reader(void *arg)
{
	struct imap_queue *q = arg;
	struct imap *imap = q->imap;
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *result = NULL;
	uint32_t uidnext, lo, hi;
	int r, stop;

	q->ret = IMAP_CONN_BAD;
	uidnext = imap->m->imap_selection_info->sel_uidnext;
	ft = imap_fetch_type();
	for (lo = q->first_uid; ; lo = hi + 1) {
		/* Without UIDNEXT (allowed by RFC 3501) ask for everything
		 * from lo on in one go. */
		if (uidnext == 0)
			hi = UINT32_MAX;
		else if (lo >= uidnext)
			break;
		else if (uidnext - lo > (uint32_t)q->batch)
			hi = lo + (uint32_t)q->batch - 1;
		else
			hi = uidnext - 1;
		imap->lo = lo;
		imap->hi = hi;
		set = hi == UINT32_MAX ? mailimap_set_new_interval(lo, 0) :
		    mailimap_set_new_interval(lo, hi);
		r = mailimap_uid_fetch(imap->m, set, ft, &result);
		mailimap_set_free(set);
		if (result != NULL) {
			mailimap_fetch_list_free(result);
			result = NULL;
		}
		if (r != MAILIMAP_NO_ERROR) {
			snprintf(q->err, sizeof q->err, "imap %s: UID FETCH "
			    "%u:%u: %s", imap->host, lo, hi, imap_bad_conn(r) ?
			    imap_errname(r) : "refused");
			q->ret = imap_bad_conn(r) ? IMAP_CONN_BAD :
			    IMAP_FOLDER_BAD;
			goto out;
		}
		pthread_mutex_lock(&q->mu);
		stop = q->stop;
		pthread_mutex_unlock(&q->mu);
		if (stop) {
			q->ret = IMAP_ABORTED;
			goto out;
		}
		if (hi == UINT32_MAX)
			break;
	}
	q->ret = IMAP_OK;
out:
	mailimap_fetch_type_free(ft);
	pthread_mutex_lock(&q->mu);
	q->done = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

int
imap_fetch_prep(struct imap *imap, uint32_t first_uid, int batch,
    const struct imap_fetch_fns *fns, char *err, size_t errlen)
{
	struct imap_queue q;
	struct imap_item *it;
	pthread_t reader, prepper;
	sigset_t all, old;
	uint32_t taken = 0;
	int aborted = 0, r;

	if (imap->m->imap_selection_info == NULL) {
		snprintf(err, errlen, "imap %s: no folder examined",
		    imap->host);
		return IMAP_FOLDER_BAD;
	}
	if (first_uid == 0)
		first_uid = 1;
	if (batch <= 0)
		batch = 500;

	memset(&q, 0, sizeof q);
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv, NULL);
	q.fns = fns;
	q.imap = imap;
	q.first_uid = first_uid;
	q.batch = batch;
	imap->q = &q;
	imap->last_uid = 0;
	mailimap_set_msg_att_handler(imap->m, imap_on_msg, imap);
	mailimap_set_progress_callback(imap->m, imap_progress, imap_progress,
	    imap);

	/* Signals stay with this thread, as before the reader existed. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if ((r = pthread_create(&prepper, NULL, imap_prepper, &q)) == 0 &&
	    (r = pthread_create(&reader, NULL, imap_reader, &q)) != 0) {
		pthread_mutex_lock(&q.mu);
		q.done = 1;
		pthread_cond_broadcast(&q.cv);
		pthread_mutex_unlock(&q.mu);
		pthread_join(prepper, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		snprintf(err, errlen, "imap %s: cannot start the reader: %s",
		    imap->host, strerror(r));
		q.ret = IMAP_CONN_BAD;
		goto out;
	}
	for (;;) {
		pthread_mutex_lock(&q.mu);
		while ((q.head == NULL && !q.done) ||
		    (q.head != NULL && !q.head->ready))
			imap_wait_head(&q);
		if ((it = q.head) == NULL) {
			pthread_mutex_unlock(&q.mu);
			break;		/* done and drained */
		}
		if ((q.head = it->next) == NULL)
			q.tail = NULL;
		q.bytes -= it->len;
		q.count--;
		pthread_cond_broadcast(&q.cv);
		pthread_mutex_unlock(&q.mu);
		if (!aborted) {
			taken = it->uid;
			if (fns->take(fns->ctx, it->uid, it->data, it->len,
			    it->date, it->prepared) != 0) {
				aborted = 1;
				pthread_mutex_lock(&q.mu);
				q.stop = 1;
				pthread_cond_broadcast(&q.cv);
				pthread_mutex_unlock(&q.mu);
			}
		} else if (it->prepared != NULL && fns->unprep != NULL)
			fns->unprep(fns->ctx, it->prepared);
		free(it);
	}
	pthread_join(reader, NULL);
	pthread_join(prepper, NULL);
#ifdef __GLIBC__
	/* What the threads' heaps held for the queue goes back now, not
	 * at exit: the digest and the reminders come after a long fetch. */
	if (taken > 0)
		malloc_trim(0);
#endif
	if (q.ret != IMAP_OK && q.ret != IMAP_ABORTED)
		snprintf(err, errlen, "%s", q.err);
	else if (aborted) {
		snprintf(err, errlen, "imap %s: fetch stopped after UID %u",
		    imap->host, taken);
		q.ret = IMAP_ABORTED;
	}
out:
	mailimap_set_msg_att_handler(imap->m, NULL, NULL);
	mailimap_set_progress_callback(imap->m, NULL, NULL, NULL);
	imap->q = NULL;
	pthread_cond_destroy(&q.cv);
	pthread_mutex_destroy(&q.mu);
	return q.ret;
}

/* imap_fetch() on imap_fetch_prep(): no stage in the reader. */
struct imap_plain {
	imap_msg_fn	 fn;
	void		*ctx;
};

static int
imap_plain_take(void *arg, uint32_t uid, const char *data, size_t len,
    time_t date, void *prepared)
{
	struct imap_plain *p = arg;

	return p->fn(p->ctx, uid, data, len, date);
}

int
imap_fetch(struct imap *imap, uint32_t first_uid, int batch, imap_msg_fn fn,
    void *ctx, char *err, size_t errlen)
{
	struct imap_plain p = { fn, ctx };
	struct imap_fetch_fns fns = { NULL, NULL, imap_plain_take, &p, 0,
	    NULL };

	return imap_fetch_prep(imap, first_uid, batch, &fns, err, errlen);
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
