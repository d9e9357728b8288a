/* Unit tests of the [limits] of cfg.h: each bound holds where the robot
 * applies it.  MIME nesting depth, parts and decoded attachment bytes
 * (mime_set_limits, set by robot_open from the config), the message size
 * (fetch_decode), the form rows (form readers), the zip bomb refusal of
 * .xlsx forms and the PCRE2 match limit (rules).  Run from the top of the
 * tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "fetch.h"
#include "form.h"
#include "log.h"
#include "mime.h"
#include "rules.h"
#include "tckn.h"

#define DEF_DEPTH	20
#define DEF_PARTS	200
#define DEF_ATT		(10 * 1024 * 1024)

static struct mime_msg *
parse(const char *raw, size_t len)
{
	struct mime_msg *msg = NULL;
	const char *err = NULL;

	assert_int_equal(mime_parse(raw, len, &msg, &err), 0);
	assert_non_null(msg);
	return msg;
}

static int
teardown(void **state)
{
	mime_set_limits(DEF_DEPTH, DEF_PARTS, DEF_ATT);
	return 0;
}

/* multipart/mixed nested depth times around a text part. */
static char *
nested(int depth)
{
	struct buf b = BUF_INIT;
	int i;

	buf_puts(&b, "From: a@example.edu.tr\r\nSubject: deep\r\n"
	    "MIME-Version: 1.0\r\n");
	for (i = 0; i < depth; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\""
		    "\r\n\r\n--b%d\r\n", i, i);
	buf_puts(&b, "Content-Type: text/plain\r\n\r\ninnermost text\r\n");
	for (i = depth - 1; i >= 0; i--)
		buf_printf(&b, "--b%d--\r\n", i);
	return buf_steal(&b);
}

static void
test_depth(void **state)
{
	struct mime_msg *m;
	char *raw = nested(6);

	m = parse(raw, strlen(raw));
	assert_non_null(strstr(m->text, "innermost text"));
	assert_null(m->notes);
	mime_free(&m);

	mime_set_limits(3, 0, 0);
	m = parse(raw, strlen(raw));
	assert_null(strstr(m->text, "innermost text"));
	assert_non_null(m->notes);
	assert_non_null(strstr(m->notes, "nesting deeper than 3"));
	mime_free(&m);
	free(raw);
}

/* A message with n attachments of 16 bytes each. */
static char *
many_parts(int n, size_t attlen)
{
	struct buf b = BUF_INIT;
	int i;
	size_t k;

	b.cap = 64 * 1024 * 1024;
	buf_puts(&b, "From: a@example.edu.tr\r\nSubject: parts\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n");
	for (i = 0; i < n; i++) {
		buf_printf(&b, "--sep\r\nContent-Type: application/octet-stream"
		    "\r\nContent-Disposition: attachment; filename=\"f%d.bin\""
		    "\r\n\r\n", i);
		for (k = 0; k < attlen; k++)
			buf_putc(&b, 'a' + (char)(k % 26));
		buf_puts(&b, "\r\n");
	}
	buf_puts(&b, "--sep--\r\n");
	return buf_steal(&b);
}

static void
test_parts(void **state)
{
	struct mime_msg *m;
	char *raw = many_parts(10, 16);

	m = parse(raw, strlen(raw));
	assert_int_equal(m->natt, 10);
	mime_free(&m);

	mime_set_limits(0, 4, 0);
	m = parse(raw, strlen(raw));
	assert_int_equal(m->natt, 4);
	assert_non_null(m->notes);
	assert_non_null(strstr(m->notes, "more than 4 parts"));
	mime_free(&m);
	free(raw);
}

static void
test_attachment(void **state)
{
	struct mime_msg *m;
	char *raw = many_parts(1, 5000);

	m = parse(raw, strlen(raw));
	assert_int_equal(m->natt, 1);
	assert_int_equal(m->att[0].len, 5000);
	mime_free(&m);

	/* The bytes beyond the cap are dropped and the cut is noted. */
	mime_set_limits(0, 0, 1024);
	m = parse(raw, strlen(raw));
	assert_int_equal(m->natt, 1);
	assert_int_equal(m->att[0].len, 1024);
	assert_memory_equal(m->att[0].data, "abcdefghij", 10);
	assert_non_null(m->notes);
	assert_non_null(strstr(m->notes, "f0.bin of 5000 bytes cut to the "
	    "1024-byte limit"));
	mime_free(&m);
	free(raw);
}

static void
test_message(void **state)
{
	struct mime_msg *m;
	char *raw = many_parts(3, 4000);
	size_t len = strlen(raw);

	m = fetch_decode(raw, len, len);
	assert_non_null(m);
	assert_int_equal(m->natt, 3);
	mime_free(&m);

	/* Over max_message: headers only, and said so. */
	m = fetch_decode(raw, len, 4096);
	assert_non_null(m);
	assert_string_equal(m->subject, "parts");
	assert_int_equal(m->natt, 0);
	assert_non_null(m->notes);
	assert_non_null(strstr(m->notes, "over the 4096-byte limit"));
	mime_free(&m);
	free(raw);
}

/* A valid T.C. Kimlik No made from 9 digits (the checksum rule). */
static void
make_tckn(unsigned n, char out[12])
{
	int d[11], i, odd = 0, even = 0, sum = 0;

	d[0] = 1 + (int)(n % 9);
	for (i = 1; i < 9; i++) {
		n = n * 1103515245u + 12345u;
		d[i] = (int)((n >> 16) % 10);
	}
	for (i = 0; i < 9; i += 2)
		odd += d[i];
	for (i = 1; i < 8; i += 2)
		even += d[i];
	d[9] = ((odd * 7 - even) % 10 + 10) % 10;
	for (i = 0; i < 10; i++)
		sum += d[i];
	d[10] = sum % 10;
	for (i = 0; i < 11; i++)
		out[i] = (char)('0' + d[i]);
	out[11] = '\0';
}

static void
test_form_rows(void **state)
{
	struct buf b = BUF_INIT;
	struct form *f;
	char tckn[12];
	size_t i;
	int found = 0;

	buf_puts(&b, "Adı Soyadı;T.C. Kimlik No;E-posta\n");
	for (i = 0; i < 10; i++) {
		make_tckn((unsigned)i + 7, tckn);
		assert_true(tckn_valid(tckn));
		buf_printf(&b, "Kişi %zu;%s;k%zu@example.edu.tr\n", i, tckn, i);
	}
	f = form_read_csv((const unsigned char *)b.s, b.len, 2000);
	assert_non_null(f);
	assert_int_equal(f->npeople, 10);
	form_free(&f);

	f = form_read_csv((const unsigned char *)b.s, b.len, 3);
	assert_non_null(f);
	assert_int_equal(f->npeople, 3);
	for (i = 0; i < f->nproblems; i++)
		if (strstr(f->problems[i].text, "more than 3 rows") != NULL)
			found = 1;
	assert_true(found);
	form_free(&f);
	buf_free(&b);
}

static unsigned char *
load(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	data = malloc((size_t)n);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return data;
}

static void
test_zip_bomb(void **state)
{
	static const char *bombs[] = {
		"tests/fixtures/forms/bomb.xlsx",
		"tests/fixtures/forms/bomb-lying.xlsx",	/* sizes in the
							 * directory lie */
	};
	unsigned char *data;
	struct form *f;
	char err[256];
	size_t len, i;

	for (i = 0; i < 2; i++) {
		data = load(bombs[i], &len);
		err[0] = '\0';
		f = form_read_xlsx(data, len, 2000, err, sizeof err);
		assert_null(f);
		assert_non_null(strstr(err, "refused"));
		free(data);
	}
}

static void
test_match_limit(void **state)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir;
	char dir[512], path[600], err[512];
	struct rule_set *rs = NULL;
	struct rule_result res;
	struct mime_msg *m;
	struct buf raw = BUF_INIT;
	FILE *fp;
	int i;

	snprintf(dir, sizeof dir, "%s/test_limits.XXXXXX", base);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.rules", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("[rule evil]\nstep = note\nfrom = anyone\nbody = (a+)+$\n", fp);
	fclose(fp);
	i = rules_load(dir, &rs, err, sizeof err);
	unlink(path);
	rmdir(dir);
	if (i != 0)
		fail_msg("%s", err);

	buf_puts(&raw, "From: a@example.edu.tr\r\nSubject: s\r\n\r\n");
	for (i = 0; i < 5000; i++)
		buf_putc(&raw, 'a');
	buf_puts(&raw, "!\r\n");
	m = parse(raw.s, raw.len);
	memset(&res, 0, sizeof res);
	assert_int_equal(rules_eval(rs, m, ~0u, 0, &res), -1);
	assert_null(res.rule);
	assert_string_equal(res.limit_rule, "evil");
	rules_result_free(&res);
	mime_free(&m);
	buf_free(&raw);
	rules_free(&rs);
}

/* A file read into a capped buf: the cap holds, and each failure says
 * what it was. */
static void
test_read_file(void **state)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir;
	char path[600];
	struct buf b = BUF_INIT;
	FILE *fp;
	int fd;

	snprintf(path, sizeof path, "%s/test_limits.XXXXXX", base);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	for (int i = 0; i < 1000; i++)
		fputs("0123456789", fp);
	fclose(fp);
	assert_int_equal(buf_read_file(&b, path), 0);
	assert_int_equal(b.len, 10000);
	buf_free(&b);
	b.cap = 4096;
	assert_int_equal(buf_read_file(&b, path), -1);
	assert_string_equal(buf_read_error(), "file too large");
	assert_true(b.len <= 4096);
	buf_free(&b);
	unlink(path);
	assert_int_equal(buf_read_file(&b, path), -1);
	assert_string_equal(buf_read_error(), "No such file or directory");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_depth, teardown),
		cmocka_unit_test_teardown(test_parts, teardown),
		cmocka_unit_test_teardown(test_attachment, teardown),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_form_rows),
		cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_match_limit),
		cmocka_unit_test(test_read_file),
	};

	log_init(LOG_LVL_ERR, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
