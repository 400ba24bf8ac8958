/*
** session.h: signed-in sessions and the login throttle.
**
** A session is a random 128-bit token in the browser's cookie; the table
** keeps only its SHA-256, so a copy of the database cannot be used to sign
** in.  Each session has its own CSRF token for forms.  Sessions end when idle
** too long or too old (settings), or at logout.
**
** The throttle counts failed sign-ins per account (the email as typed) and
** per IP over 15 minutes; after 5 either way, sign-in answers 429 until the
** oldest failure in the window ages out.
*/
#ifndef BYLINE_MODEL_SESSION_H
#define BYLINE_MODEL_SESSION_H

#include <stddef.h>

struct db;
struct arena;

struct session {
	long long id;         /* sessions.id */
	long long user_id;    /* who */
	const char *csrf;     /* per-session form token (32 hex digits) */
	long long created_at; /* signed in at */
	long long seen_at;    /* last request */
};

/* Starts a session; returns the cookie token (32 hex digits, allocated in
** a) and fills out, or NULL on error. */
char *session_create(struct db *db, struct arena *a, long long user_id, const char *ip,
                     struct session *out);

/* Finds the live session of a cookie token.  An idle or old session is
** deleted and not found.  0 found, 1 not found, -1 error. */
int session_find(struct db *db, struct arena *a, const char *token, long idle_seconds,
                 long max_seconds, struct session *out);

/* The role of the account whose live session the cookie token names
** (ROLE_NONE if none, or idle, or old), or -1 on error.  Only reads: for
** the server's event loop, which decides a request's body limit from it
** and must not wait on the write lock. */
int session_role(struct db *db, struct arena *a, const char *token, long idle_seconds,
                 long max_seconds);

/* Records activity (at most once a minute is written). */
void session_touch(struct db *db, const struct session *s);

/* Ends the session of a cookie token (no error if there is none). */
void session_end(struct db *db, struct arena *a, const char *token);

/* Ends every session of a user (password change). */
void session_end_user(struct db *db, long long user_id);

#define LOGIN_WINDOW 900   /* seconds */
#define LOGIN_MAX_FAILURES 5

/* Seconds until account or ip may try again (0: now). */
long login_wait(struct db *db, struct arena *a, const char *account, const char *ip);
void login_failed(struct db *db, struct arena *a, const char *account, const char *ip);
/* Forgets an account's failures after a successful sign-in. */
void login_succeeded(struct db *db, struct arena *a, const char *account);

#endif
