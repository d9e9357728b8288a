/* Shared bits of the libFuzzer targets of tests/fuzz/.
 *
 * Each target is one LLVMFuzzerTestOneInput over one module's entry point;
 * `make fuzz` builds them with -fsanitize=fuzzer,address,undefined and
 * tests/fuzz/run drives them.  Targets run from the top of the tree. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of len bytes; caller frees. */
static inline char *
fuzz_str(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		abort();
	if (len > 0)
		memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* Reads every byte of a NUL-terminated result, so a string that runs
 * past its allocation is caught by ASan where it was made. */
static inline size_t
fuzz_touch(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* Warnings about hostile input are expected by the thousand. */
static inline void
fuzz_quiet(void)
{
	log_init(LOG_LVL_ERR, 0);
}

#endif
