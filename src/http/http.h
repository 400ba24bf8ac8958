/*
** http.h: requests, responses and the server that carries them.
**
** The server (server.c) runs libmicrohttpd in its epoll mode with a small
** thread pool and turns each request into a struct http_req with its own
** arena.  Once the whole body is in (or refused), it calls the one handler
** it was given, which fills a struct http_resp; the server then sends it.
** Request state lives in the struct, never in globals, and everything the
** handler allocates from req->a dies when the response has been sent.
**
** Limits enforced here, before the handler runs: header size (431 from the
** library's per-connection memory limit), a body larger than the route's
** limit (413, decided from Content-Length before reading, or as the bytes
** arrive), both Content-Length and Transfer-Encoding or two Content-Length
** fields (400: the request-smuggling shapes), idle connections (timeout).
*/
#ifndef BYLINE_HTTP_HTTP_H
#define BYLINE_HTTP_HTTP_H

#include <stddef.h>

#include "core/buf.h"

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
	const char *params[HTTP_MAX_ROUTE_PARAMS]; /* route captures */
	int n_params;           /* entries in params */
	void *conn;             /* the library's connection (server.c only) */
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
};

#define HTTP_MAX_HEADERS 24

struct http_resp {
	int status;                  /* 200 unless set */
	const char *content_type;    /* "text/html; charset=utf-8" unless set */
	struct buf body;             /* the bytes sent */
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

/* Sets a cookie: always Path=/, HttpOnly and SameSite=Lax, plus Secure when
** the request came over https.  max_age 0 deletes it. */
void http_set_cookie(struct http_req *req, struct http_resp *resp, const char *name,
                     const char *value, long max_age);

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
typedef size_t (*http_body_limit)(const char *method, const char *path, void *ctx);

struct http_config {
	const char *listen;        /* "127.0.0.1:8080", "[::1]:0"; port 0 picks one */
	int threads;               /* worker threads (>= 2 recommended) */
	int timeout;               /* seconds a connection may sit idle */
	unsigned conn_limit;       /* connections at once, overall */
	unsigned per_ip_limit;     /* connections at once from one address; 0 = none */
	int trust_proxy;           /* believe X-Forwarded-For / -Proto */
	http_handler handle;       /* called once per complete request */
	http_body_limit body_limit; /* largest body a route accepts */
	void *ctx;                 /* passed to handle and body_limit */
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
