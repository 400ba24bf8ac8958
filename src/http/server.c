/*
** server.c: libmicrohttpd under Byline's request model.
**
** Why libmicrohttpd, and why this mode: see docs/ARCHITECTURE.md.  In short,
** it is maintained, packaged by Debian, and measured here within a few
** percent of the alternatives; its epoll mode with a thread pool of two or
** more holds 256 connections, where its single-thread mode stalls.
**
** The access handler is called several times per request: first with the
** headers (we check them and set up state), then once per chunk of body,
** then once with no data (we dispatch).  Responses are queued only after the
** first call: queuing on the first silently turns keep-alive off.
*/
#include "http/http.h"
#include "core/arena.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* Body bytes a refused request may still send before we hang up. */
#define DISCARD_MAX (1024 * 1024)

struct http_server {
	struct MHD_Daemon *d;   /* the library's daemon */
	struct http_config cfg; /* copy of the caller's configuration */
	int port;               /* bound port */
};

/* Per-request state, hung on the library's connection-class pointer. */
struct conn_state {
	struct http_req req;   /* what the handler sees */
	struct buf body;       /* body received so far */
	size_t limit;          /* most body bytes this route takes */
	int reject;            /* non-zero: answer this status without dispatch */
	int started;           /* the headers have been seen */
	size_t discarded;      /* body bytes dropped after a refusal */
	char *uri;             /* the request target as sent: path and query */
	const char *reason;    /* text for the reject answer */
};

const char *http_header(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* What the header scan finds (nginx's limits are the yardstick). */
struct header_scan {
	int content_length;     /* Content-Length fields */
	int transfer_encoding;  /* Transfer-Encoding fields */
	int not_chunked;        /* a Transfer-Encoding other than "chunked" */
	int encoded_body;       /* a Content-Encoding on the request body */
	int fields;             /* header fields */
	size_t total;           /* bytes of all fields */
	size_t longest;         /* bytes of the longest field */
	int bad_bytes;          /* a CR, LF or NUL inside a value */
};

#define MAX_URI 8192          /* request line: 414 past it */
#define MAX_SEARCH_URI 16384  /* except a search, whose text may be 10 KB */
#define MAX_FIELD 8192        /* one header field: 431 */
#define MAX_FIELDS_BYTES 32768 /* all header fields: 431 */
#define MAX_FIELDS 100        /* header fields: 431 */

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	(void)kind;
	struct header_scan *h = cls;
	size_t len = strlen(key) + (value ? strlen(value) : 0) + 4;
	h->fields++;
	h->total += len;
	if (len > h->longest)
		h->longest = len;
	if (value && strpbrk(value, "\r\n"))
		h->bad_bytes = 1;
	if (!strcasecmp(key, "Content-Length")) {
		h->content_length++;
	} else if (!strcasecmp(key, "Transfer-Encoding")) {
		h->transfer_encoding++;
		if (!value || strcasecmp(value, "chunked") != 0)
			h->not_chunked = 1;
	} else if (!strcasecmp(key, "Content-Encoding")) {
		if (value && strcasecmp(value, "identity") != 0)
			h->encoded_body = 1;
	}
	return MHD_YES;
}

static const char *client_ip(struct http_req *req, struct MHD_Connection *c, int trust)
{
	if (trust) {
		const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                              "X-Forwarded-For");
		if (xff && *xff) {
			/* The right-most entry is the one our proxy added. */
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			if (strlen(last) < 64)
				return arena_strdup(req->a, last);
		}
	}
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char text[INET6_ADDRSTRLEN] = "unknown";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text,
			          sizeof text);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text,
			          sizeof text);
	}
	return arena_strdup(req->a, text);
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct http_resp *resp)
{
	size_t len;
	char *data = buf_detach(&resp->body, &len);
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type",
	                        resp->content_type ? resp->content_type
	                                           : "text/html; charset=utf-8");
	for (int i = 0; i < resp->n_headers; i++)
		MHD_add_response_header(r, resp->hnames[i], resp->hvalues[i]);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_reject(struct MHD_Connection *c, int status, const char *text)
{
	struct http_resp resp;
	memset(&resp, 0, sizeof resp);
	resp.status = status;
	resp.content_type = "text/plain; charset=utf-8";
	buf_puts(&resp.body, text);
	buf_putc(&resp.body, '\n');
	http_resp_header(&resp, "Connection", "close");
	http_resp_header(&resp, "X-Content-Type-Options", "nosniff");
	http_resp_header(&resp, "Cache-Control", "no-store");
	return send_resp(c, &resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **ptr)
{
	(void)version;
	struct http_server *s = cls;
	struct conn_state *st = *ptr;

	if (!st)
		return MHD_NO; /* on_uri always sets it; survive a library change */
	if (!st->started) {
		/* First call: headers only.  Set up, check, never answer yet. */
		st->started = 1;
		struct http_req *req = &st->req;
		req->conn = c;
		req->method = arena_strdup(req->a, method);
		req->is_head = !strcmp(method, "HEAD");
		(void)url; /* the library's decoded path; we route on the raw one */
		const char *q = strchr(st->uri, '?');
		req->path = q ? arena_strndup(req->a, st->uri, (size_t)(q - st->uri))
		              : arena_strdup(req->a, st->uri);
		req->query = q ? arena_strdup(req->a, q + 1) : "";
		req->scheme = "http";
		if (s->cfg.trust_proxy) {
			const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			                                                "X-Forwarded-Proto");
			if (proto && !strcasecmp(proto, "https"))
				req->scheme = "https";
		}
		req->remote_ip = client_ip(req, c, s->cfg.trust_proxy);
		struct header_scan h;
		memset(&h, 0, sizeof h);
		MHD_get_connection_values(c, MHD_HEADER_KIND, scan_header, &h);
		/* GET and HEAD carry no body: no route lookup needed for them. */
		int bodyless = !strcmp(method, "GET") || !strcmp(method, "HEAD");
		st->limit = bodyless || !s->cfg.body_limit
		                ? 0
		                : s->cfg.body_limit(method, req->path, s->cfg.ctx);
		size_t uri_max = strncmp(st->uri, "/search/", 8) ? MAX_URI : MAX_SEARCH_URI;
		if (strlen(st->uri) > uri_max) {
			st->reject = 414;
			st->reason = "The address is too long.";
		} else if (h.longest > MAX_FIELD || h.total > MAX_FIELDS_BYTES ||
		           h.fields > MAX_FIELDS) {
			st->reject = 431;
			st->reason = "The request's headers are too large.";
		} else if (h.bad_bytes) {
			st->reject = 400;
			st->reason = "Bad request: a header holds a line break.";
		} else if (h.content_length > 1 || (h.content_length && h.transfer_encoding) ||
		           h.transfer_encoding > 1) {
			st->reject = 400;
			st->reason = "Bad request: conflicting Content-Length and "
			             "Transfer-Encoding headers.";
		} else if (h.not_chunked) {
			st->reject = 501;
			st->reason = "Only the chunked transfer coding is understood.";
		} else if (h.encoded_body) {
			/* A compressed body can expand far past any limit: refused. */
			st->reject = 415;
			st->reason = "Compressed request bodies are not accepted; send it "
			             "uncompressed.";
		} else if (h.content_length) {
			const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			                                             "Content-Length");
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);
			if (*end || n > st->limit) {
				st->reject = 413;
				st->reason = "Request too large: this address does not accept "
				             "a body that big.";
			}
		}
		buf_limit(&st->body, st->limit + 1);
		/* A request refused on its headers alone is answered now, before
		** its body is read; answering on the first call also closes the
		** connection afterwards, which is what a refusal wants. */
		if (st->reject)
			return send_reject(c, st->reject, st->reason);
		return MHD_YES;
	}

	if (*upload_size) {
		if (!st->reject) {
			buf_put(&st->body, upload, *upload_size);
			if (st->body.is_full || st->body.len > st->limit) {
				/* Only a chunked body can get here (Content-Length was
				** checked).  The library cannot answer mid-body: drop what
				** comes, answer 413 at the end, and hang up on a client that
				** keeps sending far past the limit. */
				st->reject = 413;
				st->reason = "Request too large: this address does not accept a "
				             "body that big.";
				buf_free(&st->body);
			}
		} else {
			st->discarded += *upload_size;
			if (st->discarded > DISCARD_MAX)
				return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (st->reject)
		return send_reject(c, st->reject, st->reason);

	/* The whole request is in: dispatch. */
	struct http_req *req = &st->req;
	req->body = buf_cstr(&st->body);
	req->body_len = st->body.len;
	struct http_resp resp;
	memset(&resp, 0, sizeof resp);
	resp.status = 200;
	s->cfg.handle(req, &resp, s->cfg.ctx);
	enum MHD_Result ret = send_resp(c, &resp);
	buf_free(&resp.body);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ptr,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct conn_state *st = *ptr;
	if (!st)
		return;
	arena_free(st->req.a);
	buf_free(&st->body);
	free(st->uri);
	free(st);
	*ptr = NULL;
}

/* The library calls this first for every request; what it returns becomes
** the request's state pointer.  It is also the only place the request
** target is seen as sent, before the library decodes and splits it. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	struct conn_state *st = calloc(1, sizeof *st);
	if (!st)
		die("out of memory");
	st->uri = strdup(uri ? uri : "/");
	if (!st->uri)
		die("out of memory");
	st->req.a = arena_new();
	return st;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon;
	memset(ss, 0, sizeof *ss);
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':' || (size_t)(close - listen - 1) >= sizeof host)
			return -1;
		memcpy(host, listen + 1, (size_t)(close - listen - 1));
		host[close - listen - 1] = 0;
		colon = close + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof host)
			return -1;
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = 0;
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		return -1;
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof *v4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof *v6;
		return 0;
	}
	return -1;
}

struct http_server *http_server_start(const struct http_config *cfg, char *err,
                                      size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (parse_listen(cfg->listen, &ss, &sslen) != 0) {
		snprintf(err, errlen, "cannot read listen address '%s' (want HOST:PORT, "
		         "e.g. 127.0.0.1:8080 or [::1]:8080)", cfg->listen);
		return NULL;
	}
	struct http_server *s = calloc(1, sizeof *s);
	if (!s)
		die("out of memory");
	s->cfg = *cfg;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 2),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(cfg->timeout > 0 ? cfg->timeout : 30),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)(cfg->conn_limit ? cfg->conn_limit : 1000),
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_ip_limit,
	    /* The library clears a connection's whole pool for every request
	    ** (the profile's largest cost on a cache hit): big enough for our
	    ** 32 KiB of headers and the reply's head, no bigger. */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(48 * 1024),
	    MHD_OPTION_CONNECTION_MEMORY_INCREMENT, (size_t)(4 * 1024),
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
	    MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot listen on %s (address in use, or not ours?)",
		         cfg->listen);
		free(s);
		return NULL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	return s;
}

int http_server_port(struct http_server *s)
{
	return s->port;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
