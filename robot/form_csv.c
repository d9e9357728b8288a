/* form_csv: the request form as comma- or semicolon-separated values
 * (RFC 4180 quoting, "" for a quote inside quotes, CRLF or LF).
 *
 * Excel in a Turkish locale saves ';' separated files in windows-1254
 * without a BOM; other tools write ',' and UTF-8, with or without a BOM.
 * Text that is not valid UTF-8 is read as windows-1254 (a superset of
 * ISO-8859-9).  The separator is the one the header line uses: each
 * candidate is tried, most frequent first, until a header row is found. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "form.h"
#include "form_int.h"
#include "mem.h"

/* windows-1254 -> UTF-8; bytes the code page leaves undefined become
 * '?'.  Caller frees. */
static char *
cp1254_to_utf8(const char *in, size_t len, size_t *outlen_r)
{
	iconv_t cd;
	char *out, *ip = (char *)in, *op;
	size_t il = len, ol = 3 * len + 1;

	out = xmalloc(3 * len + 1);
	op = out;
	if ((cd = iconv_open("UTF-8", "WINDOWS-1254")) == (iconv_t)-1) {
		/* No converter: keep the bytes rather than nothing. */
		memcpy(out, in, len);
		*outlen_r = len;
		out[len] = '\0';
		return out;
	}
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno != EILSEQ && errno != EINVAL)
			break;
		*op++ = '?';
		ol--;
		ip++;
		il--;
	}
	iconv_close(cd);
	*outlen_r = (size_t)(op - out);
	*op = '\0';
	return out;
}

/* Splits s into rows and cells on sep. */
static void
parse(const char *s, size_t len, char sep, struct form_table *t)
{
	struct buf cell = BUF_INIT;
	size_t i = 0;
	int line = 1, quoted, started = 0;

	cell.cap = 4 * FORM_MAX_CELL;
	while (i < len) {
		if (!started) {
			if (form_table_row(t, line) == -1)
				break;
			started = 1;
		}
		buf_reset(&cell);
		quoted = 0;
		if (s[i] == '"') {
			quoted = 1;
			i++;
		}
		while (i < len) {
			if (quoted) {
				if (s[i] == '"' && i + 1 < len &&
				    s[i + 1] == '"') {
					buf_putc(&cell, '"');
					i += 2;
				} else if (s[i] == '"') {
					quoted = 0;
					i++;
				} else {
					if (s[i] == '\n')
						line++;
					buf_putc(&cell, s[i++]);
				}
			} else if (s[i] == sep || s[i] == '\n' || s[i] == '\r')
				break;
			else
				buf_putc(&cell, s[i++]);
		}
		form_table_push(t, buf_str(&cell), cell.len);
		if (i < len && s[i] == sep) {
			i++;
			if (i == len)
				form_table_push(t, "", 0);
			continue;
		}
		if (i < len && s[i] == '\r')
			i++;
		if (i < len && s[i] == '\n')
			i++;
		line++;
		started = 0;
	}
	buf_free(&cell);
}

struct form *
form_read_csv(const unsigned char *data, size_t len, int max_rows)
{
	static const char seps[] = { ';', ',', '\t' };
	const char *s = (const char *)data;
	struct form_table t;
	struct form *f = NULL;
	char *conv = NULL, order[3], tc;
	size_t n = len, cnt[3] = { 0, 0, 0 }, i, j, tn;
	int q = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	if (!charset_utf8_valid((const unsigned char *)s, n))
		s = conv = cp1254_to_utf8(s, n, &n);

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			q = !q;
		for (j = 0; j < 3 && !q; j++)
			if (s[i] == seps[j])
				cnt[j]++;
	}
	memcpy(order, seps, 3);
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (cnt[j] > cnt[i]) {
				tc = order[i];
				order[i] = order[j];
				order[j] = tc;
				tn = cnt[i];
				cnt[i] = cnt[j];
				cnt[j] = tn;
			}
	for (i = 0; i < 3 && f == NULL; i++) {
		form_table_init(&t, max_rows);
		parse(s, n, order[i], &t);
		f = form_from_table(&t, max_rows, "csv");
		form_table_free(&t);
	}
	free(conv);
	return f;
}
