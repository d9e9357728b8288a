/* daemon: `robot run`: poll, IDLE or sleep, reconnect, reload; see
 * daemon.h.  RFC 2177 (IDLE). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "daemon.h"
#include "fetch.h"
#include "imap.h"
#include "ledger.h"
#include "log.h"
#include "mail.h"
#include "mime.h"
#include "rules.h"
#include "tmpl.h"
#include "trust.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

/* The state of one `run`. */
struct daemon {
	struct robot	*r;
	struct imap	*imap;		/* NULL while disconnected */
	int		 lost;		/* the connection dropped; not yet back */
	int		 backoff;	/* seconds before the next connect;
					 * 0 again after a good poll */
	int		 watching;	/* first folder examined for IDLE */
	int		 need_poll;	/* IDLE saw new mail */
	time_t		 next_poll;	/* monotonic seconds */
	time_t		 next_tick;
	time_t		 next_connect;
};

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

void
daemon_signals(void)
{
	struct sigaction sa;

	/* SA_RESTART: a signal in the middle of reading a message must not
	 * break the connection; the waits (poll, nanosleep) return EINTR
	 * regardless, so the loop sees the flag at once. */
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
}

int
daemon_lock(const char *dbpath, char *err, size_t errlen)
{
	char path[PATH_MAX], pidbuf[32];
	struct stat st;
	ssize_t n;
	long pid;
	int fd = -1, len;

	len = snprintf(path, sizeof path, "%s.lock", dbpath);
	if (len < 0 || (size_t)len >= sizeof path) {
		snprintf(err, errlen, "%s: path too long for its lock file",
		    dbpath);
		return -1;
	}
	/* Not through a link someone put in its place: the robot would
	 * truncate and write whatever file it points to. */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    errno == ELOOP ? "it is a symbolic link" :
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			snprintf(err, errlen, "%s: cannot lock: %s", path,
			    strerror(errno));
			goto fail;
		}
		/* The holder writes its PID right after locking; an empty
		 * file means it is just starting. */
		n = pread(fd, pidbuf, sizeof pidbuf - 1, 0);
		pidbuf[n > 0 ? n : 0] = '\0';
		pid = strtol(pidbuf, NULL, 10);
		if (pid > 0)
			snprintf(err, errlen, "another robot is running on %s "
			    "(pid %ld)", dbpath, pid);
		else
			snprintf(err, errlen, "another robot is running on %s",
			    dbpath);
		goto fail;
	}
	/* The PID only names the holder in a refusal: a full disk must not
	 * stop the robot here. */
	len = snprintf(pidbuf, sizeof pidbuf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pidbuf, (size_t)len, 0) !=
	    len)
		log_warn("%s: cannot write the PID: %s", path,
		    strerror(errno));
	return fd;
fail:
	close(fd);
	return -1;
}

/* Seconds of a clock that neither ROBOT_NOW nor a clock change moves:
 * intervals only. */
static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Milliseconds of the same clock, for what a poll took. */
static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

/* Sleeps secs seconds, less when a signal asks to stop or reload. */
static void
daemon_sleep(int secs)
{
	struct timespec ts;

	ts.tv_sec = secs;
	ts.tv_nsec = 0;
	while (!stop_requested && !reload_requested &&
	    nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Loads everything a reload changes into new structures, and swaps them
 * in only when all of it loaded. */
static void
daemon_reload(struct daemon *d, const char *cfgpath, int verbose)
{
	struct robot *r = d->r;
	struct config *cfg = NULL;
	struct rule_set *rules = NULL;
	char err[1024];

	log_info("reloading %s", cfgpath);
	if (cfg_reload(cfgpath, r->cfg, &cfg, err, sizeof err) == -1)
		goto fail;
	if (rules_load(cfg->robot.rules_dir, &rules, err, sizeof err) == -1)
		goto fail;
	if (mail_check_dir(cfg->robot.templates_dir, err, sizeof err) == -1)
		goto fail;
	/* Last: it replaces the loaded holidays only when it succeeds. */
	if (cfg->robot.holidays_file && clock_load_holidays(
	    cfg->robot.holidays_file, err, sizeof err) == -1)
		goto fail;
	if (strcmp(cfg->database.path, r->cfg->database.path) != 0)
		log_warn("reload: [database] path %s is not applied while "
		    "running; still using %s until a restart",
		    cfg->database.path, r->cfg->database.path);
	cfg_free(&r->cfg);
	r->cfg = cfg;
	rules_free(&r->rules);
	r->rules = rules;
	/* The decoder keeps its own copy of [limits]: between polls no
	 * message is being decoded, so it can change here. */
	mime_set_limits(cfg->limits.max_depth, cfg->limits.max_parts,
	    cfg->limits.max_attachment);
	log_init(verbose ? LOG_LVL_DEBUG : robot_log_level(r->cfg),
	    r->cfg->robot.log && strcmp(r->cfg->robot.log, "syslog") == 0);
	log_info("reloaded: %zu rule(s) from %s, templates in %s",
	    rules_count(r->rules), r->cfg->robot.rules_dir,
	    r->cfg->robot.templates_dir);
	if (trust_config_warning(r->cfg) != NULL)
		log_warn("%s", trust_config_warning(r->cfg));
	/* The [imap] section may have changed: connect again with it. */
	imap_close(&d->imap);
	d->lost = 0;
	d->backoff = 0;
	d->next_connect = 0;
	return;
fail:
	log_err("reload failed, keeping the old configuration and rules: %s",
	    err);
	rules_free(&rules);
	cfg_free(&cfg);
}

/* The next wait: 1, 2, 4 ... DAEMON_BACKOFF_MAX seconds. */
static void
daemon_backoff(struct daemon *d)
{
	d->backoff = d->backoff == 0 ? 1 : d->backoff * 2;
	if (d->backoff > DAEMON_BACKOFF_MAX)
		d->backoff = DAEMON_BACKOFF_MAX;
	d->next_connect = mono_now() + d->backoff;
}

/* The backoff is not reset by a connect that works, only by a poll that
 * does: a fault that breaks every poll (the database refusing) then does
 * not spin. */
static void
daemon_lost(struct daemon *d, const char *err)
{
	imap_close(&d->imap);
	d->lost = 1;
	daemon_backoff(d);
	d->watching = 0;
	log_warn("imap: connection lost: %s; reconnecting in %d s", err,
	    d->backoff);
}

static void
daemon_connect(struct daemon *d)
{
	char err[1024];

	if (imap_connect(d->r->cfg, &d->imap, err, sizeof err) != IMAP_OK) {
		d->imap = NULL;
		daemon_backoff(d);
		log_warn("imap: %s; reconnecting in %d s", err, d->backoff);
		return;
	}
	if (d->lost)
		log_info("imap: reconnected");
	else if (d->r->cfg->imap.idle && imap_has_idle(d->imap))
		log_info("imap: connected; waiting in IDLE on %s",
		    d->r->cfg->imap.folders[0]);
	else
		log_info("imap: connected; polling every %d s (no IDLE)",
		    d->r->cfg->robot.poll_interval);
	d->lost = 0;
	d->watching = 0;
	d->next_poll = 0;	/* whatever came meanwhile: now */
}

/* Reminders, digest, outbox.  A failure is logged and tried again at the
 * next tick. */
static void
daemon_tick(struct daemon *d)
{
	if (robot_after_poll(d->r) == -1)
		log_warn("reminders, digest or outbox failed (see above); "
		    "trying again in %d s", DAEMON_TICK);
	d->next_tick = mono_now() + DAEMON_TICK;
}

/* A full poll, the code path of `poll`.  Returns IMAP_OK (also when one
 * folder was bad: logged), IMAP_CONN_BAD (err) or IMAP_ABORTED. */
static int
daemon_poll(struct daemon *d, char *err, size_t errlen)
{
	struct fetch_stats st;
	double t0 = mono_ms();
	int rc;

	memset(&st, 0, sizeof st);
	d->need_poll = 0;
	d->watching = 0;
	robot_poll_begin(d->r);
	rc = fetch_folders(d->r->cfg, d->r->db, d->imap, robot_apply, d->r,
	    &stop_requested, &st, err, errlen);
	d->next_poll = mono_now() + d->r->cfg->robot.poll_interval;
	if (rc != IMAP_CONN_BAD && rc != IMAP_ABORTED) {
		d->backoff = 0;
		daemon_tick(d);
	} else if (robot_poll_end(d->r) == -1)
		log_warn("outbox failed (see above); trying again in %d s",
		    DAEMON_TICK);
	/* How long, the reminders and the outbox included: over the open
	 * connection, what a poll with nothing new costs the service. */
	log_msg(st.fetched ? LOG_LVL_INFO : LOG_LVL_DEBUG, "poll: %u "
	    "folder(s), %u message(s) fetched, %u recorded (%u duplicate) "
	    "in %.1f ms", st.folders, st.fetched, st.recorded, st.duplicates,
	    mono_ms() - t0);
	return rc == IMAP_CONN_BAD || rc == IMAP_ABORTED ? rc : IMAP_OK;
}

/* EXAMINEs the first folder for IDLE.  Mail that came between the poll
 * and now shows in UIDNEXT: then a poll is due at once.  Returns IMAP_OK,
 * IMAP_FOLDER_BAD (then no IDLE until the next poll) or IMAP_CONN_BAD. */
static int
daemon_watch(struct daemon *d, char *err, size_t errlen)
{
	const char *folder = d->r->cfg->imap.folders[0];
	uint32_t uv, uidnext, old_uv, last;
	int rc;

	if ((rc = imap_examine(d->imap, folder, &uv, &uidnext, err, errlen)) !=
	    IMAP_OK)
		return rc;
	if (ledger_folder_get(d->r->db, folder, &old_uv, &last) == 0 &&
	    (old_uv != uv || (uidnext != 0 && last + 1 < uidnext)))
		d->need_poll = 1;
	d->watching = 1;
	return IMAP_OK;
}

/* Waits up to secs seconds: in IDLE when it can, else asleep. */
static void
daemon_wait(struct daemon *d, int secs)
{
	const struct config *cfg = d->r->cfg;
	char err[1024];
	int rc;

	if (d->imap == NULL || !cfg->imap.idle || !imap_has_idle(d->imap)) {
		daemon_sleep(secs);
		return;
	}
	if (!d->watching) {
		rc = daemon_watch(d, err, sizeof err);
		if (rc == IMAP_CONN_BAD) {
			daemon_lost(d, err);
			return;
		}
		if (rc != IMAP_OK) {
			log_warn("%s; no IDLE until the next poll", err);
			daemon_sleep(secs);
			return;
		}
		if (d->need_poll)
			return;
	}
	rc = imap_idle(d->imap, secs, err, sizeof err);
	if (rc == IMAP_CONN_BAD)
		daemon_lost(d, err);
	else if (rc == 1) {
		log_debug("imap: new mail in %s", cfg->imap.folders[0]);
		d->need_poll = 1;
	}
}

int
daemon_run(struct robot *r, const char *cfgpath, int verbose)
{
	struct daemon d;
	char err[1024];
	time_t now, until;
	int rc;

	memset(&d, 0, sizeof d);
	d.r = r;
	d.next_tick = mono_now() + DAEMON_TICK;
	log_info("running on %s: %s on %s, every folder polled every %d s, "
	    "reminders, digest and outbox every %d s", r->cfg->database.path,
	    r->cfg->imap.idle ? "IDLE (where the server offers it)" :
	    "no IDLE", r->cfg->imap.folders[0], r->cfg->robot.poll_interval,
	    DAEMON_TICK);
	while (!stop_requested) {
		if (reload_requested) {
			reload_requested = 0;
			daemon_reload(&d, cfgpath, verbose);
			continue;
		}
		now = mono_now();
		if (d.imap == NULL && now >= d.next_connect) {
			daemon_connect(&d);
			continue;
		}
		if (d.imap != NULL && (d.need_poll || now >= d.next_poll)) {
			rc = daemon_poll(&d, err, sizeof err);
			if (rc == IMAP_CONN_BAD)
				daemon_lost(&d, err);
			continue;
		}
		if (now >= d.next_tick) {
			daemon_tick(&d);
			continue;
		}
		until = d.imap != NULL ? d.next_poll : d.next_connect;
		if (until > d.next_tick)
			until = d.next_tick;
		daemon_wait(&d, until > now ? (int)(until - now) : 1);
	}
	imap_close(&d.imap);
	log_info("stopped");
	return 0;
}
