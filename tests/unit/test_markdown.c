/*
** test_markdown.c: unit tests for src/render/markdown.c.
**
** Most of this file attacks MD_UNTRUSTED, the comment renderer: script and
** event-handler markup, javascript:/data:/vbscript: links in every spelling
** a browser would still follow (case, tabs, character references, reference
** definitions, autolinks), images, and a seeded stream of random Markdown.
** Every untrusted output goes through html_check(), a small independent
** reader of the HTML that fails on any tag or attribute outside the
** allow-list, unbalanced tags, a stray '<', '>' or '&', an href that is not
** http(s)/mailto/relative, or a link without rel="nofollow ugc".  Then
** MD_LIMITED, for staff who may not write raw HTML: the same attacks
** hidden in raw HTML, checked by limited_check(), a reader of the wider
** allow-list.  The last part renders a few trusted documents exactly.
*/
#include "core/buf.h"
#include "core/utf8.h"
#include "render/markdown.h"
#include "test.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the checker ---- */

static const char *const allowed_tags[] = {
	"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "del",
};

static int tag_allowed(const char *name)
{
	for (size_t i = 0; i < sizeof allowed_tags / sizeof allowed_tags[0]; i++)
		if (!strcmp(name, allowed_tags[i]))
			return 1;
	return 0;
}

/* The only character references esc_html() writes. */
static size_t entity_len(const char *s)
{
	static const char *const known[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strncmp(s, known[i], strlen(known[i])))
			return strlen(known[i]);
	return 0;
}

/* Decodes the references in an attribute value v[0..n) into out (cap). */
static void attr_unescape(const char *v, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		if (v[i] == '&' && !strncmp(v + i, "&amp;", 5)) {
			out[k++] = '&';
			i += 4;
		} else {
			out[k++] = v[i];
		}
	}
	out[k] = 0;
}

/* An independent reading of "an href a comment may carry": absolute http,
** https or mailto, or relative with no ':' before its first '/', '?', '#',
** and no backslash at its start; no whitespace or control anywhere.  The
** named bad schemes are refused at the start only: "javascript:" later in
** an https URL's path (which the random test produces) is just text. */
static int href_acceptable(const char *h)
{
	char low[1024];
	size_t n = strlen(h);
	if (n >= sizeof low)
		return 0;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)h[i]);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)low[i] <= 0x20 || (unsigned char)low[i] >= 0x7F)
			return 0;
	if (!strncmp(low, "javascript:", 11) || !strncmp(low, "vbscript:", 9) ||
	    !strncmp(low, "data:", 5))
		return 0;
	if (!strncmp(low, "http://", 7) || !strncmp(low, "https://", 8) || !strncmp(low, "mailto:", 7))
		return 1;
	if (low[0] == '\\' || (low[0] == '/' && low[1] == '\\'))
		return 0;
	size_t seg = strcspn(low, "/?#");
	return memchr(low, ':', seg) == NULL;
}

/*
** 1 if html is well-formed output of the untrusted renderer; otherwise 0,
** with the reason and position in `why`.
*/
static int html_check(const char *html, char *why, size_t cap)
{
	char stack[8192][12];
	size_t depth = 0, n_a = 0;
	const char *s = html;
#define BAD(...) do { snprintf(why, cap, __VA_ARGS__); return 0; } while (0)
	if (!utf8_valid(html, strlen(html)))
		BAD("not UTF-8");
	while (*s) {
		if (*s == '>')
			BAD("stray '>' at %zu", (size_t)(s - html));
		if (*s == '&') {
			size_t k = entity_len(s);
			if (!k)
				BAD("stray '&' at %zu", (size_t)(s - html));
			s += k;
			continue;
		}
		if (*s != '<') {
			s++;
			continue;
		}
		size_t at = (size_t)(s - html);
		int is_close = *++s == '/';
		if (is_close)
			s++;
		char name[16];
		size_t k = 0;
		while (*s >= 'a' && *s <= 'z' && k + 1 < sizeof name)
			name[k++] = *s++;
		name[k] = 0;
		if (!k || !tag_allowed(name))
			BAD("tag <%s%.12s> not allowed at %zu", is_close ? "/" : "", name, at);
		if (is_close) {
			if (*s++ != '>')
				BAD("junk in </%s> at %zu", name, at);
			if (!depth || strcmp(stack[depth - 1], name))
				BAD("</%s> closes <%s> at %zu", name, depth ? stack[depth - 1] : "", at);
			if (!strcmp(name, "a"))
				n_a--;
			depth--;
			continue;
		}
		int has_href = 0, has_rel = 0;
		while (*s == ' ') {
			s++;
			char attr[16];
			k = 0;
			while (*s >= 'a' && *s <= 'z' && k + 1 < sizeof attr)
				attr[k++] = *s++;
			attr[k] = 0;
			if (strncmp(s, "=\"", 2))
				BAD("attribute %s unquoted at %zu", attr, at);
			s += 2;
			const char *v = s;
			while (*s && *s != '"') {
				if (*s == '<' || *s == '>' || (unsigned char)*s < 0x20)
					BAD("raw %02X in attribute at %zu", (unsigned char)*s, at);
				if (*s == '&' && !entity_len(s))
					BAD("stray '&' in attribute at %zu", at);
				s++;
			}
			if (*s++ != '"')
				BAD("unterminated attribute at %zu", at);
			char val[1024];
			attr_unescape(v, (size_t)(s - 1 - v), val, sizeof val);
			if (strcmp(name, "a"))
				BAD("attribute %s on <%s> at %zu", attr, name, at);
			if (!strcmp(attr, "href") && !has_href) {
				has_href = 1;
				if (!href_acceptable(val))
					BAD("href \"%.100s\" at %zu", val, at);
			} else if (!strcmp(attr, "rel") && !has_rel) {
				has_rel = 1;
				if (strcmp(val, "nofollow ugc"))
					BAD("rel \"%.100s\" at %zu", val, at);
			} else {
				BAD("attribute %s on <a> at %zu", attr, at);
			}
		}
		if (*s++ != '>')
			BAD("junk in <%s> at %zu", name, at);
		if (!strcmp(name, "a")) {
			if (!has_href || !has_rel)
				BAD("<a> without href and rel at %zu", at);
			if (n_a++)
				BAD("<a> inside <a> at %zu", at);
		}
		if (!strcmp(name, "br"))
			continue;
		if (depth == sizeof stack / sizeof stack[0])
			BAD("nesting too deep for the checker");
		strcpy(stack[depth++], name);
	}
	if (depth)
		BAD("<%s> left open", stack[depth - 1]);
	return 1;
#undef BAD
}

/* ---- rendering helpers ---- */

static struct buf out = BUF_INIT;

/* Renders src[0..n); the result is borrowed until the next call. */
static const char *md_n(const char *src, size_t n, enum md_trust trust)
{
	buf_reset(&out);
	if (markdown_render(&out, src, n, trust) != 0)
		return "(markdown_render failed)";
	return buf_cstr(&out);
}

static const char *md(const char *src, enum md_trust trust)
{
	return md_n(src, strlen(src), trust);
}

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return 0;
}

/* Renders untrusted and checks everything we can say about any output. */
static const char *safe_n(const char *src, size_t n)
{
	char why[200];
	const char *html = md_n(src, n, MD_UNTRUSTED);
	if (!html_check(html, why, sizeof why)) {
		fprintf(stderr, "html_check: %s\n  input: %.*s\n  output: %s\n", why, (int)n, src, html);
		CHECK(!"html_check failed");
	}
	CHECK(!contains_ci(html, "<script"));
	return html;
}

static const char *safe(const char *src)
{
	return safe_n(src, strlen(src));
}

/* The checker must itself catch what it is there to catch. */
static void test_checker(void)
{
	char why[200];
	CHECK(html_check("<p>a <em>b</em><br>\n&amp;&lt;</p>\n", why, sizeof why));
	CHECK(html_check("<a href=\"/x?a=1&amp;b\" rel=\"nofollow ugc\">x</a>", why, sizeof why));
	CHECK(!html_check("<script>", why, sizeof why));
	CHECK(!html_check("<img src=x>", why, sizeof why));
	CHECK(!html_check("<p onclick=\"x\">", why, sizeof why));
	CHECK(!html_check("<p>", why, sizeof why));
	CHECK(!html_check("<p></em>", why, sizeof why));
	CHECK(!html_check("a > b", why, sizeof why));
	CHECK(!html_check("&foo;", why, sizeof why));
	CHECK(!html_check("<a href=\"javascript:x\" rel=\"nofollow ugc\">x</a>", why, sizeof why));
	CHECK(!html_check("<a href=\"JavaScript:x\" rel=\"nofollow ugc\">x</a>", why, sizeof why));
	CHECK(!html_check("<a href=\"data:x\" rel=\"nofollow ugc\">x</a>", why, sizeof why));
	CHECK(!html_check("<a href=\"/x\">x</a>", why, sizeof why));
	CHECK(!html_check("<a href=\"/x\" rel=\"nofollow\">x</a>", why, sizeof why));
	CHECK(!html_check("<a href=\"/x\" rel=\"nofollow ugc\" title=\"t\">x</a>", why, sizeof why));
	CHECK(!html_check("<a href=\"/x\" rel=\"nofollow ugc\"><a href=\"/y\" rel=\"nofollow ugc\">"
	                  "</a></a>", why, sizeof why));
}

/* ---- untrusted: markup in the source ---- */

static void test_untrusted_raw_html(void)
{
	CHECK_STR(safe("<script>alert(1)</script>"),
	          "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
	CHECK_STR(safe("<img src=x onerror=alert(1)>"),
	          "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
	CHECK_STR(safe("<svg onload=alert(1)>"), "<p>&lt;svg onload=alert(1)&gt;</p>\n");
	CHECK_STR(safe("a <b onmouseover=\"x\">b</b>"),
	          "<p>a &lt;b onmouseover=&quot;x&quot;&gt;b&lt;/b&gt;</p>\n");
	CHECK_STR(safe("<a href=\"javascript:alert(1)\">x</a>"),
	          "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;</p>\n");
	CHECK_STR(safe("<div>\n<script>x</script>\n</div>"),
	          "<p>&lt;div&gt;\n&lt;script&gt;x&lt;/script&gt;\n&lt;/div&gt;</p>\n");
	CHECK_STR(safe("<!-- c --> <![CDATA[x]]> <?php x ?>"),
	          "<p>&lt;!-- c --&gt; &lt;![CDATA[x]]&gt; &lt;?php x ?&gt;</p>\n");
	CHECK_STR(safe("<style>*{}</style>"), "<p>&lt;style&gt;*{}&lt;/style&gt;</p>\n");
	safe("<iframe src=javascript:alert(1)></iframe>");
	safe("<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>");
}

/* ---- untrusted: links ---- */

/* Each of these must render as its link text alone, with no <a>. */
static void test_untrusted_bad_links(void)
{
	static const char *const bad[] = {
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](JAVASCRIPT:alert(1))",
		"[x](<java\tscript:alert(1)>)",
		"[x](java&Tab;script:alert(1))",
		"[x](java&NewLine;script:alert(1))",
		"[x](java&#9;script:alert(1))",
		"[x](java&#x0A;script:alert(1))",
		"[x](java&#13;script:alert(1))",
		"[x](< javascript:alert(1)>)",
		"[x](&#32;javascript:alert(1))",
		"[x](&#1;javascript:alert(1))",
		"[x](&#x1F;javascript:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](&#0000106;avascript:alert(1))",
		"[x](&#x6A;avascript:alert(1))",
		"[x](&#X6a;avascript:alert(1))",
		"[x](&#x6a;&#x61;vascript:alert(1))",
		"[x](javascript&colon;alert(1))",
		"[x](javascript&#58;alert(1))",
		"[x](javascript&#x3a;alert(1))",
		"[x](javascript\\:alert(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[x](DATA:text/html,x)",
		"[x](<data:text/html,x>)",
		"[x](vbscript:msgbox(1))",
		"[x](VBScript:msgbox(1))",
		"[x](file:///etc/passwd)",
		"[x](ftp://example.com/)",
		"[x](:alert)",
		"[x](1http://example.com)",
		"[x](\\\\evil.example)",
		"[x](/\\\\evil.example)",
		"[x](<\\\\evil.example>)",
		"[x](https://example.com/&unknownname;)",
		"[x](javascript:alert(1) \"title\")",
		"[x](<javascript:alert(1)> 'title')",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"[x][r]\n\n[r]: <javascript:alert(1)> \"t\"",
		"[x]\n\n[x]: &#106;avascript:alert(1)",
		"[x][]\n\n[x]: data:text/html,x",
		"[x]\n\n[X]: vbscript:x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *html = safe(bad[i]);
		if (strcmp(html, "<p>x</p>\n")) {
			fprintf(stderr, "bad link kept: %s\n  -> %s", bad[i], html);
			CHECK(!"bad link rendered as a link");
		} else {
			CHECK(1);
		}
	}
}

static void test_untrusted_autolinks(void)
{
	CHECK_STR(safe("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>\n");
	CHECK_STR(safe("<JAVASCRIPT:alert(1)>"), "<p>JAVASCRIPT:alert(1)</p>\n");
	CHECK_STR(safe("<data:text/html,x>"), "<p>data:text/html,x</p>\n");
	CHECK_STR(safe("<vbscript:x>"), "<p>vbscript:x</p>\n");
	CHECK_STR(safe("javascript:alert(1)"), "<p>javascript:alert(1)</p>\n");
	CHECK_STR(safe("<https://example.com/a?b=1&c=2>"),
	          "<p><a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc\">"
	          "https://example.com/a?b=1&amp;c=2</a></p>\n");
	CHECK_STR(safe("see https://example.com/x."),
	          "<p>see <a href=\"https://example.com/x\" rel=\"nofollow ugc\">"
	          "https://example.com/x</a>.</p>\n");
	CHECK_STR(safe("see www.example.com"),
	          "<p>see <a href=\"http://www.example.com\" rel=\"nofollow ugc\">"
	          "www.example.com</a></p>\n");
	CHECK_STR(safe("<me@example.com>"),
	          "<p><a href=\"mailto:me@example.com\" rel=\"nofollow ugc\">me@example.com</a></p>\n");
	/* Permissive e-mail autolinks are off: a bare address stays text. */
	CHECK_STR(safe("me@example.com"), "<p>me@example.com</p>\n");
}

static void test_untrusted_good_links(void)
{
	CHECK_STR(safe("[x](https://example.com)"),
	          "<p><a href=\"https://example.com\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](HTTP://example.com/)"),
	          "<p><a href=\"HTTP://example.com/\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](mailto:a@example.com)"),
	          "<p><a href=\"mailto:a@example.com\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](/2024/01/story)"),
	          "<p><a href=\"/2024/01/story\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](story#c12)"),
	          "<p><a href=\"story#c12\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](?q=a:b)"), "<p><a href=\"?q=a:b\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](#frag)"), "<p><a href=\"#frag\" rel=\"nofollow ugc\">x</a></p>\n");
	/* Protocol-relative: accepted (url.c says why). */
	CHECK_STR(safe("[x](//example.com/a)"),
	          "<p><a href=\"//example.com/a\" rel=\"nofollow ugc\">x</a></p>\n");
	/* References decoded, then the URL escaped for the attribute. */
	CHECK_STR(safe("[x](https://example.com/?a=1&amp;b=&#34;2&#34;)"),
	          "<p><a href=\"https://example.com/?a=1&amp;b=%222%22\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](<https://example.com/a b'c>)"),
	          "<p><a href=\"https://example.com/a%20b%27c\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](https&colon;//example.com)"),
	          "<p><a href=\"https://example.com\" rel=\"nofollow ugc\">x</a></p>\n");
	/* Titles are dropped, however they try to break out. */
	CHECK_STR(safe("[x](https://example.com \"t\\\" onmouseover=\\\"alert(1)\")"),
	          "<p><a href=\"https://example.com\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x][r]\n\n[r]: https://example.com 'title'"),
	          "<p><a href=\"https://example.com\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[*x*](/a)"),
	          "<p><a href=\"/a\" rel=\"nofollow ugc\"><em>x</em></a></p>\n");
	/* Links do not nest: the inner one wins, as CommonMark says. */
	CHECK_STR(safe("[a [b](/b) c](/y)"),
	          "<p>[a <a href=\"/b\" rel=\"nofollow ugc\">b</a> c](/y)</p>\n");
	/* "&#x6a" without ';' is no reference: the '&' is kept, escaped, and
	** the browser reads a relative URL "&" with a fragment. */
	CHECK_STR(safe("[x](&#x6aavascript:alert(1))"),
	          "<p><a href=\"&amp;#x6aavascript:alert(1)\" rel=\"nofollow ugc\">x</a></p>\n");
	/* Leading and trailing blanks the browser drops are dropped here, so
	** the URL written is the URL checked. */
	CHECK_STR(safe("[x](<&#9;https://example.com/&#32;>)"),
	          "<p><a href=\"https://example.com/\" rel=\"nofollow ugc\">x</a></p>\n");
	CHECK_STR(safe("[x](<https://exa&#10;mple.com/>)"),
	          "<p><a href=\"https://example.com/\" rel=\"nofollow ugc\">x</a></p>\n");
	/* An empty destination is a link to this page: harmless. */
	CHECK_STR(safe("[x]()"), "<p><a href=\"\" rel=\"nofollow ugc\">x</a></p>\n");
}

/* ---- untrusted: images ---- */

static void test_untrusted_images(void)
{
	CHECK_STR(safe("![x](javascript:alert(1))"), "<p>x</p>\n");
	CHECK_STR(safe("![cat](https://example.com/cat.png \"t\")"), "<p>cat</p>\n");
	CHECK_STR(safe("![x\" onerror=\"alert(1)](https://example.com/a.png)"),
	          "<p>x&quot; onerror=&quot;alert(1)</p>\n");
	CHECK_STR(safe("![a *b* [c](/d)](/e)"), "<p>a b c</p>\n");
	CHECK_STR(safe("[![alt](https://example.com/i.png)](https://example.com/)"),
	          "<p><a href=\"https://example.com/\" rel=\"nofollow ugc\">alt</a></p>\n");
	CHECK_STR(safe("[![a](javascript:x)](javascript:y)"), "<p>a</p>\n");
	CHECK_STR(safe("![![inner](/i)](/o)"), "<p>inner</p>\n");
	CHECK_STR(safe("![a  \nb](/i)"), "<p>a b</p>\n");
}

/* ---- untrusted: blocks, spans, text ---- */

static void test_untrusted_structure(void)
{
	CHECK_STR(safe("# Big\n\nsmall"), "<p><strong>Big</strong></p>\n<p>small</p>\n");
	CHECK_STR(safe("Big\n==="), "<p><strong>Big</strong></p>\n");
	CHECK_STR(safe("## *Big*"), "<p><strong><em>Big</em></strong></p>\n");
	CHECK_STR(safe("a\n\n---\n\nb"), "<p>a</p>\n<p>b</p>\n");
	CHECK_STR(safe("> q\n> > r"),
	          "<blockquote>\n<p>q</p>\n<blockquote>\n<p>r</p>\n</blockquote>\n</blockquote>\n");
	CHECK_STR(safe("- a\n- b"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
	CHECK_STR(safe("3. a\n4. b"), "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n");
	CHECK_STR(safe("- a\n\n- b"), "<ul>\n<li><p>a</p>\n</li>\n<li><p>b</p>\n</li>\n</ul>\n");
	CHECK_STR(safe("- [ ] task"), "<ul>\n<li>[ ] task</li>\n</ul>\n");
	CHECK_STR(safe("```js\" onload=\"x\nif (a<b) {}\n```"),
	          "<pre><code>if (a&lt;b) {}\n</code></pre>\n");
	CHECK_STR(safe("    <script>\n"), "<pre><code>&lt;script&gt;\n</code></pre>\n");
	CHECK_STR(safe("`<b>`"), "<p><code>&lt;b&gt;</code></p>\n");
	CHECK_STR(safe("~~gone~~"), "<p><del>gone</del></p>\n");
	CHECK_STR(safe("a  \nb\nc"), "<p>a<br>\nb\nc</p>\n");
	CHECK_STR(safe("a\\\nb"), "<p>a<br>\nb</p>\n");
	CHECK_STR(safe("| a | b |\n|---|---|\n| 1 | 2 |"),
	          "<p>| a | b |\n|---|---|\n| 1 | 2 |</p>\n");
	CHECK_STR(safe("***a** b*"), "<p><em><strong>a</strong> b</em></p>\n");
	CHECK_STR(safe("*a **b *c* d** e*"),
	          "<p><em>a <strong>b <em>c</em> d</strong> e</em></p>\n");
	CHECK_STR(safe("**a *b** c*"), "<p><em><em>a <em>b</em></em> c</em></p>\n");
	CHECK_STR(safe(""), "");
}

static void test_untrusted_entities(void)
{
	CHECK_STR(safe("&lt;script&gt;alert(1)&lt;/script&gt;"),
	          "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
	CHECK_STR(safe("&#60;script&#62; &#x3C;svg&#x3e;"),
	          "<p>&lt;script&gt; &lt;svg&gt;</p>\n");
	CHECK_STR(safe("&amp; &quot; &apos; &#39;"), "<p>&amp; &quot; &#39; &#39;</p>\n");
	CHECK_STR(safe("&copy; &eacute; &hellip;"), "<p>\xC2\xA9 \xC3\xA9 \xE2\x80\xA6</p>\n");
	CHECK_STR(safe("&notarealname; &lt"), "<p>&amp;notarealname; &amp;lt</p>\n");
	CHECK_STR(safe("&#0; &#xD800; &#x110000; &#9999999;"),
	          "<p>\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD</p>\n");
	CHECK_STR(safe("`&lt;`"), "<p><code>&amp;lt;</code></p>\n");
	CHECK_STR(safe_n("a\0b", 3), "<p>a\xEF\xBF\xBD" "b</p>\n");
	CHECK_STR(safe_n("[a\0](/x)", 8),
	          "<p><a href=\"/x\" rel=\"nofollow ugc\">a\xEF\xBF\xBD</a></p>\n");
	/* md4c takes a NUL in a destination as the end of the link. */
	CHECK_STR(safe_n("[a](/x\0y)", 9), "<p>[a](/x\xEF\xBF\xBDy)</p>\n");
}

/*
** md4c 0.4.8 leaves spans it never entered when a permissive autolink
** swallows the opening delimiter (mity/md4c#294), and nests a WWW autolink
** inside a link (mity/md4c#152).  The output must stay balanced anyway.
*/
static void test_md4c_unbalanced_span_after_autolink(void)
{
	CHECK_STR(safe("x https://e.com/_a_ y"),
	          "<p>x <a href=\"https://e.com/_a\" rel=\"nofollow ugc\">https://e.com/_a</a> y</p>\n");
	CHECK_STR(safe("x https://e.com/*a* y"),
	          "<p>x <a href=\"https://e.com/*a\" rel=\"nofollow ugc\">https://e.com/*a</a> y</p>\n");
	CHECK_STR(safe("www.e.com~~# ]:>~~)"),
	          "<p><a href=\"http://www.e.com~~#\" rel=\"nofollow ugc\">www.e.com~~#</a> ]:&gt;)</p>\n");
	CHECK_STR(md("x https://e.com/*a* y *b*", MD_TRUSTED), "<p>x https://e.com/<em>a</em> y <em>b</em></p>\n");
}

static void test_md4c_nested_www_autolink(void)
{
	CHECK_STR(safe("[www.e.com](https://e.com/)"),
	          "<p><a href=\"https://e.com/\" rel=\"nofollow ugc\">www.e.com</a></p>\n");
}

/* Deeply nested constructs: balanced, and no crash (ASan watches). */
static void test_untrusted_deep_nesting(void)
{
	struct buf src = BUF_INIT;
	for (int i = 0; i < 2000; i++)
		buf_puts(&src, "> ");
	buf_puts(&src, "deep");
	safe_n(src.data, src.len);
	buf_reset(&src);
	for (int i = 0; i < 3000; i++)
		buf_puts(&src, "*_");
	buf_puts(&src, "x");
	for (int i = 0; i < 3000; i++)
		buf_puts(&src, "_*");
	safe_n(src.data, src.len);
	buf_reset(&src);
	for (int i = 0; i < 2000; i++)
		buf_puts(&src, "[![");
	buf_puts(&src, "x");
	for (int i = 0; i < 2000; i++)
		buf_puts(&src, "](javascript:x)](/a)");
	safe_n(src.data, src.len);
	buf_reset(&src);
	for (int i = 0; i < 500; i++)
		buf_printf(&src, "%*s- x\n", i * 2, "");
	safe_n(src.data, src.len);
	buf_free(&src);
}

/*
** Random documents built from Markdown's and HTML's significant pieces:
** whatever md4c makes of them, the checker must pass the output.  The
** generator is seeded, so a failure repeats.
*/
static void test_untrusted_random(void)
{
	static const char *const pieces[] = {
		"[", "]", "(", ")", "<", ">", "!", "*", "**", "_", "`", "```\n", "~~", "\n", "\n\n",
		"  \n", "\\", "\"", "'", "&", "&#", "x", ";", "&#106;", "&colon;", "&Tab;", "&amp;",
		"javascript:", "JaVaScRiPt:", "data:", "vbscript:", "http://", "https://e.com/",
		"mailto:", "//", "/\\", "#", "?", "www.e.com", "a@b.c", "> ", "- ", "1. ", "# ",
		"    ", "\t", "---\n", "|", "<script>", "<img src=x onerror=", "onload=", "\0",
		"[r]: ", "\xC3\xA9", " ", "<a href=", "</a>", "\"t\"", "]:", "![",
	};
	uint32_t seed = 12345;
	struct buf src = BUF_INIT;
	size_t n_pieces = sizeof pieces / sizeof pieces[0];
	int n_links = 0;
	for (int round = 0; round < 3000; round++) {
		buf_reset(&src);
		int len = 1 + round % 40;
		for (int i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % n_pieces];
			buf_put(&src, p, *p ? strlen(p) : 1); /* "" stands for one NUL */
		}
		const char *html = safe_n(src.data, src.len);
		if (strstr(html, "<a "))
			n_links++;
		md_n(src.data, src.len, MD_TRUSTED); /* for the sanitizers */
	}
	CHECK(n_links > 100); /* the generator does reach the link code */
	buf_free(&src);
}

/* ---- limited: staff without unfiltered HTML ---- */

/* Every element MD_LIMITED may write: Markdown's and raw_elems'. */
static const char *const limited_tags[] = {
	"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
	"div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
	"hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
	"small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
	"thead", "tr", "u", "ul", "var",
};
static const char *const limited_attrs[] = {
	"href", "src", "cite", "alt", "title", "datetime", "width", "height", "start",
	"colspan", "rowspan", "scope", "align", "class",
};

static int in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return 1;
	return 0;
}

/* An image's src: as an href, without mailto. */
static int src_acceptable(const char *h)
{
	return href_acceptable(h) && strncasecmp(h, "mailto:", 7) != 0;
}

/*
** 1 if html could be MD_LIMITED's output: only the elements and attributes
** of the lists above (class only as code's "language-..."), quoted and
** escaped values, href/cite/src of the allowed kinds, numbers where
** numbers go, balanced tags but the void ones, no stray '<' or '>'.  Else
** 0 with the reason in why.
*/
static int limited_check(const char *html, char *why, size_t cap)
{
	char stack[4096][12];
	size_t depth = 0;
	const char *s = html;
#define BAD(...) do { snprintf(why, cap, __VA_ARGS__); return 0; } while (0)
	while (*s) {
		if (*s == '>')
			BAD("stray '>' at %zu", (size_t)(s - html));
		if (*s != '<') {
			s++;
			continue;
		}
		size_t at = (size_t)(s - html);
		int is_close = *++s == '/';
		if (is_close)
			s++;
		char name[16];
		size_t k = 0;
		while (((*s >= 'a' && *s <= 'z') || (*s >= '1' && *s <= '6')) && k + 1 < sizeof name)
			name[k++] = *s++;
		name[k] = 0;
		if (!k || !in_list(name, limited_tags, sizeof limited_tags / sizeof *limited_tags))
			BAD("tag <%s%.12s> not allowed at %zu", is_close ? "/" : "", name, at);
		if (is_close) {
			if (*s++ != '>')
				BAD("junk in </%s> at %zu", name, at);
			if (!depth || strcmp(stack[depth - 1], name))
				BAD("</%s> closes <%s> at %zu", name, depth ? stack[depth - 1] : "", at);
			depth--;
			continue;
		}
		while (*s == ' ') {
			s++;
			char attr[16];
			k = 0;
			while (*s >= 'a' && *s <= 'z' && k + 1 < sizeof attr)
				attr[k++] = *s++;
			attr[k] = 0;
			if (!in_list(attr, limited_attrs, sizeof limited_attrs / sizeof *limited_attrs))
				BAD("attribute %s on <%s> at %zu", attr, name, at);
			if (strncmp(s, "=\"", 2))
				BAD("attribute %s unquoted at %zu", attr, at);
			s += 2;
			const char *v = s;
			while (*s && *s != '"') {
				if (*s == '<' || *s == '>')
					BAD("raw %c in attribute at %zu", *s, at);
				s++;
			}
			if (*s++ != '"')
				BAD("unterminated attribute at %zu", at);
			char val[1024];
			attr_unescape(v, (size_t)(s - 1 - v), val, sizeof val);
			if ((!strcmp(attr, "href") || !strcmp(attr, "cite")) && !href_acceptable(val))
				BAD("%s \"%.100s\" at %zu", attr, val, at);
			if (!strcmp(attr, "src") && !src_acceptable(val))
				BAD("src \"%.100s\" at %zu", val, at);
			if (!strcmp(attr, "class") && (strcmp(name, "code") || strncmp(val, "language-", 9)))
				BAD("class \"%.100s\" on <%s> at %zu", val, name, at);
			if ((!strcmp(attr, "width") || !strcmp(attr, "height") || !strcmp(attr, "start") ||
			     !strcmp(attr, "colspan") || !strcmp(attr, "rowspan")) &&
			    (!*val || strspn(val, "0123456789") != strlen(val)))
				BAD("%s \"%.100s\" not a number at %zu", attr, val, at);
		}
		if (*s++ != '>')
			BAD("junk in <%s> at %zu", name, at);
		if (!strcmp(name, "br") || !strcmp(name, "hr") || !strcmp(name, "img"))
			continue;
		if (depth == sizeof stack / sizeof stack[0])
			BAD("nesting too deep for the checker");
		strcpy(stack[depth++], name);
	}
	if (depth)
		BAD("<%s> left open", stack[depth - 1]);
	return 1;
#undef BAD
}

/* Renders limited and checks it as limited_check() can. */
static const char *limited_n(const char *src, size_t n)
{
	char why[200];
	const char *html = md_n(src, n, MD_LIMITED);
	if (!limited_check(html, why, sizeof why)) {
		fprintf(stderr, "limited_check: %s\n  input: %.*s\n  output: %s\n", why, (int)n, src,
		        html);
		CHECK(!"limited_check failed");
	}
	CHECK(!contains_ci(html, "<script") && !contains_ci(html, "<meta") &&
	      !contains_ci(html, "<iframe") && !contains_ci(html, "<style"));
	return html;
}

static const char *limited(const char *src)
{
	return limited_n(src, strlen(src));
}

static void test_limited_checker(void)
{
	char why[200];
	CHECK(limited_check("<p><img src=\"/a.png\" alt=\"x\" width=\"3\"> <b>b</b></p>", why,
	                    sizeof why));
	CHECK(!limited_check("<img src=\"x\" onerror=\"y\">", why, sizeof why));
	CHECK(!limited_check("<meta http-equiv=\"refresh\">", why, sizeof why));
	CHECK(!limited_check("<a href=\"javascript:x\">x</a>", why, sizeof why));
	CHECK(!limited_check("<img src=\"mailto:x\">", why, sizeof why));
	CHECK(!limited_check("<div class=\"x\"></div>", why, sizeof why));
	CHECK(!limited_check("<b>", why, sizeof why));
}

/* The hole: a contributor's bio or draft moved readers and editors to
** another site (<meta http-equiv=refresh>) or ran script, because staff
** Markdown was rendered with raw HTML as written whatever the writer's
** role. */
static void test_limited_contributor_html_neutralised(void)
{
	CHECK_STR(limited("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">"),
	          "&lt;meta http-equiv=&quot;refresh&quot; "
	          "content=&quot;0;url=https://evil.example/&quot;&gt;\n");
	CHECK_STR(limited("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;\n");
	CHECK_STR(limited("a <img src=x onerror=alert(1)> b"), "<p>a <img src=\"x\"> b</p>\n");
	CHECK_STR(limited("<iframe src=\"https://e.com/\"></iframe>"),
	          "&lt;iframe src=&quot;https://e.com/&quot;&gt;&lt;/iframe&gt;\n");
	CHECK_STR(limited("x <a href=\"javascript:alert(1)\" onclick=\"y\">t</a>"),
	          "<p>x <a>t</a></p>\n");
	CHECK_STR(limited("x <a href=\"&#106;avascript:alert(1)\">t</a>"), "<p>x <a>t</a></p>\n");
	CHECK_STR(limited("x <a href=\"java&Tab;script:alert(1)\">t</a>"), "<p>x <a>t</a></p>\n");
	CHECK_STR(limited("x <a href=\"&#x6A;avascript&colon;alert(1)\">t</a>"),
	          "<p>x <a>t</a></p>\n");
	CHECK_STR(limited("x <A HREF='https://e.com/?a=1&amp;b' TITLE=T TARGET=_blank>u</A>"),
	          "<p>x <a href=\"https://e.com/?a=1&amp;b\" title=\"T\">u</a></p>\n");
	CHECK_STR(limited("<style>body{display:none}</style>"),
	          "&lt;style&gt;body{display:none}&lt;/style&gt;\n");
	CHECK_STR(limited("x <svg onload=alert(1)>"), "<p>x &lt;svg onload=alert(1)&gt;</p>\n");
	CHECK_STR(limited("x <form action=/x><input name=a></form>"),
	          "<p>x &lt;form action=/x&gt;&lt;input name=a&gt;&lt;/form&gt;</p>\n");
	CHECK_STR(limited("x <span style=\"position:fixed\" class=c id=i>y</span>"),
	          "<p>x <span>y</span></p>\n");
	/* Markdown's own links and images are checked too. */
	CHECK_STR(limited("[x](javascript:alert(1)) ![a *b*](javascript:x) ![ok](/i.png)"),
	          "<p>x a b <img src=\"/i.png\" alt=\"ok\"></p>\n");
	CHECK_STR(limited("[m](mailto:a@b.c) ![m](mailto:a@b.c)"),
	          "<p><a href=\"mailto:a@b.c\">m</a> m</p>\n");
	/* Comments and declarations are dropped. */
	CHECK_STR(limited("a <!-- c --> b"), "<p>a  b</p>\n");
	/* md4c 0.4.8 does not read these as comments: they are text. */
	CHECK_STR(limited("a <!--> c <!---> d"), "<p>a &lt;!--&gt; c &lt;!---&gt; d</p>\n");
	limited("<!-- unclosed <script>x</script>");
	limited("a <? x ?> <!x> b");
}

static void test_limited_keeps_safe_html(void)
{
	CHECK_STR(limited("<div>\n<p onclick=x>hi</p>\n</div>"), "<div>\n<p>hi</p>\n</div>\n");
	CHECK_STR(limited("<figure><img src=\"/a.png\" width=\"100\" height=\"50%\" alt=\"A &amp; B\">"
	                  "<figcaption>C</figcaption></figure>"),
	          "<figure><img src=\"/a.png\" width=\"100\" alt=\"A &amp; B\">"
	          "<figcaption>C</figcaption></figure>\n");
	CHECK_STR(limited("<table><tr><td colspan=2 onmouseover=x>x</td></tr></table>"),
	          "<table><tr><td colspan=\"2\">x</td></tr></table>\n");
	CHECK_STR(limited("H<sub>2</sub>O, <abbr title=\"&quot;x&quot;\">y</abbr> &copy; &amp;"),
	          "<p>H<sub>2</sub>O, <abbr title=\"&quot;x&quot;\">y</abbr> \xC2\xA9 &amp;</p>\n");
	/* Markdown renders as for the trusted. */
	CHECK_STR(limited("## Head *line*\n\n3. a\n\n| a |\n|--:|\n| 1 |"),
	          "<h2>Head <em>line</em></h2>\n<ol start=\"3\">\n<li>a</li>\n</ol>\n"
	          "<table>\n<thead>\n<tr>\n<th align=\"right\">a</th>\n</tr>\n</thead>\n"
	          "<tbody>\n<tr>\n<td align=\"right\">1</td>\n</tr>\n</tbody>\n</table>\n");
	CHECK_STR(limited("```c\nx<y\n```"), "<pre><code class=\"language-c\">x&lt;y\n</code></pre>\n");
}

/* What raw HTML opens is closed by the end of its block; a closing tag
** with nothing of its kind open in the block is dropped, so neither can
** reach the page around the body. */
static void test_limited_balanced(void)
{
	CHECK_STR(limited("<b>bold"), "<p><b>bold</b></p>\n");
	CHECK_STR(limited("a </div></article> b"), "<p>a &lt;/article&gt; b</p>\n");
	CHECK_STR(limited("</div>\n\nx"), "\n<p>x</p>\n");
	CHECK_STR(limited("*a <b>x* y</b>"), "<p><em>a <b>x</b></em> y</p>\n");
	CHECK_STR(limited("<div class=\"note\">\n\n**md**\n\n</div>"),
	          "<div>\n</div><p><strong>md</strong></p>\n\n");
	CHECK_STR(limited("<a href=/x"), "<p>&lt;a href=/x</p>\n");
	CHECK_STR(limited("> <span>quoted"), "<blockquote>\n<p><span>quoted</span></p>\n</blockquote>\n");
}

/* A contributor's body of unfinished tags or deep nesting took quadratic
** time (18 s for 100,000 "<a " in an HTML block; 9 s for 100,000 <i> and
** as many unmatched </b>): it must stay linear.  The bound is generous. */
static void test_limited_linear_on_hostile_raw_html(void)
{
	static const char *const units[][2] = {
		{"<a ", ""}, {"<a title=\"", ""}, {"<i>", "</b>"}, {"<b>", "</i>"},
	};
	struct buf src = BUF_INIT;
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		buf_reset(&src);
		buf_puts(&src, "<div>\n");
		for (int i = 0; i < 100000; i++)
			buf_puts(&src, units[u][0]);
		for (int i = 0; *units[u][1] && i < 100000; i++)
			buf_puts(&src, units[u][1]);
		clock_t t = clock();
		limited_n(src.data, src.len);
		double secs = (double)(clock() - t) / CLOCKS_PER_SEC;
		if (secs > 3)
			fprintf(stderr, "%s: %.1f s\n", units[u][0], secs);
		CHECK(secs < 3);
	}
	buf_free(&src);
	/* Past 64 open raw elements a start tag is dropped. */
	buf_reset(&src);
	for (int i = 0; i < 70; i++)
		buf_puts(&src, "<b>");
	buf_puts(&src, "x");
	const char *html = limited_n(src.data, src.len);
	size_t opened = 0;
	for (const char *h = html; (h = strstr(h, "<b>")) != NULL; h++)
		opened++;
	CHECK(opened == 64);
	buf_free(&src);
}

/* Random documents rich in raw HTML, as for the untrusted level. */
static void test_limited_random(void)
{
	static const char *const pieces[] = {
		"<", ">", "</", "/>", "<div>", "</div>", "<b>", "</b>", "<a href=", "</a>", "<img src=",
		" onerror=", " onclick='", "javascript:", "JaVaScRiPt:", "&#106;", "&colon;", "&Tab;",
		"https://e.com/", "/x", "\"", "'", "=", " ", "\n", "\n\n", "<!--", "-->", "<!", "<?",
		"<script>", "</script>", "<style>", "<meta http-equiv=refresh content=0>", "<iframe",
		"<table>", "<td colspan=", "9", "x", "&", ";", "&amp;", "*", "[", "](", ")", "![",
		"`", "    ", "> ", "- ", "# ", "<span title=", "<SCRIPT", "\t", "", "\xC3\xA9",
		"<svg", "<math>", "<textarea>", "<p", "<h2>", "</h2>",
	};
	uint32_t seed = 54321;
	struct buf src = BUF_INIT;
	size_t n_pieces = sizeof pieces / sizeof pieces[0];
	int n_tags = 0;
	for (int round = 0; round < 3000; round++) {
		buf_reset(&src);
		int len = 1 + round % 40;
		for (int i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % n_pieces];
			buf_put(&src, p, *p ? strlen(p) : 1); /* "" stands for one NUL */
		}
		const char *html = limited_n(src.data, src.len);
		if (strstr(html, "<div>") || strstr(html, "<b>"))
			n_tags++;
	}
	CHECK(n_tags > 100); /* the generator does reach the raw HTML code */
	buf_free(&src);
}

/* ---- trusted ---- */

static void test_trusted(void)
{
	CHECK_STR(md("Hello *world*.\n\nTwo", MD_TRUSTED), "<p>Hello <em>world</em>.</p>\n<p>Two</p>\n");
	CHECK_STR(md("> quoted", MD_TRUSTED), "<blockquote>\n<p>quoted</p>\n</blockquote>\n");
	CHECK_STR(md("## Head *line*", MD_TRUSTED), "<h2>Head <em>line</em></h2>\n");
	CHECK_STR(md("<div class=\"x\">raw</div>\n\nafter", MD_TRUSTED),
	          "<div class=\"x\">raw</div>\n<p>after</p>\n");
	CHECK_STR(md("a <span class=\"k\">b</span> <!-- c -->", MD_TRUSTED),
	          "<p>a <span class=\"k\">b</span> <!-- c --></p>\n");
	CHECK_STR(md("![alt *x*](/i.png \"T&amp;\")", MD_TRUSTED),
	          "<p><img src=\"/i.png\" title=\"T&amp;\" alt=\"alt x\"></p>\n");
	CHECK_STR(md("[a](/x?y=1&z \"t\")", MD_TRUSTED),
	          "<p><a href=\"/x?y=1&amp;z\" title=\"t\">a</a></p>\n");
	CHECK_STR(md("```c\nx<y\n```", MD_TRUSTED),
	          "<pre><code class=\"language-c\">x&lt;y\n</code></pre>\n");
	CHECK_STR(md("3. a\n4. b", MD_TRUSTED), "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>\n");
	CHECK_STR(md("a\n\n***\n", MD_TRUSTED), "<p>a</p>\n<hr>\n");
	CHECK_STR(md("~~x~~ &copy; &star;", MD_TRUSTED), "<p><del>x</del> \xC2\xA9 &star;</p>\n");
	CHECK_STR(md("| a | b |\n|:--|--:|\n| 1 | 2 |", MD_TRUSTED),
	          "<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th align=\"right\">b</th>\n"
	          "</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n"
	          "<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n");
	CHECK_STR(md("www.example.com", MD_TRUSTED), "<p>www.example.com</p>\n");
}

/* ---- the contract around the output buffer ---- */

static void test_appends_and_fails_cleanly(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "before|");
	CHECK(markdown_render(&b, "*x*", 3, MD_UNTRUSTED) == 0);
	CHECK_STR(buf_cstr(&b), "before|<p><em>x</em></p>\n");
	buf_free(&b);

	/* A size limit hit part-way: -1, the old contents intact, is_full set. */
	buf_limit(&b, 20);
	buf_puts(&b, "before|");
	CHECK(markdown_render(&b, "*some long text*", 16, MD_UNTRUSTED) == -1);
	CHECK_STR(buf_cstr(&b), "before|");
	CHECK(b.is_full);
	buf_free(&b);

	CHECK(markdown_render(&b, NULL, 0, MD_UNTRUSTED) == 0);
	CHECK(b.len == 0);
	buf_free(&b);
}

int main(void)
{
	test_checker();
	test_untrusted_raw_html();
	test_untrusted_bad_links();
	test_untrusted_autolinks();
	test_untrusted_good_links();
	test_untrusted_images();
	test_untrusted_structure();
	test_untrusted_entities();
	test_md4c_unbalanced_span_after_autolink();
	test_md4c_nested_www_autolink();
	test_untrusted_deep_nesting();
	test_untrusted_random();
	test_limited_checker();
	test_limited_contributor_html_neutralised();
	test_limited_keeps_safe_html();
	test_limited_balanced();
	test_limited_linear_on_hostile_raw_html();
	test_limited_random();
	test_trusted();
	test_appends_and_fails_cleanly();
	buf_free(&out);
	return test_done();
}
