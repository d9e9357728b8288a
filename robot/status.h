/* status: the `status` and `case` commands: where every request and case
 * stands, as a table for people or as JSON for tools. */
#ifndef ROBOT_STATUS_H
#define ROBOT_STATUS_H

#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

#include "cfg.h"

/* Prints the table, or with json one JSON object (see the README). */
int status_print(sqlite3 *db, const struct config *cfg, time_t now,
    int json, FILE *f);
/* Prints one case's history; key is a case tag, a T.C. Kimlik No or an
 * e-mail address.  Returns 0, or -1 when no case matches (said on
 * stderr). */
int status_print_case(sqlite3 *db, const char *key, FILE *f);

/* Writes s as a JSON string literal (NULL as null). */
void status_json_str(FILE *f, const char *s);
/* Writes s left-aligned in a column of width characters (UTF-8 aware). */
void status_pad(FILE *f, const char *s, int width);

#endif
