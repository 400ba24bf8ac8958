/*
** json.c: the JSON writer and reader (json.h).
**
** The writer's one piece of state per level is "a value was written here",
** which decides the comma.  The reader is a recursive-descent parser over
** (pointer, length) with a depth limit, so its stack and time are bounded
** by JSON_MAX_DEPTH and the input's length.
*/
#include "core/json.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/utf8.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing ---- */

void json_w_init(struct json_w *w, struct buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
}

/* Before any value: the comma it needs, unless it follows its key. */
static void before_value(struct json_w *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->has[w->depth - 1])
			buf_putc(w->b, ',');
		w->has[w->depth - 1] = 1;
	}
}

static void open(struct json_w *w, char c)
{
	before_value(w);
	buf_putc(w->b, c);
	assert(w->depth < JSON_MAX_DEPTH);
	if (w->depth < JSON_MAX_DEPTH)
		w->has[w->depth++] = 0;
}

static void close_(struct json_w *w, char c)
{
	assert(w->depth > 0 && !w->after_key);
	if (w->depth > 0)
		w->depth--;
	buf_putc(w->b, c);
}

void json_obj(struct json_w *w) { open(w, '{'); }
void json_obj_end(struct json_w *w) { close_(w, '}'); }
void json_arr(struct json_w *w) { open(w, '['); }
void json_arr_end(struct json_w *w) { close_(w, ']'); }

void json_key(struct json_w *w, const char *name)
{
	before_value(w);
	buf_putc(w->b, '"');
	esc_json_s(w->b, name);
	buf_puts(w->b, "\":");
	w->after_key = 1;
}

void json_strn(struct json_w *w, const char *s, size_t n)
{
	before_value(w);
	buf_putc(w->b, '"');
	esc_json(w->b, s, n);
	buf_putc(w->b, '"');
}

void json_str(struct json_w *w, const char *s)
{
	if (!s)
		json_null(w);
	else
		json_strn(w, s, strlen(s));
}

void json_int(struct json_w *w, long long v)
{
	before_value(w);
	buf_printf(w->b, "%lld", v);
}

void json_bool(struct json_w *w, int v)
{
	before_value(w);
	buf_puts(w->b, v ? "true" : "false");
}

void json_null(struct json_w *w)
{
	before_value(w);
	buf_puts(w->b, "null");
}

void json_raw(struct json_w *w, const char *json, size_t n)
{
	before_value(w);
	buf_put(w->b, json, n);
}

void json_kstr(struct json_w *w, const char *name, const char *s)
{
	json_key(w, name);
	json_str(w, s);
}

void json_kint(struct json_w *w, const char *name, long long v)
{
	json_key(w, name);
	json_int(w, v);
}

void json_kbool(struct json_w *w, const char *name, int v)
{
	json_key(w, name);
	json_bool(w, v);
}

/* ---- reading ---- */

struct rd {
	struct arena *a;
	const char *s;  /* the text */
	size_t n, i;    /* its length, the position */
	size_t items;   /* values made so far */
	const char *why; /* the first refusal */
};

static int fail(struct rd *r, const char *why)
{
	if (!r->why)
		r->why = arena_printf(r->a, "The JSON is not valid at byte %zu: %s.", r->i, why);
	return -1;
}

static void ws(struct rd *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' ||
	                       r->s[r->i] == '\r'))
		r->i++;
}

static int hex4(struct rd *r, uint32_t *out)
{
	if (r->n - r->i < 4)
		return fail(r, "a \\u escape is cut short");
	uint32_t v = 0;
	for (int k = 0; k < 4; k++) {
		char c = r->s[r->i + (size_t)k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return fail(r, "a \\u escape holds a character that is not hexadecimal");
	}
	r->i += 4;
	*out = v;
	return 0;
}

/* A string at r->i (its opening quote), decoded into *out. */
static int string(struct rd *r, const char **out, size_t *len)
{
	r->i++; /* the quote */
	struct buf b = BUF_INIT;
	int rc = -1;
	for (;;) {
		if (r->i >= r->n) {
			fail(r, "a string is not closed");
			goto done;
		}
		unsigned char c = (unsigned char)r->s[r->i];
		if (c == '"') {
			r->i++;
			break;
		}
		if (c < 0x20) {
			fail(r, "a string holds a control character");
			goto done;
		}
		if (c == '\\') {
			if (r->i + 1 >= r->n) {
				fail(r, "a string is not closed");
				goto done;
			}
			char e = r->s[r->i + 1];
			r->i += 2;
			const char *simple = strchr("\"\\/bfnrt", e);
			if (e && simple) {
				static const char to[] = "\"\\/\b\f\n\r\t";
				buf_putc(&b, to[simple - "\"\\/bfnrt"]);
				continue;
			}
			if (e != 'u') {
				fail(r, "a string holds an unknown escape");
				goto done;
			}
			uint32_t cp;
			if (hex4(r, &cp) < 0)
				goto done;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				uint32_t lo;
				if (r->n - r->i < 2 || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u') {
					fail(r, "a surrogate stands alone");
					goto done;
				}
				r->i += 2;
				if (hex4(r, &lo) < 0)
					goto done;
				if (lo < 0xDC00 || lo > 0xDFFF) {
					fail(r, "a surrogate stands alone");
					goto done;
				}
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
				fail(r, cp ? "a surrogate stands alone" : "a string holds a NUL");
				goto done;
			}
			char u[4];
			buf_put(&b, u, (size_t)utf8_encode(cp, u));
			continue;
		}
		if (c < 0x80) {
			buf_putc(&b, (char)c);
			r->i++;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(r->s + r->i, r->n - r->i, &cp);
		if (!k) {
			fail(r, "a string is not valid UTF-8");
			goto done;
		}
		buf_put(&b, r->s + r->i, (size_t)k);
		r->i += (size_t)k;
	}
	*len = b.len;
	*out = arena_strndup(r->a, b.len ? b.data : "", b.len);
	rc = 0;
done:
	buf_free(&b);
	return rc;
}

static int value(struct rd *r, struct json_v *v, int depth);

/* Grows an arena array of kids (and keys) by doubling. */
static void push(struct rd *r, struct json_v **kids, const char ***keys, size_t n, size_t *cap)
{
	if (n < *cap)
		return;
	size_t nc = *cap ? *cap * 2 : 4;
	struct json_v *k = arena_alloc(r->a, nc * sizeof *k);
	if (n)
		memcpy(k, *kids, n * sizeof *k);
	*kids = k;
	if (keys) {
		const char **ks = arena_alloc(r->a, nc * sizeof *ks);
		if (n)
			memcpy(ks, *keys, n * sizeof *ks);
		*keys = ks;
	}
	*cap = nc;
}

static int container(struct rd *r, struct json_v *v, int depth, int is_obj)
{
	if (depth >= JSON_MAX_DEPTH)
		return fail(r, "it nests too deeply");
	char close = is_obj ? '}' : ']';
	v->type = is_obj ? JSON_OBJECT : JSON_ARRAY;
	r->i++;
	size_t cap = 0;
	ws(r);
	if (r->i < r->n && r->s[r->i] == close) {
		r->i++;
		return 0;
	}
	for (;;) {
		push(r, &v->kids, is_obj ? &v->keys : NULL, v->n, &cap);
		ws(r);
		if (is_obj) {
			if (r->i >= r->n || r->s[r->i] != '"')
				return fail(r, "a member's name is expected");
			size_t kl;
			if (string(r, &v->keys[v->n], &kl) < 0)
				return -1;
			ws(r);
			if (r->i >= r->n || r->s[r->i] != ':')
				return fail(r, "a ':' is expected");
			r->i++;
		}
		if (value(r, &v->kids[v->n], depth + 1) < 0)
			return -1;
		v->n++;
		ws(r);
		if (r->i < r->n && r->s[r->i] == ',') {
			r->i++;
			continue;
		}
		if (r->i < r->n && r->s[r->i] == close) {
			r->i++;
			return 0;
		}
		return fail(r, is_obj ? "a ',' or '}' is expected" : "a ',' or ']' is expected");
	}
}

static int number(struct rd *r, struct json_v *v)
{
	size_t st = r->i;
	if (r->s[r->i] == '-')
		r->i++;
	size_t digits = r->i;
	while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
		r->i++;
	if (r->i == digits || (r->s[digits] == '0' && r->i - digits > 1))
		return fail(r, "a number is malformed");
	int is_int = 1;
	if (r->i < r->n && r->s[r->i] == '.') {
		is_int = 0;
		size_t f = ++r->i;
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
		if (r->i == f)
			return fail(r, "a number is malformed");
	}
	if (r->i < r->n && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
		is_int = 0;
		r->i++;
		if (r->i < r->n && (r->s[r->i] == '+' || r->s[r->i] == '-'))
			r->i++;
		size_t f = r->i;
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
		if (r->i == f)
			return fail(r, "a number is malformed");
	}
	char tmp[64];
	size_t len = r->i - st;
	if (len >= sizeof tmp)
		return fail(r, "a number is too long");
	memcpy(tmp, r->s + st, len);
	tmp[len] = 0;
	v->type = JSON_NUMBER;
	v->num = strtod(tmp, NULL);
	/* An integer only if the double holds it exactly (|n| < 2^53): a
	** larger one would be written back as a different number. */
	v->is_int = is_int && v->num < 9007199254740992.0 &&
	            v->num > -9007199254740992.0;
	return 0;
}

static int word(struct rd *r, const char *w)
{
	size_t l = strlen(w);
	if (r->n - r->i < l || memcmp(r->s + r->i, w, l))
		return fail(r, "a value is expected");
	r->i += l;
	return 0;
}

static int value(struct rd *r, struct json_v *v, int depth)
{
	memset(v, 0, sizeof *v);
	if (++r->items > JSON_MAX_ITEMS)
		return fail(r, "it holds too many values");
	ws(r);
	if (r->i >= r->n)
		return fail(r, "a value is expected");
	char c = r->s[r->i];
	switch (c) {
	case '{': return container(r, v, depth, 1);
	case '[': return container(r, v, depth, 0);
	case '"': v->type = JSON_STRING; return string(r, &v->str, &v->len);
	case 't': v->type = JSON_TRUE; return word(r, "true");
	case 'f': v->type = JSON_FALSE; return word(r, "false");
	case 'n': v->type = JSON_NULL; return word(r, "null");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return number(r, v);
		return fail(r, "a value is expected");
	}
}

struct json_v *json_read(struct arena *a, const char *s, size_t n, const char **why)
{
	struct rd r = {a, s, n, 0, 0, NULL};
	struct json_v *v = arena_alloc(a, sizeof *v);
	if (n > JSON_MAX_BYTES) {
		*why = "The JSON is too large.";
		return NULL;
	}
	if (value(&r, v, 0) == 0) {
		ws(&r);
		if (r.i == r.n)
			return v;
		fail(&r, "text follows the value");
	}
	*why = r.why;
	return NULL;
}

const struct json_v *json_member(const struct json_v *o, const char *name)
{
	if (!o || o->type != JSON_OBJECT)
		return NULL;
	for (size_t i = o->n; i-- > 0;)
		if (!strcmp(o->keys[i], name))
			return &o->kids[i];
	return NULL;
}

const char *json_ids(struct arena *a, const long long *ids, size_t n)
{
	char *s = arena_alloc(a, n * 21 + 3), *p = s;
	*p++ = '[';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%lld", i ? "," : "", ids[i]);
	*p++ = ']';
	*p = 0;
	return s;
}
