/* fuzz_html: html_to_text on arbitrary bytes. */
#include "fuzz.h"
#include "html.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t;

	t = html_to_text((const char *)data, size);
	if (t == NULL)
		abort();	/* the contract says never NULL */
	(void)fuzz_touch(t);
	free(t);
	return 0;
}
