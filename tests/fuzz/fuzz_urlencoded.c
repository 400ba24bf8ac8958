/*
** fuzz_urlencoded.c: query strings and form bodies, through
** http_parse_urlencoded() and http_decode() (src/http/request.c).
**
** Input: the raw text, as a query string or an
** application/x-www-form-urlencoded body (any bytes, not NUL-terminated).
** Checked against a reference reading written here from the WHATWG URL
** standard's application/x-www-form-urlencoded parser (without its UTF-8
** decoding): the input splits on '&', empty pieces are skipped, the first
** '=' separates name from value, '+' is a space, and "%XX" with two hex
** digits is one byte; anything else is itself.
*/
#include "fuzz.h"
#include "core/arena.h"
#include "http/http.h"

#include <string.h>

static int hex(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* The reference percent-decoding of s[0..n) into out (n + 1 bytes). */
static size_t ref_decode(const char *s, size_t n, int plus, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (plus && s[i] == '+') {
			out[k++] = ' ';
		} else if (s[i] == '%' && n - i >= 3 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			out[k++] = (char)(hex(s[i + 1]) << 4 | hex(s[i + 2]));
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = 0;
	return k;
}

FUZZ_TARGET(urlencoded)
{
	const char *s = (const char *)data;
	struct arena *a = arena_new();
	char *ref = malloc(size + 1);

	size_t n;
	struct http_param *p = http_parse_urlencoded(a, s, size, &n);
	FUZZ_ASSERT(p != NULL, "no array");
	size_t k = 0, i = 0;
	while (i <= size) {
		const char *amp = memchr(s + i, '&', size - i);
		size_t end = amp ? (size_t)(amp - s) : size;
		if (end > i) {
			FUZZ_ASSERT(k < n, "only %zu pairs parsed", n);
			const char *eq = memchr(s + i, '=', end - i);
			size_t name_end = eq ? (size_t)(eq - s) : end;
			ref_decode(s + i, name_end - i, 1, ref);
			FUZZ_ASSERT(p[k].name && !strcmp(p[k].name, ref), "pair %zu's name", k);
			size_t vlen = eq ? ref_decode(eq + 1, end - name_end - 1, 1, ref) : 0;
			FUZZ_ASSERT(p[k].value && p[k].len == vlen, "pair %zu's value length %zu, not %zu",
			            k, p[k].len, vlen);
			FUZZ_ASSERT(!vlen || !memcmp(p[k].value, ref, vlen), "pair %zu's value", k);
			FUZZ_ASSERT(p[k].value[vlen] == 0, "pair %zu's value not NUL-terminated", k);
			k++;
		}
		i = end + 1;
	}
	FUZZ_ASSERT(k == n, "%zu pairs parsed, %zu expected", n, k);

	for (int plus = 0; plus <= 1; plus++) {
		size_t len = 12345;
		char *d = http_decode(a, s, size, plus, &len);
		size_t rlen = ref_decode(s, size, plus, ref);
		FUZZ_ASSERT(d && len == rlen && !memcmp(d, ref, len) && d[len] == 0,
		            "http_decode(plus_space=%d)", plus);
	}

	free(ref);
	arena_free(a);
	return 0;
}
