/*
** db_engine.h: what db.c dispatches to, private to src/db/.  Each engine
** (db_sqlite.c: sq_*, db_pg.c: pg_*) implements every call of db.h under
** its own prefix; its struct db, struct db_stmt and struct db_pool begin
** with an int naming the engine, which db.c reads to choose.  db_open and
** db_pool_new choose by the path: see db_is_pg().
*/
#ifndef BYLINE_DB_ENGINE_H
#define BYLINE_DB_ENGINE_H

#include "db/db.h"

enum { DB_ENGINE_SQLITE = 0, DB_ENGINE_PG = 1 };


struct db *sq_open(const char *path, char *err, size_t errlen);
struct db_pool *sq_pool_new(const char *path, int size, char *err, size_t errlen);
void sq_close(struct db *db);
int sq_version(struct db *db);
int sq_migrate(struct db *db, const struct db_migration *m, size_t n_m, char *err, size_t errlen);
struct db_stmt *sq_prepare(struct db *db, const char *sql);
void sq_bind_int(struct db_stmt *st, int i, long long v);
void sq_bind_text(struct db_stmt *st, int i, const char *s);
void sq_bind_textn(struct db_stmt *st, int i, const char *s, size_t n);
void sq_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
void sq_bind_null(struct db_stmt *st, int i);
void sq_bind_double(struct db_stmt *st, int i, double v);
int sq_step(struct db_stmt *st);
long long sq_col_int(struct db_stmt *st, int i);
const char *sq_col_text(struct db_stmt *st, int i);
const void *sq_col_blob(struct db_stmt *st, int i, size_t *n);
size_t sq_col_len(struct db_stmt *st, int i);
int sq_col_is_null(struct db_stmt *st, int i);
void sq_done(struct db_stmt *st);
double sq_col_double(struct db_stmt *st, int i);
int sq_col_count(struct db_stmt *st);
const char *sq_col_name(struct db_stmt *st, int i);
enum db_type sq_col_type(struct db_stmt *st, int i);
int sq_ids_follow(struct db *db, const char *table, const char *column);
int sq_backup(struct db *db, const char *path, char *err, size_t errlen);
int sq_exec(struct db *db, const char *sql);
int sq_begin(struct db *db);
int sq_commit(struct db *db);
void sq_rollback(struct db *db);
int sq_begin_alone(struct db *db);
void sq_write_stats(struct db *db, long long *transactions, long long *commits);
int sq_read_begin(struct db *db);
void sq_read_end(struct db *db);
void sq_set_cache(struct db *db, int kib);
int sq_failed(struct db *db);
void sq_clear_failed(struct db *db);
int sq_in_transaction(struct db *db);
long long sq_last_id(struct db *db);
int sq_changes(struct db *db);
const char *sq_errmsg(struct db *db);
int sq_text_put(struct db *db, long long id, const char *headline, const char *dek, const char *body);
int sq_text_drop(struct db *db, long long id);
int sq_text_replace(struct db *db, long long id, const char *from, const char *to);
struct db_stmt *sq_text_match(struct db *db, const char *query);
struct db_stmt *sq_text_rank(struct db *db, const char *query, long long min_id, long long now, long long offset, int limit);
struct db_stmt *sq_text_related(struct db *db, const char *query, long long not_id, int limit);
struct db_stmt *sq_text_snippet(struct db *db, const char *query, long long id);
void sq_pool_free(struct db_pool *p);
struct db *sq_pool_get(struct db_pool *p);
void sq_pool_put(struct db_pool *p, struct db *db);
unsigned long long sq_pool_data_version(struct db_pool *p);

struct db *pg_open(const char *path, char *err, size_t errlen);
struct db_pool *pg_pool_new(const char *path, int size, char *err, size_t errlen);
void pg_close(struct db *db);
int pg_version(struct db *db);
int pg_migrate(struct db *db, const struct db_migration *m, size_t n_m, char *err, size_t errlen);
struct db_stmt *pg_prepare(struct db *db, const char *sql);
void pg_bind_int(struct db_stmt *st, int i, long long v);
void pg_bind_text(struct db_stmt *st, int i, const char *s);
void pg_bind_textn(struct db_stmt *st, int i, const char *s, size_t n);
void pg_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
void pg_bind_null(struct db_stmt *st, int i);
void pg_bind_double(struct db_stmt *st, int i, double v);
int pg_step(struct db_stmt *st);
long long pg_col_int(struct db_stmt *st, int i);
const char *pg_col_text(struct db_stmt *st, int i);
const void *pg_col_blob(struct db_stmt *st, int i, size_t *n);
size_t pg_col_len(struct db_stmt *st, int i);
int pg_col_is_null(struct db_stmt *st, int i);
void pg_done(struct db_stmt *st);
double pg_col_double(struct db_stmt *st, int i);
int pg_col_count(struct db_stmt *st);
const char *pg_col_name(struct db_stmt *st, int i);
enum db_type pg_col_type(struct db_stmt *st, int i);
int pg_ids_follow(struct db *db, const char *table, const char *column);
int pg_backup(struct db *db, const char *path, char *err, size_t errlen);
int pg_exec(struct db *db, const char *sql);
int pg_begin(struct db *db);
int pg_commit(struct db *db);
void pg_rollback(struct db *db);
int pg_begin_alone(struct db *db);
void pg_write_stats(struct db *db, long long *transactions, long long *commits);
long long pg_round_trips(struct db *db);
int pg_read_begin(struct db *db);
void pg_read_end(struct db *db);
void pg_set_cache(struct db *db, int kib);
int pg_failed(struct db *db);
void pg_clear_failed(struct db *db);
int pg_in_transaction(struct db *db);
long long pg_last_id(struct db *db);
int pg_changes(struct db *db);
const char *pg_errmsg(struct db *db);
int pg_text_put(struct db *db, long long id, const char *headline, const char *dek, const char *body);
int pg_text_drop(struct db *db, long long id);
int pg_text_replace(struct db *db, long long id, const char *from, const char *to);
struct db_stmt *pg_text_match(struct db *db, const char *query);
struct db_stmt *pg_text_rank(struct db *db, const char *query, long long min_id, long long now, long long offset, int limit);
struct db_stmt *pg_text_related(struct db *db, const char *query, long long not_id, int limit);
struct db_stmt *pg_text_snippet(struct db *db, const char *query, long long id);
void pg_pool_free(struct db_pool *p);
struct db *pg_pool_get(struct db_pool *p);
void pg_pool_put(struct db_pool *p, struct db *db);
unsigned long long pg_pool_data_version(struct db_pool *p);
int pg_leader(struct db_pool *p, const char *name);

struct db_stmt *sq_text_snippets(struct db *db, const char *query, const char *ids_json);
struct db_stmt *pg_text_snippets(struct db *db, const char *query, const char *ids_json);
struct db_stmt *sq_text_match_upto(struct db *db, const char *query, long long limit);
struct db_stmt *pg_text_match_upto(struct db *db, const char *query, long long limit);

#endif
