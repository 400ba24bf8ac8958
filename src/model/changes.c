/*
** changes.c: reading the change log (a cursor that waits for the numbers a
** concurrent writer has taken but not yet committed; see changes.h).
*/
#include "model/changes.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char sql_latest[] = "SELECT COALESCE(max(seq), 0) FROM changes";
/* The new rows, and the head (the last row) with them when it is not new:
** one statement tells both what came and whether the log went back. */
static const char sql_since[] =
    "SELECT seq, kind, id FROM changes WHERE seq > ?1 OR seq = (SELECT max(seq) FROM changes) "
    "ORDER BY seq LIMIT ?2";
static const char sql_oldest[] = "SELECT COALESCE(min(seq), 0) FROM changes";
static const char sql_these[] =
    "SELECT seq, kind, id FROM changes WHERE seq IN (SELECT value FROM json_each(?1))";
static const char sql_prune[] = "DELETE FROM changes WHERE seq <= ?1";

long long changes_latest(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_latest);
	long long seq = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return seq;
}

static enum change_kind parse_kind(const char *k)
{
	if (!strcmp(k, "article")) return CHANGE_ARTICLE;
	if (!strcmp(k, "lists")) return CHANGE_LISTS;
	if (!strcmp(k, "comments")) return CHANGE_COMMENTS;
	if (!strcmp(k, "author")) return CHANGE_AUTHOR;
	return CHANGE_ALL;
}

void changes_cursor_start(struct changes_cursor *c)
{
	c->top = -1;
	c->n_gaps = 0;
}

/* Forgets gap i (kept in the order they were passed). */
static void gap_drop(struct changes_cursor *c, int i)
{
	memmove(c->gap + i, c->gap + i + 1, (size_t)(c->n_gaps - i - 1) * sizeof *c->gap);
	memmove(c->gap_at + i, c->gap_at + i + 1, (size_t)(c->n_gaps - i - 1) * sizeof *c->gap_at);
	c->n_gaps--;
}

struct read_row {
	enum change_kind kind; /* what changed */
	long long id;          /* which */
};

int changes_read(struct db *db, struct changes_cursor *c, int max,
                 void (*fn)(void *ctx, enum change_kind kind, long long id), void *ctx)
{
	if (c->top < 0) {
		c->top = changes_latest(db);
		c->n_gaps = 0;
		return 0;
	}
	if (max > CHANGES_READ_MAX)
		max = CHANGES_READ_MAX;
	/* Read first, call after: fn must not run with a statement open. */
	struct read_row got[CHANGES_READ_MAX];
	int n = 0, overflow = 0;
	long long now = (long long)time(NULL);

	/* The gaps filled since the last read. */
	if (c->n_gaps) {
		char ids[CHANGES_GAPS_MAX * 22 + 4];
		size_t k = 0;
		ids[k++] = '[';
		for (int i = 0; i < c->n_gaps; i++)
			k += (size_t)snprintf(ids + k, sizeof ids - k, "%s%lld", i ? "," : "", c->gap[i]);
		ids[k++] = ']';
		ids[k] = 0;
		struct db_stmt *st = db_prepare(db, sql_these);
		db_bind_text(st, 1, ids);
		while (db_step(st) == DB_ROW) {
			long long seq = db_col_int(st, 0);
			for (int i = 0; i < c->n_gaps; i++)
				if (c->gap[i] == seq) {
					gap_drop(c, i);
					break;
				}
			if (n < max) {
				got[n].kind = parse_kind(db_col_text(st, 1));
				got[n].id = db_col_int(st, 2);
				n++;
			} else {
				overflow = 1;
			}
		}
		db_done(st);
	}

	/* The new ones; a number skipped becomes a gap.  The head comes first
	** when it is not new (its seq at most top): it is only looked at. */
	struct db_stmt *st = db_prepare(db, sql_since);
	db_bind_int(st, 1, c->top);
	db_bind_int(st, 2, max + 2);
	int rows = 0, any = 0;
	long long head = 0; /* the log's last seq when nothing is new (0: empty) */
	while (!overflow && db_step(st) == DB_ROW) {
		long long seq = db_col_int(st, 0);
		any = 1;
		if (seq <= c->top) {
			head = seq;
			continue;
		}
		if (++rows > max || n >= max) {
			overflow = 1;
			break;
		}
		if (seq - c->top - 1 > CHANGES_GAPS_MAX - c->n_gaps) {
			overflow = 1;
			break;
		}
		for (long long g = c->top + 1; g < seq; g++) {
			c->gap[c->n_gaps] = g;
			c->gap_at[c->n_gaps] = now;
			c->n_gaps++;
		}
		c->top = seq;
		got[n].kind = parse_kind(db_col_text(st, 1));
		got[n].id = db_col_int(st, 2);
		n++;
	}
	db_done(st);

	/* A gap below the oldest row kept was pruned unread (changes_prune):
	** what it said is lost, so everything is stale.  (The gaps are in
	** ascending order.) */
	if (!overflow && c->n_gaps) {
		struct db_stmt *ot = db_prepare(db, sql_oldest);
		if (db_step(ot) == DB_ROW && db_col_int(ot, 0) > c->gap[0])
			overflow = 1;
		db_done(ot);
	}

	/* Gaps waited for long enough are given up: a rolled-back write, or a
	** row an import's hold dropped (its batch ends with an 'all'). */
	for (int i = 0; i < c->n_gaps;)
		if (now - c->gap_at[i] > CHANGES_GAP_SECONDS)
			gap_drop(c, i);
		else
			i++;

	if (!overflow && rows == 0 && n == 0) {
		long long latest = any ? head : 0;
		if (latest < c->top) {
			/* The log went back (emptied, restored): trust nothing. */
			overflow = 1;
		}
	}
	if (overflow) {
		c->top = changes_latest(db);
		c->n_gaps = 0;
		fn(ctx, CHANGE_ALL, 0);
		return 1;
	}
	for (int i = 0; i < n; i++)
		fn(ctx, got[i].kind, got[i].id);
	return n;
}

void changes_prune(struct db *db, long long seq)
{
	struct db_stmt *st = db_prepare(db, sql_prune);
	db_bind_int(st, 1, seq);
	db_step(st);
	db_done(st);
}

static const char sql_hold[] = "INSERT INTO changes_held(id) VALUES (1) ON CONFLICT DO NOTHING";
static const char sql_unhold[] = "DELETE FROM changes_held";
static const char sql_all[] = "INSERT INTO changes(kind, id) VALUES ('all', 0)";

static int exec1(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int changes_hold(struct db *db)
{
	return exec1(db, sql_hold);
}

int changes_release(struct db *db)
{
	if (exec1(db, sql_unhold) != 0)
		return -1;
	return exec1(db, sql_all);
}
