/*
** copydb.h: a whole site copied from one database to another, whatever the
** engines (byline copy-db, backup and restore), and the per-table counts
** and checksums that prove the copy.
**
** The tables are schema_tables[] (schema.h; one a database's version is
** older than is left out, read as empty), copied in that order: each
** table's rows read from the source inside one read snapshot, written to
** the destination in transactions of a batch of rows, every value with its
** own type.  The change log is held while copying (changes_held), so the
** destination's triggers log nothing, and emptied after; the search index
** is rebuilt through db_text_put; generated ids are made to follow the
** copied ones (db_ids_follow).  Media files live in the data folder, not
** in the database: copying them is the operator's.
*/
#ifndef BYLINE_MODEL_COPYDB_H
#define BYLINE_MODEL_COPYDB_H

#include <stddef.h>

struct db;
struct copydb;

/* The SQL the copy builds from the tables' column names lives here, kept
** until copydb_free, which comes after closing both connections (their
** statement caches know SQL by its address). */
struct copydb *copydb_new(void);
void copydb_free(struct copydb *c);

/* 1 if db holds no site yet (no user, article, page, comment or media
** row), 0 if it does, -1 on error. */
int copydb_is_empty(struct db *db);

/* Deletes every row of every table of db and its search index (restore
** --force).  0 or -1 (message in err). */
int copydb_clear(struct copydb *c, struct db *db, char *err, size_t errlen);

/* Copies every table of src into dst (migrated, empty), batch rows a
** transaction.  0 or -1 with a message in err.  For a copy of one moment
** while others write src, call it (and copydb_sum on src after it) inside
** db_read_begin(src). */
int copydb_copy(struct copydb *c, struct db *src, struct db *dst, int batch, char *err,
                size_t errlen);

/* Table i of schema_tables[] on db: its rows and a checksum of them (the
** sum of a hash of each row's values, by column name, so that it reads the
** same on either engine and in any row order).  0 or -1. */
int copydb_sum(struct copydb *c, struct db *db, size_t i, long long *rows,
               unsigned long long *sum);

#endif
