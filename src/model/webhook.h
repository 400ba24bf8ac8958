/*
** webhook.h: the URLs administrators register for the site's events, and
** the durable queue their deliveries wait in.
**
** The events are written by triggers (model/schema.c, migration 29) in the
** transaction of the change that causes them: an article published,
** updated while published, or unpublished (also trashed or deleted); a
** comment approved; a published page changed.  Each is one row of
** webhook_deliveries per hook that wants it, holding what its payload says
** of the object as it was then; the payload is written from that row, the
** same bytes at every attempt:
**
**   {"id": "<32 hex: the event id, the same on every retry>",
**    "event": "article.published", "created_at": <unix seconds>,
**    "object": {"type": "article", "id": 12, "slug": ..., "headline": ...,
**               "status": "published", "published_at": <unix seconds>}}
**
** The sender adds an article's public address ("link") to its object
** (web/webhooker.c).  A comment's object has article_id, author_name, status and created_at; a
** page's slug, title and status ("deleted" when it was).  A test sent from
** the desk (webhook_ping()) is the event "ping", whose object is the hook:
** {"type": "webhook", "id": 3, "url": ...}.
**
** A paused hook (webhook_pause()) gets no delivery for what happens while
** it is paused (resuming replays nothing), and what it had queued waits
** until it is resumed.
**
** The sender (web/webhooker.c) claims due rows, posts them and records the
** outcome here.  A failed delivery is due again after
** webhook_retry_seconds, then twice as long each time (at most 6 hours
** apart), and is given up once a day has passed since the event.  A claim
** is a promise to record an outcome; one left by a crash is released when
** the sender starts, so the delivery is sent again (at least once: the
** receiver drops a repeated id).
*/
#ifndef BYLINE_MODEL_WEBHOOK_H
#define BYLINE_MODEL_WEBHOOK_H

#include <stddef.h>

struct db;
struct arena;

#define WEBHOOK_N_EVENTS 5
#define WEBHOOK_URL_MAX 2000          /* bytes */
#define WEBHOOK_SECRET_LEN 64         /* hex characters (32 random bytes) */
#define WEBHOOK_GIVE_UP_SECONDS 86400 /* a delivery is tried for a day */
#define WEBHOOK_MAX_DELAY 21600       /* at most 6 hours between tries */

/* The event names, in the order the desk offers them. */
extern const char *const webhook_event_names[WEBHOOK_N_EVENTS];

struct webhook {
	long long id;            /* webhooks.id */
	const char *url;         /* http(s), checked at webhook_add */
	const char *events;      /* comma-separated event names */
	const char *secret;      /* WEBHOOK_SECRET_LEN hex characters: the HMAC key */
	long long created_at;    /* unix seconds */
	long long paused_at;     /* 0: active */
	long long failed;        /* its deliveries given up (failed for a day) */
	long long last_failed_at;    /* when the latest was given up; 0: never */
	long long last_delivered_at; /* when one was last delivered; 0: never */
};

struct webhook_delivery {
	long long id;            /* webhook_deliveries.id */
	long long hook_id;       /* its webhook */
	const char *url;         /* the webhook's URL */
	const char *secret;      /* the webhook's secret */
	const char *event;       /* "article.published", ... */
	const char *payload;     /* the JSON payload (webhook.h's top) */
	const char *object_type; /* "article", "comment", "page" */
	const char *object_slug; /* an article's or page's slug, else "" */
	long long object_time;   /* an article's published_at, a comment's created_at; 0 */
	long long created_at;    /* when the event happened */
	int attempts;            /* finished attempts so far */
	int status_code;         /* HTTP status of the last attempt; 0: none */
	const char *last_error;  /* why the last attempt failed; "" */
	long long last_at;       /* when the last attempt ended; 0: none */
	long long next_at;       /* when it is due */
	long long delivered_at;  /* 0: not delivered */
	long long gave_up_at;    /* 0: not given up */
};

/* One attempt, for the desk's log. */
struct webhook_attempt {
	long long delivery_id;   /* its delivery */
	const char *event;       /* the delivery's event */
	const char *url;         /* where it went */
	long long at;            /* when the attempt ended */
	int status_code;         /* the receiver's answer; 0: none */
	const char *error;       /* why it failed; "" when delivered */
	int number;              /* 1 for a delivery's first attempt, ... */
};

/* Registers url for the events named in `events` (names separated by
** commas; each must be one of webhook_event_names, at least one).  The url
** must be an absolute http(s) URL with a host, at most WEBHOOK_URL_MAX
** bytes, no spaces or control characters.  A new random secret is written
** to secret (WEBHOOK_SECRET_LEN + 1 bytes).  Returns the new id, or -1 with
** a sentence for a person in err. */
long long webhook_add(struct db *db, const char *url, const char *events,
                      long long created_by, char *secret, char *err, size_t errlen);

/* Deletes a webhook and its deliveries.  0, 1 if there is none, -1 on a
** database error. */
int webhook_delete(struct db *db, long long id);

/* Pauses (paused 1) or resumes (0) a webhook.  0, 1 if there is none, -1
** on a database error. */
int webhook_pause(struct db *db, long long id, int paused);

/* Queues a test delivery ("ping", signed and sent as any other) for a
** webhook; its id in *delivery.  0, 1 if there is none, 2 if it is paused,
** -1 on a database error. */
int webhook_ping(struct db *db, long long id, long long *delivery);

/* Every webhook, oldest first, with how its deliveries fared.  Allocated in a; *n the count. */
struct webhook *webhook_list(struct db *db, struct arena *a, size_t *n);

/* The latest `limit` deliveries of every hook, newest first, for the
** desk's log.  Allocated in a. */
struct webhook_delivery *webhook_log(struct db *db, struct arena *a, int limit, size_t *n);

/* The latest `limit` attempts, newest first.  Allocated in a. */
struct webhook_attempt *webhook_attempts(struct db *db, struct arena *a, int limit, size_t *n);

/* Claims up to `limit` deliveries due at `now` (not delivered, not given
** up, not claimed, their hook not paused), oldest first: marks them claimed and returns them.
** Allocated in a; NULL with *n = 0 on a database error. */
struct webhook_delivery *webhook_claim(struct db *db, struct arena *a, long long now,
                                       int limit, size_t *n);

/* Records a delivery the receiver answered 2xx: delivered, claim ended,
** the attempt logged (one transaction).  0 or -1. */
int webhook_delivered(struct db *db, long long id, int status_code, long long now);

/* Records a failed attempt (status_code 0 if there was no answer): attempts
** + 1, the error (cut to 500 bytes), due again at now + retry_seconds *
** 2^(attempts - 1) (capped), or given up when that is more than a day after
** the event; the attempt logged (one transaction).  Returns 0 if it will be tried again, 1 if given up, -1 on
** error. */
int webhook_failed(struct db *db, long long id, int status_code, const char *error,
                   long long now, int retry_seconds);

/* Ends the claim of one delivery without an outcome (the sender stopped
** mid-send): it stays due.  0 or -1. */
int webhook_unclaim(struct db *db, long long id);

/* Ends every claim (the sender starting: no send is in progress, so a
** claim is one a crash left).  The number released, or -1. */
int webhook_release_claims(struct db *db);

/* Releases only the claims made before `before` (a sender on another node,
** dead since: with several nodes a live one's claims must stay).  The
** count, or -1. */
int webhook_release_stale(struct db *db, long long before);

#endif
