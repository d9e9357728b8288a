/* cfg: the INI file, read through a table of keys (type, default,
 * required), into one struct config.
 *
 * inih does the lexing; this module owns what the keys mean.  Errors read
 * "FILE:LINE: section.key: problem" (LINE 0 when the problem is a missing
 * key or an unreadable file).  An unknown section or key is an error.
 *
 * A password comes from `password`, from `password_file` (first line; the
 * file must not be readable by group or others), or from `password_env`
 * (the name of an environment variable); exactly one of them.  The same
 * three ways give [oauth2] client_secret.  A config file that holds a
 * `password` or `client_secret` must not be readable by group or others
 * either.  The variable of `password_env` is removed from the environment
 * once read, so nothing the robot starts inherits it; a reload
 * (cfg_reload) takes the password read before from the same variable.
 *
 * [imap] auth and [smtp] auth choose between the password and an OAuth 2.0
 * access token (SASL XOAUTH2 or OAUTHBEARER); a token comes from the
 * [oauth2] section's token endpoint (oauth2.h), whose keys are required
 * only when one of them asks for it. */
#ifndef ROBOT_CFG_H
#define ROBOT_CFG_H

#include <stddef.h>
#include <stdint.h>

enum cfg_tls { CFG_TLS_IMAPS, CFG_TLS_STARTTLS, CFG_TLS_NONE };
/* How the robot logs in: with the password (IMAP LOGIN, SMTP AUTH as
 * libcurl picks it) or with an access token over SASL XOAUTH2 or
 * OAUTHBEARER (RFC 7628). */
enum cfg_auth { CFG_AUTH_PASSWORD, CFG_AUTH_XOAUTH2, CFG_AUTH_OAUTHBEARER };
/* How [oauth2] gets an access token (RFC 6749 section 6 or 4.4). */
enum cfg_grant { CFG_GRANT_REFRESH_TOKEN, CFG_GRANT_CLIENT_CREDENTIALS };
/* The most [smtp] connections the sender opens at once (sender.h). */
#define CFG_SMTP_MAX_CONNECTIONS	8

struct config {
	char	*path;			/* the file it was read from */

	struct {
		char	*host;
		int	 port;		/* default 993 (imaps) or 143 */
		enum cfg_tls tls;	/* default imaps */
		char	*ca_file;	/* NULL: the system store */
		char	*user;
		enum cfg_auth auth;	/* default password */
		char	*password;	/* resolved; never logged; NULL unless
					 * auth is password */
		char	*password_env;	/* the variable it came from, or NULL */
		char   **folders;	/* NULL-terminated; default INBOX */
		size_t	 nfolders;
		int	 batch;		/* messages per UID FETCH, default 500 */
		int	 timeout;	/* seconds, default 60 */
		int	 idle;		/* use IDLE in `run`, default 1 */
	} imap;

	struct {
		char	*url;		/* smtp://host:port or smtps://host:port */
		char	*user;		/* NULL: no AUTH */
		enum cfg_auth auth;	/* default password */
		char	*password;
		char	*password_env;	/* the variable it came from, or NULL */
		char	*from;		/* the robot's own address */
		char	*ca_file;
		enum cfg_tls tls;	/* starttls (required) | none (opportunistic
					 * only when url is loopback); default
					 * starttls for smtp://, imaps for smtps:// */
		int	 max_per_recipient_day;	/* default 20 */
		int	 max_per_day;	/* mails a day in all, default 500 */
		int	 connections;	/* at once while a poll runs, default 2,
					 * at most CFG_SMTP_MAX_CONNECTIONS */
	} smtp;

	/* [oauth2]: where access tokens come from, for imap.auth and
	 * smtp.auth other than password. */
	struct {
		char	*token_url;	/* https:// only */
		enum cfg_grant grant;	/* default refresh_token */
		char	*client_id;
		char	*client_secret;	/* resolved; never logged; NULL for a
					 * public client */
		char	*refresh_token_file;	/* grant refresh_token: mode
						 * 600, rewritten on rotation */
		char	*scope;		/* NULL: the client's default */
		char	*ca_file;	/* NULL: the system store */
		int	 timeout;	/* seconds, default 30 */
	} oauth2;

	struct {
		char	*path;
		int	 keep_all_text;	/* also of mail no rule
					 * recognised (ledger.h) */
	} database;

	struct {
		char	*domain;	/* e.g. example.edu.tr */
		char	*bidb;		/* bidb@domain */
		char	*yazi_isleri;
		char	*bys;
		/* The authserv-ids whose Authentication-Results are believed
		 * (lower case, NULL-terminated; the MX and the submission
		 * server may stamp with different ones).  Required: NULL only
		 * with authserv_none, the written-out opt-out "none", where
		 * roles come from the From address alone. */
		char   **authserv_id;
		size_t	 nauthserv_id;
		int	 authserv_none;
		/* Domains besides domain whose addresses a case may have and
		 * the robot may write to (lower case, NULL-terminated), or
		 * NULL. */
		char   **other_domains;
		size_t	 nother_domains;
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
		int	 max_decode_seconds; /* one message, default 60 */
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
		int	 unit_heads;	/* each unit head gets the part about
					 * their own requests; default 0 */
	} digest;

	/* [links]: the pages the person's reminders point at, never NULL;
	 * "" leaves the line out of the mail. */
	struct {
		char	*application;		/* Kamu SM Online İşlemler */
		char	*e_onay;		/* approving with e-Onay */
		char	*e_onay_activation;	/* the one-time e-Onay permit */
		char	*e_imza;		/* approving with an e-imza */
		char	*islak_imza;		/* the wet-signature way */
		char	*videos;		/* videos of all of it */
	} links;
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
/* cfg_load for a reload while prev is in use: a password_env whose
 * variable is gone (cfg_load removed it) gives the password prev read from
 * that same variable. */
int cfg_reload(const char *path, const struct config *prev,
    struct config **cfg_r, char *err, size_t errlen);
void cfg_free(struct config **cfg);

/* The data directory compiled in by the build (rules/, templates/ and
 * rules/holidays.txt under it): the source tree for the robot built in
 * the tree, PREFIX/share/nes-robot for the installed one.  The built-in
 * defaults of [robot] rules_dir, templates_dir and holidays_file are under
 * it; the config's own values override them. */
const char *cfg_datadir(void);

/* A hash of every setting of cfg but the secrets: two configs with the
 * same settings have the same digest, and a change to any setting makes
 * another (but for a one in 2^64 chance).  What has been decided under
 * one config is known to hold under the next by it (remind.c). */
uint64_t cfg_digest(const struct config *cfg);

/* 1 when host names the loopback (127.0.0.0/8, ::1, localhost). */
int cfg_is_loopback(const char *host);

#endif
