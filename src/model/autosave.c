/*
** autosave.c: the editor's autosaves (autosave.h), one row per article and
** writer.  An article not saved yet has article_id NULL; the statements
** compare with COALESCE(article_id, 0) so one form serves both, in SQL that
** SQLite and PostgreSQL read alike.  A page's autosave (is_page 1) has
** page_id instead (NULL for a page not saved yet): COALESCE(article_id,
** page_id, 0) is then the page's, and is_page keeps the two kinds apart.
*/
#include "model/autosave.h"
#include "core/arena.h"
#include "db/db.h"

#include <string.h>

static const char sql_update[] =
    "UPDATE autosaves SET headline = ?3, dek = ?4, body_src = ?5, tags = ?6, saved_at = ?7"
    " WHERE user_id = ?2 AND is_page = ?8 AND COALESCE(article_id, page_id, 0) = ?1";
static const char sql_insert[] =
    "INSERT INTO autosaves(article_id, user_id, headline, dek, body_src, tags, saved_at,"
    " is_page, page_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_get[] =
    "SELECT headline, dek, body_src, tags, saved_at FROM autosaves"
    " WHERE user_id = ?2 AND is_page = ?3 AND COALESCE(article_id, page_id, 0) = ?1"
    " ORDER BY id DESC LIMIT 1";
static const char sql_delete[] =
    "DELETE FROM autosaves WHERE user_id = ?2 AND is_page = ?3"
    " AND COALESCE(article_id, page_id, 0) = ?1";

static void bind_fields(struct db_stmt *st, const struct autosave *in, long long now)
{
	db_bind_text(st, 3, in->headline ? in->headline : "");
	db_bind_text(st, 4, in->dek ? in->dek : "");
	db_bind_text(st, 5, in->body_src ? in->body_src : "");
	db_bind_text(st, 6, in->tags ? in->tags : "");
	db_bind_int(st, 7, now);
}

int autosave_put(struct db *db, const struct autosave *in, long long now)
{
	if (db_begin(db) != DB_OK)
		return -1;
	long long id = in->is_page ? in->page_id : in->article_id;
	struct db_stmt *st = db_prepare(db, sql_update);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, in->user_id);
	bind_fields(st, in, now);
	db_bind_int(st, 8, in->is_page ? 1 : 0);
	int rc = db_step(st);
	db_done(st);
	if (rc == DB_OK && db_changes(db) == 0) {
		st = db_prepare(db, sql_insert);
		if (!in->is_page && in->article_id)
			db_bind_int(st, 1, in->article_id);
		else
			db_bind_null(st, 1);
		db_bind_int(st, 2, in->user_id);
		bind_fields(st, in, now);
		db_bind_int(st, 8, in->is_page ? 1 : 0);
		if (in->is_page && in->page_id)
			db_bind_int(st, 9, in->page_id);
		else
			db_bind_null(st, 9);
		rc = db_step(st);
		db_done(st);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

/* The writer's autosave of an article (is_page 0) or a page (1). */
static int get(struct db *db, struct arena *a, int is_page, long long id, long long user_id,
               struct autosave *out)
{
	struct db_stmt *st = db_prepare(db, sql_get);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, is_page);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof *out);
		out->is_page = is_page;
		if (is_page)
			out->page_id = id;
		else
			out->article_id = id;
		out->user_id = user_id;
		out->headline = arena_strdup(a, db_col_text(st, 0));
		out->dek = arena_strdup(a, db_col_text(st, 1));
		out->body_src = arena_strdup(a, db_col_text(st, 2));
		out->tags = arena_strdup(a, db_col_text(st, 3));
		out->saved_at = db_col_int(st, 4);
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

static int delete(struct db *db, int is_page, long long id, long long user_id)
{
	struct db_stmt *st = db_prepare(db, sql_delete);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, is_page);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int autosave_get(struct db *db, struct arena *a, long long article_id, long long user_id,
                 struct autosave *out)
{
	return get(db, a, 0, article_id, user_id, out);
}

int autosave_page_get(struct db *db, struct arena *a, long long page_id, long long user_id,
                      struct autosave *out)
{
	return get(db, a, 1, page_id, user_id, out);
}

int autosave_delete(struct db *db, long long article_id, long long user_id)
{
	return delete(db, 0, article_id, user_id);
}

int autosave_page_delete(struct db *db, long long page_id, long long user_id)
{
	return delete(db, 1, page_id, user_id);
}
