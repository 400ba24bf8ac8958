/*
** session.c: sessions stored as token hashes, and failed sign-ins.
*/
#include "model/session.h"
#include "model/account.h"
#include "model/gate.h"
#include "core/netaddr.h"
#include "core/arena.h"
#include "db/db.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

static const char sql_insert[] =
    "INSERT INTO sessions(token_hash, user_id, csrf, created_at, seen_at, ip)"
    " VALUES (?1, ?2, ?3, ?4, ?4, ?5)";
static const char sql_find[] =
    "SELECT id, user_id, csrf, created_at, seen_at FROM sessions WHERE token_hash = ?1";
static const char sql_role[] =
    "SELECT u.role, s.created_at, s.seen_at FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.token_hash = ?1 AND u.suspended_at IS NULL";
static const char sql_delete_id[] = "DELETE FROM sessions WHERE id = ?1";
static const char sql_delete_hash[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char sql_delete_user[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char sql_list[] =
    "SELECT id, created_at, seen_at, ip FROM sessions WHERE user_id = ?1"
    " ORDER BY seen_at DESC, id DESC LIMIT 200";
static const char sql_delete_mine[] = "DELETE FROM sessions WHERE id = ?2 AND user_id = ?1";
static const char sql_delete_others[] = "DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2";
static const char sql_touch[] = "UPDATE sessions SET seen_at = ?2 WHERE id = ?1";
/* The attempt is counted before the password is checked, by one statement
** that also checks the limits: attempts running at once each see the others'
** rows, so no more than the limit get through (?1 account, ?2 address key,
** ?3 now, ?4 start of the window, ?5 and ?6 the two limits). */
static const char sql_reserve[] =
    "INSERT INTO login_failures(account, ip, at) SELECT ?1, ?2, ?3"
    " WHERE (SELECT count(*) FROM login_failures WHERE account = ?1 AND ip = ?2 AND at > ?4)"
    "   < ?5"
    " AND (SELECT count(*) FROM login_failures WHERE ip = ?2 AND at > ?4)"
    "   < ?6"
    " RETURNING id";
static const char sql_oldest_pair[] =
    "SELECT count(*), min(at) FROM login_failures WHERE account = ?1 AND ip = ?2 AND at > ?3";
static const char sql_oldest_ip[] =
    "SELECT count(*), min(at) FROM login_failures WHERE ip = ?1 AND at > ?2";
static const char sql_refund[] = "DELETE FROM login_failures WHERE id = ?1";
static const char sql_clear_pair[] = "DELETE FROM login_failures WHERE account = ?1 AND ip = ?2";
static const char sql_prune[] = "DELETE FROM login_failures WHERE at <= ?1";

static char *random_hex(struct arena *a)
{
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	char *hex = arena_alloc(a, sizeof raw * 2 + 1);
	sodium_bin2hex(hex, sizeof raw * 2 + 1, raw, sizeof raw);
	return hex;
}

char *session_create(struct db *db, struct arena *a, long long user_id, const char *ip,
                     struct session *out)
{
	char *token = random_hex(a);
	char *csrf = random_hex(a);
	long long now = (long long)time(NULL);
	struct db_stmt *st = db_prepare(db, sql_insert);
	db_bind_text(st, 1, account_hash_token(a, token));
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	db_bind_int(st, 4, now);
	db_bind_text(st, 5, ip ? ip : "");
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return NULL;
	out->id = db_last_id(db);
	out->user_id = user_id;
	out->csrf = csrf;
	out->created_at = now;
	out->seen_at = now;
	return token;
}

int session_find(struct db *db, struct arena *a, const char *token, long idle_seconds,
                 long max_seconds, struct session *out)
{
	if (!token || strlen(token) != 32)
		return 1;
	struct db_stmt *st = db_prepare(db, sql_find);
	db_bind_text(st, 1, account_hash_token(a, token));
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_OK ? 1 : -1;
	}
	out->id = db_col_int(st, 0);
	out->user_id = db_col_int(st, 1);
	out->csrf = arena_strdup(a, db_col_text(st, 2));
	out->created_at = db_col_int(st, 3);
	out->seen_at = db_col_int(st, 4);
	db_done(st);
	long long now = (long long)time(NULL);
	if (now - out->seen_at > idle_seconds || now - out->created_at > max_seconds) {
		st = db_prepare(db, sql_delete_id);
		db_bind_int(st, 1, out->id);
		db_step(st);
		db_done(st);
		return 1;
	}
	return 0;
}

int session_role(struct db *db, struct arena *a, const char *token, long idle_seconds,
                 long max_seconds)
{
	if (!token || strlen(token) != 32)
		return ROLE_NONE;
	struct db_stmt *st = db_prepare(db, sql_role);
	db_bind_text(st, 1, account_hash_token(a, token));
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_OK ? ROLE_NONE : -1;
	}
	enum role role = role_parse(db_col_text(st, 0));
	long long created_at = db_col_int(st, 1), seen_at = db_col_int(st, 2);
	db_done(st);
	long long now = (long long)time(NULL);
	if (now - seen_at > idle_seconds || now - created_at > max_seconds)
		return ROLE_NONE; /* session_find deletes it */
	return (int)role;
}

void session_touch(struct db *db, const struct session *s)
{
	long long now = (long long)time(NULL);
	if (now - s->seen_at < 60)
		return;
	struct db_stmt *st = db_prepare(db, sql_touch);
	db_bind_int(st, 1, s->id);
	db_bind_int(st, 2, now);
	db_step(st);
	db_done(st);
}

void session_end(struct db *db, struct arena *a, const char *token)
{
	if (!token || strlen(token) != 32)
		return;
	struct db_stmt *st = db_prepare(db, sql_delete_hash);
	db_bind_text(st, 1, account_hash_token(a, token));
	db_step(st);
	db_done(st);
}

void session_end_user(struct db *db, long long user_id)
{
	struct db_stmt *st = db_prepare(db, sql_delete_user);
	db_bind_int(st, 1, user_id);
	db_step(st);
	db_done(st);
}

char *login_address(struct arena *a, const char *ip)
{
	return netaddr_client(a, ip);
}

/* Steps st (a bound sql_oldest_*) and gives it back: if it counts `limit`
** failures or more, the seconds until the oldest leaves the window; else 0. */
static long wait_for(struct db_stmt *st, long long limit, long long now)
{
	long wait = 0;
	if (db_step(st) == DB_ROW && db_col_int(st, 0) >= limit)
		wait = (long)(db_col_int(st, 1) + LOGIN_WINDOW - now);
	db_done(st);
	return wait > 0 ? wait : 0;
}

long long login_reserve(struct db *db, struct arena *a, const char *account, const char *ip,
                        long *wait)
{
	const char *who = account_normal_email(a, account);
	const char *from = login_address(a, ip);
	long long now = (long long)time(NULL);
	*wait = 0;
	struct db_stmt *st = db_prepare(db, sql_prune);
	db_bind_int(st, 1, now - LOGIN_WINDOW);
	db_step(st);
	db_done(st);
	/* One attempt of an address at a time, on any engine (gate.h): the
	** counts below then see every attempt reserved before this one. */
	int own = !db_in_transaction(db) && db_begin(db) == DB_OK;
	long long id = -1;
	if (gate_take(db, from) == 0) {
		st = db_prepare(db, sql_reserve);
		db_bind_text(st, 1, who);
		db_bind_text(st, 2, from);
		db_bind_int(st, 3, now);
		db_bind_int(st, 4, now - LOGIN_WINDOW);
		db_bind_int(st, 5, LOGIN_MAX_FAILURES);
		db_bind_int(st, 6, LOGIN_MAX_ADDRESS_FAILURES);
		int rc = db_step(st);
		id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_OK ? 0 : -1;
		db_done(st);
	}
	if (own) {
		if (id > 0 && db_commit(db) != DB_OK)
			id = -1;
		else if (id <= 0)
			db_rollback(db);
	}
	if (id != 0)
		return id;
	/* Refused: how long until the pair, or the address, may try again. */
	st = db_prepare(db, sql_oldest_pair);
	db_bind_text(st, 1, who);
	db_bind_text(st, 2, from);
	db_bind_int(st, 3, now - LOGIN_WINDOW);
	long w1 = wait_for(st, LOGIN_MAX_FAILURES, now);
	st = db_prepare(db, sql_oldest_ip);
	db_bind_text(st, 1, from);
	db_bind_int(st, 2, now - LOGIN_WINDOW);
	long w2 = wait_for(st, LOGIN_MAX_ADDRESS_FAILURES, now);
	*wait = w1 > w2 ? w1 : w2;
	if (*wait < 1)
		*wait = 1; /* refused a moment ago: the window just moved */
	return 0;
}

void login_refund(struct db *db, long long attempt)
{
	struct db_stmt *st = db_prepare(db, sql_refund);
	db_bind_int(st, 1, attempt);
	db_step(st);
	db_done(st);
}

void login_succeeded(struct db *db, struct arena *a, const char *account, const char *ip)
{
	struct db_stmt *st = db_prepare(db, sql_clear_pair);
	db_bind_text(st, 1, account_normal_email(a, account));
	db_bind_text(st, 2, login_address(a, ip));
	db_step(st);
	db_done(st);
}

struct session_info *session_list(struct db *db, struct arena *a, long long user_id,
                                  size_t *n)
{
	struct session_info *list = arena_alloc(a, 200 * sizeof *list);
	size_t k = 0;
	struct db_stmt *st = db_prepare(db, sql_list);
	db_bind_int(st, 1, user_id);
	while (k < 200 && db_step(st) == DB_ROW) {
		list[k].id = db_col_int(st, 0);
		list[k].created_at = db_col_int(st, 1);
		list[k].seen_at = db_col_int(st, 2);
		list[k].ip = arena_strdup(a, db_col_text(st, 3));
		k++;
	}
	db_done(st);
	*n = k;
	return list;
}

static int delete_two(struct db *db, const char *sql, long long user_id, long long id)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, id);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_changes(db) : -1;
}

int session_end_id(struct db *db, long long user_id, long long id)
{
	int n = delete_two(db, sql_delete_mine, user_id, id);
	return n < 0 ? -1 : n > 0;
}

int session_end_others(struct db *db, long long user_id, long long keep)
{
	return delete_two(db, sql_delete_others, user_id, keep) < 0 ? -1 : 0;
}
