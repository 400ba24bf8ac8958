/*
** markdown.h: Markdown to HTML, through md4c, in two trust levels.
**
** MD_TRUSTED is for article bodies and author bios, written by staff:
** CommonMark with GitHub's tables and strikethrough, raw HTML allowed.
**
** MD_UNTRUSTED is for readers' comments.  The source must be valid UTF-8
** (the caller checks).  It is parsed without raw HTML (tags come out as
** text), links are kept only for http, https, mailto and relative URLs
** (checked after character references are decoded), every link gets
** rel="nofollow ugc", images become their alt text, and only an allow-list
** of elements is ever written: p br em strong code pre blockquote ul ol li a
** del.  No attribute but a's href and rel is ever written.
*/
#ifndef BYLINE_RENDER_MARKDOWN_H
#define BYLINE_RENDER_MARKDOWN_H

#include <stddef.h>

struct buf;

enum md_trust {
	MD_TRUSTED,
	MD_UNTRUSTED,
};

/* Appends the HTML for src[0..len) to out.  Returns 0, or -1 if md4c
** failed or out reached its buf_limit() (out->is_full is then set): either
** way nothing partial is left in out, so what it holds stays well-formed.
** src may hold NUL bytes (they come out as U+FFFD).  How the untrusted
** level renders headings, images, refused links and the rest is listed
** atop markdown.c. */
int markdown_render(struct buf *out, const char *src, size_t len, enum md_trust trust);

#endif
