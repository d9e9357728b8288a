/* Unit tests of tmpl: the template syntax, escaping, errors with FILE:LINE,
 * and every shipped template in templates/ (run from the project root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail.h"
#include "tmpl.h"

static const char *
tdir(void)
{
	const char *d = getenv("ROBOT_TEMPLATES");

	return d ? d : "templates";
}

static int
render(const char *name, const char *src, struct tmpl_vars *v, char **s,
    char **t, char **h, char *err, size_t errlen)
{
	/* A kind's name checks its variables, as mail_render does. */
	return tmpl_render_mem(name, mail_kind_vars(name), src, strlen(src),
	    v, s, t, h, err, errlen);
}

static void
test_basic(void **state)
{
	struct tmpl_vars *v = tmpl_vars_new(), *r;
	char *s, *t, *h, err[256];
	const char *src =
	    "{{! header comment }}\n"
	    "Subject: [{{case_tag}}] Merhaba {{name}}\n"
	    "---- text\n"
	    "Sayın {{name}},\n"
	    "{{#if ticket}}\n"
	    "Talep: {{ticket}}\n"
	    "{{else}}\n"
	    "Talep yok\n"
	    "{{/if}}\n"
	    "{{#each cases}}\n"
	    "  - {{name}} ({{unit}})\n"
	    "{{/each}}\n"
	    "{{#if zero}}sıfır doğru{{else}}sıfır yanlış{{/if}}\n"
	    "{{! dropped }}\n"
	    "Son.\n\n\n";

	(void)state;
	tmpl_set(v, "case_tag", "NES-2026-0042");
	tmpl_set(v, "name", "Ayşe Yılmaz");
	tmpl_set(v, "unit", "Mühendislik");
	tmpl_set(v, "zero", "0");
	r = tmpl_list_add(v, "cases");
	tmpl_set(r, "name", "Ali Şen");
	r = tmpl_list_add(v, "cases");
	tmpl_set(r, "name", "Çağla Öz");
	tmpl_set(r, "unit", "Fen");
	assert_int_equal(render("x.tmpl", src, v, &s, &t, &h, err,
	    sizeof(err)), 0);
	assert_string_equal(s, "[NES-2026-0042] Merhaba Ayşe Yılmaz");
	assert_string_equal(t,
	    "Sayın Ayşe Yılmaz,\n"
	    "Talep yok\n"
	    "  - Ali Şen (Mühendislik)\n"	/* outer unit */
	    "  - Çağla Öz (Fen)\n"		/* the row's own */
	    "sıfır yanlış\n"
	    "Son.\n");
	assert_null(h);
	free(s);
	free(t);

	tmpl_set(v, "ticket", "48213");
	assert_int_equal(render("x.tmpl", src, v, &s, &t, &h, err,
	    sizeof(err)), 0);
	assert_non_null(strstr(t, "Talep: 48213\n"));
	assert_null(strstr(t, "Talep yok"));
	free(s);
	free(t);
	tmpl_vars_free(&v);
	assert_null(v);
}

static void
test_escaping(void **state)
{
	struct tmpl_vars *v = tmpl_vars_new();
	char *s, *t, *h, err[256];
	const char *src =
	    "Subject: Konu {{name}}\n"
	    "---- text\n"
	    "Ad: {{name}}\n"
	    "---- html\n"
	    "<p>Ad: {{name}}</p>\n";

	(void)state;
	tmpl_set(v, "name", "<b>A&B</b> \"x\"\r\nBcc: evil@example.com");
	assert_int_equal(render("x.tmpl", src, v, &s, &t, &h, err,
	    sizeof(err)), 0);
	/* subject: one line whatever the value holds */
	assert_null(strchr(s, '\r'));
	assert_null(strchr(s, '\n'));
	assert_string_equal(s,
	    "Konu <b>A&B</b> \"x\" Bcc: evil@example.com");
	/* text: verbatim */
	assert_string_equal(t,
	    "Ad: <b>A&B</b> \"x\"\r\nBcc: evil@example.com\n");
	/* html: escaped */
	assert_non_null(h);
	assert_string_equal(h, "<p>Ad: &lt;b&gt;A&amp;B&lt;/b&gt; "
	    "&quot;x&quot;\r\nBcc: evil@example.com</p>\n");
	free(s);
	free(t);
	free(h);
	tmpl_vars_free(&v);
}

static void
expect_error(const char *name, const char *src, struct tmpl_vars *v,
    const char *want)
{
	char *s = NULL, *t = NULL, *h = NULL, err[256] = "";

	assert_int_equal(render(name, src, v, &s, &t, &h, err, sizeof(err)),
	    -1);
	assert_null(s);
	assert_null(t);
	assert_null(h);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void
test_errors(void **state)
{
	struct tmpl_vars *v = tmpl_vars_new();

	(void)state;
	tmpl_set(v, "name", "A");
	tmpl_set(v, "case_tag", "T");
	expect_error("x.tmpl", "Subject: a\n---- text\nline\n{{#if name}}\n"
	    "x\n", v, "x.tmpl:4: unclosed {{#if name}}");
	expect_error("x.tmpl", "Subject: a\n---- text\n{{#if name}}\nx\n"
	    "{{/each}}\n", v, "x.tmpl:5: {{/each}} closes {{#if name}} of "
	    "line 3");
	expect_error("x.tmpl", "Subject: a\n---- text\nx\n{{/if}}\n", v,
	    "x.tmpl:4: {{/if}} without an open block");
	expect_error("x.tmpl", "Subject: a\n---- text\nab {{name\n", v,
	    "x.tmpl:3: unclosed '{{'");
	expect_error("x.tmpl", "Subject: a\n---- text\n{{na me}}\n", v,
	    "x.tmpl:3: bad tag");
	/* not set at render time */
	expect_error("x.tmpl", "Subject: a\n---- text\n\n\nHi {{nmae}}\n", v,
	    "x.tmpl:5: variable 'nmae' not set");
	/* a known kind checks its variable set, even in untaken branches */
	expect_error("remind_notified_person.tmpl",
	    "Subject: [{{case_tag}}]\n---- text\n{{#if reminder_no}}\n"
	    "{{tckn}}\n{{/if}}\n", v,
	    "remind_notified_person.tmpl:4: unknown variable 'tckn'");
	expect_error("ack_unit_head.tmpl", "Subject: x\n---- text\n"
	    "{{people}}\n", v, "ack_unit_head.tmpl:3: 'people' is a list");
	expect_error("ack_unit_head.tmpl", "Subject: x\n---- text\n"
	    "{{#each unit}}{{/each}}\n", v,
	    "ack_unit_head.tmpl:3: 'unit' is not a list");
	expect_error("x.tmpl", "---- text\nx\n", v, "x.tmpl:1: no Subject");
	expect_error("x.tmpl", "Subject: a\nFrom: b\n---- text\n", v,
	    "x.tmpl:2: unknown header line");
	expect_error("x.tmpl", "Subject: a\n", v, "no \"---- text\" line");
	tmpl_vars_free(&v);
}

/* Fills every variable of a kind with a sample value and one row per
 * list. */
static struct tmpl_vars *
sample_vars(const char *kind)
{
	struct tmpl_vars *v, *row;
	const char *set = mail_kind_vars(kind), *p, *e, *dot;
	char name[64], list[64], last[64] = "";

	assert_non_null(set);
	v = tmpl_vars_new();
	row = NULL;
	for (p = set; *p; p = e) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = p;
		while (*e && *e != ' ')
			e++;
		snprintf(name, sizeof(name), "%.*s", (int)(e - p), p);
		if ((dot = strchr(name, '.')) == NULL) {
			if (strcmp(name, "tckn_masked") == 0)
				tmpl_set(v, name, "100******46");
			else
				tmpl_setf(v, name, "<%s>", name);
			continue;
		}
		snprintf(list, sizeof(list), "%.*s", (int)(dot - name), name);
		if (row == NULL || strcmp(list, last) != 0) {
			snprintf(last, sizeof(last), "%s", list);
			row = tmpl_list_add(v, list);
		}
		if (strcmp(dot + 1, "tckn_masked") == 0)
			tmpl_set(row, dot + 1, "100******46");
		else
			tmpl_setf(row, dot + 1, "<%s>", name);
	}
	return v;
}

static void
test_shipped(void **state)
{
	const char *const *k;
	struct tmpl_vars *v;
	char *s, *t, *h, err[1024];

	(void)state;
	if (mail_check_dir(tdir(), err, sizeof(err)) != 0)
		fail_msg("templates check: %s", err);
	for (k = mail_kinds(); *k != NULL; k++) {
		v = sample_vars(*k);
		if (mail_render(tdir(), *k, v, &s, &t, &h, err,
		    sizeof(err)) != 0)
			fail_msg("%s", err);
		/* polite, signed, says it is automatic, nothing unexpanded */
		assert_non_null(strstr(t, "Sayın"));
		assert_non_null(strstr(t, "BİDB NES Takip Robotu"));
		assert_non_null(strstr(t, "otomatik olarak gönderilmiştir"));
		assert_null(strstr(t, "{{"));
		assert_null(strstr(s, "{{"));
		assert_true(strlen(s) > 10);
		if (h != NULL) {
			assert_null(strstr(h, "{{"));
			assert_null(strstr(h, "<name>"));  /* escaped */
			assert_non_null(strstr(h, "&lt;"));
		}
		if (strcmp(*k, "remind_filled_person.tmpl") == 0) {
			assert_non_null(strstr(t, "e-Onay"));
			assert_non_null(strstr(t, "e-İmza"));
			assert_non_null(strstr(t, "Islak imza"));
			assert_non_null(strstr(t, "Yazı İşleri ve Arşiv"));
		}
		if (strcmp(*k, "remind_notified_person.tmpl") == 0)
			assert_non_null(strstr(t, "Başvuru İşlemleri"));
		if (strcmp(*k, "ack_unit_head.tmpl") == 0) {
			assert_non_null(strstr(t, "100******46"));
			assert_non_null(strstr(t,
			    "<problems.where>: <problems.text>"));
		}
		if (strcmp(*k, "digest.tmpl") == 0) {
			assert_non_null(h);
			assert_non_null(strstr(h, "<table"));
			assert_non_null(strstr(h, "&lt;overdue.holder&gt;"));
		}
		free(s);
		free(t);
		free(h);
		tmpl_vars_free(&v);
	}
}

static void
test_check_dir_finds_errors(void **state)
{
	char dir[] = "tmpl-test-XXXXXX", path[256], err[2048];
	const char *const *k;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (k = mail_kinds(); *k != NULL; k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *k);
		f = fopen(path, "w");
		assert_non_null(f);
		if (strcmp(*k, "escalate_bidb.tmpl") == 0)
			fputs("Subject: x\n---- text\n\nSayın {{nmae}}\n", f);
		else if (strcmp(*k, "digest.tmpl") == 0)
			fputs("Subject: x\n---- text\n{{#each overdue}}\n", f);
		else
			fputs("Subject: x\n---- text\nSayın {{bidb_address}}\n",
			    f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/remind_typo.tmpl", dir);
	f = fopen(path, "w");
	fputs("Subject: x\n---- text\n", f);
	fclose(f);

	assert_int_equal(mail_check_dir(dir, err, sizeof(err)), -1);
	if (strstr(err, "escalate_bidb.tmpl:4: unknown variable 'nmae'") ==
	    NULL || strstr(err, "digest.tmpl:3: unclosed {{#each overdue}}") ==
	    NULL || strstr(err, "remind_typo.tmpl:0: unknown template kind") ==
	    NULL)
		fail_msg("check output: %s", err);
	/* only those three */
	assert_null(strstr(err, "remind_form_bidb"));

	unlink(path);
	for (k = mail_kinds(); *k != NULL; k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *k);
		unlink(path);
	}
	/* now every kind is missing */
	assert_int_equal(mail_check_dir(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "digest.tmpl:0:"));
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_check_dir_finds_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
