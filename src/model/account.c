/*
** account.c: staff accounts and their one-time password links.
*/
#include "model/account.h"
#include "model/author.h"
#include "core/arena.h"
#include "core/email.h"
#include "core/text.h"
#include "db/db.h"
#include "render/i18n.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const role_names[] = {"", "contributor", "author", "editor",
                                         "administrator"};
static const char *const role_labels[] = {"", DN_("Contributor"), DN_("Author"),
                                          DN_("Editor"), DN_("Administrator")}; /* desk's */

enum role role_parse(const char *s)
{
	for (int r = ROLE_CONTRIBUTOR; s && r <= ROLE_ADMIN; r++)
		if (!strcmp(s, role_names[r]))
			return (enum role)r;
	return ROLE_NONE;
}

const char *role_name(enum role r)
{
	return role_names[r >= ROLE_NONE && r <= ROLE_ADMIN ? r : 0];
}

const char *role_label(enum role r)
{
	return role_labels[r >= ROLE_NONE && r <= ROLE_ADMIN ? r : 0];
}

enum md_trust role_trust(enum role r)
{
	return r >= ROLE_EDITOR ? MD_TRUSTED : MD_LIMITED;
}

enum role role_of_body(const char *old_src, enum role old_role, const char *src,
                       enum role saver)
{
	enum role r = old_src && !strcmp(old_src, src) ? old_role : saver;
	return r >= ROLE_CONTRIBUTOR ? r : ROLE_CONTRIBUTOR;
}

#define ACCOUNT_COLS \
	"id, COALESCE(email, ''), display_name, slug, role, COALESCE(password_hash, ''), bio," \
	" avatar_path, links, COALESCE(suspended_at, 0)"

static const char sql_by_email[] = "SELECT " ACCOUNT_COLS " FROM users WHERE email = ?1";
static const char sql_by_id[] = "SELECT " ACCOUNT_COLS " FROM users WHERE id = ?1";
static const char sql_list[] = "SELECT " ACCOUNT_COLS " FROM users ORDER BY display_name";
static const char sql_set_password[] = "UPDATE users SET password_hash = ?2 WHERE id = ?1";
static const char sql_set_role[] = "UPDATE users SET role = ?2 WHERE id = ?1";
static const char sql_slug_owner[] = "SELECT id FROM users WHERE slug = ?1";
static const char sql_set_profile[] =
    "UPDATE users SET display_name = ?2, slug = ?3, bio = ?4, avatar_path = ?5, links = ?6"
    " WHERE id = ?1";
static const char sql_link_insert[] =
    "INSERT INTO password_links(token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)";
static const char sql_link_use[] =
    "UPDATE password_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL"
    " AND expires_at > ?2 AND user_id IN (SELECT id FROM users WHERE suspended_at IS NULL)"
    " RETURNING user_id";
/* Ends every still-open link of user ?1 but the one whose hash is ?3 (or all:
** ?3 NULL) by moving its expiry to now (?2): their rows stay, as used ones do. */
static const char sql_link_end_others[] =
    "UPDATE password_links SET expires_at = ?2 WHERE user_id = ?1 AND used_at IS NULL"
    " AND expires_at > ?2 AND (?3 IS NULL OR token_hash <> ?3)";
static const char sql_link_valid[] =
    "SELECT 1 FROM password_links WHERE token_hash = ?1 AND used_at IS NULL"
    " AND expires_at > ?2 AND user_id IN (SELECT id FROM users WHERE suspended_at IS NULL)";
static const char sql_suspend[] =
    "UPDATE users SET suspended_at = ?2 WHERE id = ?1 AND suspended_at IS NULL";
static const char sql_unsuspend[] = "UPDATE users SET suspended_at = NULL WHERE id = ?1";
static const char sql_end_sessions[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char sql_admins_active[] =
    "SELECT count(*) FROM users WHERE role = 'administrator' AND suspended_at IS NULL"
    " AND password_hash IS NOT NULL AND password_hash <> ''";
/* Deleting an account: what it wrote moves to the heir (?2) first. */
static const char *const sql_delete_steps[] = {
    "UPDATE articles SET author_id = ?2 WHERE author_id = ?1",
    /* A co-author row: the heir's, unless the heir is on that article already. */
    "UPDATE article_authors SET user_id = ?2 WHERE user_id = ?1 AND NOT EXISTS"
    " (SELECT 1 FROM article_authors h WHERE h.article_id = article_authors.article_id"
    " AND h.user_id = ?2)",
    "DELETE FROM article_authors WHERE user_id = ?1",
    "UPDATE pages SET author_id = ?2 WHERE author_id = ?1",
    "UPDATE media SET uploaded_by = ?2 WHERE uploaded_by = ?1",
    "DELETE FROM users WHERE id = ?1",
    "INSERT INTO changes(kind, id) VALUES ('all', ?1)",
};

static void read_row(struct db_stmt *st, struct arena *a, struct account *out)
{
	out->id = db_col_int(st, 0);
	out->email = arena_strdup(a, db_col_text(st, 1));
	out->name = arena_strdup(a, db_col_text(st, 2));
	out->slug = arena_strdup(a, db_col_text(st, 3));
	out->role = role_parse(db_col_text(st, 4));
	out->password_hash = arena_strdup(a, db_col_text(st, 5));
	out->bio = arena_strdup(a, db_col_text(st, 6));
	out->avatar = arena_strdup(a, db_col_text(st, 7));
	out->links = arena_strdup(a, db_col_text(st, 8));
	out->suspended_at = db_col_int(st, 9);
}

static int read_one(struct db_stmt *st, struct arena *a, struct account *out)
{
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

char *account_normal_email(struct arena *a, const char *email)
{
	char *e = text_trim(a, email, strlen(email));
	for (char *p = e; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return e;
}

int account_by_email(struct db *db, struct arena *a, const char *email, struct account *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_email);
	db_bind_text(st, 1, account_normal_email(a, email));
	return read_one(st, a, out);
}

int account_by_id(struct db *db, struct arena *a, long long id, struct account *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_id);
	db_bind_int(st, 1, id);
	return read_one(st, a, out);
}

struct account *account_list(struct db *db, struct arena *a, size_t *n)
{
	size_t cap = 16, k = 0;
	struct account *list = arena_alloc(a, cap * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_list);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct account *bigger = arena_alloc(a, 2 * cap * sizeof *list);
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

long long account_create(struct db *db, struct arena *a, const char *email, const char *name,
                         enum role role, char *err, size_t errlen)
{
	char *e = account_normal_email(a, email);
	if (!email_valid(e)) {
		snprintf(err, errlen, "'%s' is not an email address", email);
		return -1;
	}
	if (role == ROLE_NONE) {
		snprintf(err, errlen, "the role must be administrator, editor, author or contributor");
		return -1;
	}
	char *nm = text_trim(a, name, strlen(name));
	if (!*nm) {
		snprintf(err, errlen, "the name is empty");
		return -1;
	}
	struct account existing;
	if (account_by_email(db, a, e, &existing) == 0) {
		snprintf(err, errlen, "an account with the email %s already exists", e);
		return -1;
	}
	char *base = text_slug(a, nm);
	if (!*base)
		base = "author";
	char *slug = base;
	for (int i = 2; i < 1000; i++) {
		struct db_stmt *st = db_prepare(db, sql_slug_owner);
		db_bind_text(st, 1, slug);
		int taken = db_step(st) == DB_ROW;
		db_done(st);
		if (!taken)
			break;
		slug = arena_printf(a, "%s-%d", base, i);
	}
	long long id = author_create(db, nm, slug, "", "", role_name(role), e);
	if (id < 0)
		snprintf(err, errlen, "cannot create the account: %s", db_errmsg(db));
	return id;
}

int account_set_password(struct db *db, long long id, const char *hash)
{
	struct db_stmt *st = db_prepare(db, sql_set_password);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, hash);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int account_set_role(struct db *db, long long id, enum role role)
{
	if (role == ROLE_NONE)
		return -1;
	struct db_stmt *st = db_prepare(db, sql_set_role);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, role_name(role));
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int account_set_profile(struct db *db, long long id, const char *name, const char *slug,
                        const char *bio, const char *avatar, const char *links,
                        char *err, size_t errlen)
{
	if (!name || !*name) {
		snprintf(err, errlen, "Please enter a display name.");
		return -1;
	}
	if (!text_is_slug(slug)) {
		snprintf(err, errlen, "The slug may hold only a-z, 0-9 and single dashes.");
		return -1;
	}
	struct db_stmt *st = db_prepare(db, sql_slug_owner);
	db_bind_text(st, 1, slug);
	long long owner = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	if (owner && owner != id) {
		snprintf(err, errlen, "The slug '%s' belongs to another author.", slug);
		return -1;
	}
	st = db_prepare(db, sql_set_profile);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, slug);
	db_bind_text(st, 4, bio);
	db_bind_text(st, 5, avatar);
	db_bind_text(st, 6, links);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		snprintf(err, errlen, "The profile could not be saved: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

char *account_hash_token(struct arena *a, const char *s)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	char *hex = arena_alloc(a, sizeof h * 2 + 1);
	sodium_bin2hex(hex, sizeof h * 2 + 1, h, sizeof h);
	return hex;
}

/* Ends user_id's open links other than the one hashed `keep` (NULL: all). */
static int link_end_others(struct db *db, long long user_id, const char *keep, long long now)
{
	struct db_stmt *st = db_prepare(db, sql_link_end_others);
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, now);
	db_bind_text(st, 3, keep);
	int rc = db_step(st);
	db_done(st);
	return rc;
}

char *account_link_new(struct db *db, struct arena *a, long long user_id, long seconds)
{
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	char *token = arena_alloc(a, sizeof raw * 2 + 1);
	sodium_bin2hex(token, sizeof raw * 2 + 1, raw, sizeof raw);
	long long now = (long long)time(NULL);
	if (db_begin(db) != DB_OK)
		return NULL;
	/* As WordPress does with reset keys: a new link ends the older ones,
	** so only the link sent last can set the password. */
	int rc = link_end_others(db, user_id, NULL, now);
	if (rc == DB_OK) {
		struct db_stmt *st = db_prepare(db, sql_link_insert);
		db_bind_text(st, 1, account_hash_token(a, token));
		db_bind_int(st, 2, user_id);
		db_bind_int(st, 3, now + seconds);
		rc = db_step(st);
		db_done(st);
	}
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return NULL;
	}
	return token;
}

long long account_link_use(struct db *db, const char *token)
{
	if (!token || strlen(token) != 32)
		return 0;
	struct arena *a = arena_new();
	const char *hash = account_hash_token(a, token);
	long long now = (long long)time(NULL);
	long long id = -1;
	if (db_begin(db) != DB_OK)
		goto done;
	struct db_stmt *st = db_prepare(db, sql_link_use);
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, now);
	int rc = db_step(st);
	id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_OK ? 0 : -1;
	db_done(st);
	/* Using a link ends every other link of the account: one made earlier
	** (or, from an older database, alongside) can no longer set it again. */
	if (id > 0 && link_end_others(db, id, hash, now) != DB_OK)
		id = -1;
	if (id < 0 || db_commit(db) != DB_OK) {
		db_rollback(db);
		id = -1;
	}
done:
	arena_free(a);
	return id;
}

int account_link_valid(struct db *db, const char *token)
{
	if (!token || strlen(token) != 32)
		return 0;
	struct arena *a = arena_new();
	struct db_stmt *st = db_prepare(db, sql_link_valid);
	db_bind_text(st, 1, account_hash_token(a, token));
	db_bind_int(st, 2, (long long)time(NULL));
	int ok = db_step(st) == DB_ROW;
	db_done(st);
	arena_free(a);
	return ok;
}

/* Runs one statement binding id (and now or heir as ?2); a DB_ code. */
static int run_id(struct db *db, const char *sql, long long id, long long two)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, id);
	if (strstr(sql, "?2"))
		db_bind_int(st, 2, two);
	int rc = db_step(st);
	db_done(st);
	return rc;
}

int account_suspend(struct db *db, long long id)
{
	long long now = (long long)time(NULL);
	if (db_begin(db) != DB_OK)
		return -1;
	int rc = run_id(db, sql_suspend, id, now);
	if (rc == DB_OK)
		rc = run_id(db, sql_end_sessions, id, 0);
	if (rc == DB_OK)
		rc = link_end_others(db, id, NULL, now);
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int account_unsuspend(struct db *db, long long id)
{
	return run_id(db, sql_unsuspend, id, 0) == DB_OK ? 0 : -1;
}

int account_admins_active(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_admins_active);
	int n = db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

int account_delete(struct db *db, long long id, long long heir, char *err, size_t errlen)
{
	if (heir == id) {
		snprintf(err, errlen, "Choose another account to inherit the articles.");
		return -1;
	}
	struct arena *a = arena_new();
	struct account h;
	int found = account_by_id(db, a, heir, &h);
	arena_free(a);
	if (found != 0) {
		snprintf(err, errlen, "Choose the account that inherits the articles.");
		return -1;
	}
	if (db_begin(db) != DB_OK)
		goto fail;
	int rc = DB_OK;
	for (size_t i = 0; rc == DB_OK && i < sizeof sql_delete_steps / sizeof *sql_delete_steps;
	     i++)
		rc = run_id(db, sql_delete_steps[i], id, heir);
	if (rc == DB_OK && db_commit(db) == DB_OK)
		return 0;
	db_rollback(db);
fail:
	snprintf(err, errlen, "The account could not be deleted: %s", db_errmsg(db));
	return -1;
}

int account_link_end_all(struct db *db, long long user_id)
{
	return link_end_others(db, user_id, NULL, (long long)time(NULL)) == DB_OK ? 0 : -1;
}
