/*
** webmention.c: the webmentions_in and webmentions_out tables (migration
** 29): queueing, claiming and recording, and reading them for the desk.  What a mention means and how it
** is verified or sent is web/webmention.c's.
*/
#include "model/webmention.h"
#include "core/arena.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

static const char sql_count[] =
    "SELECT count(*) FROM webmentions_in WHERE done_at IS NULL";
static const char sql_insert[] =
    "INSERT INTO webmentions_in(source, target, article_id, ip, received_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_due[] =
    "SELECT id, source, target, article_id, ip FROM webmentions_in"
    " WHERE done_at IS NULL AND claimed_at IS NULL ORDER BY id LIMIT ?1";
static const char sql_claim[] = "UPDATE webmentions_in SET claimed_at = ?2 WHERE id = ?1";
static const char sql_done[] =
    "UPDATE webmentions_in SET done_at = ?2, result = ?3, reason = ?4,"
    " comment_id = NULLIF(?5, 0), claimed_at = NULL, verdict = ?6, http_status = ?7"
    " WHERE id = ?1";
static const char sql_received[] =
    "SELECT w.id, w.source, w.target, w.article_id, a.headline, w.received_at,"
    " COALESCE(w.done_at, 0), w.verdict, w.http_status, w.result, w.reason,"
    " COALESCE(w.comment_id, 0)"
    " FROM webmentions_in w JOIN articles a ON a.id = w.article_id"
    " WHERE (?2 = 0 OR w.article_id = ?2) AND (?3 = 0 OR a.author_id = ?3)"
    " ORDER BY w.id DESC LIMIT ?1";
static const char sql_sendings[] =
    "SELECT o.article_id, a.headline, o.queued_at, COALESCE(o.done_at, 0), o.report"
    " FROM webmentions_out o JOIN articles a ON a.id = o.article_id"
    " WHERE (?2 = 0 OR o.article_id = ?2) AND (?3 = 0 OR a.author_id = ?3)"
    " ORDER BY o.id DESC LIMIT ?1";
static const char sql_due_out[] =
    "SELECT id, article_id FROM webmentions_out"
    " WHERE done_at IS NULL AND claimed_at IS NULL ORDER BY id LIMIT ?1";
static const char sql_claim_out[] = "UPDATE webmentions_out SET claimed_at = ?2 WHERE id = ?1";
static const char sql_sent[] =
    "UPDATE webmentions_out SET done_at = ?2, report = ?3, claimed_at = NULL WHERE id = ?1";
static const char sql_stale_in[] =
    "UPDATE webmentions_in SET claimed_at = NULL WHERE claimed_at < ?1";
static const char sql_stale_out[] =
    "UPDATE webmentions_out SET claimed_at = NULL WHERE claimed_at < ?1";
static const char sql_release_in[] =
    "UPDATE webmentions_in SET claimed_at = NULL WHERE claimed_at IS NOT NULL";
static const char sql_release_out[] =
    "UPDATE webmentions_out SET claimed_at = NULL WHERE claimed_at IS NOT NULL";

long long webmention_queue(struct db *db, const char *source, const char *target,
                           long long article_id, const char *ip)
{
	if (db_begin(db) != DB_OK)
		return -1;
	struct db_stmt *st = db_prepare(db, sql_count);
	long long queued = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	if (queued < 0 || queued >= WEBMENTION_QUEUE_MAX) {
		db_rollback(db);
		return queued < 0 ? -1 : 0;
	}
	st = db_prepare(db, sql_insert);
	db_bind_text(st, 1, source);
	db_bind_text(st, 2, target);
	db_bind_int(st, 3, article_id);
	db_bind_text(st, 4, ip ? ip : "");
	db_bind_int(st, 5, (long long)time(NULL));
	int rc = db_step(st);
	db_done(st);
	long long id = db_last_id(db);
	if (rc != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? id : -1;
}

struct webmention_in *webmention_claim(struct db *db, struct arena *a, int limit, size_t *n)
{
	*n = 0;
	if (limit <= 0 || db_begin(db) != DB_OK)
		return NULL;
	struct webmention_in *list = arena_alloc(a, (size_t)limit * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_due);
	db_bind_int(st, 1, limit);
	while (db_step(st) == DB_ROW && *n < (size_t)limit) {
		struct webmention_in *m = &list[(*n)++];
		m->id = db_col_int(st, 0);
		m->source = arena_strdup(a, db_col_text(st, 1));
		m->target = arena_strdup(a, db_col_text(st, 2));
		m->article_id = db_col_int(st, 3);
		m->ip = arena_strdup(a, db_col_text(st, 4));
	}
	db_done(st);
	long long now = (long long)time(NULL);
	for (size_t i = 0; i < *n; i++) {
		st = db_prepare(db, sql_claim);
		db_bind_int(st, 1, list[i].id);
		db_bind_int(st, 2, now);
		db_step(st);
		db_done(st);
	}
	if (db_commit(db) != DB_OK) {
		*n = 0;
		return NULL;
	}
	return list;
}

int webmention_done(struct db *db, long long id, const char *result, const char *reason,
                    long long comment_id, enum webmention_verdict verdict, int http_status)
{
	struct db_stmt *st = db_prepare(db, sql_done);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, (long long)time(NULL));
	db_bind_text(st, 3, result);
	db_bind_text(st, 4, reason);
	db_bind_int(st, 5, comment_id);
	db_bind_text(st, 6, webmention_verdict_name(verdict));
	db_bind_int(st, 7, http_status);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

size_t webmention_claim_sends(struct db *db, long long *row_ids, long long *article_ids,
                              size_t limit)
{
	size_t n = 0;
	if (!limit || db_begin(db) != DB_OK)
		return 0;
	struct db_stmt *st = db_prepare(db, sql_due_out);
	db_bind_int(st, 1, (long long)limit);
	while (db_step(st) == DB_ROW && n < limit) {
		row_ids[n] = db_col_int(st, 0);
		article_ids[n] = db_col_int(st, 1);
		n++;
	}
	db_done(st);
	long long now = (long long)time(NULL);
	for (size_t i = 0; i < n; i++) {
		st = db_prepare(db, sql_claim_out);
		db_bind_int(st, 1, row_ids[i]);
		db_bind_int(st, 2, now);
		db_step(st);
		db_done(st);
	}
	return db_commit(db) == DB_OK ? n : 0;
}

int webmention_sent(struct db *db, long long row_id, const char *report)
{
	struct db_stmt *st = db_prepare(db, sql_sent);
	db_bind_int(st, 1, row_id);
	db_bind_int(st, 2, (long long)time(NULL));
	db_bind_text(st, 3, report);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int webmention_release_stale(struct db *db, long long before)
{
	int ok = 1;
	const char *const sqls[2] = {sql_stale_in, sql_stale_out};
	for (int i = 0; i < 2; i++) {
		struct db_stmt *st = db_prepare(db, sqls[i]);
		db_bind_int(st, 1, before);
		ok &= db_step(st) == DB_OK;
		db_done(st);
	}
	return ok ? 0 : -1;
}

int webmention_release_claims(struct db *db)
{
	int rc = db_exec(db, sql_release_in);
	int rc2 = db_exec(db, sql_release_out);
	return rc == DB_OK && rc2 == DB_OK ? 0 : -1;
}

struct webmention_seen *webmention_received(struct db *db, struct arena *a,
                                            long long article_id, long long owner, int limit,
                                            size_t *n)
{
	*n = 0;
	if (limit <= 0)
		return NULL;
	struct webmention_seen *list = arena_alloc(a, (size_t)limit * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_received);
	db_bind_int(st, 1, limit);
	db_bind_int(st, 2, article_id);
	db_bind_int(st, 3, owner);
	while (db_step(st) == DB_ROW && *n < (size_t)limit) {
		struct webmention_seen *m = &list[(*n)++];
		m->id = db_col_int(st, 0);
		m->source = arena_strdup(a, db_col_text(st, 1));
		m->target = arena_strdup(a, db_col_text(st, 2));
		m->article_id = db_col_int(st, 3);
		m->headline = arena_strdup(a, db_col_text(st, 4));
		m->received_at = db_col_int(st, 5);
		m->checked_at = db_col_int(st, 6);
		m->verdict = webmention_verdict_parse(db_col_text(st, 7));
		m->http_status = (int)db_col_int(st, 8);
		m->result = arena_strdup(a, db_col_text(st, 9));
		m->reason = arena_strdup(a, db_col_text(st, 10));
		m->comment_id = db_col_int(st, 11);
	}
	db_done(st);
	return list;
}

struct webmention_sending *webmention_sendings(struct db *db, struct arena *a,
                                               long long article_id, long long owner,
                                               int limit, size_t *n)
{
	*n = 0;
	if (limit <= 0)
		return NULL;
	struct webmention_sending *list = arena_alloc(a, (size_t)limit * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_sendings);
	db_bind_int(st, 1, limit);
	db_bind_int(st, 2, article_id);
	db_bind_int(st, 3, owner);
	while (db_step(st) == DB_ROW && *n < (size_t)limit) {
		struct webmention_sending *o = &list[(*n)++];
		o->article_id = db_col_int(st, 0);
		o->headline = arena_strdup(a, db_col_text(st, 1));
		o->queued_at = db_col_int(st, 2);
		o->done_at = db_col_int(st, 3);
		o->report = arena_strdup(a, db_col_text(st, 4));
	}
	db_done(st);
	return list;
}
