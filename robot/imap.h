/* imap: the robot's read-only view of the mailbox, over libetpan.
 *
 * RFC 3501 (IMAP4rev1), RFC 2177 (IDLE), RFC 8314/2595 (implicit TLS,
 * STARTTLS).  libetpan 1.9.4 checks no certificate, so after the TLS
 * handshake and before LOGIN this module verifies the server's chain and
 * host name with GnuTLS against [imap] ca_file or the system store.
 * Folders are opened with EXAMINE and fetched with BODY.PEEK[], so no
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

/* The same with a stage that runs as each message arrives, in the thread
 * that reads the connection, so that work on one message (decoding) goes
 * on while the next is read: prep(ctx, data, len) returns what take gets
 * as its last argument; unprep frees it for a message take never sees
 * (after take asked to stop); take owns it.  prep must not touch what take
 * uses. */
struct imap_fetch_fns {
	void	*(*prep)(void *ctx, const char *data, size_t len);
	void	 (*unprep)(void *ctx, void *prepared);
	int	 (*take)(void *ctx, uint32_t uid, const char *data, size_t len,
		    time_t internaldate, void *prepared);
	void	*ctx;
	/* When prep has worked on the message take waits for longer than
	 * stall_seconds (0: never), stalled(ctx, uid) is called in take's
	 * thread; it does not return (a prep that does not finish cannot be
	 * stopped: the process ends). */
	int	 stall_seconds;
	void	 (*stalled)(void *ctx, uint32_t uid);
};
int imap_fetch_prep(struct imap *imap, uint32_t first_uid, int batch,
    const struct imap_fetch_fns *fns, char *err, size_t errlen);

/* 1 when the server announced IDLE. */
int imap_has_idle(const struct imap *imap);
/* Waits in IDLE on the examined folder up to timeout seconds.  Returns 1
 * when the server reported a change (new mail), 0 on timeout, or
 * IMAP_CONN_BAD.  Re-issue before 29 minutes (RFC 2177). */
int imap_idle(struct imap *imap, int timeout, char *err, size_t errlen);

#endif
