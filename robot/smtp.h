/* smtp: hands finished messages to the institution's SMTP server, over
 * libcurl.
 *
 * RFC 5321 (SMTP), RFC 3207 (STARTTLS), RFC 8314 (implicit TLS), RFC 4954
 * (AUTH).  The [smtp] section of the config decides how:
 *
 *	url smtps://host:port		TLS from the first byte
 *	url smtp://host:port, tls = starttls
 *					STARTTLS, required (no fallback)
 *	url smtp://host:port, tls = none
 *					plain text; refused unless host is
 *					the loopback
 *
 * Certificates are always verified (ca_file, else the system store) and
 * the host name checked.  AUTH is used when user is set: with the password,
 * or with smtp.auth xoauth2 / oauthbearer with an access token from
 * oauth2.h (libcurl's CURLOPT_XOAUTH2_BEARER, the mechanism pinned with
 * CURLOPT_LOGIN_OPTIONS).  A kept token the server refuses is renewed
 * once and the message tried again; AUTH precedes MAIL, so nothing was
 * sent the first time.  Neither password nor token ever appears in err
 * or the log. */
#ifndef ROBOT_SMTP_H
#define ROBOT_SMTP_H

#include <stddef.h>

#include "cfg.h"

/* Graded by what the caller should do with the message. */
enum smtp_result {
	SMTP_OK = 0,		/* accepted by the server */
	SMTP_TEMP = -1,		/* try again later: no connection, timeout,
				 * TLS failure, 4xx reply, no answer from
				 * the token endpoint */
	SMTP_PERM = -2,		/* never retry this message: a 5xx reply, or
				 * an address or message that cannot be
				 * sent */
	SMTP_CONFIG = -3	/* nothing can be sent until [smtp] is fixed:
				 * bad url, plain text to a remote host,
				 * login refused, the token endpoint refused
				 * the [oauth2] grant; keep the message
				 * queued */
};

/* A connection to the server kept from one message to the next, so that
 * a run of mail pays the connection, TLS and AUTH once (on loopback
 * without TLS the bench's 109 mails went from 29 to 24 ms each).  Opened
 * with smtp_open (which does not connect yet: the first message does),
 * closed with smtp_close (QUIT); it reads cfg, which must outlive it.  A
 * message that fails closes the connection, and the next one opens
 * another. */
struct smtp;

struct smtp *smtp_open(const struct config *cfg);
void smtp_close(struct smtp **sp);

/* Sends msg (len bytes, CRLF line ends: a bare LF is refused with
 * SMTP_PERM; dot-stuffing is libcurl's job) from mail_from to the nrcpt
 * addresses of rcpts (addr-specs, no angle brackets) in one transaction,
 * on s's connection.  Any refused recipient fails the whole transaction,
 * so callers send one message per recipient set.  Returns an enum
 * smtp_result; on failure err holds what went wrong and the server's last
 * reply, on one line, e.g. "RCPT failed: 550 (550 5.1.1 <x@y>: User
 * unknown)". */
int smtp_send_on(struct smtp *s, const char *mail_from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t len,
    char *err, size_t errlen);

#endif
