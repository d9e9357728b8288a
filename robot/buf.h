/* buf: the one growable string type of the tree.
 *
 * A buf is always NUL-terminated (once anything was added), may hold NUL
 * bytes in the middle (attachments), and refuses to grow beyond its cap:
 * once an append would pass the cap the buf is marked truncated and further
 * appends are dropped, so hostile input can never make it unbounded.
 *
 *	struct buf b = BUF_INIT;	// cap BUF_DEFAULT_CAP
 *	buf_printf(&b, "%s=%d", k, v);
 *	use(b.s, b.len);
 *	buf_free(&b);
 */
#ifndef ROBOT_BUF_H
#define ROBOT_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define BUF_DEFAULT_CAP	((size_t)256 << 20)	/* 256 MiB */

struct buf {
	char	*s;		/* NULL until the first append */
	size_t	 len;
	size_t	 size;		/* allocated */
	size_t	 cap;		/* 0 means BUF_DEFAULT_CAP */
	int	 truncated;	/* an append was refused by the cap */
};

#define BUF_INIT { NULL, 0, 0, 0, 0 }

/* Append n bytes / a string / one byte / formatted text.  Return 0, or -1
 * when the cap refused it (the buf keeps what fitted before). */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Makes room for extra more bytes (and the NUL) without writing them,
 * for a reader that fills b->s + b->len itself and then moves len.
 * Returns 0, or -1 when the cap refuses them. */
int buf_reserve(struct buf *b, size_t extra);

/* The contents as a string: never NULL ("" for an empty buf).  Borrowed. */
const char *buf_str(const struct buf *b);
/* Hands the contents over to the caller (free() it; never NULL) and
 * resets the buf. */
char *buf_steal(struct buf *b);
void buf_reset(struct buf *b);		/* len = 0, keeps memory */

/* Appends the whole file at path.  Returns 0, or -1 with errno set: the
 * file's own error when it cannot be opened, EFBIG when the cap refused
 * the rest of it, EIO when reading failed. */
int buf_read_file(struct buf *b, const char *path);

/* What to say of buf_read_file's -1: "file too large", "read error" or
 * strerror(errno).  Static. */
const char *buf_read_error(void);
void buf_free(struct buf *b);

#endif
