/* form_docx: the request form as a table in a Word document (ECMA-376
 * WordprocessingML, the .docx zip).
 *
 * Every <w:tbl> of word/document.xml, in document order, is a candidate;
 * rows are <w:tr>, cells <w:tc> (a gridSpan cell fills its columns), and a
 * cell's text is its runs' <w:t> joined, paragraphs joined by a space.
 * The first table with a header row is the form (the walk is
 * form_tree.c's).  Bounds and XML options as for .xlsx (form_xlsx.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "form.h"
#include "form_int.h"
#include "lazy.h"
#include "mem.h"

#define XML_OPTS	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
			    XML_PARSE_NOWARNING)
#define DOCX_MAX_DEPTH	64

static int
is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* Text of a cell; nested tables are left out (they are tables of their
 * own). */
static void
cell_text(const xmlNode *n, struct buf *b, int in_t, int depth)
{
	const xmlNode *c;

	if (depth > DOCX_MAX_DEPTH)
		return;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE && in_t)
			buf_puts(b, (const char *)c->content);
		else if (is_el(c, "tbl") || is_el(c, "tcPr") ||
		    is_el(c, "rPr") || is_el(c, "pPr") ||
		    is_el(c, "instrText") || is_el(c, "delText"))
			continue;
		else if (is_el(c, "tab") || is_el(c, "br") || is_el(c, "cr"))
			buf_putc(b, ' ');
		else if (c->type == XML_ELEMENT_NODE) {
			cell_text(c, b, in_t || is_el(c, "t"), depth + 1);
			if (is_el(c, "p"))
				buf_putc(b, ' ');
		}
	}
}

static int
grid_span(const xmlNode *tc)
{
	const xmlNode *p, *g;
	xmlChar *v;
	long n = 1;

	for (p = tc->children; p != NULL; p = p->next) {
		if (!is_el(p, "tcPr"))
			continue;
		for (g = p->children; g != NULL; g = g->next) {
			if (!is_el(g, "gridSpan"))
				continue;
			/* w:val; attributes are matched by local name. */
			if ((v = sym_xmlGetProp(g, (const xmlChar *)"val")) !=
			    NULL) {
				n = strtol((char *)v, NULL, 10);
				sym_xmlFree(v);
			}
		}
	}
	return n < 1 ? 1 : n > FORM_MAX_COLS ? FORM_MAX_COLS : (int)n;
}

static void
docx_text(const xmlNode *tc, struct buf *b)
{
	cell_text(tc, b, 0, 0);
}

static const char *const docx_cells[] = { "tc", NULL };

static const struct form_dialect docx_tables = {
	.source = "docx",
	.is = is_el,
	.table = "tbl",
	.row = "tr",
	.cells = docx_cells,
	.span = grid_span,
	.text = docx_text,
	.max_depth = DOCX_MAX_DEPTH,
	.max_tables = 0,
};

struct form *
form_read_docx(const unsigned char *data, size_t len, int max_rows,
    char *err, size_t errlen)
{
	struct zip *za;
	struct form *f = NULL;
	xmlDoc *doc = NULL;
	char *xml = NULL;
	size_t xlen;

	if (errlen > 0)
		err[0] = '\0';
	if ((za = form_zip_open(data, len, err, errlen)) == NULL)
		return NULL;
	if (form_zip_read(za, "word/document.xml", &xml, &xlen, err,
	    errlen) == -1)
		goto done;
	doc = sym_xmlReadMemory(xml, (int)xlen, "document.xml", NULL, XML_OPTS);
	if (doc == NULL || sym_xmlDocGetRootElement(doc) == NULL) {
		snprintf(err, errlen, "word/document.xml is not XML");
		goto done;
	}
	f = form_tree_find(&docx_tables, sym_xmlDocGetRootElement(doc),
	    max_rows);
done:
	sym_xmlFreeDoc(doc);
	free(xml);
	form_zip_close(za);
	return f;
}
