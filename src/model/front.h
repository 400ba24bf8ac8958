/*
** front.h: the front page as editors choose it: a lead story and top
** stories, each pinned until a time (or until taken off).
**
** Rows live in `front_picks` (schema migration 19): one per chosen article,
** its slot ("lead" or "top"), its position among the top stories and the
** time its pin ends (0: until taken off).  A pin past its time counts for
** nothing in any read here, whoever reads first; the scheduler deletes it
** (front_expire()) so the change log, and with it the page cache, hears of
** it.  WordPress's sticky posts (articles.is_sticky) are pinned top stories
** with no end.  What nobody chose is filled with the newest stories:
** with nothing chosen, the newest story leads.
*/
#ifndef BYLINE_MODEL_FRONT_H
#define BYLINE_MODEL_FRONT_H

#include <stddef.h>

#include "model/article.h"

struct db;
struct arena;

#define FRONT_TOP_MAX 12 /* top stories an editor may pin */

enum front_slot { FRONT_LEAD = 1, FRONT_TOP = 2 };

/* One chosen article, as the desk lists it. */
struct front_pick {
	struct article art;      /* the article (any status: the desk shows a pick
	                         ** whose article was unpublished since) */
	enum front_slot slot;    /* lead or top */
	int position;            /* order among the top stories, smallest first */
	long long pinned_until;  /* seconds UTC; 0 until taken off */
};

/* The picks whose pin has not ended at `now`: the lead first, then the top
** stories in their order.  Allocated in a; *n their count (0 on error). */
struct front_pick *front_picks(struct db *db, struct arena *a, long long now, size_t *n);

/* The front page at `now`: the lead into *lead (0) and up to max_top top
** stories into top[] (*n_top), every one published and none twice.  The
** lead: the chosen lead, else the newest sticky story, else the newest
** story.  The top stories: the chosen ones in their order, then the sticky
** ones newest first, then the newest stories.  *next_change (if not NULL)
** gets the earliest time a pin in use ends (0: none), when the page must be
** made again.  Returns 0, 1 if nothing is published, -1 on a read error. */
int front_page(struct db *db, struct arena *a, long long now, struct article *lead,
               struct article *top, size_t max_top, size_t *n_top, long long *next_change);

/* Puts article_id on the front page in slot at position, pinned until
** pinned_until (0: until taken off); it moves there if it was already
** chosen.  A new lead makes the previous lead the first top story.  Refuses
** (-1, a sentence in err) an article that is not published, and a top
** story past FRONT_TOP_MAX.  0 on success.  Opens its own transaction. */
int front_set(struct db *db, long long article_id, enum front_slot slot, int position,
              long long pinned_until, long long now, char *err, size_t errlen);

/* Takes article_id off the front page (0 even if it was not on it; -1 error). */
int front_remove(struct db *db, long long article_id);

/* Deletes the picks whose pin ended at or before now; how many (or -1).
** The scheduler calls it every tick: the delete writes the change log. */
int front_expire(struct db *db, long long now);

#endif
