/*
** db_sqlite.c: the db.h interface on SQLite.
**
** Each connection keeps a small cache of prepared statements keyed by the
** address of their SQL text (always a static constant in model/), so every
** statement is compiled once per connection and reused for the life of the
** process.
**
** Writes go through one writer connection per database file and process
** (struct db_file), in groups that share one commit: see "The write queue"
** below and docs/ARCHITECTURE.md, "Storage".
*/
#include "db/db.h"
#include "db/db_engine.h"
#include "core/mem.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/text.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Prepared statements kept per connection, keyed by the SQL's address: one
** slot per statement constant in the source (about 360 after issue 16) and
** those in use twice at once, with room to spare (open addressing stays
** fast below half full).  It was 128, which this round's new statements
** filled: "statement cache full" ended the server mid-test. */
#define STMT_CACHE 1024

/* The most transactions one commit carries: past it, threads waiting to
** begin wait for that commit, so no group grows without bound. */
#define BATCH_MAX 64

/* The savepoint each queued transaction runs in, inside the group's one. */
#define SAVEPOINT_SQL "SAVEPOINT byline_tx"
#define RELEASE_SQL "RELEASE byline_tx"
#define ROLLBACK_TO_SQL "ROLLBACK TO byline_tx"

struct db_file;

struct db_stmt {
	int engine;        /* DB_ENGINE_SQLITE (0): db.c dispatches on it */
	struct db *db;     /* owning connection */
	const char *key;   /* the SQL text's address */
	sqlite3_stmt *st;  /* compiled statement */
	int in_use;        /* handed out and not yet sq_done() */
	int holds_queue;   /* an autocommit write stepping: it holds its file's
	                   ** write queue until it finishes (sq_step, sq_done) */
};

struct db {
	int engine;                        /* DB_ENGINE_SQLITE (0) */
	sqlite3 *h;                        /* the connection */
	int failed;                        /* a statement failed since sq_clear_failed */
	struct db_file *file;              /* the file's write queue; NULL for the
	                                   ** writer itself and for a database
	                                   ** with no file name (":memory:") */
	struct db *via;                    /* while in a transaction: the writer,
	                                   ** which runs this connection's statements */
	struct db *user;                   /* the writer only: the connection whose
	                                   ** transaction it runs now, told of failures */
	int alone;                         /* in a sq_begin_alone() transaction */
	char err[160];                     /* why the last transaction failed, when
	                                   ** the writer or the group said (sq_errmsg) */
	struct db_stmt dead;               /* handed out when a statement cannot compile
	                                   ** for a runtime reason: every step fails */
	struct db_stmt stmts[STMT_CACHE];  /* open-addressed by key */
	int n_stmts;                       /* slots in use */
};

/* A member of the group being committed: a transaction released into the
** group's transaction, waiting (in sq_commit) for the commit that makes it
** durable.  Lives on its thread's stack. */
struct db_waiter {
	struct db_waiter *next;  /* the next member of the same group */
	int done;                /* set by the committer, under the file's mu */
	int rc;                  /* the group's outcome: DB_OK or an error code */
	char why[160];           /* SQLite's message when rc is an error */
};

/* One database file as this process writes it.  Every connection opened
** on the file (sq_open) points here; the first write transaction opens
** `writer`, and from then on every write transaction of the process runs on
** it, one thread at a time (`owner`).  A transaction runs in a savepoint
** inside the group's transaction (`open`); when it is done it joins
** `members` and waits; the group is committed (one WAL fsync) by one of its
** members as soon as nobody is waiting to join, or the group is full, or a
** write outside a transaction is waiting.  Those (autocommit) writes run on
** their own connection while holding `owner` with no group open. */
struct db_file {
	struct db_file *next;       /* in the list of files open in this process */
	char *path;                 /* the database's full file name: the key */
	int refs;                   /* connections opened on it by sq_open */
	struct db *writer;          /* the connection all write transactions run on */
	pthread_mutex_t mu;         /* guards everything below */
	pthread_cond_t cv;          /* broadcast at every change of state */
	int owner;                  /* a thread is inside a transaction on writer, or
	                            ** is making an autocommit write */
	int committing;             /* a member is committing the group */
	int open;                   /* the group's transaction is open on writer */
	int n_joiners;              /* threads waiting in sq_begin */
	int n_alone;                /* threads waiting to write outside a transaction */
	int n_members;              /* transactions done, in the open group */
	struct db_waiter *members;  /* those transactions' waiters */
	unsigned long n_busy;       /* times a group could not begin: another
	                            ** process held the lock past the timeout */
	long long n_transactions;   /* transactions committed (sq_write_stats) */
	long long n_commits;        /* group commits that succeeded */
};

/* The open files.  sq_open and sq_close only; never held with a file's mu. */
static pthread_mutex_t files_mu = PTHREAD_MUTEX_INITIALIZER;
static struct db_file *files;

/* The file whose write queue this thread holds (as owner), to refuse a
** second transaction that would wait for the thread itself. */
static _Thread_local struct db_file *held_here;

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

/* The connection db's statements run on: the writer while db is in a
** transaction, else db itself. */
static struct db *conn(struct db *db)
{
	return db->via ? db->via : db;
}

/* Marks a statement's failure on its connection and, on the writer, on the
** connection whose transaction it runs. */
static void mark_failed(struct db *db)
{
	db->failed = 1;
	if (db->user)
		db->user->failed = 1;
}

/* How long a connection waits for another process's lock, and how often it
** tries again meanwhile. */
#define BUSY_TIMEOUT_MS 5000
#define BUSY_POLL_MS 1

/* SQLite's busy handler: try again every millisecond for 5 s.  SQLite's own
** (sqlite3_busy_timeout) backs off to tries 100 ms apart; between the
** server's back-to-back group commits the write lock is free only for
** moments, so another process polling that seldom could wait for seconds. */
static int busy_wait(void *arg, int tries)
{
	(void)arg;
	if (tries >= BUSY_TIMEOUT_MS / BUSY_POLL_MS)
		return 0;
	struct timespec ts = {0, BUSY_POLL_MS * 1000000L};
	nanosleep(&ts, NULL);
	return 1;
}

/* byline_hash(text): text_hash() of the text's bytes, for the migration
** (model/schema.c, 10) that hashed the comment bodies already stored; the
** model hashes new ones itself and binds the value.  NULL gives NULL. */
static void sql_byline_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *p = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	sqlite3_result_int64(ctx, text_hash(p ? p : "", (size_t)n));
}

/* Ends the connection's transaction, whatever it takes.  A ROLLBACK can
** itself fail (no memory to compile it, an I/O error while undoing): left
** open, the transaction would hold the write lock and every later write of
** the process and of other processes would fail.  So it is tried again,
** briefly, until SQLite says no transaction is open. */
static void rollback_hard(sqlite3 *h)
{
	for (int i = 0; i < 200 && !sqlite3_get_autocommit(h); i++) {
		if (sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK)
			return;
		struct timespec ts = {0, 5000000L}; /* 5 ms */
		nanosleep(&ts, NULL);
	}
	if (!sqlite3_get_autocommit(h))
		log_warn("database: a transaction could not be rolled back: %s", sqlite3_errmsg(h));
}

/* A connection with Byline's settings, not yet tied to a file's queue. */
static struct db *conn_open(const char *path, char *err, size_t errlen)
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
	/* Threads of this process never wait here (they queue on their file's
	** mu); the timeout is for other processes' writers and checkpoints. */
	sqlite3_busy_handler(h, busy_wait, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_create_function(h, "byline_hash", 1,
	                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                        sql_byline_hash, NULL, NULL);
	/* synchronous=FULL: in WAL mode every commit fsyncs the WAL before it
	** returns, which is what lets sq_commit's DB_OK mean "on disk". */
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
	struct db *db = mem_calloc(1, sizeof *db);
	db->h = h;
	return db;
}

static void conn_close(struct db *db)
{
	for (int i = 0; i < STMT_CACHE; i++)
		if (db->stmts[i].st)
			sqlite3_finalize(db->stmts[i].st);
	sqlite3_close(db->h);
	free(db);
}

/* The queue of the file db has open, made at its first connection.  NULL
** for a database with no file name (in memory, or temporary). */
static struct db_file *file_ref(struct db *db)
{
	const char *name = sqlite3_db_filename(db->h, "main");
	if (!name || !*name)
		return NULL;
	pthread_mutex_lock(&files_mu);
	struct db_file *f = files;
	while (f && strcmp(f->path, name) != 0)
		f = f->next;
	if (!f) {
		f = mem_calloc(1, sizeof *f);
		f->path = mem_strdup(name);
		pthread_mutex_init(&f->mu, NULL);
		pthread_cond_init(&f->cv, NULL);
		f->next = files;
		files = f;
	}
	f->refs++;
	pthread_mutex_unlock(&files_mu);
	return f;
}

/* Drops db's reference to its file; the last closes the writer. */
static void file_unref(struct db_file *f)
{
	pthread_mutex_lock(&files_mu);
	if (--f->refs > 0) {
		pthread_mutex_unlock(&files_mu);
		return;
	}
	for (struct db_file **pp = &files; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	pthread_mutex_unlock(&files_mu);
	/* No connection is left, so no thread is in the queue. */
	if (f->writer)
		conn_close(f->writer);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f->path);
	free(f);
}

struct db *sq_open(const char *path, char *err, size_t errlen)
{
	struct db *db = conn_open(path, err, errlen);
	if (db)
		db->file = file_ref(db);
	return db;
}

void sq_close(struct db *db)
{
	if (!db)
		return;
	sq_rollback(db); /* leaves the write queue if a transaction was open */
	struct db_file *f = db->file;
	conn_close(db);
	if (f)
		file_unref(f);
}

int sq_version(struct db *db)
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

int sq_migrate(struct db *db, const struct db_migration *m, size_t n_m,
               char *err, size_t errlen)
{
	int have = sq_version(db);
	for (size_t i = 0; i < n_m; i++) {
		if (m[i].version <= have)
			continue;
		int rc = sq_begin(db);
		if (rc != DB_OK) {
			snprintf(err, errlen, "migration %d: %s", m[i].version, sq_errmsg(db));
			return rc;
		}
		char *msg = NULL;
		if (sqlite3_exec(conn(db)->h, m[i].sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "migration %d: %s", m[i].version,
			         msg ? msg : "unknown error");
			sqlite3_free(msg);
			sq_rollback(db);
			return DB_ERR;
		}
		char set[64];
		snprintf(set, sizeof set, "PRAGMA user_version=%d", m[i].version);
		if (sq_exec(db, set) != DB_OK || (rc = sq_commit(db)) != DB_OK) {
			snprintf(err, errlen, "migration %d: %s", m[i].version, sq_errmsg(db));
			sq_rollback(db);
			return DB_ERR;
		}
		log_info("database migrated to version %d", m[i].version);
	}
	return DB_OK;
}

/* The statement as SQLite compiles it: its DB_INDEX() hints (db.h) made
** INDEXED BY clauses by blanking the comment marks around them.  NULL if
** sql has none; else a copy for the caller to free. */
static char *with_hints(const char *sql)
{
	static const char mark[] = "/*+INDEXED BY ";
	if (!strstr(sql, mark))
		return NULL;
	char *out = mem_strdup(sql);
	for (char *p = out; (p = strstr(p, mark)) != NULL;) {
		memset(p, ' ', 3);
		char *end = strstr(p, "*/");
		if (!end)
			break;
		memset(end, ' ', 2);
		p = end + 2;
	}
	return out;
}

struct db_stmt *sq_prepare(struct db *db, const char *sql)
{
	if (db->via)
		return sq_prepare(db->via, sql);
	db->err[0] = 0;
	size_t h = ((size_t)(uintptr_t)sql >> 3) % STMT_CACHE;
	for (int probe = 0; probe < STMT_CACHE; probe++) {
		struct db_stmt *s = &db->stmts[(h + (size_t)probe) % STMT_CACHE];
		if (s->key == sql && !s->in_use) {
			s->in_use = 1;
			return s;
		}
		if (s->key == NULL) {
			sqlite3_stmt *st;
			char *hinted = with_hints(sql);
			int prc = sqlite3_prepare_v3(db->h, hinted ? hinted : sql, -1,
			                             SQLITE_PREPARE_PERSISTENT, &st, NULL);
			free(hinted);
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
				mark_failed(db);
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
	if (rc == SQLITE_NOMEM || rc == SQLITE_TOOBIG) {
		s->db->failed = 1;
		log_warn("database: cannot bind a parameter: %s", sqlite3_errstr(rc));
	}
}

void sq_bind_int(struct db_stmt *s, int i, long long v)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_int64(s->st, i, v));
}

void sq_bind_text(struct db_stmt *s, int i, const char *v)
{
	if (!s->st)
		return;
	if (v)
		bound(s, sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT));
	else
		bound(s, sqlite3_bind_null(s->st, i));
}

void sq_bind_textn(struct db_stmt *s, int i, const char *v, size_t n)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_text64(s->st, i, v ? v : "", n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

void sq_bind_blob(struct db_stmt *s, int i, const void *p, size_t n)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_blob64(s->st, i, n ? p : "", n, SQLITE_TRANSIENT));
}

const void *sq_col_blob(struct db_stmt *s, int i, size_t *n)
{
	*n = 0;
	if (!s->st)
		return "";
	const void *p = sqlite3_column_blob(s->st, i);
	int len = sqlite3_column_bytes(s->st, i);
	if (!p && len > 0) {
		s->db->failed = 1; /* no memory to read it */
		return "";
	}
	*n = (size_t)len;
	return p ? p : "";
}

void sq_bind_double(struct db_stmt *s, int i, double v)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_double(s->st, i, v));
}

void sq_bind_null(struct db_stmt *s, int i)
{
	if (!s->st)
		return;
	bound(s, sqlite3_bind_null(s->st, i));
}

static void queue_alone_enter(struct db_file *f);
static void queue_alone_leave(struct db_file *f);

int sq_step(struct db_stmt *s)
{
	if (!s->st)
		return DB_FULL;
	/* A write outside a transaction commits when it finishes: it waits its
	** turn in the file's queue like a transaction, instead of colliding
	** with the writer's lock and sleeping in the busy handler. */
	struct db_file *f = s->db->file;
	if (f && !s->holds_queue && held_here != f && !sqlite3_stmt_busy(s->st) &&
	    !sqlite3_stmt_readonly(s->st) && sqlite3_get_autocommit(s->db->h)) {
		queue_alone_enter(f);
		s->holds_queue = 1;
	}
	int rc = sqlite3_step(s->st);
	if (s->holds_queue && rc != SQLITE_ROW) {
		s->holds_queue = 0;
		queue_alone_leave(f);
	}
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_OK;
	int mapped = map_rc(rc);
	if (mapped != DB_CONSTRAINT) {
		log_warn("database: %s", sqlite3_errmsg(s->db->h));
		mark_failed(s->db);
	}
	return mapped;
}

long long sq_col_int(struct db_stmt *s, int i)
{
	if (!s->st)
		return 0;
	return sqlite3_column_int64(s->st, i);
}

const char *sq_col_text(struct db_stmt *s, int i)
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

size_t sq_col_len(struct db_stmt *s, int i)
{
	if (!s->st)
		return 0;
	return (size_t)sqlite3_column_bytes(s->st, i);
}

int sq_col_is_null(struct db_stmt *s, int i)
{
	if (!s->st)
		return 1;
	return sqlite3_column_type(s->st, i) == SQLITE_NULL;
}

void sq_done(struct db_stmt *s)
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
	if (s->holds_queue) { /* a write with RETURNING, not stepped to its end */
		s->holds_queue = 0;
		queue_alone_leave(s->db->file);
	}
}

int sq_exec(struct db *db, const char *sql)
{
	struct db *c = conn(db);
	char *msg = NULL;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		mark_failed(c);
		log_warn("database: %s (%s)", msg ? msg : sqlite3_errstr(rc), sql);
		sqlite3_free(msg);
	}
	return map_rc(rc);
}

/* ---- The write queue ----
**
** Why: SQLite has one writer at a time, and with synchronous=FULL each
** commit waits for an fsync of the WAL.  Threads that each committed on their
** own connection collided on the write lock and slept in the busy handler,
** and paid one fsync each.  Here they queue on a mutex, run one after another
** on the writer connection, and share commits.
**
** How: the first transaction of a group opens the group's transaction on the
** writer (BEGIN IMMEDIATE).  Each transaction, the first included, runs in a
** savepoint; when it is done (sq_commit) the savepoint is released into the
** group's transaction, and the thread waits.  The next thread in the queue
** takes the writer and does the same.  When a transaction is released and no
** thread is waiting to begin (or the group is full, or a write outside a
** transaction waits), a waiting member commits the group: one COMMIT, one
** WAL fsync.  Every member's sq_commit returns that COMMIT's outcome, so a
** DB_OK is only ever given for data SQLite has synced, and a failed commit
** fails every transaction of its group, none of which is then stored (SQLite
** makes a commit visible only after its fsync, and writes the next commit
** over the frames of one that failed).
**
** A transaction that fails on its own (sq_rollback, a constraint) is rolled
** back to its savepoint and leaves the group unchanged.  An error after which
** SQLite rolled back the group's whole transaction (I/O, disk full: see
** sqlite3_get_autocommit()) fails every member already in the group.
**
** Invariants (under f->mu): at most one of owner and committing is set; a
** group is open only while it has members or an owner; members wait only for
** the group that is open. */

/* Whether a thread in sq_begin may take the writer now. */
static int can_join(const struct db_file *f)
{
	return !f->owner && !f->committing && f->n_alone == 0 && f->n_members < BATCH_MAX;
}

/* Whether the open group should be committed now. */
static int ready_to_commit(const struct db_file *f)
{
	return !f->owner && !f->committing && f->open && f->n_members > 0 &&
	       (f->n_joiners == 0 || f->n_alone > 0 || f->n_members >= BATCH_MAX);
}

/* Hands every member the group's outcome.  Called with f->mu held. */
static void members_done(struct db_file *f, int rc, const char *why)
{
	for (struct db_waiter *w = f->members; w; w = w->next) {
		w->rc = rc;
		snprintf(w->why, sizeof w->why, "%s", why);
		w->done = 1;
	}
	if (rc == DB_OK)
		f->n_transactions += f->n_members;
	f->members = NULL;
	f->n_members = 0;
}

/* Commits the open group.  Called with f->mu held and ready_to_commit(f);
** returns with it held, the group closed and its members told. */
static void group_commit(struct db_file *f)
{
	struct db *w = f->writer;
	f->committing = 1;
	int n = f->n_members;
	pthread_mutex_unlock(&f->mu);
	char why[160] = "";
	int src = sqlite3_exec(w->h, "COMMIT", NULL, NULL, NULL);
	if (src != SQLITE_OK) {
		snprintf(why, sizeof why, "%s", sqlite3_errmsg(w->h));
		log_warn("database: the commit of %d transaction%s failed: %s", n,
		         n == 1 ? "" : "s", why);
		/* Whatever SQLite left open goes: nothing of the group stays. */
		if (!sqlite3_get_autocommit(w->h))
			rollback_hard(w->h);
	}
	pthread_mutex_lock(&f->mu);
	f->committing = 0;
	f->open = 0;
	if (src == SQLITE_OK)
		f->n_commits++;
	members_done(f, map_rc(src), why);
	pthread_cond_broadcast(&f->cv);
}

/* Gives the writer back.  The transaction db ran on it is over: released
** into the group (then `joined` is its waiter, added to the members) or
** rolled back (`joined` NULL).  If the group's transaction is gone (SQLite rolled it
** back after an error) or the group is left empty, it is ended here, still
** as owner.  Returns with f->mu not held. */
/* Ends every statement of the writer still handed out: at the end of a
** transaction none may be (the writer goes to another thread next), and
** SQLite will not release a savepoint under a write in progress. */
static void writer_reset(struct db *w)
{
	for (int i = 0; i < STMT_CACHE; i++) {
		struct db_stmt *s = &w->stmts[i];
		if (s->in_use && s->st) {
			log_warn("database: a statement was still in use at the end of a "
			         "transaction: %.80s", s->key);
			sq_done(s);
		}
	}
	w->dead.in_use = 0;
}

static void writer_leave(struct db *db, struct db_waiter *joined, const char *why)
{
	struct db_file *f = db->file;
	struct db *w = f->writer;
	writer_reset(w);
	sqlite3_set_last_insert_rowid(db->h, sqlite3_last_insert_rowid(w->h));
	w->user = NULL;
	db->via = NULL;
	pthread_mutex_lock(&f->mu);
	int lost = sqlite3_get_autocommit(w->h); /* the group's transaction is gone */
	int empty = f->n_members == 0 && !joined;
	pthread_mutex_unlock(&f->mu);
	if (!lost && empty)
		rollback_hard(w->h); /* nothing in it */
	pthread_mutex_lock(&f->mu);
	if (lost || empty) {
		f->open = 0;
		if (f->n_members > 0) {
			log_warn("database: %d transaction%s waiting to commit were rolled back "
			         "with the group's: %s", f->n_members, f->n_members == 1 ? "" : "s",
			         why);
			members_done(f, DB_FULL, why);
		}
	}
	if (joined && lost) { /* cannot happen: sq_commit checked before releasing */
		joined->rc = DB_FULL;
		snprintf(joined->why, sizeof joined->why, "%s", why);
		joined->done = 1;
	} else if (joined) {
		joined->next = f->members;
		f->members = joined;
		f->n_members++;
	}
	f->owner = 0;
	held_here = NULL;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* Rolls db's transaction back to its savepoint and leaves the writer. */
static void writer_rollback(struct db *db)
{
	struct db *w = db->via;
	const char *why = "a transaction failed";
	writer_reset(w);
	if (!sqlite3_get_autocommit(w->h) &&
	    (sqlite3_exec(w->h, ROLLBACK_TO_SQL, NULL, NULL, NULL) != SQLITE_OK ||
	     sqlite3_exec(w->h, RELEASE_SQL, NULL, NULL, NULL) != SQLITE_OK)) {
		/* Cannot undo just this transaction: undo the group's. */
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(w->h));
		why = db->err;
		rollback_hard(w->h);
	}
	writer_leave(db, NULL, why);
}

static void queue_alone_enter(struct db_file *f)
{
	pthread_mutex_lock(&f->mu);
	f->n_alone++;
	while (f->owner || f->committing || f->open) {
		if (ready_to_commit(f))
			group_commit(f);
		else
			pthread_cond_wait(&f->cv, &f->mu);
	}
	f->n_alone--;
	f->owner = 1;
	held_here = f;
	pthread_mutex_unlock(&f->mu);
}

static void queue_alone_leave(struct db_file *f)
{
	pthread_mutex_lock(&f->mu);
	f->owner = 0;
	held_here = NULL;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

int sq_begin(struct db *db)
{
	struct db_file *f = db->file;
	if (!f)
		return sq_exec(db, "BEGIN IMMEDIATE");
	if (db->via || held_here) {
		/* Waiting here would wait for this very thread. */
		log_warn("database: a transaction began inside another one");
		snprintf(db->err, sizeof db->err, "a transaction is already open");
		db->failed = 1;
		return DB_ERR;
	}
	db->err[0] = 0;
	pthread_mutex_lock(&f->mu);
	f->n_joiners++;
	unsigned long busy = f->n_busy;
	while (!can_join(f) && f->n_busy == busy)
		pthread_cond_wait(&f->cv, &f->mu);
	f->n_joiners--;
	if (f->n_busy != busy) {
		/* Another process held the lock for the whole timeout while this
		** thread queued: fail as it would have had it waited alongside,
		** instead of waiting a timeout more per thread in the queue. */
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		snprintf(db->err, sizeof db->err, "database is locked");
		db->failed = 1;
		return DB_BUSY;
	}
	f->owner = 1;
	held_here = f;
	int open = f->open;
	pthread_mutex_unlock(&f->mu);
	int rc = DB_OK;
	if (!f->writer) {
		char err[256];
		f->writer = conn_open(f->path, err, sizeof err);
		if (!f->writer) {
			log_warn("database: %s", err);
			snprintf(db->err, sizeof db->err, "%.150s", err);
			rc = DB_FULL;
		}
	}
	struct db *w = f->writer;
	if (rc == DB_OK && !open) {
		int src = sqlite3_exec(w->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (src != SQLITE_OK) {
			snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(w->h));
			log_warn("database: %s (BEGIN IMMEDIATE)", db->err);
			rc = map_rc(src) == DB_OK ? DB_ERR : map_rc(src);
		} else {
			pthread_mutex_lock(&f->mu);
			f->open = 1;
			pthread_mutex_unlock(&f->mu);
		}
	}
	if (rc != DB_OK) {
		db->failed = 1;
		pthread_mutex_lock(&f->mu);
		if (rc == DB_BUSY)
			f->n_busy++;
		f->owner = 0;
		held_here = NULL;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		return rc;
	}
	db->via = w;
	w->user = db;
	int src = sqlite3_exec(w->h, SAVEPOINT_SQL, NULL, NULL, NULL);
	if (src != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(w->h));
		log_warn("database: %s (SAVEPOINT)", db->err);
		db->failed = 1;
		if (!sqlite3_get_autocommit(w->h))
			rollback_hard(w->h);
		writer_leave(db, NULL, db->err);
		return map_rc(src) == DB_OK ? DB_ERR : map_rc(src);
	}
	return DB_OK;
}

int sq_begin_alone(struct db *db)
{
	struct db_file *f = db->file;
	if (!f)
		return sq_exec(db, "BEGIN IMMEDIATE");
	if (db->via || held_here) {
		log_warn("database: a transaction began inside another one");
		snprintf(db->err, sizeof db->err, "a transaction is already open");
		db->failed = 1;
		return DB_ERR;
	}
	db->err[0] = 0;
	queue_alone_enter(f); /* the open group is committed first */
	if (!f->writer) {
		char err[256];
		f->writer = conn_open(f->path, err, sizeof err);
		if (!f->writer) {
			log_warn("database: %s", err);
			snprintf(db->err, sizeof db->err, "%.150s", err);
			db->failed = 1;
			queue_alone_leave(f);
			return DB_FULL;
		}
	}
	struct db *w = f->writer;
	int src = sqlite3_exec(w->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (src != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(w->h));
		log_warn("database: %s (BEGIN IMMEDIATE)", db->err);
		db->failed = 1;
		queue_alone_leave(f);
		return map_rc(src) == DB_OK ? DB_ERR : map_rc(src);
	}
	db->via = w;
	w->user = db;
	db->alone = 1;
	return DB_OK;
}

/* Ends a sq_begin_alone() transaction: COMMIT (commit) or ROLLBACK, and
** gives the writer back. */
static int alone_end(struct db *db, int commit)
{
	struct db_file *f = db->file;
	struct db *w = db->via;
	writer_reset(w);
	int src = SQLITE_OK;
	if (commit && sqlite3_get_autocommit(w->h)) {
		snprintf(db->err, sizeof db->err, "the transaction was rolled back after an error");
		src = SQLITE_ERROR;
	} else if (commit) {
		src = sqlite3_exec(w->h, "COMMIT", NULL, NULL, NULL);
		if (src != SQLITE_OK) {
			snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(w->h));
			log_warn("database: the commit failed: %s", db->err);
		}
	}
	if (!sqlite3_get_autocommit(w->h))
		rollback_hard(w->h); /* sq_rollback, or what a failed COMMIT left */
	sqlite3_set_last_insert_rowid(db->h, sqlite3_last_insert_rowid(w->h));
	w->user = NULL;
	db->via = NULL;
	db->alone = 0;
	if (src != SQLITE_OK)
		db->failed = 1;
	pthread_mutex_lock(&f->mu);
	if (commit && src == SQLITE_OK) {
		f->n_transactions++;
		f->n_commits++;
	}
	pthread_mutex_unlock(&f->mu);
	queue_alone_leave(f);
	return map_rc(src);
}

int sq_commit(struct db *db)
{
	if (!db->via)
		return sq_exec(db, "COMMIT"); /* no queue (no file), or a raw BEGIN */
	if (db->alone)
		return alone_end(db, 1);
	struct db_file *f = db->file;
	struct db *w = db->via;
	writer_reset(w);
	if (sqlite3_get_autocommit(w->h)) {
		/* SQLite rolled the group's transaction back after an error. */
		snprintf(db->err, sizeof db->err, "the transaction was rolled back after an error");
		db->failed = 1;
		writer_leave(db, NULL, db->err);
		return DB_FULL;
	}
	int fks = 0, hi = 0;
	sqlite3_db_status(w->h, SQLITE_DBSTATUS_DEFERRED_FKS, &fks, &hi, 0);
	if (fks > 0) {
		/* Deferred foreign keys this transaction left unresolved (the ones
		** before it were resolved, or they would not be in the group): its
		** own COMMIT would fail, so it fails alone. */
		snprintf(db->err, sizeof db->err, "FOREIGN KEY constraint failed");
		writer_rollback(db);
		return DB_CONSTRAINT;
	}
	if (sqlite3_exec(w->h, RELEASE_SQL, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(w->h));
		log_warn("database: %s (RELEASE)", db->err);
		db->failed = 1;
		writer_rollback(db);
		return DB_FULL;
	}
	struct db_waiter me = {0};
	writer_leave(db, &me, "");
	pthread_mutex_lock(&f->mu);
	while (!me.done) {
		if (ready_to_commit(f))
			group_commit(f);
		else
			pthread_cond_wait(&f->cv, &f->mu);
	}
	pthread_mutex_unlock(&f->mu);
	if (me.rc != DB_OK) {
		snprintf(db->err, sizeof db->err, "%s", me.why);
		db->failed = 1;
	}
	return me.rc;
}

void sq_rollback(struct db *db)
{
	if (db->alone)
		alone_end(db, 0);
	else if (db->via)
		writer_rollback(db);
	else if (!sqlite3_get_autocommit(db->h))
		rollback_hard(db->h);
}

void sq_set_cache(struct db *db, int kib)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", kib);
	sq_exec(db, sql);
}

int sq_read_begin(struct db *db)
{
	if (sq_in_transaction(db))
		return 0;
	return sq_exec(db, "BEGIN") == DB_OK;
}

void sq_read_end(struct db *db)
{
	sq_rollback(db); /* ends the read; it wrote nothing */
}

void sq_write_stats(struct db *db, long long *transactions, long long *commits)
{
	struct db_file *f = db->file;
	*transactions = *commits = 0;
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	*transactions = f->n_transactions;
	*commits = f->n_commits;
	pthread_mutex_unlock(&f->mu);
}

long long sq_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(conn(db)->h);
}

int sq_changes(struct db *db)
{
	return sqlite3_changes(conn(db)->h);
}

const char *sq_errmsg(struct db *db)
{
	if (!db->via && db->err[0])
		return db->err;
	return sqlite3_errmsg(conn(db)->h);
}

/* ---- pool ---- */

struct db_pool {
	int engine;          /* DB_ENGINE_SQLITE (0) */
	pthread_mutex_t mu;  /* guards free_[] and n_free */
	pthread_cond_t cv;   /* signalled when a connection comes back */
	int size;            /* connections opened */
	int n_free;          /* connections in free_[] */
	struct db **all;     /* every connection, for sq_pool_free */
	struct db **free_;   /* connections not in use */
	char *wal_path;      /* the database's -wal file, for sq_pool_data_version */
};

struct db_pool *sq_pool_new(const char *path, int size, char *err, size_t errlen)
{
	struct db_pool *p = mem_calloc(1, sizeof *p);
	p->all = mem_calloc((size_t)size, sizeof *p->all);
	p->free_ = mem_calloc((size_t)size, sizeof *p->free_);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	size_t n = strlen(path) + 5;
	p->wal_path = mem_alloc(n);
	snprintf(p->wal_path, n, "%s-wal", path);
	for (int i = 0; i < size; i++) {
		struct db *db = sq_open(path, err, errlen);
		if (!db) {
			sq_pool_free(p);
			return NULL;
		}
		p->all[p->size++] = db;
		p->free_[p->n_free++] = db;
	}
	return p;
}

void sq_pool_free(struct db_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->size; i++)
		sq_close(p->all[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->all);
	free(p->free_);
	free(p->wal_path);
	free(p);
}

/* Every commit in WAL mode appends to the -wal file (its size and time
** change), and a checkpoint that starts it afresh rewrites it: the file's
** state, hashed, stands for the database's. */
unsigned long long sq_pool_data_version(struct db_pool *p)
{
	struct stat sb;
	if (stat(p->wal_path, &sb) != 0)
		memset(&sb, 0, sizeof sb);
	long long parts[4] = {(long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
	                      (long long)sb.st_mtim.tv_nsec, (long long)sb.st_ino};
	return (unsigned long long)text_hash((const char *)parts, sizeof parts);
}

struct db *sq_pool_get(struct db_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->n_free == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	struct db *db = p->free_[--p->n_free];
	pthread_mutex_unlock(&p->mu);
	return db;
}

void sq_pool_put(struct db_pool *p, struct db *db)
{
	sq_rollback(db); /* a handler that failed midway leaves nothing open */
	pthread_mutex_lock(&p->mu);
	p->free_[p->n_free++] = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int sq_failed(struct db *db)
{
	return db->failed;
}

void sq_clear_failed(struct db *db)
{
	db->failed = 0;
}

int sq_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(conn(db)->h);
}

/* ---- Full-text search: FTS5 ----
**
** articles_fts (model/schema.c) is an FTS5 table whose rowid is the
** article's id, with the columns headline, dek and body. */

static const char sql_text_delete[] = "DELETE FROM articles_fts WHERE rowid = ?1";
static const char sql_text_insert[] =
    "INSERT INTO articles_fts(rowid, headline, dek, body) VALUES (?1, ?2, ?3, ?4)";
static const char sql_text_replace[] =
    "UPDATE articles_fts SET body = replace(body, ?2, ?3) WHERE rowid = ?1";
static const char sql_text_match[] =
    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1 ORDER BY rowid DESC";
/* CROSS JOIN keeps the full-text index outside (the planner would
** otherwise walk articles and run the match per row); rowid >= ?2 keeps it
** to the caller's window; status and date come from the narrow
** articles_rank index, not the rows. */
static const char sql_text_rank[] =
    "SELECT f.rowid FROM articles_fts f CROSS JOIN articles a INDEXED BY articles_rank"
    " ON a.id = f.rowid"
    " WHERE articles_fts MATCH ?1 AND f.rowid >= ?2 AND a.status = 'published'"
    " ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0)"
    " * (1.0 + 0.3 / (1.0 + (?3 - a.published_at) / 2592000.0)), f.rowid DESC"
    " LIMIT ?5 OFFSET ?4";
static const char sql_text_related[] =
    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH '{headline dek} : (' || ?2 || ')'"
    " AND rowid <> ?1 ORDER BY rank LIMIT ?3";
static const char sql_text_snippet[] =
    "SELECT snippet(articles_fts, 2, char(1), char(2), '…', 24) FROM articles_fts"
    " WHERE articles_fts MATCH ?1 AND rowid = ?2";

int sq_text_put(struct db *db, long long id, const char *headline, const char *dek,
                const char *body)
{
	int rc = sq_text_drop(db, id);
	if (rc != DB_OK)
		return rc;
	struct db_stmt *st = sq_prepare(db, sql_text_insert);
	sq_bind_int(st, 1, id);
	sq_bind_text(st, 2, headline ? headline : "");
	sq_bind_text(st, 3, dek ? dek : "");
	sq_bind_text(st, 4, body ? body : "");
	rc = sq_step(st);
	sq_done(st);
	return rc;
}

int sq_text_drop(struct db *db, long long id)
{
	struct db_stmt *st = sq_prepare(db, sql_text_delete);
	sq_bind_int(st, 1, id);
	int rc = sq_step(st);
	sq_done(st);
	return rc;
}

int sq_text_replace(struct db *db, long long id, const char *from, const char *to)
{
	struct db_stmt *st = sq_prepare(db, sql_text_replace);
	sq_bind_int(st, 1, id);
	sq_bind_text(st, 2, from);
	sq_bind_text(st, 3, to);
	int rc = sq_step(st);
	sq_done(st);
	return rc;
}

struct db_stmt *sq_text_match(struct db *db, const char *query)
{
	struct db_stmt *st = sq_prepare(db, sql_text_match);
	sq_bind_text(st, 1, query);
	return st;
}

struct db_stmt *sq_text_rank(struct db *db, const char *query, long long min_id, long long now,
                             long long offset, int limit)
{
	struct db_stmt *st = sq_prepare(db, sql_text_rank);
	sq_bind_text(st, 1, query);
	sq_bind_int(st, 2, min_id);
	sq_bind_int(st, 3, now);
	sq_bind_int(st, 4, offset);
	sq_bind_int(st, 5, limit);
	return st;
}

struct db_stmt *sq_text_related(struct db *db, const char *query, long long not_id, int limit)
{
	struct db_stmt *st = sq_prepare(db, sql_text_related);
	sq_bind_int(st, 1, not_id);
	sq_bind_text(st, 2, query);
	sq_bind_int(st, 3, limit);
	return st;
}

struct db_stmt *sq_text_snippet(struct db *db, const char *query, long long id)
{
	struct db_stmt *st = sq_prepare(db, sql_text_snippet);
	sq_bind_text(st, 1, query);
	sq_bind_int(st, 2, id);
	return st;
}

double sq_col_double(struct db_stmt *s, int i)
{
	return s->st ? sqlite3_column_double(s->st, i) : 0;
}

int sq_col_count(struct db_stmt *s)
{
	return s->st ? sqlite3_column_count(s->st) : 0;
}

const char *sq_col_name(struct db_stmt *s, int i)
{
	const char *n = s->st ? sqlite3_column_name(s->st, i) : NULL;
	return n ? n : "";
}

enum db_type sq_col_type(struct db_stmt *s, int i)
{
	switch (s->st ? sqlite3_column_type(s->st, i) : SQLITE_NULL) {
	case SQLITE_INTEGER: return DB_T_INT;
	case SQLITE_FLOAT: return DB_T_FLOAT;
	case SQLITE_TEXT: return DB_T_TEXT;
	case SQLITE_BLOB: return DB_T_BLOB;
	default: return DB_T_NULL;
	}
}

int sq_ids_follow(struct db *db, const char *table, const char *column)
{
	(void)db, (void)table, (void)column; /* INTEGER PRIMARY KEY: max + 1 */
	return DB_OK;
}

/* The online backup API copies every page into path in one step, under one
** read transaction, which in WAL mode holds up no writer, so the copy is the
** database as of one commit, whatever is written meanwhile. */
int sq_backup(struct db *db, const char *path, char *err, size_t errlen)
{
	sqlite3 *to = NULL;
	int rc = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s: %s", path, to ? sqlite3_errmsg(to) : "no memory");
		sqlite3_close(to);
		return DB_ERR;
	}
	sqlite3_backup *b = sqlite3_backup_init(to, "main", db->h, "main");
	if (!b) {
		snprintf(err, errlen, "cannot back up into %s: %s", path, sqlite3_errmsg(to));
		sqlite3_close(to);
		return DB_ERR;
	}
	do {
		rc = sqlite3_backup_step(b, -1); /* all pages under one read lock */
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "backup into %s failed: %s", path, sqlite3_errstr(rc));
		sqlite3_close(to);
		return map_rc(rc);
	}
	/* The copy keeps the source's WAL mode; checkpointed so the file alone is it. */
	sqlite3_wal_checkpoint_v2(to, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	rc = sqlite3_close(to);
	return rc == SQLITE_OK ? DB_OK : DB_ERR;
}

/* db_text_snippets: sql_text_snippet for the ids of a JSON array. */
static const char sql_text_snippets[] =
    "SELECT rowid, snippet(articles_fts, 2, char(1), char(2), '…', 24) FROM articles_fts"
    " WHERE articles_fts MATCH ?1 AND rowid IN (SELECT value FROM json_each(?2))";

struct db_stmt *sq_text_snippets(struct db *db, const char *query, const char *ids_json)
{
	struct db_stmt *st = sq_prepare(db, sql_text_snippets);
	sq_bind_text(st, 1, query);
	sq_bind_text(st, 2, ids_json);
	return st;
}

/* db_text_match_upto: sql_text_match's first rows. */
static const char sql_text_match_upto[] =
    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2";

struct db_stmt *sq_text_match_upto(struct db *db, const char *query, long long limit)
{
	struct db_stmt *st = sq_prepare(db, sql_text_match_upto);
	sq_bind_text(st, 1, query);
	sq_bind_int(st, 2, limit);
	return st;
}
