/* imap_fetch: the thread that talks to the server while a folder is
 * fetched; see imap_int.h.
 *
 * RFC 3501 section 6.4.8 (UID FETCH), 6.4.5 (BODY.PEEK[section]), 5.5
 * (several commands in flight: the server answers them in order).
 *
 * Whole, a batch is one command: UID FETCH lo:hi (UID RFC822.SIZE
 * INTERNALDATE BODY.PEEK[]), each message handed over as it arrives.
 *
 * In parts, a batch takes three steps.  First the sizes of its messages
 * (UID FETCH lo:hi (UID RFC822.SIZE INTERNALDATE)).  Then, for those of
 * at least parts_from bytes, BODYSTRUCTURE and BODY.PEEK[HEADER] in one
 * command (the header alone for those over header_over).  Then, in UID
 * order, what each one needs: a run of small messages in one UID FETCH of
 * BODY.PEEK[]; a large one with nothing to leave out, BODY.PEEK[TEXT]
 * (its header and text are its bytes, RFC 3501 6.4.5); a large one with
 * holes, the MIME header of each part, the body of each part kept and the
 * two ends of each hole (imap_body.c).  Those commands are sent
 * IMAP_WINDOW at a time (and no more than IMAP_WINDOW_BYTES of them)
 * without waiting for the answers, so the server works while the answers
 * travel; the messages are handed over in UID order however the answers
 * come.  A message whose parts did not all come (a command refused, a
 * hole whose size its ends cannot tell) is asked again as BODY.PEEK[]: it
 * then comes whole.
 *
 * Steps one and two of the next batch are asked ahead, while this one is
 * fetched: step one before this batch's commands, step two once its
 * answer is in and every command of this batch is sent.  The server
 * works them out while the robot still reads this batch's answers, where
 * it used to wait for the robot between two batches, and the robot for
 * it (a tenth of a first poll of 10,000 messages).  The answers are
 * told apart by their UIDs and items, in whatever order they come
 * (Dovecot answers a command while the one before is still answering).
 * What was asked ahead is always read to its end, even after a stop, so
 * that the connection is left with nothing in flight. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imap_int.h"
#include "log.h"
#include "mem.h"

/* Commands of a batch in flight at once: with 8 the bench's first poll
 * took some 10 % longer, with 2 a quarter longer, the server waiting for
 * the next command.  The bytes bound keeps what is sent unanswered well
 * inside the sockets' buffers, so that the robot never blocks writing a
 * command while the server blocks writing the answers it has not read;
 * one command of a message with many parts can take kilobytes. */
#define IMAP_WINDOW		32
#define IMAP_WINDOW_BYTES	16384

enum plan {
	PLAN_WHOLE,	/* BODY.PEEK[] */
	PLAN_TEXT,	/* BODY.PEEK[TEXT] after the header */
	PLAN_PARTS,	/* the parts, holes left out */
	PLAN_HEADER	/* the header alone: nothing more to ask */
};

enum mstate { M_WAITING, M_READY, M_GONE };

/* One message of the batch. */
struct fmsg {
	uint32_t	 uid;
	size_t		 size;
	time_t		 date;
	enum plan	 plan;
	enum mstate	 state;
	char		*hdr;		/* BODY[HEADER] */
	size_t		 hlen;
	struct imapb	*b;		/* PLAN_PARTS */
	char		*mem;		/* what data points into */
	const char	*data;
	size_t		 len;
	struct imap_hole *holes;
	size_t		 nholes;
};

/* One command of the third step: the messages [from, to) of the batch. */
struct fcmd {
	size_t		 from, to;
	enum plan	 plan;
	uint32_t	 tag;		/* 0 until sent */
	size_t		 bytes;		/* of the command sent */
	int		 done;
};

struct reader {
	struct imap	*imap;
	struct imap_queue *q;
	const struct imap_fetch_fns *fns;
	struct buf	 resp;
	struct imapr_fetch f;
	uint32_t	 lo, hi;	/* the batch's UID range */
	uint32_t	 uidnext;	/* of the folder, 0 unknown */
	uint32_t	 batch;		/* UIDs a batch covers */
	uint32_t	 last;		/* the highest UID handed over */
	struct fmsg	*m;
	size_t		 nm, mcap;
	/* The next batch, asked ahead: its step one (sizes) and two. */
	struct fmsg	*nx;
	size_t		 nnx, nxcap;
	uint32_t	 nx_lo, nx_hi;	/* its range; nx_lo 0: not asked */
	uint32_t	 nx_tag;	/* its step one in flight, or 0 */
	int		 nx_bad;	/* its step one refused */
	int		 st_ahead;	/* its step two sent */
	uint32_t	 st_tags[2];	/* a step two in flight, or 0 */
	struct fcmd	*c;
	size_t		 nc, ccap;
	size_t		 next_send;	/* first command not sent */
	size_t		 in_flight;
	size_t		 flight_bytes;	/* of the commands in flight */
	size_t		 emitted;	/* messages handed over (or gone) */
	int		 stopped;	/* the taker asked to stop */
};

/* ---- talking ----------------------------------------------------------- */

/* Sends "F<n> UID FETCH <what>" and returns its tag, or 0 on failure. */
static uint32_t
send_fetch(struct reader *r, const char *what)
{
	struct buf cmd = BUF_INIT;
	mailstream *s = r->imap->m->imap_stream;
	uint32_t tag = ++r->imap->tag;
	int ok;

	buf_printf(&cmd, "F%u UID FETCH %s\r\n", tag, what);
	ok = !cmd.truncated && mailstream_write(s, cmd.s, cmd.len) ==
	    (ssize_t)cmd.len && mailstream_flush(s) == 0;
	buf_free(&cmd);
	return ok ? tag : 0;
}

/* Reads one response.  Returns its kind, or -1 when the connection
 * failed. */
static int
pump(struct reader *r, uint32_t *tag_r, int *ok_r)
{
	enum imapr_kind k;

	if (imapr_read(r->imap->m->imap_stream, &r->resp) == -1)
		return -1;
	k = imapr_kind(r->resp.s, r->resp.len, tag_r, ok_r);
	if (k == IMAPR_FETCH && imapr_parse_fetch(r->resp.s, r->resp.len,
	    &r->f) == -1) {
		log_debug("imap: unreadable FETCH response ignored");
		return IMAPR_UNTAGGED;
	}
	return (int)k;
}

/* "UID n" of the parsed response, or 0. */
static uint32_t
resp_uid(const struct reader *r)
{
	uint64_t uid;

	if (imapr_number(imapr_get(&r->f, "UID"), &uid) == -1 || uid == 0 ||
	    uid > UINT32_MAX)
		return 0;
	return (uint32_t)uid;
}

static int
month_of(const char *s)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char m[4];

	for (int i = 0; i < 3; i++)
		m[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
		    s[i]);
	m[3] = '\0';
	for (int i = 0; i < 12; i++)
		if (memcmp(names + 3 * i, m, 3) == 0)
			return i;
	return -1;
}

/* INTERNALDATE "dd-Mon-yyyy hh:mm:ss +zzzz" (RFC 3501 date-time), or
 * -1. */
static time_t
resp_date(const struct reader *r)
{
	const struct imapr_val *v = imapr_get(&r->f, "INTERNALDATE");
	char s[40];
	int d, y, hh, mm, ss, zone, mon;
	char mname[4], sign;
	struct tm tm;
	time_t t;

	if (v == NULL || v->type != IMAPR_STRING || v->len >= sizeof s)
		return (time_t)-1;
	memcpy(s, v->s, v->len);
	s[v->len] = '\0';
	if (sscanf(s, " %d-%3s-%d %d:%d:%d %c%4d", &d, mname, &y, &hh, &mm,
	    &ss, &sign, &zone) != 8 || (mon = month_of(mname)) < 0 ||
	    (sign != '+' && sign != '-'))
		return (time_t)-1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	if ((t = timegm(&tm)) == (time_t)-1)
		return t;
	zone = (zone / 100) * 3600 + (zone % 100) * 60;
	return sign == '-' ? t + zone : t - zone;
}

static void
fail(struct reader *r, char *err, size_t errlen, int ret)
{
	snprintf(err, errlen, "imap %s: UID FETCH %u:%u: %s", r->imap->host,
	    r->lo, r->hi, ret == IMAP_CONN_BAD ? imap_errname(
	    MAILIMAP_ERROR_STREAM) : "refused");
}

/* ---- whole ------------------------------------------------------------- */

/* The response's own block, cut after its first n bytes (the end of the
 * literal a message is in) and given a NUL there: no copy of the
 * message, and no room to spare kept with it. */
static char *
steal(struct buf *resp, size_t n)
{
	char *mem = buf_steal(resp);

	mem = xrealloc(mem, n + 1);
	mem[n] = '\0';
	return mem;
}

/* Hands the message of the parsed response over, whole.  -1 once the
 * taker asked to stop. */
static int
put_whole(struct reader *r, uint32_t uid)
{
	const struct imapr_val *body = imapr_get(&r->f, "BODY[]");
	struct imap_msg m;
	uint64_t size = 0;
	size_t off;
	char *mem;

	if (body == NULL)
		return 0;	/* unsolicited: a flag changed */
	memset(&m, 0, sizeof m);
	m.uid = uid;
	m.date = resp_date(r);
	m.how = IMAP_WHOLE;
	m.len = body->type == IMAPR_NIL ? 0 : body->len;
	off = body->type == IMAPR_NIL ? 0 : (size_t)(body->s - r->resp.s);
	m.size = imapr_number(imapr_get(&r->f, "RFC822.SIZE"), &size) == 0 ?
	    (size_t)size : m.len;
	/* The response's own block is handed over: no copy.  The bytes
	 * after the literal are overwritten by a NUL. */
	mem = steal(&r->resp, off + m.len);
	m.data = mem + off;
	r->last = uid;
	return imap_queue_put(r->q, &m, mem, NULL);
}

static int
batch_whole(struct reader *r, char *err, size_t errlen)
{
	char what[96];
	uint32_t tag, t, uid;
	int k, ok;

	if (r->hi == UINT32_MAX)
		snprintf(what, sizeof what, "%u:* (UID RFC822.SIZE "
		    "INTERNALDATE BODY.PEEK[])", r->lo);
	else
		snprintf(what, sizeof what, "%u:%u (UID RFC822.SIZE "
		    "INTERNALDATE BODY.PEEK[])", r->lo, r->hi);
	if ((tag = send_fetch(r, what)) == 0) {
		fail(r, err, errlen, IMAP_CONN_BAD);
		return IMAP_CONN_BAD;
	}
	for (;;) {
		if ((k = pump(r, &t, &ok)) < 0) {
			fail(r, err, errlen, IMAP_CONN_BAD);
			return IMAP_CONN_BAD;
		}
		if (k == IMAPR_TAGGED && t == tag)
			break;
		if (k != IMAPR_FETCH || r->stopped)
			continue;
		/* "UID FETCH n:*" also answers the last UID when n is past
		 * it; flag changes come unasked. */
		uid = resp_uid(r);
		if (uid < r->lo || uid > r->hi || uid <= r->last)
			continue;
		if (put_whole(r, uid) == -1)
			r->stopped = 1;
	}
	if (!ok) {
		fail(r, err, errlen, IMAP_FOLDER_BAD);
		return IMAP_FOLDER_BAD;
	}
	return r->stopped ? IMAP_ABORTED : IMAP_OK;
}

/* ---- in parts ---------------------------------------------------------- */

static struct fmsg *
find(struct reader *r, uint32_t uid)
{
	size_t lo = 0, hi = r->nm;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->m[mid].uid == uid)
			return &r->m[mid];
		if (r->m[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
uid_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct fmsg *)a)->uid;
	uint32_t y = ((const struct fmsg *)b)->uid;

	return x < y ? -1 : x > y;
}

static void
put_range(struct buf *b, uint32_t start, uint32_t end, int comma)
{
	if (start == end)
		buf_printf(b, "%u%s", start, comma ? "," : "");
	else
		buf_printf(b, "%u:%u%s", start, end, comma ? "," : "");
}

/* Appends the UIDs of the messages i in [from, to) with plan p (or all,
 * p < 0) to b as a set ("3:7,9").  Returns how many. */
static size_t
uid_set(const struct reader *r, size_t from, size_t to, int p, struct buf *b)
{
	size_t n = 0;
	uint32_t start = 0, prev = 0;

	for (size_t i = from; i < to; i++) {
		const struct fmsg *m = &r->m[i];

		if (p >= 0 && (int)m->plan != p)
			continue;
		if (n > 0 && m->uid == prev + 1) {
			prev = m->uid;
			continue;
		}
		if (n > 0)
			put_range(b, start, prev, 1);
		start = prev = m->uid;
		n++;
	}
	if (n > 0)
		put_range(b, start, prev, 0);
	return n;
}

static void
fmsg_clear(struct fmsg *m)
{
	free(m->hdr);
	imapb_free(&m->b);
	free(m->mem);
	imap_holes_free(m->holes, m->nholes);
	memset(m, 0, sizeof *m);
}

/* Asks for the sizes and dates of the messages lo..hi: a tag, or 0. */
static uint32_t
send_sizes(struct reader *r, uint32_t lo, uint32_t hi)
{
	char what[96];

	if (hi == UINT32_MAX)
		snprintf(what, sizeof what, "%u:* (UID RFC822.SIZE "
		    "INTERNALDATE)", lo);
	else
		snprintf(what, sizeof what, "%u:%u (UID RFC822.SIZE "
		    "INTERNALDATE)", lo, hi);
	return send_fetch(r, what);
}

/* When the parsed response answers step one for lo..hi, adds its message
 * to *m and returns 1; else 0. */
static int
note_size(struct reader *r, uint32_t lo, uint32_t hi, struct fmsg **m,
    size_t *n, size_t *cap)
{
	uint32_t uid = resp_uid(r);
	uint64_t size;

	if (uid == 0 || uid < lo || uid > hi || uid <= r->last ||
	    imapr_get(&r->f, "RFC822.SIZE") == NULL)
		return 0;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*m = xrealloc(*m, *cap * sizeof **m);
	}
	memset(&(*m)[*n], 0, sizeof (*m)[*n]);
	(*m)[*n].uid = uid;
	(*m)[*n].date = resp_date(r);
	if (imapr_number(imapr_get(&r->f, "RFC822.SIZE"), &size) == 0)
		(*m)[*n].size = (size_t)size;
	(*n)++;
	return 1;
}

/* Step one's messages in UID order, a UID answered twice once. */
static void
sizes_sort(struct fmsg *m, size_t *n)
{
	size_t w = 1;

	if (*n == 0)
		return;
	qsort(m, *n, sizeof *m, uid_cmp);
	for (size_t i = 1; i < *n; i++)
		if (m[i].uid != m[w - 1].uid)
			m[w++] = m[i];
	*n = w;
}

/* Step one: the batch's messages, sizes and dates.  IMAP_OK or worse. */
static int
step_sizes(struct reader *r)
{
	uint32_t tag, t;
	int k, ok;

	if ((tag = send_sizes(r, r->lo, r->hi)) == 0)
		return IMAP_CONN_BAD;
	for (;;) {
		if ((k = pump(r, &t, &ok)) < 0)
			return IMAP_CONN_BAD;
		if (k == IMAPR_TAGGED && t == tag)
			break;
		if (k == IMAPR_FETCH)
			note_size(r, r->lo, r->hi, &r->m, &r->nm, &r->mcap);
	}
	if (!ok)
		return IMAP_FOLDER_BAD;
	sizes_sort(r->m, &r->nm);
	return IMAP_OK;
}

/* Step two asked: BODYSTRUCTURE and header of the large messages, the
 * header alone of those over the limit, their tags in r->st_tags.  0, or
 * -1 when the connection failed. */
static int
send_structure(struct reader *r)
{
	const struct imap_fetch_fns *fns = r->fns;
	struct buf set = BUF_INIT;
	size_t nstruct = 0, nhead = 0;
	int ret = 0;

	for (size_t i = 0; i < r->nm; i++) {
		struct fmsg *m = &r->m[i];

		if (fns->header_over > 0 && m->size > fns->header_over) {
			m->plan = PLAN_HEADER;
			nhead++;
		} else if (m->size >= fns->parts_from) {
			m->plan = PLAN_TEXT;
			nstruct++;
		} else
			m->plan = PLAN_WHOLE;
	}
	if (nstruct > 0) {
		uid_set(r, 0, r->nm, PLAN_TEXT, &set);
		buf_puts(&set, " (UID BODYSTRUCTURE BODY.PEEK[HEADER])");
		if ((r->st_tags[0] = send_fetch(r, buf_str(&set))) == 0)
			ret = -1;
	}
	buf_reset(&set);
	if (ret == 0 && nhead > 0) {
		uid_set(r, 0, r->nm, PLAN_HEADER, &set);
		buf_puts(&set, " (UID BODY.PEEK[HEADER])");
		if ((r->st_tags[1] = send_fetch(r, buf_str(&set))) == 0)
			ret = -1;
	}
	buf_free(&set);
	return ret;
}

/* A tagged response that ends something asked ahead: 1 (and it is no
 * longer in flight), else 0. */
static int
ahead_done(struct reader *r, uint32_t tag, int ok)
{
	if (tag == r->nx_tag) {
		r->nx_tag = 0;
		r->nx_bad = !ok;
		if (ok)
			sizes_sort(r->nx, &r->nnx);
		return 1;
	}
	for (int i = 0; i < 2; i++)
		if (r->st_tags[i] != 0 && tag == r->st_tags[i]) {
			r->st_tags[i] = 0;
			return 1;
		}
	return 0;
}

/* What the parsed FETCH response brings to step two of the batch's
 * messages (nothing when it is not an answer to it). */
static void
take_structure(struct reader *r)
{
	const struct imapr_val *hdr, *bs;
	struct fmsg *m;

	if ((m = find(r, resp_uid(r))) == NULL || m->plan == PLAN_WHOLE ||
	    m->hdr != NULL || (hdr = imapr_get(&r->f, "BODY[HEADER]")) ==
	    NULL || hdr->type == IMAPR_NIL)
		return;
	m->hdr = xmalloc(hdr->len + 1);
	memcpy(m->hdr, hdr->s, hdr->len);
	m->hdr[hdr->len] = '\0';
	m->hlen = hdr->len;
	if (m->plan != PLAN_TEXT ||
	    (bs = imapr_get(&r->f, "BODYSTRUCTURE")) == NULL)
		return;
	if ((m->b = imapb_parse(&r->f, bs, r->fns)) != NULL &&
	    imapb_nholes(m->b) > 0)
		m->plan = PLAN_PARTS;
	else
		imapb_free(&m->b);
}

/* Step two's answers, for the batch's messages.  IMAP_OK or worse. */
static int
recv_structure(struct reader *r)
{
	uint32_t t;
	int k, ok;

	while (r->st_tags[0] != 0 || r->st_tags[1] != 0) {
		if ((k = pump(r, &t, &ok)) < 0)
			return IMAP_CONN_BAD;
		if (k == IMAPR_TAGGED)
			ahead_done(r, t, ok);
		else if (k == IMAPR_FETCH)
			take_structure(r);
	}
	/* One whose header did not come (gone meanwhile) is asked whole:
	 * if it is gone, nothing comes and it is passed over. */
	for (size_t i = 0; i < r->nm; i++)
		if (r->m[i].plan != PLAN_WHOLE && r->m[i].hdr == NULL) {
			imapb_free(&r->m[i].b);
			r->m[i].plan = PLAN_WHOLE;
		}
	return IMAP_OK;
}

/* The next batch in the reader's place (or back): what is asked of it
 * ahead is asked with the functions of the batch in hand. */
static void
swap_next(struct reader *r)
{
	struct fmsg *m = r->m;
	size_t n = r->nm, cap = r->mcap;

	r->m = r->nx;
	r->nm = r->nnx;
	r->mcap = r->nxcap;
	r->nx = m;
	r->nnx = n;
	r->nxcap = cap;
}

/* The UID range of the batch from lo: 0 and *hi_r set, or -1 when no
 * message can be at lo or after. */
static int
batch_range(const struct reader *r, uint32_t lo, uint32_t *hi_r)
{
	/* Without UIDNEXT (allowed by RFC 3501) ask for everything from lo
	 * on in one go. */
	if (r->uidnext == 0)
		*hi_r = UINT32_MAX;
	else if (lo >= r->uidnext || lo == 0)
		return -1;
	else if (r->uidnext - lo > r->batch)
		*hi_r = lo + r->batch - 1;
	else
		*hi_r = r->uidnext - 1;
	return 0;
}

/* Step one of the next batch, asked before this batch's commands.  0, or
 * -1 when the connection failed. */
static int
ask_sizes_ahead(struct reader *r)
{
	if (r->hi == UINT32_MAX || r->stopped ||
	    batch_range(r, r->hi + 1, &r->nx_hi) == -1)
		return 0;
	r->nx_lo = r->hi + 1;
	r->nnx = 0;
	r->nx_bad = 0;
	if ((r->nx_tag = send_sizes(r, r->nx_lo, r->nx_hi)) == 0)
		return -1;
	return 0;
}

/* Step two of the next batch, once its step one is in and every command
 * of this batch sent.  0, or -1 when the connection failed. */
static int
ask_structure_ahead(struct reader *r)
{
	int ret;

	if (r->nx_lo == 0 || r->nx_tag != 0 || r->nx_bad || r->st_ahead ||
	    r->stopped || r->next_send < r->nc)
		return 0;
	swap_next(r);
	ret = send_structure(r);
	swap_next(r);
	r->st_ahead = 1;
	return ret;
}

/* Reads the answers to what was asked ahead, to the end.  IMAP_OK or
 * IMAP_CONN_BAD. */
static int
drain_ahead(struct reader *r)
{
	uint32_t t;
	int k, ok;

	while (r->nx_tag != 0 || r->st_tags[0] != 0 || r->st_tags[1] != 0) {
		if ((k = pump(r, &t, &ok)) < 0)
			return IMAP_CONN_BAD;
		if (k == IMAPR_TAGGED)
			ahead_done(r, t, ok);
	}
	return IMAP_OK;
}

/* Step one for the batch in hand: asked ahead (read to its end, then the
 * next batch takes the reader's place), or asked now. */
static int
take_sizes(struct reader *r)
{
	uint32_t t;
	int k, ok;

	if (r->nx_lo != r->lo)
		return step_sizes(r);
	while (r->nx_tag != 0) {
		if ((k = pump(r, &t, &ok)) < 0)
			return IMAP_CONN_BAD;
		if (k == IMAPR_TAGGED)
			ahead_done(r, t, ok);
		else if (k == IMAPR_FETCH)
			note_size(r, r->nx_lo, r->nx_hi, &r->nx, &r->nnx,
			    &r->nxcap);
	}
	r->nx_lo = 0;
	swap_next(r);
	r->nnx = 0;
	return r->nx_bad ? IMAP_FOLDER_BAD : IMAP_OK;
}

static void
add_cmd(struct reader *r, size_t from, size_t to, enum plan p)
{
	if (r->nc == r->ccap) {
		r->ccap = r->ccap ? r->ccap * 2 : 64;
		r->c = xrealloc(r->c, r->ccap * sizeof *r->c);
	}
	memset(&r->c[r->nc], 0, sizeof r->c[r->nc]);
	r->c[r->nc].from = from;
	r->c[r->nc].to = to;
	r->c[r->nc].plan = p;
	r->nc++;
}

/* The commands of step three, in UID order: consecutive messages of the
 * same plan share one (but for PLAN_PARTS: each its own items). */
static void
plan_cmds(struct reader *r)
{
	size_t i = 0, j;

	while (i < r->nm) {
		enum plan p = r->m[i].plan;

		for (j = i + 1; p != PLAN_PARTS && j < r->nm &&
		    r->m[j].plan == p; j++)
			;
		add_cmd(r, i, j, p);
		i = j;
	}
}

static int
send_cmd(struct reader *r, struct fcmd *c)
{
	struct buf what = BUF_INIT;
	const char *items = "";

	if (c->plan == PLAN_HEADER) {
		c->done = 1;	/* nothing to ask */
		for (size_t i = c->from; i < c->to; i++)
			if (r->m[i].state == M_WAITING)
				r->m[i].state = M_READY;
		return 0;
	}
	uid_set(r, c->from, c->to, -1, &what);
	switch (c->plan) {
	case PLAN_WHOLE:
		items = " (UID BODY.PEEK[])";
		break;
	case PLAN_TEXT:
		items = " (UID BODY.PEEK[TEXT])";
		break;
	case PLAN_PARTS:
		buf_puts(&what, " (UID");
		imapb_items(r->m[c->from].b, &what);
		items = ")";
		break;
	case PLAN_HEADER:
		break;
	}
	buf_puts(&what, items);
	c->tag = send_fetch(r, buf_str(&what));
	c->bytes = what.len;
	buf_free(&what);
	if (c->tag == 0)
		return -1;
	r->in_flight++;
	r->flight_bytes += c->bytes;
	return 0;
}

/* Joins header and text of a large message with nothing left out. */
static void
take_text(struct reader *r, struct fmsg *m)
{
	const struct imapr_val *v = imapr_get(&r->f, "BODY[TEXT]");
	size_t n;

	if (v == NULL)
		return;
	n = v->type == IMAPR_NIL ? 0 : v->len;
	m->mem = xmalloc(m->hlen + n + 1);
	memcpy(m->mem, m->hdr, m->hlen);
	if (n > 0)
		memcpy(m->mem + m->hlen, v->s, n);
	m->mem[m->hlen + n] = '\0';
	m->data = m->mem;
	m->len = m->hlen + n;
	m->state = M_READY;
}

static void
take_whole(struct reader *r, struct fmsg *m)
{
	const struct imapr_val *v = imapr_get(&r->f, "BODY[]");
	size_t off;

	if (v == NULL)
		return;
	m->len = v->type == IMAPR_NIL ? 0 : v->len;
	off = v->type == IMAPR_NIL ? 0 : (size_t)(v->s - r->resp.s);
	m->mem = steal(&r->resp, off + m->len);
	m->data = m->mem + off;
	m->state = M_READY;
}

/* What a FETCH response of step three brings. */
static void
on_fetch(struct reader *r)
{
	struct fmsg *m = find(r, resp_uid(r));

	if (m == NULL || m->state != M_WAITING)
		return;
	switch (m->plan) {
	case PLAN_WHOLE:
		take_whole(r, m);
		break;
	case PLAN_TEXT:
		take_text(r, m);
		break;
	case PLAN_PARTS:
		/* A hole whose size cannot be told from its ends leaves the
		 * message waiting: it is asked again whole (on_done). */
		if (imapb_take(m->b, &r->f) == 1 && (m->mem =
		    imapb_assemble(m->b, m->hdr, m->hlen, &m->len, &m->holes,
		    &m->nholes)) != NULL) {
			m->data = m->mem;
			m->state = M_READY;
		}
		break;
	case PLAN_HEADER:
		break;
	}
}

/* A command of step three has its answer: what did not come is asked
 * again whole, or, asked whole already, is gone.  After a stop nothing is
 * asked again: what did not come waits for the next poll. */
static void
on_done(struct reader *r, uint32_t tag, int ok)
{
	for (size_t k = 0; k < r->nc; k++) {
		struct fcmd *c = &r->c[k];
		/* add_cmd below may move r->c: c is not read after it. */
		size_t from = c->from, to = c->to;

		if (c->tag != tag || c->done)
			continue;
		c->done = 1;
		r->in_flight--;
		r->flight_bytes -= c->bytes;
		for (size_t i = from; i < to && !r->stopped; i++) {
			struct fmsg *m = &r->m[i];

			if (m->state != M_WAITING)
				continue;
			if (m->plan == PLAN_WHOLE) {
				m->state = M_GONE;
				continue;
			}
			log_debug("imap: UID %u: %s in parts; asking for it "
			    "whole", m->uid, ok ? "not all came" : "refused");
			imapb_free(&m->b);
			m->plan = PLAN_WHOLE;
			add_cmd(r, i, i + 1, PLAN_WHOLE);
		}
		return;
	}
}

/* Hands over the messages ready at the head of the batch, in order. */
static void
emit(struct reader *r)
{
	while (r->emitted < r->nm && r->m[r->emitted].state != M_WAITING) {
		struct fmsg *m = &r->m[r->emitted++];
		struct imap_msg out;

		if (m->state == M_GONE || r->stopped) {
			fmsg_clear(m);
			continue;
		}
		memset(&out, 0, sizeof out);
		out.uid = m->uid;
		out.date = m->date;
		out.size = m->size;
		out.data = m->plan == PLAN_HEADER ? m->hdr : m->data;
		out.len = m->plan == PLAN_HEADER ? m->hlen : m->len;
		out.how = m->plan == PLAN_PARTS ? IMAP_PARTS :
		    m->plan == PLAN_HEADER ? IMAP_HEADER : IMAP_WHOLE;
		out.holes = m->holes;
		out.nholes = m->nholes;
		r->last = m->uid;
		if (imap_queue_put(r->q, &out, m->plan == PLAN_HEADER ?
		    m->hdr : m->mem, m->holes) == -1)
			r->stopped = 1;
		if (m->plan == PLAN_HEADER)
			m->hdr = NULL;
		else
			m->mem = NULL;
		m->holes = NULL;
		m->nholes = 0;
		fmsg_clear(m);
	}
}

static int
step_fetch(struct reader *r)
{
	uint32_t t;
	int k, ok;

	plan_cmds(r);
	if (ask_sizes_ahead(r) == -1)
		return IMAP_CONN_BAD;
	for (;;) {
		while (!r->stopped && r->next_send < r->nc &&
		    r->in_flight < IMAP_WINDOW &&
		    r->flight_bytes < IMAP_WINDOW_BYTES)
			if (send_cmd(r, &r->c[r->next_send++]) == -1)
				return IMAP_CONN_BAD;
		if (ask_structure_ahead(r) == -1)
			return IMAP_CONN_BAD;
		emit(r);
		if (r->in_flight == 0 && (r->stopped ||
		    r->next_send >= r->nc))
			break;
		if ((k = pump(r, &t, &ok)) < 0)
			return IMAP_CONN_BAD;
		if (k == IMAPR_FETCH && r->nx_tag != 0 && note_size(r,
		    r->nx_lo, r->nx_hi, &r->nx, &r->nnx, &r->nxcap))
			continue;	/* step one of the next batch */
		if (k == IMAPR_FETCH && r->st_ahead && resp_uid(r) >=
		    r->nx_lo && resp_uid(r) <= r->nx_hi) {
			/* Step two of the next batch: the server may answer
			 * it before the last command of this one. */
			swap_next(r);
			take_structure(r);
			swap_next(r);
			continue;
		}
		if (k == IMAPR_FETCH && !r->stopped)
			on_fetch(r);
		else if (k == IMAPR_TAGGED && !ahead_done(r, t, ok))
			on_done(r, t, ok);
	}
	/* Every command of this batch answered: step two of the next one
	 * goes now if its step one came in late. */
	if (ask_structure_ahead(r) == -1)
		return IMAP_CONN_BAD;
	emit(r);
	return r->stopped ? IMAP_ABORTED : IMAP_OK;
}

static int
batch_parts(struct reader *r, char *err, size_t errlen)
{
	int ret;

	if ((ret = take_sizes(r)) == IMAP_OK) {
		if (!r->st_ahead && send_structure(r) == -1)
			ret = IMAP_CONN_BAD;
		r->st_ahead = 0;
	}
	if (ret == IMAP_OK && (ret = recv_structure(r)) == IMAP_OK)
		ret = step_fetch(r);
	if (ret != IMAP_OK && ret != IMAP_ABORTED)
		fail(r, err, errlen, ret);
	for (size_t i = 0; i < r->nm; i++)
		fmsg_clear(&r->m[i]);
	r->nm = r->nc = r->next_send = r->in_flight = r->emitted = 0;
	r->flight_bytes = 0;
	return ret;
}

int
imap_read_folder(struct imap *imap, struct imap_queue *q, uint32_t first_uid,
    int batch, const struct imap_fetch_fns *fns, char *err, size_t errlen)
{
	struct reader r;
	uint32_t uidnext = imap->m->imap_selection_info->sel_uidnext;
	int ret = IMAP_OK;

	memset(&r, 0, sizeof r);
	r.imap = imap;
	r.q = q;
	r.fns = fns;
	r.uidnext = uidnext;
	r.batch = (uint32_t)batch;
	/* Up to the largest message the robot reads whole, and then some;
	 * a message past max_message is asked in parts, header only. */
	r.resp.cap = (size_t)1 << 31;
	for (r.lo = first_uid; batch_range(&r, r.lo, &r.hi) == 0;
	    r.lo = r.hi + 1) {
		ret = fns->leave_out != NULL ? batch_parts(&r, err, errlen) :
		    batch_whole(&r, err, errlen);
		if (ret == IMAP_OK && imap_queue_stopped(q))
			ret = IMAP_ABORTED;
		if (ret != IMAP_OK || r.hi == UINT32_MAX)
			break;
	}
	if (ret != IMAP_CONN_BAD && drain_ahead(&r) != IMAP_OK) {
		snprintf(err, errlen, "imap %s: %s", imap->host,
		    imap_errname(MAILIMAP_ERROR_STREAM));
		ret = IMAP_CONN_BAD;
	}
	buf_free(&r.resp);
	imapr_fetch_free(&r.f);
	for (size_t i = 0; i < r.nnx; i++)
		fmsg_clear(&r.nx[i]);
	free(r.m);
	free(r.nx);
	free(r.c);
	return ret;
}
