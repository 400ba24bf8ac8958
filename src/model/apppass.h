/*
** apppass.h: application passwords (WordPress 5.6's scheme), the REST
** API's credentials.
**
** A user names a password for each program ("Newsletter tool") in their
** profile; it is made here from 24 random letters and digits (about 143
** bits), shown once in WordPress's groups of four ("abcd efgh ijkl mnop
** qrst uvwx") and stored only as its hash: BLAKE2b, not a slow password
** hash, because nothing this random can be guessed from its hash and
** every API request checks one.  A program signs in with HTTP Basic: the
** user's email (or author slug, WordPress's "login") and the password,
** spaces or not.  The account's own password is never accepted there.
** Each use records when and from where; revoking deletes the row.
*/
#ifndef BYLINE_MODEL_APPPASS_H
#define BYLINE_MODEL_APPPASS_H

#include <stddef.h>

struct db;
struct arena;

#define APPPASS_CHARS 24       /* letters and digits in a password */
#define APPPASS_NAME_MAX 100   /* bytes in its name */
#define APPPASS_PER_USER 50    /* passwords one user may hold */

struct apppass {
	long long id;            /* app_passwords.id */
	const char *name;        /* as the user named it */
	long long created_at;    /* seconds */
	long long last_used_at;  /* 0 never */
	const char *last_ip;     /* "" never */
};

/* Makes a password named `name` (one line, 1..APPPASS_NAME_MAX bytes,
** checked by the caller) for user_id.  Returns its id and sets *shown to
** the password in groups of four (allocated in a: shown once, never
** stored); -1 with a sentence in err. */
long long apppass_create(struct db *db, struct arena *a, long long user_id, const char *name,
                         long long now, const char **shown, char *err, size_t errlen);

/* The user's passwords, newest first.  Allocated in a. */
struct apppass *apppass_list(struct db *db, struct arena *a, long long user_id, size_t *n);

/* Deletes the user's password id.  0, 1 if they have no such password, -1. */
int apppass_revoke(struct db *db, long long user_id, long long id);

enum apppass_result {
	APPPASS_OK = 0,
	APPPASS_BAD_HEADER,   /* not base64 of "login:password" */
	APPPASS_NO_USER,      /* no such login or email (or a suspended account) */
	APPPASS_BAD_PASSWORD, /* none of the user's application passwords */
	APPPASS_TOO_MANY,     /* too many failures from this address: wait */
	APPPASS_ERROR,        /* the database failed */
};

struct apppass_login {
	long long user_id;    /* APPPASS_OK: who */
	long long pass_id;    /* and with which password */
};

/* Checks Basic credentials (the base64 after "Basic ") from ip at now.
** A failure counts against the address and the login as a failed
** sign-in does (login_reserve(): the desk's throttle), so guessing is
** slowed like the sign-in form's.  On success records the use (at most
** once a minute).  *why gets a sentence for any result but OK. */
enum apppass_result apppass_login(struct db *db, struct arena *a, const char *basic,
                                  const char *ip, long long now, struct apppass_login *out,
                                  const char **why);

/* The credentials' user, from the head alone and read-only (for the body
** limit, before a body is read): the user's role name's enum value, or -1
** if they are not valid.  Nothing is recorded. */
int apppass_peek_role(struct db *db, struct arena *a, const char *basic);

#endif
