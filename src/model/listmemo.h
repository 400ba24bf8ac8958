/*
** listmemo.h: what listings keep asking, remembered between requests until
** a write touches listings.
**
** "Page N of M" needs the number of published articles in a scope, which on
** a large site is a walk over tens of thousands of index entries per page
** view, and so does reaching a deep page; related stories need each tag's
** articles.  Both change only when an
** article is published, unpublished, moved, re-dated, re-authored, deleted
** or (re)tagged, and every such write leaves a 'lists' (or 'all') row in
** the change log (schema migration 5).  A memo remembers answers stamped
** with the newest change it has seen; each use first reads the log's head
** (one primary-key lookup) and forgets everything once a listing change,
** a gap in the log (rows pruned unseen) or a log that went back appears.
** Comments, author profiles and other writes keep the memo.
**
** Thread-safe: one memo serves every request thread.  A NULL memo is valid
** everywhere and reads through to the database each time.
*/
#ifndef BYLINE_MODEL_LISTMEMO_H
#define BYLINE_MODEL_LISTMEMO_H

#include <stddef.h>

struct db;
struct arena;
struct article_scope;
struct listmemo;

struct listmemo *listmemo_new(void);
void listmemo_free(struct listmemo *m);

/* Published articles in scope (article_count_in_scope()), remembered. */
long long listmemo_count(struct listmemo *m, struct db *db, const struct article_scope *scope);

/* One page of published articles in scope, newest first, as
** article_in_scope() gives it (without bodies).  A page past the first
** LISTMEMO_STEP articles starts its index walk from a remembered position
** every LISTMEMO_STEP articles, found once by walking on from the nearest
** one before it: a deep page (crawlers read them all, in order) costs at
** most LISTMEMO_STEP index entries, not its whole depth.  Allocated in a. */
#define LISTMEMO_STEP 1000
struct article;
struct article *listmemo_page(struct listmemo *m, struct db *db, struct arena *a,
                              const struct article_scope *scope, long long offset, int limit,
                              size_t *n);

/* The ids of every article (any status) with tag tag_id, newest id first,
** remembered; *n gets how many.  Allocated in a (a copy: the memo may
** forget its own at any time). */
long long *listmemo_tagged(struct listmemo *m, struct db *db, struct arena *a,
                           long long tag_id, size_t *n);

/* The header's and footer's menus (menu_items_both()) and the sections
** with something published (section_published()), remembered: every page
** shows them, and each changes only with what the change log reports as
** listings or everything (menus, sections and pages log 'all').
** Allocated in a (copies). */
struct menu_item;
struct term;
void listmemo_menus(struct listmemo *m, struct db *db, struct arena *a,
                    struct menu_item **header, size_t *n_header, struct menu_item **footer,
                    size_t *n_footer);
struct term *listmemo_sections(struct listmemo *m, struct db *db, struct arena *a, size_t *n);

/* One read snapshot's uses (db_read_begin .. db_read_end, as a page is
** read): the change log cannot move inside it, so the first use reads the
** log's head and the later ones on this thread reuse what it found instead
** of reading it again (a round trip each on PostgreSQL).  Call
** listmemo_snapshot_begin right after db_read_begin opened the snapshot
** (returned 1) and listmemo_snapshot_end before db_read_end.  Per thread;
** a NULL memo is fine. */
void listmemo_snapshot_begin(struct listmemo *m, struct db *db);
void listmemo_snapshot_end(struct listmemo *m);

/* Counters for tests: answers read from the database, and times the memo
** forgot everything. */
struct listmemo_stats {
	long long reads;   /* answers read from the database */
	long long resets;  /* times everything was forgotten */
};
void listmemo_stats(struct listmemo *m, struct listmemo_stats *out);

#endif
