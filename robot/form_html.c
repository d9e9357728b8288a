/* form_html: the request form as an HTML table in the body of a mail.
 *
 * libxml2's HTML parser (recovering, quiet, no network) reads the decoded
 * UTF-8 HTML; every <table> in document order is a candidate, its rows
 * are the <tr> whose nearest table is it (so a layout table around the
 * form does not swallow the form's rows), cells <td>/<th> with colspan
 * honoured (the walk is form_tree.c's).  <br>, <p> and <div> inside a
 * cell separate words. */
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "ascii.h"
#include "buf.h"
#include "form.h"
#include "form_int.h"
#include "lazy.h"
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
	xmlChar *v = sym_xmlGetProp(n, (const xmlChar *)"colspan");
	long k = 1;

	if (v != NULL) {
		k = strtol((char *)v, NULL, 10);
		sym_xmlFree(v);
	}
	return k < 1 ? 1 : k > FORM_MAX_COLS ? FORM_MAX_COLS : (int)k;
}

static void
html_text(const xmlNode *cell, struct buf *b)
{
	cell_text(cell, b, 0);
}

static const char *const html_cells[] = { "td", "th", NULL };

static const struct form_dialect html_tables = {
	.source = "html",
	.is = is_el,
	.table = "table",
	.row = "tr",
	.cells = html_cells,
	.span = colspan,
	.text = html_text,
	.max_depth = HTML_MAX_DEPTH,
	.max_tables = HTML_MAX_TABLES,
};

struct form *
form_read_html(const char *html, size_t len, int max_rows)
{
	htmlDocPtr doc;
	struct form *f;
	char err[256];

	if (html == NULL || len == 0 || len > FORM_MAX_PART ||
	    lazy_xml(err, sizeof err) == -1)	/* as form_zip_open */
		return NULL;
	doc = sym_htmlReadMemory(html, (int)len, NULL, "UTF-8", HTML_OPTS);
	if (doc == NULL)
		return NULL;
	f = form_tree_find(&html_tables, sym_xmlDocGetRootElement(doc),
	    max_rows);
	sym_xmlFreeDoc(doc);
	return f;
}
