/*
** server.c: Byline's HTTP/1.1 server: one event loop and a pool of workers.
**
** The loop thread owns every socket.  It accepts, reads, parses (parse.c),
** enforces the limits and timeouts, and writes.  A complete request is
** first offered to the `fast` handler on the loop itself (a page-cache hit:
** memory only, no database, no waiting); anything else goes to a worker
** thread, which runs the `handle` callback and hands the response back
** through an eventfd.  The loop then writes it.  So a slow render never
** delays the cached pages being served beside it, and one core serving
** cache hits does no thread switching at all (what kept p99 several times
** nginx's with libmicrohttpd's thread pool; docs/ARCHITECTURE.md has the
** figures).
**
** A connection is in one state at a time:
**
**   HEAD   reading a request head (or idle between requests)
**   BODY   reading its body (Content-Length or chunked)
**   WORK   a worker has the request: the socket is not watched
**   WRITE  the response is going out
**   LINGER refused mid-request: our write side is shut, the rest of what
**          the client sends is read and dropped until it stops, so the
**          kernel never answers unread bytes with a reset that would
**          destroy the refusal before the client reads it
**
** Timeouts (one value, the config's `timeout`): a head must be complete
** that long after its first byte arrived (a client trickling bytes, as in
** slowloris, is not rescued by each byte); a body may pause that long
** between reads and, after its first `timeout` seconds, must keep up an
** average of HTTP_MIN_BODY_RATE bytes a second (a byte now and then does
** not keep it alive): both are answered 408.  An idle keep-alive connection
** is closed after that long without a word; so is a client that stops
** reading its response.
**
** Memory: whatever clients send, the bytes held in request bodies (counted
** from Content-Length before they arrive, as allocated for chunked ones)
** and in rendered answers stay under the config's `body_budget`: a body
** that would pass it is answered 503 with Retry-After (unless it is the
** only one: one request of the largest size a route takes always fits).
** How large a body may be is decided from the head (the body_limit
** callback: a signed-out request to a staff route may send a few KB), and
** `Expect: 100-continue` is answered only once that and the budget agree.
** A route that takes large files (req->body_spool, set by body_limit) has
** its body written to a deleted temporary file as it arrives, counted
** against its limit but not the budget; the handler sees its first and
** last bytes and reads the rest from the file (http.h, body_cut).
**
** Caps: at --max-conns, the connection that has waited longest (for its
** head, or a body arriving slowest) gives way; past --max-conns-per-ip
** from one address (an IPv6 /64), or when no room can be made, the new
** connection is answered 503 with Retry-After and closed.  Connections from
** the trusted proxy (trust_proxy: proxy_addr, else 127.0.0.1 or ::1) do not count
** against the per-address cap; instead each client the proxy names in
** X-Forwarded-For may have per_ip_limit requests in flight (503 past it).
*/
#include "http/http.h"
#include "http/parse.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/netaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define IN_START 4096        /* a connection's first input buffer */
#define IN_BODY 65536        /* input buffer while a body streams in */
#define LINGER_SECONDS 2     /* how long a refused client may keep sending */
#define LINGER_MAX (1 << 20) /* and how much */
/* From the trusted proxy, more: it sends the whole body it has buffered
** (nginx cannot read an answer until it has), and a close before that
** turns the refusal into the proxy's 502. */
#define LINGER_PROXY_MAX (256u << 20)
#define STOP_SECONDS 10      /* requests in flight get this long at stop */
#define REFUSING_MAX 64      /* connections at once being answered 503 at a cap */

enum { S_HEAD, S_BODY, S_WORK, S_WRITE, S_LINGER };

struct conn {
	struct http_server *s;
	struct conn *prev, *next; /* every connection (loop only) */
	struct conn *qnext;       /* in the job or done queue */
	int fd;
	int state;                /* S_* */
	unsigned events;          /* what epoll watches now */
	int dead;                 /* the socket failed while a worker had it */
	time_t deadline;          /* see the timeouts above; 0 none */
	int started;              /* a byte of the current request has arrived */
	struct timespec t0;       /* when it did (CLOCK_MONOTONIC) */
	char *in;                 /* bytes read and not yet used */
	size_t in_len, in_cap, scan;
	struct ipslot *ip_slot;   /* per-address count */
	char ip[INET6_ADDRSTRLEN];
	unsigned char key[16];    /* the address as counted (netaddr_key) */
	int proxied;              /* from the trusted proxy: X-Forwarded-* believed */
	int is_refusal;           /* accepted past a cap only to be answered 503 */
	/* the request */
	struct arena *a;
	struct http_req req;
	struct http_head head;
	struct buf body;
	int spooling;              /* the body goes to spool_fd, not to body */
	int spool_fd;              /* a deleted temporary file (with spooling) */
	size_t limit;              /* body bytes this route takes */
	unsigned long long left;   /* Content-Length bytes still to come */
	int chunked;
	struct http_chunked ch;
	struct http_body_refusal over; /* how a body over `limit` is refused */
	struct ipslot *fwd_slot;   /* requests in flight of the client the proxy names */
	size_t held;               /* bytes counted against the server's budget */
	time_t body_at;            /* when the body began to arrive */
	unsigned long long body_got; /* body bytes read so far */
	int keep_alive;            /* the client wants the connection kept */
	int version_minor;         /* HTTP/1.x of the request */
	/* the response */
	struct http_resp resp;
	struct buf out;            /* status line and headers */
	size_t sent;               /* bytes of out, then body, written */
	int close_after;           /* close (or linger) once it is written */
	size_t discarded;          /* LINGER: bytes dropped */
};

/* Connections per client address: a chained hash table (loop only). */
struct ipslot {
	struct ipslot *next;
	unsigned char addr[16];
	unsigned count;
};
#define IP_BUCKETS 1024

struct http_server {
	struct http_config cfg;
	int lfd, ep, evfd;        /* listening socket, epoll, wake-up eventfd */
	int port;
	pthread_t loop;
	pthread_t *workers;
	int n_workers;
	/* shared with the workers, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct conn *jobs, *jobs_tail; /* waiting for a worker */
	struct conn *done;             /* answered, waiting for the loop */
	int workers_stop;
	atomic_int stop_asked;          /* http_server_stop() was called */
	/* loop only */
	struct conn *conns;
	unsigned n_conns;
	unsigned n_busy;               /* in WORK */
	unsigned n_refusing;           /* is_refusal connections (not in n_conns) */
	struct ipslot *ips[IP_BUCKETS]; /* connections per address */
	struct ipslot *fwd[IP_BUCKETS]; /* requests in flight per proxied client */
	size_t held;                   /* bytes of bodies and answers held (budget) */
	size_t budget;                 /* cfg.body_budget, or the default */
	unsigned char proxy[16];       /* the trusted proxy's address, if given */
	int has_proxy;                 /* proxy[] is set (else loopback is trusted) */
	time_t now;
	time_t date_at;
	char date[64];                 /* "Date: ...\r\n" for `now` */
};

/* ---- small helpers ---- */

const char *http_header(struct http_req *req, const char *name)
{
	const struct http_head *h = req->conn;
	return h ? http_head_field(h, name, NULL) : NULL;
}

static time_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

/* The deadline `secs` from now.  The clock is read in whole seconds, so
** one is added: a timeout never fires early (it fires between secs and
** secs + 1 seconds later). */
static time_t after(const struct http_server *s, int secs)
{
	return s->now + secs + 1;
}

static void set_events(struct conn *c, unsigned ev)
{
	if (c->dead || c->events == ev)
		return;
	struct epoll_event e = {.events = ev, .data.ptr = c};
	epoll_ctl(c->s->ep, EPOLL_CTL_MOD, c->fd, &e);
	c->events = ev;
}

static const char *reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 417: return "Expectation Failed";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

/* ---- per-address counts ---- */

static unsigned ip_hash(const unsigned char *a)
{
	unsigned h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619u;
	return h % IP_BUCKETS;
}

static struct ipslot *ip_take(struct ipslot **table, const unsigned char *addr)
{
	struct ipslot **b = &table[ip_hash(addr)];
	for (struct ipslot *p = *b; p; p = p->next)
		if (!memcmp(p->addr, addr, 16))
			return p;
	struct ipslot *p = mem_calloc(1, sizeof *p);
	memcpy(p->addr, addr, 16);
	p->next = *b;
	*b = p;
	return p;
}

static void ip_release(struct ipslot **table, struct ipslot *slot)
{
	if (!slot || --slot->count)
		return;
	for (struct ipslot **p = &table[ip_hash(slot->addr)]; *p; p = &(*p)->next) {
		if (*p == slot) {
			*p = slot->next;
			free(slot);
			return;
		}
	}
}

/* ---- connections ---- */

/* Raises what c counts against the budget to `bytes`.  0 (nothing
** counted) if that would pass the budget while others hold memory too. */
static int hold(struct conn *c, size_t bytes)
{
	struct http_server *s = c->s;
	if (bytes <= c->held)
		return 1;
	size_t more = bytes - c->held;
	if (s->held > c->held && s->held + more > s->budget)
		return 0;
	s->held += more;
	c->held = bytes;
	return 1;
}

static void request_reset(struct conn *c)
{
	c->s->held -= c->held;
	c->held = 0;
	ip_release(c->s->fwd, c->fwd_slot);
	c->fwd_slot = NULL;
	arena_free(c->a);
	c->a = NULL;
	buf_free(&c->body);
	if (c->spooling)
		close(c->spool_fd);
	c->spooling = 0;
	http_resp_unshare(&c->resp);
	buf_free(&c->resp.body);
	memset(&c->req, 0, sizeof c->req);
	memset(&c->resp, 0, sizeof c->resp);
	memset(&c->ch, 0, sizeof c->ch);
	buf_reset(&c->out);
	c->sent = 0;
	c->left = 0;
	c->chunked = 0;
	c->limit = 0;
	c->started = 0;
	c->scan = 0;
	c->close_after = 0;
}

static void conn_close(struct conn *c)
{
	struct http_server *s = c->s;
	if (!c->dead)
		epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->is_refusal)
		s->n_refusing--;
	else
		s->n_conns--;
	ip_release(s->ips, c->ip_slot);
	request_reset(c);
	buf_free(&c->out);
	free(c->in);
	free(c);
}

static void consume(struct conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

/* Makes room for at least one more byte, up to max in all.  0 if full. */
static int room(struct conn *c, size_t max)
{
	if (c->in_len < c->in_cap)
		return 1;
	if (c->in_cap >= max)
		return 0;
	size_t cap = c->in_cap ? c->in_cap * 2 : IN_START;
	if (cap > max)
		cap = max;
	char *p = mem_realloc(c->in, cap);
	c->in = p;
	c->in_cap = cap;
	return 1;
}

/* A refusal in plain text that closes the connection afterwards (a 405
** says what is allowed: allow). */
static void refuse_allow(struct conn *c, int status, const char *text, const char *allow)
{
	if (!c->a)
		c->a = arena_new();
	http_resp_unshare(&c->resp);
	buf_free(&c->resp.body);
	memset(&c->resp, 0, sizeof c->resp);
	c->resp.status = status;
	c->resp.content_type = "text/plain; charset=utf-8";
	buf_puts(&c->resp.body, text);
	buf_putc(&c->resp.body, '\n');
	http_security_headers(&c->resp, c->req.scheme && !strcmp(c->req.scheme, "https"));
	http_resp_header(&c->resp, "Cache-Control", "no-store");
	if (status == 503)
		http_resp_header(&c->resp, "Retry-After", "5");
	if (status == 405 && allow)
		http_resp_header(&c->resp, "Allow", allow);
	c->close_after = 1;
	c->req.is_head = 0;
	c->state = S_WRITE;
	c->sent = (size_t)-1; /* not yet serialized */
}

static void refuse(struct conn *c, int status, const char *text)
{
	refuse_allow(c, status, text, NULL);
}

/* A body over its limit, refused as the body_limit callback said. */
static void refuse_body(struct conn *c)
{
	refuse_allow(c, c->over.status, c->over.why, c->over.allow);
}

/* n in decimal, in out (>= 21 bytes). */
static const char *utoa(char *out, unsigned long long n)
{
	char *p = out + 21;
	*p = 0;
	do {
		*--p = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	return p;
}

/* The status line and headers for c->resp, into c->out. */
static void serialize(struct conn *c)
{
	struct http_server *s = c->s;
	struct http_resp *r = &c->resp;
	struct buf *o = &c->out;
	buf_reset(o);
	if (!r->status)
		r->status = 200;
	if (s->date_at != s->now) {
		char d[40];
		http_date_format(time(NULL), d, sizeof d);
		snprintf(s->date, sizeof s->date, "Date: %s\r\n", d);
		s->date_at = s->now;
	}
	char num[22];
	buf_put(o, "HTTP/1.1 ", 9);
	buf_puts(o, utoa(num, (unsigned long long)r->status));
	buf_putc(o, ' ');
	buf_puts(o, reason(r->status));
	buf_put(o, "\r\n", 2);
	buf_puts(o, s->date);
	const char *ct = r->content_type ? r->content_type : "text/html; charset=utf-8";
	buf_put(o, "Content-Type: ", 14);
	buf_puts(o, http_field_ok("Content-Type", ct) ? ct : "application/octet-stream");
	buf_put(o, "\r\n", 2);
	if (r->status != 304 && r->status != 204) {
		buf_put(o, "Content-Length: ", 16);
		buf_puts(o, utoa(num, r->shared ? r->shared_len : r->body.len));
		buf_put(o, "\r\n", 2);
	}
	for (int i = 0; i < r->n_headers; i++) {
		if (!strcasecmp(r->hnames[i], "Connection")) {
			if (!strcasecmp(r->hvalues[i], "close"))
				c->close_after = 1;
			continue;
		}
		if (!http_field_ok(r->hnames[i], r->hvalues[i])) {
			/* Escaping for this context is refusal: a line break in a
			** value would start a header (or a body) of the sender's. */
			log_warn("http: response header %s dropped: a control byte in it",
			         r->hnames[i]);
			continue;
		}
		buf_puts(o, r->hnames[i]);
		buf_puts(o, ": ");
		buf_puts(o, r->hvalues[i]);
		buf_puts(o, "\r\n");
	}
	if (!c->keep_alive || atomic_load(&s->stop_asked))
		c->close_after = 1;
	if (c->close_after)
		buf_puts(o, "Connection: close\r\n");
	else if (c->version_minor == 0)
		buf_puts(o, "Connection: keep-alive\r\n");
	buf_puts(o, "\r\n");
	c->sent = 0;
	if (s->cfg.answered) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = c->started ? (double)(t1.tv_sec - c->t0.tv_sec) +
		                               (double)(t1.tv_nsec - c->t0.tv_nsec) / 1e9
		                         : 0;
		s->cfg.answered(&c->req, r, secs, s->cfg.ctx);
	}
}

/* Writes what is pending.  1: all written; 0: the socket is full; -1: the
** connection failed. */
static int flush(struct conn *c)
{
	if (c->sent == (size_t)-1)
		serialize(c);
	size_t body_len = c->req.is_head || c->resp.status == 304 || c->resp.status == 204
	                      ? 0
	                      : c->resp.shared ? c->resp.shared_len : c->resp.body.len;
	const char *body = c->resp.shared ? c->resp.shared : c->resp.body.data;
	size_t total = c->out.len + body_len;
	while (c->sent < total) {
		struct iovec iov[2];
		int n = 0;
		if (c->sent < c->out.len) {
			iov[n].iov_base = c->out.data + c->sent;
			iov[n].iov_len = c->out.len - c->sent;
			n++;
		}
		size_t boff = c->sent > c->out.len ? c->sent - c->out.len : 0;
		if (body_len > boff) {
			iov[n].iov_base = (char *)body + boff;
			iov[n].iov_len = body_len - boff;
			n++;
		}
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)n};
		ssize_t w = sendmsg(c->fd, &m, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		c->sent += (size_t)w;
		c->deadline = after(c->s, c->s->cfg.timeout);
	}
	return 1;
}

static const char *client_ip(struct conn *c)
{
	if (c->proxied) {
		const char *xff = http_head_field(&c->head, "X-Forwarded-For", NULL);
		if (xff && *xff) {
			/* The right-most entry is the one our proxy added. */
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			if (*last && strlen(last) < 64)
				return last;
		}
	}
	return c->ip;
}

/* 1 if the comma-separated list v holds token tok (case-insensitive). */
static int has_token(const char *v, const char *tok)
{
	size_t n = strlen(tok);
	for (const char *p = v; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if ((size_t)(t - p) == n && !strncasecmp(p, tok, n))
			return 1;
		p = e;
	}
	return 0;
}

static int spool_open(struct conn *c);

/* The head is parsed: check it, set the request up.  Leaves c in BODY, in
** WRITE with a refusal, or returns 1 when the request is complete. */
static int begin(struct conn *c, size_t head_len)
{
	struct http_server *s = c->s;
	c->a = arena_new();
	char *h = arena_alloc(c->a, head_len + 1);
	memcpy(h, c->in, head_len);
	consume(c, head_len);
	c->scan = 0;
	const char *why;
	int rc = http_parse_head(h, head_len, &c->head, &why);
	c->version_minor = c->head.minor;
	c->keep_alive = 0;
	if (rc) {
		refuse(c, rc, why);
		return 0;
	}
	struct http_head *hd = &c->head;
	struct http_req *req = &c->req;
	req->a = c->a;
	req->conn = hd;
	req->method = hd->method;
	req->is_head = !strcmp(hd->method, "HEAD");
	const char *conn_hdr = http_head_field(hd, "Connection", NULL);
	c->keep_alive = hd->minor >= 1 ? !has_token(conn_hdr, "close")
	                               : has_token(conn_hdr, "keep-alive");

	/* origin-form, or absolute-form (RFC 9112 3.2.2), reduced to the path */
	const char *target = hd->target;
	req->target_origin = NULL;
	if (!strncasecmp(target, "http://", 7) || !strncasecmp(target, "https://", 8)) {
		const char *p = strchr(strstr(target, "://") + 3, '/');
		req->target_origin = arena_strndup(c->a, target, p ? (size_t)(p - target)
		                                                   : strlen(target));
		target = p ? p : "/";
	}
	if (target[0] != '/') {
		refuse(c, 400, "Bad request: the request target must be a path.");
		return 0;
	}
	const char *q = strchr(target, '?');
	req->path = q ? arena_strndup(c->a, target, (size_t)(q - target)) : target;
	req->query = q ? q + 1 : "";
	for (const char *p = req->path; *p; p++) {
		if (*p == '%' && (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))) {
			refuse(c, 400, "Bad request: the address has a broken %-escape (a % must be "
			               "followed by two hexadecimal digits).");
			return 0;
		}
	}
	req->scheme = "http";
	if (c->proxied) {
		const char *proto = http_head_field(hd, "X-Forwarded-Proto", NULL);
		if (proto && !strcasecmp(proto, "https"))
			req->scheme = "https";
	}
	req->remote_ip = client_ip(c);

	int n_host, n_cl, n_te;
	http_head_field(hd, "Host", &n_host);
	const char *cl = http_head_field(hd, "Content-Length", &n_cl);
	const char *te = http_head_field(hd, "Transfer-Encoding", &n_te);
	const char *ce = http_head_field(hd, "Content-Encoding", NULL);
	const char *expect = http_head_field(hd, "Expect", NULL);
	if (n_host > 1 || (hd->minor >= 1 && n_host == 0)) {
		refuse(c, 400, "Bad request: an HTTP/1.1 request needs exactly one Host header.");
		return 0;
	}
	if (n_cl > 1 || n_te > 1 || (n_cl && n_te)) {
		refuse(c, 400, "Bad request: conflicting Content-Length and Transfer-Encoding "
		               "headers.");
		return 0;
	}
	if (te && (strcasecmp(te, "chunked") != 0 || hd->minor == 0)) {
		refuse(c, 501, "Only the chunked transfer coding is understood.");
		return 0;
	}
	if (ce && strcasecmp(ce, "identity") != 0) {
		/* A compressed body can expand far past any limit: refused. */
		refuse(c, 415, "Compressed request bodies are not accepted; send it "
		               "uncompressed.");
		return 0;
	}
	if (expect && strcasecmp(expect, "100-continue") != 0) {
		refuse(c, 417, "The Expect header asks for something this server does not do.");
		return 0;
	}
	if (c->proxied && s->cfg.per_ip_limit) {
		/* The proxy's connections are many clients': each client it
		** names may have per_ip_limit requests in flight. */
		unsigned char key[16];
		struct ipslot *slot = ip_take(s->fwd, netaddr_key(req->remote_ip, key) == 0 ? key
		                                                                           : c->key);
		if (slot->count >= s->cfg.per_ip_limit) { /* it has requests: it stays */
			refuse(c, 503, "Too many requests from your address at once; try again in a "
			               "moment.");
			return 0;
		}
		slot->count++;
		c->fwd_slot = slot;
	}
	int bodyless = !strcmp(hd->method, "GET") || req->is_head;
	c->over.status = 413;
	c->over.why = "Request too large: this address does not accept a body that big.";
	c->over.allow = NULL;
	c->limit = bodyless || !s->cfg.body_limit ? 0 : s->cfg.body_limit(req, &c->over, s->cfg.ctx);
	unsigned long long length = 0;
	if (cl) {
		size_t digits = strspn(cl, "0123456789");
		if (!digits || cl[digits] || digits > 18) {
			refuse(c, 400, "Bad request: the Content-Length is not a number.");
			return 0;
		}
		length = strtoull(cl, NULL, 10);
	}
	if (length > c->limit) {
		refuse_body(c);
		return 0;
	}
	if (!te && !length)
		return 1;
	if (req->body_spool) {
		if (te) {
			refuse(c, 411, "This address takes a file only with its length said "
			               "(Content-Length); send it again from the form.");
			return 0;
		}
		if (spool_open(c) != 0) {
			refuse(c, 507, "The server has no room to receive this file now; try again "
			               "later.");
			return 0;
		}
	} else if (!hold(c, (size_t)length)) {
		refuse(c, 503, "The server is busy receiving other requests; try again in a "
		               "moment.");
		return 0;
	}
	c->chunked = te != NULL;
	c->left = length;
	c->state = S_BODY;
	c->body_at = s->now;
	c->body_got = c->in_len;
	c->deadline = after(s, s->cfg.timeout);
	if (expect && hd->minor >= 1 && c->in_len == 0) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
		/* 25 bytes into an empty send buffer: a short write is not expected;
		** if it happens the client just sends its body after its own wait. */
		ssize_t w = send(c->fd, cont, sizeof cont - 1, MSG_NOSIGNAL);
		(void)w;
	}
	return 0;
}

/* A deleted temporary file for a spooled body: O_TMPFILE under spool_dir
** where the file system has it, else a file made and unlinked at once. */
static int spool_open(struct conn *c)
{
	const char *dir = c->s->cfg.spool_dir ? c->s->cfg.spool_dir : "/tmp";
	int fd = -1;
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
	if (fd < 0) {
		char path[4096];
		snprintf(path, sizeof path, "%s/.byline-body-XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd < 0)
			return -1;
		unlink(path);
	}
	c->spool_fd = fd;
	c->spooling = 1;
	return 0;
}

/* Writes what of the body is in the input buffer to the spool file.  The
** disk write runs on the loop, 64 KB at most at a time. */
static int spool_take(struct conn *c)
{
	size_t n = c->in_len < c->left ? c->in_len : (size_t)c->left;
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(c->spool_fd, c->in + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_warn("http: a spooled body could not be written: %s", strerror(errno));
			refuse(c, 507, "The server ran out of room receiving this file; nothing was "
			               "done.");
			return 0;
		}
		off += (size_t)w;
	}
	consume(c, n);
	c->left -= n;
	return c->left == 0;
}

/* Reads n bytes at off of the spool file into out. */
static int spool_read(int fd, char *out, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, out + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* What the handler sees of a spooled body (http.h, body_cut): all of it
** when small, else its first HTTP_SPOOL_HEAD and last HTTP_SPOOL_TAIL
** bytes, read into the arena: the file's middle is never in memory. */
static int spool_view(struct conn *c)
{
	off_t len = lseek(c->spool_fd, 0, SEEK_END);
	if (len < 0)
		return -1;
	size_t n = (size_t)len;
	int cut = n > HTTP_SPOOL_HEAD + HTTP_SPOOL_TAIL;
	size_t keep = cut ? HTTP_SPOOL_HEAD + HTTP_SPOOL_TAIL : n;
	char *v = arena_alloc(c->a, keep + 1);
	if (!cut) {
		if (spool_read(c->spool_fd, v, n, 0) != 0)
			return -1;
	} else if (spool_read(c->spool_fd, v, HTTP_SPOOL_HEAD, 0) != 0 ||
	           spool_read(c->spool_fd, v + HTTP_SPOOL_HEAD, HTTP_SPOOL_TAIL,
	                      len - (off_t)HTTP_SPOOL_TAIL) != 0) {
		return -1;
	}
	v[keep] = 0;
	c->req.body = v;
	c->req.body_len = keep;
	c->req.body_fd = c->spool_fd;
	c->req.body_size = n;
	c->req.body_cut = cut ? HTTP_SPOOL_HEAD : 0;
	c->req.body_cut_len = cut ? n - keep : 0;
	return 0;
}

/* Moves body bytes from the input buffer.  1 when the body is complete. */
static int take_body(struct conn *c)
{
	if (c->spooling)
		return spool_take(c);
	if (c->chunked) {
		size_t used;
		int rc = http_chunked_feed(&c->ch, c->in, c->in_len, &used, &c->body, c->limit);
		consume(c, used);
		if (rc == HTTP_CHUNK_BAD) {
			refuse(c, 400, "Bad request: the chunked body is malformed.");
			return 0;
		}
		if (rc == HTTP_CHUNK_TOO_BIG) {
			refuse_body(c);
			return 0;
		}
		if (!hold(c, c->body.cap)) {
			refuse(c, 503, "The server is busy receiving other requests; try again in a "
			               "moment.");
			return 0;
		}
		return rc == HTTP_CHUNK_DONE;
	}
	size_t n = c->in_len < c->left ? c->in_len : (size_t)c->left;
	if (!c->body.cap && n) {
		/* Exactly the declared size (already counted against the budget),
		** allocated once its first byte is here: no doubling past it. */
		c->body.data = mem_alloc((size_t)c->left + 1);
		c->body.cap = (size_t)c->left + 1;
	}
	buf_put(&c->body, c->in, n);
	consume(c, n);
	c->left -= n;
	return c->left == 0;
}

static void enqueue(struct conn *c)
{
	struct http_server *s = c->s;
	c->state = S_WORK;
	s->n_busy++;
	set_events(c, 0);
	c->qnext = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->jobs_tail)
		s->jobs_tail->qnext = c;
	else
		s->jobs = c;
	s->jobs_tail = c;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* A whole request is in: answer it here if the fast handler can, else
** hand it to a worker. */
static void dispatch(struct conn *c)
{
	struct http_server *s = c->s;
	c->req.body = buf_cstr(&c->body);
	c->req.body_len = c->body.len;
	c->req.body_fd = -1;
	if (c->spooling && spool_view(c) != 0) {
		log_warn("http: a spooled body could not be read back: %s", strerror(errno));
		refuse(c, 507, "The server could not read back the file it received; nothing "
		               "was done.");
		return;
	}
	c->resp.status = 200;
	if (s->cfg.fast && !c->body.len && !c->spooling &&
	    s->cfg.fast(&c->req, &c->resp, s->cfg.ctx)) {
		c->state = S_WRITE;
		c->sent = (size_t)-1;
		return;
	}
	/* What the fast handler may have set is dropped with the response. */
	http_resp_unshare(&c->resp);
	buf_free(&c->resp.body);
	memset(&c->resp, 0, sizeof c->resp);
	c->resp.status = 200;
	enqueue(c);
}

/* Drives c as far as it can go without waiting.  May free c. */
static void advance(struct conn *c)
{
	struct http_server *s = c->s;
	for (;;) {
		switch (c->state) {
		case S_HEAD: {
			if (!c->in_len)
				return;
			if (!c->started) {
				c->started = 1;
				clock_gettime(CLOCK_MONOTONIC, &c->t0);
				c->deadline = after(s, s->cfg.timeout);
			}
			long end = http_head_end(c->in, c->in_len, &c->scan);
			if (end < 0) {
				refuse(c, (int)-end, end == -414 ? "The address is too long."
				                     : end == -431 ? "The request's headers are too large."
				                                   : "Bad request: the request could not "
				                                     "be read.");
				break;
			}
			if (end == 0) {
				if (c->in_len >= HTTP_MAX_HEAD)
					refuse(c, 431, "The request's headers are too large.");
				else
					return;
				break;
			}
			if (begin(c, (size_t)end))
				dispatch(c);
			break;
		}
		case S_BODY:
			if (take_body(c))
				dispatch(c);
			else if (c->state == S_BODY)
				return; /* more to come */
			break;
		case S_WORK:
			return;
		case S_WRITE: {
			int rc = flush(c);
			if (rc < 0) {
				conn_close(c);
				return;
			}
			if (rc == 0) {
				set_events(c, EPOLLOUT);
				return;
			}
			if (c->close_after) {
				/* Refused before the request was read to its end: drop
				** what the client still sends, then close. */
				request_reset(c);
				if (shutdown(c->fd, SHUT_WR) != 0) {
					conn_close(c);
					return;
				}
				c->state = S_LINGER;
				c->in_len = 0;
				c->discarded = 0;
				c->deadline = after(s, LINGER_SECONDS);
				set_events(c, EPOLLIN);
				return;
			}
			request_reset(c);
			c->state = S_HEAD;
			c->deadline = after(s, s->cfg.timeout);
			if (!c->in_len && c->in_cap > IN_START) {
				free(c->in);
				c->in = NULL;
				c->in_cap = 0;
			}
			set_events(c, EPOLLIN);
			break;
		}
		case S_LINGER:
			return;
		}
	}
}

static void on_readable(struct conn *c)
{
	struct http_server *s = c->s;
	if (c->state == S_LINGER) {
		char junk[16384];
		for (;;) {
			ssize_t r = recv(c->fd, junk, sizeof junk, 0);
			if (r > 0) {
				c->discarded += (size_t)r;
				if (c->discarded > (c->proxied ? LINGER_PROXY_MAX : LINGER_MAX))
					break;
				continue;
			}
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			break;
		}
		conn_close(c);
		return;
	}
	if (c->state != S_HEAD && c->state != S_BODY)
		return;
	size_t max = c->state == S_HEAD ? HTTP_MAX_HEAD : IN_BODY;
	if (!room(c, max)) {
		advance(c); /* a full buffer: the parser decides */
		return;
	}
	ssize_t r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		conn_close(c);
		return;
	}
	if (r < 0)
		return;
	c->in_len += (size_t)r;
	if (c->state == S_BODY) {
		/* A pause may last `timeout`; and after its first `timeout`
		** seconds the body must average HTTP_MIN_BODY_RATE. */
		c->body_got += (size_t)r;
		time_t pause = after(s, s->cfg.timeout);
		time_t rate = c->body_at + s->cfg.timeout + 1 +
		              (time_t)(c->body_got / HTTP_MIN_BODY_RATE);
		c->deadline = rate < pause ? rate : pause;
	}
	advance(c);
}

/* At the connection cap: closes the connection nearest its deadline
** among those still reading: idle, a head trickling in, or a body arriving
** slowly (a slow body's deadline is its minimum rate's, so it comes before
** one arriving at speed), so that clients holding connections open cannot
** keep new ones out.  0 if every connection is busy with a request. */
static int make_room(struct http_server *s)
{
	struct conn *victim = NULL; /* ties: the list runs newest first */
	for (struct conn *c = s->conns; c; c = c->next)
		if ((c->state == S_HEAD || c->state == S_BODY) && !c->is_refusal &&
		    (!victim || c->deadline <= victim->deadline))
			victim = c;
	if (!victim)
		return 0;
	conn_close(victim);
	return 1;
}

/* 1 if full (16 bytes, IPv4 mapped) is the trusted proxy's address. */
static int is_proxy(const struct http_server *s, const unsigned char *full)
{
	static const unsigned char v4lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	                                       127, 0, 0, 1};
	static const unsigned char v6lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	if (!s->cfg.trust_proxy)
		return 0;
	if (s->has_proxy)
		return !memcmp(full, s->proxy, 16);
	return !memcmp(full, v4lo, 16) || !memcmp(full, v6lo, 16);
}

static void on_accept(struct http_server *s)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(s->lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or out of descriptors: try at the next wake */
		unsigned char addr[16] = {0};
		char text[INET6_ADDRSTRLEN] = "unknown";
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
			addr[10] = addr[11] = 0xff;
			memcpy(addr + 12, &v4->sin_addr, 4);
			inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
			memcpy(addr, &v6->sin6_addr, 16);
			inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
		}
		if (atomic_load(&s->stop_asked)) {
			close(fd);
			continue;
		}
		unsigned char key[16];
		if (netaddr_key(text, key) != 0)
			memcpy(key, addr, 16);
		int proxied = is_proxy(s, addr);
		const char *full = NULL; /* why the connection is refused */
		if (s->n_conns >= s->cfg.conn_limit && !make_room(s))
			full = "The server is at its connection limit; try again in a moment.";
		struct ipslot *slot = NULL;
		if (!full && s->cfg.per_ip_limit && !proxied) {
			slot = ip_take(s->ips, key);
			if (slot->count >= s->cfg.per_ip_limit) {
				/* the slot has connections: it stays */
				full = "Too many connections from your address at once; close some and "
				       "try again in a moment.";
				slot = NULL;
			} else {
				slot->count++;
			}
		}
		if (full && s->n_refusing >= REFUSING_MAX) {
			close(fd); /* answering refusals has its own cap */
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct conn *c = mem_calloc(1, sizeof *c);
		c->s = s;
		c->fd = fd;
		c->ip_slot = slot;
		c->proxied = proxied;
		c->is_refusal = full != NULL;
		memcpy(c->key, key, 16);
		memcpy(c->ip, text, sizeof c->ip);
		c->state = S_HEAD;
		c->deadline = after(s, s->cfg.timeout);
		c->events = EPOLLIN;
		struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &e) != 0) {
			ip_release(s->ips, slot);
			close(fd);
			free(c);
			continue;
		}
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		if (full) {
			/* Answered, not dropped: the client learns to come back. */
			s->n_refusing++;
			refuse(c, 503, full);
			advance(c);
		} else {
			s->n_conns++;
		}
	}
}

/* Responses the workers finished: write them. */
static void on_done(struct http_server *s)
{
	uint64_t v;
	ssize_t r = read(s->evfd, &v, sizeof v);
	(void)r;
	pthread_mutex_lock(&s->mu);
	struct conn *list = s->done;
	s->done = NULL;
	pthread_mutex_unlock(&s->mu);
	while (list) {
		struct conn *c = list;
		list = c->qnext;
		s->n_busy--;
		if (c->dead) {
			conn_close(c);
			continue;
		}
		/* The answer waits in memory until the client reads it. */
		s->held += c->resp.body.len;
		c->held += c->resp.body.len;
		c->state = S_WRITE;
		c->sent = (size_t)-1;
		c->deadline = after(s, s->cfg.timeout);
		advance(c);
	}
}

/* Once a second: what has waited too long. */
static void on_tick(struct http_server *s)
{
	struct conn *next;
	for (struct conn *c = s->conns; c; c = next) {
		next = c->next;
		if (c->state == S_WORK || !c->deadline || s->now < c->deadline)
			continue;
		if ((c->state == S_HEAD && c->started) || c->state == S_BODY) {
			if (c->state == S_HEAD)
				c->in_len = 0;
			refuse(c, 408, "The request took too long to arrive; the connection is "
			               "closed.");
			advance(c);
		} else {
			conn_close(c); /* idle, not reading its answer, or done lingering */
		}
	}
}

static void *loop_main(void *arg)
{
	struct http_server *s = arg;
	struct epoll_event evs[64];
	time_t last_tick = mono_now();
	time_t stop_by = 0;
	for (;;) {
		int n = epoll_wait(s->ep, evs, 64, 1000);
		s->now = mono_now();
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == &s->lfd) {
				on_accept(s);
			} else if (p == &s->evfd) {
				on_done(s);
			} else {
				struct conn *c = p;
				if (c->state == S_WORK) {
					/* Reset while a worker has it: forget the socket now
					** (or epoll reports it again and again), close after. */
					epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
					c->dead = 1;
				} else if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR) &&
				           c->state != S_WRITE) {
					on_readable(c);
				} else {
					advance(c);
				}
			}
		}
		if (s->now != last_tick) {
			last_tick = s->now;
			on_tick(s);
			pthread_mutex_lock(&s->mu);
			int lost_wake = s->done != NULL;
			pthread_mutex_unlock(&s->mu);
			if (lost_wake)
				on_done(s);
		}
		if (atomic_load(&s->stop_asked)) {
			if (!stop_by) {
				stop_by = s->now + STOP_SECONDS;
				epoll_ctl(s->ep, EPOLL_CTL_DEL, s->lfd, NULL);
				/* Connections waiting for a request are closed now;
				** requests in flight finish. */
				struct conn *next;
				for (struct conn *c = s->conns; c; c = next) {
					next = c->next;
					if (c->state == S_HEAD || c->state == S_LINGER)
						conn_close(c);
				}
			}
			int busy = 0;
			for (struct conn *c = s->conns; c; c = c->next)
				busy |= c->state == S_WORK || c->state == S_WRITE || c->state == S_BODY;
			if (!busy || s->now >= stop_by)
				break;
		}
	}
	return NULL;
}

/* Wakes the loop.  A failed write is retried (EAGAIN means the counter is
** already set: the loop is awake anyway); should it still fail, the loop's
** once-a-second tick looks at the done queue too. */
static void wake(struct http_server *s)
{
	uint64_t one = 1;
	for (int i = 0; i < 100; i++)
		if (write(s->evfd, &one, sizeof one) == sizeof one || errno == EAGAIN)
			return;
}

static void *worker_main(void *arg)
{
	struct http_server *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->jobs && !s->workers_stop)
			pthread_cond_wait(&s->cv, &s->mu);
		struct conn *c = s->jobs;
		if (!c)
			break; /* stopping, and nothing left to do */
		s->jobs = c->qnext;
		if (!s->jobs)
			s->jobs_tail = NULL;
		pthread_mutex_unlock(&s->mu);
		s->cfg.handle(&c->req, &c->resp, s->cfg.ctx);
		pthread_mutex_lock(&s->mu);
		c->qnext = s->done;
		s->done = c;
		wake(s);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon;
	memset(ss, 0, sizeof *ss);
	if (listen[0] == '[') {
		const char *close_ = strchr(listen, ']');
		if (!close_ || close_[1] != ':' || (size_t)(close_ - listen - 1) >= sizeof host)
			return -1;
		memcpy(host, listen + 1, (size_t)(close_ - listen - 1));
		host[close_ - listen - 1] = 0;
		colon = close_ + 1;
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
	int lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (lfd >= 0)
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, sslen) != 0 || listen(lfd, 1024) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", cfg->listen, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return NULL;
	}
	struct http_server *s = mem_calloc(1, sizeof *s);
	s->cfg = *cfg;
	s->budget = cfg->body_budget ? cfg->body_budget : HTTP_BODY_BUDGET;
	if (cfg->proxy_addr) {
		struct in_addr v4;
		if (inet_pton(AF_INET, cfg->proxy_addr, &v4) == 1) {
			s->proxy[10] = s->proxy[11] = 0xff;
			memcpy(s->proxy + 12, &v4, 4);
		} else if (inet_pton(AF_INET6, cfg->proxy_addr, s->proxy) != 1) {
			snprintf(err, errlen, "cannot read the proxy address '%s'", cfg->proxy_addr);
			close(lfd);
			free(s);
			return NULL;
		}
		s->has_proxy = 1;
	}
	if (s->cfg.timeout <= 0)
		s->cfg.timeout = 30;
	if (!s->cfg.conn_limit)
		s->cfg.conn_limit = 1000;
	s->lfd = lfd;
	struct sockaddr_storage bound;
	socklen_t blen = sizeof bound;
	getsockname(lfd, (struct sockaddr *)&bound, &blen);
	s->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
	                                            : ((struct sockaddr_in *)&bound)->sin_port);
	if (cfg->bound)
		cfg->bound(cfg->listen, s->port, cfg->ctx);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->ep < 0 || s->evfd < 0)
		die("cannot create the event loop: %s", strerror(errno));
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = &s->lfd};
	epoll_ctl(s->ep, EPOLL_CTL_ADD, lfd, &e);
	e.data.ptr = &s->evfd;
	epoll_ctl(s->ep, EPOLL_CTL_ADD, s->evfd, &e);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->now = mono_now();
	s->n_workers = cfg->threads > 0 ? cfg->threads : 2;
	s->workers = mem_calloc((size_t)s->n_workers, sizeof *s->workers);
	for (int i = 0; i < s->n_workers; i++)
		if (pthread_create(&s->workers[i], NULL, worker_main, s) != 0)
			die("cannot start a worker thread");
	if (pthread_create(&s->loop, NULL, loop_main, s) != 0)
		die("cannot start the event loop thread");
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
	atomic_store(&s->stop_asked, 1);
	wake(s);
	pthread_join(s->loop, NULL);
	pthread_mutex_lock(&s->mu);
	s->workers_stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < s->n_workers; i++)
		pthread_join(s->workers[i], NULL);
	while (s->conns)
		conn_close(s->conns);
	for (int i = 0; i < IP_BUCKETS; i++) {
		while (s->ips[i]) {
			struct ipslot *p = s->ips[i];
			s->ips[i] = p->next;
			free(p);
		}
		while (s->fwd[i]) {
			struct ipslot *p = s->fwd[i];
			s->fwd[i] = p->next;
			free(p);
		}
	}
	close(s->lfd);
	close(s->ep);
	close(s->evfd);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->workers);
	free(s);
}
