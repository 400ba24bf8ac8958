/*
** fuzz_json.c: the REST API's JSON reader and writer (src/core/json.c) and
** its /?rest_route= rewrite (src/web/api.c).
**
** Input: any bytes.  As JSON: json_read() either refuses with a sentence
** or gives a tree whose strings are valid UTF-8 without NUL; the tree
** written back with the writer reads again to the same tree (a round
** trip).  As a query string after "/?": api_rest_route() either leaves the
** request alone or gives a path under /wp-json/ and a query without
** rest_route.
*/
#include "fuzz.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/utf8.h"
#include "http/http.h"
#include "web/api.h"

#include <string.h>

static void write_tree(struct json_w *w, const struct json_v *v)
{
	switch (v->type) {
	case JSON_NULL: json_null(w); break;
	case JSON_TRUE: json_bool(w, 1); break;
	case JSON_FALSE: json_bool(w, 0); break;
	case JSON_NUMBER:
		if (v->is_int)
			json_int(w, (long long)v->num);
		else
			json_raw(w, "0.5", 3); /* the writer writes no floats: a stand-in */
		break;
	case JSON_STRING: json_strn(w, v->str, v->len); break;
	case JSON_ARRAY:
		json_arr(w);
		for (size_t i = 0; i < v->n; i++)
			write_tree(w, &v->kids[i]);
		json_arr_end(w);
		break;
	case JSON_OBJECT:
		json_obj(w);
		for (size_t i = 0; i < v->n; i++) {
			json_key(w, v->keys[i]);
			write_tree(w, &v->kids[i]);
		}
		json_obj_end(w);
		break;
	}
}

static int same(const struct json_v *a, const struct json_v *b)
{
	if (a->type != b->type || a->n != b->n)
		return 0;
	if (a->type == JSON_STRING)
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	if (a->type == JSON_NUMBER)
		return !a->is_int || (b->is_int && a->num == b->num);
	for (size_t i = 0; i < a->n; i++)
		if ((a->keys && strcmp(a->keys[i], b->keys[i])) || !same(&a->kids[i], &b->kids[i]))
			return 0;
	return 1;
}

static void strings_ok(const struct json_v *v)
{
	if (v->type == JSON_STRING)
		FUZZ_ASSERT(utf8_valid(v->str, v->len) && strlen(v->str) == v->len,
		            "a string is not valid UTF-8 or holds a NUL");
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys)
			FUZZ_ASSERT(utf8_valid(v->keys[i], strlen(v->keys[i])), "a key is not UTF-8");
		strings_ok(&v->kids[i]);
	}
}

FUZZ_TARGET(json)
{
	struct arena *a = arena_new();
	const char *why = NULL;
	struct json_v *v = json_read(a, (const char *)data, size, &why);
	FUZZ_ASSERT(v || (why && *why), "refused without a sentence");
	if (v) {
		strings_ok(v);
		struct buf b = BUF_INIT;
		struct json_w w;
		json_w_init(&w, &b);
		write_tree(&w, v);
		FUZZ_ASSERT(w.depth == 0, "the writer left %d levels open", w.depth);
		const char *why2 = NULL;
		struct json_v *again = json_read(a, b.data ? b.data : "", b.len, &why2);
		FUZZ_ASSERT(again, "the writer's output does not read back: %s", why2);
		FUZZ_ASSERT(same(v, again), "the round trip changed the tree");
		buf_free(&b);
	}

	/* The same bytes as a query string after "/?". */
	if (size < 4096 && !memchr(data, 0, size)) {
		struct http_req req;
		memset(&req, 0, sizeof req);
		req.a = a;
		req.method = "GET";
		req.path = "/";
		req.query = arena_strndup(a, (const char *)data, size);
		req.body_fd = -1;
		if (api_rest_route(&req)) {
			FUZZ_ASSERT(!strncmp(req.path, "/wp-json/", 9), "rewritten to %s", req.path);
			FUZZ_ASSERT(strncmp(req.query, "rest_route=", 11) != 0 &&
			            !strstr(req.query, "&rest_route="), "rest_route left in the query");
		} else {
			FUZZ_ASSERT(!strcmp(req.path, "/"), "the path changed without a rewrite");
		}
	}
	arena_free(a);
	return 0;
}
