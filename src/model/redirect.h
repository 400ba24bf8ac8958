/*
** redirect.h: old addresses answered with a 301 in one hop: WordPress's
** permalinks, /?p=ID, /?page_id=ID, /?cat=ID, /?tag=SLUG, /archives/ID,
** attachment pages, /author/LOGIN/, any path an import or an editor adds.
**
** A redirect is keyed on the exact path and query as a browser sends them
** ("/?p=12", "/2019/05/old-title/"); its target is a path of this site
** ("/2019/05/06/old-title/").  The dispatcher consults the table for every
** request that carries a query of WordPress's forms on "/" (before the page
** cache answers "/") and for every path that would be answered 404.
*/
#ifndef BYLINE_MODEL_REDIRECT_H
#define BYLINE_MODEL_REDIRECT_H

#include <stddef.h>

struct db;
struct arena;

/* Adds or replaces the redirect from from_path_and_query ("/?p=12",
** "/archives/12/"; must start with '/') to to_path (a path of this site,
** starting with '/', not "//", not itself; bytes past ASCII are stored
** percent-encoded; a control or a space is refused).  0, or -1 (bad
** argument, database). */
int redirect_add(struct db *db, const char *from_path_and_query, const char *to_path);

/* n (at most REDIRECT_ADD_MAX) redirect_add()s in one statement, for a
** bulk writer (an import: on PostgreSQL each statement is a round trip):
** refused[i] set to 1 for each one refused as redirect_add() would, the
** rest written (a later one of the same key wins).  0, or -1 if the
** database failed (none written). */
#define REDIRECT_ADD_MAX 4
int redirect_add_n(struct db *db, const char *const *from_path_and_query,
                   const char *const *to_path, int n, int *refused);

/* Where path (as sent, percent-encoded or not) with query (the query
** string without '?', NULL or "" for none) has moved, or NULL.  Paths and
** queries match whatever their percent-encoding (see redirect.c), and a
** path that differs only by a trailing slash matches.  Allocated in a. */
const char *redirect_find(struct db *db, struct arena *a, const char *path, const char *query);

/* Removes the redirect from from_path_and_query.  0, or -1. */
int redirect_remove(struct db *db, const char *from_path_and_query);

/* A page of this site moved from old_path to new_path (both paths,
** decoded UTF-8, as "/category/café/"): old_path answers a 301 to
** new_path, every redirect that led to old_path now leads to new_path (so
** a second rename is still one hop), and a redirect from new_path (an
** older move the other way) is removed.  Inside the caller's transaction
** when it has one.  0, or -1. */
int redirect_move(struct db *db, const char *old_path, const char *new_path);

/* How many redirects there are (-1 on error). */
long long redirect_count(struct db *db);

#endif
