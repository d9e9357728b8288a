/* imap_probe: drives robot/imap.c alone, for tests/e2e/test_imap_tls.sh.
 *
 *	imap_probe [-d] [-b batch] [-c ca_file] [-f folder] [-i idle_secs]
 *	    [-s first_uid] [-t imaps|starttls|none] [-x stop_after]
 *	    host port user
 *
 * The password comes from the environment (PROBE_PASSWORD), so it is in
 * no argument list.  Prints one line per message on stdout:
 * "UID SIZE SUBJECT" (the Subject header's first line), then with -i
 * "idle N" (1: new mail, 0: timeout).  Errors go to stderr as one line;
 * exit 0 on success, 1 on failure, 2 on usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cfg.h"
#include "imap.h"
#include "log.h"

/* Used only until robot/cfg.c is linked in; the real one wins. */
__attribute__((weak)) int
cfg_is_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "localhost") == 0;
}

struct probe {
	int	 count;
	int	 stop_after;
};

static void
print_subject(const char *data, size_t len)
{
	size_t i = 0, e;

	while (i < len) {
		for (e = i; e < len && data[e] != '\n'; e++)
			;
		if (e == i || (e == i + 1 && data[i] == '\r'))
			break;		/* end of the header */
		if (e - i >= 8 && strncasecmp(data + i, "Subject:", 8) == 0) {
			i += 8;
			while (i < e && (data[i] == ' ' || data[i] == '\t'))
				i++;
			if (e > i && data[e - 1] == '\r')
				e--;
			fwrite(data + i, 1, e - i, stdout);
			return;
		}
		i = e + 1;
	}
}

static int
on_msg(void *ctx, uint32_t uid, const char *data, size_t len,
    time_t internaldate)
{
	struct probe *p = ctx;

	printf("%u %zu ", uid, len);
	print_subject(data, len);
	putchar('\n');
	fflush(stdout);
	if (internaldate == (time_t)-1)
		fprintf(stderr, "imap_probe: no INTERNALDATE for %u\n", uid);
	p->count++;
	return p->stop_after > 0 && p->count >= p->stop_after ? -1 : 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: imap_probe [-d] [-b batch] [-c ca_file] "
	    "[-f folder] [-i idle_secs] [-s first_uid] "
	    "[-t imaps|starttls|none] [-x stop_after] host port user\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct imap *imap = NULL;
	struct probe p = { 0, 0 };
	const char *folder = "INBOX";
	char err[512], *end;
	uint32_t uidvalidity, uidnext, first = 1;
	int ch, r, idle = -1, rc = 1;

	memset(&cfg, 0, sizeof cfg);
	cfg.imap.tls = CFG_TLS_IMAPS;
	cfg.imap.batch = 500;
	cfg.imap.timeout = 20;
	while ((ch = getopt(argc, argv, "b:c:df:i:s:t:x:")) != -1) {
		switch (ch) {
		case 'b':
			cfg.imap.batch = (int)strtol(optarg, NULL, 10);
			break;
		case 'c':
			cfg.imap.ca_file = optarg;
			break;
		case 'd':
			log_init(LOG_LVL_DEBUG, 0);
			break;
		case 'f':
			folder = optarg;
			break;
		case 'i':
			idle = (int)strtol(optarg, NULL, 10);
			break;
		case 's':
			first = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 't':
			if (strcmp(optarg, "imaps") == 0)
				cfg.imap.tls = CFG_TLS_IMAPS;
			else if (strcmp(optarg, "starttls") == 0)
				cfg.imap.tls = CFG_TLS_STARTTLS;
			else if (strcmp(optarg, "none") == 0)
				cfg.imap.tls = CFG_TLS_NONE;
			else
				usage();
			break;
		case 'x':
			p.stop_after = (int)strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	cfg.imap.host = argv[0];
	cfg.imap.port = (int)strtol(argv[1], &end, 10);
	if (*end != '\0')
		usage();
	cfg.imap.user = argv[2];
	cfg.imap.password = getenv("PROBE_PASSWORD");

	if (imap_connect(&cfg, &imap, err, sizeof err) != IMAP_OK)
		goto fail;
	if (imap_examine(imap, folder, &uidvalidity, &uidnext, err,
	    sizeof err) != IMAP_OK)
		goto fail;
	r = imap_fetch(imap, first, cfg.imap.batch, on_msg, &p, err,
	    sizeof err);
	if (r != IMAP_OK)
		goto fail;
	if (idle >= 0) {
		r = imap_idle(imap, idle, err, sizeof err);
		if (r < 0)
			goto fail;
		printf("idle %d\n", r);
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "imap_probe: %s\n", err);
out:
	imap_close(&imap);
	return rc;
}
