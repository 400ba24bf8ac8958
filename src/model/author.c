/*
** author.c: reading and creating authors.
*/
#include "model/author.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

#define AUTHOR_COLS "id, display_name, slug, bio, avatar_path, role, COALESCE(links, '')"

static const char sql_by_slug[] = "SELECT " AUTHOR_COLS " FROM users WHERE slug = ?1";
static const char sql_by_id[] = "SELECT " AUTHOR_COLS " FROM users WHERE id = ?1";
static const char sql_published[] =
    "SELECT " AUTHOR_COLS " FROM users u WHERE EXISTS (SELECT 1 FROM articles a"
    " WHERE a.author_id = u.id AND a.status = 'published') ORDER BY display_name, id";
static const char sql_by_name[] = "SELECT id, bio FROM users WHERE display_name = ?1";
static const char sql_set_bio[] = "UPDATE users SET bio = ?2 WHERE id = ?1";
static const char sql_slug_taken[] = "SELECT 1 FROM users WHERE slug = ?1";
static const char sql_insert[] =
    "INSERT INTO users(display_name, slug, bio, avatar_path, role, email, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

static int read_one(struct db_stmt *st, struct arena *a, struct author *out)
{
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->name = arena_strdup(a, db_col_text(st, 1));
		out->slug = arena_strdup(a, db_col_text(st, 2));
		out->bio = arena_strdup(a, db_col_text(st, 3));
		out->avatar = arena_strdup(a, db_col_text(st, 4));
		out->role = arena_strdup(a, db_col_text(st, 5));
		out->links = arena_strdup(a, db_col_text(st, 6));
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

int author_by_slug(struct db *db, struct arena *a, const char *slug, struct author *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_slug);
	db_bind_text(st, 1, slug);
	return read_one(st, a, out);
}

int author_by_id(struct db *db, struct arena *a, long long id, struct author *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_id);
	db_bind_int(st, 1, id);
	return read_one(st, a, out);
}

struct author *author_published(struct db *db, struct arena *a, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_published);
	size_t cap = 8, k = 0;
	struct author *list = arena_alloc(a, cap * sizeof *list);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct author *bigger = arena_alloc(a, 2 * cap * sizeof *list);
			memcpy(bigger, list, cap * sizeof *list);
			list = bigger;
			cap *= 2;
		}
		struct author *out = &list[k++];
		out->id = db_col_int(st, 0);
		out->name = arena_strdup(a, db_col_text(st, 1));
		out->slug = arena_strdup(a, db_col_text(st, 2));
		out->bio = arena_strdup(a, db_col_text(st, 3));
		out->avatar = arena_strdup(a, db_col_text(st, 4));
		out->role = arena_strdup(a, db_col_text(st, 5));
		out->links = arena_strdup(a, db_col_text(st, 6));
	}
	db_done(st);
	*n = k;
	return list;
}

long long author_create(struct db *db, const char *name, const char *slug,
                        const char *bio, const char *avatar, const char *role,
                        const char *email)
{
	struct db_stmt *st = db_prepare(db, sql_insert);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, slug);
	db_bind_text(st, 3, bio ? bio : "");
	db_bind_text(st, 4, avatar ? avatar : "");
	db_bind_text(st, 5, role ? role : "author");
	db_bind_text(st, 6, email && *email ? email : NULL);
	db_bind_int(st, 7, (long long)time(NULL));
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_last_id(db) : -1;
}

static int slug_taken(struct db *db, const char *slug)
{
	struct db_stmt *st = db_prepare(db, sql_slug_taken);
	db_bind_text(st, 1, slug);
	int taken = db_step(st) == DB_ROW;
	db_done(st);
	return taken;
}

long long author_ensure(struct db *db, struct arena *a, const char *name,
                        const char *bio, const char *email)
{
	struct db_stmt *st = db_prepare(db, sql_by_name);
	db_bind_text(st, 1, name);
	long long id = -1;
	int has_bio = 0;
	if (db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		has_bio = db_col_len(st, 1) > 0;
	}
	db_done(st);
	if (id > 0) {
		if (bio && *bio && !has_bio) {
			st = db_prepare(db, sql_set_bio);
			db_bind_int(st, 1, id);
			db_bind_text(st, 2, bio);
			int rc = db_step(st);
			db_done(st);
			if (rc != DB_OK)
				return -1;
		}
		return id;
	}
	char *base = text_slug(a, name);
	if (!*base)
		base = "author";
	char *slug = base;
	for (int i = 2; slug_taken(db, slug) && i < 1000; i++)
		slug = arena_printf(a, "%s-%d", base, i);
	return author_create(db, name, slug, bio, "", "author", email);
}
