/*
** webhook.c: the webhooks table and the webhook_deliveries queue: adding,
** pausing and deleting hooks, queueing a test, claiming what is due,
** recording each attempt.
**
** The deliveries themselves are written by triggers (schema.c, migration
** 29), so that no model call that changes an article, a comment or a page
** can forget one, and none is written for a change that is rolled back.
*/
#include "model/webhook.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/url.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const webhook_event_names[WEBHOOK_N_EVENTS] = {
    "article.published", "article.updated", "article.unpublished", "comment.approved",
    "page.changed",
};

#define MAX_ERROR 500

static const char sql_insert[] =
    "INSERT INTO webhooks(url, events, secret, created_at, created_by)"
    " VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0))";
static const char sql_delete[] = "DELETE FROM webhooks WHERE id = ?1";
static const char sql_list[] =
    "SELECT id, url, events, secret, created_at, COALESCE(paused_at, 0),"
    " (SELECT count(*) FROM webhook_deliveries d WHERE d.hook_id = w.id"
    "  AND d.gave_up_at IS NOT NULL),"
    " (SELECT COALESCE(max(gave_up_at), 0) FROM webhook_deliveries d WHERE d.hook_id = w.id),"
    " (SELECT COALESCE(max(delivered_at), 0) FROM webhook_deliveries d WHERE d.hook_id = w.id)"
    " FROM webhooks w ORDER BY id";
static const char sql_pause[] =
    "UPDATE webhooks SET paused_at = CASE WHEN ?2 THEN COALESCE(paused_at, ?3) END"
    " WHERE id = ?1";
static const char sql_hook_state[] = "SELECT COALESCE(paused_at, 0), url FROM webhooks WHERE id = ?1";
static const char sql_ping[] =
    "INSERT INTO webhook_deliveries(hook_id, event, event_id, object_type, object_id,"
    " object_title, created_at, next_at) VALUES (?1, 'ping', ?2, 'webhook', ?1, ?3, ?4, ?4)";
/* The two reads of deliveries share their columns (read_deliveries()). */
#define DELIVERY_COLUMNS \
    "SELECT d.id, d.hook_id, w.url, w.secret, d.event, d.event_id, d.created_at, d.attempts," \
    " d.status_code, d.last_error, COALESCE(d.last_at, 0), d.next_at," \
    " COALESCE(d.delivered_at, 0), COALESCE(d.gave_up_at, 0), d.object_type, d.object_id," \
    " d.object_parent, d.object_slug, d.object_title, d.object_status, d.object_time" \
    " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.hook_id"
static const char sql_log[] = DELIVERY_COLUMNS " ORDER BY d.id DESC LIMIT ?1";
static const char sql_due[] = DELIVERY_COLUMNS
    " WHERE d.delivered_at IS NULL AND d.gave_up_at IS NULL"
    " AND d.claimed_at IS NULL AND w.paused_at IS NULL AND d.next_at <= ?2 ORDER BY d.next_at, d.id LIMIT ?1";
static const char sql_claim[] =
    "UPDATE webhook_deliveries SET claimed_at = ?1 WHERE id = ?2 AND claimed_at IS NULL"
    " AND delivered_at IS NULL AND gave_up_at IS NULL";
static const char sql_delivered[] =
    "UPDATE webhook_deliveries SET delivered_at = ?2, status_code = ?3, last_at = ?2,"
    " attempts = attempts + 1, last_error = '', claimed_at = NULL WHERE id = ?1";
static const char sql_failed_get[] =
    "SELECT attempts, created_at FROM webhook_deliveries WHERE id = ?1";
static const char sql_failed[] =
    "UPDATE webhook_deliveries SET attempts = attempts + 1, status_code = ?2,"
    " last_error = ?3, last_at = ?4, next_at = ?5, claimed_at = NULL,"
    " gave_up_at = CASE WHEN ?6 <> 0 THEN ?4 END WHERE id = ?1";
static const char sql_attempt[] =
    "INSERT INTO webhook_attempts(delivery_id, at, status_code, error) VALUES (?1, ?2, ?3, ?4)";
static const char sql_attempts[] =
    "SELECT a.delivery_id, d.event, w.url, a.at, a.status_code, a.error,"
    " (SELECT count(*) FROM webhook_attempts b WHERE b.delivery_id = a.delivery_id"
    "  AND b.id <= a.id)"
    " FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
    " JOIN webhooks w ON w.id = d.hook_id ORDER BY a.id DESC LIMIT ?1";
static const char sql_unclaim[] =
    "UPDATE webhook_deliveries SET claimed_at = NULL WHERE id = ?1";
static const char sql_release_stale[] =
    "UPDATE webhook_deliveries SET claimed_at = NULL WHERE claimed_at < ?1";
static const char sql_release[] =
    "UPDATE webhook_deliveries SET claimed_at = NULL WHERE claimed_at IS NOT NULL";

/* 1 if name[0..n) is one of the events. */
static int is_event(const char *name, size_t n)
{
	for (int i = 0; i < WEBHOOK_N_EVENTS; i++)
		if (strlen(webhook_event_names[i]) == n && !memcmp(webhook_event_names[i], name, n))
			return 1;
	return 0;
}

long long webhook_add(struct db *db, const char *url, const char *events,
                      long long created_by, char *secret, char *err, size_t errlen)
{
	size_t n = strlen(url);
	if (n == 0 || n > WEBHOOK_URL_MAX || !url_is_web(url, n)) {
		snprintf(err, errlen, "The URL must be a whole web address starting with http:// "
		                      "or https://, at most %d characters.", WEBHOOK_URL_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f) {
			snprintf(err, errlen, "The URL cannot hold spaces or control characters.");
			return -1;
		}
	size_t k = 0;
	for (const char *s = events; *s;) {
		size_t len = strcspn(s, ",");
		if (!is_event(s, len)) {
			snprintf(err, errlen, "Choose the events from the list.");
			return -1;
		}
		k++;
		s += len;
		if (*s)
			s++;
	}
	if (k == 0) {
		snprintf(err, errlen, "Choose at least one event to send.");
		return -1;
	}
	unsigned char raw[WEBHOOK_SECRET_LEN / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(secret, WEBHOOK_SECRET_LEN + 1, raw, sizeof raw);
	struct db_stmt *st = db_prepare(db, sql_insert);
	db_bind_text(st, 1, url);
	db_bind_text(st, 2, events);
	db_bind_text(st, 3, secret);
	db_bind_int(st, 4, (long long)time(NULL));
	db_bind_int(st, 5, created_by);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		snprintf(err, errlen, "The webhook could not be saved; please try again.");
		return -1;
	}
	return db_last_id(db);
}

int webhook_delete(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_delete);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) ? 0 : 1;
}

int webhook_pause(struct db *db, long long id, int paused)
{
	struct db_stmt *st = db_prepare(db, sql_pause);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, paused ? 1 : 0);
	db_bind_int(st, 3, (long long)time(NULL));
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) ? 0 : 1;
}

int webhook_ping(struct db *db, long long id, long long *delivery)
{
	*delivery = 0;
	struct db_stmt *st = db_prepare(db, sql_hook_state);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	long long paused = rc == DB_ROW ? db_col_int(st, 0) : 0;
	char url[WEBHOOK_URL_MAX + 1] = "";
	if (rc == DB_ROW)
		snprintf(url, sizeof url, "%s", db_col_text(st, 1));
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_OK ? 1 : -1;
	if (paused)
		return 2;
	unsigned char raw[16];
	char event_id[2 * sizeof raw + 1];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(event_id, sizeof event_id, raw, sizeof raw);
	st = db_prepare(db, sql_ping);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, event_id);
	db_bind_text(st, 3, url);
	db_bind_int(st, 4, (long long)time(NULL));
	rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	*delivery = db_last_id(db);
	return 0;
}

struct webhook *webhook_list(struct db *db, struct arena *a, size_t *n)
{
	*n = 0;
	size_t cap = 8;
	struct webhook *list = arena_alloc(a, cap * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_list);
	while (db_step(st) == DB_ROW) {
		if (*n == cap) {
			struct webhook *bigger = arena_alloc(a, 2 * cap * sizeof *list);
			memcpy(bigger, list, cap * sizeof *list);
			list = bigger;
			cap *= 2;
		}
		struct webhook *w = &list[(*n)++];
		w->id = db_col_int(st, 0);
		w->url = arena_strdup(a, db_col_text(st, 1));
		w->events = arena_strdup(a, db_col_text(st, 2));
		w->secret = arena_strdup(a, db_col_text(st, 3));
		w->created_at = db_col_int(st, 4);
		w->paused_at = db_col_int(st, 5);
		w->failed = db_col_int(st, 6);
		w->last_failed_at = db_col_int(st, 7);
		w->last_delivered_at = db_col_int(st, 8);
	}
	db_done(st);
	return list;
}

/* "name":"value" (escaped), after a comma unless first. */
static void put_str(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, ",\"%s\":\"", name);
	esc_json_s(b, value);
	buf_putc(b, '"');
}

/* The payload of the current row of a DELIVERY_COLUMNS query (webhook.h). */
static char *payload(struct db_stmt *st, struct arena *a)
{
	struct buf b = BUF_INIT;
	const char *type = db_col_text(st, 14);
	buf_puts(&b, "{\"id\":\"");
	esc_json_s(&b, db_col_text(st, 5));
	buf_puts(&b, "\"");
	put_str(&b, "event", db_col_text(st, 4));
	buf_printf(&b, ",\"created_at\":%lld,\"object\":{\"type\":\"", db_col_int(st, 6));
	esc_json_s(&b, type);
	buf_printf(&b, "\",\"id\":%lld", db_col_int(st, 15));
	if (!strcmp(type, "webhook")) { /* a test: the hook and its address */
		put_str(&b, "url", db_col_text(st, 18));
		buf_puts(&b, "}}");
		char *ping = arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
		return ping;
	}
	int is_comment = !strcmp(type, "comment");
	if (is_comment)
		buf_printf(&b, ",\"article_id\":%lld", db_col_int(st, 16));
	else
		put_str(&b, "slug", db_col_text(st, 17));
	put_str(&b, is_comment ? "author_name" : !strcmp(type, "page") ? "title" : "headline",
	        db_col_text(st, 18));
	put_str(&b, "status", db_col_text(st, 19));
	if (!db_col_is_null(st, 20))
		buf_printf(&b, ",\"%s\":%lld", is_comment ? "created_at" : "published_at",
		           db_col_int(st, 20));
	buf_puts(&b, "}}");
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Reads the rows of a DELIVERY_COLUMNS query into up to `limit` deliveries. */
static struct webhook_delivery *read_deliveries(struct db_stmt *st, struct arena *a,
                                                int limit, size_t *n, int *rc)
{
	struct webhook_delivery *list = arena_alloc(a, (size_t)limit * sizeof *list);
	size_t k = 0;
	while ((*rc = db_step(st)) == DB_ROW && k < (size_t)limit) {
		struct webhook_delivery *d = &list[k++];
		d->id = db_col_int(st, 0);
		d->hook_id = db_col_int(st, 1);
		d->url = arena_strdup(a, db_col_text(st, 2));
		d->secret = arena_strdup(a, db_col_text(st, 3));
		d->event = arena_strdup(a, db_col_text(st, 4));
		d->payload = payload(st, a);
		d->object_type = arena_strdup(a, db_col_text(st, 14));
		d->object_slug = arena_strdup(a, db_col_text(st, 17));
		d->object_time = db_col_int(st, 20);
		d->created_at = db_col_int(st, 6);
		d->attempts = (int)db_col_int(st, 7);
		d->status_code = (int)db_col_int(st, 8);
		d->last_error = arena_strdup(a, db_col_text(st, 9));
		d->last_at = db_col_int(st, 10);
		d->next_at = db_col_int(st, 11);
		d->delivered_at = db_col_int(st, 12);
		d->gave_up_at = db_col_int(st, 13);
	}
	*n = k;
	return list;
}

struct webhook_delivery *webhook_log(struct db *db, struct arena *a, int limit, size_t *n)
{
	*n = 0;
	if (limit <= 0)
		return NULL;
	struct db_stmt *st = db_prepare(db, sql_log);
	db_bind_int(st, 1, limit);
	int rc;
	struct webhook_delivery *list = read_deliveries(st, a, limit, n, &rc);
	db_done(st);
	return list;
}

struct webhook_delivery *webhook_claim(struct db *db, struct arena *a, long long now,
                                       int limit, size_t *n)
{
	*n = 0;
	if (limit <= 0)
		return NULL;
	if (db_begin(db) != DB_OK)
		return NULL;
	struct db_stmt *st = db_prepare(db, sql_due);
	db_bind_int(st, 1, limit);
	db_bind_int(st, 2, now);
	int rc;
	size_t k;
	struct webhook_delivery *list = read_deliveries(st, a, limit, &k, &rc);
	db_done(st);
	if (rc != DB_OK && rc != DB_ROW) {
		db_rollback(db);
		return NULL;
	}
	for (size_t i = 0; i < k; i++) {
		st = db_prepare(db, sql_claim);
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, list[i].id);
		rc = db_step(st);
		db_done(st);
		if (rc != DB_OK) {
			db_rollback(db);
			return NULL;
		}
	}
	if (db_commit(db) != DB_OK)
		return NULL;
	*n = k;
	return list;
}

/* Adds a row to the attempts' log.  0 or -1. */
static int log_attempt(struct db *db, long long id, long long now, int status_code,
                       const char *error, size_t len)
{
	struct db_stmt *st = db_prepare(db, sql_attempt);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, status_code);
	db_bind_textn(st, 4, error, len);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

struct webhook_attempt *webhook_attempts(struct db *db, struct arena *a, int limit, size_t *n)
{
	*n = 0;
	if (limit <= 0)
		return NULL;
	struct webhook_attempt *list = arena_alloc(a, (size_t)limit * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_attempts);
	db_bind_int(st, 1, limit);
	while (db_step(st) == DB_ROW && *n < (size_t)limit) {
		struct webhook_attempt *t = &list[(*n)++];
		t->delivery_id = db_col_int(st, 0);
		t->event = arena_strdup(a, db_col_text(st, 1));
		t->url = arena_strdup(a, db_col_text(st, 2));
		t->at = db_col_int(st, 3);
		t->status_code = (int)db_col_int(st, 4);
		t->error = arena_strdup(a, db_col_text(st, 5));
		t->number = (int)db_col_int(st, 6);
	}
	db_done(st);
	return list;
}

int webhook_delivered(struct db *db, long long id, int status_code, long long now)
{
	if (db_begin(db) != DB_OK)
		return -1;
	if (log_attempt(db, id, now, status_code, "", 0) != 0) {
		db_rollback(db);
		return -1;
	}
	struct db_stmt *st = db_prepare(db, sql_delivered);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, status_code);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

int webhook_failed(struct db *db, long long id, int status_code, const char *error,
                   long long now, int retry_seconds)
{
	struct db_stmt *st = db_prepare(db, sql_failed_get);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	long long attempts = rc == DB_ROW ? db_col_int(st, 0) : -1;
	long long created = rc == DB_ROW ? db_col_int(st, 1) : 0;
	db_done(st);
	if (attempts < 0)
		return -1;
	long long delay = retry_seconds > 0 ? retry_seconds : 1;
	for (long long i = 0; i < attempts && delay < WEBHOOK_MAX_DELAY; i++)
		delay *= 2;
	if (delay > WEBHOOK_MAX_DELAY)
		delay = WEBHOOK_MAX_DELAY;
	long long next = now + delay;
	int give_up = next > created + WEBHOOK_GIVE_UP_SECONDS;
	size_t len = strlen(error);
	if (len > MAX_ERROR) {
		len = MAX_ERROR;
		while (len > 0 && ((unsigned char)error[len] & 0xC0) == 0x80)
			len--;
	}
	if (db_begin(db) != DB_OK)
		return -1;
	if (log_attempt(db, id, now, status_code, error, len) != 0) {
		db_rollback(db);
		return -1;
	}
	st = db_prepare(db, sql_failed);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, status_code);
	db_bind_textn(st, 3, error, len);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, next);
	db_bind_int(st, 6, give_up);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? give_up : -1;
}

int webhook_unclaim(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_unclaim);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int webhook_release_stale(struct db *db, long long before)
{
	struct db_stmt *st = db_prepare(db, sql_release_stale);
	db_bind_int(st, 1, before);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_changes(db) : -1;
}

int webhook_release_claims(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_release);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_changes(db) : -1;
}
