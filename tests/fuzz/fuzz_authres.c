/* fuzz_authres: authres_parse on the input, then trust_roles on a message
 * whose headers are the input's lines ("Name: value"), as a stamp, a
 * Received and the sender's own lines would come.
 *
 * The first byte chooses the From (BİDB, a member, Kamu SM, an outsider)
 * and the rest is the text: the same bytes are read once as one
 * Authentication-Results value and once as a header block, so a seed
 * that is a message's header block exercises both. */
#include "authres.h"
#include "fuzz.h"
#include "mem.h"
#include "trust.h"

static char *ids[] = { "mx.example.edu.tr", "smtp.example.edu.tr", NULL };
static char *kamusm[] = { "kamusm.gov.tr", "kamusm.bilgem.tubitak.gov.tr",
	NULL };
static const char *const froms[] = { "bidb@example.edu.tr",
	"ayse.yilmaz@example.edu.tr", "bilgi@kamusm.gov.tr",
	"someone@evil.example" };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

/* The lines of s as headers of m (s is cut in place). */
static void
headers(char *s, struct mime_msg *m)
{
	char *line, *colon, *nl;

	for (line = s; line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		m->headers = xrealloc(m->headers, (m->nheaders + 1) *
		    sizeof *m->headers);
		m->headers[m->nheaders].name = xstrdup(line);
		m->headers[m->nheaders].value = xstrdup(colon + 1 +
		    (colon[1] == ' '));
		m->nheaders++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct mime_msg m;
	struct authres ar;
	char why[TRUST_WHY_MAX];
	char *s;

	if (size < 1)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	if (authres_parse(s, &ar) == 0) {
		(void)fuzz_touch(ar.authserv_id);
		for (size_t i = 0; i < ar.nres; i++) {
			(void)fuzz_touch(ar.res[i].method);
			(void)fuzz_touch(ar.res[i].result);
			(void)fuzz_touch(ar.res[i].reason);
			for (size_t k = 0; k < ar.res[i].nprops; k++)
				(void)fuzz_touch(ar.res[i].props[k].value);
		}
	}
	authres_free(&ar);

	memset(&cfg, 0, sizeof cfg);
	cfg.institution.domain = "example.edu.tr";
	cfg.institution.bidb = "bidb@example.edu.tr";
	cfg.institution.authserv_id = ids;
	cfg.institution.nauthserv_id = 2;
	cfg.kamusm.domains = kamusm;
	cfg.kamusm.ndomains = 2;
	memset(&m, 0, sizeof m);
	m.from_addr = (char *)froms[data[0] % 4];
	headers(s, &m);
	(void)trust_roles(&cfg, &m, why, sizeof why);
	(void)fuzz_touch(why);
	for (size_t i = 0; i < m.nheaders; i++) {
		free(m.headers[i].name);
		free(m.headers[i].value);
	}
	free(m.headers);
	free(s);
	return 0;
}
