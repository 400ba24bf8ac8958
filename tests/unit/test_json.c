/*
** test_json.c: unit tests for src/core/json.c, the writer and the reader.
**
** The writer's output is read back by the reader (and compared as text);
** every byte value in a string round-trips as valid UTF-8 (invalid bytes
** as U+FFFD).  The reader refuses what RFC 8259 refuses and what its
** limits forbid, with a sentence.
*/
#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/utf8.h"
#include "test.h"

#include <string.h>

static void test_writer_commas(void)
{
	struct buf b = BUF_INIT;
	struct json_w w;
	json_w_init(&w, &b);
	json_arr(&w);
	json_obj(&w);
	json_kint(&w, "id", 7);
	json_key(&w, "title");
	json_obj(&w);
	json_kstr(&w, "rendered", "A \"quote\" <b>");
	json_obj_end(&w);
	json_key(&w, "tags");
	json_arr(&w);
	json_arr_end(&w);
	json_kbool(&w, "sticky", 0);
	json_key(&w, "x");
	json_null(&w);
	json_obj_end(&w);
	json_int(&w, -3);
	json_str(&w, NULL);
	json_arr_end(&w);
	CHECK_STR(buf_cstr(&b), "[{\"id\":7,\"title\":{\"rendered\":\"A \\\"quote\\\" \\u003cb\\u003e\"},"
	                        "\"tags\":[],\"sticky\":false,\"x\":null},-3,null]");
	CHECK(w.depth == 0);
	buf_free(&b);
}

/* Every byte, alone in a string: the output parses, and holds valid UTF-8. */
static void test_writer_every_byte(void)
{
	struct arena *a = arena_new();
	for (int c = 1; c < 256; c++) {
		struct buf b = BUF_INIT;
		struct json_w w;
		json_w_init(&w, &b);
		char s[4] = {'x', (char)c, 'y', 0};
		json_str(&w, s);
		const char *why = NULL;
		struct json_v *v = json_read(a, b.data, b.len, &why);
		CHECK(v != NULL);
		if (v) {
			CHECK(v->type == JSON_STRING);
			CHECK(utf8_valid(v->str, v->len));
			if (c < 0x80)
				CHECK(v->len == 3 && (unsigned char)v->str[1] == c);
			else
				CHECK(!strcmp(v->str, "x\xEF\xBF\xBDy"));
		}
		buf_free(&b);
	}
	arena_free(a);
}

static void test_reader(void)
{
	struct arena *a = arena_new();
	const char *why = NULL;
	const char *doc = " {\"title\":\"caf\\u00e9 \\ud83d\\ude00\",\"n\":[1,-2.5e1,0],"
	                  "\"t\":true,\"f\":false,\"z\":null,\"title\":\"last\"} ";
	struct json_v *v = json_read(a, doc, strlen(doc), &why);
	CHECK(v && v->type == JSON_OBJECT && v->n == 6);
	const struct json_v *t = json_member(v, "title");
	CHECK(t && t->type == JSON_STRING && !strcmp(t->str, "last"));
	CHECK(!strcmp(v->kids[0].str, "caf\xC3\xA9 \xF0\x9F\x98\x80"));
	const struct json_v *n = json_member(v, "n");
	CHECK(n && n->type == JSON_ARRAY && n->n == 3);
	CHECK(n->kids[0].is_int && n->kids[0].num == 1);
	CHECK(!n->kids[1].is_int && n->kids[1].num == -25);
	CHECK(json_member(v, "t")->type == JSON_TRUE && json_member(v, "z")->type == JSON_NULL);
	CHECK(json_member(v, "missing") == NULL && json_member(t, "x") == NULL);

	/* An integer is one only while a double holds it exactly: a 16-digit
	** id past 2^53 would otherwise be written back as another number
	** (found by fuzz_json). */
	static const struct { const char *text; int is_int; } ints[] = {
		{"9007199254740991", 1}, {"-9007199254740991", 1}, {"9007199254740992", 0},
		{"9007199254740993", 0}, {"9999999999999999", 0}, {"-9999999999999999", 0},
		{"123456789012345", 1},
	};
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		struct json_v *iv = json_read(a, ints[i].text, strlen(ints[i].text), &why);
		CHECK(iv && iv->type == JSON_NUMBER && iv->is_int == ints[i].is_int);
	}

	static const char *bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "\"\\x\"", "\"a", "\"\\ud800\"",
		"\"\\udc00x\"", "\"\\u0000\"", "\"\x01\"", "\"\xC0\x80\"", "tru", "[] []", "{\"a\":1,}",
		"1e", "nul",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = NULL;
		CHECK(json_read(a, bad[i], strlen(bad[i]), &why) == NULL);
		CHECK(why && strstr(why, "JSON"));
	}
	/* Too deep: refused, not a stack overflow. */
	char deep[200];
	memset(deep, '[', sizeof deep);
	CHECK(json_read(a, deep, sizeof deep, &why) == NULL);
	arena_free(a);
}

/* json_ids: a list of ids bound as one SQL parameter. */
static void test_ids(void)
{
	struct arena *a = arena_new();
	long long ids[] = {3, -14, 9223372036854775807LL, 0};
	CHECK(!strcmp(json_ids(a, ids, 0), "[]"));
	CHECK(!strcmp(json_ids(a, ids, 1), "[3]"));
	CHECK(!strcmp(json_ids(a, ids, 4), "[3,-14,9223372036854775807,0]"));
	long long minv[] = {-9223372036854775807LL - 1, -9223372036854775807LL - 1};
	CHECK(!strcmp(json_ids(a, minv, 2), "[-9223372036854775808,-9223372036854775808]"));
	arena_free(a);
}

int main(void)
{
	test_ids();
	test_writer_commas();
	test_writer_every_byte();
	test_reader();
	return test_done();
}
