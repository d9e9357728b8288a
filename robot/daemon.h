/* daemon: `robot run`, the long-running robot.
 *
 * One loop, one connection: a full poll of every folder (the code path of
 * `poll`: fetch_folders with robot_apply, then robot_after_poll), then a
 * wait until the next one.  Where the server announces IDLE (RFC 2177) and
 * [imap] idle is on, the wait is IDLE on the first configured folder only
 * (one connection watches one folder; the other folders are read by the
 * full poll every [robot] poll_interval seconds, the safety net); new mail
 * there starts a full poll at once.  Otherwise the wait is a plain sleep of
 * poll_interval.  Every wait is cut into slices of at most DAEMON_TICK
 * seconds, and IDLE is re-issued each slice (far inside RFC 2177's 29
 * minutes), so reminders, the digest and the outbox (robot_after_poll)
 * run once a minute even while nothing arrives; they follow ROBOT_NOW when
 * it is set.
 *
 * A lost connection (dropped, server restarted, refused) is logged as
 * "imap: connection lost: ...; reconnecting in N s" and retried after 1, 2,
 * 4 ... seconds, at most DAEMON_BACKOFF_MAX; success logs "imap:
 * reconnected" and polls every folder at once.
 *
 * Signals: SIGTERM and SIGINT end the loop after the message being
 * recorded (fetch_folders looks at the stop flag it is given between messages); the robot
 * logs "stopped" and exits 0.  SIGHUP reloads the config file, the rules
 * and the holiday file and checks the templates; everything is loaded into
 * new structures and swapped in only when all of it loaded, so a bad
 * reload keeps the old ones and logs why.  The database path is not
 * changed by a reload (the open database and its lock stay; logged).
 * Templates are read from disk whenever a mail is made, so the check at
 * reload only warns early of a broken one.
 *
 * One robot per database: daemon_lock takes an advisory lock (flock) on
 * "DATABASE.lock" holding the owner's PID; `run` and `poll` both take it
 * and refuse to start when another process holds it.  The lock file is
 * created 0600 and never opened through a symbolic link. */
#ifndef ROBOT_DAEMON_H
#define ROBOT_DAEMON_H

#include <stddef.h>

#include "robot.h"

#define DAEMON_TICK		60	/* seconds between scheduler ticks */
#define DAEMON_BACKOFF_MAX	60	/* seconds, cap of the reconnect wait */

/* Takes the lock of the database at dbpath without waiting.  Returns the
 * lock's descriptor (keep it open as long as the lock is needed; closing it
 * or exiting frees it), or -1 with one line in err: "another robot is
 * running on DB (pid N)", or why the lock file could not be used. */
int daemon_lock(const char *dbpath, char *err, size_t errlen);

/* Installs the handlers of SIGTERM, SIGINT (stop) and SIGHUP (reload). */
void daemon_signals(void);

/* Runs until SIGTERM/SIGINT.  r holds the opened config, database and
 * rules (robot_load_rules done); cfgpath is read again on SIGHUP; verbose
 * keeps debug logging across reloads.  Returns 0 after a requested stop,
 * -1 when it cannot go on (logged). */
int daemon_run(struct robot *r, const char *cfgpath, int verbose);

#endif
