/*
** identity.c: the site's icons and the images its identity settings name
** (identity.h).
*/
#include "model/identity.h"
#include "core/arena.h"
#include "db/db.h"

#include <string.h>

static const char sql_clear[] = "DELETE FROM site_icons";
static const char sql_put[] = "INSERT INTO site_icons(size, type, data) VALUES (?1, ?2, ?3)";
static const char sql_get[] = "SELECT type, data FROM site_icons WHERE size = ?1";
static const char sql_size[] = "SELECT width, height FROM media WHERE hash = ?1 AND ext = ?2";

int identity_icons_save(struct db *db, size_t n, const int *sizes, const char *const *types,
                        const unsigned char *const *data, const size_t *lens)
{
	if (db_begin(db) != DB_OK)
		return -1;
	struct db_stmt *st = db_prepare(db, sql_clear);
	int rc = db_step(st);
	db_done(st);
	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		st = db_prepare(db, sql_put);
		db_bind_int(st, 1, sizes[i]);
		db_bind_text(st, 2, types[i]);
		db_bind_blob(st, 3, data[i], lens[i]);
		rc = db_step(st);
		db_done(st);
	}
	if (rc == DB_OK && db_commit(db) == DB_OK)
		return 0;
	db_rollback(db);
	return -1;
}

const unsigned char *identity_icon(struct db *db, struct arena *a, int size, size_t *len,
                                   const char **type)
{
	struct db_stmt *st = db_prepare(db, sql_get);
	db_bind_int(st, 1, size);
	unsigned char *out = NULL;
	if (db_step(st) == DB_ROW) {
		*type = arena_strdup(a, db_col_text(st, 0));
		size_t n;
		const void *bytes = db_col_blob(st, 1, &n);
		out = arena_alloc(a, n ? n : 1);
		memcpy(out, bytes, n);
		*len = n;
	}
	db_done(st);
	return out;
}

int identity_image_size(struct db *db, const char *name, int *width, int *height)
{
	const char *dot = strchr(name, '.');
	if (!dot)
		return 1;
	struct db_stmt *st = db_prepare(db, sql_size);
	db_bind_textn(st, 1, name, (size_t)(dot - name));
	db_bind_text(st, 2, dot + 1);
	int found = db_step(st) == DB_ROW;
	if (found) {
		*width = (int)db_col_int(st, 0);
		*height = (int)db_col_int(st, 1);
	}
	db_done(st);
	return found ? 0 : 1;
}
