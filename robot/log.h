/* log: one line per event to stderr (or syslog), with a level.
 *
 * Nothing secret is ever passed here: callers log host names, folders and
 * counts, never passwords.  Every line is also scrubbed of T.C. Kimlik
 * Nos (personal data, tckn_mask_text) before it leaves the process. */
#ifndef ROBOT_LOG_H
#define ROBOT_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Default: stderr, LOG_LVL_INFO. */
void log_init(enum log_level level, int use_syslog);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
