/* common/log.c: process-tagged logging. Runs in: all. */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_name = "ocserv";
static bool log_syslog;
static int log_level = LOG_LVL_INFO;

void log_init(const char *name, bool use_syslog)
{
	log_name = name;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog("ocserv", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(int level)
{
	log_level = level;
}

int log_get_level(void)
{
	return log_level;
}

bool log_enabled(int level)
{
	return level <= log_level;
}

void log_msg(int level, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG };
	char line[1024];
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_syslog) {
		syslog(prio[level < 0 ? 0 : level > 4 ? 4 : level], "%s[%d]: %s",
		       log_name, (int)getpid(), line);
		return;
	}
	fprintf(stderr, "%s[%d]: %s\n", log_name, (int)getpid(), line);
}
