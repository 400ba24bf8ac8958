/*
** schema_pg.h: the migrations of a PostgreSQL database (schema_pg.c), which
** schema_migrate() applies instead of SQLite's when db_engine() says so.
*/
#ifndef BYLINE_MODEL_SCHEMA_PG_H
#define BYLINE_MODEL_SCHEMA_PG_H

#include "db/db.h"

/* The list, in order; *n gets its length. */
const struct db_migration *schema_pg_migrations(size_t *n);

#endif
