/*
** outbound.h: the one way Byline makes an HTTP request of another server
** (webhook deliveries; later the embeds' oEmbed and Webmention fetches).
**
** Every request has limits: OUTBOUND_CONNECT_SECONDS to connect, a total
** time, and a cap on the answer's body (a longer answer is cut and the
** request fails).  Only http and https; no proxy from the environment; a
** redirect is not followed (its status is the answer) unless the request
** asks for a few (r->redirects, for a GET): each is then a new request
** under the same checks, its address checked again.  Unless
** allow_private is set (the outbound_allow_private setting), a connection
** to a loopback, private, link-local, carrier-grade NAT, unique-local,
** multicast or unspecified address is refused before it is made, whatever
** name led there: a URL typed in the desk cannot reach into the newsroom's
** own network (SSRF).
*/
#ifndef BYLINE_WEB_OUTBOUND_H
#define BYLINE_WEB_OUTBOUND_H

#include <stdatomic.h>
#include <stddef.h>

struct buf;

#define OUTBOUND_CONNECT_SECONDS 5

struct outbound_req {
	const char *method;            /* "GET" or "POST" */
	const char *url;               /* absolute http(s) */
	const char *const *headers;    /* "Name: value" lines, NULL-terminated; may be NULL */
	const char *body;              /* POST body, or NULL */
	size_t body_len;               /* its length */
	size_t max_bytes;              /* the answer's body is refused past this */
	long timeout_seconds;          /* the whole request */
	int allow_private;             /* 1: private and loopback addresses allowed */
	atomic_int *stop;              /* non-zero ends the request early; may be NULL */
	struct buf *headers_out;       /* if not NULL: the answer's header lines, raw */
	int redirects;                 /* GET: up to this many redirects followed (0: none);
	                                  timeout_seconds is for all of them together */
};

#define OUTBOUND_URL_MAX 4096 /* a redirect to a longer address is not followed */

/* How a request ended, for callers that treat the ends differently. */
enum outbound_end {
	OUTBOUND_ANSWERED,   /* an HTTP answer, whatever its status */
	OUTBOUND_STOPPED,    /* r->stop ended it */
	OUTBOUND_REFUSED,    /* a private or loopback address, refused */
	OUTBOUND_TOO_LARGE,  /* the body passed r->max_bytes */
	OUTBOUND_FAILED,     /* anything else: no connection, timeout, redirects, ... */
};

/* Sends r.  Returns the answer's HTTP status (its body appended to
** `body`, which the caller frees), or 0 with a sentence in err when there
** was no whole answer (refused address, timeout, too large, more redirects
** than r->redirects, stopped).  *end says which (OUTBOUND_ANSWERED with a
** status).
** Following redirects, the answer is the last one's (a 3xx without a
** Location included) and only its body is in `body`. */
int outbound_send(const struct outbound_req *r, struct buf *body, char *err, size_t errlen,
                  enum outbound_end *end);

/* 1 if the IP address text (v4 or v6) is one outbound requests refuse
** without allow_private.  Exposed for the tests. */
int outbound_addr_is_private(const char *ip);

#endif
