/*
** embed.h: embeds in articles, with readers' privacy kept (issue 16).
**
** A URL alone on a line of an article's body, whose host is one of the
** embed_providers setting's, is looked up at save: the provider's oEmbed
** endpoint is asked once (outbound.h: private addresses refused unless
** outbound_allow_private, EMBED_MAX_ANSWER bytes, EMBED_SECONDS) and its
** answer kept only if its html is one iframe, nothing else (no script, no
** other element), whose https address is on the provider's own host or one
** of the player hosts the setting names for it; else the link stays a link
** and the editor is told why.  What is kept is the iframe's address and
** size, the title and the provider's name (model/embed.h), never the
** provider's markup; its thumbnail, if any, is copied into our media
** (media_store(), the upload checks) for the still.
**
** Readers see, where the link was, a still: the thumbnail (our copy), the
** title, the provider and a link "Load it from PROVIDER" to /embed/KEY/
** on our own site (the words in the site's language, at render); nothing
** there contacts the provider, and public pages still run no script.  The
** provider is contacted only when the reader follows that link: the
** /embed/KEY/ page holds the iframe, and its Content-Security-Policy
** allows frame-src for that player's origin alone (every other page keeps
** default-src 'self', which allows no third-party frame).
*/
#ifndef BYLINE_WEB_EMBED_H
#define BYLINE_WEB_EMBED_H

#include <stddef.h>

struct page;
struct buf;

#define EMBED_MAX_ANSWER (64 * 1024) /* bytes of an oEmbed answer */
#define EMBED_MAX_HTML 4096          /* bytes of its html member */
#define EMBED_MAX_THUMBNAIL (2 * 1024 * 1024) /* bytes of a thumbnail copied */
#define EMBED_SECONDS 5              /* one request to the provider */
#define EMBED_REFRESH_SECONDS 86400  /* a kept answer is asked again after a day */
#define EMBED_MAX_ASKED 8            /* providers asked at one save (the editor waits) */

/* Looks up the embeddable links of body (Markdown) and stores what their
** providers answer.  A sentence per link that stays a link ("This link
** stays a link: URL: why") is appended to notes, one a line. */
void embed_refresh(struct page *p, const char *body, struct buf *notes);

/* The notes of body's links as embed_refresh() left them (for the editor
** after its redirect), one a line, into notes. */
void embed_notes(struct page *p, const char *body, struct buf *notes);

/* body_html with each paragraph that is only an embedded link replaced by
** its still, its words in the site's language (tr()).  Made at each
** render, never stored.  Allocated in p->a. */
const char *embed_body(struct page *p, const char *body_html);

/* GET /embed/{key}/: the player, on a page of our own. */
void page_embed(struct page *p);

#endif
