/*
** value.h: the data a template is rendered with.
**
** A tree of values, JSON-shaped (null, bool, number, string, list, map), plus
** one kind JSON lacks: TV_HTML, a string of markup that Byline's own Markdown
** renderer and sanitizer produced.  Pages build a tree in the request's arena
** and hand its root to tpl_render().  Maps keep insertion order; lookups are
** linear, which is fastest for the handful of keys a page uses.
**
** Every constructor allocates in the arena it is given; strings are copied.
*/
#ifndef BYLINE_RENDER_VALUE_H
#define BYLINE_RENDER_VALUE_H

#include <stddef.h>

struct arena;

enum tv_kind {
	TV_NULL,
	TV_BOOL,
	TV_NUM,
	TV_STR,  /* text: escaped when interpolated */
	TV_HTML, /* sanitized markup: the only kind {{{x}}} outputs raw in a theme */
	TV_LIST,
	TV_MAP,
};

struct tv_pair;

struct tv {
	enum tv_kind kind; /* which member below is meaningful */
	int b;             /* TV_BOOL */
	double num;        /* TV_NUM */
	const char *str;   /* TV_STR, TV_HTML: NUL-terminated */
	size_t len;        /* TV_STR, TV_HTML: bytes; TV_LIST, TV_MAP: entries */
	struct tv **items; /* TV_LIST: len entries */
	struct tv_pair *pairs; /* TV_MAP: len entries in insertion order */
	size_t cap;        /* TV_LIST, TV_MAP: allocated entries */
};

struct tv_pair {
	const char *key; /* NUL-terminated */
	struct tv *val;  /* never NULL */
};

struct tv *tv_null(struct arena *a);
struct tv *tv_bool(struct arena *a, int b);
struct tv *tv_num(struct arena *a, double n);
struct tv *tv_str(struct arena *a, const char *s);             /* NULL gives "" */
struct tv *tv_strn(struct arena *a, const char *s, size_t n);
struct tv *tv_html(struct arena *a, const char *s, size_t n);  /* trusted markup */
struct tv *tv_list(struct arena *a);
struct tv *tv_map(struct arena *a);

/* Appends v to list. */
void tv_push(struct arena *a, struct tv *list, struct tv *v);
/* Sets key in map (replacing an earlier value of the same key). */
void tv_set(struct arena *a, struct tv *map, const char *key, struct tv *v);

/* Shorthands for tv_set(a, map, key, tv_xxx(a, ...)). */
void tv_set_str(struct arena *a, struct tv *map, const char *key, const char *s);
void tv_set_int(struct arena *a, struct tv *map, const char *key, long long n);
void tv_set_bool(struct arena *a, struct tv *map, const char *key, int b);

/* The value of key in map, or NULL.  Borrowed. */
struct tv *tv_get(const struct tv *map, const char *key);

/* Mustache truthiness, which decides whether {{#x}} renders and {{^x}} does
** not.  The spec says "if the data is truthy (e.g. `!!data == true`)" and
** leaves the rest to the language; its tests only pin null, false and [] as
** falsey and maps and non-empty lists as truthy.  We take its example
** literally, as JavaScript (and mustache.js) read it: falsey are NULL (a
** missing value), null, false, 0, NaN, "" (TV_STR or TV_HTML of length 0)
** and []; everything else, including {} and "0", is truthy.  So
** {{#subtitle}}<h2>{{subtitle}}</h2>{{/subtitle}} drops an empty subtitle
** and {{#n_comments}} a zero count. */
int tv_truthy(const struct tv *v);

#endif
