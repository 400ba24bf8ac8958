/*
** log.c: one line per event on standard error.
*/
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int verbose = 1;

void log_set_verbose(int on)
{
	verbose = on;
}

static void emit(const char *level, const char *fmt, va_list ap)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char line[1024];
	vsnprintf(line, sizeof line, fmt, ap);
	/* One fprintf call keeps lines from different threads whole. */
	fprintf(stderr, "%s %s %s\n", stamp, level, line);
}

_Noreturn void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("fatal", fmt, ap);
	va_end(ap);
	abort();
}

void log_info(const char *fmt, ...)
{
	if (!verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("info", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("warn", fmt, ap);
	va_end(ap);
}
