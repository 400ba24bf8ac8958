/*
** fuzz_tpl.c: the Mustache compiler and renderer (src/render/tpl.c).
**
** Input: up to four templates separated by NUL bytes, named "main", "a",
** "b" and "c" (so {{>a}} and {{<b}} find each other).  Each is compiled
** into a theme-like set (TPL_STRICT_RAW) and a spec-like one (no flag);
** "main" is rendered from the theme-like set against a fixed tree of every
** kind of value (render/value.h; keys s h n f z t no nul e l m, see ctx()),
** and from both with no context.
**
** Checks: tpl_set_add returns 0 or -1 with a message; tpl_render returns 0
** exactly when "main" compiled; the output stays within its buf_limit; and,
** in the TPL_STRICT_RAW set, no string value ever comes out unescaped.
** Every TV_STR in the tree holds '<', '"' and '\'', which the TV_HTML
** values do not, so (the output being made only of template text and
** values) when the templates hold no quote the output must hold none, and
** when they hold no '<' every '<' in the output must begin one of the
** TV_HTML values' tags.  Rendering must also end in reasonable time
** whatever the templates (libFuzzer's -timeout).
*/
#include "fuzz.h"
#include "core/arena.h"
#include "core/buf.h"
#include "render/tpl.h"
#include "render/value.h"

#include <string.h>

#define OUT_LIMIT (64 * 1024)
#define EVIL "<x-evil a=\"'\" onclick=x>&amp;"

static struct tv *ctx(void)
{
	static struct arena *a;
	static struct tv *root;
	if (root)
		return root;
	a = arena_new();
	root = tv_map(a);
	tv_set_str(a, root, "s", "str " EVIL);
	tv_set(a, root, "h", tv_html(a, "<em>markup</em>", 15));
	tv_set_int(a, root, "n", 85);
	tv_set(a, root, "f", tv_num(a, 1.21));
	tv_set_int(a, root, "z", 0);
	tv_set_bool(a, root, "t", 1);
	tv_set_bool(a, root, "no", 0);
	tv_set(a, root, "nul", tv_null(a));
	tv_set_str(a, root, "e", "");
	struct tv *l = tv_list(a);
	for (int i = 0; i < 3; i++) {
		struct tv *item = tv_map(a);
		tv_set_str(a, item, "s", EVIL);
		tv_set_int(a, item, "n", i);
		tv_set(a, item, "h", tv_html(a, "<br>", 4));
		tv_push(a, l, item);
	}
	tv_push(a, l, tv_str(a, "item " EVIL));
	tv_push(a, l, tv_list(a));
	tv_set(a, root, "l", l);
	struct tv *m = tv_map(a);
	struct tv *inner = tv_map(a);
	tv_set_str(a, inner, "s", "deep " EVIL);
	tv_set(a, inner, "l", tv_list(a));
	tv_set(a, m, "m", inner);
	tv_set_str(a, m, "s", "m.s " EVIL);
	tv_set(a, root, "m", m);
	return root;
}

static const char *const names[] = {"main", "a", "b", "c"};

/* Fails if out shows a string value written raw (see the top). */
static void check_escaped(const struct buf *out, int has_quote, int has_lt)
{
	for (size_t i = 0; i < out->len; i++) {
		char c = out->data[i];
		if (!has_quote)
			FUZZ_ASSERT(c != '"' && c != '\'', "a raw quote at %zu: a string value came out "
			            "unescaped in a TPL_STRICT_RAW set", i);
		if (!has_lt && c == '<') {
			const char *rest = out->data + i + 1;
			size_t left = out->len - i - 1;
			int ok = (left >= 3 && !memcmp(rest, "em>", 3)) ||
			         (left >= 4 && !memcmp(rest, "/em>", 4)) ||
			         (left >= 3 && !memcmp(rest, "br>", 3));
			FUZZ_ASSERT(ok, "a raw '<' at %zu: a string value came out unescaped in a "
			            "TPL_STRICT_RAW set", i);
		}
	}
}

FUZZ_TARGET(tpl)
{
	const char *piece[4];
	size_t plen[4];
	size_t n = fuzz_split(data, size, 0, piece, plen, 4);
	int has_quote = memchr(data, '"', size) || memchr(data, '\'', size);
	int has_lt = memchr(data, '<', size) != NULL;
	struct tv *root = ctx();

	for (int strict = 0; strict <= 1; strict++) {
		struct tpl_set *set = tpl_set_new(strict ? TPL_STRICT_RAW : 0);
		FUZZ_ASSERT(set, "no set");
		int main_ok = 0;
		for (size_t i = 0; i < n; i++) {
			/* An exactly sized copy: the compiler must read only src[0..len). */
			char *src = malloc(plen[i] ? plen[i] : 1);
			memcpy(src, piece[i], plen[i]);
			char err[256];
			err[0] = 0;
			int rc = tpl_set_add(set, names[i], src, plen[i], err, sizeof err);
			free(src);
			FUZZ_ASSERT(rc == 0 || (rc == -1 && err[0] && memchr(err, 0, sizeof err)),
			            "tpl_set_add gave %d", rc);
			FUZZ_ASSERT(tpl_set_has(set, names[i]) == (rc == 0), "tpl_set_has(%s)", names[i]);
			if (i == 0)
				main_ok = rc == 0;
		}
		struct buf out = BUF_INIT;
		buf_limit(&out, OUT_LIMIT);
		int rc;
		if (strict) {
			/* The theme's way, where escaping is a security property. */
			rc = tpl_render(set, "main", root, &out);
			FUZZ_ASSERT(rc == (main_ok ? 0 : -1), "tpl_render gave %d", rc);
			FUZZ_ASSERT(out.len <= OUT_LIMIT, "%zu bytes past a limit of %d", out.len,
			            OUT_LIMIT);
			check_escaped(&out, has_quote, has_lt);
			buf_reset(&out);
		}
		/* With no context at all (cheap: every section is empty). */
		rc = tpl_render(set, "main", NULL, &out);
		FUZZ_ASSERT(rc == (main_ok ? 0 : -1), "tpl_render(NULL) gave %d", rc);
		FUZZ_ASSERT(out.len <= OUT_LIMIT, "%zu bytes past a limit of %d", out.len, OUT_LIMIT);
		buf_free(&out);
		tpl_set_free(set);
	}
	return 0;
}
