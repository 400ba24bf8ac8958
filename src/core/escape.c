/*
** escape.c: context escapers.  Tested over every byte value in
** tests/unit/test_escape.c; keep them small enough to reason about whole.
*/
#include "core/escape.h"
#include "core/buf.h"
#include "core/utf8.h"

#include <string.h>

static const char hex[] = "0123456789ABCDEF";

void esc_html(struct buf *out, const char *s, size_t n)
{
	size_t run = 0; /* start of the pending run of plain bytes */
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\0': rep = "\xEF\xBF\xBD"; break; /* U+FFFD: NUL is never valid */
		default: continue;
		}
		buf_put(out, s + run, i - run);
		buf_puts(out, rep);
		run = i + 1;
	}
	buf_put(out, s + run, n - run);
}

void esc_html_s(struct buf *out, const char *s)
{
	if (s)
		esc_html(out, s, strlen(s));
}

/* Bytes kept as they are inside a URL attribute.  Everything else is
** percent-encoded: controls, space, quotes, <>, backslash, backtick, {}|^
** and all non-ASCII bytes (already UTF-8, so encoding them bytewise is the
** standard IRI-to-URI mapping).  '%' is kept so encoded URLs stay as given. */
static int url_keep(unsigned char c)
{
	if (c >= 'a' && c <= 'z') return 1;
	if (c >= 'A' && c <= 'Z') return 1;
	if (c >= '0' && c <= '9') return 1;
	return strchr("-._~:/?#[]@!$&()*+,;=%", c) != NULL && c != 0;
}

void esc_url_attr(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '&') {
			buf_puts(out, "&amp;");
		} else if (url_keep(c)) {
			buf_putc(out, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_put(out, e, 3);
		}
	}
}

void esc_url_part(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
			buf_putc(out, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_put(out, e, 3);
		}
	}
}

void esc_xml(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			switch (c) {
			case '&': buf_puts(out, "&amp;"); break;
			case '<': buf_puts(out, "&lt;"); break;
			case '>': buf_puts(out, "&gt;"); break;
			case '"': buf_puts(out, "&quot;"); break;
			case '\'': buf_puts(out, "&apos;"); break;
			case '\t': case '\n': case '\r': buf_putc(out, (char)c); break;
			default:
				if (c >= 0x20 && c != 0x7F)
					buf_putc(out, (char)c);
				/* C0 controls are not allowed in XML 1.0: dropped. */
			}
			i++;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			buf_puts(out, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		if (!(cp == 0xFFFE || cp == 0xFFFF || (cp >= 0x80 && cp <= 0x9F)))
			buf_put(out, s + i, (size_t)k);
		i += (size_t)k;
	}
}

void esc_json(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			switch (c) {
			case '"': buf_puts(out, "\\\""); break;
			case '\\': buf_puts(out, "\\\\"); break;
			case '\n': buf_puts(out, "\\n"); break;
			case '\r': buf_puts(out, "\\r"); break;
			case '\t': buf_puts(out, "\\t"); break;
			case '<': case '>': case '&': case '\'':
				/* Safe inside <script type="application/ld+json">. */
				buf_printf(out, "\\u%04x", c);
				break;
			default:
				if (c < 0x20 || c == 0x7F)
					buf_printf(out, "\\u%04x", c);
				else
					buf_putc(out, (char)c);
			}
			i++;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			buf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029)
			buf_printf(out, "\\u%04x", (unsigned)cp);
		else
			buf_put(out, s + i, (size_t)k);
		i += (size_t)k;
	}
}

void esc_json_s(struct buf *out, const char *s)
{
	if (s)
		esc_json(out, s, strlen(s));
}
