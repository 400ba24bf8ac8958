/*
** search.c: turning readers' text into a safe full-text query (db.h's form:
** quoted words), and running it through db.h's full-text calls.
*/
#include "model/search.h"
#include "core/arena.h"
#include "core/json.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How a search runs, each step bounded whatever the words:
**
**   1. The matches are walked in the full-text index alone, newest first
**      (id order, no row read), skipping unpublished articles (a short
**      list read first): this counts them up to SEARCH_COUNT_CAP + 1 and
**      takes the newest SEARCH_WINDOW as the ones to rank.
**   2. Only that window is scored: bm25 (headline 10, standfirst 4, body
**      1) times a small boost for recency; the page is cut from it.
**   3. Only the page's hits are read whole, with their highlighted passage.
**
** So a word found in most of a large archive costs little more than a rare
** one; bm25 itself still reads each word's whole list once (for its rarity),
** the one cost that grows with the archive. */

/* From the status index (an ORDER BY id would walk the whole table). */
static const char sql_unpublished[] =
    "SELECT id FROM articles WHERE status IN ('draft', 'pending', 'scheduled')";
/* The matches (db_text_match), the window's page best first (db_text_rank:
** ids from the window's oldest up), and the highlighted passage of each hit
** (db_text_snippet: only the page's hits pay for it) are db.h's. */

/* 1 if code point cp is part of a word: ASCII letters and digits, and every
** non-ASCII letter-like code point (FTS5's unicode61 decides the rest). */
static int word_char(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	/* General punctuation, quotes and symbols are separators. */
	if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
	    cp == 0x00A0 || cp == 0x00AB || cp == 0x00BB || (cp >= 0xFE30 && cp <= 0xFE4F) ||
	    (cp >= 0xFF00 && cp <= 0xFF0F))
		return 0;
	return 1;
}

/* The words of text[0..len) as quoted FTS5 terms joined by sep; with
** min_len, shorter words are skipped.  *n gets the count. */
static void collect(struct buf *q, const char *text, size_t len, const char *sep,
                    size_t min_len, int *n, size_t *last_len);

char *search_terms_any(struct arena *a, const char *text, size_t len)
{
	struct buf q = BUF_INIT;
	int n = 0;
	size_t last;
	collect(&q, text, len, " OR ", 4, &n, &last);
	char *out = n ? arena_strdup(a, buf_cstr(&q)) : NULL;
	buf_free(&q);
	return out;
}

char *search_terms(struct arena *a, const char *text, size_t len)
{
	if (!text)
		return NULL;
	struct buf q = BUF_INIT;
	int terms = 0;
	size_t last_len = 0;
	collect(&q, text, len, " ", 1, &terms, &last_len);
	if (!terms) {
		buf_free(&q);
		return NULL;
	}
	/* Exact words only: a prefix ("budg*") makes FTS5 merge the lists of
	** every word it begins, on every query. */
	(void)last_len;
	char *out = arena_strdup(a, buf_cstr(&q));
	buf_free(&q);
	return out;
}

static void collect(struct buf *q, const char *text, size_t len, const char *sep,
                    size_t min_len, int *n, size_t *last_len)
{
	if (len > SEARCH_MAX_INPUT)
		len = SEARCH_MAX_INPUT;
	size_t i = 0;
	*n = 0;
	*last_len = 0;
	while (i < len && *n < SEARCH_MAX_TERMS) {
		/* Skip separators (and bytes that are not UTF-8). */
		uint32_t cp;
		int k = utf8_decode(text + i, len - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		if (!word_char(cp)) {
			i += (size_t)k;
			continue;
		}
		size_t start = i;
		while (i < len) {
			k = utf8_decode(text + i, len - i, &cp);
			if (k == 0 || !word_char(cp))
				break;
			i += (size_t)k;
		}
		if (i - start > 100 || i - start < min_len)
			continue;
		if (*n)
			buf_puts(q, sep);
		buf_putc(q, '"');
		buf_put(q, text + start, i - start);
		buf_putc(q, '"');
		*last_len = i - start;
		(*n)++;
	}
}

static int by_id(const void *pa, const void *pb)
{
	long long x = *(const long long *)pa, y = *(const long long *)pb;
	return x < y ? -1 : x > y;
}

/* The sorted ids of unpublished articles (few: drafts, held, scheduled).
** Allocated in a. */
static long long *unpublished(struct db *db, struct arena *a, size_t *n)
{
	long long *ids = db_col_ids(db_prepare(db, sql_unpublished), a, (size_t)-1, n);
	qsort(ids, *n, sizeof *ids, by_id);
	return ids;
}

static int holds(const long long *sorted, size_t n, long long id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sorted[mid] == id)
			return 1;
		if (sorted[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

struct search_hit *search_run(struct db *db, struct arena *a, const char *fts_query,
                              long long offset, int limit, size_t *n, long long *total)
{
	*n = 0;
	*total = 0;
	size_t n_hidden;
	long long *hidden = unpublished(db, a, &n_hidden);
	/* 1. Count, and find the window's oldest id: no more matches asked for
	** than the count can use (the cap's, and the hidden ones skipped). */
	struct db_stmt *st =
	    db_text_match_upto(db, fts_query, SEARCH_COUNT_CAP + 1 + (long long)n_hidden);
	long long count = 0, oldest = 0;
	int rc = DB_OK;
	while (count <= SEARCH_COUNT_CAP && (rc = db_step(st)) == DB_ROW) {
		long long id = db_col_int(st, 0);
		if (n_hidden && holds(hidden, n_hidden, id))
			continue;
		if (++count <= SEARCH_WINDOW)
			oldest = id;
	}
	if (count <= SEARCH_COUNT_CAP && rc != DB_OK) {
		db_done(st);
		return NULL;
	}
	db_done(st);
	*total = count;
	struct search_hit *hits = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof *hits);
	if (!count || offset >= SEARCH_WINDOW)
		return hits;
	/* 2. Score the window; the page's ids. */
	long long *ids = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof *ids);
	size_t k = 0;
	st = db_text_rank(db, fts_query, oldest, (long long)time(NULL), offset, limit);
	while ((int)k < limit && db_step(st) == DB_ROW)
		ids[k++] = db_col_int(st, 0);
	db_done(st);
	/* 3. The page's hits, whole, and their passages: one statement each
	** for the whole page (not one a hit: a round trip each on PostgreSQL). */
	struct article *cards = arena_alloc(a, (k ? k : 1) * sizeof *cards);
	int *found = arena_alloc(a, (k ? k : 1) * sizeof *found);
	const char **snip = arena_alloc(a, (k ? k : 1) * sizeof *snip);
	article_cards_by_ids(db, a, ids, k, cards, found);
	for (size_t i = 0; i < k; i++)
		snip[i] = "";
	if (k) {
		st = db_text_snippets(db, fts_query, json_ids(a, ids, k));
		while (db_step(st) == DB_ROW) {
			long long id = db_col_int(st, 0);
			for (size_t i = 0; i < k; i++)
				if (ids[i] == id)
					snip[i] = arena_strdup(a, db_col_text(st, 1));
		}
		db_done(st);
	}
	size_t got = 0;
	for (size_t i = 0; i < k; i++) {
		if (!found[i]) /* gone since: left out */
			continue;
		hits[got].article = cards[i];
		hits[got].snippet = snip[i];
		got++;
	}
	*n = got;
	return hits;
}
