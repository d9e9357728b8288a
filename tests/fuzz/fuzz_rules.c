/* fuzz_rules: rules_eval with the shipped rules (rules/, or the directory
 * named by FUZZ_RULES_DIR) over a message built from the input.
 *
 * The first byte chooses how: even, the rest is parsed by mime_parse; odd,
 * the rest is cut at NUL bytes straight into subject, From, To, Cc, an
 * attachment name, a header value and the body, so the rules see text
 * that no MIME decoding has tidied (invalid UTF-8, controls, huge runs).
 * The second byte is the sender's role bits; its top bit asks for the
 * explanation. */
#include <stdio.h>

#include "fuzz.h"
#include "mime.h"
#include "rules.h"
#include "mem.h"

static struct rule_set *rs;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FUZZ_RULES_DIR");
	char err[512];

	fuzz_quiet();
	if (rules_load(dir != NULL ? dir : "rules", &rs, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_rules: %s\n", err);
		exit(1);
	}
	return 0;
}

/* The next NUL-separated field of [*p, end), copied. */
static char *
field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *z = memchr(*p, '\0', (size_t)(end - *p));
	char *s;

	if (z == NULL)
		z = end;
	s = fuzz_str(*p, (size_t)(z - *p));
	*p = z < end ? z + 1 : end;
	return s;
}

static struct mime_msg *
build(const uint8_t *p, const uint8_t *end)
{
	struct mime_msg *m = xcalloc(1, sizeof(*m));

	m->subject = field(&p, end);
	m->from_addr = field(&p, end);
	m->from = xstrdup(m->from_addr);
	m->to = field(&p, end);
	m->to_addrs = xstrdup(m->to);
	m->cc = field(&p, end);
	m->att = xcalloc(1, sizeof(*m->att));
	m->natt = 1;
	m->att[0].name = field(&p, end);
	m->att[0].type = xstrdup("application/octet-stream");
	m->headers = xcalloc(1, sizeof(*m->headers));
	m->nheaders = 1;
	m->headers[0].name = xstrdup("X-Fuzz");
	m->headers[0].value = field(&p, end);
	m->text = field(&p, end);
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_msg *msg = NULL;
	struct rule_result res;
	const char *errstr;
	size_t i;

	if (size < 2)
		return 0;
	if (data[0] % 2 == 0) {
		if (mime_parse((const char *)data + 2, size - 2, &msg,
		    &errstr) != 0)
			return 0;
	} else
		msg = build(data + 2, data + size);

	memset(&res, 0, sizeof(res));
	(void)rules_eval(rs, msg, data[1] & 0x7f, data[1] >> 7, &res);
	(void)fuzz_touch(res.rule_name);
	(void)fuzz_touch(res.step);
	for (i = 0; i < res.ncaps; i++) {
		(void)fuzz_touch(res.caps[i].name);
		(void)fuzz_touch(res.caps[i].value);
	}
	rules_result_free(&res);
	mime_free(&msg);
	return 0;
}
