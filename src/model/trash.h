/*
** trash.h: what the trash of articles (article.c) and of static pages
** (page.c) share: a row moved in or out by one UPDATE, and the purge of
** what was trashed long enough ago.  Each caller keeps its own SQL.
*/
#ifndef BYLINE_MODEL_TRASH_H
#define BYLINE_MODEL_TRASH_H

struct db;

/* Runs sql with ?1 = id and ?2 = now; now is 0 for a statement that takes
** no time (restore, delete: it has no ?2, which PostgreSQL would refuse to
** bind).  0 if it changed one row, 1 if none (no such row in that state),
** -1 on a database error. */
int trash_change_one(struct db *db, const char *sql, long long id, long long now);

/* Deletes for good, with del(db, id), each id that sql_before (?1 = the
** cut-off time; at most 100 ids a query) names, until none is left.
** del returns 0 deleted, 1 not (left alone), -1 error.  How many were
** deleted, or -1 on the first error. */
int trash_purge(struct db *db, const char *sql_before, long long cutoff,
                int (*del)(struct db *db, long long id));

#endif
