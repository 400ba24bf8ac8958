/*
** fuzz_markdown.c: Markdown to HTML (src/render/markdown.c), above all the
** MD_UNTRUSTED level that readers' comments go through.
**
** Input: Markdown source, any bytes.
**
** The untrusted output is read back by a small HTML reader written here,
** independent of the renderer, which fails on:
**   - any element but p br em strong code pre blockquote ul ol li a del
**     (so no script, style, img, iframe, ...), any attribute but href and
**     rel on a (so no on* event handler), an attribute not double-quoted;
**   - an href whose scheme, read the way a browser reads it (references
**     decoded, leading/trailing C0 and spaces dropped, tab/CR/LF removed),
**     is not http, https or mailto; a link without rel="nofollow ugc"; a
**     raw space, control or non-ASCII byte in an href (esc_url_attr
**     percent-encodes them); a link inside a link;
**   - unbalanced tags, a closing tag for a void element, a '<' or '>'
**     outside a tag, a '&' that is not &amp; &lt; &gt; &quot; or &#39;;
**   - content a browser would re-parent (a block inside p, pre or an inline
**     element; li outside ul/ol; text or other elements directly in ul/ol),
**     since then the tree the browser builds is not the one written;
**   - a NUL byte, or (when the source is valid UTF-8) invalid UTF-8.
** Then buf_limit: rendering into a buffer too small for the result must
** return -1 and leave the buffer exactly as it was.  The trusted level is
** rendered too (for memory errors only: raw HTML is allowed there), and
** the limited one, whose output must hold no script, style, frame, meta,
** form or foreign element whatever raw HTML the source has.
**
** md4c is a system library without ASan, so the source is handed over in
** a copy that ends at an unreadable page (fuzz_guarded): a read past
** src[len - 1], in md4c or in our callbacks, faults at once.
*/
#include "fuzz.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "render/markdown.h"

#include <string.h>

enum { INLINE = 1, BLOCK = 2, VOID = 4, LIST = 8 };

static const struct {
	const char *name;
	int kind;
} elements[] = {
	{"p", BLOCK}, {"pre", BLOCK}, {"blockquote", BLOCK}, {"ul", BLOCK | LIST},
	{"ol", BLOCK | LIST}, {"li", BLOCK}, {"br", INLINE | VOID}, {"em", INLINE},
	{"strong", INLINE}, {"code", INLINE}, {"a", INLINE}, {"del", INLINE},
};

static int kind_of(const char *name)
{
	for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++)
		if (!strcmp(name, elements[i].name))
			return elements[i].kind;
	return 0;
}

/* The length of the character reference at s if it is one esc_html() writes. */
static size_t ref_len(const char *s, char *c)
{
	static const struct { const char *ref; char c; } refs[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''},
	};
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
		if (!strncmp(s, refs[i].ref, strlen(refs[i].ref))) {
			*c = refs[i].c;
			return strlen(refs[i].ref);
		}
	return 0;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The WHATWG URL parser's view of the scheme: 1 if href (decoded) has none
** or http, https or mailto. */
static int scheme_allowed(const char *h, size_t n)
{
	size_t i = 0;
	while (i < n && (unsigned char)h[i] <= 0x20)
		i++;
	while (n > i && (unsigned char)h[n - 1] <= 0x20)
		n--;
	char scheme[16];
	size_t k = 0;
	for (; i < n; i++) {
		char c = h[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (k == 0 ? !is_alpha(c)
		           : !(is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
		               c == '.')) {
			if (c != ':' || k == 0)
				return 1; /* no scheme: relative */
			scheme[k < sizeof scheme ? k : sizeof scheme - 1] = 0;
			for (size_t j = 0; scheme[j]; j++)
				scheme[j] = (char)(scheme[j] | 0x20);
			return k < sizeof scheme && (!strcmp(scheme, "http") || !strcmp(scheme, "https") ||
			                             !strcmp(scheme, "mailto"));
		}
		if (k < sizeof scheme)
			scheme[k] = c;
		k++;
	}
	return 1; /* the end before any ':': relative */
}

#define MAX_DEPTH 4096

/* Fails (FUZZ_ASSERT) unless html[0..len) is what the untrusted renderer
** may write; src_utf8 says whether the source was valid UTF-8. */
static void check_html(const char *html, size_t len, int src_utf8)
{
	static char stack[MAX_DEPTH][12];
	size_t depth = 0;
	int links = 0;
	FUZZ_ASSERT(strlen(html) == len, "NUL byte in the output at %zu", strlen(html));
	if (src_utf8)
		FUZZ_ASSERT(utf8_valid(html, len), "invalid UTF-8 in the output");
	const char *s = html;
	while (*s) {
		size_t at = (size_t)(s - html);
		char c;
		FUZZ_ASSERT(*s != '>', "raw '>' at %zu", at);
		if (*s != '<') {
			size_t k = 1;
			if (*s == '&') {
				k = ref_len(s, &c);
				FUZZ_ASSERT(k, "raw '&' at %zu: %.12s", at, s);
			}
			/* Text: only white space may stand directly in a list. */
			if (depth && (kind_of(stack[depth - 1]) & LIST))
				FUZZ_ASSERT(*s == '\n' || *s == ' ' || *s == '\t',
				            "text directly in <%s> at %zu", stack[depth - 1], at);
			s += k;
			continue;
		}
		s++;
		int closing = *s == '/';
		if (closing)
			s++;
		char name[12];
		size_t k = 0;
		while (*s >= 'a' && *s <= 'z' && k + 1 < sizeof name)
			name[k++] = *s++;
		name[k] = 0;
		int kind = k ? kind_of(name) : 0;
		FUZZ_ASSERT(kind, "element <%s%.16s> at %zu", closing ? "/" : "", name, at);
		if (closing) {
			FUZZ_ASSERT(*s == '>', "junk in </%s> at %zu", name, at);
			s++;
			FUZZ_ASSERT(!(kind & VOID), "</%s> at %zu", name, at);
			FUZZ_ASSERT(depth && !strcmp(stack[depth - 1], name), "</%s> closes <%s> at %zu",
			            name, depth ? stack[depth - 1] : "(nothing)", at);
			depth--;
			if (!strcmp(name, "a"))
				links--;
			continue;
		}
		/* Attributes. */
		int n_attr = 0, is_link = !strcmp(name, "a");
		while (*s == ' ') {
			s++;
			char attr[8];
			k = 0;
			while (*s >= 'a' && *s <= 'z' && k + 1 < sizeof attr)
				attr[k++] = *s++;
			attr[k] = 0;
			FUZZ_ASSERT(is_link, "attribute '%s%.8s' on <%s> at %zu", attr, s, name, at);
			FUZZ_ASSERT(s[0] == '=' && s[1] == '"', "attribute %s not quoted at %zu", attr, at);
			s += 2;
			char val[8192];
			size_t vn = 0;
			while (*s && *s != '"') {
				FUZZ_ASSERT(*s != '<' && *s != '>', "'%c' in an attribute at %zu", *s, at);
				if (*s == '&') {
					size_t r = ref_len(s, &c);
					FUZZ_ASSERT(r, "raw '&' in an attribute at %zu", at);
					s += r;
				} else {
					c = *s++;
				}
				if (vn + 1 < sizeof val)
					val[vn++] = c;
			}
			val[vn] = 0;
			FUZZ_ASSERT(*s == '"', "unterminated attribute at %zu", at);
			s++;
			if (n_attr == 0) {
				FUZZ_ASSERT(!strcmp(attr, "href"), "<a>'s first attribute is %s at %zu", attr,
				            at);
				for (size_t i = 0; i < vn; i++)
					FUZZ_ASSERT((unsigned char)val[i] > 0x20 && (unsigned char)val[i] < 0x7F,
					            "byte %02X in an href at %zu", (unsigned char)val[i], at);
				FUZZ_ASSERT(scheme_allowed(val, vn), "href \"%.200s\" at %zu", val, at);
			} else {
				FUZZ_ASSERT(n_attr == 1 && !strcmp(attr, "rel") &&
				            !strcmp(val, "nofollow ugc"),
				            "attribute %s=\"%.100s\" on <a> at %zu", attr, val, at);
			}
			n_attr++;
		}
		FUZZ_ASSERT(*s == '>', "junk in <%s> at %zu: %.16s", name, at, s);
		s++;
		if (is_link)
			FUZZ_ASSERT(n_attr == 2, "<a> without href and rel at %zu", at);
		/* Where it may stand. */
		const char *parent = depth ? stack[depth - 1] : "";
		int pkind = depth ? kind_of(parent) : BLOCK;
		if (!strcmp(name, "li"))
			FUZZ_ASSERT(pkind & LIST, "<li> in <%s> at %zu", parent, at);
		else
			FUZZ_ASSERT(!(pkind & LIST), "<%s> directly in <%s> at %zu", name, parent, at);
		if (kind & BLOCK)
			for (size_t i = 0; i < depth; i++) {
				int ok = !(kind_of(stack[i]) & INLINE) && strcmp(stack[i], "p") &&
				         strcmp(stack[i], "pre");
				FUZZ_ASSERT(ok, "<%s> inside <%s> at %zu", name, stack[i], at);
			}
		if (is_link)
			FUZZ_ASSERT(links++ == 0, "<a> inside <a> at %zu", at);
		if (kind & VOID)
			continue;
		FUZZ_ASSERT(depth < MAX_DEPTH, "nesting deeper than the checker's %d", MAX_DEPTH);
		strcpy(stack[depth++], name);
	}
	FUZZ_ASSERT(depth == 0, "<%s> left open", stack[depth - 1]);
}

static void check_limit(const char *src, size_t n, enum md_trust trust, size_t full)
{
	static const char prefix[] = "<p>before</p>\n";
	struct buf b = BUF_INIT;
	buf_puts(&b, prefix);
	size_t limit = sizeof prefix - 1 + full / 2;
	buf_limit(&b, limit);
	int rc = markdown_render(&b, src, n, trust);
	FUZZ_ASSERT(rc == -1 && b.is_full, "a %zu-byte result fitted in %zu bytes", full,
	            full / 2);
	FUZZ_ASSERT(b.len == sizeof prefix - 1 && !memcmp(b.data, prefix, b.len),
	            "the buffer was changed by a failed render (%zu bytes now)", b.len);
	buf_free(&b);
}

FUZZ_TARGET(markdown)
{
	const char *src = fuzz_guarded(data, size);
	struct buf out = BUF_INIT;
	int rc = markdown_render(&out, src, size, MD_UNTRUSTED);
	FUZZ_ASSERT(rc == 0, "untrusted render failed");
	check_html(buf_cstr(&out), out.len, utf8_valid(src, size));
	if (out.len > 1)
		check_limit(src, size, MD_UNTRUSTED, out.len);

	buf_reset(&out);
	rc = markdown_render(&out, src, size, MD_TRUSTED);
	FUZZ_ASSERT(rc == 0, "trusted render failed");
	FUZZ_ASSERT(strlen(buf_cstr(&out)) == out.len, "NUL byte in the trusted output");
	if (out.len > 1)
		check_limit(src, size, MD_TRUSTED, out.len);

	/* Limited (staff without unfiltered HTML): never an element that can
	** run script, redirect or frame, whatever raw HTML the source holds. */
	buf_reset(&out);
	rc = markdown_render(&out, src, size, MD_LIMITED);
	FUZZ_ASSERT(rc == 0, "limited render failed");
	FUZZ_ASSERT(strlen(buf_cstr(&out)) == out.len, "NUL byte in the limited output");
	static const char *const never[] = {"<script", "<style", "<iframe", "<meta", "<object",
	                                    "<embed", "<svg", "<math", "<form", "<base", "<link"};
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
		FUZZ_ASSERT(!strcasestr(out.data, never[i]), "limited output has %s", never[i]);
	if (out.len > 1)
		check_limit(src, size, MD_LIMITED, out.len);
	buf_free(&out);
	return 0;
}
