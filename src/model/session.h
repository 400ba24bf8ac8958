/*
** session.h: signed-in sessions and the login throttle.
**
** A session is a random 128-bit token in the browser's cookie; the table
** keeps only its SHA-256, so a copy of the database cannot be used to sign
** in.  Each session has its own CSRF token for forms.  Sessions end when idle
** too long or too old (settings), or at logout.
**
** The throttle counts failed sign-ins over 15 minutes per account and
** address together (the pair: 5) and per address over all accounts (20);
** past either, sign-in answers 429 until the oldest failure in the window
** ages out.  Failures are never counted per account alone: an attacker's
** guesses from elsewhere must not lock a staff member out of their own
** address.  Guessing one account from many addresses is slowed by the
** per-address limits (an IPv6 /64 counts as one address) and stopped by
** the password policy (12 characters or more).
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

/* How long a session that timed out (idle or old) is remembered as
** lapsed: its row stays, signing nobody in, so that an editor form its
** writer sends after it timed out can still be kept as their autosave
** (session_lapsed()).  A session ended on purpose (sign out, sign out
** everywhere, a password change, a suspension) has no row: never lapsed. */
#define SESSION_LAPSE_SECONDS (7 * 86400)

/* Finds the live session of a cookie token.  An idle or old session is
** not found, and its row is either kept as lapsed under another key (it
** can never be found again, whatever the settings become) or, lapsed
** longer than SESSION_LAPSE_SECONDS, deleted.  0 found, 1 not found, -1
** error. */
int session_find(struct db *db, struct arena *a, const char *token, long idle_seconds,
                 long max_seconds, struct session *out);

/* The role of the account whose live session the cookie token names
** (ROLE_NONE if none, or idle, or old), or -1 on error.  Only reads: for
** the server's event loop, which decides a request's body limit from it
** and must not wait on the write lock. */
int session_role(struct db *db, struct arena *a, const char *token, long idle_seconds,
                 long max_seconds);

/* The session of a cookie token that timed out (idle or old) at most
** SESSION_LAPSE_SECONDS ago, of an account that is not suspended and
** still has a role: its role, with *out filled (csrf allocated in a) if
** out is not NULL.  ROLE_NONE for a live session, one ended on purpose
** (no row), one lapsed longer, or none; -1 on error.  Only reads (the event
** loop asks it, as session_role()).  Such a session signs nobody in: it
** only lets its writer's editor form be kept (web/admin_articles.c). */
int session_lapsed(struct db *db, struct arena *a, const char *token, long idle_seconds,
                   long max_seconds, struct session *out);

/* Records activity (at most once a minute is written). */
void session_touch(struct db *db, const struct session *s);

/* Ends the session of a cookie token, live or lapsed (no error if there
** is none). */
void session_end(struct db *db, struct arena *a, const char *token);

/* Deletes user_id's sessions that timed out more than
** SESSION_LAPSE_SECONDS ago (at each sign-in: rows no browser presents
** again are not left behind). */
void session_prune(struct db *db, long long user_id, long idle_seconds, long max_seconds);

/* Ends every session of a user (password change). */
void session_end_user(struct db *db, long long user_id);

/* One of a user's sessions as the profile lists them. */
struct session_info {
	long long id;         /* sessions.id */
	long long created_at; /* signed in at */
	long long seen_at;    /* last request (to the minute) */
	const char *ip;       /* the address it signed in from ("" if unknown) */
};

/* The sessions of user_id, the most recently seen first (at most 200).
** Allocated in a; *n the count. */
struct session_info *session_list(struct db *db, struct arena *a, long long user_id,
                                  size_t *n);

/* Ends session `id` if it is user_id's (1 ended, 0 not theirs or gone, -1
** error). */
int session_end_id(struct db *db, long long user_id, long long id);

/* Ends every session of user_id but `keep` (sign out everywhere else; a
** password change).  0 or -1. */
int session_end_others(struct db *db, long long user_id, long long keep);

#define LOGIN_WINDOW 900              /* seconds a failure counts */
#define LOGIN_MAX_FAILURES 5          /* per account and address (the pair) */
#define LOGIN_MAX_ADDRESS_FAILURES 20 /* per address, over all accounts */

/* The key an address is counted under: an IPv4 address as it is (also when
** written IPv4-mapped, "::ffff:192.0.2.1"), an IPv6 one as its /64
** ("2001:db8:1:2::/64"), since one subscriber holds a whole /64.  Allocated
** in a. */
char *login_address(struct arena *a, const char *ip);

/* Reserves one sign-in attempt of account (an email as typed) from ip,
** before its password is checked: the attempt is recorded as a failure in
** the same statement that checks the limits, so attempts running at once
** (each spends a tenth of a second hashing) can never pass the limit
** together.  Returns the attempt's id (> 0); 0 if the pair or the address
** is over its limit, with *wait the seconds until it may try again (>= 1);
** -1 on a database error.  A wrong password leaves the failure counted. */
long long login_reserve(struct db *db, struct arena *a, const char *account, const char *ip,
                        long *wait);

/* Gives a reserved attempt back: its password could not be checked (the
** site was busy). */
void login_refund(struct db *db, long long attempt);

/* After the right password: forgets the failures of this account from this
** address, the reserved attempt among them (those from other addresses, and
** this address's on other accounts, still count). */
void login_succeeded(struct db *db, struct arena *a, const char *account, const char *ip);

#endif
