/* imap_auth: the IMAP AUTHENTICATE command (RFC 3501 6.2.2) for one SASL
 * client response, as XOAUTH2 and OAUTHBEARER (RFC 7628) need: libetpan
 * 1.9.4 has XOAUTH2 only (mailimap_oauth2_authenticate, which sends the
 * response inline whether or not the server offers SASL-IR) and no
 * OAUTHBEARER; one command here serves both mechanisms.
 *
 * Used by imap.c only.  What it writes (the tag, the command and the
 * response) is marked private on the stream, so libetpan's logger hands
 * it over as MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE, which imap.c never
 * logs: the response carries the access token. */
#ifndef ROBOT_IMAP_AUTH_H
#define ROBOT_IMAP_AUTH_H

#include <libetpan/libetpan.h>

/* Authenticates m with mechanism mech ("XOAUTH2", "OAUTHBEARER") and the
 * base64 client response resp: in the command itself when ir is set
 * (SASL-IR, RFC 4959), else after the server's first continuation.  A
 * continuation after the response is the server's error report (RFC 7628
 * 3.2.3); it is answered as the mechanism wants (OAUTHBEARER "AQ==", the
 * ^A byte; XOAUTH2 an empty line) to get the final NO.  Returns
 * MAILIMAP_NO_ERROR (m is then authenticated), MAILIMAP_ERROR_LOGIN (the
 * server said NO; m can try again), MAILIMAP_ERROR_PROTOCOL (it said BAD)
 * or another MAILIMAP_ERROR_* of the connection. */
int imap_auth_sasl(mailimap *m, const char *mech, const char *resp, int ir);

#endif
