/*
** webhooker.c: the webhook sender thread.
**
** One loop: wait a second (or until stopped), claim up to a batch of due
** deliveries with a borrowed connection, give it back, post them one by
** one through outbound_send(), borrowing a connection again only to record
** each outcome.  The two settings it needs (outbound_allow_private,
** webhook_retry_seconds) are read at each batch, so a change in the desk
** applies without a restart.  The same thread verifies received
** Webmentions and sends those of newly published articles
** (web/webmention.c) and posts the CDN's purges (web/cdn.c): one thread
** for every request to another server.
*/
#include "web/webhooker.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/db.h"
#include "model/webhook.h"
#include "model/settings.h"
#include "web/outbound.h"
#include "web/cdn.h"
#include "web/webmention.h"
#include "web/scheduler.h"
#include "web/web.h"
#include "model/webmention.h"

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 16
/* How old a claim is when its sender is taken for dead: past what a batch
** of sends (and the Webmentions after it) can take. */
#define CLAIM_LEASE (BATCH * WEBHOOKER_SECONDS + 120)

struct webhooker {
	struct db_pool *pool;    /* borrowed */
	struct app *app;         /* borrowed: the site's address for Webmentions sent */
	pthread_t thread;        /* the sender, if has_thread */
	int has_thread;          /* 1 once the thread runs */
	pthread_mutex_t mu;      /* with cv: the wait between looks */
	pthread_cond_t cv;       /* signalled by webhooker_stop */
	atomic_int is_stopping;  /* set once by webhooker_stop */
};

void webhooker_signature(const char *secret, long long t, const char *body, size_t len,
                         char *out, size_t out_len)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[32];
	int tn = snprintf(ts, sizeof ts, "%lld.", t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (size_t)tn);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	char hex[2 * sizeof mac + 1];
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, out_len, "t=%lld,v1=%s", t, hex);
}

/* Reads an int setting, or def. */
static int setting_int(struct db *db, struct arena *a, const char *key, int def)
{
	const char *v = settings_get(db, a, key);
	return v && *v ? atoi(v) : def;
}

/* The body sent: the payload, with an article's public address added to
** its object ("link", from base_url or the listen address, and the date in
** the site's zone: the same at every attempt while those stay). */
static char *body_of(struct webhooker *w, struct arena *a, const struct webhook_delivery *d)
{
	size_t n = strlen(d->payload);
	if (strcmp(d->object_type, "article") || !d->object_time || !*d->object_slug || n < 2 ||
	    strcmp(d->payload + n - 2, "}}"))
		return arena_strdup(a, d->payload);
	pthread_rwlock_rdlock(&w->app->settings_lock);
	const char *base = *w->app->settings.base_url ? w->app->settings.base_url
	                                              : w->app->listen_origin;
	size_t bn = strlen(base);
	while (bn && base[bn - 1] == '/')
		bn--;
	struct buf link = BUF_INIT;
	buf_put(&link, base, bn);
	pthread_rwlock_unlock(&w->app->settings_lock);
	int y, m, day;
	text_date_ymd((time_t)d->object_time, &y, &m, &day);
	buf_printf(&link, "/%04d/%02d/%02d/", y, m, day);
	esc_url_part(&link, d->object_slug, strlen(d->object_slug));
	buf_putc(&link, '/');
	struct buf b = BUF_INIT;
	buf_put(&b, d->payload, n - 2);
	buf_puts(&b, ",\"link\":\"");
	esc_json(&b, link.data, link.len);
	buf_puts(&b, "\"}}");
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	buf_free(&link);
	return out;
}

/* Posts one delivery and records what came of it. */
static void deliver(struct webhooker *w, struct arena *a, const struct webhook_delivery *d,
                    int allow_private, int retry_seconds)
{
	long long now = (long long)time(NULL);
	const char *body = body_of(w, a, d);
	size_t len = strlen(body);
	char sig[160], h_sig[200], h_event[120], h_id[64];
	webhooker_signature(d->secret, now, body, len, sig, sizeof sig);
	snprintf(h_sig, sizeof h_sig, "X-Byline-Signature: %s", sig);
	snprintf(h_event, sizeof h_event, "X-Byline-Event: %s", d->event);
	snprintf(h_id, sizeof h_id, "X-Byline-Delivery: %lld", d->id);
	const char *headers[] = {"Content-Type: application/json", h_event, h_id, h_sig, NULL};
	struct outbound_req r = {
	    .method = "POST", .url = d->url, .headers = headers, .body = body,
	    .body_len = len, .max_bytes = WEBHOOKER_MAX_ANSWER,
	    .timeout_seconds = WEBHOOKER_SECONDS, .allow_private = allow_private,
	    .stop = &w->is_stopping,
	};
	struct buf answer = BUF_INIT;
	char err[300] = "";
	enum outbound_end end;
	int status = outbound_send(&r, &answer, err, sizeof err, &end);
	buf_free(&answer);
	struct db *db = db_pool_get(w->pool);
	now = (long long)time(NULL);
	if (end == OUTBOUND_STOPPED) {
		webhook_unclaim(db, d->id);
	} else if (status >= 200 && status < 300) {
		if (webhook_delivered(db, d->id, status, now) != 0)
			log_warn("webhook delivery %lld was sent but could not be recorded", d->id);
	} else {
		if (status)
			snprintf(err, sizeof err, "the receiver answered %d%s", status,
			         status >= 300 && status < 400 ? " (a redirect, not followed)" : "");
		int gave_up = webhook_failed(db, d->id, status, err, now, retry_seconds);
		log_warn("webhook delivery %lld to %s failed%s: %s", d->id, d->url,
		         gave_up == 1 ? " (given up)" : "", err);
	}
	db_pool_put(w->pool, db);
}

/* Sends what is due.  1 if a full batch was found (more may wait). */
static int send_due(struct webhooker *w)
{
	if (!db_leader(w->pool, LEADER_LOCK))
		return 0; /* another node sends */
	struct arena *a = arena_new();
	struct db *db = db_pool_get(w->pool);
	/* A claim older than any send can take was its sender's last: that
	** node died (or lost the lead) before it was done. */
	long long stale = (long long)time(NULL) - CLAIM_LEASE;
	webhook_release_stale(db, stale);
	webmention_release_stale(db, stale);
	int allow_private = setting_int(db, a, "outbound_allow_private", 0);
	int retry = setting_int(db, a, "webhook_retry_seconds", 30);
	size_t n;
	struct webhook_delivery *due = webhook_claim(db, a, (long long)time(NULL), BATCH, &n);
	db_pool_put(w->pool, db);
	size_t i = 0;
	for (; i < n && !atomic_load(&w->is_stopping); i++)
		deliver(w, a, &due[i], allow_private, retry);
	if (i < n) { /* stopped: what was claimed and not tried stays due */
		db = db_pool_get(w->pool);
		for (; i < n; i++)
			webhook_unclaim(db, due[i].id);
		db_pool_put(w->pool, db);
	}
	arena_free(a);
	int more = webmention_work(w->pool, w->app, &w->is_stopping);
	if (!atomic_load(&w->is_stopping))
		more |= cdn_purge_work(w->pool, &w->is_stopping);
	return n == BATCH || more;
}

static void *run(void *arg)
{
	struct webhooker *w = arg;
	struct db *db = db_pool_get(w->pool);
	/* One process on SQLite: every claim is a crash's, released at once.
	** Several nodes may share PostgreSQL: a claim there may be a live
	** leader's, released only once stale (send_due). */
	int released = 0;
	if (!strcmp(db_engine(db), "sqlite")) {
		released = webhook_release_claims(db);
		webmention_release_claims(db);
	}
	db_pool_put(w->pool, db);
	if (released > 0)
		log_info("%d webhook deliveries claimed before a restart are due again", released);
	int more = 1;
	while (!atomic_load(&w->is_stopping)) {
		if (!more) {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += 1;
			pthread_mutex_lock(&w->mu);
			while (!atomic_load(&w->is_stopping))
				if (pthread_cond_timedwait(&w->cv, &w->mu, &until) != 0)
					break;
			pthread_mutex_unlock(&w->mu);
			if (atomic_load(&w->is_stopping))
				break;
		}
		more = send_due(w);
	}
	return NULL;
}

struct webhooker *webhooker_start(struct db_pool *pool, struct app *app)
{
	struct webhooker *w = mem_calloc(1, sizeof *w);
	w->pool = pool;
	w->app = app;
	atomic_init(&w->is_stopping, 0);
	if (!pool)
		return w;
	if (sodium_init() < 0)
		die("libsodium could not be initialised");
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&w->thread, NULL, run, w) != 0)
		die("cannot start the webhook sender");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	w->has_thread = 1;
	return w;
}

void webhooker_stop(struct webhooker *w)
{
	if (!w)
		return;
	if (w->has_thread) {
		pthread_mutex_lock(&w->mu);
		atomic_store(&w->is_stopping, 1);
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
	}
	free(w);
}
