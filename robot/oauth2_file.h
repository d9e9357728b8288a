/* oauth2_file: the refresh token file of [oauth2], locked, read and
 * replaced safely; see oauth2.h.  Used by oauth2.c only. */
#ifndef ROBOT_OAUTH2_FILE_H
#define ROBOT_OAUTH2_FILE_H

#include <stddef.h>

/* Opens path and takes an exclusive lock on it (flock), waiting for
 * another robot process that holds it.  The lock is on the file as it is
 * now: when another process replaced it while this one waited, the new
 * file is opened and locked instead.  Returns the descriptor (close it to
 * unlock), or -1 with one line in err. */
int oauth2_file_lock(const char *path, char *err, size_t errlen);

/* Reads the first line of the locked file fd (CR and LF dropped) into
 * *token_r (free with oauth2_free).  Refuses a file readable by group or
 * others, an empty first line, and a token with anything but visible
 * ASCII in it.  Returns 0, or -1 with one line in err. */
int oauth2_file_read(int fd, const char *path, char **token_r, char *err,
    size_t errlen);

/* Replaces path by a file holding token and a newline: written beside it
 * with mode 600, synced, renamed over it, and the directory synced.
 * Returns 0, or -1 with one line in err (path is then unchanged). */
int oauth2_file_replace(const char *path, const char *token, char *err,
    size_t errlen);

#endif
