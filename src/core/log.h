/*
** log.h: diagnostics to standard error.
**
** die() is for the unsurvivable (out of memory, a broken invariant at start);
** bad input never reaches it.  log_info/log_warn write one line each, with a
** UTC timestamp, and are safe to call from any thread.
*/
#ifndef BYLINE_CORE_LOG_H
#define BYLINE_CORE_LOG_H

_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 0 silences log_info (tests); warnings always print. */
void log_set_verbose(int on);

#endif
