/*
** copydb.c: a whole site copied between databases, table by table, and
** the counts and checksums that prove it (see copydb.h).
**
** The SQL here is built at run time, from the table names of
** schema_tables[] and the column names the source reports, which is why
** it is kept in struct copydb until both connections are closed.
*/
#include "model/copydb.h"
#include "model/schema.h"
#include "core/buf.h"
#include "core/mem.h"
#include "db/db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct copydb_sql {
	char *all;    /* SELECT * FROM t: the column names */
	char *cols;   /* SELECT c1, c2 ... FROM t */
	char *insert; /* INSERT INTO t(c1, c2 ...) VALUES (?1, ?2 ...) */
	char *del;    /* DELETE FROM t */
	int n_cols;   /* columns in cols and insert; 0: not read yet */
};

struct copydb {
	struct copydb_sql *t; /* one per schema_tables[] */
};

/* 1 if db's schema has table i (schema_table.since). */
static int has_table(struct db *db, size_t i)
{
	int since = schema_table_since(schema_tables[i].name);
	return !since || db_version(db) >= since;
}

static const char sql_is_empty[] =
    "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM articles)"
    " + (SELECT count(*) FROM pages) + (SELECT count(*) FROM comments)"
    " + (SELECT count(*) FROM media)";
static const char sql_hold[] =
    "INSERT INTO changes_held(id) VALUES (1) ON CONFLICT DO NOTHING";
static const char sql_unhold[] = "DELETE FROM changes_held";
static const char sql_forget[] = "DELETE FROM changes";
static const char sql_texts[] = "SELECT id, headline, dek, body_src FROM articles ORDER BY id";
static const char sql_ids[] = "SELECT id FROM articles";
/* A note's insert trigger (article_notes_ins) stamps its article's
** modified_at with the note's time: the source's value is put back. */
static const char sql_modified[] = "SELECT id, modified_at FROM articles";
static const char sql_set_modified[] = "UPDATE articles SET modified_at = ?2 WHERE id = ?1";

struct copydb *copydb_new(void)
{
	struct copydb *c = mem_calloc(1, sizeof *c);
	c->t = mem_calloc(schema_tables_n, sizeof *c->t);
	for (size_t i = 0; i < schema_tables_n; i++) {
		struct buf b;
		buf_init(&b);
		buf_printf(&b, "SELECT * FROM %s", schema_tables[i].name);
		c->t[i].all = buf_detach(&b, NULL);
		buf_printf(&b, "DELETE FROM %s", schema_tables[i].name);
		c->t[i].del = buf_detach(&b, NULL);
	}
	return c;
}

void copydb_free(struct copydb *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < schema_tables_n; i++) {
		free(c->t[i].all);
		free(c->t[i].cols);
		free(c->t[i].insert);
		free(c->t[i].del);
	}
	free(c->t);
	free(c);
}

/* Reads table i's column names from db (once) and builds its SQL. */
static int columns(struct copydb *c, struct db *db, size_t i)
{
	struct copydb_sql *t = &c->t[i];
	if (t->n_cols)
		return 0;
	struct db_stmt *st = db_prepare(db, t->all);
	int rc = db_step(st);
	int n = rc == DB_ROW || rc == DB_OK ? db_col_count(st) : 0;
	if (n <= 0) {
		db_done(st);
		return -1;
	}
	struct buf sel, ins;
	buf_init(&sel);
	buf_init(&ins);
	buf_puts(&sel, "SELECT ");
	buf_printf(&ins, "INSERT INTO %s(", schema_tables[i].name);
	for (int k = 0; k < n; k++) {
		buf_printf(&sel, "%s%s", k ? ", " : "", db_col_name(st, k));
		buf_printf(&ins, "%s%s", k ? ", " : "", db_col_name(st, k));
	}
	db_done(st);
	buf_printf(&sel, " FROM %s", schema_tables[i].name);
	buf_puts(&ins, ") VALUES (");
	for (int k = 0; k < n; k++)
		buf_printf(&ins, "%s?%d", k ? ", " : "", k + 1);
	buf_puts(&ins, ")");
	t->cols = buf_detach(&sel, NULL);
	t->insert = buf_detach(&ins, NULL);
	t->n_cols = n;
	return 0;
}

int copydb_is_empty(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_is_empty);
	int rc = db_step(st);
	long long n = rc == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return n < 0 ? -1 : n == 0;
}

static int run(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK || rc == DB_ROW ? 0 : -1;
}

int copydb_clear(struct copydb *c, struct db *db, char *err, size_t errlen)
{
	if (db_begin_alone(db) != DB_OK)
		goto fail;
	struct db_stmt *st = db_prepare(db, sql_ids);
	long long *ids = NULL;
	size_t n = 0, cap = 0;
	while (db_step(st) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			ids = mem_realloc(ids, cap * sizeof *ids);
		}
		ids[n++] = db_col_int(st, 0);
	}
	db_done(st);
	int bad = 0;
	for (size_t k = 0; k < n && !bad; k++)
		bad = db_text_drop(db, ids[k]) != DB_OK;
	free(ids);
	for (size_t i = schema_tables_n; i-- > 0 && !bad;)
		bad = run(db, c->t[i].del) != 0;
	if (bad || run(db, sql_forget) != 0 || db_commit(db) != DB_OK) {
		db_rollback(db);
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot empty the destination: %s", db_errmsg(db));
	return -1;
}

/* Binds column k of the row src is on to parameter k + 1 of ins. */
static void bind_value(struct db_stmt *ins, struct db_stmt *src, int k)
{
	size_t n;
	const void *p;
	switch (db_col_type(src, k)) {
	case DB_T_NULL: db_bind_null(ins, k + 1); break;
	case DB_T_INT: db_bind_int(ins, k + 1, db_col_int(src, k)); break;
	case DB_T_FLOAT: db_bind_double(ins, k + 1, db_col_double(src, k)); break;
	case DB_T_BLOB:
		p = db_col_blob(src, k, &n);
		db_bind_blob(ins, k + 1, p, n);
		break;
	case DB_T_TEXT:
		p = db_col_text(src, k);
		db_bind_textn(ins, k + 1, p, db_col_len(src, k));
		break;
	}
}

/* Copies table i, batch rows a transaction; the destination's rows that
** migrations or the triggers of tables copied before put there go first. */
static int copy_table(struct copydb *c, struct db *src, struct db *dst, size_t i, int batch)
{
	struct copydb_sql *t = &c->t[i];
	if (columns(c, src, i) != 0)
		return -1;
	if (db_begin_alone(dst) != DB_OK)
		return -1;
	int rc = run(dst, t->del);
	int in_batch = 0;
	struct db_stmt *st = db_prepare(src, t->cols);
	int step;
	while (rc == 0 && (step = db_step(st)) == DB_ROW) {
		struct db_stmt *ins = db_prepare(dst, t->insert);
		for (int k = 0; k < t->n_cols; k++)
			bind_value(ins, st, k);
		if (db_step(ins) != DB_OK)
			rc = -1;
		db_done(ins);
		if (rc == 0 && ++in_batch == batch) {
			in_batch = 0;
			if (db_commit(dst) != DB_OK || db_begin_alone(dst) != DB_OK)
				rc = -1;
		}
	}
	if (rc == 0 && step != DB_OK)
		rc = -1;
	db_done(st);
	if (rc != 0) {
		db_rollback(dst);
		return -1;
	}
	if (db_commit(dst) != DB_OK)
		return -1;
	if (schema_tables[i].ident && db_ids_follow(dst, schema_tables[i].name,
	                                            schema_tables[i].ident) != DB_OK)
		return -1;
	return 0;
}

/* The search index of dst, from src's articles, and what the triggers of
** tables copied after articles changed in them put back. */
static int reindex(struct db *src, struct db *dst, int batch)
{
	if (db_begin_alone(dst) != DB_OK)
		return -1;
	int rc = 0, in_batch = 0;
	struct db_stmt *st = db_prepare(src, sql_modified);
	while (rc == 0 && db_step(st) == DB_ROW) {
		struct db_stmt *up = db_prepare(dst, sql_set_modified);
		db_bind_int(up, 1, db_col_int(st, 0));
		if (db_col_is_null(st, 1))
			db_bind_null(up, 2);
		else
			db_bind_int(up, 2, db_col_int(st, 1));
		rc = db_step(up) == DB_OK ? 0 : -1;
		db_done(up);
		if (rc == 0 && ++in_batch == batch) {
			in_batch = 0;
			if (db_commit(dst) != DB_OK || db_begin_alone(dst) != DB_OK)
				rc = -1;
		}
	}
	db_done(st);
	st = db_prepare(src, sql_texts);
	while (rc == 0 && db_step(st) == DB_ROW) {
		if (db_text_put(dst, db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		                db_col_text(st, 3)) != DB_OK)
			rc = -1;
		else if (++in_batch == batch) {
			in_batch = 0;
			if (db_commit(dst) != DB_OK || db_begin_alone(dst) != DB_OK)
				rc = -1;
		}
	}
	db_done(st);
	if (rc != 0) {
		db_rollback(dst);
		return -1;
	}
	return db_commit(dst) == DB_OK ? 0 : -1;
}

int copydb_copy(struct copydb *c, struct db *src, struct db *dst, int batch, char *err,
                size_t errlen)
{
	if (batch < 1)
		batch = 1;
	if (run(dst, sql_hold) != 0) {
		snprintf(err, errlen, "cannot hold the destination's change log: %s", db_errmsg(dst));
		return -1;
	}
	size_t i = 0;
	int rc = 0;
	for (; i < schema_tables_n && rc == 0; i++)
		if (has_table(src, i) && copy_table(c, src, dst, i, batch) != 0) {
			snprintf(err, errlen, "copying table %s failed: %s / %s", schema_tables[i].name,
			         db_errmsg(src), db_errmsg(dst));
			rc = -1;
		}
	if (rc == 0 && reindex(src, dst, batch) != 0) {
		snprintf(err, errlen, "rebuilding the search index failed: %s", db_errmsg(dst));
		rc = -1;
	}
	if (run(dst, sql_forget) != 0 || run(dst, sql_unhold) != 0) {
		if (rc == 0)
			snprintf(err, errlen, "cannot release the change log: %s", db_errmsg(dst));
		rc = -1;
	}
	/* The copy is served next: its planner statistics now, not when the
	** engine gets round to them. */
	if (rc == 0 && db_analyze(dst) != DB_OK) {
		snprintf(err, errlen, "cannot gather the copy's statistics: %s", db_errmsg(dst));
		rc = -1;
	}
	return rc;
}

/* FNV-1a over n bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t k = 0; k < n; k++)
		h = (h ^ s[k]) * 0x100000001b3ULL;
	return h;
}

int copydb_sum(struct copydb *c, struct db *db, size_t i, long long *rows,
               unsigned long long *sum)
{
	*rows = 0;
	*sum = 0;
	if (!has_table(db, i))
		return 0; /* none: as a table with no row */
	if (columns(c, db, i) != 0)
		return -1;
	struct db_stmt *st = db_prepare(db, c->t[i].cols);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		uint64_t h = 0xcbf29ce484222325ULL;
		for (int k = 0; k < c->t[i].n_cols; k++) {
			/* Each value by kind: a number as digits (an integral float as
			** an integer: engines store 1.0 differently), text and bytes
			** alike, each with its length. */
			char num[40];
			size_t n = 0;
			const void *p = num;
			char kind = 'N';
			enum db_type ty = db_col_type(st, k);
			double d = ty == DB_T_FLOAT ? db_col_double(st, k) : 0;
			if (ty == DB_T_INT || (ty == DB_T_FLOAT && d == (double)(long long)d)) {
				kind = 'I';
				n = (size_t)snprintf(num, sizeof num, "%lld",
				                     ty == DB_T_INT ? db_col_int(st, k) : (long long)d);
			} else if (ty == DB_T_FLOAT) {
				kind = 'F';
				n = (size_t)snprintf(num, sizeof num, "%.17g", d);
			} else if (ty != DB_T_NULL) {
				kind = 'S';
				p = ty == DB_T_BLOB ? db_col_blob(st, k, &n) : db_col_text(st, k);
				if (ty == DB_T_TEXT)
					n = db_col_len(st, k);
			}
			char head[24];
			int hn = snprintf(head, sizeof head, "%c%zu:", kind, n);
			h = fnv(h, head, (size_t)hn);
			h = fnv(h, p, n);
		}
		/* Mixed (splitmix64's finish) so that a sum of rows spreads. */
		h ^= h >> 30;
		h *= 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 27;
		h *= 0x94d049bb133111ebULL;
		h ^= h >> 31;
		*sum += h;
		(*rows)++;
	}
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}
