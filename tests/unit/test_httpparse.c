/*
** test_httpparse.c: the wire format in src/http/parse.c.
**
** Heads: a table of requests with the status each must get (0 = accepted),
** covering every refusal the server makes on a head (issue 7's list: 414,
** 431, bare CR, obs-fold, whitespace before a colon, bad request lines,
** 505), and the end of a head found the same way whether the bytes come
** all at once or one at a time.  Chunked bodies: every test body decoded
** whole and split at every byte, with the same result.
*/
#include "core/buf.h"
#include "http/parse.h"
#include "core/netaddr.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses a whole head (from a C string); returns 0 or the status. */
static int parse(const char *text, struct http_head *h, char **keep)
{
	size_t n = strlen(text), scan = 0;
	long end = http_head_end(text, n, &scan);
	if (end < 0)
		return (int)-end;
	if (end == 0)
		return -1; /* incomplete */
	char *copy = malloc((size_t)end + 1);
	memcpy(copy, text, (size_t)end);
	copy[end] = 0;
	const char *why;
	int rc = http_parse_head(copy, (size_t)end, h, &why);
	if (rc && !why)
		fprintf(stderr, "no reason given for %d\n", rc);
	*keep = copy;
	return rc;
}

static int status_of(const char *text)
{
	struct http_head h;
	char *keep = NULL;
	int rc = parse(text, &h, &keep);
	free(keep);
	return rc;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = 0;
	return s;
}

static void test_heads(void)
{
	struct {
		const char *text;
		int want;
	} cases[] = {
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0},
		{"GET / HTTP/1.1\nHost: a\n\n", 0},                 /* lone LF lines */
		{"\r\n\r\nGET / HTTP/1.0\r\n\r\n", 0},               /* blank lines first */
		{"GET /x?y=1 HTTP/1.1\r\nHost: a\r\nX-E:\r\n\r\n", 0}, /* empty value */
		{"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400},      /* bare CR in a value */
		{"GET / HTTP/1.1\rX\r\nHost: a\r\n\r\n", 400},      /* bare CR in the line */
		{"GET / HTTP/1.1\r\nX-A: a\r\n folded\r\n\r\n", 400}, /* obs-fold */
		{"GET / HTTP/1.1\r\nX-A: a\r\n\tfolded\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nX-A : a\r\n\r\n", 400},         /* space before colon */
		{"GET / HTTP/1.1\r\n: a\r\n\r\n", 400},             /* no name */
		{"GET / HTTP/1.1\r\nX-A a\r\n\r\n", 400},           /* no colon */
		{"GET / HTTP/1.1\r\nX(A): a\r\n\r\n", 400},         /* not a token */
		{"GET / HTTP/1.1\r\nX-A: a\x01b\r\n\r\n", 400},     /* control byte */
		{"GET  / HTTP/1.1\r\n\r\n", 400},                  /* two spaces */
		{"GET / HTTP/1.1 \r\n\r\n", 400},
		{"GET /\r\n\r\n", 400},                            /* HTTP/0.9 */
		{"GET / HTTP/1.1x\r\n\r\n", 400},
		{"GET / http/1.1\r\n\r\n", 400},
		{"GET / HTTP/2.0\r\n\r\n", 505},
		{"GET / HTTP/0.9\r\n\r\n", 505},
		{"G\"T / HTTP/1.1\r\n\r\n", 400},
		{"GET /a\x7f HTTP/1.1\r\n\r\n", 400},
		{"HELLO\r\n\r\n", 400},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = status_of(cases[i].text);
		if (got != cases[i].want)
			fprintf(stderr, "case %zu: got %d, want %d\n", i, got, cases[i].want);
		CHECK(got == cases[i].want);
	}

	/* What a good head gives. */
	struct http_head h;
	char *keep;
	CHECK(parse("POST /a/b?c=d HTTP/1.0\r\nHost:  ex  \r\nX-Two: 1\r\nx-two: 2\r\n\r\n",
	            &h, &keep) == 0);
	CHECK_STR(h.method, "POST");
	CHECK_STR(h.target, "/a/b?c=d");
	CHECK(h.minor == 0);
	CHECK(h.n_fields == 3);
	CHECK_STR(http_head_field(&h, "host", NULL), "ex");
	int count = 0;
	CHECK_STR(http_head_field(&h, "X-TWO", &count), "1");
	CHECK(count == 2);
	CHECK(http_head_field(&h, "Missing", &count) == NULL && count == 0);
	free(keep);

	/* Limits: the target (8 KiB, 16 KiB for /search/), one field, all fields. */
	char *big = repeat('a', 9000), *text = malloc(40000);
	snprintf(text, 40000, "GET /%s HTTP/1.1\r\nHost: a\r\n\r\n", big);
	CHECK(status_of(text) == 414);
	snprintf(text, 40000, "GET /search/?q=%s HTTP/1.1\r\nHost: a\r\n\r\n", big);
	CHECK(status_of(text) == 0);
	snprintf(text, 40000, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: %s\r\n\r\n", big);
	CHECK(status_of(text) == 431);
	free(big);
	big = repeat('c', 4000);
	int off = snprintf(text, 40000, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 9; i++)
		off += snprintf(text + off, 40000 - (size_t)off, "X-H%d: %s\r\n", i, big);
	snprintf(text + off, 40000 - (size_t)off, "\r\n");
	CHECK(status_of(text) == 431); /* 9 x 4 KB: over 32 KiB in all */
	free(big);
	off = snprintf(text, 40000, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 101; i++)
		off += snprintf(text + off, 40000 - (size_t)off, "X-%d: v\r\n", i);
	snprintf(text + off, 40000 - (size_t)off, "\r\n");
	CHECK(status_of(text) == 431); /* 101 fields */

	/* Refused while incomplete: a request line or headers that never end. */
	size_t scan = 0;
	big = repeat('a', HTTP_MAX_SEARCH_TARGET + 100);
	CHECK(http_head_end(big, strlen(big), &scan) == -414);
	scan = 0;
	memcpy(big, "GET / HTTP/1.1\r\n", 16);
	CHECK(http_head_end(big, strlen(big), &scan) == 0); /* one long field so far */
	char *more = repeat('b', HTTP_MAX_FIELDS_BYTES + 100);
	memcpy(more, "GET / HTTP/1.1\r\n", 16);
	scan = 0;
	CHECK(http_head_end(more, strlen(more), &scan) == -431);
	free(more);
	free(big);
	free(text);

	/* The end is found the same fed whole or a byte at a time. */
	const char *feeds[] = {"GET / HTTP/1.1\r\nHost: a\r\n\r\nNEXT",
	                       "GET / HTTP/1.1\nHost: a\n\nNEXT", "GET / HTTP/1.1\r\n\r\nNEXT",
	                       "\r\nGET / HTTP/1.1\r\nA: b\r\n\r\nNEXT"};
	for (size_t i = 0; i < sizeof feeds / sizeof feeds[0]; i++) {
		size_t n = strlen(feeds[i]);
		size_t s1 = 0;
		long whole = http_head_end(feeds[i], n, &s1);
		CHECK(whole == (long)(n - 4));
		size_t s2 = 0;
		long got = 0;
		for (size_t k = 1; k <= n && got == 0; k++)
			got = http_head_end(feeds[i], k, &s2);
		CHECK(got == whole);
	}
}

/* Decodes body whole and split at every byte; want NULL means refused with rc. */
static void chunked_case(const char *body, const char *want, int want_rc, size_t limit)
{
	size_t n = strlen(body);
	for (size_t split = 0; split <= n; split++) {
		struct http_chunked c;
		memset(&c, 0, sizeof c);
		struct buf out = BUF_INIT;
		size_t used = 0, used2 = 0;
		int rc = http_chunked_feed(&c, body, split, &used, &out, limit);
		if (rc == HTTP_CHUNK_MORE) {
			CHECK(used == split);
			rc = http_chunked_feed(&c, body + split, n - split, &used2, &out, limit);
			used += used2;
		}
		int ok = rc == want_rc;
		if (want)
			ok = ok && out.len == strlen(want) && !memcmp(buf_cstr(&out), want, out.len) &&
			     !strcmp(body + used, "NEXT");
		if (!ok)
			fprintf(stderr, "chunked %s split %zu: rc %d, got %zu bytes\n", body, split, rc,
			        out.len);
		CHECK(ok);
		buf_free(&out);
	}
}

static void test_chunked(void)
{
	chunked_case("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nNEXT", "hello world", HTTP_CHUNK_DONE,
	             100);
	chunked_case("5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\nNEXT", "hello", HTTP_CHUNK_DONE,
	             100);
	/* chunked_lone_lf_refused: RFC 9112 7.1 ends every chunked line in CRLF;
	** a lone LF (after the size, after the data, ending a trailer or the
	** last chunk) could be framed otherwise by a proxy in front. */
	chunked_case("A\nabcdefghij\n0\n\nNEXT", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\nabc\r\n0\r\n\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3;x=1\nabc\r\n0\r\n\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\r\nabc\n0\r\n\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\r\nabc\r\n0\n\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\r\nabc\r\n0\r\n\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\r\nabc\r\n0\r\nX-T: 1\n\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\r\nabc\r\n0\r\nX-T: 1\r\n\r\nNEXT", "abc", HTTP_CHUNK_DONE, 100);
	chunked_case("0\r\n\r\nNEXT", "", HTTP_CHUNK_DONE, 0);
	chunked_case("zz\r\nabc\r\n0\r\n\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\r\nabcX\r\n0\r\n\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\rX\nabc\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("3\r\nabc\r\n0\r\n folded\r\n\r\n", NULL, HTTP_CHUNK_BAD, 100);
	chunked_case("ffffffffffffffff\r\n", NULL, HTTP_CHUNK_TOO_BIG, 100);
	chunked_case("65\r\n", NULL, HTTP_CHUNK_TOO_BIG, 100); /* 101 > 100 */
	chunked_case("32\r\n", NULL, HTTP_CHUNK_MORE, 100);    /* 50: waits for data */
	chunked_case("3\r\nabc\r\n3\r\ndef\r\n", NULL, HTTP_CHUNK_MORE, 5 + 1);
	chunked_case("3\r\nabc\r\n3\r\ndef\r\n", NULL, HTTP_CHUNK_TOO_BIG, 5);
}

/* Response headers: a value with a line break never goes out. */
static void test_field_ok(void)
{
	CHECK(http_field_ok("Location", "/a?b=c d\tx"));
	CHECK(http_field_ok("Set-Cookie", "a=b; Path=/; HttpOnly"));
	CHECK(!http_field_ok("Location", "/a\r\nSet-Cookie: x=y"));
	CHECK(!http_field_ok("Location", "/a\nb"));
	CHECK(!http_field_ok("Location", "/a\rb"));
	CHECK(!http_field_ok("X-A", "a\x7f"));
	CHECK(!http_field_ok("Bad Name", "v"));
	CHECK(!http_field_ok("", "v"));
	CHECK(!http_field_ok("X-A", NULL));
}

/* host_not_a_host_refused: '127.0.0.1@evil.example' was served. */
static void test_host(void)
{
	static const char *const good[] = {"example.com", "127.0.0.1", "127.0.0.1:8080",
	    "[::1]", "[::1]:80", "news.example.com:443", "xn--bcher-kva.example", "a%41b",
	    "localhost:", "", "a-b_c~d.e", NULL};
	static const char *const bad[] = {"127.0.0.1@evil.example", "user@host", "a b",
	    "host/path", "host?q", "host#f", "[::1", "[zz::1]", "[]", "::1", "host:80:80",
	    "host:123456", "host:8o", "a%4", "a%zz", "[::1]x", "h\"x", "h<x", NULL};
	for (int i = 0; good[i]; i++) {
		if (!http_host_ok(good[i]))
			fprintf(stderr, "refused host %s\n", good[i]);
		CHECK(http_host_ok(good[i]));
	}
	for (int i = 0; bad[i]; i++) {
		if (http_host_ok(bad[i]))
			fprintf(stderr, "accepted host %s\n", bad[i]);
		CHECK(!http_host_ok(bad[i]));
	}
	CHECK(status_of("GET / HTTP/1.1\r\nHost: 127.0.0.1@evil.example\r\n\r\n") == 400);
	CHECK(status_of("GET / HTTP/1.1\r\nhost: a b\r\n\r\n") == 400);
	CHECK(status_of("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n") == 0);
}

/* ipv6_counted_per_64: one subscriber's /64 is one address for the caps. */
static void test_ip_key(void)
{
	unsigned char a[16], b[16];
	CHECK(netaddr_key("2001:db8:1:2::1", a) == 0);
	CHECK(netaddr_key("2001:db8:1:2:ffff:1:2:3", b) == 0);
	CHECK(!memcmp(a, b, 16));
	CHECK(netaddr_key("2001:db8:1:3::1", b) == 0);
	CHECK(memcmp(a, b, 16) != 0);
	CHECK(netaddr_key("192.0.2.1", a) == 0);
	CHECK(netaddr_key("192.0.2.2", b) == 0);
	CHECK(memcmp(a, b, 16) != 0); /* IPv4: the whole address */
	CHECK(netaddr_key("::ffff:192.0.2.1", b) == 0);
	CHECK(netaddr_key("192.0.2.1", a) == 0);
	CHECK(!memcmp(a, b, 16));
	CHECK(netaddr_key("not an address", a) == -1);
}

int main(void)
{
	test_host();
	test_ip_key();
	test_field_ok();
	test_heads();
	test_chunked();
	return test_done();
}
