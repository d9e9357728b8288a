/* smtp_probe: composes one Turkish test message (or renders a template)
 * and sends it with smtp_send_on, for tests/e2e/test_smtp.sh.
 *
 * usage: smtp_probe [-H] [-c ca_file] [-t starttls|none|imaps] [-u user]
 *	      [-s subject] [-m message-id] [-k kind -d templates_dir]
 *	      [-n times] [-C cc]... -f from url to...
 *
 * -n sends the message that many times over one connection (smtp_open),
 * the result printed for each.
 *
 * The password comes from the environment (PROBE_PASSWORD), never from
 * the command line.  Prints the result (OK, TEMP, PERM, CONFIG) on stdout
 * and smtp_send_on's text on stderr; exits 0 for OK, 1 otherwise, 2 on
 * usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "compose.h"
#include "mail.h"
#include "mem.h"
#include "smtp.h"
#include "tmpl.h"

#define MAXADDR	16

static void
usage(void)
{
	fprintf(stderr, "usage: smtp_probe [-H] [-c ca_file] "
	    "[-t starttls|none|imaps] [-u user] [-s subject] [-m msgid]\n"
	    "\t[-k kind -d templates_dir] [-n times] [-C cc]... -f from url "
	    "to...\n");
	exit(2);
}

static struct tmpl_vars *
sample_vars(void)
{
	struct tmpl_vars *v = tmpl_vars_new(), *r;

	tmpl_set(v, "case_tag", "NES-2026-0042");
	tmpl_set(v, "name", "Ayşe Yılmaz");
	tmpl_set(v, "recipient_name", "Ayşe Yılmaz");
	tmpl_set(v, "unit", "Mühendislik Fakültesi");
	tmpl_set(v, "step_label", "Başvuru dolduruldu");
	tmpl_set(v, "since", "01.12.2026");
	tmpl_set(v, "days", "4");
	tmpl_set(v, "reminder_no", "1");
	tmpl_set(v, "max_reminders", "3");
	tmpl_set(v, "tckn_masked", "100******46");
	tmpl_set(v, "ticket", "48213");
	tmpl_set(v, "today", "07.12.2026");
	tmpl_set(v, "bidb_address", "bidb@example.edu.tr");
	tmpl_set(v, "robot_address", "robot@example.edu.tr");
	tmpl_set(v, "form_source", "NES.xlsx");
	r = tmpl_list_add(v, "people");
	tmpl_set(r, "name", "Ayşe Yılmaz");
	tmpl_set(r, "tckn_masked", "100******46");
	tmpl_set(r, "case_tag", "NES-2026-0042");
	r = tmpl_list_add(v, "problems");
	tmpl_set(r, "row", "4");
	tmpl_set(r, "text", "T.C. Kimlik No 123******01 geçersiz <kontrol>");
	return v;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct compose_msg m;
	struct compose_addr to[MAXADDR], cc[MAXADDR];
	const char *rcpts[2 * MAXADDR];
	const char *from = NULL, *kind = NULL, *dir = "templates";
	const char *names[] = { "OK", "TEMP", "PERM", "CONFIG" };
	struct tmpl_vars *v = NULL;
	struct smtp *conn;
	char *msg = NULL, *subj = NULL, *text = NULL, *html = NULL;
	char err[1024], mid[128];
	size_t len, nto = 0, ncc = 0, nr = 0, i;
	int ch, want_html = 0, rc = SMTP_OK, r, times = 1;

	memset(&cfg, 0, sizeof(cfg));
	memset(&m, 0, sizeof(m));
	cfg.smtp.tls = CFG_TLS_NONE;
	snprintf(mid, sizeof(mid), "probe.%ld.%d@example.edu.tr",
	    (long)time(NULL), (int)getpid());
	m.message_id = mid;
	m.subject = "[NES-2026-0042] NES yenileme: deneme iletisi";
	while ((ch = getopt(argc, argv, "Hc:t:u:s:m:k:d:n:C:f:")) != -1) {
		switch (ch) {
		case 'H':
			want_html = 1;
			break;
		case 'c':
			cfg.smtp.ca_file = optarg;
			break;
		case 't':
			if (strcmp(optarg, "starttls") == 0)
				cfg.smtp.tls = CFG_TLS_STARTTLS;
			else if (strcmp(optarg, "none") == 0)
				cfg.smtp.tls = CFG_TLS_NONE;
			else if (strcmp(optarg, "imaps") == 0)
				cfg.smtp.tls = CFG_TLS_IMAPS;
			else
				usage();
			break;
		case 'u':
			cfg.smtp.user = optarg;
			cfg.smtp.password = getenv("PROBE_PASSWORD");
			break;
		case 's':
			m.subject = optarg;
			break;
		case 'm':
			m.message_id = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'n':
			if ((times = atoi(optarg)) < 1)
				usage();
			break;
		case 'C':
			if (ncc == MAXADDR)
				usage();
			cc[ncc].name = NULL;
			cc[ncc++].addr = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (from == NULL || argc < 2 || argc - 1 > MAXADDR)
		usage();
	cfg.smtp.url = argv[0];
	for (i = 1; i < (size_t)argc; i++) {
		to[nto].name = i == 1 ? "Ayşe Yılmaz" : NULL;
		to[nto++].addr = argv[i];
	}

	m.from.name = "BİDB NES Takip Robotu";
	m.from.addr = from;
	m.to = to;
	m.nto = nto;
	m.cc = cc;
	m.ncc = ncc;
	m.date = time(NULL);
	if (kind != NULL) {
		v = sample_vars();
		if (mail_render(dir, kind, v, &subj, &text, &html, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		m.subject = subj;
		m.text = text;
		m.html = html;
	} else {
		m.text = "Sayın Ayşe Yılmaz,\n\nBu bir deneme iletisidir: "
		    "ığüşöç İĞÜŞÖÇ.\n.\nNokta ile başlayan satır yukarıda.\n";
		if (want_html)
			m.html = "<p>Sayın <b>Ayşe Yılmaz</b>,</p>\n"
			    "<p>Bu bir deneme iletisidir: ığüşöç İĞÜŞÖÇ.</p>\n";
	}
	if (compose_build(&m, &msg, &len, err, sizeof(err)) == -1) {
		fprintf(stderr, "compose: %s\n", err);
		return 1;
	}
	for (i = 0; i < nto; i++)
		rcpts[nr++] = to[i].addr;
	for (i = 0; i < ncc; i++)
		rcpts[nr++] = cc[i].addr;
	conn = smtp_open(&cfg);
	for (int t = 0; t < times; t++) {
		r = smtp_send_on(conn, from, rcpts, nr, msg, len, err,
		    sizeof(err));
		printf("%s\n", names[-r]);
		fprintf(stderr, "%s\n", err);
		if (r != SMTP_OK)
			rc = r;
	}
	smtp_close(&conn);
	free(msg);
	free(subj);
	free(text);
	free(html);
	tmpl_vars_free(&v);
	return rc == SMTP_OK ? 0 : 1;
}
