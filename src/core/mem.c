/*
** mem.c: allocation with retries (see mem.h).
*/
#include "core/mem.h"
#include "core/log.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRIES 200           /* at 10 ms apart: two seconds */
#define PAUSE_NS 10000000L

static atomic_ulong retries;

unsigned long mem_retries(void)
{
	return atomic_load(&retries);
}

/* Called after a failed try: waits, counts; dies after the last. */
static void failed(int try_no, size_t n)
{
	if (try_no + 1 >= TRIES)
		die("out of memory (%zu bytes, %d tries)", n, TRIES);
	atomic_fetch_add(&retries, 1);
	struct timespec ts = {0, PAUSE_NS};
	nanosleep(&ts, NULL);
}

void *mem_alloc(size_t n)
{
	for (int i = 0;; i++) {
		void *p = malloc(n ? n : 1);
		if (p)
			return p;
		failed(i, n);
	}
}

void *mem_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die("allocation too large (%zu x %zu bytes)", n, size);
	for (int i = 0;; i++) {
		void *p = calloc(n ? n : 1, size ? size : 1);
		if (p)
			return p;
		failed(i, n * size);
	}
}

void *mem_realloc(void *old, size_t n)
{
	for (int i = 0;; i++) {
		void *p = realloc(old, n ? n : 1);
		if (p)
			return p;
		failed(i, n);
	}
}

char *mem_strdup(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s) + 1;
	char *p = mem_alloc(n);
	memcpy(p, s, n);
	return p;
}

char *mem_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = mem_alloc(len + 1);
	memcpy(p, s, len);
	p[len] = 0;
	return p;
}
