/*
** scheduler.c: the publishing thread.
**
** One indexed query (status, published_at) every 250 ms is cheap enough to
** need no cleverness, and keeps the promise "within a second".  Every few
** seconds (and at start) it also deletes for good the articles and pages
** trashed ARTICLE_TRASH_DAYS ago (one probe of each trashed_at index when
** none is),
** and each tick works the forgotten-password requests (model/pwreset.h: one
** probe of an index when there are none).
** The same tick ends front-page pins whose time has come (model/front.h).
*/
#include "web/scheduler.h"
#include "core/log.h"
#include "db/db.h"
#include "model/article.h"
#include "model/changes.h"
#include "model/front.h"
#include "model/pwreset.h"
#include "model/page.h"
#include "core/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define TICK_MS 250
#define PURGE_EVERY 5 /* seconds between looks at the trash */

struct scheduler {
	struct db_pool *pool;  /* borrowed */
	pthread_t thread;      /* the loop */
	pthread_mutex_t mu;    /* guards stop */
	pthread_cond_t cv;     /* signalled to stop */
	int stop;              /* set by scheduler_stop */
};

static void publish_due(struct db_pool *pool)
{
	if (!db_leader(pool, LEADER_LOCK))
		return; /* another node publishes */
	struct db *db = db_pool_get(pool);
	int n = article_publish_due(db, (long long)time(NULL));
	pwreset_work(db, (long long)time(NULL));
	static time_t purged;
	int gone = 0;
	if (time(NULL) - purged >= PURGE_EVERY) {
		gone = article_purge_trash(db, (long long)time(NULL));
		int pages = page_purge_trash(db, (long long)time(NULL));
		if (pages > 0)
			log_info("deleted %d page%s trashed %d days ago", pages, pages == 1 ? "" : "s",
			         PAGE_TRASH_DAYS);
		purged = time(NULL);
	}
	/* A front-page pin that ended is deleted, so the change log (and the
	** page cache with it) hears of it; pages also stop showing it at its
	** time by themselves (their entry expires then). */
	front_expire(db, (long long)time(NULL));
	/* Keep the change log short: servers read it within moments. */
	static time_t pruned;
	if (time(NULL) - pruned > 60) {
		long long latest = changes_latest(db);
		if (latest > 10000)
			changes_prune(db, latest - 10000);
		pruned = time(NULL);
	}
	db_pool_put(pool, db);
	if (n > 0)
		log_info("published %d scheduled article%s", n, n == 1 ? "" : "s");
	if (gone > 0)
		log_info("deleted %d article%s trashed %d days ago", gone, gone == 1 ? "" : "s",
		         ARTICLE_TRASH_DAYS);
}

static void *loop(void *arg)
{
	struct scheduler *s = arg;
	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &until);
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->mu);
		publish_due(s->pool);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct scheduler *scheduler_start(struct db_pool *pool)
{
	struct scheduler *s = mem_calloc(1, sizeof *s);
	s->pool = pool;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	publish_due(pool); /* what came due while we were down */
	if (pthread_create(&s->thread, NULL, loop, s) != 0)
		die("cannot start the scheduler thread");
	return s;
}

void scheduler_stop(struct scheduler *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
