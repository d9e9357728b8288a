/* imap_int: what the files of the imap module share (private to imap.c,
 * imap_fetch.c, imap_queue.c and imap_body.c).
 *
 * imap.c connects, logs in, examines and idles through libetpan;
 * imap_queue.c runs a fetch in three threads around a bounded queue;
 * imap_fetch.c is the thread that talks to the server during a fetch, with
 * commands of its own (imap_resp.h reads the answers); imap_body.c reads a
 * BODYSTRUCTURE, says which parts to ask for and puts a message back
 * together from them. */
#ifndef ROBOT_IMAP_INT_H
#define ROBOT_IMAP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "buf.h"
#include "imap.h"
#include "imap_resp.h"

#define IMAP_LOG_TAIL	32	/* end of a line kept across reads */

struct imap {
	mailimap	*m;
	char		*host;
	int		 port;
	int		 has_idle;
	uint32_t	 tag;		/* the last "F<n>" tag sent */

	/* The debug log's view of what the server sends: bytes of a
	 * literal still to come (not logged), and the end of a line cut
	 * between two reads (to see its "{N}"). */
	size_t		 log_literal;
	char		 log_tail[IMAP_LOG_TAIL];
	size_t		 log_tail_len;
};

const char *imap_errname(int r);
int imap_bad_conn(int r);

/* ---- the queue between the threads (imap_queue.c) ----------------------- */

struct imap_queue;

/* Hands a message over to the other threads, waiting for room; owns mem
 * (the block data points into: free()d with the message) and holes.
 * Returns 0, or -1 once the taker has asked to stop (then everything was
 * freed). */
int imap_queue_put(struct imap_queue *q, const struct imap_msg *m,
    void *mem, struct imap_hole *holes);
/* 1 once the taker has asked to stop. */
int imap_queue_stopped(struct imap_queue *q);

/* ---- the reader (imap_fetch.c) ------------------------------------------ */

/* Fetches every message from first_uid on, in batches, and puts each on
 * q in UID order; as fns says, whole or in parts.  Returns IMAP_OK,
 * IMAP_ABORTED (q was stopped), or IMAP_CONN_BAD / IMAP_FOLDER_BAD with
 * err filled. */
int imap_read_folder(struct imap *imap, struct imap_queue *q,
    uint32_t first_uid, int batch, const struct imap_fetch_fns *fns,
    char *err, size_t errlen);

/* ---- one message's structure (imap_body.c) ------------------------------ */

struct imapb;

/* The structure of a message from its BODYSTRUCTURE value bs in f, with
 * the parts fns->leave_out chooses marked as holes.  NULL when it cannot
 * be fetched in parts (too deep, too many parts, a multipart without a
 * boundary): then it is fetched whole. */
struct imapb *imapb_parse(const struct imapr_fetch *f,
    const struct imapr_val *bs, const struct imap_fetch_fns *fns);
/* The number of holes (0: fetch it whole). */
size_t imapb_nholes(const struct imapb *b);
/* Appends the data items to ask for (" BODY.PEEK[1.MIME] ...") to cmd. */
void imapb_items(const struct imapb *b, struct buf *cmd);
/* Keeps what response f brought of the items.  Returns 1 when all are
 * there, 0 when some are still missing. */
int imapb_take(struct imapb *b, const struct imapr_fetch *f);
/* The message put back together: hdr (its header block), then each part
 * the server sent between its delimiters, holes left empty (the preamble
 * and epilogue of multiparts are gone).  *holes_r (n) says what was left
 * out; both the bytes (a NUL after them) and the holes are the caller's
 * (imap_holes_free).  NULL when the ends of a hole do not tell its size:
 * then the message is to be fetched whole. */
char *imapb_assemble(const struct imapb *b, const char *hdr, size_t hlen,
    size_t *len_r, struct imap_hole **holes_r, size_t *nholes_r);
void imapb_free(struct imapb **b);

void imap_holes_free(struct imap_hole *holes, size_t n);

#endif
