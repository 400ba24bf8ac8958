/*
** value.c: the value tree templates are rendered with.
**
** Everything lives in the arena it was built in: lists and maps grow by
** doubling into a fresh arena array (the old one is simply abandoned, which
** costs at most as much again as the final array), and strings are copied
** so a page may build its tree from buffers it then reuses.
*/
#include "render/value.h"
#include "core/arena.h"

#include <assert.h>
#include <math.h>
#include <string.h>

static struct tv *tv_new(struct arena *a, enum tv_kind kind)
{
	struct tv *v = arena_alloc(a, sizeof *v); /* zero-filled */
	v->kind = kind;
	return v;
}

struct tv *tv_null(struct arena *a)
{
	return tv_new(a, TV_NULL);
}

struct tv *tv_bool(struct arena *a, int b)
{
	struct tv *v = tv_new(a, TV_BOOL);
	v->b = b != 0;
	return v;
}

struct tv *tv_num(struct arena *a, double n)
{
	struct tv *v = tv_new(a, TV_NUM);
	v->num = n;
	return v;
}

struct tv *tv_strn(struct arena *a, const char *s, size_t n)
{
	struct tv *v = tv_new(a, TV_STR);
	v->str = arena_strndup(a, s ? s : "", s ? n : 0);
	v->len = s ? n : 0;
	return v;
}

struct tv *tv_str(struct arena *a, const char *s)
{
	return tv_strn(a, s, s ? strlen(s) : 0);
}

struct tv *tv_html(struct arena *a, const char *s, size_t n)
{
	struct tv *v = tv_strn(a, s, n);
	v->kind = TV_HTML;
	return v;
}

struct tv *tv_list(struct arena *a)
{
	return tv_new(a, TV_LIST);
}

struct tv *tv_map(struct arena *a)
{
	return tv_new(a, TV_MAP);
}

/* Room for one more entry of `size` bytes in *arr (len used of *cap). */
static void *grow(struct arena *a, void *arr, size_t len, size_t *cap, size_t size)
{
	if (len < *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 4;
	void *p = arena_alloc(a, ncap * size);
	if (len)
		memcpy(p, arr, len * size);
	*cap = ncap;
	return p;
}

void tv_push(struct arena *a, struct tv *list, struct tv *v)
{
	assert(list->kind == TV_LIST && v);
	list->items = grow(a, list->items, list->len, &list->cap, sizeof *list->items);
	list->items[list->len++] = v;
}

void tv_set(struct arena *a, struct tv *map, const char *key, struct tv *v)
{
	assert(map->kind == TV_MAP && key && v);
	for (size_t i = 0; i < map->len; i++) {
		if (strcmp(map->pairs[i].key, key) == 0) {
			map->pairs[i].val = v;
			return;
		}
	}
	map->pairs = grow(a, map->pairs, map->len, &map->cap, sizeof *map->pairs);
	map->pairs[map->len].key = arena_strdup(a, key);
	map->pairs[map->len].val = v;
	map->len++;
}

void tv_set_str(struct arena *a, struct tv *map, const char *key, const char *s)
{
	tv_set(a, map, key, tv_str(a, s));
}

void tv_set_int(struct arena *a, struct tv *map, const char *key, long long n)
{
	tv_set(a, map, key, tv_num(a, (double)n));
}

void tv_set_bool(struct arena *a, struct tv *map, const char *key, int b)
{
	tv_set(a, map, key, tv_bool(a, b));
}

struct tv *tv_get(const struct tv *map, const char *key)
{
	if (!map || map->kind != TV_MAP)
		return NULL;
	for (size_t i = 0; i < map->len; i++) {
		const char *k = map->pairs[i].key;
		/* The first-byte test skips most keys without a call. */
		if (k[0] == key[0] && strcmp(k, key) == 0)
			return map->pairs[i].val;
	}
	return NULL;
}

int tv_truthy(const struct tv *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case TV_NULL: return 0;
	case TV_BOOL: return v->b != 0;
	case TV_NUM: return v->num != 0 && !isnan(v->num);
	case TV_STR:
	case TV_HTML:
	case TV_LIST: return v->len != 0;
	case TV_MAP: return 1;
	}
	return 0;
}
