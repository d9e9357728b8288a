/* imap_resp: the server's answers to the robot's own UID FETCH commands,
 * read and parsed without libetpan's parser (private to the imap module;
 * the fuzz target reads it too).
 *
 * RFC 3501 sections 7 and 9 (responses, FETCH data items, literals,
 * BODYSTRUCTURE).  libetpan reads one command's responses at a time; the
 * partial fetch (imap_fetch.c) keeps several commands in flight.  The
 * connection itself
 * stays libetpan's: these functions read and write through its mailstream,
 * whose buffer libetpan goes on using afterwards. */
#ifndef ROBOT_IMAP_RESP_H
#define ROBOT_IMAP_RESP_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

#include "buf.h"

/* Reads one whole response from s into b (emptied first): its first line,
 * and for each literal the line announces ("{N}" at its end) the N bytes
 * and the line after them.  Each line and literal stays as sent.  Returns
 * 0, or -1 when the connection failed or closed, or when the response
 * would pass b's cap. */
int imapr_read(mailstream *s, struct buf *b);

/* What a response is. */
enum imapr_kind {
	IMAPR_FETCH,		/* "* n FETCH (...)" */
	IMAPR_BYE,		/* "* BYE": the server is closing */
	IMAPR_UNTAGGED,		/* any other "* ..." (EXISTS, OK, FLAGS) */
	IMAPR_TAGGED,		/* "tag OK|NO|BAD ..." */
	IMAPR_OTHER		/* a continuation or something unreadable */
};
/* The kind of the response p (n bytes); for IMAPR_TAGGED, its tag's
 * number (the robot's tags are "F" and a number) in *tag_r and whether
 * it is OK in *ok_r. */
enum imapr_kind imapr_kind(const char *p, size_t n, uint32_t *tag_r,
    int *ok_r);

/* A value of a FETCH response: NIL, an atom or number, a string (quoted
 * or literal), or a list of values. */
enum imapr_type { IMAPR_NIL, IMAPR_ATOM, IMAPR_STRING, IMAPR_LIST };

struct imapr_val {
	enum imapr_type	 type;
	const char	*s;	/* ATOM, STRING: the bytes, in the response */
	size_t		 len;
	int		 first;	/* LIST: index of its first element, or -1 */
	int		 next;	/* the next element of the same list, or -1 */
};

/* One data item: a key as sent ("UID", "BODY[1.2.MIME]",
 * "BODY[2]<0>") and its value. */
struct imapr_att {
	const char	*key;
	size_t		 klen;
	int		 val;	/* index into the values */
};

struct imapr_fetch {
	uint32_t	 seq;	/* the message sequence number */
	struct imapr_att *att;
	size_t		 natt, attcap;
	struct imapr_val *v;
	size_t		 nv, vcap;
};

/* Parses the FETCH response p (n bytes, as imapr_read gave it) into f,
 * which points into p afterwards (quoted strings are unescaped in place).
 * f is reused from one call to the next (imapr_fetch_free at the end).
 * Returns 0, or -1 when p is no well-formed FETCH response. */
int imapr_parse_fetch(char *p, size_t n, struct imapr_fetch *f);
void imapr_fetch_free(struct imapr_fetch *f);

/* The value of the data item called key (ASCII case-insensitive), or
 * NULL. */
const struct imapr_val *imapr_get(const struct imapr_fetch *f,
    const char *key);
/* Element i (from 0) of the list v, or NULL. */
const struct imapr_val *imapr_elem(const struct imapr_fetch *f,
    const struct imapr_val *v, int i);
/* A number: 0 and the value, or -1 when v is none. */
int imapr_number(const struct imapr_val *v, uint64_t *n_r);
/* 1 when v is a string or an atom equal to s (ASCII case-insensitive). */
int imapr_is(const struct imapr_val *v, const char *s);

#endif
