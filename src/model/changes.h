/*
** changes.h: the log of writes that alter public pages (table `changes`,
** filled by triggers; see schema.c migration 5), read by the page cache.
*/
#ifndef BYLINE_MODEL_CHANGES_H
#define BYLINE_MODEL_CHANGES_H

struct db;

enum change_kind {
	CHANGE_ARTICLE,  /* one article's page */
	CHANGE_LISTS,    /* listings, feeds, sitemaps, related boxes */
	CHANGE_COMMENTS, /* one article's comments */
	CHANGE_AUTHOR,   /* one author's name, bio, avatar */
	CHANGE_ALL,      /* settings, sections: everything */
};

/* The newest change's sequence number (0 if none). */
long long changes_latest(struct db *db);

/* Calls fn(ctx, kind, id) for each change after seq, oldest first, and
** returns the newest seq seen (seq itself if none).  At most `max` changes
** are read; if more exist, one CHANGE_ALL is reported instead. */
long long changes_since(struct db *db, long long seq, int max,
                        void (*fn)(void *ctx, enum change_kind kind, long long id),
                        void *ctx);

/* Deletes changes at or before seq (they have been read everywhere). */
void changes_prune(struct db *db, long long seq);

/* Holds the change log for a bulk write (an import's batch): from
** changes_hold() until changes_release(), the rows the triggers write are
** dropped, and changes_release() writes one 'all' (every page is stale)
** instead of one row per thing written.  Both must run inside one write
** transaction of the caller's (the held row is never committed, so no
** other connection ever sees it; a rollback releases it too).  0 or -1. */
int changes_hold(struct db *db);
int changes_release(struct db *db);

#endif
