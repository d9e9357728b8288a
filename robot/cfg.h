/* cfg: the INI file, read through a table of keys (type, default,
 * required), into one struct config.
 *
 * inih does the lexing; this module owns what the keys mean.  Errors read
 * "FILE:LINE: section.key: problem" (LINE 0 when the problem is a missing
 * key or an unreadable file).  An unknown section or key is an error.
 *
 * A password comes from `password`, from `password_file` (first line; the
 * file must not be readable by group or others), or from `password_env`
 * (the name of an environment variable); exactly one of them. */
#ifndef ROBOT_CFG_H
#define ROBOT_CFG_H

#include <stddef.h>

enum cfg_tls { CFG_TLS_IMAPS, CFG_TLS_STARTTLS, CFG_TLS_NONE };

struct config {
	char	*path;			/* the file it was read from */

	struct {
		char	*host;
		int	 port;		/* default 993 (imaps) or 143 */
		enum cfg_tls tls;	/* default imaps */
		char	*ca_file;	/* NULL: the system store */
		char	*user;
		char	*password;	/* resolved; never logged */
		char   **folders;	/* NULL-terminated; default INBOX */
		size_t	 nfolders;
		int	 batch;		/* messages per UID FETCH, default 500 */
		int	 timeout;	/* seconds, default 60 */
		int	 idle;		/* use IDLE in `run`, default 1 */
	} imap;

	struct {
		char	*url;		/* smtp://host:port or smtps://host:port */
		char	*user;		/* NULL: no AUTH */
		char	*password;
		char	*from;		/* the robot's own address */
		char	*ca_file;
		enum cfg_tls tls;	/* starttls (required) | none (opportunistic
					 * only when url is loopback); default
					 * starttls for smtp://, imaps for smtps:// */
		int	 max_per_recipient_day;	/* default 20 */
	} smtp;

	struct {
		char	*path;
	} database;

	struct {
		char	*domain;	/* e.g. example.edu.tr */
		char	*bidb;		/* bidb@domain */
		char	*yazi_isleri;
		char	*bys;
		char	*authserv_id;	/* NULL: no Authentication-Results check */
		char	*robot;		/* the robot's own address; default
					 * smtp.from */
	} institution;

	struct {
		char   **domains;	/* NULL-terminated, lower case */
		size_t	 ndomains;
	} kamusm;

	struct {
		char	*rules_dir;	/* default DATADIR/rules */
		char	*templates_dir;	/* default DATADIR/templates */
		char	*holidays_file;	/* default DATADIR/rules/holidays.txt */
		int	 poll_interval;	/* seconds between polls in `run`,
					 * default 300 */
		char	*log;		/* "stderr" or "syslog" */
		char	*log_level;	/* error|warning|info|debug */
	} robot;

	struct {
		size_t	 max_message;	/* bytes parsed in full, default 25 MiB */
		size_t	 max_attachment;/* decoded bytes kept, default 10 MiB */
		int	 max_parts;	/* default 200 */
		int	 max_depth;	/* MIME nesting, default 20 */
		int	 max_form_rows;	/* default 2000 */
	} limits;

	/* [reminders]: business days before the first reminder, and
	 * between the next ones; see workflow.md. */
	struct {
		int	 hour;			/* default 9 */
		int	 max_per_step;		/* default 3 */
		int	 ticket_first, ticket_every;		/* 3, 3 */
		int	 form_first, form_every;		/* 2, 1 */
		int	 sent_first, sent_every;		/* 5, 5 */
		int	 notified_first, notified_every;	/* 5, 5 */
		int	 filled_first, filled_every;		/* 3, 3 */
		int	 wet_first, wet_every;			/* 2, 2 */
		int	 shipping_first, shipping_every;	/* 10, 5 */
		int	 acknowledge;		/* ack mail to unit head, 1 */
	} reminders;

	struct {
		char   **to;		/* default: institution.bidb */
		size_t	 nto;
		int	 weekday;	/* 1 = Monday (default) ... 7 = Sunday */
		int	 hour;		/* default 9 */
	} digest;

	/* [retention]: days personal data is kept (purge.h). */
	struct {
		int	 cases;		/* after a case closed, default 730 */
		int	 messages;	/* after a message came, default 365 */
		int	 outbox;	/* after a mail went, default 30 */
		int	 daily;		/* poll and run purge once a day, 1 */
	} retention;
};

/* Reads path into a new config (caller frees with cfg_free).  Returns 0,
 * or -1 with a message "FILE:LINE: key: problem" in err (errlen bytes). */
int cfg_load(const char *path, struct config **cfg_r, char *err,
    size_t errlen);
void cfg_free(struct config **cfg);

/* The data directory compiled in by the build (rules/, templates/ and
 * rules/holidays.txt under it): the source tree for the robot built in
 * the tree, PREFIX/share/nes-robot for the installed one.  The built-in
 * defaults of [robot] rules_dir, templates_dir and holidays_file are under
 * it; the config's own values override them. */
const char *cfg_datadir(void);

/* 1 when host names the loopback (127.0.0.0/8, ::1, localhost). */
int cfg_is_loopback(const char *host);

#endif
