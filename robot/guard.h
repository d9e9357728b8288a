/* guard: work that may crash or never end, done in a child process with
 * a time limit, so that the robot outlives it.
 *
 * The robot decodes mail it cannot trust with libetpan and libxml2; when
 * a message once brought the process down, the messages after it are
 * decoded first under this guard (fetch.c).  One child does job after
 * job, fed through a pipe: a fork for each message cost more than the
 * decoding (every page the parent then wrote was copied again).  A child
 * that crashes or runs past the limit is gone; the next job starts a new
 * one. */
#ifndef ROBOT_GUARD_H
#define ROBOT_GUARD_H

#include <stddef.h>

/* Graded by what became of a job. */
enum guard_result {
	GUARD_OK = 0,		/* it ran to its end */
	GUARD_CRASHED = -1,	/* the child died: a signal, or an exit */
	GUARD_TIMEOUT = -2,	/* still running after the time limit */
	GUARD_FAILED = -3	/* no child could be started */
};

struct guard;

/* What a child does with one job: kind and the len bytes of data are the
 * caller's; arg is as given to guard_start.  Runs in the child only. */
typedef void (*guard_fn)(void *arg, int kind, const char *data,
    size_t len);

/* Starts the child (now: call it while no other thread runs, so that the
 * child holds no lock another thread had).  Returns a guard (guard_stop
 * it), or NULL with why. */
struct guard *guard_start(guard_fn fn, void *arg, char *why, size_t whylen);

/* Has the child do one job and waits up to seconds (wall clock) for it.
 * GUARD_OK; or GUARD_CRASHED / GUARD_TIMEOUT with what went wrong in why
 * ("crashed (signal 11, Segmentation fault)", "ran past 60 s"), the child
 * then gone (a new one is started for the next job, from the calling
 * thread); or GUARD_FAILED when no child could be started. */
int guard_job(struct guard *g, int kind, const char *data, size_t len,
    int seconds, char *why, size_t whylen);

/* Ends the child and frees g. */
void guard_stop(struct guard **g);

#endif
