/*
** byline.c: an article's authors in order (see byline.h).
*/
#include "model/byline.h"
#include "core/arena.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static const char sql_list[] =
    "SELECT x.user_id, u.display_name, u.slug FROM article_authors x"
    " JOIN users u ON u.id = x.user_id WHERE x.article_id = ?1 ORDER BY x.position";
/* The co-authors (position > 0) of up to BYLINE_BATCH articles at once: a
** listing asks once, not once a card.  Unused places are bound 0 (which
** matches nothing, and keeps the parameters' types whatever the count). */
static const char sql_coauthors_many[] =
    "SELECT x.article_id, x.user_id, u.display_name, u.slug FROM article_authors x"
    " JOIN users u ON u.id = x.user_id WHERE x.position > 0 AND x.article_id IN ("
    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
    "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, "
    "?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40)"
    " ORDER BY x.article_id, x.position";
static const char sql_owner[] = "SELECT author_id FROM articles WHERE id = ?1";
static const char sql_is_user[] = "SELECT 1 FROM users WHERE id = ?1";
static const char sql_clear[] =
    "DELETE FROM article_authors WHERE article_id = ?1 AND position > 0";
static const char sql_add[] =
    "INSERT INTO article_authors(article_id, user_id, position) VALUES (?1, ?2, ?3)"
    " ON CONFLICT DO NOTHING";

struct byline_author *byline_list(struct db *db, struct arena *a, long long article_id,
                                  size_t *n)
{
	struct byline_author *list = arena_alloc(a, BYLINE_MAX_AUTHORS * 2 * sizeof *list);
	size_t k = 0;
	struct db_stmt *st = db_prepare(db, sql_list);
	db_bind_int(st, 1, article_id);
	while (k < BYLINE_MAX_AUTHORS * 2 && db_step(st) == DB_ROW) {
		list[k].user_id = db_col_int(st, 0);
		list[k].name = arena_strdup(a, db_col_text(st, 1));
		list[k].slug = arena_strdup(a, db_col_text(st, 2));
		k++;
	}
	db_done(st);
	*n = k;
	return list;
}

static int exists(struct db *db, const char *sql, long long id, long long *out)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, id);
	int found = db_step(st) == DB_ROW;
	if (found && out)
		*out = db_col_int(st, 0);
	db_done(st);
	return found;
}

int byline_set(struct db *db, long long article_id, const long long *ids, size_t n,
               char *err, size_t errlen)
{
	int own_tx = !db_in_transaction(db);
	if (own_tx && db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; please save again.");
		return -1;
	}
	long long owner = 0;
	if (!exists(db, sql_owner, article_id, &owner)) {
		snprintf(err, errlen, "That article no longer exists.");
		goto fail;
	}
	struct db_stmt *st = db_prepare(db, sql_clear);
	db_bind_int(st, 1, article_id);
	int ok = db_step(st) == DB_OK;
	db_done(st);
	if (!ok)
		goto fail_db;
	int pos = 1;
	for (size_t i = 0; i < n; i++) {
		if (ids[i] <= 0 || ids[i] == owner)
			continue;
		int seen = 0;
		for (size_t k = 0; k < i; k++)
			seen |= ids[k] == ids[i];
		if (seen)
			continue;
		if (pos >= BYLINE_MAX_AUTHORS) {
			snprintf(err, errlen, "A byline names at most %d authors.", BYLINE_MAX_AUTHORS);
			goto fail;
		}
		if (!exists(db, sql_is_user, ids[i], NULL)) {
			snprintf(err, errlen, "One of the authors chosen has no account any more.");
			goto fail;
		}
		st = db_prepare(db, sql_add);
		db_bind_int(st, 1, article_id);
		db_bind_int(st, 2, ids[i]);
		db_bind_int(st, 3, pos++);
		ok = db_step(st) == DB_OK;
		db_done(st);
		if (!ok)
			goto fail_db;
	}
	if (own_tx && db_commit(db) != DB_OK)
		goto fail_db;
	return 0;
fail_db:
	snprintf(err, errlen, "The authors could not be saved: %s", db_errmsg(db));
fail:
	if (own_tx)
		db_rollback(db);
	return -1;
}

void byline_coauthors_many(struct db *db, struct arena *a, const long long *ids, size_t n,
                           struct byline_author **lists, size_t *counts)
{
	for (size_t i = 0; i < n; i++) {
		lists[i] = NULL;
		counts[i] = 0;
	}
	for (size_t from = 0; from < n; from += BYLINE_BATCH) {
		size_t k = n - from < BYLINE_BATCH ? n - from : BYLINE_BATCH;
		struct db_stmt *st = db_prepare(db, sql_coauthors_many);
		for (size_t j = 0; j < BYLINE_BATCH; j++) {
			/* The unused places get 0, never an id: a NULL there would
			** change the parameters' types with each count, and
			** PostgreSQL would prepare the statement again each time. */
			db_bind_int(st, (int)j + 1, j < k ? ids[from + j] : 0);
		}
		while (db_step(st) == DB_ROW) {
			long long aid = db_col_int(st, 0);
			for (size_t j = from; j < from + k; j++) {
				if (ids[j] != aid || counts[j] >= BYLINE_MAX_AUTHORS * 2)
					continue;
				if (!lists[j])
					lists[j] = arena_alloc(a, BYLINE_MAX_AUTHORS * 2 * sizeof **lists);
				struct byline_author *b = &lists[j][counts[j]++];
				b->user_id = db_col_int(st, 1);
				b->name = arena_strdup(a, db_col_text(st, 2));
				b->slug = arena_strdup(a, db_col_text(st, 3));
			}
		}
		db_done(st);
	}
}
