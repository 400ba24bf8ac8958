/*
** test_escape.c: unit tests for src/core/escape.c, src/core/url.c and
** src/core/utf8.c.
**
** Each escaper is run over every byte value, alone and inside text, and
** (esc_xml, esc_json) over every Unicode scalar value.  Its output is read
** back by a small decoder written here, independent of the code under test:
** the decoder refuses anything the context would misread (a raw '<' in
** HTML, a control character in XML, a raw U+2028 in JSON, ...) and must give
** back the input, with the documented substitutions (U+FFFD for NUL in
** HTML and for ill-formed UTF-8 in XML and JSON; XML's forbidden characters
** dropped).  UTF-8 validity is checked against a transcription of Unicode's
** Table 3-7 over every 1-, 2- and 3-byte sequence.
*/
#include "core/buf.h"
#include "core/escape.h"
#include "core/url.h"
#include "core/utf8.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FFFD "\xEF\xBF\xBD"

/* ---- an independent UTF-8 reader: Unicode 15, Table 3-7 ---- */

/* Length of the well-formed sequence at s[0..n), or 0 if there is none. */
static size_t ref_utf8_len(const unsigned char *s, size_t n)
{
	static const struct { unsigned char lo0, hi0, lo1, hi1; size_t len; } rows[] = {
		{0x00, 0x7F, 0, 0, 1},
		{0xC2, 0xDF, 0x80, 0xBF, 2},
		{0xE0, 0xE0, 0xA0, 0xBF, 3},
		{0xE1, 0xEC, 0x80, 0xBF, 3},
		{0xED, 0xED, 0x80, 0x9F, 3},
		{0xEE, 0xEF, 0x80, 0xBF, 3},
		{0xF0, 0xF0, 0x90, 0xBF, 4},
		{0xF1, 0xF3, 0x80, 0xBF, 4},
		{0xF4, 0xF4, 0x80, 0x8F, 4},
	};
	if (n == 0)
		return 0;
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		if (s[0] < rows[r].lo0 || s[0] > rows[r].hi0)
			continue;
		size_t len = rows[r].len;
		if (len == 1)
			return 1;
		if (n < len || s[1] < rows[r].lo1 || s[1] > rows[r].hi1)
			return 0;
		for (size_t i = 2; i < len; i++)
			if (s[i] < 0x80 || s[i] > 0xBF)
				return 0;
		return len;
	}
	return 0;
}

static int ref_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = ref_utf8_len((const unsigned char *)s + i, n - i)))
			return 0;
	return 1;
}

/* The code point of the well-formed sequence s[0..len). */
static uint32_t ref_cp(const unsigned char *s, size_t len)
{
	static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
	uint32_t cp = s[0] & lead_mask[len];
	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3F);
	return cp;
}

/* Appends cp's UTF-8 to b (no checks: the tests pass scalar values). */
static void put_cp(struct buf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x80) {
		u[0] = (char)cp;
		buf_put(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, u, 4);
	}
}

/* The input as the XML and JSON escapers promise to carry it: each byte
** that starts no well-formed sequence becomes U+FFFD.  If `xml_drop`, the
** characters XML 1.0 forbids or discourages that esc_xml() drops are left
** out too. */
static void expect_text(struct buf *b, const char *s, size_t n, int xml_drop)
{
	for (size_t i = 0; i < n;) {
		size_t k = ref_utf8_len((const unsigned char *)s + i, n - i);
		if (!k) {
			buf_puts(b, FFFD);
			i++;
			continue;
		}
		uint32_t cp = ref_cp((const unsigned char *)s + i, k);
		int drop = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		           (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
		if (!(xml_drop && drop))
			buf_put(b, s + i, k);
		i += k;
	}
}

/* ---- the inputs every escaper sees ---- */

/*
** For byte value c, the k-th input (k < N_FORMS): the byte alone, inside
** text, doubled, between markup characters, and after a lead byte that it
** may or may not continue.  Written to `in`; returns the length.
*/
#define N_FORMS 5
static size_t byte_form(int c, int k, char in[8])
{
	switch (k) {
	case 0: in[0] = (char)c; return 1;
	case 1: memcpy(in, "a?z", 3); in[1] = (char)c; return 3;
	case 2: in[0] = in[1] = (char)c; return 2;
	case 3: memcpy(in, "<?&", 3); in[1] = (char)c; return 3;
	default: in[0] = '\xC3'; in[1] = (char)c; in[2] = 'x'; return 3;
	}
}

static struct buf got = BUF_INIT, want = BUF_INIT, back = BUF_INIT;

/* ---- esc_html ---- */

/* Decodes esc_html() output into `out`; 0 if it holds a raw < > " ' or an
** '&' that does not begin one of the five references esc_html() writes. */
static int html_unescape(struct buf *out, const char *s, size_t n)
{
	static const struct { const char *ref; char c; } refs[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''},
	};
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		if (strchr("<>\"'", s[i]) && s[i])
			return 0;
		if (s[i] != '&') {
			buf_putc(out, s[i++]);
			continue;
		}
		size_t r = 0;
		while (r < 5 && strncmp(s + i, refs[r].ref, strlen(refs[r].ref)))
			r++;
		if (r == 5)
			return 0;
		buf_putc(out, refs[r].c);
		i += strlen(refs[r].ref);
	}
	return 1;
}

static void test_esc_html_every_byte(void)
{
	for (int c = 0; c < 256; c++) {
		for (int k = 0; k < N_FORMS; k++) {
			char in[8];
			size_t n = byte_form(c, k, in);
			buf_reset(&got);
			esc_html(&got, in, n);
			buf_reset(&want);
			for (size_t i = 0; i < n; i++) {
				if (in[i])
					buf_putc(&want, in[i]);
				else
					buf_puts(&want, FFFD);
			}
			int ok = html_unescape(&back, got.data, got.len) && back.len == want.len &&
			         !memcmp(back.data, want.data, want.len);
			if (!ok)
				fprintf(stderr, "esc_html: byte %02X form %d -> %s\n", c, k, buf_cstr(&got));
			CHECK(ok);
		}
	}
	buf_reset(&got);
	esc_html_s(&got, NULL);
	esc_html_s(&got, "<a href='x'>&amp;</a>");
	CHECK_STR(buf_cstr(&got), "&lt;a href=&#39;x&#39;&gt;&amp;amp;&lt;/a&gt;");
}

/* ---- esc_url_attr, esc_url_part ---- */

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static int hex_val(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

static void test_esc_url_attr_every_byte(void)
{
	static const char keep[] = "-._~:/?#[]@!$&()*+,;=%";
	for (int c = 0; c < 256; c++) {
		for (int k = 0; k < N_FORMS; k++) {
			char in[8];
			size_t n = byte_form(c, k, in);
			buf_reset(&got);
			esc_url_attr(&got, in, n);
			/* No byte an attribute or URL parser would misread, and '&'
			** only as "&amp;"; then undo: &amp; and the %XX it wrote. */
			int ok = 1;
			buf_reset(&back);
			for (size_t i = 0; i < got.len; i++) {
				unsigned char g = (unsigned char)got.data[i];
				if (g <= 0x20 || g >= 0x7F || strchr("\"'<>\\`{}|^", g))
					ok = 0;
				if (g == '&') {
					if (strncmp(got.data + i, "&amp;", 5))
						ok = 0;
					buf_putc(&back, '&');
					i += 4;
				} else {
					buf_putc(&back, (char)g);
				}
			}
			/* Every input byte comes out as itself if on the keep list,
			** else as %XX in upper-case hex. */
			buf_reset(&want);
			for (size_t i = 0; i < n; i++) {
				unsigned char b = (unsigned char)in[i];
				int kept = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
				           (b >= '0' && b <= '9') || (b && strchr(keep, b));
				if (kept)
					buf_putc(&want, (char)b);
				else
					buf_printf(&want, "%%%02X", b);
			}
			ok = ok && back.len == want.len && !memcmp(back.data, want.data, want.len);
			if (!ok)
				fprintf(stderr, "esc_url_attr: byte %02X form %d -> %s\n", c, k, buf_cstr(&got));
			CHECK(ok);
		}
	}
	buf_reset(&got);
	esc_url_attr(&got, "https://e.com/a b?x=1&y=\"2\"#f", 29);
	CHECK_STR(buf_cstr(&got), "https://e.com/a%20b?x=1&amp;y=%222%22#f");
}

static void test_esc_url_part_every_byte(void)
{
	for (int c = 0; c < 256; c++) {
		for (int k = 0; k < N_FORMS; k++) {
			char in[8];
			size_t n = byte_form(c, k, in);
			buf_reset(&got);
			esc_url_part(&got, in, n);
			int ok = 1;
			buf_reset(&back);
			for (size_t i = 0; i < got.len && ok; i++) {
				char g = got.data[i];
				if ((g >= 'a' && g <= 'z') || (g >= 'A' && g <= 'Z') ||
				    (g >= '0' && g <= '9') || (g && strchr("-._~", g))) {
					buf_putc(&back, g);
				} else if (g == '%' && i + 2 < got.len && is_hex(got.data[i + 1]) &&
				           is_hex(got.data[i + 2])) {
					buf_putc(&back, (char)(hex_val(got.data[i + 1]) * 16 + hex_val(got.data[i + 2])));
					i += 2;
				} else {
					ok = 0;
				}
			}
			ok = ok && back.len == n && !memcmp(back.data, in, n);
			if (!ok)
				fprintf(stderr, "esc_url_part: byte %02X form %d -> %s\n", c, k, buf_cstr(&got));
			CHECK(ok);
		}
	}
	buf_reset(&got);
	esc_url_part(&got, "a b/c?d=é", 10);
	CHECK_STR(buf_cstr(&got), "a%20b%2Fc%3Fd%3D%C3%A9");
}

/* ---- esc_xml ---- */

/*
** Reads esc_xml() output as an XML 1.0 parser would read attribute or text
** content, decoding it into `out`.  0 if it is not well-formed UTF-8, holds
** a code point outside XML's Char production, a raw < > " ', or an '&' that
** is not one of the five predefined references.
*/
static int xml_unescape(struct buf *out, const char *s, size_t n)
{
	static const struct { const char *ref; char c; } refs[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''},
	};
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		size_t k = ref_utf8_len((const unsigned char *)s + i, n - i);
		if (!k)
			return 0;
		uint32_t cp = ref_cp((const unsigned char *)s + i, k);
		int is_char = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
		              (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
		if (!is_char || cp == '<' || cp == '>' || cp == '"' || cp == '\'')
			return 0;
		if (cp != '&') {
			buf_put(out, s + i, k);
			i += k;
			continue;
		}
		size_t r = 0;
		while (r < 5 && strncmp(s + i, refs[r].ref, strlen(refs[r].ref)))
			r++;
		if (r == 5)
			return 0;
		buf_putc(out, refs[r].c);
		i += strlen(refs[r].ref);
	}
	return 1;
}

static int xml_round_trip(const char *in, size_t n)
{
	buf_reset(&got);
	esc_xml(&got, in, n);
	buf_reset(&want);
	expect_text(&want, in, n, 1);
	return xml_unescape(&back, got.data, got.len) && back.len == want.len &&
	       (!want.len || !memcmp(back.data, want.data, want.len));
}

static void test_esc_xml_every_byte(void)
{
	for (int c = 0; c < 256; c++) {
		for (int k = 0; k < N_FORMS; k++) {
			char in[8];
			size_t n = byte_form(c, k, in);
			int ok = xml_round_trip(in, n);
			if (!ok)
				fprintf(stderr, "esc_xml: byte %02X form %d -> %s\n", c, k, buf_cstr(&got));
			CHECK(ok);
		}
	}
	CHECK(xml_round_trip("", 0) && got.len == 0);
	buf_reset(&got);
	esc_xml(&got, "a\x01\x7F" "b\xC2\x85\xEF\xBF\xBE<&>\"'", 15);
	CHECK_STR(buf_cstr(&got), "ab&lt;&amp;&gt;&quot;&apos;");
}

static void test_esc_xml_every_code_point(void)
{
	uint32_t bad = 0x110000;
	struct buf in = BUF_INIT;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		buf_reset(&in);
		buf_putc(&in, 'a');
		put_cp(&in, cp);
		if (!xml_round_trip(in.data, in.len) && bad > 0x10FFFF)
			bad = cp;
	}
	if (bad <= 0x10FFFF)
		fprintf(stderr, "esc_xml: first failure at U+%04X\n", (unsigned)bad);
	CHECK(bad > 0x10FFFF);
	buf_free(&in);
}

/* ---- esc_json ---- */

static int hex4(const char *s, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return 0;
		*v = *v << 4 | (uint32_t)d;
	}
	return 1;
}

/*
** Decodes esc_json() output as the inside of a JSON string (RFC 8259) into
** `out`.  0 if it is not a valid string body, or holds what must not stand
** raw inside <script>: < > &, U+2028, U+2029.
*/
static int json_unescape(struct buf *out, const char *s, size_t n)
{
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '<' || c == '>' || c == '&')
			return 0;
		if (c != '\\') {
			size_t k = ref_utf8_len((const unsigned char *)s + i, n - i);
			if (!k)
				return 0;
			uint32_t cp = ref_cp((const unsigned char *)s + i, k);
			if (cp == 0x2028 || cp == 0x2029)
				return 0;
			buf_put(out, s + i, k);
			i += k;
			continue;
		}
		if (i + 1 >= n)
			return 0;
		char e = s[i + 1];
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			buf_putc(out, "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"]);
			i += 2;
			continue;
		}
		uint32_t v, lo;
		if (e != 'u' || i + 6 > n || !hex4(s + i + 2, &v))
			return 0;
		i += 6;
		if (v >= 0xDC00 && v <= 0xDFFF)
			return 0;
		if (v >= 0xD800 && v <= 0xDBFF) {
			if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' || !hex4(s + i + 2, &lo) ||
			    lo < 0xDC00 || lo > 0xDFFF)
				return 0;
			v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
			i += 6;
		}
		put_cp(out, v);
	}
	return 1;
}

static int json_round_trip(const char *in, size_t n)
{
	buf_reset(&got);
	esc_json(&got, in, n);
	buf_reset(&want);
	expect_text(&want, in, n, 0);
	return json_unescape(&back, got.data, got.len) && back.len == want.len &&
	       (!want.len || !memcmp(back.data, want.data, want.len));
}

static void test_esc_json_every_byte(void)
{
	for (int c = 0; c < 256; c++) {
		for (int k = 0; k < N_FORMS; k++) {
			char in[8];
			size_t n = byte_form(c, k, in);
			int ok = json_round_trip(in, n);
			if (!ok)
				fprintf(stderr, "esc_json: byte %02X form %d -> %s\n", c, k, buf_cstr(&got));
			CHECK(ok);
		}
	}
	buf_reset(&got);
	esc_json_s(&got, NULL);
	esc_json_s(&got, "</script><!--\"\\\n\xE2\x80\xA8'");
	CHECK_STR(buf_cstr(&got), "\\u003c/script\\u003e\\u003c!--\\\"\\\\\\n\\u2028\\u0027");
}

static void test_esc_json_every_code_point(void)
{
	uint32_t bad = 0x110000;
	struct buf in = BUF_INIT;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		buf_reset(&in);
		put_cp(&in, cp);
		buf_putc(&in, 'z');
		if (!json_round_trip(in.data, in.len) && bad > 0x10FFFF)
			bad = cp;
	}
	if (bad <= 0x10FFFF)
		fprintf(stderr, "esc_json: first failure at U+%04X\n", (unsigned)bad);
	CHECK(bad > 0x10FFFF);
	buf_free(&in);
}

/* Ill-formed UTF-8 reaches the escapers only by mistake; they still must
** not pass it on.  Every two-byte string, through XML and JSON. */
static void test_esc_every_byte_pair(void)
{
	int bad_xml = -1, bad_json = -1;
	for (int p = 0; p < 65536; p++) {
		char in[2] = {(char)(p >> 8), (char)(p & 0xFF)};
		if (!xml_round_trip(in, 2) && bad_xml < 0)
			bad_xml = p;
		if (!json_round_trip(in, 2) && bad_json < 0)
			bad_json = p;
	}
	if (bad_xml >= 0 || bad_json >= 0)
		fprintf(stderr, "byte pairs: xml first bad %04X, json first bad %04X\n", bad_xml, bad_json);
	CHECK(bad_xml < 0);
	CHECK(bad_json < 0);
}

/* ---- url_scheme_ok, url_is_web ---- */

#define ALL (URL_HTTP | URL_MAILTO | URL_RELATIVE)

static void test_url_scheme_ok(void)
{
	static const struct { const char *url; int allow, want; } cases[] = {
		{"http://example.com/", ALL, 1},
		{"https://example.com/a?b#c", ALL, 1},
		{"HTTPS://EXAMPLE.COM", ALL, 1},
		{"HtTp://e.com", ALL, 1},
		{"mailto:a@example.com", ALL, 1},
		{"MAILTO:a@example.com", ALL, 1},
		{"/relative/path", ALL, 1},
		{"relative/path", ALL, 1},
		{"page.html", ALL, 1},
		{"?q=1", ALL, 1},
		{"?q=a:b", ALL, 1},
		{"#frag", ALL, 1},
		{"#a:b", ALL, 1},
		{"/a:b", ALL, 1},
		{"", ALL, 1},
		/* Protocol-relative: accepted, it can only reach http(s) (url.c). */
		{"//example.com/x", ALL, 1},
		{"/\t/example.com/x", ALL, 1},
		/* ...but the backslash forms browsers also read as "//" are not. */
		{"\\\\example.com", ALL, 0},
		{"\\/example.com", ALL, 0},
		{"/\\example.com", ALL, 0},
		{"/\t\\example.com", ALL, 0},
		{" \\\\example.com", ALL, 0},
		/* Leading spaces and controls are dropped, as browsers do. */
		{"  https://e.com", ALL, 1},
		{"\x01\x1F https://e.com", ALL, 1},
		{"\thttps://e.com", ALL, 1},
		{"ht\ttp://e.com", ALL, 1},
		{"ht\ntps://e.com", ALL, 1},
		/* The refused schemes, in every spelling. */
		{"javascript:alert(1)", ALL, 0},
		{"JavaScript:alert(1)", ALL, 0},
		{"JAVASCRIPT:alert(1)", ALL, 0},
		{" javascript:alert(1)", ALL, 0},
		{"\x01javascript:alert(1)", ALL, 0},
		{"\x1Fjavascript:alert(1)", ALL, 0},
		{"java\tscript:alert(1)", ALL, 0},
		{"java\nscript:alert(1)", ALL, 0},
		{"java\rscript:alert(1)", ALL, 0},
		{"j\ta\tv\ta\ts\tc\tr\ti\tp\tt\t:alert(1)", ALL, 0},
		{"javascript\t:alert(1)", ALL, 0},
		{"javascript:", ALL, 0},
		{"data:text/html,<script>alert(1)</script>", ALL, 0},
		{"DATA:text/html;base64,AAAA", ALL, 0},
		{"vbscript:msgbox(1)", ALL, 0},
		{"VBScript:x", ALL, 0},
		{"ftp://example.com/", ALL, 0},
		{"file:///etc/passwd", ALL, 0},
		{"http:", ALL, 1},
		{"https:", ALL, 1},
		{"httpx://e.com", ALL, 0},
		{"http+x://e.com", ALL, 0},
		{"mailto", ALL, 1},
		/* A ':' before any '/', '?' or '#' that is not a scheme: refused,
		** since some parser will take what precedes it for one. */
		{":foo", ALL, 0},
		{"1http://e.com", ALL, 0},
		{"java script:x", ALL, 0},
		{"\xC2\xA0javascript:x", ALL, 0},
		{"%6Aavascript:x", ALL, 0},
		{"a b:c", ALL, 0},
		/* Each kind is allowed only if asked for. */
		{"https://e.com", URL_MAILTO | URL_RELATIVE, 0},
		{"mailto:a@b", URL_HTTP | URL_RELATIVE, 0},
		{"/x", URL_HTTP | URL_MAILTO, 0},
		{"//e.com", URL_HTTP, 0},
		{"https://e.com", URL_HTTP, 1},
		{"mailto:a@b", URL_MAILTO, 1},
		{"#x", URL_RELATIVE, 1},
		{"javascript:x", 0, 0},
		{"/x", 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *u = cases[i].url;
		int got_ok = url_scheme_ok(u, strlen(u), cases[i].allow);
		if (got_ok != cases[i].want)
			fprintf(stderr, "url_scheme_ok(\"%s\", %d) = %d\n", u, cases[i].allow, got_ok);
		CHECK(got_ok == cases[i].want);
	}
	/* A NUL is not removed by browsers: "java\0script" is no scheme. */
	CHECK(url_scheme_ok("java\0script:x", 13, ALL) == 0);
	CHECK(url_scheme_ok("/a\0b", 4, ALL) == 1);
}

/*
** Bug: url_scheme_ok() copied the URL into 64 bytes before looking for its
** scheme, so a first segment longer than that, its ':' beyond the copy,
** passed as a relative URL.  (No real scheme is that long, but the browser
** would still take it for a scheme, not a path.)
*/
static void test_url_long_first_segment(void)
{
	char u[300];
	memset(u, 'a', 200);
	memcpy(u + 200, ":alert(1)", 10);
	CHECK(url_scheme_ok(u, strlen(u), ALL) == 0);
	/* Tabs do not count toward any limit either. */
	memset(u, '\t', 200);
	memcpy(u + 200, "javascript:x", 13);
	CHECK(url_scheme_ok(u, strlen(u), ALL) == 0);
	memset(u, '\t', 200);
	memcpy(u + 200, "https://e.com", 14);
	CHECK(url_scheme_ok(u, strlen(u), ALL) == 1);
	/* A long relative path with no ':' is still fine. */
	memset(u, 'a', 250);
	u[250] = 0;
	CHECK(url_scheme_ok(u, strlen(u), ALL) == 1);
	memcpy(u + 240, "/b:c", 5);
	CHECK(url_scheme_ok(u, strlen(u), ALL) == 1);
}

static void test_url_is_web(void)
{
	static const struct { const char *url; int want; } cases[] = {
		{"http://example.com", 1},
		{"https://example.com/", 1},
		{"HTTPS://Example.com/a?b#c", 1},
		{"https://user@example.com:8080/", 1},
		{"https://", 0},
		{"http://", 0},
		{"https:///x", 0},
		{"https://?x", 0},
		{"https://#x", 0},
		{"example.com", 0},
		{"//example.com", 0},
		{"/path", 0},
		{"ftp://example.com", 0},
		{"javascript:alert(1)", 0},
		{"javascript://example.com/%0Aalert(1)", 0},
		{"mailto:a@b.c", 0},
		{" https://example.com", 0},
		{"https://exa mple.com", 0},
		{"https://example.com/\t", 0},
		{"https://example.com\n", 0},
		{"https://example.com/\x7F", 0},
		{"https://example.com/\"onmouseover=x", 0},
		{"https://example.com/<x>", 0},
		{"https://example.com\\@evil.com", 0},
		{"https:example.com", 0},
		{"", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got_ok = url_is_web(cases[i].url, strlen(cases[i].url));
		if (got_ok != cases[i].want)
			fprintf(stderr, "url_is_web(\"%s\") = %d\n", cases[i].url, got_ok);
		CHECK(got_ok == cases[i].want);
	}
	/* Only the first n bytes count. */
	CHECK(url_is_web("https://e.com/ trailing", 14) == 1);
}

/* ---- UTF-8 ---- */

static void test_utf8_valid_cases(void)
{
	static const struct { const char *s; size_t n; int want; } cases[] = {
		{"", 0, 1},
		{"plain ASCII", 11, 1},
		{"\x00", 1, 1},
		{"\x7F", 1, 1},
		{"\xC2\x80", 2, 1},            /* U+0080 */
		{"\xDF\xBF", 2, 1},            /* U+07FF */
		{"\xE0\xA0\x80", 3, 1},        /* U+0800 */
		{"\xED\x9F\xBF", 3, 1},        /* U+D7FF */
		{"\xEE\x80\x80", 3, 1},        /* U+E000 */
		{"\xEF\xBF\xBD", 3, 1},        /* U+FFFD */
		{"\xEF\xBF\xBF", 3, 1},        /* U+FFFF: a noncharacter, but valid */
		{"\xF0\x90\x80\x80", 4, 1},    /* U+10000 */
		{"\xF4\x8F\xBF\xBF", 4, 1},    /* U+10FFFF */
		/* overlongs */
		{"\xC0\x80", 2, 0},
		{"\xC0\xAF", 2, 0},
		{"\xC1\xBF", 2, 0},
		{"\xE0\x80\x80", 3, 0},
		{"\xE0\x80\xAF", 3, 0},
		{"\xE0\x9F\xBF", 3, 0},
		{"\xF0\x80\x80\x80", 4, 0},
		{"\xF0\x80\x80\xAF", 4, 0},
		{"\xF0\x8F\xBF\xBF", 4, 0},
		{"\xF8\x80\x80\x80\xAF", 5, 0},
		{"\xFC\x80\x80\x80\x80\xAF", 6, 0},
		/* surrogates, alone and paired (CESU-8) */
		{"\xED\xA0\x80", 3, 0},
		{"\xED\xAD\xBF", 3, 0},
		{"\xED\xAE\x80", 3, 0},
		{"\xED\xBF\xBF", 3, 0},
		{"\xED\xA0\x80\xED\xB0\x80", 6, 0},
		/* beyond U+10FFFF */
		{"\xF4\x90\x80\x80", 4, 0},
		{"\xF5\x80\x80\x80", 4, 0},
		{"\xF7\xBF\xBF\xBF", 4, 0},
		{"\xFF", 1, 0},
		{"\xFE", 1, 0},
		/* truncated, at the end and before other text */
		{"\xC2", 1, 0},
		{"\xE0\xA0", 2, 0},
		{"\xF0\x90\x80", 3, 0},
		{"\xF0\x90", 2, 0},
		{"\xF0", 1, 0},
		{"\xC2x", 2, 0},
		{"\xE2\x82x", 3, 0},
		{"\xF0\x9F\x98x", 4, 0},
		{"a\xE2\x82\xACz\xE2\x82", 7, 0},
		/* lone continuation bytes */
		{"\x80", 1, 0},
		{"\xBF", 1, 0},
		{"a\x80z", 3, 0},
		{"\xE2\x82\xAC\x80", 4, 0},
		/* mixed, valid */
		{"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got_ok = utf8_valid(cases[i].s, cases[i].n);
		if (got_ok != cases[i].want)
			fprintf(stderr, "utf8_valid case %zu = %d\n", i, got_ok);
		CHECK(got_ok == cases[i].want);
		CHECK(ref_utf8_valid(cases[i].s, cases[i].n) == cases[i].want); /* the reference too */
	}
	/* Only n bytes are read: a valid prefix of an invalid string. */
	CHECK(utf8_valid("ab\xFF", 2) == 1);
}

/* Against the reference: every string of one and two bytes, every
** three-byte string led by E0..EF, and four-byte strings led by F0..F7 with
** the boundary values in the other places. */
static void test_utf8_valid_exhaustive(void)
{
	long mismatches = 0;
	unsigned char s[4];
	for (int a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		mismatches += utf8_valid((char *)s, 1) != ref_utf8_valid((char *)s, 1);
		for (int b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			mismatches += utf8_valid((char *)s, 2) != ref_utf8_valid((char *)s, 2);
		}
	}
	for (int a = 0xE0; a <= 0xEF; a++)
		for (int b = 0; b < 256; b++)
			for (int c = 0; c < 256; c++) {
				s[0] = (unsigned char)a, s[1] = (unsigned char)b, s[2] = (unsigned char)c;
				mismatches += utf8_valid((char *)s, 3) != ref_utf8_valid((char *)s, 3);
			}
	static const unsigned char edge[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
	                                     0xC0, 0xC2, 0xE0, 0xF0, 0xFF};
	size_t ne = sizeof edge;
	for (int a = 0xF0; a <= 0xF7; a++)
		for (size_t b = 0; b < ne; b++)
			for (size_t c = 0; c < ne; c++)
				for (size_t d = 0; d < ne; d++) {
					s[0] = (unsigned char)a, s[1] = edge[b], s[2] = edge[c], s[3] = edge[d];
					mismatches += utf8_valid((char *)s, 4) != ref_utf8_valid((char *)s, 4);
				}
	if (mismatches)
		fprintf(stderr, "utf8_valid: %ld mismatches with Table 3-7\n", mismatches);
	CHECK(mismatches == 0);
}

/* utf8_decode and utf8_encode over every scalar value; surrogates and
** values past U+10FFFF, encoded the way a lax encoder would, are refused. */
static void test_utf8_decode_encode(void)
{
	long bad = 0;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char u[4];
		int len = utf8_encode(cp, u);
		struct buf ref = BUF_INIT;
		put_cp(&ref, cp);
		uint32_t back_cp = 0xFFFFFFFF;
		if (len < 1 || (size_t)len != ref.len || memcmp(u, ref.data, ref.len) ||
		    utf8_decode(u, (size_t)len, &back_cp) != len || back_cp != cp ||
		    utf8_decode(u, (size_t)len - 1, &back_cp) != 0)
			bad++;
		buf_free(&ref);
	}
	CHECK(bad == 0);
	uint32_t cp;
	CHECK(utf8_decode("\xED\xA0\x80", 3, &cp) == 0);
	CHECK(utf8_decode("\xF4\x90\x80\x80", 4, &cp) == 0);
	CHECK(utf8_decode("", 0, &cp) == 0);
	CHECK(utf8_decode("\xE2\x82\xAC", 3, &cp) == 3 && cp == 0x20AC);
}

static void test_utf8_count(void)
{
	CHECK(utf8_count("", 0) == 0);
	CHECK(utf8_count("abc", 3) == 3);
	CHECK(utf8_count("caf\xC3\xA9", 5) == 4);
	CHECK(utf8_count("\xE2\x82\xAC\xE2\x82\xAC", 6) == 2);
	CHECK(utf8_count("\xF0\x9F\x98\x80!", 5) == 2);
	CHECK(utf8_count("a\0b", 3) == 3);
	CHECK(utf8_count("\xC3\xA9", 1) == 1); /* only n bytes are read */
	/* One per scalar value, all of them in one string. */
	struct buf all = BUF_INIT;
	size_t n = 0;
	for (uint32_t c = 0; c <= 0x10FFFF; c += (c >= 0xD7FF && c < 0xE000) ? 0x801 : 1, n++)
		put_cp(&all, c);
	CHECK(utf8_valid(all.data, all.len));
	CHECK(utf8_count(all.data, all.len) == n);
	buf_free(&all);
}

int main(void)
{
	test_esc_html_every_byte();
	test_esc_url_attr_every_byte();
	test_esc_url_part_every_byte();
	test_esc_xml_every_byte();
	test_esc_xml_every_code_point();
	test_esc_json_every_byte();
	test_esc_json_every_code_point();
	test_esc_every_byte_pair();
	test_url_scheme_ok();
	test_url_long_first_segment();
	test_url_is_web();
	test_utf8_valid_cases();
	test_utf8_valid_exhaustive();
	test_utf8_decode_encode();
	test_utf8_count();
	buf_free(&got);
	buf_free(&want);
	buf_free(&back);
	return test_done();
}
