/*
** auth.c: the session cookie and the CSRF token check.  The only code that
** reads or writes the session cookie; the pages that sign in and out are in
** admin_login.c.
**
** The cookie holds a random 128-bit token; the database only its hash.  It
** is HttpOnly, SameSite=Lax, Secure when the site is served over https, and
** replaced at every sign-in (so a token planted before sign-in is useless).
** A session that timed out a moment ago signs nobody in, but is still
** recognised as lapsed (auth_lapsed_load()) by the one route that keeps what
** its writer sent: the editor's save, as their autosave.
** Failed sign-ins are throttled per account and per address; the answer
** never says whether the account exists, and an unknown account costs the
** same hash time as a known one.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/password.h"
#include "db/db.h"
#include "model/account.h"
#include "model/session.h"
#include "render/value.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define COOKIE "byline_session"

int auth_is_https(struct page *p)
{
	return p->app->settings.https || !strcmp(p->req->scheme, "https");
}

void auth_set_cookie(struct page *p, const char *value, long max_age)
{
	http_set_cookie(p->req, p->resp, COOKIE, value, max_age, auth_is_https(p));
}

void auth_load(struct page *p)
{
	const char *token = http_cookie(p->req, COOKIE);
	if (!token)
		return;
	struct session *s = arena_alloc(p->a, sizeof *s);
	struct account *acct = arena_alloc(p->a, sizeof *acct);
	const struct settings *st = &p->app->settings;
	/* A read that fails (the moment's I/O or memory trouble) would sign the
	** reader out for this request, and a form they sent would be refused
	** and lost: the two reads are tried again, briefly.  If they still
	** fail, the failure stays flagged and the answer is a 503. */
	for (int tries = 0; tries < 3; tries++) {
		db_clear_failed(p->db);
		if (session_find(p->db, p->a, token, st->session_idle_seconds,
		                 st->session_max_seconds, s) == 0 &&
		    account_by_id(p->db, p->a, s->user_id, acct) == 0) {
			if (acct->role == ROLE_NONE || acct->suspended_at)
				return; /* a suspended account's sessions end at once */
			/* Keeping the session alive is not what the request is for: if
			** that write fails, the answer does not become a 503. */
			session_touch(p->db, s);
			db_clear_failed(p->db);
			p->session = s;
			p->user = acct;
			return;
		}
		if (!db_failed(p->db))
			return; /* no such session: signed out */
	}
}

int auth_head_role(struct app *app, struct http_req *req)
{
	const char *token = http_cookie(req, COOKIE);
	if (!token)
		return ROLE_NONE;
	struct db *db = app->loop_db ? app->loop_db : db_pool_get(app->pool);
	pthread_rwlock_rdlock(&app->settings_lock);
	long idle = app->settings.session_idle_seconds, max = app->settings.session_max_seconds;
	pthread_rwlock_unlock(&app->settings_lock);
	db_clear_failed(db);
	int role = session_role(db, req->a, token, idle, max);
	db_clear_failed(db);
	if (!app->loop_db)
		db_pool_put(app->pool, db);
	return role;
}

int auth_head_lapsed_role(struct app *app, struct http_req *req)
{
	const char *token = http_cookie(req, COOKIE);
	if (!token)
		return ROLE_NONE;
	struct db *db = app->loop_db ? app->loop_db : db_pool_get(app->pool);
	pthread_rwlock_rdlock(&app->settings_lock);
	long idle = app->settings.session_idle_seconds, max = app->settings.session_max_seconds;
	pthread_rwlock_unlock(&app->settings_lock);
	db_clear_failed(db);
	int role = session_lapsed(db, req->a, token, idle, max, NULL);
	db_clear_failed(db);
	if (!app->loop_db)
		db_pool_put(app->pool, db);
	return role;
}

int auth_lapsed_load(struct page *p)
{
	const char *token = http_cookie(p->req, COOKIE);
	if (p->user || !token || db_failed(p->db))
		return 0; /* (a failed read: the answer is a 503, nothing kept) */
	struct session *s = arena_alloc(p->a, sizeof *s);
	struct account *acct = arena_alloc(p->a, sizeof *acct);
	const struct settings *st = &p->app->settings;
	int role = session_lapsed(p->db, p->a, token, st->session_idle_seconds,
	                          st->session_max_seconds, s);
	if (role <= ROLE_NONE || account_by_id(p->db, p->a, s->user_id, acct) != 0 ||
	    acct->role == ROLE_NONE || acct->suspended_at)
		return 0;
	p->lapsed = s;
	p->lapsed_user = acct;
	return 1;
}

/* 1 if token is session s's form token (constant time). */
static int token_ok(const struct session *s, const char *token)
{
	if (!s || !token || strlen(token) != strlen(s->csrf))
		return 0;
	return sodium_memcmp(token, s->csrf, strlen(token)) == 0;
}

int auth_csrf_ok(struct page *p, const char *token)
{
	return token_ok(p->session, token);
}

int auth_lapsed_csrf_ok(struct page *p, const char *token)
{
	return token_ok(p->lapsed, token);
}

const char *auth_cookie_token(struct page *p)
{
	return http_cookie(p->req, COOKIE);
}
