/*
** autosave.h: the editor's autosaves, kept apart from revisions (as
** WordPress keeps its autosave).  While someone types, the desk's script
** sends the headline, standfirst, body and tags every few seconds and when
** the page is left; each writer has one autosave per article, and one for
** the article they have not saved yet (article_id 0 here, NULL in the
** table: an autosave never creates an article, so an abandoned "New
** article" leaves no draft behind).  Saving the article, or dismissing the
** offer to restore, deletes the writer's autosave.  A static page's editor
** autosaves the same way (is_page 1; its title in headline, no dek or
** tags), apart from any article's: one per page and writer, and one for
** the page they have not saved yet (migration 31).
*/
#ifndef BYLINE_MODEL_AUTOSAVE_H
#define BYLINE_MODEL_AUTOSAVE_H

#include <stddef.h>

struct db;
struct arena;

#define AUTOSAVE_MAX_HEADLINE 300     /* characters, as the editor's fields */
#define AUTOSAVE_MAX_DEK 1000
#define AUTOSAVE_MAX_BODY (1024 * 1024)
#define AUTOSAVE_MAX_TAGS 2000

struct autosave {
	long long article_id; /* 0: an article not saved yet (or a page's autosave) */
	long long page_id;    /* is_page: the page, 0 for a page not saved yet */
	int is_page;          /* 1: a static page's autosave */
	long long user_id;    /* the writer */
	const char *headline; /* as typed, untrimmed */
	const char *dek;      /* standfirst */
	const char *body_src; /* Markdown */
	const char *tags;     /* "a, b, c" as typed */
	long long saved_at;   /* unix time of the last autosave */
};

/* Stores in as the writer's autosave of in->article_id (replacing the one
** before), with saved_at = now.  The caller has checked the writer may edit
** the article and the fields' limits.  0, or -1 on a database error. */
int autosave_put(struct db *db, const struct autosave *in, long long now);

/* The writer's autosave of article_id (0: of their unsaved article) into
** out, strings allocated in a.  0, 1 none, -1 error. */
int autosave_get(struct db *db, struct arena *a, long long article_id, long long user_id,
                 struct autosave *out);

/* Deletes the writer's autosave of article_id (0: of their unsaved
** article).  0, or -1 on error. */
int autosave_delete(struct db *db, long long article_id, long long user_id);

/* autosave_get() and autosave_delete() of a static page's autosave
** (page_id 0: of the writer's unsaved page).  autosave_put() stores one
** when in->is_page is set. */
int autosave_page_get(struct db *db, struct arena *a, long long page_id, long long user_id,
                      struct autosave *out);
int autosave_page_delete(struct db *db, long long page_id, long long user_id);

#endif
