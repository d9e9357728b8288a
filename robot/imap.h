/* imap: the robot's read-only view of the mailbox, over libetpan.
 *
 * RFC 3501 (IMAP4rev1), RFC 2177 (IDLE), RFC 8314/2595 (implicit TLS,
 * STARTTLS).  libetpan 1.9.4 checks no certificate, so after the TLS
 * handshake and before LOGIN this module verifies the server's chain and
 * host name with GnuTLS against [imap] ca_file or the system store.
 * Folders are opened with EXAMINE and fetched with BODY.PEEK[] (or, to
 * fetch less, BODYSTRUCTURE, BODY.PEEK[HEADER] and BODY.PEEK[part]), so no
 * flag of anybody's changes.  The login is LOGIN with the password, or,
 * with imap.auth xoauth2 / oauthbearer, AUTHENTICATE with an access token
 * from oauth2.h (imap_auth.h; RFC 7628, RFC 4959).  Neither password nor
 * token reaches the log: the protocol logger drops libetpan's "private"
 * data. */
#ifndef ROBOT_IMAP_H
#define ROBOT_IMAP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cfg.h"

struct imap;

/* Graded by how much broke (style.md). */
enum imap_result {
	IMAP_OK = 0,
	IMAP_FOLDER_BAD = -1,	/* this folder: missing, not selectable */
	IMAP_CONN_BAD = -2,	/* the connection: dropped, timed out, TLS */
	IMAP_ABORTED = -3	/* the message callback asked to stop */
};

/* Connects to [imap] host:port with its tls mode, verifies the
 * certificate (imaps/starttls), logs in.  Refuses tls = none unless host
 * is loopback.  Returns IMAP_OK and a handle (imap_close it), or
 * IMAP_CONN_BAD with one line in err naming what failed: "cannot connect
 * to HOST:PORT: ...", "certificate of HOST not trusted: ...",
 * "certificate does not match host name HOST", "login refused for USER",
 * "login refused for USER (XOAUTH2): ...", "imap HOST does not offer
 * AUTHENTICATE MECH; ...", or the token endpoint's "oauth2: ...". */
int imap_connect(const struct config *cfg, struct imap **imap_r, char *err,
    size_t errlen);

/* imap_connect on a thread of its own, so that the server's part of the
 * login (for each connection Dovecot starts a process; the TLS handshake,
 * the password check, each round trip to a remote server) goes on while
 * the caller loads what it needs.  imap_connect_wait gives what
 * imap_connect would have given (imap_r NULL: the connection is dropped,
 * nothing said); call it once for each start, cfg alive until then.  If
 * no thread can be started, the wait connects itself. */
struct imap_pending;
struct imap_pending *imap_connect_start(const struct config *cfg);
int imap_connect_wait(struct imap_pending *p, struct imap **imap_r,
    char *err, size_t errlen);
void imap_close(struct imap **imap);

/* EXAMINEs folder (read-only).  Gives its UIDVALIDITY and UIDNEXT. */
int imap_examine(struct imap *imap, const char *folder,
    uint32_t *uidvalidity_r, uint32_t *uidnext_r, char *err, size_t errlen);

/* Called once per message, in ascending UID order.  data/len is the whole
 * raw message (BODY.PEEK[]), valid only during the call.  Return 0 to go
 * on, -1 to stop the fetch (imap_fetch then returns IMAP_ABORTED). */
typedef int (*imap_msg_fn)(void *ctx, uint32_t uid, const char *data,
    size_t len, time_t internaldate);

/* Fetches every message of the examined folder with UID >= first_uid, in
 * batches of `batch` UIDs per UID FETCH (never one round trip per
 * message), streaming each to fn without holding the folder in memory. */
int imap_fetch(struct imap *imap, uint32_t first_uid, int batch,
    imap_msg_fn fn, void *ctx, char *err, size_t errlen);

/* How a message came (imap_fetch_prep with leave_out). */
enum imap_how {
	IMAP_WHOLE,	/* data is the message as stored (BODY[]) */
	IMAP_PARTS,	/* data is the message put back together from its
			 * header and parts, the bodies of the holes left
			 * empty (RFC 2046 preambles and epilogues gone) */
	IMAP_HEADER	/* data is its header block alone: it is over
			 * header_over */
};

/* A part left out of a message fetched in parts. */
struct imap_hole {
	char	*section;	/* its IMAP part number: "2", "1.3" */
	size_t	 size;		/* its decoded size, told by its ends */
};

/* One message as the fetch hands it over; valid during the call only. */
struct imap_msg {
	uint32_t	 uid;
	time_t		 date;		/* INTERNALDATE, or -1 */
	size_t		 size;		/* RFC822.SIZE: the whole message's */
	enum imap_how	 how;
	const char	*data;		/* a NUL follows the len bytes */
	size_t		 len;
	const struct imap_hole *holes;	/* IMAP_PARTS, in document order */
	size_t		 nholes;
};

/* A leaf part as its BODYSTRUCTURE describes it (RFC 3501 7.4.2): what
 * leave_out chooses by.  Strings are as the server sent them (NULL when
 * it sent NIL), type, subtype and encoding in lower case; param and
 * dparam hold name, value, name, value ... */
struct imap_part {
	const char	*type;		/* "application" */
	const char	*subtype;	/* "pdf" */
	const char	*encoding;	/* "base64" */
	size_t		 octets;	/* its size as sent (encoded) */
	const char	*const *param;	/* Content-Type parameters */
	size_t		 nparam;	/* pairs */
	const char	*disposition;	/* "attachment", "inline" or NULL */
	const char	*const *dparam;	/* Content-Disposition parameters */
	size_t		 ndparam;
};

/* The same with a stage that runs as each message arrives, in a thread of
 * its own, so that work on one message (decoding) goes on while the next
 * is read and the one before is recorded: prep(ctx, m) returns what take
 * gets as its last argument; unprep frees it for a message take never
 * sees (after take asked to stop); take owns it.  prep must not touch
 * what take uses. */
struct imap_fetch_fns {
	void	*(*prep)(void *ctx, const struct imap_msg *m);
	void	 (*unprep)(void *ctx, void *prepared);
	int	 (*take)(void *ctx, const struct imap_msg *m, void *prepared);
	void	*ctx;
	/* When prep has worked on the message take waits for longer than
	 * stall_seconds (0: never), stalled(ctx, uid) is called in take's
	 * thread; it does not return (a prep that does not finish cannot be
	 * stopped: the process ends). */
	int	 stall_seconds;
	void	 (*stalled)(void *ctx, uint32_t uid);
	/* Fetching less.  NULL: every message comes whole, as stored.
	 * Otherwise a message of at least parts_from bytes is read by its
	 * BODYSTRUCTURE first: the base64 leaf parts of at least
	 * IMAP_HOLE_MIN bytes that leave_out(ctx, part) returns 1 for are
	 * not fetched (only their two ends, which tell their decoded size;
	 * when they cannot, the message comes whole), and the message comes
	 * IMAP_PARTS; with no such part it comes whole.  A message over
	 * header_over bytes (0: no limit) comes as its header alone.  Which
	 * way a message comes depends only on its size, its structure and
	 * these settings, so the same message comes the same way again (a
	 * second folder, a new UIDVALIDITY). */
	int	 (*leave_out)(void *ctx, const struct imap_part *p);
	size_t	 parts_from;
	size_t	 header_over;
};
#define IMAP_HOLE_MIN	512

/* Fetches as imap_fetch does, with fns: messages reach take one by one in
 * UID order, each whole or in parts as fns says; the commands of a batch
 * are sent without waiting for the answers to the ones before. */
int imap_fetch_prep(struct imap *imap, uint32_t first_uid, int batch,
    const struct imap_fetch_fns *fns, char *err, size_t errlen);

/* 1 when the server announced IDLE. */
int imap_has_idle(const struct imap *imap);
/* Waits in IDLE on the examined folder up to timeout seconds.  Returns 1
 * when the server reported a change (new mail), 0 on timeout, or
 * IMAP_CONN_BAD.  Re-issue before 29 minutes (RFC 2177). */
int imap_idle(struct imap *imap, int timeout, char *err, size_t errlen);

#endif
