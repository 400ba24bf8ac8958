/*
** redirect.c: the redirects table (redirect.h).
**
** Keys are stored in one spelling whatever the spelling given: the path
** percent-decoded (so "/caf%C3%A9/" and "/café/" are one key), the query
** with each name and value decoded and encoded again by esc_url_part()
** ("tag=caf%c3%a9", "tag=café" and "tag=caf%C3%A9" are one key), its
** parameters in the order given.
*/
#include "model/redirect.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/utf8.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

static const char sql_find[] = "SELECT to_path FROM redirects WHERE from_path = ?1";
static const char sql_remove[] = "DELETE FROM redirects WHERE from_path = ?1";
static const char sql_count[] = "SELECT count(*) FROM redirects";

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	     : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Appends s[0..n) decoded (%XX, '+' as a space) and encoded again. */
static void recode(struct buf *b, const char *s, size_t n)
{
	struct buf raw = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			buf_putc(&raw, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			buf_putc(&raw, s[i] == '+' ? ' ' : s[i]);
		}
	}
	esc_url_part(b, raw.data ? raw.data : "", raw.len);
	buf_free(&raw);
}

/* Appends query in its one spelling (see above). */
static void norm_query(struct buf *b, const char *query)
{
	const char *s = query;
	int first = 1;
	while (*s) {
		size_t n = strcspn(s, "&");
		if (n) {
			const char *eq = memchr(s, '=', n);
			if (!first)
				buf_putc(b, '&');
			first = 0;
			recode(b, s, eq ? (size_t)(eq - s) : n);
			if (eq) {
				buf_putc(b, '=');
				recode(b, eq + 1, n - (size_t)(eq + 1 - s));
			}
		}
		s += n;
		if (*s == '&')
			s++;
	}
}

/* The key for from ("/path?query"): the path part percent-decoded (as
** the server decodes request paths), the query kept.  Into b; -1 if the
** path is not one (no leading '/', a broken escape, a NUL, not UTF-8). */
static int make_key(struct buf *b, const char *path, size_t plen, const char *query)
{
	if (plen == 0 || path[0] != '/')
		return -1;
	size_t start = b->len;
	for (size_t i = 0; i < plen; i++) {
		char c = path[i];
		if (c == '%') {
			if (i + 2 >= plen)
				return -1;
			int h = hexval(path[i + 1]), l = h < 0 ? -1 : hexval(path[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return -1;
			buf_putc(b, (char)(h * 16 + l));
			i += 2;
		} else {
			buf_putc(b, c);
		}
	}
	if (!utf8_valid(b->data + start, b->len - start))
		return -1;
	if (query && *query) {
		buf_putc(b, '?');
		norm_query(b, query);
	}
	return 0;
}

/* The stored forms of a redirect: its key and its target.  0, or -1 (the
** bufs freed) if it is refused. */
static int stored(const char *from, const char *to_path, struct buf *key, struct buf *to)
{
	buf_init(key);
	buf_init(to);
	/* A path of this site: "//host" and "/\\host" name another one. */
	if (!from || !to_path || to_path[0] != '/' || to_path[1] == '/' || to_path[1] == '\\')
		return -1;
	const char *q = strchr(from, '?');
	if (make_key(key, from, q ? (size_t)(q - from) : strlen(from), q ? q + 1 : NULL) != 0 ||
	    !strcmp(buf_cstr(key), to_path)) {
		buf_free(key);
		return -1;
	}
	/* The target goes into a Location header: no controls or spaces, and
	** bytes past ASCII (a UTF-8 slug) percent-encoded. */
	for (const char *c = to_path; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u <= 0x20 || u == 0x7f) {
			buf_free(to);
			buf_free(key);
			return -1;
		}
		if (u >= 0x80)
			buf_printf(to, "%%%02X", u);
		else
			buf_putc(to, (char)u);
	}
	return 0;
}

int redirect_add(struct db *db, const char *from, const char *to_path)
{
	int refused;
	return redirect_add_n(db, &from, &to_path, 1, &refused) == 0 && !refused ? 0 : -1;
}

/* Up to REDIRECT_ADD_MAX redirects in one statement (a round trip on
** PostgreSQL), ?1 the time, then each one's key and target. */
#define ADD_ROW(k, t) "(?" #k ", ?" #t ", ?1)"
#define ADD_END                                                                      \
	" ON CONFLICT(from_path) DO UPDATE SET to_path = excluded.to_path"               \
	" WHERE redirects.to_path <> excluded.to_path"
static const char *const sql_add_n[REDIRECT_ADD_MAX] = {
    "INSERT INTO redirects(from_path, to_path, created_at) VALUES " ADD_ROW(2, 3) ADD_END,
    "INSERT INTO redirects(from_path, to_path, created_at) VALUES " ADD_ROW(2, 3) ", "
    ADD_ROW(4, 5) ADD_END,
    "INSERT INTO redirects(from_path, to_path, created_at) VALUES " ADD_ROW(2, 3) ", "
    ADD_ROW(4, 5) ", " ADD_ROW(6, 7) ADD_END,
    "INSERT INTO redirects(from_path, to_path, created_at) VALUES " ADD_ROW(2, 3) ", "
    ADD_ROW(4, 5) ", " ADD_ROW(6, 7) ", " ADD_ROW(8, 9) ADD_END,
};

int redirect_add_n(struct db *db, const char *const *from, const char *const *to_path, int n,
                   int *refused)
{
	struct buf key[REDIRECT_ADD_MAX], to[REDIRECT_ADD_MAX];
	int ok[REDIRECT_ADD_MAX], rows = 0;
	if (n < 0 || n > REDIRECT_ADD_MAX)
		return -1;
	for (int i = 0; i < n; i++) {
		refused[i] = stored(from[i], to_path[i], &key[i], &to[i]) != 0;
		ok[i] = !refused[i];
	}
	/* One row a key (a statement may not change a row twice): the last. */
	for (int i = 0; i < n; i++)
		for (int k = i + 1; k < n && ok[i]; k++)
			if (ok[k] && key[i].len == key[k].len && !memcmp(key[i].data, key[k].data, key[i].len))
				ok[i] = 0;
	for (int i = 0; i < n; i++)
		rows += ok[i];
	int rc = DB_OK;
	if (rows) {
		struct db_stmt *st = db_prepare(db, sql_add_n[rows - 1]);
		db_bind_int(st, 1, (long long)time(NULL));
		int p = 2;
		for (int i = 0; i < n; i++)
			if (ok[i]) {
				db_bind_textn(st, p++, key[i].data, key[i].len);
				db_bind_textn(st, p++, to[i].data, to[i].len);
			}
		rc = db_step(st);
		db_done(st);
	}
	for (int i = 0; i < n; i++)
		if (!refused[i]) {
			buf_free(&key[i]);
			buf_free(&to[i]);
		}
	return rc == DB_OK ? 0 : -1;
}

static const char *lookup(struct db *db, struct arena *a, const char *key, size_t n)
{
	struct db_stmt *st = db_prepare(db, sql_find);
	db_bind_textn(st, 1, key, n);
	const char *to = db_step(st) == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : NULL;
	db_done(st);
	return to;
}

const char *redirect_find(struct db *db, struct arena *a, const char *path, const char *query)
{
	if (!path || path[0] != '/')
		return NULL;
	struct buf b = BUF_INIT;
	if (make_key(&b, path, strlen(path), query) != 0) {
		buf_free(&b);
		return NULL;
	}
	const char *to = lookup(db, a, b.data, b.len);
	size_t plen = strlen(path);
	if (!to && plen > 1) {
		/* The same path with or without its trailing slash. */
		const char *other = path[plen - 1] == '/' ? arena_strndup(a, path, plen - 1)
		                                          : arena_printf(a, "%s/", path);
		buf_reset(&b);
		if (make_key(&b, other, strlen(other), query) == 0)
			to = lookup(db, a, b.data, b.len);
	}
	buf_free(&b);
	return to;
}

int redirect_remove(struct db *db, const char *from)
{
	const char *q = strchr(from, '?');
	struct buf key = BUF_INIT;
	if (make_key(&key, from, q ? (size_t)(q - from) : strlen(from), q ? q + 1 : NULL) != 0) {
		buf_free(&key);
		return -1;
	}
	struct db_stmt *st = db_prepare(db, sql_remove);
	db_bind_textn(st, 1, key.data, key.len);
	int rc = db_step(st);
	db_done(st);
	buf_free(&key);
	return rc == DB_OK ? 0 : -1;
}

long long redirect_count(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_count);
	long long n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

static const char sql_retarget[] = "UPDATE redirects SET to_path = ?2 WHERE to_path = ?1";

/* to_path as redirect_add() stores it (bytes past ASCII percent-encoded). */
static void encode_target(struct buf *b, const char *path)
{
	for (const char *c = path; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u >= 0x80)
			buf_printf(b, "%%%02X", u);
		else
			buf_putc(b, (char)u);
	}
}

int redirect_move(struct db *db, const char *old_path, const char *new_path)
{
	if (!old_path || !new_path || old_path[0] != '/' || new_path[0] != '/' ||
	    !strcmp(old_path, new_path))
		return -1;
	/* The new address is live now: nothing may send it elsewhere. */
	if (redirect_remove(db, new_path) != 0)
		return -1;
	struct buf from = BUF_INIT, to = BUF_INIT;
	encode_target(&from, old_path);
	encode_target(&to, new_path);
	struct db_stmt *st = db_prepare(db, sql_retarget);
	db_bind_textn(st, 1, from.data, from.len);
	db_bind_textn(st, 2, to.data, to.len);
	int rc = db_step(st);
	db_done(st);
	buf_free(&from);
	buf_free(&to);
	if (rc != DB_OK)
		return -1;
	return redirect_add(db, old_path, new_path);
}
