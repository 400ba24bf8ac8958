/*
** webhooker.h: the thread that delivers webhooks (model/webhook.h).
**
** Like the mailer (web/mailer.h): requests never talk to a receiver; the
** triggers queue deliveries and the thread looks at the queue once a second
** (so a delivery queued by the command line, or before a restart, goes out
** too), claims what is due and posts it, WEBHOOKER_SECONDS at most each,
** holding a database connection only to claim and to record.  At start it
** releases the claims a crash left (webhook_release_claims()).
**
** What a receiver gets (docs/WEBHOOKS.md for receivers):
**
**   POST <url>
**   Content-Type: application/json
**   X-Byline-Event: article.published
**   X-Byline-Delivery: <the delivery's number>
**   X-Byline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
**
**   <the payload: {"id": ..., "event": ..., "created_at": ..., "object": {...}}>
**
** v1 is HMAC-SHA256, keyed with the webhook's secret (its 64 characters as
** shown in the desk), of "<t>.<body>".  A 2xx answer is delivered; any
** other answer, a redirect, no answer in time or an answer over
** WEBHOOKER_MAX_ANSWER bytes is a failure, retried (webhook_failed()).
*/
#ifndef BYLINE_WEB_WEBHOOKER_H
#define BYLINE_WEB_WEBHOOKER_H

#include <stddef.h>

struct db_pool;
struct app;

#define WEBHOOKER_SECONDS 15            /* one delivery, all told */
#define WEBHOOKER_MAX_ANSWER (64 * 1024) /* bytes of a receiver's answer read */

struct webhooker;

/* Starts the thread (pool and app must outlive it; app gives the site's
** address to Webmentions sent).  Never NULL.  NULL pool: an inert sender
** (no thread). */
struct webhooker *webhooker_start(struct db_pool *pool, struct app *app);

/* Stops the thread (a delivery in progress is interrupted and left due)
** and frees w.  NULL is accepted. */
void webhooker_stop(struct webhooker *w);

/* The X-Byline-Signature value for body at time t, keyed with secret:
** "t=T,v1=HEX" into out (out_len >= 100).  Exposed for the tests. */
void webhooker_signature(const char *secret, long long t, const char *body, size_t len,
                         char *out, size_t out_len);

#endif
