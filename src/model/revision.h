/*
** revision.h: an article's saved versions.  article_save() writes one on
** every save; the desk lists them, diffs one against the article, and
** restores one (which is itself saved as a new revision).
*/
#ifndef BYLINE_MODEL_REVISION_H
#define BYLINE_MODEL_REVISION_H

#include "model/status.h"

#include <stddef.h>

struct db;
struct arena;

struct revision {
	long long id;          /* revisions.id */
	long long article_id;  /* whose */
	const char *user_name; /* who saved it ("" if the account is gone) */
	long long created_at;  /* when */
	const char *headline, *slug, *dek, *body_src, *tags, *featured_alt;
	enum article_status status; /* the article's status when saved */
	long long published_at, section_id, featured_media_id; /* 0 for none */
};

/* An article's revisions, newest first.  Allocated in a. */
struct revision *revision_list(struct db *db, struct arena *a, long long article_id,
                               size_t *n);

/* One revision of article_id.  0, 1 not found, -1 error. */
int revision_by_id(struct db *db, struct arena *a, long long article_id, long long id,
                   struct revision *out);

#endif
