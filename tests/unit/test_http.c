/*
** test_http.c: unit tests for the request parsing in src/http/request.c,
** without a server: http_decode(), http_parse_urlencoded(), and
** http_query() over a hand-made struct http_req (the query string needs no
** connection; forms and cookies read headers through the server, so the
** request tests cover them).
**
** Percent-decoding is checked over every byte value both ways (%XX in
** upper and lower case give the byte; a '%' not followed by two hex digits
** stays as it is), and NUL bytes from %00 are checked through the lengths.
** The security headers' one list (http_security_headers, which the
** server's own refusals carry too) is checked here.
*/
#include "core/arena.h"
#include "http/http.h"
#include "test.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* http_decode of a C string; the length goes to *len. */
static char *dec(struct arena *a, const char *s, int plus, size_t *len)
{
	return http_decode(a, s, strlen(s), plus, len);
}

static int decodes(struct arena *a, const char *s, int plus, const char *want, size_t want_len)
{
	size_t len = 12345;
	char *got = dec(a, s, plus, &len);
	int ok = got && len == want_len && memcmp(got, want, want_len) == 0 && got[len] == 0;
	if (!ok)
		fprintf(stderr, "http_decode(\"%s\", %d): got %zu bytes \"%s\"\n", s, plus, len,
		        got ? got : "(null)");
	return ok;
}

#define DECODES(s, plus, want) CHECK(decodes(a, (s), (plus), (want), sizeof(want) - 1))

static void test_decode(void)
{
	struct arena *a = arena_new();

	/* plus signs */
	DECODES("a+b", 1, "a b");
	DECODES("a+b", 0, "a+b");
	DECODES("+++", 1, "   ");
	DECODES("%2B", 1, "+");  /* an encoded plus stays a plus */
	DECODES("%2b+%20", 1, "+  ");
	DECODES("%20", 0, " ");

	/* %XX, upper and lower case, and mixed */
	DECODES("%41%42%43", 1, "ABC");
	DECODES("%e9", 1, "\xE9");
	DECODES("%E9", 1, "\xE9");
	DECODES("%c3%A9", 1, "\xC3\xA9");
	DECODES("caf%C3%A9", 1, "caf\xC3\xA9");
	DECODES("%7e%7E", 1, "~~");
	DECODES("%ff%FF%Ff", 1, "\xFF\xFF\xFF");

	/* bad escapes stay as they are */
	DECODES("%G1", 1, "%G1");
	DECODES("%1G", 1, "%1G");
	DECODES("%", 1, "%");
	DECODES("%4", 1, "%4");
	DECODES("a%", 1, "a%");
	DECODES("a%4", 1, "a%4");
	DECODES("%%41", 1, "%A");
	DECODES("100%", 1, "100%");
	DECODES("%zz%41", 1, "%zzA");
	DECODES("% 41", 1, "% 41");
	DECODES("%+41", 1, "% 41");
	DECODES("%-1", 1, "%-1");
	DECODES("%%", 1, "%%");
	DECODES("%%%", 1, "%%%");
	DECODES("%4%41", 1, "%4A");
	DECODES("%414", 1, "A4");  /* two digits, no more */

	/* NUL bytes: the length tells */
	DECODES("%00", 1, "\0");
	DECODES("a%00b", 1, "a\0b");
	DECODES("%00%00", 1, "\0\0");
	DECODES("", 1, "");

	/* len_out may be NULL */
	CHECK_STR(http_decode(a, "x%41", 4, 1, NULL), "xA");
	/* n bounds the input: a '%' cut by n is not an escape */
	size_t len;
	char *s = http_decode(a, "ab%41", 3, 1, &len);
	CHECK(len == 3 && strcmp(s, "ab%") == 0);
	s = http_decode(a, "ab%41", 4, 1, &len);
	CHECK(len == 4 && strcmp(s, "ab%4") == 0);

	/* Every byte value: %XX in both cases gives it; a raw byte (not '%' or
	** '+') passes through. */
	int all = 1;
	for (int c = 0; c < 256; c++) {
		char in[4];
		snprintf(in, sizeof in, "%%%02X", c);
		s = http_decode(a, in, 3, 1, &len);
		if (len != 1 || (unsigned char)s[0] != c)
			all = 0;
		snprintf(in, sizeof in, "%%%02x", c);
		s = http_decode(a, in, 3, 1, &len);
		if (len != 1 || (unsigned char)s[0] != c)
			all = 0;
		if (c != '%' && c != '+') {
			char raw = (char)c;
			s = http_decode(a, &raw, 1, 1, &len);
			if (len != 1 || (unsigned char)s[0] != c)
				all = 0;
		}
	}
	CHECK(all);
	/* '%' then every non-hex byte: left alone. */
	all = 1;
	for (int c = 0; c < 256; c++) {
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
			continue;
		char in[3] = {'%', (char)c, '1'};
		s = http_decode(a, in, 3, 0, &len);
		if (len != 3 || memcmp(s, in, 3) != 0)
			all = 0;
	}
	CHECK(all);
	arena_free(a);
}

/* The pairs of a urlencoded text, as "name=value" joined by '&', with NUL
** bytes in values shown as "\0", for readable expectations. */
static const char *pairs(struct arena *a, const char *s, size_t *n_out)
{
	size_t n = 999;
	struct http_param *p = http_parse_urlencoded(a, s, strlen(s), &n);
	char out[2000] = "";
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(out);
		snprintf(out + k, sizeof out - k, "%s%s=", i ? "&" : "", p[i].name);
		for (size_t j = 0; j < p[i].len; j++) {
			k = strlen(out);
			if (p[i].value[j] == 0)
				snprintf(out + k, sizeof out - k, "\\0");
			else
				snprintf(out + k, sizeof out - k, "%c", p[i].value[j]);
		}
	}
	if (n_out)
		*n_out = n;
	return arena_strdup(a, out);
}

static void test_urlencoded(void)
{
	struct arena *a = arena_new();
	size_t n;

	CHECK_STR(pairs(a, "a=1&b=2", &n), "a=1&b=2");
	CHECK(n == 2);
	CHECK_STR(pairs(a, "", &n), "");
	CHECK(n == 0);
	CHECK_STR(pairs(a, "&", &n), "");
	CHECK(n == 0);
	CHECK_STR(pairs(a, "&&&", &n), "");
	CHECK(n == 0);
	CHECK_STR(pairs(a, "a=1&&b=2&", &n), "a=1&b=2");
	CHECK(n == 2);
	CHECK_STR(pairs(a, "&a=1", &n), "a=1");
	CHECK(n == 1);

	/* plus signs and escapes, in names and values */
	CHECK_STR(pairs(a, "first+name=Jo+Smith", NULL), "first name=Jo Smith");
	CHECK_STR(pairs(a, "q=caf%C3%A9+%26+cr%c3%a8me", NULL), "q=caf\xC3\xA9 & cr\xC3\xA8me");
	CHECK_STR(pairs(a, "a%3Db=c", NULL), "a=b=c");   /* encoded '=' in the name */
	CHECK_STR(pairs(a, "a=b%26c=d", NULL), "a=b&c=d"); /* encoded '&' in the value */
	CHECK_STR(pairs(a, "x=%2B1", NULL), "x=+1");
	CHECK_STR(pairs(a, "bad=%G1%&e=%4", NULL), "bad=%G1%&e=%4");

	/* empty keys and values */
	CHECK_STR(pairs(a, "=v", &n), "=v");
	CHECK(n == 1);
	CHECK_STR(pairs(a, "=", &n), "=");
	CHECK(n == 1);
	CHECK_STR(pairs(a, "k", &n), "k=");
	CHECK(n == 1);
	CHECK_STR(pairs(a, "k=", &n), "k=");
	CHECK(n == 1);
	CHECK_STR(pairs(a, "a=b=c", NULL), "a=b=c"); /* the first '=' splits */

	/* repeated keys are all kept, in order */
	struct http_param *p = http_parse_urlencoded(a, "a=1&b=2&a=3", 11, &n);
	CHECK(n == 3);
	CHECK_STR(p[0].name, "a");
	CHECK_STR(p[0].value, "1");
	CHECK_STR(p[2].name, "a");
	CHECK_STR(p[2].value, "3");

	/* lengths: empty value, NUL bytes through %00 */
	p = http_parse_urlencoded(a, "k&e=&z=%00&m=a%00b%00", 21, &n);
	CHECK(n == 4);
	CHECK(p[0].len == 0 && p[0].value[0] == 0);
	CHECK(p[1].len == 0 && p[1].value[0] == 0);
	CHECK(p[2].len == 1 && p[2].value[0] == 0);
	CHECK(p[3].len == 4 && memcmp(p[3].value, "a\0b\0", 5) == 0);
	CHECK_STR(pairs(a, "m=a%00b", NULL), "m=a\\0b");

	/* raw NUL bytes inside the text are kept in values */
	static const char raw[] = "k=a\0b&j=2";
	p = http_parse_urlencoded(a, raw, sizeof raw - 1, &n);
	CHECK(n == 2 && p[0].len == 3 && memcmp(p[0].value, "a\0b", 3) == 0);
	CHECK_STR(p[1].name, "j");

	/* n bounds the input */
	p = http_parse_urlencoded(a, "a=1&b=2", 3, &n);
	CHECK(n == 1 && p[0].len == 1 && p[0].value[0] == '1');

	/* many pairs */
	char big[20000] = "";
	size_t k = 0;
	for (int i = 0; i < 1000; i++)
		k += (size_t)snprintf(big + k, sizeof big - k, "%sk%d=v%d", i ? "&" : "", i, i);
	p = http_parse_urlencoded(a, big, k, &n);
	CHECK(n == 1000);
	CHECK_STR(p[999].name, "k999");
	CHECK_STR(p[999].value, "v999");
	arena_free(a);
}

static void test_query(void)
{
	struct http_req req;
	memset(&req, 0, sizeof req);
	req.a = arena_new();
	req.query = "q=hello+world&page=2&page=3&e=&z=a%00b&flag";
	size_t len = 99;
	CHECK_STR(http_query(&req, "q", &len), "hello world");
	CHECK(len == 11);
	CHECK_STR(http_query(&req, "page", NULL), "2"); /* the first of a repeated name */
	CHECK_STR(http_query(&req, "e", &len), "");
	CHECK(len == 0);
	CHECK(http_query(&req, "z", &len) != NULL && len == 3);
	CHECK_STR(http_query(&req, "flag", &len), "");
	CHECK(http_query(&req, "missing", NULL) == NULL);
	CHECK(http_query(&req, "Q", NULL) == NULL); /* names are case-sensitive */
	CHECK(req.query_parsed && req.n_query_params == 6);
	arena_free(req.a);

	memset(&req, 0, sizeof req);
	req.a = arena_new();
	req.query = "";
	CHECK(http_query(&req, "q", NULL) == NULL);
	arena_free(req.a);
}

/* HTTP-dates: the three forms RFC 9110 section 5.6.7 says to accept, and
** nothing around them. */
static void test_dates(void)
{
	const time_t t = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
	CHECK(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT") == t);
	CHECK(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT") == t);
	CHECK(http_date_parse("Sun Nov  6 08:49:37 1994") == t);
	CHECK(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT  ") == t);
	CHECK(http_date_parse("junk Sun, 06 Nov 1994 08:49:37 GMT") == 0);
	CHECK(http_date_parse("XYZ, 06 Nov 1994 08:49:37 GMT") == 0);
	CHECK(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT; length=12") == 0);
	CHECK(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMTx") == 0);
	CHECK(http_date_parse("Sunday, 06 Nov 1994 08:49:37 GMT") == 0);
	CHECK(http_date_parse("Sun, 06-Nov-94 08:49:37 GMT") == 0);
	CHECK(http_date_parse("Xyz Nov  6 08:49:37 1994") == 0);
	CHECK(http_date_parse("Sun Nov  6 08:49:37 1994 extra") == 0);
	CHECK(http_date_parse("Sun, 31 Feb 2024 08:49:37 GMT") == 0);
	CHECK(http_date_parse("") == 0);
	char buf[40];
	http_date_format(t, buf, sizeof buf);
	CHECK_STR(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	CHECK(http_date_parse(buf) == t);
}

static const char *resp_header(const struct http_resp *r, const char *name)
{
	for (int i = 0; i < r->n_headers; i++)
		if (!strcmp(r->hnames[i], name))
			return r->hvalues[i];
	return NULL;
}

/* refusal_security_headers: one list for pages and the server's refusals. */
static void test_security_headers(void)
{
	struct http_resp r;
	memset(&r, 0, sizeof r);
	http_security_headers(&r, 0);
	CHECK(resp_header(&r, "X-Content-Type-Options") &&
	      !strcmp(resp_header(&r, "X-Content-Type-Options"), "nosniff"));
	CHECK(resp_header(&r, "X-Frame-Options") &&
	      !strcmp(resp_header(&r, "X-Frame-Options"), "SAMEORIGIN"));
	CHECK(resp_header(&r, "Referrer-Policy") != NULL);
	const char *csp = resp_header(&r, "Content-Security-Policy");
	CHECK(csp && strstr(csp, "script-src 'none'") && strstr(csp, "frame-ancestors 'self'"));
	CHECK(resp_header(&r, "Strict-Transport-Security") == NULL);
	int n = r.n_headers;
	http_security_headers(&r, 1);
	CHECK(r.n_headers == n + 1); /* the same four replaced, HSTS added */
	CHECK(resp_header(&r, "Strict-Transport-Security") != NULL);
}

int main(void)
{
	test_security_headers();
	test_dates();
	test_decode();
	test_urlencoded();
	test_query();
	return test_done();
}
