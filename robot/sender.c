/* sender: the outbox sent while a poll is still fetching; see sender.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "mem.h"
#include "outbox.h"
#include "sender.h"
#include "smtp.h"

struct sender;

/* One connection: a thread with a database connection and an SMTP
 * connection of its own. */
struct sender_conn {
	struct sender		*s;
	sqlite3			*db;
	struct smtp		*smtp;		/* kept from run to run */
	pthread_t		 thread;
	/* The thread's own until it is joined: */
	int			 sent;
	int			 failed;
	int			 idle;		/* looks no more until the end */
};

struct sender {
	const struct config	*cfg;
	time_t			 now0;		/* the poll's now ... */
	struct timespec		 mono0;		/* ... at this instant */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;		/* on CLOCK_MONOTONIC */
	/* Under mu: */
	int			 stop;		/* sender_finish asked */
	time_t			 final_now;
	struct sender_conn	 conn[CFG_SMTP_MAX_CONNECTIONS];
	int			 nconn;		/* threads running */
};

/* The poll's clock moved on by the seconds since the start: the thread
 * reads neither the environment nor the zone (clock.h's ROBOT_NOW and
 * TZ), which the poll's thread may be changing. */
static time_t
sender_now(const struct sender *s)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return s->now0 + (t.tv_sec - s->mono0.tv_sec);
}

/* One run over what is due.  A run that leaves mail due and sent none
 * (the daily limit holds it, [smtp] is unusable; a 4xx is not due again
 * before its back-off; the other connections have it) makes the thread
 * idle until sender_finish: looking again every SENDER_LOOK_MS would only
 * log the same thing ten times a second. */
static void
sender_run(struct sender_conn *c, time_t now, int always)
{
	int r;

	if (!always) {
		if ((r = outbox_has_due(c->db, now)) != 1) {
			c->failed |= r == -1;
			return;
		}
	}
	if ((r = outbox_send_due_over(c->db, c->s->cfg, now, &c->smtp)) ==
	    -1) {
		c->failed = 1;
		c->idle = 1;
		return;
	}
	c->sent += r;
	if (r == 0 && outbox_has_due(c->db, now) == 1)
		c->idle = 1;
}

static void *
sender_main(void *arg)
{
	struct sender_conn *c = arg;
	struct sender *s = c->s;
	struct timespec until;
	time_t now;
	int first = 1, rc;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		/* Each look comes SENDER_LOOK_MS after the last, the first
		 * too: a poll that ends sooner (one with nothing new, the
		 * usual one) leaves all its mail to the last run, sent with
		 * nothing else working beside it. */
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += SENDER_LOOK_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		rc = 0;
		while (!s->stop && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&s->cv, &s->mu, &until);
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->mu);
		/* The first run also queues again what a crash left
		 * 'sending' (outbox.h); the later ones only look. */
		if (!c->idle)
			sender_run(c, sender_now(s), first);
		first = 0;
		pthread_mutex_lock(&s->mu);
	}
	now = s->final_now ? s->final_now : sender_now(s);
	pthread_mutex_unlock(&s->mu);
	sender_run(c, now, 1);
	smtp_close(&c->smtp);
	return NULL;
}

/* Frees s and the database connections of its conn[0 .. n - 1], whose
 * threads are joined or were never started. */
static void
sender_free(struct sender *s, int n)
{
	for (int i = 0; i < n; i++)
		db_close(&s->conn[i].db);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* Opens connection i's database and starts its thread.  0, or -1
 * (logged; its database closed). */
static int
conn_start(struct sender *s, int i)
{
	struct sender_conn *c = &s->conn[i];
	char err[512];
	int rc;

	c->s = s;
	if (db_open(s->cfg->database.path, &c->db, err, sizeof err) == -1) {
		log_warn("outbox: sender connection %d: %s", i + 1, err);
		return -1;
	}
	if ((rc = pthread_create(&c->thread, NULL, sender_main, c)) != 0) {
		log_warn("outbox: sender connection %d: no thread (error %d)",
		    i + 1, rc);
		db_close(&c->db);
		return -1;
	}
	return 0;
}

struct sender *
sender_start(const struct config *cfg, time_t now)
{
	struct sender *s = xcalloc(1, sizeof *s);
	pthread_condattr_t ca;
	int want = cfg->smtp.connections;

	if (want < 1 || want > CFG_SMTP_MAX_CONNECTIONS)
		want = 1;
	s->cfg = cfg;
	s->now0 = now;
	clock_gettime(CLOCK_MONOTONIC, &s->mono0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* Each thread reads its own slot, filled before it starts, and
	 * what is shared under mu; nconn is this thread's. */
	while (s->nconn < want && conn_start(s, s->nconn) == 0)
		s->nconn++;
	if (s->nconn == 0) {
		log_warn("outbox: mail is sent after the poll");
		sender_free(s, 0);
		return NULL;
	}
	return s;
}

int
sender_finish(struct sender **sp, time_t now)
{
	struct sender *s = *sp;
	int i, sent = 0, failed = 0;

	if (s == NULL)
		return 0;
	*sp = NULL;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	s->final_now = now;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < s->nconn; i++) {
		pthread_join(s->conn[i].thread, NULL);
		sent += s->conn[i].sent;
		failed |= s->conn[i].failed;
	}
	sender_free(s, s->nconn);
	return failed ? -1 : sent;
}
