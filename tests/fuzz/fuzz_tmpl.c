/* fuzz_tmpl: tmpl_render_mem on arbitrary template source with a fixed
 * set of variables: every variable of every kind, set to values that try
 * to break out (HTML, CR/LF header injection, braces).  The first byte
 * picks the name: a known kind (names checked) or an unknown one (any
 * name parses, unset ones fail at render). */
#include <ctype.h>

#include "fuzz.h"
#include "mail.h"
#include "tmpl.h"

static struct tmpl_vars *vars;

static const char *const hostile[] = {
	"Ayşe <b>Yılmaz</b> & \"Co\"",
	"x\r\nBcc: victim@example.org\r\n\r\nbody",
	"{{name}} {{#if x}}",
	"",
	"0",
};

/* Sets every word of a kind's variable list; "list.field" words add one
 * row with that field to the list. */
static void
set_kind(const char *words)
{
	const char *w = words, *e, *dot;
	char name[128], field[128];
	struct tmpl_vars *row;
	size_t len, k = 0;

	while (*w) {
		while (*w == ' ')
			w++;
		for (e = w; *e && *e != ' '; e++)
			;
		len = (size_t)(e - w);
		if (len == 0 || len >= sizeof(name))
			goto next;
		dot = memchr(w, '.', len);
		if (dot == NULL) {
			memcpy(name, w, len);
			name[len] = '\0';
			tmpl_set(vars, name, hostile[k++ % 5]);
		} else {
			memcpy(name, w, (size_t)(dot - w));
			name[dot - w] = '\0';
			memcpy(field, dot + 1, len - (size_t)(dot - w) - 1);
			field[len - (size_t)(dot - w) - 1] = '\0';
			row = tmpl_list_add(vars, name);
			tmpl_set(row, field, hostile[k++ % 5]);
		}
next:
		w = e;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *const *k;

	fuzz_quiet();
	vars = tmpl_vars_new();
	for (k = mail_kinds(); *k != NULL; k++)
		set_kind(mail_kind_vars(*k));
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *kinds = mail_kinds();
	char *subject = NULL, *text = NULL, *html = NULL, err[512];
	const char *name;
	size_t nk, i;

	if (size < 1)
		return 0;
	for (nk = 0; kinds[nk] != NULL; nk++)
		;
	name = data[0] < nk ? kinds[data[0]] : "fuzz.tmpl";
	if (tmpl_render_mem(name, mail_kind_vars(name), (const char *)data + 1,
	    size - 1, vars, &subject, &text, &html, err, sizeof(err)) == 0) {
		if (subject == NULL || text == NULL)
			abort();	/* never NULL on success */
		/* No value may put a line break into the subject. */
		for (i = 0; subject[i] != '\0'; i++)
			if (subject[i] == '\r' || subject[i] == '\n')
				abort();
		(void)fuzz_touch(text);
		(void)fuzz_touch(html);
		free(subject);
		free(text);
		free(html);
	} else
		(void)fuzz_touch(err);
	return 0;
}
