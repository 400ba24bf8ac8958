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
** sub-sections, by name: what the public navigation lists (a section
** made while saving a draft stays off it until something in it is
** published).  Allocated in a. */
struct term *section_published(struct db *db, struct arena *a, size_t *n);

/* The tags of an article, by name.  Allocated in a. */
struct term *tag_of_article(struct db *db, struct arena *a, long long article_id,
                            size_t *n);

/* The ids of every article (any status) with this tag, newest id first:
** one walk of the tag's index entries.  Allocated in a. */
long long *tag_article_ids(struct db *db, struct arena *a, long long tag_id, size_t *n);

/* Links an article to a tag (no error if already linked).  0 or -1. */
int tag_attach(struct db *db, long long article_id, long long tag_id);

#endif
