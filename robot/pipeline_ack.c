/* pipeline_ack: the acknowledgement of a form to the unit head who sent
 * it, the one mail a message itself causes; see pipeline.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "mem.h"
#include "outbox.h"
#include "pipeline.h"
#include "tckn.h"
#include "tmpl.h"
#include "trust.h"

/* The requester's name greets only the requester: a form sent by a
 * secretary is acknowledged to the secretary. */
static const char SQL_REQUEST[] =
    "SELECT ticket, unit, CASE WHEN lower(requester_email) = lower(?2)"
    " THEN requester END FROM request WHERE id = ?1";
static const char SQL_CASES[] =
    "SELECT id, tag, tckn FROM cases WHERE request = ?1 ORDER BY id";

static void
set_col(struct tmpl_vars *v, const char *name, sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	tmpl_set(v, name, s ? s : "");
}

int
pipeline_ack_form(sqlite3 *db, const struct config *cfg, int64_t request_id,
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
	if (to == NULL || *to == '\0' || trust_is_self(cfg, to))
		return 0;
	if (trust_is_automatic(msg, &why)) {
		log_info("mail: no acknowledgement to automatic mail (%s)",
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

		tmpl_set(row, "where", form->problems[i].where ?
		    form->problems[i].where : "");
		tmpl_set(row, "text", form->problems[i].text ?
		    form->problems[i].text : "");
	}
	if (mail_render(cfg->robot.templates_dir, "ack_unit_head.tmpl", v,
	    &subject, &text, &html, err, sizeof err) == -1) {
		log_err("mail: %s", err);
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

