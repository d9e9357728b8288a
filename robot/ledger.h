/* ledger: every message the robot has seen, one row each (table message)
 * with its outcome, and its decoded headers, text and HTML beside it
 * (table message_text, so that the row stays small) unless no rule
 * recognised it (ledger_keep_text).
 *
 * Outcomes: "recorded" (decoded, not yet examined), "applied",
 * "unplaced", "quarantined", "ignored", and "duplicate" (the same
 * Message-ID and content already recorded, e.g. after a UIDVALIDITY change
 * or in a second folder); each with a reason.  Callers wrap a record and
 * what it causes in one transaction (db_begin/db_commit). */
#ifndef ROBOT_LEDGER_H
#define ROBOT_LEDGER_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mime.h"
#include "reason.h"

struct ledger_entry {
	const char	*folder;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	const char	*raw;		/* what was fetched of the message */
	size_t		 len;
	size_t		 size;		/* the whole message's size, or 0:
					 * len */
	const struct mime_msg *msg;	/* decoded */
	time_t		 now;
	const char	*hash;		/* ledger_hash() of raw (or
					 * ledger_hash_fetched()), or NULL */
};

/* The hash of what was fetched of a message: an XXH3 128-bit hash as 32
 * hex digits, plus NUL.  It only tells a second copy of a message (with
 * the same Message-ID) from a different one, so it need not resist
 * forgery: a forger could at most have his own copy counted as a
 * duplicate.  SHA-256 cost a tenth of the robot's time on a large
 * mailbox; this costs next to nothing.
 *
 * ledger_hash is of the whole message, as every version wrote it.
 * ledger_hash_fetched is of a message fetched otherwise, with the kind in
 * front: 'p' (in parts: data is the message put back together, extra
 * names what was left out) or 'h' (the header alone: extra is the
 * size). */
#define LEDGER_HASH_SIZE	34
void ledger_hash(const char *raw, size_t len, char out[LEDGER_HASH_SIZE]);
void ledger_hash_fetched(char kind, const char *data, size_t len,
    const char *extra, size_t elen, char out[LEDGER_HASH_SIZE]);

/* Inserts e's row and its attachments (bytes kept for form
 * attachments only).  When the same message is already in the ledger,
 * the row is recorded as "duplicate" of it and *dup_r is set to 1: the
 * same Message-ID and hash, or, for a copy fetched another way than this
 * one (whole by an earlier version and in parts now, or over max_message
 * once and not now), the same Message-ID, size, Date and From address
 * (hashes of different kinds cannot be compared).  Returns 0 with the new
 * row id in *id_r, or -1 (logged). */
int ledger_record(sqlite3 *db, const struct ledger_entry *e, int64_t *id_r,
    int *dup_r);

/* Sets a message's outcome, its reason code and the reason's line of
 * detail.  0 or -1. */
int ledger_set_outcome(sqlite3 *db, int64_t id, const char *outcome,
    enum reason_code code, const char *reason);

/* Keeps the decoded headers, text and HTML of row id (table
 * message_text), unless all is 0 and its outcome says that no rule
 * recognised it (unplaced, no_rule).  That mail is most of a mailbox, is
 * read again only by reprocess after a rule change, and stays on the
 * server, where fetch_load reads it again.  Called once the outcome is
 * set, in the same transaction; a text kept already stays as it is.
 * 0 or -1. */
int ledger_keep_text(sqlite3 *db, int64_t id, const struct mime_msg *m,
    int all);

/* Rebuilds the decoded message of row id from the ledger (headers, text,
 * html, attachments), without fetching it again: see ledger_place for
 * whether its text was kept.  Returns 0 and a message (mime_free it), or
 * -1 when there is no such row. */
int ledger_load(sqlite3 *db, int64_t id, struct mime_msg **msg_r);

/* Where the message of row id was found (the original's row when id is a
 * duplicate) and whether its text is kept. */
struct ledger_place {
	int64_t		 id;		/* the original's row */
	char		*folder;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	char		*message_id;	/* or NULL */
	int		 kept;		/* its text is in message_text */
	int		 purged;	/* emptied past its retention: never
					 * to be fetched again */
};
/* 0, or -1 when there is no such row (p is zeroed either way; free it
 * with ledger_place_free). */
int ledger_place(sqlite3 *db, int64_t id, struct ledger_place *p);
void ledger_place_free(struct ledger_place *p);

/* Moves the folder's high-water mark: the last UID recorded under
 * uidvalidity.  0 or -1. */
int ledger_folder_set(sqlite3 *db, const char *folder, uint32_t uidvalidity,
    uint32_t last_uid);
/* The folder's stored uidvalidity and last UID (0/0 when unknown). */
int ledger_folder_get(sqlite3 *db, const char *folder,
    uint32_t *uidvalidity_r, uint32_t *last_uid_r);

/* 1 when an attachment may be a request form, so its bytes are kept
 * (form_attachment_kind(): what form_find reads is what is kept). */
int ledger_is_form_attachment(const struct mime_attachment *a);

#endif
