/*
** test_multipart.c: unit tests for src/http/multipart.c.
**
** Well-formed forms the way browsers and curl send them (quoted and
** unquoted boundaries, preambles and epilogues, file parts whose bytes hold
** NULs and near-miss delimiters, empty fields, escaped and unescaped
** filenames, filename*), then each kind of malformed body the header
** comment promises to refuse, the limits at and just past their edges, every
** prefix of a good body, and 10,000 random mutations of it.  Bodies are
** copied into buffers of exactly their size, so under ASan any read past
** the end fails the run.
*/
#include "core/arena.h"
#include "http/multipart.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CT "multipart/form-data; boundary=XyZ"

static char err[256];

/* Parses body[0..len) from an exactly sized copy.  Returns the result of
** multipart_parse; *parts point into the copy, which lives in a. */
static int parse_n(struct arena *a, const char *ct, const char *body, size_t len,
                   struct http_part **parts, size_t *n)
{
	char *copy = len ? malloc(len) : NULL;
	if (len)
		memcpy(copy, body, len);
	if (copy)
		arena_defer(a, free, copy);
	err[0] = '\0';
	return multipart_parse(a, ct, copy, len, parts, n, err, sizeof err);
}

static int parse(struct arena *a, const char *ct, const char *body, struct http_part **parts,
                 size_t *n)
{
	return parse_n(a, ct, body, strlen(body), parts, n);
}

/* 1 if the part's data is exactly s[0..len). */
static int data_is(const struct http_part *p, const char *s, size_t len)
{
	return p->len == len && (len == 0 || memcmp(p->data, s, len) == 0);
}

static int refused_with(struct arena *a, const char *ct, const char *body, const char *words)
{
	struct http_part *parts = (void *)1;
	size_t n = 99;
	int rc = parse(a, ct, body, &parts, &n);
	if (rc != -1 || parts != NULL || n != 0)
		return 0;
	if (!strstr(err, words)) {
		fprintf(stderr, "  message was: %s\n", err);
		return 0;
	}
	return 1;
}

static void test_good_forms(void)
{
	struct arena *a = arena_new();
	struct http_part *p;
	size_t n;

	/* A form as Chrome sends it: two fields and a file whose bytes hold a
	** NUL, CR LF, and delimiters that almost match. */
	static const char file[] = "\x89PNG\r\n\x1a\n\0\0\r\n--XyY\r\n--Xy\r\n-XyZ\n--XyZ";
	size_t file_len = sizeof file - 1;
	static const char head[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"csrf\"\r\n"
	    "\r\n"
	    "abc123\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"alt\"\r\n"
	    "\r\n"
	    "A cat, asleep\r\n"
	    "--XyZ\r\n"
	    "content-disposition: form-data; name=\"image\"; filename=\"cat.png\"\r\n"
	    "Content-Type: image/png\r\n"
	    "\r\n";
	static const char tail[] = "\r\n--XyZ--\r\n";
	char body[512];
	size_t len = 0;
	memcpy(body, head, sizeof head - 1);
	len += sizeof head - 1;
	memcpy(body + len, file, file_len);
	len += file_len;
	memcpy(body + len, tail, sizeof tail - 1);
	len += sizeof tail - 1;
	CHECK(parse_n(a, CT, body, len, &p, &n) == 0);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(p[0].name, "csrf");
		CHECK(p[0].filename == NULL);
		CHECK_STR(p[0].content_type, "text/plain");
		CHECK(data_is(&p[0], "abc123", 6));
		CHECK_STR(p[1].name, "alt");
		CHECK(data_is(&p[1], "A cat, asleep", 13));
		CHECK_STR(p[2].name, "image");
		CHECK_STR(p[2].filename, "cat.png");
		CHECK_STR(p[2].content_type, "image/png");
		CHECK(data_is(&p[2], file, file_len));
		CHECK(multipart_get(p, n, "alt") == &p[1]);
		CHECK(multipart_get(p, n, "image") == &p[2]);
		CHECK(multipart_get(p, n, "nope") == NULL);
	}

	/* The same without the final CRLF, with transport padding, a preamble
	** and an epilogue. */
	CHECK(parse(a, CT, "This is the preamble.\r\n--XyZ \t\r\n"
	                   "Content-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ--",
	            &p, &n) == 0 && n == 1 && data_is(&p[0], "x", 1));
	CHECK(parse(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n"
	                   "--XyZ-- \r\nepilogue, ignored\r\n--XyZ\r\nnonsense",
	            &p, &n) == 0 && n == 1);

	/* Quoted boundaries, with characters only a quoted one may hold; the
	** media type and parameter names in any case; other parameters. */
	CHECK(parse(a, "multipart/form-data; boundary=\"a b:c=d?(e)\"",
	            "--a b:c=d?(e)\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n"
	            "v\r\n--a b:c=d?(e)--\r\n", &p, &n) == 0 && n == 1 && data_is(&p[0], "v", 1));
	CHECK(parse(a, "Multipart/Form-Data;charset=utf-8;BOUNDARY=XyZ ; x=\"y\"",
	            "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--XyZ--\r\n",
	            &p, &n) == 0 && n == 1);
	/* The longest boundary RFC 2046 allows. */
	char ct70[128], body70[256];
	char b70[71];
	memset(b70, 'b', 70);
	b70[70] = '\0';
	snprintf(ct70, sizeof ct70, "multipart/form-data; boundary=%s", b70);
	snprintf(body70, sizeof body70,
	         "--%s\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--%s--\r\n",
	         b70, b70);
	CHECK(parse(a, ct70, body70, &p, &n) == 0 && n == 1);

	/* An empty field, and a file input left empty (filename ""). */
	CHECK(parse(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n"
	                   "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
	                   "Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n",
	            &p, &n) == 0 && n == 2);
	if (n == 2) {
		CHECK(p[0].len == 0 && p[0].filename == NULL);
		CHECK(p[1].len == 0 && p[1].filename && p[1].filename[0] == '\0');
		CHECK_STR(p[1].content_type, "application/octet-stream");
	}

	/* No parts at all. */
	CHECK(parse(a, CT, "--XyZ--\r\n", &p, &n) == 0 && n == 0 && p == NULL);

	/* Filenames: escaped quotes (older curl), backslashes kept (browsers),
	** a browser's file named `x\`, percent-encoding left alone, and
	** filename* used only without filename. */
	static const struct {
		const char *disposition;
		const char *filename;
	} names[] = {
		{"form-data; name=\"f\"; filename=\"a\\\"b.jpg\"", "a\"b.jpg"},
		{"form-data; name=\"f\"; filename=\"a\\\\b.jpg\"", "a\\b.jpg"},
		{"form-data; name=\"f\"; filename=\"C:\\dir\\x.jpg\"", "C:\\dir\\x.jpg"},
		{"form-data; name=\"f\"; filename=\"x\\\"", "x\\"},
		{"form-data; name=\"f\"; filename=\"%22q%22.jpg\"", "%22q%22.jpg"},
		{"form-data; name=\"f\"; filename*=UTF-8''%E2%82%AC.jpg", "\xE2\x82\xAC.jpg"},
		{"form-data; name=\"f\"; filename*=utf-8'en'a%20b.png", "a b.png"},
		{"form-data; name=\"f\"; filename=\"plain.jpg\"; filename*=UTF-8''other.jpg",
		 "plain.jpg"},
		{"form-data; name=\"f\"; filename*=ISO-8859-1''x.jpg", NULL},
		{"form-data; name=\"f\"; filename=\"a;b=c.jpg\"", "a;b=c.jpg"},
		{"FORM-DATA ; name = \"f\" ; filename = 'q.jpg' ;", "'q.jpg'"},
		{"form-data; name=\"f\"; filename=\"\xC3\xA9t\xC3\xA9.jpg\"", "\xC3\xA9t\xC3\xA9.jpg"},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char b[512];
		snprintf(b, sizeof b, "--XyZ\r\nContent-Disposition: %s\r\n\r\nD\r\n--XyZ--\r\n",
		         names[i].disposition);
		int rc = parse(a, CT, b, &p, &n);
		CHECK(rc == 0 && n == 1);
		if (rc == 0 && n == 1) {
			CHECK_STR(p[0].name, "f");
			if (names[i].filename)
				CHECK_STR(p[0].filename, names[i].filename);
			else
				CHECK(p[0].filename == NULL);
		} else {
			fprintf(stderr, "  case %zu: %s\n", i, err);
		}
	}

	/* Headers other than the three read here are ignored; a permitted
	** transfer encoding is accepted. */
	CHECK(parse(a, CT, "--XyZ\r\nX-Whatever: 1\r\nContent-Transfer-Encoding: binary\r\n"
	                   "Content-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--XyZ--",
	            &p, &n) == 0 && n == 1);
	arena_free(a);
}

static void test_limits(void)
{
	struct arena *a = arena_new();
	struct http_part *p;
	size_t n;
	struct {
		char *s;    /* the body being built */
		size_t len; /* bytes in s */
	} b = {malloc(1 << 16), 0};
#define ADD(str) do { size_t l_ = strlen(str); memcpy(b.s + b.len, str, l_); b.len += l_; } while (0)

	/* MULTIPART_MAX_PARTS parts pass; one more is refused. */
	for (int extra = 0; extra <= 1; extra++) {
		b.len = 0;
		for (int i = 0; i < MULTIPART_MAX_PARTS + extra; i++)
			ADD("--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n");
		ADD("--XyZ--\r\n");
		b.s[b.len] = '\0';
		int rc = parse(a, CT, b.s, &p, &n);
		if (!extra)
			CHECK(rc == 0 && n == MULTIPART_MAX_PARTS);
		else
			CHECK(rc == -1 && strstr(err, "more than 64 parts"));
	}

	/* A header line of MULTIPART_MAX_LINE bytes passes; one byte more is
	** refused. */
	for (int extra = 0; extra <= 1; extra++) {
		static const char pre[] = "Content-Disposition: form-data; name=\"";
		size_t name_len = MULTIPART_MAX_LINE - (sizeof pre - 1) - 1 + (size_t)extra;
		b.len = 0;
		ADD("--XyZ\r\n");
		ADD(pre);
		memset(b.s + b.len, 'n', name_len);
		b.len += name_len;
		ADD("\"\r\n\r\nv\r\n--XyZ--\r\n");
		b.s[b.len] = '\0';
		int rc = parse(a, CT, b.s, &p, &n);
		if (!extra)
			CHECK(rc == 0 && n == 1 && strlen(p[0].name) == name_len);
		else
			CHECK(rc == -1 && strstr(err, "longer than 2048 bytes"));
	}

	/* MULTIPART_MAX_HEADERS header lines pass; one more is refused. */
	for (int extra = 0; extra <= 1; extra++) {
		b.len = 0;
		ADD("--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n");
		for (int i = 1; i < MULTIPART_MAX_HEADERS + extra; i++)
			ADD("X-Filler: 1\r\n");
		ADD("\r\nv\r\n--XyZ--\r\n");
		b.s[b.len] = '\0';
		int rc = parse(a, CT, b.s, &p, &n);
		if (!extra)
			CHECK(rc == 0 && n == 1);
		else
			CHECK(rc == -1 && strstr(err, "more than 16 header lines"));
	}
	free(b.s);
#undef ADD

	/* A megabyte of header line with no line end at all. */
	size_t big = 1 << 20;
	char *huge = malloc(big + 64);
	strcpy(huge, "--XyZ\r\nContent-Disposition: form-data; name=\"");
	size_t at = strlen(huge);
	memset(huge + at, 'x', big - at);
	CHECK(parse_n(a, CT, huge, big, &p, &n) == -1 && strstr(err, "longer than"));

	/* A megabyte of part data made of near-miss delimiters: parsed in one
	** pass (a quadratic search would take minutes here). */
	static const char open[] = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n";
	size_t len = sizeof open - 1;
	memcpy(huge, open, len);
	while (len + 32 < big) {
		memcpy(huge + len, "\r\n--Xy\r\n--Xyz-", 14); /* never "\r\n--XyZ" */
		len += 14;
	}
	size_t data_len = len - (sizeof open - 1);
	memcpy(huge + len, "\r\n--XyZ--", 9);
	len += 9;
	CHECK(parse_n(a, CT, huge, len, &p, &n) == 0 && n == 1 && p[0].len == data_len);
	free(huge);
	arena_free(a);
}

static void test_malformed(void)
{
	struct arena *a = arena_new();
	static const char ok_part[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--XyZ--\r\n";
	struct http_part *p;
	size_t n;
	CHECK(parse(a, CT, ok_part, &p, &n) == 0);

	/* The request's Content-Type. */
	CHECK(refused_with(a, NULL, ok_part, "not a multipart/form-data form"));
	CHECK(refused_with(a, "application/x-www-form-urlencoded", ok_part,
	                   "not a multipart/form-data form"));
	CHECK(refused_with(a, "multipart/form-dataX; boundary=XyZ", ok_part, "not a multipart"));
	CHECK(refused_with(a, "multipart/form-data", ok_part, "no valid boundary"));
	CHECK(refused_with(a, "multipart/form-data; boundary=", ok_part, "malformed"));
	CHECK(refused_with(a, "multipart/form-data; boundary=\"\"", ok_part, "no valid boundary"));
	CHECK(refused_with(a, "multipart/form-data; boundary=\"XyZ ", ok_part, "malformed"));
	CHECK(refused_with(a, "multipart/form-data; boundary=\"Xy \"", ok_part,
	                   "no valid boundary"));
	CHECK(refused_with(a, "multipart/form-data; boundary=Xy{Z", ok_part, "no valid boundary"));
	CHECK(refused_with(a, "multipart/form-data; boundary=\"X\\\"Z\"", ok_part,
	                   "no valid boundary"));
	CHECK(refused_with(a, "multipart/form-data; boundary=XyZ; boundary=XyZ", ok_part,
	                   "two boundaries"));
	char ct71[128];
	snprintf(ct71, sizeof ct71, "multipart/form-data; boundary=%071d", 7);
	CHECK(refused_with(a, ct71, ok_part, "no valid boundary"));

	/* The body's frame. */
	CHECK(refused_with(a, CT, "", "does not contain its boundary"));
	CHECK(refused_with(a, CT, "just some text", "does not contain its boundary"));
	CHECK(refused_with(a, CT, "--XyZ", "cut off"));
	CHECK(refused_with(a, CT, "--XyZ\r\n", "cut off"));
	CHECK(refused_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv",
	                   "cut off"));
	CHECK(refused_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv"
	                          "\r\n--XyZ", "cut off"));
	CHECK(refused_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv"
	                          "\r\n--XyZ\r\n", "cut off"));
	CHECK(refused_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"",
	                   "cut off"));
	CHECK(refused_with(a, CT, "--XyZabc\r\nContent-Disposition: form-data; name=f\r\n\r\nv"
	                          "\r\n--XyZ--", "text after the boundary"));
	CHECK(refused_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\nv"
	                          "\r\n--XyZ-x\r\n--XyZ--", "text after the boundary"));
	CHECK(refused_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\nv"
	                          "\r\n--XyZ--garbage", "text follows its closing boundary"));
	CHECK(refused_with(a, CT, "--XyZ\nContent-Disposition: form-data; name=f\n\nv\n--XyZ--\n",
	                   "text after the boundary"));
	CHECK(refused_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=f\n\r\nv"
	                          "\r\n--XyZ--", "without a carriage return"));
	CHECK(refused_with(a, CT, "--XyZ\r\n\nv\r\n--XyZ--", "without a carriage return"));

	/* Part headers. */
	static const struct {
		const char *headers; /* between "--XyZ\r\n" and the empty line */
		const char *words;
	} bad[] = {
		{"", "no Content-Disposition"},
		{"Content-Type: text/plain\r\n", "no Content-Disposition"},
		{"Content-Disposition: attachment; name=\"f\"\r\n", "not form-data"},
		{"Content-Disposition: form-data\r\n", "no field name"},
		{"Content-Disposition: form-data; filename=\"a.jpg\"\r\n", "no field name"},
		{"Content-Disposition: form-data; name=\"f\"; name=\"g\"\r\n", "twice"},
		{"Content-Disposition: form-data; name=\"f\"; filename=a; filename=b\r\n", "twice"},
		{"Content-Disposition: form-data; name=\"f\"\r\nContent-Disposition: form-data; "
		 "name=\"g\"\r\n", "two Content-Disposition"},
		{"Content-Disposition: form-data; name=\"f\"\r\nContent-Type: a/b\r\n"
		 "Content-Type: c/d\r\n", "two Content-Type"},
		{"Content-Disposition: form-data; name=\"f\"\r\n filename=\"x\"\r\n", "folded"},
		{"Content-Disposition: form-data; name=\"f\x01\"\r\n", "control character"},
		{"Content-Disposition: form-data; name=\"f\x7f\"\r\n", "control character"},
		{"Content-Disposition: form-data; name=\"f\r\n", "cannot be read"},
		{"Content-Disposition: form-data; name=\"f\" filename=\"x\"\r\n", "cannot be read"},
		{"Content-Disposition: form-data; name\r\n", "cannot be read"},
		{"Content-Disposition: form-data; =x\r\n", "cannot be read"},
		{"Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%00.jpg\r\n",
		 "filename*"},
		{"Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%G1.jpg\r\n",
		 "filename*"},
		{"Content-Disposition: form-data; name=\"f\"; filename*=nonsense\r\n", "filename*"},
		{"Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%4\r\n", "filename*"},
		{"Content-Disposition form-data; name=\"f\"\r\n", "no name"},
		{": x\r\nContent-Disposition: form-data; name=\"f\"\r\n", "no name"},
		{"Content-Disposition: form-data; name=\"f\"\r\n"
		 "Content-Transfer-Encoding: base64\r\n", "transfer encoding"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char b[512];
		snprintf(b, sizeof b, "--XyZ\r\n%s\r\nv\r\n--XyZ--\r\n", bad[i].headers);
		int ok = refused_with(a, CT, b, bad[i].words);
		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  case %zu\n", i);
	}

	/* A NUL inside a header line. */
	static const char nul_hdr[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nv\r\n--XyZ--\r\n";
	CHECK(parse_n(a, CT, nul_hdr, sizeof nul_hdr - 1, &p, &n) == -1 &&
	      strstr(err, "control character"));

	/* A zero-length error buffer is left alone. */
	CHECK(multipart_parse(a, CT, "x", 1, &p, &n, NULL, 0) == -1);
	arena_free(a);
}

/* Every prefix of a good body is refused, except the one that ends with
** the closing delimiter (its final CRLF is optional; a lone CR is not). */
static void test_prefixes(void)
{
	static const char body[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.png\"\r\n"
	    "Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--XyZ--\r\n";
	size_t len = sizeof body - 1, close_end = len - 2;
	int bad = 0;
	for (size_t i = 0; i <= len; i++) {
		struct arena *a = arena_new();
		struct http_part *p;
		size_t n;
		int rc = parse_n(a, CT, body, i, &p, &n);
		if (i == close_end || i == len ? rc != 0 || n != 2 : rc != -1 || n != 0 || err[0] == '\0') {
			bad++;
			fprintf(stderr, "  prefix %zu: rc %d, %s\n", i, rc, err);
		}
		arena_free(a);
	}
	CHECK(bad == 0);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* 10,000 mutations of a good body: bytes changed, tokens spliced in,
** ranges cut out, the end cut off.  None may crash or read out of bounds
** (ASan watches the exactly sized buffers), and a success must describe
** parts inside the body. */
static void test_mutations(void)
{
	static const char body[] =
	    "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n"
	    "--XyZ\r\ncontent-disposition: form-data; name=\"f\"; filename=\"x\\\"y.png\"; "
	    "filename*=UTF-8''%41\r\nContent-Type: image/png\r\n"
	    "Content-Transfer-Encoding: binary\r\n\r\n\x89PNG\r\n\x1a\n\0\r\n--Xy\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=e\r\n\r\n\r\n--XyZ--  \r\nepilogue";
	static const char *const tokens[] = {"\r\n", "\n", "\r", "--", "--XyZ", "\r\n--XyZ",
	                                     "\"", "\\", ";", "=", ":", " ", "\0",
	                                     "filename=", "name=", "Content-Disposition: "};
	size_t len = sizeof body - 1;
	char *work = malloc(len * 2 + 64);
	int bad = 0, accepted = 0;
	for (int iter = 0; iter < 10000; iter++) {
		size_t n_work = len;
		memcpy(work, body, len);
		int n_mut = 1 + (int)(rng() % 6);
		for (int m = 0; m < n_mut && n_work > 0; m++) {
			size_t at = (size_t)(rng() % n_work);
			switch (rng() % 5) {
			case 0: /* a random byte */
				work[at] = (char)rng();
				break;
			case 1: { /* a token spliced in */
				const char *t = tokens[rng() % (sizeof tokens / sizeof *tokens)];
				size_t tl = *t ? strlen(t) : 1;
				if (n_work + tl <= len * 2) {
					memmove(work + at + tl, work + at, n_work - at);
					memcpy(work + at, t, tl);
					n_work += tl;
				}
				break;
			}
			case 2: { /* a range cut out */
				size_t cut = 1 + (size_t)(rng() % 16);
				if (cut > n_work - at)
					cut = n_work - at;
				memmove(work + at, work + at + cut, n_work - at - cut);
				n_work -= cut;
				break;
			}
			case 3: /* the end cut off */
				n_work = at;
				break;
			default: /* a bit flipped */
				work[at] ^= (char)(1u << (rng() % 8));
				break;
			}
		}
		struct arena *a = arena_new();
		char *copy = malloc(n_work ? n_work : 1);
		memcpy(copy, work, n_work);
		struct http_part *p;
		size_t n;
		int rc = multipart_parse(a, CT, copy, n_work, &p, &n, err, sizeof err);
		if (rc == 0) {
			accepted++;
			for (size_t i = 0; i < n; i++) {
				if (!p[i].name || !p[i].content_type || p[i].data < copy ||
				    p[i].len > n_work || p[i].data + p[i].len > copy + n_work)
					bad++;
			}
		} else if (rc != -1 || err[0] == '\0' || n != 0 || p != NULL) {
			bad++;
		}
		free(copy);
		arena_free(a);
	}
	free(work);
	CHECK(bad == 0);
	CHECK(accepted > 0);       /* some mutations leave a valid form */
	CHECK(accepted < 10000);   /* and most do not */
	printf("mutations: %d of 10000 still parse\n", accepted);
}

int main(void)
{
	test_good_forms();
	test_limits();
	test_malformed();
	test_prefixes();
	test_mutations();
	return test_done();
}
