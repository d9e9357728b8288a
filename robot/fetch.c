/* fetch: folders -> ledger, one savepoint per message inside a batch
 * transaction; see fetch.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


#include "buf.h"
#include "clock.h"
#include "db.h"
#include "guard.h"
#include "lazy.h"
#include "ledger.h"
#include "log.h"
#include "mem.h"
#include "fetch.h"

struct fetch_ctx {
	const struct config	*cfg;
	sqlite3			*db;
	const char		*folder;
	uint32_t		 uidvalidity;
	uint32_t		 first;
	fetch_apply_fn		 apply;
	void			*apply_ctx;
	struct fetch_stats	*stats;
	int			 failed;
	int			 in_tx;		/* a batch transaction is open */
	unsigned		 tx_msgs;	/* messages in it */
	double			 tx_start;	/* when it began (monotonic s) */
	uint32_t		 last;		/* the last UID taken */
	int			 careful;	/* messages still to decode
						 * guarded, one at a time */
	int			 window_done;	/* those are done */
	struct guard		*guard;		/* the child that tries them */
	const char		*crash_on;	/* test hooks, see test_hook */
	const char		*hang_on;
	const volatile sig_atomic_t *stop;	/* the caller's stop flag */
};

static int
stopping(const struct fetch_ctx *fc)
{
	return fc->stop != NULL && *fc->stop != 0;
}

/*
 * A commit costs a WAL write of every page the message touched, and most of
 * those pages (indexes, the folder row) are the same from one message to
 * the next: committing once per batch writes each of them once.  Each
 * message still gets its own SAVEPOINT, so its effects stay atomic: one that
 * fails is rolled back alone and the messages before it are committed.  A
 * crash loses at most the open batch, every message of it whole, and its
 * folder mark with it, so those messages are fetched again: nothing is lost
 * or recorded twice.  The batch is closed after FETCH_TX_MSGS messages or
 * FETCH_TX_SECONDS, whichever comes first, so another process waiting for
 * the database (status, a second robot) never waits long; and at once when
 * one of the outbox's sender threads waits for its turn to write (db.h, sender.h):
 * a mail's claim and its result would otherwise wait for a batch each,
 * and the poll's mail leave after it instead of during it.
 */
#define FETCH_TX_MSGS		256
#define FETCH_TX_SECONDS	0.2

/*
 * The poison-message guard.  Before the messages of a folder are decoded
 * (in the prep thread, fast, many at a time), a mark is committed (table
 * decoding); it is removed when the fetch returns, however it ended.  A
 * mark still there at the next fetch means the process did not live
 * through the last one: killed, or brought down by a message the decoder
 * cannot survive (libetpan recursing out of its stack, say), or stopped
 * by its watchdog when one message took longer than [limits]
 * max_decode_seconds.  That message is at most the open batch and the
 * reader's queue past the last UID committed, so the next
 * FETCH_CAREFUL_MSGS messages are decoded one at a time, each first in a
 * child process with the time limit (guard.h): one that crashes or runs
 * past it FETCH_ATTEMPTS times is recorded with its headers only and
 * quarantined, with the reason, and the folder's mark moves past it as
 * for any other.  Then the fast path takes over again.  So no message
 * is retried for ever, and the first poll of a mailbox pays one commit
 * per folder for all this, not one per message.
 */
#define FETCH_CAREFUL_MSGS	512
#define FETCH_ATTEMPTS		2

/*
 * Fetching less (imap.h): a message of FETCH_PARTS_FROM bytes or more is
 * read by its structure, and the pictures, PDFs and signatures in it that
 * the decoder would skip anyway are never fetched, only their size (they
 * are most of the bytes of a mailbox).  Below that size a message costs
 * about as much to ask about as to fetch whole.  A message over [limits]
 * max_message comes as its header alone, which is all that is read of it.
 */
#define FETCH_PARTS_FROM	(16 * 1024)
/* Holes the decoder is told about: the fetch makes at most one per part
 * and fetches in parts only messages of up to 128 parts. */
#define FETCH_MAX_HOLES		128

/* Prepared once (db_stmt), not parsed again for every message. */
static const char SQL_SAVEPOINT[] = "SAVEPOINT msg";
static const char SQL_RELEASE[] = "RELEASE msg";

static int
savepoint(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);

	return st != NULL ? db_done(db, st, sql) : -1;
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Commits the open batch, if any.  0 or -1 (then it is rolled back). */
static int
batch_commit(struct fetch_ctx *fc)
{
	if (!fc->in_tx)
		return 0;
	fc->in_tx = 0;
	fc->tx_msgs = 0;
	if (db_commit(fc->db) == -1) {
		db_rollback(fc->db);
		return -1;
	}
	return 0;
}

/* A message that could not even be parsed still gets a ledger row. */
static struct mime_msg *
empty_message(void)
{
	struct mime_msg *m = xcalloc(1, sizeof *m);

	m->notes = xstrdup("empty message");
	return m;
}

/* 1 when the header block of raw names Message-ID <id>. */
static int
carries_id(const char *raw, size_t len, const char *id)
{
	size_t hlen = mime_header_len(raw, len), n = strlen(id);
	const char *p = raw, *end = raw + hlen;

	while ((p = memmem(p, (size_t)(end - p), id, n)) != NULL) {
		if (p > raw && p[-1] == '<' && p + n < end && p[n] == '>')
			return 1;
		p += n;
	}
	return 0;
}

/*
 * Test hooks, for tests/e2e/test_poison.sh only: with
 * ROBOT_TEST_DECODER_CRASH or ROBOT_TEST_DECODER_HANG set to a
 * Message-ID, the full decoding of the message that carries it aborts or
 * never ends, as a decoder bug would.  They do nothing unless set (the
 * robot never sets them), and cost one getenv() per poll.
 */
static void
test_hook(const struct fetch_ctx *fc, const char *raw, size_t len)
{
	if (fc->crash_on != NULL && carries_id(raw, len, fc->crash_on))
		abort();
	if (fc->hang_on != NULL && carries_id(raw, len, fc->hang_on))
		for (;;)
			sleep(1);
}

/* The full decoding of a message, as the poller keeps it. */
static struct mime_msg *
decode_full(const struct fetch_ctx *fc, const char *raw, size_t len)
{
	struct mime_msg *m;

	test_hook(fc, raw, len);
	if ((m = mime_decode(raw, len, fc->cfg->limits.max_message)) == NULL)
		m = empty_message();
	return m;
}

/* The decoding of a message as it was fetched: whole, in parts (the holes
 * recorded by their size), or by its header alone (over max_message). */
static struct mime_msg *
decode_fetched(const struct fetch_ctx *fc, const struct imap_msg *im)
{
	struct mime_hole holes[FETCH_MAX_HOLES];
	struct mime_msg *m = NULL;
	size_t limit = fc->cfg->limits.max_message, n = 0;
	char why[128];

	switch (im->how) {
	case IMAP_WHOLE:
		return decode_full(fc, im->data, im->len);
	case IMAP_PARTS:
		test_hook(fc, im->data, im->len);
		for (; n < im->nholes && n < FETCH_MAX_HOLES; n++) {
			holes[n].section = im->holes[n].section;
			holes[n].size = im->holes[n].size;
		}
		m = mime_decode_holes(im->data, im->len, limit, holes, n);
		break;
	case IMAP_HEADER:
		test_hook(fc, im->data, im->len);
		snprintf(why, sizeof why, "message of %zu bytes is over the "
		    "%zu-byte limit: headers only", im->size, limit);
		m = mime_decode_headers(im->data, im->len, limit, why);
		break;
	}
	return m != NULL ? m : empty_message();
}

/* The hash of what was fetched (ledger.h): of the message when it came
 * whole; else of what came and of what was left out. */
static void
hash_fetched(const struct imap_msg *im, char out[LEDGER_HASH_SIZE])
{
	struct buf extra = BUF_INIT;

	if (im->how == IMAP_WHOLE) {
		ledger_hash(im->data, im->len, out);
		return;
	}
	buf_printf(&extra, "%zu", im->size);
	for (size_t i = 0; i < im->nholes; i++)
		buf_printf(&extra, " %s=%zu", im->holes[i].section,
		    im->holes[i].size);
	ledger_hash_fetched(im->how == IMAP_PARTS ? 'p' : 'h', im->data,
	    im->len, buf_str(&extra), extra.len, out);
	buf_free(&extra);
}

/* What the fetch may leave out (imap.h): the parts the decoder never
 * reads, pictures, PDFs and signatures (mime.h), judged by the type and
 * name their BODYSTRUCTURE gives. */
static int
leave_out(void *arg, const struct imap_part *p)
{
	char type[128], *name;
	int r;

	(void)arg;
	snprintf(type, sizeof type, "%s/%s", p->type != NULL ? p->type :
	    "application", p->subtype != NULL ? p->subtype : "");
	name = mime_part_name(p->dparam, p->ndparam, p->param, p->nparam);
	r = mime_part_unread(type, name);
	free(name);
	return r;
}

/* A message decoded and hashed in the IMAP prep thread, while the main
 * thread records the one before it.  Only the decoder and the hash run
 * there: nothing in them touches the database or the fetch state. */
struct prepared {
	struct mime_msg	*m;
	char		*poison;	/* why it is quarantined unread, or
					 * NULL */
	char		 hash[LEDGER_HASH_SIZE];
};

static void
prepared_free(struct prepared **pp)
{
	if (*pp == NULL)
		return;
	mime_free(&(*pp)->m);
	free((*pp)->poison);
	free(*pp);
	*pp = NULL;
}

static void *
prep_message(void *arg, const struct imap_msg *im)
{
	const struct fetch_ctx *fc = arg;
	struct prepared *p = xcalloc(1, sizeof *p);

	p->m = decode_fetched(fc, im);
	hash_fetched(im, p->hash);
	return p;
}

static void
unprep_message(void *arg, void *prepared)
{
	struct prepared *p = prepared;

	prepared_free(&p);
}

/* What the guarded child decodes (the headers alone, or all); only how
 * it ends is looked at. */
enum { PROBE_FULL, PROBE_HEADERS };

static void
probe(void *arg, int kind, const char *raw, size_t len)
{
	const struct fetch_ctx *fc = arg;
	struct mime_msg *m;

	if (kind == PROBE_HEADERS)
		m = mime_decode_headers(raw, len, len, "");
	else
		m = decode_full(fc, raw, len);
	mime_free(&m);
}

/* One message after a fetch the process did not live through: decoded
 * here (in the thread that records, with no decoding thread running)
 * once a guarded child has decoded it, or quarantined with its headers
 * when FETCH_ATTEMPTS children could not.  NULL (logged) when no child
 * could be started: then the fetch stops and is tried again. */
static struct prepared *
prep_guarded(const struct fetch_ctx *fc, const struct imap_msg *im)
{
	uint32_t uid = im->uid;
	const char *raw = im->data;
	size_t len = im->len;
	int secs = fc->cfg->limits.max_decode_seconds, r = GUARD_OK, i;
	struct prepared *p;
	struct buf why = BUF_INIT;
	char how[160], hhow[160];

	for (i = 0; i < FETCH_ATTEMPTS; i++) {
		if ((r = guard_job(fc->guard, PROBE_FULL, raw, len, secs, how,
		    sizeof how)) == GUARD_OK || r == GUARD_FAILED)
			break;
		log_warn("%s UID %u: decoding %s (attempt %d of %d)",
		    fc->folder, uid, how, i + 1, FETCH_ATTEMPTS);
	}
	if (r == GUARD_FAILED) {
		log_err("%s UID %u: cannot decode it guarded: %s", fc->folder,
		    uid, how);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	hash_fetched(im, p->hash);
	if (r == GUARD_OK) {
		p->m = decode_fetched(fc, im);
		return p;
	}
	buf_printf(&why, "decoding %s in each of %d tries: not decoded, "
	    "headers only", how, FETCH_ATTEMPTS);
	p->poison = buf_steal(&why);
	/* The headers too are read only if the child lives through them. */
	if (guard_job(fc->guard, PROBE_HEADERS, raw, len, secs, hhow,
	    sizeof hhow) == GUARD_OK)
		p->m = mime_decode_headers(raw, len, len, p->poison);
	if (p->m == NULL) {
		p->m = xcalloc(1, sizeof *p->m);
		p->m->notes = xstrdup(p->poison);
	}
	return p;
}

/* The watchdog of the fast path: a message has been decoding for longer
 * than max_decode_seconds, in a thread that cannot be stopped.  What was
 * recorded is committed and the process ends, leaving the decoding mark:
 * the next fetch decodes from here guarded. */
static void
stalled(void *arg, uint32_t uid)
{
	struct fetch_ctx *fc = arg;

	if (batch_commit(fc) == -1)
		log_err("%s: the messages before UID %u were not recorded; "
		    "they will be taken again next time", fc->folder, uid);
	log_err("%s UID %u: decoding ran past %d s: stopping; the next poll "
	    "decodes the messages from there one at a time, guarded",
	    fc->folder, uid, fc->cfg->limits.max_decode_seconds);
	fflush(NULL);
	_exit(1);
}

static int
take_message(void *arg, const struct imap_msg *im, void *prepared)
{
	struct fetch_ctx *fc = arg;
	struct prepared *p = prepared;
	struct ledger_entry e;
	struct mime_msg *m;
	char err[256];
	int64_t id;
	int dup;
	time_t now;
	uint32_t uid = im->uid;

	if (uid < fc->first) {
		/* "UID FETCH n:*" also answers the last UID */
		prepared_free(&p);
		return 0;
	}
	/* Not prepared: one of the messages decoded guarded. */
	if (p == NULL && (p = prep_guarded(fc, im)) == NULL) {
		fc->failed = 1;
		return -1;
	}
	m = p->m;
	fc->stats->fetched++;
	if (clock_now(&now, err, sizeof err) == -1) {
		log_err("%s", err);
		prepared_free(&p);
		fc->failed = 1;
		return -1;
	}
	memset(&e, 0, sizeof e);
	e.hash = p->hash;
	e.folder = fc->folder;
	e.uidvalidity = fc->uidvalidity;
	e.uid = uid;
	e.raw = im->data;
	e.len = im->len;
	e.size = im->size;
	e.msg = m;
	e.now = now;
	if (!fc->in_tx) {
		if (db_begin(fc->db) == -1)
			goto fail;
		fc->in_tx = 1;
		fc->tx_msgs = 0;
		fc->tx_start = mono_now();
	}
	if (savepoint(fc->db, SQL_SAVEPOINT) == -1)
		goto fail;
	if (ledger_record(fc->db, &e, &id, &dup) == -1)
		goto undo;
	if (p->poison != NULL && !dup) {
		/* Never examined: nothing in it can be trusted to be read. */
		if (ledger_set_outcome(fc->db, id, "quarantined", REASON_POISON,
		    p->poison) == -1)
			goto undo;
		log_warn("%s UID %u: quarantined: %s", fc->folder, uid,
		    p->poison);
	} else if (fc->apply && fc->apply(fc->apply_ctx, fc->db, id, m, dup,
	    now) == -1)
		goto undo;
	if (!dup && ledger_keep_text(fc->db, id, m,
	    fc->cfg->database.keep_all_text) == -1)
		goto undo;
	if (ledger_folder_set(fc->db, fc->folder, fc->uidvalidity, uid) == -1)
		goto undo;
	if (savepoint(fc->db, SQL_RELEASE) == -1)
		goto undo;
	prepared_free(&p);
	fc->last = uid;
	fc->tx_msgs++;
	if ((fc->tx_msgs >= FETCH_TX_MSGS || stopping(fc) ||
	    mono_now() - fc->tx_start >= FETCH_TX_SECONDS ||
	    db_turn_waiters() > 0) && batch_commit(fc) == -1) {
		log_err("%s: the batch of messages up to UID %u was not "
		    "recorded; it will be taken again next time", fc->folder,
		    uid);
		fc->failed = 1;
		return -1;
	}
	fc->stats->recorded++;
	if (dup)
		fc->stats->duplicates++;
	/* SIGTERM in `run`: stop after this message, which is committed. */
	if (stopping(fc))
		return -1;
	if (fc->careful > 0 && --fc->careful == 0) {
		/* The guarded window is done: the rest goes the fast way. */
		if (batch_commit(fc) == -1) {
			fc->failed = 1;
			return -1;
		}
		fc->window_done = 1;
		return -1;
	}
	return 0;
undo:
	/* This message only: what came before it in the batch stays. */
	if (db_exec(fc->db, "ROLLBACK TO msg") == 0)
		savepoint(fc->db, SQL_RELEASE);
	else {
		db_rollback(fc->db);
		fc->in_tx = 0;
	}
fail:
	prepared_free(&p);
	log_err("%s UID %u: not recorded; it will be taken again next time",
	    fc->folder, uid);
	if (batch_commit(fc) == -1)
		log_err("%s: the messages before UID %u were not recorded "
		    "either; they will be taken again next time", fc->folder,
		    uid);
	fc->failed = 1;
	return -1;
}

/* The decoding mark of folder (see FETCH_CAREFUL_MSGS): 1 when one is
 * there (the last fetch did not end), 0 when not, -1 on error. */
static int
mark_get(sqlite3 *db, const char *folder)
{
	static const char sql[] = "SELECT first_uid FROM decoding WHERE "
	    "folder = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, folder);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Sets (first_uid > 0) or clears the mark, committed at once.  0 or -1. */
static int
mark_set(sqlite3 *db, const char *folder, uint32_t uidvalidity,
    uint32_t first_uid)
{
	static const char set[] = "INSERT OR REPLACE INTO decoding(folder, "
	    "uidvalidity, first_uid, started_t) VALUES (?1, ?2, ?3, ?4)";
	static const char clear[] = "DELETE FROM decoding WHERE folder = ?1";
	sqlite3_stmt *st = db_stmt(db, first_uid > 0 ? set : clear);
	time_t now = time(NULL);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, folder);
	if (first_uid > 0) {
		sqlite3_bind_int64(st, 2, uidvalidity);
		sqlite3_bind_int64(st, 3, first_uid);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	}
	return db_done(db, st, first_uid > 0 ? set : clear);
}

static int
fetch_folder(const struct config *cfg, sqlite3 *db, struct imap *imap,
    const char *folder, struct fetch_ctx *fc, char *err, size_t errlen)
{
	struct imap_fetch_fns fast = { prep_message, unprep_message,
	    take_message, fc, cfg->limits.max_decode_seconds, stalled,
	    leave_out, FETCH_PARTS_FROM, cfg->limits.max_message };
	/* Fetched the same way, so the same message hashes the same. */
	struct imap_fetch_fns guarded = { NULL, NULL, take_message, fc, 0,
	    NULL, leave_out, FETCH_PARTS_FROM, cfg->limits.max_message };
	uint32_t uv, uidnext, old_uv, last;
	int r, was;

	if ((r = imap_examine(imap, folder, &uv, &uidnext, err, errlen)) !=
	    IMAP_OK)
		return r;
	if (ledger_folder_get(db, folder, &old_uv, &last) == -1) {
		snprintf(err, errlen, "database: %s", db_errmsg(db));
		return IMAP_CONN_BAD;
	}
	if (old_uv != 0 && old_uv != uv) {
		log_warn("%s: UIDVALIDITY changed from %u to %u: scanning the "
		    "folder again (messages already recorded are not taken "
		    "twice)", folder, old_uv, uv);
		last = 0;
	}
	if (uidnext != 0 && last + 1 >= uidnext)
		return IMAP_OK;		/* nothing new: no FETCH at all */
	/* libxml2 and libzip (lazy.h) now that there is mail to read, so
	 * that a poll with nothing new starts without them.  Without them
	 * nothing is fetched: the messages wait on the server. */
	if (lazy_reading(err, errlen) == -1)
		return IMAP_CONN_BAD;
	if ((was = mark_get(db, folder)) == -1 ||
	    mark_set(db, folder, uv, last + 1) == -1) {
		snprintf(err, errlen, "%s: the messages from UID %u on were "
		    "not taken (database: %s); they will be taken again next "
		    "time", folder, last + 1, db_errmsg(db));
		return IMAP_CONN_BAD;
	}
	if (was)
		log_warn("%s: the last fetch did not end (the process was "
		    "stopped or crashed): the next %d messages from UID %u "
		    "are decoded one at a time, guarded", folder,
		    FETCH_CAREFUL_MSGS, last + 1);
	fc->folder = folder;
	fc->uidvalidity = uv;
	fc->first = last + 1;
	fc->last = last;
	fc->careful = was ? FETCH_CAREFUL_MSGS : 0;
	/* The guarded child, forked while this is the only thread. */
	if (fc->careful > 0 && (fc->guard = guard_start(probe, fc, err,
	    errlen)) == NULL)
		return IMAP_CONN_BAD;	/* the mark stays */
	for (;;) {
		fc->window_done = 0;
		r = imap_fetch_prep(imap, fc->first, cfg->imap.batch,
		    fc->careful > 0 ? &guarded : &fast, err, errlen);
		/* Whatever stopped the fetch, the whole messages taken so
		 * far are kept. */
		if (batch_commit(fc) == -1)
			fc->failed = 1;
		if (r != IMAP_ABORTED || !fc->window_done || fc->failed)
			break;
		guard_stop(&fc->guard);
		fc->first = fc->last + 1;	/* and now the fast way */
	}
	guard_stop(&fc->guard);
	/* The process lived through this fetch. */
	if (mark_set(db, folder, uv, 0) == -1)
		log_err("%s: the decoding mark stays: %s", folder,
		    db_errmsg(db));
	if (r == IMAP_ABORTED && !fc->failed) {
		snprintf(err, errlen, "%s: stopped on request", folder);
		return IMAP_ABORTED;
	}
	if (r == IMAP_ABORTED || fc->failed) {
		snprintf(err, errlen, "%s: stopped: the database refused a "
		    "message (see above)", folder);
		return IMAP_CONN_BAD;
	}
	return r;
}

int
fetch_folders(const struct config *cfg, sqlite3 *db, struct imap *imap,
    fetch_apply_fn apply, void *ctx, const volatile sig_atomic_t *stop,
    struct fetch_stats *stats, char *err, size_t errlen)
{
	struct fetch_ctx fc;
	int r, worst = IMAP_OK;
	char ferr[512];

	memset(&fc, 0, sizeof fc);
	fc.cfg = cfg;
	fc.db = db;
	fc.apply = apply;
	fc.apply_ctx = ctx;
	fc.stop = stop;
	fc.stats = stats;
	fc.crash_on = getenv("ROBOT_TEST_DECODER_CRASH");
	fc.hang_on = getenv("ROBOT_TEST_DECODER_HANG");
	for (size_t i = 0; i < cfg->imap.nfolders; i++) {
		r = fetch_folder(cfg, db, imap, cfg->imap.folders[i], &fc, ferr,
		    sizeof ferr);
		stats->folders++;
		if (r == IMAP_FOLDER_BAD) {
			/* One bad folder does not stop the others. */
			log_err("%s", ferr);
			if (worst == IMAP_OK) {
				worst = r;
				snprintf(err, errlen, "%s", ferr);
			}
			continue;
		}
		if (r != IMAP_OK) {
			snprintf(err, errlen, "%s", ferr);
			return r;
		}
	}
	return worst;
}

/* fetch_load's fetch of one UID: the message taken when it is the one. */
struct again {
	struct fetch_ctx	 fc;	/* cfg alone: for decode_fetched */
	uint32_t		 uid;
	struct mime_msg		*m;
};

static int
take_again(void *arg, const struct imap_msg *im, void *prepared)
{
	struct again *ag = arg;

	(void)prepared;
	if (im->uid == ag->uid && ag->m == NULL)
		ag->m = decode_fetched(&ag->fc, im);
	return -1;	/* one message, or none: stop either way */
}

/* Fetches message p again over imap, decoded as the poll decoded it.
 * 0, 1 (gone: err says why) or the imap_result of a failure. */
static int
load_again(const struct config *cfg, struct imap *imap,
    const struct ledger_place *p, struct mime_msg **m_r, char *err,
    size_t errlen)
{
	struct again ag;
	/* As the poll fetched it: the same parts left out. */
	struct imap_fetch_fns fns = { NULL, NULL, take_again, &ag, 0, NULL,
	    leave_out, FETCH_PARTS_FROM, cfg->limits.max_message };
	uint32_t uv, uidnext;
	int r;

	if ((r = imap_examine(imap, p->folder, &uv, &uidnext, err, errlen)) !=
	    IMAP_OK)
		return r == IMAP_FOLDER_BAD ? 1 : r;	/* the folder is gone */
	if (uv != p->uidvalidity) {
		snprintf(err, errlen, "%s has a new UIDVALIDITY (%u, was %u): "
		    "UID %u is not that message any more", p->folder, uv,
		    p->uidvalidity, p->uid);
		return 1;
	}
	memset(&ag, 0, sizeof ag);
	ag.fc.cfg = cfg;
	ag.uid = p->uid;
	r = imap_fetch_prep(imap, p->uid, 1, &fns, err, errlen);
	if (r != IMAP_OK && r != IMAP_ABORTED) {
		mime_free(&ag.m);
		return r;
	}
	if (ag.m == NULL) {
		snprintf(err, errlen, "%s UID %u is gone from the server",
		    p->folder, p->uid);
		return 1;
	}
	/* A UID under one UIDVALIDITY never names another message (RFC 3501
	 * 2.3.1.1); this only catches a server that breaks that. */
	if (p->message_id != NULL && (ag.m->message_id == NULL ||
	    strcmp(ag.m->message_id, p->message_id) != 0)) {
		snprintf(err, errlen, "%s UID %u is another message now",
		    p->folder, p->uid);
		mime_free(&ag.m);
		return 1;
	}
	*m_r = ag.m;
	return 0;
}

int
fetch_load(const struct config *cfg, sqlite3 *db, struct imap **imap,
    int64_t id, struct mime_msg **m_r, char *err, size_t errlen)
{
	struct ledger_place p;
	char ierr[512];
	int r;

	*m_r = NULL;
	if (ledger_place(db, id, &p) == -1) {
		snprintf(err, errlen, "no message #%lld", (long long)id);
		return -1;
	}
	if (p.purged && !p.kept) {
		/* Its personal data was removed on purpose (purge.h): not
		 * brought back from the server. */
		snprintf(err, errlen, "message #%lld was emptied past its "
		    "retention: not fetched again", (long long)id);
		r = 1;
		goto out;
	}
	if (p.kept) {
		r = ledger_load(db, p.id, m_r) == 0 ? 0 : -1;
		if (r == -1)
			snprintf(err, errlen, "message #%lld cannot be read "
			    "back", (long long)id);
		goto out;
	}
	if (imap == NULL) {
		snprintf(err, errlen, "message #%lld (its text is not kept): "
		    "the server is not asked", (long long)id);
		r = 2;
		goto out;
	}
	if (*imap == NULL && imap_connect(cfg, imap, ierr, sizeof ierr) !=
	    IMAP_OK) {
		snprintf(err, errlen, "message #%lld (its text is not kept): "
		    "%s", (long long)id, ierr);
		r = 2;
		goto out;
	}
	r = load_again(cfg, *imap, &p, m_r, ierr, sizeof ierr);
	if (r != 0) {
		snprintf(err, errlen, "message #%lld (its text is not kept): "
		    "%s", (long long)id, ierr);
		if (r != 1) {
			imap_close(imap);	/* broken: a new one next */
			r = 2;
		}
	}
out:
	ledger_place_free(&p);
	return r;
}
