/*
** fuzz_multipart.c: multipart/form-data bodies, through multipart_parse()
** (src/http/multipart.c).
**
** Input: the Content-Type header value, a LF, then the body (any bytes).
**
** Checks the header's promises: -1 comes with *parts NULL, *n_parts 0 and
** a sentence in err; success gives at most MULTIPART_MAX_PARTS parts, each
** with a name and a content type, whose data lies inside the body and holds
** no "\r\n--boundary" delimiter; multipart_get() finds the first part of a
** name.  Then a round trip: the parts written out again as a plain form
** (when their names, filenames and types can be written as quoted strings)
** must parse back to the same parts.  The body is parsed from an exactly
** sized copy, so any read past its end is caught.
*/
#include "fuzz.h"
#include "core/arena.h"
#include "core/buf.h"
#include "http/multipart.h"

#include <string.h>

#define RT_BOUNDARY "fuzzRoundTrip7q"

/* 1 if s can be written inside a quoted-string as it is (no '"', '\\' or
** control characters); the parser would read it back unchanged. */
static int quotable(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7F)
			return 0;
	return 1;
}

/* 1 if a Content-Type value can be sent as it is and comes back the same:
** not empty, no controls, no space at either end. */
static int sendable_type(const char *s)
{
	size_t n = strlen(s);
	if (!n || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return 0;
	return 1;
}

static void check_parts(const char *ct, const char *body, size_t len,
                        const struct http_part *parts, size_t n)
{
	FUZZ_ASSERT(n <= MULTIPART_MAX_PARTS, "%zu parts", n);
	FUZZ_ASSERT((n == 0) == (parts == NULL), "parts %p for %zu parts", (void *)parts, n);
	(void)ct;
	for (size_t i = 0; i < n; i++) {
		const struct http_part *p = &parts[i];
		FUZZ_ASSERT(p->name && p->content_type, "part %zu: NULL name or type", i);
		FUZZ_ASSERT(p->len == 0 || (p->data >= body && p->data + p->len <= body + len),
		            "part %zu's data outside the body", i);
		if (i)
			FUZZ_ASSERT(p->len == 0 || parts[i - 1].len == 0 ||
			            p->data >= parts[i - 1].data + parts[i - 1].len,
			            "part %zu overlaps the one before", i);
		const struct http_part *g = multipart_get(parts, n, p->name);
		FUZZ_ASSERT(g && !strcmp(g->name, p->name) && g <= p, "multipart_get('%s')",
		            p->name);
	}
}

FUZZ_TARGET(multipart)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl)
		return 0;
	char *ct = fuzz_strndup(data, (size_t)(nl - data));
	size_t len = size - (size_t)(nl - data) - 1;
	char *body = malloc(len ? len : 1); /* exactly sized, no NUL after it */
	if (len)
		memcpy(body, nl + 1, len);

	struct arena *a = arena_new();
	struct http_part *parts = (void *)1;
	size_t n = 99;
	char err[200];
	memset(err, 'x', sizeof err);
	int rc = multipart_parse(a, ct, body, len, &parts, &n, err, sizeof err);
	FUZZ_ASSERT(rc == 0 || rc == -1, "returned %d", rc);
	if (rc == -1) {
		FUZZ_ASSERT(memchr(err, 0, sizeof err), "err not NUL-terminated");
		FUZZ_ASSERT(parts == NULL && n == 0, "error with parts");
		FUZZ_ASSERT(err[0] != 0, "error without a message");
	} else {
		check_parts(ct, body, len, parts, n);
	}
	/* A small err buffer must still be NUL-terminated; 0 must be accepted. */
	struct http_part *p2;
	size_t n2;
	char small[8];
	int rc2 = multipart_parse(a, ct, body, len, &p2, &n2, small, sizeof small);
	FUZZ_ASSERT(rc2 == rc && n2 == n, "second parse differs");
	FUZZ_ASSERT(rc2 == 0 || memchr(small, 0, sizeof small), "small err not terminated");
	FUZZ_ASSERT(multipart_parse(a, ct, body, len, &p2, &n2, NULL, 0) == rc, "errlen 0");

	/* The round trip. */
	int writable = rc == 0 && n > 0;
	for (size_t i = 0; writable && i < n; i++) {
		const struct http_part *p = &parts[i];
		size_t line = strlen("Content-Disposition: form-data; name=\"\"") + strlen(p->name) +
		              (p->filename ? strlen("; filename=\"\"") + strlen(p->filename) : 0);
		writable = quotable(p->name) && (!p->filename || quotable(p->filename)) &&
		           sendable_type(p->content_type) && line <= MULTIPART_MAX_LINE &&
		           strlen("Content-Type: ") + strlen(p->content_type) <= MULTIPART_MAX_LINE &&
		           !memmem(p->data, p->len, "\r\n--" RT_BOUNDARY, strlen(RT_BOUNDARY) + 4) &&
		           !(p->len >= 2 + strlen(RT_BOUNDARY) &&
		             !memcmp(p->data, "--" RT_BOUNDARY, 2 + strlen(RT_BOUNDARY)));
	}
	if (writable) {
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < n; i++) {
			const struct http_part *p = &parts[i];
			buf_printf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"", RT_BOUNDARY,
			           p->name);
			if (p->filename)
				buf_printf(&b, "; filename=\"%s\"", p->filename);
			buf_printf(&b, "\r\nContent-Type: %s\r\n\r\n", p->content_type);
			buf_put(&b, p->data, p->len);
			buf_puts(&b, "\r\n");
		}
		buf_printf(&b, "--%s--\r\n", RT_BOUNDARY);
		size_t blen;
		char *copy = buf_detach(&b, &blen);
		struct http_part *rt;
		size_t n_rt;
		int rc_rt = multipart_parse(a, "multipart/form-data; boundary=" RT_BOUNDARY, copy,
		                            blen, &rt, &n_rt, err, sizeof err);
		FUZZ_ASSERT(rc_rt == 0, "round trip refused: %s", err);
		FUZZ_ASSERT(n_rt == n, "round trip gave %zu parts, not %zu", n_rt, n);
		for (size_t i = 0; i < n; i++) {
			const struct http_part *p = &parts[i], *q = &rt[i];
			FUZZ_ASSERT(!strcmp(p->name, q->name), "part %zu name", i);
			FUZZ_ASSERT((!p->filename && !q->filename) ||
			            (p->filename && q->filename && !strcmp(p->filename, q->filename)),
			            "part %zu filename", i);
			FUZZ_ASSERT(!strcmp(p->content_type, q->content_type), "part %zu type", i);
			FUZZ_ASSERT(p->len == q->len && (!p->len || !memcmp(p->data, q->data, p->len)),
			            "part %zu data", i);
		}
		free(copy);
	}

	arena_free(a);
	free(body);
	free(ct);
	return 0;
}
