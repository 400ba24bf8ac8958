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

/* Migrates an already open connection (the pool's first). */
int schema_migrate(struct db *db, char *err, size_t errlen);

#endif
