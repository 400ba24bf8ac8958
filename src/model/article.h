/*
** article.h: articles: reading them for pages, creating them.
**
** A published article is one with status 'published' (the scheduler turns
** 'scheduled' into 'published' when its time comes).  A 'private' article
** (WordPress's private posts, and its password-protected ones when
** imported) is for staff only: it is stored as a draft marked private, so
** no public page, feed, sitemap or search can show it.  Listings read the
** fields a list shows; article_by_slug() also reads the body.
*/
#ifndef BYLINE_MODEL_ARTICLE_H
#define BYLINE_MODEL_ARTICLE_H

#include "model/account.h"
#include "model/status.h"

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
	enum role body_role;       /* of who last changed the body: its trust
	                              (ROLE_NONE in listings) */
	enum article_status status; /* draft, pending, scheduled, published, private */
	long long published_at;    /* 0 if never */
	long long created_at;      /* first saved */
	long long updated_at;      /* last saved */
	long long author_id;       /* users.id */
	const char *author_name;   /* display name */
	const char *author_slug;   /* /author/SLUG/ */
	long long section_id;      /* 0 if none */
	const char *section_name;  /* "" if none */
	const char *section_slug;  /* "" if none */
	int comments_open;         /* readers may comment (this article) */
	long long featured_media_id; /* 0 if none */
	const char *featured_alt;  /* its alt text */
	const char *featured_url;  /* "/media/HASH.EXT", "" if none */
	int featured_width;        /* pixels */
	int featured_height;       /* pixels */
	int is_sticky;             /* pinned to the front page (WordPress's sticky) */
	long long modified_at;     /* the last material change (article_modified_at()),
	                              read with the body: known if has_modified */
	int has_modified;          /* 1 if modified_at was read (not in listings) */
};

struct article_input {
	const char *headline;     /* required */
	const char *slug;         /* NULL or "": made from the headline
	                             (text_slug_any()); else
	                             text_is_slug_utf8() (WordPress keeps slugs
	                             in any script: "café", "喫茶店") */
	const char *dek;          /* may be NULL */
	const char *body_src;     /* Markdown, rendered with the trust of
	                             article_body_role() */
	enum article_status status; /* ARTICLE_STATUS_NONE means published
	                             (article_create) or draft (article_save) */
	long long published_at;   /* 0 means now, for published articles */
	long long author_id;      /* required */
	long long section_id;     /* 0 for none */
	const char *const *tags;  /* tag names, created as needed */
	size_t n_tags;            /* entries in tags */
	long long featured_media_id; /* 0 for none */
	const char *featured_alt; /* required with an image */
	int comments_open;        /* article_save only: 1 open, 0 closed */
	int is_sticky;            /* pinned to the front page */
	enum role role;           /* article_save only: the saver's role, which
	                             decides the body's trust if it changed
	                             (ROLE_NONE: as a contributor's) */
};

/* Creates an article with its tags, in one transaction.  Returns the id, or
** -1 with a reason in err ("slug already used", ...).  For the command line
** (import, demo): the body is the site operator's, rendered as an
** administrator's (raw HTML allowed). */
long long article_create(struct db *db, struct arena *a, const struct article_input *in,
                         char *err, size_t errlen);

/* The same inside a write transaction the caller opened (db_begin) and ends:
** commit, or roll back after -1, so that what the caller wrote first (an
** import's new author and section) is kept or undone with the article. */
long long article_create_in(struct db *db, struct arena *a, const struct article_input *in,
                            char *err, size_t errlen);

/* Creates (id 0) or updates article id from in, as user_id, in one
** transaction: renders the body, replaces the tags, keeps the old slug
** answering (with a 301) when a published article's slug changes, and
** records a revision.  The body is rendered with the trust of
** article_body_role(): a save that leaves the body as it was (publishing a
** contributor's draft, say) keeps its writer's trust.  Returns the
** article's id, or -1 with a sentence in err ("That slug is already used
** by ..."). */
long long article_save(struct db *db, struct arena *a, long long id,
                       const struct article_input *in, long long user_id, char *err,
                       size_t errlen);

/* The same inside a write transaction the caller opened (db_begin) and
** ends: after -1 the caller rolls back (or back to a savepoint it took
** before the call), since what the save wrote so far is not undone here.
** For an import that commits many articles at once (wxr_import.c). */
long long article_save_in(struct db *db, struct arena *a, long long id,
                          const struct article_input *in, long long user_id, char *err,
                          size_t errlen);

/* Whose trust a body saved by someone of role `saver` gets: the body's
** recorded role if `old` (NULL for a new article) already has this body
** byte for byte, else the saver's.  So an editor takes responsibility for
** a body only by changing it (they then see and save all of its source);
** publishing or retitling another's article leaves its HTML filtered.
** ROLE_NONE (unknown) gives ROLE_CONTRIBUTOR. */
enum role article_body_role(const struct article *old, const char *body_src, enum role saver);

/* Renders again, from its source and with its recorded role's trust, every
** article body made by another MARKDOWN_VERSION (schema_migrate() calls it
** at every start, so a change of the sanitiser reaches stored HTML before
** any page is served).  HTML is always made from body_src: HTML written
** into the table without its source becomes the rendering of that source.
** Returns how many, or -1 on a database error. */
int article_render_stale(struct db *db);

/* Articles per status, counts[ARTICLE_DRAFT] ... counts[ARTICLE_PRIVATE]
** (counts[0] unused); only author_id's when it is not 0 (the dashboard). */
void article_counts(struct db *db, long long author_id, long long counts[ARTICLE_N_STATUSES + 1]);

/* Any article by id, whatever its status.  0, 1 not found, -1 error. */
int article_by_id(struct db *db, struct arena *a, long long id, struct article *out);

/* The time of the article's last material change since publication (a
** correction or update note, or a new headline, standfirst or body while
** published: articles.modified_at, kept by triggers, migration 22), or 0
** if none.  Tags, section, image or a re-save that changes nothing are not
** material: readers are not told the article changed for them. */
long long article_modified_at(struct db *db, long long id);
/* Any article by id as a listing reads it (no body).  0, 1 not found, -1
** error.  Allocated in a. */
int article_card_by_id(struct db *db, struct arena *a, long long id, struct article *out);
/* article_card_by_id for ids[0..n) in one statement: out[i] gets ids[i]'s
** card and found[i] 1, or found[i] 0 if there is none.  0, or -1 on an
** error (nothing found then).  Allocated in a. */
int article_cards_by_ids(struct db *db, struct arena *a, const long long *ids, size_t n,
                         struct article *out, int *found);

/* The article an old slug (changed since) belonged to, or 0. */
long long article_by_old_slug(struct db *db, const char *slug);

/* Articles for the desk, newest first, filtered; *total gets the count of
** all matches.  Allocated in a. */
struct article_filter {
	enum article_status status; /* ARTICLE_STATUS_NONE for all */
	long long author_id;  /* 0 for all */
	long long section_id; /* 0 for all */
	const char *q;        /* words in headline, dek or body; NULL for all */
	long long visible_to; /* 0 for all; else only this user's own articles
	                         and published ones (q searches only those) */
	long long offset;     /* rows to skip */
	int limit;            /* rows to return */
};
struct article *article_list(struct db *db, struct arena *a, const struct article_filter *f,
                             size_t *n, long long *total);

/* Which published articles a listing shows: all, one section (with its
** sub-sections), one tag, one author, or a time range [from, to). */
enum scope_kind { SCOPE_ALL, SCOPE_SECTION, SCOPE_TAG, SCOPE_AUTHOR, SCOPE_DATES };
struct article_scope {
	enum scope_kind kind; /* what id means */
	long long id;         /* section, tag or author id */
	long long from, to;   /* SCOPE_DATES: seconds, UTC */
};

/* article_section_first() for k sections at once (each one's nested 1 or
** -1, known), in one statement: lists[i] and ns[i] get section_ids[i]'s,
** allocated in a.  0, or -1 (k 0 or over ARTICLE_SECTION_FIRSTS_MAX, or
** the read failed). */
#define ARTICLE_SECTION_FIRSTS_MAX 16
int article_section_firsts(struct db *db, struct arena *a, const long long *section_ids,
                           const int *nested, size_t k, int limit, struct article **lists,
                           size_t *ns);

/* The first `limit` of article_in_scope() for section section_id (no body)
** when whether it has sub-sections is known (taxonomy.h's
** section_nesting(): nested 1 or -1; 0 asks, a statement more). */
struct article *article_section_first(struct db *db, struct arena *a, long long section_id,
                                      int nested, int limit, size_t *n);

/* Published articles in scope, newest first; with_body also reads
** body_src and body_html (feeds).  Allocated in a. */
struct article *article_in_scope(struct db *db, struct arena *a,
                                 const struct article_scope *scope, long long offset,
                                 int limit, int with_body, size_t *n);
long long article_count_in_scope(struct db *db, const struct article_scope *scope);

/* A position in a scope's order (newest first, ties by the higher id): the
** article just before it.  id 0 is the start. */
struct scope_key {
	long long published_at; /* that article's date */
	long long id;           /* and id */
};

/* As article_in_scope() (without bodies), counting offset from `after`
** (NULL: the start): the index walk starts there instead of at the top. */
struct article *article_in_scope_after(struct db *db, struct arena *a,
                                       const struct article_scope *scope,
                                       const struct scope_key *after, long long offset,
                                       int limit, size_t *n);

/* The position of the article `offset` places past `after` (NULL: the
** start), into *out: 0, 1 if the scope ends first, -1 on a read error. */
int article_scope_key(struct db *db, const struct article_scope *scope,
                      const struct scope_key *after, long long offset, struct scope_key *out);

/* The newest updated_at among published articles in scope (0 if none):
** Last-Modified for listings and feeds. */
long long article_last_change(struct db *db, const struct article_scope *scope);

/* Publishes every scheduled article whose time has come.  Returns how many
** (or -1).  The scheduler calls this every second and at start. */
int article_publish_due(struct db *db, long long now);

/* How long an article stays in the trash before article_purge_trash()
** deletes it (WordPress's EMPTY_TRASH_DAYS). */
#define ARTICLE_TRASH_DAYS 30

/* Moves article id to the trash at `now` (it leaves every public page,
** feed, sitemap and search at once; its address answers 410), remembering
** its status for article_restore().  0, 1 if there is no such article
** outside the trash, -1 on a database error. */
int article_trash(struct db *db, long long id, long long now);

/* Takes article id out of the trash with the status it had (published
** again at the same address).  0, 1 if it is not in the trash, -1. */
int article_restore(struct db *db, long long id);

/* Turns a published or scheduled article back into a draft (its date is
** kept, for when it is published again).  0, 1 if it is neither, -1. */
int article_unpublish(struct db *db, long long id, long long now);

/* Deletes for good an article that is in the trash (only there), with
** its tags, comments, revisions and old slugs.  0, 1 if it is not in the
** trash, -1. */
int article_delete(struct db *db, long long id);

/* Deletes for good every article trashed ARTICLE_TRASH_DAYS or more
** before `now` (the scheduler calls it).  How many, or -1. */
int article_purge_trash(struct db *db, long long now);

/* The tags of an article as "a, b, c".  Allocated in a. */
char *article_tag_list(struct db *db, struct arena *a, long long id);

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
** never art itself, best first (see article.c); each tag's articles are
** read through memo (NULL: from the database).  art's tags are tag_ids
** (n_tags of them, in any order: the caller read them already), or, with
** tag_ids NULL, read here.  Allocated in a. */
struct listmemo;
struct article *article_related(struct db *db, struct listmemo *memo, struct arena *a,
                                const struct article *art, const long long *tag_ids,
                                size_t n_tags, int limit, size_t *n);

#endif
