/* compose: one outgoing message as RFC 5322 bytes.
 *
 * RFC 5322 (message format), RFC 2045/2046 (MIME, quoted-printable,
 * multipart/alternative), RFC 2047 (encoded words for a non-ASCII Subject
 * and display names), RFC 3834 (Auto-Submitted).  The message always
 * carries "Auto-Submitted: auto-generated" and
 * "X-Auto-Response-Suppress: All", so that nobody's vacation reply starts a
 * loop with the robot.
 *
 * Every value the caller passes is checked before anything is written: a
 * CR, LF or NUL in any header value, or a malformed address, fails the
 * whole message.  Nothing taken from incoming mail can add a header. */
#ifndef ROBOT_COMPOSE_H
#define ROBOT_COMPOSE_H

#include <stddef.h>
#include <time.h>

struct compose_addr {
	const char	*name;		/* display name (UTF-8) or NULL */
	const char	*addr;		/* addr-spec: "bidb@example.edu.tr" */
};

/* An extra header: name is an RFC 5322 field name, value printable ASCII
 * (e.g. "X-NES-Case: NES-2026-0042"). */
struct compose_header {
	const char	*name;
	const char	*value;
};

struct compose_msg {
	struct compose_addr	 from;		/* the robot */
	const struct compose_addr *to;		/* at least one */
	size_t			 nto;
	const struct compose_addr *cc;
	size_t			 ncc;
	/* Where replies go instead of From; NULL/0 for none. */
	const struct compose_addr *reply_to;
	size_t			 nreply_to;
	const char		*subject;	/* UTF-8, one line */
	time_t			 date;		/* the caller's "now" */
	/* Message ids, with or without angle brackets; several ids
	 * (References) separated by spaces.  message_id is required,
	 * in_reply_to and references may be NULL. */
	const char		*message_id;
	const char		*in_reply_to;
	const char		*references;
	const struct compose_header *extra;
	size_t			 nextra;
	const char		*text;		/* UTF-8, LF or CRLF line ends */
	const char		*html;		/* UTF-8 or NULL: text only */
};

/* Builds the message.  Returns 0 with the bytes in *msg_r (NUL-terminated,
 * CRLF line ends, caller frees) and their length in *len_r; or -1 with the
 * reason in err ("subject contains CR/LF", "bad address in To: ...") and
 * nothing to free.
 *
 * The body is text/plain; charset=utf-8 in quoted-printable, or with html a
 * multipart/alternative of text and html, both quoted-printable, under a
 * boundary containing "=_" (which quoted-printable never produces).  Date
 * is written in Turkey's time, +0300 (no DST since 2016). */
int compose_build(const struct compose_msg *m, char **msg_r, size_t *len_r,
    char *err, size_t errlen);

/* 1 when addr is a plain addr-spec the robot may write into a header:
 * exactly one '@' with text on both sides, printable ASCII, no spaces,
 * quotes, angle brackets, commas, semicolons, parentheses or backslashes. */
int compose_addr_valid(const char *addr);

/* Appends s (len bytes) to out as quoted-printable (RFC 2045 6.7) with CRLF
 * line ends (LF and CRLF in s both end a line), lines of at most 76
 * characters, soft line breaks "=" CRLF.  Exposed for tests. */
struct buf;
void compose_qp(struct buf *out, const char *s, size_t len);

/* Appends the Subject-style header "Name: value" + CRLF to out, value
 * RFC 2047 B-encoded in UTF-8 when it is not plain ASCII, folded so no
 * line passes 78 characters and no encoded word 75, never splitting a
 * UTF-8 character.  Returns 0, or -1 when value holds CR, LF or NUL
 * (then nothing is appended).  Exposed for tests. */
int compose_header_text(struct buf *out, const char *name, const char *value);

#endif
