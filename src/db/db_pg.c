/*
** db_pg.c: the db.h interface on PostgreSQL, over libpq.
**
** A connection is one PGconn.  Statements are prepared on the server once
** per connection, the first time they are stepped, and cached by the
** address of their SQL text as in db_sqlite.c; their ?N parameters are
** written $N.  A step runs the whole statement and keeps its result; later
** steps walk its rows.
**
** PostgreSQL runs transactions side by side, so there is no write queue:
** db_begin is BEGIN on the connection itself, and db_commit's COMMIT answers
** for that transaction alone.  A statement that fails inside a transaction
** undoes only itself (each write runs in a savepoint), as SQLite's do, so
** callers that try an INSERT and read DB_CONSTRAINT work the same.  A
** serialization failure or deadlock is DB_BUSY (retried once when the
** statement commits alone).
**
** db_last_id: an INSERT into a table whose id column is generated gets
** RETURNING id added when it is prepared, and the id is kept, as SQLite's
** last_insert_rowid (rows inserted by triggers do not count).
**
** Full-text search: the table articles_fts (model/schema_pg.c) holds each
** article's text and a tsvector of it (weights A, B, D for the headline,
** the standfirst and the body) under a GIN index, queried with
** websearch_to_tsquery, ranked with ts_rank, cut with ts_headline.
*/
#include "db/db.h"
#include "db/db_engine.h"
#include "core/mem.h"
#include "core/log.h"
#include "core/text.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define STMT_CACHE 1024
#define MAX_PARAMS 999 /* as SQLite's default limit */

/* PostgreSQL's type OIDs for the parameters bound (pg_type.h). */
#define OID_INT8 20
#define OID_FLOAT8 701
#define OID_BYTEA 17
#define OID_TEXT 25
#define OID_NULL ((Oid)-1) /* ours: NULL bound, its type left open */

/* The advisory lock migrations run under: one migrator at a time. */
#define MIGRATE_LOCK 0x4279 /* "By" */

struct db_stmt {
	int engine;               /* DB_ENGINE_PG */
	struct db *db;            /* owning connection */
	const char *key;          /* the SQL text's address */
	char *sql;                /* the text sent: $N parameters, RETURNING id */
	int returns_id;           /* RETURNING id was added: the row is the new id */
	int is_write;             /* not a SELECT: runs in a savepoint in a transaction */
	int prepared;             /* prepared on the server as "s<slot>" */
	Oid *prepared_types;      /* the parameter types it was prepared with */
	int slot;                 /* index in the cache, for the name */
	int in_use;               /* handed out and not yet db_done() */
	char **vals;              /* bound values (owned), NULL for NULL; max_param of each */
	int *lens;                /* their lengths */
	int *fmts;                /* 1 for a blob (binary), else 0 (text) */
	Oid *types;               /* 0 (let the server infer) or INT8, FLOAT8, BYTEA */
	PGresult *res;            /* the result being walked */
	int row;                  /* the current row, -1 before the first */
	unsigned char *blob;      /* the last column read as bytes (PQunescapeBytea) */
	int max_param;            /* the highest ?N in the SQL */
};

struct db {
	int engine;                       /* DB_ENGINE_PG */
	PGconn *c;                        /* the connection */
	int failed;                       /* a statement failed since db_clear_failed */
	int read_only;                    /* in a db_read_begin snapshot */
	long long last_id;                /* the id of the last row inserted */
	int changes;                      /* rows the last statement changed */
	long long n_transactions;         /* transactions committed */
	long long round_trips;            /* requests sent and waited for (db_round_trips) */
	int tx_wrote;                     /* the open transaction wrote: NOTIFY on commit */
	int begin_pending;                /* pg_begin()'s BEGIN not sent yet: it goes with
	                                  ** the transaction's first statement (flush_begin()) */
	const char *begin_sql;            /* that BEGIN: a write's, or a read snapshot's */
	int rollback_sent;                /* a read snapshot's ROLLBACK sent, its answer not
	                                  ** read yet (pg_read_end(); settle()) */
	_Atomic int pid;                  /* its server process (PQbackendPID): whose
	                                  ** notifications are this process's own */
	char err[256];                    /* the last error */
	char *id_tables;                  /* " t1 t2 ... ": tables with a generated id,
	                                  ** read once per connection; NULL: not yet */
	struct db_stmt stmts[STMT_CACHE]; /* open-addressed by key */
};

struct db_pool {
	int engine;            /* DB_ENGINE_PG */
	pthread_mutex_t mu;    /* guards free_[] and n_free */
	pthread_cond_t cv;     /* signalled when a connection comes back */
	int size;              /* connections opened */
	int n_free;            /* connections in free_[] */
	struct db **all;       /* every connection */
	struct db **free_;     /* connections not in use */
	pthread_mutex_t vmu;   /* guards watch */
	PGconn *watch;         /* the connection db_pool_data_version asks */
	unsigned long long last_version; /* the last snapshot read, hashed */
	long long checked_ns;  /* when it was read (CLOCK_MONOTONIC), 0: never */
	int listening;         /* watch has LISTENed and its connection holds */
	unsigned long long heard; /* notifications read on watch, and reconnections */
	long long retry_ns;    /* when watch was last reconnected (CLOCK_MONOTONIC) */
	char *path;            /* the connection string, for lead */
	pthread_mutex_t lmu;   /* guards lead, leading, lead_ns */
	PGconn *lead;          /* holds the leader's advisory lock, NULL: none */
	int leading;           /* 1 while lead holds it */
	long long lead_ns;     /* last try or check (CLOCK_MONOTONIC), 0: never */
};

/* The channel every commit that wrote is announced on (NOTIFY), and each
** process's pool listens to: another node's write reaches this node's page
** cache as soon as it commits. */
#define CHANNEL "byline_data"

/* Writes this process committed (db_pool_data_version). */
static _Atomic unsigned long long local_writes;

/* The db.h code for an SQLSTATE. */
static int map_state(const char *st)
{
	if (!st)
		return DB_FULL; /* no answer: the connection is gone */
	if (strncmp(st, "23", 2) == 0)
		return DB_CONSTRAINT; /* unique, check, foreign key, not null */
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0)
		return DB_BUSY;
	if (strncmp(st, "53", 2) == 0 || strncmp(st, "58", 2) == 0 || strncmp(st, "08", 2) == 0 ||
	    strncmp(st, "57", 2) == 0)
		return DB_FULL;
	return DB_ERR;
}

static void set_err(struct db *db, const char *msg)
{
	snprintf(db->err, sizeof db->err, "%s", msg ? msg : "unknown error");
	size_t n = strlen(db->err);
	while (n > 0 && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = 0;
}

/* Reads the answer of a ROLLBACK sent without waiting (pg_read_end()), if
** one is due: before anything else is sent on the connection. */
static void settle(struct db *db)
{
	if (!db->rollback_sent)
		return;
	db->rollback_sent = 0;
	PGresult *r;
	while ((r = PQgetResult(db->c)) != NULL)
		PQclear(r);
}

/* PQexec on db's connection, counted (db_round_trips); a BEGIN waiting
** (begin_pending) is sent in the same query string. */
static PGresult *ask(struct db *db, const char *sql)
{
	settle(db);
	db->round_trips++;
	if (!db->begin_pending)
		return PQexec(db->c, sql);
	db->begin_pending = 0;
	size_t b = strlen(db->begin_sql), n = strlen(sql);
	char *both = mem_alloc(b + n + 3);
	memcpy(both, db->begin_sql, b);
	memcpy(both + b, "; ", 2);
	memcpy(both + b + 2, sql, n + 1);
	PGresult *r = PQexec(db->c, both);
	free(both);
	return r;
}

static int run(struct db *db, const char *sql);

/* Sends a BEGIN waiting (begin_pending) alone, before a request that
** cannot carry it. */
static void flush_begin(struct db *db)
{
	if (db->begin_pending) {
		db->begin_pending = 0;
		run(db, db->begin_sql);
	}
}

/* Runs sql with no parameters; DB_OK or the mapped error (message kept). */
static int run(struct db *db, const char *sql)
{
	PGresult *r = ask(db, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = DB_OK;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) {
		set_err(db, r ? PQresultErrorMessage(r) : PQerrorMessage(db->c));
		rc = map_state(r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL);
		if (rc == DB_OK)
			rc = DB_ERR;
	}
	PQclear(r);
	return rc;
}

static void notice_quiet(void *arg, const PGresult *r)
{
	(void)arg;
	(void)r;
}

struct db *pg_open(const char *path, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(path);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database: %s",
		         c ? PQerrorMessage(c) : "out of memory");
		size_t n = strlen(err);
		if (n > 0 && err[n - 1] == '\n')
			err[n - 1] = 0;
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeReceiver(c, notice_quiet, NULL);
	struct db *db = mem_calloc(1, sizeof *db);
	db->engine = DB_ENGINE_PG;
	db->c = c;
	atomic_init(&db->pid, PQbackendPID(c));
	if (run(db, "SET client_min_messages = warning; SET TIME ZONE 'UTC';"
	            " SET standard_conforming_strings = on") != DB_OK) {
		snprintf(err, errlen, "cannot set up the database connection: %s", db->err);
		PQfinish(c);
		free(db);
		return NULL;
	}
	return db;
}

static void stmt_clear(struct db_stmt *s)
{
	for (int i = 0; i < s->max_param; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = 0;
		s->fmts[i] = 0;
		s->types[i] = OID_NULL; /* unbound: NULL, as on SQLite */
	}
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	PQfreemem(s->blob);
	s->blob = NULL;
}

void pg_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT_CACHE; i++) {
		struct db_stmt *s = &db->stmts[i];
		stmt_clear(s);
		free(s->sql);
		free(s->vals);
		free(s->lens);
		free(s->fmts);
		free(s->types);
		free(s->prepared_types);
	}
	PQfinish(db->c);
	free(db->id_tables);
	free(db);
}

int pg_version(struct db *db)
{
	PGresult *r = ask(db, "SELECT to_regclass('byline_schema') IS NOT NULL");
	int have = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	           PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (!have)
		return 0;
	r = ask(db, "SELECT version FROM byline_schema");
	int v = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
		v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

int pg_migrate(struct db *db, const struct db_migration *m, size_t n_m, char *err,
               size_t errlen)
{
	char lock[64];
	snprintf(lock, sizeof lock, "SELECT pg_advisory_lock(%d)", MIGRATE_LOCK);
	if (run(db, lock) != DB_OK ||
	    run(db, "CREATE TABLE IF NOT EXISTS byline_schema(version INTEGER NOT NULL);"
	            "INSERT INTO byline_schema SELECT 0"
	            " WHERE NOT EXISTS (SELECT 1 FROM byline_schema)") != DB_OK) {
		snprintf(err, errlen, "migration: %s", db->err);
		return DB_ERR;
	}
	int have = pg_version(db);
	int rc = DB_OK;
	for (size_t i = 0; i < n_m && rc == DB_OK; i++) {
		if (m[i].version <= have)
			continue;
		char set[80];
		snprintf(set, sizeof set, "UPDATE byline_schema SET version = %d", m[i].version);
		if (run(db, "BEGIN") != DB_OK || run(db, m[i].sql) != DB_OK || run(db, set) != DB_OK ||
		    run(db, "COMMIT") != DB_OK) {
			snprintf(err, errlen, "migration %d: %s", m[i].version, db->err);
			run(db, "ROLLBACK");
			rc = DB_ERR;
			break;
		}
		log_info("database migrated to version %d", m[i].version);
	}
	snprintf(lock, sizeof lock, "SELECT pg_advisory_unlock(%d)", MIGRATE_LOCK);
	run(db, lock);
	free(db->id_tables); /* the tables may have changed */
	db->id_tables = NULL;
	return rc;
}

/* " t1 t2 ... ": the tables whose id column the database generates. */
static const char *id_tables(struct db *db)
{
	if (db->id_tables)
		return db->id_tables;
	settle(db);
	PGresult *r = PQexec(db->c,
	                     "SELECT table_name FROM information_schema.columns"
	                     " WHERE table_schema = current_schema() AND column_name = 'id'"
	                     " AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')");
	size_t cap = 2;
	int n = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	for (int i = 0; i < n; i++)
		cap += strlen(PQgetvalue(r, i, 0)) + 1;
	char *out = mem_alloc(cap);
	size_t k = 0;
	out[k++] = ' ';
	for (int i = 0; i < n; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s ", PQgetvalue(r, i, 0));
	out[k] = 0;
	PQclear(r);
	db->id_tables = out;
	return out;
}

/* The table an INSERT writes to, into name (lowercase); 0 if sql is not a
** plain INSERT INTO. */
static int insert_table(const char *sql, char *name, size_t len)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	if (strncasecmp(sql, "INSERT INTO ", 12) != 0)
		return 0;
	sql += 12;
	while (*sql == ' ')
		sql++;
	size_t k = 0;
	while ((*sql == '_' || (*sql >= 'a' && *sql <= 'z') || (*sql >= 'A' && *sql <= 'Z') ||
	        (*sql >= '0' && *sql <= '9')) && k + 1 < len)
		name[k++] = (char)(*sql >= 'A' && *sql <= 'Z' ? *sql + 32 : *sql), sql++;
	name[k] = 0;
	return k > 0;
}

/* sql as PostgreSQL reads it: ?N made $N outside quotes and comments, and
** " RETURNING id" added to an INSERT into a table with a generated id. */
static char *translate(struct db *db, const char *sql, int *returns_id, int *max_param)
{
	*max_param = 0;
	size_t n = strlen(sql);
	char *out = mem_alloc(2 * n + 32); /* room for the renames */
	size_t k = 0;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			out[k++] = *p++;
			while (*p && *p != q)
				out[k++] = *p++;
			if (*p)
				out[k++] = *p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				out[k++] = *p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			size_t len = end ? (size_t)(end + 2 - p) : strlen(p);
			memcpy(out + k, p, len);
			k += len;
			p += len;
		} else if (strncmp(p, "json_each(", 10) == 0) {
			/* SQLite's json_each over a JSON array of ids (the only use):
			** schema_pg.c's byline_json_each gives the same column. */
			memcpy(out + k, "byline_json_each(", 17);
			k += 17;
			p += 10;
		} else if (*p == '?') {
			out[k++] = '$';
			p++;
			int v = atoi(p);
			if (v > *max_param)
				*max_param = v;
		} else {
			out[k++] = *p++;
		}
	}
	out[k] = 0;
	*returns_id = 0;
	char table[64], key[68];
	if (insert_table(sql, table, sizeof table) && !strcasestr(sql, "RETURNING")) {
		snprintf(key, sizeof key, " %s ", table);
		if (strstr(id_tables(db), key)) {
			while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == ';' || out[k - 1] == '\n'))
				k--;
			memcpy(out + k, " RETURNING id", 14);
			*returns_id = 1;
		}
	}
	return out;
}

static int is_select(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
		sql++;
	return strncasecmp(sql, "SELECT", 6) == 0 || strncasecmp(sql, "WITH", 4) == 0 ||
	       strncasecmp(sql, "VALUES", 6) == 0;
}

struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
	size_t h = ((size_t)(uintptr_t)sql >> 3) % STMT_CACHE;
	for (int probe = 0; probe < STMT_CACHE; probe++) {
		int slot = (int)((h + (size_t)probe) % STMT_CACHE);
		struct db_stmt *s = &db->stmts[slot];
		if (s->key == sql && !s->in_use) {
			s->in_use = 1;
			s->row = -1;
			return s;
		}
		if (s->key == NULL) {
			s->engine = DB_ENGINE_PG;
			s->db = db;
			s->key = sql;
			s->slot = slot;
			s->sql = translate(db, sql, &s->returns_id, &s->max_param);
			if (s->max_param > MAX_PARAMS)
				die("database: more than %d parameters: %s", MAX_PARAMS, sql);
			size_t np = (size_t)(s->max_param > 0 ? s->max_param : 1);
			s->vals = mem_calloc(np, sizeof *s->vals);
			s->lens = mem_calloc(np, sizeof *s->lens);
			s->fmts = mem_calloc(np, sizeof *s->fmts);
			s->types = mem_calloc(np, sizeof *s->types);
			s->prepared_types = mem_calloc(np, sizeof *s->prepared_types);
			for (int i = 0; i < s->max_param; i++)
				s->types[i] = OID_NULL;
			s->is_write = !is_select(sql);
			s->in_use = 1;
			s->row = -1;
			return s;
		}
	}
	die("statement cache full");
}

static void bind(struct db_stmt *s, int i, const void *p, size_t n, int fmt, Oid type)
{
	if (i < 1 || i > s->max_param)
		die("database: parameter %d out of range: %s", i, s->key);
	free(s->vals[i - 1]);
	s->vals[i - 1] = NULL;
	if (p) {
		s->vals[i - 1] = mem_alloc(n + 1);
		memcpy(s->vals[i - 1], p, n);
		s->vals[i - 1][n] = 0;
	}
	s->lens[i - 1] = (int)n;
	s->fmts[i - 1] = fmt;
	s->types[i - 1] = p ? type : OID_NULL;
}

void pg_bind_int(struct db_stmt *s, int i, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld", v);
	bind(s, i, buf, (size_t)n, 0, OID_INT8);
}

void pg_bind_text(struct db_stmt *s, int i, const char *v)
{
	bind(s, i, v, v ? strlen(v) : 0, 0, 0);
}

void pg_bind_textn(struct db_stmt *s, int i, const char *v, size_t n)
{
	/* Text stops at a NUL byte in PostgreSQL. */
	const char *nul = v ? memchr(v, 0, n) : NULL;
	if (nul)
		n = (size_t)(nul - v);
	bind(s, i, v ? v : "", v ? n : 0, 0, 0);
}

void pg_bind_blob(struct db_stmt *s, int i, const void *p, size_t n)
{
	bind(s, i, n ? p : "", n, 1, OID_BYTEA);
}

void pg_bind_null(struct db_stmt *s, int i)
{
	bind(s, i, NULL, 0, 0, 0);
}

void pg_bind_double(struct db_stmt *s, int i, double v)
{
	char buf[40];
	int n = snprintf(buf, sizeof buf, "%.17g", v);
	bind(s, i, buf, (size_t)n, 0, OID_FLOAT8);
}

static int in_tx(struct db *db)
{
	return db->begin_pending ||
	       (!db->rollback_sent && PQtransactionStatus(db->c) != PQTRANS_IDLE);
}

/* Tells the other nodes (their pools LISTEN) that this connection has
** committed a write, once that commit is durable: a transaction of its own,
** after the data's, not a NOTIFY inside it.  PostgreSQL serialises the
** commits of transactions that notify (one lock for the whole database,
** held until the commit is flushed), so a NOTIFY in every writing
** transaction made the writes of all the nodes commit one at a time, a
** WAL flush each, and none could share a flush: the durable comments a
** second stopped at one per fsync, and readers waiting on a cache sync
** stalled behind them (bench/POSTGRESQL.md).  The notification need not be
** durable (listeners lose their connections in a crash anyway, and the
** 20 ms snapshot poll is the backstop), so its transaction commits without
** waiting for the flush and holds that lock only a moment.  A failure is
** logged, not returned: the write itself is stored. */
static void announce(struct db *db)
{
	PGresult *r = ask(db, "BEGIN; SET LOCAL synchronous_commit = off; NOTIFY " CHANNEL
	                      "; COMMIT");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		log_warn("database: the other nodes were not told of a write: %s",
		         r ? PQresultErrorMessage(r) : PQerrorMessage(db->c));
	PQclear(r);
	if (in_tx(db))
		run(db, "ROLLBACK");
}

/* COMMIT, then announce()'s transaction, in one query string (one round
** trip).  Returns COMMIT's result; *notified says whether the notification
** committed too.  A COMMIT that fails (or answers ROLLBACK: the
** transaction had failed) is what it would be alone; the server skips what
** follows a failed statement in the string, and a notification after a
** ROLLBACK only makes the other nodes read the change log for nothing. */
static PGresult *commit_announcing(struct db *db, int *notified)
{
	*notified = 0;
	settle(db);
	db->round_trips++;
	if (!PQsendQuery(db->c, "COMMIT; BEGIN; SET LOCAL synchronous_commit = off; NOTIFY " CHANNEL
	                        "; COMMIT"))
		return NULL;
	PGresult *out = NULL, *r;
	int n = 0, ok = 0;
	while ((r = PQgetResult(db->c)) != NULL) {
		if (n == 0)
			out = r;
		else {
			ok += PQresultStatus(r) == PGRES_COMMAND_OK;
			PQclear(r);
		}
		n++;
	}
	*notified = n == 5 && ok == 4;
	if (n > 1 && !*notified)
		log_warn("database: the other nodes were not told of a write");
	return out;
}

static int ready(const struct db_stmt *s);
static PGresult *execute_begun(struct db_stmt *s);

/* 1 if the types bound now fit those s was prepared with: the same, or a
** NULL, which is a value of every type (an optional parent or score bound
** NULL in one call and a number in the next need not prepare it again). */
static int types_fit(const struct db_stmt *s)
{
	for (int i = 0; i < s->max_param; i++)
		if (s->types[i] != OID_NULL && s->types[i] != s->prepared_types[i])
			return 0;
	return 1;
}

/* Runs s once: prepared on the server (again if the types bound do not
** fit those it was prepared with).  The result, or NULL. */
static PGresult *execute(struct db_stmt *s)
{
	struct db *db = s->db;
	settle(db);
	if (db->begin_pending && ready(s))
		return execute_begun(s);
	flush_begin(db);
	char name[16];
	snprintf(name, sizeof name, "s%d", s->slot);
	size_t types_size = (size_t)s->max_param * sizeof *s->types;
	if (s->prepared && !types_fit(s)) {
		char sql[32];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", name);
		PQclear(ask(db, sql));
		s->prepared = 0;
	}
	/* The server infers each parameter's type from where it stands, given
	** the types bound (integers int8, reals float8, text left to infer).
	** Where that fails it tries again.  A parameter whose type it cannot
	** infer (named in the error: its first use is "?N IS NULL") is tried as
	** text, then, if the next error is another, as an integer.  Any other
	** failure (an integer bound against a text column, an integer compared
	** with a boolean) moves to the next pass: text and NULLs as text, NULLs
	** as integers, then the numbers inferred too (a boolean reads '1' and
	** '0'), then every parameter inferred. */
	int tx = !s->prepared && in_tx(db);
	if (tx)
		run(db, "SAVEPOINT byline_prep"); /* a failed try must not end the transaction */
	Oid *fixed = s->prepared ? NULL : mem_calloc((size_t)s->max_param + 1, sizeof *fixed);
	int pass = 0, last_fixed = 0;
	for (int tries = 0; !s->prepared; tries++) {
		Oid types[MAX_PARAMS];
		for (int i = 0; i < s->max_param; i++) {
			Oid t = s->types[i];
			int is_null = t == OID_NULL, is_text = t == 0;
			if (is_null || is_text)
				t = pass == 0 || pass == 5 ? 0 : OID_TEXT;
			if (is_null && (pass == 2 || pass == 4))
				t = OID_INT8;
			if (!is_null && !is_text && t != OID_BYTEA && pass >= 3)
				t = 0;
			types[i] = fixed[i + 1] ? fixed[i + 1] : t;
		}
		db->round_trips++;
		PGresult *r = PQprepare(db->c, name, s->sql, s->max_param, types);
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			PQclear(r);
			if (types_size)
				memcpy(s->prepared_types, s->types, types_size);
			s->prepared = 1;
			break;
		}
		if (tx)
			run(db, "ROLLBACK TO byline_prep");
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (!state || strncmp(state, "42", 2) != 0) {
			if (tx)
				run(db, "RELEASE byline_prep");
			free(fixed);
			return r;
		}
		const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *at = msg ? strstr(msg, "parameter $") : NULL;
		int n = at ? atoi(at + 11) : 0;
		int unknown = strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0;
		if (unknown && n >= 1 && n <= s->max_param && !fixed[n]) {
			fixed[n] = OID_TEXT;
			last_fixed = n;
		} else if (last_fixed && fixed[last_fixed] == OID_TEXT) {
			fixed[last_fixed] = OID_INT8;
		} else {
			last_fixed = 0;
			pass++;
		}
		/* A statement the server cannot read is a bug to fix (class 42:
		** syntax, a missing table or column, a type mismatch). */
		if (pass > 5 || tries > 3 * s->max_param + 12 || strcmp(state, "42601") == 0 ||
		    strcmp(state, "42P01") == 0 || strcmp(state, "42703") == 0)
			die("SQL does not compile: %s  %s", PQresultErrorMessage(r), s->sql);
		PQclear(r);
	}
	free(fixed);
	if (tx)
		run(db, "RELEASE byline_prep");
	db->round_trips++;
	return PQexecPrepared(db->c, name, s->max_param, (const char *const *)s->vals, s->lens,
	                      s->fmts, 0);
}

/* Whether s can run as it was prepared (prepared, with the types bound now). */
static int ready(const struct db_stmt *s)
{
	return s->prepared && types_fit(s);
}

/* Runs s, prepared already (ready()), with the transaction's BEGIN waiting
** (begin_pending) in one round trip: the two sent together in a pipeline.
** When the BEGIN fails the server skips the statement, whose result is
** then PGRES_PIPELINE_ABORTED (an error to the caller).  The statement's
** result, or NULL if the connection failed. */
static PGresult *execute_begun(struct db_stmt *s)
{
	struct db *db = s->db;
	char name[16];
	snprintf(name, sizeof name, "s%d", s->slot);
	settle(db);
	db->begin_pending = 0;
	db->round_trips++;
	if (!PQenterPipelineMode(db->c))
		return NULL;
	int sent = PQsendQueryParams(db->c, db->begin_sql, 0, NULL, NULL, NULL, NULL, 0) &&
	           PQsendQueryPrepared(db->c, name, s->max_param, (const char *const *)s->vals,
	                               s->lens, s->fmts, 0) &&
	           PQpipelineSync(db->c);
	PGresult *out = NULL;
	/* The answers: one result (then NULL) for each of the two, then the
	** sync.  Whatever happens, everything is read before leaving the
	** pipeline. */
	for (int i = 0; sent && i < 3; i++) {
		PGresult *r = PQgetResult(db->c);
		if (!r) {
			if (PQstatus(db->c) != CONNECTION_OK)
				break;
			continue; /* the end of one query's results */
		}
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (i == 1) {
			out = r; /* the statement's own */
			r = NULL;
		}
		PQclear(r);
		PGresult *end = PQgetResult(db->c); /* NULL after each query's result */
		while (end) {
			PQclear(end);
			end = PQgetResult(db->c);
		}
	}
	if (!PQexitPipelineMode(db->c)) {
		PQclear(out);
		return NULL;
	}
	return out;
}

/* Runs s, prepared already (ready()), inside the savepoint that lets it
** fail alone, in one round trip instead of three: SAVEPOINT, the
** statement and RELEASE sent together in a pipeline.  When the statement
** fails, the RELEASE is skipped by the server (the transaction is then
** aborted until the caller's ROLLBACK TO), as it would not have been sent.
** Returns the statement's result (NULL if the connection failed), and in
** *saved whether the savepoint was taken; the savepoint is released when
** the result is a success. */
static PGresult *execute_guarded(struct db_stmt *s, int *saved)
{
	struct db *db = s->db;
	char name[16];
	snprintf(name, sizeof name, "s%d", s->slot);
	*saved = 0;
	settle(db);
	db->round_trips++;
	if (!PQenterPipelineMode(db->c))
		return NULL;
	/* The transaction's BEGIN, if not sent yet, leads the pipeline. */
	int begin = db->begin_pending;
	db->begin_pending = 0;
	int sent = (!begin || PQsendQueryParams(db->c, db->begin_sql, 0, NULL, NULL, NULL, NULL, 0)) &&
	           PQsendQueryParams(db->c, "SAVEPOINT byline_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
	           PQsendQueryPrepared(db->c, name, s->max_param, (const char *const *)s->vals,
	                               s->lens, s->fmts, 0) &&
	           PQsendQueryParams(db->c, "RELEASE byline_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
	           PQpipelineSync(db->c);
	PGresult *out = NULL;
	if (sent && begin) { /* BEGIN's answer (then NULL) */
		PGresult *r;
		PQclear(PQgetResult(db->c));
		while ((r = PQgetResult(db->c)) != NULL)
			PQclear(r);
	}
	/* The answers: one result (then NULL) for each of the three, then the
	** sync.  Whatever happens, everything is read before leaving the
	** pipeline. */
	for (int i = 0; sent && i < 4; i++) {
		PGresult *r = PQgetResult(db->c);
		if (!r) {
			if (PQstatus(db->c) != CONNECTION_OK)
				break;
			continue; /* the end of one query's results */
		}
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (i == 0)
			*saved = st == PGRES_COMMAND_OK;
		if (i == 1 && *saved) {
			out = r; /* the statement's own */
			r = NULL;
		} else if (i == 1) {
			out = r; /* PGRES_PIPELINE_ABORTED: the savepoint failed */
			r = NULL;
		}
		PQclear(r);
		PGresult *end = PQgetResult(db->c); /* NULL after each query's result */
		while (end) { /* not expected: a result that came in parts */
			PQclear(end);
			end = PQgetResult(db->c);
		}
	}
	if (!PQexitPipelineMode(db->c)) {
		/* Left in the pipeline: the connection broke mid-way; it is reset
		** by the pool like any broken connection. */
		PQclear(out);
		return NULL;
	}
	return out;
}

int pg_step(struct db_stmt *s)
{
	struct db *db = s->db;
	if (s->res) {
		if (s->row + 1 < PQntuples(s->res)) {
			s->row++;
			PQfreemem(s->blob);
			s->blob = NULL;
			return DB_ROW;
		}
		return DB_OK;
	}
	int guard = s->is_write && in_tx(db);
	int rc = DB_OK;
	for (int attempt = 0; attempt < 2; attempt++) {
		int pipelined = guard && ready(s), saved = 0;
		PGresult *r = NULL;
		if (pipelined) {
			r = execute_guarded(s, &saved);
			if (!saved) {
				set_err(db, *PQerrorMessage(db->c) ? PQerrorMessage(db->c)
				                                   : "the statement's savepoint failed");
				PQclear(r);
				rc = DB_FULL;
				break;
			}
		} else {
			if (guard && run(db, "SAVEPOINT byline_stmt") != DB_OK) {
				rc = DB_FULL;
				break;
			}
			r = execute(s);
		}
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			if (guard && !pipelined)
				run(db, "RELEASE byline_stmt");
			s->res = r;
			const char *t = PQcmdTuples(r);
			if (s->is_write) {
				db->changes = t && *t ? atoi(t) : 0;
				if (in_tx(db)) {
					db->tx_wrote |= db->changes > 0;
				} else {
					atomic_fetch_add(&local_writes, 1); /* committed alone */
					if (db->changes > 0)
						announce(db); /* tell the other nodes */
				}
			}
			if (s->returns_id) {
				if (PQntuples(r) > 0)
					db->last_id = atoll(PQgetvalue(r, PQntuples(r) - 1, 0));
				s->row = PQntuples(r); /* the id row is not the caller's */
				return DB_OK;
			}
			s->row = -1;
			return pg_step(s);
		}
		set_err(db, r ? PQresultErrorMessage(r) : PQerrorMessage(db->c));
		rc = map_state(r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL);
		if (rc == DB_OK)
			rc = DB_ERR;
		PQclear(r);
		if (guard)
			run(db, "ROLLBACK TO byline_stmt; RELEASE byline_stmt");
		if (rc != DB_BUSY || in_tx(db))
			break; /* a busy transaction is the caller's to run again */
	}
	if (rc != DB_CONSTRAINT) {
		log_warn("database: %s", db->err);
		db->failed = 1;
	}
	return rc;
}

static int col_ok(struct db_stmt *s, int i)
{
	return s->res && s->row >= 0 && s->row < PQntuples(s->res) && i >= 0 &&
	       i < PQnfields(s->res);
}

long long pg_col_int(struct db_stmt *s, int i)
{
	if (!col_ok(s, i) || PQgetisnull(s->res, s->row, i))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, i);
	if (v[0] == 't' && !v[1])
		return 1; /* a boolean */
	if (v[0] == 'f' && !v[1])
		return 0;
	if (strpbrk(v, ".eE"))
		return (long long)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

const char *pg_col_text(struct db_stmt *s, int i)
{
	if (!col_ok(s, i))
		return "";
	return PQgetvalue(s->res, s->row, i);
}

const void *pg_col_blob(struct db_stmt *s, int i, size_t *n)
{
	*n = 0;
	if (!col_ok(s, i) || PQgetisnull(s->res, s->row, i))
		return "";
	if (PQftype(s->res, i) != OID_BYTEA) {
		*n = (size_t)PQgetlength(s->res, s->row, i);
		return PQgetvalue(s->res, s->row, i);
	}
	PQfreemem(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, i), n);
	if (!s->blob) {
		s->db->failed = 1;
		*n = 0;
		return "";
	}
	return s->blob;
}

size_t pg_col_len(struct db_stmt *s, int i)
{
	if (!col_ok(s, i))
		return 0;
	if (PQftype(s->res, i) == OID_BYTEA) {
		size_t n;
		pg_col_blob(s, i, &n);
		return n;
	}
	return (size_t)PQgetlength(s->res, s->row, i);
}

int pg_col_is_null(struct db_stmt *s, int i)
{
	return !col_ok(s, i) || PQgetisnull(s->res, s->row, i);
}

void pg_done(struct db_stmt *s)
{
	stmt_clear(s);
	s->in_use = 0;
}

int pg_exec(struct db *db, const char *sql)
{
	int was_in_tx = in_tx(db);
	int rc = run(db, sql);
	if (rc == DB_OK && was_in_tx)
		db->tx_wrote = 1; /* it may have written */
	if (rc == DB_OK && !in_tx(db)) {
		atomic_fetch_add(&local_writes, 1); /* it may have written */
		announce(db);
	}
	if (rc != DB_OK) {
		db->failed = 1;
		log_warn("database: %s (%s)", db->err, sql);
	}
	return rc;
}

int pg_begin(struct db *db)
{
	if (in_tx(db)) {
		log_warn("database: a transaction began inside another one");
		set_err(db, "a transaction is already open");
		db->failed = 1;
		return DB_ERR;
	}
	/* Sent with the first statement (ask(), execute_guarded()): a round
	** trip fewer for every transaction. */
	db->begin_pending = 1;
	db->begin_sql = "BEGIN";
	return DB_OK;
}

int pg_begin_alone(struct db *db)
{
	return pg_begin(db);
}

int pg_commit(struct db *db)
{
	if (db->begin_pending) { /* nothing was sent: nothing to commit */
		db->begin_pending = 0;
		db->tx_wrote = 0;
		db->n_transactions++;
		atomic_fetch_add(&local_writes, 1);
		return DB_OK;
	}
	settle(db);
	if (PQtransactionStatus(db->c) == PQTRANS_INERROR) {
		set_err(db, "the transaction was rolled back after an error");
		run(db, "ROLLBACK");
		db->failed = 1;
		return DB_FULL;
	}
	int wrote = db->tx_wrote;
	db->tx_wrote = 0;
	/* A transaction that wrote sends its notification (announce()) in the
	** same round trip as its COMMIT: the server runs it only if the COMMIT
	** succeeded (an error ends a query string), and once it is durable. */
	int notified = 0;
	PGresult *r = wrote ? commit_announcing(db, &notified) : ask(db, "COMMIT");
	int rc = DB_OK;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		set_err(db, r ? PQresultErrorMessage(r) : PQerrorMessage(db->c));
		rc = map_state(r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL);
		if (rc == DB_OK)
			rc = DB_ERR;
	} else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		set_err(db, "the transaction was rolled back after an error");
		rc = DB_FULL;
	}
	PQclear(r);
	if (in_tx(db))
		run(db, "ROLLBACK");
	if (rc == DB_OK) {
		db->n_transactions++;
		atomic_fetch_add(&local_writes, 1);
		if (wrote && !notified)
			announce(db);
	} else {
		db->failed = 1;
	}
	return rc;
}

void pg_rollback(struct db *db)
{
	db->tx_wrote = 0;
	db->begin_pending = 0; /* nothing was sent */
	if (in_tx(db))
		run(db, "ROLLBACK");
	db->read_only = 0;
}

long long pg_round_trips(struct db *db)
{
	return db->round_trips;
}

void pg_write_stats(struct db *db, long long *transactions, long long *commits)
{
	*transactions = *commits = db->n_transactions;
}

int pg_read_begin(struct db *db)
{
	if (in_tx(db))
		return 0;
	/* Sent with the snapshot's first statement (execute_begun()): a round
	** trip fewer for every page. */
	db->begin_pending = 1;
	db->begin_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
	db->read_only = 1;
	return 1;
}

void pg_read_end(struct db *db)
{
	/* A read snapshot's ROLLBACK is sent without waiting for its answer,
	** which the connection's next use reads first (settle()): the page is
	** answered a round trip sooner. */
	if (db->read_only && !db->begin_pending && !db->rollback_sent &&
	    PQtransactionStatus(db->c) != PQTRANS_IDLE && PQsendQuery(db->c, "ROLLBACK")) {
		db->rollback_sent = 1;
		db->round_trips++;
		db->tx_wrote = 0;
		db->read_only = 0;
		return;
	}
	pg_rollback(db);
}

void pg_set_cache(struct db *db, int kib)
{
	(void)db; /* the server's shared_buffers hold the pages */
	(void)kib;
}

int pg_failed(struct db *db)
{
	return db->failed;
}

void pg_clear_failed(struct db *db)
{
	db->failed = 0;
}

int pg_in_transaction(struct db *db)
{
	return in_tx(db);
}

long long pg_last_id(struct db *db)
{
	return db->last_id;
}

int pg_changes(struct db *db)
{
	return db->changes;
}

const char *pg_errmsg(struct db *db)
{
	return db->err[0] ? db->err : "not an error";
}

/* ---- pool ---- */

/* LISTENs on watch; 1 when it holds. */
static int listen_on(PGconn *watch)
{
	PGresult *r = PQexec(watch, "LISTEN " CHANNEL);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	return ok;
}

struct db_pool *pg_pool_new(const char *path, int size, char *err, size_t errlen)
{
	struct db_pool *p = mem_calloc(1, sizeof *p);
	p->engine = DB_ENGINE_PG;
	p->all = mem_calloc((size_t)size, sizeof *p->all);
	p->free_ = mem_calloc((size_t)size, sizeof *p->free_);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_mutex_init(&p->vmu, NULL);
	pthread_mutex_init(&p->lmu, NULL);
	p->path = mem_strdup(path);
	for (int i = 0; i < size; i++) {
		struct db *db = pg_open(path, err, errlen);
		if (!db) {
			pg_pool_free(p);
			return NULL;
		}
		p->all[p->size++] = db;
		p->free_[p->n_free++] = db;
	}
	p->watch = PQconnectdb(path);
	if (PQstatus(p->watch) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database: %s", PQerrorMessage(p->watch));
		pg_pool_free(p);
		return NULL;
	}
	p->listening = listen_on(p->watch);
	return p;
}

void pg_pool_free(struct db_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->size; i++)
		pg_close(p->all[i]);
	PQfinish(p->watch);
	if (p->lead)
		PQfinish(p->lead);
	free(p->path);
	pthread_mutex_destroy(&p->lmu);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->vmu);
	free(p->all);
	free(p->free_);
	free(p);
}

struct db *pg_pool_get(struct db_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->n_free == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	struct db *db = p->free_[--p->n_free];
	pthread_mutex_unlock(&p->mu);
	return db;
}

/* 1 if the notification came from one of p's own connections: its write
** already moved local_writes when its commit returned. */
static int own_notice(const struct db_pool *p, int be_pid)
{
	for (int i = 0; i < p->size; i++)
		if (atomic_load(&p->all[i]->pid) == be_pid)
			return 1;
	return 0;
}

void pg_pool_put(struct db_pool *p, struct db *db)
{
	pg_rollback(db);
	if (PQstatus(db->c) != CONNECTION_OK) {
		/* The server restarted: the connection starts afresh, with no
		** statement prepared on it. */
		PQreset(db->c);
		atomic_store(&db->pid, PQbackendPID(db->c));
		for (int i = 0; i < STMT_CACHE; i++)
			db->stmts[i].prepared = 0;
	}
	pthread_mutex_lock(&p->mu);
	p->free_[p->n_free++] = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* How long a snapshot read by db_pool_data_version stands for the server's
** state when no notification says otherwise: writes made outside Byline
** (psql, another tool), and every write while the listener is down, are seen
** within this; this process's own at once (local_writes), another node's at
** once through its NOTIFY. */
#define VERSION_TTL_NS 20000000L /* 20 ms */
/* How often a lost watch connection is tried again. */
#define RECONNECT_NS 1000000000L /* 1 s */

/* Reads the notifications waiting on watch without blocking (the page
** cache asks on the event loop): each one moves p->heard.  A connection
** found broken stops the listening until it is reconnected. */
static void hear(struct db_pool *p)
{
	if (!p->listening)
		return;
	if (!PQconsumeInput(p->watch) || PQstatus(p->watch) != CONNECTION_OK) {
		log_warn("database: the change listener lost its connection; polling until it is back");
		p->listening = 0;
		p->heard++;
		return;
	}
	PGnotify *n;
	while ((n = PQnotifies(p->watch)) != NULL) {
		/* This process's own writes are counted when they commit (and
		** synced by the writer): their echo would only make the page
		** cache read the change log again for nothing. */
		if (!own_notice(p, n->be_pid))
			p->heard++;
		PQfreemem(n);
	}
}

/* The data version: notifications heard on the pool's watch connection
** (every node NOTIFYs CHANNEL when a write commits, see pg_commit and
** pg_step), this process's own commits, and, as a backstop for writes that
** send no notification, the server's current snapshot (next transaction
** id, and those still in progress), hashed: any transaction that writes
** takes an id, which moves the next one, and its commit takes it off the
** in-progress list.  The snapshot is read at most once per VERSION_TTL_NS;
** notifications are read at every call, without waiting.  When the watch
** connection is lost the snapshot read fails, which itself moves the
** version (something may have changed), and the connection is tried again
** every RECONNECT_NS, LISTENing afresh. */
unsigned long long pg_pool_data_version(struct db_pool *p)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
	pthread_mutex_lock(&p->vmu);
	hear(p);
	if (!p->checked_ns || ns - p->checked_ns >= VERSION_TTL_NS) {
		PGresult *r = PQexec(p->watch, "SELECT pg_current_snapshot()::text");
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
			const char *v = PQgetvalue(r, 0, 0);
			p->last_version = (unsigned long long)text_hash(v, strlen(v));
		} else {
			p->last_version++; /* unknown: say something may have changed */
			if (PQstatus(p->watch) != CONNECTION_OK && ns - p->retry_ns >= RECONNECT_NS) {
				p->retry_ns = ns;
				PQreset(p->watch);
				if (PQstatus(p->watch) == CONNECTION_OK && listen_on(p->watch)) {
					log_info("database: the change listener is back");
					p->listening = 1;
					p->heard++;
				}
			}
		}
		PQclear(r);
		hear(p); /* what came with the snapshot's answer */
		p->checked_ns = ns;
	}
	unsigned long long parts[3] = {p->last_version, p->heard, atomic_load(&local_writes)};
	pthread_mutex_unlock(&p->vmu);
	return (unsigned long long)text_hash((const char *)parts, sizeof parts);
}

/* How often a follower tries for the lock and a leader checks that its
** connection (and with it the lock) is still there. */
#define LEAD_EVERY_NS 1000000000LL /* 1 s */

/* Runs one statement on p->lead that answers one boolean; 1 true, 0 false,
** -1 when it failed (the connection is then closed). */
static int lead_ask(struct db_pool *p, const char *sql, const char *name)
{
	const char *values[1] = {name};
	PGresult *r = PQexecParams(p->lead, sql, name ? 1 : 0, NULL, name ? values : NULL, NULL,
	                           NULL, 0);
	int v = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (v < 0) {
		PQfinish(p->lead);
		p->lead = NULL;
	}
	return v;
}

/* The lock's key is the name hashed by the server (hashtext), so every node
** passing the same name asks for the same lock.  The lead connection is
** opened when first needed and again after it was lost; a leader whose
** connection broke has lost the lock with it (the server releases a
** session's advisory locks when the session ends) and is a follower until
** it wins the lock again. */
int pg_leader(struct db_pool *p, const char *name)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
	pthread_mutex_lock(&p->lmu);
	if (p->lead_ns && ns - p->lead_ns < LEAD_EVERY_NS) {
		int leading = p->leading;
		pthread_mutex_unlock(&p->lmu);
		return leading;
	}
	p->lead_ns = ns;
	if (p->leading) {
		/* Still connected?  A round trip tells; the lock lives as long. */
		if (lead_ask(p, "SELECT true", NULL) != 1) {
			p->leading = 0;
			log_warn("lost the database connection that made this node the leader");
		}
	} else {
		if (!p->lead) {
			p->lead = PQconnectdb(p->path);
			if (PQstatus(p->lead) != CONNECTION_OK) {
				PQfinish(p->lead);
				p->lead = NULL;
			}
		}
		if (p->lead &&
		    lead_ask(p, "SELECT pg_try_advisory_lock(hashtext($1::text))", name) == 1) {
			p->leading = 1;
			log_info("this node leads the background work (%s)", name);
		}
	}
	int leading = p->leading;
	pthread_mutex_unlock(&p->lmu);
	return leading;
}

/* ---- Full-text search: tsvector ---- */

static const char sql_text_delete[] = "DELETE FROM articles_fts WHERE id = ?1";
static const char sql_text_insert[] =
    "INSERT INTO articles_fts(id, headline, dek, body) VALUES (?1, ?2, ?3, ?4)";
static const char sql_text_replace[] =
    "UPDATE articles_fts SET body = replace(body, ?2, ?3) WHERE id = ?1";
static const char sql_text_match[] =
    "SELECT id FROM articles_fts WHERE tsv @@ websearch_to_tsquery('simple', ?1)"
    " ORDER BY id DESC";
/* ts_rank's weights are {D, C, B, A}: body 1, standfirst 4, headline 10. */
static const char sql_text_rank[] =
    "SELECT f.id FROM articles_fts f JOIN articles a ON a.id = f.id"
    " WHERE f.tsv @@ websearch_to_tsquery('simple', ?1) AND f.id >= ?2"
    " AND a.status = 'published'"
    " ORDER BY ts_rank('{0.1, 0, 0.4, 1.0}', f.tsv, websearch_to_tsquery('simple', ?1))"
    " * (1.0 + 0.3 / (1.0 + (?3 - a.published_at) / 2592000.0)) DESC, f.id DESC"
    " LIMIT ?5 OFFSET ?4";
static const char sql_text_related[] =
    "SELECT id FROM articles_fts"
    " WHERE ts_filter(tsv, '{a,b}') @@ websearch_to_tsquery('simple', ?2) AND id <> ?1"
    " ORDER BY ts_rank('{0.1, 0, 0.4, 1.0}', tsv, websearch_to_tsquery('simple', ?2)) DESC,"
    " id DESC LIMIT ?3";
/* ts_headline's passage, with "…" where it cuts the body, as FTS5's
** snippet() marks it. */
static const char sql_text_snippet[] =
    "SELECT CASE WHEN starts_with(body, p) THEN '' ELSE '…' END || h"
    " || CASE WHEN right(body, length(p)) = p THEN '' ELSE '…' END"
    " FROM (SELECT body, h, replace(replace(h, chr(1), ''), chr(2), '') AS p"
    " FROM (SELECT body, ts_headline('simple', body, websearch_to_tsquery('simple', ?1),"
    " 'StartSel=' || chr(1) || ', StopSel=' || chr(2) ||"
    " ', MaxWords=24, MinWords=12, MaxFragments=1, FragmentDelimiter=\"…\"') AS h"
    " FROM articles_fts WHERE id = ?2 AND tsv @@ websearch_to_tsquery('simple', ?1)) x) y";

int pg_text_put(struct db *db, long long id, const char *headline, const char *dek,
                const char *body)
{
	int rc = pg_text_drop(db, id);
	if (rc != DB_OK)
		return rc;
	struct db_stmt *st = pg_prepare(db, sql_text_insert);
	pg_bind_int(st, 1, id);
	pg_bind_text(st, 2, headline ? headline : "");
	pg_bind_text(st, 3, dek ? dek : "");
	pg_bind_text(st, 4, body ? body : "");
	rc = pg_step(st);
	pg_done(st);
	return rc;
}

int pg_text_drop(struct db *db, long long id)
{
	struct db_stmt *st = pg_prepare(db, sql_text_delete);
	pg_bind_int(st, 1, id);
	int rc = pg_step(st);
	pg_done(st);
	return rc;
}

int pg_text_replace(struct db *db, long long id, const char *from, const char *to)
{
	struct db_stmt *st = pg_prepare(db, sql_text_replace);
	pg_bind_int(st, 1, id);
	pg_bind_text(st, 2, from);
	pg_bind_text(st, 3, to);
	int rc = pg_step(st);
	pg_done(st);
	return rc;
}

struct db_stmt *pg_text_match(struct db *db, const char *query)
{
	struct db_stmt *st = pg_prepare(db, sql_text_match);
	pg_bind_text(st, 1, query);
	return st;
}

struct db_stmt *pg_text_rank(struct db *db, const char *query, long long min_id, long long now,
                             long long offset, int limit)
{
	struct db_stmt *st = pg_prepare(db, sql_text_rank);
	pg_bind_text(st, 1, query);
	pg_bind_int(st, 2, min_id);
	pg_bind_int(st, 3, now);
	pg_bind_int(st, 4, offset);
	pg_bind_int(st, 5, limit);
	return st;
}

struct db_stmt *pg_text_related(struct db *db, const char *query, long long not_id, int limit)
{
	struct db_stmt *st = pg_prepare(db, sql_text_related);
	pg_bind_int(st, 1, not_id);
	pg_bind_text(st, 2, query);
	pg_bind_int(st, 3, limit);
	return st;
}

struct db_stmt *pg_text_snippet(struct db *db, const char *query, long long id)
{
	struct db_stmt *st = pg_prepare(db, sql_text_snippet);
	pg_bind_text(st, 1, query);
	pg_bind_int(st, 2, id);
	return st;
}

double pg_col_double(struct db_stmt *s, int i)
{
	if (!col_ok(s, i) || PQgetisnull(s->res, s->row, i))
		return 0;
	return strtod(PQgetvalue(s->res, s->row, i), NULL);
}

int pg_col_count(struct db_stmt *s)
{
	return s->res ? PQnfields(s->res) : 0;
}

const char *pg_col_name(struct db_stmt *s, int i)
{
	const char *n = s->res && i >= 0 && i < PQnfields(s->res) ? PQfname(s->res, i) : NULL;
	return n ? n : "";
}

enum db_type pg_col_type(struct db_stmt *s, int i)
{
	if (!col_ok(s, i) || PQgetisnull(s->res, s->row, i))
		return DB_T_NULL;
	switch (PQftype(s->res, i)) {
	case 16: case 20: case 21: case 23: case 26: /* bool, int8, int2, int4, oid */
		return DB_T_INT;
	case 700: case 701: case 1700:              /* float4, float8, numeric */
		return DB_T_FLOAT;
	case OID_BYTEA:
		return DB_T_BLOB;
	default:
		return DB_T_TEXT;
	}
}

int pg_ids_follow(struct db *db, const char *table, const char *column)
{
	char *t = PQescapeIdentifier(db->c, table, strlen(table));
	char *c = PQescapeIdentifier(db->c, column, strlen(column));
	int rc = DB_ERR;
	if (t && c) {
		char sql[512];
		snprintf(sql, sizeof sql,
		         "SELECT setval(pg_get_serial_sequence($1, $2), max(%s)) FROM %s", c, t);
		const char *params[2] = {table, column};
		flush_begin(db);
		settle(db);
		db->round_trips++;
		PGresult *r = PQexecParams(db->c, sql, 2, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			rc = DB_OK;
		else
			snprintf(db->err, sizeof db->err, "%s", PQerrorMessage(db->c));
		PQclear(r);
	}
	PQfreemem(t);
	PQfreemem(c);
	return rc;
}

int pg_backup(struct db *db, const char *path, char *err, size_t errlen)
{
	(void)db;
	snprintf(err, errlen, "%s: a PostgreSQL database is backed up by copying it in one snapshot",
	         path);
	return DB_ERR;
}

/* db_text_snippets: sql_text_snippet for the ids of a JSON array. */
static const char sql_text_snippets[] =
    "SELECT id, CASE WHEN starts_with(body, p) THEN '' ELSE '…' END || h"
    " || CASE WHEN right(body, length(p)) = p THEN '' ELSE '…' END"
    " FROM (SELECT id, body, h, replace(replace(h, chr(1), ''), chr(2), '') AS p"
    " FROM (SELECT id, body, ts_headline('simple', body, websearch_to_tsquery('simple', ?1),"
    " 'StartSel=' || chr(1) || ', StopSel=' || chr(2) ||"
    " ', MaxWords=24, MinWords=12, MaxFragments=1, FragmentDelimiter=\"…\"') AS h"
    " FROM articles_fts WHERE id IN (SELECT value FROM json_each(?2))"
    " AND tsv @@ websearch_to_tsquery('simple', ?1)) x) y";

struct db_stmt *pg_text_snippets(struct db *db, const char *query, const char *ids_json)
{
	struct db_stmt *st = pg_prepare(db, sql_text_snippets);
	pg_bind_text(st, 1, query);
	pg_bind_text(st, 2, ids_json);
	return st;
}

/* db_text_match_upto: sql_text_match's first rows (the server sends no
** more than are read). */
static const char sql_text_match_upto[] =
    "SELECT id FROM articles_fts WHERE tsv @@ websearch_to_tsquery('simple', ?1)"
    " ORDER BY id DESC LIMIT ?2";

struct db_stmt *pg_text_match_upto(struct db *db, const char *query, long long limit)
{
	struct db_stmt *st = pg_prepare(db, sql_text_match_upto);
	pg_bind_text(st, 1, query);
	pg_bind_int(st, 2, limit);
	return st;
}
