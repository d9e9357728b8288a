/* act: reminders, digest and outbox after a poll; see act.h. */
#include "act.h"
#include "digest.h"
#include "log.h"
#include "outbox.h"
#include "remind.h"
#include "sender.h"

int
act_after_poll(sqlite3 *db, const struct config *cfg, time_t now,
    struct sender **sender)
{
	int ret = 0;

	if (remind_run(db, cfg, now) == -1) {
		log_err("reminders failed; the rest goes on");
		ret = -1;
	}
	if (digest_run(db, cfg, now) == -1) {
		log_err("digest failed; the rest goes on");
		ret = -1;
	}
	if (sender != NULL && *sender != NULL) {
		if (sender_finish(sender, now) == -1)
			ret = -1;
	} else if (outbox_send_due(db, cfg, now) == -1)
		ret = -1;
	return ret;
}
