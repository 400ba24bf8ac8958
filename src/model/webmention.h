/*
** webmention.h: the Webmention queues (W3C Webmention, issue 16).
**
** Received: the endpoint (web/webmention.c) checks the request and queues
** it here, answering 202; the outbound thread claims queued mentions,
** verifies each (the source is fetched and must link to the target) and
** records the result; a verified mention becomes a comment of kind
** "webmention" (comment_submit(), so the spam rules apply) in the
** moderation inbox.  To send: publishing an article queues a row
** (a trigger, in the publishing transaction); the thread sends a mention to
** every page the article links to that names an endpoint, and records a
** report line per link.
*/
#ifndef BYLINE_MODEL_WEBMENTION_H
#define BYLINE_MODEL_WEBMENTION_H

#include "model/status.h"

#include <stddef.h>

struct db;
struct arena;

#define WEBMENTION_URL_MAX 2000       /* bytes, source or target */
#define WEBMENTION_QUEUE_MAX 1000     /* received and not yet verified */

struct webmention_in {
	long long id;            /* webmentions_in.id */
	const char *source;      /* the page that mentions us */
	const char *target;      /* our article's URL, as sent */
	long long article_id;    /* the article it names */
	const char *ip;          /* who sent it */
};

/* Queues a received mention of article_id.  Returns the id; 0 if the queue
** already holds WEBMENTION_QUEUE_MAX unverified mentions (try later); -1 on
** a database error. */
long long webmention_queue(struct db *db, const char *source, const char *target,
                           long long article_id, const char *ip);

/* Claims up to `limit` unverified mentions.  Allocated in a. */
struct webmention_in *webmention_claim(struct db *db, struct arena *a, int limit, size_t *n);

/* Records the result: "accepted" (with its comment), "refused" or
** "failed", and why; what the verification found (verdict) and the
** source's HTTP status (0: no answer).  0 or -1. */
int webmention_done(struct db *db, long long id, const char *result, const char *reason,
                    long long comment_id, enum webmention_verdict verdict, int http_status);

/* A received mention as the desk shows it (webmention_received()). */
struct webmention_seen {
	long long id;            /* webmentions_in.id */
	const char *source;      /* the page that mentions us */
	const char *target;      /* our URL, as sent */
	long long article_id;    /* the article it names */
	const char *headline;    /* that article's headline */
	long long received_at;   /* when it came */
	long long checked_at;    /* when the source was checked; 0: waiting */
	enum webmention_verdict verdict; /* what the check found */
	int http_status;         /* the source's answer; 0: none */
	const char *result;      /* "accepted", "refused", "failed"; "" waiting */
	const char *reason;      /* why, in a sentence */
	long long comment_id;    /* the comment it became; 0: none */
};

/* The latest `limit` received mentions, newest first: of article_id only,
** unless 0; of the articles owner owns only, unless 0 (an author's view).
** Allocated in a. */
struct webmention_seen *webmention_received(struct db *db, struct arena *a,
                                            long long article_id, long long owner, int limit,
                                            size_t *n);

/* The mentions an article's publication sent (webmentions_out). */
struct webmention_sending {
	long long article_id;    /* the article */
	const char *headline;    /* its headline */
	long long queued_at;     /* when it was published (queued) */
	long long done_at;       /* when they were sent; 0: waiting */
	const char *report;      /* a line per link: "URL: outcome" */
};

/* The latest `limit` sendings, newest first (of article_id, of owner's
** articles, as webmention_received()).  Allocated in a. */
struct webmention_sending *webmention_sendings(struct db *db, struct arena *a,
                                               long long article_id, long long owner,
                                               int limit, size_t *n);

/* Claims up to `limit` published articles whose mentions wait to be sent:
** their ids in ids (room for limit).  Returns how many. */
size_t webmention_claim_sends(struct db *db, long long *row_ids, long long *article_ids,
                              size_t limit);

/* Records that a send row is done, with its report.  0 or -1. */
int webmention_sent(struct db *db, long long row_id, const char *report);

/* Ends every claim of both queues (the thread starting).  0 or -1. */
int webmention_release_claims(struct db *db);

/* Releases only the claims made before `before` (their sender on another
** node died).  0, or -1. */
int webmention_release_stale(struct db *db, long long before);

#endif
