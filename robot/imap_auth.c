/* imap_auth: AUTHENTICATE with one SASL response; see imap_auth.h.
 *
 * RFC 3501 6.2.2 (AUTHENTICATE), RFC 4959 (SASL-IR), RFC 7628 3.2.3 (the
 * error challenge).  Built on libetpan's public parts: the tag, the line
 * reader and the response parser of mailimap.h, and the stream's writes
 * and privacy flag of mailstream.h. */
#include <string.h>

#include <libetpan/libetpan.h>

#include "imap_auth.h"

/* Continuations answered at most: the response, then one error report;
 * a server that asks for more is not speaking XOAUTH2 or OAUTHBEARER. */
#define IMAP_AUTH_ROUNDS	3

/* Writes the strings of parts (NULL-terminated) and CRLF, privately,
 * and flushes: libetpan logs a write when it leaves the buffer, with the
 * privacy of that moment. */
static int
send_private(mailimap *m, const char *const *parts)
{
	int r = MAILIMAP_NO_ERROR;

	mailstream_set_privacy(m->imap_stream, 0);
	for (; *parts != NULL && r == MAILIMAP_NO_ERROR; parts++)
		if (mailstream_write(m->imap_stream, *parts,
		    strlen(*parts)) == -1)
			r = MAILIMAP_ERROR_STREAM;
	if (r == MAILIMAP_NO_ERROR &&
	    (mailstream_write(m->imap_stream, "\r\n", 2) == -1 ||
	    mailstream_flush(m->imap_stream) == -1))
		r = MAILIMAP_ERROR_STREAM;
	mailstream_set_privacy(m->imap_stream, 1);
	return r;
}

int
imap_auth_sasl(mailimap *m, const char *mech, const char *resp, int ir)
{
	const char *cmd[] = { "AUTHENTICATE ", mech, ir ? " " : NULL, resp,
		NULL };
	const char *answer[] = { resp, NULL };
	const char *abort_xoauth2[] = { "", NULL };
	const char *abort_bearer[] = { "AQ==", NULL };
	struct mailimap_response *rsp = NULL;
	const char *line;
	int r, sent = ir, rounds, state;

	if (m->imap_state != MAILIMAP_STATE_NON_AUTHENTICATED)
		return MAILIMAP_ERROR_BAD_STATE;
	mailstream_set_privacy(m->imap_stream, 0);
	r = mailimap_send_current_tag(m);
	mailstream_set_privacy(m->imap_stream, 1);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	if ((r = send_private(m, cmd)) != MAILIMAP_NO_ERROR)
		return r;
	for (rounds = 0; ; rounds++) {
		if ((line = mailimap_read_line(m)) == NULL)
			return MAILIMAP_ERROR_STREAM;
		if (line[0] != '+')
			break;		/* the tagged answer, or data before it */
		if (rounds == IMAP_AUTH_ROUNDS)
			return MAILIMAP_ERROR_PROTOCOL;
		if (!sent) {
			r = send_private(m, answer);
			sent = 1;
		} else
			r = send_private(m, strcmp(mech, "OAUTHBEARER") == 0 ?
			    abort_bearer : abort_xoauth2);
		if (r != MAILIMAP_NO_ERROR)
			return r;
	}
	/* The parser starts from the line just read. */
	if ((r = mailimap_parse_response(m, &rsp)) != MAILIMAP_NO_ERROR)
		return r;
	state = rsp->rsp_resp_done->rsp_type == MAILIMAP_RESP_DONE_TYPE_TAGGED ?
	    rsp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type :
	    MAILIMAP_RESP_COND_STATE_NO;
	mailimap_response_free(rsp);
	if (state != MAILIMAP_RESP_COND_STATE_OK)
		return MAILIMAP_ERROR_LOGIN;
	m->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	return MAILIMAP_NO_ERROR;
}
