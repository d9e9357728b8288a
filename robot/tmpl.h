/* tmpl: the mail templates of templates/ -> subject, text and HTML body.
 *
 * A template file is a header section, then the bodies:
 *
 *	{{! a comment }}
 *	Subject: [{{case_tag}}] NES yenileme: başvurunuz bekleniyor
 *	---- text
 *	Sayın {{name}},
 *	...
 *	---- html			(optional)
 *	<p>Sayın {{name}},</p>
 *
 * The header section holds one "Subject:" line (required), blank lines and
 * comments.  In every section:
 *
 *	{{name}}			the value of a variable
 *	{{#if name}}...{{else}}...{{/if}}
 *					true when name is set, non-empty and
 *					not "0", or a list with rows
 *	{{#each list}}...{{/each}}	once per row of a list; inside, {{x}}
 *					is the row's field x if the row has
 *					one, else the outer variable x
 *	{{! comment }}			dropped
 *
 * A block tag or comment alone on its line takes the whole line with it,
 * so blocks do not leave blank lines behind.
 *
 * Values go in verbatim in the text body, HTML-escaped in the html body,
 * and with every control character (CR, LF, TAB, ...) replaced by a space
 * in the subject, so no value can ever add a header line.
 *
 * The caller names the variables a template may use (mail.c keeps the set
 * of each kind of mail, listed in templates/README.md).  Parsing fails on
 * an unknown variable name, an unclosed or mismatched tag, or a list used
 * as a value (and the reverse); rendering also fails on a plain variable
 * that the caller did not set.  Errors read "FILE:LINE: problem". */
#ifndef ROBOT_TMPL_H
#define ROBOT_TMPL_H

#include <stddef.h>

/* A set of variables: name -> string value, or name -> list of rows, each
 * row a set of variables itself. */
struct tmpl_vars;

/* A new, empty set (never NULL); tmpl_vars_free releases it and its rows
 * and sets *v to NULL. */
struct tmpl_vars *tmpl_vars_new(void);
void tmpl_vars_free(struct tmpl_vars **v);

/* Sets name to a copy of value (replacing any earlier value or list).
 * A NULL value unsets name. */
void tmpl_set(struct tmpl_vars *v, const char *name, const char *value);
void tmpl_setf(struct tmpl_vars *v, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tmpl_set_int(struct tmpl_vars *v, const char *name, long n);

/* Appends a new, empty row to the list called name (creating the list,
 * or replacing a plain value of that name) and returns it.  The row is
 * owned by v: fill it with tmpl_set, do not free it. */
struct tmpl_vars *tmpl_list_add(struct tmpl_vars *v, const char *name);

/* Renders DIR/KIND (kind is a file name such as "digest.tmpl"); every
 * name the template uses must be in vars (space separated, list fields
 * written "list.field"; NULL checks none).  The kinds and their
 * variables are mail.h's.  Returns 0 and, owned by the caller, the
 * subject (one line, never NULL), the text body (LF line ends, ends with
 * a newline, never NULL) and the HTML body (NULL when the template has
 * none); or -1 with "FILE:LINE: problem" in err, and nothing to free. */
int tmpl_render(const char *dir, const char *kind, const char *vars,
    const struct tmpl_vars *v, char **subject_r, char **text_r,
    char **html_r, char *err, size_t errlen);

/* The same over a template held in memory; name is used in error
 * messages.  For tests. */
int tmpl_render_mem(const char *name, const char *vars, const char *src,
    size_t len, const struct tmpl_vars *v, char **subject_r, char **text_r,
    char **html_r, char *err, size_t errlen);

/* Parses one template file and checks every name it uses against vars.
 * Returns 0 or -1 with "FILE:LINE: problem". */
int tmpl_check_file(const char *path, const char *vars, char *err,
    size_t errlen);

#endif
