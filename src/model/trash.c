/*
** trash.c: the trash's shared steps (trash.h), for articles and pages.
*/
#include "model/trash.h"
#include "core/arena.h"
#include "db/db.h"

int trash_change_one(struct db *db, const char *sql, long long id, long long now)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, id);
	if (now != 0)
		db_bind_int(st, 2, now);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) == 1 ? 0 : 1;
}

int trash_purge(struct db *db, const char *sql_before, long long cutoff,
                int (*del)(struct db *db, long long id))
{
	int purged = 0;
	for (;;) {
		struct arena *a = arena_new();
		size_t n;
		struct db_stmt *st = db_prepare(db, sql_before);
		db_bind_int(st, 1, cutoff);
		long long *ids = db_col_ids(st, a, 100, &n);
		int failed = 0;
		for (size_t i = 0; i < n && !failed; i++) {
			int rc = del(db, ids[i]);
			if (rc < 0)
				failed = 1;
			else if (rc == 0)
				purged++;
		}
		arena_free(a);
		if (failed)
			return -1;
		if (n < 100)
			return purged;
	}
}
