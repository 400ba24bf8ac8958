/*
** cdn.c: the CDN purge queue (see cdn.h).
*/
#include "model/cdn.h"
#include "core/arena.h"
#include "db/db.h"

#include <string.h>

struct cdn_purge *cdn_due(struct db *db, struct arena *a, long long now, size_t max, size_t *n)
{
	*n = 0;
	struct cdn_purge *out = arena_alloc(a, (max ? max : 1) * sizeof *out);
	struct db_stmt *st = db_prepare(db, "SELECT skey, gen, attempts FROM cdn_purges"
	                                    " WHERE next_at <= ?1 ORDER BY next_at, skey LIMIT ?2");
	if (!st)
		return NULL;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, (long long)max);
	while (*n < max && db_step(st) == DB_ROW) {
		out[*n].key = arena_strdup(a, db_col_text(st, 0));
		out[*n].gen = db_col_int(st, 1);
		out[*n].attempts = db_col_int(st, 2);
		(*n)++;
	}
	db_done(st);
	return *n ? out : NULL;
}

/* Runs sql once per key, binding (skey, gen or next_at), in one transaction. */
static int each_key(struct db *db, const char *sql, const struct cdn_purge *k, size_t n,
                    long long now)
{
	if (db_begin(db) != DB_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *st = db_prepare(db, sql);
		if (!st) {
			db_rollback(db);
			return -1;
		}
		long long second = k[i].gen;
		if (now) {
			long long delay = 1;
			for (long long j = 0; j < k[i].attempts && delay < CDN_MAX_DELAY; j++)
				delay *= 2;
			second = now + (delay > CDN_MAX_DELAY ? CDN_MAX_DELAY : delay);
		}
		db_bind_int(st, 1, second);
		db_bind_text(st, 2, k[i].key);
		int rc = db_step(st);
		db_done(st);
		if (rc != DB_OK) {
			db_rollback(db);
			return -1;
		}
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

int cdn_sent(struct db *db, const struct cdn_purge *k, size_t n)
{
	return each_key(db, "DELETE FROM cdn_purges WHERE gen = ?1 AND skey = ?2", k, n, 0);
}

int cdn_failed(struct db *db, const struct cdn_purge *k, size_t n, long long now)
{
	return each_key(db, "UPDATE cdn_purges SET attempts = attempts + 1, next_at = ?1"
	                    " WHERE skey = ?2", k, n, now);
}

int cdn_clear(struct db *db)
{
	return db_exec(db, "DELETE FROM cdn_purges") == DB_OK ? 0 : -1;
}

long long cdn_queued(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM cdn_purges");
	if (!st)
		return -1;
	long long n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}
