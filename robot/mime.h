/* mime: one raw RFC 5322 message -> headers and UTF-8 text, attachments.
 *
 * Implements what the robot needs of RFC 2045-2049 (MIME), RFC 2047
 * (encoded words), RFC 2231 (parameter values) on top of libetpan's
 * parser.  Everything in a struct mime_msg is UTF-8 and NUL-terminated,
 * whatever charset the mail was in; nothing in it points into the raw
 * bytes, so the raw message may be freed after mime_parse().
 *
 * Bad input never fails the parse: what could be decoded is kept and what
 * could not is described in `notes` (e.g. "part 2: unknown charset
 * x-foo, read as windows-1254; part 3: base64 damaged"). */
#ifndef ROBOT_MIME_H
#define ROBOT_MIME_H

#include <stddef.h>
#include <time.h>

struct mime_header {
	char	*name;		/* as written, e.g. "Authentication-Results" */
	char	*value;		/* unfolded, RFC 2047 decoded, UTF-8; the
				 * trace and authentication fields
				 * (Authentication-Results, ARC-Authentication-
				 * Results, Received, Received-SPF,
				 * DKIM-Signature) only unfolded: their
				 * encoded words stay as written */
};

struct mime_attachment {
	char	*name;		/* UTF-8 file name (RFC 2231/2047 decoded), or NULL */
	char	*type;		/* lower case "type/subtype" */
	unsigned char *data;	/* decoded bytes (transfer encoding undone) */
	size_t	 len;		/* bytes in data */
	size_t	 size;		/* the part's decoded size: len, or more when
				 * the bytes were not kept (see below) */
};

struct mime_msg {
	/* Top-level headers, decoded.  Missing ones are NULL. */
	char	*message_id;	/* without angle brackets */
	char	*in_reply_to;	/* ids without brackets, space separated */
	char	*references;	/* ids without brackets, space separated */
	char	*date;		/* the Date header as written */
	time_t	 date_t;	/* parsed Date, 0 when absent or unreadable */
	char	*from;		/* display form: "Ayşe Yılmaz <ayse@x.edu.tr>" */
	char	*from_addr;	/* lower case addr-spec of the From, NULL
				 * unless it names exactly one that can be
				 * read (see mime_check_headers) */
	char	*sender_addr;	/* lower case Sender addr (when it names
				 * exactly one), else Return-Path's, or NULL */
	char	*return_path;	/* addr of Return-Path ("" for <>), or NULL */
	char	*to;		/* display form, comma separated */
	char	*cc;
	char	*to_addrs;	/* lower case addr-specs of To and Cc, ", " */
	char	*subject;

	struct mime_header *headers;	/* every top-level header, in order */
	size_t	 nheaders;

	/* Every text part (text/plain; text/html turned into text, table rows
	 * kept as lines with cells separated by " | "), in order, parts
	 * separated by a blank line.  Text of forwarded message/rfc822 parts
	 * is included after its own headers' From/Date/Subject lines. */
	char	*text;
	/* The HTML parts as decoded UTF-8 HTML, concatenated (form tables are
	 * read from it); NULL when the message has no HTML. */
	char	*html;

	/* Non-text parts and named parts.  Media the robot never reads
	 * (images, audio, video, PDF, signatures) keep no bytes when they
	 * are base64: data is "" and only size is known, since decoding
	 * them would be most of the work of reading a mailbox. */
	struct mime_attachment *att;
	size_t	 natt;

	char	*notes;		/* what could not be decoded, or NULL */
};

/* Bounds every later mime_parse keeps to ([limits] of cfg.h; the robot
 * sets them at start-up and again on every reload): MIME nesting depth
 * (default 20) and leaf parts (200), counted on the raw bytes before the
 * message is parsed, so that a message over either keeps its headers
 * only (noted); and decoded bytes kept of one attachment (10 MiB; the
 * rest is dropped and noted).  A value of 0 leaves that bound as it
 * was. */
void mime_set_limits(int max_depth, int max_parts, size_t max_attachment);

/* Parses raw (len bytes, need not be NUL-terminated).  Returns 0 and a
 * message owned by the caller (mime_free), or -1 only when nothing at all
 * could be read (empty input); then *errstr says why. */
int mime_parse(const char *raw, size_t len, struct mime_msg **msg_r,
    const char **errstr);
void mime_free(struct mime_msg **msg);

/* Decodes a fetched message as the robot reads it: in full up to limit
 * bytes, by its headers alone beyond (noted), and the people's form access
 * passwords taken out (redact.h).  Returns a message (mime_free it) or
 * NULL (empty input). */
struct mime_msg *mime_decode(const char *raw, size_t len, size_t limit);
/* A leaf part a fetch in parts left out (imap.h, struct imap_hole): its
 * IMAP part number ("2", "1.3") and decoded size. */
struct mime_hole {
	const char	*section;
	size_t		 size;
};
/* mime_decode for a message fetched in parts: raw holds its header and
 * parts with the bodies of holes left empty; each hole is recorded as an
 * attachment of its size with no bytes, as a picture or a PDF is. */
struct mime_msg *mime_decode_holes(const char *raw, size_t len, size_t limit,
    const struct mime_hole *holes, size_t nholes);
/* Whether the robot reads a part of this "type/subtype" (lower case) and
 * file name (may be NULL) at all: pictures, PDFs and signatures it never
 * reads, whatever their bytes; only their size is kept.  What a fetch may
 * leave out. */
int mime_part_unread(const char *type, const char *name);
/* The file name of a part from its raw Content-Disposition parameters
 * (dparam, ndparam name/value pairs) and Content-Type parameters (param),
 * decoded as the decoder reads it (RFC 2231, RFC 2047): filename, else
 * name.  NULL when it has none; free() it. */
char *mime_part_name(const char *const *dparam, size_t ndparam,
    const char *const *param, size_t nparam);

/* The first max bytes of raw's header block alone, decoded (and
 * redacted), with why in its notes.  NULL for empty input. */
struct mime_msg *mime_decode_headers(const char *raw, size_t len, size_t max,
    const char *why);
/* The length of raw's header block, through the blank line after it (len
 * when there is none). */
size_t mime_header_len(const char *raw, size_t len);

/* The first header called name (ASCII case-insensitive), or NULL.
 * Borrowed from msg. */
const char *mime_header(const struct mime_msg *msg, const char *name);

/* Whether msg's top-level headers can be believed at all: 0, or -1 with
 * the reason appended to why ("two From headers").  Refused: a field
 * RFC 5322 allows once (From, Sender, Subject, Message-ID, In-Reply-To,
 * References) given more often, where each reader may take another one;
 * a From without exactly one address mime_parse could read (it never
 * takes one out of display text).  Judges only what struct mime_msg
 * holds, so a message reloaded from the ledger is judged as it was. */
struct buf;
int mime_check_headers(const struct mime_msg *msg, struct buf *why);

/* Decodes an RFC 2047 header value to UTF-8 (adjacent encoded words
 * joined, unknown charsets read as windows-1254).  Caller frees. */
char *mime_decode_header(const char *value);

#endif
