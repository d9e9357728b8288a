/* db: SQLite open, migrations, transactions, statement cache; see db.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "mem.h"

/*
 * The migrations, oldest first.  Never edit one that has shipped: add a
 * new one.  Each runs in its own transaction with the version bump.
 */
static const char *const migrations[] = {
	/* 1: the ledger of messages seen, and where each folder stands. */
	"CREATE TABLE folder("
	"  name TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE message("
	"  id INTEGER PRIMARY KEY,"
	"  folder TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  message_id TEXT,"
	"  in_reply_to TEXT,"
	"  refs TEXT,"
	"  date TEXT,"
	"  date_t INTEGER,"
	"  from_hdr TEXT,"
	"  from_addr TEXT,"
	"  to_hdr TEXT,"
	"  cc_hdr TEXT,"
	"  to_addrs TEXT,"
	"  subject TEXT,"
	"  size INTEGER NOT NULL,"
	"  hash TEXT NOT NULL,"
	"  headers TEXT,"		/* decoded, "Name: value\n" each */
	"  body TEXT,"			/* the extracted UTF-8 text */
	"  html TEXT,"
	"  notes TEXT,"			/* what could not be decoded */
	"  outcome TEXT NOT NULL DEFAULT 'recorded',"
	"  reason TEXT,"
	"  duplicate_of INTEGER REFERENCES message(id),"
	"  seen_at TEXT NOT NULL,"
	"  UNIQUE(folder, uidvalidity, uid));"
	"CREATE INDEX message_mid ON message(message_id);"
	"CREATE INDEX message_hash ON message(hash);"
	"CREATE INDEX message_outcome ON message(outcome);"
	"CREATE TABLE attachment("
	"  id INTEGER PRIMARY KEY,"
	"  message INTEGER NOT NULL REFERENCES message(id),"
	"  name TEXT,"
	"  type TEXT,"
	"  size INTEGER NOT NULL,"
	"  data BLOB);"			/* kept for forms only */
	"CREATE INDEX attachment_message ON attachment(message);",

	/* 2: requests, cases and their append-only history. */
	"CREATE TABLE request("
	"  id INTEGER PRIMARY KEY,"
	"  ticket TEXT UNIQUE,"		/* BYS ticket number, or NULL */
	"  unit TEXT,"
	"  requester TEXT,"		/* Talep Eden */
	"  requester_email TEXT,"	/* the unit head who sent the form */
	"  opened_t INTEGER,"		/* ticket seen (mail date) */
	"  form_t INTEGER,"		/* form seen */
	"  thread_id TEXT,"		/* Message-ID to answer in reminders */
	"  created_t INTEGER NOT NULL,"
	"  updated_t INTEGER NOT NULL);"
	"CREATE TABLE cases("
	"  id INTEGER PRIMARY KEY,"
	"  tag TEXT NOT NULL UNIQUE,"	/* NES-2026-0042 */
	"  request INTEGER REFERENCES request(id),"
	"  name TEXT,"
	"  name_key TEXT,"		/* folded for matching */
	"  tckn TEXT,"
	"  email TEXT,"
	"  title TEXT,"
	"  unit TEXT,"
	"  phone TEXT,"
	"  step TEXT NOT NULL,"
	"  step_t INTEGER NOT NULL,"	/* since when at this step */
	"  approval TEXT,"		/* e-onay | e-imza | islak-imza */
	"  bounced TEXT,"		/* last bounce reason, if any */
	"  created_t INTEGER NOT NULL,"
	"  updated_t INTEGER NOT NULL);"
	"CREATE INDEX cases_request ON cases(request);"
	"CREATE INDEX cases_tckn ON cases(tckn);"
	"CREATE INDEX cases_email ON cases(email);"
	"CREATE INDEX cases_name ON cases(name_key);"
	"CREATE TABLE event("
	"  id INTEGER PRIMARY KEY,"
	"  request INTEGER REFERENCES request(id),"
	"  case_id INTEGER REFERENCES cases(id),"
	"  message INTEGER REFERENCES message(id),"
	"  message_id TEXT,"
	"  at_t INTEGER NOT NULL,"	/* when it happened (mail date) */
	"  kind TEXT NOT NULL,"		/* step | reminder | escalation |"
					 * bounce | form_problem | note */
	"  step TEXT,"
	"  rule TEXT,"
	"  detail TEXT);"		/* what was extracted, as text */
	"CREATE INDEX event_case ON event(case_id);"
	"CREATE INDEX event_request ON event(request);"
	"CREATE UNIQUE INDEX event_once ON event(ifnull(case_id, 0), "
	"  ifnull(request, 0), message_id, kind, ifnull(step, '')) "
	"  WHERE message_id IS NOT NULL;"
	/* Message-IDs that belong to a case or request, received or sent:
	 * In-Reply-To/References are looked up here. */
	"CREATE TABLE thread("
	"  message_id TEXT NOT NULL,"
	"  request INTEGER REFERENCES request(id),"
	"  case_id INTEGER REFERENCES cases(id));"
	"CREATE INDEX thread_mid ON thread(message_id);"
	"CREATE TABLE counter("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL);",

	/* 3: mail the robot sends, and the reminders it has sent. */
	"CREATE TABLE outbox("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"		/* template name */
	"  case_id INTEGER REFERENCES cases(id),"
	"  request INTEGER REFERENCES request(id),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  mail_from TEXT NOT NULL,"
	"  rcpts TEXT NOT NULL,"	/* envelope recipients, ", " */
	"  subject TEXT,"
	"  data BLOB NOT NULL,"		/* the whole message, CRLF */
	"  state TEXT NOT NULL DEFAULT 'queued',"  /* queued | sending |"
					 * sent | failed */
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_t INTEGER NOT NULL,"	/* not before */
	"  last_error TEXT,"
	"  created_t INTEGER NOT NULL,"
	"  sent_t INTEGER);"
	"CREATE INDEX outbox_state ON outbox(state, next_t);"
	/* One row per recipient and local day, for the daily cap. */
	"CREATE TABLE outbox_rcpt("
	"  outbox INTEGER NOT NULL REFERENCES outbox(id),"
	"  addr TEXT NOT NULL,"		/* lower case */
	"  day TEXT NOT NULL);"		/* local ISO date queued */
	"CREATE INDEX outbox_rcpt_day ON outbox_rcpt(addr, day);"
	"CREATE TABLE reminder("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER REFERENCES cases(id),"
	"  request INTEGER REFERENCES request(id),"
	"  step TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"	/* role: unit_head | bidb | person |"
					 * yazi_isleri */
	"  n INTEGER NOT NULL,"		/* 1, 2, 3 for this case and step */
	"  sent_t INTEGER NOT NULL,"	/* the business day it was due */
	"  outbox INTEGER REFERENCES outbox(id));"
	"CREATE INDEX reminder_case ON reminder(case_id, step);"
	"CREATE INDEX reminder_request ON reminder(request, step);"
	"CREATE TABLE digest("
	"  week TEXT PRIMARY KEY,"	/* ISO date of the Monday */
	"  outbox INTEGER REFERENCES outbox(id),"
	"  created_t INTEGER NOT NULL);",

	/* 4: a message's text in a table of its own.  SQLite keeps a row's
	 * columns in order and a long one on overflow pages: with the text
	 * in the message row, reading its outcome (status, digest) walked
	 * through the whole text, and setting it rewrote the whole row. */
	"CREATE TABLE message_text("
	"  message INTEGER PRIMARY KEY REFERENCES message(id),"
	"  headers TEXT,"		/* decoded, "Name: value\n" each */
	"  body TEXT,"			/* the extracted UTF-8 text */
	"  html TEXT);"
	"INSERT INTO message_text(message, headers, body, html)"
	"  SELECT id, headers, body, html FROM message"
	"  WHERE duplicate_of IS NULL;"
	"ALTER TABLE message DROP COLUMN headers;"
	"ALTER TABLE message DROP COLUMN body;"
	"ALTER TABLE message DROP COLUMN html;",

	/* 5: no index on the hash.  A duplicate is looked for by its
	 * Message-ID (indexed) and then its hash; an index of random hashes
	 * had every new message write a page of it somewhere new. */
	"DROP INDEX message_hash;",

	/* 6: the fetch of a folder under way, written before its messages
	 * are decoded and removed after: one still there at the next fetch
	 * was cut short by the process's end, maybe by a message that
	 * crashes the decoder, so the next fetch decodes the messages after
	 * first_uid one at a time, guarded (fetch.c).  IF NOT EXISTS: a
	 * database put back to an older version by hand may keep it. */
	"CREATE TABLE IF NOT EXISTS decoding("
	"  folder TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  first_uid INTEGER NOT NULL,"
	"  started_t INTEGER NOT NULL);",

	/* 7: an administrator's corrections (admin.h).  A case closed
	 * otherwise than by finishing keeps step 'closed' and says how in
	 * closed_as, so that every query that knows 'closed' stays right; a
	 * paused case gets no reminder.  Who made a correction and why are
	 * kept on its event.  merged_into names a case without a REFERENCES
	 * clause, so that the migration can be undone (DROP COLUMN refuses a
	 * foreign key); only admin_merge writes it, with a case it read. */
	"ALTER TABLE cases ADD COLUMN closed_as TEXT;"	/* cancelled | left |"
							 * merged */
	"ALTER TABLE cases ADD COLUMN merged_into INTEGER;"	/* cases.id */
	"ALTER TABLE cases ADD COLUMN paused_t INTEGER;"  /* since; NULL: not */
	"ALTER TABLE event ADD COLUMN actor TEXT;"
	"ALTER TABLE event ADD COLUMN why TEXT;",

	/* 8: retention (purge.c).  purged_t is when a message lost its text
	 * and a case its personal data; the purge looks messages up by the
	 * events that tie them to cases.  Deleted bytes used to stay in the
	 * file's free space until reused (secure_delete is on since): a
	 * database that already holds mail is vacuumed once, by the first
	 * purge that removes anything. */
	"ALTER TABLE message ADD COLUMN purged_t INTEGER;"
	"ALTER TABLE cases ADD COLUMN purged_t INTEGER;"
	"CREATE INDEX event_message ON event(message);"
	"INSERT INTO counter(name, value) SELECT 'purge_vacuum', 1"
	"  WHERE EXISTS (SELECT 1 FROM message);",

	/* 9: why a message came out as it did, as a code (reason.h) beside
	 * the line of detail: reprocess and the digest select on the code,
	 * and what a user reads is rendered from it in Turkish.  Rows of
	 * earlier versions get theirs from the words those versions wrote,
	 * most particular first. */
	"ALTER TABLE message ADD COLUMN reason_code TEXT;"
	"UPDATE message SET reason_code = CASE"
	"  WHEN outcome = 'awaiting'"
	"    OR reason LIKE 'a reply to the robot''s mail%' THEN 'reply'"
	"  WHEN reason LIKE '%attached to % by %' THEN 'admin'"
	"  WHEN reason = 'no rule matched' THEN 'no_rule'"
	"  WHEN reason LIKE '%no case found%' THEN 'no_case'"
	"  WHEN reason LIKE '%no ticket number found%' THEN 'no_ticket'"
	"  WHEN reason LIKE '%no form with people found%' THEN 'no_form'"
	"  WHEN reason LIKE '%has a case in another unit''s request%'"
	"    AND outcome = 'unplaced' THEN 'foreign_unit'"
	"  WHEN reason LIKE '%needs a sender with role%' THEN 'role_refused'"
	"  WHEN reason LIKE 'a rule hit its match limit%' THEN 'match_limit'"
	"  WHEN reason = 'the robot''s own mail' THEN 'own_mail'"
	"  WHEN reason LIKE 'bounce of the robot''s mail%' THEN 'bounce'"
	"  WHEN reason LIKE 'automatic mail:%' THEN 'automatic'"
	"  WHEN reason LIKE 'decoding % tries: not decoded%' THEN 'poison'"
	"  WHEN reason LIKE '% headers' OR reason LIKE 'a From header %'"
	"    THEN 'bad_headers'"
	"  WHEN outcome = 'applied' AND reason LIKE '%: ticket % opened'"
	"    THEN 'ticket'"
	"  WHEN outcome = 'applied' AND reason LIKE '%: form (%' THEN 'form'"
	"  WHEN outcome = 'applied' AND reason LIKE '%(no step changed)'"
	"    THEN 'unchanged'"
	"  WHEN outcome = 'applied' THEN 'moved'"
	"  WHEN outcome = 'ignored' THEN 'note'"
	"  WHEN outcome = 'quarantined' THEN 'untrusted'"
	"  END "
	"WHERE outcome NOT IN ('recorded', 'duplicate');",

	/* 10: the day's count of sent mail (the [smtp] max_per_day limit,
	 * read by every run of the outbox, a poll with nothing new too) and
	 * whether BİDB was told of the limit today, read from indexes of
	 * their own.  Through outbox_state they read sent_t or created_t of
	 * every mail ever sent, and those come after the mail's bytes: the
	 * overflow pages of each mail still kept (retention.outbox), some
	 * 40 ms a poll at 10,000 mails.  IF NOT EXISTS, as in 6. */
	"CREATE INDEX IF NOT EXISTS outbox_sent"
	"  ON outbox(state, sent_t, kind);"
	"CREATE INDEX IF NOT EXISTS outbox_kind"
	"  ON outbox(kind, created_t);",

	/* 11: a poll with nothing new reads neither every open case nor
	 * every mail held back.  The reminders' run notes when it has
	 * decided for a day (remind.c) against remind_changes, which every
	 * change to a case or a request, and every reminder changed or
	 * deleted, counts here, whoever makes it (a poll, an administrator,
	 * the purge); a reminder added does not, as it makes nothing due on
	 * the day it is sent.  The outbox finds its due mail, and counts
	 * what the day's limit holds back, by an index that has the kind:
	 * through outbox_state each such mail was read from the table, some
	 * 5 ms a poll with 700 held back.  Written so that it can run
	 * again on a database put back by hand. */
	"INSERT OR IGNORE INTO counter(name, value)"
	"  VALUES ('remind_changes', 0);"
#define REMIND_TRIGGER(name, event, table)				\
	"CREATE TRIGGER IF NOT EXISTS " name " AFTER " event " ON " table \
	"  BEGIN UPDATE counter SET value = value + 1"			\
	"  WHERE name = 'remind_changes'; END;"
	REMIND_TRIGGER("remind_cases_add", "INSERT", "cases")
	REMIND_TRIGGER("remind_cases_set", "UPDATE", "cases")
	REMIND_TRIGGER("remind_cases_del", "DELETE", "cases")
	REMIND_TRIGGER("remind_request_add", "INSERT", "request")
	REMIND_TRIGGER("remind_request_set", "UPDATE", "request")
	REMIND_TRIGGER("remind_request_del", "DELETE", "request")
	REMIND_TRIGGER("remind_reminder_set", "UPDATE", "reminder")
	REMIND_TRIGGER("remind_reminder_del", "DELETE", "reminder")
#undef REMIND_TRIGGER
	"CREATE INDEX IF NOT EXISTS outbox_due"
	"  ON outbox(state, next_t, kind);"
	"DROP INDEX IF EXISTS outbox_state;",
};

#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])

/* Prepared statements, keyed by connection and SQL text address. */
struct stmt_slot {
	sqlite3		*db;
	const char	*sql;
	sqlite3_stmt	*st;
};
static struct stmt_slot *slots;
static size_t nslots;
/* The cache is the process's: each of the outbox's sender threads
 * (sender.h) has a connection of its own beside the poll's. */
static pthread_mutex_t slots_mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * The write turn.  While a poll runs, two connections of this process
 * write: the fetch's (a batch transaction of up to 0.2 s, begun again at
 * once) and the sender's (a claim and a result per mail, a millisecond
 * each).  SQLite's busy handler only sleeps and looks again, so the
 * sender would seldom find the gap between two batches, and a result it
 * cannot write leaves a sent mail 'sending', to be sent again.  So the
 * process's own write transactions (db_begin) take turns: a writer that
 * finds the turn taken waits, and the one that ends its transaction
 * hands the turn to a waiter instead of taking it back at its next
 * db_begin.  Other processes (status, the admin commands) still meet
 * SQLite's busy timeout as before.  A waiter gives up after TURN_WAIT
 * seconds and goes on without the turn, to SQLite's own lock: a
 * transaction some path left open must not hang the robot.
 */
#define TURN_WAIT	60
static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 busy;		/* a transaction holds the turn */
	int		 handed;	/* given to a waiter, not yet taken */
	unsigned long	 hands;		/* how many times it was handed */
	int		 waiters;
} turn = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0 };
/* Whether this thread's transaction holds the turn. */
static _Thread_local int turn_held;

static void
turn_take(void)
{
	struct timespec until;
	unsigned long hands;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += TURN_WAIT;
	pthread_mutex_lock(&turn.mu);
	if (!turn.busy) {
		turn.busy = 1;
		turn_held = 1;
		goto out;
	}
	turn.waiters++;
	/* A turn handed before this thread came (its own last one, say) is
	 * another's.  One waiter takes a turn handed since; it takes it
	 * even past its time, so that the turn is never left busy with
	 * nobody. */
	hands = turn.hands;
	while (!(turn.handed && turn.hands != hands) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&turn.cv, &turn.mu, &until);
	turn.waiters--;
	if (turn.handed && turn.hands != hands) {
		turn.handed = 0;
		turn_held = 1;
	}
out:
	pthread_mutex_unlock(&turn.mu);
}

int
db_turn_waiters(void)
{
	int n;

	pthread_mutex_lock(&turn.mu);
	n = turn.waiters;
	pthread_mutex_unlock(&turn.mu);
	return n;
}

/* Ends this thread's turn once its transaction has ended. */
static void
turn_give(sqlite3 *db)
{
	if (!turn_held || !sqlite3_get_autocommit(db))
		return;
	turn_held = 0;
	pthread_mutex_lock(&turn.mu);
	if (turn.waiters > 0) {
		turn.handed = 1;
		turn.hands++;
		pthread_cond_broadcast(&turn.cv);
	} else
		turn.busy = 0;
	pthread_mutex_unlock(&turn.mu);
}

int
db_schema_version(void)
{
	return (int)NMIGRATIONS;
}

/* A full disk often reaches SQLite as a bare "disk I/O error" (the
 * shared-memory file of WAL mode cannot grow): name the cause. */
const char *
db_errmsg(sqlite3 *db)
{
	int code = sqlite3_errcode(db) & 0xff;	/* extended codes are on */

	/* SQLite's words for the two codes (sqlite3_errstr), and the cause:
	 * constants, so that no call overwrites what another returned. */
	if (sqlite3_system_errno(db) == ENOSPC && code == SQLITE_FULL)
		return "database or disk is full (no space left on the disk "
		    "of the database)";
	if (sqlite3_system_errno(db) == ENOSPC && code == SQLITE_IOERR)
		return "disk I/O error (no space left on the disk of the "
		    "database)";
	return sqlite3_errmsg(db);
}

int
db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("database: %s", db_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
db_begin(sqlite3 *db)
{
	if (!turn_held)
		turn_take();
	if (db_exec(db, "BEGIN IMMEDIATE") == -1) {
		turn_give(db);
		return -1;
	}
	return 0;
}

int
db_commit(sqlite3 *db)
{
	int rc = db_exec(db, "COMMIT");

	turn_give(db);
	return rc;
}

int
db_rollback(sqlite3 *db)
{
	int rc = 0;

	if (!sqlite3_get_autocommit(db))
		rc = db_exec(db, "ROLLBACK");
	turn_give(db);
	return rc;
}

static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
	int64_t have;
	char *msg = NULL;
	char bump[64];

	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version("
	    "version INTEGER NOT NULL)") == -1)
		goto fail;
	have = db_int(db, "SELECT max(version) FROM schema_version", NULL, 0);
	if (have > (int64_t)NMIGRATIONS) {
		snprintf(err, errlen, "database schema version %lld is newer "
		    "than this robot (%zu)", (long long)have, NMIGRATIONS);
		return -1;
	}
	for (size_t v = (size_t)have; v < NMIGRATIONS; v++) {
		if (db_begin(db) == -1)
			goto fail;
		snprintf(bump, sizeof bump,
		    "INSERT INTO schema_version VALUES (%zu)", v + 1);
		if (sqlite3_exec(db, migrations[v], NULL, NULL, &msg) !=
		    SQLITE_OK || sqlite3_exec(db, bump, NULL, NULL, &msg) !=
		    SQLITE_OK) {
			snprintf(err, errlen, "database migration %zu: %s",
			    v + 1, msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			db_rollback(db);
			return -1;
		}
		if (db_commit(db) == -1)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "database: %s", sqlite3_errmsg(db));
	return -1;
}

/* The database holds personal data.  New files are 0600 (the robot runs
 * under umask 077, and SQLite gives its WAL and shared-memory files the
 * database's own mode); files made before that (an older version, a
 * copy) are made private here. */
static void
db_private(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char name[4096];
	struct stat st;

	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		if ((size_t)snprintf(name, sizeof name, "%s%s", path, sfx[i]) >=
		    sizeof name)
			return;
		if (stat(name, &st) == -1 || !S_ISREG(st.st_mode) ||
		    (st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
			continue;
		if (chmod(name, st.st_mode & S_IRWXU) == -1)
			log_warn("%s is readable by others and cannot be made "
			    "private: %s", name, strerror(errno));
		else
			log_info("%s was readable by others: made private "
			    "(0600)", name);
	}
}

/* A new database file is made readable by its owner alone, whatever the
 * umask (SQLite gives its -wal and -shm files the same mode). */
static void
create_private(const char *path)
{
	struct stat sb;
	int fd;

	if (*path == '\0' || strcmp(path, ":memory:") == 0 ||
	    strncmp(path, "file:", 5) == 0 || stat(path, &sb) == 0)
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) != -1)
		close(fd);
}

int
db_open(const char *path, sqlite3 **db_r, char *err, size_t errlen)
{
	sqlite3 *db = NULL;

	*db_r = NULL;
	create_private(path);
	db_private(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 1);
	/* WAL with synchronous=NORMAL: a commit is atomic and survives a
	 * crash of the robot; only a power loss may roll back the last
	 * commits, which the next poll then fetches again.  secure_delete:
	 * what is deleted or overwritten is zeroed in the file, so that
	 * personal data a purge removes cannot be read from it afterwards
	 * (purge.h).  temp_store=MEMORY: the fetch gives each message a
	 * SAVEPOINT of its own inside a batch, and SQLite keeps what a
	 * savepoint would undo in a statement journal, a temporary file
	 * once past 64 KB: two writes for every page a message touches, two
	 * thirds of every write of a first poll.  In memory it costs the
	 * pages of one message at a time. */
	if (db_exec(db, "PRAGMA journal_mode=WAL") == -1 ||
	    db_exec(db, "PRAGMA synchronous=NORMAL") == -1 ||
	    db_exec(db, "PRAGMA secure_delete=ON") == -1 ||
	    db_exec(db, "PRAGMA temp_store=MEMORY") == -1 ||
	    db_exec(db, "PRAGMA foreign_keys=ON") == -1) {
		snprintf(err, errlen, "cannot use database %s: %s", path,
		    db_errmsg(db));
		goto fail;
	}
	if (migrate(db, err, errlen) == -1)
		goto fail;
	*db_r = db;
	return 0;
fail:
	if (db)
		sqlite3_close(db);
	return -1;
}

void
db_close(sqlite3 **dbp)
{
	size_t i, j;

	if (*dbp == NULL)
		return;
	pthread_mutex_lock(&slots_mu);
	for (i = j = 0; i < nslots; i++) {
		if (slots[i].db == *dbp)
			sqlite3_finalize(slots[i].st);
		else
			slots[j++] = slots[i];
	}
	nslots = j;
	if (nslots == 0) {
		free(slots);
		slots = NULL;
	}
	pthread_mutex_unlock(&slots_mu);
	sqlite3_close(*dbp);
	*dbp = NULL;
}

sqlite3_stmt *
db_stmt(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	pthread_mutex_lock(&slots_mu);
	for (size_t i = 0; i < nslots; i++)
		if (slots[i].db == db && slots[i].sql == sql) {
			st = slots[i].st;
			break;
		}
	pthread_mutex_unlock(&slots_mu);
	/* A connection is one thread's: its statements are too. */
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		log_err("database: %s in: %.80s", sqlite3_errmsg(db), sql);
		return NULL;
	}
	pthread_mutex_lock(&slots_mu);
	slots = xrealloc(slots, (nslots + 1) * sizeof *slots);
	slots[nslots].db = db;
	slots[nslots].sql = sql;
	slots[nslots].st = st;
	nslots++;
	pthread_mutex_unlock(&slots_mu);
	return st;
}

int
db_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;

	if (rc == -1)
		log_err("database: %s: %s", what, db_errmsg(db));
	sqlite3_reset(st);
	return rc;
}

int
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

char *
db_col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

int64_t
db_int(sqlite3 *db, const char *sql, const char *p1, int64_t dflt)
{
	sqlite3_stmt *st = NULL;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("database: %s", sqlite3_errmsg(db));
		return dflt;
	}
	if (p1)
		db_bind_text(st, 1, p1);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
