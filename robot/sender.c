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

struct sender {
	const struct config	*cfg;
	sqlite3			*db;		/* the thread's own */
	struct smtp		*smtp;		/* kept from run to run */
	time_t			 now0;		/* the poll's now ... */
	struct timespec		 mono0;		/* ... at this instant */
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;		/* on CLOCK_MONOTONIC */
	/* Under mu: */
	int			 stop;		/* sender_finish asked */
	time_t			 final_now;
	/* The thread's own until it is joined: */
	int			 sent;
	int			 failed;
	int			 idle;		/* looks no more until the end */
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
 * before its back-off) makes the thread idle until sender_finish:
 * looking again every SENDER_LOOK_MS would only log the same thing ten
 * times a second. */
static void
sender_run(struct sender *s, time_t now, int always)
{
	int r;

	if (!always) {
		if ((r = outbox_has_due(s->db, now)) != 1) {
			s->failed |= r == -1;
			return;
		}
	}
	if ((r = outbox_send_due_over(s->db, s->cfg, now, &s->smtp)) == -1) {
		s->failed = 1;
		s->idle = 1;
		return;
	}
	s->sent += r;
	if (r == 0 && outbox_has_due(s->db, now) == 1)
		s->idle = 1;
}

static void *
sender_main(void *arg)
{
	struct sender *s = arg;
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
		if (!s->idle)
			sender_run(s, sender_now(s), first);
		first = 0;
		pthread_mutex_lock(&s->mu);
	}
	now = s->final_now ? s->final_now : sender_now(s);
	pthread_mutex_unlock(&s->mu);
	sender_run(s, now, 1);
	smtp_close(&s->smtp);
	return NULL;
}

static void
sender_free(struct sender *s)
{
	db_close(&s->db);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

struct sender *
sender_start(const struct config *cfg, time_t now)
{
	struct sender *s = xcalloc(1, sizeof *s);
	pthread_condattr_t ca;
	char err[512];
	int rc;

	s->cfg = cfg;
	s->now0 = now;
	clock_gettime(CLOCK_MONOTONIC, &s->mono0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (db_open(cfg->database.path, &s->db, err, sizeof err) == -1) {
		log_warn("outbox: mail is sent after the poll: %s", err);
		goto fail;
	}
	if ((rc = pthread_create(&s->thread, NULL, sender_main, s)) != 0) {
		log_warn("outbox: mail is sent after the poll: no thread "
		    "(error %d)", rc);
		goto fail;
	}
	return s;
fail:
	sender_free(s);
	return NULL;
}

int
sender_finish(struct sender **sp, time_t now)
{
	struct sender *s = *sp;
	int ret;

	if (s == NULL)
		return 0;
	*sp = NULL;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	s->final_now = now;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	ret = s->failed ? -1 : s->sent;
	sender_free(s);
	return ret;
}
