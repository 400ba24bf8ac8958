/*
** byline.h: an article's authors, in the order its byline names them
** (table article_authors, migration 22).
**
** Position 0 is always the article's owner, articles.author_id: the one
** whose rights decide who may edit it (an author edits their own
** articles), and the one WordPress exports name.  Triggers keep that row in
** step with author_id, so whatever saves an article (the desk, imports, the
** demo) keeps its first author right without knowing of co-authors.  The
** co-authors after it are set here.  Each author's page and feed lists the
** articles they are on, at any position.
*/
#ifndef BYLINE_MODEL_BYLINE_H
#define BYLINE_MODEL_BYLINE_H

#include <stddef.h>

struct db;
struct arena;

#define BYLINE_MAX_AUTHORS 6 /* names in one byline, the owner included */

struct byline_author {
	long long user_id; /* users.id */
	const char *name;  /* display name */
	const char *slug;  /* /author/SLUG/ */
};

/* The article's authors, owner first.  Allocated in a. */
struct byline_author *byline_list(struct db *db, struct arena *a, long long article_id,
                                  size_t *n);

/* The co-authors (not the owner) of each of ids[0..n), for a listing, in
** BYLINE_BATCH-sized queries: lists[i] and counts[i] (NULL and 0 for an
** article with one author).  Allocated in a. */
#define BYLINE_BATCH 40
void byline_coauthors_many(struct db *db, struct arena *a, const long long *ids, size_t n,
                           struct byline_author **lists, size_t *counts);

/* Replaces the article's co-authors (everyone after the owner) by ids, in
** order; the owner and repeats among ids are skipped, ids that are not
** staff accounts refused.  At most BYLINE_MAX_AUTHORS - 1.  Inside the
** caller's transaction when it has one open (db_begin), else its own.
** 0, or -1 with a sentence in err. */
int byline_set(struct db *db, long long article_id, const long long *ids, size_t n,
               char *err, size_t errlen);

#endif
