/* status: the `status` and `case` commands: where every request and case
 * stands, as a table for people, JSON for tools or CSV for a spreadsheet,
 * narrowed by unit, step or lateness. */
#ifndef ROBOT_STATUS_H
#define ROBOT_STATUS_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cases.h"
#include "cfg.h"

/* What to list and how. */
struct status_opts {
	int		 json;		/* one JSON object (see the README) */
	int		 csv;		/* RFC 4180, UTF-8 with a BOM */
	int		 unmasked;	/* T.C. Kimlik Nos in full (--unmasked);
					 * else every 11-digit run of the output
					 * is masked (tckn_mask_text), wherever
					 * it stands */
	char		*unit_key;	/* unit_key() of --unit, or NULL */
	enum case_step	 step;		/* --step, or STEP_NONE */
	int		 overdue;	/* --overdue */
};

/* Prints the listing o asks for.  With a filter (unit, step, overdue)
 * only the cases it keeps, the requests that hold one of them (a request
 * without cases by its own unit and step), and no unplaced mail, which
 * belongs to no unit or step.  Returns 0, or -1 on a write error. */
int status_print(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, FILE *f);
/* Prints one case's history (kind, step, what, and for a correction who
 * and why), every 11-digit run masked.  Returns 0, or -1 when there is no
 * such case. */
int status_print_case(sqlite3 *db, int64_t id, FILE *f);
/* One line naming a case: tag, name, masked T.C. Kimlik No, address,
 * unit, ticket, and how it stands (a list of cases to choose from). */
void status_case_line(sqlite3 *db, int64_t id, FILE *f);

/* 1 when a filter is set. */
int status_filtered(const struct status_opts *o);
/* 1 when the case id (0: a request without cases), of unit (as written)
 * at step (a key), passes o's filter. */
int status_case_shown(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, int64_t id, const char *unit,
    const char *step);
/* How a case stands in one word: "open", "paused", "closed", or how it
 * was closed ("cancelled", "left", "merged"). */
const char *status_state(const char *step, const char *closed_as,
    int paused);
/* A T.C. Kimlik No as o shows it: masked unless o->unmasked. */
void status_tckn(const struct status_opts *o, const char *t, char out[12]);

/* The cases query both listings read: id, tag, ticket, unit, name, tckn,
 * email, step, approval, updated_t, step_t, bounced, closed_as, the
 * merged-into tag, paused_t. */
extern const char status_cases_sql[];
/* remind_case_overdue of the case on a row of it, from the row. */
int status_row_overdue(const struct config *cfg, time_t now,
    sqlite3_stmt *st);

/* The CSV listing of the cases (status_csv.c): one row per case, every
 * field quoted where RFC 4180 needs it, CRLF line ends, a UTF-8 byte
 * order mark first so that Excel reads the Turkish letters right. */
int status_csv(sqlite3 *db, const struct config *cfg, time_t now,
    const struct status_opts *o, FILE *f);
/* Writes one CSV field.  A text a spreadsheet would take for a formula
 * (starting with = + - @, a tab or a CR: mail is written by anyone) gets
 * a leading apostrophe. */
void status_csv_field(FILE *f, const char *s);

/* Writes s as a JSON string literal (NULL as null). */
void status_json_str(FILE *f, const char *s);
/* Writes s left-aligned in a column of width characters (UTF-8 aware). */
void status_pad(FILE *f, const char *s, int width);

#endif
