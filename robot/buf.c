/* buf: growable, capped strings; see buf.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

static int
grow(struct buf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : BUF_DEFAULT_CAP;
	size_t need, nsize;

	if (extra > cap || b->len > cap - extra) {
		b->truncated = 1;
		return -1;
	}
	need = b->len + extra + 1;
	if (need <= b->size)
		return 0;
	nsize = b->size ? b->size : 64;
	while (nsize < need)
		nsize *= 2;
	b->s = xrealloc(b->s, nsize);
	b->size = nsize;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->truncated || grow(b, n) == -1)
		return -1;
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
buf_reserve(struct buf *b, size_t extra)
{
	if (b->truncated || grow(b, extra) == -1)
		return -1;
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
	size_t cap = b->cap ? b->cap : BUF_DEFAULT_CAP;

	/* Room for c and the NUL, within the cap: grow() has nothing to do. */
	if (!b->truncated && b->len + 2 <= b->size && b->len < cap) {
		b->s[b->len++] = c;
		b->s[b->len] = '\0';
		return 0;
	}
	return buf_add(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (b->truncated)
		return -1;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || grow(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *
buf_str(const struct buf *b)
{
	return b->s ? b->s : "";
}

char *
buf_steal(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->size = 0;
	b->truncated = 0;
	return s;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->truncated = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->size = 0;
	b->truncated = 0;
}

int
buf_read_file(struct buf *b, const char *path)
{
	char chunk[8192];
	size_t n;
	int rc = 0, e;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			errno = EFBIG;
			rc = -1;
			break;
		}
	if (rc == 0 && ferror(f)) {
		errno = EIO;
		rc = -1;
	}
	e = errno;
	fclose(f);
	errno = e;
	return rc;
}

const char *
buf_read_error(void)
{
	if (errno == EFBIG)
		return "file too large";
	if (errno == EIO)
		return "read error";
	return strerror(errno);
}
