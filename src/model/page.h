/*
** page.h: static pages ("About us", "Corrections policy"): a content type
** apart from articles, at /SLUG/ and /PARENT/SLUG/, never in an article
** listing, feed or search, listed in the sitemap.
**
** A page's body is Markdown rendered as articles' are: with the trust of
** whoever last changed it (body_role, role_trust()), its HTML marked with
** the renderer's version and rendered again at start when another version
** made it (page_render_stale()).  Status: draft, published, or private
** (staff only); only published pages are public.  A page's slug is unique
** among its parent's children; a top-level page may not take a slug a
** top-level route uses (page_slug_reserved()).
*/
#ifndef BYLINE_MODEL_PAGE_H
#define BYLINE_MODEL_PAGE_H

#include "model/account.h"
#include "model/status.h"

#include <stddef.h>

struct db;
struct arena;

/* Pages nest at most this deep (/a/b/c/d/). */
#define PAGE_MAX_DEPTH 4

struct page_row {
	long long id;             /* pages.id */
	const char *title;        /* <h1> */
	const char *slug;         /* the last segment of its path (UTF-8) */
	long long parent_id;      /* 0 for a top-level page */
	const char *path;         /* "about-us/corrections-policy": slugs from the top */
	const char *body_src;     /* Markdown ("" in listings) */
	const char *body_html;    /* rendered body ("" in listings) */
	enum role body_role;      /* trust of who last changed the body */
	enum page_status status;  /* draft, published, private */
	long long author_id;      /* users.id, 0 if none */
	const char *author_name;  /* display name, "" if none */
	long long created_at;     /* first saved */
	long long updated_at;     /* last saved */
	int comments_open;        /* readers may comment (off unless enabled; page_pages.c) */
	int menu_order;           /* WordPress's menu_order, for ordering lists */
	long long trashed_at;     /* when moved to the trash (status PAGE_TRASH), 0 */
};

struct page_input {
	const char *title;        /* required */
	const char *slug;         /* NULL or "": made from the title
	                             (text_slug_any()) */
	long long parent_id;      /* 0 for top level */
	const char *body_src;     /* Markdown */
	enum page_status status;  /* PAGE_STATUS_NONE: draft */
	long long author_id;      /* 0: user_id of the save */
	long long created_at;     /* 0: now (new pages), kept (updates) */
	long long updated_at;     /* 0: now */
	int comments_open;        /* 1 open, 0 closed (the default) */
	int menu_order;           /* 0 unless imported */
	enum role role;           /* whose trust renders the body if it changed
	                             (ROLE_NONE: a contributor's) */
};

/* Creates (id 0) or updates page id, as user_id (0: the command line), in
** one transaction; records a revision.  Returns the page's id, or -1 with
** a sentence in err ("The slug 'feed' is used by the site's own pages ...",
** "A page cannot be its own parent.", ...). */
long long page_save(struct db *db, struct arena *a, long long id, const struct page_input *in,
                    long long user_id, char *err, size_t errlen);

/* The page at path ("about-us/corrections-policy", slashes at either end
** ignored; each segment UTF-8, as stored), whatever its status: callers
** showing it to the public check status.  0 found, 1 not, -1 error. */
int page_by_path(struct db *db, struct arena *a, const char *path, struct page_row *out);

/* Any page by id.  0 found, 1 not, -1 error. */
int page_by_id(struct db *db, struct arena *a, long long id, struct page_row *out);

/* Every page outside the trash (PAGE_STATUS_NONE), those of one status,
** or those in the trash (PAGE_TRASH), in tree order (parents before
** children, then by menu_order and title), without bodies.  Allocated in
** a. */
struct page_row *page_list(struct db *db, struct arena *a, enum page_status status,
                           size_t *n);

/* How long a page stays in the trash before page_purge_trash() deletes it
** (as articles: ARTICLE_TRASH_DAYS). */
#define PAGE_TRASH_DAYS 30

/* Moves page id to the trash at `now`: stored as a draft with trashed_at
** and the status it had, its path answers 410, its sub-pages stay where
** they are (reachable if published).  0, 1 if it is already in the trash
** or missing, -1 on a database error. */
int page_trash(struct db *db, long long id, long long now);

/* Takes page id out of the trash with the status it had.  0, 1 if it is
** not in the trash, -1. */
int page_restore(struct db *db, long long id);

/* Deletes for good a page that is in the trash (only there); its children
** move up to its parent.  0, 1 if it is not in the trash, -1. */
int page_delete(struct db *db, long long id);

/* Deletes for good every page trashed PAGE_TRASH_DAYS or more before now.
** How many, or -1. */
int page_purge_trash(struct db *db, long long now);

/* A page's saved version: page_save() writes one on every save; the desk
** lists them, diffs one against the page, and restores one (saved again,
** as a new revision), as for articles (revision.h). */
struct page_revision {
	long long id;             /* page_revisions.id */
	long long page_id;        /* whose */
	const char *user_name;    /* who saved it ("" if the account is gone) */
	long long created_at;     /* when */
	const char *title, *slug, *body_src;
	long long parent_id;      /* 0: top level */
	enum page_status status;  /* the page's status when saved */
};

/* Page page_id's revisions, newest first.  Allocated in a. */
struct page_revision *page_revision_list(struct db *db, struct arena *a, long long page_id,
                                         size_t *n);

/* One revision of page_id.  0, 1 not found, -1 error. */
int page_revision_by_id(struct db *db, struct arena *a, long long page_id, long long id,
                        struct page_revision *out);

/* 1 if a top-level page may not be called slug: a route of the site's own
** starts there (feed, search, tag, 2024 ...). */
int page_slug_reserved(const char *slug);

/* Renders again every page body made by another MARKDOWN_VERSION (at every
** start, as article_render_stale()).  How many, or -1. */
int page_render_stale(struct db *db);

#endif
