/*
** revision.c: reading article revisions.
*/
#include "model/revision.h"
#include "core/arena.h"
#include "db/db.h"

#include <string.h>

#define COLS \
	"r.id, r.article_id, COALESCE(u.display_name, ''), r.created_at, r.headline, r.slug," \
	" r.dek, r.body_src, r.status, r.tags, r.featured_alt, COALESCE(r.published_at, 0)," \
	" COALESCE(r.section_id, 0), COALESCE(r.featured_media_id, 0)"

static const char sql_list[] =
    "SELECT " COLS " FROM revisions r LEFT JOIN users u ON u.id = r.user_id"
    " WHERE r.article_id = ?1 ORDER BY r.id DESC LIMIT 500";
static const char sql_one[] =
    "SELECT " COLS " FROM revisions r LEFT JOIN users u ON u.id = r.user_id"
    " WHERE r.article_id = ?1 AND r.id = ?2";

static void read_row(struct db_stmt *st, struct arena *a, struct revision *r)
{
	r->id = db_col_int(st, 0);
	r->article_id = db_col_int(st, 1);
	r->user_name = arena_strdup(a, db_col_text(st, 2));
	r->created_at = db_col_int(st, 3);
	r->headline = arena_strdup(a, db_col_text(st, 4));
	r->slug = arena_strdup(a, db_col_text(st, 5));
	r->dek = arena_strdup(a, db_col_text(st, 6));
	r->body_src = arena_strdup(a, db_col_text(st, 7));
	r->status = article_status_parse(db_col_text(st, 8));
	r->tags = arena_strdup(a, db_col_text(st, 9));
	r->featured_alt = arena_strdup(a, db_col_text(st, 10));
	r->published_at = db_col_int(st, 11);
	r->section_id = db_col_int(st, 12);
	r->featured_media_id = db_col_int(st, 13);
}

struct revision *revision_list(struct db *db, struct arena *a, long long article_id,
                               size_t *n)
{
	size_t cap = 16, k = 0;
	struct revision *list = arena_alloc(a, cap * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_list);
	db_bind_int(st, 1, article_id);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct revision *bigger = arena_alloc(a, 2 * cap * sizeof *list);
			memcpy(bigger, list, cap * sizeof *list);
			list = bigger;
			cap *= 2;
		}
		read_row(st, a, &list[k++]);
	}
	db_done(st);
	*n = k;
	return list;
}

int revision_by_id(struct db *db, struct arena *a, long long article_id, long long id,
                   struct revision *out)
{
	struct db_stmt *st = db_prepare(db, sql_one);
	db_bind_int(st, 1, article_id);
	db_bind_int(st, 2, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_row(st, a, out);
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}
