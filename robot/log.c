/* log: levelled lines to stderr or syslog; see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "tckn.h"

static enum log_level log_level = LOG_LVL_INFO;
static int log_syslog;

void
log_init(enum log_level level, int use_syslog)
{
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog("nes-robot", LOG_PID, LOG_MAIL);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[2048];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	tckn_mask_text(line);
	if (log_syslog)
		syslog(prio[level], "%s", line);
	else
		fprintf(stderr, "robot: %s: %s\n", names[level], line);
}
