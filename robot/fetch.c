/* fetch: folders -> ledger, one transaction per message; see fetch.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
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
};

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

static int
take_message(void *arg, uint32_t uid, const char *data, size_t len,
    time_t internaldate)
{
	struct fetch_ctx *fc = arg;
	struct ledger_entry e;
	struct mime_msg *m;
	char err[256];
	int64_t id;
	int dup;
	time_t now;

	(void)internaldate;
	if (uid < fc->first)
		return 0;	/* "UID FETCH n:*" also answers the last UID */
	fc->stats->fetched++;
	if (clock_now(&now, err, sizeof err) == -1) {
		log_err("%s", err);
		fc->failed = 1;
		return -1;
	}
	m = fetch_decode(data, len, fc->cfg->limits.max_message);
	if (m == NULL)
		m = empty_message();
	memset(&e, 0, sizeof e);
	e.folder = fc->folder;
	e.uidvalidity = fc->uidvalidity;
	e.uid = uid;
	e.raw = data;
	e.len = len;
	e.msg = m;
	e.now = now;
	if (db_begin(fc->db) == -1)
		goto fail;
	if (ledger_record(fc->db, &e, &id, &dup) == -1)
		goto fail;
	if (fc->apply && fc->apply(fc->apply_ctx, fc->db, id, m, dup, now) ==
	    -1)
		goto fail;
	if (ledger_folder_set(fc->db, fc->folder, fc->uidvalidity, uid) == -1)
		goto fail;
	if (db_commit(fc->db) == -1)
		goto fail;
	fc->stats->recorded++;
	if (dup)
		fc->stats->duplicates++;
	mime_free(&m);
	return 0;
fail:
	db_rollback(fc->db);
	mime_free(&m);
	log_err("%s UID %u: not recorded; it will be taken again next time",
	    fc->folder, uid);
	fc->failed = 1;
	return -1;
}

static int
fetch_folder(const struct config *cfg, sqlite3 *db, struct imap *imap,
    const char *folder, struct fetch_ctx *fc, char *err, size_t errlen)
{
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
	r = imap_fetch(imap, last + 1, cfg->imap.batch, take_message, fc,
	    err, errlen);
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
