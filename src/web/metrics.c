/*
** metrics.c: the access log and /metrics (metrics.h).
**
** Counters are process-wide: one server a process.  Requests are counted
** by route pattern (a path no route takes counts as "other", so readers
** cannot make up labels) and status, in a small table under a mutex
** (the event loop holds it for a look-up and an increment).
*/
#include "web/metrics.h"
#include "web/pagecache.h"
#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"
#include "model/queues.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ALLOW 32
#define MAX_SERIES 512

struct net {
	unsigned char addr[16]; /* IPv4 as IPv4-mapped */
	int bits;               /* prefix length over the 16 bytes */
};

struct series {
	const char *route; /* a pattern from the route table (static), or "other" */
	int status;
	unsigned long long n;
};

static enum access_log log_format;
static struct net allow[MAX_ALLOW];
static int n_allow;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct series series[MAX_SERIES];
static int n_series;
static unsigned long long cache_hits, cache_misses, dropped;

/* The access log's lines wait here for the writer thread, so the event
** loop never blocks on a slow reader of standard output; past LOG_MAX
** bytes waiting, lines are dropped and counted. */
#define LOG_MAX (4u << 20)
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t log_cv = PTHREAD_COND_INITIALIZER;
static struct buf log_pending;
static int log_stop, log_running;
static unsigned long long log_dropped;
static pthread_t log_thread;

static void *log_main(void *arg)
{
	(void)arg;
	struct buf out = BUF_INIT;
	pthread_mutex_lock(&log_mu);
	for (;;) {
		while (!log_pending.len && !log_stop)
			pthread_cond_wait(&log_cv, &log_mu);
		if (!log_pending.len)
			break; /* stopping, and all written */
		struct buf t = out;
		out = log_pending;
		log_pending = t;
		buf_reset(&log_pending);
		pthread_mutex_unlock(&log_mu);
		for (size_t at = 0; at < out.len;) {
			ssize_t w = write(STDOUT_FILENO, out.data + at, out.len - at);
			if (w <= 0)
				break; /* nowhere to write: dropped */
			at += (size_t)w;
		}
		buf_reset(&out);
		pthread_mutex_lock(&log_mu);
	}
	pthread_mutex_unlock(&log_mu);
	buf_free(&out);
	return NULL;
}

/* text as 16 bytes; 0, or -1 if it is not an address. */
static int parse_addr(const char *text, unsigned char out[16])
{
	struct in_addr v4;
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, &v4) == 1) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

int metrics_configure(enum access_log log, const char *list, char *err, size_t errlen)
{
	log_format = log;
	n_allow = 0;
	if (!list)
		list = "127.0.0.0/8,::1";
	const char *p = list;
	while (*p) {
		size_t len = strcspn(p, ",");
		char item[80];
		if (len == 0 || len >= sizeof item || n_allow == MAX_ALLOW) {
			snprintf(err, errlen, "--metrics-allow: \"%.*s\" is not an address or network",
			         (int)len, p);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = 0;
		char *slash = strchr(item, '/');
		int bits = -1;
		if (slash) {
			*slash = 0;
			char *end;
			long b = strtol(slash + 1, &end, 10);
			bits = *end || end == slash + 1 ? -2 : (int)b;
		}
		struct net *n = &allow[n_allow];
		int v4 = strchr(item, ':') == NULL;
		if (parse_addr(item, n->addr) != 0 || bits == -2 || bits > (v4 ? 32 : 128)) {
			snprintf(err, errlen, "--metrics-allow: \"%s\" is not an address or network "
			         "(like 127.0.0.1, 10.0.0.0/8 or ::1)", item);
			return -1;
		}
		n->bits = bits < 0 ? 128 : v4 ? 96 + bits : bits;
		n_allow++;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int allowed(const char *ip)
{
	unsigned char a[16];
	if (!ip || parse_addr(ip, a) != 0)
		return 0;
	for (int i = 0; i < n_allow; i++) {
		int bits = allow[i].bits, k = 0;
		while (bits >= 8 && a[k] == allow[i].addr[k]) {
			bits -= 8;
			k++;
		}
		if (bits >= 8)
			continue;
		unsigned char mask = (unsigned char)(0xff << (8 - bits));
		if (bits == 0 || (a[k] & mask) == (allow[i].addr[k] & mask))
			return 1;
	}
	return 0;
}

/* s as a JSON string's contents (or a logfmt quoted value's): quotes,
** backslashes and control bytes escaped. */
static void put_escaped(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)ch);
		} else if (ch < 0x20 || ch == 0x7f) {
			buf_printf(b, "\\u%04x", ch);
		} else {
			buf_putc(b, (char)ch);
		}
	}
}

static void write_log(const struct http_req *req, const struct http_resp *resp,
                      double seconds)
{
	char stamp[40];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct tm tm;
	gmtime_r(&now.tv_sec, &tm);
	size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + n, sizeof stamp - n, ".%03ldZ", now.tv_nsec / 1000000);
	size_t bytes = req->is_head || resp->status == 304 || resp->status == 204
	                   ? 0
	                   : resp->shared ? resp->shared_len : resp->body.len;
	const char *cache = req->cache == HTTP_CACHE_HIT    ? "hit"
	                    : req->cache == HTTP_CACHE_MISS ? "miss"
	                                                    : "none";
	struct buf b = BUF_INIT;
	if (log_format == ACCESS_LOG_JSON) {
		buf_printf(&b, "{\"time\":\"%s\",\"method\":\"", stamp);
		put_escaped(&b, req->method ? req->method : "-");
		buf_puts(&b, "\",\"path\":\"");
		put_escaped(&b, req->path ? req->path : "-");
		buf_printf(&b, "\",\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f,\"client\":\"",
		           resp->status, bytes, seconds * 1000);
		put_escaped(&b, req->remote_ip ? req->remote_ip : "-");
		buf_printf(&b, "\",\"cache\":\"%s\"}\n", cache);
	} else {
		buf_printf(&b, "time=%s method=\"", stamp);
		put_escaped(&b, req->method ? req->method : "-");
		buf_puts(&b, "\" path=\"");
		put_escaped(&b, req->path ? req->path : "-");
		buf_printf(&b, "\" status=%d bytes=%zu duration_ms=%.3f client=\"", resp->status, bytes,
		           seconds * 1000);
		put_escaped(&b, req->remote_ip ? req->remote_ip : "-");
		buf_printf(&b, "\" cache=%s\n", cache);
	}
	pthread_mutex_lock(&log_mu);
	if (log_pending.len + b.len > LOG_MAX) {
		log_dropped++;
	} else {
		buf_put(&log_pending, b.data, b.len);
		pthread_cond_signal(&log_cv);
	}
	pthread_mutex_unlock(&log_mu);
	buf_free(&b);
}

void metrics_answered(const struct http_req *req, const struct http_resp *resp,
                      double seconds, void *ctx)
{
	(void)ctx;
	const char *route = req->route ? req->route : "other";
	pthread_mutex_lock(&mu);
	if (req->cache == HTTP_CACHE_HIT)
		cache_hits++;
	else if (req->cache == HTTP_CACHE_MISS)
		cache_misses++;
	int i = 0;
	while (i < n_series && !(series[i].status == resp->status && series[i].route == route))
		i++;
	if (i == n_series && n_series < MAX_SERIES) {
		series[i].route = route;
		series[i].status = resp->status;
		n_series++;
	}
	if (i < n_series)
		series[i].n++;
	else
		dropped++;
	pthread_mutex_unlock(&mu);
	if (log_running)
		write_log(req, resp, seconds);
}

int metrics_start(void)
{
	if (log_format == ACCESS_LOG_NONE || log_running)
		return 0;
	log_stop = 0;
	if (pthread_create(&log_thread, NULL, log_main, NULL) != 0)
		return -1;
	log_running = 1;
	return 0;
}

void metrics_stop(void)
{
	if (!log_running)
		return;
	pthread_mutex_lock(&log_mu);
	log_stop = 1;
	pthread_cond_signal(&log_cv);
	pthread_mutex_unlock(&log_mu);
	pthread_join(log_thread, NULL);
	log_running = 0;
	buf_free(&log_pending);
}

void metrics_serve(struct db *db, struct http_req *req, struct http_resp *resp,
                   const struct pagecache_stats *cache)
{
	http_resp_header(resp, "Cache-Control", "no-store");
	if (!allowed(req->remote_ip)) {
		http_resp_text(resp, 404, "Not found.\n");
		resp->content_type = "text/plain; charset=utf-8";
		return;
	}
	resp->status = 200;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	struct buf *b = &resp->body;
	buf_puts(b, "# HELP byline_http_requests_total Requests answered, by route pattern and "
	            "status.\n# TYPE byline_http_requests_total counter\n");
	pthread_mutex_lock(&mu);
	for (int i = 0; i < n_series; i++) {
		buf_puts(b, "byline_http_requests_total{route=\"");
		put_escaped(b, series[i].route);
		buf_printf(b, "\",status=\"%d\"} %llu\n", series[i].status, series[i].n);
	}
	unsigned long long hits = cache_hits, misses = cache_misses, lost = dropped;
	pthread_mutex_unlock(&mu);
	pthread_mutex_lock(&log_mu);
	unsigned long long log_lost = log_dropped;
	pthread_mutex_unlock(&log_mu);
	buf_printf(b, "# HELP byline_access_log_dropped_total Access log lines dropped (the "
	              "output did not keep up).\n# TYPE byline_access_log_dropped_total counter\n"
	              "byline_access_log_dropped_total %llu\n", log_lost);
	buf_printf(b, "# HELP byline_http_requests_uncounted_total Requests past the series "
	              "table's room.\n# TYPE byline_http_requests_uncounted_total counter\n"
	              "byline_http_requests_uncounted_total %llu\n", lost);
	buf_printf(b, "# HELP byline_cache_hits_total Pages answered from the page cache.\n"
	              "# TYPE byline_cache_hits_total counter\nbyline_cache_hits_total %llu\n"
	              "# HELP byline_cache_misses_total Cacheable pages rendered.\n"
	              "# TYPE byline_cache_misses_total counter\nbyline_cache_misses_total %llu\n",
	           hits, misses);
	if (cache)
		buf_printf(b, "# HELP byline_cache_entries Pages in the page cache.\n"
		              "# TYPE byline_cache_entries gauge\nbyline_cache_entries %lu\n"
		              "# HELP byline_cache_bytes Memory the page cache holds.\n"
		              "# TYPE byline_cache_bytes gauge\nbyline_cache_bytes %zu\n"
		              "# HELP byline_cache_compressed_total Compressed forms of cached pages "
		              "made (each once, when a reader first accepts it), by encoding.\n"
		              "# TYPE byline_cache_compressed_total counter\n"
		              "byline_cache_compressed_total{encoding=\"gzip\"} %lu\n"
		              "byline_cache_compressed_total{encoding=\"br\"} %lu\n",
		           cache->entries, cache->bytes, cache->compressed[1], cache->compressed[2]);
	if (cache)
		buf_printf(b, "# HELP byline_cache_tier_hits_total Pages answered from the page "
		              "cache, by tier (memory, or disk under it).\n"
		              "# TYPE byline_cache_tier_hits_total counter\n"
		              "byline_cache_tier_hits_total{tier=\"memory\"} %lu\n"
		              "byline_cache_tier_hits_total{tier=\"disk\"} %lu\n",
		           cache->hits, cache->disk_hits);
	if (cache && cache->has_disk)
		buf_printf(b, "# HELP byline_cache_disk_entries Pages in the page cache's tier on "
		              "disk.\n# TYPE byline_cache_disk_entries gauge\n"
		              "byline_cache_disk_entries %lu\n"
		              "# HELP byline_cache_disk_bytes Bytes written to the tier on disk "
		              "(cache_disk_mb bounds them).\n# TYPE byline_cache_disk_bytes gauge\n"
		              "byline_cache_disk_bytes %zu\n"
		              "# HELP byline_cache_disk_stored_total Pages written to the tier on "
		              "disk.\n# TYPE byline_cache_disk_stored_total counter\n"
		              "byline_cache_disk_stored_total %lu\n"
		              "# HELP byline_cache_preload_pages_total Pages the preload asked for.\n"
		              "# TYPE byline_cache_preload_pages_total counter\n"
		              "byline_cache_preload_pages_total %lu\n"
		              "# HELP byline_cache_preload_rounds_total Walks of the sitemap the "
		              "preload finished.\n# TYPE byline_cache_preload_rounds_total counter\n"
		              "byline_cache_preload_rounds_total %lu\n",
		           cache->disk_entries, cache->disk_bytes, cache->disk_stored, cache->preloaded,
		           cache->preload_rounds);
	struct queue_depths q;
	queue_depths_read(db, &q);
	buf_puts(b, "# HELP byline_queue_depth Background work waiting, by queue.\n"
	            "# TYPE byline_queue_depth gauge\n");
	buf_printf(b, "byline_queue_depth{queue=\"mail\"} %lld\n", q.mail);
	buf_printf(b, "byline_queue_depth{queue=\"webhooks\"} %lld\n", q.webhooks);
	buf_printf(b, "byline_queue_depth{queue=\"webmentions\"} %lld\n", q.webmentions);
	buf_printf(b, "byline_queue_depth{queue=\"media_variants\"} %lld\n", q.media);
	struct db_latency l;
	db_latency_read(&l);
	buf_puts(b, "# HELP byline_db_statement_seconds Time of each database statement step.\n"
	            "# TYPE byline_db_statement_seconds histogram\n");
	unsigned long long cum = 0;
	for (int i = 0; i < DB_LATENCY_BUCKETS; i++) {
		cum += l.count[i];
		buf_printf(b, "byline_db_statement_seconds_bucket{le=\"%g\"} %llu\n", l.bound[i], cum);
	}
	cum += l.over;
	buf_printf(b, "byline_db_statement_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	buf_printf(b, "byline_db_statement_seconds_sum %.6f\n", l.sum);
	buf_printf(b, "byline_db_statement_seconds_count %llu\n", cum);
}
