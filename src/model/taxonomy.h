/*
** taxonomy.h: sections (WordPress's categories) and tags.
**
** Both are (id, name, slug); sections may have a parent (one level).  They
** are created as an editor or an import names them: *_ensure() finds by name
** or creates with a unique slug.
*/
#ifndef BYLINE_MODEL_TAXONOMY_H
#define BYLINE_MODEL_TAXONOMY_H

#include <stddef.h>

struct db;
struct arena;

struct term {
	long long id;     /* sections.id or tags.id */
	const char *name; /* shown */
	const char *slug; /* /category/SLUG/ or /tag/SLUG/ */
};

/* Id of the section / tag with this name, created if missing; -1 on error. */
long long section_ensure(struct db *db, struct arena *a, const char *name);
long long tag_ensure(struct db *db, struct arena *a, const char *name);

/* The tag / section with this slug, created with name if missing, as an
** import keeps WordPress's slugs: slug as WordPress writes it ("news",
** "caf%c3%a9": decoded and stored as UTF-8, text_slug_decode()).  A
** section gets parent_id (0: none) and description when created.  The id,
** or -1 (a slug that is not one, a database error). */
long long tag_ensure_slug(struct db *db, struct arena *a, const char *name, const char *slug);
long long section_ensure_slug(struct db *db, struct arena *a, const char *name,
                              const char *slug, long long parent_id, const char *description);

/* A section or tag by slug (sections: also its parent's slug, "" if none).
** 0 found, 1 not.  Allocated in a. */
int section_by_slug(struct db *db, struct arena *a, const char *slug, struct term *out,
                    long long *parent_id);
int tag_by_slug(struct db *db, struct arena *a, const char *slug, struct term *out);

/* Every tag that has a published article, by name.  Allocated in a. */
struct term *tag_all(struct db *db, struct arena *a, size_t *n);

/* Every section, by name.  Allocated in a. */
struct term *section_all(struct db *db, struct arena *a, size_t *n);

/* Every section with a published article in it or in one of its
** sub-sections, by position then name (the desk's Sections screen): what the public navigation lists (a section
** made while saving a draft stays off it until something in it is
** published).  Allocated in a. */
struct term *section_published(struct db *db, struct arena *a, size_t *n);
/* For each of ids[0..n) (sections), whether it has sub-sections: nested[i]
** 1, or -1 if not (struct article_scope's `nested`), from one statement
** for them all.  On an error every nested[i] is 0 (not known). */
void section_nesting(struct db *db, struct arena *a, const long long *ids, size_t n,
                     int *nested);

/* The tags of an article, by name.  Allocated in a. */
struct term *tag_of_article(struct db *db, struct arena *a, long long article_id,
                            size_t *n);
/* tag_of_article for ids[0..n) in one statement: lists[i], counts[i]
** (each by name).  Allocated in a. */
void tag_of_articles(struct db *db, struct arena *a, const long long *ids, size_t n,
                     struct term **lists, size_t *counts);

/* The ids of every article (any status) with this tag, newest id first:
** one walk of the tag's index entries.  Allocated in a. */
long long *tag_article_ids(struct db *db, struct arena *a, long long tag_id, size_t *n);

/* ---- the desk's screens (web/admin_sections.c, admin_tags.c) ---- */

/* A section as the desk lists it. */
struct section_row {
	long long id;            /* sections.id */
	const char *name;        /* shown */
	const char *slug;        /* its last path segment */
	const char *description; /* plain text atop its page and in its meta description */
	long long parent_id;     /* 0: top level (sections nest one level) */
	int position;            /* order among its siblings (the navigation's, with no menu) */
	long long n_articles;    /* articles in it, any status but the trash */
	int depth;               /* 0, or 1 for a sub-section listed under its parent */
};

/* What a section is saved from. */
struct section_input {
	const char *name;        /* required */
	const char *slug;        /* "" or NULL: made from the name; tidied as an
	                            article's slug is (text_slug_any()) */
	long long parent_id;     /* 0: none; else a top-level section, not itself */
	const char *description; /* may be "" */
	int position;            /* smaller first */
};

/* Every section in tree order (each top-level one by position then name,
** its sub-sections after it).  Allocated in a. */
struct section_row *section_rows(struct db *db, struct arena *a, size_t *n);

/* Section id: 0, 1 not found, -1 error.  Allocated in a. */
int section_by_id(struct db *db, struct arena *a, long long id, struct section_row *out);

/* Section id's description ("" if none or no such section): one row read,
** for its public page.  Allocated in a. */
const char *section_description(struct db *db, struct arena *a, long long id);

/* Section id's public path, "/category/SLUG/" or "/category/PARENT/SLUG/"
** (decoded UTF-8), or NULL.  Allocated in a. */
const char *section_path(struct db *db, struct arena *a, long long id);

/* Creates (id 0) or updates section id, in one transaction.  A change of
** its address (slug or parent) makes the old address, its feed's and its
** sub-sections' answer 301 to the new ones (redirect_move(), so a second
** rename is still one hop).  Refused, with a sentence in err: no name, a
** slug with no letter or digit or used by another section or "feed" or
** "page", a parent that is itself, is a sub-section, or given to a section
** that has sub-sections.  The id, or -1. */
long long section_save(struct db *db, struct arena *a, long long id,
                       const struct section_input *in, char *err, size_t errlen);

/* Deletes section id in one transaction: its articles move to section
** move_to (0: to none), its menu items go, its sub-sections become
** top-level (their old addresses answer 301), and a WordPress import's
** record of it names move_to (or is forgotten), so importing the export
** again neither fails nor brings it back for the same articles.  0, or -1
** with err. */
int section_delete(struct db *db, struct arena *a, long long id, long long move_to, char *err,
                   size_t errlen);

/* A tag as the desk lists it. */
struct tag_row {
	long long id;         /* tags.id */
	const char *name;     /* shown */
	const char *slug;     /* /tag/SLUG/ */
	long long n_articles; /* articles with it, any status but the trash */
};

/* Tags by name whose name or slug holds q (NULL or "": all), `limit` from
** `offset`; *total gets how many match.  Allocated in a. */
struct tag_row *tag_rows(struct db *db, struct arena *a, const char *q, long long offset,
                         int limit, size_t *n, long long *total);

/* Tag id: 0, 1 not found, -1 error.  Allocated in a. */
int tag_by_id(struct db *db, struct arena *a, long long id, struct tag_row *out);

/* Renames tag id (slug "" or NULL: from the name; tidied); its old address
** and feed answer 301 to the new.  A slug another tag has is refused (merge
** them instead).  0, or -1 with a sentence in err. */
int tag_rename(struct db *db, struct arena *a, long long id, const char *name,
               const char *slug, char *err, size_t errlen);

/* Merges tag `from` into tag `into`, in one transaction: every article
** with `from` gets `into` (an article with both keeps one link), `from` is
** deleted and its address answers 301 to `into`'s (a WordPress import's
** record of it too names `into`).  0, or -1 with err. */
int tag_merge(struct db *db, struct arena *a, long long from, long long into, char *err,
              size_t errlen);

/* Deletes tag id (articles keep their other tags; a WordPress import's
** record of it is forgotten).  0, 1 no such tag, -1. */
int tag_delete(struct db *db, long long id);

/* Links an article to a tag (no error if already linked).  0 or -1. */
int tag_attach(struct db *db, long long article_id, long long tag_id);

#endif
