/* fetch: one pass over the configured folders: fetch what is new, decode
 * it, record it in the ledger and hand it to the next stage, each message
 * in one savepoint with its folder's new last UID, committed in batches (up
 * to 256 messages or 0.2 s, and at the end of each folder).
 *
 * So a crash at any moment leaves every message either wholly recorded
 * (and its folder mark past it) or not at all (and fetched again next
 * time). */
#ifndef ROBOT_FETCH_H
#define ROBOT_FETCH_H

#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"
#include "imap.h"
#include "mime.h"

/* The next stage: examines a freshly recorded message inside the
 * message's transaction and sets its outcome.  dup is 1 for a message
 * already recorded under another UID or folder.  Returns 0, or -1 to roll
 * the message back (it is fetched again next time). */
typedef int (*fetch_apply_fn)(void *ctx, sqlite3 *db, int64_t id,
    const struct mime_msg *msg, int dup, time_t now);

struct fetch_stats {
	unsigned	 folders;
	unsigned	 fetched;	/* messages received from the server */
	unsigned	 recorded;	/* new rows in the ledger */
	unsigned	 duplicates;
};

/* Polls every folder of cfg over an open connection.  stop (may be NULL)
 * is looked at between messages: once it is set the open batch is
 * committed and the fetch ends as if the folder were done (a signal
 * handler's flag: `run` stops at SIGTERM without losing a message).
 * Returns IMAP_OK, or the graded imap_result of what broke (with err);
 * messages recorded before the failure stay recorded. */
int fetch_folders(const struct config *cfg, sqlite3 *db, struct imap *imap,
    fetch_apply_fn apply, void *ctx, const volatile sig_atomic_t *stop,
    struct fetch_stats *stats, char *err, size_t errlen);

/* Reads message id of the ledger back, decoded: from the ledger when its
 * text is kept (ledger_keep_text), else fetched again from its folder by
 * its UIDVALIDITY and UID, in parts as the poll fetched it, over *imap
 * (connected on first need: imap_close it after; imap NULL: the server
 * is not asked, 2 for such a message).  Returns 0 and a message
 * (mime_free it); 1 when it cannot be fetched again (gone from the
 * server, the folder's UIDVALIDITY changed) or must not be (emptied past
 * its retention); 2 when the server could not
 * be reached or the connection broke (*imap is then closed); -1 on a
 * database error or no such row.  err says why when not 0. */
int fetch_load(const struct config *cfg, sqlite3 *db, struct imap **imap,
    int64_t id, struct mime_msg **m_r, char *err, size_t errlen);

#endif
