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
 * entity substitution, and only text nodes are read.  The XML of a
 * workbook is streamed (libxml2's xmlTextReader, pulling the inflated
 * bytes from the zip as it goes), never built into a tree: a few dozen
 * kilobytes of zip can inflate to millions of empty cells or shared
 * strings, and a tree of them took hundreds of megabytes.  What is kept
 * is capped: rows (the form's max_rows), cells looked at, shared strings
 * by count and by bytes (the latter in proportion to the file's size). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include "buf.h"
#include "form.h"
#include "form_int.h"
#include "lazy.h"
#include "mem.h"

#define XLSX_MAX_SHEETS	16
#define XLSX_MAX_STRINGS 100000		/* shared strings kept */
/* Bytes of shared-string text kept: a base and sixteen for each byte of
 * the file, up to a ceiling (a form's strings are a few kilobytes). */
#define XLSX_SST_BASE	((size_t)64 << 10)
#define XLSX_SST_PER_BYTE 16
#define XLSX_SST_MAX	((size_t)8 << 20)
#define XLSX_MAX_CELLS	1000000		/* <c> elements looked at, a sheet */
#define XLSX_MAX_RELS	256		/* relationships looked at */
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

	/* The libraries, at the first .xlsx or .docx of the process
	 * (lazy.h).  The commands that read mail have loaded them, or
	 * stopped, before they read any (robot.c): only a test or a fuzzer,
	 * calling the readers directly, can meet a library missing here. */
	if (lazy_zip(err, errlen) == -1 || lazy_xml(err, errlen) == -1)
		return NULL;
	sym_zip_error_init(&zerr);
	src = sym_zip_source_buffer_create(data, len, 0, &zerr);
	if (src == NULL)
		goto fail;
	za = sym_zip_open_from_source(src, ZIP_RDONLY, &zerr);
	if (za == NULL) {
		sym_zip_source_free(src);
		goto fail;
	}
	sym_zip_error_fini(&zerr);
	return za;
fail:
	snprintf(err, errlen, "not a readable zip archive (%s)",
	    sym_zip_error_strerror(&zerr));
	sym_zip_error_fini(&zerr);
	return NULL;
}

void
form_zip_close(struct zip *za)
{
	if (za != NULL)
		sym_zip_discard(za);
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
	sym_zip_stat_init(&st);
	if (sym_zip_stat(za, name, 0, &st) == -1) {
		snprintf(err, errlen, "%s missing", name);
		goto fail;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > FORM_MAX_PART)
		goto bomb;
	if ((zf = sym_zip_fopen(za, name, 0)) == NULL) {
		snprintf(err, errlen, "%s: %s", name, sym_zip_strerror(za));
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
		n = sym_zip_fread(zf, data + len, size - len - 1);
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", name,
			    sym_zip_file_strerror(zf));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > FORM_MAX_PART)
			goto bomb;
	}
	sym_zip_fclose(zf);
	data[len] = '\0';
	*data_r = data;
	*len_r = len;
	return 0;
bomb:
	snprintf(err, errlen, "%s inflates past %zu MB: refused (zip bomb?)",
	    name, FORM_MAX_PART >> 20);
fail:
	if (zf != NULL)
		sym_zip_fclose(zf);
	free(data);
	return -1;
}

/* ---- one zip entry as an XML stream ---------------------------------- */

struct zstream {
	zip_file_t	*zf;
	size_t		 total;		/* bytes inflated so far */
	int		 bomb;		/* past FORM_MAX_PART */
};

/* libxml2's read callback: the next inflated bytes, counted. */
static int
zs_read(void *ctx, char *buf, int len)
{
	struct zstream *zs = ctx;
	zip_int64_t n;

	if ((n = sym_zip_fread(zs->zf, buf, (zip_uint64_t)len)) < 0)
		return -1;
	zs->total += (size_t)n;
	if (zs->total > FORM_MAX_PART) {
		zs->bomb = 1;
		return -1;
	}
	return (int)n;
}

static int
zs_close(void *ctx)
{
	return 0;	/* xml_close() closes the entry */
}

/* Parser errors are the file's, said in err: nothing on stderr. */
static void
xml_quiet(void *arg, const char *msg, xmlParserSeverities severity,
    xmlTextReaderLocatorPtr where)
{
}

/* Opens entry name as a reader.  NULL with err set when it is missing or
 * claims to be too large. */
static xmlTextReaderPtr
xml_open(struct zip *za, const char *name, struct zstream *zs, char *err,
    size_t errlen)
{
	xmlTextReaderPtr r;
	zip_stat_t st;

	memset(zs, 0, sizeof *zs);
	sym_zip_stat_init(&st);
	if (sym_zip_stat(za, name, 0, &st) == -1) {
		snprintf(err, errlen, "%s missing", name);
		return NULL;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > FORM_MAX_PART) {
		zs->bomb = 1;
		snprintf(err, errlen, "%s inflates past %zu MB: refused (zip "
		    "bomb?)", name, FORM_MAX_PART >> 20);
		return NULL;
	}
	if ((zs->zf = sym_zip_fopen(za, name, 0)) == NULL) {
		snprintf(err, errlen, "%s: %s", name, sym_zip_strerror(za));
		return NULL;
	}
	if ((r = sym_xmlReaderForIO(zs_read, zs_close, zs, name, NULL,
	    XML_OPTS)) == NULL) {
		snprintf(err, errlen, "%s: cannot read it as XML", name);
		sym_zip_fclose(zs->zf);
		zs->zf = NULL;
		return NULL;
	}
	sym_xmlTextReaderSetErrorHandler(r, xml_quiet, NULL);
	return r;
}

/* Ends a stream; ret is the last xmlTextReaderRead's.  Returns 0, or -1
 * with err set when the entry was a bomb or not XML. */
static int
xml_close(xmlTextReaderPtr r, struct zstream *zs, int ret, const char *name,
    char *err, size_t errlen)
{
	char buf[8192];

	sym_xmlFreeTextReader(r);
	/* The parser gives up on a huge text node before the entry's end:
	 * whether the entry is a bomb is said by the rest of it. */
	while (ret < 0 && !zs->bomb && zs->zf != NULL &&
	    zs_read(zs, buf, sizeof buf) > 0)
		;
	if (zs->zf != NULL)
		sym_zip_fclose(zs->zf);
	zs->zf = NULL;
	if (zs->bomb) {
		snprintf(err, errlen, "%s inflates past %zu MB: refused (zip "
		    "bomb?)", name, FORM_MAX_PART >> 20);
		return -1;
	}
	if (ret < 0) {
		snprintf(err, errlen, "%s is not XML", name);
		return -1;
	}
	return 0;
}

static int
is_name(xmlTextReaderPtr r, const char *name)
{
	const xmlChar *n = sym_xmlTextReaderConstLocalName(r);

	return n != NULL && strcmp((const char *)n, name) == 0;
}

static int
is_start(xmlTextReaderPtr r, const char *name)
{
	return sym_xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
	    is_name(r, name);
}

static int
is_end(xmlTextReaderPtr r, const char *name)
{
	return sym_xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT &&
	    is_name(r, name);
}

/* Text content, not entity references (they stay unexpanded). */
static int
is_text(xmlTextReaderPtr r)
{
	switch (sym_xmlTextReaderNodeType(r)) {
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		return 1;
	default:
		return 0;
	}
}

/* Phonetic runs (furigana) are not part of a string's text. */
static int
is_phonetic(xmlTextReaderPtr r)
{
	return is_name(r, "rPh") || is_name(r, "phoneticPr");
}

static void
add_text(xmlTextReaderPtr r, struct buf *b)
{
	const xmlChar *v = sym_xmlTextReaderConstValue(r);

	if (v != NULL)
		buf_puts(b, (const char *)v);
}

/* ---- shared strings ------------------------------------------------- */

/* The shared strings, one arena and their offsets in it. */
struct sst {
	struct buf	 text;		/* every string and its NUL */
	uint32_t	*off;
	size_t		 n;
	size_t		 cap;
};

static void
sst_free(struct sst *sst)
{
	buf_free(&sst->text);
	free(sst->off);
	memset(sst, 0, sizeof *sst);
}

static const char *
sst_get(const struct sst *sst, size_t i)
{
	return i < sst->n ? sst->text.s + sst->off[i] : "";
}

/* Keeps one string; over the byte cap it is kept empty, so the indices of
 * the strings after it stay right. */
static void
sst_push(struct sst *sst, const struct buf *b, size_t maxbytes)
{
	const char *s = buf_str(b);

	if (sst->n == sst->cap) {
		sst->cap = sst->cap ? 2 * sst->cap : 64;
		sst->off = xrealloc(sst->off, sst->cap * sizeof *sst->off);
	}
	if (sst->text.len + b->len + 1 > maxbytes)
		s = "";
	sst->off[sst->n++] = (uint32_t)sst->text.len;
	buf_add(&sst->text, s, strlen(s) + 1);
}

static int
sst_read(struct zip *za, size_t filesize, struct sst *sst, char *err,
    size_t errlen)
{
	static const char name[] = "xl/sharedStrings.xml";
	struct buf b = BUF_INIT;
	struct zstream zs;
	xmlTextReaderPtr r;
	size_t maxbytes;
	int ret, in_si = 0, in_t = 0, skip, next;

	memset(sst, 0, sizeof *sst);
	if (sym_zip_name_locate(za, name, 0) < 0)
		return 0;	/* inline strings only */
	maxbytes = XLSX_SST_BASE + XLSX_SST_PER_BYTE * filesize;
	if (maxbytes > XLSX_SST_MAX)
		maxbytes = XLSX_SST_MAX;
	sst->text.cap = maxbytes + 1;
	if ((r = xml_open(za, name, &zs, err, errlen)) == NULL)
		return -1;
	b.cap = 4 * FORM_MAX_CELL;
	for (ret = sym_xmlTextReaderRead(r);
	    ret == 1 && sst->n < XLSX_MAX_STRINGS;
	    ret = next ? sym_xmlTextReaderNext(r) : sym_xmlTextReaderRead(r)) {
		next = 0;
		skip = sym_xmlTextReaderIsEmptyElement(r) == 1;
		if (is_start(r, "si")) {
			buf_reset(&b);
			in_si = !skip;
			if (skip)
				sst_push(sst, &b, maxbytes);
		} else if (is_end(r, "si")) {
			sst_push(sst, &b, maxbytes);
			in_si = in_t = 0;
		} else if (in_si && sym_xmlTextReaderNodeType(r) ==
		    XML_READER_TYPE_ELEMENT && is_phonetic(r))
			next = 1;	/* the whole run, unread */
		else if (in_si && is_start(r, "t"))
			in_t = !skip;
		else if (in_si && is_end(r, "t"))
			in_t = 0;
		else if (in_t && is_text(r))
			add_text(r, &b);
	}
	buf_free(&b);
	if (ret == 1)
		ret = 0;	/* enough strings: the rest is not read */
	if (xml_close(r, &zs, ret, name, err, errlen) == -1) {
		sst_free(sst);
		return -1;
	}
	return 0;
}

/* ---- worksheets ----------------------------------------------------- */

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

/* One <c> being read. */
struct cell {
	long		 col;
	char		 type[16];	/* its t attribute, "" for a number */
	struct buf	 v;		/* text of <v> */
	struct buf	 is;		/* text of <is><t> (inline string) */
	int		 in_v, in_is, in_t;
};

/* The cell's text as the form shows it, into out. */
static void
cell_value(const struct cell *c, const struct sst *sst, struct buf *out)
{
	const char *v = buf_str(&c->v);
	char *end;
	long idx;

	buf_reset(out);
	buf_puts(out, buf_str(&c->is));
	if (strcmp(c->type, "s") == 0) {
		idx = strtol(v, &end, 10);
		if (end != v && idx >= 0)
			buf_puts(out, sst_get(sst, (size_t)idx));
	} else if (strcmp(c->type, "str") == 0 ||
	    strcmp(c->type, "inlineStr") == 0 || strcmp(c->type, "e") == 0 ||
	    strcmp(c->type, "b") == 0)
		buf_puts(out, v);
	else if (c->v.len > 0)
		put_number(out, v);
}

/* A <c> starts: its column (from r="B3", else the next one) and type. */
static void
cell_start(xmlTextReaderPtr r, struct cell *c, long *rnum)
{
	xmlChar *ref = sym_xmlTextReaderGetAttribute(r, (const xmlChar *)"r");
	xmlChar *type = sym_xmlTextReaderGetAttribute(r, (const xmlChar *)"t");
	long cr = ref != NULL ? cell_ref((const char *)ref, rnum) : -1;

	c->col = cr >= 0 ? cr : c->col + 1;
	snprintf(c->type, sizeof c->type, "%s", type != NULL ?
	    (const char *)type : "");
	buf_reset(&c->v);
	buf_reset(&c->is);
	c->in_v = c->in_is = c->in_t = 0;
	sym_xmlFree(ref);
	sym_xmlFree(type);
}

static void
cell_end(struct form_table *t, struct cell *c, const struct sst *sst,
    struct buf *b)
{
	cell_value(c, sst, b);
	form_table_cell(t, (size_t)c->col, buf_str(b), b->len);
}

static struct form *
read_sheet(struct zip *za, const char *name, const struct sst *sst,
    int max_rows, char *err, size_t errlen)
{
	struct form_table t;
	struct form *f = NULL;
	struct buf b = BUF_INIT;
	struct cell c;
	struct zstream zs;
	xmlTextReaderPtr r;
	xmlChar *ref;
	long rnum = 0;
	size_t cells = 0;
	int ret, in_c = 0, empty, next = 0, full = 0;

	if ((r = xml_open(za, name, &zs, err, errlen)) == NULL)
		return NULL;
	form_table_init(&t, max_rows);
	memset(&c, 0, sizeof c);
	b.cap = c.v.cap = c.is.cap = 4 * FORM_MAX_CELL;
	for (ret = sym_xmlTextReaderRead(r); ret == 1 && !full;
	    ret = next ? sym_xmlTextReaderNext(r) : sym_xmlTextReaderRead(r)) {
		next = 0;
		empty = sym_xmlTextReaderIsEmptyElement(r) == 1;
		if (!in_c && is_start(r, "row")) {
			ref = sym_xmlTextReaderGetAttribute(r,
			    (const xmlChar *)"r");
			rnum = ref != NULL ? strtol((char *)ref, NULL, 10) :
			    rnum + 1;
			sym_xmlFree(ref);
			c.col = -1;
			if (form_table_row(&t, (int)rnum) == -1)
				full = 1;	/* the form's rows are read */
		} else if (!in_c && is_start(r, "c")) {
			if (++cells > XLSX_MAX_CELLS) {
				full = 1;
				continue;
			}
			cell_start(r, &c, &rnum);
			if (c.col >= FORM_MAX_COLS)
				next = 1;	/* past the kept columns */
			else if (empty)
				cell_end(&t, &c, sst, &b);
			else
				in_c = 1;
		} else if (!in_c)
			continue;
		else if (is_end(r, "c")) {
			cell_end(&t, &c, sst, &b);
			in_c = 0;
		} else if (sym_xmlTextReaderNodeType(r) ==
		    XML_READER_TYPE_ELEMENT && is_phonetic(r))
			next = 1;
		else if (is_start(r, "v"))
			c.in_v = !empty;
		else if (is_end(r, "v"))
			c.in_v = 0;
		else if (is_start(r, "is"))
			c.in_is = !empty;
		else if (is_end(r, "is"))
			c.in_is = 0;
		else if (c.in_is && is_start(r, "t"))
			c.in_t = !empty;
		else if (c.in_is && is_end(r, "t"))
			c.in_t = 0;
		else if (is_text(r) && (c.in_v || c.in_t))
			add_text(r, c.in_v ? &c.v : &c.is);
	}
	if (ret == 1)
		ret = 0;	/* stopped on purpose */
	if (xml_close(r, &zs, ret, name, err, errlen) == 0)
		f = form_from_table(&t, max_rows, "xlsx");
	form_table_free(&t);
	buf_free(&b);
	buf_free(&c.v);
	buf_free(&c.is);
	return f;
}

/* ---- the workbook's sheets ------------------------------------------ */

/* The r:id of every <sheet> of the workbook, in order; n of them. */
static size_t
sheet_ids(struct zip *za, char *ids[XLSX_MAX_SHEETS])
{
	static const char name[] = "xl/workbook.xml";
	struct zstream zs;
	xmlTextReaderPtr r;
	xmlChar *id;
	char err[128];
	size_t n = 0;
	int ret;

	if ((r = xml_open(za, name, &zs, err, sizeof err)) == NULL)
		return 0;
	for (ret = sym_xmlTextReaderRead(r); ret == 1 && n < XLSX_MAX_SHEETS;
	    ret = sym_xmlTextReaderRead(r)) {
		if (!is_start(r, "sheet"))
			continue;
		id = sym_xmlTextReaderGetAttributeNs(r, (const xmlChar *)"id",
		    (const xmlChar *)RELS_NS);
		if (id != NULL)
			ids[n++] = xstrdup((const char *)id);
		sym_xmlFree(id);
	}
	xml_close(r, &zs, 0, name, err, sizeof err);
	return n;
}

/* The worksheet parts in workbook order; n of them. */
static size_t
sheet_names(struct zip *za, char *names[XLSX_MAX_SHEETS])
{
	static const char name[] = "xl/_rels/workbook.xml.rels";
	char *ids[XLSX_MAX_SHEETS], err[128];
	struct buf b = BUF_INIT;
	struct zstream zs;
	xmlTextReaderPtr r = NULL;
	xmlChar *rid, *target;
	size_t nids, cnt = 0, rels = 0, i;
	int ret;

	memset(names, 0, XLSX_MAX_SHEETS * sizeof *names);
	if ((nids = sheet_ids(za, ids)) == 0 ||
	    (r = xml_open(za, name, &zs, err, sizeof err)) == NULL)
		goto done;
	for (ret = sym_xmlTextReaderRead(r); ret == 1 && rels < XLSX_MAX_RELS;
	    ret = sym_xmlTextReaderRead(r)) {
		if (!is_start(r, "Relationship"))
			continue;
		rels++;
		rid = sym_xmlTextReaderGetAttribute(r, (const xmlChar *)"Id");
		target = sym_xmlTextReaderGetAttribute(r,
		    (const xmlChar *)"Target");
		for (i = 0; rid != NULL && target != NULL && i < nids; i++) {
			if (names[i] != NULL ||
			    strcmp((char *)rid, ids[i]) != 0)
				continue;
			buf_reset(&b);
			if (target[0] == '/')
				buf_puts(&b, (char *)target + 1);
			else
				buf_printf(&b, "xl/%s", (char *)target);
			names[i] = buf_steal(&b);
		}
		sym_xmlFree(rid);
		sym_xmlFree(target);
	}
	xml_close(r, &zs, 0, name, err, sizeof err);
	/* In workbook order, without the sheets no relationship named. */
	for (i = 0; i < nids; i++)
		if (names[i] != NULL)
			names[cnt++] = names[i];
done:
	for (i = 0; i < nids; i++)
		free(ids[i]);
	if (cnt == 0)
		names[cnt++] = xstrdup("xl/worksheets/sheet1.xml");
	buf_free(&b);
	return cnt;
}

struct form *
form_read_xlsx(const unsigned char *data, size_t len, int max_rows,
    char *err, size_t errlen)
{
	struct zip *za;
	struct sst sst;
	struct form *f = NULL;
	char *names[XLSX_MAX_SHEETS];
	size_t n = 0, i;

	if (errlen > 0)
		err[0] = '\0';
	if ((za = form_zip_open(data, len, err, errlen)) == NULL)
		return NULL;
	if (sst_read(za, len, &sst, err, errlen) == -1)
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
