/* form_html: the request form as an HTML table in the body of a mail.
 *
 * libxml2's HTML parser (recovering, quiet, no network) reads the decoded
 * UTF-8 HTML; every <table> in document order is a candidate, its rows
 * are the <tr> whose nearest table is it (so a layout table around the
 * form does not swallow the form's rows), cells <td>/<th> with colspan
 * honoured.  <br>, <p> and <div> inside a cell separate words. */
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "ascii.h"
#include "buf.h"
#include "form.h"
#include "form_int.h"
#include "mem.h"

#define HTML_OPTS	(HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | \
			    HTML_PARSE_NOWARNING | HTML_PARSE_NONET)
#define HTML_MAX_DEPTH	128
#define HTML_MAX_TABLES	64

static int
is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    ascii_ieq((const char *)n->name, name);
}

static void
cell_text(const xmlNode *n, struct buf *b, int depth)
{
	const xmlNode *c;

	if (depth > HTML_MAX_DEPTH)
		return;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
			buf_puts(b, (const char *)c->content);
		else if (is_el(c, "script") || is_el(c, "style") ||
		    is_el(c, "table"))
			continue;
		else if (c->type == XML_ELEMENT_NODE) {
			if (is_el(c, "br"))
				buf_putc(b, ' ');
			cell_text(c, b, depth + 1);
			if (is_el(c, "p") || is_el(c, "div") || is_el(c, "li"))
				buf_putc(b, ' ');
		}
	}
}

static int
colspan(const xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"colspan");
	long k = 1;

	if (v != NULL) {
		k = strtol((char *)v, NULL, 10);
		xmlFree(v);
	}
	return k < 1 ? 1 : k > FORM_MAX_COLS ? FORM_MAX_COLS : (int)k;
}

/* Rows and cells of one table, not descending into nested tables. */
static void
table_rows(const xmlNode *n, struct form_table *t, int *rownum, int depth)
{
	const xmlNode *c;
	struct buf b = BUF_INIT;
	int span;

	if (depth > HTML_MAX_DEPTH)
		return;
	b.cap = 4 * FORM_MAX_CELL;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || is_el(c, "table"))
			continue;
		if (is_el(c, "tr")) {
			if (form_table_row(t, ++*rownum) == -1)
				break;
			table_rows(c, t, rownum, depth + 1);
		} else if (is_el(c, "td") || is_el(c, "th")) {
			if (t->nrow == 0)
				continue;
			buf_reset(&b);
			cell_text(c, &b, 0);
			form_table_push(t, buf_str(&b), b.len);
			for (span = colspan(c); span > 1; span--)
				form_table_push(t, "", 0);
		} else
			table_rows(c, t, rownum, depth + 1);
	}
	buf_free(&b);
}

static struct form *
find_tables(const xmlNode *n, int max_rows, int depth, int *ntables)
{
	const xmlNode *c;
	struct form_table t;
	struct form *f = NULL;
	int rownum;

	if (depth > HTML_MAX_DEPTH)
		return NULL;
	for (c = n->children; c != NULL && f == NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, "table")) {
			if (++*ntables > HTML_MAX_TABLES)
				return NULL;
			form_table_init(&t, max_rows);
			rownum = 0;
			table_rows(c, &t, &rownum, 0);
			f = form_from_table(&t, max_rows, "html");
			form_table_free(&t);
			if (f != NULL)
				break;
		}
		f = find_tables(c, max_rows, depth + 1, ntables);
	}
	return f;
}

struct form *
form_read_html(const char *html, size_t len, int max_rows)
{
	htmlDocPtr doc;
	struct form *f = NULL;
	int ntables = 0;

	if (html == NULL || len == 0 || len > FORM_MAX_PART)
		return NULL;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", HTML_OPTS);
	if (doc == NULL)
		return NULL;
	if (xmlDocGetRootElement(doc) != NULL)
		f = find_tables(xmlDocGetRootElement(doc), max_rows, 0,
		    &ntables);
	xmlFreeDoc(doc);
	return f;
}
