/*
** front.c: the front page's chosen stories (front.h says what they are).
**
** The front page is read on every cache miss of "/", so its reads are
** bounded: the picks (at most FRONT_TOP_MAX + 1 rows, by primary key), the
** sticky stories through a partial index that holds only them, and the
** newest stories through the listing index, a few more than the page shows
** so that none is shown twice.
*/
#include "model/front.h"
#include "core/arena.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static const char sql_picks[] =
    "SELECT article_id, slot, position, pinned_until FROM front_picks"
    " WHERE pinned_until = 0 OR pinned_until > ?1"
    " ORDER BY slot = 'top', position, created_at";
/* Only is_sticky in the WHERE, so the walk is of the partial index that
** holds the sticky articles alone (with the status there too, SQLite walked
** every published article's entry: 225 ms on 100,000 articles); the few
** unpublished ones are skipped as read. */
static const char sql_sticky[] =
    "SELECT id, status = 'published' AND is_private = 0 FROM articles WHERE is_sticky = 1"
    " ORDER BY published_at DESC, id DESC LIMIT ?1";
static const char sql_status[] = "SELECT status = 'published' AND is_private = 0"
                                 " FROM articles WHERE id = ?1";
static const char sql_top_count[] =
    "SELECT count(*) FROM front_picks WHERE slot = 'top' AND article_id != ?1"
    " AND (pinned_until = 0 OR pinned_until > ?2)";
static const char sql_lead_to_top[] =
    "UPDATE front_picks SET slot = 'top', position = -1 WHERE slot = 'lead'"
    " AND article_id != ?1";
static const char sql_upsert[] =
    "INSERT INTO front_picks(article_id, slot, position, pinned_until, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(article_id) DO UPDATE SET"
    " slot = excluded.slot, position = excluded.position,"
    " pinned_until = excluded.pinned_until";
static const char sql_remove[] = "DELETE FROM front_picks WHERE article_id = ?1";
static const char sql_expire[] =
    "DELETE FROM front_picks WHERE pinned_until != 0 AND pinned_until <= ?1";
static const char sql_has_expiring[] =
    "SELECT 1 FROM front_picks WHERE pinned_until != 0 AND pinned_until <= ?1 LIMIT 1";

struct front_pick *front_picks(struct db *db, struct arena *a, long long now, size_t *n)
{
	*n = 0;
	size_t cap = FRONT_TOP_MAX + 8;
	struct front_pick *out = arena_alloc(a, cap * sizeof *out);
	struct db_stmt *st = db_prepare(db, sql_picks);
	db_bind_int(st, 1, now);
	struct {
		long long id, until;
		int pos, lead;
	} rows[FRONT_TOP_MAX + 8];
	size_t got = 0;
	while (got < cap && db_step(st) == DB_ROW) {
		rows[got].id = db_col_int(st, 0);
		rows[got].lead = !strcmp(db_col_text(st, 1), "lead");
		rows[got].pos = (int)db_col_int(st, 2);
		rows[got].until = db_col_int(st, 3);
		got++;
	}
	db_done(st);
	for (size_t i = 0; i < got; i++) {
		struct front_pick *f = &out[*n];
		if (article_card_by_id(db, a, rows[i].id, &f->art) != 0)
			continue;
		f->slot = rows[i].lead ? FRONT_LEAD : FRONT_TOP;
		f->position = rows[i].pos;
		f->pinned_until = rows[i].until;
		(*n)++;
	}
	return out;
}

/* 1 if id is already among seen[0..n). */
static int seen_id(const long long *seen, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (seen[i] == id)
			return 1;
	return 0;
}

int front_page(struct db *db, struct arena *a, long long now, struct article *lead,
               struct article *top, size_t max_top, size_t *n_top, long long *next_change)
{
	*n_top = 0;
	if (next_change)
		*next_change = 0;
	int has_lead = 0;
	long long *seen = arena_alloc(a, (max_top + 1) * sizeof *seen);
	size_t n_seen = 0;

	/* Chosen first: the lead, and the top stories in their order. */
	size_t n_picks;
	struct front_pick *picks = front_picks(db, a, now, &n_picks);
	for (size_t i = 0; i < n_picks; i++) {
		const struct front_pick *f = &picks[i];
		if (f->art.status != ARTICLE_PUBLISHED)
			continue;
		if (f->slot == FRONT_LEAD && !has_lead) {
			*lead = f->art;
			has_lead = 1;
		} else if (*n_top < max_top) {
			top[(*n_top)++] = f->art;
		} else {
			continue;
		}
		seen[n_seen++] = f->art.id;
		if (f->pinned_until && next_change &&
		    (!*next_change || f->pinned_until < *next_change))
			*next_change = f->pinned_until;
	}

	/* Then the sticky stories, then the newest: each takes the lead if no
	** one chose it, else the next top story. */
	for (int pass = 0; pass < 2 && (*n_top < max_top || !has_lead); pass++) {
		int limit = (int)(max_top + n_seen + 2) + (pass == 0 ? 16 : 0);
		long long ids[2 * FRONT_TOP_MAX + 16];
		size_t n_ids = 0;
		struct article *latest = NULL;
		if (pass == 0) {
			struct db_stmt *st = db_prepare(db, sql_sticky);
			db_bind_int(st, 1, limit);
			while (n_ids < sizeof ids / sizeof *ids && db_step(st) == DB_ROW)
				if (db_col_int(st, 1))
					ids[n_ids++] = db_col_int(st, 0);
			db_done(st);
			if (db_failed(db))
				return -1;
		} else {
			latest = article_latest(db, a, 0, limit, &n_ids);
		}
		for (size_t i = 0; i < n_ids && (*n_top < max_top || !has_lead); i++) {
			struct article r;
			if (pass == 1)
				r = latest[i];
			else if (article_card_by_id(db, a, ids[i], &r) != 0)
				continue;
			if (seen_id(seen, n_seen, r.id))
				continue;
			if (!has_lead) {
				*lead = r;
				has_lead = 1;
			} else {
				top[(*n_top)++] = r;
			}
			seen[n_seen++] = r.id;
		}
	}
	return has_lead ? 0 : 1;
}

int front_set(struct db *db, long long article_id, enum front_slot slot, int position,
              long long pinned_until, long long now, char *err, size_t errlen)
{
	if (pinned_until && pinned_until <= now) {
		snprintf(err, errlen, "The time to pin it until has already passed: choose a "
		                      "later one, or leave it empty to keep it until taken off.");
		return -1;
	}
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; please send it again.");
		return -1;
	}
	struct db_stmt *st = db_prepare(db, sql_status);
	db_bind_int(st, 1, article_id);
	int rc = db_step(st);
	int published = rc == DB_ROW && db_col_int(st, 0);
	db_done(st);
	if (!published) {
		db_rollback(db);
		snprintf(err, errlen, rc == DB_ROW ? "Only a published article can go on the front "
		                                     "page: publish it first."
		                                   : "There is no such article.");
		return -1;
	}
	if (slot == FRONT_TOP) {
		st = db_prepare(db, sql_top_count);
		db_bind_int(st, 1, article_id);
		db_bind_int(st, 2, now);
		long long count = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
		db_done(st);
		if (count >= FRONT_TOP_MAX) {
			db_rollback(db);
			snprintf(err, errlen, "There are already %d top stories: take one off first.",
			         FRONT_TOP_MAX);
			return -1;
		}
	} else {
		st = db_prepare(db, sql_lead_to_top);
		db_bind_int(st, 1, article_id);
		rc = db_step(st);
		db_done(st);
		if (rc != DB_OK)
			goto fail;
	}
	st = db_prepare(db, sql_upsert);
	db_bind_int(st, 1, article_id);
	db_bind_text(st, 2, slot == FRONT_LEAD ? "lead" : "top");
	db_bind_int(st, 3, position);
	db_bind_int(st, 4, pinned_until);
	db_bind_int(st, 5, now);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		goto fail;
	if (db_commit(db) == DB_OK)
		return 0;
fail:
	db_rollback(db);
	snprintf(err, errlen, "The front page could not be saved; please try again.");
	return -1;
}

int front_remove(struct db *db, long long article_id)
{
	struct db_stmt *st = db_prepare(db, sql_remove);
	db_bind_int(st, 1, article_id);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int front_expire(struct db *db, long long now)
{
	/* A read first: the tick's usual answer is "none", and a read takes
	** no write lock. */
	struct db_stmt *st = db_prepare(db, sql_has_expiring);
	db_bind_int(st, 1, now);
	int any = db_step(st) == DB_ROW;
	db_done(st);
	if (!any)
		return 0;
	st = db_prepare(db, sql_expire);
	db_bind_int(st, 1, now);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_changes(db) : -1;
}
