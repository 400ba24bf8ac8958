/*
** author.h: the people who write for the site (the users table).
**
** Public pages only ever read the public fields below; the email and password
** hash stay in the database for the login and moderation code.
*/
#ifndef BYLINE_MODEL_AUTHOR_H
#define BYLINE_MODEL_AUTHOR_H

#include <stddef.h>

struct db;
struct arena;

struct author {
	long long id;      /* users.id */
	const char *name;  /* display name */
	const char *slug;  /* /author/SLUG/ */
	const char *bio;   /* Markdown, rendered as role may (role_trust()) */
	const char *avatar; /* path under the site, "" for none; never from email */
	const char *role;  /* administrator, editor, author, contributor */
	const char *links; /* their links, one a line, as typed (account.h's) */
};

/* Finds an author by slug or id.  0 if found (strings allocated in a), 1 if
** not, -1 on a database error. */
int author_by_slug(struct db *db, struct arena *a, const char *slug, struct author *out);
int author_by_id(struct db *db, struct arena *a, long long id, struct author *out);

/* Every author with at least one published article, by name (the authors
** sitemap).  Public fields only.  Allocated in a. */
struct author *author_published(struct db *db, struct arena *a, size_t *n);

/* Finds the author with this display name, or creates one (with a unique
** slug made from the name, role "author").  If bio is not NULL and the
** author's bio is empty, sets it.  Returns the id, or -1. */
long long author_ensure(struct db *db, struct arena *a, const char *name,
                        const char *bio, const char *email);

/* Creates an author.  Returns the id, or -1 (e.g. slug or email taken). */
long long author_create(struct db *db, const char *name, const char *slug,
                        const char *bio, const char *avatar, const char *role,
                        const char *email);

#endif
