/*
** autosave.c: the editor's autosaves (autosave.h), one row per article and
** writer.  An article not saved yet has article_id NULL; the statements
** compare with COALESCE(article_id, 0) so one form serves both, in SQL that
** SQLite and PostgreSQL read alike.
*/
#include "model/autosave.h"
#include "core/arena.h"
#include "db/db.h"

#include <string.h>

static const char sql_update[] =
    "UPDATE autosaves SET headline = ?3, dek = ?4, body_src = ?5, tags = ?6, saved_at = ?7"
    " WHERE user_id = ?2 AND COALESCE(article_id, 0) = ?1";
static const char sql_insert[] =
    "INSERT INTO autosaves(article_id, user_id, headline, dek, body_src, tags, saved_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_get[] =
    "SELECT headline, dek, body_src, tags, saved_at FROM autosaves"
    " WHERE user_id = ?2 AND COALESCE(article_id, 0) = ?1 ORDER BY id DESC LIMIT 1";
static const char sql_delete[] =
    "DELETE FROM autosaves WHERE user_id = ?2 AND COALESCE(article_id, 0) = ?1";

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
	struct db_stmt *st = db_prepare(db, sql_update);
	db_bind_int(st, 1, in->article_id);
	db_bind_int(st, 2, in->user_id);
	bind_fields(st, in, now);
	int rc = db_step(st);
	db_done(st);
	if (rc == DB_OK && db_changes(db) == 0) {
		st = db_prepare(db, sql_insert);
		if (in->article_id)
			db_bind_int(st, 1, in->article_id);
		else
			db_bind_null(st, 1);
		db_bind_int(st, 2, in->user_id);
		bind_fields(st, in, now);
		rc = db_step(st);
		db_done(st);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

int autosave_get(struct db *db, struct arena *a, long long article_id, long long user_id,
                 struct autosave *out)
{
	struct db_stmt *st = db_prepare(db, sql_get);
	db_bind_int(st, 1, article_id);
	db_bind_int(st, 2, user_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof *out);
		out->article_id = article_id;
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

int autosave_delete(struct db *db, long long article_id, long long user_id)
{
	struct db_stmt *st = db_prepare(db, sql_delete);
	db_bind_int(st, 1, article_id);
	db_bind_int(st, 2, user_id);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}
