/* Unit tests for the form readers: every source shape on fixtures from
 * tests/fixtures/forms (FORM_FIXTURES overrides the directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "form.h"
#include "ledger.h"
#include "mime.h"

static unsigned char *
load(const char *name, size_t *len_r)
{
	const char *dir = getenv("FORM_FIXTURES");
	char path[512];
	unsigned char *data;
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL ? dir : "tests/fixtures/forms", name);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open fixture %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, fp), (size_t)n);
	data[n] = '\0';
	fclose(fp);
	*len_r = (size_t)n;
	return data;
}

static const struct form_person *
person(const struct form *f, const char *tckn)
{
	size_t i;

	for (i = 0; i < f->npeople; i++)
		if (f->people[i].tckn != NULL &&
		    strcmp(f->people[i].tckn, tckn) == 0)
			return &f->people[i];
	fail_msg("no person with %s", tckn);
	return NULL;
}

/* No problem text may carry a full T.C. Kimlik No. */
static void
assert_masked(const struct form *f)
{
	size_t i, j, run;
	const char *s;

	for (i = 0; i < f->nproblems; i++) {
		s = f->problems[i].text;
		for (j = 0, run = 0; s[j] != '\0'; j++) {
			run = s[j] >= '0' && s[j] <= '9' ? run + 1 : 0;
			assert_true(run < 11);
		}
	}
}

static void
test_xlsx(void **state)
{
	unsigned char *data;
	size_t len;
	char err[256];
	struct form *f;
	const struct form_person *p;

	data = load("nes-form.xlsx", &len);
	f = form_read_xlsx(data, len, 100, err, sizeof(err));
	assert_non_null(f);
	assert_int_equal(f->npeople, 2);
	/* Stored as the number 1.0000000146E10. */
	p = person(f, "10000000146");
	assert_string_equal(p->name, "Ayşe Yılmaz");
	assert_string_equal(p->title, "Öğr. Gör.");
	assert_string_equal(p->unit, "Mühendislik Fakültesi");
	assert_string_equal(p->email, "ayse.yilmaz@ornek.edu.tr");
	assert_string_equal(p->phone, "0532 111 22 33");
	assert_string_equal(p->birth_date, "1985-03-15");
	/* Rich text without its phonetic run; a skipped column. */
	p = person(f, "12345678950");
	assert_string_equal(p->name, "İsmail Işık");
	assert_null(p->title);
	assert_string_equal(p->unit, "Mühendislik Fakültesi");
	assert_string_equal(p->email, "ismail.isik@ornek.edu.tr");
	/* The bad row, by its Excel row number, TCKN masked. */
	assert_int_equal(f->nproblems, 1);
	assert_int_equal(f->problems[0].row, 6);
	assert_non_null(strstr(f->problems[0].text, "123******01"));
	/* In Turkish, for the acknowledgement to the unit head. */
	assert_non_null(strstr(f->problems[0].text, "geçerli değil"));
	/* Named by the form's own numbering, not the sheet's row. */
	assert_string_equal(f->problems[0].where, "Sıra 3");
	assert_masked(f);
	form_free(&f);
	assert_null(f);

	/* max_rows bounds what is read, and says so. */
	f = form_read_xlsx(data, len, 1, err, sizeof(err));
	assert_non_null(f);
	assert_int_equal(f->npeople, 1);
	assert_int_equal(f->nproblems, 1);
	assert_non_null(strstr(f->problems[0].text, "1 satırdan sonrası"));
	form_free(&f);

	/* Not a zip at all. */
	assert_null(form_read_xlsx((const unsigned char *)"hello", 5, 100,
	    err, sizeof(err)));
	assert_true(err[0] != '\0');
	free(data);
}

static void
test_zip_bomb(void **state)
{
	unsigned char *data;
	size_t len;
	char err[256];

	data = load("bomb.xlsx", &len);
	assert_true(len < 20000);
	assert_null(form_read_xlsx(data, len, 100, err, sizeof(err)));
	assert_non_null(strstr(err, "zip bomb"));
	free(data);

	/* The headers lie about the size: still refused. */
	data = load("bomb-lying.xlsx", &len);
	err[0] = '\0';
	assert_null(form_read_xlsx(data, len, 100, err, sizeof(err)));
	assert_non_null(strstr(err, "zip bomb"));
	free(data);
}

static void
test_docx(void **state)
{
	unsigned char *data;
	size_t len;
	char err[256];
	struct form *f;
	const struct form_person *p;

	data = load("nes-form.docx", &len);
	f = form_read_docx(data, len, 100, err, sizeof(err));
	assert_non_null(f);
	assert_int_equal(f->nproblems, 0);
	assert_int_equal(f->npeople, 3);
	/* Separate Adı / Soyadı joined, case as written, spaced TCKN. */
	p = person(f, "10000000146");
	assert_string_equal(p->name, "Ayşe YILMAZ");
	assert_string_equal(p->title, "Dr. Öğr. Üyesi");
	assert_string_equal(p->email, "ayse.yilmaz@ornek.edu.tr");
	assert_string_equal(person(f, "23456789060")->name, "Gülşen Çelik");
	/* A cell merged over Adı and Soyadı keeps the columns after it. */
	p = person(f, "34567890170");
	assert_string_equal(p->name, "Mehmet Şahin");
	assert_string_equal(p->title, "Memur");
	assert_string_equal(p->email, "mehmet.sahin@ornek.edu.tr");
	form_free(&f);
	free(data);
}

static void
test_csv(void **state)
{
	unsigned char *data;
	size_t len;
	struct form *f;
	const struct form_person *p;

	/* ';', windows-1254, no BOM. */
	data = load("form-1254.csv", &len);
	f = form_read_csv(data, len, 100);
	assert_non_null(f);
	assert_int_equal(f->npeople, 2);
	assert_int_equal(f->nproblems, 0);
	p = person(f, "45678901280");
	assert_string_equal(p->name, "Şükrü Doğan");
	assert_string_equal(p->unit, "İktisadi ve İdari Bilimler");
	assert_string_equal(p->email, "sukru.dogan@ornek.edu.tr");
	assert_string_equal(person(f, "56789012390")->name, "Ümit Işıkçı");
	form_free(&f);
	free(data);

	/* ',', UTF-8 with BOM, quoted fields. */
	data = load("form-utf8-bom.csv", &len);
	f = form_read_csv(data, len, 100);
	assert_non_null(f);
	assert_int_equal(f->npeople, 2);
	p = person(f, "67890123400");
	assert_string_equal(p->name, "Zeynep Kaya");
	assert_string_equal(p->title, "Prof. Dr.");
	assert_string_equal(p->unit, "Fen Fakültesi, Fizik Bölümü");
	assert_string_equal(person(f, "78901234510")->name, "Ali \"Can\" Er");
	form_free(&f);
	free(data);
}

static void
test_html(void **state)
{
	unsigned char *data;
	size_t len;
	struct form *f;
	const struct form_person *p;

	data = load("form.html", &len);
	f = form_read_html((const char *)data, len, 100);
	assert_non_null(f);
	assert_int_equal(f->npeople, 2);
	p = person(f, "10000000146");
	/* Whitespace collapsed, markup dropped, address lower-cased. */
	assert_string_equal(p->name, "Hüseyin Öztürk");
	assert_string_equal(p->title, "Doç. Dr.");
	assert_string_equal(p->unit, "Tıp Fakültesi");
	assert_string_equal(p->email, "huseyin.ozturk@ornek.edu.tr");
	assert_string_equal(p->phone, "0533 000 00 00");
	assert_string_equal(person(f, "19090909018")->name, "Elif Su");
	/* Bad checksum and bad address: reported by row, others kept. */
	assert_int_equal(f->nproblems, 2);
	assert_int_equal(f->problems[0].row, 4);
	assert_non_null(strstr(f->problems[0].text, "123******01"));
	assert_int_equal(f->problems[1].row, 5);
	assert_non_null(strstr(f->problems[1].text, "e-posta adresi"));
	assert_string_equal(f->problems[0].where, "Sıra 3");
	assert_string_equal(f->problems[1].where, "Sıra 4");
	assert_masked(f);
	form_free(&f);
	free(data);

	assert_null(form_read_html("<p>Talep formu ektedir.</p>", 27, 100));
}

static void
test_text_table(void **state)
{
	unsigned char *data;
	size_t len;
	struct form *f;
	const char *tabs = "Adı Soyadı\tTC KİMLİK NO\tBirim\n"
	    "Ayşe Yılmaz\t10000000146\tBİDB\n";
	const char *spaces = "ADI SOYADI      T.C. KİMLİK NUMARASI   UNVANI\n"
	    "Ayşe Yılmaz     10000000146            Öğr. Gör.\n";

	data = load("form-table.txt", &len);
	f = form_read_text((const char *)data, len, 100);
	assert_non_null(f);
	assert_int_equal(f->npeople, 2);
	assert_string_equal(person(f, "10000000146")->name, "Ayşe Yılmaz");
	assert_string_equal(person(f, "12345678950")->name, "İbrahim Işık");
	assert_string_equal(person(f, "12345678950")->email,
	    "ibrahim.isik@ornek.edu.tr");
	/* Ten digits: the line of the body it is on; the prose line right
	 * under the table is not a person. */
	assert_int_equal(f->nproblems, 1);
	assert_int_equal(f->problems[0].row, 9);
	assert_non_null(strstr(f->problems[0].text, "11 haneli değil"));
	/* Line 9 of the mail; the form calls it Sıra 3. */
	assert_string_equal(f->problems[0].where, "Sıra 3");
	form_free(&f);
	free(data);

	f = form_read_text(tabs, strlen(tabs), 100);
	assert_non_null(f);
	assert_int_equal(f->npeople, 1);
	assert_string_equal(f->people[0].unit, "BİDB");
	form_free(&f);

	/* Without a Sıra column a bad row is the table's n-th, whatever
	 * line of the mail it is on. */
	f = form_read_text("Merhaba,\n\nAdı Soyadı\tTC KİMLİK NO\n"
	    "Ayşe Yılmaz\t10000000146\nAli Veli\t12345678901\n", 85, 100);
	assert_non_null(f);
	assert_int_equal(f->nproblems, 1);
	assert_string_equal(f->problems[0].where, "tablonun 2. satırı");
	assert_non_null(strstr(f->problems[0].text, "Ali Veli: T.C. Kimlik "
	    "No 123******01 geçerli değil"));
	form_free(&f);

	f = form_read_text(spaces, strlen(spaces), 100);
	assert_non_null(f);
	assert_int_equal(f->npeople, 1);
	assert_string_equal(f->people[0].name, "Ayşe Yılmaz");
	assert_string_equal(f->people[0].title, "Öğr. Gör.");
	form_free(&f);

	assert_null(form_read_text("Merhaba,\nformu ekte gönderiyorum.\n", 33,
	    100));
}

static void
test_text_list(void **state)
{
	unsigned char *data;
	size_t len;
	struct form *f;
	const struct form_person *p;

	data = load("form-list.txt", &len);
	f = form_read_text((const char *)data, len, 100);
	assert_non_null(f);
	assert_int_equal(f->npeople, 3);
	p = person(f, "23456789060");
	assert_string_equal(p->name, "Fatma Nur Güneş");
	assert_string_equal(p->title, "Öğr. Gör.");
	assert_string_equal(p->email, "fatma.gunes@ornek.edu.tr");
	p = person(f, "34567890170");
	assert_string_equal(p->name, "Kemal Arslan");
	assert_string_equal(p->phone, "0532 123 45 67");
	assert_string_equal(p->email, "kemal.arslan@ornek.edu.tr");
	/* A block ends where its key repeats. */
	assert_string_equal(person(f, "45678901280")->name, "Selin Yurt");
	assert_int_equal(f->nproblems, 1);
	assert_int_equal(f->problems[0].row, 17);
	assert_non_null(strstr(f->problems[0].text, "Burak Tan"));
	assert_non_null(strstr(f->problems[0].text, "456******81"));
	form_free(&f);
	free(data);
}

/* One classifier decides what is read as a form and what the ledger
 * keeps: every attachment form_find would read, or refuse with a reason,
 * is kept for reprocess, and nothing else is. */
static void
test_kind(void **state)
{
	unsigned char *xlsx, *docx;
	size_t xlen, dlen;
	static const unsigned char ole[] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
	    "0000";
	static const char csv[] = "Ad Soyad,TCKN\r\nAli Veli,10000000146\r\n";
	static const char html[] = "  <html><table><tr><td>Ad</td></tr>";
	struct {
		const char	*name;
		const char	*type;
		const unsigned char *data;
		size_t		 len;
		enum form_kind	 kind;
	} c[] = {
		{ "talep.zip", "application/octet-stream", NULL, 0, FORM_ZIP },
		{ NULL, "application/octet-stream", NULL, 0, FORM_ZIP },
		{ "Form.XLSX", "application/octet-stream", NULL, 0,
		    FORM_XLSX },
		{ "form.docx", "application/msword", NULL, 0, FORM_DOCX },
		{ "liste", "application/csv", (const unsigned char *)csv,
		    sizeof csv - 1, FORM_CSV },
		{ NULL, "text/comma-separated-values",
		    (const unsigned char *)csv, sizeof csv - 1, FORM_CSV },
		{ "liste.csv", "text/plain", (const unsigned char *)csv,
		    sizeof csv - 1, FORM_CSV },
		{ "form.xls", "application/vnd.ms-excel",
		    (const unsigned char *)html, sizeof html - 1, FORM_HTML },
		{ "eski.xls", "application/vnd.ms-excel", ole, sizeof ole - 1,
		    FORM_OLD_OFFICE },
		{ "eski.doc", "application/octet-stream", ole, sizeof ole - 1,
		    FORM_OLD_OFFICE },
		{ "notlar.txt", "text/plain", (const unsigned char *)csv,
		    sizeof csv - 1, FORM_NONE },
		{ "form.pdf", "application/octet-stream",
		    (const unsigned char *)"%PDF-1.4", 8, FORM_NONE },
		{ "imza.p7s", "application/pkcs7-signature",
		    (const unsigned char *)"0\x82\x01", 3, FORM_NONE },
		{ "resim.png", "image/png",
		    (const unsigned char *)"\x89PNG\r\n\x1a\n", 8, FORM_NONE },
	};
	struct mime_attachment a;

	xlsx = load("nes-form.xlsx", &xlen);
	docx = load("nes-form.docx", &dlen);
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		memset(&a, 0, sizeof a);
		a.name = (char *)c[i].name;
		a.type = (char *)c[i].type;
		a.data = (unsigned char *)c[i].data;
		a.len = c[i].len;
		if (a.data == NULL) {
			int doc = c[i].kind == FORM_DOCX;

			a.data = doc ? docx : xlsx;
			a.len = doc ? dlen : xlen;
		}
		if (form_attachment_kind(&a) != c[i].kind)
			fail_msg("%s (%s): kind %d, not %d", c[i].name,
			    c[i].type, form_attachment_kind(&a), c[i].kind);
		assert_int_equal(ledger_is_form_attachment(&a),
		    c[i].kind != FORM_NONE);
	}
	free(xlsx);
	free(docx);
}

static void
test_find(void **state)
{
	struct mime_attachment att[3];
	struct mime_msg msg;
	struct form *f;
	unsigned char *xlsx, *bomb, *html, *text;
	size_t xlen, blen, hlen, tlen;

	xlsx = load("nes-form.xlsx", &xlen);
	bomb = load("bomb.xlsx", &blen);
	html = load("form.html", &hlen);
	text = load("form-list.txt", &tlen);
	memset(&msg, 0, sizeof(msg));
	memset(att, 0, sizeof(att));
	att[0].name = "NES Formu.pdf";
	att[0].type = "application/pdf";
	att[0].data = (unsigned char *)"%PDF-1.4";
	att[0].len = 8;
	att[1].name = "NES Formu.pdf.p7s";
	att[1].type = "application/pkcs7-signature";
	att[1].data = (unsigned char *)"0\x82";
	att[1].len = 2;
	att[2].name = "NES Talep.xlsx";
	att[2].type = "application/octet-stream";
	att[2].data = xlsx;
	att[2].len = xlen;
	msg.att = att;
	msg.natt = 3;
	msg.html = (char *)html;
	msg.text = (char *)text;

	/* The attachment comes before the body. */
	assert_int_equal(form_find(&msg, 100, &f), 1);
	assert_non_null(f);
	assert_string_equal(f->source, "NES Talep.xlsx");
	assert_int_equal(f->npeople, 2);
	form_free(&f);

	/* A refused attachment: the body's table still read, and -1. */
	att[2].name = "NES Talep.xlsx";
	att[2].data = bomb;
	att[2].len = blen;
	assert_int_equal(form_find(&msg, 100, &f), -1);
	assert_non_null(f);
	assert_string_equal(f->source, "body (HTML table)");
	assert_int_equal(f->npeople, 2);
	/* The reader's own words go to the log; the form's problem says
	 * which file was not read, in Turkish. */
	assert_non_null(strstr(f->problems[f->nproblems - 1].text,
	    "NES Talep.xlsx: dosya okunamadı"));
	assert_null(f->problems[f->nproblems - 1].where);
	form_free(&f);

	/* Only text. */
	msg.natt = 0;
	msg.html = NULL;
	assert_int_equal(form_find(&msg, 100, &f), 1);
	assert_string_equal(f->source, "body (text)");
	assert_int_equal(f->npeople, 3);
	form_free(&f);

	/* No form anywhere. */
	msg.text = "Merhaba,\nNES talebimiz hakkında bilgi rica ederim.\n";
	assert_int_equal(form_find(&msg, 100, &f), 0);
	assert_null(f);

	free(xlsx);
	free(bomb);
	free(html);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_docx),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_text_list),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
