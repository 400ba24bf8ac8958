/*
** note.c: corrections and updates on published articles (see note.h).
*/
#include "model/note.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static const char sql_is_published[] =
    "SELECT 1 FROM articles WHERE id = ?1 AND status = 'published'";
static const char sql_insert[] =
    "INSERT INTO article_notes(article_id, kind, body_src, user_id, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_delete[] = "DELETE FROM article_notes WHERE id = ?1 AND article_id = ?2";
static const char sql_list[] =
    "SELECT id, article_id, kind, body_src, COALESCE(user_id, 0), created_at"
    " FROM article_notes WHERE article_id = ?1 ORDER BY created_at, id";
/* Newest first through article_notes_kind; only published articles. */
static const char sql_corrections[] =
    "SELECT n.id, n.article_id, n.kind, n.body_src, COALESCE(n.user_id, 0), n.created_at,"
    " a.headline, a.slug, a.published_at"
    " FROM article_notes n JOIN articles a ON a.id = n.article_id"
    " WHERE n.kind = 'correction' AND a.status = 'published'"
    " ORDER BY n.created_at DESC, n.id DESC LIMIT ?2 OFFSET ?1";
static const char sql_count[] =
    "SELECT count(*) FROM article_notes n JOIN articles a ON a.id = n.article_id"
    " WHERE n.kind = 'correction' AND a.status = 'published'";
static const char sql_last[] =
    "SELECT COALESCE(max(n.created_at), 0) FROM article_notes n"
    " JOIN articles a ON a.id = n.article_id"
    " WHERE n.kind = 'correction' AND a.status = 'published'";

const char *note_kind_name(enum note_kind kind)
{
	return kind == NOTE_UPDATE ? "update" : "correction";
}

enum note_kind note_kind_parse(const char *s)
{
	if (s && !strcmp(s, "correction"))
		return NOTE_CORRECTION;
	if (s && !strcmp(s, "update"))
		return NOTE_UPDATE;
	return NOTE_NONE;
}

long long note_add(struct db *db, long long article_id, enum note_kind kind,
                   const char *body_src, long long user_id, long long now, char *err,
                   size_t errlen)
{
	if (kind == NOTE_NONE) {
		snprintf(err, errlen, "A note is a correction or an update.");
		return -1;
	}
	const char *src = body_src ? body_src : "";
	while (*src == ' ' || *src == '\n' || *src == '\r' || *src == '\t')
		src++;
	if (!*src) {
		snprintf(err, errlen, "Please write the note's text.");
		return -1;
	}
	size_t len = strlen(src);
	if (!utf8_valid(src, len) || utf8_count_text(src, len) > NOTE_MAX_CHARS) {
		snprintf(err, errlen, "A note may be at most %d characters of text.", NOTE_MAX_CHARS);
		return -1;
	}
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; please try again.");
		return -1;
	}
	struct db_stmt *st = db_prepare(db, sql_is_published);
	db_bind_int(st, 1, article_id);
	int published = db_step(st) == DB_ROW;
	db_done(st);
	if (!published) {
		db_rollback(db);
		snprintf(err, errlen, "Corrections and updates go on published articles only.");
		return -1;
	}
	st = db_prepare(db, sql_insert);
	db_bind_int(st, 1, article_id);
	db_bind_text(st, 2, note_kind_name(kind));
	db_bind_text(st, 3, src);
	if (user_id > 0)
		db_bind_int(st, 4, user_id);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, now);
	int ok = db_step(st) == DB_OK;
	db_done(st);
	long long id = ok ? db_last_id(db) : -1;
	if (!ok || db_commit(db) != DB_OK) {
		db_rollback(db);
		snprintf(err, errlen, "The note could not be saved: %s", db_errmsg(db));
		return -1;
	}
	return id;
}

int note_delete(struct db *db, long long article_id, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_delete);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, article_id);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) > 0 ? 0 : 1;
}

static struct note *read_notes(struct db_stmt *st, struct arena *a, int with_article,
                               size_t *n)
{
	size_t cap = 8, k = 0;
	struct note *list = arena_alloc(a, cap * sizeof *list);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct note *more = arena_alloc(a, 2 * cap * sizeof *list);
			memcpy(more, list, cap * sizeof *list);
			list = more;
			cap *= 2;
		}
		struct note *r = &list[k++];
		memset(r, 0, sizeof *r);
		r->id = db_col_int(st, 0);
		r->article_id = db_col_int(st, 1);
		r->kind = note_kind_parse(db_col_text(st, 2));
		r->body_src = arena_strdup(a, db_col_text(st, 3));
		r->user_id = db_col_int(st, 4);
		r->created_at = db_col_int(st, 5);
		r->headline = with_article ? arena_strdup(a, db_col_text(st, 6)) : "";
		r->slug = with_article ? arena_strdup(a, db_col_text(st, 7)) : "";
		r->published_at = with_article ? db_col_int(st, 8) : 0;
	}
	db_done(st);
	*n = k;
	return list;
}

struct note *note_list(struct db *db, struct arena *a, long long article_id, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_list);
	db_bind_int(st, 1, article_id);
	return read_notes(st, a, 0, n);
}

struct note *note_corrections(struct db *db, struct arena *a, long long offset, int limit,
                              size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_corrections);
	db_bind_int(st, 1, offset);
	db_bind_int(st, 2, limit);
	return read_notes(st, a, 1, n);
}

static long long one_int(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return v;
}

long long note_count_corrections(struct db *db)
{
	return one_int(db, sql_count);
}

long long note_last_correction(struct db *db)
{
	return one_int(db, sql_last);
}
