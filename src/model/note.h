/*
** note.h: corrections and updates: the dated notes an editor appends to a
** published article (table article_notes, migration 22).
**
** A note is a correction (the article was wrong: "Correction, December 7,
** 2026: An earlier version of this article misstated …") or an update (news
** since: "Update, December 7, 2026: The council has since …").  Notes are
** appended, never edited; an editor may delete a mistaken one.  Their text
** is Markdown, shown with the limited trust other staff's bodies have.
** Adding one sets the article's modified_at (its last material change; a
** trigger does it), so the article says "Updated" and its JSON-LD
** dateModified moves.  Corrections, newest first, make /corrections/.
*/
#ifndef BYLINE_MODEL_NOTE_H
#define BYLINE_MODEL_NOTE_H

#include <stddef.h>

struct db;
struct arena;

enum note_kind {
	NOTE_NONE,       /* not a kind (parse failed) */
	NOTE_CORRECTION, /* the article was wrong */
	NOTE_UPDATE,     /* something happened since */
};

#define NOTE_MAX_CHARS 2000 /* a note's text, in characters */

struct note {
	long long id;           /* article_notes.id */
	long long article_id;   /* the article it is on */
	enum note_kind kind;    /* correction or update */
	const char *body_src;   /* Markdown */
	long long user_id;      /* who added it, 0 if gone */
	long long created_at;   /* when (shown with the note) */
	/* Filled by note_corrections() only, for /corrections/: */
	const char *headline;   /* the article's */
	const char *slug;       /* its slug */
	long long published_at; /* its date (its address) */
};

/* "correction" / "update" and back; note_kind_parse() gives NOTE_NONE for
** anything else. */
const char *note_kind_name(enum note_kind kind);
enum note_kind note_kind_parse(const char *s);

/* Appends a note to article_id (which must be published) at `now`.  Returns
** its id, or -1 with a sentence in err (no text, too long, not published). */
long long note_add(struct db *db, long long article_id, enum note_kind kind,
                   const char *body_src, long long user_id, long long now, char *err,
                   size_t errlen);

/* Deletes note id if it is on article_id.  0 done, 1 no such note, -1 error. */
int note_delete(struct db *db, long long article_id, long long id);

/* An article's notes, oldest first.  Allocated in a. */
struct note *note_list(struct db *db, struct arena *a, long long article_id, size_t *n);

/* Corrections on published articles, newest first, with their article's
** headline, slug and date.  Allocated in a. */
struct note *note_corrections(struct db *db, struct arena *a, long long offset, int limit,
                              size_t *n);
long long note_count_corrections(struct db *db);

/* The newest correction's time (0 if none): the sitemap's lastmod. */
long long note_last_correction(struct db *db);

#endif
