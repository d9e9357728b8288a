/* pipeline: decision, effects, outcome; see pipeline.h. */
#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "db.h"
#include "fetch.h"
#include "imap.h"
#include "ledger.h"
#include "log.h"
#include "mem.h"
#include "pipeline.h"

/* Does one effect.  0, or -1 on a database error. */
static int
effect_do(sqlite3 *db, const struct config *cfg, const struct mime_msg *msg,
    const struct case_effect *e, time_t now, struct case_outcome *out)
{
	int r;

	switch (e->kind) {
	case EFFECT_ACK_FORM:
		return pipeline_ack_form(db, cfg, e->request, e->form, msg, now) ==
		    -1 ? -1 : 0;
	case EFFECT_BOUNCE:
		if ((r = bounce_apply(db, cfg, msg, now)) == 1) {
			out->code = REASON_BOUNCE;
			buf_reset(&out->reason);
			buf_puts(&out->reason, "bounce of the robot's mail, "
			    "recorded on its case");
		}
		return r == -1 ? -1 : 0;
	}
	return 0;
}

int
pipeline_apply(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, int64_t id, const struct mime_msg *msg,
    time_t now, struct case_outcome *out)
{
	if (cases_apply(db, cfg, rules, id, msg, now, out) == -1)
		return -1;
	for (size_t i = 0; i < out->neffects; i++)
		if (effect_do(db, cfg, msg, &out->effects[i], now, out) == -1)
			return -1;
	if (id > 0 && ledger_set_outcome(db, id, out->outcome, out->code,
	    buf_str(&out->reason)) == -1)
		return -1;
	return 0;
}

/* The ledger rows to look at again. */
static int
reprocess_ids(sqlite3 *db, int waiting, int64_t **ids_r, size_t *n_r)
{
	static const char all[] =
	    "SELECT id FROM message WHERE outcome IN ('unplaced', 'awaiting') "
	    "AND purged_t IS NULL ORDER BY id";
	static const char nocase[] =
	    "SELECT id FROM message WHERE outcome = 'unplaced' AND "
	    "reason_code = 'no_case' AND purged_t IS NULL ORDER BY id";
	sqlite3_stmt *st = db_stmt(db, waiting ? nocase : all);
	size_t cap = 0;
	int rc;

	*ids_r = NULL;
	*n_r = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n_r == cap) {
			cap = cap ? cap * 2 : 64;
			*ids_r = xrealloc(*ids_r, cap * sizeof **ids_r);
		}
		(*ids_r)[(*n_r)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads message id back for reprocess: 0 and *m_r, 1 to leave it (gone
 * from the server, or the server unreachable: logged), -1 on a database
 * error.  *offline is set once the server could not be reached, and the
 * messages whose text is not kept are left from then on. */
static int
reprocess_load(sqlite3 *db, const struct config *cfg, struct imap **imap,
    int *offline, int64_t id, struct mime_msg **m_r)
{
	char err[640];
	int r;

	r = fetch_load(cfg, db, *offline ? NULL : imap, id, m_r, err,
	    sizeof err);
	if (r == 2 && *offline)
		r = 1;		/* said once already */
	else if (r == 1)
		log_warn("reprocess: %s: left unplaced", err);
	else if (r == 2) {
		/* The server, not the database: what is kept goes on. */
		log_err("reprocess: %s: the messages whose text is not kept "
		    "are left for the next reprocess", err);
		*offline = 1;
		r = 1;
	} else if (r == -1)
		log_err("reprocess: %s", err);
	return r;
}

int
pipeline_reprocess(sqlite3 *db, const struct config *cfg,
    const struct rule_set *rules, time_t now, int waiting)
{
	struct case_outcome out = { 0 };
	struct imap *imap = NULL;
	int64_t *ids;
	size_t n;
	int applied = 0, offline = 0;

	if (reprocess_ids(db, waiting, &ids, &n) == -1)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct mime_msg *m = NULL;
		int r;

		if ((r = reprocess_load(db, cfg, &imap, &offline, ids[i],
		    &m)) == 1)
			continue;
		if (r == -1 || db_begin(db) == -1) {
			mime_free(&m);
			goto fail;
		}
		r = pipeline_apply(db, cfg, rules, ids[i], m, now, &out);
		/* A message now recognised keeps its text from here on. */
		if (r == 0)
			r = ledger_keep_text(db, ids[i], m,
			    cfg->database.keep_all_text);
		mime_free(&m);
		if (r == -1) {
			db_rollback(db);
			goto fail;
		}
		if (db_commit(db) == -1)
			goto fail;
		if (strcmp(out.outcome, "applied") == 0)
			applied++;
	}
	free(ids);
	imap_close(&imap);
	cases_outcome_free(&out);
	return offline ? -1 : applied;
fail:
	free(ids);
	imap_close(&imap);
	cases_outcome_free(&out);
	return -1;
}
