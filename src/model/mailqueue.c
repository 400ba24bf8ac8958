/*
** mailqueue.c: the mail_queue table: adding mail, finding what is due,
** recording each attempt.
**
** The checks in mail_enqueue are the only gate between text a reader typed
** and a message's header, so they are strict and do not depend on the
** sender doing anything right: an address that could carry a second
** recipient or a header never gets stored.
*/
#include "model/mailqueue.h"
#include "core/arena.h"
#include "core/email.h"
#include "core/log.h"
#include "core/utf8.h"
#include "db/db.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char sql_insert[] =
    "INSERT INTO mail_queue(to_addr, subject, body, created_at, next_at)"
    " VALUES (?1, ?2, ?3, ?4, ?4)";
static const char sql_due[] =
    "SELECT id, to_addr, subject, body, attempts FROM mail_queue"
    " WHERE sent_at IS NULL AND attempts < ?3 AND next_at <= ?1"
    " ORDER BY next_at, id LIMIT ?2";
static const char sql_sent[] =
    "UPDATE mail_queue SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL";
static const char sql_failed[] =
    "UPDATE mail_queue SET attempts = attempts + 1, last_error = ?2, next_at = ?3"
    " WHERE id = ?1 AND sent_at IS NULL RETURNING attempts";

static const char sql_claim[] =
    "UPDATE mail_queue SET next_at = ?2 WHERE id = ?1 AND sent_at IS NULL AND next_at <= ?3";
static const char sql_unclaim[] =
    "UPDATE mail_queue SET next_at = ?2 WHERE id = ?1 AND sent_at IS NULL";

#define MAX_ERROR 500

long long mail_enqueue(struct db *db, const char *to, const char *subject,
                       const char *body)
{
	size_t subject_len = strlen(subject), body_len = strlen(body);
	if (!email_valid(to) || subject_len > MAIL_MAX_SUBJECT ||
	    body_len > MAIL_MAX_BODY || !utf8_valid(subject, subject_len) ||
	    !utf8_valid(body, body_len))
		return MAIL_REFUSED;
	/* A CR or LF in a subject would start a new header line; other control
	** characters have no business there either.  A space keeps the words
	** apart.  Replacing only ASCII bytes keeps valid UTF-8 valid. */
	char *clean = mem_alloc(subject_len + 1);
	for (size_t i = 0; i <= subject_len; i++) {
		unsigned char c = (unsigned char)subject[i];
		clean[i] = (c && (c < 0x20 || c == 0x7f)) ? ' ' : (char)c;
	}
	struct db_stmt *st = db_prepare(db, sql_insert);
	db_bind_text(st, 1, to);
	db_bind_text(st, 2, clean);
	db_bind_text(st, 3, body);
	db_bind_int(st, 4, (long long)time(NULL));
	int rc = db_step(st);
	db_done(st);
	free(clean);
	return rc == DB_OK ? db_last_id(db) : -1;
}

struct mail *mail_due(struct db *db, struct arena *a, long long now, int limit,
                      size_t *n)
{
	*n = 0;
	if (limit <= 0)
		return NULL;
	struct mail *list = arena_alloc(a, (size_t)limit * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_due);
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, MAIL_MAX_ATTEMPTS);
	int rc;
	size_t k = 0;
	while ((rc = db_step(st)) == DB_ROW && k < (size_t)limit) {
		struct mail *m = &list[k++];
		m->id = db_col_int(st, 0);
		m->to = arena_strdup(a, db_col_text(st, 1));
		m->subject = arena_strdup(a, db_col_text(st, 2));
		m->body = arena_strdup(a, db_col_text(st, 3));
		m->attempts = (int)db_col_int(st, 4);
	}
	db_done(st);
	if (rc != DB_OK && rc != DB_ROW)
		return NULL;
	*n = k;
	return list;
}

struct mail *mail_claim(struct db *db, struct arena *a, long long now, long long lease_until,
                        int limit, size_t *n)
{
	struct mail *list = mail_due(db, a, now, limit, n);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		struct db_stmt *st = db_prepare(db, sql_claim);
		db_bind_int(st, 1, list[i].id);
		db_bind_int(st, 2, lease_until);
		db_bind_int(st, 3, now);
		int rc = db_step(st);
		db_done(st);
		if (rc == DB_OK && db_changes(db) == 1)
			list[k++] = list[i];
	}
	*n = k;
	return k ? list : NULL;
}

int mail_unclaim(struct db *db, long long id, long long now)
{
	struct db_stmt *st = db_prepare(db, sql_unclaim);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int mail_sent(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_sent);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, (long long)time(NULL));
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) == 1 ? 0 : 1;
}

int mail_failed(struct db *db, long long id, const char *error, long long next_at)
{
	/* Cut long messages at a character boundary. */
	size_t len = strlen(error);
	if (len > MAX_ERROR) {
		len = MAX_ERROR;
		while (len > 0 && ((unsigned char)error[len] & 0xC0) == 0x80)
			len--;
	}
	struct db_stmt *st = db_prepare(db, sql_failed);
	db_bind_int(st, 1, id);
	db_bind_textn(st, 2, error, len);
	db_bind_int(st, 3, next_at);
	int rc = db_step(st);
	long long attempts = rc == DB_ROW ? db_col_int(st, 0) : -1;
	if (rc == DB_ROW)
		rc = db_step(st); /* finishes the UPDATE */
	db_done(st);
	if (rc != DB_OK || attempts < 0)
		return -1;
	return attempts >= MAIL_MAX_ATTEMPTS ? 1 : 0;
}

long long mail_retry_at(int attempts, long long now)
{
	static const long long delay[] = {30, 120, 600, 3600, 3 * 3600, 6 * 3600, 12 * 3600};
	size_t n = sizeof delay / sizeof *delay;
	size_t i = attempts < 1 ? 0 : (size_t)attempts - 1;
	return now + delay[i < n ? i : n - 1];
}
