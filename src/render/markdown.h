/*
** markdown.h: Markdown to HTML, through md4c, in three trust levels.
**
** MD_TRUSTED is for what editors and administrators write (WordPress's
** unfiltered_html): CommonMark with GitHub's tables and strikethrough, raw
** HTML written as it is.
**
** MD_LIMITED is for what other staff write (authors' and contributors'
** articles and bios): the same Markdown, but links must be http, https,
** mailto or relative and images http, https or relative (else the text
** alone is written), and raw HTML goes through an allow-list: the
** elements and attributes of markdown.c's raw_elems table are written again
** by us (never copied), with URL attributes checked as links are, numeric
** ones digits only, and no other attribute (no on*, style, class, id);
** every other tag (script, style, iframe, meta, form, object, svg, ...)
** comes out as the text it is, comments and <!...> / <?...> are dropped,
** and the elements it opens are closed by the end of the Markdown block
** they were opened in, so the output is balanced.
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
	MD_TRUSTED,   /* editors and administrators: raw HTML as written */
	MD_UNTRUSTED, /* readers' comments: no raw HTML at all */
	MD_LIMITED,   /* other staff: raw HTML through the allow-list */
};

/* The version of the renderers and their allow-lists.  Stored HTML records
** the version that made it (articles.body_html_version), and HTML made by
** another version is rendered again from its source (article.c).  Bump it
** whenever a change here can change the HTML that some input makes. */
#define MARKDOWN_VERSION 2

/* Appends the HTML for src[0..len) to out.  Returns 0, or -1 if md4c
** failed or out reached its buf_limit() (out->is_full is then set): either
** way nothing partial is left in out, so what it holds stays well-formed.
** src may hold NUL bytes (they come out as U+FFFD).  How the untrusted
** level renders headings, images, refused links and the rest is listed
** atop markdown.c. */
int markdown_render(struct buf *out, const char *src, size_t len, enum md_trust trust);

#endif
