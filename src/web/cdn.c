/*
** cdn.c: surrogate keys and shared caching headers on public pages, and
** the sender of purges (see cdn.h for the scheme and the request sent).
*/
#include "web/cdn.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "db/db.h"
#include "http/http.h"
#include "model/cdn.h"
#include "model/settings.h"
#include "web/outbound.h"
#include "web/pagecache.h"
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void cdn_name(struct page *p, const char *kind, long long id)
{
	const char *key = id ? arena_printf(p->a, "%s-%lld", kind, id) : kind;
	p->cdn_names = p->cdn_names ? arena_printf(p->a, "%s %s", p->cdn_names, key)
	                            : arena_strdup(p->a, key);
}

/* Appends key to b (space-separated) unless it is there already. */
static void add_key(struct buf *b, const char *key)
{
	size_t n = strlen(key);
	for (const char *s = b->data; s && s < b->data + b->len;) {
		const char *e = memchr(s, ' ', (size_t)(b->data + b->len - s));
		size_t len = e ? (size_t)(e - s) : (size_t)(b->data + b->len - s);
		if (len == n && !memcmp(s, key, n))
			return;
		if (!e)
			break;
		s = e + 1;
	}
	if (b->len)
		buf_putc(b, ' ');
	buf_puts(b, key);
}

void cdn_headers(struct page *p)
{
	const struct page_deps *d = &p->deps;
	struct buf b = BUF_INIT;
	char k[48];
	add_key(&b, "site");
	if (d->flags & DEP_EVERYTHING)
		add_key(&b, "any");
	if (d->flags & DEP_LISTS)
		add_key(&b, "lists");
	if (d->flags & DEP_ANY_ARTICLE)
		add_key(&b, "articles");
	if (d->flags & DEP_ALL_COMMENTS)
		add_key(&b, "comments");
	if (d->article_id) {
		snprintf(k, sizeof k, "article-%lld", d->article_id);
		add_key(&b, k);
	}
	if (d->author_id) {
		snprintf(k, sizeof k, "author-%lld", d->author_id);
		add_key(&b, k);
	}
	for (const char *s = p->cdn_names; s && *s;) {
		size_t len = strcspn(s, " ");
		if (len && len < sizeof k) {
			memcpy(k, s, len);
			k[len] = 0;
			add_key(&b, k);
		}
		s += len + (s[len] == ' ');
	}
	char *keys = arena_strdup(p->a, buf_cstr(&b));
	char *tags = arena_strdup(p->a, keys);
	for (char *c = tags; *c; c++)
		if (*c == ' ')
			*c = ',';
	buf_free(&b);
	http_resp_header(p->resp, "Surrogate-Key", keys);
	http_resp_header(p->resp, "Cache-Tag", tags);

	/* Browsers: the page's own max-age (feeds say 300), else 0 (they
	** revalidate, a 304 is cheap).  Shared caches: the settings, never past
	** the moment the page goes stale by itself (the home's next scheduled
	** story, an article's hourly form token). */
	long max_age = 0;
	for (int i = 0; i < p->resp->n_headers; i++)
		if (!strcasecmp(p->resp->hnames[i], "Cache-Control") &&
		    !strncmp(p->resp->hvalues[i], "public, max-age=", 16))
			max_age = strtol(p->resp->hvalues[i] + 16, NULL, 10);
	long long s_maxage = p->app->settings.cdn_s_maxage;
	if (d->expires_at) {
		long long left = d->expires_at - (long long)time(NULL);
		if (left < s_maxage)
			s_maxage = left > 0 ? left : 0;
	}
	http_resp_header(p->resp, "Cache-Control",
	                 arena_printf(p->a, "public, max-age=%ld, s-maxage=%lld, "
	                                    "stale-while-revalidate=%d",
	                              max_age, s_maxage, p->app->settings.cdn_stale_seconds));
}

int cdn_purge_work(struct db_pool *pool, atomic_int *stop)
{
	struct arena *a = arena_new();
	struct db *db = db_pool_get(pool);
	const char *url = settings_get(db, a, "cdn_purge_url");
	const char *priv = settings_get(db, a, "outbound_allow_private");
	int allow_private = priv && *priv == '1';
	size_t n = 0;
	struct cdn_purge *due = NULL;
	if (!url || !*url) {
		/* Off: drop what was queued before (a read first, so an idle site
		** commits nothing each second: a commit would bump the data
		** version the page cache watches). */
		if (cdn_queued(db) > 0)
			cdn_clear(db);
	}
	else
		due = cdn_due(db, a, (long long)time(NULL), CDN_BATCH, &n);
	db_pool_put(pool, db);
	if (!n) {
		arena_free(a);
		return 0;
	}
	struct buf body = BUF_INIT, keys = BUF_INIT;
	buf_puts(&body, "{\"surrogate_keys\": [");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&body, i ? ", \"" : "\"");
		esc_json(&body, due[i].key, strlen(due[i].key));
		buf_putc(&body, '"');
		add_key(&keys, due[i].key);
	}
	buf_puts(&body, "]}");
	const char *h_keys = arena_printf(a, "Surrogate-Key: %s", buf_cstr(&keys));
	const char *headers[] = {"Content-Type: application/json", h_keys, NULL};
	struct outbound_req r = {
	    .method = "POST", .url = url, .headers = headers, .body = body.data,
	    .body_len = body.len, .max_bytes = 64 * 1024, .timeout_seconds = CDN_SECONDS,
	    .allow_private = allow_private, .stop = stop,
	};
	struct buf answer = BUF_INIT;
	char err[300] = "";
	enum outbound_end end;
	int status = outbound_send(&r, &answer, err, sizeof err, &end);
	buf_free(&answer);
	buf_free(&body);
	buf_free(&keys);
	int ok = status >= 200 && status < 300;
	if (end != OUTBOUND_STOPPED) {
		db = db_pool_get(pool);
		if (ok)
			cdn_sent(db, due, n);
		else
			cdn_failed(db, due, n, (long long)time(NULL));
		db_pool_put(pool, db);
		if (!ok) {
			if (status)
				snprintf(err, sizeof err, "the receiver answered %d", status);
			log_warn("CDN purge of %zu keys failed (tried again later): %s", n, err);
		}
	}
	arena_free(a);
	return ok && n == CDN_BATCH;
}
