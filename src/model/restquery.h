/*
** restquery.h: the listings the WordPress REST API pages through
** (web/api.c): which ids match a client's filters, in its order, and how
** many match in all (X-WP-Total).  Rows are then read whole by their own
** model (article_by_id(), comment_get(), media_by_id()).
**
** Only what the public may see is ever selected for anonymous readers:
** published articles outside the trash and not private, approved comments
** on them; every filter is a bound parameter of a fixed statement.
*/
#ifndef BYLINE_MODEL_RESTQUERY_H
#define BYLINE_MODEL_RESTQUERY_H

#include <stddef.h>

struct db;
struct arena;

#define REST_MAX_IDS 6 /* ids in one categories= or tags= filter */
#define REST_MAX_LIST 100 /* ids in one include= or exclude= filter */

/* WordPress's orderby values for posts that Byline keeps (include: the
** order of the include= list). */
enum rest_orderby { REST_BY_DATE, REST_BY_ID, REST_BY_TITLE, REST_BY_SLUG, REST_BY_MODIFIED,
                    REST_BY_INCLUDE, REST_N_ORDERBY };

/* A set of statuses: bit (1u << ARTICLE_DRAFT) ... (1u << ARTICLE_PRIVATE).
** 0 is read as published only. */
#define REST_STATUS_BIT(s) (1u << (s))

struct rest_post_filter {
	unsigned statuses;      /* REST_STATUS_BIT()s; 0: published (anonymous) */
	long long owner;        /* 0, or only this user's unpublished articles (authors') */
	long long author;       /* 0 for all */
	long long categories[REST_MAX_IDS]; /* sections */
	size_t n_categories;
	long long tags[REST_MAX_IDS];
	size_t n_tags;
	const char *search;     /* words in headline, dek or body; NULL for all */
	const char *slug;       /* NULL for all */
	long long after, before; /* publication time bounds (exclusive), 0 none */
	const char *include;    /* ",1,2," (only those ids), or NULL */
	const char *exclude;    /* ",1,2," (not those ids), or NULL */
	const char *categories_exclude; /* ",1,2," (not in those sections), or NULL */
	const char *tags_exclude; /* ",1,2," (none of those tags), or NULL */
	int sticky;             /* 0 all, 1 only sticky, 2 only not sticky */
	enum rest_orderby orderby;
	int ascending;          /* order=asc */
	long long offset;       /* rows to skip */
	int limit;              /* rows to return (1..100) */
};

/* ",1,2,3," from ids[n] (the form include and the excludes take), in a;
** NULL when n is 0. */
const char *rest_id_set(struct arena *a, const long long *ids, size_t n);

/* The ids of the articles f selects, in its order; *total all that match.
** Allocated in a.  NULL with *n 0 when none (or on a read error: the
** connection is then marked failed). */
long long *rest_post_ids(struct db *db, struct arena *a, const struct rest_post_filter *f,
                         size_t *n, long long *total);

/* How many articles f selects (its paging ignored): a category's or tag's
** count of published posts, as WordPress counts them. */
long long rest_post_count(struct db *db, const struct rest_post_filter *f);

/* Approved comments on published articles (of one article when post is
** not 0), newest first unless ascending. */
long long *rest_comment_ids(struct db *db, struct arena *a, long long post, int ascending,
                            long long offset, int limit, size_t *n, long long *total);

/* Media, newest first: all of it (staff), or with public_only only the
** images a published article shows as its featured image (an image
** uploaded for a draft, an embargoed photo, is not listed to the public). */
long long *rest_media_ids(struct db *db, struct arena *a, int public_only, long long offset,
                          int limit, size_t *n, long long *total);

/* 1 if media id is public in that sense. */
int rest_media_public(struct db *db, long long id);

/* Tags with at least one published article, by name, whose name or slug
** holds q (NULL: all): the public sees no tag only drafts carry. */
long long *rest_tag_ids(struct db *db, struct arena *a, const char *q, long long offset,
                        int limit, size_t *n, long long *total);

/* 1 if comment id is approved and on a published article. */
int rest_comment_public(struct db *db, long long id);

#endif
