/* ledger: the message table; see ledger.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <xxhash.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "form.h"
#include "ledger.h"
#include "log.h"
#include "mem.h"

static void
hex_of(XXH128_hash_t h, char *out)
{
	static const char hex[] = "0123456789abcdef";
	XXH128_canonical_t d;

	XXH128_canonicalFromHash(&d, h);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[d.digest[i] >> 4];
		out[2 * i + 1] = hex[d.digest[i] & 15];
	}
	out[32] = '\0';
}

void
ledger_hash(const char *raw, size_t len, char out[LEDGER_HASH_SIZE])
{
	hex_of(XXH3_128bits(raw, len), out);
}

void
ledger_hash_fetched(char kind, const char *data, size_t len,
    const char *extra, size_t elen, char out[LEDGER_HASH_SIZE])
{
	XXH3_state_t *st = XXH3_createState();

	if (st == NULL)
		abort();	/* out of memory */
	XXH3_128bits_reset(st);
	XXH3_128bits_update(st, data, len);
	XXH3_128bits_update(st, "\0", 1);
	XXH3_128bits_update(st, extra, elen);
	out[0] = kind;
	hex_of(XXH3_128bits_digest(st), out + 1);
	XXH3_freeState(st);
}

/* The kind of a stored hash: 'w' (whole), 'p' or 'h'. */
static char
hash_kind(const char *hash)
{
	return hash[0] == 'p' || hash[0] == 'h' ? hash[0] : 'w';
}

int
ledger_is_form_attachment(const struct mime_attachment *a)
{
	return form_attachment_kind(a) != FORM_NONE;
}

static char *
header_block(const struct mime_msg *m)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < m->nheaders; i++)
		buf_printf(&b, "%s: %s\n", m->headers[i].name,
		    m->headers[i].value ? m->headers[i].value : "");
	return buf_steal(&b);
}

/* The earlier copy of e's message: the same Message-ID and hash; or,
 * fetched another way (its hash of another kind), the same Message-ID,
 * size, Date and From address.  0 when there is none, -1 on error. */
static int64_t
find_duplicate(sqlite3 *db, const struct ledger_entry *e, const char *hash)
{
	static const char same[] =
	    "SELECT id FROM message WHERE hash = ?1 AND "
	    "message_id IS ?2 AND outcome <> 'duplicate' ORDER BY id LIMIT 1";
	static const char other[] =
	    "SELECT id FROM message WHERE message_id IS ?1 AND "
	    "outcome <> 'duplicate' AND size = ?2 AND date IS ?3 AND "
	    "(CASE WHEN length(hash) = 32 THEN 'w' ELSE substr(hash, 1, 1) "
	    "END) <> ?4 AND (purged_t IS NOT NULL OR from_addr IS ?5) "
	    "ORDER BY id LIMIT 1";
	const struct mime_msg *m = e->msg;
	sqlite3_stmt *st = db_stmt(db, same);
	char kind[2] = { hash_kind(hash), '\0' };
	int64_t id = 0;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, m->message_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id != 0 || (st = db_stmt(db, other)) == NULL)
		return st == NULL ? -1 : id;
	db_bind_text(st, 1, m->message_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(e->size ? e->size :
	    e->len));
	db_bind_text(st, 3, m->date);
	db_bind_text(st, 4, kind);
	db_bind_text(st, 5, m->from_addr);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

static void
bind_static(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* 1 when row id's outcome says no rule recognised it, 0 when not, -1 on
 * error. */
static int
unrecognised(sqlite3 *db, int64_t id)
{
	static const char sql[] =
	    "SELECT outcome = 'unplaced' AND reason_code IS 'no_rule' "
	    "FROM message WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);
	int r = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return r;
}

int
ledger_keep_text(sqlite3 *db, int64_t id, const struct mime_msg *m, int all)
{
	static const char sql[] =
	    "INSERT INTO message_text(message, headers, body, html) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(message) DO NOTHING";
	sqlite3_stmt *st;
	char *hdrs;
	int rc = 0, r;

	if (!all && (r = unrecognised(db, id)) != 0)
		return r == 1 ? 0 : -1;
	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	hdrs = header_block(m);
	sqlite3_bind_int64(st, 1, id);
	/* Bound in place, not copied: the step below is their only use. */
	bind_static(st, 2, hdrs);
	bind_static(st, 3, m->text);
	bind_static(st, 4, m->html);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_err("database: message text: %s", sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);	/* no pointer outlives hdrs */
	free(hdrs);
	return rc;
}

static int
insert_attachments(sqlite3 *db, int64_t id, const struct mime_msg *m)
{
	static const char sql[] =
	    "INSERT INTO attachment(message, name, type, size, data) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st;

	for (size_t i = 0; i < m->natt; i++) {
		const struct mime_attachment *a = &m->att[i];

		if ((st = db_stmt(db, sql)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		db_bind_text(st, 2, a->name);
		db_bind_text(st, 3, a->type);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)a->size);
		if (ledger_is_form_attachment(a))
			sqlite3_bind_blob64(st, 5, a->data, a->len,
			    SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			log_err("database: attachment: %s",
			    sqlite3_errmsg(db));
			sqlite3_reset(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	return 0;
}

int
ledger_record(sqlite3 *db, const struct ledger_entry *e, int64_t *id_r,
    int *dup_r)
{
	static const char sql[] =
	    "INSERT INTO message(folder, uidvalidity, uid, message_id, "
	    "in_reply_to, refs, date, date_t, from_hdr, from_addr, to_hdr, "
	    "cc_hdr, to_addrs, subject, size, hash, notes, outcome, reason, "
	    "duplicate_of, seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";
	const struct mime_msg *m = e->msg;
	sqlite3_stmt *st;
	char hash[LEDGER_HASH_SIZE], seen[32];
	int64_t dup;

	*dup_r = 0;
	if (e->hash != NULL)
		snprintf(hash, sizeof hash, "%s", e->hash);
	else
		ledger_hash(e->raw, e->len, hash);
	if ((dup = find_duplicate(db, e, hash)) < 0)
		return -1;
	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	clock_format_iso(e->now, seen);
	db_bind_text(st, 1, e->folder);
	sqlite3_bind_int64(st, 2, e->uidvalidity);
	sqlite3_bind_int64(st, 3, e->uid);
	db_bind_text(st, 4, m->message_id);
	db_bind_text(st, 5, m->in_reply_to);
	db_bind_text(st, 6, m->references);
	db_bind_text(st, 7, m->date);
	if (m->date_t)
		sqlite3_bind_int64(st, 8, (sqlite3_int64)m->date_t);
	db_bind_text(st, 9, m->from);
	db_bind_text(st, 10, m->from_addr);
	db_bind_text(st, 11, m->to);
	db_bind_text(st, 12, m->cc);
	db_bind_text(st, 13, m->to_addrs);
	db_bind_text(st, 14, m->subject);
	sqlite3_bind_int64(st, 15, (sqlite3_int64)(e->size ? e->size :
	    e->len));
	db_bind_text(st, 16, hash);
	db_bind_text(st, 17, m->notes);
	db_bind_text(st, 18, dup ? "duplicate" : "recorded");
	if (dup) {
		char why[64];

		snprintf(why, sizeof why, "same message as #%lld",
		    (long long)dup);
		db_bind_text(st, 19, why);
		sqlite3_bind_int64(st, 20, dup);
	}
	db_bind_text(st, 21, seen);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_err("database: recording %s UID %u: %s", e->folder,
		    e->uid, sqlite3_errmsg(db));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	*id_r = sqlite3_last_insert_rowid(db);
	/* A duplicate keeps only its identity: its attachments and text are
	 * the original's.  The text waits for the outcome (ledger_keep_text). */
	if (!dup && insert_attachments(db, *id_r, m) == -1)
		return -1;
	*dup_r = dup != 0;
	return 0;
}

int
ledger_set_outcome(sqlite3 *db, int64_t id, const char *outcome,
    enum reason_code code, const char *reason)
{
	static const char sql[] = "UPDATE message SET outcome = ?1, "
	    "reason = ?2, reason_code = ?4 WHERE id = ?3";
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, outcome);
	db_bind_text(st, 2, reason);
	sqlite3_bind_int64(st, 3, id);
	db_bind_text(st, 4, code == REASON_NONE ? NULL : reason_key(code));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		log_err("database: outcome of #%lld: %s", (long long)id,
		    sqlite3_errmsg(db));
	sqlite3_reset(st);
	return rc;
}

int
ledger_folder_set(sqlite3 *db, const char *folder, uint32_t uidvalidity,
    uint32_t last_uid)
{
	static const char sql[] =
	    "INSERT INTO folder(name, uidvalidity, last_uid) VALUES "
	    "(?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET "
	    "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid";
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, folder);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, last_uid);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		log_err("database: folder %s: %s", folder, sqlite3_errmsg(db));
	sqlite3_reset(st);
	return rc;
}

int
ledger_folder_get(sqlite3 *db, const char *folder, uint32_t *uidvalidity_r,
    uint32_t *last_uid_r)
{
	static const char sql[] =
	    "SELECT uidvalidity, last_uid FROM folder WHERE name = ?1";
	sqlite3_stmt *st = db_stmt(db, sql);

	*uidvalidity_r = *last_uid_r = 0;
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, folder);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*uidvalidity_r = (uint32_t)sqlite3_column_int64(st, 0);
		*last_uid_r = (uint32_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return 0;
}

/* "Name: value\n" lines back into an array. */
static void
parse_header_block(const char *s, struct mime_msg *m)
{
	size_t cap = 0;

	while (s && *s) {
		const char *nl = strchr(s, '\n'), *colon;
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		colon = memchr(s, ':', n);
		if (colon) {
			if (m->nheaders == cap) {
				cap = cap ? cap * 2 : 16;
				m->headers = xrealloc(m->headers,
				    cap * sizeof *m->headers);
			}
			m->headers[m->nheaders].name =
			    xstrndup(s, (size_t)(colon - s));
			colon += colon + 1 < s + n && colon[1] == ' ' ? 2 : 1;
			m->headers[m->nheaders].value =
			    xstrndup(colon, (size_t)(s + n - colon));
			m->nheaders++;
		}
		s = nl ? nl + 1 : NULL;
	}
}

/* Return-Path is not a column: derive it as mime_parse does. */
static void
set_return_path(struct mime_msg *m)
{
	const char *v = mime_header(m, "Return-Path");
	const char *lt, *gt;

	if (v == NULL)
		return;
	lt = strchr(v, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		m->return_path = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	else
		m->return_path = xstrdup(v);
	for (char *p = m->return_path; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

static void
load_attachments(sqlite3 *db, int64_t id, struct mime_msg *m)
{
	static const char sql[] =
	    "SELECT name, type, size, data FROM attachment WHERE message = ?1 "
	    "ORDER BY id";
	sqlite3_stmt *st = db_stmt(db, sql);
	size_t cap = 0;

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct mime_attachment *a;
		const void *data = sqlite3_column_blob(st, 3);
		size_t len = (size_t)sqlite3_column_bytes(st, 3);

		if (m->natt == cap) {
			cap = cap ? cap * 2 : 4;
			m->att = xrealloc(m->att, cap * sizeof *m->att);
		}
		a = &m->att[m->natt++];
		a->name = db_col_strdup(st, 0);
		a->type = db_col_strdup(st, 1);
		a->data = xmalloc(len + 1);
		if (len)
			memcpy(a->data, data, len);
		a->len = len;
		a->size = (size_t)sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
}

int
ledger_load(sqlite3 *db, int64_t id, struct mime_msg **msg_r)
{
	static const char sql[] =
	    "SELECT coalesce(duplicate_of, id) FROM message WHERE id = ?1";
	static const char sql2[] =
	    "SELECT message_id, in_reply_to, refs, date, date_t, from_hdr, "
	    "from_addr, to_hdr, cc_hdr, to_addrs, subject, t.headers, t.body, "
	    "t.html, notes FROM message LEFT JOIN message_text t ON "
	    "t.message = message.id WHERE id = ?1";
	sqlite3_stmt *st;
	struct mime_msg *m;
	int64_t src = 0;
	char *hdrs;

	*msg_r = NULL;
	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		src = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src == 0 || (st = db_stmt(db, sql2)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, src);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	m = xcalloc(1, sizeof *m);
	m->message_id = db_col_strdup(st, 0);
	m->in_reply_to = db_col_strdup(st, 1);
	m->references = db_col_strdup(st, 2);
	m->date = db_col_strdup(st, 3);
	m->date_t = (time_t)sqlite3_column_int64(st, 4);
	m->from = db_col_strdup(st, 5);
	m->from_addr = db_col_strdup(st, 6);
	m->to = db_col_strdup(st, 7);
	m->cc = db_col_strdup(st, 8);
	m->to_addrs = db_col_strdup(st, 9);
	m->subject = db_col_strdup(st, 10);
	hdrs = db_col_strdup(st, 11);
	m->text = db_col_strdup(st, 12);
	m->html = db_col_strdup(st, 13);
	m->notes = db_col_strdup(st, 14);
	sqlite3_reset(st);
	parse_header_block(hdrs, m);
	free(hdrs);
	set_return_path(m);
	load_attachments(db, src, m);
	*msg_r = m;
	return 0;
}

int
ledger_place(sqlite3 *db, int64_t id, struct ledger_place *p)
{
	static const char sql[] =
	    "SELECT m.id, m.folder, m.uidvalidity, m.uid, m.message_id, "
	    "EXISTS (SELECT 1 FROM message_text t WHERE t.message = m.id), "
	    "m.purged_t IS NOT NULL "
	    "FROM message m WHERE m.id = (SELECT coalesce(duplicate_of, id) "
	    "FROM message WHERE id = ?1)";
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc = -1;

	memset(p, 0, sizeof *p);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		p->folder = db_col_strdup(st, 1);
		p->uidvalidity = (uint32_t)sqlite3_column_int64(st, 2);
		p->uid = (uint32_t)sqlite3_column_int64(st, 3);
		p->message_id = db_col_strdup(st, 4);
		p->kept = sqlite3_column_int(st, 5);
		p->purged = sqlite3_column_int(st, 6);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

void
ledger_place_free(struct ledger_place *p)
{
	free(p->folder);
	free(p->message_id);
	memset(p, 0, sizeof *p);
}
