/* imap_queue: a fetch in three threads around a bounded queue; see
 * imap.h (imap_fetch_prep) and imap_int.h. */
#include <pthread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imap_int.h"
#include "mem.h"

/*
 * The fetch overlaps the network with the work on each message, in three
 * threads: a reader talks to the server (imap_fetch.c) and queues each
 * message as it arrives; a prep thread runs fns->prep (decoding) on each
 * queued message in turn; the calling thread takes the prepared messages
 * one by one, in UID order, and hands them to fns->take.  Only the reader
 * touches the connection while the fetch runs (libetpan is not
 * thread-safe across one connection); only the caller runs take, so the
 * database sees one thread as before.  Reading, decoding and recording
 * each take a good share of the work, so with all three apart none waits
 * for another while there is a core free.  The queue is bounded so memory
 * does not grow with the mailbox: the reader waits when IMAP_QUEUE_BYTES
 * of messages (each with what prep made of it) are waiting, but always
 * queues at least one message however large.  A megabyte is enough to
 * keep the threads busy.  Once the reader has had to wait, it is woken
 * only when the queue has drained to half of either bound: when take is
 * the slowest, waking it for each message taken cost a futex wake and
 * wait in each of the three threads per message.
 */
#define IMAP_QUEUE_BYTES	(1u << 20)
#define IMAP_QUEUE_MSGS		64

struct imap_item {
	struct imap_item	*next;
	struct imap_msg		 m;
	void			*mem;		/* m.data points into it */
	struct imap_hole	*holes;
	int			 ready;		/* prep has run (or was skipped) */
	double			 prep_start;	/* when prep took it (monotonic
						 * s), 0 before */
	void			*prepared;	/* what fns->prep gave */
};

struct imap_queue {
	pthread_mutex_t		 mu;
	/* One condition per thread that waits, so that each change wakes
	 * only the thread it concerns (one futex wake each, and no thread
	 * woken for nothing: system calls are dear). */
	pthread_cond_t		 cv_item;	/* prep: an item, or done */
	pthread_cond_t		 cv_ready;	/* take: the head ready, or
						 * done */
	pthread_cond_t		 cv_room;	/* the reader: room, or stop */
	struct imap_item	*head, *tail;
	struct imap_item	*unprepped;	/* first item prep has not taken */
	struct imap_item	*taken;		/* take's own: off the queue,
						 * ready, not yet handed over */
	size_t			 bytes, count;
	int			 done;	/* the reader has finished */
	int			 full;	/* the reader waits for room */
	int			 stop;	/* take asked to stop: queue no more */

	/* The reader's arguments and outcome (read after the join). */
	const struct imap_fetch_fns *fns;
	struct imap		*imap;
	uint32_t		 first_uid;
	int			 batch;
	int			 ret;
	char			 err[512];
};

static void
item_free(struct imap_item *it)
{
	free(it->mem);
	imap_holes_free(it->holes, it->m.nholes);
	free(it);
}

/* done or stop: every thread that waits looks again.  Under q->mu. */
static void
wake_all(struct imap_queue *q)
{
	pthread_cond_broadcast(&q->cv_item);
	pthread_cond_broadcast(&q->cv_ready);
	pthread_cond_broadcast(&q->cv_room);
}

/* Seconds of the monotonic clock. */
static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for the next message to take.  With fns->stall_seconds, wakes
 * every second to see whether prep has been at the first one too long;
 * then hands it to fns->stalled (with the lock released). */
static void
wait_head(struct imap_queue *q)
{
	const struct imap_fetch_fns *fns = q->fns;
	struct timespec ts;
	uint32_t uid;

	if (fns->stall_seconds <= 0 || fns->stalled == NULL) {
		pthread_cond_wait(&q->cv_ready, &q->mu);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	pthread_cond_timedwait(&q->cv_ready, &q->mu, &ts);
	if (q->head != NULL && !q->head->ready && q->head->prep_start > 0 &&
	    mono() - q->head->prep_start > fns->stall_seconds) {
		uid = q->head->m.uid;
		pthread_mutex_unlock(&q->mu);
		fns->stalled(fns->ctx, uid);
		pthread_mutex_lock(&q->mu);	/* not reached */
	}
}

int
imap_queue_put(struct imap_queue *q, const struct imap_msg *m, void *mem,
    struct imap_hole *holes)
{
	struct imap_item *it = xcalloc(1, sizeof *it);

	it->m = *m;
	it->mem = mem;
	it->holes = holes;
	it->ready = q->fns->prep == NULL;
	pthread_mutex_lock(&q->mu);
	while (!q->stop && q->count > 0 && (q->bytes + m->len >
	    IMAP_QUEUE_BYTES || q->count >= IMAP_QUEUE_MSGS)) {
		q->full = 1;
		while (q->full && !q->stop)
			pthread_cond_wait(&q->cv_room, &q->mu);
	}
	if (q->stop) {
		pthread_mutex_unlock(&q->mu);
		item_free(it);
		return -1;
	}
	if (q->tail != NULL)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	if (q->unprepped == NULL && !it->ready)
		q->unprepped = it;
	q->bytes += m->len;
	q->count++;
	pthread_mutex_unlock(&q->mu);
	/* After the unlock, so the thread woken does not wait for the lock
	 * at once. */
	pthread_cond_signal(it->ready ? &q->cv_ready : &q->cv_item);
	return 0;
}

int
imap_queue_stopped(struct imap_queue *q)
{
	int stop;

	pthread_mutex_lock(&q->mu);
	stop = q->stop;
	pthread_mutex_unlock(&q->mu);
	return stop;
}

/* The prep thread: fns->prep on each queued message, in order.  Once take
 * has asked to stop, the rest are only marked ready, to be dropped. */
static void *
prepper(void *arg)
{
	struct imap_queue *q = arg;
	struct imap_item *it;
	int stop, wake = 0;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		if (q->unprepped == NULL && !q->done && wake) {
			pthread_cond_signal(&q->cv_ready);
			wake = 0;
		}
		while (q->unprepped == NULL && !q->done)
			pthread_cond_wait(&q->cv_item, &q->mu);
		if ((it = q->unprepped) == NULL)
			break;		/* the reader is done, all prepared */
		q->unprepped = it->next;
		stop = q->stop;
		it->prep_start = mono();
		pthread_mutex_unlock(&q->mu);
		/* The item made ready last time round is told of now, outside
		 * the lock, so that take does not wake only to wait for it. */
		if (wake)
			pthread_cond_signal(&q->cv_ready);
		/* Outside the lock: the work that overlaps the others. */
		if (!stop)
			it->prepared = q->fns->prep(q->fns->ctx, &it->m);
		pthread_mutex_lock(&q->mu);
		it->ready = 1;
		wake = 1;
	}
	pthread_mutex_unlock(&q->mu);
	if (wake)
		pthread_cond_signal(&q->cv_ready);
	return NULL;
}

static void *
reader(void *arg)
{
	struct imap_queue *q = arg;

	q->ret = imap_read_folder(q->imap, q, q->first_uid, q->batch, q->fns,
	    q->err, sizeof q->err);
	pthread_mutex_lock(&q->mu);
	q->done = 1;
	wake_all(q);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* The next item to take (ready), or NULL when the reader is done and the
 * queue drained.  Every ready item at the head is taken off the queue
 * under one lock and kept in q->taken, in order: the lock is then taken
 * once per run of messages, not once per message.  The queue's bound thus
 * holds what waits for take, and take holds at most as much again. */
static struct imap_item *
next_item(struct imap_queue *q)
{
	struct imap_item *it, *last;
	int room = 0;

	if ((it = q->taken) != NULL) {
		q->taken = it->next;
		return it;
	}
	pthread_mutex_lock(&q->mu);
	while ((q->head == NULL && !q->done) ||
	    (q->head != NULL && !q->head->ready))
		wait_head(q);
	if ((it = q->head) != NULL) {
		for (last = it;; last = last->next) {
			q->bytes -= last->m.len;
			q->count--;
			if (last->next == NULL || !last->next->ready)
				break;
		}
		if ((q->head = last->next) == NULL)
			q->tail = NULL;
		last->next = NULL;
		q->taken = it->next;
		if (q->full && (q->count == 0 ||
		    (q->count <= IMAP_QUEUE_MSGS / 2 &&
		    q->bytes <= IMAP_QUEUE_BYTES / 2))) {
			q->full = 0;
			room = 1;
		}
	}
	pthread_mutex_unlock(&q->mu);
	if (room)
		pthread_cond_signal(&q->cv_room);
	return it;
}

int
imap_fetch_prep(struct imap *imap, uint32_t first_uid, int batch,
    const struct imap_fetch_fns *fns, char *err, size_t errlen)
{
	struct imap_queue q;
	struct imap_item *it;
	pthread_t rd, pp;
	sigset_t all, old;
	uint32_t taken = 0;
	int aborted = 0, r;

	if (imap->m->imap_selection_info == NULL) {
		snprintf(err, errlen, "imap %s: no folder examined",
		    imap->host);
		return IMAP_FOLDER_BAD;
	}
	if (first_uid == 0)
		first_uid = 1;
	if (batch <= 0)
		batch = 500;

	memset(&q, 0, sizeof q);
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv_item, NULL);
	pthread_cond_init(&q.cv_ready, NULL);
	pthread_cond_init(&q.cv_room, NULL);
	q.fns = fns;
	q.imap = imap;
	q.first_uid = first_uid;
	q.batch = batch;

	/* Signals stay with this thread, as before the reader existed. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if ((r = pthread_create(&pp, NULL, prepper, &q)) == 0 &&
	    (r = pthread_create(&rd, NULL, reader, &q)) != 0) {
		pthread_mutex_lock(&q.mu);
		q.done = 1;
		wake_all(&q);
		pthread_mutex_unlock(&q.mu);
		pthread_join(pp, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		snprintf(err, errlen, "imap %s: cannot start the reader: %s",
		    imap->host, strerror(r));
		q.ret = IMAP_CONN_BAD;
		goto out;
	}
	while ((it = next_item(&q)) != NULL) {
		if (!aborted) {
			taken = it->m.uid;
			if (fns->take(fns->ctx, &it->m, it->prepared) != 0) {
				aborted = 1;
				pthread_mutex_lock(&q.mu);
				q.stop = 1;
				wake_all(&q);
				pthread_mutex_unlock(&q.mu);
			}
		} else if (it->prepared != NULL && fns->unprep != NULL)
			fns->unprep(fns->ctx, it->prepared);
		item_free(it);
	}
	pthread_join(rd, NULL);
	pthread_join(pp, NULL);
#ifdef __GLIBC__
	/* What the threads' heaps held for the queue goes back now, not
	 * at exit: the digest and the reminders come after a long fetch. */
	if (taken > 0)
		malloc_trim(0);
#endif
	if (q.ret != IMAP_OK && q.ret != IMAP_ABORTED)
		snprintf(err, errlen, "%s", q.err);
	else if (aborted) {
		snprintf(err, errlen, "imap %s: fetch stopped after UID %u",
		    imap->host, taken);
		q.ret = IMAP_ABORTED;
	}
out:
	pthread_cond_destroy(&q.cv_item);
	pthread_cond_destroy(&q.cv_ready);
	pthread_cond_destroy(&q.cv_room);
	pthread_mutex_destroy(&q.mu);
	return q.ret;
}

/* imap_fetch() on imap_fetch_prep(): no stage in the reader, whole
 * messages. */
struct plain {
	imap_msg_fn	 fn;
	void		*ctx;
};

static int
plain_take(void *arg, const struct imap_msg *m, void *prepared)
{
	struct plain *p = arg;

	return p->fn(p->ctx, m->uid, m->data, m->len, m->date);
}

int
imap_fetch(struct imap *imap, uint32_t first_uid, int batch, imap_msg_fn fn,
    void *ctx, char *err, size_t errlen)
{
	struct plain p = { fn, ctx };
	struct imap_fetch_fns fns;

	memset(&fns, 0, sizeof fns);
	fns.take = plain_take;
	fns.ctx = &p;
	return imap_fetch_prep(imap, first_uid, batch, &fns, err, errlen);
}
