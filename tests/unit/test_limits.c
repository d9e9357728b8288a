/* Unit tests of the [limits] of cfg.h: each bound holds where the robot
 * applies it.  MIME nesting depth, parts and decoded attachment bytes
 * (mime_set_limits, set by robot_open from the config), the message size
 * (mime_decode), the form rows (form readers), the zip bomb refusal of
 * .xlsx forms, the memory an .xlsx of millions of cells or strings takes,
 * and the PCRE2 match limit (rules).  Run from the top of the tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "buf.h"
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

	/* Over the limit: counted before the parse, headers only. */
	mime_set_limits(0, 4, 0);
	m = parse(raw, strlen(raw));
	assert_int_equal(m->natt, 0);
	assert_string_equal(m->subject, "parts");
	assert_non_null(m->notes);
	assert_non_null(strstr(m->notes, "more than 4 parts: headers only"));
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

	m = mime_decode(raw, len, len);
	assert_non_null(m);
	assert_int_equal(m->natt, 3);
	mime_free(&m);

	/* Over max_message: headers only, and said so. */
	m = mime_decode(raw, len, 4096);
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
		if (strstr(f->problems[i].text, "3 satırdan sonrası okunmadı") != NULL)
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

/* The pathological workbooks: a few dozen kilobytes of zip that inflate
 * to millions of cells or shared strings.  Each has a header row and two
 * people first, then the bulk. */
enum bulk { BULK_CELLS, BULK_ROWS, BULK_STRINGS };

#define SHEET_HEAD \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=" \
	"\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" \
	"<sheetData>"
#define SHEET_TAIL	"</sheetData></worksheet>"

static void
is_cell(struct buf *b, const char *ref, const char *text)
{
	buf_printf(b, "<c r=\"%s\" t=\"inlineStr\"><is><t>%s</t></is></c>",
	    ref, text);
}

static void
wb_add(zip_t *za, const char *name, struct buf *b)
{
	zip_source_t *src = zip_source_buffer(za, b->s, b->len, 0);

	assert_non_null(src);
	assert_true(zip_file_add(za, name, src, ZIP_FL_OVERWRITE) >= 0);
}

/* Writes the workbook to path (in a child: the bulk never touches the
 * measuring process). */
static void
write_workbook(const char *path, enum bulk kind)
{
	struct buf sheet = BUF_INIT, sst = BUF_INIT;
	zip_t *za;
	int err;
	size_t i;

	buf_puts(&sheet, SHEET_HEAD);
	if (kind == BULK_STRINGS) {
		/* Every text in the shared strings, a million after it. */
		buf_puts(&sst, "<?xml version=\"1.0\"?><sst xmlns=\"http://"
		    "schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		    "<si><t>Adı Soyadı</t></si><si><t>T.C. Kimlik No</t></si>"
		    "<si><t>Ayşe Yılmaz</t></si><si><r><t>Ömer </t></r><r>"
		    "<t>Şahin</t></r></si>");
		for (i = 0; i < 1000000; i++)
			buf_puts(&sst, "<si><t>x</t></si>");
		buf_puts(&sst, "</sst>");
		buf_puts(&sheet, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v>"
		    "</c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
		    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c>"
		    "<c r=\"B2\"><v>10000000146</v></c></row>"
		    "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>3</v></c>"
		    "<c r=\"B3\"><v>1.2345678950E10</v></c></row>");
	} else {
		buf_puts(&sheet, "<row r=\"1\">");
		is_cell(&sheet, "A1", "Adı Soyadı");
		is_cell(&sheet, "B1", "T.C. Kimlik No");
		buf_puts(&sheet, "</row><row r=\"2\">");
		is_cell(&sheet, "A2", "Ayşe Yılmaz");
		buf_puts(&sheet, "<c r=\"B2\"><v>10000000146</v></c></row>"
		    "<row r=\"3\">");
		is_cell(&sheet, "A3", "Ömer Şahin");
		buf_puts(&sheet, "<c r=\"B3\"><v>12345678950</v></c></row>");
		if (kind == BULK_CELLS) {
			/* Three million empty cells in one row. */
			buf_puts(&sheet, "<row r=\"4\">");
			for (i = 0; i < 3000000; i++)
				buf_puts(&sheet, "<c/>");
			buf_puts(&sheet, "</row>");
		} else
			/* Two hundred thousand rows of empty cells. */
			for (i = 0; i < 200000; i++)
				buf_puts(&sheet, "<row><c/><c/><c/><c/><c/>"
				    "<c/><c/><c/><c/><c/></row>");
	}
	buf_puts(&sheet, SHEET_TAIL);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(za);
	wb_add(za, "xl/worksheets/sheet1.xml", &sheet);
	if (sst.len > 0)
		wb_add(za, "xl/sharedStrings.xml", &sst);
	assert_int_equal(zip_close(za), 0);
	buf_free(&sheet);
	buf_free(&sst);
}

/* Runs fn(arg) in a child; returns its exit status, and its peak RSS in
 * kilobytes in *rss_r. */
static int
in_child(void (*fn)(const char *, enum bulk), const char *path,
    enum bulk kind, long *rss_r)
{
	struct rusage ru;
	pid_t pid;
	int status;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		fn(path, kind);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(wait4(pid, &status, 0, &ru), pid);
	*rss_r = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The child that reads: exits 0 when both people were read. */
static void
read_workbook(const char *path, enum bulk kind)
{
	unsigned char *data;
	struct form *f;
	char err[256];
	size_t len;

	data = load(path, &len);
	f = form_read_xlsx(data, len, 2000, err, sizeof err);
	if (f == NULL)
		_exit(3);
	if (f->npeople != 2 || strcmp(f->people[0].tckn, "10000000146") != 0 ||
	    strcmp(f->people[1].tckn, "12345678950") != 0)
		_exit(4);
	form_free(&f);
	free(data);
}

/* Peak memory stays bounded (64 MB, a resource bound, not a timing one)
 * whatever the workbook inflates to, and the people before the bulk are
 * read. */
static void
test_xlsx_memory(void **state)
{
	static const char *const what[] = { "3,000,000 empty cells in a row",
	    "200,000 rows of empty cells", "1,000,000 shared strings" };
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir;
	char path[600];
	struct stat st;
	long rss;
	int rc;

	for (int k = BULK_CELLS; k <= BULK_STRINGS; k++) {
		snprintf(path, sizeof path, "%s/test_limits.%d.%d.xlsx", base,
		    (int)getpid(), k);
		assert_int_equal(in_child(write_workbook, path, (enum bulk)k,
		    &rss), 0);
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size < 100 * 1024);
		rc = in_child(read_workbook, path, (enum bulk)k, &rss);
		print_message("xlsx with %s (%lld bytes): peak RSS %ld KB\n",
		    what[k], (long long)st.st_size, rss);
		unlink(path);
		assert_int_equal(rc, 0);
		assert_true(rss < 64 * 1024);
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
		cmocka_unit_test(test_xlsx_memory),
		cmocka_unit_test(test_match_limit),
		cmocka_unit_test(test_read_file),
	};

	log_init(LOG_LVL_ERR, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
