/* fuzz_cfg: cfg_load on the input written to a temporary file. */
#include <stdio.h>
#include <unistd.h>

#include "cfg.h"
#include "fuzz.h"

static char path[4096];

static void
cleanup(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	fuzz_quiet();
	snprintf(path, sizeof(path), "%s/fuzz_cfg.XXXXXX",
	    dir != NULL ? dir : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	char err[512];
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	err[0] = '\0';
	if (cfg_load(path, &cfg, err, sizeof(err)) == 0) {
		(void)fuzz_touch(cfg->imap.host);
		(void)fuzz_touch(cfg->smtp.url);
		for (size_t i = 0; i < cfg->imap.nfolders; i++)
			(void)fuzz_touch(cfg->imap.folders[i]);
		cfg_free(&cfg);
	} else
		(void)fuzz_touch(err);
	if (cfg != NULL)
		abort();	/* a failed load leaves nothing behind */
	return 0;
}
