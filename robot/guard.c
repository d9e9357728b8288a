/* guard: one child process doing jobs with a time limit; see guard.h.
 *
 * A job goes down a pipe as a header (kind, length) and its bytes; the
 * child answers one byte once it is done.  The parent waits for that byte
 * with poll() and the time limit: end of file means the child died (its
 * status says how), the limit passing means it is killed.  The child ends
 * when its pipe closes (the parent is done, or dead), and with the parent
 * (PR_SET_PDEATHSIG): a child hung on a job must not keep the database's
 * lock after the robot was killed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "mem.h"

struct guard {
	guard_fn	 fn;
	void		*arg;
	pid_t		 pid;		/* -1: no child */
	int		 to;		/* jobs to the child */
	int		 from;		/* its answers */
};

struct job {
	uint64_t	 len;
	int32_t		 kind;
	int32_t		 seconds;
};

static int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
read_all(int fd, void *p, size_t n)
{
	char *s = p;
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, s, n)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The child: job after job until the pipe closes.  Its own alarm is a
 * second line: it ends it a little after the parent's limit even when the
 * parent is gone. */
static void
child_loop(struct guard *g)
{
	struct job j;
	char *data;

	signal(SIGALRM, SIG_DFL);
	for (;;) {
		if (read_all(g->to, &j, sizeof j) == -1)
			_exit(0);
		if ((data = malloc(j.len + 1)) == NULL ||
		    read_all(g->to, data, j.len) == -1)
			_exit(0);
		data[j.len] = '\0';
		alarm((unsigned)j.seconds + 5);
		g->fn(g->arg, j.kind, data, j.len);
		alarm(0);
		free(data);
		if (write_all(g->from, "k", 1) == -1)
			_exit(0);
	}
}

static int
spawn(struct guard *g, char *why, size_t whylen)
{
	int down[2] = { -1, -1 }, up[2] = { -1, -1 };
	pid_t parent = getpid();

	if (pipe2(down, O_CLOEXEC) == -1 || pipe2(up, O_CLOEXEC) == -1)
		goto fail;
	fflush(NULL);	/* nothing buffered is written twice */
	if ((g->pid = fork()) == -1)
		goto fail;
	if (g->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		close(down[1]);
		close(up[0]);
		g->to = down[0];
		g->from = up[1];
		child_loop(g);
	}
	close(down[0]);
	close(up[1]);
	g->to = down[1];
	g->from = up[0];
	return 0;
fail:
	snprintf(why, whylen, "cannot start a process: %s", strerror(errno));
	for (int i = 0; i < 2; i++) {
		if (down[i] != -1)
			close(down[i]);
		if (up[i] != -1)
			close(up[i]);
	}
	g->pid = -1;
	return -1;
}

/* Closes the pipes and waits for the child; its status, or -1. */
static int
reap(struct guard *g)
{
	int status = -1;

	close(g->to);
	close(g->from);
	g->to = g->from = -1;
	while (waitpid(g->pid, &status, 0) == -1 && errno == EINTR)
		;
	g->pid = -1;
	return status;
}

/* The child died with status: what to say of it. */
static int
died(int status, char *why, size_t whylen)
{
	if (status != -1 && WIFSIGNALED(status))
		snprintf(why, whylen, "crashed (signal %d, %s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (status != -1 && WIFEXITED(status))
		snprintf(why, whylen, "crashed (exit status %d)",
		    WEXITSTATUS(status));
	else
		snprintf(why, whylen, "crashed");
	return GUARD_CRASHED;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct guard *
guard_start(guard_fn fn, void *arg, char *why, size_t whylen)
{
	struct guard *g = xcalloc(1, sizeof *g);

	g->fn = fn;
	g->arg = arg;
	if (spawn(g, why, whylen) == -1) {
		free(g);
		return NULL;
	}
	return g;
}

int
guard_job(struct guard *g, int kind, const char *data, size_t len,
    int seconds, char *why, size_t whylen)
{
	struct job j = { len, kind, seconds };
	struct pollfd pfd;
	double end;
	char c;
	int r;

	if (g->pid == -1 && spawn(g, why, whylen) == -1)
		return GUARD_FAILED;
	if (write_all(g->to, &j, sizeof j) == -1 ||
	    write_all(g->to, data, len) == -1)
		return died(reap(g), why, whylen);	/* EPIPE */
	end = now_s() + seconds;
	pfd.fd = g->from;
	pfd.events = POLLIN;
	for (;;) {
		double left = end - now_s();

		r = left > 0 ? poll(&pfd, 1, (int)(left * 1000) + 1) : 0;
		if (r == -1 && errno == EINTR)
			continue;
		if (r != 0)
			break;
		/* the limit passed */
		kill(g->pid, SIGKILL);
		reap(g);
		snprintf(why, whylen, "ran past %d s", seconds);
		return GUARD_TIMEOUT;
	}
	if (r == 1 && read(g->from, &c, 1) == 1)
		return GUARD_OK;
	return died(reap(g), why, whylen);
}

void
guard_stop(struct guard **gp)
{
	struct guard *g = *gp;

	if (g == NULL)
		return;
	if (g->pid != -1)
		reap(g);	/* its pipe closes: it ends */
	free(g);
	*gp = NULL;
}
