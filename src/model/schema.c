/*
** schema.c: Byline's tables.  A migration, once released, is never edited:
** a change is a new migration appended to the list.
**
** Times are integer seconds since the epoch, UTC; they are turned into the
** site's time zone only when shown.  Statuses are CHECK-constrained text so
** that a bad value cannot be stored by any path.
*/
#include "model/schema.h"
#include "model/settings.h"
#include "db/db.h"

#include <stdio.h>

static const char migration_1[] =
    "CREATE TABLE settings("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"

    "CREATE TABLE users("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT UNIQUE,"
    "  display_name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  bio TEXT NOT NULL DEFAULT '',"
    "  avatar_path TEXT NOT NULL DEFAULT '',"
    "  role TEXT NOT NULL DEFAULT 'author'"
    "    CHECK (role IN ('administrator','editor','author','contributor')),"
    "  password_hash TEXT,"
    "  created_at INTEGER NOT NULL"
    ");"

    "CREATE TABLE sections("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  parent_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,"
    "  description TEXT NOT NULL DEFAULT ''"
    ");"

    "CREATE TABLE tags("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE"
    ");"

    "CREATE TABLE articles("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  headline TEXT NOT NULL,"
    "  dek TEXT NOT NULL DEFAULT '',"
    "  body_src TEXT NOT NULL DEFAULT '',"
    "  body_html TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'draft'"
    "    CHECK (status IN ('draft','pending','scheduled','published')),"
    "  published_at INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  author_id INTEGER NOT NULL REFERENCES users(id),"
    "  section_id INTEGER REFERENCES sections(id) ON DELETE SET NULL,"
    "  comments_open INTEGER NOT NULL DEFAULT 1"
    ");"
    "CREATE INDEX articles_published ON articles(status, published_at);"
    "CREATE INDEX articles_author ON articles(author_id, status, published_at);"
    "CREATE INDEX articles_section ON articles(section_id, status, published_at);"

    "CREATE TABLE article_tags("
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (article_id, tag_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);"

    "CREATE TABLE comments("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    "  parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,"
    "  author_name TEXT NOT NULL,"
    "  author_email TEXT NOT NULL,"
    "  author_url TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL,"
    "  body_html TEXT NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  user_agent TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (status IN ('pending','approved','spam','trash')),"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX comments_article ON comments(article_id, status, created_at);"
    "CREATE INDEX comments_ip ON comments(ip, created_at);"
    "CREATE INDEX comments_author ON comments(author_email, author_name, status);"
    "CREATE INDEX comments_status ON comments(status, created_at);";

static const struct db_migration migrations[] = {
	{1, migration_1},
};

int schema_migrate(struct db *db, char *err, size_t errlen)
{
	if (db_migrate(db, migrations, sizeof migrations / sizeof *migrations, err,
	               errlen) != DB_OK)
		return -1;
	if (settings_ensure_defaults(db) != 0) {
		snprintf(err, errlen, "cannot write default settings: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

struct db *model_open(const char *path, char *err, size_t errlen)
{
	struct db *db = db_open(path, err, errlen);
	if (!db)
		return NULL;
	if (schema_migrate(db, err, errlen) != 0) {
		db_close(db);
		return NULL;
	}
	return db;
}
