/* notify: the form acknowledgement and bounces; see notify.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"
#include "cases.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "mem.h"
#include "notify.h"
#include "outbox.h"
#include "tckn.h"
#include "tmpl.h"
#include "trust.h"

#define NOTIFY_MAX_IDS	64	/* Message-IDs looked at in one report */

/* The requester's name greets only the requester: a form sent by a
 * secretary is acknowledged to the secretary. */
static const char SQL_REQUEST[] =
    "SELECT ticket, unit, CASE WHEN lower(requester_email) = lower(?2)"
    " THEN requester END FROM request WHERE id = ?1";
static const char SQL_CASES[] =
    "SELECT id, tag, tckn FROM cases WHERE request = ?1 ORDER BY id";
static const char SQL_OUTBOX[] =
    "SELECT id, case_id, request, state FROM outbox WHERE message_id = ?1";
static const char SQL_FAIL[] =
    "UPDATE outbox SET state = 'failed', last_error = ?2 WHERE id = ?1";
static const char SQL_BOUNCED[] =
    "UPDATE cases SET bounced = ?2, updated_t = ?3 WHERE id = ?1";

static void
set_col(struct tmpl_vars *v, const char *name, sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	tmpl_set(v, name, s ? s : "");
}

int
notify_form_ack(sqlite3 *db, const struct config *cfg, int64_t request_id,
    const struct form *form, const struct mime_msg *msg, time_t now)
{
	struct tmpl_vars *v = NULL;
	struct outbox_mail m;
	struct buf refs = BUF_INIT;
	sqlite3_stmt *st;
	char *subject = NULL, *text = NULL, *html = NULL, err[512], d[40];
	char **tags = NULL, **tckns = NULL, *first_tag = NULL, mask[12];
	int64_t *ids = NULL;
	size_t ncases = 0, i, j;
	const char *why = NULL, *to;
	int ret = -1;

	if (!cfg->reminders.acknowledge || form == NULL || msg == NULL)
		return 0;
	to = msg->from_addr;
	if (to == NULL || *to == '\0' || outbox_is_self(cfg, to))
		return 0;
	if (trust_is_automatic(msg, &why)) {
		log_info("notify: no acknowledgement to automatic mail (%s)",
		    why ? why : "");
		return 0;
	}

	v = tmpl_vars_new();
	clock_format_date(now, d);
	tmpl_set(v, "today", d);
	tmpl_set(v, "bidb_address", cfg->institution.bidb ?
	    cfg->institution.bidb : "");
	tmpl_set(v, "robot_address", cfg->institution.robot ?
	    cfg->institution.robot : cfg->smtp.from ? cfg->smtp.from : "");
	tmpl_set(v, "form_source", form->source ? form->source : "");
	tmpl_set(v, "ticket", "");
	tmpl_set(v, "unit", "");
	tmpl_set(v, "recipient_name", "");
	if ((st = db_stmt(db, SQL_REQUEST)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, request_id);
	db_bind_text(st, 2, to);
	if (sqlite3_step(st) == SQLITE_ROW) {
		set_col(v, "ticket", st, 0);
		set_col(v, "unit", st, 1);
		set_col(v, "recipient_name", st, 2);
	}
	sqlite3_reset(st);

	if ((st = db_stmt(db, SQL_CASES)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, request_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		tags = xrealloc(tags, (ncases + 1) * sizeof *tags);
		tckns = xrealloc(tckns, (ncases + 1) * sizeof *tckns);
		tags[ncases] = db_col_strdup(st, 1);
		ids = xrealloc(ids, (ncases + 1) * sizeof *ids);
		ids[ncases] = sqlite3_column_int64(st, 0);
		tckns[ncases] = db_col_strdup(st, 2);
		ncases++;
	}
	sqlite3_reset(st);
	first_tag = ncases && tags[0] ? tags[0] : NULL;
	tmpl_set(v, "case_tag", first_tag ? first_tag : "NES");

	for (i = 0; i < form->npeople; i++) {
		const struct form_person *p = &form->people[i];
		struct tmpl_vars *row = tmpl_list_add(v, "people");
		const char *tag = "";

		tmpl_set(row, "name", p->name ? p->name : "");
		if (p->tckn && strlen(p->tckn) == 11) {
			tckn_mask(p->tckn, mask);
			tmpl_set(row, "tckn_masked", mask);
		} else
			tmpl_set(row, "tckn_masked", "");
		tmpl_set(row, "title", p->title ? p->title : "");
		tmpl_set(row, "unit", p->unit ? p->unit : "");
		tmpl_set(row, "email", p->email ? p->email : "");
		for (j = 0; j < ncases; j++)
			if (p->tckn && tckns[j] && strcmp(p->tckn, tckns[j]) ==
			    0 && tags[j])
				tag = tags[j];
		tmpl_set(row, "case_tag", tag);
	}
	for (i = 0; i < form->nproblems; i++) {
		struct tmpl_vars *row = tmpl_list_add(v, "problems");

		tmpl_set_int(row, "row", form->problems[i].row);
		tmpl_set(row, "text", form->problems[i].text ?
		    form->problems[i].text : "");
	}
	if (tmpl_render(cfg->robot.templates_dir ? cfg->robot.templates_dir :
	    "templates", "ack_unit_head.tmpl", v, &subject, &text, &html, err,
	    sizeof err) == -1) {
		log_err("notify: %s", err);
		ret = 0;
		goto out;
	}

	memset(&m, 0, sizeof m);
	m.kind = "ack_unit_head.tmpl";
	/* About every person of the form: a reply to it belongs to the
	 * request, and names the person it is about (cases_reply.c). */
	m.request = request_id;
	m.cases = ids;
	m.ncases = ncases;
	m.case_tag = first_tag;
	m.to = &to;
	m.nto = 1;
	m.subject = subject;
	m.text = text;
	m.html = html;
	/* A wrong row is corrected by a reply: a person must read it. */
	m.reply_to_bidb = 1;
	if (msg->message_id) {
		m.in_reply_to = msg->message_id;
		if (msg->references)
			buf_printf(&refs, "%s ", msg->references);
		buf_puts(&refs, msg->message_id);
		m.references = buf_str(&refs);
	}
	ret = outbox_queue(db, cfg, &m, now, NULL);
out:
	for (i = 0; i < ncases; i++) {
		free(tags[i]);
		free(tckns[i]);
	}
	free(tags);
	free(ids);
	free(tckns);
	free(subject);
	free(text);
	free(html);
	buf_free(&refs);
	tmpl_vars_free(&v);
	return ret;
}

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

	while (p && *p && *n < NOTIFY_MAX_IDS) {
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

	for (p = s; p < end && *n < NOTIFY_MAX_IDS; p++) {
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
notify_bounce(sqlite3 *db, const struct config *cfg,
    const struct mime_msg *msg, time_t now)
{
	char *ids[NOTIFY_MAX_IDS];
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
		log_warn("notify: the robot's mail %s bounced: %s", ids[i],
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
		if ((cid || rq) && cases_add_event(db, cid, cid ? 0 : rq, 0,
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
		log_err("notify: %s", db_errmsg(db));
	return ret;
}
