/* common/log.h: process-tagged logging to stderr or syslog. Runs in: all. */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN = 1,
	LOG_LVL_INFO = 2,
	LOG_LVL_DEBUG = 3,
	LOG_LVL_TRACE = 4,
};

/* name: "main", "sec-mod", "worker", ...; use_syslog false logs to stderr */
void log_init(const char *name, bool use_syslog);
void log_set_level(int level);
int log_get_level(void);
bool log_enabled(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) \
	do { if (log_enabled(LOG_LVL_DEBUG)) log_msg(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)
#define log_trace(...) \
	do { if (log_enabled(LOG_LVL_TRACE)) log_msg(LOG_LVL_TRACE, __VA_ARGS__); } while (0)

#endif /* COMMON_LOG_H */
