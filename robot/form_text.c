/* form_text: the request form typed into a plain-text body.
 *
 * Two shapes are read.  A table: a header line whose cells (split on '|',
 * tab, ';' or runs of two or more spaces) name the columns, then one line
 * per person until a blank line; quoting ("> ") and ruler lines
 * ("|---|---|", "+----+") are skipped.  A list: blocks of "Key: value"
 * lines ("Ad Soyad: ...", "T.C. Kimlik No: ...", "E-posta: ..."), one
 * block per person, a block ending at a blank line or when a key repeats.
 * Row numbers are line numbers of the body. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "form_int.h"
#include "mem.h"

#define TEXT_MAX_LINE	4096

struct line {
	const char	*s;
	size_t		 len;
};

/* Splits text into lines (without CR/LF), quote marks removed.  Returns
 * the number of lines; *lines_r is freed by the caller. */
static size_t
split_lines(const char *text, size_t len, struct line **lines_r)
{
	struct line *l = NULL;
	size_t n = 0, cap = 0, i = 0, j;

	while (i < len) {
		for (j = i; j < len && text[j] != '\n'; j++)
			;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			l = xrealloc(l, cap * sizeof(*l));
		}
		l[n].s = text + i;
		l[n].len = j - i;
		if (l[n].len > 0 && l[n].s[l[n].len - 1] == '\r')
			l[n].len--;
		while (l[n].len > 0 && (l[n].s[0] == '>' || l[n].s[0] == ' ')) {
			l[n].s++;
			l[n].len--;
		}
		if (l[n].len > TEXT_MAX_LINE)
			l[n].len = TEXT_MAX_LINE;
		n++;
		i = j + 1;
	}
	*lines_r = l;
	return n;
}

static int
blank(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return 0;
	return 1;
}

/* "|---+---|", "-----", "+====+": drawing, not data. */
static int
ruler(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if (strchr("|-+=: \t", l->s[i]) == NULL)
			return 0;
	return 1;
}

/* The separator a line uses: '|', '\t', ';', or ' ' for two spaces. */
static char
line_sep(const struct line *l)
{
	if (memchr(l->s, '|', l->len) != NULL)
		return '|';
	if (memchr(l->s, '\t', l->len) != NULL)
		return '\t';
	if (memchr(l->s, ';', l->len) != NULL)
		return ';';
	return ' ';
}

/* Adds the cells of l, split on sep, as a new row of t. */
static int
split_cells(const struct line *l, char sep, struct form_table *t, int num)
{
	size_t i = 0, start, end, len = l->len;
	const char *s = l->s;

	if (form_table_row(t, num) == -1)
		return -1;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (sep == '|') {
		/* Outer bars of "| a | b |" do not open empty cells. */
		if (len > 0 && s[0] == '|')
			i = 1;
		if (len > i && s[len - 1] == '|')
			len--;
	}
	while (i <= len) {
		start = i;
		if (sep == ' ') {
			while (i < len && !(s[i] == ' ' && i + 1 < len &&
			    s[i + 1] == ' '))
				i++;
			end = i;
			while (i < len && s[i] == ' ')
				i++;
		} else {
			while (i < len && s[i] != sep)
				i++;
			end = i;
			i++;
		}
		form_table_push(t, s + start, end - start);
		if (end == len)
			break;
	}
	return 0;
}

static size_t
row_cells(const struct form_table *t)
{
	return t->nrow > 0 ? t->row[t->nrow - 1].ncell : 0;
}

/* Joins line l to the last row of t when it continues a wrapped row: its
 * first piece goes on the last cell, the rest become the next cells.  A
 * line that would give the row more cells than the header's is no
 * continuation: returns 0 and leaves t alone. */
static int
continue_row(struct form_table *t, const struct line *l, char sep,
    size_t want)
{
	struct form_table more;
	struct form_row *r = &t->row[t->nrow - 1], *m;
	struct buf last = BUF_INIT;
	size_t k;
	int ok = 0;

	form_table_init(&more, 1);
	if (split_cells(l, sep, &more, 0) == -1 || more.nrow == 0)
		goto out;
	m = &more.row[0];
	if (m->ncell == 0 || r->ncell + m->ncell - 1 > want)
		goto out;
	buf_puts(&last, r->cell[r->ncell - 1] ? r->cell[r->ncell - 1] : "");
	if (m->cell[0] != NULL) {
		if (last.len)
			buf_putc(&last, ' ');
		buf_puts(&last, m->cell[0]);
	}
	form_table_cell(t, r->ncell - 1, buf_str(&last), last.len);
	for (k = 1; k < m->ncell; k++)
		form_table_push(t, m->cell[k] ? m->cell[k] : "",
		    m->cell[k] ? strlen(m->cell[k]) : 0);
	ok = 1;
out:
	buf_free(&last);
	form_table_free(&more);
	return ok;
}

static struct form *
read_table(const struct line *l, size_t n, int max_rows)
{
	struct form_table t;
	struct form *f;
	size_t h, i;
	char sep;

	for (h = 0; h < n; h++) {
		if (blank(&l[h]) || ruler(&l[h]))
			continue;
		sep = line_sep(&l[h]);
		form_table_init(&t, max_rows);
		split_cells(&l[h], sep, &t, (int)h + 1);
		if (row_cells(&t) < 2 ||
		    !form_is_header(t.row[0].cell, t.row[0].ncell)) {
			form_table_free(&t);
			continue;
		}
		for (i = h + 1; i < n && !blank(&l[i]); i++) {
			if (ruler(&l[i]))
				continue;
			if (split_cells(&l[i], sep, &t, (int)i + 1) == -1)
				break;
			/* A client that wraps long lines (Outlook, at 76
			 * characters) splits a row: the lines that follow
			 * continue its last cell until it has every column. */
			while (sep != ' ' && row_cells(&t) >= 2 &&
			    row_cells(&t) < t.row[0].ncell && i + 1 < n &&
			    !blank(&l[i + 1]) && continue_row(&t, &l[i + 1],
			    sep, t.row[0].ncell))
				i++;
			if (row_cells(&t) < 2) {
				/* Prose after the table ends it. */
				form_table_drop(&t);
				break;
			}
		}
		f = form_from_table(&t, max_rows, "text");
		form_table_free(&t);
		if (f != NULL)
			return f;
	}
	return NULL;
}

/* Column names the list's table is given, by role (form_column() reads
 * them back). */
static const char *const list_cols[FORM_COL_N] = {
	[FORM_COL_NAME] = "Ad Soyad",
	[FORM_COL_FIRST] = "Ad",
	[FORM_COL_LAST] = "Soyad",
	[FORM_COL_TCKN] = "T.C. Kimlik No",
	[FORM_COL_TITLE] = "Unvan",
	[FORM_COL_UNIT] = "Birim",
	[FORM_COL_EMAIL] = "E-posta",
	[FORM_COL_PHONE] = "Cep Telefonu",
	[FORM_COL_BIRTH] = "Doğum Tarihi",
	[FORM_COL_KIND] = "Başvuru Türü",
};

/* "Key: value" with a known key: its role and where the value starts. */
static enum form_col
list_field(const struct line *l, size_t *val_r)
{
	char key[128];
	const char *colon;
	size_t i = 0, kl;
	enum form_col c;

	/* Bullets and numbering: "- ", "* ", "1) ", "2. ". */
	while (i < l->len && strchr("-*\t ", l->s[i]) != NULL)
		i++;
	kl = i;
	while (kl < l->len && l->s[kl] >= '0' && l->s[kl] <= '9')
		kl++;
	if (kl > i && kl < l->len && (l->s[kl] == ')' || l->s[kl] == '.'))
		i = kl + 1;
	colon = memchr(l->s + i, ':', l->len - i);
	if (colon == NULL)
		return FORM_COL_NONE;
	kl = (size_t)(colon - (l->s + i));
	if (kl == 0 || kl >= sizeof(key))
		return FORM_COL_NONE;
	memcpy(key, l->s + i, kl);
	key[kl] = '\0';
	c = form_column(key);
	if (c == FORM_COL_SNO)
		return FORM_COL_NONE;
	*val_r = (size_t)(colon - l->s) + 1;
	return c;
}

static struct form *
read_list(const struct line *l, size_t n, int max_rows)
{
	struct form_table t;
	struct form *f;
	size_t i, v;
	enum form_col c;
	int used[FORM_COL_N], open = 0, any = 0;

	form_table_init(&t, max_rows);
	form_table_row(&t, 0);
	for (c = FORM_COL_NAME; c < FORM_COL_SNO; c++)
		form_table_cell(&t, c, list_cols[c], strlen(list_cols[c]));
	for (i = 0; i < n; i++) {
		if (blank(&l[i])) {
			open = 0;
			continue;
		}
		if ((c = list_field(&l[i], &v)) == FORM_COL_NONE)
			continue;
		if (open && used[c])
			open = 0;
		if (!open) {
			if (form_table_row(&t, (int)i + 1) == -1)
				break;
			memset(used, 0, sizeof(used));
			open = 1;
		}
		used[c] = 1;
		any = 1;
		form_table_cell(&t, c, l[i].s + v, l[i].len - v);
	}
	/* The header row is made up: number it as the first block. */
	t.row[0].num = t.nrow > 1 ? t.row[1].num : 0;
	f = any ? form_from_table(&t, max_rows, "text") : NULL;
	form_table_free(&t);
	return f;
}

struct form *
form_read_text(const char *text, size_t len, int max_rows)
{
	struct line *l;
	struct form *f;
	size_t n;

	if (text == NULL || len > FORM_MAX_PART)
		return NULL;
	n = split_lines(text, len, &l);
	f = read_table(l, n, max_rows);
	if (f == NULL)
		f = read_list(l, n, max_rows);
	free(l);
	return f;
}
