/* form: header-row detection, row validation, the table type shared by
 * the readers, and form_find(); see form.h and form_int.h. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "buf.h"
#include "fold.h"
#include "form.h"
#include "form_int.h"
#include "log.h"
#include "mem.h"
#include "tckn.h"

/* Header names, folded (FOLD_ASCII) with everything but [a-z0-9]
 * removed, so "T.C. Kimlik No", "TC KİMLİK NO" and "tc-kimlik-no" are one
 * key.  A cell matches a key exactly, or (keys of 4+ letters) starts with
 * it: "Kurumsal E-posta Adresi (zorunlu)". */
static const struct {
	const char	*key;
	enum form_col	 col;
	int		 exact;
} colnames[] = {
	{ "adsoyad", FORM_COL_NAME, 0 },
	{ "adisoyadi", FORM_COL_NAME, 0 },
	{ "adisoyad", FORM_COL_NAME, 0 },
	{ "adsoyadi", FORM_COL_NAME, 0 },
	{ "isimsoyisim", FORM_COL_NAME, 0 },
	{ "isimsoyad", FORM_COL_NAME, 0 },
	{ "personel", FORM_COL_NAME, 0 },
	{ "ad", FORM_COL_FIRST, 1 },
	{ "adi", FORM_COL_FIRST, 1 },
	{ "isim", FORM_COL_FIRST, 1 },
	{ "isimler", FORM_COL_FIRST, 1 },
	{ "soyad", FORM_COL_LAST, 1 },
	{ "soyadi", FORM_COL_LAST, 1 },
	{ "soyisim", FORM_COL_LAST, 1 },
	{ "tckimlikno", FORM_COL_TCKN, 0 },
	{ "tckimliknumarasi", FORM_COL_TCKN, 0 },
	{ "tckimlik", FORM_COL_TCKN, 0 },
	{ "tckn", FORM_COL_TCKN, 0 },
	{ "tcno", FORM_COL_TCKN, 0 },
	{ "kimlikno", FORM_COL_TCKN, 0 },
	{ "kimliknumarasi", FORM_COL_TCKN, 0 },
	{ "unvan", FORM_COL_TITLE, 0 },
	{ "unvani", FORM_COL_TITLE, 0 },
	{ "birim", FORM_COL_UNIT, 0 },
	{ "birimi", FORM_COL_UNIT, 0 },
	{ "bolum", FORM_COL_UNIT, 0 },
	{ "bolumu", FORM_COL_UNIT, 0 },
	{ "eposta", FORM_COL_EMAIL, 0 },
	{ "epostaadresi", FORM_COL_EMAIL, 0 },
	{ "kurumsaleposta", FORM_COL_EMAIL, 0 },
	{ "email", FORM_COL_EMAIL, 0 },
	{ "mail", FORM_COL_EMAIL, 0 },
	{ "ceptelefonu", FORM_COL_PHONE, 0 },
	{ "ceptel", FORM_COL_PHONE, 0 },
	{ "telefon", FORM_COL_PHONE, 0 },
	{ "gsm", FORM_COL_PHONE, 1 },
	{ "dogumtarihi", FORM_COL_BIRTH, 0 },
	{ "basvuruturu", FORM_COL_KIND, 0 },
	{ "sno", FORM_COL_SNO, 1 },
	{ "sirano", FORM_COL_SNO, 1 },
	{ "sira", FORM_COL_SNO, 1 },
	{ "no", FORM_COL_SNO, 1 },
};

void
form_table_init(struct form_table *t, int max_rows)
{
	memset(t, 0, sizeof(*t));
	t->limit = (size_t)(max_rows > 0 ? max_rows : 0) + FORM_HEADER_SCAN;
}

int
form_table_row(struct form_table *t, int num)
{
	if (t->nrow >= t->limit) {
		t->truncated = 1;
		return -1;
	}
	if (t->nrow == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->row = xrealloc(t->row, t->cap * sizeof(*t->row));
	}
	t->row[t->nrow].num = num;
	t->row[t->nrow].cell = NULL;
	t->row[t->nrow].ncell = 0;
	t->nrow++;
	return 0;
}

/* Whitespace for cells: ASCII space/controls and NBSP (U+00A0). */
static size_t
space_len(const unsigned char *p, size_t n)
{
	if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		return 1;
	if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	return 0;
}

static char *
clean_cell(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out;
	size_t i = 0, o = 0, k;
	int pend = 0;

	if (len > 4 * FORM_MAX_CELL) {
		len = 4 * FORM_MAX_CELL;
		while (len > 0 && (p[len] & 0xc0) == 0x80)
			len--;
	}
	out = xmalloc(len + 1);
	while (i < len) {
		if ((k = space_len(p + i, len - i)) > 0) {
			pend = o > 0;
			i += k;
			continue;
		}
		if (pend) {
			out[o++] = ' ';
			pend = 0;
		}
		out[o++] = (char)p[i++];
	}
	if (o > FORM_MAX_CELL) {
		/* Cut at a character boundary. */
		o = FORM_MAX_CELL;
		while (o > 0 && ((unsigned char)out[o] & 0xc0) == 0x80)
			o--;
	}
	out[o] = '\0';
	if (o == 0) {
		free(out);
		return NULL;
	}
	return out;
}

void
form_table_cell(struct form_table *t, size_t col, const char *s, size_t len)
{
	struct form_row *r;
	size_t i;

	if (t->nrow == 0 || col >= FORM_MAX_COLS)
		return;
	r = &t->row[t->nrow - 1];
	if (col >= r->ncell) {
		r->cell = xrealloc(r->cell, (col + 1) * sizeof(*r->cell));
		for (i = r->ncell; i <= col; i++)
			r->cell[i] = NULL;
		r->ncell = col + 1;
	}
	free(r->cell[col]);
	r->cell[col] = clean_cell(s, len);
}

void
form_table_push(struct form_table *t, const char *s, size_t len)
{
	if (t->nrow == 0)
		return;
	form_table_cell(t, t->row[t->nrow - 1].ncell, s, len);
}

void
form_table_drop(struct form_table *t)
{
	struct form_row *r;
	size_t j;

	if (t->nrow == 0)
		return;
	r = &t->row[--t->nrow];
	for (j = 0; j < r->ncell; j++)
		free(r->cell[j]);
	free(r->cell);
}

void
form_table_free(struct form_table *t)
{
	size_t i, j;

	for (i = 0; i < t->nrow; i++) {
		for (j = 0; j < t->row[i].ncell; j++)
			free(t->row[i].cell[j]);
		free(t->row[i].cell);
	}
	free(t->row);
	memset(t, 0, sizeof(*t));
}

enum form_col
form_column(const char *cell)
{
	char key[64], *f;
	size_t i, o = 0, kl;

	if (cell == NULL || strlen(cell) > 128)
		return FORM_COL_NONE;
	f = fold_str(cell, FOLD_ASCII);
	for (i = 0; f[i] != '\0' && o < sizeof(key) - 1; i++)
		if ((f[i] >= 'a' && f[i] <= 'z') || (f[i] >= '0' && f[i] <= '9'))
			key[o++] = f[i];
	key[o] = '\0';
	free(f);
	if (o == 0)
		return FORM_COL_NONE;
	for (i = 0; i < sizeof(colnames) / sizeof(colnames[0]); i++)
		if (strcmp(key, colnames[i].key) == 0)
			return colnames[i].col;
	for (i = 0; i < sizeof(colnames) / sizeof(colnames[0]); i++) {
		kl = strlen(colnames[i].key);
		if (!colnames[i].exact && kl >= 4 &&
		    strncmp(key, colnames[i].key, kl) == 0)
			return colnames[i].col;
	}
	return FORM_COL_NONE;
}

/* Column index of each role in a header row (-1 = absent); returns 1 when
 * the row is a header. */
static int
header_map(char *const *cells, size_t n, int col_r[FORM_COL_N])
{
	enum form_col c;
	size_t i;
	int name;

	for (i = 0; i < FORM_COL_N; i++)
		col_r[i] = -1;
	for (i = 0; i < n && i < FORM_MAX_COLS; i++) {
		c = form_column(cells[i]);
		if (c != FORM_COL_NONE && col_r[c] == -1)
			col_r[c] = (int)i;
	}
	name = col_r[FORM_COL_NAME] != -1 ||
	    (col_r[FORM_COL_FIRST] != -1 && col_r[FORM_COL_LAST] != -1);
	return name && (col_r[FORM_COL_TCKN] != -1 ||
	    col_r[FORM_COL_EMAIL] != -1);
}

int
form_is_header(char *const *cells, size_t n)
{
	int col[FORM_COL_N];

	return header_map(cells, n, col);
}

static const char *
cell_at(const struct form_row *r, int col)
{
	if (col < 0 || (size_t)col >= r->ncell)
		return NULL;
	return r->cell[col];
}

static void
add_problem(struct form *f, int row, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The words are Turkish: they reach the unit head who sent the form (the
 * acknowledgement) and BİDB (the case history) as they are. */
static void
add_problem(struct form *f, int row, const char *where, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	f->problems = xrealloc(f->problems,
	    (f->nproblems + 1) * sizeof(*f->problems));
	f->problems[f->nproblems].row = row;
	f->problems[f->nproblems].where = where != NULL && *where != '\0' ?
	    xstrdup(where) : NULL;
	f->problems[f->nproblems].text = buf_steal(&b);
	f->nproblems++;
}

/* How the one who filled the form names row r: by its own number (Sıra)
 * when the form has one, else as the ord-th row of the table; a line
 * number of the mail or a sheet's row number means nothing to them. */
static void
row_where(const struct form_row *r, const int *col, int ord, char *out,
    size_t outlen)
{
	const char *sno = cell_at(r, col[FORM_COL_SNO]);
	size_t n;

	if (sno != NULL) {
		sno += strspn(sno, " \t");
		n = strcspn(sno, "\r\n");
		while (n > 0 && (sno[n - 1] == ' ' || sno[n - 1] == '.'))
			n--;
		if (n > 0 && n <= 16) {
			snprintf(out, outlen, "Sıra %.*s", (int)n, sno);
			return;
		}
	}
	snprintf(out, outlen, "tablonun %d. satırı", ord);
}

/* Excel stores dates as days since 1899-12-30; five-digit serials (1927 to
 * 2173) are taken for dates, anything else is kept as written. */
static char *
birth_date(const char *s)
{
	long days, y, m, d, era, doe, yoe, doy, mp;
	char out[64], *end;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strspn(s, "0123456789");
	if (n != 5 || (s[n] != '\0' && strspn(s + n, ".0") != strlen(s + n)))
		return xstrdup(s);
	days = strtol(s, &end, 10) - 25569 + 719468;	/* to 0000-03-01 */
	/* Civil-from-days (H. Hinnant). */
	era = days / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	snprintf(out, sizeof(out), "%04ld-%02ld-%02ld", y, m, d);
	return xstrdup(out);
}

static int
email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	size_t i;

	if (at == NULL || at == e || at[1] == '\0' || strchr(at + 1, '@'))
		return 0;
	for (i = 0; e[i] != '\0'; i++)
		if (e[i] == ' ' || e[i] == ',' || e[i] == ';' || e[i] == '<' ||
		    e[i] == '>')
			return 0;
	return 1;
}

static void
person_free(struct form_person *p)
{
	free(p->name);
	free(p->tckn);
	free(p->title);
	free(p->unit);
	free(p->email);
	free(p->phone);
	free(p->birth_date);
	free(p->kind);
	free(p->where);
}

/* Reads one data row into p.  Returns 0, or -1 after recording why the row
 * is bad. */
static int
read_row(struct form *f, const struct form_row *r, const int *col, int ord,
    struct form_person *p)
{
	const char *first, *last, *t, *e;
	char digits[16], mask[12], w[64];
	struct buf b = BUF_INIT;
	size_t i, n = 0;

	memset(p, 0, sizeof(*p));
	row_where(r, col, ord, w, sizeof w);
	if (col[FORM_COL_NAME] != -1)
		p->name = xstrdup(cell_at(r, col[FORM_COL_NAME]));
	if (p->name == NULL) {
		first = cell_at(r, col[FORM_COL_FIRST]);
		last = cell_at(r, col[FORM_COL_LAST]);
		if (first != NULL && last != NULL)
			buf_printf(&b, "%s %s", first, last);
		else if (first != NULL || last != NULL)
			buf_puts(&b, first != NULL ? first : last);
		if (b.len > 0)
			p->name = buf_steal(&b);
		buf_free(&b);
	}
	if (p->name == NULL) {
		add_problem(f, r->num, w, "ad soyad yok");
		goto fail;
	}

	if (col[FORM_COL_TCKN] != -1) {
		t = cell_at(r, col[FORM_COL_TCKN]);
		if (t == NULL) {
			add_problem(f, r->num, w, "%s: T.C. Kimlik No yok",
			    p->name);
			goto fail;
		}
		/* Spaces and dots people type for readability go. */
		for (i = 0; t[i] != '\0'; i++) {
			if (t[i] == ' ' || t[i] == '.' || t[i] == '-')
				continue;
			if (n == sizeof(digits) - 1) {
				n = 0;
				break;
			}
			digits[n++] = t[i];
		}
		digits[n] = '\0';
		tckn_mask(digits, mask);
		if (strlen(digits) != 11 ||
		    strspn(digits, "0123456789") != 11) {
			add_problem(f, r->num, w, "%s: T.C. Kimlik No 11 "
			    "haneli değil", p->name);
			goto fail;
		}
		if (!tckn_valid(digits)) {
			add_problem(f, r->num, w, "%s: T.C. Kimlik No %s "
			    "geçerli değil (kontrol haneleri tutmuyor)",
			    p->name, mask);
			goto fail;
		}
		for (i = 0; i < f->npeople; i++)
			if (f->people[i].tckn != NULL &&
			    strcmp(f->people[i].tckn, digits) == 0) {
				add_problem(f, r->num, w, "%s: T.C. Kimlik No "
				    "%s listede iki kez var", p->name, mask);
				goto fail;
			}
		p->tckn = xstrdup(digits);
	}

	if ((e = cell_at(r, col[FORM_COL_EMAIL])) != NULL) {
		if (ascii_prefix_ci(e, "mailto:"))
			e += 7;
		p->email = xstrdup(e);
		/* Addresses are ASCII: C-locale lower case, not Turkish. */
		ascii_lower_str(p->email);
		if (!email_ok(p->email)) {
			add_problem(f, r->num, w, "%s: e-posta adresi "
			    "\"%s\" geçerli değil", p->name, p->email);
			goto fail;
		}
	} else if (p->tckn == NULL) {
		add_problem(f, r->num, w, "%s: ne T.C. Kimlik No ne e-posta "
		    "adresi var", p->name);
		goto fail;
	}

	p->title = xstrdup(cell_at(r, col[FORM_COL_TITLE]));
	p->unit = xstrdup(cell_at(r, col[FORM_COL_UNIT]));
	p->phone = xstrdup(cell_at(r, col[FORM_COL_PHONE]));
	p->birth_date = birth_date(cell_at(r, col[FORM_COL_BIRTH]));
	p->kind = xstrdup(cell_at(r, col[FORM_COL_KIND]));
	p->where = xstrdup(w);
	return 0;
fail:
	person_free(p);
	memset(p, 0, sizeof(*p));
	return -1;
}

static int
row_empty(const struct form_row *r)
{
	size_t i;

	for (i = 0; i < r->ncell; i++)
		if (r->cell[i] != NULL)
			return 0;
	return 1;
}

struct form *
form_from_table(const struct form_table *t, int max_rows, const char *source)
{
	struct form *f;
	struct form_person p;
	const struct form_row *r;
	size_t h, i;
	int col[FORM_COL_N], seen_empty = 0, nread = 0;

	for (h = 0; h < t->nrow && h < FORM_HEADER_SCAN; h++)
		if (header_map(t->row[h].cell, t->row[h].ncell, col))
			break;
	if (h == t->nrow || h == FORM_HEADER_SCAN)
		return NULL;

	f = xcalloc(1, sizeof(*f));
	f->source = xstrdup(source);
	for (i = h + 1; i < t->nrow; i++) {
		r = &t->row[i];
		if (row_empty(r)) {
			seen_empty = 1;
			continue;
		}
		/* Template rows numbered in advance but left blank. */
		if (cell_at(r, col[FORM_COL_NAME]) == NULL &&
		    cell_at(r, col[FORM_COL_FIRST]) == NULL &&
		    cell_at(r, col[FORM_COL_LAST]) == NULL &&
		    cell_at(r, col[FORM_COL_TCKN]) == NULL &&
		    cell_at(r, col[FORM_COL_EMAIL]) == NULL)
			continue;
		/* Below a gap, a line without identity is the signature
		 * block, not a person. */
		if (seen_empty && cell_at(r, col[FORM_COL_TCKN]) == NULL &&
		    cell_at(r, col[FORM_COL_EMAIL]) == NULL)
			break;
		if (nread == max_rows) {
			add_problem(f, r->num, NULL, "%d satırdan sonrası "
			    "okunmadı (satır sınırı)", max_rows);
			break;
		}
		nread++;
		if (read_row(f, r, col, nread, &p) == -1)
			continue;
		p.row = r->num;
		f->people = xrealloc(f->people,
		    (f->npeople + 1) * sizeof(*f->people));
		f->people[f->npeople++] = p;
	}
	if (t->truncated && nread < max_rows)
		add_problem(f, 0, NULL, "tablo satır sınırından uzun; kalanı "
		    "okunmadı");
	return f;
}

void
form_refuse(struct form *f, size_t i, const char *why)
{
	struct form_person *p = &f->people[i];

	add_problem(f, p->row, p->where, "%s: %s", p->name ? p->name :
	    "(adı yok)",
	    why);
	person_free(p);
	memmove(p, p + 1, (f->npeople - i - 1) * sizeof *p);
	f->npeople--;
}

void
form_free(struct form **fp)
{
	struct form *f;
	size_t i;

	if (fp == NULL || (f = *fp) == NULL)
		return;
	for (i = 0; i < f->npeople; i++)
		person_free(&f->people[i]);
	for (i = 0; i < f->nproblems; i++) {
		free(f->problems[i].text);
		free(f->problems[i].where);
	}
	free(f->people);
	free(f->problems);
	free(f->source);
	free(f);
	*fp = NULL;
}

/* Text a person could have typed or a program exported: no NUL byte and
 * few control characters in the first 4 KB. */
static int
looks_textual(const unsigned char *p, size_t len)
{
	size_t n = len < 4096 ? len : 4096, ctl = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' &&
		    p[i] != '\t')
			ctl++;
	}
	return n > 0 && ctl * 20 < n;
}

enum form_kind
form_attachment_kind(const struct mime_attachment *a)
{
	const char *type = a->type != NULL ? a->type : "";
	const unsigned char *d = a->data;
	const char *nm = a->name;
	int named = ascii_suffix_ci(nm, ".xlsx") ||
	    ascii_suffix_ci(nm, ".docx") || ascii_suffix_ci(nm, ".xls") ||
	    ascii_suffix_ci(nm, ".csv") || ascii_suffix_ci(nm, ".doc") ||
	    ascii_suffix_ci(nm, ".ods");
	int typed = strstr(type, "spreadsheet") || strstr(type, "excel") ||
	    strstr(type, "wordprocessing") || strstr(type, "msword") ||
	    strcmp(type, "text/csv") == 0 ||
	    strcmp(type, "application/csv") == 0 ||
	    strcmp(type, "text/comma-separated-values") == 0;

	if (ascii_suffix_ci(nm, ".pdf") || ascii_suffix_ci(nm, ".p7s") ||
	    ascii_suffix_ci(nm, ".p7m"))
		return FORM_NONE;
	/* What the bytes are decides; the name and type only say whether to
	 * look (a spreadsheet saved as CSV keeps Excel's type, a form may
	 * come as octet-stream with no extension). */
	if (a->len > 4 && memcmp(d, "PK\003\004", 4) == 0) {
		if (ascii_suffix_ci(nm, ".docx") || strstr(type,
		    "wordprocessing"))
			return FORM_DOCX;
		if (ascii_suffix_ci(nm, ".xlsx") || strstr(type, "spreadsheet"))
			return FORM_XLSX;
		return FORM_ZIP;
	}
	if (!named && !typed && strcmp(type, "application/octet-stream") != 0)
		return FORM_NONE;
	if (a->len > 8 && memcmp(d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) ==
	    0)
		return FORM_OLD_OFFICE;
	if (looks_textual(d, a->len)) {
		size_t skip = strspn((const char *)d, " \t\r\n");

		return skip < a->len && d[skip] == '<' ? FORM_HTML : FORM_CSV;
	}
	return FORM_NONE;
}

static void
set_source(struct form *f, const char *s)
{
	free(f->source);
	f->source = xstrdup(s);
}

int
form_find(const struct mime_msg *msg, int max_rows, struct form **form_r)
{
	const struct mime_attachment *a;
	struct form *f = NULL;
	char err[256], *bad = NULL;
	size_t i;

	*form_r = NULL;
	if (msg == NULL)
		return 0;
	for (i = 0; i < msg->natt && f == NULL; i++) {
		a = &msg->att[i];
		err[0] = '\0';
		switch (form_attachment_kind(a)) {
		case FORM_XLSX:
			f = form_read_xlsx(a->data, a->len, max_rows, err,
			    sizeof(err));
			break;
		case FORM_DOCX:
			f = form_read_docx(a->data, a->len, max_rows, err,
			    sizeof(err));
			break;
		case FORM_CSV:
			f = form_read_csv(a->data, a->len, max_rows);
			break;
		case FORM_HTML:
			f = form_read_html((const char *)a->data, a->len,
			    max_rows);
			break;
		case FORM_ZIP:
			f = form_read_xlsx(a->data, a->len, max_rows, err,
			    sizeof(err));
			if (f == NULL)
				f = form_read_docx(a->data, a->len, max_rows,
				    err, sizeof(err));
			err[0] = '\0';	/* only a guess: no complaint */
			break;
		case FORM_OLD_OFFICE:
			snprintf(err, sizeof(err), "eski biçimde bir Excel ya "
			    "da Word dosyası (.xls, .doc) okunamıyor; lütfen "
			    ".xlsx, .docx ya da .csv olarak gönderiniz");
			break;
		case FORM_NONE:
			continue;
		}
		if (f != NULL)
			set_source(f, a->name != NULL ? a->name : "attachment");
		else if (err[0] != '\0' && bad == NULL) {
			struct buf b = BUF_INIT;
			const char *name = a->name != NULL ? a->name : "ek";

			/* The reader's own words are for the log. */
			log_warn("form: %s: %s", name, err);
			if (form_attachment_kind(a) == FORM_OLD_OFFICE)
				buf_printf(&b, "%s: %s", name, err);
			else
				buf_printf(&b, "%s: dosya okunamadı (bozuk ya "
				    "da tanınmayan biçim)", name);
			bad = buf_steal(&b);
		}
	}
	if (f == NULL && msg->html != NULL) {
		f = form_read_html(msg->html, strlen(msg->html), max_rows);
		if (f != NULL)
			set_source(f, "body (HTML table)");
	}
	if (f == NULL && msg->text != NULL) {
		f = form_read_text(msg->text, strlen(msg->text), max_rows);
		if (f != NULL)
			set_source(f, "body (text)");
	}
	if (bad != NULL) {
		if (f != NULL)
			add_problem(f, 0, NULL, "%s", bad);
		free(bad);
		*form_r = f;
		return -1;
	}
	*form_r = f;
	return f != NULL;
}
