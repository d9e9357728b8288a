/* Unit tests for db.c: the write turn of the process's connections (the
 * fetch's and the outbox sender's, sender.h).  Run from the project's top
 * directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"

struct fx {
	char		 dir[64];
	char		 path[96];
	sqlite3		*a, *b;
	pthread_mutex_t	 mu;
	char		 order[8];	/* who wrote, in turn */
};

static void
wrote(struct fx *f, char who)
{
	pthread_mutex_lock(&f->mu);
	f->order[strlen(f->order)] = who;
	pthread_mutex_unlock(&f->mu);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];

	snprintf(f->dir, sizeof f->dir, "/tmp/test_db.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/robot.db", f->dir);
	assert_int_equal(db_open(f->path, &f->a, err, sizeof err), 0);
	assert_int_equal(db_open(f->path, &f->b, err, sizeof err), 0);
	assert_int_equal(db_exec(f->a, "CREATE TABLE t(who TEXT)"), 0);
	pthread_mutex_init(&f->mu, NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	db_close(&f->a);
	db_close(&f->b);
	pthread_mutex_destroy(&f->mu);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(f);
	return 0;
}

/* The other thread: one write transaction on its own connection. */
static void *
writer_b(void *arg)
{
	struct fx *f = arg;

	if (db_begin(f->b) == 0) {
		wrote(f, 'B');
		if (db_exec(f->b, "INSERT INTO t VALUES ('B')") == 0)
			db_commit(f->b);
		else
			db_rollback(f->b);
	}
	return NULL;
}

/* Waits (at most about ten seconds) until n threads wait for the turn. */
static int
until_waiters(int n)
{
	for (int i = 0; i < 10000; i++) {
		if (db_turn_waiters() == n)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* A's transaction holds the turn and thread *th (B) waits for it. */
static void
a_holds_b_waits(struct fx *f, pthread_t *th)
{
	assert_int_equal(db_begin(f->a), 0);
	wrote(f, 'A');
	assert_int_equal(pthread_create(th, NULL, writer_b, f), 0);
	assert_true(until_waiters(1));
}

/* A thread that ends its transaction and begins the next at once (the
 * fetch, batch after batch) does not take the turn back from one that
 * waits for it (the sender, whose result would otherwise wait). */
static void
test_turn_handed_to_waiter(void **state)
{
	struct fx *f = *state;
	pthread_t th;

	a_holds_b_waits(f, &th);
	assert_int_equal(db_exec(f->a, "INSERT INTO t VALUES ('A')"), 0);
	assert_int_equal(db_commit(f->a), 0);
	/* At once: the turn is B's now. */
	assert_int_equal(db_begin(f->a), 0);
	wrote(f, 'a');
	assert_int_equal(db_exec(f->a, "INSERT INTO t VALUES ('a')"), 0);
	assert_int_equal(db_commit(f->a), 0);
	pthread_join(th, NULL);
	assert_string_equal(f->order, "ABa");
	assert_int_equal(db_turn_waiters(), 0);
}

/* A rollback ends the turn too: the waiting writer goes on, and after
 * it nobody holds the turn. */
static void
test_turn_after_rollback(void **state)
{
	struct fx *f = *state;
	pthread_t th;

	a_holds_b_waits(f, &th);
	assert_int_equal(db_rollback(f->a), 0);
	pthread_join(th, NULL);
	assert_string_equal(f->order, "AB");
	/* Nobody holds the turn now: a begin does not wait. */
	assert_int_equal(db_begin(f->a), 0);
	assert_int_equal(db_commit(f->a), 0);
	assert_int_equal(db_turn_waiters(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_turn_handed_to_waiter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_turn_after_rollback,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
