/*
** test_pagecache_write.c: when a write's answer syncs the page cache
** (pagecache_write_syncs(), web/route.c).  Over a fresh database in a
** temporary folder (model_open) and a cache on it:
**
**   without the watcher (SQLite serving, or a cache not started) every
**     write syncs;
**   with the watcher (PostgreSQL), a comment on a page the cache neither
**     holds nor is rendering does not (the watcher applies the change; the
**     writer's next read renders the page anew): one round trip fewer a
**     comment; a page being rendered (its placeholder) or held does; a
**     desk write (no page named) always does.
*/
#include "test.h"
#include "core/arena.h"
#include "db/db.h"
#include "http/http.h"
#include "model/schema.h"
#include "web/pagecache.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void no_render(void *ctx, const char *key)
{
	(void)ctx;
	(void)key;
}

static void no_synced(void *ctx, struct db *db, int saw_all)
{
	(void)ctx;
	(void)db;
	(void)saw_all;
}

int main(void)
{
	char dir[] = "/tmp/byline-pcwrite-XXXXXX";
	if (!mkdtemp(dir)) {
		test_skip("the page cache's write sync", "no temporary folder");
		return test_done();
	}
	char path[256], err[256];
	snprintf(path, sizeof path, "%s/site.db", dir);
	struct db *db = model_open(path, err, sizeof err);
	CHECK(db != NULL);
	struct db_pool *pool = db_pool_new(path, 2, err, sizeof err);
	CHECK(pool != NULL);
	if (!db || !pool)
		return test_done();

	/* Not started: no watcher, so every write syncs. */
	struct pagecache *c = pagecache_new(1 << 20, pool);
	CHECK(pagecache_write_syncs(c, "/2026/10/22/a/") == 1);
	CHECK(pagecache_write_syncs(c, NULL) == 1);
	CHECK(pagecache_write_syncs(NULL, "/2026/10/22/a/") == 1);
	pagecache_start(c, no_render, no_synced, NULL, 0);
	CHECK(pagecache_write_syncs(c, "/2026/10/22/a/") == 1);
	pagecache_free(c);

	/* The watcher syncs for the readers. */
	c = pagecache_new(1 << 20, pool);
	pagecache_start(c, no_render, no_synced, NULL, 1);
	CHECK(pagecache_write_syncs(c, "/2026/10/22/a/") == 0);
	CHECK(pagecache_write_syncs(c, NULL) == 1);
	struct arena *a = arena_new();
	struct http_req req;
	struct http_resp resp;
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.a = a;
	req.method = "GET";
	req.path = "/2026/10/22/a/";
	req.query = "";
	struct pc_ticket *t = NULL;
	CHECK(pagecache_get(c, &req, "/2026/10/22/a/", &resp, &t) == 0 && t);
	/* Being rendered: the render may have read the data before the write. */
	CHECK(pagecache_write_syncs(c, "/2026/10/22/a/") == 1);
	CHECK(pagecache_write_syncs(c, "/2026/10/22/b/") == 0);
	pagecache_abandon(c, t);
	CHECK(pagecache_write_syncs(c, "/2026/10/22/a/") == 0);
	arena_free(a);
	pagecache_free(c);

	db_pool_free(pool);
	db_close(db);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	return test_done();
}
