/*
** test_mustache.c: the template engine (render/tpl.c, render/value.c)
** against the Mustache spec's own test files, then against Byline's rules.
**
** The spec files are read from $MUSTACHE_SPEC_DIR, else from
** ../shared/mustache-spec beside the repository (tests run from its root),
** else found from this file's own path.  Every case gets a fresh tpl_set
** holding its partials and its template, is rendered with its data and
** compared byte for byte; failures print with what came out and what the
** spec wanted.  Without the spec files that part is counted as skipped.
**
** Then: TPL_STRICT_RAW, compile errors and their line numbers, the bounds
** on recursion, every byte value through escaped and raw interpolation,
** truthiness and number formatting, the set's API, the test JSON parser,
** and a timing of a 60 KB page (printed, not checked: sanitizers and
** valgrind make any bound meaningless).
*/
#include "test.h"
#include "support/json.h"
#include "core/arena.h"
#include "core/buf.h"
#include "render/tpl.h"
#include "render/value.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The spec folder, or NULL.  Written into tmp (of n bytes) when derived. */
static const char *spec_dir(char *tmp, size_t n)
{
	const char *env = getenv("MUSTACHE_SPEC_DIR");
	if (env && *env)
		return env;
	if (is_dir("../shared/mustache-spec"))
		return "../shared/mustache-spec";
	/* __FILE__ is .../tests/unit/test_mustache.c when built by path. */
	const char *self = __FILE__, *tail = "tests/unit/test_mustache.c";
	size_t fl = strlen(self), tl = strlen(tail);
	if (fl >= tl && strcmp(self + fl - tl, tail) == 0) {
		int k = snprintf(tmp, n, "%.*s../shared/mustache-spec", (int)(fl - tl), self);
		if (k > 0 && (size_t)k < n && is_dir(tmp))
			return tmp;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints s[0..n) with control characters made visible. */
static void show(const char *label, const char *s, size_t n)
{
	fprintf(stderr, "    %s \"", label);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\r')
			fputs("\\r", stderr);
		else if (c == '\t')
			fputs("\\t", stderr);
		else if (c == '"' || c == '\\')
			fprintf(stderr, "\\%c", c);
		else if (c < 0x20 || c == 0x7F)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputs("\"\n", stderr);
}

static const struct tv *str_field(const struct tv *map, const char *key)
{
	const struct tv *v = tv_get(map, key);
	return v && v->kind == TV_STR ? v : NULL;
}

/* Runs one spec file; returns 0, or -1 if it could not be read. */
static int run_spec_file(const char *dir, const char *file)
{
	char path[4096];
	int pk = snprintf(path, sizeof path, "%s/%s", dir, file);
	if (pk < 0 || (size_t)pk >= sizeof path) {
		fprintf(stderr, "%s/%s: path too long\n", dir, file);
		CHECK(0);
		return -1;
	}
	size_t len;
	char *text = json_read_file(path, &len);
	if (!text) {
		fprintf(stderr, "%s: cannot read\n", path);
		CHECK(text != NULL);
		return -1;
	}
	struct arena *a = arena_new();
	char err[256];
	struct tv *root = json_parse(a, text, len, err, sizeof err);
	free(text);
	const struct tv *tests = root ? tv_get(root, "tests") : NULL;
	if (!tests || tests->kind != TV_LIST) {
		fprintf(stderr, "%s: %s\n", path, root ? "no \"tests\" list" : err);
		CHECK(tests != NULL);
		arena_free(a);
		return -1;
	}
	int passed = 0;
	for (size_t i = 0; i < tests->len; i++) {
		const struct tv *t = tests->items[i];
		const struct tv *name = str_field(t, "name");
		const struct tv *tpl = str_field(t, "template");
		const struct tv *want = str_field(t, "expected");
		const struct tv *data = tv_get(t, "data");
		const struct tv *partials = tv_get(t, "partials");
		int ok = name && tpl && want;
		struct tpl_set *set = tpl_set_new(0);
		struct buf out = BUF_INIT;
		err[0] = 0;
		if (ok && partials && partials->kind == TV_MAP) {
			for (size_t k = 0; k < partials->len && ok; k++) {
				const struct tv *p = partials->pairs[k].val;
				ok = p->kind == TV_STR &&
				     tpl_set_add(set, partials->pairs[k].key, p->str, p->len,
				                 err, sizeof err) == 0;
			}
		}
		if (ok)
			ok = tpl_set_add(set, "(spec)", tpl->str, tpl->len, err, sizeof err) == 0;
		if (ok)
			ok = tpl_render(set, "(spec)", data, &out) == 0;
		if (ok)
			ok = out.len == want->len && memcmp(buf_cstr(&out), want->str, out.len) == 0;
		if (ok) {
			passed++;
		} else {
			fprintf(stderr, "  FAIL %s: %s\n", file, name ? name->str : "(unnamed)");
			if (err[0])
				fprintf(stderr, "    error: %s\n", err);
			if (tpl)
				show("template:", tpl->str, tpl->len);
			show("got:     ", buf_cstr(&out), out.len);
			if (want)
				show("want:    ", want->str, want->len);
		}
		CHECK(ok);
		buf_free(&out);
		tpl_set_free(set);
	}
	printf("spec %-20s %d/%zu passed\n", file, passed, tests->len);
	arena_free(a);
	return 0;
}

static void test_spec(void)
{
	char tmp[4096];
	const char *dir = spec_dir(tmp, sizeof tmp);
	if (!dir) {
		test_skip("the Mustache spec", "its files were not found (set MUSTACHE_SPEC_DIR)");
		return;
	}
	DIR *d = opendir(dir);
	if (!d) {
		test_skip("the Mustache spec", "its folder cannot be opened");
		return;
	}
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		size_t k = strlen(e->d_name);
		if (k > 5 && strcmp(e->d_name + k - 5, ".json") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		run_spec_file(dir, names[i]);
		free(names[i]);
	}
}

/* ------------------------------------------------------------- helpers */

static struct buf helper_out = BUF_INIT; /* render_in()'s result */
static char *helper_last;                /* render1()'s result */

/* Compiles src as "t" in set (checking that it compiles) and renders it
** with ctx.  Returns the output, borrowed until the next call. */
static const char *render_in(struct tpl_set *set, const char *src, const struct tv *ctx)
{
	char err[256];
	buf_reset(&helper_out);
	if (tpl_set_add(set, "t", src, strlen(src), err, sizeof err) != 0) {
		fprintf(stderr, "compile error: %s\n", err);
		return "(compile error)";
	}
	tpl_render(set, "t", ctx, &helper_out);
	return buf_cstr(&helper_out);
}

/* The same in a fresh set made with `flags`. */
static const char *render1(int flags, const char *src, const struct tv *ctx)
{
	struct tpl_set *set = tpl_set_new(flags);
	free(helper_last);
	helper_last = strdup(render_in(set, src, ctx));
	tpl_set_free(set);
	return helper_last;
}

/* Adds NUL-terminated src as `name`, checking that it compiles. */
static void add(struct tpl_set *set, const char *name, const char *src)
{
	char err[256];
	int rc = tpl_set_add(set, name, src, strlen(src), err, sizeof err);
	if (rc)
		fprintf(stderr, "compile error: %s\n", err);
	CHECK(rc == 0);
}

/* The message tpl_set_add gives for src, or "" if it compiles. */
static const char *compile_error(const char *src)
{
	static char err[256];
	struct tpl_set *set = tpl_set_new(0);
	if (tpl_set_add(set, "article.mustache", src, strlen(src), err, sizeof err) == 0)
		err[0] = 0;
	tpl_set_free(set);
	return err;
}

/* --------------------------------------------------------- our own tests */

static void test_strict_raw(void)
{
	struct arena *a = arena_new();
	struct tv *m = tv_map(a);
	tv_set_str(a, m, "s", "<b>&'\"");
	tv_set(a, m, "h", tv_html(a, "<i>x</i>", 8));
	tv_set_int(a, m, "n", 85);
	const char *src = "{{{s}}}|{{&s}}|{{s}}|{{{h}}}|{{&h}}|{{h}}|{{{n}}}|{{{missing}}}";
	/* Strict: only TV_HTML comes out raw, and {{h}} still escapes it. */
	CHECK_STR(render1(TPL_STRICT_RAW, src, m),
	          "&lt;b&gt;&amp;&#39;&quot;|&lt;b&gt;&amp;&#39;&quot;|&lt;b&gt;&amp;&#39;&quot;|"
	          "<i>x</i>|<i>x</i>|&lt;i&gt;x&lt;/i&gt;|85|");
	/* Not strict (the spec's behaviour): triple and ampersand are raw. */
	CHECK_STR(render1(0, src, m),
	          "<b>&'\"|<b>&'\"|&lt;b&gt;&amp;&#39;&quot;|"
	          "<i>x</i>|<i>x</i>|&lt;i&gt;x&lt;/i&gt;|85|");
	/* Strictness follows the set into partials and sections. */
	struct tpl_set *set = tpl_set_new(TPL_STRICT_RAW);
	add(set, "p", "{{#l}}{{{.}}}{{/l}}");
	struct tv *l = tv_list(a);
	tv_push(a, l, tv_str(a, "<a>"));
	tv_push(a, l, tv_html(a, "<b>", 3));
	tv_set(a, m, "l", l);
	CHECK_STR(render_in(set, "{{>p}}", m), "&lt;a&gt;<b>");
	tpl_set_free(set);
	arena_free(a);
}

static void test_errors(void)
{
	CHECK_STR(compile_error("a\nb\n{{#comments}}\nc\n"),
	          "article.mustache:3: unclosed section 'comments'");
	CHECK_STR(compile_error("{{#a}}\n{{^b}}\n{{/a}}\n"),
	          "article.mustache:3: closing tag 'a' does not match inverted section 'b' "
	          "opened on line 2");
	CHECK_STR(compile_error("x\n\n{{/z}}"),
	          "article.mustache:3: closing tag 'z' has no opening tag");
	CHECK_STR(compile_error("x\n{{y\n\n"),
	          "article.mustache:2: unclosed tag (no '}}' after '{{')");
	CHECK_STR(compile_error("{{{x}}\n"), "article.mustache:1: unclosed tag (no '}}}' after '{{{')");
	CHECK_STR(compile_error("{{=<% %>=}}\n<%x"),
	          "article.mustache:2: unclosed tag (no '%>' after '<%')");
	CHECK_STR(compile_error("{{!\n\n}}\n{{a b}}"),
	          "article.mustache:4: tag name 'a b' has a space in it");
	CHECK_STR(compile_error("{{}}"), "article.mustache:1: empty tag");
	CHECK_STR(compile_error("{{# }}"), "article.mustache:1: empty tag");
	CHECK_STR(compile_error("{{a..b}}"), "article.mustache:1: bad dotted name 'a..b'");
	CHECK_STR(compile_error("{{=<% %>}}"),
	          "article.mustache:1: set-delimiter tag does not end with '='");
	CHECK_STR(compile_error("{{=<%=}}"), "article.mustache:1: bad set-delimiter tag '<%'");
	CHECK_STR(compile_error("{{<layout}}\n{{$body}}\n{{/layout}}"),
	          "article.mustache:3: closing tag 'layout' does not match block 'body' "
	          "opened on line 2");
	CHECK_STR(compile_error("{{<layout}}{{$body}}{{/body}}"),
	          "article.mustache:1: unclosed parent 'layout'");
	/* Fine: these compile. */
	CHECK_STR(compile_error("{{.}}{{#.}}{{/.}}{{a.b.c}}{{>x.y}}{{! {{ }}"), "");

	/* Nesting is bounded, so a hostile template cannot exhaust the stack. */
	struct buf b = BUF_INIT;
	for (int i = 0; i < 101; i++)
		buf_puts(&b, "{{#a}}");
	for (int i = 0; i < 101; i++)
		buf_puts(&b, "{{/a}}");
	CHECK_STR(compile_error(buf_cstr(&b)), "article.mustache:1: sections nested more than 100 deep");
	buf_free(&b);

	/* A failed add leaves the earlier template of that name in place. */
	struct tpl_set *set = tpl_set_new(0);
	char err[8];
	CHECK(tpl_set_add(set, "t", "old", 3, err, sizeof err) == 0);
	CHECK(tpl_set_add(set, "t", "{{#x}}", 6, err, sizeof err) == -1);
	CHECK_STR(err, "t:1: un"); /* truncated to fit, NUL-terminated */
	CHECK(tpl_set_add(set, "u", "{{", 2, NULL, 0) == -1);
	CHECK(!tpl_set_has(set, "u"));
	struct buf out = BUF_INIT;
	CHECK(tpl_render(set, "t", NULL, &out) == 0);
	CHECK_STR(buf_cstr(&out), "old");
	buf_free(&out);
	tpl_set_free(set);
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

static void test_recursion(void)
{
	struct tpl_set *set = tpl_set_new(0);
	struct buf out = BUF_INIT;
	/* A partial that includes itself stops at depth 64. */
	add(set, "p", "x{{>p}}");
	add(set, "t", "{{>p}}");
	CHECK(tpl_render(set, "t", NULL, &out) == 0);
	CHECK(out.len == 64 && count_char(buf_cstr(&out), 'x') == 64);
	/* So does a parent that is its own parent. */
	buf_reset(&out);
	add(set, "q", "y{{<q}}{{$b}}z{{/b}}{{/q}}");
	add(set, "t", "{{<q}}{{/q}}");
	tpl_render(set, "t", NULL, &out);
	CHECK(out.len == 64 && count_char(buf_cstr(&out), 'y') == 64);
	/* And a partial that fans out (2^64 expansions unbounded) stops at the
	** expansion budget: this must finish, and quickly. */
	buf_reset(&out);
	add(set, "f", "{{>f}}{{>f}}.");
	add(set, "t", "{{>f}}");
	tpl_render(set, "t", NULL, &out);
	CHECK(out.len > 0 && out.len <= 100000);
	/* A block whose override holds the same block renders that inner one
	** with its default: an override never expands itself. */
	buf_reset(&out);
	add(set, "par", "{{$a}}d{{/a}}");
	const char *src = "{{<par}}{{$a}}[{{$a}}in{{/a}}]{{/a}}{{/par}}";
	add(set, "t", src);
	tpl_render(set, "t", NULL, &out);
	CHECK_STR(buf_cstr(&out), "[in]");
	/* Rendering stops early once the buffer's limit is hit. */
	buf_free(&out);
	buf_limit(&out, 10);
	add(set, "t", "{{>f}}");
	tpl_render(set, "t", NULL, &out);
	CHECK(out.is_full && out.len <= 10);
	buf_free(&out);
	tpl_set_free(set);
}

/* What esc_html must make of one byte (written out here independently). */
static void expect_byte(struct buf *b, unsigned char c)
{
	switch (c) {
	case '&': buf_puts(b, "&amp;"); break;
	case '<': buf_puts(b, "&lt;"); break;
	case '>': buf_puts(b, "&gt;"); break;
	case '"': buf_puts(b, "&quot;"); break;
	case '\'': buf_puts(b, "&#39;"); break;
	case 0: buf_puts(b, "\xEF\xBF\xBD"); break;
	default: buf_putc(b, (char)c);
	}
}

static void test_bytes(void)
{
	struct arena *a = arena_new();
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	struct tv *m = tv_map(a);
	tv_set(a, m, "s", tv_strn(a, all, 256));
	tv_set(a, m, "h", tv_html(a, all, 256));
	/* The template's own text holds every byte too, and passes verbatim
	** (no two bytes in a row are "{{"). */
	struct buf src = BUF_INIT, want = BUF_INIT, out = BUF_INIT;
	buf_put(&src, all, 256);
	buf_puts(&src, "|{{s}}|{{{s}}}|{{&s}}|{{h}}|{{{h}}}|");
	buf_put(&want, all, 256);
	buf_putc(&want, '|');
	for (int i = 0; i < 256; i++)
		expect_byte(&want, (unsigned char)i);
	buf_putc(&want, '|');
	buf_put(&want, all, 256);
	buf_putc(&want, '|');
	buf_put(&want, all, 256);
	buf_putc(&want, '|');
	for (int i = 0; i < 256; i++)
		expect_byte(&want, (unsigned char)i);
	buf_putc(&want, '|');
	buf_put(&want, all, 256);
	buf_putc(&want, '|');

	struct tpl_set *set = tpl_set_new(0);
	CHECK(tpl_set_add(set, "t", src.data, src.len, NULL, 0) == 0);
	tpl_render(set, "t", m, &out);
	CHECK(out.len == want.len && memcmp(out.data, want.data, want.len) == 0);
	tpl_set_free(set);

	/* Strict: {{{s}}} and {{&s}} escape like {{s}}; {{{h}}} stays raw. */
	buf_reset(&want);
	buf_reset(&out);
	buf_put(&want, all, 256);
	buf_putc(&want, '|');
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < 256; i++)
			expect_byte(&want, (unsigned char)i);
		buf_putc(&want, '|');
	}
	for (int i = 0; i < 256; i++)
		expect_byte(&want, (unsigned char)i);
	buf_putc(&want, '|');
	buf_put(&want, all, 256);
	buf_putc(&want, '|');
	set = tpl_set_new(TPL_STRICT_RAW);
	CHECK(tpl_set_add(set, "t", src.data, src.len, NULL, 0) == 0);
	tpl_render(set, "t", m, &out);
	CHECK(out.len == want.len && memcmp(out.data, want.data, want.len) == 0);
	tpl_set_free(set);

	buf_free(&src);
	buf_free(&want);
	buf_free(&out);
	arena_free(a);
}

static void test_values(void)
{
	struct arena *a = arena_new();
	struct tv *m = tv_map(a);
	tv_set_int(a, m, "zero", 0);
	tv_set_str(a, m, "empty", "");
	tv_set(a, m, "emptyhtml", tv_html(a, "", 0));
	tv_set_str(a, m, "szero", "0");
	tv_set(a, m, "map", tv_map(a));
	tv_set(a, m, "list", tv_list(a));
	tv_set(a, m, "nan", tv_num(a, NAN));
	tv_set(a, m, "null", tv_null(a));
	tv_set_bool(a, m, "yes", 1);
	tv_set_bool(a, m, "no", 0);
	CHECK_STR(render1(0, "{{#zero}}a{{/zero}}{{#empty}}b{{/empty}}{{#emptyhtml}}c{{/emptyhtml}}"
	                     "{{#nan}}d{{/nan}}{{#null}}e{{/null}}{{#list}}f{{/list}}"
	                     "{{#no}}g{{/no}}{{#missing}}h{{/missing}}", m), "");
	CHECK_STR(render1(0, "{{#szero}}a{{/szero}}{{#map}}b{{/map}}{{#yes}}c{{/yes}}"
	                     "{{^zero}}d{{/zero}}{{^empty}}e{{/empty}}", m), "abcde");
	CHECK(!tv_truthy(NULL));
	CHECK_STR(render1(0, "{{yes}} {{no}} [{{null}}] [{{map}}] [{{list}}]", m),
	          "true false [] [] []");

	/* Numbers: integers bare, fractions in the fewest digits. */
	struct tv *l = tv_list(a);
	double nums[] = {85, 1.21, -3, 0.1 + 0.2, 1e21, -0.0, 1.5e300, 2.5e-7, 1e15, 123456789012.5,
	                 INFINITY};
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
		tv_push(a, l, tv_num(a, nums[i]));
	tv_set(a, m, "nums", l);
	CHECK_STR(render1(0, "{{#nums}}{{.}},{{/nums}}", m),
	          "85,1.21,-3,0.30000000000000004,1e+21,0,1.5e+300,2.5e-07,1000000000000000,"
	          "123456789012.5,Infinity,");

	/* tv_set replaces in place; maps keep insertion order. */
	struct tv *o = tv_map(a);
	tv_set_str(a, o, "k", "1");
	tv_set_str(a, o, "j", "2");
	tv_set_str(a, o, "k", "3");
	CHECK(o->len == 2 && strcmp(o->pairs[0].key, "k") == 0);
	CHECK_STR(tv_get(o, "k")->str, "3");
	CHECK(tv_get(o, "nope") == NULL && tv_get(NULL, "k") == NULL && tv_get(l, "k") == NULL);
	CHECK_STR(tv_str(a, NULL)->str, "");

	/* Context: a key holding null hides the same key further down. */
	struct tv *outer = tv_map(a), *inner = tv_map(a);
	tv_set_str(a, outer, "x", "outer");
	tv_set(a, inner, "x", tv_null(a));
	tv_set(a, outer, "in", inner);
	CHECK_STR(render1(0, "{{#in}}[{{x}}]{{/in}}", outer), "[]");
	/* A NULL context renders like an empty one. */
	CHECK_STR(render1(0, "a{{x}}{{#x}}b{{/x}}{{^x}}c{{/x}}{{.}}", NULL), "ac");
	arena_free(a);
}

static void test_set_api(void)
{
	struct tpl_set *set = tpl_set_new(0);
	struct buf out = BUF_INIT;
	CHECK(!tpl_set_has(set, "page"));
	CHECK(tpl_render(set, "page", NULL, &out) == -1);
	/* A partial may be added after the template naming it, and replaced. */
	CHECK(tpl_set_add(set, "page", "<{{>head}}>", 11, NULL, 0) == 0);
	CHECK(!tpl_set_has(set, "head")); /* named, but not added */
	CHECK(tpl_render(set, "page", NULL, &out) == 0);
	CHECK_STR(buf_cstr(&out), "<>");
	CHECK(tpl_set_add(set, "head", "h1", 2, NULL, 0) == 0);
	CHECK(tpl_set_has(set, "head"));
	buf_reset(&out);
	tpl_render(set, "page", NULL, &out);
	CHECK_STR(buf_cstr(&out), "<h1>");
	CHECK(tpl_set_add(set, "head", "h2", 2, NULL, 0) == 0);
	buf_reset(&out);
	tpl_render(set, "page", NULL, &out);
	CHECK_STR(buf_cstr(&out), "<h2>");
	/* Output is appended. */
	tpl_render(set, "page", NULL, &out);
	CHECK_STR(buf_cstr(&out), "<h2><h2>");
	/* Many templates (the hash table grows). */
	char name[32];
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "t%d", i);
		tpl_set_add(set, name, name, strlen(name), NULL, 0);
	}
	buf_reset(&out);
	tpl_render(set, "t321", NULL, &out);
	CHECK_STR(buf_cstr(&out), "t321");
	CHECK(tpl_set_has(set, "t0") && tpl_set_has(set, "t499"));
	buf_free(&out);
	tpl_set_free(set);
	tpl_set_free(NULL);
}

/* Layouts as a theme writes them: whitespace comes out as a designer
** expects, indentation included. */
static void test_layout(void)
{
	struct arena *a = arena_new();
	struct tv *m = tv_map(a);
	tv_set_str(a, m, "title", "Hello & welcome");
	struct tv *tags = tv_list(a);
	tv_push(a, tags, tv_str(a, "c"));
	tv_push(a, tags, tv_str(a, "mustache"));
	tv_set(a, m, "tags", tags);
	struct tpl_set *set = tpl_set_new(TPL_STRICT_RAW);
	const char *layout =
	    "<html>\n"
	    "  <head>\n"
	    "    <title>{{$title}}Byline{{/title}}</title>\n"
	    "  </head>\n"
	    "  <body>\n"
	    "    {{$body}}\n"
	    "    <p>nothing</p>\n"
	    "    {{/body}}\n"
	    "  </body>\n"
	    "</html>\n";
	const char *tagsp =
	    "<ul>\n"
	    "{{#tags}}\n"
	    "  <li>{{.}}</li>\n"
	    "{{/tags}}\n"
	    "</ul>\n";
	add(set, "layout", layout);
	add(set, "tags", tagsp);
	const char *page =
	    "{{<layout}}\n"
	    "{{$title}}{{title}}{{/title}}\n"
	    "{{$body}}\n"
	    "<h1>{{title}}</h1>\n"
	    "{{>tags}}\n"
	    "{{/body}}\n"
	    "{{/layout}}\n";
	CHECK_STR(render_in(set, page, m),
	          "<html>\n"
	          "  <head>\n"
	          "    <title>Hello &amp; welcome</title>\n"
	          "  </head>\n"
	          "  <body>\n"
	          "    <h1>Hello &amp; welcome</h1>\n"
	          "    <ul>\n"
	          "      <li>c</li>\n"
	          "      <li>mustache</li>\n"
	          "    </ul>\n"
	          "  </body>\n"
	          "</html>\n");
	CHECK_STR(render_in(set, "{{<layout}}{{/layout}}", m),
	          "<html>\n"
	          "  <head>\n"
	          "    <title>Byline</title>\n"
	          "  </head>\n"
	          "  <body>\n"
	          "    <p>nothing</p>\n"
	          "  </body>\n"
	          "</html>\n");
	tpl_set_free(set);
	arena_free(a);
}

/* Indentation beyond the spec's cases: what a standalone partial, parent
** or block does to the lines inside it (each is read as if the indentation
** were typed at the start of every line of the included template). */
static void test_indentation(void)
{
	struct arena *a = arena_new();
	struct tv *m = tv_map(a);
	struct tv *l = tv_list(a);
	tv_push(a, l, tv_str(a, "A"));
	tv_push(a, l, tv_str(a, "B"));
	tv_set(a, m, "l", l);
	tv_set_str(a, m, "v", "1\n2");
	struct tpl_set *set = tpl_set_new(0);
	/* Standalone tags inside an indented partial still vanish whole. */
	add(set, "p", "{{#l}}\n- {{.}}\n{{/l}}\n");
	CHECK_STR(render_in(set, "<ul>\n  {{>p}}\n</ul>\n", m), "<ul>\n  - A\n  - B\n</ul>\n");
	/* Nested partials add up; interpolated newlines are not indented. */
	add(set, "q", "c\n{{v}}\n");
	add(set, "p", "a\n  {{>q}}\nb\n");
	CHECK_STR(render_in(set, "  {{>p}}\n", m), "  a\n    c\n    1\n2\n  b\n");
	/* An inline partial is not indented, and resets indentation inside it. */
	CHECK_STR(render_in(set, "  x{{>p}}\n", m), "  xa\n  c\n  1\n2\nb\n\n");
	/* Blank lines are indented too; CRLF counts as a line end. */
	add(set, "p", "a\r\n\r\nb");
	CHECK_STR(render_in(set, "\t{{>p}}\r\nz", m), "\ta\r\n\t\r\n\tbz");
	/* A parameter block keeps its text's indentation inside an indented
	** partial, standalone (intrinsic indentation) or not. */
	const char *p = "<{{$b}}x\ny{{/b}}>\n  {{$c}}\n    C\n  {{/c}}\n";
	add(set, "p", p);
	CHECK_STR(render_in(set, "  {{>p}}\n", m), "  <x\n  y>\n      C\n");
	/* An override of a one-line standalone block gets the block's
	** indentation on every line, and the block's line keeps its newline. */
	add(set, "p", "  {{$b}}{{/b}}  \r\ny");
	CHECK_STR(render_in(set, "{{<p}}{{$b}}one\ntwo{{/b}}{{/p}}", m), "  one\n  two\r\ny");
	CHECK_STR(render_in(set, "{{<p}}{{$b}}\n{{#l}}\n[{{.}}]\n{{/l}}{{/b}}{{/p}}", m),
	          "  [A]\n  [B]\n\r\ny");
	tpl_set_free(set);
	arena_free(a);
}

static void test_json(void)
{
	struct arena *a = arena_new();
	char err[128];
	const char *s = "{\"a\": [1, -2.5e1, true, false, null, \"x\\u0000\\u00e9\\ud83d\\ude00\\n\"],"
	                " \"a\": {}, \"b\": {\"c\": \"\\\"\\\\\\/\"}}";
	struct tv *v = json_parse(a, s, strlen(s), err, sizeof err);
	CHECK(v && v->kind == TV_MAP && v->len == 2);
	CHECK(v && tv_get(v, "a")->kind == TV_MAP); /* the later "a" wins */
	CHECK_STR(v ? tv_get(tv_get(v, "b"), "c")->str : NULL, "\"\\/");
	s = "[1, -2.5e1, true, false, null, \"x\\u0000\\u00e9\\ud83d\\ude00\\n\"]";
	v = json_parse(a, s, strlen(s), err, sizeof err);
	CHECK(v && v->kind == TV_LIST && v->len == 6);
	if (v && v->len == 6) {
		CHECK(v->items[0]->num == 1 && v->items[1]->num == -25);
		CHECK(v->items[2]->b == 1 && v->items[3]->kind == TV_BOOL && v->items[3]->b == 0);
		CHECK(v->items[4]->kind == TV_NULL);
		CHECK(v->items[5]->len == 9 &&
		      memcmp(v->items[5]->str, "x\0\xC3\xA9\xF0\x9F\x98\x80\n", 9) == 0);
	}
	static const char *bad[] = {
	    "", "[1,]", "{\"a\":1,}", "01", "1.", "-", "[\"\\ud800\"]", "[\"\\udc00\"]",
	    "\"a\nb\"", "\"\\x\"", "\"\xC0\xAF\"", "tru", "[1] 2", "{\"a\" 1}", "{1:2}",
	    "{\"\\u0000\":1}", "1e999", "[", "\"abc",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		v = json_parse(a, bad[i], strlen(bad[i]), err, sizeof err);
		if (v)
			fprintf(stderr, "json accepted bad input #%zu\n", i);
		CHECK(v == NULL && err[0]);
	}
	v = json_parse(a, "[\n  1,\n  x]", 11, err, sizeof err);
	CHECK_STR(err, "3:3: unexpected character 'x'");
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_putc(&deep, '[');
	CHECK(json_parse(a, deep.data, deep.len, err, sizeof err) == NULL);
	buf_free(&deep);
	CHECK(json_read_file("/nonexistent/file.json", NULL) == NULL);
	arena_free(a);
}

/* A page of about 60 KB: layout, article body (trusted HTML), comments
** through a partial, rendered repeatedly into one buffer.  (Speed itself is
** measured in bench/, never here.) */
static void test_page(void)
{
	struct arena *a = arena_new();
	struct tv *m = tv_map(a);
	tv_set_str(a, m, "title", "A headline of ordinary length, with an & in it");
	tv_set_str(a, m, "author", "Jane Doe");
	struct buf body = BUF_INIT;
	while (body.len < 52000)
		buf_puts(&body, "<p>Paragraph text of an article, long enough to look like prose, "
		                "with <em>emphasis</em> and a <a href=\"/x\">link</a>.</p>\n");
	tv_set(a, m, "body", tv_html(a, body.data, body.len));
	buf_free(&body);
	struct tv *comments = tv_list(a);
	for (int i = 0; i < 60; i++) {
		struct tv *c = tv_map(a);
		tv_set_str(a, c, "name", "Reader <name>");
		tv_set_int(a, c, "id", i);
		tv_set_str(a, c, "text", "A comment of a couple of sentences. It says \"something\".");
		tv_set_bool(a, c, "is_staff", i % 7 == 0);
		tv_push(a, comments, c);
	}
	tv_set(a, m, "comments", comments);
	struct tpl_set *set = tpl_set_new(TPL_STRICT_RAW);
	const char *layout =
	    "<!doctype html>\n<html>\n  <head>\n    <title>{{$title}}Byline{{/title}}</title>\n"
	    "  </head>\n  <body>\n    {{$main}}{{/main}}\n  </body>\n</html>\n";
	const char *comment =
	    "<li id=\"c{{id}}\">\n  <b>{{name}}</b>{{#is_staff}} (staff){{/is_staff}}\n"
	    "  <p>{{text}}</p>\n</li>\n";
	const char *page =
	    "{{<layout}}\n{{$title}}{{title}}{{/title}}\n{{$main}}\n<article>\n"
	    "  <h1>{{title}}</h1>\n  <p class=\"by\">{{author}}</p>\n  {{{body}}}\n</article>\n"
	    "<ol>\n  {{#comments}}\n  {{>comment}}\n  {{/comments}}\n</ol>\n{{/main}}\n{{/layout}}\n";
	add(set, "layout", layout);
	add(set, "comment", comment);
	CHECK(tpl_set_add(set, "page", page, strlen(page), NULL, 0) == 0);
	struct buf out = BUF_INIT;
	int runs = 200;
	for (int i = 0; i < runs; i++) {
		buf_reset(&out);
		tpl_render(set, "page", m, &out);
	}
	CHECK(out.len > 60000);
	CHECK(strstr(buf_cstr(&out), "\n      <li id=\"c7\">\n        <b>Reader &lt;name&gt;</b> (staff)\n")
	      != NULL);
	buf_free(&out);
	tpl_set_free(set);
	arena_free(a);
}

int main(void)
{
	test_spec();
	test_strict_raw();
	test_errors();
	test_recursion();
	test_bytes();
	test_values();
	test_set_api();
	test_layout();
	test_indentation();
	test_json();
	test_page();
	free(helper_last);
	buf_free(&helper_out);
	return test_done();
}
