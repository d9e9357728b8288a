/* form_xlsx: the request form as an Excel workbook (ECMA-376 SpreadsheetML,
 * the .xlsx zip), and the zip helpers .docx shares.
 *
 * Reads xl/sharedStrings.xml (plain and rich-text strings, phonetic runs
 * left out) and the worksheets in workbook order (xl/workbook.xml and its
 * relationships; xl/worksheets/sheet1.xml when those are missing), cells
 * placed by their "B3" references so skipped cells keep the columns
 * right.  Numbers are written out in full: a T.C. Kimlik No stored as
 * 1.0000000146E10 reads "10000000146".
 *
 * Hostile files: every zip entry is bounded by FORM_MAX_PART whatever its
 * header claims, the XML is parsed without network access and without
 * entity substitution, and only text nodes are read. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "buf.h"
#include "form.h"
#include "form_int.h"
#include "mem.h"

#define XLSX_MAX_SHEETS	16
#define XLSX_MAX_STRINGS 200000
#define XML_OPTS	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
			    XML_PARSE_NOWARNING)
#define RELS_NS	\
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships"

struct zip *
form_zip_open(const unsigned char *data, size_t len, char *err,
    size_t errlen)
{
	zip_source_t *src;
	zip_error_t zerr;
	zip_t *za;

	zip_error_init(&zerr);
	src = zip_source_buffer_create(data, len, 0, &zerr);
	if (src == NULL)
		goto fail;
	za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
	if (za == NULL) {
		zip_source_free(src);
		goto fail;
	}
	zip_error_fini(&zerr);
	return za;
fail:
	snprintf(err, errlen, "not a readable zip archive (%s)",
	    zip_error_strerror(&zerr));
	zip_error_fini(&zerr);
	return NULL;
}

void
form_zip_close(struct zip *za)
{
	if (za != NULL)
		zip_discard(za);
}

int
form_zip_read(struct zip *za, const char *name, char **data_r,
    size_t *len_r, char *err, size_t errlen)
{
	zip_stat_t st;
	zip_file_t *zf = NULL;
	char *data = NULL;
	size_t len = 0, size = 0;
	zip_int64_t n;

	*data_r = NULL;
	*len_r = 0;
	zip_stat_init(&st);
	if (zip_stat(za, name, 0, &st) == -1) {
		snprintf(err, errlen, "%s missing", name);
		goto fail;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > FORM_MAX_PART)
		goto bomb;
	if ((zf = zip_fopen(za, name, 0)) == NULL) {
		snprintf(err, errlen, "%s: %s", name, zip_strerror(za));
		goto fail;
	}
	/* The declared size may lie: count what really comes out. */
	for (;;) {
		if (size - len < 65536) {
			size = size ? 2 * size : 65536;
			if (size > FORM_MAX_PART + 65536 + 1)
				size = FORM_MAX_PART + 65536 + 1;
			data = xrealloc(data, size);
		}
		n = zip_fread(zf, data + len, size - len - 1);
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", name,
			    zip_file_strerror(zf));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > FORM_MAX_PART)
			goto bomb;
	}
	zip_fclose(zf);
	data[len] = '\0';
	*data_r = data;
	*len_r = len;
	return 0;
bomb:
	snprintf(err, errlen, "%s inflates past %zu MB: refused (zip bomb?)",
	    name, FORM_MAX_PART >> 20);
fail:
	if (zf != NULL)
		zip_fclose(zf);
	free(data);
	return -1;
}

static int
is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlDoc *
read_xml(struct zip *za, const char *name, char *err, size_t errlen)
{
	xmlDoc *doc;
	char *data;
	size_t len;

	if (form_zip_read(za, name, &data, &len, err, errlen) == -1)
		return NULL;
	doc = xmlReadMemory(data, (int)len, name, NULL, XML_OPTS);
	free(data);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		snprintf(err, errlen, "%s is not XML", name);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* Appends the text of every <t> below n (not phonetic <rPh> runs).  Only
 * text nodes are read: entity references stay unexpanded. */
static void
t_text(const xmlNode *n, struct buf *b, int in_t, int depth)
{
	const xmlNode *c;

	if (depth > 32)
		return;
	for (c = n->children; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && in_t)
			buf_puts(b, (const char *)c->content);
		else if (is_el(c, "rPh") || is_el(c, "phoneticPr"))
			continue;
		else if (c->type == XML_ELEMENT_NODE)
			t_text(c, b, in_t || is_el(c, "t") || is_el(c, "v"),
			    depth + 1);
	}
}

struct sst {
	char	**s;
	size_t	 n;
};

static void
sst_free(struct sst *sst)
{
	size_t i;

	for (i = 0; i < sst->n; i++)
		free(sst->s[i]);
	free(sst->s);
	sst->s = NULL;
	sst->n = 0;
}

static int
sst_read(struct zip *za, struct sst *sst, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	xmlDoc *doc;
	xmlNode *n;
	size_t cap = 0;

	sst->s = NULL;
	sst->n = 0;
	if (zip_name_locate(za, "xl/sharedStrings.xml", 0) < 0)
		return 0;	/* inline strings only */
	if ((doc = read_xml(za, "xl/sharedStrings.xml", err, errlen)) == NULL)
		return -1;
	b.cap = 4 * FORM_MAX_CELL;
	for (n = xmlDocGetRootElement(doc)->children; n != NULL; n = n->next) {
		if (!is_el(n, "si"))
			continue;
		if (sst->n == XLSX_MAX_STRINGS)
			break;
		buf_reset(&b);
		t_text(n, &b, 0, 0);
		if (sst->n == cap) {
			cap = cap ? 2 * cap : 64;
			sst->s = xrealloc(sst->s, cap * sizeof(*sst->s));
		}
		sst->s[sst->n++] = xstrdup(buf_str(&b));
	}
	buf_free(&b);
	xmlFreeDoc(doc);
	return 0;
}

/* "AB12" -> column 27 (0-based), row 12.  Returns -1 when ref has no
 * column letters. */
static long
cell_ref(const char *ref, long *row_r)
{
	long col = 0;
	int k = 0;

	while (*ref >= 'A' && *ref <= 'Z' && k < 4) {
		col = col * 26 + (*ref - 'A' + 1);
		ref++;
		k++;
	}
	if (k == 0)
		return -1;
	*row_r = strtol(ref, NULL, 10);
	return col - 1;
}

/* A number as people read it: integral values in full ("1.0000000146E10"
 * -> "10000000146"), others as stored. */
static void
put_number(struct buf *b, const char *v)
{
	char *end;
	double d;

	if (strpbrk(v, ".eE") != NULL) {
		d = strtod(v, &end);
		if (end != v && *end == '\0' && isfinite(d) && d == floor(d) &&
		    fabs(d) < 1e15) {
			buf_printf(b, "%.0f", d);
			return;
		}
	}
	buf_puts(b, v);
}

static void
read_cell(const xmlNode *c, const struct sst *sst, struct buf *b)
{
	xmlChar *type = xmlGetProp(c, (const xmlChar *)"t");
	const xmlNode *k;
	struct buf v = BUF_INIT;
	char *end;
	long idx;

	v.cap = 4 * FORM_MAX_CELL;
	buf_reset(b);
	for (k = c->children; k != NULL; k = k->next) {
		if (is_el(k, "v"))
			t_text(k, &v, 1, 0);
		else if (is_el(k, "is"))
			t_text(k, b, 0, 0);
	}
	if (type != NULL && strcmp((char *)type, "s") == 0) {
		idx = strtol(buf_str(&v), &end, 10);
		if (end != buf_str(&v) && idx >= 0 && (size_t)idx < sst->n)
			buf_puts(b, sst->s[idx]);
	} else if (type != NULL && (strcmp((char *)type, "str") == 0 ||
	    strcmp((char *)type, "inlineStr") == 0 ||
	    strcmp((char *)type, "e") == 0 || strcmp((char *)type, "b") == 0))
		buf_puts(b, buf_str(&v));
	else if (v.len > 0)
		put_number(b, buf_str(&v));
	buf_free(&v);
	xmlFree(type);
}

static struct form *
read_sheet(struct zip *za, const char *name, const struct sst *sst,
    int max_rows, char *err, size_t errlen)
{
	struct form_table t;
	struct form *f = NULL;
	struct buf b = BUF_INIT;
	xmlDoc *doc;
	xmlNode *n, *row, *c;
	xmlChar *ref;
	long rnum = 0, cnum, cr;

	if ((doc = read_xml(za, name, err, errlen)) == NULL)
		return NULL;
	form_table_init(&t, max_rows);
	b.cap = 4 * FORM_MAX_CELL;
	for (n = xmlDocGetRootElement(doc)->children; n != NULL; n = n->next)
		if (is_el(n, "sheetData"))
			break;
	for (row = n != NULL ? n->children : NULL; row != NULL;
	    row = row->next) {
		if (!is_el(row, "row"))
			continue;
		ref = xmlGetProp(row, (const xmlChar *)"r");
		rnum = ref != NULL ? strtol((char *)ref, NULL, 10) : rnum + 1;
		xmlFree(ref);
		if (form_table_row(&t, (int)rnum) == -1)
			break;
		cnum = -1;
		for (c = row->children; c != NULL; c = c->next) {
			if (!is_el(c, "c"))
				continue;
			ref = xmlGetProp(c, (const xmlChar *)"r");
			cr = ref != NULL ? cell_ref((char *)ref, &rnum) : -1;
			cnum = cr >= 0 ? cr : cnum + 1;
			xmlFree(ref);
			if (cnum >= FORM_MAX_COLS)
				break;
			read_cell(c, sst, &b);
			form_table_cell(&t, (size_t)cnum, buf_str(&b), b.len);
		}
	}
	f = form_from_table(&t, max_rows, "xlsx");
	form_table_free(&t);
	buf_free(&b);
	xmlFreeDoc(doc);
	return f;
}

/* The worksheet parts in workbook order; n of them. */
static size_t
sheet_names(struct zip *za, char *names[XLSX_MAX_SHEETS])
{
	xmlDoc *wb, *rels = NULL;
	xmlNode *n, *s, *r;
	xmlChar *id, *rid, *target;
	char err[128];
	size_t cnt = 0;
	struct buf b = BUF_INIT;

	if ((wb = read_xml(za, "xl/workbook.xml", err, sizeof(err))) == NULL)
		goto done;
	rels = read_xml(za, "xl/_rels/workbook.xml.rels", err, sizeof(err));
	if (rels == NULL)
		goto done;
	for (n = xmlDocGetRootElement(wb)->children; n != NULL; n = n->next) {
		if (!is_el(n, "sheets"))
			continue;
		for (s = n->children; s != NULL && cnt < XLSX_MAX_SHEETS;
		    s = s->next) {
			if (!is_el(s, "sheet"))
				continue;
			id = xmlGetNsProp(s, (const xmlChar *)"id",
			    (const xmlChar *)RELS_NS);
			for (r = xmlDocGetRootElement(rels)->children;
			    id != NULL && r != NULL; r = r->next) {
				if (!is_el(r, "Relationship"))
					continue;
				rid = xmlGetProp(r, (const xmlChar *)"Id");
				target = xmlGetProp(r,
				    (const xmlChar *)"Target");
				if (rid != NULL && target != NULL &&
				    strcmp((char *)rid, (char *)id) == 0) {
					buf_reset(&b);
					if (target[0] == '/')
						buf_puts(&b,
						    (char *)target + 1);
					else
						buf_printf(&b, "xl/%s",
						    (char *)target);
					names[cnt++] = buf_steal(&b);
				}
				xmlFree(rid);
				xmlFree(target);
			}
			xmlFree(id);
		}
	}
done:
	if (cnt == 0)
		names[cnt++] = xstrdup("xl/worksheets/sheet1.xml");
	buf_free(&b);
	xmlFreeDoc(rels);
	xmlFreeDoc(wb);
	return cnt;
}

struct form *
form_read_xlsx(const unsigned char *data, size_t len, int max_rows,
    char *err, size_t errlen)
{
	struct zip *za;
	struct sst sst = { NULL, 0 };
	struct form *f = NULL;
	char *names[XLSX_MAX_SHEETS];
	size_t n = 0, i;

	if (errlen > 0)
		err[0] = '\0';
	if ((za = form_zip_open(data, len, err, errlen)) == NULL)
		return NULL;
	if (sst_read(za, &sst, err, errlen) == -1)
		goto done;
	n = sheet_names(za, names);
	for (i = 0; i < n && f == NULL; i++) {
		f = read_sheet(za, names[i], &sst, max_rows, err, errlen);
		/* A bomb in any sheet condemns the file. */
		if (f == NULL && strstr(err, "zip bomb") != NULL)
			break;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
done:
	sst_free(&sst);
	form_zip_close(za);
	return f;
}
