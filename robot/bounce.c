/* bounce: delivery reports of the robot's own mail; see bounce.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "bounce.h"
#include "buf.h"
#include "db.h"
#include "history.h"
#include "log.h"
#include "mem.h"
#include "trust.h"

#define BOUNCE_MAX_IDS	64	/* Message-IDs looked at in one report */
static const char SQL_OUTBOX[] =
    "SELECT id, case_id, request, state FROM outbox WHERE message_id = ?1";
static const char SQL_FAIL[] =
    "UPDATE outbox SET state = 'failed', last_error = ?2 WHERE id = ?1";
static const char SQL_BOUNCED[] =
    "UPDATE cases SET bounced = ?2, updated_t = ?3 WHERE id = ?1";

static int
is_report(const struct mime_msg *msg)
{
	const char *ct = mime_header(msg, "Content-Type");

	if (ct && ascii_find_ci(ct, "multipart/report"))
		return 1;
	if (msg->from_addr && (strncmp(msg->from_addr, "mailer-daemon", 13) ==
	    0 || strncmp(msg->from_addr, "postmaster", 10) == 0))
		return 1;
	if (msg->return_path && *msg->return_path == '\0')
		return 1;
	return 0;
}

/* Adds the ids in a space-separated list (no brackets). */
static void
ids_from_list(const char *s, char **ids, size_t *n)
{
	const char *p = s, *e;

	while (p && *p && *n < BOUNCE_MAX_IDS) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		for (e = p; *e && *e != ' ' && *e != '\t' && *e != ','; e++)
			;
		if (e > p)
			ids[(*n)++] = xstrndup(p, (size_t)(e - p));
		p = e;
	}
}

/* Adds every <local@domain> token of len bytes at s. */
static void
ids_from_text(const char *s, size_t len, char **ids, size_t *n)
{
	const char *end = s + len, *p, *q;

	for (p = s; p < end && *n < BOUNCE_MAX_IDS; p++) {
		if (*p != '<')
			continue;
		for (q = p + 1; q < end && q - p < 250 && *q != '>' &&
		    *q != '<' && *q != ' ' && *q != '\n'; q++)
			;
		if (q < end && *q == '>' && memchr(p + 1, '@',
		    (size_t)(q - p - 1)) != NULL)
			ids[(*n)++] = xstrndup(p + 1, (size_t)(q - p - 1));
	}
}

/* The first line of text after label, in out. */
static int
field_line(const char *s, size_t len, const char *label, struct buf *out)
{
	const char *p, *e, *end = s + len;
	char *copy = xstrndup(s, len);
	const char *hit = ascii_find_ci(copy, label);

	if (hit == NULL) {
		free(copy);
		return 0;
	}
	p = s + (hit - copy) + strlen(label);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (e = p; e < end && *e != '\n' && *e != '\r'; e++)
		;
	buf_reset(out);
	buf_add(out, p, (size_t)(e - p));
	free(copy);
	return out->len > 0;
}

static int
is_headers_part(const char *type)
{
	return type && (strcmp(type, "message/rfc822") == 0 ||
	    strcmp(type, "message/delivery-status") == 0 ||
	    strcmp(type, "text/rfc822-headers") == 0 ||
	    strcmp(type, "message/rfc822-headers") == 0 ||
	    strcmp(type, "message/global-headers") == 0 ||
	    strcmp(type, "message/global-delivery-status") == 0);
}

static void
find_reason(const struct mime_msg *msg, struct buf *why)
{
	static const char *const labels[] = { "Diagnostic-Code:", "Status:" };

	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < msg->natt; i++)
			if (is_headers_part(msg->att[i].type) &&
			    field_line((const char *)msg->att[i].data,
			    msg->att[i].len, labels[l], why))
				return;
		if (msg->text && field_line(msg->text, strlen(msg->text),
		    labels[l], why))
			return;
	}
	buf_reset(why);
	buf_printf(why, "delivery failed: %s", msg->subject ? msg->subject :
	    "(no subject)");
}

int
bounce_apply(sqlite3 *db, const struct config *cfg,
    const struct mime_msg *msg, time_t now)
{
	char *ids[BOUNCE_MAX_IDS];
	size_t nids = 0, i;
	struct buf why = BUF_INIT;
	sqlite3_stmt *st;
	int ret = 0, found = 0;

	if (msg == NULL || !is_report(msg))
		return 0;
	ids_from_list(msg->in_reply_to, ids, &nids);
	ids_from_list(msg->references, ids, &nids);
	for (i = 0; i < msg->natt; i++)
		if (is_headers_part(msg->att[i].type))
			ids_from_text((const char *)msg->att[i].data,
			    msg->att[i].len, ids, &nids);
	if (msg->text)
		ids_from_text(msg->text, strlen(msg->text), ids, &nids);

	for (i = 0; i < nids && ret == 0; i++) {
		int64_t oid, cid, rq;

		if ((st = db_stmt(db, SQL_OUTBOX)) == NULL) {
			ret = -1;
			break;
		}
		db_bind_text(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			continue;
		}
		oid = sqlite3_column_int64(st, 0);
		cid = sqlite3_column_int64(st, 1);
		rq = sqlite3_column_int64(st, 2);
		sqlite3_reset(st);
		if (!found)
			find_reason(msg, &why);
		found = 1;
		log_warn("bounce: the robot's mail %s bounced: %s", ids[i],
		    buf_str(&why));
		if ((st = db_stmt(db, SQL_FAIL)) == NULL) {
			ret = -1;
			break;
		}
		sqlite3_bind_int64(st, 1, oid);
		db_bind_text(st, 2, buf_str(&why));
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			ret = -1;
			break;
		}
		sqlite3_reset(st);
		if (cid) {
			if ((st = db_stmt(db, SQL_BOUNCED)) == NULL) {
				ret = -1;
				break;
			}
			sqlite3_bind_int64(st, 1, cid);
			db_bind_text(st, 2, buf_str(&why));
			sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
			if (sqlite3_step(st) != SQLITE_DONE) {
				sqlite3_reset(st);
				ret = -1;
				break;
			}
			sqlite3_reset(st);
		}
		if ((cid || rq) && history_event(db, cid, cid ? 0 : rq, 0,
		    msg->message_id, now, "bounce", NULL, NULL,
		    buf_str(&why)) == -1) {
			ret = -1;
			break;
		}
		ret = 1;
	}
	for (i = 0; i < nids; i++)
		free(ids[i]);
	buf_free(&why);
	if (ret == -1)
		log_err("bounce: %s", db_errmsg(db));
	return ret;
}

