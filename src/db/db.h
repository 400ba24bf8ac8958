/*
** db.h: the database interface the model layer is written against.
**
** Deliberately narrow so that two backends implement it (db_sqlite.c,
** db_pg.c for PostgreSQL; db.c picks one by the path given to db_open):
** open a connection, prepare SQL text, bind parameters by position, step
** through rows, read columns, run a transaction.  SQL is written with
** numbered parameters (?1, ?2, ...), which SQLite reads as they are and a
** PostgreSQL backend maps to $1, $2.  Nothing outside db/ includes sqlite3.h.
**
** The SQL the layers above write is the part SQLite (3.35 and later) and
** PostgreSQL read alike: no rowid (explicit id columns), ON CONFLICT
** instead of INSERT OR IGNORE/REPLACE, CASE instead of iif, values computed
** in C and bound instead of custom SQL functions.  What differs between
** engines is a call here: a read snapshot (db_read_begin), a substring test
** (DB_SQL_CONTAINS), an index hint (DB_INDEX), full-text search (db_text_*),
** the "something was committed" signal (db_pool_data_version), a cache size
** for bulk writers (db_set_cache).  tests/request/test_sql_portable.py lists
** any SQLite-only construct written outside db/ and the migrations
** (model/schema.c: SQLite's dialect; another engine has its own schema).
**
** Statements are prepared once per connection and cached by the address of
** their SQL text, so callers pass SQL as named constants (static const char
** []) and never build SQL at run time.  A statement is borrowed from the
** cache: db_prepare() hands it out reset and unbound, and db_done() gives it
** back.  A connection is used by one thread at a time; db_pool hands them
** out.
*/
#ifndef BYLINE_DB_DB_H
#define BYLINE_DB_DB_H

#include <stddef.h>

struct db;
struct db_stmt;

enum db_rc {
	DB_OK = 0,       /* statement done, or call succeeded */
	DB_ROW = 1,      /* db_step(): a row is ready */
	DB_ERR = -1,     /* any other failure; db_errmsg() says what */
	DB_BUSY = -2,    /* the database stayed locked past the busy timeout */
	DB_CONSTRAINT = -3, /* a UNIQUE, CHECK or foreign-key constraint failed */
	DB_FULL = -4,    /* disk full or I/O error: the write did not happen */
};

/* One migration: the schema change that takes the database to `version`. */
struct db_migration {
	int version;     /* 1, 2, 3 ... in order */
	const char *sql; /* statements separated by ';' */
};

/* SQL, as a string literal, true when the text hay contains the text
** needle (both SQL expressions, as string literals): a LIKE with needle's
** wildcards and escape character escaped, which both engines read alike (an
** empty needle is in every text).  Compare lowered texts for a search that
** ignores case. */
#define DB_SQL_CONTAINS(hay, needle) \
	"(" hay " LIKE ('%' || replace(replace(replace(" needle ", '\\', '\\\\')," \
	" '%', '\\%'), '_', '\\_') || '%') ESCAPE '\\')"

/* An index hint, for the few statements whose best plan SQLite does not
** find by itself (a covering index instead of the row a body fills): put
** right after the table's name, it is an SQL comment, which engines skip,
** and the SQLite backend makes it its INDEXED BY clause when it compiles
** the statement.  DB_INDEX("articles_rank") */
#define DB_INDEX(name) " /*+INDEXED BY " name "*/"

/* Opens (creating if needed) the database at path and applies the settings
** Byline relies on: WAL, synchronous=FULL, foreign keys, defensive mode,
** trusted_schema off, a busy timeout.  A path beginning "postgresql://" or
** "postgres://" is a PostgreSQL connection string instead (libpq's URI, e.g.
** postgresql:///byline?host=/run/postgresql), of a database that exists.
** Returns NULL with a message in err. */
struct db *db_open(const char *path, char *err, size_t errlen);
void db_close(struct db *db);

/* 1 when path names a PostgreSQL database ("postgresql://..." or
** "postgres://..."), else it is an SQLite file: db_open's choice, for a
** caller sizing what it starts by the engine (serve's worker threads). */
int db_is_pg(const char *path);

/* The engine db runs on: "sqlite" or "postgresql", for the one choice
** above db/ that differs by engine, the list of migrations (model/schema.c). */
const char *db_engine(struct db *db);

/* Applies, in one transaction each, every migration newer than the
** database's recorded version.  Returns DB_OK or an error (message in err). */
int db_migrate(struct db *db, const struct db_migration *m, size_t n_m,
               char *err, size_t errlen);

/* The schema version recorded in the database. */
int db_version(struct db *db);

/* A cached statement for sql, reset and unbound.  SQL that does not compile
** (syntax, a missing table) is a programming error: the process stops with
** the message.  A runtime failure while compiling (I/O, memory) gives a
** statement whose every step fails, and marks the connection failed. */
struct db_stmt *db_prepare(struct db *db, const char *sql);

void db_bind_int(struct db_stmt *st, int i, long long v);
void db_bind_text(struct db_stmt *st, int i, const char *s); /* NULL binds NULL */
void db_bind_textn(struct db_stmt *st, int i, const char *s, size_t n);
/* Bytes (a BLOB): p[0..n). */
void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
void db_bind_null(struct db_stmt *st, int i);
void db_bind_double(struct db_stmt *st, int i, double v);

/* DB_ROW while rows come, then DB_OK; or an error code. */
int db_step(struct db_stmt *st);

/* Column values of the current row.  Text is borrowed until the next step or
** db_done(); NULL columns read as 0 and "" (use db_col_is_null to tell). */
long long db_col_int(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i);
/* A BLOB column's bytes (valid until the next step or db_done) and length. */
const void *db_col_blob(struct db_stmt *st, int i, size_t *n);
size_t db_col_len(struct db_stmt *st, int i);
int db_col_is_null(struct db_stmt *st, int i);

/* A column's value as a floating-point number (0 when NULL). */
double db_col_double(struct db_stmt *st, int i);

/* What a statement's columns are, for a tool that copies rows it does not
** know (byline copy-db): their number and names (valid once the statement
** has been stepped, even when it gave no row), and the kind of value in
** column i of the current row (SQLite: the value's own type; PostgreSQL:
** the column's: integer and boolean types DB_T_INT, floating and numeric
** DB_T_FLOAT, bytea DB_T_BLOB, anything else DB_T_TEXT). */
enum db_type { DB_T_NULL, DB_T_INT, DB_T_FLOAT, DB_T_TEXT, DB_T_BLOB };
int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int i);
enum db_type db_col_type(struct db_stmt *st, int i);

/* Gives the statement back to its connection's cache. */
void db_done(struct db_stmt *st);

/* Steps st (prepared and bound by the caller) through at most max rows,
** collecting column 0 as integers in the order read, then db_done()s it.
** The array is allocated in a; *n gets its length. */
struct arena;
long long *db_col_ids(struct db_stmt *st, struct arena *a, size_t max, size_t *n);

/* Runs SQL with no parameters and no rows (schema, pragmas).  DB_OK or error. */
int db_exec(struct db *db, const char *sql);

/* Write transactions.  Every connection of this process to one database
** file shares one writer connection: db_begin waits for it (in a queue, not
** in SQLite's busy handler, which is left for other processes), and from
** then until db_commit or db_rollback every statement prepared on db runs on
** the writer, inside a savepoint of a transaction that the transactions
** queued behind it join.  The last to finish commits the group (one WAL
** fsync, synchronous=FULL) and db_commit returns only once that commit is
** on disk: DB_OK means durable, and any error means not stored (the whole
** group failed, or this transaction did).  A transaction sees the writes of
** those committed with it, as it would had they committed one by one.
** Writes outside a transaction (autocommit) queue the same way and commit
** alone.  No transaction may span a call that waits for another thread's
** write.  On PostgreSQL there is no queue: each transaction runs on its own
** connection, side by side with others, and a write that fails inside one
** undoes only itself, as here.  See docs/ARCHITECTURE.md, "Storage". */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* A transaction that commits alone, for bulk writes (an import): it waits
** for the open group to commit, then runs on the writer in the file's own
** transaction, with no savepoint (whose journal of every page changed is
** held in memory, and costs more the bigger the transaction), while every
** other writer of the process waits.  Ended by db_commit (its own COMMIT
** and fsync, DB_OK meaning durable) or db_rollback, as any other.  Keep
** one short enough (a second or so) that the writers it holds up do not
** time out. */
int db_begin_alone(struct db *db);

/* What the write queue of db's file did since the file was first opened in
** this process: transactions committed (db_commit's DB_OK) and the commits,
** one WAL fsync each, that made them durable.  For tests and the log. */
void db_write_stats(struct db *db, long long *transactions, long long *commits);

/* Requests db's connection sent to the server and waited for, since it was
** opened (PostgreSQL: each one a round trip, which a page's cost on that
** engine mostly is; a write inside a transaction, its savepoint included,
** is one once its statement is prepared.  SQLite, in the process: 0).
** For tests and profiles. */
long long db_round_trips(struct db *db);

/* A read snapshot: from db_read_begin until db_read_end, every read on db
** sees the database as it was at the first one, whatever commits meanwhile
** (SQLite: a deferred BEGIN; PostgreSQL: REPEATABLE READ, READ ONLY).  Only
** reads belong inside.  Returns 1 if a snapshot was opened, for
** db_read_end to close; 0 inside a transaction already (its snapshot holds)
** or if it could not be opened (reads then each see the latest commit). */
int db_read_begin(struct db *db);
void db_read_end(struct db *db);

/* A hint for a bulk writer: the engine may keep up to kib KiB of the
** database's pages in memory for db (SQLite: the cache_size of the
** connection its writes run on; an engine without such a knob ignores it). */
void db_set_cache(struct db *db, int kib);

/* After a bulk load (a copy, a restore): the engine's planner statistics
** brought up to date, so that the first queries after it get the plans
** the data calls for (PostgreSQL: ANALYZE, which its autovacuum would run
** only minutes later: until then the sections menu read every article,
** 23 ms a page on 10,000 articles instead of 0.2, bench/POSTGRESQL.md.
** SQLite: nothing, its plans rest on no statistics Byline gathers).  DB_OK
** or an error. */
int db_analyze(struct db *db);

/* After rows were written with explicit values in table's generated
** column (a copy), makes the next generated value follow the largest one
** there (PostgreSQL: its identity sequence; SQLite picks max + 1 by
** itself).  DB_OK or an error. */
int db_ids_follow(struct db *db, const char *table, const char *column);

/* A consistent copy of the whole database, taken while others read and
** write it, into the new file path (SQLite: its online backup API; another
** engine: DB_ERR, its copy is made by reading in a snapshot instead). */
int db_backup(struct db *db, const char *path, char *err, size_t errlen);

/* 1 if a statement on this connection failed (I/O, memory, lock: anything
** but a constraint) since db_clear_failed(): the request's answer may rest on
** missing data, so it must not be shown as if complete. */
int db_failed(struct db *db);
void db_clear_failed(struct db *db);

/* 1 while a transaction is open (SQLite rolls one back by itself on some
** errors: check before writing what must be inside it). */
int db_in_transaction(struct db *db);

long long db_last_id(struct db *db);
int db_changes(struct db *db);
const char *db_errmsg(struct db *db);

/* ---- Full-text search over articles ----
**
** Each article's headline, standfirst and body, under its id, in an index
** the engine keeps (SQLite: the FTS5 table articles_fts), written in the
** caller's transaction so that it never disagrees with the articles table.
** A query is words, each in double quotes (letters and digits only:
** model/search.c makes them from a reader's text), separated by " " (all
** required) or " OR " (any); words match whole.  The statements returned
** are bound and ready: the caller steps them and gives them back with
** db_done(), as any other. */

/* Indexes (again) article id's text.  DB_OK or an error. */
int db_text_put(struct db *db, long long id, const char *headline, const char *dek,
                const char *body);
/* Takes article id out of the index. */
int db_text_drop(struct db *db, long long id);
/* Replaces every from by to in the indexed body of article id (an image's
** address rewritten in the article's body). */
int db_text_replace(struct db *db, long long id, const char *from, const char *to);
/* Every article matching query, whatever its status, newest (highest id)
** first: column 0 the id. */
struct db_stmt *db_text_match(struct db *db, const char *query);
/* One page (offset, limit) of the published articles matching query whose
** id is at least min_id, best first: relevance (a headline match weighs
** 10, the standfirst 4, the body 1) times a small boost for the recently
** published (now: the time, in seconds).  Column 0 the id. */
struct db_stmt *db_text_rank(struct db *db, const char *query, long long min_id, long long now,
                             long long offset, int limit);
/* Up to limit articles whose headline or standfirst match query (any
** status; not_id left out), best first.  Column 0 the id. */
struct db_stmt *db_text_related(struct db *db, const char *query, long long not_id, int limit);
/* One row: the passage of article id's body that best shows query's words
** (about 24 words, "…" where cut), each match between the bytes \1 and
** \2.  No row if id does not match. */
struct db_stmt *db_text_snippet(struct db *db, const char *query, long long id);

/* A fixed set of connections shared by threads. */
struct db_pool;
struct db_pool *db_pool_new(const char *path, int size, char *err, size_t errlen);
void db_pool_free(struct db_pool *p);
struct db *db_pool_get(struct db_pool *p); /* waits for a free connection */
void db_pool_put(struct db_pool *p, struct db *db);

/* A number that changes whenever anything (this process or another) may
** have committed to the pool's database since it was last read: cheap, no
** connection borrowed, for a cache deciding whether to look at the change
** log.  It may change with nothing committed, never the other way round
** (SQLite: the state of the -wal file; PostgreSQL: the server's snapshot,
** read at most every 20 ms, and this process's commits). */
unsigned long long db_pool_data_version(struct db_pool *p);

/* How long statements took (each db_step, on every connection of the
** process, either engine), for /metrics: count[i] steps took at most
** bound[i] seconds and more than bound[i-1]; `over` took longer than the
** last bound; sum is all their seconds. */
#define DB_LATENCY_BUCKETS 9
struct db_latency {
	double bound[DB_LATENCY_BUCKETS];
	unsigned long long count[DB_LATENCY_BUCKETS];
	unsigned long long over;
	double sum;
};
void db_latency_read(struct db_latency *out);

/* Whether this process leads the background work (publishing, purges, the
** mail, webhook and Webmention queues, image variants), which runs on one
** node at a time when several serve one database.  SQLite: always 1 (one
** process owns the file).  PostgreSQL: a session-level advisory lock named
** by `name` (any text; every node and every call pass the same), held on a
** connection of its own for as long as this process leads; a follower
** tries for it at most once a second, a leader checks its connection at
** most once a second and steps down when it is gone (the server then has
** let go of the lock, and another node takes over).  Safe from any thread;
** cheap enough to call at every tick.  Work a leader claimed and did not
** finish is the queues' business (their claims expire). */
int db_leader(struct db_pool *p, const char *name);

/* db_text_snippet for several articles at once (one statement, not one
** each): a row (id, passage) for each article of ids_json (a JSON array
** of ids, as json_each reads) that matches query, in no set order. */
struct db_stmt *db_text_snippets(struct db *db, const char *query, const char *ids_json);

/* db_text_match's first limit rows (newest first): a count that stops at a
** cap need not have every match sent. */
struct db_stmt *db_text_match_upto(struct db *db, const char *query, long long limit);

#endif
