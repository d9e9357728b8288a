/* purge: retention of personal data, the cases, requests and outbox half
 * and the transaction; see purge.h.  purge_msg.c does the messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "history.h"
#include "log.h"
#include "mem.h"
#include "purge_int.h"

#define DAY	(24 * 3600)

/* The tags listed in a log line or a dry run; the rest are counted. */
#define PURGE_TAGS_LISTED	20

static const char SQL_DUE_CASES[] =
    "SELECT id, request, tag, name_key, tckn, email, phone FROM cases"
    " WHERE step = 'closed' AND purged_t IS NULL AND step_t < ?1"
    " ORDER BY id";
static const char SQL_KEY_CASES[] =
    "SELECT id, request, tag, name_key, tckn, email, phone, step,"
    " purged_t FROM cases WHERE tag = ?1 OR tckn = ?1 OR email = lower(?1)"
    " ORDER BY id";
static const char SQL_ANON_CASE[] =
    "UPDATE cases SET name = NULL, name_key = NULL, tckn = NULL,"
    " email = NULL, title = NULL, phone = NULL, bounced = NULL,"
    " purged_t = ?2 WHERE id = ?1";
/* Also what reached an anonymised case after its purge: a late reply. */
static const char SQL_CASE_EVENTS[] =
    "UPDATE event SET detail = NULL WHERE detail IS NOT NULL AND case_id IN"
    " (SELECT id FROM cases WHERE purged_t IS NOT NULL)";
/* Requests whose every case is anonymised, that still name someone. */
static const char SQL_DUE_REQUESTS[] =
    "SELECT r.id FROM request r"
    " WHERE EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id)"
    " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id"
    "  AND c.purged_t IS NULL)"
    " AND (r.requester IS NOT NULL OR r.requester_email IS NOT NULL"
    "  OR EXISTS (SELECT 1 FROM event e WHERE e.request = r.id"
    "  AND e.case_id IS NULL AND e.detail IS NOT NULL))";
static const char SQL_ANON_REQUEST[] =
    "UPDATE request SET requester = NULL, requester_email = NULL"
    " WHERE id = ?1";
static const char SQL_REQUEST_EVENTS[] =
    "UPDATE event SET detail = NULL WHERE request = ?1 AND case_id IS NULL";
/* Mail that went (or failed) and still holds something: emptied when old
 * enough or when its case or request is anonymised. */
static const char SQL_OUTBOX[] =
    "UPDATE outbox SET rcpts = '', subject = NULL, data = x'',"
    " last_error = NULL WHERE state IN ('sent', 'failed')"
    " AND (rcpts <> '' OR length(data) > 0 OR subject IS NOT NULL"
    "  OR last_error IS NOT NULL)"
    " AND ((state = 'sent' AND sent_t < ?1)"
    "  OR (state = 'failed' AND created_t < ?1)"
    "  OR case_id IN (SELECT id FROM cases WHERE purged_t IS NOT NULL)"
    "  OR (case_id IS NULL AND request IN (SELECT r.id FROM request r"
    "   WHERE EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id)"
    "   AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.request = r.id"
    "   AND c.purged_t IS NULL))))";
/* The daily cap's rows of emptied mail: their day is past. */
static const char SQL_OUTBOX_RCPT[] =
    "DELETE FROM outbox_rcpt WHERE outbox IN (SELECT id FROM outbox"
    " WHERE rcpts = '' AND state IN ('sent', 'failed'))";
/* The counters (history.h): the day of the last purge; a vacuum owed. */
#define PURGE_DAY	"purge_day"
#define PURGE_VACUUM	"purge_vacuum"

static void
cases_free(struct purge_job *j)
{
	for (size_t i = 0; i < j->ncases; i++) {
		struct purge_case *pc = &j->cases[i];

		free(pc->tag);
		free(pc->name_key);
		free(pc->tckn);
		free(pc->email);
		free(pc->phone);
	}
	free(j->cases);
	j->cases = NULL;
	j->ncases = 0;
}

static void
case_add(struct purge_job *j, sqlite3_stmt *st)
{
	struct purge_case *pc;

	j->cases = xrealloc(j->cases, (j->ncases + 1) * sizeof *j->cases);
	pc = &j->cases[j->ncases++];
	pc->id = sqlite3_column_int64(st, 0);
	pc->request = sqlite3_column_int64(st, 1);
	pc->tag = db_col_strdup(st, 2);
	pc->name_key = db_col_strdup(st, 3);
	pc->tckn = db_col_strdup(st, 4);
	pc->email = db_col_strdup(st, 5);
	pc->phone = db_col_strdup(st, 6);
}

/* The closed cases older than j->cases_before. */
static int
select_due(struct purge_job *j)
{
	sqlite3_stmt *st = db_stmt(j->db, SQL_DUE_CASES);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)j->cases_before);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		case_add(j, st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The cases key names: refused (1, err) when none is, or one is open;
 * those already anonymised are left out. */
static int
select_key(struct purge_job *j, const char *key, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_stmt(j->db, SQL_KEY_CASES);
	int rc, found = 0, refused = 0;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *step = (const char *)sqlite3_column_text(st, 7);

		found++;
		if (refused)
			continue;
		if (step == NULL || strcmp(step, "closed") != 0) {
			snprintf(err, errlen, "%s is open (%s): a purge never "
			    "touches an open case; nothing purged",
			    sqlite3_column_text(st, 2), step ? step : "?");
			refused = 1;
		} else if (sqlite3_column_type(st, 8) == SQLITE_NULL)
			case_add(j, st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (found == 0) {
		snprintf(err, errlen, "no case matches %s", key);
		return 1;
	}
	return refused;
}

static int
anonymise_cases(struct purge_job *j)
{
	sqlite3_stmt *st;

	for (size_t i = 0; i < j->ncases; i++) {
		if ((st = db_stmt(j->db, SQL_ANON_CASE)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, j->cases[i].id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)j->now);
		if (db_done(j->db, st, "purge: case") == -1)
			return -1;
		if (j->c->cases < PURGE_TAGS_LISTED)
			buf_printf(&j->c->tags, "%s%s", j->c->tags.len ? " " :
			    "", j->cases[i].tag);
		j->c->cases++;
	}
	if ((st = db_stmt(j->db, SQL_CASE_EVENTS)) == NULL ||
	    db_done(j->db, st, "purge: history") == -1)
		return -1;
	return 0;
}

static int
anonymise_requests(struct purge_job *j)
{
	sqlite3_stmt *st = db_stmt(j->db, SQL_DUE_REQUESTS);
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if ((st = db_stmt(j->db, SQL_ANON_REQUEST)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (db_done(j->db, st, "purge: request") == -1 ||
		    (st = db_stmt(j->db, SQL_REQUEST_EVENTS)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (db_done(j->db, st, "purge: history") == -1)
			goto fail;
	}
	j->c->requests += n;
	free(ids);
	return 0;
fail:
	free(ids);
	return -1;
}

static int
purge_outbox(struct purge_job *j)
{
	sqlite3_stmt *st = db_stmt(j->db, SQL_OUTBOX);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)j->outbox_before);
	if (db_done(j->db, st, "purge: outbox") == -1)
		return -1;
	j->c->outbox += (size_t)sqlite3_changes(j->db);
	if ((st = db_stmt(j->db, SQL_OUTBOX_RCPT)) == NULL ||
	    db_done(j->db, st, "purge: outbox") == -1)
		return -1;
	return 0;
}

static int
changed(const struct purge_counts *c)
{
	return c->cases || c->requests || c->messages || c->scrubbed ||
	    c->outbox;
}

/* After a purge that removed anything, outside the transaction: no older
 * copy of a page may stay in the write-ahead log, nor (in a database from
 * before secure_delete) in the free space.  Failing here loses nothing:
 * it is logged and tried again after the next purge. */
static void
compact(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int nlog = 0, nckpt = 0;

	/* VACUUM and a full checkpoint wait for no statement of ours. */
	while ((st = sqlite3_next_stmt(db, st)) != NULL)
		sqlite3_reset(st);
	if (history_counter(db, PURGE_VACUUM, 0) == 1) {
		log_info("purge: vacuuming the database once, so that what "
		    "was deleted before secure_delete is gone from it");
		if (db_exec(db, "VACUUM") == -1 ||
		    history_counter_set(db, PURGE_VACUUM, 0) == -1)
			log_warn("purge: VACUUM failed (it needs free space as "
			    "large as the database); trying again after the "
			    "next purge");
	}
	if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    &nlog, &nckpt) != SQLITE_OK)
		log_warn("purge: the write-ahead log could not be emptied: %s; "
		    "it still holds the old pages until the next checkpoint",
		    db_errmsg(db));
}

/* Runs j (its scope set) in one transaction; day, when not 0, is the
 * local day recorded as the last daily purge.  sel selects the cases
 * (j->cases) and may refuse (1). */
static int
execute(struct purge_job *j, int dry_run, int64_t day,
    int (*sel)(struct purge_job *, const char *, char *, size_t),
    const char *key, char *err, size_t errlen)
{
	int rc;

	if (db_begin(j->db) == -1)
		return -1;
	if ((rc = sel(j, key, err, errlen)) != 0)
		goto out;
	rc = -1;
	if (anonymise_cases(j) == -1 || anonymise_requests(j) == -1 ||
	    purge_messages(j) == -1 || purge_scrub(j) == -1 ||
	    purge_outbox(j) == -1)
		goto out;
	if (day != 0) {
		if (history_counter_set(j->db, PURGE_DAY, day) == -1)
			goto out;
	}
	if (dry_run)
		rc = db_rollback(j->db);
	else
		rc = db_commit(j->db);
out:
	if (rc != 0)
		db_rollback(j->db);
	cases_free(j);
	if (rc == 0 && !dry_run && changed(j->c))
		compact(j->db);
	return rc;
}

static int
sel_due(struct purge_job *j, const char *key, char *err, size_t errlen)
{
	(void)key;
	(void)err;
	(void)errlen;
	return select_due(j);
}

static void
job_init(struct purge_job *j, sqlite3 *db, const struct config *cfg,
    time_t now, struct purge_counts *c)
{
	memset(j, 0, sizeof *j);
	memset(c, 0, sizeof *c);
	j->db = db;
	j->now = now;
	j->c = c;
	if (cfg != NULL) {
		j->cases_before = now - (time_t)cfg->retention.cases * DAY;
		j->messages_before = now - (time_t)cfg->retention.messages *
		    DAY;
		j->outbox_before = now - (time_t)cfg->retention.outbox * DAY;
	}
}

static void
log_counts(const struct purge_counts *c, const char *what)
{
	struct buf b = BUF_INIT;

	purge_describe(c, &b);
	log_msg(changed(c) ? LOG_LVL_INFO : LOG_LVL_DEBUG, "purge%s: %s",
	    what, buf_str(&b));
	buf_free(&b);
}

static int
run_day(sqlite3 *db, const struct config *cfg, time_t now, int dry_run,
    int64_t day, struct purge_counts *c)
{
	struct purge_job j;
	char err[256];

	job_init(&j, db, cfg, now, c);
	if (execute(&j, dry_run, day, sel_due, NULL, err, sizeof err) != 0) {
		log_err("purge failed; nothing was removed");
		return -1;
	}
	if (!dry_run)
		log_counts(c, "");
	return 0;
}

int
purge_run(sqlite3 *db, const struct config *cfg, time_t now, int dry_run,
    struct purge_counts *c)
{
	return run_day(db, cfg, now, dry_run, 0, c);
}

int
purge_person(sqlite3 *db, const char *key, time_t now, int dry_run,
    struct purge_counts *c, char *err, size_t errlen)
{
	struct purge_job j;
	int rc;

	job_init(&j, db, NULL, now, c);
	j.everywhere = 1;
	rc = execute(&j, dry_run, 0, select_key, key, err, errlen);
	if (rc == -1)
		log_err("purge failed; nothing was removed");
	else if (rc == 0 && !dry_run)
		log_counts(c, " on request");
	return rc;
}

int
purge_daily(sqlite3 *db, const struct config *cfg, time_t now)
{
	struct purge_counts c;
	struct tm tm;
	int64_t day;
	int rc;

	if (!cfg->retention.daily)
		return 0;
	clock_local(now, &tm);
	day = (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
	if (history_counter(db, PURGE_DAY, 0) >= day)
		return 0;
	rc = run_day(db, cfg, now, 0, day, &c);
	purge_counts_free(&c);
	return rc;
}

void
purge_describe(const struct purge_counts *c, struct buf *out)
{
	if (!changed(c)) {
		buf_puts(out, "nothing to purge");
		return;
	}
	buf_printf(out, "%zu case(s) anonymised", c->cases);
	if (c->cases > 0)
		buf_printf(out, " (%s%s)", buf_str(&c->tags),
		    c->cases > PURGE_TAGS_LISTED ? " ..." : "");
	buf_printf(out, ", %zu request(s) anonymised, %zu message(s) emptied, "
	    "%zu kept text(s) scrubbed, %zu sent mail(s) emptied",
	    c->requests, c->messages, c->scrubbed, c->outbox);
}

void
purge_counts_free(struct purge_counts *c)
{
	buf_free(&c->tags);
}
