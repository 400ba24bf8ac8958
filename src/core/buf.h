/*
** buf.h: the one growable byte buffer.
**
** Append freely; the buffer grows as needed and aborts on out of memory.  A
** buffer may be given a size limit (buf_limit): appends past it are dropped
** and set the sticky `is_full` flag, so a producer can append without
** checking and the caller checks once at the end.  data[len] is always NUL
** once anything has been appended (or after buf_cstr()).
*/
#ifndef BYLINE_CORE_BUF_H
#define BYLINE_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;  /* bytes; caller frees with buf_free() */
	size_t len;  /* bytes used */
	size_t cap;  /* bytes allocated */
	size_t max;  /* 0, or the most bytes the buffer may hold */
	int is_full; /* an append was dropped because of `max` */
};

#define BUF_INIT {NULL, 0, 0, 0, 0}

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);      /* len = 0, keeps memory and limit */
void buf_limit(struct buf *b, size_t max);

void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* NUL-terminated contents, never NULL.  Borrowed: valid until the next
** append. */
const char *buf_cstr(struct buf *b);

/* Hands the NUL-terminated contents to the caller (caller frees; never NULL,
** "" when every append was dropped) and empties `b`, keeping its limit as
** buf_reset() does. */
char *buf_detach(struct buf *b, size_t *len);

#endif
