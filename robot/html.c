/* html: HTML -> text with libxml2's HTML parser; see html.h.
 *
 * The tree is walked iteratively (parent/next pointers), so hostile
 * nesting cannot exhaust the stack. */
#include <stdint.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "html.h"
#include "lazy.h"
#include "mem.h"

#define ROW_STACK	32	/* nested tables whose cell count is kept */

struct walk {
	struct buf	 out;
	int		 nl;		/* pending break: 0, 1 line, 2 blank */
	int		 space;		/* pending space */
	int		 sol;		/* at line or cell start: no space */
	int		 in_cell;
	int		 in_pre;
	int		 quote;		/* blockquote depth: lines get "> " */
	int		 cell;		/* cells so far in the current row */
	int		 rows[ROW_STACK];
	int		 nrows;
};

enum kind {
	K_INLINE, K_SKIP, K_BR, K_BLOCK, K_PARA, K_QUOTE, K_ROW, K_CELL, K_PRE
};

static const struct {
	const char	*name;
	enum kind	 kind;
} elements[] = {
	{ "script", K_SKIP }, { "style", K_SKIP }, { "head", K_SKIP },
	{ "title", K_SKIP }, { "template", K_SKIP }, { "noscript", K_SKIP },
	{ "br", K_BR },
	{ "p", K_PARA }, { "h1", K_PARA }, { "h2", K_PARA }, { "h3", K_PARA },
	{ "h4", K_PARA }, { "h5", K_PARA }, { "h6", K_PARA },
	{ "blockquote", K_QUOTE },
	{ "div", K_BLOCK }, { "ul", K_BLOCK }, { "ol", K_BLOCK },
	{ "li", K_BLOCK }, { "table", K_BLOCK }, { "caption", K_BLOCK },
	{ "hr", K_BLOCK }, { "dl", K_BLOCK }, { "dt", K_BLOCK },
	{ "dd", K_BLOCK }, { "address", K_BLOCK }, { "center", K_BLOCK },
	{ "section", K_BLOCK }, { "article", K_BLOCK }, { "header", K_BLOCK },
	{ "footer", K_BLOCK }, { "nav", K_BLOCK }, { "aside", K_BLOCK },
	{ "form", K_BLOCK }, { "fieldset", K_BLOCK }, { "figure", K_BLOCK },
	{ "figcaption", K_BLOCK }, { "main", K_BLOCK }, { "body", K_BLOCK },
	{ "tr", K_ROW }, { "td", K_CELL }, { "th", K_CELL },
	{ "pre", K_PRE },
};

static enum kind
kind_of(const xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (name == NULL)
		return K_INLINE;
	for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++)
		if (strcmp(name, elements[i].name) == 0)
			return elements[i].kind;
	return K_INLINE;
}

static void
trim_trailing(struct walk *w)
{
	while (w->out.len > 0 && w->out.s[w->out.len - 1] == ' ')
		w->out.s[--w->out.len] = '\0';
}

static void
brk(struct walk *w, int level)
{
	if (w->in_cell) {
		/* A cell stays on its row's line. */
		if (!w->sol)
			w->space = 1;
		return;
	}
	if (level > w->nl)
		w->nl = level;
}

/* Emits what is pending before visible text. */
static void
flush(struct walk *w, int with_space)
{
	if (w->nl) {
		if (w->out.len > 0) {
			trim_trailing(w);
			buf_puts(&w->out, w->nl == 2 ? "\n\n" : "\n");
		}
		w->nl = 0;
		w->sol = 1;
		w->space = 0;
	}
	/* Quoted history (a reply's blockquote) reads as a plain-text
	 * reply writes it, so quote.c tells it from the fresh text. */
	if (w->quote && (w->out.len == 0 || w->out.s[w->out.len - 1] ==
	    '\n'))
		for (int i = 0; i < w->quote && i < 8; i++)
			buf_puts(&w->out, "> ");
	if (with_space && w->space && !w->sol && w->out.len > 0)
		buf_putc(&w->out, ' ');
	w->space = 0;
	w->sol = 0;
}

/* Length of the white space at p (0 if none); U+00A0 counts. */
static size_t
white(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
		return 1;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	return 0;
}

static void
text(struct walk *w, const unsigned char *p)
{
	size_t n, start;

	while (*p) {
		if (w->in_pre && (*p == '\n' || *p == '\r')) {
			if (*p == '\r' && p[1] == '\n')
				p++;
			p++;
			if (w->in_cell)
				brk(w, 1);
			else if (w->nl < 2)
				w->nl++;
			continue;
		}
		if ((n = white(p)) != 0) {
			p += n;
			if (w->in_pre) {
				flush(w, 1);
				buf_putc(&w->out, ' ');
			} else if (!w->sol)
				w->space = 1;
			continue;
		}
		flush(w, 1);
		for (start = 0; p[start] && white(p + start) == 0 &&
		    !(w->in_pre && (p[start] == '\n' || p[start] == '\r'));
		    start++)
			;
		buf_add(&w->out, p, start);
		p += start;
	}
}

/* Handles entering n; returns 1 to descend into its children. */
static int
enter(struct walk *w, xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			text(w, n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	switch (kind_of(n)) {
	case K_SKIP:
		return 0;
	case K_BR:
		if (w->in_cell)
			brk(w, 1);
		else if (w->nl < 2 && w->out.len > 0)
			w->nl++;
		return 0;
	case K_BLOCK:
		brk(w, 1);
		break;
	case K_PARA:
		brk(w, 2);
		break;
	case K_QUOTE:
		brk(w, 2);
		w->quote++;
		break;
	case K_PRE:
		brk(w, 2);
		w->in_pre++;
		break;
	case K_ROW:
		brk(w, 1);
		if (w->nrows < ROW_STACK)
			w->rows[w->nrows] = w->cell;
		w->nrows++;
		w->cell = 0;
		break;
	case K_CELL:
		if (w->cell++ > 0) {
			flush(w, 0);
			buf_puts(&w->out, " | ");
			w->sol = 1;
			w->space = 0;
		}
		w->in_cell++;
		break;
	case K_INLINE:
		break;
	}
	return 1;
}

static void
leave(struct walk *w, xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return;
	switch (kind_of(n)) {
	case K_BLOCK:
		brk(w, 1);
		break;
	case K_PARA:
		brk(w, 2);
		break;
	case K_QUOTE:
		brk(w, 2);
		w->quote--;
		break;
	case K_PRE:
		w->in_pre--;
		brk(w, 2);
		break;
	case K_ROW:
		w->nrows--;
		w->cell = w->nrows < ROW_STACK ? w->rows[w->nrows] : 0;
		brk(w, 1);
		break;
	case K_CELL:
		w->in_cell--;
		break;
	default:
		break;
	}
}

char *
html_to_text(const char *html, size_t len)
{
	struct walk w;
	htmlDocPtr doc;
	xmlNode *root, *n;
	char err[256];

	/* libxml2, at the first HTML of the process (lazy.h).  The
	 * commands that read mail have loaded it, or stopped, before they
	 * read any (robot.c): only a test or a fuzzer, calling this
	 * directly, can meet it missing here. */
	if (html == NULL || len == 0 || len > INT32_MAX ||
	    lazy_xml(err, sizeof err) == -1)
		return xstrdup("");
	doc = sym_htmlReadMemory(html, (int)len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	if (doc == NULL)
		return xstrdup("");
	memset(&w, 0, sizeof w);
	w.sol = 1;
	root = sym_xmlDocGetRootElement(doc);
	n = root;
	while (n != NULL) {
		if (enter(&w, n) && n->children != NULL) {
			n = n->children;
			continue;
		}
		leave(&w, n);
		while (n != root && n->next == NULL) {
			n = n->parent;
			leave(&w, n);
		}
		n = n == root ? NULL : n->next;
	}
	sym_xmlFreeDoc(doc);
	trim_trailing(&w);
	return buf_steal(&w.out);
}
