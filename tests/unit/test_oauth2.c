/* Unit tests for OAuth 2.0 mail accounts: the [oauth2] keys and the
 * imap.auth / smtp.auth rules of cfg.c, the SASL responses, the reading
 * of token endpoint answers, and the refresh token file (oauth2.c,
 * oauth2_file.c).  The end-to-end test against Dovecot's oauth2 passdb
 * is tests/e2e/test_oauth2.sh.  Error cases run in a temporary directory
 * so their messages read exactly "robot.ini:LINE: ...". */
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
#include "oauth2.h"
#include "oauth2_file.h"

/* The keys every config needs, lines 1-7, and [imap] again on line 8:
 * line 9 on is the test's. */
#define BASE \
	"[imap]\n" \
	"host = imap.example.edu.tr\n" \
	"user = robot@example.edu.tr\n" \
	"[database]\n" \
	"path = robot.db\n" \
	"[institution]\n" \
	"domain = example.edu.tr\n" \
	"[imap]\n"
/* A good [oauth2] section, for lines 10-14 after BASE and one more. */
#define OAUTH2 \
	"[oauth2]\n" \
	"token_url = https://login.example.com/tenant/token\n" \
	"client_id = 0a1b2c3d\n" \
	"client_secret = S3cr3t-Value\n" \
	"refresh_token_file = rt\n"

/* The MX's authserv-id: required, and added after the test's lines so
 * their numbers stay. */
#define AUTHSERV	"[institution]\nauthserv_id = mx.example.edu.tr\n"

static char tmpdir[256];

/* text with the authserv-id appended, unless it names one.  Caller
 * frees. */
static char *
with_authserv(const char *text)
{
	size_t n = strlen(text) + sizeof AUTHSERV + 2;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "%s%s", text, strstr(text, "authserv_id") ? "" :
	    "\n" AUTHSERV);
	return s;
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

static struct config *
load_text(const char *text)
{
	struct config *cfg = NULL;
	char err[512];

	char *full = with_authserv(text);

	write_file("robot.ini", full, 0600);
	free(full);
	if (cfg_load("robot.ini", &cfg, err, sizeof err) == -1)
		fail_msg("config:\n%s\nfailed: %s", text, err);
	unlink("robot.ini");
	return cfg;
}

static void
expect_error(const char *text, const char *want)
{
	struct config *cfg = NULL;
	char err[512] = "";
	int rc;

	char *full = with_authserv(text);

	write_file("robot.ini", full, 0600);
	free(full);
	rc = cfg_load("robot.ini", &cfg, err, sizeof err);
	if (rc != -1 || strcmp(err, want) != 0)
		fail_msg("config:\n%s\nwant: %s\ngot:  %s (rc %d)", text, want,
		    err, rc);
	assert_null(cfg);
	/* Whatever went wrong, no secret is shown. */
	assert_null(strstr(err, "S3cr3t"));
	assert_null(strstr(err, "rt-Refresh"));
	unlink("robot.ini");
}

static int
enter_tmpdir(void **state)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof tmpdir, "%s/test_oauth2.XXXXXX",
	    t ? t : "/tmp");
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
	unlink("rt");
	unlink("secret");
	if (fchdir(top) == -1)
		return -1;
	close(top);
	return rmdir(tmpdir);
}

/* ---- cfg: the keys ------------------------------------------------- */

static void
test_cfg_good(void **state)
{
	struct config *cfg;

	write_file("rt", "rt-Refresh-1\n", 0600);
	cfg = load_text(BASE "auth = xoauth2\n" OAUTH2
	    "scope = https://outlook.office365.com/IMAP.AccessAsUser.All "
	    "offline_access\n"
	    "[smtp]\nurl = smtp://smtp.example.edu.tr:587\n"
	    "user = robot@example.edu.tr\nauth = oauthbearer\n");
	assert_int_equal(cfg->imap.auth, CFG_AUTH_XOAUTH2);
	assert_null(cfg->imap.password);
	assert_int_equal(cfg->smtp.auth, CFG_AUTH_OAUTHBEARER);
	assert_null(cfg->smtp.password);
	assert_string_equal(cfg->oauth2.token_url,
	    "https://login.example.com/tenant/token");
	assert_int_equal(cfg->oauth2.grant, CFG_GRANT_REFRESH_TOKEN);
	assert_string_equal(cfg->oauth2.client_id, "0a1b2c3d");
	assert_string_equal(cfg->oauth2.client_secret, "S3cr3t-Value");
	assert_string_equal(cfg->oauth2.refresh_token_file, "rt");
	assert_string_equal(cfg->oauth2.scope,
	    "https://outlook.office365.com/IMAP.AccessAsUser.All "
	    "offline_access");
	assert_null(cfg->oauth2.ca_file);
	assert_int_equal(cfg->oauth2.timeout, 30);
	cfg_free(&cfg);

	/* The default is the password, and [oauth2] unused is not read. */
	cfg = load_text(BASE "password = p\n" OAUTH2);
	assert_int_equal(cfg->imap.auth, CFG_AUTH_PASSWORD);
	assert_int_equal(cfg->smtp.auth, CFG_AUTH_PASSWORD);
	assert_string_equal(cfg->imap.password, "p");
	cfg_free(&cfg);

	/* client_credentials: a secret from a file, no refresh token. */
	write_file("secret", "S3cr3t-From-File\n", 0600);
	cfg = load_text(BASE "auth = oauthbearer\n[oauth2]\n"
	    "token_url = HTTPS://login.example.com/t\ngrant = "
	    "client_credentials\nclient_id = c\nclient_secret_file = secret\n"
	    "timeout = 5\n");
	assert_int_equal(cfg->oauth2.grant, CFG_GRANT_CLIENT_CREDENTIALS);
	assert_string_equal(cfg->oauth2.client_secret, "S3cr3t-From-File");
	assert_int_equal(cfg->oauth2.timeout, 5);
	cfg_free(&cfg);

	/* A public client: no secret at all. */
	cfg = load_text(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = https://login.example.com/t\nclient_id = c\n"
	    "refresh_token_file = rt\n");
	assert_null(cfg->oauth2.client_secret);
	cfg_free(&cfg);
}

static void
test_cfg_errors(void **state)
{
	write_file("rt", "rt-Refresh-1\n", 0600);
	expect_error(BASE "auth = kerberos\n", "robot.ini:9: imap.auth: must "
	    "be password, xoauth2 or oauthbearer");
	expect_error(BASE "auth = xoauth2\n",
	    "robot.ini:0: oauth2.token_url: required when imap.auth = "
	    "xoauth2");
	expect_error(BASE "password = p\n[smtp]\nuser = u\n"
	    "auth = oauthbearer\n", "robot.ini:0: oauth2.token_url: required "
	    "when smtp.auth = oauthbearer");
	expect_error(BASE "auth = xoauth2\npassword = S3cr3t-Value\n" OAUTH2,
	    "robot.ini:10: imap.password: not used when imap.auth = xoauth2; "
	    "remove it");
	expect_error(BASE "password = p\n" OAUTH2 "[smtp]\nuser = u\n"
	    "auth = xoauth2\npassword_env = SMTP_PW\n", "robot.ini:18: "
	    "smtp.password_env: not used when smtp.auth = xoauth2; remove it");
	expect_error(BASE "password = p\n" OAUTH2 "[smtp]\nauth = xoauth2\n",
	    "robot.ini:0: smtp.user: required when smtp.auth = xoauth2");
	expect_error(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = http://login.example.com/t\nclient_id = c\n",
	    "robot.ini:11: oauth2.token_url: must be an https:// URL");
	expect_error(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = https://\nclient_id = c\n",
	    "robot.ini:11: oauth2.token_url: must be an https:// URL");
	expect_error(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = https://login.example.com/t\n",
	    "robot.ini:0: oauth2.client_id: required when imap.auth = "
	    "xoauth2");
	expect_error(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = https://login.example.com/t\nclient_id = c\n",
	    "robot.ini:0: oauth2.refresh_token_file: required when imap.auth "
	    "= xoauth2");
	expect_error(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = https://login.example.com/t\nclient_id = c\n"
	    "grant = password\n", "robot.ini:13: oauth2.grant: must be "
	    "refresh_token or client_credentials");
	expect_error(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = https://login.example.com/t\nclient_id = c\n"
	    "grant = client_credentials\n", "robot.ini:0: "
	    "oauth2.client_secret: required when oauth2.grant = "
	    "client_credentials (or client_secret_file, client_secret_env)");
	expect_error(BASE "auth = xoauth2\n" OAUTH2
	    "grant = client_credentials\n", "robot.ini:14: "
	    "oauth2.refresh_token_file: not used when oauth2.grant = "
	    "client_credentials; remove it");
	expect_error(BASE "auth = xoauth2\n" OAUTH2
	    "client_secret_env = SECRET\n", "robot.ini:15: "
	    "oauth2.client_secret_env: only one of client_secret, "
	    "client_secret_file, client_secret_env may be set");
	unsetenv("ROBOT_TEST_SECRET");
	expect_error(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = https://login.example.com/t\nclient_id = c\n"
	    "client_secret_env = ROBOT_TEST_SECRET\nrefresh_token_file = rt\n",
	    "robot.ini:13: oauth2.client_secret_env: environment variable "
	    "ROBOT_TEST_SECRET is unset or empty");
	expect_error(BASE "auth = xoauth2\n" OAUTH2 "timeout = 0\n",
	    "robot.ini:15: oauth2.timeout: not a number between 1 and 300");
	expect_error(BASE "auth = xoauth2\n" OAUTH2 "audience = x\n",
	    "robot.ini:15: oauth2.audience: unknown key");

	/* The refresh token file: there, private, not empty. */
	write_file("rt", "rt-Refresh-1\n", 0644);
	expect_error(BASE "auth = xoauth2\n" OAUTH2, "robot.ini:14: "
	    "oauth2.refresh_token_file: rt is readable by others; chmod 600 "
	    "it");
	write_file("rt", "\n", 0600);
	expect_error(BASE "auth = xoauth2\n" OAUTH2, "robot.ini:14: "
	    "oauth2.refresh_token_file: rt: first line is empty");
	unlink("rt");
	expect_error(BASE "auth = xoauth2\n" OAUTH2, "robot.ini:14: "
	    "oauth2.refresh_token_file: cannot open rt: No such file or "
	    "directory");
	write_file("secret", "S3cr3t-Value\n", 0640);
	expect_error(BASE "auth = oauthbearer\n[oauth2]\n"
	    "token_url = https://login.example.com/t\ngrant = "
	    "client_credentials\nclient_id = c\nclient_secret_file = secret\n",
	    "robot.ini:14: oauth2.client_secret_file: secret is readable by "
	    "others; chmod 600 it");
}

/* ---- SASL ------------------------------------------------------------ */

static void
test_sasl(void **state)
{
	char *s;

	/* user=robot@example.edu.tr^Aauth=Bearer at-Tok.123^A^A */
	s = oauth2_sasl(CFG_AUTH_XOAUTH2, "robot@example.edu.tr",
	    "imap.example.edu.tr", 993, "at-Tok.123");
	assert_string_equal(s, "dXNlcj1yb2JvdEBleGFtcGxlLmVkdS50cgFhdXRoPUJl"
	    "YXJlciBhdC1Ub2suMTIzAQE=");
	oauth2_free(&s);
	assert_null(s);
	/* n,a=robot@example.edu.tr,^Ahost=imap.example.edu.tr^Aport=993^A
	 * auth=Bearer at-Tok.123^A^A (RFC 7628 3.1) */
	s = oauth2_sasl(CFG_AUTH_OAUTHBEARER, "robot@example.edu.tr",
	    "imap.example.edu.tr", 993, "at-Tok.123");
	assert_string_equal(s, "bixhPXJvYm90QGV4YW1wbGUuZWR1LnRyLAFob3N0PWlt"
	    "YXAuZXhhbXBsZS5lZHUudHIBcG9ydD05OTMBYXV0aD1CZWFyZXIgYXQtVG9rLjEy"
	    "MwEB");
	oauth2_free(&s);
	/* ',' and '=' in the authzid are escaped (RFC 5801). */
	s = oauth2_sasl(CFG_AUTH_OAUTHBEARER, "a=b,c", "h", 1, "t");
	assert_string_equal(s, "bixhPWE9M0RiPTJDYywBaG9zdD1oAXBvcnQ9MQFhdXRoP"
	    "UJlYXJlciB0AQE=");
	oauth2_free(&s);
	/* Every length modulo 3 pads right. */
	s = oauth2_sasl(CFG_AUTH_XOAUTH2, "", "h", 1, "f");
	assert_string_equal(s, "dXNlcj0BYXV0aD1CZWFyZXIgZgEB");
	oauth2_free(&s);
	s = oauth2_sasl(CFG_AUTH_XOAUTH2, "", "h", 1, "fo");
	assert_string_equal(s, "dXNlcj0BYXV0aD1CZWFyZXIgZm8BAQ==");
	oauth2_free(&s);
	s = oauth2_sasl(CFG_AUTH_XOAUTH2, "", "h", 1, "foo");
	assert_string_equal(s, "dXNlcj0BYXV0aD1CZWFyZXIgZm9vAQE=");
	oauth2_free(&s);
}

/* ---- the endpoint's answers ----------------------------------------- */

static int
parse(const char *body, long status, struct oauth2_answer *a, char *err)
{
	return oauth2_parse(body, strlen(body), status, a, err, 512);
}

static void
test_parse_good(void **state)
{
	struct oauth2_answer a;
	char err[512];

	assert_int_equal(parse("{\"token_type\":\"Bearer\",\"scope\":\"x\","
	    "\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":"
	    "\"eyJ0.eXAi.Sig-_~+/=\",\"refresh_token\":\"0.AXo-rt\"}", 200,
	    &a, err), OAUTH2_OK);
	assert_string_equal(a.access_token, "eyJ0.eXAi.Sig-_~+/=");
	assert_string_equal(a.refresh_token, "0.AXo-rt");
	assert_int_equal(a.expires_in, 3599);
	oauth2_answer_free(&a);
	assert_null(a.access_token);

	/* Google: no refresh token; expires_in as a string elsewhere;
	 * token_type in any case; none at all. */
	assert_int_equal(parse("{\"access_token\":\"ya29.a0\",\"expires_in\":"
	    "\"3600\",\"token_type\":\"bearer\"}", 200, &a, err), OAUTH2_OK);
	assert_null(a.refresh_token);
	assert_int_equal(a.expires_in, 3600);
	oauth2_answer_free(&a);
	assert_int_equal(parse("{\"access_token\":\"t\"}", 200, &a, err),
	    OAUTH2_OK);
	assert_int_equal(a.expires_in, -1);
	oauth2_answer_free(&a);
	assert_int_equal(parse("{\"access_token\":\"t\",\"expires_in\":-5}",
	    200, &a, err), OAUTH2_OK);
	assert_int_equal(a.expires_in, -1);
	oauth2_answer_free(&a);
}

static void
test_parse_bad(void **state)
{
	struct oauth2_answer a;
	char err[512];

	assert_int_equal(parse("{\"error\":\"invalid_grant\","
	    "\"error_description\":\"AADSTS70008: The refresh token has "
	    "expired.\\r\\nTrace ID: 1\"}", 400, &a, err), OAUTH2_REFUSED);
	assert_string_equal(err, "refused the request: invalid_grant "
	    "(AADSTS70008: The refresh token has expired.  Trace ID: 1); the "
	    "refresh token is expired, revoked or already used: get a new "
	    "one and put it in [oauth2] refresh_token_file");
	assert_null(a.access_token);
	assert_int_equal(parse("{\"error\":\"invalid_client\"}", 401, &a, err),
	    OAUTH2_REFUSED);
	assert_string_equal(err, "refused the request: invalid_client; check "
	    "[oauth2] client_id and client_secret");
	assert_int_equal(parse("{\"error\":\"invalid_scope\"}", 400, &a, err),
	    OAUTH2_REFUSED);
	assert_string_equal(err, "refused the request: invalid_scope; check "
	    "[oauth2] scope");
	assert_int_equal(parse("{}", 400, &a, err), OAUTH2_REFUSED);
	assert_string_equal(err, "refused the request (HTTP 400)");
	assert_int_equal(parse("<html>Not Found</html>", 404, &a, err),
	    OAUTH2_REFUSED);
	assert_string_equal(err, "answered HTTP 404");
	assert_int_equal(parse("<html>Sign in</html>", 200, &a, err),
	    OAUTH2_REFUSED);
	assert_string_equal(err, "answered something that is not a JSON "
	    "object; is [oauth2] token_url the token endpoint?");

	/* The server's trouble: try later. */
	assert_int_equal(parse("busy", 503, &a, err), OAUTH2_TEMP);
	assert_string_equal(err, "answered HTTP 503; trying again later");
	assert_int_equal(parse("{}", 429, &a, err), OAUTH2_TEMP);

	/* Unusable tokens. */
	assert_int_equal(parse("{\"expires_in\":1}", 200, &a, err),
	    OAUTH2_REFUSED);
	assert_string_equal(err, "answered without a usable access_token");
	assert_int_equal(parse("{\"access_token\":\"a b\"}", 200, &a, err),
	    OAUTH2_REFUSED);
	assert_int_equal(parse("{\"access_token\":\"\"}", 200, &a, err),
	    OAUTH2_REFUSED);
	assert_int_equal(parse("{\"access_token\":\"t\\u0001x\"}", 200, &a,
	    err), OAUTH2_REFUSED);
	assert_int_equal(parse("{\"access_token\":7}", 200, &a, err),
	    OAUTH2_REFUSED);
	assert_int_equal(parse("{\"access_token\":\"t\",\"token_type\":"
	    "\"MAC\"}", 200, &a, err), OAUTH2_REFUSED);
	assert_string_equal(err, "issued a token that is not a bearer token");
	assert_int_equal(parse("{\"access_token\":\"t\",\"refresh_token\":"
	    "\"r\\n\"}", 200, &a, err), OAUTH2_REFUSED);
	assert_string_equal(err, "answered with an unusable refresh_token");
	/* Two access tokens: which one? */
	assert_int_equal(parse("{\"access_token\":\"t\",\"access_token\":"
	    "\"u\"}", 200, &a, err), OAUTH2_REFUSED);
	/* A NUL inside the body ends nothing early. */
	assert_int_equal(oauth2_parse("{\"access_token\":\"t\"}\0junk", 25,
	    200, &a, err, sizeof err), OAUTH2_REFUSED);
	assert_null(a.access_token);
}

static void
test_parse_error_text(void **state)
{
	struct oauth2_answer a;
	char body[2048], err[512];

	/* A long description is cut, control characters are blanked. */
	snprintf(body, sizeof body, "{\"error\":\"x\\u001b[31m\","
	    "\"error_description\":\"%0500d\"}", 0);
	assert_int_equal(parse(body, 400, &a, err), OAUTH2_REFUSED);
	assert_null(strchr(err, '\033'));
	assert_non_null(strstr(err, "refused the request: x [31m ("));
	assert_non_null(strstr(err, "00000..."));
	assert_true(strlen(err) < 260);
}

/* ---- the refresh token file ----------------------------------------- */

static void
test_file(void **state)
{
	char err[512], *tok = NULL;
	struct stat st;
	int fd, fd2;

	write_file("rt", "rt-Refresh-1\r\nrest\n", 0600);
	assert_true((fd = oauth2_file_lock("rt", err, sizeof err)) >= 0);
	assert_int_equal(oauth2_file_read(fd, "rt", &tok, err, sizeof err), 0);
	assert_string_equal(tok, "rt-Refresh-1");
	oauth2_free(&tok);

	/* Replaced while locked: a new file, mode 600, nothing beside. */
	assert_int_equal(oauth2_file_replace("rt", "rt-Refresh-2", err,
	    sizeof err), 0);
	assert_int_equal(stat("rt", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 13);
	/* The lock follows the new file. */
	assert_true((fd2 = oauth2_file_lock("rt", err, sizeof err)) >= 0);
	assert_int_equal(oauth2_file_read(fd2, "rt", &tok, err, sizeof err),
	    0);
	assert_string_equal(tok, "rt-Refresh-2");
	oauth2_free(&tok);
	close(fd2);
	close(fd);

	/* What read refuses. */
	write_file("rt", "rt-Refresh-1\n", 0604);
	fd = oauth2_file_lock("rt", err, sizeof err);
	assert_int_equal(oauth2_file_read(fd, "rt", &tok, err, sizeof err),
	    -1);
	assert_string_equal(err, "oauth2: rt is readable by others; chmod 600 "
	    "it");
	close(fd);
	write_file("rt", "\n", 0600);
	fd = oauth2_file_lock("rt", err, sizeof err);
	assert_int_equal(oauth2_file_read(fd, "rt", &tok, err, sizeof err),
	    -1);
	assert_string_equal(err, "oauth2: rt: first line is empty");
	close(fd);
	write_file("rt", "two words\n", 0600);
	fd = oauth2_file_lock("rt", err, sizeof err);
	assert_int_equal(oauth2_file_read(fd, "rt", &tok, err, sizeof err),
	    -1);
	close(fd);
	assert_null(tok);
	unlink("rt");
	assert_int_equal(oauth2_file_lock("rt", err, sizeof err), -1);
	assert_string_equal(err, "oauth2: cannot open the refresh token file "
	    "rt: No such file or directory");
	/* A directory that does not exist cannot take the new file. */
	assert_int_equal(oauth2_file_replace("nodir/rt", "x", err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "cannot create a file beside nodir/rt"));
}

/* ---- oauth2_token without an endpoint -------------------------------- */

static void
test_token_unreachable(void **state)
{
	struct config *cfg;
	char err[512], *tok = (char *)"x";
	int fresh = 7;

	write_file("rt", "rt-Refresh-1\n", 0600);
	/* Port 1 on the loopback: nobody listens there. */
	cfg = load_text(BASE "auth = xoauth2\n[oauth2]\n"
	    "token_url = https://127.0.0.1:1/token\nclient_id = c\n"
	    "refresh_token_file = rt\ntimeout = 5\n");
	assert_int_equal(oauth2_token(cfg, 0, &tok, &fresh, err, sizeof err),
	    OAUTH2_TEMP);
	assert_null(tok);
	assert_int_equal(fresh, 0);
	assert_non_null(strstr(err, "oauth2: cannot ask "
	    "https://127.0.0.1:1/token: "));
	/* The refresh token was read but not touched. */
	assert_null(strstr(err, "rt-Refresh"));
	cfg_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_sasl),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_error_text),
	};
	const struct CMUnitTest tmp[] = {
		cmocka_unit_test(test_cfg_good),
		cmocka_unit_test(test_cfg_errors),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_token_unreachable),
	};
	int failed;

	failed = cmocka_run_group_tests_name("oauth2", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("oauth2 files", tmp,
	    enter_tmpdir, leave_tmpdir);
	return failed != 0;
}
