/* mail: every kind of mail the robot writes, and its rendering; see
 * mail.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mail.h"
#include "mem.h"

/*
 * Variable sets per kind.  Keep in step with templates/README.md.
 * "list.field" names a field of a list's rows; a name with fields is a list.
 */
#define V_COMMON	"today bidb_address robot_address "
#define V_CASE		V_COMMON "case_tag name unit step_label since days " \
			"reminder_no max_reminders is_last tckn_masked ticket " \
			"email recipient_name "
#define V_REQUEST	V_COMMON "case_tag ticket unit step_label since days " \
			"reminder_no max_reminders is_last recipient_name " \
			"requester unit_head_unknown "
#define V_MOVES		"moves moves.from moves.to moves.count moves.cases " \
			"moves.at_kamusm "
#define V_LINKS		"link_application link_e_onay link_e_onay_activation " \
			"link_e_imza link_islak_imza link_videos "
#define V_CASES		"cases cases.case_tag cases.name cases.unit " \
			"cases.tckn_masked cases.email cases.step_label " \
			"cases.since cases.days "

static const struct kind {
	const char	*file;
	const char	*vars;
} kinds[] = {
	{ "remind_ticket_unit_head.tmpl", V_REQUEST },
	{ "remind_form_bidb.tmpl", V_REQUEST V_CASES },
	{ "remind_sent_bidb.tmpl", V_REQUEST V_CASES "sent_on " },
	{ "remind_notified_person.tmpl", V_CASE V_LINKS "unit_head_cc " },
	{ "remind_filled_person.tmpl", V_CASE V_LINKS "basvuru_no " },
	{ "remind_wet_yazi.tmpl", V_COMMON "step_label since days reminder_no "
	    "max_reminders is_last recipient_name " V_CASES },
	{ "remind_shipping_bidb.tmpl", V_CASE "approval tracking " },
	{ "escalate_bidb.tmpl", V_CASE "holder holder_address reminders_sent "
	    "last_reminder " },
	{ "cap_reached_bidb.tmpl", V_COMMON "max_per_day waiting " },
	{ "ack_unit_head.tmpl", V_COMMON "case_tag ticket unit recipient_name "
	    "form_source people people.name people.tckn_masked people.title "
	    "people.unit people.email people.case_tag "
	    "problems problems.where problems.text " },
	{ "digest.tmpl", V_COMMON "period_start period_end open_total "
	    "overdue_total escalated_total kamusm_total moved_total "
	    "finished_total unrecognised quarantined_more "
	    "holidays_missing holidays_file holidays_ahead "
	    "steps steps.label steps.count "
	    "units units.unit units.count units.waiting_form "
	    V_MOVES
	    "overdue overdue.case_tag overdue.name overdue.unit "
	    "overdue.step_label overdue.holder overdue.at_kamusm "
	    "overdue.since overdue.days overdue.overdue overdue.escalated "
	    "finished finished.case_tag finished.name finished.unit "
	    "finished.closed_on "
	    "requests requests.case_tag requests.ticket requests.unit "
	    "requests.people requests.received "
	    "quarantined quarantined.date quarantined.from "
	    "quarantined.subject quarantined.reason "
	    "replies replies.date replies.from replies.subject replies.cases "
	    "replies.gist replies_more "
	    "undelivered undelivered.date undelivered.to "
	    "undelivered.subject undelivered.reason " },
	{ "digest_unit_head.tmpl", V_COMMON "period_start period_end "
	    "recipient_name open_total overdue_total kamusm_total moved_total "
	    "cases cases.case_tag cases.name cases.unit cases.step_label "
	    "cases.holder cases.at_kamusm cases.since cases.days "
	    "cases.overdue cases.escalated "
	    "tickets tickets.case_tag tickets.ticket tickets.unit "
	    "tickets.since tickets.days tickets.overdue tickets.escalated "
	    V_MOVES
	    "finished finished.case_tag finished.name finished.unit "
	    "finished.closed_on " },
};

#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

static const struct kind *
kind_find(const char *file)
{
	const char *base = strrchr(file, '/');
	size_t i;

	base = base ? base + 1 : file;
	for (i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].file, base) == 0)
			return &kinds[i];
	return NULL;
}

const char *
mail_kind_vars(const char *kind)
{
	const struct kind *k = kind_find(kind);

	return k ? k->vars : NULL;
}

const char *const *
mail_kinds(void)
{
	static const char *names[NKINDS + 1];
	size_t i;

	for (i = 0; i < NKINDS; i++)
		names[i] = kinds[i].file;
	names[NKINDS] = NULL;
	return names;
}

int
mail_render(const char *dir, const char *kind, const struct tmpl_vars *v,
    char **subject_r, char **text_r, char **html_r, char *err, size_t errlen)
{
	const struct kind *k = kind_find(kind);

	*subject_r = *text_r = *html_r = NULL;
	/* A kind nobody declared has no variables to check it against. */
	if (k == NULL) {
		snprintf(err, errlen, "%s: unknown template kind", kind);
		return -1;
	}
	return tmpl_render(dir ? dir : "templates", kind, k->vars, v,
	    subject_r, text_r, html_r, err, errlen);
}

static char *
join_path(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s/%s", dir, name);
	return buf_steal(&b);
}

static void
add_problem(struct buf *all, const char *line)
{
	if (all->len > 0)
		buf_putc(all, '\n');
	buf_puts(all, line);
}

int
mail_check_dir(const char *dir, char *err, size_t errlen)
{
	struct buf all = BUF_INIT;
	struct dirent *de;
	DIR *d;
	char one[512], *path;
	size_t i, nl;

	for (i = 0; i < NKINDS; i++) {
		path = join_path(dir, kinds[i].file);
		if (tmpl_check_file(path, kinds[i].vars, one, sizeof(one)) ==
		    -1)
			add_problem(&all, one);
		free(path);
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(one, sizeof(one), "%s:0: %s", dir, strerror(errno));
		add_problem(&all, one);
	} else {
		while ((de = readdir(d)) != NULL) {
			nl = strlen(de->d_name);
			if (nl < 5 || strcmp(de->d_name + nl - 5, ".tmpl") != 0)
				continue;
			if (kind_find(de->d_name) == NULL) {
				snprintf(one, sizeof(one), "%s/%s:0: unknown "
				    "template kind", dir, de->d_name);
				add_problem(&all, one);
			}
		}
		closedir(d);
	}
	if (all.len == 0)
		return 0;
	snprintf(err, errlen, "%s", buf_str(&all));
	buf_free(&all);
	return -1;
}
