/* fuzz_form: the form readers on arbitrary bytes; the first byte picks
 * the reader (xlsx, docx, csv, html, text) and the rest is its input. */
#include "form.h"
#include "fuzz.h"

#define ROWS	2000

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form *f = NULL;
	char err[256];
	size_t i, n = 0;

	if (size < 1)
		return 0;
	err[0] = '\0';
	switch (data[0] % 5) {
	case 0:
		f = form_read_xlsx(data + 1, size - 1, ROWS, err, sizeof(err));
		break;
	case 1:
		f = form_read_docx(data + 1, size - 1, ROWS, err, sizeof(err));
		break;
	case 2:
		f = form_read_csv(data + 1, size - 1, ROWS);
		break;
	case 3:
		f = form_read_html((const char *)data + 1, size - 1, ROWS);
		break;
	default:
		f = form_read_text((const char *)data + 1, size - 1, ROWS);
		break;
	}
	n += fuzz_touch(err);
	if (f != NULL) {
		n += fuzz_touch(f->source);
		for (i = 0; i < f->npeople; i++) {
			n += fuzz_touch(f->people[i].name);
			n += fuzz_touch(f->people[i].tckn);
			n += fuzz_touch(f->people[i].title);
			n += fuzz_touch(f->people[i].unit);
			n += fuzz_touch(f->people[i].email);
			n += fuzz_touch(f->people[i].phone);
			n += fuzz_touch(f->people[i].birth_date);
			n += fuzz_touch(f->people[i].kind);
		}
		for (i = 0; i < f->nproblems; i++)
			n += fuzz_touch(f->problems[i].text);
		if (f->npeople > ROWS)
			abort();	/* max_rows not honoured */
		form_free(&f);
	}
	return n == (size_t)-1;
}
