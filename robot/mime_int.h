/* mime_int: what the two halves of the MIME reader share (private to
 * mime.c and mime_header.c).
 *
 * mime_header.c decodes header fields: RFC 2047 encoded words, the header
 * block scan, and the structured fields of struct mime_msg.  mime_scan.c
 * measures the nesting and parts of a message before it is parsed.
 * mime.c walks the body parts and owns the public entry points of
 * mime.h.  Nothing
 * here is mutable global state: mime_parse runs in the fetch's prep thread. */
#ifndef ROBOT_MIME_INT_H
#define ROBOT_MIME_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ascii.h"
#include "buf.h"
#include "mime.h"

struct hdr {
	const char	*name;
	size_t		 nlen;
	const char	*val;		/* raw, may hold folding CRLFs */
	size_t		 vlen;
};

/* Bytes of an IMAP part number ("1.2.3") the walk keeps. */
#define MIME_SECTION	64

struct ctx {
	const struct mime_hole	*holes;	/* what the fetch left out */
	size_t			 nholes;
	struct buf		 text;
	struct buf		 html;
	struct buf		 notes;
	struct mime_attachment	*att;
	size_t			 natt;
	size_t			 attsz;
	int			 nparts;
	int			 depth_noted;
	int			 parts_noted;
};

/* Replaces control characters (CR, LF, tab, ...) by spaces from offset
 * from on, so no header value or name can carry a line break. */
static inline void
scrub_controls(struct buf *b, size_t from)
{
	for (size_t i = from; i < b->len; i++)
		if ((unsigned char)b->s[i] < 0x20 || b->s[i] == 0x7f)
			b->s[i] = ' ';
}

/* The base64 alphabet as a table (mime_header.c). */
extern const signed char mimeh_b64tab[256];

static inline int
b64val(int c)
{
	return mimeh_b64tab[c & 0xff];
}

static inline int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Appends p (n bytes) to out with every ESC followed by two hex digits
 * made the byte they name: '=' for RFC 2047's Q encoding (where '_' is
 * also a space, with underscore set), '%' for RFC 2231 values. */
static inline void
hex_unescape(struct buf *out, const char *p, size_t n, char esc,
    int underscore)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (underscore && p[i] == '_')
			buf_putc(out, ' ');
		else if (p[i] == esc && i + 2 < n &&
		    (hi = hexval((unsigned char)p[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)p[i + 2])) >= 0) {
			buf_putc(out, (char)(hi * 16 + lo));
			i += 2;
		} else
			buf_putc(out, p[i]);
	}
}

/* mime_parse for a message fetched in parts: the leaf parts named in holes
 * (by IMAP part number) came without their bodies and are recorded as
 * attachments of the holes' sizes, with no bytes (mime.c). */
int mime_parse_holes(const char *raw, size_t len,
    const struct mime_hole *holes, size_t nholes, struct mime_msg **msg_r,
    const char **errstr);

/* Appends a note on what was guessed or cut to c->notes (mime.c). */
void mime_note(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Header fields (mime_header.c). */

/* Decodes a raw header value (len bytes) into out: unfolded, encoded words
 * decoded, 8-bit bytes sniffed, controls replaced by spaces, trimmed.
 * What had to be guessed is described in why (may be NULL). */
void mimeh_decode_value(const char *v, size_t len, struct buf *out,
    struct buf *why);
/* The same without RFC 2047 decoding, for the structured trace fields
 * (Authentication-Results, Received, ...): an encoded word in them is
 * text their server copied from the sender, and decoding it would let
 * that text become syntax. */
void mimeh_raw_value(const char *v, size_t len, struct buf *out,
    struct buf *why);
/* Splits the header block at p into *h_r (caller frees), *n_r fields.
 * Returns the offset where the body starts. */
size_t mimeh_scan_headers(const char *p, size_t len, struct hdr **h_r,
    size_t *n_r);
/* The first field called name (ASCII case-insensitive), or NULL. */
const struct hdr *mimeh_find_hdr(const struct hdr *h, size_t n,
    const char *name);
/* A field's value decoded (caller frees); what was guessed is noted in c
 * (may be NULL). */
char *mimeh_decode_hdr(const struct hdr *h, struct ctx *c);
/* Fills msg's headers and structured fields from the nh fields h. */
void mimeh_top_fields(struct mime_msg *msg, const struct hdr *h, size_t nh,
    struct ctx *c);

/* The MIME structure's shape (mime_scan.c). */
struct mime_shape {
	int	 depth;		/* deepest entity (the top one is 0) */
	int	 parts;		/* leaf parts */
};

/* Measures raw (len bytes) whose top header block, already split, is
 * the ntop fields top and ends at offset body.  Counting stops once the
 * depth passes max_depth or the parts max_parts: then shape says so
 * (max + 1), and libetpan must not be given the message. */
void mimes_measure(const char *raw, size_t len, const struct hdr *top,
    size_t ntop, size_t body, int max_depth, int max_parts,
    struct mime_shape *shape);

#endif
