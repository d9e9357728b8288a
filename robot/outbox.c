/* outbox: queue and send the robot's mail; see outbox.h for the states
 * and the one duplicate window. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "ascii.h"
#include "buf.h"
#include "clock.h"
#include "compose.h"
#include "db.h"
#include "history.h"
#include "log.h"
#include "mail.h"
#include "mem.h"
#include "outbox.h"
#include "smtp.h"
#include "tckn.h"
#include "tmpl.h"
#include "trust.h"

#define OUTBOX_DISPLAY_NAME	"NES Yenileme Robotu"

static const char SQL_RCPT_COUNT[] =
    "SELECT count(*) FROM outbox_rcpt WHERE addr = ?1 AND day = ?2";
static const char SQL_INSERT[] =
    "INSERT INTO outbox(kind, case_id, request, message_id, mail_from,"
    " rcpts, subject, data, state, attempts, next_t, created_t)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', 0, ?9, ?9)";
static const char SQL_INSERT_RCPT[] =
    "INSERT INTO outbox_rcpt(outbox, addr, day) VALUES (?1, ?2, ?3)";
static const char SQL_RECOVER[] =
    "UPDATE outbox SET state = 'queued', next_t = ?1"
    " WHERE state = 'sending' AND next_t <= ?2";
static const char SQL_STALE[] =
    "SELECT EXISTS (SELECT 1 FROM outbox"
    " WHERE state = 'sending' AND next_t <= ?1)";
/* The oldest due row; with ?2 = 0 (the day's limit reached) only the
 * notice of the limit, which it does not hold back. */
static const char SQL_NEXT[] =
    "SELECT id FROM outbox WHERE state = 'queued' AND next_t <= ?1"
    " AND (?2 OR kind = '" OUTBOX_KIND_CAP "') ORDER BY next_t, id LIMIT 1";
static const char SQL_HELD[] =
    "SELECT count(*) FROM outbox WHERE state = 'queued' AND next_t <= ?1"
    " AND kind <> '" OUTBOX_KIND_CAP "'";
static const char SQL_HAS_DUE[] =
    "SELECT EXISTS (SELECT 1 FROM outbox"
    " WHERE state = 'queued' AND next_t <= ?1)";
/* Mail sent since the start of the local day, the notice of the cap
 * aside; and whether that notice was queued today. */
static const char SQL_SENT_TODAY[] =
    "SELECT count(*) FROM outbox WHERE state = 'sent' AND sent_t >= ?1"
    " AND kind <> '" OUTBOX_KIND_CAP "'";
/* The same with the mail being sent now (by another connection of the
 * sender, or another process): what the limit counts before a claim. */
static const char SQL_SENT_OR_SENDING[] =
    "SELECT (SELECT count(*) FROM outbox WHERE state = 'sent'"
    " AND sent_t >= ?1 AND kind <> '" OUTBOX_KIND_CAP "')"
    " + (SELECT count(*) FROM outbox WHERE state = 'sending'"
    " AND kind <> '" OUTBOX_KIND_CAP "')";
static const char SQL_CAP_TOLD[] =
    "SELECT count(*) FROM outbox WHERE kind = '" OUTBOX_KIND_CAP "'"
    " AND created_t >= ?1";
static const char SQL_CLAIM[] =
    "UPDATE outbox SET state = 'sending', next_t = ?2"
    " WHERE id = ?1 AND state = 'queued'";
static const char SQL_ROW[] =
    "SELECT mail_from, rcpts, data, attempts, created_t FROM outbox"
    " WHERE id = ?1";
static const char SQL_SENT[] =
    "UPDATE outbox SET state = 'sent', sent_t = ?2, attempts = attempts + 1,"
    " last_error = NULL WHERE id = ?1 AND state = 'sending'";
static const char SQL_RETRY[] =
    "UPDATE outbox SET state = ?2, attempts = attempts + ?5, next_t = ?3,"
    " last_error = ?4 WHERE id = ?1 AND state = 'sending'";

time_t
outbox_backoff(int n)
{
	static const time_t steps[] = { 5 * 60, 15 * 60, 3600, 4 * 3600 };

	if (n < 1)
		n = 1;
	if ((size_t)n > sizeof steps / sizeof steps[0])
		return steps[sizeof steps / sizeof steps[0] - 1];
	return steps[n - 1];
}

static int
same_addr(const char *a, const char *b)
{
	return a != NULL && b != NULL && ascii_ieq(a, b);
}

static char *
lower_dup(const char *s)
{
	char *d = xstrdup(s);

	ascii_lower_str(d);
	return d;
}

int
outbox_may_mail(const struct config *cfg, const char *addr)
{
	if (trust_addr_local(cfg, addr) ||
	    same_addr(addr, cfg->institution.bidb) ||
	    same_addr(addr, cfg->institution.yazi_isleri) ||
	    same_addr(addr, cfg->institution.bys))
		return 1;
	for (size_t i = 0; i < cfg->digest.nto; i++)
		if (same_addr(addr, cfg->digest.to[i]))
			return 1;
	return 0;
}

static void
local_date(time_t t, char out[40])
{
	struct tm tm;

	clock_local(t, &tm);
	snprintf(out, 40, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
}

/* The domain Message-IDs are made in: the institution's, else the one of
 * the robot's address. */
static const char *
mid_domain(const struct config *cfg)
{
	const char *at;

	if (cfg->institution.domain && *cfg->institution.domain)
		return cfg->institution.domain;
	if (cfg->smtp.from && (at = strrchr(cfg->smtp.from, '@')) != NULL)
		return at + 1;
	return "localhost";
}

static void
new_message_id(const struct config *cfg, time_t now, struct buf *out)
{
	unsigned char r[12];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof r) {
		n = getrandom(r + got, sizeof r - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof r) {
		/* Never expected on Linux; the id must still be unique. */
		static unsigned long seq;
		unsigned long x = (unsigned long)now ^ (++seq << 20) ^
		    (unsigned long)getpid();

		memcpy(r, &x, sizeof x < sizeof r ? sizeof x : sizeof r);
	}
	buf_printf(out, "nes.%lld.", (long long)now);
	for (size_t i = 0; i < sizeof r; i++)
		buf_printf(out, "%02x", r[i]);
	buf_printf(out, "@%s", mid_domain(cfg));
}

/* Over the daily cap for addr (already lower case) on day? */
static int
over_cap(sqlite3 *db, const struct config *cfg, const char *addr,
    const char *day)
{
	sqlite3_stmt *st;
	int64_t n;

	if (cfg->smtp.max_per_recipient_day <= 0)
		return 0;
	if ((st = db_stmt(db, SQL_RCPT_COUNT)) == NULL)
		return -1;
	db_bind_text(st, 1, addr);
	db_bind_text(st, 2, day);
	if (sqlite3_step(st) != SQLITE_ROW)
		return -1;
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n >= cfg->smtp.max_per_recipient_day;
}

/* Keeps the acceptable recipients of in[] (lower case, deduplicated
 * against kept[]) in kept[]; records why the others are dropped.
 * Returns 0 or -1 (database). */
static int
filter_rcpts(sqlite3 *db, const struct config *cfg,
    const struct outbox_mail *m, const char *const *in, size_t nin,
    char **kept, size_t *nkept, const char *day, time_t now)
{
	char note[512];
	int r;

	for (size_t i = 0; i < nin; i++) {
		const char *a = in[i];
		char *low;
		int dup = 0;

		if (a == NULL || *a == '\0')
			continue;
		if (trust_is_self(cfg, a)) {
			log_info("outbox: not mailing the robot's own address "
			    "%s (%s)", a, m->kind);
			continue;
		}
		if (!compose_addr_valid(a)) {
			log_warn("outbox: bad address %s dropped (%s)", a,
			    m->kind);
			continue;
		}
		low = lower_dup(a);
		/* Whatever a message put into a case, the robot writes to
		 * nobody outside the institution but whom it is told to. */
		if (!outbox_may_mail(cfg, low)) {
			log_warn("outbox: %s is outside the institution: %s "
			    "not sent to it", low, m->kind);
			snprintf(note, sizeof note, "%s not sent to %s: "
			    "outside the institution", m->kind, low);
			r = (m->case_id || m->request) ? history_event(db,
			    m->case_id, m->request, 0, NULL, now, "note", NULL,
			    NULL, note) : 0;
			free(low);
			if (r == -1)
				return -1;
			continue;
		}
		for (size_t j = 0; j < *nkept; j++)
			if (strcmp(kept[j], low) == 0)
				dup = 1;
		if (dup) {
			free(low);
			continue;
		}
		if (m->uncapped)
			r = 0;
		else if ((r = over_cap(db, cfg, low, day)) == -1) {
			free(low);
			return -1;
		}
		if (r == 1) {
			log_warn("outbox: %s has had %d mails today: %s not "
			    "sent to it", low, cfg->smtp.max_per_recipient_day,
			    m->kind);
			snprintf(note, sizeof note, "%s not sent to %s: daily "
			    "limit of %d mails reached", m->kind, low,
			    cfg->smtp.max_per_recipient_day);
			if ((m->case_id || m->request) && history_event(db,
			    m->case_id, m->request, 0, NULL, now, "note", NULL,
			    NULL, note) == -1) {
				free(low);
				return -1;
			}
			free(low);
			continue;
		}
		kept[(*nkept)++] = low;
	}
	return 0;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
outbox_queue(sqlite3 *db, const struct config *cfg,
    const struct outbox_mail *m, time_t now, int64_t *id_r)
{
	char **to = NULL, **cc = NULL;
	size_t nto = 0, ncc = 0, i;
	struct compose_addr *ato = NULL, *acc = NULL, rt[2];
	struct compose_header hdr[2];
	struct compose_msg cm;
	struct buf mid = BUF_INIT, rcpts = BUF_INIT, xcase = BUF_INIT;
	char *data = NULL, err[256], day[40];
	char *subject = NULL, *text = NULL, *html = NULL;
	size_t len = 0;
	sqlite3_stmt *st;
	int64_t id;
	int ret = -1;

	if (id_r)
		*id_r = 0;
	local_date(now, day);
	to = xcalloc(m->nto + 1, sizeof *to);
	cc = xcalloc(m->ncc + m->nto + 1, sizeof *cc);
	if (filter_rcpts(db, cfg, m, m->to, m->nto, to, &nto, day, now) == -1)
		goto fail;
	if (nto == 0) {
		log_info("outbox: %s: no recipient left, not queued",
		    m->kind);
		ret = 0;
		goto fail;
	}
	/* A Cc that is also a To is dropped: filter against both lists. */
	for (i = 0; i < nto; i++)
		cc[i] = to[i];
	ncc = nto;
	if (filter_rcpts(db, cfg, m, m->cc, m->ncc, cc, &ncc, day, now) == -1) {
		ncc -= nto;
		memmove(cc, cc + nto, ncc * sizeof *cc);
		goto fail;
	}
	ncc -= nto;
	memmove(cc, cc + nto, ncc * sizeof *cc);

	ato = xcalloc(nto, sizeof *ato);
	acc = xcalloc(ncc + 1, sizeof *acc);
	for (i = 0; i < nto; i++)
		ato[i].addr = to[i];
	for (i = 0; i < ncc; i++)
		acc[i].addr = cc[i];
	new_message_id(cfg, now, &mid);
	memset(&cm, 0, sizeof cm);
	cm.from.name = OUTBOX_DISPLAY_NAME;
	cm.from.addr = cfg->smtp.from;
	cm.to = ato;
	cm.nto = nto;
	cm.cc = acc;
	cm.ncc = ncc;
	/* No T.C. Kimlik No leaves in full, whatever put it in the mail
	 * (a name field, a subject quoted from a message). */
	subject = xstrdup(m->subject ? m->subject : "");
	text = xstrdup(m->text ? m->text : "");
	html = m->html ? xstrdup(m->html) : NULL;
	tckn_mask_text(subject);
	tckn_mask_text(text);
	tckn_mask_text(html);
	cm.subject = subject;
	cm.date = now;
	cm.message_id = buf_str(&mid);
	cm.in_reply_to = m->in_reply_to;
	cm.references = m->references;
	if (m->reply_to_bidb && compose_addr_valid(cfg->institution.bidb)) {
		rt[0].name = "BİDB";
		rt[0].addr = cfg->institution.bidb;
		rt[1].name = OUTBOX_DISPLAY_NAME;
		rt[1].addr = cfg->smtp.from;
		cm.reply_to = rt;
		/* The robot reading BİDB's own mailbox: one address. */
		cm.nreply_to = trust_is_self(cfg, cfg->institution.bidb) ? 1 : 2;
	}
	if (m->case_tag && *m->case_tag) {
		hdr[0].name = "X-NES-Case";
		buf_puts(&xcase, m->case_tag);
		hdr[0].value = buf_str(&xcase);
		cm.extra = hdr;
		cm.nextra = 1;
	}
	cm.text = text;
	cm.html = html;
	if (compose_build(&cm, &data, &len, err, sizeof err) == -1) {
		log_err("outbox: %s: cannot build the message: %s", m->kind,
		    err);
		ret = 0;
		goto fail;
	}

	for (i = 0; i < nto + ncc; i++)
		buf_printf(&rcpts, "%s%s", i ? ", " : "",
		    i < nto ? to[i] : cc[i - nto]);
	if ((st = db_stmt(db, SQL_INSERT)) == NULL)
		goto fail;
	db_bind_text(st, 1, m->kind);
	if (m->case_id)
		sqlite3_bind_int64(st, 2, m->case_id);
	if (m->request)
		sqlite3_bind_int64(st, 3, m->request);
	db_bind_text(st, 4, buf_str(&mid));
	db_bind_text(st, 5, cfg->smtp.from);
	db_bind_text(st, 6, buf_str(&rcpts));
	db_bind_text(st, 7, subject);
	/* Bound in place: a digest can be a megabyte, and the step below
	 * is the only use. */
	sqlite3_bind_blob(st, 8, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_err("outbox: %s", db_errmsg(db));
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		goto fail;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);	/* data is freed below */
	id = sqlite3_last_insert_rowid(db);
	for (i = 0; i < nto + ncc; i++) {
		if ((st = db_stmt(db, SQL_INSERT_RCPT)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		db_bind_text(st, 2, i < nto ? to[i] : cc[i - nto]);
		db_bind_text(st, 3, day);
		if (sqlite3_step(st) != SQLITE_DONE) {
			log_err("outbox: %s", db_errmsg(db));
			sqlite3_reset(st);
			goto fail;
		}
		sqlite3_reset(st);
	}
	if ((m->case_id || m->request) && history_thread(db, buf_str(&mid),
	    m->request, m->case_id) == -1)
		goto fail;
	for (i = 0; i < m->ncases; i++)
		if (history_thread(db, buf_str(&mid), m->request,
		    m->cases[i]) == -1)
			goto fail;
	log_info("outbox: queued %s to %s (row %lld)", m->kind,
	    buf_str(&rcpts), (long long)id);
	if (id_r)
		*id_r = id;
	ret = 1;
fail:
	free(data);
	free(subject);
	free(text);
	free(html);
	free(ato);
	free(acc);
	free_strv(to, nto);
	free_strv(cc, ncc);
	buf_free(&mid);
	buf_free(&rcpts);
	buf_free(&xcase);
	return ret;
}

/* Splits "a, b, c" into a NULL-terminated vector (caller frees). */
static char **
split_rcpts(const char *s, size_t *n_r)
{
	char **v = NULL;
	size_t n = 0;
	const char *p = s, *e;

	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e && *e != ','; e++)
			;
		v = xrealloc(v, (n + 2) * sizeof *v);
		v[n] = xstrndup(p, (size_t)(e - p));
		/* trailing blanks */
		for (size_t l = strlen(v[n]); l > 0 && v[n][l - 1] == ' '; l--)
			v[n][l - 1] = '\0';
		v[++n] = NULL;
		p = e;
	}
	*n_r = n;
	return v;
}

static int
step_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_err("outbox: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

/* Claims row id (queued -> sending) in its own transaction.  1 claimed,
 * 0 somebody else has it, -1 database. */
static int
claim(sqlite3 *db, int64_t id, time_t now)
{
	sqlite3_stmt *st;
	int n;

	if (db_begin(db) == -1)
		return -1;
	if ((st = db_stmt(db, SQL_CLAIM)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (step_done(db, st) == -1)
		goto fail;
	n = sqlite3_changes(db);
	if (db_commit(db) == -1)
		goto fail;
	return n == 1;
fail:
	db_rollback(db);
	return -1;
}

/* Records the result of one attempt (row is 'sending'). */
static int
record(sqlite3 *db, int64_t id, int rc, int attempts, time_t created,
    time_t now, const char *err)
{
	sqlite3_stmt *st;
	const char *state = "queued";
	time_t next = now;

	if (db_begin(db) == -1)
		return -1;
	if (rc == SMTP_OK) {
		if ((st = db_stmt(db, SQL_SENT)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	} else {
		if (rc == SMTP_PERM)
			state = "failed";
		else if (rc == SMTP_TEMP) {
			next = now + outbox_backoff(attempts + 1);
			if (now - created >= OUTBOX_GIVE_UP)
				state = "failed";
		}
		if ((st = db_stmt(db, SQL_RETRY)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		db_bind_text(st, 2, state);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)next);
		db_bind_text(st, 4, err);
		/* A config problem is not the message's fault. */
		sqlite3_bind_int(st, 5, rc == SMTP_CONFIG ? 0 : 1);
	}
	if (step_done(db, st) == -1)
		goto fail;
	if (db_commit(db) == -1)
		goto fail;
	if (rc == SMTP_OK)
		log_info("outbox: row %lld sent", (long long)id);
	else
		log_warn("outbox: row %lld %s: %s", (long long)id,
		    strcmp(state, "failed") == 0 ? "failed" : "deferred", err);
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int
outbox_send_due(sqlite3 *db, const struct config *cfg, time_t now)
{
	return outbox_send_due_with(db, cfg, now, NULL);
}

/* Who sends a run's rows: a test's fake, or one SMTP connection kept
 * from row to row. */
struct send_with {
	outbox_send_fn	 fn;
	struct smtp	*smtp;
};

/* Sends and records row id, which this run claimed, with the SMTP_*
 * result in *rc_r.  0, or -1 on a database error. */
static int
send_claimed(sqlite3 *db, const struct config *cfg, int64_t id, time_t now,
    struct send_with *sd, int *rc_r, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char *from = NULL, *rcpt = NULL, *data = NULL, **v = NULL;
	size_t len, nv = 0;
	int attempts, r, rc;
	time_t created;

	if ((st = db_stmt(db, SQL_ROW)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	from = db_col_strdup(st, 0);
	rcpt = db_col_strdup(st, 1);
	len = (size_t)sqlite3_column_bytes(st, 2);
	data = xmalloc(len + 1);
	if (len)
		memcpy(data, sqlite3_column_blob(st, 2), len);
	data[len] = '\0';
	attempts = sqlite3_column_int(st, 3);
	created = (time_t)sqlite3_column_int64(st, 4);
	sqlite3_reset(st);

	v = split_rcpts(rcpt, &nv);
	err[0] = '\0';
	if (nv == 0) {
		rc = SMTP_PERM;
		snprintf(err, errlen, "no recipients");
	} else if (sd->fn != NULL)
		rc = sd->fn(cfg, from, (const char *const *)v, nv, data, len,
		    err, errlen);
	else {
		if (sd->smtp == NULL)
			sd->smtp = smtp_open(cfg);
		rc = smtp_send_on(sd->smtp, from, (const char *const *)v, nv,
		    data, len, err, errlen);
	}
	assert(rc == SMTP_OK || rc == SMTP_TEMP || rc == SMTP_PERM ||
	    rc == SMTP_CONFIG);
	r = record(db, id, rc, attempts, created, now, err);
	free(from);
	free(rcpt);
	free(data);
	free_strv(v, nv);
	*rc_r = rc;
	return r;
}

/* Claims, sends and records row id.  1, 0 when another run had claimed
 * the row (nothing done), or -1 on a database error. */
static int
send_one(sqlite3 *db, const struct config *cfg, int64_t id, time_t now,
    struct send_with *sd, int *rc_r, char *err, size_t errlen)
{
	int r;

	if ((r = claim(db, id, now)) != 1)
		return r;
	return send_claimed(db, cfg, id, now, sd, rc_r, err, errlen) == -1 ?
	    -1 : 1;
}

/* The first column of sql with ?1 bound to t, or -1. */
static int64_t
count_since(sqlite3 *db, const char *sql, time_t t)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int64_t n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)t);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static time_t
day_start(time_t now)
{
	struct tm tm;

	clock_local(now, &tm);
	return clock_make_local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    0);
}

/* Claims the oldest due row (queued -> sending) in its own transaction
 * when the day's limit lets it go.  The limit counts the mail sent today
 * and the rows being sent, so that runs side by side (the sender's
 * connections, sender.h; `digest --send` in another process) never send
 * more than it between them; the notice of the limit always goes.  1 with
 * the row in *id_r; 0 when no row may go, *capped_r set when the limit
 * holds rows back; -1 on a database error. */
static int
claim_next(sqlite3 *db, const struct config *cfg, time_t now, int64_t *id_r,
    int *capped_r)
{
	sqlite3_stmt *st;
	int64_t busy;
	int may = 1, rc;

	*capped_r = 0;
	/* A read first: a run with nothing due takes no write turn. */
	if ((rc = outbox_has_due(db, now)) != 1)
		return rc;
	if (db_begin(db) == -1)
		return -1;
	if (cfg->smtp.max_per_day > 0) {
		if ((busy = count_since(db, SQL_SENT_OR_SENDING,
		    day_start(now))) < 0)
			goto fail;
		may = busy < cfg->smtp.max_per_day;
	}
	if ((st = db_stmt(db, SQL_NEXT)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int(st, 2, may);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id_r = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_err("outbox: %s", db_errmsg(db));
		goto fail;
	}
	if (rc == SQLITE_ROW) {
		if ((st = db_stmt(db, SQL_CLAIM)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, *id_r);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
		if (step_done(db, st) == -1)
			goto fail;
	}
	if (db_commit(db) == -1)
		goto fail;
	*capped_r = !may;
	return rc == SQLITE_ROW;
fail:
	db_rollback(db);
	return -1;
}

/* BİDB is told once a day that the cap held mail back.  Queues the
 * notice in its own transaction; it is exempt from both caps, so it
 * leaves even when nothing else may.  Returns the row id, 0 when BİDB
 * was already told today (or the notice could not be made: logged), -1
 * on a database error. */
static int64_t
queue_cap_notice(sqlite3 *db, const struct config *cfg, time_t now,
    int64_t waiting)
{
	struct tmpl_vars *v = NULL;
	struct outbox_mail m;
	char *subject = NULL, *text = NULL, *html = NULL, err[512], d[40];
	const char *to = cfg->institution.bidb;
	int64_t id = 0, told;

	if ((told = count_since(db, SQL_CAP_TOLD, day_start(now))) != 0)
		return told < 0 ? -1 : 0;
	v = tmpl_vars_new();
	clock_format_date(now, d);
	tmpl_set(v, "today", d);
	tmpl_set(v, "bidb_address", to ? to : "");
	tmpl_set(v, "robot_address", cfg->institution.robot ?
	    cfg->institution.robot : cfg->smtp.from ? cfg->smtp.from : "");
	tmpl_set_int(v, "max_per_day", cfg->smtp.max_per_day);
	tmpl_set_int(v, "waiting", (long)waiting);
	if (mail_render(cfg->robot.templates_dir, OUTBOX_KIND_CAP, v, &subject,
	    &text, &html, err, sizeof err) == -1) {
		log_err("outbox: %s", err);
		goto out;
	}
	memset(&m, 0, sizeof m);
	m.kind = OUTBOX_KIND_CAP;
	m.to = &to;
	m.nto = 1;
	m.subject = subject;
	m.text = text;
	m.html = html;
	m.uncapped = 1;
	if (db_begin(db) == -1) {
		id = -1;
		goto out;
	}
	/* Again inside the transaction: another of the sender's
	 * connections may have queued it since the look above. */
	if ((told = count_since(db, SQL_CAP_TOLD, day_start(now))) != 0) {
		db_rollback(db);
		id = told < 0 ? -1 : 0;
		goto out;
	}
	if (outbox_queue(db, cfg, &m, now, &id) == -1) {
		db_rollback(db);
		id = -1;
	} else if (db_commit(db) == -1)
		id = -1;
out:
	free(subject);
	free(text);
	free(html);
	tmpl_vars_free(&v);
	return id;
}

/* Queues again the rows a crash left in 'sending' (see the duplicate
 * window in outbox.h), in a transaction: the write takes the process's
 * turn (db.h) like every other, so it is only taken when a read found
 * such a row.  0 or -1. */
static int
recover(sqlite3 *db, time_t now)
{
	sqlite3_stmt *st;
	int64_t stale;
	int n;

	if ((stale = count_since(db, SQL_STALE, now - OUTBOX_STALE)) != 1) {
		if (stale == -1)
			log_err("outbox: %s", db_errmsg(db));
		return (int)stale;
	}
	if (db_begin(db) == -1)
		return -1;
	if ((st = db_stmt(db, SQL_RECOVER)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(now - OUTBOX_STALE));
	if (step_done(db, st) == -1)
		goto fail;
	n = sqlite3_changes(db);
	if (db_commit(db) == -1)
		goto fail;
	if (n > 0)
		log_warn("outbox: %d mail(s) left 'sending' by an interrupted "
		    "run queued again (may duplicate)", n);
	return 0;
fail:
	db_rollback(db);
	return -1;
}

/* Logs that the day's limit holds held rows back, unless the last such
 * line of the process said the same of the same day: the sender's
 * connections each find it (sender.h), and `run` at every poll. */
static void
log_held(sqlite3 *db, time_t now, int64_t held)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static time_t said_day;
	static int64_t said_held;
	time_t day = day_start(now);
	int say;

	pthread_mutex_lock(&mu);
	say = day != said_day || held != said_held;
	said_day = day;
	said_held = held;
	pthread_mutex_unlock(&mu);
	if (say)
		log_warn("outbox: %lld mail(s) sent today, the [smtp] "
		    "max_per_day limit: %lld more wait for tomorrow",
		    (long long)count_since(db, SQL_SENT_TODAY, day),
		    (long long)held);
}

/* One run over the due rows with sd's sender, one row at a time, oldest
 * first, each claimed in its own transaction: runs side by side share
 * the rows between them.  An SMTP connection it opens stays in sd->smtp
 * for the caller to close or keep. */
static int
send_run(sqlite3 *db, const struct config *cfg, time_t now,
    struct send_with *sd)
{
	int64_t id, held, notice;
	int sent = 0, capped, rc, r;
	char err[512];

	if (recover(db, now) == -1)
		return -1;
	while ((r = claim_next(db, cfg, now, &id, &capped)) == 1) {
		if (send_claimed(db, cfg, id, now, sd, &rc, err,
		    sizeof err) == -1)
			return -1;
		sent += rc == SMTP_OK;
		if (rc == SMTP_CONFIG) {
			log_err("outbox: [smtp] unusable, nothing more sent "
			    "this time: %s", err);
			return sent;
		}
	}
	if (r == -1)
		return -1;
	/* Over the day's limit the rest waits, queued, for tomorrow: a
	 * flood of mail is stopped, not lost. */
	if (!capped || (held = count_since(db, SQL_HELD, now)) == 0)
		return sent;
	if (held < 0)
		return -1;
	log_held(db, now, held);
	if ((notice = queue_cap_notice(db, cfg, now, held)) == -1)
		return -1;
	if (notice > 0) {
		if ((r = send_one(db, cfg, notice, now, sd, &rc, err,
		    sizeof err)) == -1)
			return -1;
		sent += r == 1 && rc == SMTP_OK;
	}
	return sent;
}

int
outbox_send_due_with(sqlite3 *db, const struct config *cfg, time_t now,
    outbox_send_fn send)
{
	struct send_with sd = { send, NULL };
	int r = send_run(db, cfg, now, &sd);

	smtp_close(&sd.smtp);
	return r;
}

int
outbox_has_due(sqlite3 *db, time_t now)
{
	int64_t due = count_since(db, SQL_HAS_DUE, now);

	if (due == -1)
		log_err("outbox: %s", db_errmsg(db));
	return (int)due;
}

int
outbox_send_due_over(sqlite3 *db, const struct config *cfg, time_t now,
    struct smtp **smtp)
{
	struct send_with sd = { NULL, *smtp };
	int r = send_run(db, cfg, now, &sd);

	*smtp = sd.smtp;
	return r;
}

int
outbox_record_sent(sqlite3 *db, const char *kind, const char *message_id,
    const char *to, int64_t case_id, int64_t request, const int64_t *cases,
    size_t ncases, time_t at)
{
	static const char sql[] =
	    "INSERT INTO outbox(kind, case_id, request, message_id, mail_from,"
	    " rcpts, data, state, attempts, next_t, created_t, sent_t)"
	    " VALUES (?1, ?2, ?3, ?4, '', ?5, x'', 'sent', 1, ?6, ?6, ?6)";
	sqlite3_stmt *st = db_stmt(db, sql);
	char *mid;
	size_t n;
	int rc;

	if (st == NULL || message_id == NULL)
		return -1;
	/* Kept as the robot writes its own: without angle brackets. */
	if (*message_id == '<')
		message_id++;
	n = strcspn(message_id, ">");
	mid = xstrndup(message_id, n);
	db_bind_text(st, 1, kind);
	if (case_id)
		sqlite3_bind_int64(st, 2, case_id);
	if (request)
		sqlite3_bind_int64(st, 3, request);
	db_bind_text(st, 4, mid);
	db_bind_text(st, 5, to);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)at);
	rc = db_done(db, st, "outbox");
	if (rc == 0 && (case_id || request))
		rc = history_thread(db, mid, request, case_id);
	for (size_t i = 0; rc == 0 && i < ncases; i++)
		rc = history_thread(db, mid, request, cases[i]);
	free(mid);
	return rc;
}
