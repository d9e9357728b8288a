/* rulebench: the rule engine alone, without I/O.
 *
 *	rulebench CONFIG MAILDIR
 *
 * Decodes every message file of MAILDIR/cur once (as the poller does),
 * then times trust_roles + rules_eval over all of them in memory, five
 * times, and prints the median pass as "rules: N messages, S s,
 * R messages/s, M matched".  The decoding is not timed: it is part of the
 * poll's figures. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cfg.h"
#include "log.h"
#include "mem.h"
#include "mime.h"
#include "rules.h"
#include "trust.h"

#define PASSES	5

static int
cmp_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
slurp(const char *path, size_t *len_r)
{
	struct buf b = BUF_INIT;

	if (buf_read_file(&b, path) == -1) {
		buf_free(&b);
		return NULL;
	}
	*len_r = b.len;
	return buf_steal(&b);
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct config *cfg = NULL;
	struct rule_set *rs = NULL;
	struct mime_msg **msgs = NULL;
	unsigned *roles = NULL;
	char **names = NULL, err[1024], path[4096];
	size_t nnames = 0, cap = 0, nmsgs = 0, matched = 0;
	struct dirent *de;
	DIR *d;
	double t0, t, times[PASSES];
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: rulebench CONFIG MAILDIR\n");
		return 2;
	}
	log_init(LOG_LVL_ERR, 0);
	if (cfg_load(argv[1], &cfg, err, sizeof err) == -1 ||
	    rules_load(cfg->robot.rules_dir, &rs, err, sizeof err) == -1) {
		fprintf(stderr, "rulebench: %s\n", err);
		goto out;
	}
	snprintf(path, sizeof path, "%s/cur", argv[2]);
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "rulebench: cannot open %s\n", path);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (nnames == cap) {
			cap = cap ? cap * 2 : 1024;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof *names, cmp_names);
	msgs = xcalloc(nnames ? nnames : 1, sizeof *msgs);
	roles = xcalloc(nnames ? nnames : 1, sizeof *roles);
	for (size_t i = 0; i < nnames; i++) {
		struct mime_msg *m;
		size_t len;
		char *raw;

		snprintf(path, sizeof path, "%s/cur/%s", argv[2], names[i]);
		if ((raw = slurp(path, &len)) == NULL)
			continue;
		m = mime_decode(raw, len, cfg->limits.max_message);
		free(raw);
		if (m == NULL)
			continue;
		/* Attachment bytes are not matched: drop them so the
		 * mailbox fits in memory. */
		for (size_t j = 0; j < m->natt; j++) {
			free(m->att[j].data);
			m->att[j].data = NULL;
			m->att[j].len = 0;
		}
		msgs[nmsgs++] = m;
	}
	/* Several passes over the same messages, the median shown: one
	 * pass is short enough for a neighbour's burst to skew it. */
	for (int pass = 0; pass < PASSES; pass++) {
		t0 = seconds();
		matched = 0;
		for (size_t i = 0; i < nmsgs; i++) {
			struct rule_result res;

			memset(&res, 0, sizeof res);
			roles[i] = trust_roles(cfg, msgs[i], NULL, 0);
			rules_eval(rs, msgs[i], roles[i], 0, &res);
			if (res.rule)
				matched++;
			rules_result_free(&res);
		}
		times[pass] = seconds() - t0;
	}
	qsort(times, PASSES, sizeof times[0], cmp_doubles);
	t = times[PASSES / 2];
	printf("rules: %zu messages, %.3f s, %.0f messages/s, %zu matched "
	    "(median of %d passes)\n", nmsgs, t,
	    t > 0 ? (double)nmsgs / t : 0.0, matched, PASSES);
	rc = 0;
out:
	for (size_t i = 0; i < nmsgs; i++)
		mime_free(&msgs[i]);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(msgs);
	free(roles);
	rules_free(&rs);
	cfg_free(&cfg);
	return rc;
}
