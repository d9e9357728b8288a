/* form_int: what the form readers share (private to form*.c).
 *
 * Every reader turns its source into one or more tables of cells
 * (struct form_table) and hands each to form_from_table(), which finds the
 * header row by its column names, validates the rows and builds the
 * struct form.  So header detection and row validation live in one place
 * (form.c) and a reader only knows its file format. */
#ifndef ROBOT_FORM_INT_H
#define ROBOT_FORM_INT_H

#include <stddef.h>

#include <libxml/tree.h>

#include "buf.h"
#include "form.h"

#define FORM_MAX_COLS	64		/* columns kept per row */
#define FORM_MAX_CELL	1024		/* bytes kept per cell */
#define FORM_HEADER_SCAN 30		/* rows searched for the header */
#define FORM_MAX_PART	((size_t)20 << 20)	/* bytes of one zip entry */

/* What a header cell names. */
enum form_col {
	FORM_COL_NONE,
	FORM_COL_NAME,		/* "Ad Soyad" */
	FORM_COL_FIRST,		/* "Ad" (with a separate "Soyad") */
	FORM_COL_LAST,		/* "Soyad" */
	FORM_COL_TCKN,
	FORM_COL_TITLE,
	FORM_COL_UNIT,
	FORM_COL_EMAIL,
	FORM_COL_PHONE,
	FORM_COL_BIRTH,
	FORM_COL_KIND,
	FORM_COL_SNO,		/* "S.No", "Sıra": ignored */
	FORM_COL_N
};

struct form_row {
	int	 num;		/* row number in the source, 1-based */
	char	**cell;		/* NULL for an empty cell */
	size_t	 ncell;
};

struct form_table {
	struct form_row *row;
	size_t	 nrow;
	size_t	 cap;
	size_t	 limit;		/* rows accepted */
	int	 truncated;	/* a row was refused by limit */
};

/* Accepts up to max_rows data rows plus the rows above a header. */
void form_table_init(struct form_table *t, int max_rows);
/* Starts a new row numbered num.  Returns 0, or -1 when the table is full
 * (then t->truncated is set and the reader should stop). */
int form_table_row(struct form_table *t, int num);
/* Sets cell col of the last row to s (len bytes, UTF-8): whitespace runs
 * (NBSP included) become one space, ends trimmed, cut at FORM_MAX_CELL.
 * Cells before col that were never set stay empty; col beyond
 * FORM_MAX_COLS and calls before the first row are ignored. */
void form_table_cell(struct form_table *t, size_t col, const char *s,
    size_t len);
/* Appends a cell after the last one of the last row. */
void form_table_push(struct form_table *t, const char *s, size_t len);
/* Removes the last row. */
void form_table_drop(struct form_table *t);
void form_table_free(struct form_table *t);

/* The role of a header cell ("T.C. Kimlik No" -> FORM_COL_TCKN). */
enum form_col form_column(const char *cell);
/* 1 when cells (n of them) form a header row: a name (or Ad and Soyad)
 * and a T.C. Kimlik No or an e-mail column. */
int form_is_header(char *const *cells, size_t n);

/* Zip containers (.xlsx, .docx), in form_xlsx.c.  form_zip_open() opens
 * data (borrowed; it must outlive the archive) or returns NULL with err
 * set.  form_zip_read() reads one entry whole, refusing entries that
 * inflate past FORM_MAX_PART (zip bombs); returns 0 and a NUL-terminated
 * copy the caller frees, or -1 with err set. */
struct zip;
struct zip *form_zip_open(const unsigned char *data, size_t len, char *err,
    size_t errlen);
int form_zip_read(struct zip *za, const char *name, char **data_r,
    size_t *len_r, char *err, size_t errlen);
void form_zip_close(struct zip *za);

/* A tree of tables as a reader sees it (form_tree.c): the .docx reader's
 * WordprocessingML and the HTML reader's HTML. */
struct form_dialect {
	const char	*source;	/* the form's source word: "docx" */
	/* 1 when n is the element name (XML: its local name; HTML: in
	 * any case). */
	int		(*is)(const xmlNode *n, const char *name);
	const char	*table;		/* "tbl", "table" */
	const char	*row;		/* "tr" */
	const char *const *cells;	/* NULL-ended: "tc"; "td", "th" */
	/* The columns cell covers, 1 to FORM_MAX_COLS. */
	int		(*span)(const xmlNode *cell);
	/* Appends the text of cell to b (nested tables left out). */
	void		(*text)(const xmlNode *cell, struct buf *b);
	int		 max_depth;	/* elements deeper are not looked at */
	int		 max_tables;	/* tables looked at; 0: no bound */
};
/* The first table under root that is a form, as form_from_table() reads
 * it; NULL when none is. */
struct form *form_tree_find(const struct form_dialect *d, const xmlNode *root,
    int max_rows);

/* Finds the header row of t and reads the rows below it.  Returns a new
 * form (source copied) or NULL when t has no header row. */
struct form *form_from_table(const struct form_table *t, int max_rows,
    const char *source);

#endif
