/*
** metrics.h: the access log and /metrics (Prometheus text format).
**
** metrics_answered() is the server's `answered` callback: it counts every
** answer by route and status (and the page cache's hits and misses) and,
** when an access log is asked for, writes one line per request to standard
** output (through a writer thread: the event loop never waits on it).  metrics_serve() answers GET /metrics to the addresses allowed
** (others get 404), never cached.
*/
#ifndef BYLINE_WEB_METRICS_H
#define BYLINE_WEB_METRICS_H

#include <stddef.h>

struct http_req;
struct http_resp;
struct db;
struct pagecache_stats;

enum access_log { ACCESS_LOG_NONE, ACCESS_LOG_JSON, ACCESS_LOG_LOGFMT };

/* Once, before serving.  allow: a comma-separated list of addresses or
** CIDR networks allowed to read /metrics (NULL: loopback only).  -1 with
** err if allow does not parse. */
int metrics_configure(enum access_log log, const char *allow, char *err, size_t errlen);

void metrics_answered(const struct http_req *req, const struct http_resp *resp,
                      double seconds, void *ctx);

/* Starts the access log's writer thread (if a log was asked for): just
** before serving.  0, or -1 if it could not start. */
int metrics_start(void);

/* At shutdown, after the server stopped: writes the access log lines
** still waiting and stops its writer thread. */
void metrics_stop(void);

/* Answers /metrics: 404 to an address not allowed.  cache: the page
** cache's own figures (pagecache_stats()), or NULL if there is none. */
void metrics_serve(struct db *db, struct http_req *req, struct http_resp *resp,
                   const struct pagecache_stats *cache);

#endif
