/* Unit tests for cfg.c: defaults, every key, and every error message.
 * Run from the project's top directory (reads tests/fixtures/config/ and
 * config.example.ini); error cases run in a temporary directory so their
 * messages read exactly "robot.ini:LINE: ...". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"

#define FIXTURES	"tests/fixtures/config"

/* The required keys, lines 1-7, with no password yet. */
#define BASE \
	"[imap]\n" \
	"host = imap.example.edu.tr\n" \
	"user = robot\n" \
	"[database]\n" \
	"path = robot.db\n" \
	"[institution]\n" \
	"domain = example.edu.tr\n"
/* BASE and a password: lines 1-9; line 10 on is the test's. */
#define GOOD	BASE "[imap]\npassword = S3cr3t-Value\n"

static char tmpdir[256];

/* path is rel under the compiled-in data directory. */
static void
assert_datadir(const char *path, const char *rel)
{
	char want[1024];

	snprintf(want, sizeof want, "%s/%s", cfg_datadir(), rel);
	assert_string_equal(path, want);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* The one required key BASE lacks, added at the end of a text that
 * does not set it, so that BASE's and GOOD's line numbers stay. */
#define AUTHSERV	"[institution]\nauthserv_id = mx.example.edu.tr\n"

static struct config *
load_text(const char *text)
{
	struct config *cfg = NULL;
	char err[512], full[4096];

	snprintf(full, sizeof full, "%s%s", text, strstr(text,
	    "authserv_id") ? "" : "\n" AUTHSERV);
	write_file("robot.ini", full, 0600);
	if (cfg_load("robot.ini", &cfg, err, sizeof err) == -1)
		fail_msg("config:\n%s\nfailed: %s", full, err);
	unlink("robot.ini");
	return cfg;
}

static void
expect_error(const char *text, const char *want)
{
	struct config *cfg = NULL;
	char err[512] = "";
	int rc;

	write_file("robot.ini", text, 0600);
	rc = cfg_load("robot.ini", &cfg, err, sizeof err);
	if (rc != -1 || strcmp(err, want) != 0)
		fail_msg("config:\n%s\nwant: %s\ngot:  %s (rc %d)", text, want,
		    err, rc);
	assert_null(cfg);
	/* Whatever went wrong, the password is never shown. */
	assert_null(strstr(err, "S3cr3t"));
	unlink("robot.ini");
}

static int
enter_tmpdir(void **state)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof tmpdir, "%s/test_cfg.XXXXXX", t ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	*state = (void *)(intptr_t)open(".", O_RDONLY | O_DIRECTORY);
	return chdir(tmpdir);
}

static int
leave_tmpdir(void **state)
{
	int top = (int)(intptr_t)*state;

	unlink("robot.ini");
	unlink("imap.pass");
	unlink("conf/imap.pass");
	unlink("conf/robot.ini");
	rmdir("conf");
	if (fchdir(top) == -1)
		return -1;
	close(top);
	return rmdir(tmpdir);
}

/* The fixtures hold passwords: a config that does must be private, and a
 * checkout gives them 0644. */
static int
private_fixtures(void **state)
{
	if (chmod(FIXTURES "/full.ini", 0600) == -1 ||
	    chmod(FIXTURES "/minimal.ini", 0600) == -1)
		return -1;
	return 0;
}

static void
test_full(void **state)
{
	struct config *cfg = NULL;
	char err[512];

	assert_int_equal(cfg_load(FIXTURES "/full.ini", &cfg, err, sizeof err),
	    0);
	assert_string_equal(cfg->path, FIXTURES "/full.ini");
	assert_string_equal(cfg->imap.host, "127.0.0.1");
	assert_int_equal(cfg->imap.port, 10143);
	assert_int_equal(cfg->imap.tls, CFG_TLS_NONE);
	/* Relative paths in the file: relative to the file's directory. */
	assert_string_equal(cfg->imap.ca_file, FIXTURES "/certs/ca.pem");
	assert_string_equal(cfg->imap.user, "robot");
	assert_string_equal(cfg->imap.password, "imap-secret");
	assert_int_equal(cfg->imap.nfolders, 3);
	assert_string_equal(cfg->imap.folders[0], "INBOX");
	assert_string_equal(cfg->imap.folders[1], "Sent");
	assert_string_equal(cfg->imap.folders[2], "NES/Arşiv");
	assert_null(cfg->imap.folders[3]);
	assert_int_equal(cfg->imap.batch, 50);
	assert_int_equal(cfg->imap.timeout, 5);
	assert_int_equal(cfg->imap.idle, 0);

	assert_string_equal(cfg->smtp.url, "smtp://127.0.0.1:10025");
	assert_string_equal(cfg->smtp.user, "robot");
	assert_string_equal(cfg->smtp.password, "smtp-secret");
	assert_string_equal(cfg->smtp.from, "robot@example.edu.tr");
	assert_string_equal(cfg->smtp.ca_file,
	    "/etc/ssl/certs/ca-certificates.crt");
	assert_int_equal(cfg->smtp.tls, CFG_TLS_NONE);
	assert_int_equal(cfg->smtp.max_per_recipient_day, 7);

	assert_string_equal(cfg->database.path, FIXTURES "/state/robot.db");
	assert_string_equal(cfg->institution.domain, "example.edu.tr");
	assert_string_equal(cfg->institution.bidb, "nes@example.edu.tr");
	assert_string_equal(cfg->institution.yazi_isleri,
	    "arsiv@example.edu.tr");
	assert_string_equal(cfg->institution.bys, "destek@example.edu.tr");
	assert_int_equal(cfg->institution.nauthserv_id, 2);
	assert_string_equal(cfg->institution.authserv_id[0],
	    "mx.example.edu.tr");
	assert_string_equal(cfg->institution.authserv_id[1],
	    "smtp.example.edu.tr");
	assert_null(cfg->institution.authserv_id[2]);
	assert_int_equal(cfg->institution.authserv_none, 0);
	assert_int_equal(cfg->institution.nother_domains, 1);
	assert_string_equal(cfg->institution.other_domains[0],
	    "tip.example.edu.tr");
	assert_int_equal(cfg->smtp.max_per_day, 50);
	assert_string_equal(cfg->institution.robot, "nes-robot@example.edu.tr");
	assert_int_equal(cfg->kamusm.ndomains, 2);
	assert_string_equal(cfg->kamusm.domains[0], "kamusm.gov.tr");
	assert_string_equal(cfg->kamusm.domains[1], "test.example");
	assert_null(cfg->kamusm.domains[2]);

	assert_string_equal(cfg->robot.rules_dir, FIXTURES "/my-rules");
	assert_string_equal(cfg->robot.templates_dir, "/srv/robot/templates");
	assert_string_equal(cfg->robot.holidays_file,
	    FIXTURES "/my-rules/holidays.txt");
	assert_int_equal(cfg->robot.poll_interval, 60);
	assert_string_equal(cfg->robot.log, "syslog");
	assert_string_equal(cfg->robot.log_level, "debug");

	assert_int_equal(cfg->limits.max_message, 5 * 1024 * 1024);
	assert_int_equal(cfg->limits.max_attachment, 512 * 1024);
	assert_int_equal(cfg->limits.max_parts, 50);
	assert_int_equal(cfg->limits.max_depth, 8);
	assert_int_equal(cfg->limits.max_form_rows, 100);

	assert_int_equal(cfg->reminders.hour, 10);
	assert_int_equal(cfg->reminders.max_per_step, 2);
	assert_int_equal(cfg->reminders.ticket_first, 4);
	assert_int_equal(cfg->reminders.ticket_every, 5);
	assert_int_equal(cfg->reminders.form_first, 6);
	assert_int_equal(cfg->reminders.form_every, 7);
	assert_int_equal(cfg->reminders.sent_first, 8);
	assert_int_equal(cfg->reminders.sent_every, 9);
	assert_int_equal(cfg->reminders.notified_first, 11);
	assert_int_equal(cfg->reminders.notified_every, 12);
	assert_int_equal(cfg->reminders.filled_first, 13);
	assert_int_equal(cfg->reminders.filled_every, 14);
	assert_int_equal(cfg->reminders.wet_first, 15);
	assert_int_equal(cfg->reminders.wet_every, 16);
	assert_int_equal(cfg->reminders.shipping_first, 17);
	assert_int_equal(cfg->reminders.shipping_every, 18);
	assert_int_equal(cfg->reminders.acknowledge, 0);

	assert_int_equal(cfg->digest.nto, 2);
	assert_string_equal(cfg->digest.to[0], "a@example.edu.tr");
	assert_string_equal(cfg->digest.to[1], "b@example.edu.tr");
	assert_int_equal(cfg->digest.weekday, 5);
	assert_int_equal(cfg->digest.hour, 16);
	assert_int_equal(cfg->digest.unit_heads, 1);

	assert_string_equal(cfg->links.application,
	    "https://bidb.example.edu.tr/nes/basvuru");
	assert_string_equal(cfg->links.e_onay,
	    "https://bidb.example.edu.tr/nes/e-onay");
	assert_string_equal(cfg->links.e_onay_activation,
	    "https://bidb.example.edu.tr/nes/e-onay-izni");
	assert_string_equal(cfg->links.e_imza,
	    "https://bidb.example.edu.tr/nes/e-imza");
	assert_string_equal(cfg->links.islak_imza,
	    "http://bidb.example.edu.tr/nes/islak-imza");
	assert_string_equal(cfg->links.videos, "");
	assert_int_equal(cfg->retention.cases, 1000);
	assert_int_equal(cfg->retention.messages, 200);
	assert_int_equal(cfg->retention.outbox, 10);
	assert_int_equal(cfg->retention.daily, 0);

	cfg_free(&cfg);
	assert_null(cfg);
	cfg_free(&cfg);
}

static void
test_defaults(void **state)
{
	struct config *cfg = NULL;
	char err[512];

	assert_int_equal(cfg_load(FIXTURES "/minimal.ini", &cfg, err,
	    sizeof err), 0);
	assert_int_equal(cfg->imap.port, 993);
	assert_int_equal(cfg->imap.tls, CFG_TLS_IMAPS);
	assert_null(cfg->imap.ca_file);
	assert_int_equal(cfg->imap.nfolders, 1);
	assert_string_equal(cfg->imap.folders[0], "INBOX");
	assert_null(cfg->imap.folders[1]);
	assert_int_equal(cfg->imap.batch, 500);
	assert_int_equal(cfg->imap.timeout, 60);
	assert_int_equal(cfg->imap.idle, 1);

	assert_null(cfg->smtp.url);
	assert_null(cfg->smtp.user);
	assert_null(cfg->smtp.password);
	assert_null(cfg->smtp.from);
	assert_null(cfg->smtp.ca_file);
	assert_int_equal(cfg->smtp.max_per_recipient_day, 20);

	assert_string_equal(cfg->database.path, FIXTURES "/robot.db");
	assert_string_equal(cfg->institution.bidb, "bidb@example.edu.tr");
	assert_string_equal(cfg->institution.yazi_isleri,
	    "yaziisleri@example.edu.tr");
	assert_string_equal(cfg->institution.bys, "bys-destek@example.edu.tr");
	assert_int_equal(cfg->institution.nauthserv_id, 1);
	assert_string_equal(cfg->institution.authserv_id[0],
	    "mx.example.edu.tr");
	assert_null(cfg->institution.other_domains);
	assert_int_equal(cfg->smtp.max_per_day, 500);
	assert_int_equal(cfg->smtp.connections, 2);
	assert_null(cfg->institution.robot);
	assert_int_equal(cfg->kamusm.ndomains, 2);
	assert_string_equal(cfg->kamusm.domains[0], "kamusm.gov.tr");
	assert_string_equal(cfg->kamusm.domains[1],
	    "kamusm.bilgem.tubitak.gov.tr");

	/* Built-in defaults are under the compiled-in data directory, not
	 * the current one. */
	assert_true(cfg_datadir()[0] == '/');
	assert_datadir(cfg->robot.rules_dir, "rules");
	assert_datadir(cfg->robot.templates_dir, "templates");
	assert_datadir(cfg->robot.holidays_file, "rules/holidays.txt");
	assert_int_equal(cfg->robot.poll_interval, 300);
	assert_string_equal(cfg->robot.log, "stderr");
	assert_string_equal(cfg->robot.log_level, "info");

	assert_int_equal(cfg->limits.max_message, 25 * 1024 * 1024);
	assert_int_equal(cfg->limits.max_attachment, 10 * 1024 * 1024);
	assert_int_equal(cfg->limits.max_parts, 200);
	assert_int_equal(cfg->limits.max_depth, 20);
	assert_int_equal(cfg->limits.max_form_rows, 2000);
	assert_int_equal(cfg->limits.max_decode_seconds, 60);

	assert_int_equal(cfg->reminders.hour, 9);
	assert_int_equal(cfg->reminders.max_per_step, 3);
	assert_int_equal(cfg->reminders.ticket_first, 3);
	assert_int_equal(cfg->reminders.ticket_every, 3);
	assert_int_equal(cfg->reminders.form_first, 2);
	assert_int_equal(cfg->reminders.form_every, 1);
	assert_int_equal(cfg->reminders.sent_first, 5);
	assert_int_equal(cfg->reminders.sent_every, 5);
	assert_int_equal(cfg->reminders.notified_first, 5);
	assert_int_equal(cfg->reminders.notified_every, 5);
	assert_int_equal(cfg->reminders.filled_first, 3);
	assert_int_equal(cfg->reminders.filled_every, 3);
	assert_int_equal(cfg->reminders.wet_first, 2);
	assert_int_equal(cfg->reminders.wet_every, 2);
	assert_int_equal(cfg->reminders.shipping_first, 10);
	assert_int_equal(cfg->reminders.shipping_every, 5);
	assert_int_equal(cfg->reminders.acknowledge, 1);

	assert_int_equal(cfg->digest.nto, 1);
	assert_string_equal(cfg->digest.to[0], "bidb@example.edu.tr");
	assert_null(cfg->digest.to[1]);
	assert_int_equal(cfg->digest.weekday, 1);
	assert_int_equal(cfg->digest.hour, 9);
	assert_int_equal(cfg->digest.unit_heads, 0);

	/* Kamu SM's own pages; no page of videos. */
	assert_string_equal(cfg->links.application,
	    "https://onlineislemler.kamusm.gov.tr/landing");
	assert_string_equal(cfg->links.e_onay,
	    "https://kamusm.bilgem.tubitak.gov.tr/basvurular/nes/");
	assert_string_equal(cfg->links.e_imza, cfg->links.e_onay);
	assert_string_equal(cfg->links.islak_imza, cfg->links.e_onay);
	assert_string_equal(cfg->links.e_onay_activation,
	    cfg->links.application);
	assert_string_equal(cfg->links.videos, "");

	assert_int_equal(cfg->retention.cases, 730);
	assert_int_equal(cfg->retention.messages, 365);
	assert_int_equal(cfg->retention.outbox, 30);
	assert_int_equal(cfg->retention.daily, 1);
	cfg_free(&cfg);
}

static void
test_example_parses(void **state)
{
	struct config *cfg = NULL;
	char err[512];

	setenv("ROBOT_IMAP_PASSWORD", "from-env", 1);
	if (cfg_load("config.example.ini", &cfg, err, sizeof err) == -1)
		fail_msg("%s", err);
	unsetenv("ROBOT_IMAP_PASSWORD");
	assert_string_equal(cfg->imap.host, "imap.example.edu.tr");
	assert_string_equal(cfg->imap.password, "from-env");
	assert_int_equal(cfg->imap.port, 993);
	assert_int_equal(cfg->smtp.tls, CFG_TLS_STARTTLS);
	assert_string_equal(cfg->institution.robot, "robot@example.edu.tr");
	assert_datadir(cfg->robot.rules_dir, "rules");
	cfg_free(&cfg);
}

static void
test_loopback(void **state)
{
	assert_int_equal(cfg_is_loopback("localhost"), 1);
	assert_int_equal(cfg_is_loopback("LocalHost"), 1);
	assert_int_equal(cfg_is_loopback("127.0.0.1"), 1);
	assert_int_equal(cfg_is_loopback("127.1.2.3"), 1);
	assert_int_equal(cfg_is_loopback("::1"), 1);
	assert_int_equal(cfg_is_loopback("[::1]"), 1);
	assert_int_equal(cfg_is_loopback("128.0.0.1"), 0);
	assert_int_equal(cfg_is_loopback("10.0.0.1"), 0);
	assert_int_equal(cfg_is_loopback("127.0.0.1.example.com"), 0);
	assert_int_equal(cfg_is_loopback("localhost.example.com"), 0);
	assert_int_equal(cfg_is_loopback("::2"), 0);
	assert_int_equal(cfg_is_loopback("imap.example.edu.tr"), 0);
	assert_int_equal(cfg_is_loopback(""), 0);
	assert_int_equal(cfg_is_loopback(NULL), 0);
}

static void
test_syntax_errors(void **state)
{
	expect_error("[imap]\nhost = h\nuser = u\npassword = p\n\n# c\n"
	    "prot = 993\n", "robot.ini:7: imap.prot: unknown key");
	expect_error(GOOD "[foo]\nbar = 1\n",
	    "robot.ini:10: [foo]: unknown section");
	/* An unknown section with no keys at all. */
	expect_error(GOOD "\n[foo]\n", "robot.ini:11: [foo]: unknown section");
	expect_error("host = h\n[imap]\n",
	    "robot.ini:1: host: key outside any section");
	expect_error("[imap]\nhost = a\nhost = b\n",
	    "robot.ini:3: imap.host: duplicate key");
	expect_error(GOOD "password = S3cr3t-Value\n",
	    "robot.ini:10: imap.password: duplicate key");
	/* inih reads an indented line after a key as more of its value. */
	expect_error(GOOD "  folders = INBOX\n",
	    "robot.ini:10: imap.password: indented line continues the value; "
	    "write it on one line");
	/* 11 good lines, then one inih cannot read. */
	expect_error(GOOD "\n; comment\nthis is not a key\n",
	    "robot.ini:12: syntax error");
	expect_error(GOOD "password S3cr3t-Value\n",
	    "robot.ini:10: syntax error");
	expect_error("[imap\nhost = h\n", "robot.ini:1: syntax error");
	/* The earlier of a syntax error and a bad value is reported. */
	expect_error("[imap]\nport = 0\nnonsense\n",
	    "robot.ini:2: imap.port: not a number between 1 and 65535");
	expect_error("[imap]\nnonsense\nport = 0\n",
	    "robot.ini:2: syntax error");
}

static void
test_value_errors(void **state)
{
	char longline[400];

	expect_error("[imap]\nhost = h\nport = 0\n",
	    "robot.ini:3: imap.port: not a number between 1 and 65535");
	expect_error("[imap]\nport = 65536\n",
	    "robot.ini:2: imap.port: not a number between 1 and 65535");
	expect_error("[imap]\nport = 99x\n",
	    "robot.ini:2: imap.port: not a number between 1 and 65535");
	expect_error("[imap]\nhost =\n", "robot.ini:2: imap.host: empty value");
	expect_error("[imap]\ntls = ssl\n",
	    "robot.ini:2: imap.tls: must be imaps, starttls or none");
	expect_error("[smtp]\ntls = imaps\n",
	    "robot.ini:2: smtp.tls: must be implicit, starttls or none");
	expect_error("[imap]\nidle = maybe\n",
	    "robot.ini:2: imap.idle: must be yes or no");
	expect_error("[imap]\nfolders = INBOX,,Sent\n",
	    "robot.ini:2: imap.folders: empty item in list");
	expect_error("[kamusm]\ndomains = kamusm.gov.tr, \n",
	    "robot.ini:2: kamusm.domains: empty item in list");
	expect_error("[limits]\nmax_message = 25X\n",
	    "robot.ini:2: limits.max_message: not a size between 1K and 1024M "
	    "(bytes, or with K, M, G)");
	expect_error("[limits]\nmax_message = 2G\n",
	    "robot.ini:2: limits.max_message: not a size between 1K and 1024M "
	    "(bytes, or with K, M, G)");
	expect_error("[robot]\nlog_level = loud\n",
	    "robot.ini:2: robot.log_level: must be error, warning, info or "
	    "debug");
	expect_error("[digest]\nweekday = 8\n",
	    "robot.ini:2: digest.weekday: not a number between 1 and 7");
	expect_error("[reminders]\nform_first = 0\n",
	    "robot.ini:2: reminders.form_first: not a number between 1 and 365");
	expect_error("[institution]\ndomain = a.edu.tr, b.edu.tr\n",
	    "robot.ini:2: institution.domain: must be one domain name");

	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = '\0';
	memcpy(longline, "# ", 2);
	{
		char text[512];

		snprintf(text, sizeof text, "[imap]\n%s\n", longline);
		write_file("robot.ini", text, 0644);
		struct config *cfg = NULL;
		char err[512];

		assert_int_equal(cfg_load("robot.ini", &cfg, err, sizeof err),
		    -1);
		assert_non_null(strstr(err, "robot.ini:2: line longer than"));
		unlink("robot.ini");
	}
}

static void
test_required(void **state)
{
	expect_error("[imap]\nuser = u\npassword = p\n[database]\npath = x\n"
	    "[institution]\ndomain = d\n", "robot.ini:0: imap.host: required");
	expect_error("[imap]\nhost = h\nuser = u\npassword = p\n"
	    "[institution]\ndomain = d\n",
	    "robot.ini:0: database.path: required");
	expect_error("[imap]\nhost = h\nuser = u\npassword = p\n"
	    "[database]\npath = x\n",
	    "robot.ini:0: institution.domain: required");
	expect_error(BASE, "robot.ini:0: imap.password: required (or "
	    "password_file, password_env)");
	expect_error("", "robot.ini:0: imap.host: required");
	/* Without it anyone could write any From: no default, and the
	 * message says what to write. */
	expect_error(GOOD, "robot.ini:0: institution.authserv_id: required: "
	    "the name your mail server writes in Authentication-Results (or "
	    "'none' when it writes none, which lets anyone forge any "
	    "sender)");
}

static void
test_authserv(void **state)
{
	struct config *cfg;

	cfg = load_text(GOOD "[institution]\nauthserv_id = MX.Example.EDU.tr, "
	    "smtp.example.edu.tr\n");
	assert_int_equal(cfg->institution.nauthserv_id, 2);
	assert_string_equal(cfg->institution.authserv_id[0],
	    "mx.example.edu.tr");
	assert_int_equal(cfg->institution.authserv_none, 0);
	cfg_free(&cfg);
	/* The opt-out is written out, never a default. */
	cfg = load_text(GOOD "[institution]\nauthserv_id = none\n");
	assert_null(cfg->institution.authserv_id);
	assert_int_equal(cfg->institution.nauthserv_id, 0);
	assert_int_equal(cfg->institution.authserv_none, 1);
	cfg_free(&cfg);
	expect_error(GOOD "[institution]\nauthserv_id = mx.example.edu.tr, "
	    "none\n", "robot.ini:11: institution.authserv_id: 'none' cannot "
	    "be listed with other names");
	expect_error(GOOD "[institution]\nauthserv_id = mx.example.edu.tr; "
	    "x\n", "robot.ini:11: institution.authserv_id: names separated "
	    "by commas, as the server writes them");
	expect_error(GOOD "[smtp]\nmax_per_day = 0\n", "robot.ini:11: "
	    "smtp.max_per_day: not a number between 1 and 1000000");
	expect_error(GOOD "[smtp]\nconnections = 9\n", "robot.ini:11: "
	    "smtp.connections: not a number between 1 and 8");
}

static void
test_tls_rules(void **state)
{
	struct config *cfg;

	expect_error(GOOD "tls = none\n", "robot.ini:10: imap.tls: none is "
	    "allowed only for a loopback host");
	cfg = load_text(GOOD "tls = starttls\n");
	assert_int_equal(cfg->imap.port, 143);
	cfg_free(&cfg);
	cfg = load_text(GOOD "tls = starttls\nport = 1143\n");
	assert_int_equal(cfg->imap.port, 1143);
	cfg_free(&cfg);
	cfg = load_text("[imap]\nhost = ::1\nuser = u\npassword = p\ntls = none\n"
	    "[database]\npath = x\n[institution]\ndomain = d\n");
	assert_int_equal(cfg->imap.tls, CFG_TLS_NONE);
	assert_int_equal(cfg->imap.port, 143);
	cfg_free(&cfg);

	/* smtp tls follows the url unless set. */
	cfg = load_text(GOOD "[smtp]\nurl = smtps://mail.example.edu.tr\n");
	assert_int_equal(cfg->smtp.tls, CFG_TLS_IMAPS);
	cfg_free(&cfg);
	cfg = load_text(GOOD "[smtp]\nurl = smtp://mail.example.edu.tr:587\n");
	assert_int_equal(cfg->smtp.tls, CFG_TLS_STARTTLS);
	cfg_free(&cfg);
	cfg = load_text(GOOD "[smtp]\nurl = smtp://127.0.0.1:2525\n");
	assert_int_equal(cfg->smtp.tls, CFG_TLS_NONE);
	cfg_free(&cfg);
	cfg = load_text(GOOD "[smtp]\nurl = smtp://[::1]:2525\n");
	assert_int_equal(cfg->smtp.tls, CFG_TLS_NONE);
	cfg_free(&cfg);
	cfg = load_text(GOOD "[smtp]\nurl = smtp://localhost\ntls = starttls\n");
	assert_int_equal(cfg->smtp.tls, CFG_TLS_STARTTLS);
	cfg_free(&cfg);

	expect_error(GOOD "[smtp]\nurl = smtp://mail.example.edu.tr\n"
	    "tls = none\n", "robot.ini:12: smtp.tls: none is allowed only "
	    "for a loopback host");
	expect_error(GOOD "[smtp]\nurl = smtps://mail.example.edu.tr\n"
	    "tls = starttls\n", "robot.ini:12: smtp.tls: an smtps:// url "
	    "needs implicit");
	expect_error(GOOD "[smtp]\nurl = smtp://mail.example.edu.tr\n"
	    "tls = implicit\n", "robot.ini:12: smtp.tls: implicit needs an "
	    "smtps:// url");
	expect_error(GOOD "[smtp]\nurl = mail.example.edu.tr\n",
	    "robot.ini:11: smtp.url: must be smtp://HOST[:PORT] or "
	    "smtps://HOST[:PORT]");
}

static void
test_smtp_auth(void **state)
{
	struct config *cfg;

	expect_error(GOOD "[smtp]\nuser = robot\n",
	    "robot.ini:0: smtp.password: required (or password_file, "
	    "password_env)");
	expect_error(GOOD "[smtp]\npassword = S3cr3t-Value\n",
	    "robot.ini:0: smtp.user: required when a password is set");
	setenv("ROBOT_TEST_SMTP_PW", "smtp-env", 1);
	cfg = load_text(GOOD "[smtp]\nuser = robot\n"
	    "password_env = ROBOT_TEST_SMTP_PW\n");
	assert_string_equal(cfg->smtp.password, "smtp-env");
	cfg_free(&cfg);
	unsetenv("ROBOT_TEST_SMTP_PW");
}

static void
test_password_sources(void **state)
{
	struct config *cfg = NULL;
	char err[512];

	/* password_env; the variable is gone once read */
	setenv("ROBOT_TEST_PW", "env-pass", 1);
	cfg = load_text(BASE "[imap]\npassword_env = ROBOT_TEST_PW\n");
	assert_string_equal(cfg->imap.password, "env-pass");
	assert_null(getenv("ROBOT_TEST_PW"));
	cfg_free(&cfg);
	unsetenv("ROBOT_TEST_PW");
	expect_error(BASE "[imap]\npassword_env = ROBOT_TEST_PW\n",
	    "robot.ini:9: imap.password_env: environment variable "
	    "ROBOT_TEST_PW is unset or empty");
	setenv("ROBOT_TEST_PW", "", 1);
	expect_error(BASE "[imap]\npassword_env = ROBOT_TEST_PW\n",
	    "robot.ini:9: imap.password_env: environment variable "
	    "ROBOT_TEST_PW is unset or empty");
	unsetenv("ROBOT_TEST_PW");

	/* More than one source; the later line is named. */
	expect_error(GOOD "password_env = X\n", "robot.ini:10: "
	    "imap.password_env: only one of password, password_file, "
	    "password_env may be set");
	expect_error(BASE "[imap]\npassword_file = imap.pass\n"
	    "password = S3cr3t-Value\n", "robot.ini:10: imap.password: only "
	    "one of password, password_file, password_env may be set");

	/* password_file: first line, CR/LF stripped, mode 600 only. */
	write_file("imap.pass", "file-pass\r\nsecond line\n", 0600);
	cfg = load_text(BASE "[imap]\npassword_file = imap.pass\n");
	assert_string_equal(cfg->imap.password, "file-pass");
	cfg_free(&cfg);
	write_file("imap.pass", "file-pass\n", 0644);
	expect_error(BASE "[imap]\npassword_file = imap.pass\n",
	    "robot.ini:9: imap.password_file: imap.pass is readable by "
	    "others; chmod 600 it");
	write_file("imap.pass", "file-pass\n", 0640);
	expect_error(BASE "[imap]\npassword_file = imap.pass\n",
	    "robot.ini:9: imap.password_file: imap.pass is readable by "
	    "others; chmod 600 it");
	write_file("imap.pass", "\n", 0600);
	expect_error(BASE "[imap]\npassword_file = imap.pass\n",
	    "robot.ini:9: imap.password_file: imap.pass: first line is empty");
	unlink("imap.pass");
	expect_error(BASE "[imap]\npassword_file = imap.pass\n",
	    "robot.ini:9: imap.password_file: cannot open imap.pass: No such "
	    "file or directory");

	/* Relative to the config file's directory, not the current one. */
	assert_int_equal(mkdir("conf", 0700), 0);
	write_file("conf/imap.pass", "conf-pass\n", 0600);
	write_file("conf/robot.ini", BASE "[imap]\npassword_file = imap.pass\n"
	    "ca_file = ca.pem\n[robot]\nrules_dir = ../rules\n" AUTHSERV, 0644);
	if (cfg_load("conf/robot.ini", &cfg, err, sizeof err) == -1)
		fail_msg("%s", err);
	assert_string_equal(cfg->imap.password, "conf-pass");
	assert_string_equal(cfg->imap.ca_file, "conf/ca.pem");
	assert_string_equal(cfg->database.path, "conf/robot.db");
	assert_string_equal(cfg->robot.rules_dir, "conf/../rules");
	assert_datadir(cfg->robot.templates_dir, "templates");
	cfg_free(&cfg);
}

/* A config that holds a password is refused when group or others may
 * read it, as a password_file is. */
static void
test_private_config(void **state)
{
	static const char *const texts[] = { GOOD, BASE "[imap]\n"
	    "password_file = imap.pass\n[smtp]\nuser = robot\n"
	    "password = S3cr3t-Value\n" };
	static const char *const wants[] = {
		"robot.ini:9: imap.password: robot.ini holds a password and "
		"is readable by others; chmod 600 it",
		"robot.ini:12: smtp.password: robot.ini holds a password and "
		"is readable by others; chmod 600 it" };
	static const mode_t modes[] = { 0644, 0640, 0604 };
	struct config *cfg = NULL;
	char err[512];

	write_file("imap.pass", "file-pass\n", 0600);
	for (size_t t = 0; t < 2; t++)
		for (size_t m = 0; m < 3; m++) {
			write_file("robot.ini", texts[t], modes[m]);
			assert_int_equal(cfg_load("robot.ini", &cfg, err,
			    sizeof err), -1);
			assert_string_equal(err, wants[t]);
			assert_null(strstr(err, "S3cr3t"));
		}
	/* Without a password in it, a config may be read by all. */
	write_file("robot.ini", BASE "[imap]\npassword_file = imap.pass\n"
	    AUTHSERV, 0644);
	if (cfg_load("robot.ini", &cfg, err, sizeof err) == -1)
		fail_msg("%s", err);
	cfg_free(&cfg);
	unlink("robot.ini");
}

/* A reload finds the password_env variable gone (the first load removed
 * it) and keeps the password read from it; another variable is not
 * taken that way. */
static void
test_reload_password_env(void **state)
{
	struct config *first = NULL, *again = NULL;
	char err[512];

	setenv("ROBOT_TEST_PW", "env-pass", 1);
	first = load_text(BASE "[imap]\npassword_env = ROBOT_TEST_PW\n");
	assert_null(getenv("ROBOT_TEST_PW"));
	write_file("robot.ini", BASE "[imap]\npassword_env = ROBOT_TEST_PW\n"
	    AUTHSERV, 0600);
	if (cfg_reload("robot.ini", first, &again, err, sizeof err) == -1)
		fail_msg("%s", err);
	assert_string_equal(again->imap.password, "env-pass");
	assert_string_equal(again->imap.password_env, "ROBOT_TEST_PW");
	cfg_free(&again);
	write_file("robot.ini", BASE "[imap]\npassword_env = OTHER_PW\n"
	    AUTHSERV, 0600);
	assert_int_equal(cfg_reload("robot.ini", first, &again, err,
	    sizeof err), -1);
	assert_string_equal(err, "robot.ini:9: imap.password_env: "
	    "environment variable OTHER_PW is unset or empty");
	cfg_free(&first);
	unlink("robot.ini");
}

static void
test_missing_file(void **state)
{
	struct config *cfg = (struct config *)&cfg;
	char err[512];

	assert_int_equal(cfg_load("robot.ini", &cfg, err, sizeof err), -1);
	assert_string_equal(err, "robot.ini: cannot open: No such file or "
	    "directory");
	assert_null(cfg);
}

static void
test_lists_and_domains(void **state)
{
	struct config *cfg;

	cfg = load_text(GOOD "folders =INBOX,\tSent ,  Drafts\n"
	    "[kamusm]\ndomains = KAMUSM.GOV.TR,Kamusm.Bilgem.Tubitak.Gov.Tr\n"
	    "[digest]\nto = x@example.edu.tr\n");
	assert_int_equal(cfg->imap.nfolders, 3);
	assert_string_equal(cfg->imap.folders[0], "INBOX");
	assert_string_equal(cfg->imap.folders[1], "Sent");
	assert_string_equal(cfg->imap.folders[2], "Drafts");
	assert_string_equal(cfg->kamusm.domains[0], "kamusm.gov.tr");
	assert_string_equal(cfg->kamusm.domains[1],
	    "kamusm.bilgem.tubitak.gov.tr");
	assert_int_equal(cfg->digest.nto, 1);
	assert_string_equal(cfg->digest.to[0], "x@example.edu.tr");
	/* institution.robot defaults to smtp.from */
	cfg_free(&cfg);
	/* Indented right after a section header is just a key. */
	cfg = load_text(GOOD "[smtp]\n  from = robot@example.edu.tr\n"
	    "[limits]\nmax_message = 1048576\nmax_attachment = 64k\n");
	assert_string_equal(cfg->institution.robot, "robot@example.edu.tr");
	assert_int_equal(cfg->limits.max_message, 1048576);
	assert_int_equal(cfg->limits.max_attachment, 65536);
	cfg_free(&cfg);
}

/* [links]: an address of the institution's own replaces Kamu SM's; an
 * empty value is kept (the line is left out of the mail); anything that
 * is not one http(s) address is refused. */
static void
test_links(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_text(GOOD "[links]\nvideos = https://bidb.example.edu.tr/"
	    "nes/video?id=3\nislak_imza =\n[digest]\nunit_heads = yes\n");
	assert_string_equal(cfg->links.videos,
	    "https://bidb.example.edu.tr/nes/video?id=3");
	assert_string_equal(cfg->links.islak_imza, "");
	assert_string_equal(cfg->links.application,
	    "https://onlineislemler.kamusm.gov.tr/landing");
	assert_int_equal(cfg->digest.unit_heads, 1);
	cfg_free(&cfg);
	expect_error(GOOD "[links]\ne_onay = www.kamusm.gov.tr\n",
	    "robot.ini:11: links.e_onay: must be an http:// or https:// "
	    "address, or empty");
	expect_error(GOOD "[links]\ne_imza = https://a.tr/x y\n",
	    "robot.ini:11: links.e_imza: an address has no spaces, quotes or "
	    "angle brackets");
	expect_error(GOOD "[links]\ne_imza = javascript:alert(1)\n",
	    "robot.ini:11: links.e_imza: must be an http:// or https:// "
	    "address, or empty");
	expect_error(GOOD "[links]\nvideo = https://a.tr/\n",
	    "robot.ini:11: links.video: unknown key");
	/* Other keys still refuse an empty value. */
	expect_error(GOOD "[digest]\nto =\n",
	    "robot.ini:11: digest.to: empty value");
}

/* [retention]: bounds, and sent mail (the digest) gone a week before the
 * cases it names. */
static void
test_retention(void **state)
{
	struct config *cfg;

	cfg = load_text(GOOD "[retention]\ncases = 37\nmessages = 30\n"
	    "outbox = 30\n");
	assert_int_equal(cfg->retention.cases, 37);
	assert_int_equal(cfg->retention.messages, 30);
	assert_int_equal(cfg->retention.outbox, 30);
	cfg_free(&cfg);
	expect_error(GOOD "[retention]\ncases = 29\n",
	    "robot.ini:11: retention.cases: not a number between 30 and "
	    "36500");
	expect_error(GOOD "[retention]\noutbox = 6\n",
	    "robot.ini:11: retention.outbox: not a number between 7 and "
	    "36500");
	expect_error(GOOD "[retention]\ncases = 36\n" AUTHSERV,
	    "robot.ini:11: retention.outbox: must be at least 7 days shorter "
	    "than retention.cases");
	expect_error(GOOD "[retention]\ncases = 100\noutbox = 94\n"
	    AUTHSERV,
	    "robot.ini:12: retention.outbox: must be at least 7 days shorter "
	    "than retention.cases");
	expect_error(GOOD "[retention]\ndaily = sometimes\n",
	    "robot.ini:11: retention.daily: must be yes or no");
}

/* The digest: the same settings give the same; any setting another (a
 * number, a word, a list's item or its length); the password does not
 * enter it. */
static void
test_digest(void **state)
{
	static const char *const other[] = {
		GOOD "[reminders]\nsent_first = 6\n",
		GOOD "[reminders]\nhour = 10\n",
		GOOD "[institution]\nbidb = it@example.edu.tr\n",
		GOOD "[kamusm]\ndomains = kamusm.gov.tr\n",
		GOOD "[kamusm]\ndomains = kamusm.gov.tr, example.gov.tr\n",
		GOOD "[imap]\nfolders = INBOX, NES\n",
		GOOD "[limits]\nmax_message = 1M\n",
	};
	struct config *a = load_text(GOOD), *b = load_text(GOOD), *c;
	uint64_t d = cfg_digest(a), seen[8];

	(void)state;
	assert_true(cfg_digest(b) == d);
	cfg_free(&b);
	b = load_text(BASE "[imap]\npassword = another-Secret9\n");
	assert_true(cfg_digest(b) == d);
	cfg_free(&b);
	seen[0] = d;
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
		c = load_text(other[i]);
		seen[i + 1] = cfg_digest(c);
		for (size_t j = 0; j <= i; j++)
			if (seen[j] == seen[i + 1])
				fail_msg("same digest: %s", other[i]);
		cfg_free(&c);
	}
	cfg_free(&a);
}

int
main(void)
{
	const struct CMUnitTest top[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_example_parses),
		cmocka_unit_test(test_loopback),
	};
	const struct CMUnitTest tmp[] = {
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_authserv),
		cmocka_unit_test(test_tls_rules),
		cmocka_unit_test(test_smtp_auth),
		cmocka_unit_test(test_password_sources),
		cmocka_unit_test(test_private_config),
		cmocka_unit_test(test_reload_password_env),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_lists_and_domains),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_digest),
	};
	int failed;

	failed = cmocka_run_group_tests_name("cfg (project files)", top,
	    private_fixtures, NULL);
	failed += cmocka_run_group_tests_name("cfg (error messages)", tmp,
	    enter_tmpdir, leave_tmpdir);
	return failed != 0;
}
