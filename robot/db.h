/* db: the robot's SQLite database: open, schema version and migrations,
 * transactions, prepared statements.
 *
 * WAL mode, foreign keys on, a busy timeout so a second reader waits
 * instead of failing.  The schema is a list of migrations in db.c, applied
 * in order on open inside one transaction each; `schema_version` records
 * how far a file has come.  Statements are prepared once per connection
 * and reused (db_stmt), so hot paths never re-parse SQL.  Every value from
 * mail goes in through bound parameters, never through SQL text. */
#ifndef ROBOT_DB_H
#define ROBOT_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Opens (creating if needed, mode 600) and migrates the database at path,
 * first making its files private (0600) if they were not.  Returns 0 and
 * a handle (db_close it), or -1 with one line in err. */
int db_open(const char *path, sqlite3 **db_r, char *err, size_t errlen);
void db_close(sqlite3 **db);

/* The schema version the code knows; db_open brings every file to it. */
int db_schema_version(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  0 or -1 (logged).  The write
 * transactions of the process's connections take turns, first come first
 * served (the write turn in db.c): db_begin waits while another thread's
 * transaction runs, and the end of one hands the turn to a waiting
 * thread before its own thread may begin again. */
int db_begin(sqlite3 *db);
int db_commit(sqlite3 *db);
int db_rollback(sqlite3 *db);
/* How many threads wait in db_begin for the turn (for the tests). */
int db_turn_waiters(void);

/* Runs SQL without results.  0 or -1 (logged with the SQLite message). */
int db_exec(sqlite3 *db, const char *sql);

/* A prepared statement for sql, cached on the connection by the address of
 * sql (pass string literals), reset and with bindings cleared.  Borrowed:
 * do not finalize.  NULL (logged) when SQLite refuses the SQL. */
sqlite3_stmt *db_stmt(sqlite3 *db, const char *sql);

/* Steps a statement that returns no row, then resets it.  0, or -1 with
 * "database: WHAT: message" logged. */
int db_done(sqlite3 *db, sqlite3_stmt *st, const char *what);

/* Binds a text or NULL (for s == NULL). */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);

/* A copy of column i as a string (NULL for SQL NULL).  Caller frees. */
char *db_col_strdup(sqlite3_stmt *st, int i);

/* The one integer result of a query with optional text parameter p1, or
 * dflt when it returns no row. */
int64_t db_int(sqlite3 *db, const char *sql, const char *p1, int64_t dflt);

/* The SQLite error message of the last failing call: SQLite's own
 * (valid until the next call on db) or a constant string; never a buffer
 * that another call overwrites. */
const char *db_errmsg(sqlite3 *db);

#endif
