/*
** apppass.c: application passwords (apppass.h).
*/
#include "model/apppass.h"
#include "model/account.h"
#include "model/session.h"
#include "core/arena.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char sql_insert[] =
    "INSERT INTO app_passwords(user_id, name, hash, created_at) VALUES (?1, ?2, ?3, ?4)";
static const char sql_count[] = "SELECT count(*) FROM app_passwords WHERE user_id = ?1";
static const char sql_list[] =
    "SELECT id, name, created_at, last_used_at, last_ip FROM app_passwords"
    " WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 200";
static const char sql_revoke[] = "DELETE FROM app_passwords WHERE user_id = ?1 AND id = ?2";
static const char sql_user_by_login[] =
    "SELECT id, role FROM users WHERE (email = lower(?1) OR slug = ?1)"
    " AND password_hash IS NOT NULL";
static const char sql_find[] =
    "SELECT id, last_used_at FROM app_passwords WHERE user_id = ?1 AND hash = ?2";
static const char sql_used[] =
    "UPDATE app_passwords SET last_used_at = ?2, last_ip = ?3 WHERE id = ?1";

/* The stored form of a password: hex BLAKE2b-256 of its letters and digits
** alone (spaces and dashes, as pasted, do not count). */
static char *hash(struct arena *a, const char *pw, size_t n)
{
	char clean[64];
	size_t k = 0;
	for (size_t i = 0; i < n && k < sizeof clean; i++) {
		char c = pw[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			clean[k++] = c;
	}
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)clean, k, NULL, 0);
	char *hex = arena_alloc(a, 2 * sizeof h + 1);
	sodium_bin2hex(hex, 2 * sizeof h + 1, h, sizeof h);
	sodium_memzero(clean, sizeof clean);
	return hex;
}

long long apppass_create(struct db *db, struct arena *a, long long user_id, const char *name,
                         long long now, const char **shown, char *err, size_t errlen)
{
	static const char alphabet[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct db_stmt *st = db_prepare(db, sql_count);
	db_bind_int(st, 1, user_id);
	long long have = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	if (have >= APPPASS_PER_USER) {
		snprintf(err, errlen, "You already have %d application passwords: revoke one you no "
		         "longer use first.", APPPASS_PER_USER);
		return -1;
	}
	char pw[APPPASS_CHARS + 1];
	for (int i = 0; i < APPPASS_CHARS; i++)
		pw[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	pw[APPPASS_CHARS] = 0;
	char *groups = arena_alloc(a, APPPASS_CHARS + APPPASS_CHARS / 4);
	size_t k = 0;
	for (int i = 0; i < APPPASS_CHARS; i++) {
		if (i && i % 4 == 0)
			groups[k++] = ' ';
		groups[k++] = pw[i];
	}
	groups[k] = 0;
	st = db_prepare(db, sql_insert);
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, hash(a, pw, APPPASS_CHARS));
	db_bind_int(st, 4, now);
	int rc = db_step(st);
	db_done(st);
	sodium_memzero(pw, sizeof pw);
	if (rc != DB_OK) {
		snprintf(err, errlen, "The password could not be saved: %s", db_errmsg(db));
		return -1;
	}
	*shown = groups;
	return db_last_id(db);
}

struct apppass *apppass_list(struct db *db, struct arena *a, long long user_id, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_list);
	db_bind_int(st, 1, user_id);
	size_t cap = 8, k = 0;
	struct apppass *list = arena_alloc(a, cap * sizeof *list);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct apppass *bigger = arena_alloc(a, 2 * cap * sizeof *list);
			memcpy(bigger, list, cap * sizeof *list);
			list = bigger, cap *= 2;
		}
		struct apppass *r = &list[k++];
		r->id = db_col_int(st, 0);
		r->name = arena_strdup(a, db_col_text(st, 1));
		r->created_at = db_col_int(st, 2);
		r->last_used_at = db_col_int(st, 3);
		r->last_ip = arena_strdup(a, db_col_text(st, 4));
	}
	db_done(st);
	*n = k;
	return list;
}

int apppass_revoke(struct db *db, long long user_id, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_revoke);
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, id);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) ? 0 : 1;
}

/* Splits base64 "login:password" into its parts (allocated in a). */
static int decode(struct arena *a, const char *basic, const char **login, const char **pw,
                  size_t *pw_len)
{
	size_t blen = strlen(basic);
	while (blen && (basic[blen - 1] == ' ' || basic[blen - 1] == '\t'))
		blen--;
	if (blen == 0 || blen > 1024)
		return -1;
	unsigned char *bin = arena_alloc(a, blen + 1);
	size_t n = 0;
	if (sodium_base642bin(bin, blen, basic, blen, NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	bin[n] = 0;
	const char *colon = memchr(bin, ':', n);
	if (!colon || memchr(bin, 0, n))
		return -1;
	*login = arena_strndup(a, (const char *)bin, (size_t)(colon - (const char *)bin));
	*pw = colon + 1;
	*pw_len = n - (size_t)(colon + 1 - (const char *)bin);
	return 0;
}

/* The user a login names: id and role, or 1 if none, -1 on error. */
static int user_of(struct db *db, const char *login, long long *id, enum role *role)
{
	struct db_stmt *st = db_prepare(db, sql_user_by_login);
	db_bind_text(st, 1, login);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*role = role_parse(db_col_text(st, 1));
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

int apppass_peek_role(struct db *db, struct arena *a, const char *basic)
{
	const char *login, *pw;
	size_t pw_len;
	long long uid;
	enum role role;
	if (decode(a, basic, &login, &pw, &pw_len) != 0 || user_of(db, login, &uid, &role) != 0)
		return -1;
	struct db_stmt *st = db_prepare(db, sql_find);
	db_bind_int(st, 1, uid);
	db_bind_text(st, 2, hash(a, pw, pw_len));
	int found = db_step(st) == DB_ROW;
	db_done(st);
	return found ? (int)role : -1;
}

enum apppass_result apppass_login(struct db *db, struct arena *a, const char *basic,
                                  const char *ip, long long now, struct apppass_login *out,
                                  const char **why)
{
	const char *login, *pw;
	size_t pw_len;
	if (decode(a, basic, &login, &pw, &pw_len) != 0) {
		*why = "The Authorization header is not HTTP Basic credentials (base64 of "
		       "login:password).";
		return APPPASS_BAD_HEADER;
	}
	long long uid = 0;
	enum role role = ROLE_NONE;
	int rc = user_of(db, login, &uid, &role);
	enum apppass_result res = APPPASS_OK;
	long long pass_id = 0, last_used = 0;
	if (rc < 0) {
		*why = "The site could not check these credentials just now; please try again.";
		return APPPASS_ERROR;
	}
	if (rc == 1 || role == ROLE_NONE) {
		res = APPPASS_NO_USER;
		*why = "Unknown username. Check again or try your email address.";
	} else {
		struct db_stmt *st = db_prepare(db, sql_find);
		db_bind_int(st, 1, uid);
		db_bind_text(st, 2, hash(a, pw, pw_len));
		int step = db_step(st);
		if (step == DB_ROW) {
			pass_id = db_col_int(st, 0);
			last_used = db_col_int(st, 1);
		}
		db_done(st);
		if (step < 0) {
			*why = "The site could not check these credentials just now; please try again.";
			return APPPASS_ERROR;
		}
		if (!pass_id) {
			res = APPPASS_BAD_PASSWORD;
			*why = "The provided password is an invalid application password (an account's "
			       "own password is never accepted here: make an application password in "
			       "your profile).";
		}
	}
	if (res != APPPASS_OK) {
		/* Counted as a failed sign-in of this login from this address. */
		long wait = 0;
		long long attempt = login_reserve(db, a, arena_printf(a, "api:%s", login), ip, &wait);
		if (attempt == 0) {
			*why = "Too many failed attempts from this address. Wait a few minutes, then "
			       "try again with an application password from your profile.";
			return APPPASS_TOO_MANY;
		}
		return res;
	}
	if (now - last_used >= 60) {
		struct db_stmt *st = db_prepare(db, sql_used);
		db_bind_int(st, 1, pass_id);
		db_bind_int(st, 2, now);
		db_bind_text(st, 3, ip ? ip : "");
		db_step(st);
		db_done(st);
	}
	out->user_id = uid;
	out->pass_id = pass_id;
	*why = NULL;
	return APPPASS_OK;
}
