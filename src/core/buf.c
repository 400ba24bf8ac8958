/*
** buf.c: growable byte buffer with a sticky size-limit flag.
*/
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b)
{
	memset(b, 0, sizeof *b);
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->is_full = 0;
	if (b->data)
		b->data[0] = 0;
}

void buf_limit(struct buf *b, size_t max)
{
	b->max = max;
}

/* Makes room for `n` more bytes plus a NUL.  Returns 0 if the limit forbids. */
static int grow(struct buf *b, size_t n)
{
	if (b->is_full)
		return 0;
	if (b->max && b->len + n > b->max) {
		b->is_full = 1;
		return 0;
	}
	if (n >= (size_t)-1 / 2 - b->len)
		die("buffer too large");
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return 1;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = mem_realloc(b->data, cap);
	b->data = p;
	b->cap = cap;
	return 1;
}

void buf_put(struct buf *b, const void *p, size_t n)
{
	if (!grow(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_put(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !grow(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *buf_cstr(struct buf *b)
{
	if (!b->data) {
		/* Not through grow(): the NUL is owed even when the limit dropped
		** every append (then len is 0). */
		b->data = mem_realloc(NULL, 256);
		b->cap = 256;
		b->data[0] = 0;
	}
	return b->data;
}

char *buf_detach(struct buf *b, size_t *len)
{
	buf_cstr(b);
	char *p = b->data;
	if (len)
		*len = b->len;
	size_t max = b->max;
	buf_init(b);
	b->max = max;
	return p;
}
