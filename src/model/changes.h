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

/* A reader's place in the log.  A change's seq is taken when its row is
** written, not when its transaction commits: on PostgreSQL, where writers
** run side by side, seq 41 can be read before the transaction holding seq
** 40 commits.  So the cursor keeps the numbers it has passed over (gaps) and
** asks for them again at each read until they appear, or until
** CHANGES_GAP_SECONDS have passed (a rolled-back write, or a row an
** import's hold dropped, never fills its gap); a gap older than the oldest
** row kept was pruned unread, and makes everything stale.  On SQLite, one
** writer at a time, only pruning leaves gaps. */
#define CHANGES_GAPS_MAX 64     /* gaps kept; more: everything is stale */
#define CHANGES_GAP_SECONDS 30  /* how long a gap is waited for */
#define CHANGES_READ_MAX 256    /* changes one read reports at most */

struct changes_cursor {
	long long top;                      /* newest seq read; -1: not started */
	int n_gaps;                         /* entries in gap and gap_at */
	long long gap[CHANGES_GAPS_MAX];    /* seqs passed over, not seen yet */
	long long gap_at[CHANGES_GAPS_MAX]; /* when each was first passed (unix s) */
};

/* A cursor that has read nothing: its first read only finds the log's end
** (everything before it is already in what the reader holds). */
void changes_cursor_start(struct changes_cursor *c);

/* Calls fn(ctx, kind, id) for each change the cursor has not read yet (new
** ones, oldest first, then gaps filled since) and moves the cursor past
** them.  At most `max` (<= CHANGES_READ_MAX) are reported; when more are
** waiting, when the gaps overflow, or when the log went back (emptied,
** restored), one CHANGE_ALL is reported instead.  Returns how many were
** reported (0: nothing new).  fn runs with no statement open. */
int changes_read(struct db *db, struct changes_cursor *c, int max,
                 void (*fn)(void *ctx, enum change_kind kind, long long id), void *ctx);

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
