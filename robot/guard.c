/* guard: a child process with a time limit; see guard.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"

int
guard_run(void (*fn)(void *), void *arg, int seconds, char *why,
    size_t whylen)
{
	pid_t pid, r;
	int status;

	fflush(NULL);	/* nothing buffered is written twice */
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "cannot start a process: %s",
		    strerror(errno));
		return GUARD_FAILED;
	}
	if (pid == 0) {
		/* SIGALRM's default action ends the child at the limit. */
		signal(SIGALRM, SIG_DFL);
		alarm((unsigned)seconds);
		fn(arg);
		_exit(0);
	}
	while ((r = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
		;
	if (r == -1) {
		snprintf(why, whylen, "lost the process: %s", strerror(errno));
		return GUARD_FAILED;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return GUARD_OK;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		snprintf(why, whylen, "ran past %d s", seconds);
		return GUARD_TIMEOUT;
	}
	if (WIFSIGNALED(status))
		snprintf(why, whylen, "crashed (signal %d, %s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(why, whylen, "crashed (exit status %d)",
		    WEXITSTATUS(status));
	return GUARD_CRASHED;
}
