/*
** media_worker.c: the variant thread (contract in media_worker.h).
**
** One indexed query every 250 ms finds images an older version stored and
** not yet normalized, then images without variants; each turn does one
** image (a second or so for a large photo), outside any transaction (only
** the rows at the end take the write lock), so requests are never held
** behind more than one image's work.  Normalizing comes first: an image
** gets its variants only once its file is normalized.  A normalizing that
** fails for a reason worth trying again (disk, database) is tried again
** after NORMALIZE_BACKOFF seconds, not in a loop.
*/
#include "web/media_worker.h"
#include "web/scheduler.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/db.h"
#include "model/media.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define TICK_MS 250
#define NORMALIZE_BACKOFF 60 /* seconds after a failure worth retrying */

struct media_worker {
	struct db_pool *pool;  /* borrowed */
	const char *data_dir;  /* borrowed */
	pthread_t thread;      /* the loop */
	pthread_mutex_t mu;    /* guards stop */
	pthread_cond_t cv;     /* signalled to stop */
	int stop;              /* set by media_worker_stop */
	time_t normalize_after; /* no normalizing before then (after a failure) */
};

/* One old image normalized, if one waits; 1 if one was taken. */
static int normalize(struct media_worker *w, struct db *db, struct arena *a)
{
	if (time(NULL) < w->normalize_after)
		return 0;
	long long id = media_normalize_next(db);
	if (id <= 0) {
		if (id < 0)
			w->normalize_after = time(NULL) + NORMALIZE_BACKOFF;
		return 0;
	}
	struct media_normalized done;
	char err[512];
	if (media_normalize(db, a, w->data_dir, id, 0, &done, err, sizeof err) < 0) {
		log_warn("media %lld: not normalized yet (tried again in %d s): %s", id,
		         NORMALIZE_BACKOFF, err);
		w->normalize_after = time(NULL) + NORMALIZE_BACKOFF;
		return 0;
	}
	return 1;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* One old image normalized, or else one image's variants, if one waits.
** Returns how long to rest before the next turn, in ms: 0 after variants
** (more may wait), TICK_MS when nothing waited, and after a normalizing as
** long as it took (at most 2 s): a site upgraded with thousands of old
** photos gets half the worker's time for them, and requests (which may
** meet one of those photos and normalize it themselves) the rest. */
static long long work(struct media_worker *w)
{
	if (!db_leader(w->pool, LEADER_LOCK))
		return TICK_MS; /* another node makes them */
	struct db *db = db_pool_get(w->pool);
	struct arena *a = arena_new();
	long long t0 = now_ms();
	if (normalize(w, db, a)) {
		arena_free(a);
		db_pool_put(w->pool, db);
		long long took = now_ms() - t0;
		return took < 1 ? 1 : took > 2000 ? 2000 : took;
	}
	int n = media_make_variants(db, a, w->data_dir, 1);
	arena_free(a);
	db_pool_put(w->pool, db);
	if (n < 0)
		log_warn("image variants: database error");
	return n > 0 ? 0 : TICK_MS;
}

static void *loop(void *arg)
{
	struct media_worker *w = arg;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		pthread_mutex_unlock(&w->mu);
		long long rest = work(w);
		pthread_mutex_lock(&w->mu);
		if (!rest || w->stop)
			continue; /* more may wait: look again at once */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += rest / 1000;
		until.tv_nsec += rest % 1000 * 1000000L;
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
