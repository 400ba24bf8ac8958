/*
** webmention.h: Webmention (W3C Recommendation, 12 January 2017), both
** ways, on model/webmention.h's queues.
**
** Receiving: POST /webmention with form fields source and target.  The
** request is checked at once (both http(s) URLs, different, at most
** WEBMENTION_URL_MAX bytes; the target one of our published articles, under
** site_base()) and answered 400 with a sentence, or 202 once queued (429
** when the queue is full); nothing is fetched while the sender waits.  The
** outbound thread (web/webhooker.c) then fetches the source (GET, the
** outbound.h limits and private-address rule, 1 MB, 10 s) and accepts the
** mention only if it answered 2xx and holds a link (an href) to the target.
** An accepted mention goes through comment_submit() as a Webmention: named
** after the source's h-card author (class "p-author") or its host, its text
** a link to the source with its title (the h-entry's p-name, else
** <title>), always held for moderation, and sent to spam by the same rules
** as a comment.  Once approved it shows under the article as a reaction.
**
** Discovery: every public page names the endpoint in a Link header
** (article pages; route.c) and <link rel="webmention"> in its head.
**
** Sending: for a newly published article, every absolute http(s) link of
** its body that is not to this site (at most WEBMENTION_MAX_LINKS) is
** fetched; its endpoint is the first of a Link header with rel
** "webmention", else the first <link> or <a> with rel "webmention" in the
** HTML, resolved against the page's URL (RFC 3986 5.2, the common cases).
** It is sent source=<the article's URL>&target=<the link>.
*/
#ifndef BYLINE_WEB_WEBMENTION_H
#define BYLINE_WEB_WEBMENTION_H

#include <stdatomic.h>
#include <stddef.h>

struct page;
struct app;
struct db_pool;
struct buf;

#define WEBMENTION_MAX_SOURCE (1024 * 1024) /* bytes of a source page read */
#define WEBMENTION_SECONDS 10               /* one fetch or send */
#define WEBMENTION_MAX_LINKS 20             /* links of one article tried */

/* POST /webmention. */
void webmention_receive(struct page *p);

/* Verifies queued mentions and sends queued articles' mentions (the
** outbound thread's turn).  Returns 1 if there may be more. */
int webmention_work(struct db_pool *pool, struct app *app, atomic_int *stop);

/* 1 if html holds an element with an href equal to url (entities &amp;
** and &#38; decoded; a trailing '/' ignored on both).  Exposed for tests. */
int webmention_links_to(const char *html, const char *url);

/* The endpoint a page names (headers as received, then html), resolved
** against page_url, into out; 0, or -1 if none. */
int webmention_endpoint(const char *page_url, const char *headers, const char *html,
                        struct buf *out);

/* ref resolved against base (absolute http(s) URL) into out. */
void webmention_resolve(const char *base, const char *ref, struct buf *out);

#endif
