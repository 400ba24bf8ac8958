/*
** mem.h: allocation that survives a passing failure.
**
** An allocation that fails is tried again for up to about two seconds (a
** burst of memory pressure, or a fault injected by a test, usually passes)
** before the process gives up with die().  So a request that meets a failed
** allocation waits a little instead of taking the server down; failures
** inside SQLite are reported by SQLite itself and become 503 answers.
** Every allocation outside SQLite and the libraries goes through here.
*/
#ifndef BYLINE_CORE_MEM_H
#define BYLINE_CORE_MEM_H

#include <stddef.h>

void *mem_alloc(size_t n);                /* malloc(n ? n : 1) */
void *mem_calloc(size_t n, size_t size);  /* zeroed; n * size checked */
void *mem_realloc(void *p, size_t n);
char *mem_strdup(const char *s);          /* NULL gives "" */
char *mem_strndup(const char *s, size_t n); /* at most n bytes, NUL added */

/* Allocations that had to be retried, and how many tries they took
** (tests and logs). */
unsigned long mem_retries(void);

#endif
