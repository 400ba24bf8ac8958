/*
** db.c: the one place an engine is chosen.  db_open and db_pool_new look at
** the path ("postgresql://" or "postgres://": PostgreSQL, anything else: an
** SQLite file); every other call goes to the engine of the connection,
** statement or pool it is given (the int each begins with).
*/
#include "db/db.h"
#include "db/db_engine.h"
#include "core/arena.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define IS_PG(p) (*(const int *)(const void *)(p) == DB_ENGINE_PG)

int db_is_pg(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

struct db *db_open(const char *path, char *err, size_t errlen)
{
	return db_is_pg(path) ? pg_open(path, err, errlen) : sq_open(path, err, errlen);
}

struct db_pool *db_pool_new(const char *path, int size, char *err, size_t errlen)
{
	return db_is_pg(path) ? pg_pool_new(path, size, err, errlen)
	                      : sq_pool_new(path, size, err, errlen);
}

const char *db_engine(struct db *db)
{
	return IS_PG(db) ? "postgresql" : "sqlite";
}

void db_close(struct db *db)
{
	if (db)
		IS_PG(db) ? pg_close(db) : sq_close(db);
}

int db_version(struct db *db)
{
	return IS_PG(db) ? pg_version(db) : sq_version(db);
}

int db_migrate(struct db *db, const struct db_migration *m, size_t n_m, char *err, size_t errlen)
{
	return IS_PG(db) ? pg_migrate(db, m, n_m, err, errlen) : sq_migrate(db, m, n_m, err, errlen);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	return IS_PG(db) ? pg_prepare(db, sql) : sq_prepare(db, sql);
}

void db_bind_int(struct db_stmt *st, int i, long long v)
{
	if (IS_PG(st))
		pg_bind_int(st, i, v);
	else
		sq_bind_int(st, i, v);
}

void db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (IS_PG(st))
		pg_bind_text(st, i, s);
	else
		sq_bind_text(st, i, s);
}

void db_bind_textn(struct db_stmt *st, int i, const char *s, size_t n)
{
	if (IS_PG(st))
		pg_bind_textn(st, i, s, n);
	else
		sq_bind_textn(st, i, s, n);
}

void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	if (IS_PG(st))
		pg_bind_blob(st, i, p, n);
	else
		sq_bind_blob(st, i, p, n);
}

void db_bind_null(struct db_stmt *st, int i)
{
	if (IS_PG(st))
		pg_bind_null(st, i);
	else
		sq_bind_null(st, i);
}

void db_bind_double(struct db_stmt *st, int i, double v)
{
	if (IS_PG(st))
		pg_bind_double(st, i, v);
	else
		sq_bind_double(st, i, v);
}

/* Statement time, process-wide, for /metrics: every db_step is timed. */
static const double latency_bounds[DB_LATENCY_BUCKETS] = {0.0001, 0.0005, 0.001, 0.005,
                                                          0.01,   0.05,   0.1,   0.5,  1};
static atomic_ullong latency_counts[DB_LATENCY_BUCKETS + 1]; /* the last: over 1 s */
static atomic_ullong latency_ns;                             /* sum of all */

int db_step(struct db_stmt *st)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = IS_PG(st) ? pg_step(st) : sq_step(st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
	double secs = (double)ns / 1e9;
	int b = 0;
	while (b < DB_LATENCY_BUCKETS && secs > latency_bounds[b])
		b++;
	atomic_fetch_add_explicit(&latency_counts[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_ns, (unsigned long long)(ns > 0 ? ns : 0),
	                          memory_order_relaxed);
	return rc;
}

void db_latency_read(struct db_latency *out)
{
	for (int i = 0; i < DB_LATENCY_BUCKETS; i++) {
		out->bound[i] = latency_bounds[i];
		out->count[i] = atomic_load_explicit(&latency_counts[i], memory_order_relaxed);
	}
	out->over = atomic_load_explicit(&latency_counts[DB_LATENCY_BUCKETS], memory_order_relaxed);
	out->sum = (double)atomic_load_explicit(&latency_ns, memory_order_relaxed) / 1e9;
}

long long db_col_int(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_int(st, i) : sq_col_int(st, i);
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_text(st, i) : sq_col_text(st, i);
}

const void *db_col_blob(struct db_stmt *st, int i, size_t *n)
{
	return IS_PG(st) ? pg_col_blob(st, i, n) : sq_col_blob(st, i, n);
}

size_t db_col_len(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_len(st, i) : sq_col_len(st, i);
}

int db_col_is_null(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_is_null(st, i) : sq_col_is_null(st, i);
}

void db_done(struct db_stmt *st)
{
	if (!st)
		return;
	if (IS_PG(st))
		pg_done(st);
	else
		sq_done(st);
}

int db_exec(struct db *db, const char *sql)
{
	return IS_PG(db) ? pg_exec(db, sql) : sq_exec(db, sql);
}

int db_begin(struct db *db)
{
	return IS_PG(db) ? pg_begin(db) : sq_begin(db);
}

int db_commit(struct db *db)
{
	return IS_PG(db) ? pg_commit(db) : sq_commit(db);
}

void db_rollback(struct db *db)
{
	if (IS_PG(db))
		pg_rollback(db);
	else
		sq_rollback(db);
}

int db_begin_alone(struct db *db)
{
	return IS_PG(db) ? pg_begin_alone(db) : sq_begin_alone(db);
}

int db_analyze(struct db *db)
{
	return IS_PG(db) ? pg_exec(db, "ANALYZE") : DB_OK;
}

long long db_round_trips(struct db *db)
{
	return IS_PG(db) ? pg_round_trips(db) : 0;
}

void db_write_stats(struct db *db, long long *transactions, long long *commits)
{
	if (IS_PG(db))
		pg_write_stats(db, transactions, commits);
	else
		sq_write_stats(db, transactions, commits);
}

int db_read_begin(struct db *db)
{
	return IS_PG(db) ? pg_read_begin(db) : sq_read_begin(db);
}

void db_read_end(struct db *db)
{
	if (IS_PG(db))
		pg_read_end(db);
	else
		sq_read_end(db);
}

void db_set_cache(struct db *db, int kib)
{
	if (IS_PG(db))
		pg_set_cache(db, kib);
	else
		sq_set_cache(db, kib);
}

int db_failed(struct db *db)
{
	return IS_PG(db) ? pg_failed(db) : sq_failed(db);
}

void db_clear_failed(struct db *db)
{
	if (IS_PG(db))
		pg_clear_failed(db);
	else
		sq_clear_failed(db);
}

int db_in_transaction(struct db *db)
{
	return IS_PG(db) ? pg_in_transaction(db) : sq_in_transaction(db);
}

long long db_last_id(struct db *db)
{
	return IS_PG(db) ? pg_last_id(db) : sq_last_id(db);
}

int db_changes(struct db *db)
{
	return IS_PG(db) ? pg_changes(db) : sq_changes(db);
}

const char *db_errmsg(struct db *db)
{
	return IS_PG(db) ? pg_errmsg(db) : sq_errmsg(db);
}

int db_text_put(struct db *db, long long id, const char *headline, const char *dek, const char *body)
{
	return IS_PG(db) ? pg_text_put(db, id, headline, dek, body) : sq_text_put(db, id, headline, dek, body);
}

int db_text_drop(struct db *db, long long id)
{
	return IS_PG(db) ? pg_text_drop(db, id) : sq_text_drop(db, id);
}

int db_text_replace(struct db *db, long long id, const char *from, const char *to)
{
	return IS_PG(db) ? pg_text_replace(db, id, from, to) : sq_text_replace(db, id, from, to);
}

struct db_stmt *db_text_match(struct db *db, const char *query)
{
	return IS_PG(db) ? pg_text_match(db, query) : sq_text_match(db, query);
}

struct db_stmt *db_text_rank(struct db *db, const char *query, long long min_id, long long now, long long offset, int limit)
{
	return IS_PG(db) ? pg_text_rank(db, query, min_id, now, offset, limit) : sq_text_rank(db, query, min_id, now, offset, limit);
}

struct db_stmt *db_text_related(struct db *db, const char *query, long long not_id, int limit)
{
	return IS_PG(db) ? pg_text_related(db, query, not_id, limit) : sq_text_related(db, query, not_id, limit);
}

struct db_stmt *db_text_snippet(struct db *db, const char *query, long long id)
{
	return IS_PG(db) ? pg_text_snippet(db, query, id) : sq_text_snippet(db, query, id);
}

void db_pool_free(struct db_pool *p)
{
	if (IS_PG(p))
		pg_pool_free(p);
	else
		sq_pool_free(p);
}

struct db *db_pool_get(struct db_pool *p)
{
	return IS_PG(p) ? pg_pool_get(p) : sq_pool_get(p);
}

void db_pool_put(struct db_pool *p, struct db *db)
{
	if (IS_PG(p))
		pg_pool_put(p, db);
	else
		sq_pool_put(p, db);
}

unsigned long long db_pool_data_version(struct db_pool *p)
{
	return IS_PG(p) ? pg_pool_data_version(p) : sq_pool_data_version(p);
}

int db_leader(struct db_pool *p, const char *name)
{
	return IS_PG(p) ? pg_leader(p, name) : 1;
}

long long *db_col_ids(struct db_stmt *st, struct arena *a, size_t max, size_t *n)
{
	long long *ids = NULL;
	size_t k = 0, cap = 0;
	while (k < max && db_step(st) == DB_ROW) {
		if (k == cap) {
			cap = cap ? 2 * cap : 64;
			long long *bigger = arena_alloc(a, cap * sizeof *bigger);
			if (k)
				memcpy(bigger, ids, k * sizeof *bigger);
			ids = bigger;
		}
		ids[k++] = db_col_int(st, 0);
	}
	db_done(st);
	*n = k;
	return ids ? ids : arena_alloc(a, sizeof *ids);
}

double db_col_double(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_double(st, i) : sq_col_double(st, i);
}

int db_col_count(struct db_stmt *st)
{
	return IS_PG(st) ? pg_col_count(st) : sq_col_count(st);
}

const char *db_col_name(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_name(st, i) : sq_col_name(st, i);
}

enum db_type db_col_type(struct db_stmt *st, int i)
{
	return IS_PG(st) ? pg_col_type(st, i) : sq_col_type(st, i);
}

int db_ids_follow(struct db *db, const char *table, const char *column)
{
	return IS_PG(db) ? pg_ids_follow(db, table, column) : sq_ids_follow(db, table, column);
}

int db_backup(struct db *db, const char *path, char *err, size_t errlen)
{
	return IS_PG(db) ? pg_backup(db, path, err, errlen) : sq_backup(db, path, err, errlen);
}

struct db_stmt *db_text_snippets(struct db *db, const char *query, const char *ids_json)
{
	return IS_PG(db) ? pg_text_snippets(db, query, ids_json)
	                 : sq_text_snippets(db, query, ids_json);
}

struct db_stmt *db_text_match_upto(struct db *db, const char *query, long long limit)
{
	return IS_PG(db) ? pg_text_match_upto(db, query, limit) : sq_text_match_upto(db, query, limit);
}
