/*
** changes.c: reading the change log.
*/
#include "model/changes.h"
#include "db/db.h"

#include <string.h>

static const char sql_latest[] = "SELECT COALESCE(max(seq), 0) FROM changes";
static const char sql_since[] =
    "SELECT seq, kind, id FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2";
static const char sql_prune[] = "DELETE FROM changes WHERE seq <= ?1";

long long changes_latest(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_latest);
	long long seq = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return seq;
}

static enum change_kind parse_kind(const char *k)
{
	if (!strcmp(k, "article")) return CHANGE_ARTICLE;
	if (!strcmp(k, "lists")) return CHANGE_LISTS;
	if (!strcmp(k, "comments")) return CHANGE_COMMENTS;
	if (!strcmp(k, "author")) return CHANGE_AUTHOR;
	return CHANGE_ALL;
}

long long changes_since(struct db *db, long long seq, int max,
                        void (*fn)(void *ctx, enum change_kind kind, long long id),
                        void *ctx)
{
	struct db_stmt *st = db_prepare(db, sql_since);
	db_bind_int(st, 1, seq);
	db_bind_int(st, 2, max + 1);
	long long newest = seq;
	int n = 0;
	int overflow = 0;
	/* Read first, call after: fn must not run with the statement open. */
	static const int batch = 256;
	struct { enum change_kind kind; long long id; } seen[256];
	while (db_step(st) == DB_ROW) {
		if (++n > max) {
			overflow = 1;
			break;
		}
		newest = db_col_int(st, 0);
		if (n <= batch) {
			seen[n - 1].kind = parse_kind(db_col_text(st, 1));
			seen[n - 1].id = db_col_int(st, 2);
		} else {
			overflow = 1;
		}
	}
	db_done(st);
	if (overflow) {
		fn(ctx, CHANGE_ALL, 0);
		return overflow && n > max ? changes_latest(db) : newest;
	}
	for (int i = 0; i < n && i < batch; i++)
		fn(ctx, seen[i].kind, seen[i].id);
	return newest;
}

void changes_prune(struct db *db, long long seq)
{
	struct db_stmt *st = db_prepare(db, sql_prune);
	db_bind_int(st, 1, seq);
	db_step(st);
	db_done(st);
}

static const char sql_hold[] = "INSERT INTO changes_held(id) VALUES (1) ON CONFLICT DO NOTHING";
static const char sql_unhold[] = "DELETE FROM changes_held";
static const char sql_all[] = "INSERT INTO changes(kind, id) VALUES ('all', 0)";

static int exec1(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int changes_hold(struct db *db)
{
	return exec1(db, sql_hold);
}

int changes_release(struct db *db)
{
	if (exec1(db, sql_unhold) != 0)
		return -1;
	return exec1(db, sql_all);
}
