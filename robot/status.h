/* status: the `status` and `case` commands: where every request and case
 * stands, as a table for people or as JSON for tools. */
#ifndef ROBOT_STATUS_H
#define ROBOT_STATUS_H

#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

#include "cfg.h"

/* What status_print prints. */
#define STATUS_JSON	0x1	/* one JSON object (see the README), not the
				 * table */
#define STATUS_UNMASKED	0x2	/* T.C. Kimlik Nos in full */

/* Prints the table, or one JSON object.  Unless STATUS_UNMASKED, every
 * 11-digit run of the output is masked (tckn_mask_text), wherever it
 * stands: a number in a subject or a reason as much as a case's own.
 * Returns 0, or -1 when the output could not be made. */
int status_print(sqlite3 *db, const struct config *cfg, time_t now,
    int flags, FILE *f);
/* Prints one case's history; key is a case tag, a T.C. Kimlik No or an
 * e-mail address.  Every 11-digit run of the output is masked.  Returns
 * 0, or -1 when no case matches (said on stderr). */
int status_print_case(sqlite3 *db, const char *key, FILE *f);

/* Writes s as a JSON string literal (NULL as null). */
void status_json_str(FILE *f, const char *s);
/* Writes s left-aligned in a column of width characters (UTF-8 aware). */
void status_pad(FILE *f, const char *s, int width);

#endif
