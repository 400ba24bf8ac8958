/*
** pagecache.h: rendered public pages kept in memory, with their gzip and
** brotli forms, dropped when what they show changes.
**
** A page is stored under a key (route.c: its path and the query parameters
** the page reads, nothing a client may vary freely), with what it depends on
** (struct page_deps).  Writes anywhere (this server, the command line,
** another process) leave rows in the `changes` table; pagecache_sync()
** reads them and marks the entries that show what changed as stale.  A
** stale entry is served to concurrent readers while one request renders
** the new version; concurrent misses for a page never cached wait for the
** one render (request coalescing).  Memory is bounded: least recently used
** entries go first.
**
** Only anonymous readers are served from the cache (no session, held
** comment or saved-details cookie), and only public 200 answers are stored,
** so no reader's own content can ever reach another.
*/
#ifndef BYLINE_WEB_PAGECACHE_H
#define BYLINE_WEB_PAGECACHE_H

#include <stddef.h>

#include "model/changes.h"

struct db;
struct db_pool;
struct http_req;
struct http_resp;

/* What a cached page shows, so a change drops exactly the pages it affects. */
#define DEP_EVERYTHING 1u   /* unknown: any change drops it (the default) */
#define DEP_LISTS 2u        /* listings of articles (and related boxes, nav) */
#define DEP_ANY_ARTICLE 4u  /* any article's text (full-text feeds) */
#define DEP_ALL_COMMENTS 8u /* any article's comments (site comment feed) */

struct page_deps {
	unsigned flags;       /* DEP_* */
	long long article_id; /* this article's text and comments, 0 if none */
	long long author_id;  /* this author's profile, 0 if none */
	long long expires_at; /* also stale after this time (seconds), 0 never */
};

struct pagecache;
struct pagestore;
struct pc_ticket; /* a miss being rendered by the caller */

/* A cache of at most max_bytes (bodies and compressed forms; 0 stores
** nothing but still watches changes), watching pool's database for changes
** from other processes (db_pool_data_version); pool must outlive it. */
struct pagecache *pagecache_new(size_t max_bytes, struct db_pool *pool);
void pagecache_free(struct pagecache *c);

/* Looks key up.  On a hit, fills resp (the encoding the request accepts, or
** a 304) and returns 1.  On a miss returns 0 with *t set: the caller renders
** and then calls pagecache_put() or pagecache_abandon() with it. */
int pagecache_get(struct pagecache *c, struct http_req *req, const char *key,
                  struct http_resp *resp, struct pc_ticket **t);

/* A hit without waiting or rendering: fills resp like pagecache_get() and
** returns 1 if key is fresh (or stale while another request re-renders
** it); else 0 and resp untouched.  Never blocks on a render. */
int pagecache_peek(struct pagecache *c, struct http_req *req, const char *key,
                   struct http_resp *resp);

/* Stores the rendered resp (if it is a public 200) and rewrites resp as a
** hit would be served (compressed if accepted, ETag, Vary).  Ends t.
** Only the compressed form resp's reader accepts is made now (gzip, the
** cheaper, else brotli, else none); another is made by the first hit
** asking for it
** (pagecache_get(); pagecache_peek() then answers 0). */
void pagecache_put(struct pagecache *c, struct pc_ticket *t, struct http_req *req,
                   struct http_resp *resp, const struct page_deps *deps);
void pagecache_abandon(struct pagecache *c, struct pc_ticket *t);

/* Reads the change log since the last sync and marks stale what it
** touched.  Returns 1 if a change touched everything (a setting), so the
** caller reloads the settings. */
int pagecache_sync(struct pagecache *c, struct db *db);

/* 1 if c keeps pages (0 when made with max_bytes 0, or c is NULL). */
int pagecache_stores(const struct pagecache *c);

/* 1 if the database changed since the last sync (cheap:
** db_pool_data_version, no connection borrowed); always 0 while the
** watcher (pagecache_start()) syncs for the readers. */
int pagecache_db_changed(struct pagecache *c);

/* Starts the cache's threads.  Refreshers (when render is not NULL and
** the cache keeps pages): a page read in the last seconds that a soft
** change makes stale (a comment, a listing, a profile; not its own
** article's text or state, nor a setting: those are hard) is rendered
** again at once through render(ctx, key), an anonymous GET of key that
** ends in pagecache_get() and pagecache_put() like any reader's; until it
** is stored, for GRACE_MS at most, readers get the version before (grace),
** then wait for that render.  A refresh that is not a public 200 drops the
** previous version.  The watcher (watch): a thread that syncs as soon as
** db_pool_data_version() moves, then calls synced(ctx, db, saw_all);
** pagecache_db_changed() then answers 0, so no reader waits for a sync
** (PostgreSQL, where the version is read from the server).  Both end in
** pagecache_free(), which ctx must outlive. */
void pagecache_start(struct pagecache *c, void (*render)(void *ctx, const char *key),
                     void (*synced)(void *ctx, struct db *db, int saw_all), void *ctx,
                     int watch);

/* For a write's answer, after its pagecache_sync(): waits, at most ms,
** until the refreshers have stored a render begun after this call of key's
** page (the one the answer sends its writer to: a comment's article), or
** with key NULL of every page they have (a desk write, which may change
** any), so the writer, and anyone it tells, is never shown a version from
** before the write.  Returns at once without refreshers. */
void pagecache_settle(struct pagecache *c, const char *key, int ms);

/* 1 if a write's answer must sync before it goes (pagecache_sync(), then
** pagecache_settle(key)): always, unless the watcher syncs for the readers
** (pagecache_start()) and key names a page the cache neither holds nor is
** rendering (a comment on an article nobody has read lately: the
** writer's next read of it renders, and sees the write; the watcher
** applies the change to every other page, as for another node's write).
** A desk write (key NULL) always syncs. */
int pagecache_write_syncs(struct pagecache *c, const char *key);

/* Figures for tests and the benchmark. */
struct pagecache_stats {
	unsigned long hits, misses, stale_served, waits, entries;
	unsigned long compressed[3]; /* forms made: [1] gzip, [2] brotli ([0] unused) */
	size_t bytes;
	/* The tier on disk (pagestore.h), when there is one. */
	int has_disk;                /* 1 if the figures below mean anything */
	unsigned long disk_hits;     /* misses in memory answered from disk */
	unsigned long disk_entries, disk_stored, preloaded, preload_rounds;
	size_t disk_bytes;
};
void pagecache_stats(struct pagecache *c, struct pagecache_stats *out);

/* Puts s (pagestore.h) under c: every page c stores is written there too,
** every change c reads is applied there too (by page_deps_touched()),
** and a miss in memory is answered from there when it can be.  Set
** before the first request; s must outlive c. */
void pagecache_set_store(struct pagecache *c, struct pagestore *s);

/* 1 if a change of kind to id touches a page showing d (the one rule both
** tiers apply). */
int page_deps_touched(const struct page_deps *d, enum change_kind kind, long long id);

/* 1 if Accept-Encoding ae accepts coding (a token with q not 0). */
int pagecache_accepts(const char *ae, const char *coding);

#endif
