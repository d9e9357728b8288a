/* mail: every kind of mail the robot writes, and its rendering.
 *
 * The one list of kinds (a template file each: remind_*.tmpl,
 * escalate_*.tmpl, ack_unit_head.tmpl, digest.tmpl, ...) with the
 * variables each may use, so that `templates check` finds a typo in a
 * branch rarely taken before a reminder on a Monday morning does.  Those
 * who write mail fill the variables (remind.h, digest.h, the pipeline's
 * acknowledgement, the outbox's notice of its daily cap) and render them
 * here; the outbox (outbox.h) queues and sends.  Keep the list in step
 * with templates/README.md. */
#ifndef ROBOT_MAIL_H
#define ROBOT_MAIL_H

#include <stddef.h>

#include "tmpl.h"

/* The known kinds, NULL-terminated.  Static. */
const char *const *mail_kinds(void);
/* The variables of a kind, space separated, list fields written
 * "list.field"; NULL for an unknown kind.  Static string. */
const char *mail_kind_vars(const char *kind);

/* Renders kind from the templates of dir ("templates" when NULL),
 * checked against the kind's variables (tmpl_render).  0, or -1 with the
 * problem in err. */
int mail_render(const char *dir, const char *kind, const struct tmpl_vars *v,
    char **subject_r, char **text_r, char **html_r, char *err,
    size_t errlen);

/* Checks every template of dir: each known kind must be present and pass
 * tmpl_check_file, and no other "*.tmpl" file may be there.  Returns 0,
 * or -1 with every problem found, one per line, in err (as much as fits). */
int mail_check_dir(const char *dir, char *err, size_t errlen);

#endif
