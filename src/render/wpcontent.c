/*
** wpcontent.c: WordPress post HTML to Byline's stored body (see
** wpcontent.h).  Three passes over growing buffers, each linear:
** shortcodes and comments, then paragraphs (wpautop), then the addresses
** in href and src.
*/
#include "render/wpcontent.h"
#include "core/mem.h"
#include "core/buf.h"
#include "core/escape.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int starts_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

static void note(struct buf *notes, const char *name, size_t n)
{
	if (!notes)
		return;
	char line[80];
	if (n > 60)
		n = 60;
	int len = snprintf(line, sizeof line, "[%.*s]\n", (int)n, name);
	const char *have = notes->data ? buf_cstr(notes) : "";
	/* Once each: look for the whole line. */
	for (const char *p = have; (p = strstr(p, line)) != NULL; p++)
		if (p == have || p[-1] == '\n')
			return;
	buf_put(notes, line, (size_t)len);
}

/* The value of attribute `name` in [s, end) (a shortcode's or a tag's),
** copied into out (NUL-terminated, cut to outlen); 0 found, -1 not. */
static int attr_value(const char *s, const char *end, const char *name, char *out,
                      size_t outlen)
{
	size_t nl = strlen(name);
	for (const char *p = s; p + nl < end; p++) {
		if (strncasecmp(p, name, nl) != 0 || (p > s && !isspace((unsigned char)p[-1])))
			continue;
		const char *q = p + nl;
		while (q < end && *q == ' ')
			q++;
		if (q >= end || *q != '=')
			continue;
		q++;
		while (q < end && *q == ' ')
			q++;
		char quote = q < end && (*q == '"' || *q == '\'') ? *q++ : 0;
		const char *v = q;
		while (q < end && (quote ? *q != quote : !isspace((unsigned char)*q) && *q != ']'))
			q++;
		size_t n = (size_t)(q - v);
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, v, n);
		out[n] = 0;
		return 0;
	}
	return -1;
}

static size_t shortcode_name(const char *p)
{
	if (!isalpha((unsigned char)*p))
		return 0;
	size_t n = 1;
	while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-')
		n++;
	return p[n] == ' ' || p[n] == ']' || p[n] == '/' ? n : 0;
}

static void gallery(const char *attrs, const char *end, const struct wpcontent_ctx *c,
                    struct buf *out, struct buf *notes)
{
	char ids[4096];
	if (!c->attachment || attr_value(attrs, end, "ids", ids, sizeof ids) != 0) {
		buf_put(out, attrs - 8, (size_t)(end + 1 - (attrs - 8)));
		note(notes, "gallery", 7);
		return;
	}
	buf_puts(out, "\n\n<figure>");
	for (char *p = ids; *p;) {
		char *e;
		long long id = strtoll(p, &e, 10);
		if (e == p) {
			p++;
			continue;
		}
		p = e;
		const char *url, *alt;
		if (c->attachment(c->ctx, id, &url, &alt) != 0)
			continue;
		buf_puts(out, "<img src=\"");
		esc_html_s(out, url);
		buf_puts(out, "\" alt=\"");
		esc_html_s(out, alt ? alt : "");
		buf_puts(out, "\">");
	}
	buf_puts(out, "</figure>\n\n");
}

static void caption(const char *attrs, const char *attrs_end, const char *inner,
                    const char *inner_end, struct buf *out)
{
	while (inner < inner_end && isspace((unsigned char)*inner))
		inner++;
	const char *media_end = inner;
	if (starts_ci(inner, "<a")) {
		const char *close = strstr(inner, "</a>");
		media_end = close && close < inner_end ? close + 4 : inner;
	} else if (starts_ci(inner, "<img")) {
		const char *gt = memchr(inner, '>', (size_t)(inner_end - inner));
		media_end = gt ? gt + 1 : inner;
	}
	buf_puts(out, "\n\n<figure>");
	buf_put(out, inner, (size_t)(media_end - inner));
	const char *text = media_end;
	while (text < inner_end && isspace((unsigned char)*text))
		text++;
	const char *text_end = inner_end;
	while (text_end > text && isspace((unsigned char)text_end[-1]))
		text_end--;
	char old_caption[2048];
	buf_puts(out, "<figcaption>");
	if (text < text_end)
		buf_put(out, text, (size_t)(text_end - text));
	else if (attr_value(attrs, attrs_end, "caption", old_caption, sizeof old_caption) == 0)
		buf_puts(out, old_caption); /* already HTML as WordPress stored it */
	buf_puts(out, "</figcaption></figure>\n\n");
}

/* Pass 1: comments and shortcodes. */
static void shortcodes(const char *s, const struct wpcontent_ctx *c, struct buf *out,
                       struct buf *notes)
{
	while (*s) {
		if (s[0] == '\r' && s[1] == '\n') {
			s++;
			continue;
		}
		if (starts(s, "<!--")) {
			const char *body = s + 4;
			while (*body == ' ')
				body++;
			const char *end = strstr(s + 4, "-->");
			if (end && (starts(body, "wp:") || starts(body, "/wp:") || starts(body, "more") ||
			            starts(body, "nextpage"))) {
				s = end + 3;
				continue;
			}
			size_t n = end ? (size_t)(end + 3 - s) : strlen(s);
			buf_put(out, s, n);
			s += n;
			continue;
		}
		if (s[0] == '[' && s[1] == '[' && shortcode_name(s + 2)) {
			const char *end = strstr(s, "]]");
			if (end) {
				buf_put(out, s + 1, (size_t)(end + 1 - (s + 1)));
				s = end + 2;
				continue;
			}
		}
		size_t n = s[0] == '[' ? shortcode_name(s + 1) : 0;
		if (!n) {
			buf_putc(out, *s++);
			continue;
		}
		const char *name = s + 1;
		const char *close = strchr(name + n, ']');
		if (!close) {
			buf_putc(out, *s++);
			continue;
		}
		const char *attrs = name + n;
		if (n == 7 && !strncmp(name, "caption", 7)) {
			const char *end = strstr(close, "[/caption]");
			if (end) {
				caption(attrs, close, close + 1, end, out);
				s = end + 10;
				continue;
			}
		} else if (n == 7 && !strncmp(name, "gallery", 7)) {
			gallery(attrs, close, c, out, notes);
			s = close + 1;
			continue;
		} else if (n == 5 && !strncmp(name, "embed", 5)) {
			const char *end = strstr(close, "[/embed]");
			if (end) {
				const char *u = close + 1;
				while (u < end && isspace((unsigned char)*u))
					u++;
				const char *ue = end;
				while (ue > u && isspace((unsigned char)ue[-1]))
					ue--;
				buf_puts(out, "\n\n<p><a href=\"");
				esc_url_attr(out, u, (size_t)(ue - u));
				buf_puts(out, "\">");
				esc_html(out, u, (size_t)(ue - u));
				buf_puts(out, "</a></p>\n\n");
				s = end + 8;
				continue;
			}
		}
		note(notes, name, n);
		buf_putc(out, *s++);
	}
}

static const char *const block_tags[] = {
	"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
	"figure", "figcaption", "table", "thead", "tbody", "tr", "td", "th", "hr", "dl", "dt",
	"dd", "address", "section", "article", "aside", "header", "footer", "details",
	"summary", "iframe", "script", "style", "form", "nav", "center", "caption", "colgroup",
	"col", "fieldset", NULL};

/* Length of the block tag name at s (after '<' or "</"), or 0. */
static size_t block_tag(const char *s)
{
	for (int i = 0; block_tags[i]; i++) {
		size_t n = strlen(block_tags[i]);
		if (!strncasecmp(s, block_tags[i], n) &&
		    (s[n] == '>' || s[n] == ' ' || s[n] == '/' || s[n] == '\n' || s[n] == '\t' ||
		     s[n] == 0))
			return n;
	}
	return 0;
}

static int is_container(const char *s, size_t n)
{
	static const char *const c[] = {"div", "ul", "ol", "blockquote", "table", "figure",
	                                "dl", "section", "article", "aside", "details",
	                                "form", "nav", "fieldset", NULL};
	for (int i = 0; c[i]; i++)
		if (strlen(c[i]) == n && !strncasecmp(s, c[i], n))
			return 1;
	return 0;
}

static int bare_url(const char *s, size_t n)
{
	if (!(n > 8 && (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8))))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)s[i]) || s[i] == '<' || s[i] == '"' || s[i] == '>')
			return 0;
	return 1;
}

static void emit_block(const char *s, size_t n, struct buf *out)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return;
	if (out->len)
		buf_puts(out, "\n\n");
	if (bare_url(s, n)) {
		buf_puts(out, "<p><a href=\"");
		esc_url_attr(out, s, n);
		buf_puts(out, "\">");
		esc_html(out, s, n);
		buf_puts(out, "</a></p>");
		return;
	}
	if (s[0] == '<' && (block_tag(s + 1) || (s[1] == '/' && block_tag(s + 2)) ||
	                    starts(s, "<!--"))) {
		/* Raw HTML, kept; blank lines inside were already folded. */
		buf_put(out, s, n);
		return;
	}
	buf_puts(out, "<p>");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			/* wpautop: a single newline inside a paragraph is a line break. */
			size_t j = i + 1;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			buf_puts(out, "<br>");
			buf_putc(out, '\n');
			i = j - 1;
			continue;
		}
		buf_putc(out, s[i]);
	}
	buf_puts(out, "</p>");
}

/* Pass 2: paragraphs from blank lines, never splitting inside a container
** element or <pre>. */
static void paragraphs(const char *s, size_t len, struct buf *out)
{
	struct buf block = BUF_INIT;
	int depth = 0, in_pre = 0;
	for (size_t i = 0; i < len;) {
		if (s[i] == '<') {
			int closing = s[i + 1] == '/';
			const char *t = s + i + 1 + closing;
			size_t n = block_tag(t);
			if (n && !strncasecmp(t, "pre", 3) && n == 3)
				in_pre = !closing;
			else if (n && is_container(t, n) && !in_pre) {
				const char *gt = strchr(t, '>');
				int self = gt && gt > t && gt[-1] == '/';
				if (!self)
					depth += closing ? (depth > 0 ? -1 : 0) : 1;
			}
		}
		if (s[i] == '\n') {
			size_t j = i + 1;
			while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'))
				j++;
			if (j < len && s[j] == '\n') {
				/* A blank line (or more). */
				while (j < len && isspace((unsigned char)s[j]))
					j++;
				if (in_pre) {
					buf_put(&block, s + i, j - i);
				} else if (depth > 0) {
					buf_putc(&block, '\n');
				} else {
					emit_block(block.data ? block.data : "", block.len, out);
					buf_reset(&block);
				}
				i = j;
				continue;
			}
		}
		buf_putc(&block, s[i]);
		i++;
	}
	emit_block(block.data ? block.data : "", block.len, out);
	buf_free(&block);
}

/* The part of url after an old base ("" if it is the base), or NULL. */
static const char *after_base(const struct wpcontent_ctx *c, const char *url, size_t n)
{
	const char *u = url;
	if (!strncasecmp(u, "https:", 6))
		u += 6;
	else if (!strncasecmp(u, "http:", 5))
		u += 5;
	if (strncmp(u, "//", 2) != 0)
		return NULL;
	const char *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < c->n_old_bases; i++) {
		const char *b = c->old_bases[i];
		if (!b || !*b)
			continue;
		if (!strncasecmp(b, "https:", 6))
			b += 6;
		else if (!strncasecmp(b, "http:", 5))
			b += 5;
		size_t bl = strlen(b);
		while (bl && b[bl - 1] == '/')
			bl--;
		if (bl < 3 || (size_t)(url + n - u) < bl || strncasecmp(u, b, bl) != 0)
			continue;
		char next = u + bl < url + n ? u[bl] : 0;
		if ((next == 0 || next == '/' || next == '?' || next == '#') && bl > best_len) {
			best = u + bl; /* the longest base wins: /blog before / */
			best_len = bl;
		}
	}
	return best;
}

/* Pass 3: href and src at the old site. */
static void addresses(const char *s, const struct wpcontent_ctx *c, struct buf *out)
{
	while (*s) {
		size_t run = strcspn(s, " \t\n"); /* an attribute starts after one */
		if (run) {
			buf_put(out, s, run);
			s += run;
			continue;
		}
		size_t an = starts_ci(s, " href=") || starts_ci(s, "\thref=") || starts_ci(s, "\nhref=")
		                ? 6
		            : starts_ci(s, " src=") || starts_ci(s, "\tsrc=") || starts_ci(s, "\nsrc=")
		                ? 5
		                : 0;
		if (!an || (s[an] != '"' && s[an] != '\'')) {
			buf_putc(out, *s++);
			continue;
		}
		char q = s[an];
		const char *v = s + an + 1;
		const char *ve = strchr(v, q);
		if (!ve) {
			buf_putc(out, *s++);
			continue;
		}
		size_t vn = (size_t)(ve - v);
		const char *rest = after_base(c, v, vn);
		buf_put(out, s, an + 1);
		if (!rest) {
			buf_put(out, v, vn);
		} else {
			char *url = mem_strndup(v, vn);
			const char *mapped = strstr(url, "/wp-content/uploads/") && c->upload
			                         ? c->upload(c->ctx, url) : NULL;
			if (mapped) {
				buf_puts(out, mapped);
			} else if (strstr(url, "/wp-content/")) {
				/* A file not imported: it is still at the old address. */
				buf_put(out, v, vn);
			} else {
				size_t rn = (size_t)(v + vn - rest);
				if (!rn || rest[0] != '/')
					buf_putc(out, '/');
				buf_put(out, rest, rn);
			}
			free(url);
		}
		buf_putc(out, q);
		s = ve + 1;
	}
}

int wpcontent_convert(const char *src, const struct wpcontent_ctx *c, struct buf *out,
                      struct buf *notes)
{
	struct buf one = BUF_INIT, two = BUF_INIT;
	shortcodes(src ? src : "", c, &one, notes);
	paragraphs(one.data ? one.data : "", one.len, &two);
	addresses(two.data ? buf_cstr(&two) : "", c, out);
	buf_free(&one);
	buf_free(&two);
	return 0;
}
