/*
** arena.c: bump allocation in chained blocks.
**
** Small requests are carved from the current block; a request larger than a
** quarter of the block size gets a block of its own so one big allocation does
** not waste the rest of a shared block.
*/
#include "core/arena.h"
#include "core/log.h"
#include "core/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16

struct arena_block {
	struct arena_block *next; /* older block */
	size_t used;              /* bytes used in data[] */
	size_t size;              /* bytes available in data[] */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next; /* registered earlier */
	void (*fn)(void *);         /* the cleanup */
	void *arg;                  /* its argument */
};

struct arena {
	struct arena_block *head;       /* current block, NULL before first use */
	struct arena_cleanup *cleanups; /* newest first */
	size_t total;                   /* bytes handed out */
};

struct arena *arena_new(void)
{
	struct arena *a = mem_alloc(sizeof *a);
	a->head = NULL;
	a->cleanups = NULL;
	a->total = 0;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	while (a->cleanups) {
		struct arena_cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->arg);
	}
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

static struct arena_block *block_new(size_t size)
{
	struct arena_block *b = mem_alloc(sizeof *b + size);
	b->next = NULL;
	b->used = 0;
	b->size = size;
	return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN - sizeof(struct arena_block))
		die("arena allocation too large");
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct arena_block *b = a->head;
	if (need > ARENA_BLOCK / 4) {
		/* A block of its own, linked behind the current one. */
		struct arena_block *big = block_new(need);
		big->used = need;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			a->head = big;
		}
		a->total += n;
		memset(big->data, 0, need);
		return big->data;
	}
	if (!b || b->size - b->used < need) {
		b = block_new(ARENA_BLOCK);
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += need;
	a->total += n;
	memset(p, 0, need);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	/* One pass for the usual short string (formatted on the stack, then
	** copied); a second only when it is longer. */
	char small[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		die("arena_vprintf: bad format");
	char *p = arena_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof small)
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *arg)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof *c);
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
