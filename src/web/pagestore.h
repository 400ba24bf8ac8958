/*
** pagestore.h: the page cache's tier on disk, under the memory tier
** (pagecache.h), for sites whose pages do not fit in memory: rendered
** pages kept beyond the memory budget, as WP Super Cache's files are, and
** a low-priority preload that renders every sitemap URL into it before the
** crawlers come.
**
** The page cache writes every page it stores here too (the plain body and
** the compressed form it made), under the same key and with the same
** struct page_deps; a miss in memory asks here before rendering.  The
** cache applies every change it reads from the change log here as well,
** with the same rule (page_deps_touched()), before it answers anything, so
** a page is never served from disk after its change is seen.  A page
** stored while a change was being applied is dropped, not kept.
**
** The bytes live in unlinked temporary files in a folder (segments, filled
** in turn; when the bound is reached the oldest segment is emptied and its
** pages forgotten), so nothing survives a restart or a crash: a stale copy
** can never be served by the next process, and nodes sharing a data folder
** never see each other's.  The index (key -> place, what it shows) is in
** memory.  A hit is one pread() of the record (headers and body).
*/
#ifndef BYLINE_WEB_PAGESTORE_H
#define BYLINE_WEB_PAGESTORE_H

#include <stddef.h>

#include "model/changes.h"

struct http_req;
struct http_resp;
struct page_deps;

struct pagestore;

/* A store of at most max_bytes of records in dir (created if missing).
** NULL (with err) if the folder cannot be written. */
struct pagestore *pagestore_new(const char *dir, size_t max_bytes, char *err, size_t errlen);
void pagestore_free(struct pagestore *s);

/* The change sequence: bumped by every pagestore_changed().  Read it when
** the page was judged current (under the page cache's lock), pass it to
** pagestore_put(): the put is dropped if a change came since. */
unsigned long pagestore_seq(struct pagestore *s);

/* One form of a page to store. */
struct pagestore_form {
	const char *encoding;   /* NULL (plain), "gzip" or "br" */
	const char *etag;       /* quoted */
	const unsigned char *body;
	size_t len;
};

/* Stores key's forms (plain first) with the header values a hit sends:
** extra is "Name\0value\0"... "\0" (may be NULL).  Replaces what key had. */
void pagestore_put(struct pagestore *s, unsigned long seq, const char *key,
                   const struct page_deps *deps, long long modified, const char *content_type,
                   const char *cache_control, const char *last_modified, const char *extra,
                   const struct pagestore_form *forms, int n_forms);

/* Serves key from disk if it is there and fresh (the best form the
** request accepts, or a 304): fills resp and returns 1; else 0. */
int pagestore_serve(struct pagestore *s, struct http_req *req, const char *key,
                    struct http_resp *resp);

/* 1 if key is stored and fresh. */
int pagestore_has(struct pagestore *s, const char *key);

/* Forgets every page one of n changes (kind[i] to id[i]) touches: one
** pass over the index for them all. */
void pagestore_changed(struct pagestore *s, const enum change_kind *kind, const long long *id,
                       int n);

struct pagestore_stats {
	unsigned long hits, stored, dropped, entries, recycled;
	size_t bytes, max_bytes;
	unsigned long preloaded, preload_rounds; /* pages the preload asked for, walks done */
};
void pagestore_stats(struct pagestore *s, struct pagestore_stats *out);

/* The preload: a thread that walks the sitemap of the server listening on
** listen ("HOST:PORT" as given to serve; a wildcard host is reached on
** loopback) with its actual port, and asks for every page not stored, one at a
** time, pausing as long as each took (so at most half of one worker), and
** walks again every `every` seconds.  Accept-Encoding: gzip, so both the
** plain and the gzip form are stored. */
struct preload;
struct preload *preload_start(struct pagestore *s, const char *listen, int port, int every);
void preload_stop(struct preload *p);

#endif
