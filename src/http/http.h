/*
** http.h: requests, responses and the server that carries them.
**
** The server (server.c, with the wire format in parse.c) turns each request
** into a struct http_req with its own arena.  Once the whole body is in (or
** refused), it offers the request to the `fast` handler on its event loop
** and, if that declines, to the `handle` handler on a worker thread; either
** fills a struct http_resp, which the server then sends.  Request state
** lives in the struct, never in globals, and everything the handler
** allocates from req->a dies when the response has been sent.
**
** Limits enforced before any handler runs (parse.h has the figures): 414
** for a long request target, 431 for large headers, 400 for a Host that is
** not a host or a path with broken percent-encoding, a refusal (413, or
** what the body_limit callback says: 403 signed out, 404, 405) for a body
** larger than the request may send (decided from its head, from
** Content-Length before reading or as chunks arrive), 400 for the
** request-smuggling shapes (Content-Length with Transfer-Encoding, two
** Content-Lengths, bad chunking, a bare CR, a folded header line), 408 for
** a head that takes too long or a body that pauses too long or arrives
** slower than HTTP_MIN_BODY_RATE, 503 with Retry-After past the memory
** budget for bodies and answers, and caps on connections overall and per
** address (503 with Retry-After, never a silent close).  Every refusal
** carries http_security_headers().
*/
#ifndef BYLINE_HTTP_HTTP_H
#define BYLINE_HTTP_HTTP_H

#include <stddef.h>

#include "core/buf.h"
#include "core/text.h"

struct arena;

/* One decoded name=value pair of a query string, form body or cookie. */
struct http_param {
	const char *name;  /* NUL-terminated */
	const char *value; /* NUL-terminated; may also hold NULs (see len) */
	size_t len;        /* bytes in value */
};

#define HTTP_MAX_ROUTE_PARAMS 8

struct http_req {
	struct arena *a;        /* dies with the request */
	const char *method;     /* "GET", "HEAD", "POST", ... */
	int is_head;            /* HEAD: the body is computed, not sent */
	const char *path;       /* path as sent, without the query */
	const char *query;      /* raw query string, "" if none */
	const char *body;       /* request body, NUL-terminated */
	size_t body_len;        /* bytes in body */
	const char *remote_ip;  /* client address (proxy's word if trusted) */
	const char *scheme;     /* "http", or "https" behind a trusted proxy */
	const char *target_origin; /* an absolute-form target's "scheme://authority"
	                        ** (RFC 9112 3.2.2), else NULL: whose it is, the
	                        ** site decides (421) */
	const char *params[HTTP_MAX_ROUTE_PARAMS]; /* route captures */
	int n_params;           /* entries in params */
	void *conn;             /* the parsed head (server.c and parse.c only) */
	struct http_param *query_params; /* parsed on first use */
	size_t n_query_params;
	struct http_param *form_params;  /* parsed on first use */
	size_t n_form_params;
	struct http_param *cookies;      /* parsed on first use */
	size_t n_cookies;
	int query_parsed, form_parsed, cookies_parsed; /* lazily parsed flags */
	struct http_part *files;         /* multipart parts (files among them) */
	size_t n_files;                  /* entries in files */
	const char *form_error;          /* why a multipart body was unreadable */
	/* A spooled body (body_spool, set by the body_limit callback) is
	** received into a deleted temporary file, counted against the route's
	** limit, not the memory budget.  body then holds all of it if it is
	** small, else its first HTTP_SPOOL_HEAD and last HTTP_SPOOL_TAIL bytes
	** (enough for a form's fields around one large file part), with the
	** body_cut_len bytes between them left out at offset body_cut: a
	** multipart part spanning body_cut runs body_cut_len bytes longer in
	** the file, and nothing in the cut was looked at (multipart_part_fd()
	** checks it and gives its place in the file). */
	int body_spool;
	int body_fd;            /* the spooled body's file (read-only), else -1 */
	size_t body_size;       /* bytes in that file */
	size_t body_cut;        /* where body leaves bytes out; 0 if it does not */
	size_t body_cut_len;    /* bytes left out there */
	/* Set by the handlers for the access log and /metrics. */
	const char *route;      /* the route's pattern once matched, else NULL */
	int cache;              /* HTTP_CACHE_*: how the page cache answered */
};

enum { HTTP_CACHE_NONE, HTTP_CACHE_HIT, HTTP_CACHE_MISS };

#define HTTP_SPOOL_HEAD (128u << 10)
#define HTTP_SPOOL_TAIL (64u << 10)

#define HTTP_MAX_HEADERS 24

struct http_resp {
	int status;                  /* 200 unless set */
	const char *content_type;    /* "text/html; charset=utf-8" unless set */
	struct buf body;             /* the bytes sent (unless `shared` is set) */
	/* Or bytes borrowed from elsewhere (the page cache), sent without a
	** copy: release(release_arg) is called once they are no longer needed. */
	const char *shared;
	size_t shared_len;
	void (*release)(void *);
	void *release_arg;
	const char *hnames[HTTP_MAX_HEADERS];  /* extra header names */
	const char *hvalues[HTTP_MAX_HEADERS]; /* and values */
	int n_headers;               /* entries used */
};

/* A request header (case-insensitive name), or NULL.  Borrowed. */
const char *http_header(struct http_req *req, const char *name);

/* The first value of a query, form or cookie parameter, or NULL.  Form
** values come from an application/x-www-form-urlencoded body or from the
** text fields of a multipart/form-data one.  If len is
** not NULL it gets the value's length (values may contain NUL bytes). */
const char *http_query(struct http_req *req, const char *name, size_t *len);
const char *http_form(struct http_req *req, const char *name, size_t *len);
const char *http_cookie(struct http_req *req, const char *name);

/* The one reader of a form's text field, for every form: field `name`
** with leading and trailing ASCII whitespace trimmed (a missing field
** reads as ""), checked by text_check() against max characters (0: no
** limit).  On TEXT_OK and TEXT_TOO_LONG *out is the whole trimmed text
** (never cut, so a refused form shows it back); on TEXT_INVALID (not
** UTF-8, a NUL byte) it is "".  *chars, if not NULL, gets the count.
** Allocated in the request's arena. */
enum text_verdict http_form_text(struct http_req *req, const char *name, size_t max,
                                 const char **out, size_t *chars);

/* The uploaded file sent as field `name` of a multipart form, or NULL if
** none (or an empty file input).  Borrowed from the request. */
struct http_part;
const struct http_part *http_file(struct http_req *req, const char *name);

/* Parses application/x-www-form-urlencoded text into pairs allocated in a.
** Exposed for tests and fuzzers. */
struct http_param *http_parse_urlencoded(struct arena *a, const char *s, size_t n,
                                         size_t *n_out);

/* Percent-decodes s[0..n) ('+' as space if plus_space).  Allocated in a. */
char *http_decode(struct arena *a, const char *s, size_t n, int plus_space,
                  size_t *len_out);

/* Sets a response header (replacing an earlier value of the same name,
** except Set-Cookie, which may repeat).  name and value must outlive the
** response (use the request's arena).  Headers past HTTP_MAX_HEADERS are
** dropped. */
void http_resp_header(struct http_resp *resp, const char *name, const char *value);

/* Adds value to header name as one more list item (RFC 9110's ", "
** joining, for Link), or sets it when absent; value must outlive resp
** (the join is allocated in a). */
void http_resp_header_add(struct http_resp *resp, struct arena *a, const char *name,
                          const char *value);

/* Sets a cookie: always Path=/, HttpOnly and SameSite=Lax, plus Secure when
** `secure` (the site's one predicate: auth_is_https()).  max_age 0 deletes
** it. */
void http_set_cookie(struct http_req *req, struct http_resp *resp, const char *name,
                     const char *value, long max_age, int secure);

/* Lends bytes as the body (see struct http_resp), replacing anything set;
** an earlier loan is released. */
void http_resp_share(struct http_resp *resp, const char *data, size_t len,
                     void (*release)(void *), void *arg);
/* Gives back a loan, if any (the body is then empty).  The server calls it
** when the response is done; a handler replacing a shared body need not. */
void http_resp_unshare(struct http_resp *resp);

/* The security headers every answer carries, the HTTP layer's refusals
** included (one list, here): nosniff, Referrer-Policy, X-Frame-Options and
** a Content-Security-Policy under which no script runs; with https,
** Strict-Transport-Security too. */
void http_security_headers(struct http_resp *resp, int https);

/* A plain-text or HTML body with a status, replacing anything set. */
void http_resp_text(struct http_resp *resp, int status, const char *text);

/* Redirect (301, 302, 303) to location, which must be an already escaped URL
** or path. */
void http_redirect(struct http_req *req, struct http_resp *resp, int status,
                   const char *location);

/* HTTP-dates (RFC 9110 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"):
** parse gives 0 for anything else; format writes into out (>= 30 bytes). */
#include <time.h>
time_t http_date_parse(const char *s);
void http_date_format(time_t t, char *out, size_t n);

/* ---- the server ---- */

typedef void (*http_handler)(struct http_req *req, struct http_resp *resp, void *ctx);
/* Runs on the event loop: must not block (no database, no waiting on
** locks held for long).  Returns 1 if it answered, 0 to pass the request
** on to `handle` (what it set in resp is then discarded). */
typedef int (*http_fast_handler)(struct http_req *req, struct http_resp *resp, void *ctx);
/* How a body over its limit is refused. */
struct http_body_refusal {
	int status;        /* 413 unless the callback says otherwise */
	const char *why;   /* the sentence said (plain text) */
	const char *allow; /* for a 405: the Allow header's value */
};

/* How many body bytes a request may send, decided from its head alone
** (method, path, headers and cookies: req->body is not there yet), before
** `Expect: 100-continue` is answered.  Runs on the event loop: it may read
** the database briefly (a session look-up), never write or wait on a lock
** held for long.  A body over the limit is refused as *no says (preset to
** 413 and a general sentence) before any of it is read.  A route taking
** large files sets req->body_spool: its body then goes to a temporary file
** under the config's spool_dir as it arrives (it must come with a
** Content-Length: 411 otherwise): see struct http_req. */
typedef size_t (*http_body_limit)(struct http_req *req, struct http_body_refusal *no,
                                  void *ctx);

/* Bodies arriving slower than this (bytes a second, on average, after the
** first `timeout` seconds) are refused 408, however often a byte comes. */
#define HTTP_MIN_BODY_RATE 8192
/* The memory budget for request bodies and answers held at once, unless
** the config says otherwise. */
#define HTTP_BODY_BUDGET (64u << 20)

struct http_config {
	const char *listen;        /* "127.0.0.1:8080", "[::1]:0"; port 0 picks one */
	int threads;               /* worker threads for `handle` */
	int timeout;               /* seconds for a head, a pause in a body, idling */
	unsigned conn_limit;       /* connections at once, overall */
	unsigned per_ip_limit;     /* connections at once from one address (an IPv6
	                           ** /64), and requests in flight per client a trusted
	                           ** proxy names; 0 = none */
	int trust_proxy;           /* believe X-Forwarded-For / -Proto from the proxy */
	const char *proxy_addr;    /* with trust_proxy, the proxy's address; NULL:
	                           ** loopback (127.0.0.1 or ::1) */
	size_t body_budget;        /* bytes of bodies and answers held at once, past
	                           ** which new bodies get 503; 0 = HTTP_BODY_BUDGET */
	http_fast_handler fast;    /* tried first for bodyless requests; may be NULL */
	http_handler handle;       /* called once per complete request */
	http_body_limit body_limit; /* largest body a route accepts */
	void *ctx;                 /* passed to handle and body_limit */
	const char *spool_dir;     /* where spooled bodies are written (a deleted
	                           ** file); NULL: the system's temporary folder */
	/* Called once the socket is bound, before any request is read, with
	** listen and the port bound (the real one after port 0); may be NULL. */
	void (*bound)(const char *listen, int port, void *ctx);
	/* Called on the event loop for every answer (refusals too) as it is
	** about to be sent, with the seconds since its first byte arrived: for
	** access logs and counters, so it must not block; may be NULL.
	** req->method and req->path are NULL for a head that did not parse. */
	void (*answered)(const struct http_req *req, const struct http_resp *resp,
	                 double seconds, void *ctx);
};

struct http_server;

/* Binds and starts serving in background threads.  NULL with err on failure. */
struct http_server *http_server_start(const struct http_config *cfg, char *err,
                                      size_t errlen);
/* The port actually bound (useful after port 0). */
int http_server_port(struct http_server *s);
/* Stops accepting, finishes the requests in flight, frees everything. */
void http_server_stop(struct http_server *s);

#endif
