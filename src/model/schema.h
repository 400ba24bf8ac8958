/*
** schema.h: the database schema, as numbered migrations.
**
** model_open() is how every command gets a database: it opens the file,
** applies any migrations the file has not seen, and makes sure the settings
** every site needs (including its signing secret) exist.
*/
#ifndef BYLINE_MODEL_SCHEMA_H
#define BYLINE_MODEL_SCHEMA_H

#include <stddef.h>

struct db;

/* Opens and migrates path.  Returns NULL with a message in err. */
struct db *model_open(const char *path, char *err, size_t errlen);

/* The newest schema version this build knows. */
int schema_latest(void);

/* Before an upgrade: if the database at path exists and its schema is
** older than this build's, keeps a copy of it first.  SQLite: the file
** (and its -wal, if another process still holds one) copied, once no
** connection of ours is open, to "PATH.vOLD-YYYYMMDD-HHMMSS.bak" beside
** it; PostgreSQL: byline backup's dump (one snapshot copied into an
** SQLite file made at the database's old version, every table compared)
** to "NAME.vOLD-YYYYMMDD-HHMMSS.bak" in the current folder, NAME the
** database's name.  The log says where.  0, or -1 with err if the copy
** failed (then nothing must be migrated). */
int schema_backup_before_upgrade(const char *path, char *err, size_t errlen);

/* Migrates an already open connection (the pool's first). */
int schema_migrate(struct db *db, char *err, size_t errlen);

/* Every table that holds a site, in an order where each comes after the
** tables its foreign keys name (and webhook_events before webhooks, whose
** insert trigger would otherwise queue deliveries): what byline copy-db
** copies, one home for the list.  Left out: the change log (changes,
** changes_held), which only tells running servers what to refresh, the
** CDN's purge queue (cdn_purges), which only tells the source's CDN, and
** the full-text index, which the engine keeps (db_text_put). */
struct schema_table {
	const char *name;  /* the table */
	const char *ident; /* its generated column, or NULL */
};
extern const struct schema_table schema_tables[];
extern const size_t schema_tables_n;

/* The migration that made the table name of schema_tables[], if it is
** later than 36, which every database copy-db reads has (a PostgreSQL
** database is 33 at the oldest): a database older than that, dumped
** before its upgrade, is copied without it.  0 for the others.  A
** migration that adds a table adds its row to schema.c's tables_since[]
** (test_upgrade_backup on PostgreSQL fails otherwise). */
int schema_table_since(const char *name);

#endif
