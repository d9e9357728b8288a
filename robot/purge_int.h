/* purge_int: what purge.c (cases, requests, outbox, the transaction) and
 * purge_msg.c (messages, scrubbing kept texts) share.  Not for other
 * modules: they use purge.h. */
#ifndef ROBOT_PURGE_INT_H
#define ROBOT_PURGE_INT_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "purge.h"

/* A case being anonymised, with what identified its person (read before
 * the row loses it). */
struct purge_case {
	int64_t	 id;
	int64_t	 request;
	char	*tag;
	char	*name_key;	/* folded, titles dropped */
	char	*tckn;
	char	*email;
	char	*phone;
};

/* One purge. */
struct purge_job {
	sqlite3			*db;
	time_t			 now;
	time_t			 cases_before;	 /* 0: by key only */
	time_t			 messages_before; /* 0: none by age */
	time_t			 outbox_before;	 /* 0: none by age */
	/* Scrub every kept text and history line (one person's request),
	 * not only those of the anonymised cases and their requests. */
	int			 everywhere;
	struct purge_case	*cases;		/* anonymised in this run */
	size_t			 ncases;
	struct purge_counts	*c;
};

/* Empties the messages that are due (purge.h), their duplicates too,
 * after the cases of j were anonymised.  0 or -1. */
int purge_messages(struct purge_job *j);

/* Takes the persons of j's cases out of the texts and history lines that
 * are kept (scrub.h).  0 or -1. */
int purge_scrub(struct purge_job *j);

#endif
