/*
** media_worker.c: the variant thread (contract in media_worker.h).
**
** One indexed query every 250 ms finds images without variants; making
** them takes a second or so for a large photo, and is done outside any
** transaction (only the rows at the end take the write lock).
*/
#include "web/media_worker.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/db.h"
#include "model/media.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define TICK_MS 250

struct media_worker {
	struct db_pool *pool;  /* borrowed */
	const char *data_dir;  /* borrowed */
	pthread_t thread;      /* the loop */
	pthread_mutex_t mu;    /* guards stop */
	pthread_cond_t cv;     /* signalled to stop */
	int stop;              /* set by media_worker_stop */
};

/* One image's variants, if one waits; 1 if one was done. */
static int work(struct media_worker *w)
{
	struct db *db = db_pool_get(w->pool);
	struct arena *a = arena_new();
	int n = media_make_variants(db, a, w->data_dir, 1);
	arena_free(a);
	db_pool_put(w->pool, db);
	if (n < 0)
		log_warn("image variants: database error");
	return n > 0;
}

static void *loop(void *arg)
{
	struct media_worker *w = arg;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		pthread_mutex_unlock(&w->mu);
		int busy = work(w);
		pthread_mutex_lock(&w->mu);
		if (busy || w->stop)
			continue; /* more may wait: look again at once */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cv, &w->mu, &until);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct media_worker *media_worker_start(struct db_pool *pool, const char *data_dir)
{
	struct media_worker *w = mem_calloc(1, sizeof *w);
	w->pool = pool;
	w->data_dir = data_dir;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, loop, w) != 0)
		die("cannot start the image variant thread");
	return w;
}

void media_worker_stop(struct media_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
