/*
** escape.h: the closed set of output escapers.
**
** Every byte of untrusted text reaches a response through exactly one of
** these, chosen by the context it lands in.  Nothing else in Byline writes
** user data into HTML, XML, JSON or a URL.  Each escaper appends to a buf.
**
**   esc_html        HTML text and quoted attribute values
**   esc_url_attr    a URL placed in href/src: percent-encodes what HTML or
**                   URL syntax would misread, then escapes for the attribute
**   esc_url_part    one component (path segment, query value) of a URL
**   esc_xml         XML 1.0 text and attributes (drops forbidden characters)
**   esc_json        the inside of a JSON string, safe inside <script> too
**
** None of them checks a URL's scheme: that is url_scheme_ok() in url.h.
*/
#ifndef BYLINE_CORE_ESCAPE_H
#define BYLINE_CORE_ESCAPE_H

#include <stddef.h>

struct buf;

void esc_html(struct buf *out, const char *s, size_t n);
void esc_url_attr(struct buf *out, const char *s, size_t n);
void esc_url_part(struct buf *out, const char *s, size_t n);
void esc_xml(struct buf *out, const char *s, size_t n);
void esc_json(struct buf *out, const char *s, size_t n);

/* NUL-terminated conveniences. */
void esc_html_s(struct buf *out, const char *s);
void esc_json_s(struct buf *out, const char *s);

#endif
