/* cfg: the INI file through one table of keys; see cfg.h.
 *
 * inih lexes the file; a reader of our own hands it one line at a time so
 * that every problem is reported with its own line number (the inih that
 * Debian ships calls the handler without one), and so that section
 * headers and over-long lines are checked where inih would stay silent.
 * Only the first problem is reported: later ones are often its echoes.
 *
 * No message ever quotes a value: a value may be a password. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <xxhash.h>

#include "ascii.h"
#include "buf.h"
#include "cfg.h"
#include "mem.h"

enum ktype {
	K_STR,		/* any non-empty string */
	K_PATH,		/* a string; see resolve_path */
	K_INT,		/* decimal, min..max */
	K_BOOL,		/* yes|no|true|false|on|off|1|0 */
	K_TLS,		/* enum cfg_tls; choices[i] names value i */
	K_CHOICE,	/* a string that must be one of choices */
	K_LIST,		/* comma separated, spaces around items dropped */
	K_DOMAINS,	/* a list, ASCII lower-cased */
	K_DOMAIN,	/* one name, ASCII lower-cased */
	K_SIZE,		/* bytes, or with a K/M/G suffix (powers of 1024) */
	K_ENUM,		/* another enum of cfg.h (an int); choices[i] names
			 * value i */
	K_LINK		/* an http(s):// address, or empty: left out */
};

/* Keys whose value only leads to another value (password_file,
 * password_env) live in struct scratch, not in struct config. */
struct scratch {
	char	*imap_password_file, *imap_password_env;
	char	*smtp_password_file, *smtp_password_env;
	char	*oauth2_secret_file, *oauth2_secret_env;
};

struct key {
	const char	*section;
	const char	*name;
	enum ktype	 type;
	int		 scratch;	/* off is into struct scratch */
	size_t		 off;
	size_t		 count_off;	/* lists: their size_t count */
	long long	 min, max;	/* K_INT, K_SIZE */
	const char	*def;		/* default, as written in a file */
	int		 required;
	const char *const *choices;	/* K_TLS, K_CHOICE, K_ENUM;
					 * NULL-terminated */
};

static const char *const imap_tls[] = { "imaps", "starttls", "none", NULL };
static const char *const smtp_tls[] = { "implicit", "starttls", "none",
	NULL };
/* enum cfg_auth and enum cfg_grant, in their order. */
static const char *const auth_ways[] = { "password", "xoauth2",
	"oauthbearer", NULL };
static const char *const grants[] = { "refresh_token",
	"client_credentials", NULL };
static const char *const log_dest[] = { "stderr", "syslog", NULL };
static const char *const log_levels[] = { "error", "warning", "info",
	"debug", NULL };

/* K_ENUM writes an int. */
_Static_assert(sizeof(enum cfg_auth) == sizeof(int) &&
    sizeof(enum cfg_grant) == sizeof(int), "enum is not an int");

#define F(f)		0, offsetof(struct config, f), 0
#define S(f)		1, offsetof(struct scratch, f), 0
#define L(f, n)		0, offsetof(struct config, f), \
			offsetof(struct config, n)
#define DAYS(f, d)	{ "reminders", #f, K_INT, F(reminders.f), 1, 365, d, \
			0, NULL }
#define KAMUSM_ONLINE	"https://onlineislemler.kamusm.gov.tr/landing"
#define KAMUSM_NES	"https://kamusm.bilgem.tubitak.gov.tr/basvurular/nes/"
#define LINK_MAX	500

static const struct key keys[] = {
	{ "imap", "host", K_STR, F(imap.host), 0, 0, NULL, 1, NULL },
	{ "imap", "port", K_INT, F(imap.port), 1, 65535, NULL, 0, NULL },
	{ "imap", "tls", K_TLS, F(imap.tls), 0, 0, "imaps", 0, imap_tls },
	{ "imap", "ca_file", K_PATH, F(imap.ca_file), 0, 0, NULL, 0, NULL },
	{ "imap", "user", K_STR, F(imap.user), 0, 0, NULL, 1, NULL },
	{ "imap", "auth", K_ENUM, F(imap.auth), 0, 0, "password", 0,
	    auth_ways },
	{ "imap", "password", K_STR, F(imap.password), 0, 0, NULL, 0, NULL },
	{ "imap", "password_file", K_PATH, S(imap_password_file), 0, 0, NULL,
	    0, NULL },
	{ "imap", "password_env", K_STR, S(imap_password_env), 0, 0, NULL, 0,
	    NULL },
	{ "imap", "folders", K_LIST, L(imap.folders, imap.nfolders), 0, 0,
	    "INBOX", 0, NULL },
	{ "imap", "batch", K_INT, F(imap.batch), 1, 100000, "500", 0, NULL },
	{ "imap", "timeout", K_INT, F(imap.timeout), 1, 3600, "60", 0, NULL },
	{ "imap", "idle", K_BOOL, F(imap.idle), 0, 0, "yes", 0, NULL },

	{ "smtp", "url", K_STR, F(smtp.url), 0, 0, NULL, 0, NULL },
	{ "smtp", "user", K_STR, F(smtp.user), 0, 0, NULL, 0, NULL },
	{ "smtp", "auth", K_ENUM, F(smtp.auth), 0, 0, "password", 0,
	    auth_ways },
	{ "smtp", "password", K_STR, F(smtp.password), 0, 0, NULL, 0, NULL },
	{ "smtp", "password_file", K_PATH, S(smtp_password_file), 0, 0, NULL,
	    0, NULL },
	{ "smtp", "password_env", K_STR, S(smtp_password_env), 0, 0, NULL, 0,
	    NULL },
	{ "smtp", "from", K_STR, F(smtp.from), 0, 0, NULL, 0, NULL },
	{ "smtp", "ca_file", K_PATH, F(smtp.ca_file), 0, 0, NULL, 0, NULL },
	{ "smtp", "tls", K_TLS, F(smtp.tls), 0, 0, NULL, 0, smtp_tls },
	{ "smtp", "max_per_recipient_day", K_INT,
	    F(smtp.max_per_recipient_day), 1, 10000, "20", 0, NULL },
	{ "smtp", "max_per_day", K_INT, F(smtp.max_per_day), 1, 1000000,
	    "500", 0, NULL },
	{ "smtp", "connections", K_INT, F(smtp.connections), 1,
	    CFG_SMTP_MAX_CONNECTIONS, "2", 0, NULL },

	{ "oauth2", "token_url", K_STR, F(oauth2.token_url), 0, 0, NULL, 0,
	    NULL },
	{ "oauth2", "grant", K_ENUM, F(oauth2.grant), 0, 0, "refresh_token",
	    0, grants },
	{ "oauth2", "client_id", K_STR, F(oauth2.client_id), 0, 0, NULL, 0,
	    NULL },
	{ "oauth2", "client_secret", K_STR, F(oauth2.client_secret), 0, 0,
	    NULL, 0, NULL },
	{ "oauth2", "client_secret_file", K_PATH, S(oauth2_secret_file), 0,
	    0, NULL, 0, NULL },
	{ "oauth2", "client_secret_env", K_STR, S(oauth2_secret_env), 0, 0,
	    NULL, 0, NULL },
	{ "oauth2", "refresh_token_file", K_PATH,
	    F(oauth2.refresh_token_file), 0, 0, NULL, 0, NULL },
	{ "oauth2", "scope", K_STR, F(oauth2.scope), 0, 0, NULL, 0, NULL },
	{ "oauth2", "ca_file", K_PATH, F(oauth2.ca_file), 0, 0, NULL, 0,
	    NULL },
	{ "oauth2", "timeout", K_INT, F(oauth2.timeout), 1, 300, "30", 0,
	    NULL },

	{ "database", "path", K_PATH, F(database.path), 0, 0, NULL, 1, NULL },
	{ "database", "keep_all_text", K_BOOL, F(database.keep_all_text), 0, 0,
	    "no", 0, NULL },

	{ "institution", "domain", K_DOMAIN, F(institution.domain), 0, 0, NULL,
	    1, NULL },
	{ "institution", "bidb", K_STR, F(institution.bidb), 0, 0, NULL, 0,
	    NULL },
	{ "institution", "yazi_isleri", K_STR, F(institution.yazi_isleri), 0,
	    0, NULL, 0, NULL },
	{ "institution", "bys", K_STR, F(institution.bys), 0, 0, NULL, 0,
	    NULL },
	/* Required, with its own message (finish). */
	{ "institution", "authserv_id", K_DOMAINS,
	    L(institution.authserv_id, institution.nauthserv_id), 0, 0, NULL,
	    0, NULL },
	{ "institution", "other_domains", K_DOMAINS,
	    L(institution.other_domains, institution.nother_domains), 0, 0,
	    NULL, 0, NULL },
	{ "institution", "robot", K_STR, F(institution.robot), 0, 0, NULL, 0,
	    NULL },

	{ "kamusm", "domains", K_DOMAINS, L(kamusm.domains, kamusm.ndomains),
	    0, 0, "kamusm.gov.tr, kamusm.bilgem.tubitak.gov.tr", 0, NULL },

	{ "robot", "rules_dir", K_PATH, F(robot.rules_dir), 0, 0, "rules", 0,
	    NULL },
	{ "robot", "templates_dir", K_PATH, F(robot.templates_dir), 0, 0,
	    "templates", 0, NULL },
	{ "robot", "holidays_file", K_PATH, F(robot.holidays_file), 0, 0,
	    "rules/holidays.txt", 0, NULL },
	{ "robot", "poll_interval", K_INT, F(robot.poll_interval), 10, 86400,
	    "300", 0, NULL },
	{ "robot", "log", K_CHOICE, F(robot.log), 0, 0, "stderr", 0,
	    log_dest },
	{ "robot", "log_level", K_CHOICE, F(robot.log_level), 0, 0, "info", 0,
	    log_levels },

	{ "limits", "max_message", K_SIZE, F(limits.max_message), 1024,
	    1024LL << 20, "25M", 0, NULL },
	{ "limits", "max_attachment", K_SIZE, F(limits.max_attachment), 1024,
	    1024LL << 20, "10M", 0, NULL },
	{ "limits", "max_parts", K_INT, F(limits.max_parts), 1, 100000, "200",
	    0, NULL },
	{ "limits", "max_depth", K_INT, F(limits.max_depth), 1, 1000, "20", 0,
	    NULL },
	{ "limits", "max_form_rows", K_INT, F(limits.max_form_rows), 1,
	    1000000, "2000", 0, NULL },
	{ "limits", "max_decode_seconds", K_INT,
	    F(limits.max_decode_seconds), 1, 3600, "60", 0, NULL },

	{ "reminders", "hour", K_INT, F(reminders.hour), 0, 23, "9", 0, NULL },
	{ "reminders", "max_per_step", K_INT, F(reminders.max_per_step), 1,
	    100, "3", 0, NULL },
	DAYS(ticket_first, "3"), DAYS(ticket_every, "3"),
	DAYS(form_first, "2"), DAYS(form_every, "1"),
	DAYS(sent_first, "5"), DAYS(sent_every, "5"),
	DAYS(notified_first, "5"), DAYS(notified_every, "5"),
	DAYS(filled_first, "3"), DAYS(filled_every, "3"),
	DAYS(wet_first, "2"), DAYS(wet_every, "2"),
	DAYS(shipping_first, "10"), DAYS(shipping_every, "5"),
	{ "reminders", "acknowledge", K_BOOL, F(reminders.acknowledge), 0, 0,
	    "yes", 0, NULL },

	{ "digest", "to", K_LIST, L(digest.to, digest.nto), 0, 0, NULL, 0,
	    NULL },
	{ "digest", "weekday", K_INT, F(digest.weekday), 1, 7, "1", 0, NULL },
	{ "digest", "hour", K_INT, F(digest.hour), 0, 23, "9", 0, NULL },
	{ "digest", "unit_heads", K_BOOL, F(digest.unit_heads), 0, 0, "no", 0,
	    NULL },

	/* Kamu SM's public pages.  The ways to approve have no page each
	 * there, only the NES application page that leads to them; nor is
	 * there a stable page of videos: an institution's own go here. */
	{ "links", "application", K_LINK, F(links.application), 0, 0,
	    KAMUSM_ONLINE, 0, NULL },
	{ "links", "e_onay", K_LINK, F(links.e_onay), 0, 0, KAMUSM_NES, 0,
	    NULL },
	{ "links", "e_onay_activation", K_LINK, F(links.e_onay_activation), 0,
	    0, KAMUSM_ONLINE, 0, NULL },
	{ "links", "e_imza", K_LINK, F(links.e_imza), 0, 0, KAMUSM_NES, 0,
	    NULL },
	{ "links", "islak_imza", K_LINK, F(links.islak_imza), 0, 0, KAMUSM_NES,
	    0, NULL },
	{ "links", "videos", K_LINK, F(links.videos), 0, 0, "", 0, NULL },

	{ "retention", "cases", K_INT, F(retention.cases), 30, 36500, "730", 0,
	    NULL },
	{ "retention", "messages", K_INT, F(retention.messages), 30, 36500,
	    "365", 0, NULL },
	{ "retention", "outbox", K_INT, F(retention.outbox), 7, 36500, "30", 0,
	    NULL },
	{ "retention", "daily", K_BOOL, F(retention.daily), 0, 0, "yes", 0,
	    NULL },
};

#define NKEYS	(sizeof keys / sizeof keys[0])

static const char *const sections[] = { "imap", "smtp", "oauth2",
	"database", "institution", "kamusm", "robot", "limits", "reminders",
	"digest", "links", "retention", NULL };

struct ctx {
	struct config	*cfg;
	const struct config *prev;	/* the config a reload replaces */
	struct scratch	 scratch;
	const char	*path;		/* as the caller named it */
	char		*dir;		/* its directory; NULL for the cwd */
	FILE		*fp;
	char		*line;		/* the raw line inih is parsing */
	size_t		 linesz;
	int		 lineno;
	int		 indented;	/* that line starts with blanks */
	int		 err_line;	/* line of the first problem, or -1 */
	char		 err[512];
	int		 set_at[NKEYS];	/* line a key was set on, 0 = unset */
};

static void
problem(struct ctx *ctx, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct ctx *ctx, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ctx->err_line >= 0)
		return;
	ctx->err_line = line;
	n = snprintf(ctx->err, sizeof ctx->err, "%s:%d: ", ctx->path, line);
	if (n < 0 || (size_t)n >= sizeof ctx->err)
		return;
	va_start(ap, fmt);
	vsnprintf(ctx->err + n, sizeof ctx->err - n, fmt, ap);
	va_end(ap);
}

static void *
field(struct ctx *ctx, const struct key *k)
{
	char *base = k->scratch ? (char *)&ctx->scratch : (char *)ctx->cfg;

	return base + k->off;
}

static const struct key *
find_key(const char *section, const char *name, size_t *i_r)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0) {
			if (i_r != NULL)
				*i_r = i;
			return &keys[i];
		}
	return NULL;
}

/* A relative path written in the file is taken from the file's own
 * directory, so that `robot -c /etc/nes-robot/robot.ini` means the same
 * from any directory; a relative built-in default is under the data
 * directory the build compiled in (rules/, templates/). */
static char *
resolve_path(const struct ctx *ctx, const char *value, int from_file)
{
	struct buf b = BUF_INIT;
	const char *base = from_file ? ctx->dir : cfg_datadir();

	if (value[0] == '/' || base == NULL)
		return xstrdup(value);
	buf_printf(&b, "%s/%s", base, value);
	return buf_steal(&b);
}

static int
parse_list(const struct key *k, const char *value, char ***list_r,
    size_t *n_r)
{
	char **list = NULL;
	size_t n = 0, i;
	const char *p = value, *end, *s, *e;

	for (;;) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		for (s = p; s < end && (*s == ' ' || *s == '\t'); s++)
			;
		for (e = end; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if (e == s)
			goto fail;
		list = xrealloc(list, (n + 2) * sizeof *list);
		list[n] = xstrndup(s, e - s);
		if (k->type == K_DOMAINS)
			ascii_lower_str(list[n]);
		list[++n] = NULL;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*list_r = list;
	*n_r = n;
	return 0;

fail:
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return -1;
}

static int
parse_size(const char *value, long long *v_r)
{
	char *end;
	long long v, mult = 1;

	errno = 0;
	if (value[0] < '0' || value[0] > '9')
		return -1;
	v = strtoll(value, &end, 10);
	if (errno != 0)
		return -1;
	switch (ascii_lower((unsigned char)*end)) {
	case 'k':
		mult = 1024;
		end++;
		break;
	case 'm':
		mult = 1024 * 1024;
		end++;
		break;
	case 'g':
		mult = 1024 * 1024 * 1024;
		end++;
		break;
	}
	if (*end != '\0' || v > LLONG_MAX / mult)
		return -1;
	*v_r = v * mult;
	return 0;
}

static void
choices_text(const char *const *choices, struct buf *b)
{
	for (size_t i = 0; choices[i] != NULL; i++)
		buf_printf(b, "%s%s", i == 0 ? "" : choices[i + 1] ? ", " :
		    " or ", choices[i]);
}

/* Stores value in k's field.  Returns 0, or -1 with the problem (no
 * FILE:LINE, never the value) in why. */
static int
set_value(struct ctx *ctx, const struct key *k, const char *value,
    int from_file, struct buf *why)
{
	void *f = field(ctx, k);
	long long v;
	char *end;
	size_t i;

	if (*value == '\0' && k->type != K_LINK) {
		buf_puts(why, "empty value");
		return -1;
	}
	switch (k->type) {
	case K_LINK:
		/* It goes into mail as it is: one printable token. */
		if (*value != '\0' && (strncmp(value, "https://", 8) != 0 &&
		    strncmp(value, "http://", 7) != 0)) {
			buf_puts(why, "must be an http:// or https:// address, "
			    "or empty");
			return -1;
		}
		for (const char *c = value; *c; c++)
			if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '<' ||
			    *c == '>' || *c == '"') {
				buf_puts(why, "an address has no spaces, quotes "
				    "or angle brackets");
				return -1;
			}
		if (strlen(value) > LINK_MAX) {
			buf_printf(why, "longer than %d characters", LINK_MAX);
			return -1;
		}
		*(char **)f = xstrdup(value);
		return 0;
	case K_STR:
		*(char **)f = xstrdup(value);
		return 0;
	case K_PATH:
		*(char **)f = resolve_path(ctx, value, from_file);
		return 0;
	case K_INT:
		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno != 0 || *end != '\0' || v < k->min || v > k->max) {
			buf_printf(why, "not a number between %lld and %lld",
			    k->min, k->max);
			return -1;
		}
		*(int *)f = (int)v;
		return 0;
	case K_BOOL:
		if (ascii_ieq(value, "yes") || ascii_ieq(value, "true") ||
		    ascii_ieq(value, "on") || strcmp(value, "1") == 0)
			*(int *)f = 1;
		else if (ascii_ieq(value, "no") ||
		    ascii_ieq(value, "false") ||
		    ascii_ieq(value, "off") || strcmp(value, "0") == 0)
			*(int *)f = 0;
		else {
			buf_puts(why, "must be yes or no");
			return -1;
		}
		return 0;
	case K_TLS:
	case K_CHOICE:
	case K_ENUM:
		for (i = 0; k->choices[i] != NULL; i++)
			if (strcmp(value, k->choices[i]) == 0)
				break;
		if (k->choices[i] == NULL) {
			buf_puts(why, "must be ");
			choices_text(k->choices, why);
			return -1;
		}
		if (k->type == K_TLS)
			*(enum cfg_tls *)f = (enum cfg_tls)i;
		else if (k->type == K_ENUM)
			*(int *)f = (int)i;
		else
			*(char **)f = xstrdup(value);
		return 0;
	case K_DOMAIN:
		if (value[strcspn(value, " \t,@/")] != '\0') {
			buf_puts(why, "must be one domain name");
			return -1;
		}
		*(char **)f = xstrdup(value);
		ascii_lower_str(*(char **)f);
		return 0;
	case K_LIST:
	case K_DOMAINS:
		if (parse_list(k, value, (char ***)f,
		    (size_t *)((char *)ctx->cfg + k->count_off)) == -1) {
			buf_puts(why, "empty item in list");
			return -1;
		}
		return 0;
	case K_SIZE:
		if (parse_size(value, &v) == -1 || v < k->min || v > k->max) {
			buf_printf(why, "not a size between %lldK and %lldM "
			    "(bytes, or with K, M, G)", k->min >> 10,
			    k->max >> 20);
			return -1;
		}
		*(size_t *)f = (size_t)v;
		return 0;
	}
	return -1;
}

/* inih's reader: one raw line per call, so ctx->lineno is inih's. */
static char *
reader(char *str, int num, void *stream)
{
	struct ctx *ctx = stream;
	ssize_t n;
	char *p, *close;

	if ((n = getline(&ctx->line, &ctx->linesz, ctx->fp)) == -1)
		return NULL;
	ctx->lineno++;
	if (n >= num) {
		problem(ctx, ctx->lineno, "line longer than %d bytes",
		    num - 1);
		snprintf(str, num, "\n");
		return str;
	}
	memcpy(str, ctx->line, n + 1);

	for (p = ctx->line; *p == ' ' || *p == '\t'; p++)
		;
	ctx->indented = p > ctx->line && *p != '\n' && *p != '\r' &&
	    *p != '\0' && *p != ';' && *p != '#';
	/* inih calls the handler only for keys, so an empty unknown
	 * section would pass unseen: check section headers here. */
	if (*p == '[' && (close = strchr(p, ']')) != NULL) {
		size_t i, len = close - p - 1;

		for (i = 0; sections[i] != NULL; i++)
			if (strlen(sections[i]) == len &&
			    strncmp(sections[i], p + 1, len) == 0)
				break;
		if (sections[i] == NULL)
			problem(ctx, ctx->lineno, "[%.*s]: unknown section",
			    (int)(len > 64 ? 64 : len), p + 1);
	}
	return str;
}

static int
handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct ctx *ctx = user;
	struct buf why = BUF_INIT;
	const struct key *k;
	size_t i;

	if (*section == '\0') {
		problem(ctx, ctx->lineno, "%s: key outside any section",
		    name);
		return 0;
	}
	if ((k = find_key(section, name, &i)) == NULL) {
		for (i = 0; sections[i] != NULL; i++)
			if (strcmp(sections[i], section) == 0)
				break;
		/* An unknown section was reported on its header line. */
		if (sections[i] != NULL)
			problem(ctx, ctx->lineno, "%s.%s: unknown key",
			    section, name);
		return sections[i] == NULL;
	}
	if (ctx->set_at[i] != 0) {
		if (ctx->indented)
			problem(ctx, ctx->lineno, "%s.%s: indented line "
			    "continues the value; write it on one line",
			    section, name);
		else
			problem(ctx, ctx->lineno, "%s.%s: duplicate key",
			    section, name);
		return 0;
	}
	ctx->set_at[i] = ctx->lineno;
	if (set_value(ctx, k, value, 1, &why) == -1) {
		problem(ctx, ctx->lineno, "%s.%s: %s", section, name,
		    buf_str(&why));
		buf_free(&why);
		return 0;
	}
	return 1;
}

static int
key_line(const struct ctx *ctx, const char *section, const char *name)
{
	size_t i;

	return find_key(section, name, &i) != NULL ? ctx->set_at[i] : 0;
}

/* Reads the first line of a secret's file (section.key names it) into
 * *pw_r. */
static int
read_password_file(struct ctx *ctx, const char *section, const char *key,
    const char *file, char **pw_r)
{
	int line = key_line(ctx, section, key);
	struct stat st;
	char *pw = NULL;
	size_t sz = 0;
	FILE *fp = NULL;
	ssize_t n;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		problem(ctx, line, "%s.%s: cannot open %s: %s", section, key,
		    file, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		problem(ctx, line, "%s.%s: %s is not a file", section, key,
		    file);
		goto fail;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		problem(ctx, line, "%s.%s: %s is readable by others; chmod "
		    "600 it", section, key, file);
		goto fail;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		problem(ctx, line, "%s.%s: %s: %s", section, key, file,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	if ((n = getline(&pw, &sz, fp)) == -1)
		n = 0;
	while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	if (n == 0) {
		problem(ctx, line, "%s.%s: %s: first line is empty", section,
		    key, file);
		goto fail;
	}
	fclose(fp);
	*pw_r = pw;
	return 0;

fail:
	if (pw != NULL) {
		explicit_bzero(pw, sz);
		free(pw);
	}
	if (fp != NULL)
		fclose(fp);
	if (fd != -1)
		close(fd);
	return -1;
}

/* A password from the environment variable env into *pw, and the
 * variable's name into *env_r.  The variable is removed once read, so that
 * nothing the robot starts inherits it.  When it is already gone, the
 * password prev read from the same variable is taken (a reload); prev_pw
 * and prev_env may be NULL.  With env_r NULL the variable is read and
 * left in place (nothing would remember where the secret came from). */
static int
password_from_env(struct ctx *ctx, const char *section, const char *key,
    int line, const char *env, const char *prev_pw, const char *prev_env,
    char **pw, char **env_r)
{
	const char *v;

	if ((v = getenv(env)) != NULL && *v != '\0') {
		*pw = xstrdup(v);
		if (env_r != NULL)
			unsetenv(env);
	} else if (v == NULL && prev_pw != NULL && prev_env != NULL &&
	    strcmp(prev_env, env) == 0)
		*pw = xstrdup(prev_pw);
	else {
		problem(ctx, line, "%s.%s: environment variable %s is unset "
		    "or empty", section, key, env);
		return -1;
	}
	if (env_r != NULL)
		*env_r = xstrdup(env);
	return 0;
}

/* Exactly one of BASE, BASE_file, BASE_env (base "password" or
 * "client_secret"), or none when need is 0.  Resolves it into *pw (and,
 * from BASE_env, the variable's name into *env_r, which may be NULL). */
static int
password_source(struct ctx *ctx, const char *section, const char *base,
    char **pw, char **env_r, char *file, char *env, int need)
{
	const char *prev_pw = NULL, *prev_env = NULL;
	char names[3][32];
	int n = 0, last = -1, lines[3];

	snprintf(names[0], sizeof names[0], "%s", base);
	snprintf(names[1], sizeof names[1], "%s_file", base);
	snprintf(names[2], sizeof names[2], "%s_env", base);
	for (int i = 0; i < 3; i++) {
		lines[i] = key_line(ctx, section, names[i]);
		if (lines[i] == 0)
			continue;
		n++;
		if (last < 0 || lines[i] > lines[last])
			last = i;
	}
	if (n > 1) {
		problem(ctx, lines[last], "%s.%s: only one of %s, %s, %s may "
		    "be set", section, names[last], names[0], names[1],
		    names[2]);
		return -1;
	}
	if (n == 0) {
		if (need)
			problem(ctx, 0, "%s.%s: required (or %s, %s)", section,
			    names[0], names[1], names[2]);
		return need ? -1 : 0;
	}
	if (file != NULL)
		return read_password_file(ctx, section, names[1], file, pw);
	if (env == NULL)
		return 0;
	if (ctx->prev != NULL && strcmp(section, "imap") == 0) {
		prev_pw = ctx->prev->imap.password;
		prev_env = ctx->prev->imap.password_env;
	} else if (ctx->prev != NULL && strcmp(section, "smtp") == 0) {
		prev_pw = ctx->prev->smtp.password;
		prev_env = ctx->prev->smtp.password_env;
	}
	return password_from_env(ctx, section, names[2], lines[2], env,
	    prev_pw, prev_env, pw, env_r);
}

/* A config that holds a password (password = ... in any section) must be
 * as private as a password_file. */
static int
check_private(struct ctx *ctx)
{
	static const char *const secs[] = { "imap", "smtp", "oauth2" };
	static const char *const keys_[] = { "password", "password",
		"client_secret" };
	struct stat st;
	int line;

	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		if ((line = key_line(ctx, secs[i], keys_[i])) == 0)
			continue;
		if (fstat(fileno(ctx->fp), &st) == -1) {
			problem(ctx, line, "%s.%s: %s: %s", secs[i], keys_[i],
			    ctx->path, strerror(errno));
			return -1;
		}
		if (st.st_mode & (S_IRGRP | S_IROTH)) {
			problem(ctx, line, "%s.%s: %s holds a password "
			    "and is readable by others; chmod 600 it",
			    secs[i], keys_[i], ctx->path);
			return -1;
		}
	}
	return 0;
}

/* The host of an smtp:// or smtps:// url, or NULL. */
static char *
url_host(const char *url, int *implicit_r)
{
	const char *p, *e;

	if (strncmp(url, "smtp://", 7) == 0) {
		*implicit_r = 0;
		p = url + 7;
	} else if (strncmp(url, "smtps://", 8) == 0) {
		*implicit_r = 1;
		p = url + 8;
	} else
		return NULL;
	if ((e = strchr(p, '@')) != NULL && e < p + strcspn(p, "/"))
		p = e + 1;
	if (*p == '[')
		e = strchr(p, ']') ? strchr(p, ']') + 1 : NULL;
	else
		e = p + strcspn(p, ":/");
	if (e == NULL || e == p)
		return NULL;
	return xstrndup(p, e - p);
}

static int
check_smtp(struct ctx *ctx)
{
	struct config *cfg = ctx->cfg;
	int line = key_line(ctx, "smtp", "tls"), implicit;
	char *host;

	if (cfg->smtp.url == NULL)
		return 0;
	if ((host = url_host(cfg->smtp.url, &implicit)) == NULL) {
		problem(ctx, key_line(ctx, "smtp", "url"), "smtp.url: must be "
		    "smtp://HOST[:PORT] or smtps://HOST[:PORT]");
		return -1;
	}
	if (line == 0)
		cfg->smtp.tls = implicit ? CFG_TLS_IMAPS :
		    cfg_is_loopback(host) ? CFG_TLS_NONE : CFG_TLS_STARTTLS;
	else if (implicit && cfg->smtp.tls != CFG_TLS_IMAPS)
		problem(ctx, line, "smtp.tls: an smtps:// url needs implicit");
	else if (!implicit && cfg->smtp.tls == CFG_TLS_IMAPS)
		problem(ctx, line, "smtp.tls: implicit needs an smtps:// url");
	else if (cfg->smtp.tls == CFG_TLS_NONE && !cfg_is_loopback(host))
		problem(ctx, line, "smtp.tls: none is allowed only for a "
		    "loopback host");
	free(host);
	return ctx->err_line >= 0 ? -1 : 0;
}

/* The password of section, or, when section.auth asks for a token, none:
 * a password key left there would be a mistake (it is not used). */
static int
login_source(struct ctx *ctx, const char *section, enum cfg_auth auth,
    char **pw, char **env_r, char *file, char *env, int need)
{
	static const char *const names[] = { "password", "password_file",
		"password_env" };

	if (auth == CFG_AUTH_PASSWORD)
		return password_source(ctx, section, "password", pw, env_r,
		    file, env, need);
	for (int i = 0; i < 3; i++)
		if (key_line(ctx, section, names[i]) != 0) {
			problem(ctx, key_line(ctx, section, names[i]),
			    "%s.%s: not used when %s.auth = %s; remove it",
			    section, names[i], section, auth_ways[auth]);
			return -1;
		}
	return 0;
}

/* A refresh token file the robot can read now and replace later: the
 * token endpoint may send a new refresh token with any access token, and
 * it is written beside the old one, then renamed over it (oauth2.c). */
static int
check_refresh_token_file(struct ctx *ctx, const char *file)
{
	int line = key_line(ctx, "oauth2", "refresh_token_file");
	char *tok = NULL, *dir;
	const char *slash;
	int r;

	if (read_password_file(ctx, "oauth2", "refresh_token_file", file,
	    &tok) == -1)
		return -1;
	explicit_bzero(tok, strlen(tok));
	free(tok);
	slash = strrchr(file, '/');
	dir = slash == NULL ? xstrdup(".") : slash == file ? xstrdup("/") :
	    xstrndup(file, slash - file);
	if ((r = access(dir, W_OK | X_OK)) == -1)
		problem(ctx, line, "oauth2.refresh_token_file: cannot create "
		    "files in %s (%s); the robot replaces %s there when the "
		    "token endpoint issues a new refresh token", dir,
		    strerror(errno), file);
	free(dir);
	return r;
}

/* The [oauth2] keys, required only when imap.auth or smtp.auth asks for
 * a token; the first of the two that does is named as the reason. */
static int
check_oauth2(struct ctx *ctx)
{
	struct config *cfg = ctx->cfg;
	struct scratch *s = &ctx->scratch;
	const int cc = cfg->oauth2.grant == CFG_GRANT_CLIENT_CREDENTIALS;
	char why[64];

	if (cfg->imap.auth != CFG_AUTH_PASSWORD)
		snprintf(why, sizeof why, "imap.auth = %s",
		    auth_ways[cfg->imap.auth]);
	else if (cfg->smtp.auth != CFG_AUTH_PASSWORD)
		snprintf(why, sizeof why, "smtp.auth = %s",
		    auth_ways[cfg->smtp.auth]);
	else
		return 0;
	if (cfg->oauth2.token_url == NULL) {
		problem(ctx, 0, "oauth2.token_url: required when %s", why);
		return -1;
	}
	if (!ascii_prefix_ci(cfg->oauth2.token_url, "https://") ||
	    cfg->oauth2.token_url[8] == '\0') {
		problem(ctx, key_line(ctx, "oauth2", "token_url"),
		    "oauth2.token_url: must be an https:// URL");
		return -1;
	}
	if (cfg->oauth2.client_id == NULL) {
		problem(ctx, 0, "oauth2.client_id: required when %s", why);
		return -1;
	}
	if (cc && key_line(ctx, "oauth2", "client_secret") == 0 &&
	    s->oauth2_secret_file == NULL && s->oauth2_secret_env == NULL) {
		problem(ctx, 0, "oauth2.client_secret: required when "
		    "oauth2.grant = client_credentials (or client_secret_file, "
		    "client_secret_env)");
		return -1;
	}
	if (password_source(ctx, "oauth2", "client_secret",
	    &cfg->oauth2.client_secret, NULL, s->oauth2_secret_file,
	    s->oauth2_secret_env, 0) == -1)
		return -1;
	if (cc) {
		if (cfg->oauth2.refresh_token_file != NULL) {
			problem(ctx, key_line(ctx, "oauth2",
			    "refresh_token_file"), "oauth2.refresh_token_file: "
			    "not used when oauth2.grant = client_credentials; "
			    "remove it");
			return -1;
		}
		return 0;
	}
	if (cfg->oauth2.refresh_token_file == NULL) {
		problem(ctx, 0, "oauth2.refresh_token_file: required when %s",
		    why);
		return -1;
	}
	return check_refresh_token_file(ctx, cfg->oauth2.refresh_token_file);
}

static char *
at_domain(const char *local, const char *domain)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s@%s", local, domain);
	return buf_steal(&b);
}

static void
free_list(char ***list, size_t *n)
{
	if (*list != NULL)
		for (char **p = *list; *p != NULL; p++)
			free(*p);
	free(*list);
	*list = NULL;
	*n = 0;
}

/* [institution] authserv_id: required, because without it anyone can
 * write any From; "none" alone is the explicit opt-out, for a server that
 * stamps nothing. */
static int
check_authserv(struct ctx *ctx)
{
	struct config *cfg = ctx->cfg;
	int line = key_line(ctx, "institution", "authserv_id");

	if (cfg->institution.authserv_id == NULL) {
		problem(ctx, 0, "institution.authserv_id: required: the name "
		    "your mail server writes in Authentication-Results (or "
		    "'none' when it writes none, which lets anyone forge any "
		    "sender)");
		return -1;
	}
	for (size_t i = 0; i < cfg->institution.nauthserv_id; i++) {
		const char *id = cfg->institution.authserv_id[i];

		if (id[strcspn(id, " \t;()\"")] != '\0') {
			problem(ctx, line, "institution.authserv_id: names "
			    "separated by commas, as the server writes them");
			return -1;
		}
		if (strcmp(id, "none") != 0)
			continue;
		if (cfg->institution.nauthserv_id > 1) {
			problem(ctx, line, "institution.authserv_id: 'none' "
			    "cannot be listed with other names");
			return -1;
		}
		free_list(&cfg->institution.authserv_id,
		    &cfg->institution.nauthserv_id);
		cfg->institution.authserv_none = 1;
		break;
	}
	return 0;
}

/* Defaults, requirements and the rules that tie keys together. */
static int
finish(struct ctx *ctx)
{
	struct config *cfg = ctx->cfg;
	struct scratch *s = &ctx->scratch;
	struct buf why = BUF_INIT;
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (ctx->set_at[i] != 0)
			continue;
		if (keys[i].required) {
			problem(ctx, 0, "%s.%s: required", keys[i].section,
			    keys[i].name);
			return -1;
		}
		/* Defaults are ours: they always parse. */
		if (keys[i].def != NULL &&
		    set_value(ctx, &keys[i], keys[i].def, 0, &why) == -1)
			abort();
	}
	if (check_private(ctx) == -1)
		return -1;
	if (login_source(ctx, "imap", cfg->imap.auth, &cfg->imap.password,
	    &cfg->imap.password_env, s->imap_password_file,
	    s->imap_password_env, 1) == -1)
		return -1;
	if (cfg->imap.tls == CFG_TLS_NONE && !cfg_is_loopback(cfg->imap.host)) {
		problem(ctx, key_line(ctx, "imap", "tls"), "imap.tls: none is "
		    "allowed only for a loopback host");
		return -1;
	}
	if (key_line(ctx, "imap", "port") == 0)
		cfg->imap.port = cfg->imap.tls == CFG_TLS_IMAPS ? 993 : 143;

	if (cfg->smtp.auth != CFG_AUTH_PASSWORD && cfg->smtp.user == NULL) {
		problem(ctx, 0, "smtp.user: required when smtp.auth = %s",
		    auth_ways[cfg->smtp.auth]);
		return -1;
	}
	if (login_source(ctx, "smtp", cfg->smtp.auth, &cfg->smtp.password,
	    &cfg->smtp.password_env, s->smtp_password_file,
	    s->smtp_password_env, cfg->smtp.user != NULL) == -1)
		return -1;
	if (cfg->smtp.user == NULL && cfg->smtp.password != NULL) {
		problem(ctx, 0, "smtp.user: required when a password is set");
		return -1;
	}
	if (key_line(ctx, "smtp", "tls") == 0)
		cfg->smtp.tls = CFG_TLS_STARTTLS;
	if (check_smtp(ctx) == -1)
		return -1;
	if (check_oauth2(ctx) == -1)
		return -1;

	if (check_authserv(ctx) == -1)
		return -1;

	if (cfg->institution.bidb == NULL)
		cfg->institution.bidb = at_domain("bidb",
		    cfg->institution.domain);
	if (cfg->institution.yazi_isleri == NULL)
		cfg->institution.yazi_isleri = at_domain("yaziisleri",
		    cfg->institution.domain);
	if (cfg->institution.bys == NULL)
		cfg->institution.bys = at_domain("bys-destek",
		    cfg->institution.domain);
	if (cfg->institution.robot == NULL)
		cfg->institution.robot = xstrdup(cfg->smtp.from);
	/* The digest names the cases closed in its week, and it stays in
	 * the outbox as long as any sent mail: it must be gone before they
	 * are. */
	if (cfg->retention.outbox + 7 > cfg->retention.cases) {
		int line = key_line(ctx, "retention", "outbox");

		problem(ctx, line ? line : key_line(ctx, "retention",
		    "cases"), "retention.outbox: must be at least 7 days "
		    "shorter than retention.cases");
		return -1;
	}
	if (cfg->digest.to == NULL) {
		cfg->digest.to = xcalloc(2, sizeof *cfg->digest.to);
		cfg->digest.to[0] = xstrdup(cfg->institution.bidb);
		cfg->digest.nto = 1;
	}
	return 0;
}

static void
free_secret(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

static int
load(const char *path, const struct config *prev, struct config **cfg_r,
    char *err, size_t errlen)
{
	struct ctx ctx;
	const char *slash;
	int rc;

	*cfg_r = NULL;
	memset(&ctx, 0, sizeof ctx);
	ctx.prev = prev;
	ctx.path = path;
	ctx.err_line = -1;
	ctx.cfg = xcalloc(1, sizeof *ctx.cfg);
	ctx.cfg->path = xstrdup(path);
	if ((slash = strrchr(path, '/')) != NULL)
		ctx.dir = slash == path ? xstrdup("/") :
		    xstrndup(path, slash - path);

	if ((ctx.fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		goto fail;
	}
	rc = ini_parse_stream(reader, &ctx, handler, &ctx);
	if (rc > 0 && (ctx.err_line < 0 || rc < ctx.err_line)) {
		ctx.err_line = -1;
		problem(&ctx, rc, "syntax error");
	} else if (rc < 0 && ctx.err_line < 0)
		problem(&ctx, 0, "cannot read the file");
	if (ctx.err_line < 0 && ferror(ctx.fp))
		problem(&ctx, ctx.lineno, "read error");
	if (ctx.err_line >= 0 || finish(&ctx) == -1) {
		snprintf(err, errlen, "%s", ctx.err);
		goto fail;
	}
	fclose(ctx.fp);
	free(ctx.line);
	free(ctx.dir);
	free(ctx.scratch.imap_password_file);
	free(ctx.scratch.imap_password_env);
	free(ctx.scratch.smtp_password_file);
	free(ctx.scratch.smtp_password_env);
	free(ctx.scratch.oauth2_secret_file);
	free(ctx.scratch.oauth2_secret_env);
	*cfg_r = ctx.cfg;
	return 0;

fail:
	if (ctx.fp != NULL)
		fclose(ctx.fp);
	free(ctx.line);
	free(ctx.dir);
	free(ctx.scratch.imap_password_file);
	free(ctx.scratch.imap_password_env);
	free(ctx.scratch.smtp_password_file);
	free(ctx.scratch.smtp_password_env);
	free(ctx.scratch.oauth2_secret_file);
	free(ctx.scratch.oauth2_secret_env);
	cfg_free(&ctx.cfg);
	return -1;
}

int
cfg_load(const char *path, struct config **cfg_r, char *err, size_t errlen)
{
	return load(path, NULL, cfg_r, err, errlen);
}

int
cfg_reload(const char *path, const struct config *prev,
    struct config **cfg_r, char *err, size_t errlen)
{
	return load(path, prev, cfg_r, err, errlen);
}

/* How a key's value is kept in struct config: what cfg_free frees and
 * cfg_digest reads, by the key's type. */
enum kstore {
	KS_STR,		/* char * */
	KS_LIST,	/* char **, its size_t count at count_off */
	KS_SIZE,	/* size_t */
	KS_INT		/* int (and enum cfg_tls, an int) */
};

static enum kstore
kstore(enum ktype t)
{
	switch (t) {
	case K_STR:
	case K_PATH:
	case K_CHOICE:
	case K_DOMAIN:
	case K_LINK:
		return KS_STR;
	case K_LIST:
	case K_DOMAINS:
		return KS_LIST;
	case K_SIZE:
		return KS_SIZE;
	case K_INT:
	case K_BOOL:
	case K_TLS:
	case K_ENUM:
		break;
	}
	return KS_INT;
}

void
cfg_free(struct config **cfgp)
{
	struct config *cfg = *cfgp;

	if (cfg == NULL)
		return;
	/* Before the table frees them, without wiping. */
	free_secret(&cfg->imap.password);
	free_secret(&cfg->smtp.password);
	free(cfg->imap.password_env);
	free(cfg->smtp.password_env);
	free_secret(&cfg->oauth2.client_secret);
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		char *f = (char *)cfg + k->off;

		if (k->scratch)
			continue;
		if (kstore(k->type) == KS_STR)
			free(*(char **)f);
		else if (kstore(k->type) == KS_LIST)
			free_list((char ***)f,
			    (size_t *)((char *)cfg + k->count_off));
	}
	free(cfg->path);
	free(cfg);
	*cfgp = NULL;
}

/* d moved on by n bytes at p: each piece hashed with the hash so far as
 * its seed. */
static uint64_t
digest_add(uint64_t d, const void *p, size_t n)
{
	return XXH3_64bits_withSeed(p, n, d);
}

/* Strings as their bytes and a NUL, so that ("ab", "c") and ("a", "bc")
 * differ; NULL as a lone 0xff. */
static uint64_t
digest_str(uint64_t d, const char *s)
{
	static const unsigned char none = 0xff;

	return s == NULL ? digest_add(d, &none, 1) :
	    digest_add(d, s, strlen(s) + 1);
}

uint64_t
cfg_digest(const struct config *cfg)
{
	uint64_t d = 0;

	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		const char *f = (const char *)cfg + k->off;
		size_t n;

		/* The secrets are no one's business here (the result goes
		 * into the database), and the keys that only lead to them
		 * (password_file) are not kept. */
		if (k->scratch || strcmp(k->name, "password") == 0 ||
		    strcmp(k->name, "client_secret") == 0)
			continue;
		d = digest_str(digest_str(d, k->section), k->name);
		switch (kstore(k->type)) {
		case KS_STR:
			d = digest_str(d, *(char *const *)f);
			break;
		case KS_LIST:
			n = *(const size_t *)((const char *)cfg + k->count_off);
			d = digest_add(d, &n, sizeof n);
			for (size_t j = 0; j < n; j++)
				d = digest_str(d,
				    (*(char *const *const *)f)[j]);
			break;
		case KS_SIZE:
			d = digest_add(d, f, sizeof(size_t));
			break;
		case KS_INT:
			d = digest_add(d, f, sizeof(int));
			break;
		}
	}
	return d;
}

int
cfg_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char tmp[64];
	size_t len;

	if (host == NULL)
		return 0;
	if (ascii_ieq(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	len = strlen(host);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		if (len - 2 >= sizeof tmp)
			return 0;
		memcpy(tmp, host + 1, len - 2);
		tmp[len - 2] = '\0';
		host = tmp;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return 0;
}
