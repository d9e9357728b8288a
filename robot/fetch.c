/* fetch: folders -> ledger, one savepoint per message inside a batch
 * transaction; see fetch.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "ledger.h"
#include "log.h"
#include "mem.h"
#include "fetch.h"
#include "redact.h"
#include "robot.h"

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
};

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
 * the database (status, a second robot) never waits long.
 */
#define FETCH_TX_MSGS		256
#define FETCH_TX_SECONDS	0.2

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

struct mime_msg *
fetch_decode(const char *raw, size_t len, size_t limit)
{
	struct mime_msg *m = NULL;
	const char *errstr = NULL, *end;
	size_t hlen = len;
	struct buf note = BUF_INIT;

	if (len <= limit) {
		if (mime_parse(raw, len, &m, &errstr) == -1)
			return NULL;
		redact_message(m);
		return m;
	}
	/* Too large to decode in full: keep what identifies it. */
	if ((end = memmem(raw, len, "\r\n\r\n", 4)) != NULL)
		hlen = (size_t)(end - raw) + 4;
	else if ((end = memmem(raw, len, "\n\n", 2)) != NULL)
		hlen = (size_t)(end - raw) + 2;
	if (hlen > limit)
		hlen = limit;
	if (mime_parse(raw, hlen, &m, &errstr) == -1)
		return NULL;
	if (m->notes)
		buf_printf(&note, "%s; ", m->notes);
	buf_printf(&note, "message of %zu bytes is over the %zu-byte limit: "
	    "headers only", len, limit);
	free(m->notes);
	m->notes = buf_steal(&note);
	redact_message(m);
	return m;
}

/* A message that could not even be parsed still gets a ledger row. */
static struct mime_msg *
empty_message(void)
{
	struct mime_msg *m = xcalloc(1, sizeof *m);

	m->notes = xstrdup("empty message");
	return m;
}

/* A message decoded and hashed in the IMAP prep thread, while the main
 * thread records the one before it.  Only the decoder and the hash run
 * there: nothing in them touches the database or the fetch state. */
struct prepared {
	struct mime_msg	*m;
	char		 hash[LEDGER_HASH_SIZE];
};

static void *
prep_message(void *arg, const char *data, size_t len)
{
	const struct fetch_ctx *fc = arg;
	struct prepared *p = xmalloc(sizeof *p);

	if ((p->m = fetch_decode(data, len, fc->cfg->limits.max_message)) ==
	    NULL)
		p->m = empty_message();
	ledger_hash(data, len, p->hash);
	return p;
}

static void
unprep_message(void *arg, void *prepared)
{
	struct prepared *p = prepared;

	mime_free(&p->m);
	free(p);
}

static int
take_message(void *arg, uint32_t uid, const char *data, size_t len,
    time_t internaldate, void *prepared)
{
	struct fetch_ctx *fc = arg;
	struct prepared *p = prepared;
	struct ledger_entry e;
	struct mime_msg *m = p->m;
	char err[256];
	int64_t id;
	int dup;
	time_t now;

	(void)internaldate;
	p->m = NULL;
	if (uid < fc->first) {
		/* "UID FETCH n:*" also answers the last UID */
		mime_free(&m);
		free(p);
		return 0;
	}
	fc->stats->fetched++;
	if (clock_now(&now, err, sizeof err) == -1) {
		log_err("%s", err);
		mime_free(&m);
		free(p);
		fc->failed = 1;
		return -1;
	}
	memset(&e, 0, sizeof e);
	e.hash = p->hash;
	e.folder = fc->folder;
	e.uidvalidity = fc->uidvalidity;
	e.uid = uid;
	e.raw = data;
	e.len = len;
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
	if (fc->apply && fc->apply(fc->apply_ctx, fc->db, id, m, dup, now) ==
	    -1)
		goto undo;
	if (ledger_folder_set(fc->db, fc->folder, fc->uidvalidity, uid) == -1)
		goto undo;
	if (savepoint(fc->db, SQL_RELEASE) == -1)
		goto undo;
	mime_free(&m);
	free(p);
	fc->tx_msgs++;
	if ((fc->tx_msgs >= FETCH_TX_MSGS || robot_stop_requested() ||
	    mono_now() - fc->tx_start >= FETCH_TX_SECONDS) &&
	    batch_commit(fc) == -1) {
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
	return robot_stop_requested() ? -1 : 0;
undo:
	/* This message only: what came before it in the batch stays. */
	if (db_exec(fc->db, "ROLLBACK TO msg") == 0)
		savepoint(fc->db, SQL_RELEASE);
	else {
		db_rollback(fc->db);
		fc->in_tx = 0;
	}
fail:
	mime_free(&m);
	free(p);
	log_err("%s UID %u: not recorded; it will be taken again next time",
	    fc->folder, uid);
	if (batch_commit(fc) == -1)
		log_err("%s: the messages before UID %u were not recorded "
		    "either; they will be taken again next time", fc->folder,
		    uid);
	fc->failed = 1;
	return -1;
}

static int
fetch_folder(const struct config *cfg, sqlite3 *db, struct imap *imap,
    const char *folder, struct fetch_ctx *fc, char *err, size_t errlen)
{
	struct imap_fetch_fns fns = { prep_message, unprep_message,
	    take_message, fc };
	uint32_t uv, uidnext, old_uv, last;
	int r;

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
	fc->folder = folder;
	fc->uidvalidity = uv;
	fc->first = last + 1;
	/* libxml2 (the HTML of a message, decoded in the prep thread) and
	 * the form readers (in this one) may then run at once: its globals
	 * must be set up before the second thread starts. */
	xmlInitParser();
	r = imap_fetch_prep(imap, last + 1, cfg->imap.batch, &fns, err,
	    errlen);
	/* Whatever stopped the fetch, the whole messages taken so far are
	 * kept. */
	if (batch_commit(fc) == -1)
		fc->failed = 1;
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
    fetch_apply_fn apply, void *ctx, struct fetch_stats *stats, char *err,
    size_t errlen)
{
	struct fetch_ctx fc;
	int r, worst = IMAP_OK;
	char ferr[512];

	memset(&fc, 0, sizeof fc);
	fc.cfg = cfg;
	fc.db = db;
	fc.apply = apply;
	fc.apply_ctx = ctx;
	fc.stats = stats;
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
