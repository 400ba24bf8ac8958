/*
** cmd_serve.c: `byline serve`: open the database, start the server, wait
** for SIGINT or SIGTERM, then stop cleanly (requests in flight finish).
*/
#include "cli/cmd.h"
#include "core/log.h"
#include "db/db.h"
#include "http/http.h"
#include "model/article.h"
#include "model/demo.h"
#include "model/schema.h"
#include "core/password.h"
#include "web/mailer.h"
#include "web/webhooker.h"
#include "web/pagecache.h"
#include "web/pagestore.h"
#include "web/scheduler.h"
#include "web/media_worker.h"
#include "core/image.h"
#include "web/web.h"
#include "web/metrics.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Worker threads by default on PostgreSQL (see below). */
#define SERVE_PG_THREADS 8

int cmd_serve(const char *path, int argc, char **argv)
{
	const char *listen = cli_option(argc, argv, "--listen");
	const char *threads_opt = cli_option(argc, argv, "--threads");
	const char *theme = cli_option(argc, argv, "--theme");
	const char *data = cli_option(argc, argv, "--data");
	int trust_proxy = cli_flag(argc, argv, "--trust-proxy");
	if (cli_flag(argc, argv, "--quiet"))
		log_set_verbose(0);
	const char *per_ip_opt = cli_option(argc, argv, "--max-conns-per-ip");
	const char *conns_opt = cli_option(argc, argv, "--max-conns");
	int per_ip = per_ip_opt ? atoi(per_ip_opt) : 32;
	int conns = conns_opt ? atoi(conns_opt) : 1000;
	if (per_ip < 0 || conns < 1) {
		fprintf(stderr, "byline serve: --max-conns must be 1 or more, --max-conns-per-ip "
		        "0 (no limit) or more\n");
		return 2;
	}
	const char *timeout_opt = cli_option(argc, argv, "--timeout");
	int timeout = timeout_opt ? atoi(timeout_opt) : 30;
	if (timeout < 1 || timeout > 3600) {
		fprintf(stderr, "byline serve: --timeout must be from 1 to 3600 seconds\n");
		return 2;
	}
	const char *proxy_addr = cli_option(argc, argv, "--proxy-addr");
	const char *budget_opt = cli_option(argc, argv, "--max-body-mb");
	int budget_mb = budget_opt ? atoi(budget_opt) : (int)(HTTP_BODY_BUDGET >> 20);
	if (budget_mb < 1 || budget_mb > 65536) {
		fprintf(stderr, "byline serve: --max-body-mb must be from 1 to 65536\n");
		return 2;
	}
	const char *access_opt = cli_option(argc, argv, "--access-log");
	enum access_log access = ACCESS_LOG_NONE;
	if (access_opt && !strcmp(access_opt, "json"))
		access = ACCESS_LOG_JSON;
	else if (access_opt && !strcmp(access_opt, "logfmt"))
		access = ACCESS_LOG_LOGFMT;
	else if (access_opt) {
		fprintf(stderr, "byline serve: --access-log must be json or logfmt\n");
		return 2;
	}
	char merr[256];
	if (metrics_configure(access, cli_option(argc, argv, "--metrics-allow"), merr,
	                      sizeof merr) != 0) {
		fprintf(stderr, "byline serve: %s\n", merr);
		return 2;
	}
	/* Workers wait for the database, not the CPU, on PostgreSQL: every
	** statement is a round trip to the server, and a commit waits for its
	** WAL flush (synchronous_commit on), a few milliseconds a fsync, while
	** the core is free.  With two workers, two comments were being
	** committed at a time at most (bench/POSTGRESQL.md: 8 workers doubled
	** the durable comments a second), and two slow writes held up every
	** page not in the cache.  SQLite's writes queue on one writer and share
	** a commit whatever the number of workers: two, one a core. */
	int threads = threads_opt ? atoi(threads_opt) : db_is_pg(path) ? SERVE_PG_THREADS : 2;
	if (threads < 1 || threads > 64) {
		fprintf(stderr, "byline serve: --threads must be from 1 to 64\n");
		return 2;
	}
	/* Memory: the page cache's blocks are small and long-lived, the
	** compressors' scratch is large and brief.  A fixed mmap threshold
	** keeps that scratch out of the heap (glibc would otherwise raise the
	** threshold after the first big free and let the heap fragment), and
	** two malloc arenas are enough for a loop and a few workers. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_ARENA_MAX, 2);
	/* Signals go to this thread alone, through sigwait(), so the server's
	** threads (every thread started after this inherits the mask) are never interrupted. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	char err[512];
	if (schema_backup_before_upgrade(path, err, sizeof err) != 0) {
		fprintf(stderr, "byline serve: %s\n", err);
		return 1;
	}
	/* One connection a request worker, one for the scheduler and mailer, one
	** for the image variant worker, one for the webhook sender, and three
	** for the page cache's refreshers and watcher (pagecache_start()). */
	struct db_pool *pool = db_pool_new(path, threads + 6, err, sizeof err);
	if (!pool) {
		fprintf(stderr, "byline serve: %s\n", err);
		return 1;
	}
	/* Uploads live beside the database unless told otherwise (the demo's
	** photos too). */
	char data_dir[4096];
	cli_data_dir(path, data, data_dir, sizeof data_dir);
	if (mkdir(data_dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "byline serve: cannot create the data folder %s: %s\n", data_dir,
		        strerror(errno));
		db_pool_free(pool);
		return 1;
	}
	struct db *db = db_pool_get(pool);
	int rc = schema_migrate(db, err, sizeof err);
	if (rc == 0 && article_count_published(db) == 0 && demo_is_empty(db)) {
		log_info("empty database: adding the demo site");
		rc = demo_create(db, data_dir, err, sizeof err);
	}
	db_pool_put(pool, db);
	if (rc != 0) {
		fprintf(stderr, "byline serve: %s\n", err);
		db_pool_free(pool);
		return 1;
	}
	struct app *app = web_app_new(pool, theme, trust_proxy, err, sizeof err);
	if (!app) {
		fprintf(stderr, "byline serve: %s\n", err);
		db_pool_free(pool);
		return 1;
	}
	app->data_dir = data_dir;
	password_init(2);
	/* With no cache, the cache still watches the change log (so settings
	** changed by the command line take effect), but keeps no page. */
	size_t cache_bytes = cli_flag(argc, argv, "--no-cache")
	                         ? 0
	                         : (size_t)app->settings.cache_max_mb * 1024 * 1024;
	app->cache = pagecache_new(cache_bytes, pool);
	/* The tier on disk, under the memory one (web/pagestore.h): its files
	** are unlinked, so each start begins empty and the preload fills it. */
	struct pagestore *store = NULL;
	if (cache_bytes && app->settings.cache_disk_mb > 0) {
		char store_dir[4200];
		snprintf(store_dir, sizeof store_dir, "%s/pagecache", data_dir);
		store = pagestore_new(store_dir, (size_t)app->settings.cache_disk_mb << 20, err,
		                      sizeof err);
		if (!store)
			log_warn("no page cache on disk: %s", err);
		pagecache_set_store(app->cache, store);
	}
	/* The event loop reads sessions (to decide a body's limit) on its own
	** connection, never waiting for one the workers hold. */
	app->loop_db = db_open(path, err, sizeof err);
	if (!app->loop_db)
		log_warn("no connection of its own for the event loop (%s): it borrows one", err);
	/* The change log's starting point is now, and the settings are read
	** again after it: a setting changed from the command line (base_url,
	** say) before the first request is seen, not taken as already read. */
	db = db_pool_get(pool);
	pagecache_sync(app->cache, db);
	web_settings_changed(app);
	web_settings_reload(app, db);
	db_pool_put(pool, db);
	/* On PostgreSQL, whose data version is a question to the server, a
	** thread syncs the cache so that neither the event loop nor a reader
	** ever does, and stale pages are re-rendered off the readers' path
	** (grace: bench/POSTGRESQL.md).  On SQLite a reader syncs itself (one
	** stat(), reads in the process) and sees every commit at once. */
	int is_pg = db_is_pg(path);
	pagecache_start(app->cache, is_pg ? web_refresh : NULL, web_synced, app, is_pg);
	struct scheduler *sched = scheduler_start(pool);
	if (image_init() != 0)
		log_warn("the image library (libvips) did not start: uploads will be refused");
	struct media_worker *variants = media_worker_start(pool, data_dir);
	app->mailer = mailer_start(pool, &app->settings);
	struct webhooker *hooks = webhooker_start(pool, app);

	struct http_config cfg = {
	    .listen = listen ? listen : "127.0.0.1:8080",
	    .threads = threads,
	    .timeout = timeout,
	    .conn_limit = (unsigned)conns,
	    .per_ip_limit = (unsigned)per_ip,
	    .trust_proxy = trust_proxy,
	    .proxy_addr = proxy_addr,
	    .body_budget = (size_t)budget_mb << 20,
	    .spool_dir = data_dir,
	    .fast = web_fast,
	    .handle = web_handle,
	    .body_limit = web_body_limit,
	    .ctx = app,
	    .bound = web_bound,
	    .answered = metrics_answered,
	};
	if (metrics_start() != 0)
		log_warn("the access log's writer thread did not start: no access log");
	struct http_server *srv = http_server_start(&cfg, err, sizeof err);
	if (!srv) {
		fprintf(stderr, "byline serve: %s\n", err);
		metrics_stop();
		mailer_stop(app->mailer);
		webhooker_stop(hooks);
		media_worker_stop(variants);
		scheduler_stop(sched);
		pagecache_free(app->cache);
		pagestore_free(store);
		db_close(app->loop_db);
		web_app_free(app);
		db_pool_free(pool);
		return 1;
	}
	const char *host = cfg.listen;
	const char *colon = host[0] == '[' ? strchr(host, ']') + 1 : strrchr(host, ':');
	printf("Byline is serving %s on http://%.*s:%d/\n", path, (int)(colon - host), host,
	       http_server_port(srv));
	/* Links, feeds and mails name the site's address, never a request's
	** Host: without base_url it is the address above (web_bound()). */
	pthread_rwlock_rdlock(&app->settings_lock); /* a request may reload them */
	if (!*app->settings.base_url)
		printf("base_url is not set, so links, feeds and mails name %s. For a public "
		       "site, set it to the address readers use:\n"
		       "  byline settings --db %s set base_url https://news.example.com\n",
		       app->listen_origin, path);
	pthread_rwlock_unlock(&app->settings_lock);
	fflush(stdout);
	/* Every sitemap page rendered into the tier on disk, at low priority. */
	struct preload *warm = store && !cli_flag(argc, argv, "--no-preload")
	                           ? preload_start(store, cfg.listen, http_server_port(srv), 300)
	                           : NULL;

	int sig = 0;
	sigwait(&sigs, &sig);
	log_info("signal %d: stopping", sig);
	preload_stop(warm);
	http_server_stop(srv);
	metrics_stop(); /* the access log's last lines */
	admin_tools_wait(); /* a desk import finishes its work first */
	mailer_stop(app->mailer);
	webhooker_stop(hooks);
	media_worker_stop(variants);
	scheduler_stop(sched);
	pagecache_free(app->cache);
	pagestore_free(store);
	db_close(app->loop_db);
	web_app_free(app);
	db_pool_free(pool);
	return 0;
}
