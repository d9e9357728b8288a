/* oauth2_file: the refresh token file; see oauth2_file.h.
 *
 * The lock lives on the file itself, so no lock file is left behind; the
 * price is the check after flock() that the path still names the file
 * locked, because the holder may have renamed a new one over it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "mem.h"
#include "oauth2.h"
#include "oauth2_file.h"

/* A bound on how often the file may change under us while we wait. */
#define OAUTH2_LOCK_TRIES	20

int
oauth2_file_lock(const char *path, char *err, size_t errlen)
{
	struct stat held, now;
	int fd, i;

	for (i = 0; i < OAUTH2_LOCK_TRIES; i++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			snprintf(err, errlen, "oauth2: cannot open the refresh "
			    "token file %s: %s", path, strerror(errno));
			return -1;
		}
		while (flock(fd, LOCK_EX) == -1)
			if (errno != EINTR) {
				snprintf(err, errlen, "oauth2: cannot lock %s: "
				    "%s", path, strerror(errno));
				close(fd);
				return -1;
			}
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino)
			return fd;
		close(fd);	/* replaced while we waited: take the new one */
	}
	snprintf(err, errlen, "oauth2: %s keeps changing; cannot lock it",
	    path);
	return -1;
}

static int
visible_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int
oauth2_file_read(int fd, const char *path, char **token_r, char *err,
    size_t errlen)
{
	struct stat st;
	char buf[8192], *nl;
	ssize_t n;
	size_t len = 0;
	int ret = -1;

	*token_r = NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "oauth2: %s is not a file", path);
		return -1;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		snprintf(err, errlen, "oauth2: %s is readable by others; chmod "
		    "600 it", path);
		return -1;
	}
	/* Refresh tokens are a few hundred bytes to 2 KB (Microsoft); the
	 * first line is all that counts. */
	while (len < sizeof buf - 1 &&
	    (n = pread(fd, buf + len, sizeof buf - 1 - len, (off_t)len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "oauth2: cannot read %s: %s",
			    path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	if ((nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = '\0';
	else if (len == sizeof buf - 1) {
		snprintf(err, errlen, "oauth2: %s: first line longer than %zu "
		    "bytes", path, sizeof buf - 2);
		goto out;
	}
	if (buf[0] == '\0') {
		snprintf(err, errlen, "oauth2: %s: first line is empty", path);
		goto out;
	}
	if (!visible_ascii(buf)) {
		snprintf(err, errlen, "oauth2: %s: the refresh token has "
		    "spaces or other characters a token cannot have", path);
		goto out;
	}
	*token_r = xstrdup(buf);
	ret = 0;
out:
	explicit_bzero(buf, sizeof buf);
	return ret;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
oauth2_file_replace(const char *path, const char *token, char *err,
    size_t errlen)
{
	struct buf tmp = BUF_INIT;
	const char *slash;
	char *dir = NULL;
	int fd = -1, dfd = -1, made = 0, ret = -1;

	buf_printf(&tmp, "%s.XXXXXX", path);
	/* mkstemp creates the file with mode 600. */
	if ((fd = mkostemp(tmp.s, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot create a file beside %s: %s",
		    path, strerror(errno));
		goto fail;
	}
	made = 1;
	if (fchmod(fd, S_IRUSR | S_IWUSR) == -1 ||
	    write_all(fd, token, strlen(token)) == -1 ||
	    write_all(fd, "\n", 1) == -1 || fsync(fd) == -1) {
		snprintf(err, errlen, "cannot write %s: %s", tmp.s,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		snprintf(err, errlen, "cannot write %s: %s", tmp.s,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp.s, path) == -1) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp.s,
		    path, strerror(errno));
		goto fail;
	}
	/* The rename itself is durable only once the directory is. */
	slash = strrchr(path, '/');
	dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
	    xstrndup(path, slash - path);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	ret = 0;
fail:
	if (fd != -1)
		close(fd);
	if (ret == -1 && made)
		(void)unlink(tmp.s);
	free(dir);
	buf_free(&tmp);
	return ret;
}
