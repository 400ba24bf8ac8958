/*
** search.h: full-text search over published articles (db.h's db_text_*
** calls; SQLite's FTS5 behind them).
**
** Any text a reader types is safe: it is never passed to the engine as
** query syntax.  search_terms() keeps only words (letters and digits, any script)
** and quotes each one, so operators, quotes, parentheses, column filters and
** invalid UTF-8 all become plain separators; an input with no word gives no
** query ("nothing found").  Words match whole (no prefixes).  Ranking:
** bm25 with the headline weighted above the standfirst above the body,
** times a small boost for recent articles, over the newest SEARCH_WINDOW
** matches.
*/
#ifndef BYLINE_MODEL_SEARCH_H
#define BYLINE_MODEL_SEARCH_H

#include <stddef.h>

#include "model/article.h"

struct db;
struct arena;

#define SEARCH_MAX_INPUT 10240 /* bytes of query text looked at */
#define SEARCH_MAX_TERMS 12
#define SEARCH_WINDOW 500      /* newest matches ranked (and reachable by pages) */
#define SEARCH_COUNT_CAP 1000  /* matches counted; past it, "1,000+" */

/* The FTS5 query for a reader's text, or NULL if it has no word: each word
** quoted, all required.  Allocated in a. */
char *search_terms(struct arena *a, const char *text, size_t len);

/* The words of text (at least 4 characters each) as FTS5 terms joined by
** OR, for "more like this"; NULL if none.  Allocated in a. */
char *search_terms_any(struct arena *a, const char *text, size_t len);

struct search_hit {
	struct article article;  /* listing fields */
	const char *snippet;     /* body excerpt: text with \\1 and \\2 around matches */
};

/* One page (offset, limit) of the best-ranked among the newest
** SEARCH_WINDOW published matches of an FTS5 query from search_terms();
** pages past the window are empty.  *total gets the number of published
** matches, counted up to SEARCH_COUNT_CAP + 1 (more means "1,000+").
** Allocated in a.  NULL with *n = 0 on a query FTS5 refuses (never happens
** for search_terms() output) or a read error. */
struct search_hit *search_run(struct db *db, struct arena *a, const char *fts_query,
                              long long offset, int limit, size_t *n, long long *total);

#endif
