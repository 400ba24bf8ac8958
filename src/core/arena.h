/*
** arena.h: per-request memory arenas.
**
** An arena hands out memory that lives until the arena is freed, all at once.
** Each request, each CLI command and each render gets one, so the code that
** serves a request never frees piecemeal and never leaks: arena_free() is the
** single place its memory goes.  Cleanups registered with arena_defer() run
** (last registered first) when the arena is freed, for things that are not
** memory: prepared statements, file descriptors, library handles.
**
** Out of memory is not survivable here: every allocator aborts with a message.
*/
#ifndef BYLINE_CORE_ARENA_H
#define BYLINE_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new, empty arena.  Caller frees with arena_free(). */
struct arena *arena_new(void);

/* Frees every allocation of `a` after running its deferred cleanups.
** NULL is accepted and ignored. */
void arena_free(struct arena *a);

/* `n` bytes, aligned for any type, zero-filled.  Allocated in `a`. */
void *arena_alloc(struct arena *a, size_t n);

/* Copies of strings, NUL-terminated.  Allocated in `a`.  NULL gives NULL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* printf into a new string.  Allocated in `a`. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Runs fn(arg) when `a` is freed. */
void arena_defer(struct arena *a, void (*fn)(void *), void *arg);

/* Bytes handed out so far (for tests and memory figures). */
size_t arena_used(const struct arena *a);

#endif
