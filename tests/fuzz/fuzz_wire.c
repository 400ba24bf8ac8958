/*
** fuzz_wire.c: the HTTP/1.1 wire format (src/http/parse.c): request heads
** and chunked bodies, the bytes every client controls first.
**
** Input: the first byte picks where the stream is split in two (as two
** reads would deliver it); the rest is the stream.
**
** Checks: http_head_end() finds the same end (or the same refusal) fed the
** stream whole and in two pieces, the end lies inside the input and is
** preceded by a blank line; an accepted head has a token method, a target
** with no whitespace or control byte, at most HTTP_MAX_FIELDS fields whose
** names are tokens and whose values hold no CR, LF or NUL and do not start
** or end with whitespace; a refusal is one of 400, 414, 431, 505 with a
** reason.  The same bytes as a chunked body decode to the same data and
** result whole and split, never past the limit, and consume no more than
** they were given.
*/
#include "fuzz.h"
#include "core/buf.h"
#include "http/parse.h"

#include <stdlib.h>
#include <string.h>

static int tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void check_head(const char *data, size_t n, size_t split)
{
	size_t scan = 0;
	long whole = http_head_end(data, n, &scan);
	size_t scan2 = 0;
	long first = http_head_end(data, split, &scan2);
	if (first == 0) {
		long second = http_head_end(data, n, &scan2);
		FUZZ_ASSERT(second == whole, "split at %zu gives %ld, whole %ld", split, second,
		            whole);
	} else if (first > 0) {
		FUZZ_ASSERT(first == whole, "end %ld in the first piece, whole %ld", first, whole);
	} /* a refusal on the first piece alone may come before the whole says more */
	if (whole <= 0) {
		FUZZ_ASSERT(whole == 0 || whole == -400 || whole == -414 || whole == -431,
		            "refused with %ld", whole);
		return;
	}
	FUZZ_ASSERT((size_t)whole <= n && whole >= 2, "end %ld outside %zu bytes", whole, n);
	FUZZ_ASSERT(data[whole - 1] == '\n', "end not after a LF");
	char *copy = fuzz_strndup(data, (size_t)whole);
	struct http_head h;
	const char *why = NULL;
	int rc = http_parse_head(copy, (size_t)whole, &h, &why);
	if (rc) {
		FUZZ_ASSERT(rc == 400 || rc == 414 || rc == 431 || rc == 505, "status %d", rc);
		FUZZ_ASSERT(why && *why, "no reason for %d", rc);
	} else {
		FUZZ_ASSERT(h.method && *h.method, "no method");
		for (const char *p = h.method; *p; p++)
			FUZZ_ASSERT(tchar((unsigned char)*p), "method byte %02x", (unsigned char)*p);
		FUZZ_ASSERT(h.target && *h.target, "no target");
		for (const unsigned char *p = (const unsigned char *)h.target; *p; p++)
			FUZZ_ASSERT(*p > ' ' && *p != 0x7f, "target byte %02x", *p);
		FUZZ_ASSERT(strlen(h.target) <= HTTP_MAX_SEARCH_TARGET, "target too long");
		FUZZ_ASSERT(h.minor >= 0 && h.minor <= 9, "minor %d", h.minor);
		FUZZ_ASSERT(h.n_fields >= 0 && h.n_fields <= HTTP_MAX_FIELDS, "%d fields", h.n_fields);
		for (int i = 0; i < h.n_fields; i++) {
			const char *nm = h.fields[i].name, *v = h.fields[i].value;
			FUZZ_ASSERT(*nm, "empty field name");
			for (const char *p = nm; *p; p++)
				FUZZ_ASSERT(tchar((unsigned char)*p), "name byte %02x", (unsigned char)*p);
			size_t vl = strlen(v);
			FUZZ_ASSERT(!strpbrk(v, "\r\n"), "CR or LF in a value");
			FUZZ_ASSERT(!vl || (v[0] != ' ' && v[0] != '\t' && v[vl - 1] != ' ' &&
			                    v[vl - 1] != '\t'), "value keeps its whitespace");
			FUZZ_ASSERT(http_head_field(&h, nm, NULL) != NULL, "field %s not found", nm);
		}
	}
	free(copy);
}

static void check_chunked(const char *data, size_t n, size_t split)
{
	size_t limit = 1000;
	struct http_chunked a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	struct buf oa = BUF_INIT, ob = BUF_INIT;
	size_t ua = 0, ub1 = 0, ub2 = 0;
	int ra = http_chunked_feed(&a, data, n, &ua, &oa, limit);
	int rb = http_chunked_feed(&b, data, split, &ub1, &ob, limit);
	if (rb == HTTP_CHUNK_MORE) {
		FUZZ_ASSERT(ub1 == split, "MORE but used %zu of %zu", ub1, split);
		rb = http_chunked_feed(&b, data + split, n - split, &ub2, &ob, limit);
	}
	FUZZ_ASSERT(ua <= n && ub1 + ub2 <= n, "used more than given");
	FUZZ_ASSERT(oa.len <= limit && ob.len <= limit, "decoded past the limit");
	FUZZ_ASSERT(ra == rb, "whole %d, split at %zu %d", ra, split, rb);
	if (ra == HTTP_CHUNK_DONE || ra == HTTP_CHUNK_MORE) {
		FUZZ_ASSERT(oa.len == ob.len && (!oa.len || !memcmp(oa.data, ob.data, oa.len)),
		            "decoded differently");
		FUZZ_ASSERT(ua == ub1 + ub2, "consumed %zu whole, %zu split", ua, ub1 + ub2);
	}
	if (ra == HTTP_CHUNK_MORE)
		FUZZ_ASSERT(ua == n, "MORE but used %zu of %zu", ua, n);
	buf_free(&oa);
	buf_free(&ob);
}

FUZZ_TARGET(wire)
{
	if (size < 1)
		return 0;
	size_t n = size - 1;
	size_t split = n ? data[0] % (n + 1) : 0;
	const char *s = fuzz_guarded(data + 1, n);
	check_head(s, n, split);
	check_chunked(s, n, split);
	return 0;
}
