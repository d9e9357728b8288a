/* mime_decode: one fetched message as the robot reads it; see mime.h.
 *
 * A message over the size limit is read by its headers alone, and every
 * decoded message loses the secrets of the people in it (redact.h) before
 * anything stores, logs or prints it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "mime_int.h"
#include "redact.h"

size_t
mime_header_len(const char *raw, size_t len)
{
	const char *end;

	if ((end = memmem(raw, len, "\r\n\r\n", 4)) != NULL)
		return (size_t)(end - raw) + 4;
	if ((end = memmem(raw, len, "\n\n", 2)) != NULL)
		return (size_t)(end - raw) + 2;
	return len;
}

/* The form access passwords out of the subject, the text, the HTML and
 * every header value. */
static void
redact(struct mime_msg *msg)
{
	redact_access_passwords(&msg->text);
	redact_access_passwords(&msg->html);
	redact_access_passwords(&msg->subject);
	for (size_t i = 0; i < msg->nheaders; i++)
		redact_access_passwords(&msg->headers[i].value);
}

struct mime_msg *
mime_decode_headers(const char *raw, size_t len, size_t max, const char *why)
{
	struct mime_msg *m = NULL;
	const char *errstr = NULL;
	struct buf note = BUF_INIT;
	size_t hlen = mime_header_len(raw, len);

	if (hlen > max)
		hlen = max;
	if (mime_parse(raw, hlen, &m, &errstr) == -1)
		return NULL;
	if (m->notes)
		buf_printf(&note, "%s; ", m->notes);
	buf_puts(&note, why);
	free(m->notes);
	m->notes = buf_steal(&note);
	redact(m);
	return m;
}

struct mime_msg *
mime_decode(const char *raw, size_t len, size_t limit)
{
	return mime_decode_holes(raw, len, limit, NULL, 0);
}

struct mime_msg *
mime_decode_holes(const char *raw, size_t len, size_t limit,
    const struct mime_hole *holes, size_t nholes)
{
	struct mime_msg *m = NULL;
	const char *errstr = NULL;
	char why[128];

	if (len <= limit) {
		if (mime_parse_holes(raw, len, holes, nholes, &m, &errstr) ==
		    -1)
			return NULL;
		redact(m);
		return m;
	}
	/* Too large to decode in full: keep what identifies it. */
	snprintf(why, sizeof why, "message of %zu bytes is over the "
	    "%zu-byte limit: headers only", len, limit);
	return mime_decode_headers(raw, len, limit, why);
}
