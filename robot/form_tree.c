/* form_tree: the table walker the .docx and HTML readers share.
 *
 * A Word document and an HTML page are both trees of tables, rows and
 * cells; only the element names, how a cell says it spans columns and how
 * its text is gathered differ, and a reader says those in a struct
 * form_dialect (form_int.h).  Every table in document order is a
 * candidate; its rows are the row elements whose nearest table is it (a
 * layout table around the form does not swallow the form's rows, and a
 * table nested in a cell is a candidate of its own); the first table
 * form_from_table() finds a header in is the form. */
#include <stddef.h>

#include <libxml/tree.h>

#include "buf.h"
#include "form.h"
#include "form_int.h"

static int
is_cell(const struct form_dialect *d, const xmlNode *n)
{
	for (size_t i = 0; d->cells[i] != NULL; i++)
		if (d->is(n, d->cells[i]))
			return 1;
	return 0;
}

/* Collects the rows of one table (also inside wrappers such as Word's
 * <w:sdt> or HTML's <tbody>) and the cells of each into t. */
static void
table_rows(const struct form_dialect *d, const xmlNode *n,
    struct form_table *t, int *rownum, int depth)
{
	const xmlNode *c;
	struct buf b = BUF_INIT;
	int span;

	if (depth > d->max_depth)
		return;
	b.cap = 4 * FORM_MAX_CELL;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || d->is(c, d->table))
			continue;
		if (d->is(c, d->row)) {
			if (form_table_row(t, ++*rownum) == -1)
				break;
			table_rows(d, c, t, rownum, depth + 1);
		} else if (is_cell(d, c)) {
			if (t->nrow == 0)
				continue;
			buf_reset(&b);
			d->text(c, &b);
			form_table_push(t, buf_str(&b), b.len);
			/* A merged cell covers the columns after it. */
			for (span = d->span(c); span > 1; span--)
				form_table_push(t, "", 0);
		} else
			table_rows(d, c, t, rownum, depth + 1);
	}
	buf_free(&b);
}

/* Depth-first search for tables; the first that is a form wins. */
static struct form *
find_tables(const struct form_dialect *d, const xmlNode *n, int max_rows,
    int depth, int *ntables)
{
	const xmlNode *c;
	struct form_table t;
	struct form *f = NULL;
	int rownum;

	if (depth > d->max_depth)
		return NULL;
	for (c = n->children; c != NULL && f == NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (d->is(c, d->table)) {
			if (d->max_tables > 0 && ++*ntables > d->max_tables)
				return NULL;
			form_table_init(&t, max_rows);
			rownum = 0;
			table_rows(d, c, &t, &rownum, 0);
			f = form_from_table(&t, max_rows, d->source);
			form_table_free(&t);
			if (f != NULL)
				break;
		}
		f = find_tables(d, c, max_rows, depth + 1, ntables);
	}
	return f;
}

struct form *
form_tree_find(const struct form_dialect *d, const xmlNode *root,
    int max_rows)
{
	int ntables = 0;

	if (root == NULL)
		return NULL;
	return find_tables(d, root, max_rows, 0, &ntables);
}
