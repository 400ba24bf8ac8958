/*
** cdn.h: a CDN in front of Byline (Fastly, Cloudflare, Varnish, nginx).
**
** Every cacheable page answered to an anonymous reader names what it shows
** in two headers, the same keys space- and comma-separated:
**
**   Surrogate-Key: site lists article-12 author-2 section-3 tag-7
**   Cache-Tag: site,lists,article-12,author-2,section-3,tag-7
**
** and may be kept by the CDN: Cache-Control: public, max-age=0 (or the
** page's own max-age), s-maxage=<cdn_s_maxage>, stale-while-revalidate=
** <cdn_stale_seconds>.  The keys come from what the page cache records
** (struct page_deps, one home for "what a page shows"):
**
**   site         every page (a setting, section, static page or redirect
**                changed: purge everything)
**   any          a page that depends on anything (DEP_EVERYTHING)
**   lists        listings, home, feeds, sitemaps, related boxes (DEP_LISTS)
**   articles     full-text feeds and sitemaps (DEP_ANY_ARTICLE)
**   comments     the site's comment feed (DEP_ALL_COMMENTS)
**   article-N    the article N (its text and its comments)
**   author-N     the author N's profile
**   section-N, tag-N, home   names only: what the listing or article shows
**                (tag-N is purged too when the tag is renamed)
**
** Signed-in readers, pages with a reader's own content and the desk never
** get them (they stay private, no-store).
**
** Purges: when cdn_purge_url is set, the triggers (schema.c migration 35)
** queue the keys each change makes stale (model/cdn.h); the webhook
** sender's thread posts what is due, at most CDN_BATCH keys a request:
**
**   POST <cdn_purge_url>
**   Content-Type: application/json
**   Surrogate-Key: article-12 lists any
**
**   {"surrogate_keys": ["article-12", "lists", "any"]}
**
** A 2xx answer removes them from the queue; anything else is retried after
** 1, 2, 4... seconds (at most CDN_MAX_DELAY).  The request goes through
** outbound_send() with its limits (a loopback or private address only
** with outbound_allow_private).  Emptying the setting empties the queue.
*/
#ifndef BYLINE_WEB_CDN_H
#define BYLINE_WEB_CDN_H

#include <stdatomic.h>

struct page;
struct db_pool;

#define CDN_BATCH 64    /* keys in one purge request */
#define CDN_SECONDS 10  /* one purge request, all told */

/* Adds a naming key ("section", 3 -> "section-3"; id 0: just the kind)
** to the page's keys. */
void cdn_name(struct page *p, const char *kind, long long id);

/* Sets Surrogate-Key, Cache-Tag and the shared Cache-Control on p's
** answer: the caller has checked it is a cacheable page for an anonymous
** reader, answered 200 with no cookie set.  Holds the settings lock. */
void cdn_headers(struct page *p);

/* Sends what is due in the purge queue (one request), or empties it when
** cdn_purge_url is empty.  1 if more may be due now. */
int cdn_purge_work(struct db_pool *pool, atomic_int *stop);

#endif
