/*
** outbound.c: HTTP requests to other servers, with libcurl, under the
** limits outbound.h promises.
**
** The address check sits in curl's open-socket callback, which sees the
** address curl is about to connect to after every name lookup: a name
** that resolves to 127.0.0.1 (or changes its answer between two lookups)
** is caught there, where a check of the URL's host name alone would not.
**
** Redirects, when a request asks for them, are followed here and not by
** curl: each hop is a request of its own through send_one(), so the
** address check, the protocols and the byte cap apply to it as to the
** first, and the time left is what the first hop's timeout left.
*/
#include "web/outbound.h"
#include "core/buf.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void init_curl(void)
{
	curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static int v4_is_private(const unsigned char *b)
{
	return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) ||
	       (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) ||
	       (b[0] == 100 && (b[1] & 0xC0) == 64) || b[0] >= 224 ||
	       (b[0] == 192 && b[1] == 0 && b[2] == 0) || (b[0] == 198 && (b[1] & 0xFE) == 18);
}

static int v6_is_private(const unsigned char *b)
{
	static const unsigned char zero[16];
	if (!memcmp(b, zero, 15) && (b[15] == 0 || b[15] == 1))
		return 1; /* :: and ::1 */
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!memcmp(b, mapped, 12))
		return v4_is_private(b + 12);
	if (!memcmp(b, zero, 12))
		return 1; /* IPv4-compatible, deprecated */
	return (b[0] & 0xFE) == 0xFC ||                /* fc00::/7 unique local */
	       (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) || /* fe80::/10 link-local */
	       (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) || /* fec0::/10 site-local */
	       b[0] == 0xFF ||                         /* multicast */
	       (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b); /* NAT64 */
}

int outbound_addr_is_private(const char *ip)
{
	unsigned char b[16];
	if (inet_pton(AF_INET, ip, b) == 1)
		return v4_is_private(b);
	if (inet_pton(AF_INET6, ip, b) == 1)
		return v6_is_private(b);
	return 1; /* not an address: refused */
}

struct call {
	const struct outbound_req *r;
	struct buf *body;          /* the answer's body */
	int too_large;             /* the answer passed r->max_bytes */
	int refused_addr;          /* the open-socket check refused */
};

static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *sa)
{
	struct call *c = arg;
	(void)purpose;
	if (!c->r->allow_private) {
		int bad = 1;
		if (sa->family == AF_INET)
			bad = v4_is_private(
			    (const unsigned char *)&((const struct sockaddr_in *)&sa->addr)->sin_addr);
		else if (sa->family == AF_INET6)
			bad = v6_is_private(
			    (const unsigned char *)&((const struct sockaddr_in6 *)&sa->addr)->sin6_addr);
		if (bad) {
			c->refused_addr = 1;
			return CURL_SOCKET_BAD;
		}
	}
	return socket(sa->family, sa->socktype, sa->protocol);
}

static size_t write_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct call *c = arg;
	size_t n = size * nmemb;
	if (c->body->len + n > c->r->max_bytes) {
		c->too_large = 1;
		return 0; /* curl ends the transfer: CURLE_WRITE_ERROR */
	}
	buf_put(c->body, data, n);
	return n;
}

static size_t read_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct call *c = arg;
	size_t n = size * nmemb;
	if (c->r->headers_out->len + n > 64 * 1024)
		return 0; /* a flood of headers ends the request */
	buf_put(c->r->headers_out, data, n);
	return n;
}

static int check_stop(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                      curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	struct call *c = arg;
	return c->r->stop && atomic_load(c->r->stop) ? 1 : 0;
}

/* One request.  As outbound_send(); when next is not NULL and the answer
** is a redirect, next gets the absolute address it names ("" when none,
** or longer than nextlen). */
static int send_one(const struct outbound_req *r, struct buf *body, char *err, size_t errlen,
                    enum outbound_end *end, char *next, size_t nextlen)
{
	*end = OUTBOUND_FAILED;
	if (next)
		*next = 0;
	pthread_once(&curl_once, init_curl);
	CURL *h = curl_ready ? curl_easy_init() : NULL;
	if (!h) {
		snprintf(err, errlen, "could not set up the request");
		return 0;
	}
	struct call c = {.r = r, .body = body};
	struct curl_slist *hdrs = NULL;
	for (const char *const *x = r->headers; x && *x; x++)
		hdrs = curl_slist_append(hdrs, *x);
	hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
	char curl_err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "Byline");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (!strcmp(r->method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	}
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &c);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &c);
	if (r->headers_out) {
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, read_header);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, &c);
	}
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)OUTBOUND_CONNECT_SECONDS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, r->timeout_seconds);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, check_stop);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, &c);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	char *loc = NULL;
	if (next && rc == CURLE_OK && curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
	    loc && strlen(loc) < nextlen)
		memcpy(next, loc, strlen(loc) + 1);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK && status >= 100 && status <= 999) {
		*end = OUTBOUND_ANSWERED;
		return (int)status;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK && r->stop && atomic_load(r->stop)) {
		*end = OUTBOUND_STOPPED;
		snprintf(err, errlen, "stopped");
	} else if (c.refused_addr) {
		*end = OUTBOUND_REFUSED;
		snprintf(err, errlen, "refused: the address is private or loopback "
		                      "(see the setting outbound_allow_private)");
	} else if (c.too_large) {
		*end = OUTBOUND_TOO_LARGE;
		snprintf(err, errlen, "the answer was larger than %zu bytes", r->max_bytes);
	} else {
		snprintf(err, errlen, "%s", *curl_err ? curl_err : curl_easy_strerror(rc));
	}
	return 0;
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

int outbound_send(const struct outbound_req *r, struct buf *body, char *err, size_t errlen,
                  enum outbound_end *end)
{
	if (r->redirects <= 0 || strcmp(r->method, "GET") != 0)
		return send_one(r, body, err, errlen, end, NULL, 0);
	struct outbound_req hop = *r;
	char url[2][OUTBOUND_URL_MAX];
	size_t start = body->len;
	double deadline = mono_now() + (double)r->timeout_seconds;
	for (int n = 0;; n++) {
		char *next = url[n % 2];
		int status = send_one(&hop, body, err, errlen, end, next, OUTBOUND_URL_MAX);
		if (!is_redirect(status) || !*next)
			return status;
		if (n == r->redirects) {
			*end = OUTBOUND_FAILED;
			snprintf(err, errlen, "redirected more than %d times", r->redirects);
			return 0;
		}
		if (strncasecmp(next, "http://", 7) && strncasecmp(next, "https://", 8)) {
			*end = OUTBOUND_FAILED;
			snprintf(err, errlen, "redirected to an address that is not http or https");
			return 0;
		}
		long left = (long)(deadline - mono_now());
		if (left < 1) {
			*end = OUTBOUND_FAILED;
			snprintf(err, errlen, "timed out after %ld seconds (redirects included)",
			         r->timeout_seconds);
			return 0;
		}
		/* The redirect's own body is not the answer. */
		body->len = start;
		if (body->data)
			body->data[start] = 0;
		if (hop.headers_out)
			buf_reset(hop.headers_out);
		hop.url = next;
		hop.timeout_seconds = left;
	}
}
