/*
** article.h: articles: reading them for pages, creating them.
**
** A published article is one with status 'published' (the scheduler turns
** 'scheduled' into 'published' when its time comes).  Listings read the
** fields a list shows; article_by_slug() also reads the body.
*/
#ifndef BYLINE_MODEL_ARTICLE_H
#define BYLINE_MODEL_ARTICLE_H

#include <stddef.h>

struct db;
struct arena;

struct article {
	long long id;              /* articles.id */
	const char *slug;          /* last segment of the URL */
	const char *headline;      /* <h1> */
	const char *dek;           /* standfirst under the headline, may be "" */
	const char *body_src;      /* Markdown source ("" in listings) */
	const char *body_html;     /* rendered body ("" in listings) */
	const char *status;        /* draft, pending, scheduled, published */
	long long published_at;    /* 0 if never */
	long long created_at;      /* first saved */
	long long updated_at;      /* last saved */
	long long author_id;       /* users.id */
	const char *author_name;   /* display name */
	const char *author_slug;   /* /author/SLUG/ */
	long long section_id;      /* 0 if none */
	const char *section_name;  /* "" if none */
	const char *section_slug;  /* "" if none */
	int comments_open;         /* readers may comment */
};

struct article_input {
	const char *headline;     /* required */
	const char *slug;         /* NULL or "": made from the headline */
	const char *dek;          /* may be NULL */
	const char *body_src;     /* Markdown (trusted: staff writing) */
	const char *status;       /* NULL means "published" */
	long long published_at;   /* 0 means now, for published articles */
	long long author_id;      /* required */
	long long section_id;     /* 0 for none */
	const char *const *tags;  /* tag names, created as needed */
	size_t n_tags;            /* entries in tags */
};

/* Creates an article with its tags, in one transaction.  Returns the id, or
** -1 with a reason in err ("slug already used", ...). */
long long article_create(struct db *db, struct arena *a, const struct article_input *in,
                         char *err, size_t errlen);

/* The article with this slug.  published_only hides the unpublished.
** 0 found, 1 not found, -1 database error.  Allocated in a. */
int article_by_slug(struct db *db, struct arena *a, const char *slug, int published_only,
                    struct article *out);

/* Published articles, newest first.  Allocated in a. */
struct article *article_latest(struct db *db, struct arena *a, long long offset,
                               int limit, size_t *n);
long long article_count_published(struct db *db);

/* One author's published articles, newest first.  Allocated in a. */
struct article *article_by_author(struct db *db, struct arena *a, long long author_id,
                                  long long offset, int limit, size_t *n);
long long article_count_by_author(struct db *db, long long author_id);

/* Up to `limit` published articles sharing a tag or the section with art,
** newest first, never art itself.  Allocated in a. */
struct article *article_related(struct db *db, struct arena *a, const struct article *art,
                                int limit, size_t *n);

#endif
