/* guard: work that may crash or never end, run in a child process with a
 * time limit, so that the robot outlives it.
 *
 * The robot decodes mail it cannot trust with libetpan and libxml2; when
 * a message once brought the process down, it is decoded again only
 * under this guard (fetch.c). */
#ifndef ROBOT_GUARD_H
#define ROBOT_GUARD_H

#include <stddef.h>

/* Graded by what became of the work. */
enum guard_result {
	GUARD_OK = 0,		/* it ran to its end */
	GUARD_CRASHED = -1,	/* killed by a signal, or exited non-zero */
	GUARD_TIMEOUT = -2,	/* still running after the time limit */
	GUARD_FAILED = -3	/* no child could be started */
};

/* Runs fn(arg) in a child process that may live seconds seconds (wall
 * clock) and returns how it ended; why gets what went wrong ("crashed
 * (signal 11, Segmentation fault)", "ran past 60 s").  Whatever fn does
 * in the child stays there: only its ending is seen.  Call it where no
 * other thread holds a lock that fn needs (the child has only the
 * calling thread). */
int guard_run(void (*fn)(void *), void *arg, int seconds, char *why,
    size_t whylen);

#endif
