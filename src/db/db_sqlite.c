/*
** db_sqlite.c: the db.h interface on SQLite.
**
** Each connection keeps a small cache of prepared statements keyed by the
** address of their SQL text (always a static constant in model/), so every
** statement is compiled once per connection and reused for the life of the
** process.
*/
#include "db/db.h"
#include "core/log.h"

#include <pthread.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 128

struct db_stmt {
	struct db *db;     /* owning connection */
	const char *key;   /* the SQL text's address */
	sqlite3_stmt *st;  /* compiled statement */
	int in_use;        /* handed out and not yet db_done() */
};

struct db {
	sqlite3 *h;                        /* the connection */
	int failed;                        /* a statement failed since db_clear_failed */
	struct db_stmt dead;               /* handed out when a statement cannot compile
	                                   ** for a runtime reason: every step fails */
	struct db_stmt stmts[STMT_CACHE];  /* open-addressed by key */
	int n_stmts;                       /* slots in use */
};

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: return DB_OK;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_DONE: return DB_OK;
	case SQLITE_BUSY: case SQLITE_LOCKED: return DB_BUSY;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_NOMEM: case SQLITE_CANTOPEN:
		return DB_FULL;
	default: return DB_ERR;
	}
}

struct db *db_open(const char *path, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                             SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
		         h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, 5000);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	static const char *const pragmas =
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA trusted_schema=OFF;"
	    "PRAGMA temp_store=MEMORY;";
	char *msg = NULL;
	if (sqlite3_exec(h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up database %s: %s", path,
		         msg ? msg : "unknown error");
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	struct db *db = calloc(1, sizeof *db);
	if (!db)
		die("out of memory");
	db->h = h;
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		if (db->stmts[i].st)
			sqlite3_finalize(db->stmts[i].st);
	sqlite3_close(db->h);
	free(db);
}

int db_version(struct db *db)
{
	sqlite3_stmt *st;
	int v = 0;
	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

int db_migrate(struct db *db, const struct db_migration *m, size_t n_m,
               char *err, size_t errlen)
{
	int have = db_version(db);
	for (size_t i = 0; i < n_m; i++) {
		if (m[i].version <= have)
			continue;
		int rc = db_begin(db);
		if (rc != DB_OK) {
			snprintf(err, errlen, "migration %d: %s", m[i].version, db_errmsg(db));
			return rc;
		}
		char *msg = NULL;
		if (sqlite3_exec(db->h, m[i].sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "migration %d: %s", m[i].version,
			         msg ? msg : "unknown error");
			sqlite3_free(msg);
			db_rollback(db);
			return DB_ERR;
		}
		char set[64];
		snprintf(set, sizeof set, "PRAGMA user_version=%d", m[i].version);
		if (db_exec(db, set) != DB_OK || (rc = db_commit(db)) != DB_OK) {
			snprintf(err, errlen, "migration %d: %s", m[i].version, db_errmsg(db));
			db_rollback(db);
			return DB_ERR;
		}
		log_info("database migrated to version %d", m[i].version);
	}
	return DB_OK;
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	size_t h = ((size_t)(uintptr_t)sql >> 3) % STMT_CACHE;
	for (int probe = 0; probe < STMT_CACHE; probe++) {
		struct db_stmt *s = &db->stmts[(h + (size_t)probe) % STMT_CACHE];
		if (s->key == sql && !s->in_use) {
			s->in_use = 1;
			return s;
		}
		if (s->key == NULL) {
			sqlite3_stmt *st;
			int prc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			                             NULL);
			if (prc != SQLITE_OK) {
				const char *msg = sqlite3_errmsg(db->h);
				/* Every statement is a constant in the source: a syntax
				** error or a missing table is a bug to fix, not input to
				** survive.  An I/O, memory or lock failure while compiling
				** (reading the schema) is the moment's trouble: the caller
				** gets a statement whose every step fails. */
				if ((prc & 0xff) == SQLITE_ERROR &&
				    (strstr(msg, "syntax") || strstr(msg, "no such") || strstr(msg, "near ")))
					die("SQL does not compile: %s\n  %s", msg, sql);
				log_warn("database: cannot prepare a statement: %s", msg);
				db->failed = 1;
				db->dead.db = db;
				db->dead.st = NULL;
				db->dead.in_use = 1;
				return &db->dead;
			}
			s->db = db;
			s->key = sql;
			s->st = st;
			s->in_use = 1;
			db->n_stmts++;
			return s;
		}
	}
	die("statement cache full");
}

/* A bind that fails (no memory for the copy) would leave the parameter
** NULL and the statement quietly matching nothing: the statement's
** connection counts it as a failed read. */
static void bound(struct db_stmt *s, int rc)
{
	if (rc != SQLITE_OK) {
		s->db->failed = 1;
		log_warn("database: cannot bind a parameter: %s", sqlite3_errstr(rc));
	}
}

void db_bind_int(struct db_stmt *s, int i, long long v)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_int64(s->st, i, v));
}

void db_bind_text(struct db_stmt *s, int i, const char *v)
{
	if (!s->st)
		return;
	if (v)
		bound(s, sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT));
	else
		bound(s, sqlite3_bind_null(s->st, i));
}

void db_bind_textn(struct db_stmt *s, int i, const char *v, size_t n)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_text64(s->st, i, v ? v : "", n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

void db_bind_double(struct db_stmt *s, int i, double v)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_double(s->st, i, v));
}

void db_bind_null(struct db_stmt *s, int i)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_null(s->st, i));
}

int db_step(struct db_stmt *s)
{
	if (!s->st)
		return DB_FULL;
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_OK;
	int mapped = map_rc(rc);
	if (mapped != DB_CONSTRAINT) {
		log_warn("database: %s", sqlite3_errmsg(s->db->h));
		s->db->failed = 1;
	}
	return mapped;
}

long long db_col_int(struct db_stmt *s, int i)
{
	if (!s->st)
		return 0;
	return sqlite3_column_int64(s->st, i);
}

const char *db_col_text(struct db_stmt *s, int i)
{
	if (!s->st)
		return "";
	const unsigned char *t = sqlite3_column_text(s->st, i);
	if (!t && sqlite3_column_type(s->st, i) != SQLITE_NULL) {
		/* A value there, but no memory to convert it: the answer would be
		** built on an empty string, so the read counts as failed. */
		s->db->failed = 1;
		log_warn("database: cannot read a column: out of memory");
	}
	return t ? (const char *)t : "";
}

size_t db_col_len(struct db_stmt *s, int i)
{
	if (!s->st)
		return 0;
	return (size_t)sqlite3_column_bytes(s->st, i);
}

int db_col_is_null(struct db_stmt *s, int i)
{
	if (!s->st)
		return 1;
	return sqlite3_column_type(s->st, i) == SQLITE_NULL;
}

void db_done(struct db_stmt *s)
{
	if (!s)
		return;
	if (!s->st) {
		s->in_use = 0;
		return;
	}
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	s->in_use = 0;
}

int db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		db->failed = 1;
		log_warn("database: %s (%s)", msg ? msg : sqlite3_errstr(rc), sql);
		sqlite3_free(msg);
	}
	return map_rc(rc);
}

int db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

long long db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

/* ---- pool ---- */

struct db_pool {
	pthread_mutex_t mu;  /* guards free_[] and n_free */
	pthread_cond_t cv;   /* signalled when a connection comes back */
	int size;            /* connections opened */
	int n_free;          /* connections in free_[] */
	struct db **all;     /* every connection, for db_pool_free */
	struct db **free_;   /* connections not in use */
};

struct db_pool *db_pool_new(const char *path, int size, char *err, size_t errlen)
{
	struct db_pool *p = calloc(1, sizeof *p);
	if (!p)
		die("out of memory");
	p->all = calloc((size_t)size, sizeof *p->all);
	p->free_ = calloc((size_t)size, sizeof *p->free_);
	if (!p->all || !p->free_)
		die("out of memory");
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (int i = 0; i < size; i++) {
		struct db *db = db_open(path, err, errlen);
		if (!db) {
			db_pool_free(p);
			return NULL;
		}
		p->all[p->size++] = db;
		p->free_[p->n_free++] = db;
	}
	return p;
}

void db_pool_free(struct db_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->size; i++)
		db_close(p->all[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->all);
	free(p->free_);
	free(p);
}

struct db *db_pool_get(struct db_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->n_free == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	struct db *db = p->free_[--p->n_free];
	pthread_mutex_unlock(&p->mu);
	return db;
}

void db_pool_put(struct db_pool *p, struct db *db)
{
	db_rollback(db); /* a handler that failed midway leaves nothing open */
	pthread_mutex_lock(&p->mu);
	p->free_[p->n_free++] = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int db_failed(struct db *db)
{
	return db->failed;
}

void db_clear_failed(struct db *db)
{
	db->failed = 0;
}

int db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}
