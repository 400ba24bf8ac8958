/*
** account.h: staff accounts: roles, lookup by email, one-time links to set
** a password.
**
** An account is a row of `users` (the same rows authors are): a person
** with an email can sign in once they have set a password through a link
** made by `byline user add` or `byline user reset-link`.  Links are random
** 128-bit tokens stored only as their SHA-256, valid 24 hours, single use;
** an account has at most one open link (a new one, or a use, ends the rest).
*/
#ifndef BYLINE_MODEL_ACCOUNT_H
#define BYLINE_MODEL_ACCOUNT_H

#include "render/markdown.h"

#include <stddef.h>

struct db;
struct arena;

/* WordPress's roles, in increasing power: a role may do all that the roles
** below it may. */
enum role {
	ROLE_NONE = 0,        /* not signed in */
	ROLE_CONTRIBUTOR = 1, /* writes drafts, submits them for review */
	ROLE_AUTHOR = 2,      /* writes and publishes their own articles, uploads */
	ROLE_EDITOR = 3,      /* publishes and edits anyone's, moderates comments */
	ROLE_ADMIN = 4,       /* everything, users and settings */
};

/* "administrator" -> ROLE_ADMIN ...; ROLE_NONE for anything else. */
enum role role_parse(const char *s);
const char *role_name(enum role r);   /* "administrator", ... */
const char *role_label(enum role r);  /* "Administrator", ... */

/* How Markdown written by someone of role r is rendered: editors and
** administrators may write raw HTML (WordPress's unfiltered_html,
** MD_TRUSTED); everyone else's goes through the allow-list (MD_LIMITED). */
enum md_trust role_trust(enum role r);

/* Whose trust renders a body about to be saved (articles and pages alike):
** the one it had (old_role) if it is byte for byte the stored one (old_src;
** NULL for a new body), else the saver's.  So an editor takes
** responsibility for a body only by changing it.  ROLE_NONE (unknown) gives
** ROLE_CONTRIBUTOR, the least trusted. */
enum role role_of_body(const char *old_src, enum role old_role, const char *src,
                       enum role saver);

struct account {
	long long id;              /* users.id */
	const char *email;         /* lowercased */
	const char *name;          /* display name */
	const char *slug;          /* author page slug */
	enum role role;            /* parsed */
	const char *password_hash; /* PHC string, "" if never set */
	const char *bio;           /* Markdown */
	const char *avatar;        /* URL path, "" if none */
	const char *links;         /* one URL a line */
	long long suspended_at;    /* when suspended; 0 if active */
};

/* 0 found, 1 not, -1 error.  Strings allocated in a. */
int account_by_email(struct db *db, struct arena *a, const char *email, struct account *out);
int account_by_id(struct db *db, struct arena *a, long long id, struct account *out);

/* Creates an account (its author slug made from the name).  Returns the id
** or -1 with a sentence in err (bad email, taken email, bad role). */
long long account_create(struct db *db, struct arena *a, const char *email, const char *name,
                         enum role role, char *err, size_t errlen);

/* Every account, by name.  Allocated in a. */
struct account *account_list(struct db *db, struct arena *a, size_t *n);

/* Sets fields.  0 or -1. */
int account_set_password(struct db *db, long long id, const char *hash);
int account_set_role(struct db *db, long long id, enum role role);

/* Updates the public profile; slug must be a slug, unique.  0, or -1 with a
** sentence in err. */
int account_set_profile(struct db *db, long long id, const char *name, const char *slug,
                        const char *bio, const char *avatar, const char *links,
                        char *err, size_t errlen);

/* A new one-time link token for user_id, valid `seconds`.  The token (32
** hex digits) is returned once, allocated in a; only its hash is stored.
** Every older link of the account that is still open ends (as WordPress
** ends older reset keys): only the newest link works.  NULL on error. */
char *account_link_new(struct db *db, struct arena *a, long long user_id, long seconds);

/* If token is an unused, unexpired link, marks it used, ends every other
** open link of the account, and returns the user's id; else 0 (-1 on a
** database error).  Atomic: of two links used at once, one wins. */
long long account_link_use(struct db *db, const char *token);

/* Ends every open link of user_id (a password changed in the profile: a
** link sent earlier must not change it again).  0 or -1. */
int account_link_end_all(struct db *db, long long user_id);

/* 1 if the token is a valid link (not used, not expired), without using it. */
int account_link_valid(struct db *db, const char *token);

/* Suspends an account (suspended_at = now) and, in the same transaction,
** ends its sessions and open password links: it is signed out at once and
** its links stop working.  0, or -1 on a database error. */
int account_suspend(struct db *db, long long id);

/* Makes a suspended account active again (it signs in with its password as
** before).  0 or -1. */
int account_unsuspend(struct db *db, long long id);

/* Active (not suspended) administrators. -1 on error. */
int account_admins_active(struct db *db);

/* Deletes account id; `heir` (another account) becomes the author of its
** articles (byline and co-author rows), static pages and uploads.  Its
** comments keep their text and name (only the link to the account goes);
** its sessions, links and autosaves go with it; revisions and notes keep
** their text with no user.  One transaction; every public page is stale
** after (the change log gets 'all').  0, or -1 with a sentence in err. */
int account_delete(struct db *db, long long id, long long heir, char *err, size_t errlen);

/* Lowercased, trimmed copy of an email.  Allocated in a. */
char *account_normal_email(struct arena *a, const char *email);

/* Hex SHA-256 of s.  Allocated in a. */
char *account_hash_token(struct arena *a, const char *s);

#endif
